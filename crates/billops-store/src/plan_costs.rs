//! The forecast's history (issue 12): exact cost per month × customer × service × currency over a range of
//! months — the rows `costs` gives for `by [period, customer, service]` (unassigned cost under
//! [`UNASSIGNED`]) — read for a whole book at once. On SQLite the grouped sums come back packed, one text per
//! month (as the variance read does): handed over row by row, 118,000 grouped rows (18 months × 1,000
//! customers of the 10M-row bench store) cost the driver more than the query itself. PostgreSQL sends the
//! grouped rows as `costs` does.
use std::collections::HashMap;

use billops_domain::{CostBasis, Period, SplitDecimal};
use rust_decimal::Decimal;

use crate::db::{Arg, Conn, args};
use crate::variance::{CUSTOMER_CODES, DICT_TEXT, names};
use crate::{CostRow, Result, StoreError, UNASSIGNED};

/// (customer id, service id, currency id).
type Key = (i64, i64, i64);

/// SQLite: every month × customer × service × currency of `from..=to`, exactly, in no particular order.
///
/// The rollups' key starts with (period, customer, service), so grouping by those three streams; grouping by
/// the currency as well made SQLite sort every row first (0.26 s against 0.06 s on 18 months of the bench
/// store). So the packed read groups by the three and says each group's lowest and highest currency: a group
/// in one currency (nearly all) is complete; the few in two or more are read again by currency.
pub(crate) async fn packed(
    c: &mut Conn<'_>,
    summary: bool,
    from: Period,
    to: Period,
    basis: CostBasis,
) -> Result<Vec<CostRow>> {
    let m = crate::costs::basis_col(basis);
    // the summary by customer and service when built (`service_rollups`): the same sums, far fewer rows
    let table = crate::service_rollups::by_service(summary);
    let sql = format!(
        "SELECT g.period, group_concat(g.customer_id || ' ' || g.service || ' ' || g.c0 || ' ' || g.c1 || ' '          || g.i || ' ' || g.e9 || ' ' || g.e18 || ' ' || g.e28, ',') FROM (SELECT period, customer_id, service,          min(currency) AS c0, max(currency) AS c1, sum({m}_int) AS i, sum({m}_e9) AS e9, sum({m}_e18) AS e18,          sum({m}_e28) AS e28 FROM {table} WHERE period BETWEEN $1 AND $2          GROUP BY period, customer_id, service) g GROUP BY g.period"
    );
    let mut sums: Vec<(Period, Key, Decimal)> = Vec::new();
    let mut mixed: Vec<(Period, i64, i64)> = Vec::new();
    for r in c.all(&sql, args![from.to_string(), to.to_string()]).await? {
        let period: String = r.get(0)?;
        let bad = |e: &str| StoreError::Invalid(format!("packed cost sums of {period}: {e:?}"));
        let p: Period = period.parse().map_err(|_| bad(&period))?;
        let text: Option<String> = r.get(1)?;
        for entry in text.as_deref().unwrap_or_default().split(',').filter(|e| !e.is_empty()) {
            let mut n = entry.split(' ').map(|x| x.parse::<i64>().map_err(|_| bad(entry)));
            let mut next = || n.next().unwrap_or_else(|| Err(bad(entry)));
            let (cid, sid, c0, c1) = (next()?, next()?, next()?, next()?);
            let parts = SplitDecimal { int: next()?, e9: next()?, e18: next()?, e28: next()? };
            if c0 == c1 {
                sums.push((p, (cid, sid, c0), parts.to_decimal().ok_or_else(|| bad(entry))?));
            } else {
                mixed.push((p, cid, sid));
            }
        }
    }
    // Groups with cost in several currencies: by currency, a slice of groups at a time.
    for chunk in mixed.chunks(300) {
        let mut a: Vec<Arg> = Vec::with_capacity(chunk.len() * 3);
        let mut tuples = Vec::with_capacity(chunk.len());
        for (p, cid, sid) in chunk {
            a.extend([Arg::from(p.to_string()), Arg::from(*cid), Arg::from(*sid)]);
            tuples.push(format!("(${}, ${}, ${})", a.len() - 2, a.len() - 1, a.len()));
        }
        let sql = format!(
            "SELECT period, customer_id, service, currency, sum({m}_int), sum({m}_e9), sum({m}_e18), sum({m}_e28)              FROM {table} WHERE (period, customer_id, service) IN (VALUES {})              GROUP BY period, customer_id, service, currency",
            tuples.join(", ")
        );
        for r in c.all(&sql, a).await? {
            let period: String = r.get(0)?;
            let p: Period = period.parse().map_err(|_| StoreError::Invalid(format!("stored period {period:?}")))?;
            let (cost, _) = r.money(4)?;
            sums.push((p, (r.get(1)?, r.get(2)?, r.get(3)?), cost));
        }
    }
    let mut ids: Vec<i64> = sums.iter().map(|(_, (cid, _, _), _)| *cid).filter(|c| *c != 0).collect();
    ids.sort_unstable();
    ids.dedup();
    let codes: HashMap<i64, String> = names(c, CUSTOMER_CODES, &ids).await?;
    let mut ids: Vec<i64> = sums.iter().flat_map(|(_, (_, sid, cur), _)| [*sid, *cur]).collect();
    ids.sort_unstable();
    ids.dedup();
    let dict: HashMap<i64, String> = names(c, DICT_TEXT, &ids).await?;
    // Codes and dictionary texts are unique: only the fallback name of an unknown id (cost of nobody:
    // customer 0) can bring two groups under one key, and those are added, as `costs` adds them.
    let mut rows: Vec<CostRow> = Vec::with_capacity(sums.len());
    let mut fallback: HashMap<(Vec<String>, String), Decimal> = HashMap::new();
    for (p, (cid, sid, cur), cost) in sums {
        let currency = dict.get(&cur).cloned().unwrap_or_default();
        match (codes.get(&cid), dict.get(&sid)) {
            (Some(customer), Some(service)) => rows.push(CostRow {
                keys: vec![p.to_string(), customer.clone(), service.clone()],
                currency,
                cost: cost.normalize(),
            }),
            (customer, service) => {
                let name = |n: Option<&String>| n.cloned().unwrap_or_else(|| UNASSIGNED.to_string());
                let e = fallback.entry((vec![p.to_string(), name(customer), name(service)], currency)).or_default();
                *e = e.checked_add(cost).ok_or_else(|| StoreError::Invalid("cost sum overflows".into()))?;
            }
        }
    }
    rows.extend(fallback.into_iter().map(|((keys, currency), cost)| CostRow {
        keys,
        currency,
        cost: cost.normalize(),
    }));
    // Not sorted: the forecast groups the rows by customer and service (sorting 118,000 rows by amount and
    // then by three strings cost more than the query).
    Ok(rows)
}
