//! `billops import` on hostile and broken files, on SQLite and on PostgreSQL (a fresh database per test when
//! BILLOPS_TEST_PG_URL is set; SKIPPED said on stderr otherwise): runaway quotes, over-long lines, an account
//! under several payers, duplicate line items (within a file, across the files of a run, across runs), and
//! folders or zips with nothing importable.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use sqlx::{Connection, PgConnection};

struct Env {
    dir: tempfile::TempDir,
    db: String,
}

impl Env {
    fn cmd(&self) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_billops"));
        c.env("BILLOPS_DATA_DIR", self.dir.path().join("data"))
            .env("BILLOPS_CONFIG_DIR", self.dir.path().join("config"))
            .env("BILLOPS_USER", "tester")
            .env_remove("BILLOPS_DATABASE_URL")
            .env_remove("BILLOPS_IMPORT_MAX_LINE_BYTES")
            .arg("--db")
            .arg(&self.db);
        c
    }
    fn run(&self, args: &[&str]) -> Output {
        self.cmd().args(args).output().unwrap()
    }
    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }
    fn write(&self, name: &str, text: &str) -> PathBuf {
        let p = self.path(name);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent).unwrap();
        }
        std::fs::write(&p, text).unwrap();
        p
    }
    /// `billops costs` by payer for 2026-05 as (payer, cost) pairs (the currency column after them).
    fn costs_by_payer(&self) -> Vec<(String, String)> {
        let o = self.run(&["costs", "--period", "2026-05", "--by", "payer", "--format", "csv"]);
        assert_eq!(o.status.code(), Some(0), "{}", text(&o));
        String::from_utf8_lossy(&o.stdout)
            .lines()
            .skip(1)
            .map(|l| {
                let mut cells = l.split(',');
                let (a, b) = (cells.next().unwrap(), cells.next().unwrap());
                (a.to_string(), b.to_string())
            })
            .collect()
    }
    fn issues(&self) -> String {
        let o = self.run(&["issues", "list", "--format", "csv"]);
        assert_eq!(o.status.code(), Some(0), "{}", text(&o));
        String::from_utf8_lossy(&o.stdout).into_owned()
    }
}

impl Env {
    /// A new store at `db` (`billops init`: only init, demo and the default store create one).
    fn init(dir: tempfile::TempDir, db: String) -> Env {
        let env = Env { dir, db };
        let o = env.run(&["init"]);
        assert_eq!(o.status.code(), Some(0), "{}", text(&o));
        env
    }
}

fn text(o: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr))
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// Run `body` on a fresh SQLite store, then on a fresh PostgreSQL database.
fn on_both(test: &str, body: impl Fn(&Env)) {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite:{}", dir.path().join("store.db").display());
    body(&Env::init(dir, db));
    let Some(admin) = std::env::var("BILLOPS_TEST_PG_URL").ok().filter(|u| !u.trim().is_empty()) else {
        let _ = writeln!(std::io::stderr(), "SKIPPED (PostgreSQL): set BILLOPS_TEST_PG_URL to run {test}");
        return;
    };
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().subsec_nanos();
    let name = format!("billops_t_{test}_{}_{nanos}", std::process::id()).chars().take(63).collect::<String>();
    let sql = |q: String| {
        rt.block_on(async {
            let mut c = PgConnection::connect(&admin).await.unwrap();
            sqlx::query(sqlx::AssertSqlSafe(q)).execute(&mut c).await.unwrap();
        })
    };
    sql(format!("CREATE DATABASE \"{name}\""));
    let url = with_database(&admin, &name);
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        body(&Env::init(tempfile::tempdir().unwrap(), url.clone()));
    }));
    // A backend the test's login may not signal (another role's, an autovacuum worker) can make the drop fail
    // for a moment: retry, and at worst leave the database behind with a note rather than fail a passed test.
    let dropped = rt.block_on(async {
        let drop = format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)");
        for _ in 0..10 {
            if let Ok(mut c) = PgConnection::connect(&admin).await
                && sqlx::query(sqlx::AssertSqlSafe(drop.clone())).execute(&mut c).await.is_ok()
            {
                return true;
            }
            tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        }
        false
    });
    if !dropped {
        let _ = writeln!(std::io::stderr(), "note: test database {name} could not be dropped; left behind");
    }
    if let Err(e) = outcome {
        std::panic::resume_unwind(e);
    }
}

fn with_database(url: &str, db: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, format!("?{q}")),
        None => (url, String::new()),
    };
    let scheme_end = base.find("://").map_or(0, |i| i + 3);
    let base = match base[scheme_end..].find('/') {
        Some(i) => &base[..scheme_end + i],
        None => base,
    };
    format!("{base}/{db}{query}")
}

