//! `Imports::import`: one source in one transaction, committed only after `End`.
//!
//! While chunks stream in, line items are encoded (dictionary ids, customer resolved from the effective-dated
//! assignments loaded at the start) and written in bulk, and rollups and per-(payer, period) scopes are
//! aggregated exactly in memory. Writing overlaps encoding: a writer task owns the transaction and inserts
//! (SQLite, `pipe.rs`) or streams rows into an open COPY (PostgreSQL, `pg_pipe.rs`). At `End`: the content hash
//! is checked (already imported → roll back), the rollups, scopes, new accounts and issues are written, older
//! scopes of other runs are replaced, and the import is audited.
pub(crate) mod batches;
pub(crate) mod bulk;
pub(crate) mod dict;
mod id_tables;
mod pg_pipe;
pub(crate) mod pipe;
pub(crate) mod spill;
pub(crate) mod state;

use std::collections::{HashMap, HashSet};

use batches::{find_batch_by_hash, load_batch};
use billops_domain::{FeedIssue, IssueKind, Period, Quarantined, Severity};
use bulk::Bulk;
use state::{AssignMap, State};
use tokio::sync::mpsc::Receiver;

use crate::audit::{self, Audit};
use crate::db::{Db, Tx, args, insert_rows, money_args, money_cols};
use crate::{Backend, ImportChunk, ImportMeta, ImportOutcome, Replacement, Result, StoreError};

/// SQLite page cache of the importing connection, KiB (the pool's is `connect::SQLITE_CACHE_KIB`), unless
/// `BILLOPS_IMPORT_CACHE_KIB` says otherwise. 2 MiB since session 14 (was 4): side by side at 10M rows it peaked
/// 4–10 MiB lower and was no slower within the runs' spread; a 10M-row import into a store with customers and a
/// month in it peaked at 87.6–89.5 MiB (docs/PERFORMANCE.md).
const IMPORT_CACHE_KIB: u32 = 2048;

fn import_cache_kib() -> u32 {
    budget_from_env("BILLOPS_IMPORT_CACHE_KIB", 64, IMPORT_CACHE_KIB)
}

/// One of the import's memory budgets from the environment: `name`'s whole number (spaces around it allowed)
/// when it is at least `min`, else `default`.
pub(crate) fn budget_from_env<T: std::str::FromStr + PartialOrd>(name: &str, min: T, default: T) -> T {
    std::env::var(name).ok().and_then(|v| v.trim().parse::<T>().ok()).filter(|n| *n >= min).unwrap_or(default)
}

