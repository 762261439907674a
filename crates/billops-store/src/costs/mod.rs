//! Exact cost reports over the rollups: `service_rollups` when only period, customer and service are asked for
//! or filtered on (the first drill step), `cost_rollups` (every dimension but resource) for the rest of the
//! drill-down, `resource_rollups` when a resource is asked for or filtered on.
//!
//! One grouped query: the inner part groups dictionary ids with exact sums (integer parts on SQLite,
//! NUMERIC on PostgreSQL), the outer part turns ids into names; amounts are reassembled and sorted in Rust.
pub(crate) mod sources;

use std::collections::HashMap;

use async_trait::async_trait;
use billops_domain::{CostBasis, Dim, Period};
use rust_decimal::Decimal;

use crate::db::{Arg, money_arity, money_sum};
use crate::{Backend, CostQuery, CostRow, LineSources, Result, SourceQuery, SqlStore, StoreError, UNASSIGNED};

fn column(d: Dim) -> &'static str {
    match d {
        Dim::Period => "period",
        Dim::Payer => "payer",
        Dim::Account => "account",
        Dim::Customer => "customer_id",
        Dim::Service => "service",
        Dim::Product => "product",
        Dim::Component => "component",
        Dim::ChargeCategory => "charge_category",
        Dim::Region => "region",
        Dim::Resource => "resource",
    }
}

pub(crate) fn basis_col(b: CostBasis) -> &'static str {
    match b {
        CostBasis::Billed => "billed",
        CostBasis::Effective => "effective",
        CostBasis::List => "list",
    }
}

/// The grouped statement for `q`; `args` receives the binds.
fn statement(backend: Backend, summary: bool, q: &CostQuery, args: &mut Vec<Arg>) -> Result<String> {
    let mut wh = Vec::new();
    if q.from == q.to {
        args.push(q.from.to_string().into());
        wh.push(format!("t.period = ${}", args.len()));
    } else {
        args.push(q.from.to_string().into());
        args.push(q.to.to_string().into());
        wh.push(format!("t.period BETWEEN ${} AND ${}", args.len() - 1, args.len()));
    }
    for (d, v) in &q.filters {
        let col = column(*d);
        match d {
            Dim::Period => {
                let p: Period = v.parse().map_err(|e| StoreError::Invalid(format!("{e}")))?;
                args.push(p.to_string().into());
                wh.push(format!("t.period = ${}", args.len()));
            }
            Dim::Customer if v == UNASSIGNED => wh.push("t.customer_id = 0".into()),
            Dim::Customer => {
                args.push(v.into());
                wh.push(format!("t.customer_id = (SELECT id FROM customers WHERE code = ${})", args.len()));
            }
            _ => {
                args.push(v.into());
                wh.push(format!("t.{col} = (SELECT id FROM dict WHERE value = ${})", args.len()));
            }
        }
    }
    // Currency is always a key: no row adds two currencies (it is the last column, after the `by` keys).
    let mut group: Vec<String> = q.by.iter().map(|d| format!("t.{}", column(*d))).collect();
    group.push("t.currency".into());
    let m = basis_col(q.basis);
    let sums = money_sum(backend, "t.", m);
    let sum_aliases: Vec<String> = (0..money_arity(backend)).map(|k| format!("m{k}")).collect();
    let sums_aliased: Vec<String> = sums.split(", ").zip(&sum_aliases).map(|(s, a)| format!("{s} AS {a}")).collect();
    let mut inner = String::from("SELECT ");
    for (k, g) in group.iter().enumerate() {
        inner.push_str(&format!("{g} AS k{k}, "));
    }
    inner.push_str(&sums_aliased.join(", "));
    let dims = || q.by.iter().chain(q.filters.iter().map(|(d, _)| d));
    let table = if dims().any(|d| *d == Dim::Resource) {
        "resource_rollups"
    } else if summary && dims().all(|d| matches!(d, Dim::Period | Dim::Customer | Dim::Service)) {
        "service_rollups" // the first drill step's grain: thousands of rows, not the month's cost rollups
    } else {
        "cost_rollups"
    };
    inner.push_str(&format!(", count(*) AS n FROM {table} t WHERE {}", wh.join(" AND ")));
    inner.push_str(&format!(" GROUP BY {}", group.join(", ")));
    let mut outer_keys = Vec::new();
    let mut joins = String::new();
    for (k, d) in q.by.iter().enumerate() {
        match d {
            Dim::Period => outer_keys.push(format!("g.k{k}")),
            Dim::Customer => {
                outer_keys.push(format!("c{k}.code"));
                joins.push_str(&format!(" LEFT JOIN customers c{k} ON c{k}.id = g.k{k}"));
            }
            _ => {
                outer_keys.push(format!("d{k}.value"));
                joins.push_str(&format!(" LEFT JOIN dict d{k} ON d{k}.id = g.k{k}"));
            }
        }
    }
    let cur = q.by.len();
    outer_keys.push("dc.value".to_string());
    joins.push_str(&format!(" LEFT JOIN dict dc ON dc.id = g.k{cur}"));
    let mut cols = outer_keys;
    cols.extend(sum_aliases.iter().map(|a| format!("g.{a}")));
    cols.push("g.n".into());
    Ok(format!("SELECT {} FROM ({inner}) g{joins}", cols.join(", ")))
}

