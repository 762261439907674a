//! Migration 0015 made currency a key of the three rollups. Rollups written before it carry currency -1 and
//! their batch is listed in `rollup_currency_pending`; `billops migrate` back-fills them from the batch's line
//! items, one batch per transaction (resumable), and every other open refuses the store until it has.
//!
//! A batch whose line items have one currency gets the column set in place (no re-aggregation: the sums do not
//! change). A batch with several had them added together under one key, so the rollups of its live scopes are
//! deleted and rebuilt from its line items (`rebuild_scope`, the grouped sums the account re-assignment uses).
use crate::Result;
use crate::db::{Db, Tx, args};
use crate::owners::rebuild_cost_rollups;
use crate::rating_rollups::{self, Part};

const TABLES: [&str; 3] = ["cost_rollups", "resource_rollups", "rating_rollups"];

/// Batches still waiting for the currency of their rollups.
pub(crate) async fn pending(db: &Db) -> Result<i64> {
    match db.opt("SELECT count(*) FROM rollup_currency_pending", vec![]).await? {
        Some(r) => r.get(0),
        None => Ok(0),
    }
}

/// Rebuild the rollups of one (period, payer) of a batch (line item ids `lo..=hi`) from its line items: cost and
/// resource, and rating when the batch's were built. The caller deletes what they replace.
pub(crate) async fn rebuild_scope(tx: &mut Tx, batch: i64, lo: i64, hi: i64, period: &str, payer: i64) -> Result<()> {
    let filter = "id BETWEEN $1 AND $2 AND batch_id = $3 AND period = $4 AND payer = $5";
    rebuild_cost_rollups(tx, filter, &|| args![lo, hi, batch, period, payer]).await?;
    if rating_rollups::built(tx, batch).await? {
        rating_rollups::rebuild(tx, batch, lo, hi, Part::Scope { period, payer }).await?;
    }
    Ok(())
}

/// Back-fill every pending batch; `progress(done, total)` after each. Returns the batches filled.
pub(crate) async fn backfill(db: &Db, progress: &mut (dyn FnMut(usize, usize) + Send)) -> Result<usize> {
    let todo = db
        .all(
            "SELECT p.batch_id, b.first_item_id, b.last_item_id FROM rollup_currency_pending p \
             JOIN import_batches b ON b.id = p.batch_id ORDER BY p.batch_id",
            vec![],
        )
        .await?;
    let total = todo.len();
    let mut filled = 0;
    for (done, r) in todo.into_iter().enumerate() {
        progress(done, total);
        let (batch, lo, hi): (i64, i64, i64) = (r.get(0)?, r.get(1)?, r.get(2)?);
        let mut tx = crate::sql_store::backfill_tx(db).await?;
        // Claimed by deleting the marker: a concurrent back-fill blocks on it and then finds nothing to do.
        if tx.exec("DELETE FROM rollup_currency_pending WHERE batch_id = $1", args![batch]).await? == 0 {
            tx.rollback().await?;
            continue;
        }
        let currencies = tx
            .all(
                "SELECT DISTINCT currency FROM line_items WHERE id BETWEEN $1 AND $2 AND batch_id = $3",
                args![lo, hi, batch],
            )
            .await?;
        match currencies.as_slice() {
            [] => {
                for t in TABLES {
                    tx.exec(&format!("DELETE FROM {t} WHERE batch_id = $1"), args![batch]).await?;
                }
            }
            [one] => {
                let c: i64 = one.get(0)?;
                for t in TABLES {
                    tx.exec(&format!("UPDATE {t} SET currency = $1 WHERE batch_id = $2"), args![c, batch]).await?;
                }
            }
            _ => {
                // Only the scopes that still have rollups (a replaced scope's were dropped with it).
                let scopes =
                    tx.all("SELECT DISTINCT period, payer FROM cost_rollups WHERE batch_id = $1", args![batch]).await?;
                for t in TABLES {
                    tx.exec(&format!("DELETE FROM {t} WHERE batch_id = $1"), args![batch]).await?;
                }
                for s in scopes {
                    let (period, payer): (String, i64) = (s.get(0)?, s.get(1)?);
                    rebuild_scope(&mut tx, batch, lo, hi, &period, payer).await?;
                }
            }
        }
        tx.commit().await?;
        filled += 1;
        tracing::info!(batch, currencies = currencies.len(), "rollup currency back-filled");
    }
    progress(total, total);
    Ok(filled)
}

/// Refuse a store whose rollups still lack their currency, naming the command that fills it.
pub(crate) async fn refuse_pending(db: &Db) -> Result<()> {
    let n = pending(db).await?;
    if n > 0 {
        return Err(crate::sql_store::needs_backfill(&format!(
            "the cost sums of {n} import batch(es) need their currency (migration 0015)"
        )));
    }
    Ok(())
}