pub(crate) async fn run(db: &Db, meta: &ImportMeta, mut rx: Receiver<ImportChunk>) -> Result<ImportOutcome> {
    let mut tx = db.begin().await?;
    if tx.backend() == Backend::Sqlite {
        // An import appends and writes its rollups in key order: a small page cache does (the 16 MiB one filled
        // up in the rollup phase, ~15% of a high-cardinality import's peak). Set back before the commit.
        tx.exec(&format!("PRAGMA cache_size = -{}", import_cache_kib()), vec![]).await?;
    }
    let by = &meta.by;
    // The batch row first: on SQLite this write takes the lock, so the line item ids that follow are ours.
    let batch: i64 = tx
        .one(
            "INSERT INTO import_batches (file_name, content_hash, format, run_id, row_count, rows_read, quarantined, \
             first_item_id, last_item_id, imported_by, imported_at) \
             VALUES ($1, NULL, $2, $3, 0, 0, 0, 0, 0, $4, $5) RETURNING id",
            args![meta.file_name.as_str(), meta.format.as_str(), meta.run_id.as_str(), by.name.as_str(), by.at],
        )
        .await?
        .get(0)?;
    let first_item = next_item_id(&mut tx).await?;
    let mut st = State::new(load_assignments(&mut tx).await?, load_accounts(&mut tx).await?);
    let started = std::time::Instant::now();
    let (mut tx, end) = match tx {
        Tx::Pg(_) => pg_pipe::stream(tx, db, &mut rx, &mut st, batch, by.at).await?,
        Tx::Sqlite(_) => pipe::stream(tx, db, &mut rx, &mut st, batch, by.at).await?,
    };
    let Some(ImportChunk::End { content_hash, rows_read }) = end else {
        tx.rollback().await?;
        return Err(StoreError::ImportAborted);
    };
    if let Some(r) = tx
        .opt(
            "SELECT id, file_name, imported_at FROM import_batches WHERE content_hash = $1",
            args![content_hash.as_str()],
        )
        .await?
    {
        let (batch_id, file_name, at) = (r.get(0)?, r.get(1)?, r.get(2)?);
        tx.rollback().await?;
        return Err(StoreError::AlreadyImported { batch_id, file_name, at });
    }
    // Period locks (close): a file with rows in a signed-off period is refused before anything is written.
    crate::close::locks::refuse_import(&mut tx, st.scopes.keys().map(|k| k.1)).await?;
    let mut bulk = Bulk::default();
    let rows = std::mem::take(&mut st.pending);
    bulk.items(&mut tx, batch, &rows).await?;
    drop(rows);
    let last_item = last_item_id(&mut tx).await?;
    let streamed = started.elapsed();
    // Every row is in: the dictionary cache is not read again (payers are pinned), and it goes before the
    // rollups' merge, the import's peak.
    st.interner.release();
    let mut finest = std::mem::take(&mut st.rollups);
    let keys = finest.len();
    let written = if st.spill.spilled() {
        // Over the budget at some point: what is left joins the runs, which are merged and written in chunks.
        st.spill.spill(&mut finest)?;
        // The map's table is kept between spills; the merge needs it no more.
        drop(finest);
        let merged = std::mem::take(&mut st.spill).merged()?;
        let (back, written) = pipe::write_merged(tx, batch, merged).await?;
        tx = back;
        written
    } else {
        pipe::write_folded(&mut tx, &mut bulk, batch, finest, true).await?
    };
    tx.exec("INSERT INTO rating_rollup_batches (batch_id, source) VALUES ($1, 'import')", args![batch]).await?;
    tracing::debug!(
        rows = st.rows,
        keys,
        rollups = written.cost,
        resource_rollups = written.resource,
        rating_rollups = written.rating,
        streamed_ms = streamed.as_millis(),
        rollups_ms = (started.elapsed() - streamed).as_millis(),
        "import streamed"
    );

    write_accounts(&mut tx, &st, by.at).await?;
    let unassigned = st.unassigned_issues(&meta.file_name);
    insert_issues(&mut tx, Some(batch), &unassigned, by.at).await?;
    st.issues += i64::try_from(unassigned.len()).unwrap_or(0);

    // payers are pinned in the interner's bounded cache (`State::note_account`)
    let payer_names: HashMap<i64, String> =
        st.payers.keys().filter_map(|p| st.interner.id_of(p).map(|id| (id, p.clone()))).collect();
    write_scopes(&mut tx, batch, &st, &payer_names).await?;
    let summary_started = std::time::Instant::now();
    crate::service_rollups::refresh_batch(&mut tx, batch).await?;
    tracing::debug!(summary_ms = summary_started.elapsed().as_millis(), "import summary refreshed");
    let replaced = replace_older(&mut tx, meta, batch, &st, &payer_names).await?;
    st.issues += i64::try_from(replaced.len()).unwrap_or(0);

    let stamped = tx
        .exec(
            "UPDATE import_batches SET content_hash = $1, row_count = $2, rows_read = $3, quarantined = $4, \
             first_item_id = $5, last_item_id = $6 WHERE id = $7",
            args![
                content_hash.as_str(),
                st.rows,
                i64::try_from(rows_read).unwrap_or(i64::MAX),
                st.quarantined,
                first_item,
                last_item,
                batch
            ],
        )
        .await;
    if let Err(e) = stamped {
        // Another session committed the same content meanwhile (PostgreSQL): say so as for any duplicate.
        if let StoreError::Db(sqlx::Error::Database(d)) = &e
            && d.is_unique_violation()
        {
            tx.rollback().await?;
            if let Some(b) = find_batch_by_hash(db, &content_hash).await? {
                return Err(StoreError::AlreadyImported { batch_id: b.id, file_name: b.file_name, at: b.imported_at });
            }
        }
        return Err(e);
    }
    let outcome_batch = load_batch(&mut tx, batch).await?;
    let new_accounts: Vec<String> = st.new_accounts.iter().map(|a| a.id.clone()).collect();
    let summary = serde_json::json!({
        "file": meta.file_name, "format": meta.format, "run_id": meta.run_id, "content_hash": content_hash,
        "rows": st.rows, "rows_read": rows_read, "quarantined": st.quarantined,
        "new_accounts": new_accounts.len(), "replaced_batches": replaced.iter().map(|r| r.old_batch).collect::<Vec<_>>(),
    });
    let entity_id = batch.to_string();
    let mut a = Audit::new("import", "import_batch", &entity_id).after(&summary);
    let mut periods: Vec<Period> = st.scopes.keys().map(|k| k.1).collect();
    periods.sort();
    periods.dedup();
    if let [only] = periods.as_slice() {
        a = a.period(*only);
    }
    audit::write(&mut tx, by, a).await?;
    if tx.backend() == Backend::Sqlite {
        tx.exec(&format!("PRAGMA cache_size = -{}", crate::connect::SQLITE_CACHE_KIB), vec![]).await?;
    }
    let commit_started = std::time::Instant::now();
    tx.commit().await?;
    tracing::debug!(
        batch,
        commit_ms = commit_started.elapsed().as_millis(),
        total_ms = started.elapsed().as_millis(),
        "import committed"
    );
    Ok(ImportOutcome {
        batch: outcome_batch,
        replaced,
        new_accounts,
        issues_raised: st.issues,
        partner_unassigned: st.partner_unassigned(),
    })
}