const FOCUS: &str = "BillingAccountId,BillingAccountName,SubAccountId,SubAccountName,BillingPeriodStart,ChargePeriodStart,ChargeCategory,ServiceName,BilledCost,EffectiveCost,ListCost,BillingCurrency,InvoiceId\n";

fn row(payer: &str, account: &str, day: u32, cost: &str) -> String {
    format!(
        "{payer},Payer {payer},{account},Acct {account},2026-05-01T00:00:00Z,2026-05-{day:02}T00:00:00Z,Usage,EC2,{cost},{cost},{cost},USD,INV-{payer}\n"
    )
}

#[test]
fn a_stray_quote_refuses_the_file_with_its_line_and_imports_nothing() {
    on_both("stray_quote", |env| {
        let mut t = String::from(FOCUS);
        for i in 0..10_000 {
            let r = row("P1", "A1", i % 28 + 1, &format!("1.{i:05}"));
            t.push_str(&if i == 2 { r.replace(",Usage,", ",\"Usage,") } else { r });
        }
        let f = env.write("stray.csv", &t);
        let o = env.run(&["import", s(&f)]);
        assert_eq!(o.status.code(), Some(2), "{}", text(&o));
        let out = text(&o);
        assert!(
            out.contains("stray.csv: refused: ") && out.contains(": line 4: a quoted field opened on this line"),
            "{out}"
        );
        assert!(out.contains("stray quote"), "{out}");
        assert!(env.costs_by_payer().is_empty());
    });
}

fn long_line(env: &Env, name: &str, bytes: usize) -> PathBuf {
    let mut t = String::from(FOCUS);
    t.push_str(&row("P1", "A1", 1, "1"));
    t.push_str(&row("P1", &"7".repeat(bytes), 2, "1"));
    t.push_str(&row("P1", "A1", 3, "1"));
    env.write(name, &t)
}

#[test]
fn an_over_long_line_fails_fast_with_exit_2_not_a_database_error() {
    on_both("long_line", |env| {
        let f = long_line(env, "long.csv", 3 << 20);
        let started = Instant::now();
        let o = env.cmd().args(["import", s(&f)]).env("BILLOPS_IMPORT_MAX_LINE_BYTES", "65536").output().unwrap();
        assert_eq!(o.status.code(), Some(2), "{}", text(&o));
        assert!(
            text(&o).contains("long.csv: refused: ")
                && text(&o).contains("line 3: the line is longer than the limit of 64 KiB"),
            "{}",
            text(&o)
        );
        // At the real limit (1 MiB): the same, quickly.
        let o = env.run(&["import", s(&f)]);
        assert_eq!(o.status.code(), Some(2), "{}", text(&o));
        assert!(text(&o).contains("line 3: the line is longer than the limit of 1 MiB"), "{}", text(&o));
        assert!(started.elapsed() < Duration::from_secs(20), "{:?}", started.elapsed());
        let o = env.cmd().args(["import", s(&f)]).env("BILLOPS_IMPORT_MAX_LINE_BYTES", "lots").output().unwrap();
        assert_eq!(o.status.code(), Some(2), "{}", text(&o));
        assert!(text(&o).contains("BILLOPS_IMPORT_MAX_LINE_BYTES: not a positive whole number"), "{}", text(&o));
        assert!(env.costs_by_payer().is_empty());
    });
}

#[test]
fn an_account_under_two_or_three_payers_is_scoped_per_payer() {
    on_both("payers", |env| {
        let two = format!("{FOCUS}{}{}{}", row("P1", "A1", 1, "1"), row("P2", "A1", 2, "2"), row("P1", "A1", 3, "4"));
        let three =
            format!("{FOCUS}{}{}{}", row("P3", "A2", 1, "8"), row("P4", "A2", 1, "16"), row("P5", "A2", 2, "32"));
        let (a, b) = (env.write("two.csv", &two), env.write("three.csv", &three));
        let o = env.run(&["import", s(&a), s(&b)]);
        assert_eq!(o.status.code(), Some(0), "{}", text(&o));
        let out = text(&o);
        assert!(!out.contains("UNIQUE") && !out.contains("payer  "), "{out}");
        for p in ["payer P1 2026-05", "payer P2 2026-05", "payer P3 2026-05", "payer P4 2026-05", "payer P5 2026-05"] {
            assert!(out.contains(p), "{p}: {out}");
        }
        let mut costs = env.costs_by_payer();
        costs.sort();
        let want: Vec<(String, String)> = [("P1", "5"), ("P2", "2"), ("P3", "8"), ("P4", "16"), ("P5", "32")]
            .map(|(p, c)| (p.into(), c.into()))
            .to_vec();
        assert_eq!(costs, want);
        let issues = env.issues();
        let conflicts: Vec<&str> = issues.lines().filter(|l| l.contains("payer_conflict")).collect();
        assert_eq!(conflicts.len(), 2, "{issues}");
        assert!(conflicts[0].contains(",3,BillingAccountId,") && conflicts[0].contains("under 2 payers"), "{issues}");
        assert!(conflicts[1].contains(",3,BillingAccountId,") && conflicts[1].contains("under 3 payers"), "{issues}");
    });
}

