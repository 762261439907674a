//! Bulk account mapping (`billops accounts assign --file map.csv`, and the Accounts pane's marks, `marks.rs`):
//! every row in one transaction, all or nothing. A manager's rows are assignments; an operator's become link proposals (the
//! same rule as one assignment). Cost moves once per (batch, period) for all the accounts together, and only in the
//! rollups: see [`relocate_many`], which one assignment uses too.
use std::collections::HashMap;

use chrono::NaiveDate;
use serde::Serialize;

use crate::accounts::record_assignment;
use crate::db::{Arg, Tx, args};
use crate::owners::rebuild_cost_rollups;
use crate::parties::{customer_id, role_in};
use crate::rating_rollups::{self, Part};
use crate::{Actor, Result, StoreError};

/// Rows per statement (three parameters each, well under both backends' limits).
const CHUNK: usize = 300;

/// One row of a mapping file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BulkAssignment {
    pub account: String,
    pub customer: String,
    pub from: NaiveDate,
    /// The row's line in its file (for messages).
    pub line: u64,
}

/// What a bulk mapping did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct BulkAssigned {
    /// Assignments made (a manager's rows).
    pub assigned: usize,
    /// Link proposals recorded (an operator's rows), by id.
    pub proposed: Vec<i64>,
    /// (batch, period) pairs whose line items and rollups moved.
    pub rebuilt: usize,
}

/// A row's failure, naming its line: the whole file is refused.
fn at(line: u64, e: StoreError) -> StoreError {
    match e {
        StoreError::Invalid(m) | StoreError::NotFound(m) | StoreError::Conflict(m) => {
            StoreError::Invalid(format!("line {line}: {m}; nothing was assigned"))
        }
        StoreError::Locked { period, by } => StoreError::Invalid(format!(
            "line {line}: period {period} is signed off (by {by}): an assignment from a date inside it would move \
             its cost; nothing was assigned"
        )),
        other => other,
    }
}

pub(crate) async fn assign_all(tx: &mut Tx, rows: &[BulkAssignment], by: &Actor) -> Result<BulkAssigned> {
    assign_all_why(tx, rows, by, &|r| format!("mapping file line {}", r.line)).await
}

/// [`assign_all`] with the audit reason of each row's assignment given by `why`.
pub(crate) async fn assign_all_why(
    tx: &mut Tx,
    rows: &[BulkAssignment],
    by: &Actor,
    why: &(dyn Fn(&BulkAssignment) -> String + Sync),
) -> Result<BulkAssigned> {
    let role = role_in(tx, &by.name).await?;
    if !role.can_write() {
        return Err(StoreError::Forbidden(format!("{} ({role}) may not map accounts: viewers read only", by.name)));
    }
    let mut seen: HashMap<&str, u64> = HashMap::new();
    for r in rows {
        if let Some(first) = seen.insert(r.account.as_str(), r.line) {
            return Err(StoreError::Invalid(format!(
                "line {}: account {} is mapped on line {first} already; nothing was assigned",
                r.line, r.account
            )));
        }
    }
    let mut out = BulkAssigned::default();
    let mut moved: Vec<Move<'_>> = Vec::new();
    for r in rows {
        let payer = tx
            .opt("SELECT payer FROM linked_accounts WHERE id = $1", args![r.account.as_str()])
            .await?
            .ok_or_else(|| at(r.line, StoreError::NotFound(format!("linked account {}", r.account))))?;
        let cid = customer_id(tx, &r.customer).await.map_err(|e| at(r.line, e))?;
        if role == billops_domain::Role::Operator {
            let payer: String = payer.get(0)?;
            let id = crate::accounts::propose_in(tx, &r.account, &payer, cid, r.from, by)
                .await
                .map_err(|e| at(r.line, e))?;
            out.proposed.push(id);
        } else {
            let why = why(r);
            let was =
                record_assignment(tx, &r.account, cid, r.from, by, Some(&why)).await.map_err(|e| at(r.line, e))?;
            moved.push(Move { account: r.account.as_str(), cid, from: r.from, was });
            out.assigned += 1;
        }
    }
    out.rebuilt = relocate_many(tx, &moved).await?;
    Ok(out)
}