async fn next_item_id(tx: &mut Tx) -> Result<i64> {
    match tx.backend() {
        Backend::Sqlite => tx.one("SELECT coalesce(max(id), 0) + 1 FROM line_items", vec![]).await?.get(0),
        Backend::Postgres => tx.one("SELECT nextval(pg_get_serial_sequence('line_items', 'id'))", vec![]).await?.get(0),
    }
}

async fn last_item_id(tx: &mut Tx) -> Result<i64> {
    match tx.backend() {
        Backend::Sqlite => tx.one("SELECT coalesce(max(id), 0) FROM line_items", vec![]).await?.get(0),
        Backend::Postgres => next_item_id(tx).await,
    }
}

async fn load_assignments(tx: &mut Tx) -> Result<AssignMap> {
    let mut m: AssignMap = HashMap::new();
    for r in tx.all("SELECT account, valid_from, valid_to, customer_id FROM account_assignments", vec![]).await? {
        m.entry(r.get(0)?).or_default().push((r.get(1)?, r.get(2)?, r.get(3)?));
    }
    Ok(m)
}

async fn load_accounts(tx: &mut Tx) -> Result<HashSet<String>> {
    let mut s = HashSet::new();
    for r in tx.all("SELECT id FROM linked_accounts", vec![]).await? {
        s.insert(r.get(0)?);
    }
    Ok(s)
}

async fn insert_quarantined(tx: &mut Tx, batch: i64, rows: &[Quarantined]) -> Result<()> {
    let values = rows
        .iter()
        .map(|q| {
            args![
                batch,
                q.file.as_str(),
                i64::try_from(q.line).unwrap_or(i64::MAX),
                i64::from(q.column),
                q.column_name.as_str(),
                q.value.as_str(),
                q.reason.as_str(),
                q.raw.as_str()
            ]
        })
        .collect();
    insert_rows(tx, "quarantined_rows", "batch_id, file, line, col, column_name, value, reason, raw", values).await
}

