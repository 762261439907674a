//! `rating_rollups` outside the import: rebuilt from line items (their customers resolved through the assignments,
//! `owners`) when an account moves mid-period (`accounts_bulk`), and
//! back-filled batch by batch for stores created before migration 0004.
//!
//! Exactness: PostgreSQL sums `NUMERIC` in SQL (`INSERT … SELECT … GROUP BY`). On SQLite the money parts are
//! integers but `line_items.quantity` is exact decimal TEXT, which `sum()` would add as a float; so each window of
//! line ids is aggregated in SQL over the quantity's split representation (text → four integer parts, summed as
//! integers, see [`sqlite_aggregate`]), the windows are merged in Rust, and the result is written by the
//! import's bulk writer (multi-row `?` INSERTs).
use billops_domain::{Period, SplitDecimal};

use crate::db::{Arg, Db, Tx, args};
use crate::import::bulk::{Bulk, Rollups};
use crate::import::dict::FastMap;
use crate::import::state::{RollKey, Sums};
use crate::owners::owned_items;
use crate::{Backend, Result, StoreError};

/// Line-item ids aggregated per query on SQLite (bounds the GROUP BY sorter, which the store keeps in memory).
// A window's groups come back as rows of some 30 values each: at high cardinality nearly one group per line
// item, so 250,000 ids held ~300 MB of result rows at once (a 2,000-account mapping on 1M rows peaked at
// 825 MB RSS); 50,000 bound that to about a fifth for a few more queries.
const WINDOW: i64 = 50_000;

const KEYS: &str = "period, customer_id, account, service, product, component, charge_category, region, usage_type, unit, payer, \
     currency";

/// What to rebuild within a batch: all of it, or one account in one period.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Part<'a> {
    Batch,
    /// The line items of the mapping's temporary `bulk_items` table (`accounts_bulk`: the moved accounts' rows of
    /// one period, with `lo..=hi` their span).
    Moved {
        period: &'a str,
    },
    /// One (period, payer) of the batch (payer as its dict id).
    Scope {
        period: &'a str,
        payer: i64,
    },
}

/// Whether the batch's rating rollups exist (written by its import or back-filled).
pub(crate) async fn built(tx: &mut Tx, batch: i64) -> Result<bool> {
    Ok(tx.opt("SELECT batch_id FROM rating_rollup_batches WHERE batch_id = $1", args![batch]).await?.is_some())
}

/// Insert the rating rollups of `part` of batch `batch` (line item ids in `lo..=hi`) from its line items. The
/// caller deletes what they replace.
pub(crate) async fn rebuild(tx: &mut Tx, batch: i64, lo: i64, hi: i64, part: Part<'_>) -> Result<usize> {
    let (filter, extra): (String, Vec<Arg>) = match part {
        Part::Batch => (String::new(), vec![]),
        Part::Moved { period } => {
            (" AND period = $4 AND id IN (SELECT id FROM bulk_items WHERE id BETWEEN $1 AND $2)".into(), args![period])
        }
        Part::Scope { period, payer } => (" AND period = $4 AND payer = $5".into(), args![period, payer]),
    };
    match tx.backend() {
        Backend::Postgres => {
            let sql = format!(
                "INSERT INTO rating_rollups ({KEYS}, batch_id, row_count, billed, effective, list, quantity, \
                 no_quantity) SELECT {KEYS}, batch_id, count(*), sum(billed), sum(effective), sum(list), \
                 coalesce(sum(quantity), 0), count(*) - count(quantity) FROM {} GROUP BY {KEYS}, batch_id",
                owned_items(Backend::Postgres, &format!("id BETWEEN $1 AND $2 AND batch_id = $3{filter}"))
            );
            let mut a = args![lo, hi, batch];
            a.extend(extra);
            Ok(usize::try_from(tx.exec(&sql, a).await?).unwrap_or(usize::MAX))
        }
        Backend::Sqlite => {
            let sql = sqlite_aggregate(&filter);
            let mut sums: FastMap<RollKey, Sums> = FastMap::default();
            let mut periods: FastMap<String, Period> = FastMap::default();
            let mut start = lo;
            while start <= hi {
                let end = start.saturating_add(WINDOW - 1).min(hi);
                let mut a = args![start, end, batch];
                a.extend(extra.clone());
                for r in tx.all(&sql, a).await? {
                    let p: String = r.get(0)?;
                    let period = match periods.get(&p) {
                        Some(v) => *v,
                        None => {
                            let v: Period =
                                p.parse().map_err(|e| StoreError::Invalid(format!("stored period {p:?}: {e}")))?;
                            periods.insert(p, v);
                            v
                        }
                    };
                    if r.get::<i64>(30)? != 0 {
                        return Err(StoreError::Invalid(format!(
                            "batch {batch}: a stored quantity is not a plain decimal within ±9.2e18 (line items \
                             {start}..={end}); rating rollups cannot sum it exactly"
                        )));
                    }
                    let key = RollKey {
                        period,
                        customer: r.get(1)?,
                        account: r.get(2)?,
                        service: r.get(3)?,
                        product: r.get(4)?,
                        component: r.get(5)?,
                        charge: r.get(6)?,
                        region: r.get(7)?,
                        usage_type: r.get(8)?,
                        unit: r.get(9)?,
                        payer: r.get(10)?,
                        currency: r.get(11)?,
                        resource: 0,
                    };
                    let part = |k: usize| -> Result<SplitDecimal> {
                        Ok(SplitDecimal { int: r.get(k)?, e9: r.get(k + 1)?, e18: r.get(k + 2)?, e28: r.get(k + 3)? })
                    };
                    let window = Sums {
                        rows: r.get(12)?,
                        billed: part(13)?,
                        effective: part(17)?,
                        list: part(21)?,
                        quantity: part(25)?,
                        no_quantity: r.get(29)?,
                    };
                    sums.entry(key).or_default().merge(&window)?;
                }
                start = end.saturating_add(1);
            }
            Bulk::default().rollups(tx, batch, Rollups::Rating, &sums).await?;
            Ok(sums.len())
        }
    }
}