/// One account's move: to customer id `cid` from `from`; `was`: every customer its rollups may carry now
/// (`accounts::record_assignment`'s answer, read before it changed the assignments).
#[derive(Debug, Clone)]
pub(crate) struct Move<'a> {
    pub account: &'a str,
    pub cid: i64,
    pub from: NaiveDate,
    pub was: Vec<i64>,
}

/// Move the cost of `moved` to its customers: the rollups (cost, resource, rating) of
/// every (batch, period) holding the accounts' cost on or after their dates. Returns how many (batch, period)
/// pairs moved. Line items are not rewritten: their customer is resolved through the assignments when read
/// (`owners`), so the work is proportional to the moved accounts' rollup rows:
/// - an account whose move covers the whole of a (batch, period) — its date on or before the period's first day
///   of data there — and whose rollups there carry one customer has them re-pointed in place (an `UPDATE` of the
///   customer: the sums do not change, and no key can collide since the account is part of every key);
/// - any other account there (a move from mid-period, or rollups already split between customers) has its rollups
///   deleted and rebuilt from its line items, each item's customer resolved on its usage day.
///
/// The moves go into a temporary table (`bulk_map`; the rebuilt accounts of one (batch, period) in `bulk_split`,
/// their line items' ids in `bulk_items`, found by one read of the batch's items whatever the three rebuilds need),
/// so each statement handles all the accounts at once. Every statement on the rollups also names the customers
/// the moved accounts' rollups may carry (`bulk_was`): the rollups' keys start (period, customer_id), so moving
/// one account reads its customers' rows of the month, not the month (10M rows: 2.2 s → see
/// docs/PERFORMANCE.md, session 13).
pub(crate) async fn relocate_many(tx: &mut Tx, moved: &[Move<'_>]) -> Result<usize> {
    let temps = match tx.backend() {
        crate::Backend::Sqlite => [
            "CREATE TEMP TABLE IF NOT EXISTS bulk_map (account INTEGER PRIMARY KEY, cid INTEGER NOT NULL, \
             from_day TEXT NOT NULL)",
            "CREATE TEMP TABLE IF NOT EXISTS bulk_split (account INTEGER PRIMARY KEY)",
            "CREATE TEMP TABLE IF NOT EXISTS bulk_was (cid INTEGER PRIMARY KEY)",
            "CREATE TEMP TABLE IF NOT EXISTS bulk_items (id INTEGER PRIMARY KEY)",
        ],
        crate::Backend::Postgres => [
            "CREATE TEMP TABLE IF NOT EXISTS bulk_map (account BIGINT PRIMARY KEY, cid BIGINT NOT NULL, \
             from_day DATE NOT NULL) ON COMMIT DROP",
            "CREATE TEMP TABLE IF NOT EXISTS bulk_split (account BIGINT PRIMARY KEY) ON COMMIT DROP",
            "CREATE TEMP TABLE IF NOT EXISTS bulk_was (cid BIGINT PRIMARY KEY) ON COMMIT DROP",
            "CREATE TEMP TABLE IF NOT EXISTS bulk_items (id BIGINT PRIMARY KEY) ON COMMIT DROP",
        ],
    };
    for sql in temps {
        tx.exec(sql, vec![]).await?;
    }
    tx.exec("DELETE FROM bulk_map", vec![]).await?;
    tx.exec("DELETE FROM bulk_was", vec![]).await?;
    // accounts never imported have no dict id and no cost to move
    let mut earliest: Option<NaiveDate> = None;
    let mut rows: Vec<(i64, i64, NaiveDate)> = Vec::new();
    let mut was: Vec<i64> = Vec::new();
    for chunk in moved.chunks(CHUNK) {
        let list: Vec<String> = (0..chunk.len()).map(|i| format!("${}", i + 1)).collect();
        let sql = format!("SELECT id, value FROM dict WHERE value IN ({})", list.join(", "));
        let found = tx.all(&sql, chunk.iter().map(|m| Arg::from(m.account)).collect()).await?;
        let ids: HashMap<String, i64> =
            found.iter().map(|r| Ok((r.get::<String>(1)?, r.get::<i64>(0)?))).collect::<Result<_>>()?;
        for m in chunk {
            if let Some(id) = ids.get(m.account) {
                rows.push((*id, m.cid, m.from));
                was.extend(&m.was);
                earliest = Some(earliest.map_or(m.from, |e| e.min(m.from)));
            }
        }
    }
    let Some(earliest) = earliest else { return Ok(0) };
    was.sort_unstable();
    was.dedup();
    for chunk in was.chunks(CHUNK) {
        let values: Vec<String> = (0..chunk.len()).map(|i| format!("(${})", i + 1)).collect();
        let a = chunk.iter().map(|c| Arg::from(*c)).collect();
        tx.exec_once(&format!("INSERT INTO bulk_was (cid) VALUES {}", values.join(", ")), a).await?;
    }
    for chunk in rows.chunks(CHUNK) {
        let values: Vec<String> =
            (0..chunk.len()).map(|i| format!("(${}, ${}, ${})", 3 * i + 1, 3 * i + 2, 3 * i + 3)).collect();
        let mut a = Vec::with_capacity(chunk.len() * 3);
        for (id, cid, from) in chunk {
            a.extend([Arg::from(*id), Arg::from(*cid), Arg::from(*from)]);
        }
        tx.exec_once(&format!("INSERT INTO bulk_map (account, cid, from_day) VALUES {}", values.join(", ")), a).await?;
    }
    let scopes = tx
        .all(
            "SELECT s.batch_id, s.period, b.first_item_id, b.last_item_id, min(s.first_day) \
             FROM batch_scopes s JOIN import_batches b ON b.id = s.batch_id \
             WHERE s.replaced_by IS NULL AND s.last_day >= $1 AND EXISTS (SELECT 1 FROM cost_rollups r \
               WHERE r.period = s.period AND r.customer_id IN (SELECT cid FROM bulk_was) AND r.batch_id = s.batch_id \
                 AND r.account IN (SELECT account FROM bulk_map)) \
             GROUP BY s.batch_id, s.period, b.first_item_id, b.last_item_id ORDER BY s.batch_id, s.period",
            args![earliest],
        )
        .await?;
    const TABLES: [&str; 3] = ["cost_rollups", "resource_rollups", "rating_rollups"];
    let mut done = 0;
    for r in &scopes {
        let (batch, period, lo, hi): (i64, String, i64, i64) = (r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?);
        let first_day: NaiveDate = r.get(4)?;
        let p = period.as_str();
        let mut clock = Steps::new(batch, p);
        // Which accounts need their line items: a move from after the first day of data, or split rollups.
        tx.exec("DELETE FROM bulk_split", vec![]).await?;
        tx.exec("INSERT INTO bulk_split (account) SELECT account FROM bulk_map WHERE from_day > $1", args![first_day])
            .await?;
        tx.exec(
            "INSERT INTO bulk_split (account) SELECT r.account FROM cost_rollups r \
             WHERE r.period = $1 AND r.customer_id IN (SELECT cid FROM bulk_was) AND r.batch_id = $2 \
               AND r.account IN (SELECT account FROM bulk_map) \
               AND r.account NOT IN (SELECT account FROM bulk_split) \
             GROUP BY r.account HAVING count(DISTINCT r.customer_id) > 1",
            args![p, batch],
        )
        .await?;
        for table in TABLES {
            // a join, not a lookup per row (PostgreSQL hashes the map: 6.1 → 3.9 s for 420k cost rollups)
            let sql = format!(
                "UPDATE {table} SET customer_id = m.cid FROM bulk_map m \
                 WHERE {table}.account = m.account AND {table}.period = $1 AND {table}.batch_id = $2 \
                   AND {table}.customer_id IN (SELECT cid FROM bulk_was) AND {table}.customer_id <> m.cid \
                   AND m.account NOT IN (SELECT account FROM bulk_split)"
            );
            tx.exec(&sql, args![p, batch]).await?;
        }
        clock.step("re-pointed");
        let split: i64 = tx.one("SELECT count(*) FROM bulk_split", vec![]).await?.get(0)?;
        if split > 0 {
            for table in TABLES {
                let sql = format!(
                    "DELETE FROM {table} WHERE period = $1 AND customer_id IN (SELECT cid FROM bulk_was) \
                     AND batch_id = $2 AND account IN (SELECT account FROM bulk_split)"
                );
                tx.exec(&sql, args![p, batch]).await?;
            }
            clock.step("deleted");
            // One read of the batch's line items finds the split accounts' rows (the table has no index on the
            // account: a scan); the rebuild reads those rows by id. It read the batch three times (once per
            // rollup table): one account from mid-month on 10M rows took 4.4–5.6 s, now 1.0–1.8 s
            // (docs/PERFORMANCE.md, session 17).
            tx.exec("DELETE FROM bulk_items", vec![]).await?;
            tx.exec(
                // the account first: SQLite tests the terms in order, and it rules out most rows (10M: 1.08 → 0.77 s)
                "INSERT INTO bulk_items (id) SELECT id FROM line_items WHERE id BETWEEN $1 AND $2 \
                 AND account IN (SELECT account FROM bulk_split) AND batch_id = $3 AND period = $4",
                args![lo, hi, batch, p],
            )
            .await?;
            clock.step("items found");
            let span = tx.one("SELECT min(id), max(id) FROM bulk_items", vec![]).await?;
            if let (Some(lo), Some(hi)) = (span.get::<Option<i64>>(0)?, span.get::<Option<i64>>(1)?) {
                let rating = rating_rollups::built(tx, batch).await?;
                if tx.backend() == crate::Backend::Sqlite {
                    crate::moved_rollups::rebuild(tx, batch, p, (lo, hi), rating).await?;
                } else {
                    let filter = "id IN (SELECT id FROM bulk_items WHERE id BETWEEN $1 AND $2) AND batch_id = $3 \
                                  AND period = $4";
                    rebuild_cost_rollups(tx, filter, &|| args![lo, hi, batch, p]).await?;
                    if rating {
                        rating_rollups::rebuild(tx, batch, lo, hi, Part::Moved { period: p }).await?;
                    }
                }
                clock.step("rollups rebuilt");
            }
        }
        let touched = "SELECT cid FROM bulk_was UNION SELECT cid FROM bulk_map";
        crate::service_rollups::refresh_some(tx, batch, p, Some(touched)).await?;
        clock.step("service rollups refreshed");
        done += 1;
    }
    tx.exec("DROP TABLE IF EXISTS bulk_items", vec![]).await?;
    tx.exec("DROP TABLE IF EXISTS bulk_was", vec![]).await?;
    tx.exec("DROP TABLE IF EXISTS bulk_split", vec![]).await?;
    tx.exec("DROP TABLE IF EXISTS bulk_map", vec![]).await?;
    Ok(done)
}

/// Each step's time of one (batch, period)'s move, in the debug log (`BILLOPS_LOG=billops_store=debug`).
struct Steps<'a> {
    batch: i64,
    period: &'a str,
    at: std::time::Instant,
}

impl<'a> Steps<'a> {
    fn new(batch: i64, period: &'a str) -> Self {
        Self { batch, period, at: std::time::Instant::now() }
    }

    fn step(&mut self, what: &str) {
        let ms = self.at.elapsed().as_millis();
        tracing::debug!(batch = self.batch, period = self.period, ms, "account move: {what}");
        self.at = std::time::Instant::now();
    }
}
