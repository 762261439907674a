//! Variance between periods: billed cost per assigned customer × service of a period and the one before, read
//! from the rollups with exact sums; explanations (driver, text, the Δ they explain) recorded by operators,
//! one per period, customer and service, refused in a locked period and audited. The domain
//! (`billops_domain::variance`) decides what is flagged and whether an explanation is still current.
use std::collections::{BTreeMap, HashMap};

use async_trait::async_trait;
use billops_domain::variance::{
    Driver, Explanation, ReviewedVariance, ServiceCost, Variance, VarianceError, VarianceThresholds, compare, review,
    service_label, split_label,
};
use billops_domain::{Period, SplitDecimal};
use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use serde::Serialize;

use crate::audit::{self, Audit};
use crate::close::locks;
use crate::db::{Arg, Conn, Row, args, money_args, money_cols, parse_period, placeholders};
use crate::parties::{customer_id, user_in};
use crate::{Actor, Result, SqlStore, StoreError};

/// Billed cost per assigned customer × service in `period` and `previous` (the month before).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ServiceCosts {
    pub period: Period,
    pub previous: Period,
    /// Whether both periods have imported cost (assigned or not); otherwise nothing is compared (a month
    /// not imported yet is missing data, not a variance).
    pub baseline: bool,
    /// By customer code, then service.
    pub costs: Vec<ServiceCost>,
}

/// An explanation to record (or to replace the one of the same period, customer and service).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewExplanation {
    pub period: Period,
    pub customer: String,
    pub service: String,
    pub driver: Driver,
    pub text: String,
    /// The Δ the operator looked at; when the current Δ differs (data arrived meanwhile) the write is a
    /// `Conflict`. `None` explains whatever the current Δ is.
    pub expected_delta: Option<Decimal>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StoredExplanation {
    pub id: i64,
    pub period: Period,
    pub customer: String,
    pub service: String,
    pub explanation: Explanation,
}

fn invalid(e: VarianceError) -> StoreError {
    StoreError::Invalid(e.to_string())
}

/// Which customer × service pairs to sum.
enum Only<'a> {
    /// Every assigned customer's (PostgreSQL; SQLite reads them with `packed`).
    All,
    /// Those the thresholds flag (exact on PostgreSQL's NUMERIC; every pair on SQLite, which reads them with
    /// `packed`).
    Flaggable(&'a VarianceThresholds),
    /// One customer id, service name and currency.
    Pair(i64, &'a str, &'a str),
}

