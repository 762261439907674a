//! An import over its rollup budget (`BILLOPS_IMPORT_ROLLUP_KEYS`) spills sorted runs to temp files and merges
//! them (`crates/billops-store/src/import/spill.rs`), and one whose dictionary cache (`BILLOPS_IMPORT_DICT_VALUES`)
//! drops values and looks them up again (`import/dict.rs`): the store it leaves reports exactly what an import
//! that kept everything in memory reports, at every grain (the drill-down's cost rollups, resources, rating input).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;
use std::process::Command;

mod pg_common;

fn billops(dir: &Path, db: &Path, budget: &str, args: &[&str]) -> String {
    billops_at(dir, &format!("sqlite:{}", db.display()), budget, args)
}

fn billops_at(dir: &Path, url: &str, budget: &str, args: &[&str]) -> String {
    let o = Command::new(env!("CARGO_BIN_EXE_billops"))
        .arg("--db")
        .arg(url)
        .args(args)
        .env("BILLOPS_DATA_DIR", dir.join("data"))
        .env("BILLOPS_CONFIG_DIR", dir.join("config"))
        .env("BILLOPS_USER", "alice")
        .env("BILLOPS_IMPORT_ROLLUP_KEYS", budget)
        // the small rollup budget goes with a small dictionary cache: 16 values, far fewer than the file's
        .env("BILLOPS_IMPORT_DICT_VALUES", if budget == "97" { "16" } else { "100000" })
        .env_remove("BILLOPS_DATABASE_URL")
        .output()
        .unwrap();
    assert!(o.status.success(), "{args:?}: {}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8(o.stdout).unwrap()
}

#[test]
fn a_spilled_import_reports_exactly_what_an_in_memory_one_does() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("cur.csv");
    {
        let mut f = std::io::BufWriter::new(std::fs::File::create(&file).unwrap());
        billops_gen::write_bench(billops_gen::FileFormat::Cur, 6_000, 11, &mut f).unwrap();
    }
    let file = file.to_str().unwrap();
    let (memory, spilled) = (dir.path().join("memory.db"), dir.path().join("spilled.db"));
    for (db, budget) in [(&memory, "100000"), (&spilled, "97")] {
        billops(dir.path(), db, budget, &["init"]);
        billops(dir.path(), db, budget, &["import", file]);
    }
    let mut compared = 0;
    for by in ["account,service,product,component,charge_category,region", "account,resource", "payer,service"] {
        for basis in ["billed", "effective", "list"] {
            let args = ["costs", "--period", "2026-08", "--by", by, "--basis", basis, "--format", "csv"];
            let (a, b) =
                (billops(dir.path(), &memory, "100000", &args), billops(dir.path(), &spilled, "100000", &args));
            assert!(a.lines().count() > 8, "a real report ({by}): {a}");
            if a != b {
                let first = a.lines().zip(b.lines()).find(|(x, y)| x != y);
                panic!("by {by}, {basis}: the spilled import's store differs; first difference: {first:?}");
            }
            compared += 1;
        }
    }
    assert_eq!(compared, 9);
    // The rating input (what drafts are rated from) row for row, batch ids aside.
    let (a, b) = (rating_rows(&memory), rating_rows(&spilled));
    assert!(a.len() > 100, "{}", a.len());
    let first = a.iter().zip(&b).find(|(x, y)| x != y);
    assert!(
        a.len() == b.len() && first.is_none(),
        "rating rollups differ ({} vs {} rows): {first:?}",
        a.len(),
        b.len()
    );
}

/// The spilled path on PostgreSQL (its rollups go out through COPY from the merge's writer task): the same
/// reports as an in-memory import into SQLite.
#[test]
fn a_spilled_import_on_postgres_reports_what_an_in_memory_one_does() {
    let Some(pg) = pg_common::PgStore::new("import_spill") else { return };
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("cur.csv");
    {
        let mut f = std::io::BufWriter::new(std::fs::File::create(&file).unwrap());
        billops_gen::write_bench(billops_gen::FileFormat::Cur, 6_000, 11, &mut f).unwrap();
    }
    let file = file.to_str().unwrap();
    let memory = format!("sqlite:{}", dir.path().join("memory.db").display());
    let spilled = pg.owner_url();
    for (url, budget) in [(&memory, "100000"), (&spilled, "97")] {
        billops_at(dir.path(), url, budget, &["init"]);
        billops_at(dir.path(), url, budget, &["import", file]);
    }
    for by in ["account,service,product,component,charge_category,region", "account,resource", "payer,service"] {
        let args = ["costs", "--period", "2026-08", "--by", by, "--basis", "effective", "--format", "csv"];
        let (a, b) =
            (billops_at(dir.path(), &memory, "100000", &args), billops_at(dir.path(), &spilled, "100000", &args));
        assert!(a.lines().count() > 8, "a real report ({by}): {a}");
        let first = a.lines().zip(b.lines()).find(|(x, y)| x != y);
        assert!(a == b, "by {by}: the spilled PostgreSQL import differs; first difference: {first:?}");
    }
    assert!(pg.query_i64("SELECT count(*) FROM rating_rollups") > 100, "the rating input was written");
}

fn rating_rows(db: &Path) -> Vec<String> {
    use sqlx::{Connection as _, Row as _};
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    rt.block_on(async {
        let mut c = sqlx::SqliteConnection::connect(&format!("sqlite:{}", db.display())).await.unwrap();
        let rows = sqlx::query("SELECT * FROM rating_rollups").fetch_all(&mut c).await.unwrap();
        let mut out: Vec<String> = rows
            .iter()
            .map(|r| {
                let cols = r.columns().len();
                (0..cols)
                    .filter(|&i| sqlx::Column::name(&r.columns()[i]) != "batch_id")
                    .map(|i| {
                        r.try_get::<i64, _>(i).map(|v| v.to_string()).or_else(|_| r.try_get::<String, _>(i)).unwrap()
                    })
                    .collect::<Vec<_>>()
                    .join("|")
            })
            .collect();
        out.sort();
        out
    })
}
