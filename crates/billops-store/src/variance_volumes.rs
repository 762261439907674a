//! Volumes behind the variance list (SPEC §2.10: variance by volume as well as by dollars): per assigned
//! customer × service × usage unit, the exact quantity and billed cost of a period and the month before, from
//! `rating_rollups` (which keep every row's quantity exactly: four integer parts summed by SQLite, NUMERIC on
//! PostgreSQL). Rows without a quantity are counted, so a unit whose volume is incomplete can be told apart.
//! Cost is summed per currency: a customer's service with cost in another currency than the customer's is its
//! own line, `SERVICE [CUR]` (`variance::service_label`, the variance list's rule), never added to the other.
use billops_domain::Period;
use rust_decimal::Decimal;
use serde::Serialize;

use crate::Result;
use crate::db::{Arg, Conn, args, money_cols};

/// One customer's usage of one unit of a service in a period and the month before.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ServiceVolume {
    pub customer: String,
    /// The service, or `SERVICE [CUR]` for its cost in another currency than the customer's.
    pub service: String,
    /// The currency of `prev_cost` and `cur_cost`.
    pub currency: String,
    /// The usage unit as the cost file states it (`Hrs`, `GB-Mo`, …; empty when the rows name none).
    pub unit: String,
    pub prev_qty: Decimal,
    pub cur_qty: Decimal,
    pub prev_cost: Decimal,
    pub cur_cost: Decimal,
    /// Rows of the unit with no quantity, per period: the volume is incomplete when either is not zero.
    pub prev_no_qty: u64,
    pub cur_no_qty: u64,
}

impl ServiceVolume {
    /// Whether every row of the unit carried a quantity in both periods.
    pub fn complete(&self) -> bool {
        self.prev_no_qty == 0 && self.cur_no_qty == 0 && !self.unit.is_empty()
    }
}

/// Every assigned customer × service × unit with cost or volume in `period` or the month before, by customer,
/// service and unit (byte order on both backends).
pub(crate) async fn service_volumes(c: &mut Conn<'_>, period: Period) -> Result<Vec<ServiceVolume>> {
    let b = c.backend();
    let mut select = Vec::new();
    let mut outer = Vec::new();
    for (k, name) in ["quantity", "billed"].into_iter().enumerate() {
        for (j, (x, y)) in [("@", "0"), ("0", "@")].into_iter().enumerate() {
            for (i, col) in money_cols(b, name).split(", ").enumerate() {
                let alias = format!("s{k}_{j}_{i}");
                let (x, y) = (x.replace('@', col), y.replace('@', col));
                select.push(format!("sum(CASE WHEN period = $1 THEN {x} ELSE {y} END) AS {alias}"));
                outer.push(format!("x.{alias}"));
            }
        }
    }
    select.push("CAST(sum(CASE WHEN period = $1 THEN 0 ELSE no_quantity END) AS BIGINT) AS np".into());
    select.push("CAST(sum(CASE WHEN period = $1 THEN no_quantity ELSE 0 END) AS BIGINT) AS nc".into());
    outer.extend(["x.np".to_string(), "x.nc".to_string()]);
    let sql = format!(
        "SELECT c.code, s.value, u.value, cur.value, c.currency, {} FROM (SELECT customer_id, service, unit, \
         currency, {} FROM rating_rollups WHERE period IN ($1, $2) AND customer_id <> 0 \
         GROUP BY customer_id, service, unit, currency) x \
         JOIN customers c ON c.id = x.customer_id JOIN dict s ON s.id = x.service JOIN dict u ON u.id = x.unit \
         LEFT JOIN dict cur ON cur.id = x.currency",
        outer.join(", "),
        select.join(", ")
    );
    let a: Vec<Arg> = args![period.to_string(), period.prev().to_string()];
    let mut out = Vec::new();
    for r in c.all(&sql, a).await? {
        let currency = r.get::<Option<String>>(3)?.unwrap_or_default();
        let own: String = r.get(4)?;
        let (cur_qty, i) = r.money(5)?;
        let (prev_qty, i) = r.money(i)?;
        let (cur_cost, i) = r.money(i)?;
        let (prev_cost, i) = r.money(i)?;
        let count = |k: usize| -> Result<u64> { Ok(u64::try_from(r.get::<i64>(k)?).unwrap_or(0)) };
        out.push(ServiceVolume {
            customer: r.get(0)?,
            service: billops_domain::variance::service_label(&r.get::<String>(1)?, &currency, &own),
            currency,
            unit: r.get(2)?,
            prev_qty,
            cur_qty,
            prev_cost,
            cur_cost,
            prev_no_qty: count(i)?,
            cur_no_qty: count(i + 1)?,
        });
    }
    out.sort_by(|x, y| (&x.customer, &x.service, &x.unit).cmp(&(&y.customer, &y.service, &y.unit)));
    Ok(out)
}