/// Sums per customer and service of `period` ($1) and the month before ($2), one row per pair, from the summary
/// when `summary` (it is at this grain: `service_rollups`).
async fn sums(c: &mut Conn<'_>, summary: bool, period: Period, only: Only<'_>) -> Result<Vec<ServiceCost>> {
    let b = c.backend();
    let cols: Vec<String> = money_cols(b, "billed").split(", ").map(str::to_string).collect();
    let pick = |k: usize, when_cur: &str, when_prev: &str| -> Vec<String> {
        cols.iter()
            .enumerate()
            .map(|(i, col)| {
                let (x, y) = (when_cur.replace('@', col), when_prev.replace('@', col));
                format!("sum(CASE WHEN period = $1 THEN {x} ELSE {y} END) AS s{k}_{i}")
            })
            .collect()
    };
    let mut select = pick(0, "@", "0");
    select.extend(pick(1, "0", "@"));
    select.push("CAST(sum(CASE WHEN period = $1 THEN row_count ELSE 0 END) AS BIGINT) AS nc".into());
    select.push("CAST(sum(CASE WHEN period = $1 THEN 0 ELSE row_count END) AS BIGINT) AS np".into());
    let outer: Vec<String> = select.iter().filter_map(|e| e.rsplit(" AS ").next().map(|a| format!("x.{a}"))).collect();
    let mut a: Vec<Arg> = args![period.to_string(), period.prev().to_string()];
    let mut having = String::new();
    let filter = match only {
        Only::Pair(cid, service, currency) => {
            a.extend(args![cid, service, currency]);
            "AND customer_id = $3 AND service = (SELECT id FROM dict WHERE value = $4) \
             AND currency = (SELECT id FROM dict WHERE value = $5)"
        }
        Only::All => "AND customer_id <> 0",
        Only::Flaggable(th) => {
            let delta = |col: &str| format!("sum(CASE WHEN period = $1 THEN {col} ELSE -{col} END)");
            let cur = |col: &str| format!("sum(CASE WHEN period = $1 THEN {col} ELSE 0 END)");
            let prev = |col: &str| format!("sum(CASE WHEN period = $1 THEN 0 ELSE {col} END)");
            match b {
                // Exact on NUMERIC: the pairs the rule flags (new and gone ones on |Δ| alone).
                crate::Backend::Postgres => {
                    a.push(Arg::Dec(Some(th.abs())));
                    a.push(Arg::Dec(Some(th.pct().value())));
                    let (d, p) = (delta("billed"), prev("billed"));
                    having = format!(
                        "HAVING abs({d}) >= $3 AND ({} = 0 OR {p} = 0 OR abs({d}) * 100 >= $4 * abs({p}))",
                        cur("billed")
                    );
                }
                // SQLite reads the months packed instead (`packed`); here, every pair.
                crate::Backend::Sqlite => {}
            }
            "AND customer_id <> 0"
        }
    };
    let sql = format!(
        "SELECT c.code, d.value, cur.value, c.currency, {} FROM (SELECT customer_id, service, currency, {} \
         FROM {table} WHERE period IN ($1, $2) {filter} GROUP BY customer_id, service, currency {having}) x \
         JOIN customers c ON c.id = x.customer_id JOIN dict d ON d.id = x.service \
         LEFT JOIN dict cur ON cur.id = x.currency",
        outer.join(", "),
        select.join(", "),
        table = crate::service_rollups::by_service(summary),
    );
    let mut out = Vec::new();
    for r in c.all(&sql, a).await? {
        let (cur, i) = r.money(4)?;
        let (prev, i) = r.money(i)?;
        let count = |k: usize| -> Result<u64> { Ok(u64::try_from(r.get::<i64>(k)?).unwrap_or(0)) };
        let currency = r.get::<Option<String>>(2)?.unwrap_or_default();
        out.push(ServiceCost {
            customer: r.get(0)?,
            service: service_label(&r.get::<String>(1)?, &currency, &r.get::<String>(3)?),
            prev,
            cur,
            prev_rows: count(i + 1)?,
            cur_rows: count(i)?,
        });
    }
    // By code and service in byte order on both backends (PostgreSQL would sort by its collation).
    out.sort_by(|x, y| (&x.customer, &x.service).cmp(&(&y.customer, &y.service)));
    Ok(out)
}

/// One month's billed sums per (customer id, service id, currency id) on SQLite, as ONE text row:
/// `cid sid cur int e9 e18 e28 n`
/// entries joined by `,`, grouped in primary-key order (no sort). Thousands of rows would each cross from
/// SQLite's worker thread; one packed row does not, and the integer parts keep every digit.
async fn packed_month(c: &mut Conn<'_>, summary: bool, period: Period) -> Result<HashMap<Key, (Decimal, u64)>> {
    let sql = format!(
        "SELECT group_concat(customer_id || ' ' || service || ' ' || currency || ' ' || i || ' ' || e9 || ' ' \
               || e18 || ' ' || e28 || ' ' || n, ',') FROM (SELECT customer_id, service, currency, \
               sum(billed_int) AS i, sum(billed_e9) AS e9, sum(billed_e18) AS e18, sum(billed_e28) AS e28, \
               sum(row_count) AS n FROM {} WHERE period = $1 AND customer_id <> 0 \
               GROUP BY customer_id, service, currency)",
        crate::service_rollups::by_service(summary)
    );
    let text: Option<String> = c.one(&sql, args![period.to_string()]).await?.get(0)?;
    let bad = |e: &str| StoreError::Invalid(format!("packed sums of {period}: {e:?}"));
    let mut out = HashMap::new();
    for entry in text.as_deref().unwrap_or_default().split(',').filter(|e| !e.is_empty()) {
        let mut n = entry.split(' ').map(|x| x.parse::<i64>().map_err(|_| bad(entry)));
        let mut next = || n.next().unwrap_or_else(|| Err(bad(entry)));
        let key = (next()?, next()?, next()?);
        let parts = SplitDecimal { int: next()?, e9: next()?, e18: next()?, e28: next()? };
        let cost = parts.to_decimal().ok_or_else(|| bad(entry))?;
        out.insert(key, (cost, u64::try_from(next()?).unwrap_or(0)));
    }
    Ok(out)
}

