//! Per-contract interest terms and per-service SLA tiers, as data (migration 0014).
//!
//! - Interest terms: one row per customer and effective range (half-open; open-ended rows allowed). A new row
//!   closes the customer's open-ended row that started before it; rows that would still overlap are refused.
//!   The customer's rows are its rate table; the row in effect on the first day of accrual gives the terms
//!   (day basis, rate fixing, compounding, cap, waiver, grace days).
//! - SLA tiers: uptime thresholds → credit percent per supplier service; service `*` (seeded with the compute
//!   region-level tiers) serves every service without its own rows.
//!
//! Both are contract data: managers write them, every write audited in its transaction.
use async_trait::async_trait;
use billops_domain::Role;
use billops_domain::interest::{InterestRule, InterestTerms};
use billops_domain::money::parse_decimal;
use billops_domain::sla::{SlaPolicy, SlaTier};
use billops_domain::terms::{Effective, EffectiveTable, Percent};
use chrono::{DateTime, Days, NaiveDate, Utc};
use rust_decimal::Decimal;
use serde::Serialize;

use crate::audit::{self, Audit};
use crate::db::{Conn, Row, Tx, args, json, unjson};
use crate::parties::{customer_id, role_in};
use crate::{Actor, Result, SqlStore, StoreError};

/// The SLA-tier service whose rows serve every service without its own.
pub const DEFAULT_SERVICE: &str = "*";

/// Interest terms for a customer from a date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewInterestTerms {
    pub customer: String,
    /// The rule's name as shown (`prompt-payment`, `agency`, a contract's own).
    pub rule: String,
    pub terms: InterestTerms,
    /// The annual rate.
    pub rate: Percent,
    pub from: NaiveDate,
    /// Exclusive; `None`: until a later row.
    pub to: Option<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StoredInterestTerms {
    pub id: i64,
    pub customer: String,
    pub rule: String,
    pub terms: InterestTerms,
    pub rate: Percent,
    pub from: NaiveDate,
    pub to: Option<NaiveDate>,
    pub set_by: String,
    pub set_at: DateTime<Utc>,
}

/// The rule a customer's interest is computed by on a day: its name and the terms with the rate table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CustomerInterest {
    pub rule: String,
    pub interest: InterestRule,
}

#[async_trait]
pub trait InterestTermsStore: Send + Sync {
    /// Set terms (all rows or none, one transaction). Managers.
    async fn set_interest_terms(&self, rows: &[NewInterestTerms], by: &Actor) -> Result<usize>;
    /// One customer's rows (or every customer's), by customer and date.
    async fn interest_terms(&self, customer: Option<&str>) -> Result<Vec<StoredInterestTerms>>;
    /// The customer's rule for an accrual starting on `first_day` (`None`: the customer has no terms).
    async fn customer_interest(&self, customer: &str, first_day: NaiveDate) -> Result<Option<CustomerInterest>>;
    /// Every tier row: (service, tier), by service and threshold.
    async fn sla_tiers(&self) -> Result<Vec<(String, SlaTier)>>;
    /// Replace one service's tiers (validated as a policy first). Managers.
    async fn set_sla_tiers(&self, service: &str, tiers: &[SlaTier], by: &Actor) -> Result<()>;
    /// The tiers a claim on `service` is assessed by: its own, else the default (`*`).
    async fn sla_policy(&self, service: &str) -> Result<SlaPolicy>;
}

async fn manager(tx: &mut Tx, by: &Actor, what: &str) -> Result<()> {
    let role = role_in(tx, &by.name).await?;
    if role != Role::Manager {
        return Err(StoreError::Forbidden(format!("{} may not set {what} (needs manager, is {role})", by.name)));
    }
    Ok(())
}

fn dec(text: &str, what: &str) -> Result<Decimal> {
    parse_decimal(text).map_err(|e| StoreError::Invalid(format!("stored {what} {text:?}: {e}")))
}