/// SQLite: the rating rollups of a window of line items, summed in SQL over the split representation. Money
/// parts are integers already; a quantity (exact decimal TEXT as the import writes it, `-?digits[.digits]`) is
/// split the way [`SplitDecimal`] splits it: the integer part, then the fraction padded to 28 digits in 9/9/10
/// digit parts, every part carrying the sign, so the integer `sum()`s are exact. The last column flags a quantity
/// that is not of that form (a character outside `[0-9.-]`, a second `.`, a `-` after the first character, no
/// digit at all) or whose integer part has more than 18 digits (it would not fit): the caller refuses, where a
/// `CAST` would silently truncate.
fn sqlite_aggregate(filter: &str) -> String {
    let money = ["billed", "effective", "list"]
        .iter()
        .flat_map(|m| ["int", "e9", "e18", "e28"].map(|p| format!("{m}_{p}")))
        .collect::<Vec<_>>();
    let cols = money.join(", ");
    let sums = money.iter().map(|c| format!("sum({c})")).collect::<Vec<_>>().join(", ");
    let items = owned_items(Backend::Sqlite, &format!("id BETWEEN $1 AND $2 AND batch_id = $3{filter}"));
    format!(
        "WITH s AS (SELECT {KEYS}, {cols}, quantity AS q, instr(quantity, '.') AS pos, \
           CASE WHEN substr(quantity, 1, 1) = '-' THEN -1 ELSE 1 END AS sg FROM {items}), \
         f AS (SELECT *, CASE WHEN pos = 0 THEN q ELSE substr(q, 1, pos - 1) END AS ip, \
           CASE WHEN pos = 0 THEN '' ELSE substr(q, pos + 1) END AS fr FROM s), \
         g AS (SELECT *, substr(fr || '0000000000000000000000000000', 1, 28) AS fp FROM f) \
         SELECT {KEYS}, count(*), {sums}, \
           coalesce(sum(CAST(CASE WHEN length(ltrim(ip, '-')) > 18 THEN '0' ELSE ip END AS INTEGER)), 0), \
           coalesce(sum(sg * CAST(substr(fp, 1, 9) AS INTEGER)), 0), \
           coalesce(sum(sg * CAST(substr(fp, 10, 9) AS INTEGER)), 0), \
           coalesce(sum(sg * CAST(substr(fp, 19, 10) AS INTEGER)), 0), sum(q IS NULL), \
           max(CASE WHEN q IS NULL THEN 0 WHEN q GLOB '*[^0-9.-]*' OR q = '' OR length(ltrim(ip, '-')) > 18 \
             OR length(fr) > 28 OR instr(fr, '.') > 0 OR instr(substr(q, 2), '-') > 0 \
             OR ltrim(ip, '-') || fr = '' THEN 1 ELSE 0 END) \
         FROM g GROUP BY {KEYS}"
    )
}

/// Back-fill the rating rollups of every imported batch that has none (a store created before migration 0004),
/// one batch per transaction, so an interrupted back-fill resumes where it stopped. Returns the batches filled.
///
/// A batch is claimed by inserting its `rating_rollup_batches` row first: a concurrent opener blocks on it and then
/// skips the batch. On PostgreSQL the transaction also holds `account_assignments` and `batch_scopes` in SHARE
/// mode, so an account re-assignment or a replacing import waits for it (and is then seen) rather than racing it.
pub(crate) async fn backfill(db: &Db, progress: &mut (dyn FnMut(usize, usize) + Send)) -> Result<usize> {
    let todo = db.all(&format!("SELECT b.id, b.first_item_id, b.last_item_id {PENDING} ORDER BY b.id"), vec![]).await?;
    let total = todo.len();
    let mut filled = 0;
    for (done, r) in todo.into_iter().enumerate() {
        progress(done, total);
        let (batch, lo, hi): (i64, i64, i64) = (r.get(0)?, r.get(1)?, r.get(2)?);
        let started = std::time::Instant::now();
        let mut tx = crate::sql_store::backfill_tx(db).await?;
        let claimed = tx
            .exec(
                "INSERT INTO rating_rollup_batches (batch_id, source) VALUES ($1, 'backfill') \
                 ON CONFLICT (batch_id) DO NOTHING",
                args![batch],
            )
            .await?;
        if claimed == 0 {
            tx.rollback().await?;
            continue;
        }
        let rows = if hi >= lo { rebuild(&mut tx, batch, lo, hi, Part::Batch).await? } else { 0 };
        tx.commit().await?;
        filled += 1;
        tracing::info!(batch, rollups = rows, ms = started.elapsed().as_millis(), "rating rollups back-filled");
    }
    progress(total, total);
    Ok(filled)
}

/// Imported batches without rating rollups (a store made before migration 0004).
const PENDING: &str = "FROM import_batches b WHERE b.content_hash IS NOT NULL \
     AND NOT EXISTS (SELECT 1 FROM rating_rollup_batches r WHERE r.batch_id = b.id)";

/// Refuse a store whose batches need the back-fill, naming the command that does it.
pub(crate) async fn refuse_pending(db: &Db) -> Result<()> {
    let n: i64 = match db.opt(&format!("SELECT count(*) {PENDING}"), vec![]).await? {
        Some(r) => r.get(0)?,
        None => 0,
    };
    if n > 0 {
        return Err(crate::sql_store::needs_backfill(&format!("{n} import batch(es) need their rating rollups built")));
    }
    Ok(())
}