/// (table, text column) of the names `names` reads.
pub(crate) const CUSTOMER_CODES: (&str, &str) = ("customers", "code");
const CUSTOMER_CURRENCIES: (&str, &str) = ("customers", "currency");

/// (customer id, service id, currency id): a customer's service in another currency is its own variance.
type Key = (i64, i64, i64);
pub(crate) const DICT_TEXT: (&str, &str) = ("dict", "value");

/// The name of each id asked for (customer codes or dictionary text), in slices (never a whole table).
pub(crate) async fn names(c: &mut Conn<'_>, (t, col): (&str, &str), ids: &[i64]) -> Result<HashMap<i64, String>> {
    let mut out = HashMap::with_capacity(ids.len());
    for chunk in ids.chunks(500) {
        let sql = format!("SELECT id, {col} FROM {t} WHERE id IN ({})", placeholders(1, chunk.len()));
        for r in c.all(&sql, chunk.iter().map(|&i| Arg::from(i)).collect()).await? {
            out.insert(r.get(0)?, r.get(1)?);
        }
    }
    Ok(out)
}

/// SQLite: every pair of both months read packed, or only those `th` flags (decided exactly in Rust); names are
/// read only for the pairs kept. By customer code, then service.
async fn packed(
    c: &mut Conn<'_>,
    summary: bool,
    period: Period,
    th: Option<&VarianceThresholds>,
) -> Result<Vec<ServiceCost>> {
    let cur = packed_month(c, summary, period).await?;
    let prev = packed_month(c, summary, period.prev()).await?;
    let mut keys: Vec<Key> = cur.keys().chain(prev.keys()).copied().collect();
    keys.sort_unstable();
    keys.dedup();
    let none = (Decimal::ZERO, 0);
    let mut kept = Vec::new();
    for k in keys {
        let ((c_cost, c_rows), (p_cost, p_rows)) = (cur.get(&k).unwrap_or(&none), prev.get(&k).unwrap_or(&none));
        let cost = ServiceCost {
            customer: String::new(),
            service: String::new(),
            prev: *p_cost,
            cur: *c_cost,
            prev_rows: *p_rows,
            cur_rows: *c_rows,
        };
        let keep = match th {
            Some(th) => Variance::of(&cost, th, true).map_err(invalid)?.flagged,
            None => true,
        };
        if keep {
            kept.push((k, cost));
        }
    }
    let mut ids: Vec<i64> = kept.iter().map(|((cid, _, _), _)| *cid).collect();
    ids.sort_unstable();
    ids.dedup();
    let codes = names(c, CUSTOMER_CODES, &ids).await?;
    let currencies = names(c, CUSTOMER_CURRENCIES, &ids).await?;
    let mut ids: Vec<i64> = kept.iter().flat_map(|((_, sid, cur), _)| [*sid, *cur]).collect();
    ids.sort_unstable();
    ids.dedup();
    let dict = names(c, DICT_TEXT, &ids).await?;
    let mut out = Vec::with_capacity(kept.len());
    for ((cid, sid, cur), cost) in kept {
        let (Some(customer), Some(service)) = (codes.get(&cid), dict.get(&sid)) else { continue };
        let (cur, own) = (dict.get(&cur).map_or("", String::as_str), currencies.get(&cid).map_or("", String::as_str));
        out.push(ServiceCost { customer: customer.clone(), service: service_label(service, cur, own), ..cost });
    }
    out.sort_by(|x, y| (&x.customer, &x.service).cmp(&(&y.customer, &y.service)));
    Ok(out)
}

