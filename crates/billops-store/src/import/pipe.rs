//! SQLite import pipeline: the import's transaction lives in a writer task, so SQLite inserts one batch of rows
//! (on sqlx's worker thread) while this task receives and encodes the next chunk. Order is kept by the one
//! command channel; memory by its bound.
use billops_domain::{FeedIssue, Quarantined};
use chrono::{DateTime, Utc};
use tokio::sync::{mpsc, oneshot};

use super::bulk::{Bulk, Rollups};
use super::dict::{FastMap, Lookup, lookup_rows, lookup_statement, writer_gone};
use super::spill::Merged;
use super::state::{Grain, ItemRow, RollKey, State, Sums, fold};
use super::{insert_issues, insert_quarantined};
use crate::db::{Db, Tx, args, insert_rows};
use crate::{ImportChunk, Result, StoreError};

/// Rows handed to the writer at a time (a few INSERT statements).
const WRITE_AT: usize = 4_000;

/// The page cache of the import's dictionary reader: 2 MiB (a pooled connection's is 8; with the look-ups spread
/// over the pool, three of them filled at 10M rows: +18 MiB at the peak, docs/PERFORMANCE.md session 13).
const READER_CACHE: &str = "PRAGMA cache_size = -2048";

pub(crate) enum WriteCmd {
    Items(Vec<ItemRow>),
    /// New dictionary values with the ids the encoder gave them.
    Dict(Vec<(i64, String)>),
    /// Which of these values are in `dict` already (single-connection pools only).
    Lookup(Vec<String>, oneshot::Sender<Result<Vec<(i64, String)>>>),
    Aside(Aside),
}

/// Rows an import keeps beside its line items: both pipelines' writers insert them between item writes.
pub(crate) enum Aside {
    Quarantined(Vec<Quarantined>),
    Issues(Vec<FeedIssue>),
}

/// What an encoder does with a chunk that is not line items.
pub(crate) enum Other {
    /// Counted; the writer inserts it.
    Write(Aside),
    /// Kept in the state (partner fields).
    Kept,
    /// The stream's end (`End`, or `None` when the channel closed).
    Done(Option<ImportChunk>),
}

/// Count a chunk that is not line items and say what becomes of it ([`Other`]).
pub(crate) fn other_chunk(st: &mut State, chunk: Option<ImportChunk>) -> Other {
    match chunk {
        Some(ImportChunk::Quarantined(rows)) => {
            st.quarantined += i64::try_from(rows.len()).unwrap_or(0);
            Other::Write(Aside::Quarantined(rows))
        }
        Some(ImportChunk::Issues(issues)) => {
            st.issues += i64::try_from(issues.len()).unwrap_or(0);
            Other::Write(Aside::Issues(issues))
        }
        Some(ImportChunk::Partners(p)) => {
            st.add_partners(p);
            Other::Kept
        }
        other => Other::Done(other),
    }
}

pub(crate) async fn write_aside(tx: &mut Tx, batch: i64, at: DateTime<Utc>, aside: Aside) -> Result<()> {
    match aside {
        Aside::Quarantined(rows) => insert_quarantined(tx, batch, &rows).await,
        Aside::Issues(issues) => insert_issues(tx, Some(batch), &issues, at).await,
    }
}

async fn writer(mut tx: Tx, batch: i64, at: DateTime<Utc>, mut cmds: mpsc::Receiver<WriteCmd>) -> (Tx, Result<()>) {
    let mut bulk = Bulk::default();
    while let Some(cmd) = cmds.recv().await {
        let done = match cmd {
            WriteCmd::Items(rows) => bulk.items(&mut tx, batch, &rows).await,
            WriteCmd::Dict(pairs) => {
                let rows = pairs.into_iter().map(|(id, v)| args![id, v]).collect();
                insert_rows(&mut tx, "dict", "id, value", rows).await
            }
            WriteCmd::Lookup(values, reply) => {
                let (sql, a) = lookup_statement(&values);
                let found = match tx.all(&sql, a).await {
                    Ok(rows) => lookup_rows(rows),
                    Err(e) => Err(e),
                };
                let _ = reply.send(found);
                Ok(())
            }
            WriteCmd::Aside(aside) => write_aside(&mut tx, batch, at, aside).await,
        };
        if let Err(e) = done {
            return (tx, Err(e));
        }
    }
    (tx, Ok(()))
}

/// Stream the chunks until `End` (returned with the transaction) or until the channel closes (`None`).
pub(crate) async fn stream(
    mut tx: Tx,
    db: &Db,
    rx: &mut mpsc::Receiver<ImportChunk>,
    st: &mut State,
    batch: i64,
    at: DateTime<Utc>,
) -> Result<(Tx, Option<ImportChunk>)> {
    let mut next_id: i64 = tx.one("SELECT coalesce(max(id), 0) FROM dict", vec![]).await?.get(0)?;
    let single = match db {
        Db::Sqlite(p) => p.options().get_max_connections() <= 1,
        Db::Pg(_) => false,
    };
    with_writer(|cmds| writer(tx, batch, at, cmds), async |w| encode(w, db, single, rx, st, &mut next_id).await).await
}