fn pct(text: &str, what: &str) -> Result<Percent> {
    Percent::new(dec(text, what)?).map_err(|e| StoreError::Invalid(format!("stored {what} {text:?}: {e}")))
}

const SELECT: &str = "SELECT t.id, c.code, t.rule, t.terms, t.rate, t.effective_from, t.effective_to, t.set_by, \
                      t.set_at FROM interest_terms t JOIN customers c ON c.id = t.customer_id";

fn terms_row(r: &Row) -> Result<StoredInterestTerms> {
    Ok(StoredInterestTerms {
        id: r.get(0)?,
        customer: r.get(1)?,
        rule: r.get(2)?,
        terms: unjson(&r.get::<String>(3)?, "interest terms")?,
        rate: pct(&r.get::<String>(4)?, "interest rate")?,
        from: r.get(5)?,
        to: r.get(6)?,
        set_by: r.get(7)?,
        set_at: r.get(8)?,
    })
}

async fn rows_of(c: &mut Conn<'_>, customer: Option<&str>) -> Result<Vec<StoredInterestTerms>> {
    let rows = match customer {
        Some(code) => {
            let sql = format!("{SELECT} WHERE c.code = $1 ORDER BY c.code, t.effective_from");
            c.all(&sql, args![code]).await?
        }
        None => c.all(&format!("{SELECT} ORDER BY c.code, t.effective_from"), vec![]).await?,
    };
    rows.iter().map(terms_row).collect()
}

/// The customer's rate table (refuses overlapping rows).
fn table(rows: &[StoredInterestTerms]) -> Result<EffectiveTable<Percent>> {
    let mut entries = Vec::with_capacity(rows.len());
    for r in rows {
        let e = Effective::new(r.from, r.to).map_err(|e| StoreError::Invalid(format!("interest terms: {e}")))?;
        entries.push((e, r.rate));
    }
    EffectiveTable::new(entries).map_err(|e| StoreError::Conflict(format!("interest terms overlap: {e}")))
}

#[async_trait]
impl InterestTermsStore for SqlStore {
    async fn set_interest_terms(&self, rows: &[NewInterestTerms], by: &Actor) -> Result<usize> {
        let mut tx = self.db.begin().await?;
        manager(&mut tx, by, "interest terms").await?;
        for (n, row) in rows.iter().enumerate() {
            let at =
                |e: StoreError| if rows.len() > 1 { StoreError::Invalid(format!("row {}: {e}", n + 1)) } else { e };
            row.terms.validate().map_err(|e| at(StoreError::Invalid(format!("interest terms: {e}"))))?;
            if row.to.is_some_and(|t| t <= row.from) {
                return Err(at(StoreError::Invalid(format!("interest terms from {} end before they start", row.from))));
            }
            let cid = customer_id(&mut tx, &row.customer).await.map_err(at)?;
            // A new row closes the open-ended row that started before it.
            tx.exec(
                "UPDATE interest_terms SET effective_to = $1 WHERE customer_id = $2 AND effective_to IS NULL \
                 AND effective_from < $1",
                args![row.from, cid],
            )
            .await?;
            let sql = "INSERT INTO interest_terms (customer_id, rule, terms, rate, effective_from, effective_to, \
                       set_by, set_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)";
            let a = args![
                cid,
                row.rule.as_str(),
                json(&row.terms)?,
                row.rate.value().normalize().to_string(),
                row.from,
                row.to,
                by.name.as_str(),
                by.at
            ];
            tx.exec(sql, a).await.map_err(|e| match e {
                StoreError::Conflict(_) => {
                    StoreError::Conflict(format!("{} already has interest terms from {}", row.customer, row.from))
                }
                other => other,
            })?;
            let now = rows_of(&mut Conn::Tx(&mut tx), Some(&row.customer)).await?;
            table(&now).map_err(at)?;
            let id = format!("{}@{}", row.customer, row.from);
            let after = serde_json::json!({"rule": row.rule, "terms": row.terms, "rate": row.rate, "to": row.to});
            audit::write(&mut tx, by, Audit::new("interest_terms.set", "interest_terms", &id).after(&after)).await?;
        }
        tx.commit().await?;
        Ok(rows.len())
    }

