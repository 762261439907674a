//! The sources of an invoice line: the resource-level breakdown (from `resource_rollups`, keyed for it) and the
//! first raw line items of the customer / period / service / product / component. `line_items` has no index
//! beyond its id: the batches holding such rows are found through `cost_rollups`, and each batch's rows by its
//! id range (`import_batches.first_item_id..last_item_id`), scanned in id order and cut at the limit.
use billops_domain::{ChargeCategory, Period};
use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Serialize;

use crate::db::{Db, args, money_cols, money_sum};
use crate::owners::owned_items;
use crate::rating::price_book::dict_values;
use crate::{Result, StoreError};

/// Which invoice line to explain: the usage of one customer, period, service, product and component.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SourceQuery {
    pub customer: String,
    pub period: Period,
    pub service: String,
    pub product: String,
    pub component: String,
    /// At most this many raw line items (and resources).
    pub limit: usize,
}

/// One resource behind the line (account, region and charge category kept apart), billed cost.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ResourceSource {
    pub resource: String,
    pub account: String,
    pub region: String,
    pub charge_category: ChargeCategory,
    pub rows: i64,
    pub billed: Decimal,
}

/// One raw line item: where it was read (file and line) and what it says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SourceItem {
    pub id: i64,
    pub file: String,
    pub line: i64,
    pub account: String,
    pub usage_date: NaiveDate,
    pub usage_type: String,
    pub resource: String,
    pub quantity: Option<Decimal>,
    pub billed: Decimal,
}

/// What [`crate::Costs::line_sources`] answers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LineSources {
    pub query: SourceQuery,
    /// Largest billed cost first, at most `limit`.
    pub resources: Vec<ResourceSource>,
    /// Resources in all (the list may be cut).
    pub resource_count: usize,
    /// Line items and billed cost in all (from the rollups).
    pub rows: i64,
    pub billed: Decimal,
    /// The first `limit` line items in import order.
    pub items: Vec<SourceItem>,
}

impl LineSources {
    fn empty(q: &SourceQuery) -> LineSources {
        LineSources {
            query: q.clone(),
            resources: Vec::new(),
            resource_count: 0,
            rows: 0,
            billed: Decimal::ZERO,
            items: Vec::new(),
        }
    }
}

/// The one cut for both lists: resources and line items, 1..=10,000.
fn limit(q: &SourceQuery) -> usize {
    q.limit.clamp(1, 10_000)
}

pub(crate) async fn line_sources(db: &Db, q: &SourceQuery) -> Result<LineSources> {
    let Some(c) = db.opt("SELECT id FROM customers WHERE code = $1", args![q.customer.as_str()]).await? else {
        return Err(StoreError::NotFound(format!("customer {}", q.customer)));
    };
    let cid: i64 = c.get(0)?;
    let mut ids = [0i64; 3];
    for (k, v) in [&q.service, &q.product, &q.component].into_iter().enumerate() {
        match db.opt("SELECT id FROM dict WHERE value = $1", args![v.as_str()]).await? {
            Some(r) => ids[k] = r.get(0)?,
            None => return Ok(LineSources::empty(q)), // never imported: no source
        }
    }
    let [service, product, component] = ids;
    let period = q.period.to_string();
    let b = db.backend();
    let key = "period = $1 AND customer_id = $2 AND service = $3 AND product = $4 AND component = $5";

    let sql = format!(
        "SELECT resource, account, region, charge_category, CAST(sum(row_count) AS BIGINT), {} FROM resource_rollups \
         WHERE {key} GROUP BY resource, account, region, charge_category",
        money_sum(b, "", "billed")
    );
    let rows = db.all(&sql, args![period.as_str(), cid, service, product, component]).await?;
    let mut res = Vec::with_capacity(rows.len());
    let (mut total_rows, mut total) = (0i64, Decimal::ZERO);
    for r in &rows {
        let n: i64 = r.get(4)?;
        let (billed, _) = r.money(5)?;
        total_rows = total_rows.saturating_add(n);
        total = total.checked_add(billed).ok_or_else(|| StoreError::Invalid("amount overflow".into()))?;
        res.push(((r.get::<i64>(0)?, r.get::<i64>(1)?, r.get::<i64>(2)?, r.get::<i64>(3)?), n, billed));
    }
    res.sort_by(|a, b| b.2.cmp(&a.2).then(a.0.cmp(&b.0)));
    let resource_count = res.len();
    res.truncate(limit(q));

    let max = i64::try_from(limit(q)).unwrap_or(100);
    let batches = db
        .all(
            "SELECT DISTINCT r.batch_id, b.first_item_id, b.last_item_id, b.file_name FROM cost_rollups r \
             JOIN import_batches b ON b.id = r.batch_id WHERE r.period = $1 AND r.customer_id = $2 \
             AND r.service = $3 AND r.product = $4 AND r.component = $5 ORDER BY r.batch_id",
            args![period.as_str(), cid, service, product, component],
        )
        .await?;
    // The customer of a line item is its account's on the usage day (`owners`), not the column written at import.
    let items = owned_items(
        b,
        "id BETWEEN $1 AND $2 AND batch_id = $3 AND period = $4 AND service = $6 AND product = $7 AND component = $8",
    );
    let sql = format!(
        "SELECT id, account, usage_date, usage_type, resource, CAST(quantity AS TEXT), source_line, {} FROM {items} \
         WHERE customer_id = $5 ORDER BY id LIMIT $9",
        money_cols(b, "billed")
    );
    let mut raw = Vec::new();
    for bt in &batches {
        let left = max - i64::try_from(raw.len()).unwrap_or(max);
        if left <= 0 {
            break;
        }
        let (batch, lo, hi, file): (i64, i64, i64, String) = (bt.get(0)?, bt.get(1)?, bt.get(2)?, bt.get(3)?);
        let a = args![lo, hi, batch, period.as_str(), cid, service, product, component, left];
        for r in db.all(&sql, a).await? {
            let quantity = r
                .get::<Option<String>>(5)?
                .map(|t| billops_domain::parse_decimal(&t).map(|d| d.normalize()))
                .transpose()
                .map_err(|e| StoreError::Invalid(format!("stored quantity: {e}")))?;
            let (billed, _) = r.money(7)?;
            let ids = (r.get::<i64>(1)?, r.get::<i64>(3)?, r.get::<i64>(4)?);
            raw.push((r.get::<i64>(0)?, file.clone(), r.get::<i64>(6)?, ids, r.get::<NaiveDate>(2)?, quantity, billed));
        }
    }

    let mut want: Vec<i64> = res.iter().flat_map(|(k, _, _)| [k.0, k.1, k.2, k.3]).collect();
    want.extend(raw.iter().flat_map(|x| [x.3.0, x.3.1, x.3.2]));
    want.sort_unstable();
    want.dedup();
    let dict = dict_values(db, want).await?;
    let text = |id: i64| dict.get(&id).cloned().unwrap_or_default();
    let resources = res
        .into_iter()
        .map(|((resource, account, region, category), rows, billed)| ResourceSource {
            resource: text(resource),
            account: text(account),
            region: text(region),
            charge_category: text(category).parse().unwrap_or(ChargeCategory::Usage),
            rows,
            billed,
        })
        .collect();
    let items = raw
        .into_iter()
        .map(|(id, file, line, (account, usage_type, resource), usage_date, quantity, billed)| SourceItem {
            id,
            file,
            line,
            account: text(account),
            usage_date,
            usage_type: text(usage_type),
            resource: text(resource),
            quantity,
            billed,
        })
        .collect();
    Ok(LineSources { query: q.clone(), resources, resource_count, rows: total_rows, billed: total, items })
}