#[test]
fn duplicate_line_items_are_never_billed_twice() {
    on_both("duplicates", |env| {
        let rows: String = (1..=5).map(|d| row("P1", "A1", d, "1.10")).collect();
        // A file concatenated twice, and a part delivered twice (same rows in a second file of the run).
        let twice = env.write("run1/twice.csv", &format!("{FOCUS}{rows}{FOCUS}{rows}"));
        let part = env.write("run1/part.csv", &format!("{FOCUS}{rows}"));
        let o = env.run(&["import", s(&part), s(&twice)]);
        assert_eq!(o.status.code(), Some(3), "{}", text(&o));
        assert_eq!(env.costs_by_payer(), vec![("P1".to_string(), "5.5".to_string())], "{}", text(&o));
        let issues = env.issues();
        let dups: Vec<&str> = issues.lines().filter(|l| l.contains("duplicate line item:")).collect();
        assert_eq!(dups.len(), 10, "{issues}");
        assert!(dups.iter().any(|l| l.contains("twice.csv,2,") && l.contains("part.csv line 2;")), "{issues}");
        assert!(issues.contains("duplicate_row"), "{issues}");
        // Within one file alone: the second half is quarantined.
        // A later run with the same rows (other bytes): replaces, never adds.
        let again = env.write("again.csv", &format!("{FOCUS}{rows}\n"));
        let o = env.run(&["import", s(&again)]);
        assert_eq!(o.status.code(), Some(0), "{}", text(&o));
        assert!(text(&o).contains("replaced batch"), "{}", text(&o));
        assert_eq!(env.costs_by_payer(), vec![("P1".to_string(), "5.5".to_string())]);
        // A later run with the file twice in itself: within-file duplicates quarantined, still billed once.
        let twice2 = env.write("twice2.csv", &format!("{FOCUS}{rows}{rows}\n\n"));
        let o = env.run(&["import", s(&twice2)]);
        assert_eq!(o.status.code(), Some(3), "{}", text(&o));
        assert!(text(&o).contains("5 quarantined"), "{}", text(&o));
        assert_eq!(env.costs_by_payer(), vec![("P1".to_string(), "5.5".to_string())]);
    });
}

#[test]
fn nothing_importable_says_so_with_exit_2_and_lists_what_was_skipped() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite:{}", dir.path().join("store.db").display());
    let env = Env::init(dir, db);
    let notes = env.write("docs/notes.txt", "not a cost file\n");
    env.write("docs/.hidden", "x");
    let folder = notes.parent().unwrap().to_path_buf();
    let o = env.run(&["import", s(&folder)]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    let out = text(&o);
    assert!(out.contains(&format!("{}: skipped: not an importable file", s(&notes))), "{out}");
    assert!(out.contains(&format!("{}: refused: no importable files", s(&folder))), "{out}");
    assert!(!out.contains(".hidden"), "{out}");

    let zip_path = env.path("junk.zip");
    let mut z = zip::ZipWriter::new(std::fs::File::create(&zip_path).unwrap());
    z.start_file("junk.bin", zip::write::SimpleFileOptions::default()).unwrap();
    z.write_all(&[0, 1, 2, 3]).unwrap();
    z.finish().unwrap();
    let o = env.run(&["import", s(&zip_path)]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    let out = text(&o);
    assert!(out.contains(&format!("{}!junk.bin: skipped", s(&zip_path))), "{out}");
    assert!(out.contains("junk.zip: refused: no importable files"), "{out}");

    // Skipped files beside importable ones are listed; the import goes on.
    let good = env.write("docs/cost.csv", &format!("{FOCUS}{}", row("P1", "A1", 1, "1")));
    let o = env.run(&["import", s(&folder)]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(text(&o).contains("notes.txt: skipped") && text(&o).contains(s(&good)), "{}", text(&o));
}
