//! `service_rollups` (migration 0021): cost by period, customer, service and currency per import batch, derived
//! from `cost_rollups` so that the first drill step (cost by customer) and every report that needs only those
//! dimensions reads a few thousand rows instead of a month's cost rollups (`costs::statement` picks the table).
//!
//! Every writer of `cost_rollups` refreshes the (batch, period) it touched, in the same transaction: the import,
//! a replacing import, an account's re-assignment (`accounts_bulk`); the currency back-fill runs before this
//! one's. A refresh re-aggregates the (batch, period)'s cost rollups (exact sums: integer parts on SQLite,
//! `NUMERIC` on PostgreSQL), one partition on PostgreSQL.
use crate::db::{Db, Tx, args, money_cols, money_sum};
use crate::{Backend, Result, StoreError};

/// Replace the summary of batch `batch` in `period` by the aggregate of its cost rollups.
///
/// PostgreSQL groups in SQL (a hash aggregate). SQLite would sort every cost rollup of the month for its GROUP BY
/// (16 MiB more at an import's end on 1M high-cardinality rows), so it adds each rollup row into its summary row
/// instead (`ON CONFLICT … DO UPDATE`), which needs no sort: a few thousand rows are touched in place. Integer
/// `+` that overflows would turn into a float where `sum()` raises, so the result is checked after.
pub(crate) async fn refresh(tx: &mut Tx, batch: i64, period: &str) -> Result<()> {
    refresh_some(tx, batch, period, None).await
}

/// [`refresh`] of the customers whose ids `customers` selects (a subquery, e.g. `SELECT cid FROM t`), or of all
/// of them (`None`). An account's re-assignment touches two customers' rows of a month: both tables' primary keys
/// start (period, customer_id), so this reads only their cost rollups, not the month's.
pub(crate) async fn refresh_some(tx: &mut Tx, batch: i64, period: &str, customers: Option<&str>) -> Result<()> {
    let b = tx.backend();
    let only = customers.map(|q| format!(" AND customer_id IN ({q})")).unwrap_or_default();
    tx.exec(&format!("DELETE FROM service_rollups WHERE period = $1 AND batch_id = $2{only}"), args![period, batch])
        .await?;
    let money = [money_cols(b, "billed"), money_cols(b, "effective"), money_cols(b, "list")].join(", ");
    let keys = "period, customer_id, service, currency";
    let sql = match b {
        Backend::Postgres => {
            let sums = [money_sum(b, "", "billed"), money_sum(b, "", "effective"), money_sum(b, "", "list")].join(", ");
            format!(
                "INSERT INTO service_rollups ({keys}, batch_id, row_count, {money}) \
                 SELECT {keys}, batch_id, sum(row_count), {sums} FROM cost_rollups WHERE period = $1 AND batch_id = $2{only} \
                 GROUP BY {keys}, batch_id"
            )
        }
        Backend::Sqlite => {
            let add: Vec<String> =
                money.split(", ").chain(["row_count"]).map(|c| format!("{c} = {c} + excluded.{c}")).collect();
            format!(
                "INSERT INTO service_rollups ({keys}, batch_id, row_count, {money}) \
                 SELECT {keys}, batch_id, row_count, {money} FROM cost_rollups WHERE period = $1 AND batch_id = $2{only} \
                 AND true ON CONFLICT ({keys}, batch_id) DO UPDATE SET {}",
                add.join(", ")
            )
        }
    };
    tx.exec(&sql, args![period, batch]).await?;
    if b == Backend::Sqlite {
        let cols: Vec<String> = money.split(", ").map(|c| format!("typeof({c}) <> 'integer'")).collect();
        let check = format!(
            "SELECT 1 FROM service_rollups WHERE period = $1 AND batch_id = $2{only} AND ({}) LIMIT 1",
            cols.join(" OR ")
        );
        if tx.opt(&check, args![period, batch]).await?.is_some() {
            return Err(StoreError::Invalid(format!(
                "batch {batch}, {period}: a sum by customer and service passes ±9.2e18 and cannot be kept exactly"
            )));
        }
    }
    Ok(())
}

/// Refresh every period batch `batch` has cost in (after its import).
pub(crate) async fn refresh_batch(tx: &mut Tx, batch: i64) -> Result<()> {
    let periods = tx.all("SELECT DISTINCT period FROM batch_scopes WHERE batch_id = $1", args![batch]).await?;
    for p in periods {
        let period: String = p.get(0)?;
        refresh(tx, batch, &period).await?;
    }
    Ok(())
}

/// The table that holds cost by period × customer × service × currency: the summary once built (`ready`), else
/// the cost rollups (the same sums, far more rows).
pub(crate) fn by_service(summary: bool) -> &'static str {
    if summary { "service_rollups" } else { "cost_rollups" }
}

/// The assigned customers with cost in period `$1` (one `customer_id` a row), from [`by_service`]'s table: the
/// close board counts them and their onboarding checklists.
pub(crate) fn customers_with_cost(summary: bool) -> String {
    format!(
        "SELECT customer_id FROM {} WHERE period = $1 AND customer_id <> 0 GROUP BY customer_id",
        by_service(summary)
    )
}

/// Whether reads may use the summary: the table exists (a read-only open of an older store has no migrations)
/// and no batch waits for its back-fill.
pub(crate) async fn ready(db: &Db) -> bool {
    matches!(pending(db).await, Ok(0))
}

/// Batches imported before migration 0021, waiting for their summary.
async fn pending(db: &Db) -> Result<i64> {
    match db.opt("SELECT count(*) FROM service_rollup_pending", vec![]).await? {
        Some(r) => r.get(0),
        None => Ok(0),
    }
}

/// Build the summary of every pending batch, one batch per transaction (resumable); `progress(done, total)` after
/// each. Returns the batches filled.
pub(crate) async fn backfill(db: &Db, progress: &mut (dyn FnMut(usize, usize) + Send)) -> Result<usize> {
    let todo = db.all("SELECT batch_id FROM service_rollup_pending ORDER BY batch_id", vec![]).await?;
    let total = todo.len();
    if total == 0 {
        return Ok(0); // nothing to say: the other back-fills' progress stays the last word
    }
    let mut filled = 0;
    for (done, r) in todo.into_iter().enumerate() {
        progress(done, total);
        let batch: i64 = r.get(0)?;
        let mut tx = crate::sql_store::backfill_tx(db).await?;
        if tx.exec("DELETE FROM service_rollup_pending WHERE batch_id = $1", args![batch]).await? == 0 {
            tx.rollback().await?; // another migrate took it
            continue;
        }
        refresh_batch(&mut tx, batch).await?;
        tx.commit().await?;
        filled += 1;
    }
    progress(total, total);
    Ok(filled)
}

/// Refuse a store whose summaries are not built yet, naming the command that builds them.
pub(crate) async fn refuse_pending(db: &Db) -> Result<()> {
    let n = pending(db).await?;
    if n > 0 {
        return Err(crate::sql_store::needs_backfill(&format!(
            "{n} import batch(es) need their cost summary by customer and service (migration 0021)"
        )));
    }
    Ok(())
}
