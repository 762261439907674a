//! Price books (rules stored as domain JSON, applied in id order, effective from a month's first day) and the
//! rating input read from `rating_rollups` (never from raw line items: the rollup grain is what invoices are
//! priced at).
use std::collections::{BTreeMap, HashMap};

use async_trait::async_trait;
use billops_domain::rating::{ChargeLine, LineRef, PriceBook, PriceRule, Pricing, RuleScope};
use billops_domain::terms::Effective;
use billops_domain::{ChargeCategory, Period};
use chrono::NaiveDate;

use crate::audit::{self, Audit};
use crate::close::locks;
use crate::db::{Arg, Db, args, json, money_sum, placeholders, unjson};
use crate::parties::{customer_id, user_in};
use crate::rating::month_start;
use crate::{Actor, CustomerCharges, Result, SqlStore, StoreError, StoredPriceRule};

fn rating(e: billops_domain::rating::RatingError) -> StoreError {
    StoreError::Invalid(e.to_string())
}

pub(crate) async fn list_rules(db: &Db, customer: &str) -> Result<Vec<StoredPriceRule>> {
    let rows = db
        .all(
            "SELECT p.id, c.code, p.rule_json, p.created_by, p.created_at FROM price_rules p \
             JOIN customers c ON c.id = p.customer_id WHERE c.code = $1 ORDER BY p.id",
            args![customer],
        )
        .await?;
    rows.iter()
        .map(|r| {
            Ok(StoredPriceRule {
                id: r.get(0)?,
                customer: r.get(1)?,
                rule: unjson(&r.get::<String>(2)?, "price rule")?,
                created_by: r.get(3)?,
                created_at: r.get(4)?,
            })
        })
        .collect()
}

pub(crate) async fn price_book(db: &Db, customer: &str) -> Result<PriceBook> {
    let rules = list_rules(db, customer).await?.into_iter().map(|r| r.rule).collect();
    PriceBook::new(customer, rules).map_err(rating)
}

/// Text of dictionary ids, looked up in slices (the dictionary also holds resource ids: never load it whole).
pub(crate) async fn dict_values(db: &Db, ids: Vec<i64>) -> Result<HashMap<i64, String>> {
    let mut out = HashMap::with_capacity(ids.len());
    for chunk in ids.chunks(500) {
        let sql = format!("SELECT id, value FROM dict WHERE id IN ({})", placeholders(1, chunk.len()));
        let a: Vec<Arg> = chunk.iter().map(|&i| Arg::from(i)).collect();
        for r in db.all(&sql, a).await? {
            out.insert(r.get(0)?, r.get(1)?);
        }
    }
    Ok(out)
}

/// A rule to add: its scope and pricing, effective from a month's first day.
#[derive(Debug, Clone, PartialEq)]
pub struct NewPriceRule {
    pub scope: RuleScope,
    pub pricing: Pricing,
    pub from: NaiveDate,
}

/// A transaction of a user who may change price books.
async fn writer(db: &Db, by: &Actor) -> Result<crate::db::Tx> {
    let mut tx = db.begin().await?;
    if !user_in(&mut tx, by).await?.role.can_write() {
        return Err(StoreError::Forbidden(format!("{} may not change price books", by.name)));
    }
    Ok(tx)
}

/// One rule after the customer's existing ones, audited, inside the caller's transaction.
async fn add_in(
    tx: &mut crate::db::Tx,
    cid: i64,
    customer: &str,
    r: &NewPriceRule,
    by: &Actor,
) -> Result<StoredPriceRule> {
    crate::fields::rule_scope(&r.scope)?;
    month_start("price rule", r.from)?;
    // a rule from a locked period on would re-price it: rules start in an open period
    locks::refuse_from(tx, r.from).await?;
    let id: i64 = tx
        .one(
            "INSERT INTO price_rules (customer_id, rule_json, created_by, created_at) VALUES ($1, '', $2, $3) RETURNING id",
            args![cid, by.name.as_str(), by.at],
        )
        .await?
        .get(0)?;
    let rule =
        PriceRule::new(format!("R{id}"), r.scope.clone(), r.pricing, Effective::starting(r.from)).map_err(rating)?;
    tx.exec("UPDATE price_rules SET rule_json = $1 WHERE id = $2", args![json(&rule)?, id]).await?;
    let stored =
        StoredPriceRule { id, customer: customer.to_string(), rule, created_by: by.name.clone(), created_at: by.at };
    audit::write(tx, by, Audit::new("pricebook.add", "price_rule", &id.to_string()).after(&stored)).await?;
    Ok(stored)
}