pub(crate) async fn insert_issues(
    tx: &mut Tx,
    batch: Option<i64>,
    issues: &[FeedIssue],
    at: chrono::DateTime<chrono::Utc>,
) -> Result<()> {
    let values = issues
        .iter()
        .map(|i| {
            args![
                batch,
                i.kind.as_str(),
                i.severity.as_str(),
                i.period.map(|p| p.to_string()),
                i.payer.clone(),
                i.account.clone(),
                i.file.clone(),
                i.line.map(|l| i64::try_from(l).unwrap_or(i64::MAX)),
                i.column.clone(),
                i.message.as_str(),
                true,
                at
            ]
        })
        .collect();
    insert_rows(
        tx,
        "feed_issues",
        "batch_id, kind, severity, period, payer, account, file, line, col, message, is_open, created_at",
        values,
    )
    .await
}

async fn write_accounts(tx: &mut Tx, st: &State, at: chrono::DateTime<chrono::Utc>) -> Result<()> {
    let mut payers: Vec<(&String, &String)> = st.payers.iter().collect();
    payers.sort();
    for (id, name) in payers {
        tx.exec(
            "INSERT INTO payer_accounts (id, name, first_seen) VALUES ($1, $2, $3) \
             ON CONFLICT (id) DO UPDATE SET name = CASE WHEN excluded.name = '' THEN payer_accounts.name \
             ELSE excluded.name END",
            args![id.as_str(), name.as_str(), at],
        )
        .await?;
    }
    let mut accounts: Vec<(&String, &(String, String))> = st.seen_accounts.iter().collect();
    accounts.sort();
    for (id, (name, payer)) in accounts {
        tx.exec(
            "INSERT INTO linked_accounts (id, name, payer, first_seen) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (id) DO UPDATE SET name = CASE WHEN excluded.name = '' THEN linked_accounts.name \
             ELSE excluded.name END",
            args![id.as_str(), name.as_str(), payer.as_str(), at],
        )
        .await?;
    }
    // Azure partner fields: what this file gives replaces what an earlier one gave; a field it leaves empty stays.
    let mut partners: Vec<_> = st.partners.iter().collect();
    partners.sort_by(|a, b| a.0.cmp(b.0));
    for (id, f) in partners {
        let given = |v: &str| if v.is_empty() { None } else { Some(v.to_string()) };
        tx.exec(
            "UPDATE linked_accounts SET azure_customer_tenant_id = coalesce($1, azure_customer_tenant_id), \
             azure_customer_name = coalesce($2, azure_customer_name), \
             azure_reseller_name = coalesce($3, azure_reseller_name) WHERE id = $4",
            args![given(&f.customer_tenant_id), given(&f.customer_name), given(&f.reseller_name), id.as_str()],
        )
        .await?;
    }
    Ok(())
}

async fn write_scopes(tx: &mut Tx, batch: i64, st: &State, payer_names: &HashMap<i64, String>) -> Result<()> {
    let b = tx.backend();
    let mut rows = Vec::with_capacity(st.scopes.len());
    let mut scopes: Vec<_> = st.scopes.iter().collect();
    scopes.sort_by_key(|((payer, period), _)| (*period, *payer));
    for ((payer, period), s) in scopes {
        let mut v = args![batch, payer_names.get(payer).cloned().unwrap_or_default(), period.to_string(), s.sums.rows];
        v.extend(money_args(b, state::dec(s.sums.billed)?)?);
        v.extend(money_args(b, state::dec(s.sums.effective)?)?);
        v.extend(money_args(b, state::dec(s.sums.list)?)?);
        v.extend(args![if s.all_invoiced { "final" } else { "estimated" }, s.first_day, s.last_day]);
        rows.push(v);
    }
    let cols = format!(
        "batch_id, payer, period, row_count, {}, {}, {}, status, first_day, last_day",
        money_cols(b, "billed"),
        money_cols(b, "effective"),
        money_cols(b, "list")
    );
    insert_rows(tx, "batch_scopes", &cols, rows).await
}

