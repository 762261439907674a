//! PostgreSQL import pipeline: the import's transaction lives in a writer task that streams COPY text to the
//! server, so the server parses and stores one block of rows while this task encodes the next (dictionary values
//! resolved on the pool meanwhile). Before, one task did both: each `send` waited for the server to take most of
//! a block, and the server idled while the next was encoded. With billops and the server on a core each (as with
//! a server of its own), 1M rows take 4–5% less; sharing two cores, the same, since both are busy then
//! (docs/PERFORMANCE.md, session 14). Order is kept by the one command channel, memory by its bound: at most
//! four blocks of COPY text exist at a time (one encoding, two queued, one sending).
use billops_domain::Period;
use chrono::{DateTime, Utc};
use tokio::sync::mpsc;

use super::bulk;
use super::dict::writer_gone;
use super::pipe::{Aside, Other, other_chunk, with_writer, write_aside};
use super::state::State;
use crate::db::{Db, Tx};
use crate::{ImportChunk, Result, StoreError};

enum PgCmd {
    /// Line items as COPY text ([`bulk::copy_text`]).
    Copy(Vec<u8>),
    /// Periods whose partitions must exist before their rows (made between COPYs: migration 0020).
    Partitions(Vec<Period>),
    Aside(Aside),
}

/// Stream the chunks until `End` (returned with the transaction) or until the channel closes (`None`).
pub(crate) async fn stream(
    tx: Tx,
    db: &Db,
    rx: &mut mpsc::Receiver<ImportChunk>,
    st: &mut State,
    batch: i64,
    at: DateTime<Utc>,
) -> Result<(Tx, Option<ImportChunk>)> {
    with_writer(|cmds| writer(tx, batch, at, cmds), async |w| encode(w, db, rx, st, batch).await).await
}

async fn encode(
    w: &mpsc::Sender<PgCmd>,
    db: &Db,
    rx: &mut mpsc::Receiver<ImportChunk>,
    st: &mut State,
    batch: i64,
) -> Result<Option<ImportChunk>> {
    let send = |cmd: PgCmd| async move { w.send(cmd).await.map_err(|_| writer_gone()) };
    loop {
        match rx.recv().await {
            Some(ImportChunk::Items(items)) => {
                let start = st.add_items(&items)?;
                drop(items);
                let map = if st.interner.has_pending() { Some(st.interner.resolve(db).await?) } else { None };
                st.aggregate(map, start)?;
                let new = bulk::unseen_periods(&st.pending, &st.partitions);
                if !new.is_empty() {
                    st.partitions.extend(new.iter().copied());
                    send(PgCmd::Partitions(new)).await?;
                }
                let mut buf = Vec::with_capacity(st.pending.len() * 256);
                bulk::copy_text(batch, &st.pending, &mut buf)?;
                st.pending.clear();
                send(PgCmd::Copy(buf)).await?;
            }
            chunk => match other_chunk(st, chunk) {
                Other::Write(aside) => send(PgCmd::Aside(aside)).await?,
                Other::Kept => {}
                Other::Done(end) => return Ok(end),
            },
        }
    }
}

async fn writer(mut tx: Tx, batch: i64, at: DateTime<Utc>, mut cmds: mpsc::Receiver<PgCmd>) -> (Tx, Result<()>) {
    let mut next = cmds.recv().await;
    while let Some(cmd) = next {
        let done = match cmd {
            PgCmd::Copy(first) => copy_run(&mut tx, first, &mut cmds).await,
            PgCmd::Partitions(periods) => match pg_conn(&mut tx) {
                Ok(conn) => bulk::make_partitions(conn, &periods).await.map(|()| None),
                Err(e) => Err(e),
            },
            PgCmd::Aside(aside) => write_aside(&mut tx, batch, at, aside).await.map(|()| None),
        };
        next = match done {
            // a COPY run ends with the first command that is not one (or with the channel)
            Ok(Some(cmd)) => Some(cmd),
            Ok(None) => cmds.recv().await,
            Err(e) => return (tx, Err(e)),
        };
    }
    (tx, Ok(()))
}

/// One COPY for a run of `Copy` commands: returns the command after them, the COPY finished. On an error the
/// COPY is dropped, which fails it; the transaction then rolls back.
async fn copy_run(tx: &mut Tx, first: Vec<u8>, cmds: &mut mpsc::Receiver<PgCmd>) -> Result<Option<PgCmd>> {
    let mut copy = pg_conn(tx)?.copy_in_raw(bulk::ITEM_COPY).await?;
    copy.send(first.as_slice()).await?;
    drop(first);
    loop {
        match cmds.recv().await {
            Some(PgCmd::Copy(buf)) => {
                copy.send(buf.as_slice()).await?;
            }
            other => {
                copy.finish().await?;
                return Ok(other);
            }
        }
    }
}

/// The PostgreSQL connection under the import's transaction (this pipeline runs only on one).
fn pg_conn(tx: &mut Tx) -> Result<&mut sqlx::PgConnection> {
    match tx {
        Tx::Pg(t) => Ok(t),
        Tx::Sqlite(_) => Err(StoreError::Invalid("a PostgreSQL import on a SQLite transaction".into())),
    }
}
