//! Usage volumes for the Forecast pane's rolling view (SPEC §2.10: "18-month rolling view of cost and RU
//! volumes"): per month × assigned customer × service × usage unit, the exact quantity from `rating_rollups`
//! (four integer parts summed by SQLite, NUMERIC on PostgreSQL) and how many rows had none, so a volume that
//! is incomplete can be said to be. Quantities of different units are never added here: the unit is a key.
use billops_domain::Period;
use rust_decimal::Decimal;
use serde::Serialize;

use crate::Result;
use crate::db::{Arg, Conn, args, money_sum};

/// One customer's usage of one unit of a service in one month.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UsageVolume {
    pub period: Period,
    pub customer: String,
    pub service: String,
    /// The usage unit as the cost file states it (`Hrs`, `GB-Mo`, …; empty when the rows name none).
    pub unit: String,
    pub quantity: Decimal,
    /// Rows of the unit in the month with no quantity (the volume is incomplete when not zero).
    pub no_quantity: u64,
}

/// Every assigned customer × service × unit × month in `from..=to`, by month, customer, service, unit.
pub(crate) async fn usage_volumes(c: &mut Conn<'_>, from: Period, to: Period) -> Result<Vec<UsageVolume>> {
    let b = c.backend();
    let sql = format!(
        "SELECT x.period, c.code, s.value, u.value, x.nq, {q} FROM (SELECT period, customer_id, service, unit, \
         CAST(sum(no_quantity) AS BIGINT) AS nq, {inner} FROM rating_rollups WHERE period >= $1 AND period <= $2 \
         AND customer_id <> 0 GROUP BY period, customer_id, service, unit) x \
         JOIN customers c ON c.id = x.customer_id JOIN dict s ON s.id = x.service JOIN dict u ON u.id = x.unit",
        q = outer(b),
        inner = inner(b),
    );
    let a: Vec<Arg> = args![from.to_string(), to.to_string()];
    let mut out = Vec::new();
    for r in c.all(&sql, a).await? {
        let text: String = r.get(0)?;
        let period = text.parse().map_err(|e| crate::StoreError::Invalid(format!("stored period {text:?}: {e}")))?;
        let (quantity, _) = r.money(5)?;
        out.push(UsageVolume {
            period,
            customer: r.get(1)?,
            service: r.get(2)?,
            unit: r.get(3)?,
            quantity,
            no_quantity: u64::try_from(r.get::<i64>(4)?).unwrap_or(0),
        });
    }
    out.sort_by(|x, y| (x.period, &x.customer, &x.service, &x.unit).cmp(&(y.period, &y.customer, &y.service, &y.unit)));
    Ok(out)
}

/// The inner query's quantity sums, aliased `q0..q3` (SQLite's four parts) or `q0` (PostgreSQL).
fn inner(b: crate::Backend) -> String {
    money_sum(b, "", "quantity")
        .split(", ")
        .enumerate()
        .map(|(i, s)| format!("{s} AS q{i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn outer(b: crate::Backend) -> String {
    let n = money_sum(b, "", "quantity").split(", ").count();
    (0..n).map(|i| format!("x.q{i}")).collect::<Vec<_>>().join(", ")
}