/// Whether both `period` and the month before have imported cost (otherwise nothing is compared).
async fn baseline(c: &mut Conn<'_>, period: Period) -> Result<bool> {
    for p in [period.prev(), period] {
        if c.opt("SELECT 1 FROM cost_rollups WHERE period = $1 LIMIT 1", args![p.to_string()]).await?.is_none() {
            return Ok(false);
        }
    }
    Ok(true)
}

pub(crate) async fn service_costs(c: &mut Conn<'_>, summary: bool, period: Period) -> Result<ServiceCosts> {
    let baseline = baseline(c, period).await?;
    let costs = match c.backend() {
        crate::Backend::Postgres => sums(c, summary, period, Only::All).await?,
        crate::Backend::Sqlite => packed(c, summary, period, None).await?,
    };
    Ok(ServiceCosts { period, previous: period.prev(), baseline, costs })
}

fn select(b: crate::Backend) -> String {
    format!(
        "SELECT e.id, e.period, c.code, e.service, e.driver, e.text, e.by_user, e.at, {} \
         FROM variance_explanations e JOIN customers c ON c.id = e.customer_id",
        money_cols(b, "delta").split(", ").map(|c| format!("e.{c}")).collect::<Vec<_>>().join(", ")
    )
}

fn row(r: &Row) -> Result<StoredExplanation> {
    let driver: String = r.get(4)?;
    let (delta, _) = r.money(8)?;
    let at: DateTime<Utc> = r.get(7)?;
    Ok(StoredExplanation {
        id: r.get(0)?,
        period: parse_period(&r.get::<String>(1)?)?,
        customer: r.get(2)?,
        service: r.get(3)?,
        explanation: Explanation {
            driver: driver.parse().map_err(invalid)?,
            text: r.get(5)?,
            by: r.get(6)?,
            at,
            delta,
        },
    })
}

pub(crate) async fn list(c: &mut Conn<'_>, period: Period) -> Result<Vec<StoredExplanation>> {
    let sql = format!("{} WHERE e.period = $1 ORDER BY c.code, e.service", select(c.backend()));
    c.all(&sql, args![period.to_string()]).await?.iter().map(row).collect()
}

/// The period's variances that `th` may flag, each with its explanation and state (largest |Δ| first): what
/// the close facts count. Pairs the thresholds cannot flag are not read.
pub(crate) async fn reviewed(
    c: &mut Conn<'_>,
    summary: bool,
    period: Period,
    th: &VarianceThresholds,
) -> Result<Vec<ReviewedVariance>> {
    if !baseline(c, period).await? {
        return Ok(Vec::new());
    }
    let costs = match c.backend() {
        crate::Backend::Postgres => sums(c, summary, period, Only::Flaggable(th)).await?,
        crate::Backend::Sqlite => packed(c, summary, period, Some(th)).await?,
    };
    let variances = compare(&costs, th, true).map_err(invalid)?;
    let explained: BTreeMap<(String, String), Explanation> =
        list(c, period).await?.into_iter().map(|e| ((e.customer, e.service), e.explanation)).collect();
    Ok(review(variances, &explained))
}

/// Month-over-month variance per customer × service and its explanations.
#[async_trait]
pub trait VarianceReview: Send + Sync {
    /// Billed cost per assigned customer × service of `period` and the month before (exact sums, line counts).
    async fn service_costs(&self, period: Period) -> Result<ServiceCosts>;
    /// Record the explanation of a customer's variance on a service for the Δ the data gives now, replacing
    /// an earlier one. Operators; refused in a locked period (`Locked`); a Δ other than `expected_delta` is a
    /// `Conflict`; audited.
    async fn explain_variance(&self, e: &NewExplanation, by: &Actor) -> Result<StoredExplanation>;
    /// The explanations recorded for `period`, by customer and service.
    async fn list_explanations(&self, period: Period) -> Result<Vec<StoredExplanation>>;
    /// Quantity and billed cost per assigned customer × service × usage unit of `period` and the month before
    /// (exact sums): what the variance list splits into volume and unit rate.
    async fn service_volumes(&self, period: Period) -> Result<Vec<crate::ServiceVolume>>;
}

