//! Variance between periods: billed cost per assigned customer × service of a period and the one before, read
//! from the rollups with exact sums; explanations (driver, text, the Δ they explain) recorded by operators,
//! one per period, customer and service, refused in a locked period and audited. The domain
//! (`billops_domain::variance`) decides what is flagged and whether an explanation is still current.
use std::collections::BTreeMap;

use billops_domain::Period;
use billops_domain::variance::{
    Driver, Explanation, ReviewedVariance, ServiceCost, VarianceError, VarianceThresholds, compare, review,
};
use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use serde::Serialize;

use crate::audit::{self, Audit};
use crate::db::{Arg, Db, Row, args, money_args, money_arity, money_cols, money_sum, placeholders};
use crate::ledger::{Conn, locks, parse_period, user_in};
use crate::parties::customer_id;
use crate::{Actor, Result, StoreError};

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

/// Sums per customer, service and period for `period` and the one before, optionally for one customer id and
/// service name only.
async fn sums(c: &mut Conn<'_>, period: Period, only: Option<(i64, &str)>) -> Result<Vec<ServiceCost>> {
    let b = c.backend();
    let prev = period.prev();
    let sums = money_sum(b, "", "billed");
    let aliases: Vec<String> = (0..money_arity(b)).map(|k| format!("m{k}")).collect();
    let aliased: Vec<String> = sums.split(", ").zip(&aliases).map(|(s, a)| format!("{s} AS {a}")).collect();
    let mut a: Vec<Arg> = args![period.to_string(), prev.to_string()];
    let filter = match only {
        Some((cid, service)) => {
            a.extend(args![cid, service]);
            "AND customer_id = $3 AND service = (SELECT id FROM dict WHERE value = $4)"
        }
        None => "AND customer_id <> 0",
    };
    let sql = format!(
        "SELECT c.code, d.value, x.period, {}, x.n FROM (SELECT customer_id, service, period, {}, \
         CAST(sum(row_count) AS BIGINT) AS n FROM cost_rollups WHERE period IN ($1, $2) {filter} \
         GROUP BY customer_id, service, period) x JOIN customers c ON c.id = x.customer_id \
         JOIN dict d ON d.id = x.service",
        aliases.iter().map(|a| format!("x.{a}")).collect::<Vec<_>>().join(", "),
        aliased.join(", ")
    );
    let mut by_key: BTreeMap<(String, String), ServiceCost> = BTreeMap::new();
    for r in c.all(&sql, a).await? {
        let (customer, service): (String, String) = (r.get(0)?, r.get(1)?);
        let is_cur = r.get::<String>(2)? == period.to_string();
        let (cost, i) = r.money(3)?;
        let n = u64::try_from(r.get::<i64>(i)?).unwrap_or(0);
        let e = by_key.entry((customer.clone(), service.clone())).or_insert_with(|| ServiceCost {
            customer,
            service,
            prev: Decimal::ZERO,
            cur: Decimal::ZERO,
            prev_rows: 0,
            cur_rows: 0,
        });
        if is_cur {
            (e.cur, e.cur_rows) = (cost, n);
        } else {
            (e.prev, e.prev_rows) = (cost, n);
        }
    }
    Ok(by_key.into_values().collect())
}

pub(crate) async fn service_costs(c: &mut Conn<'_>, period: Period) -> Result<ServiceCosts> {
    let previous = period.prev();
    let mut baseline = true;
    for p in [previous, period] {
        let any = c.opt("SELECT 1 FROM cost_rollups WHERE period = $1 LIMIT 1", args![p.to_string()]).await?;
        baseline &= any.is_some();
    }
    let costs = sums(c, period, None).await?;
    Ok(ServiceCosts { period, previous, baseline, costs })
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

/// The period's variances against `th`, each with its explanation and state (largest |Δ| first).
pub(crate) async fn reviewed(
    c: &mut Conn<'_>,
    period: Period,
    th: &VarianceThresholds,
) -> Result<Vec<ReviewedVariance>> {
    let sc = service_costs(c, period).await?;
    let variances = compare(&sc.costs, th, sc.baseline).map_err(invalid)?;
    let explained: BTreeMap<(String, String), Explanation> =
        list(c, period).await?.into_iter().map(|e| ((e.customer, e.service), e.explanation)).collect();
    Ok(review(variances, &explained))
}

/// Record the explanation of a customer's variance on a service (replacing the previous one), for the Δ the
/// rollups give now. Operators; refused in a locked period; audited with before and after.
pub(crate) async fn explain(db: &Db, e: &NewExplanation, by: &Actor) -> Result<StoredExplanation> {
    let mut tx = db.begin().await?;
    if !user_in(&mut tx, by).await?.role.can_write() {
        return Err(StoreError::Forbidden(format!("{} may not explain variances", by.name)));
    }
    locks::refuse_locked(&mut tx, e.period).await?;
    let cid = customer_id(&mut tx, &e.customer).await?;
    let what = format!("{} / {} in {}", e.customer, e.service, e.period);
    let costs = sums(&mut Conn::Tx(&mut tx), e.period, Some((cid, &e.service))).await?;
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
    tx.exec("DELETE FROM variance_explanations WHERE period = $1 AND customer_id = $2 AND service = $3", key).await?;
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
