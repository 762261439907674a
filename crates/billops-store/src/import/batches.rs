//! Import batches with their scopes, feed issues, quarantined rows, periods with data.
use std::collections::HashMap;

use async_trait::async_trait;
use billops_domain::{FeedIssue, Period, Quarantined};

use crate::audit::{self, Audit};
use crate::db::{Db, Row, Tx, args, money_cols};
use crate::{
    Actor, Backend, BatchScope, BatchStatus, ImportBatch, ImportChunk, ImportMeta, ImportOutcome, IssueFilter, Result,
    SqlStore, StoreError, StoredIssue, StoredQuarantine,
};

const BATCH_SELECT: &str = "SELECT id, file_name, content_hash, format, run_id, row_count, quarantined, imported_by, \
     imported_at FROM import_batches";

fn scope_select(b: Backend) -> String {
    format!(
        "SELECT batch_id, payer, period, row_count, {}, {}, {}, status, replaced_by FROM batch_scopes",
        money_cols(b, "billed"),
        money_cols(b, "effective"),
        money_cols(b, "list")
    )
}

fn batch_row(r: &Row) -> Result<ImportBatch> {
    Ok(ImportBatch {
        id: r.get(0)?,
        file_name: r.get(1)?,
        content_hash: r.get::<Option<String>>(2)?.unwrap_or_default(),
        format: r.get(3)?,
        run_id: r.get(4)?,
        rows: r.get(5)?,
        quarantined: r.get(6)?,
        scopes: Vec::new(),
        imported_by: r.get(7)?,
        imported_at: r.get(8)?,
    })
}

fn scope_row(r: &Row) -> Result<(i64, BatchScope)> {
    let period: String = r.get(2)?;
    let period: Period = period.parse().map_err(|e| StoreError::Invalid(format!("{e}")))?;
    let (billed, i) = r.money(4)?;
    let (effective, i) = r.money(i)?;
    let (list, i) = r.money(i)?;
    let status = match r.get::<String>(i)?.as_str() {
        "final" => BatchStatus::Final,
        _ => BatchStatus::Estimated,
    };
    Ok((
        r.get(0)?,
        BatchScope {
            payer: r.get(1)?,
            period,
            rows: r.get(3)?,
            billed,
            effective,
            list,
            status,
            replaced_by: r.get(i + 1)?,
        },
    ))
}

/// One batch with its scopes, inside a transaction.
pub(crate) async fn load_batch(tx: &mut Tx, id: i64) -> Result<ImportBatch> {
    let sql = format!("{BATCH_SELECT} WHERE id = $1");
    let mut b = batch_row(&tx.one(&sql, args![id]).await?)?;
    let sql = format!("{} WHERE batch_id = $1 ORDER BY period, payer", scope_select(tx.backend()));
    for r in tx.all(&sql, args![id]).await? {
        b.scopes.push(scope_row(&r)?.1);
    }
    Ok(b)
}

async fn with_scopes(db: &Db, mut batches: Vec<ImportBatch>) -> Result<Vec<ImportBatch>> {
    if batches.is_empty() {
        return Ok(batches);
    }
    let ids: Vec<i64> = batches.iter().map(|b| b.id).collect();
    let (lo, hi) = (ids.iter().min().copied().unwrap_or(0), ids.iter().max().copied().unwrap_or(0));
    let sql = format!("{} WHERE batch_id BETWEEN $1 AND $2 ORDER BY period, payer", scope_select(db.backend()));
    let mut by_batch: HashMap<i64, Vec<BatchScope>> = HashMap::new();
    for r in db.all(&sql, args![lo, hi]).await? {
        let (id, s) = scope_row(&r)?;
        by_batch.entry(id).or_default().push(s);
    }
    for b in &mut batches {
        b.scopes = by_batch.remove(&b.id).unwrap_or_default();
    }
    Ok(batches)
}

pub(crate) async fn find_batch_by_hash(db: &Db, hash: &str) -> Result<Option<ImportBatch>> {
    let sql = format!("{BATCH_SELECT} WHERE content_hash = $1");
    let Some(r) = db.opt(&sql, args![hash]).await? else {
        return Ok(None);
    };
    Ok(with_scopes(db, vec![batch_row(&r)?]).await?.pop())
}

fn issue_row(r: &Row) -> Result<StoredIssue> {
    let kind: String = r.get(2)?;
    let severity: String = r.get(3)?;
    let period: Option<String> = r.get(4)?;
    let line: Option<i64> = r.get(8)?;
    Ok(StoredIssue {
        id: r.get(0)?,
        batch_id: r.get(1)?,
        issue: FeedIssue {
            kind: kind.parse().map_err(StoreError::Invalid)?,
            severity: severity.parse().map_err(StoreError::Invalid)?,
            period: period.and_then(|p| p.parse().ok()),
            payer: r.get(5)?,
            account: r.get(6)?,
            file: r.get(7)?,
            line: line.and_then(|l| u64::try_from(l).ok()),
            column: r.get(9)?,
            message: r.get(10)?,
        },
        open: r.get(11)?,
        created_at: r.get(12)?,
        resolved_by: r.get(13)?,
        resolved_at: r.get(14)?,
        note: r.get(15)?,
    })
}

const ISSUE_SELECT: &str = "SELECT id, batch_id, kind, severity, period, payer, account, file, line, col, message, \
     is_open, created_at, resolved_by, resolved_at, note FROM feed_issues";