#[async_trait]
impl VarianceReview for SqlStore {
    async fn service_costs(&self, period: Period) -> Result<ServiceCosts> {
        service_costs(&mut Conn::Db(&self.db), self.summary, period).await
    }
    async fn service_volumes(&self, period: Period) -> Result<Vec<crate::ServiceVolume>> {
        crate::variance_volumes::service_volumes(&mut Conn::Db(&self.db), period).await
    }
    /// Record the explanation of a customer's variance on a service (replacing the previous one), for the Δ the
    /// rollups give now. Operators; refused in a locked period; audited with before and after.
    async fn explain_variance(&self, e: &NewExplanation, by: &Actor) -> Result<StoredExplanation> {
        crate::fields::explanation(e)?;
        let mut tx = self.db.begin().await?;
        if !user_in(&mut tx, by).await?.role.can_write() {
            return Err(StoreError::Forbidden(format!("{} may not explain variances", by.name)));
        }
        locks::refuse_locked(&mut tx, e.period).await?;
        let cid = customer_id(&mut tx, &e.customer).await?;
        let what = format!("{} / {} in {}", e.customer, e.service, e.period);
        // `SERVICE [CUR]` names cost in another currency than the customer's (`variance::service_label`)
        let own: String = tx.one("SELECT currency FROM customers WHERE id = $1", args![cid]).await?.get(0)?;
        let (service, currency) = split_label(&e.service);
        let pair = Only::Pair(cid, service, currency.unwrap_or(own.as_str()));
        let costs = sums(&mut Conn::Tx(&mut tx), self.summary, e.period, pair).await?;
        let Some(cost) = costs.first() else {
            return Err(StoreError::NotFound(format!("no cost for {what} or the month before")));
        };
        let delta = cost.cur.checked_sub(cost.prev).ok_or_else(|| invalid(VarianceError::Overflow))?.normalize();
        if let Some(seen) = e.expected_delta
            && seen.normalize() != delta
        {
            return Err(StoreError::Conflict(format!(
                "the variance of {what} changed meanwhile (Δ {} now, {} when you looked): reload and check",
                delta,
                seen.normalize()
            )));
        }
        let explanation = Explanation::new(e.driver, &e.text, &by.name, by.at, delta).map_err(invalid)?;
        let key = args![e.period.to_string(), cid, e.service.as_str()];
        let where_key = "WHERE e.period = $1 AND e.customer_id = $2 AND e.service = $3";
        let before = match tx.opt(&format!("{} {where_key}", select(tx.backend())), key.clone()).await? {
            Some(r) => Some(row(&r)?),
            None => None,
        };
        tx.exec("DELETE FROM variance_explanations WHERE period = $1 AND customer_id = $2 AND service = $3", key)
            .await?;
        let b = tx.backend();
        let mut a = args![
            e.period.to_string(),
            cid,
            e.service.as_str(),
            explanation.driver.as_str(),
            explanation.text.as_str(),
            by.name.as_str(),
            by.at
        ];
        a.extend(money_args(b, delta)?);
        let sql = format!(
            "INSERT INTO variance_explanations (period, customer_id, service, driver, text, by_user, at, {}) \
             VALUES ({}) RETURNING id",
            money_cols(b, "delta"),
            placeholders(1, a.len())
        );
        let id: i64 = tx.one(&sql, a).await?.get(0)?;
        let saved = StoredExplanation {
            id,
            period: e.period,
            customer: e.customer.clone(),
            service: e.service.clone(),
            explanation,
        };
        let eid = format!("{}/{}/{}", e.period, e.customer, e.service);
        let mut a = Audit::new("variance.explain", "variance", &eid).period(e.period).after(&saved);
        if let Some(b) = &before {
            a = a.before(b);
        }
        audit::write(&mut tx, by, a).await?;
        tx.commit().await?;
        Ok(saved)
    }
    async fn list_explanations(&self, period: Period) -> Result<Vec<StoredExplanation>> {
        list(&mut Conn::Db(&self.db), period).await
    }
}
