//! The PostgreSQL twin of `cli.rs`'s killed-import test: the real process is killed (SIGKILL) while its COPY
//! is running inside the import's transaction; the store is then consistent (no half batch, line items, rollups
//! and batches agree) and the same file imports cleanly.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod pg_common;

use std::process::Command;
use std::time::{Duration, Instant};

use pg_common::{PgStore, text};

fn billops(dir: &std::path::Path, db: &str) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_billops"));
    c.env("BILLOPS_DATA_DIR", dir.join("data"))
        .env("BILLOPS_CONFIG_DIR", dir.join("config"))
        .env_remove("BILLOPS_DATABASE_URL")
        .env("BILLOPS_USER", "ignored-on-postgres")
        .arg("--db")
        .arg(db);
    c
}

/// Line items, batches and rollups tell one story, and no batch is half-written.
fn assert_consistent(pg: &PgStore) {
    assert_eq!(pg.query_i64("SELECT count(*) FROM import_batches WHERE content_hash IS NULL"), 0, "no half batch");
    let items = pg.query_i64("SELECT count(*) FROM line_items");
    let counted = pg.query_i64("SELECT coalesce(sum(row_count), 0)::bigint FROM import_batches");
    assert_eq!(items, counted, "line items = what the batches say they hold");
    let orphans = pg.query_i64(
        "SELECT count(*) FROM line_items l WHERE NOT EXISTS (SELECT 1 FROM import_batches b WHERE b.id = l.batch_id)",
    );
    assert_eq!(orphans, 0, "no line item without its batch");
    let differs = pg.query_i64(
        "SELECT count(*) FROM (SELECT period, sum(billed) AS b FROM line_items GROUP BY period) l \
         FULL JOIN (SELECT period, sum(billed) AS b FROM cost_rollups GROUP BY period) r USING (period) \
         WHERE l.b IS DISTINCT FROM r.b",
    );
    assert_eq!(differs, 0, "rollups sum exactly to the line items");
}

#[test]
fn killed_import_leaves_the_postgres_store_consistent() {
    let Some(pg) = PgStore::new("killed_import") else { return };
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("big.csv");
    {
        let mut f = std::io::BufWriter::new(std::fs::File::create(&big).unwrap());
        billops_gen::write_bench(billops_gen::FileFormat::Cur, 400_000, 7, &mut f).unwrap();
    }
    let db = pg.owner_url();
    let o = billops(dir.path(), &db).args(["customers", "list"]).output().unwrap();
    assert!(o.status.success(), "the store is created before the race: {}", text(&o));

    let mut child = billops(dir.path(), &db).args(["import", big.to_str().unwrap()]).spawn().unwrap();
    // Wait until the import's transaction is streaming rows (a COPY seen inside an open transaction).
    let started = Instant::now();
    let mut seen = false;
    while started.elapsed() < Duration::from_secs(60) {
        if child.try_wait().unwrap().is_some() {
            break;
        }
        let copying = pg.query_i64(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() \
             AND query LIKE 'COPY line_items%' AND xact_start IS NOT NULL",
        );
        if copying > 0 {
            seen = true;
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    std::thread::sleep(Duration::from_millis(150));
    child.kill().unwrap(); // SIGKILL: no destructor, no rollback from the client
    let status = child.wait().unwrap();
    if !seen || status.success() {
        eprintln!("import finished before the kill (seen copying: {seen}); consistency still checked below");
    }
    // The server notices the dead client and rolls its transaction back; give it a moment.
    let deadline = Instant::now() + Duration::from_secs(30);
    while pg.query_i64(
        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() \
         AND xact_start IS NOT NULL",
    ) > 0
        && Instant::now() < deadline
    {
        std::thread::sleep(Duration::from_millis(50));
    }
    assert_consistent(&pg);
    let batches_after_kill = pg.query_i64("SELECT count(*) FROM import_batches");
    if !status.success() {
        assert_eq!(batches_after_kill, 0, "the killed import left nothing");
    }

    let o = billops(dir.path(), &db).args(["import", big.to_str().unwrap()]).output().unwrap();
    let expect = if status.success() { 2 } else { 0 };
    assert_eq!(o.status.code(), Some(expect), "re-import: {}", text(&o));
    assert_consistent(&pg);
    assert_eq!(pg.query_i64("SELECT count(*) FROM import_batches"), 1);
    assert!(pg.query_i64("SELECT count(*) FROM line_items") > 0);
    let o = billops(dir.path(), &db)
        .args(["costs", "--period", "2026-08", "--by", "period", "--format", "csv"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", text(&o));
}