/// For each (payer, period) of the new batch: older scopes of other runs lose their line items and rollups,
/// are marked replaced, and an Info issue says so.
async fn replace_older(
    tx: &mut Tx,
    meta: &ImportMeta,
    batch: i64,
    st: &State,
    payer_names: &HashMap<i64, String>,
) -> Result<Vec<Replacement>> {
    let mut out = Vec::new();
    let mut keys: Vec<&(i64, Period)> = st.scopes.keys().collect();
    keys.sort_by_key(|(payer, period)| (*period, *payer));
    for (payer_id, period) in keys {
        let payer = payer_names.get(payer_id).cloned().unwrap_or_default();
        let new_final = st.scopes.get(&(*payer_id, *period)).is_some_and(|s| s.all_invoiced);
        // The two cost views of one month (Azure's actual and amortised exports, format `…:amortized`)
        // are separate data: each replaces only its own kind.
        let view = if meta.format.ends_with(":amortized") { "LIKE" } else { "NOT LIKE" };
        let old = tx
            .all(
                &format!(
                    "SELECT s.batch_id, b.file_name, s.row_count, s.status, b.first_item_id, b.last_item_id \
                     FROM batch_scopes s JOIN import_batches b ON b.id = s.batch_id \
                     WHERE s.payer = $1 AND s.period = $2 AND s.replaced_by IS NULL AND s.batch_id <> $3 \
                     AND b.run_id <> $4 AND b.format {view} '%:amortized' ORDER BY s.batch_id"
                ),
                args![payer.as_str(), period.to_string(), batch, meta.run_id.as_str()],
            )
            .await?;
        for r in old {
            let (old_batch, old_file, old_rows, old_status, lo, hi): (i64, String, i64, String, i64, i64) =
                (r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?);
            tx.exec(
                "DELETE FROM line_items WHERE id BETWEEN $1 AND $2 AND batch_id = $3 AND period = $4 AND payer = $5",
                args![lo, hi, old_batch, period.to_string(), *payer_id],
            )
            .await?;
            for sql in [
                "DELETE FROM cost_rollups WHERE period = $1 AND batch_id = $2 AND payer = $3",
                "DELETE FROM resource_rollups WHERE period = $1 AND batch_id = $2 AND payer = $3",
                "DELETE FROM rating_rollups WHERE period = $1 AND batch_id = $2 AND payer = $3",
            ] {
                tx.exec(sql, args![period.to_string(), old_batch, *payer_id]).await?;
            }
            crate::service_rollups::refresh(tx, old_batch, &period.to_string()).await?;
            tx.exec(
                "UPDATE batch_scopes SET replaced_by = $1 WHERE batch_id = $2 AND payer = $3 AND period = $4",
                args![batch, old_batch, payer.as_str(), period.to_string()],
            )
            .await?;
            let what = if old_status == "estimated" && new_final { "estimated → final" } else { "newer data" };
            let issue = FeedIssue {
                kind: IssueKind::Replaced,
                severity: Severity::Info,
                period: Some(*period),
                payer: Some(payer.clone()),
                account: None,
                file: Some(meta.file_name.clone()),
                line: None,
                column: None,
                message: format!(
                    "payer {payer} {period}: {what}: batch {batch} ({}) replaces batch {old_batch} ({old_file}, {old_rows} rows)",
                    meta.file_name
                ),
            };
            insert_issues(tx, Some(batch), &[issue], meta.by.at).await?;
            out.push(Replacement { old_batch, old_file, payer: payer.clone(), period: *period, old_rows });
        }
    }
    Ok(out)
}
