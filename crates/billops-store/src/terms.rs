//! Customer billing terms, effective-dated: tax rate, invoice-level discount, rounding rule, payment days.
use std::str::FromStr;

use async_trait::async_trait;
use billops_domain::money::RoundingRule;
use billops_domain::terms::Percent;
use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::audit::{self, Audit};
use crate::close::locks;
use crate::db::{Db, Row, args};
use crate::parties::{customer_id, user_in};
use crate::{Actor, CustomerTerms, NewTerms, Result, SqlStore, StoreError, StoredTerms, TermsDiscount};

const SELECT: &str = "SELECT t.id, c.code, t.valid_from, t.tax_pct, t.discount_pct, t.discount_label, t.rounding, \
                      t.due_days, t.set_by, t.set_at FROM customer_terms t JOIN customers c ON c.id = t.customer_id";

pub(crate) fn rounding_str(r: RoundingRule) -> &'static str {
    match r {
        RoundingRule::HalfAwayFromZero => "half_away_from_zero",
        RoundingRule::HalfEven => "half_even",
        RoundingRule::Down => "down",
    }
}

fn rounding(s: &str) -> Result<RoundingRule> {
    match s {
        "half_away_from_zero" => Ok(RoundingRule::HalfAwayFromZero),
        "half_even" => Ok(RoundingRule::HalfEven),
        "down" => Ok(RoundingRule::Down),
        other => Err(StoreError::Invalid(format!("stored rounding rule {other:?}"))),
    }
}

fn pct(s: &str) -> Result<Percent> {
    let d = Decimal::from_str(s).map_err(|e| StoreError::Invalid(format!("stored percentage {s:?}: {e}")))?;
    Percent::new(d).map_err(|e| StoreError::Invalid(e.to_string()))
}

fn row(r: &Row) -> Result<StoredTerms> {
    let discount = pct(&r.get::<String>(4)?)?;
    let label: String = r.get(5)?;
    Ok(StoredTerms {
        id: r.get(0)?,
        customer: r.get(1)?,
        from: r.get(2)?,
        terms: CustomerTerms {
            tax_rate: pct(&r.get::<String>(3)?)?,
            discount: (!discount.is_zero()).then_some(TermsDiscount { pct: discount, label }),
            rounding: rounding(&r.get::<String>(6)?)?,
            due_days: r.get(7)?,
        },
        set_by: r.get(8)?,
        set_at: r.get(9)?,
    })
}

fn validate(t: &CustomerTerms) -> Result<()> {
    if t.due_days < 0 {
        return Err(StoreError::Invalid(format!("payment terms of {} days", t.due_days)));
    }
    if t.tax_rate > Percent::HUNDRED {
        return Err(StoreError::Invalid(format!("tax rate {} is over 100%", t.tax_rate)));
    }
    if let Some(d) = &t.discount
        && d.pct > Percent::HUNDRED
    {
        return Err(StoreError::Invalid(format!("discount {} is over 100%", d.pct)));
    }
    Ok(())
}

/// Every entry of a customer's terms, oldest first.
pub(crate) async fn list(db: &Db, customer: &str) -> Result<Vec<StoredTerms>> {
    let rows = db.all(&format!("{SELECT} WHERE c.code = $1 ORDER BY t.valid_from"), args![customer]).await?;
    if rows.is_empty() && db.opt("SELECT id FROM customers WHERE code = $1", args![customer]).await?.is_none() {
        return Err(StoreError::NotFound(format!("customer {customer}")));
    }
    rows.iter().map(row).collect()
}

/// Customers' effective-dated billing terms.
#[async_trait]
pub trait Terms: Send + Sync {
    /// Record a customer's terms from `t.from` (same date: replaced). Refused in or before a locked period.
    async fn set_terms(&self, t: &NewTerms, by: &Actor) -> Result<StoredTerms>;
    /// Every entry of a customer's terms, oldest first.
    async fn list_terms(&self, customer: &str) -> Result<Vec<StoredTerms>>;
    /// The entry in force on `day`, if any (callers default to [`CustomerTerms::default`]).
    async fn terms_on(&self, customer: &str, day: NaiveDate) -> Result<Option<StoredTerms>>;
}

#[async_trait]
impl Terms for SqlStore {
    /// Record terms in force from `t.from`; an entry with the same date is replaced (audited with before/after).
    /// Refused when `t.from` falls in or before a locked period (it would change what that period was billed on).
    async fn set_terms(&self, t: &NewTerms, by: &Actor) -> Result<StoredTerms> {
        crate::fields::terms(t)?;
        validate(&t.terms)?;
        let mut tx = self.db.begin().await?;
        if !user_in(&mut tx, by).await?.role.can_write() {
            return Err(StoreError::Forbidden(format!("{} may not set billing terms", by.name)));
        }
        let cid = customer_id(&mut tx, &t.customer).await?;
        locks::refuse_from(&mut tx, t.from).await?;
        // periods are billed on the terms in force on their first day: a mid-month start would be deferred silently
        crate::rating::month_start("billing terms", t.from)?;
        let before = match tx
            .opt(&format!("{SELECT} WHERE t.customer_id = $1 AND t.valid_from = $2"), args![cid, t.from])
            .await?
        {
            Some(r) => Some(row(&r)?),
            None => None,
        };
        tx.exec("DELETE FROM customer_terms WHERE customer_id = $1 AND valid_from = $2", args![cid, t.from]).await?;
        let (discount, label) = match &t.terms.discount {
            Some(d) => (d.pct.value().to_string(), d.label.clone()),
            None => ("0".to_string(), String::new()),
        };
        let id: i64 = tx
            .one(
                "INSERT INTO customer_terms (customer_id, valid_from, tax_pct, discount_pct, discount_label, rounding, \
                 due_days, set_by, set_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
                args![
                    cid,
                    t.from,
                    t.terms.tax_rate.value().to_string(),
                    discount,
                    label,
                    rounding_str(t.terms.rounding),
                    t.terms.due_days,
                    by.name.as_str(),
                    by.at
                ],
            )
            .await?
            .get(0)?;
        let saved = row(&tx.one(&format!("{SELECT} WHERE t.id = $1"), args![id]).await?)?;
        let eid = t.customer.clone();
        let mut a = Audit::new("terms.set", "customer", &eid).after(&saved);
        if let Some(b) = &before {
            a = a.before(b);
        }
        audit::write(&mut tx, by, a).await?;
        tx.commit().await?;
        Ok(saved)
    }
    async fn list_terms(&self, customer: &str) -> Result<Vec<StoredTerms>> {
        list(&self.db, customer).await
    }
    /// The entry in force on `day` (the latest starting on or before it).
    async fn terms_on(&self, customer: &str, day: NaiveDate) -> Result<Option<StoredTerms>> {
        Ok(list(&self.db, customer).await?.into_iter().rev().find(|t| t.from <= day))
    }
}