/// Run an encoder beside its writer task (which owns the transaction), joined by a channel of two commands. The
/// writer's error comes first: when it stops, the encoder only sees that it is gone.
pub(crate) async fn with_writer<C, W>(
    writer: impl FnOnce(mpsc::Receiver<C>) -> W,
    encode: impl AsyncFnOnce(&mpsc::Sender<C>) -> Result<Option<ImportChunk>>,
) -> Result<(Tx, Option<ImportChunk>)>
where
    C: Send + 'static,
    W: Future<Output = (Tx, Result<()>)> + Send + 'static,
{
    let (cmd_tx, cmd_rx) = mpsc::channel::<C>(2);
    let handle = tokio::spawn(writer(cmd_rx));
    let encoded = encode(&cmd_tx).await;
    drop(cmd_tx);
    let (tx, written) = handle.await.map_err(|e| StoreError::Invalid(format!("the import's writer failed: {e}")))?;
    written?;
    Ok((tx, encoded?))
}

async fn encode(
    w: &mpsc::Sender<WriteCmd>,
    db: &Db,
    single: bool,
    rx: &mut mpsc::Receiver<ImportChunk>,
    st: &mut State,
    next_id: &mut i64,
) -> Result<Option<ImportChunk>> {
    // A pending value is one this import has not resolved (the cache and its disk table know every value it
    // did, `dict.rs`), so what was committed before the import is all a look-up needs: a reader connection.
    let mut reader = match db {
        Db::Sqlite(p) if !single => {
            // out of the pool for good (closed when the import ends): its small cache stays with it
            let mut conn = p.acquire().await?.detach();
            sqlx::query(READER_CACHE).execute(&mut conn).await?;
            Some(conn)
        }
        _ => None,
    };
    let mut lookup = match reader.as_mut() {
        Some(conn) => Lookup::Reader(conn),
        None if single => Lookup::Writer(w),
        None => Lookup::Pool(db),
    };
    let send = |cmd: WriteCmd| async move { w.send(cmd).await.map_err(|_| writer_gone()) };
    loop {
        match rx.recv().await {
            Some(ImportChunk::Items(items)) => {
                let start = st.add_items(&items)?;
                drop(items);
                let map = if st.interner.has_pending() {
                    let mut new = Vec::new();
                    let map = st.interner.resolve_local(&mut lookup, next_id, &mut new).await?;
                    if !new.is_empty() {
                        send(WriteCmd::Dict(new)).await?;
                    }
                    Some(map)
                } else {
                    None
                };
                st.aggregate(map, start)?;
                if st.pending.len() >= WRITE_AT {
                    let rows = std::mem::replace(&mut st.pending, Vec::with_capacity(WRITE_AT + 4096));
                    send(WriteCmd::Items(rows)).await?;
                }
            }
            chunk => match other_chunk(st, chunk) {
                Other::Write(aside) => send(WriteCmd::Aside(aside)).await?,
                Other::Kept => {}
                Other::Done(end) => return Ok(end),
            },
        }
    }
}

/// Rollup rows an import wrote, by table (from the spilled runs, [`write_merged`], or from memory).
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct Written {
    pub resource: usize,
    pub rating: usize,
    pub cost: usize,
}

/// Write an aggregate that stayed in memory: the finest keys folded to each table's grain, keeping at most two maps
/// alive at a time. The rating rollups only when `rating` (a batch without them, `rating_rollups::built`); the
/// cost rollups are folded from the rating grain either way.
pub(crate) async fn write_folded(
    tx: &mut Tx,
    bulk: &mut Bulk,
    batch: i64,
    finest: FastMap<RollKey, Sums>,
    rating: bool,
) -> Result<Written> {
    let resource = fold(&finest, Grain::Resource)?;
    bulk.rollups(tx, batch, Rollups::Resource, &resource).await?;
    let mut written = Written { resource: resource.len(), ..Written::default() };
    drop(resource);
    let at_rating = fold(&finest, Grain::Rating)?;
    drop(finest);
    if rating {
        bulk.rollups(tx, batch, Rollups::Rating, &at_rating).await?;
        written.rating = at_rating.len();
    }
    let cost = fold(&at_rating, Grain::Cost)?;
    drop(at_rating);
    bulk.rollups(tx, batch, Rollups::Cost, &cost).await?;
    written.cost = cost.len();
    Ok(written)
}

/// Write the merged runs back with the merge on this task and the inserts on a writer task, so the two overlap
/// (they took turns: at 10M high-cardinality rows the write-back was a fifth of the import, half of it the merge).
/// Both backends; at most the channel's two chunks wait between them (a chunk is ~1.5 MB).
pub(crate) async fn write_merged(tx: Tx, batch: i64, mut merged: Merged) -> Result<(Tx, Written)> {
    let mut written = Written::default();
    let n = &mut written;
    let (tx, _) = with_writer(
        |mut chunks: mpsc::Receiver<(Rollups, FastMap<RollKey, Sums>)>| async move {
            let mut tx = tx;
            let mut bulk = Bulk::default();
            while let Some((which, chunk)) = chunks.recv().await {
                if let Err(e) = bulk.rollups(&mut tx, batch, which, &chunk).await {
                    return (tx, Err(e));
                }
            }
            (tx, Ok(()))
        },
        async |w| {
            while let Some((grain, chunk)) = merged.chunk()? {
                let (which, count) = match grain {
                    Grain::Resource => (Rollups::Resource, &mut n.resource),
                    Grain::Rating => (Rollups::Rating, &mut n.rating),
                    Grain::Cost => (Rollups::Cost, &mut n.cost),
                };
                *count += chunk.len();
                w.send((which, chunk)).await.map_err(|_| writer_gone())?;
            }
            Ok(None)
        },
    )
    .await?;
    Ok((tx, written))
}