/// Price books and the rating input (billed cost per customer at the rollup grain).
#[async_trait]
pub trait PriceBooks: Send + Sync {
    async fn add_price_rule(
        &self,
        customer: &str,
        scope: RuleScope,
        pricing: Pricing,
        from: NaiveDate,
        by: &Actor,
    ) -> Result<StoredPriceRule>;
    /// Several rules for one customer in one transaction, in the given order after its existing rules: every
    /// rule or none (a refused rule names its position, 1-based, and nothing is added).
    async fn add_price_rules(&self, customer: &str, rules: &[NewPriceRule], by: &Actor)
    -> Result<Vec<StoredPriceRule>>;
    async fn list_price_rules(&self, customer: &str) -> Result<Vec<StoredPriceRule>>;
    async fn price_book(&self, customer: &str) -> Result<PriceBook>;
    /// Billed cost of the period per customer at the rollup grain (assigned cost only), customers in code order.
    async fn charges(&self, period: Period, customer: Option<&str>) -> Result<Vec<CustomerCharges>>;
    /// The customers with assigned cost in the period (codes in order): what a run over every customer reads
    /// one by one, so it holds one customer's charges at a time.
    async fn charged_customers(&self, period: Period) -> Result<Vec<String>>;
}

#[async_trait]
impl PriceBooks for SqlStore {
    async fn add_price_rule(
        &self,
        customer: &str,
        scope: RuleScope,
        pricing: Pricing,
        from: NaiveDate,
        by: &Actor,
    ) -> Result<StoredPriceRule> {
        let mut tx = writer(&self.db, by).await?;
        let cid = customer_id(&mut tx, customer).await?;
        let stored = add_in(&mut tx, cid, customer, &NewPriceRule { scope, pricing, from }, by).await?;
        tx.commit().await?;
        Ok(stored)
    }
    async fn add_price_rules(
        &self,
        customer: &str,
        rules: &[NewPriceRule],
        by: &Actor,
    ) -> Result<Vec<StoredPriceRule>> {
        let mut tx = writer(&self.db, by).await?;
        let cid = customer_id(&mut tx, customer).await?;
        let mut out = Vec::with_capacity(rules.len());
        for (n, r) in rules.iter().enumerate() {
            // dropping the transaction on the way out rolls back the rules added before this one
            let stored = add_in(&mut tx, cid, customer, r, by).await.map_err(|e| match e {
                StoreError::Invalid(m) => StoreError::Invalid(format!("rule {}: {m}", n + 1)),
                e => e,
            })?;
            out.push(stored);
        }
        tx.commit().await?;
        Ok(out)
    }
    async fn list_price_rules(&self, customer: &str) -> Result<Vec<StoredPriceRule>> {
        list_rules(&self.db, customer).await
    }
    async fn price_book(&self, customer: &str) -> Result<PriceBook> {
        price_book(&self.db, customer).await
    }
    /// The rating input of a period: `rating_rollups` summed over batches at the grain (customer, account, service,
    /// product, component, charge category, region, usage type, unit, payer, currency). Each line carries the
    /// currency of its cost (never the customer's: the draft converts or refuses). Each line is dated the period's first
    /// day: rules and rates take effect on month boundaries, so what is in force on that day is what applies to the
    /// whole period. `quantity` is `None` when no source row of the line had one.
    async fn charged_customers(&self, period: Period) -> Result<Vec<String>> {
        let rows = self
            .db
            .all(
                "SELECT c.code FROM customers c WHERE c.id IN (SELECT DISTINCT customer_id FROM rating_rollups \
                 WHERE period = $1 AND customer_id <> 0) ORDER BY c.code",
                args![period.to_string()],
            )
            .await?;
        rows.iter().map(|r| r.get(0)).collect()
    }
    async fn charges(&self, period: Period, customer: Option<&str>) -> Result<Vec<CustomerCharges>> {
        let mut customers: BTreeMap<i64, (String, String)> = BTreeMap::new();
        for r in self.db.all("SELECT id, code, currency FROM customers", vec![]).await? {
            customers.insert(r.get(0)?, (r.get(1)?, r.get(2)?));
        }
        let keys = "customer_id, account, service, product, component, charge_category, region, usage_type, unit, payer, \
             currency";
        let b = self.db.backend();
        let (billed, quantity) = (money_sum(b, "", "billed"), money_sum(b, "", "quantity"));
        let mut a = args![period.to_string()];
        let mut filter = String::from("customer_id <> 0");
        if let Some(code) = customer {
            let id = customers.iter().find(|(_, (c, _))| c == code).map(|(id, _)| *id);
            let id = id.ok_or_else(|| StoreError::NotFound(format!("customer {code}")))?;
            a.push(id.into());
            filter = String::from("customer_id = $2");
        }
        let sql = format!(
            "SELECT {keys}, CAST(sum(row_count) AS BIGINT), CAST(sum(no_quantity) AS BIGINT), {billed}, {quantity} \
             FROM rating_rollups WHERE period = $1 AND {filter} GROUP BY {keys} ORDER BY {keys}"
        );
        let rows = self.db.all(&sql, a).await?;
        let mut ids: Vec<i64> = Vec::new();
        for r in &rows {
            for k in 1..11 {
                ids.push(r.get(k)?);
            }
        }
        ids.sort_unstable();
        ids.dedup();
        let dict = dict_values(&self.db, ids).await?;
        let text = |id: i64| dict.get(&id).cloned().unwrap_or_default();
        let mut out: BTreeMap<String, CustomerCharges> = BTreeMap::new();
        for (n, r) in rows.iter().enumerate() {
            let cid: i64 = r.get(0)?;
            let Some((code, currency)) = customers.get(&cid) else { continue };
            let category: ChargeCategory = text(r.get(5)?).parse().unwrap_or(ChargeCategory::Usage);
            // rows without a quantity in the group: the line has none (unit rates and resource units refuse it
            // rather than charge part of it)
            let no_quantity: i64 = r.get(12)?;
            let (cost, next) = r.money(13)?;
            // The cost's own currency: the draft converts it (an approved FX rate) or refuses. A file that states
            // no currency is taken to be in the customer's.
            let line_currency = text(r.get(10)?);
            let line_currency = if line_currency.is_empty() { currency.clone() } else { line_currency };
            let (q, _) = r.money(next)?;
            let line = ChargeLine {
                source: LineRef(i64::try_from(n).unwrap_or(i64::MAX)),
                account: text(r.get(1)?),
                usage_date: period.start(),
                service: text(r.get(2)?),
                product: text(r.get(3)?),
                component: text(r.get(4)?),
                usage_type: text(r.get(7)?),
                region: text(r.get(6)?),
                charge_category: category,
                quantity: (no_quantity == 0).then_some(q),
                unit: text(r.get(8)?),
                cost,
                currency: line_currency,
            };
            let e = out.entry(code.clone()).or_insert_with(|| CustomerCharges {
                customer: code.clone(),
                currency: currency.clone(),
                lines: Vec::new(),
                payers: Vec::new(),
            });
            e.lines.push(line);
            e.payers.push(text(r.get(9)?));
        }
        if let Some(code) = customer
            && !out.contains_key(code)
            && let Some((_, currency)) = customers.values().find(|(c, _)| c == code)
        {
            let empty =
                CustomerCharges { customer: code.into(), currency: currency.clone(), lines: vec![], payers: vec![] };
            out.insert(code.to_string(), empty);
        }
        Ok(out.into_values().collect())
    }
}