/// Imports: one source per transaction, its batch, feed issues and quarantined rows.
#[async_trait]
pub trait Imports: Send + Sync {
    /// Write one source's rows in ONE transaction, consuming chunks until [`ImportChunk::End`]. If the
    /// channel closes without `End` (the reader failed or the process is stopping) nothing is written.
    /// Refuses (and writes nothing) when the content hash was imported before. Replaces older batches'
    /// data for the same payer and period from other runs (estimated → final), and says so.
    async fn import(&self, meta: &ImportMeta, rx: tokio::sync::mpsc::Receiver<ImportChunk>) -> Result<ImportOutcome>;
    async fn find_batch_by_hash(&self, content_hash: &str) -> Result<Option<ImportBatch>>;
    async fn list_batches(&self) -> Result<Vec<ImportBatch>>;
    async fn list_issues(&self, filter: &IssueFilter) -> Result<Vec<StoredIssue>>;
    async fn resolve_issue(&self, id: i64, note: &str, by: &Actor) -> Result<()>;
    async fn list_quarantine(&self, batch: Option<i64>) -> Result<Vec<StoredQuarantine>>;
    /// Periods that have line items, newest first.
    async fn periods(&self) -> Result<Vec<Period>>;
}

#[async_trait]
impl Imports for SqlStore {
    async fn import(&self, meta: &ImportMeta, rx: tokio::sync::mpsc::Receiver<ImportChunk>) -> Result<ImportOutcome> {
        super::run(&self.db, meta, rx).await
    }
    async fn find_batch_by_hash(&self, content_hash: &str) -> Result<Option<ImportBatch>> {
        find_batch_by_hash(&self.db, content_hash).await
    }
    /// Committed batches, newest first.
    async fn list_batches(&self) -> Result<Vec<ImportBatch>> {
        let sql = format!("{BATCH_SELECT} WHERE content_hash IS NOT NULL ORDER BY id DESC");
        let batches = self.db.all(&sql, vec![]).await?.iter().map(batch_row).collect::<Result<Vec<_>>>()?;
        with_scopes(&self.db, batches).await
    }
    async fn list_issues(&self, f: &IssueFilter) -> Result<Vec<StoredIssue>> {
        let mut sql = format!("{ISSUE_SELECT} WHERE 1 = 1");
        let mut a = Vec::new();
        if f.open_only {
            sql.push_str(" AND is_open");
        }
        if let Some(b) = f.batch {
            a.push(b.into());
            sql.push_str(&format!(" AND batch_id = ${}", a.len()));
        }
        sql.push_str(" ORDER BY id");
        self.db.all(&sql, a).await?.iter().map(issue_row).collect()
    }
    async fn resolve_issue(&self, id: i64, note: &str, by: &Actor) -> Result<()> {
        crate::fields::text("note", note)?;
        let mut tx = self.db.begin().await?;
        let sql = format!("{ISSUE_SELECT} WHERE id = $1");
        let Some(r) = tx.opt(&sql, args![id]).await? else {
            return Err(StoreError::NotFound(format!("issue {id}")));
        };
        let before = issue_row(&r)?;
        if !before.open {
            return Err(StoreError::Conflict(format!(
                "issue {id} was already resolved by {}",
                before.resolved_by.as_deref().unwrap_or("?")
            )));
        }
        tx.exec(
            "UPDATE feed_issues SET is_open = FALSE, resolved_by = $1, resolved_at = $2, note = $3 WHERE id = $4",
            args![by.name.as_str(), by.at, note, id],
        )
        .await?;
        let after = issue_row(&tx.one(&sql, args![id]).await?)?;
        let entity_id = id.to_string();
        let mut a = Audit::new("issue.resolve", "feed_issue", &entity_id).before(&before).after(&after).reason(note);
        if let Some(p) = before.issue.period {
            a = a.period(p);
        }
        audit::write(&mut tx, by, a).await?;
        tx.commit().await
    }
    async fn list_quarantine(&self, batch: Option<i64>) -> Result<Vec<StoredQuarantine>> {
        let mut sql =
            String::from("SELECT id, batch_id, file, line, col, column_name, value, reason, raw FROM quarantined_rows");
        let mut a = Vec::new();
        if let Some(b) = batch {
            a.push(b.into());
            sql.push_str(" WHERE batch_id = $1");
        }
        sql.push_str(" ORDER BY id");
        let rows = self.db.all(&sql, a).await?;
        rows.iter()
            .map(|r| {
                let line: i64 = r.get(3)?;
                let col: i64 = r.get(4)?;
                Ok(StoredQuarantine {
                    id: r.get(0)?,
                    batch_id: r.get(1)?,
                    row: Quarantined {
                        file: r.get(2)?,
                        line: u64::try_from(line).unwrap_or(0),
                        column: u32::try_from(col).unwrap_or(0),
                        column_name: r.get(5)?,
                        value: r.get(6)?,
                        reason: r.get(7)?,
                        raw: r.get(8)?,
                    },
                })
            })
            .collect()
    }
    /// Periods with (unreplaced) data, newest first.
    async fn periods(&self) -> Result<Vec<Period>> {
        let rows = self.db
            .all(
                "SELECT DISTINCT period FROM batch_scopes WHERE replaced_by IS NULL AND row_count > 0 ORDER BY period DESC",
                vec![],
            )
            .await?;
        rows.iter().map(|r| r.get::<String>(0)?.parse().map_err(|e| StoreError::Invalid(format!("{e}")))).collect()
    }
}