/// Sums by (keys, currency).
type Totals = HashMap<(Vec<String>, String), Decimal>;

fn merge(totals: &mut Totals, rows: Vec<crate::db::Row>, nkeys: usize) -> Result<()> {
    for r in rows {
        let mut keys = Vec::with_capacity(nkeys);
        for k in 0..nkeys {
            keys.push(r.get::<Option<String>>(k)?.unwrap_or_else(|| UNASSIGNED.to_string()));
        }
        let currency = r.get::<Option<String>>(nkeys)?.unwrap_or_default();
        let (cost, next) = r.money(nkeys + 1)?;
        let n: i64 = r.get(next)?;
        if n == 0 {
            continue;
        }
        let e = totals.entry((keys, currency)).or_insert(Decimal::ZERO);
        *e = e.checked_add(cost).ok_or_else(|| StoreError::Invalid("cost sum overflows".into()))?;
    }
    Ok(())
}

/// Exact cost sums by any dimensions, and the drill from an invoice line to its sources.
#[async_trait]
pub trait Costs: Send + Sync {
    /// Sum cost by the query's dimensions and currency, exactly (two currencies are never added: a key with cost
    /// in two has a row per currency). Rows sorted by cost descending, then keys, then currency.
    async fn costs(&self, q: &CostQuery) -> Result<Vec<CostRow>>;
    /// The resource breakdown and the first `q.limit` raw line items (file, line, account, date, usage type,
    /// cost) of a customer's usage in a period for one service / product / component.
    async fn line_sources(&self, q: &SourceQuery) -> Result<LineSources>;
}

#[async_trait]
impl Costs for SqlStore {
    async fn costs(&self, q: &CostQuery) -> Result<Vec<CostRow>> {
        if q.from > q.to {
            return Err(StoreError::Invalid(format!("period range {}..{} runs backwards", q.from, q.to)));
        }
        let mut args = Vec::new();
        let sql = statement(self.db.backend(), self.summary, q, &mut args)?;
        let mut totals: Totals = HashMap::new();
        merge(&mut totals, self.db.all(&sql, args).await?, q.by.len())?;
        let mut rows: Vec<CostRow> = totals
            .into_iter()
            .map(|((keys, currency), cost)| CostRow { keys, currency, cost: cost.normalize() })
            .collect();
        rows.sort_by(|a, b| {
            b.cost.cmp(&a.cost).then_with(|| a.keys.cmp(&b.keys)).then_with(|| a.currency.cmp(&b.currency))
        });
        Ok(rows)
    }
    async fn line_sources(&self, q: &SourceQuery) -> Result<LineSources> {
        sources::line_sources(&self.db, q).await
    }
}
