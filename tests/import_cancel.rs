//! Cancelling an import (the console's Ctrl-C confirmation sets `ingest::Cancel`): the reader stops between
//! batches, the store rolls the file's transaction back, and nothing of it is left — no batch, no rows, no
//! period, no audit entry — on SQLite and PostgreSQL. The same file then imports whole (no lock or hash kept).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod pg_common;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use billops::ingest::{Cancel, FileReport, Progress, import_run_ctl};
use billops_domain::CostBasis;
use billops_store::{Actor, AuditFilter, CostQuery};
use chrono::{TimeZone, Utc};

const ROWS: u64 = 20_000;

fn cur_file(dir: &Path) -> PathBuf {
    let path = dir.join("cur.csv");
    let mut f = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
    billops_gen::write_bench(billops_gen::FileFormat::Cur, ROWS, 7, &mut f).unwrap();
    drop(f);
    path
}

fn actor() -> Actor {
    Actor { name: "alice".into(), at: Utc.with_ymd_and_hms(2026, 6, 2, 9, 0, 0).unwrap() }
}

async fn cancelled_import_leaves_nothing(url: &str, file: &Path) {
    let store = billops_store::open(url).await.unwrap();
    let cancel = Cancel::default();
    let seen = Arc::new(std::sync::Mutex::new(Vec::<Progress>::new()));
    // The operator confirms the cancel once the first batch is on its way to the store.
    let progress: Arc<dyn Fn(Progress) + Send + Sync> = {
        let (cancel, seen) = (cancel.clone(), seen.clone());
        Arc::new(move |p: Progress| {
            if p.rows > 0 && !p.done {
                cancel.cancel();
            }
            seen.lock().unwrap().push(p);
        })
    };
    let run = import_run_ctl(store.clone(), vec![file.into()], Default::default(), actor(), progress, cancel).await;
    assert!(matches!(run.reports.as_slice(), [FileReport::Cancelled { started: true, .. }]), "{:?}", run.reports);
    let first = seen.lock().unwrap().first().cloned().unwrap();
    assert!(first.total > 0 && first.bytes > 0 && first.bytes < first.total, "bytes of a known size: {first:?}");
    assert!(store.list_batches().await.unwrap().is_empty(), "no batch");
    assert!(store.periods().await.unwrap().is_empty(), "no rows");
    assert!(store.list_payers().await.unwrap().is_empty());
    assert!(store.list_quarantine(None).await.unwrap().is_empty());
    assert!(store.audit(&AuditFilter::default()).await.unwrap().is_empty(), "nothing audited");
    // The store is usable and the file not taken: it imports whole.
    let noop: Arc<dyn Fn(Progress) + Send + Sync> = Arc::new(|_| {});
    let again =
        import_run_ctl(store.clone(), vec![file.into()], Default::default(), actor(), noop, Cancel::default()).await;
    let [FileReport::Imported { outcome, .. }] = again.reports.as_slice() else { panic!("{:?}", again.reports) };
    assert_eq!(outcome.batch.rows + outcome.batch.quarantined, i64::try_from(ROWS).unwrap());
    let period = store.periods().await.unwrap()[0];
    assert!(!store.costs(&CostQuery::period(period, vec![], CostBasis::Billed)).await.unwrap().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cancelled_import_leaves_nothing_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let file = cur_file(dir.path());
    cancelled_import_leaves_nothing(&format!("sqlite:{}", dir.path().join("b.db").display()), &file).await;
}

#[test]
fn a_cancelled_import_leaves_nothing_on_postgres() {
    let Some(pg) = pg_common::PgStore::new("import_cancel") else { return };
    let dir = tempfile::tempdir().unwrap();
    let file = cur_file(dir.path());
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    rt.block_on(cancelled_import_leaves_nothing(&pg.owner_url(), &file));
}

#[tokio::test]
async fn a_run_cancelled_before_a_file_starts_never_begins_it() {
    let dir = tempfile::tempdir().unwrap();
    let file = cur_file(dir.path());
    let store = billops_store::open(&format!("sqlite:{}", dir.path().join("b.db").display())).await.unwrap();
    let cancel = Cancel::default();
    cancel.cancel();
    let noop: Arc<dyn Fn(Progress) + Send + Sync> = Arc::new(|_| {});
    let run = import_run_ctl(store.clone(), vec![file], Default::default(), actor(), noop, cancel).await;
    assert!(matches!(run.reports.as_slice(), [FileReport::Cancelled { started: false, .. }]), "{:?}", run.reports);
    assert_eq!(billops::ingest::exit_code(&run.reports), 1);
    assert!(store.list_batches().await.unwrap().is_empty());
}
