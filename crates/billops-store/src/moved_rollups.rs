//! SQLite: the rollups of moved accounts' line items rebuilt in one read of those items, aggregated the way an
//! import aggregates them (`import::state`: the finest key, folded to each table's grain; spilled to sorted runs
//! past the import's key budget), so a mapping's memory is bounded like an import's and the three tables need one
//! pass, not three `GROUP BY`s. PostgreSQL keeps its `INSERT … SELECT … GROUP BY` (`accounts_bulk`), which
//! aggregates `NUMERIC` in the server within `work_mem`.
//!
//! 1,000 accounts moved from mid-month on a 10M-row store: the three `GROUP BY`s took 114 s and 218–320 MiB
//! (docs/PERFORMANCE.md, session 17).
use billops_domain::{Period, SplitDecimal};
use rust_decimal::Decimal;

use crate::db::{Tx, args};
use crate::import::bulk::{Bulk, Rollups};
use crate::import::dict::FastMap;
use crate::import::pipe;
use crate::import::spill::{Spill, budget_keys};
use crate::import::state::{Grain, RollKey, Sums};
use crate::owners::owned_items;
use crate::{Backend, Result, StoreError};

/// Moved line items read per query: each window's rows are held at once (two values a row, one a text of 24
/// numbers).
const WINDOW: i64 = 8_192;

/// Rebuild the cost and resource rollups (and the rating rollups when `rating`) of batch `batch`'s line items
/// listed in the temporary table `bulk_items` (their ids within `lo..=hi`, all in `period`), each item's customer
/// resolved on its usage day (`owners::owned_items`). The caller deletes the rows these replace.
pub(crate) async fn rebuild(tx: &mut Tx, batch: i64, period: &str, (lo, hi): (i64, i64), rating: bool) -> Result<()> {
    // The 24 integers of a row as one text (sqlx hands a row's values over one by one: 25 columns a row took
    // most of the read's time, 10M rows: see docs/PERFORMANCE.md, session 17), the quantity beside it.
    let ints = [
        "customer_id",
        "account",
        "service",
        "product",
        "component",
        "charge_category",
        "region",
        "usage_type",
        "resource",
        "unit",
        "payer",
        "currency",
        "billed_int",
        "billed_e9",
        "billed_e18",
        "billed_e28",
        "effective_int",
        "effective_e9",
        "effective_e18",
        "effective_e28",
        "list_int",
        "list_e9",
        "list_e18",
        "list_e28",
    ];
    let sql = format!(
        "SELECT {}, quantity FROM {}",
        ints.join(" || ' ' || "),
        owned_items(
            Backend::Sqlite,
            "id IN (SELECT id FROM bulk_items WHERE id BETWEEN $1 AND $2) AND batch_id = $3 AND period = $4"
        )
    );
    let p: Period = period.parse().map_err(|e| StoreError::Invalid(format!("stored period {period:?}: {e}")))?;
    let budget = budget_keys();
    let mut finest: FastMap<RollKey, Sums> = FastMap::default();
    let mut spill = Spill::default();
    // Windows of `WINDOW` moved items (not of ids: one account's items are spread over the whole batch, and each
    // query has a fixed cost, its join of the assignments: 10M rows, one account, 1,221 windows of ids took 5 s).
    let ends = tx
        .all(
            "SELECT id FROM (SELECT id, row_number() OVER (ORDER BY id) AS n FROM bulk_items \
             WHERE id BETWEEN $1 AND $2) AS w WHERE n % $3 = 0 ORDER BY id",
            args![lo, hi, WINDOW],
        )
        .await?
        .iter()
        .map(|r| r.get::<i64>(0))
        .collect::<Result<Vec<i64>>>()?;
    let mut start = lo;
    for end in ends.into_iter().chain(std::iter::once(hi)) {
        if start > end {
            break;
        }
        for r in tx.all(&sql, args![start, end, batch, period]).await? {
            let packed: String = r.get(0)?;
            let mut v = [0i64; 24];
            let mut n = 0;
            for (slot, word) in v.iter_mut().zip(packed.split(' ')) {
                *slot = word.parse().map_err(|e| {
                    StoreError::Invalid(format!("batch {batch}: a stored line item's key {packed:?}: {e}"))
                })?;
                n += 1;
            }
            if n != v.len() {
                return Err(StoreError::Invalid(format!("batch {batch}: a stored line item's key {packed:?}")));
            }
            let key = RollKey {
                period: p,
                customer: v[0],
                account: v[1],
                service: v[2],
                product: v[3],
                component: v[4],
                charge: v[5],
                region: v[6],
                usage_type: v[7],
                resource: v[8],
                unit: v[9],
                payer: v[10],
                currency: v[11],
            };
            let part = |k: usize| SplitDecimal { int: v[k], e9: v[k + 1], e18: v[k + 2], e28: v[k + 3] };
            let quantity = match r.get::<Option<String>>(1)? {
                Some(q) => Some(Decimal::from_str_exact(&q).map_err(|e| {
                    StoreError::Invalid(format!(
                        "batch {batch}: a stored quantity ({q:?}, line items {start}..={end}) is not an exact \
                         decimal: {e}; its rollups cannot be summed"
                    ))
                })?),
                None => None,
            };
            let sums = finest.entry(key).or_default();
            sums.add_amounts(part(12), part(16), part(20))?;
            sums.add_quantity(quantity)?;
        }
        if finest.len() >= budget {
            spill.spill(&mut finest)?;
        }
        start = end.saturating_add(1);
    }
    let mut bulk = Bulk::default();
    if spill.spilled() {
        spill.spill(&mut finest)?;
        drop(finest);
        let mut merged = spill.merged()?;
        while let Some((grain, chunk)) = merged.chunk()? {
            let which = match grain {
                Grain::Resource => Rollups::Resource,
                Grain::Rating if !rating => continue,
                Grain::Rating => Rollups::Rating,
                Grain::Cost => Rollups::Cost,
            };
            bulk.rollups(tx, batch, which, &chunk).await?;
        }
        return Ok(());
    }
    pipe::write_folded(tx, &mut bulk, batch, finest, rating).await?;
    Ok(())
}