    async fn interest_terms(&self, customer: Option<&str>) -> Result<Vec<StoredInterestTerms>> {
        rows_of(&mut Conn::Db(&self.db), customer).await
    }

    async fn customer_interest(&self, customer: &str, first_day: NaiveDate) -> Result<Option<CustomerInterest>> {
        let rows = rows_of(&mut Conn::Db(&self.db), Some(customer)).await?;
        // The terms in effect on the first day of accrual; before the first row, the first row's.
        let Some(row) = rows.iter().rev().find(|r| r.from <= first_day).or_else(|| rows.first()) else {
            return Ok(None);
        };
        let rates = table(&rows)?;
        let interest = InterestRule::new(row.terms.clone(), rates)
            .map_err(|e| StoreError::Invalid(format!("interest terms of {customer}: {e}")))?;
        Ok(Some(CustomerInterest { rule: row.rule.clone(), interest }))
    }

    async fn sla_tiers(&self) -> Result<Vec<(String, SlaTier)>> {
        let rows = self.db.all("SELECT service, below, credit FROM sla_tiers", vec![]).await?;
        let mut out = Vec::with_capacity(rows.len());
        for r in &rows {
            let tier = SlaTier {
                below: dec(&r.get::<String>(1)?, "SLA threshold")?,
                credit: pct(&r.get::<String>(2)?, "SLA credit")?,
            };
            out.push((r.get::<String>(0)?, tier));
        }
        out.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.below.cmp(&a.1.below)));
        Ok(out)
    }

    async fn set_sla_tiers(&self, service: &str, tiers: &[SlaTier], by: &Actor) -> Result<()> {
        let service = service.trim();
        if service.is_empty() {
            return Err(StoreError::Invalid("SLA tiers: a service (or * for the default)".into()));
        }
        SlaPolicy::new(service, tiers.to_vec(), Decimal::ONE)
            .map_err(|e| StoreError::Invalid(format!("SLA tiers of {service}: {e}")))?;
        let mut tx = self.db.begin().await?;
        manager(&mut tx, by, "SLA tiers").await?;
        tx.exec("DELETE FROM sla_tiers WHERE service = $1", args![service]).await?;
        for t in tiers {
            let a = args![service, t.below.normalize().to_string(), t.credit.value().normalize().to_string()];
            tx.exec("INSERT INTO sla_tiers (service, below, credit) VALUES ($1, $2, $3)", a).await?;
        }
        audit::write(&mut tx, by, Audit::new("sla_tiers.set", "sla_tiers", service).after(&tiers)).await?;
        tx.commit().await
    }

    async fn sla_policy(&self, service: &str) -> Result<SlaPolicy> {
        let all = self.sla_tiers().await?;
        let own: Vec<SlaTier> = all.iter().filter(|(s, _)| s == service).map(|(_, t)| *t).collect();
        let (name, tiers) = if own.is_empty() {
            let default = all.iter().filter(|(s, _)| s == DEFAULT_SERVICE).map(|(_, t)| *t).collect::<Vec<_>>();
            ("default tiers".to_string(), default)
        } else {
            (format!("{service} tiers"), own)
        };
        if tiers.is_empty() {
            return Ok(SlaPolicy::aws_compute_region());
        }
        SlaPolicy::new(name, tiers, Decimal::ONE).map_err(|e| StoreError::Invalid(format!("SLA tiers: {e}")))
    }
}

/// The first day of accrual after a due date.
pub fn first_day(due: NaiveDate) -> NaiveDate {
    due.checked_add_days(Days::new(1)).unwrap_or(due)
}
