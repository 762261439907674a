//! Import benchmark (issue 3). `billops import` of a generated CUR file, run as a subprocess, against the
//! plain bulk loaders of the same file: `sqlite3 .import` into an untyped table, and `psql \copy` into a TYPED
//! table (text, timestamptz, numeric). Prints a markdown table of medians; writes nothing but temp files and
//! the reusable data files under bench-data/.
//!
//! `cargo bench --bench import -- [--rows N] [--memory-rows N] [--no-memory] [--runs K] [--no-pg] [--no-sqlite]
//! [--high] [--accounts N]`; `--high`: the real-world cardinality file (a resource per ~10 usage rows, a long
//! tail of tag values, 2,000 accounts unless `--accounts`); the table prints the file's distinct counts.
//! Defaults: 1,000,000 rows, memory check at 4,000,000 rows, 3 runs each (interleaved). PostgreSQL admin URL:
//! BILLOPS_BENCH_PG_URL (default postgres://billops:billops@127.0.0.1:5432/postgres); a fresh database is
//! created for every run and dropped after it. `cargo test --benches` (no `--bench` argument) or `--test` runs a tiny smoke.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "common/args.rs"]
mod args;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use billops_gen::{BenchSpec, FileFormat};

const DEFAULT_PG: &str = "postgres://billops:billops@127.0.0.1:5432/postgres";
const SEED: u64 = 1;
const SQLITE_BAR: f64 = 1.2;
const PG_BAR: f64 = 1.3;
const RSS_BAR_MIB: f64 = 100.0;

struct Opts {
    rows: u64,
    memory_rows: Option<u64>,
    runs: usize,
    pg: bool,
    sqlite: bool,
    quick: bool,
    high: bool,
    accounts: Option<usize>,
}

fn opts() -> Opts {
    // `cargo bench` passes `--bench`; without it (`cargo test --benches`) or with `--test`, a tiny smoke run.
    let (quick, args) = args::args();
    let mut o = Opts {
        rows: if quick { 20_000 } else { 1_000_000 },
        memory_rows: if quick { None } else { Some(4_000_000) },
        runs: if quick { 1 } else { 3 },
        pg: true,
        sqlite: true,
        quick,
        high: false,
        accounts: None,
    };
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let mut num = |name: &str| args::number(&mut it, name);
        match a.as_str() {
            "--rows" => o.rows = num("--rows"),
            "--memory-rows" => o.memory_rows = Some(num("--memory-rows")),
            "--memory" => o.memory_rows = o.memory_rows.or(Some(4_000_000)),
            "--no-memory" => o.memory_rows = None,
            "--runs" => o.runs = num("--runs").max(1) as usize,
            "--no-pg" => o.pg = false,
            "--no-sqlite" => o.sqlite = false,
            "--high" => o.high = true,
            "--accounts" => o.accounts = Some(num("--accounts") as usize),
            "--test" => {}
            other => panic!("unknown argument {other:?}"),
        }
    }
    o
}

fn bench_data() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("bench-data")
}

/// The CUR file of `rows` rows (seed 1; default or high cardinality), generated once and reused, with its
/// distinct counts in a `.stats` file beside it.
fn data_file(rows: u64, o: &Opts) -> (PathBuf, String) {
    let dir = bench_data();
    fs::create_dir_all(&dir).unwrap();
    let mut spec = BenchSpec::new(FileFormat::Cur, rows, SEED);
    if o.high {
        spec.high_cardinality = true;
        spec.accounts = o.accounts.unwrap_or(2_000);
        spec.customers = spec.accounts / 5;
    } else if let Some(a) = o.accounts {
        spec.accounts = a;
    }
    let tag = if o.high {
        // "high2": tags drawn per resource (session 13); a file cached by the per-row generator is not reused.
        format!("-high2-a{}", spec.accounts)
    } else if o.accounts.is_some() {
        format!("-a{}", spec.accounts)
    } else {
        String::new()
    };
    let path = dir.join(format!("cur-{rows}-s{SEED}{tag}.csv"));
    let stats_path = path.with_extension("stats");
    if !path.exists() || !stats_path.exists() {
        let t0 = Instant::now();
        let tmp = path.with_extension("csv.partial");
        let mut f = fs::File::create(&tmp).unwrap();
        let st = billops_gen::write_bench_stats(&spec, &mut f).unwrap();
        fs::rename(&tmp, &path).unwrap();
        fs::write(
            &stats_path,
            format!(
                "{} accounts, {} resources, {} product tag values, {} component tag values, {} usage types, \
                 {} (resource, product, component)",
                st.accounts, st.resources, st.products, st.components, st.usage_types, st.resource_tags
            ),
        )
        .unwrap();
        eprintln!("generated {} in {:.1}s", path.display(), t0.elapsed().as_secs_f64());
    }
    (path, fs::read_to_string(&stats_path).unwrap_or_default())
}

fn loadavg() -> String {
    fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_default()
}

/// One timed subprocess: wall time, peak RSS (KiB, from `/usr/bin/time -f %M`), the load before it.
struct Sample {
    wall: Duration,
    rss_kib: Option<u64>,
    load: String,
    stdout: String,
}

fn run_timed(mut cmd: Command, what: &str) -> Sample {
    let load = loadavg();
    let t0 = Instant::now();
    let out = cmd.stdin(Stdio::null()).output().unwrap();
    let wall = t0.elapsed();
    let code = out.status.code().unwrap_or(-1);
    // billops import exits 3 when rows were quarantined: still a complete import.
    if code != 0 && code != 3 {
        panic!(
            "{what} failed ({code}):\n{}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    Sample { wall, rss_kib: None, load, stdout: String::from_utf8_lossy(&out.stdout).into_owned() }
}

/// `billops --db URL import FILE` under `/usr/bin/time -f %M` (peak RSS of billops itself).
fn billops_import(url: &str, file: &Path, home: &Path) -> Sample {
    // Only `init` creates a store at a new path (not timed).
    let init = Command::new(env!("CARGO_BIN_EXE_billops"))
        .args(["--db", url, "init"])
        .env("BILLOPS_DATA_DIR", home.join("data"))
        .env("BILLOPS_CONFIG_DIR", home.join("config"))
        .env("BILLOPS_USER", "bench")
        .env_remove("BILLOPS_DATABASE_URL")
        .output()
        .unwrap();
    assert!(init.status.success(), "billops init: {}", String::from_utf8_lossy(&init.stderr));
    let rss_file = home.join("rss.txt");
    let has_time = Path::new("/usr/bin/time").exists();
    let mut cmd = if has_time {
        let mut c = Command::new("/usr/bin/time");
        c.arg("-f").arg("%M").arg("-o").arg(&rss_file).arg(env!("CARGO_BIN_EXE_billops"));
        c
    } else {
        Command::new(env!("CARGO_BIN_EXE_billops"))
    };
    cmd.arg("--db").arg(url).arg("import").arg(file);
    cmd.env("BILLOPS_DATA_DIR", home.join("data"))
        .env("BILLOPS_CONFIG_DIR", home.join("config"))
        .env("BILLOPS_USER", "bench")
        .env_remove("BILLOPS_DATABASE_URL");
    let mut s = run_timed(cmd, "billops import");
    if let Some(first) = s.stdout.lines().next() {
        eprintln!("    billops: {first}");
    }
    s.rss_kib = fs::read_to_string(&rss_file).ok().and_then(|t| t.lines().last().and_then(|l| l.trim().parse().ok()));
    s
}

fn sqlite3_import(db: &Path, file: &Path) -> Sample {
    let mut cmd = Command::new("sqlite3");
    cmd.arg(db).arg(".mode csv").arg(format!(".import {} raw", file.display()));
    run_timed(cmd, "sqlite3 .import")
}

fn psql(url: &str, sql: &str) {
    let out = Command::new("psql")
        .arg(url)
        .arg("-X")
        .arg("-q")
        .arg("-v")
        .arg("ON_ERROR_STOP=1")
        .arg("-c")
        .arg(sql)
        .output()
        .unwrap();
    assert!(out.status.success(), "psql {sql:?}: {}", String::from_utf8_lossy(&out.stderr));
}

fn with_db(admin: &str, db: &str) -> String {
    let (base, query) = admin.split_once('?').map_or((admin, ""), |(b, q)| (b, q));
    let cut = base.rfind('/').filter(|&i| i > base.find("://").map_or(0, |s| s + 2)).unwrap_or(base.len());
    let q = if query.is_empty() { String::new() } else { format!("?{query}") };
    format!("{}/{db}{q}", &base[..cut])
}

/// A fresh database for one run, dropped when the guard goes.
struct PgDb {
    admin: String,
    name: String,
    url: String,
}

impl PgDb {
    fn create(admin: &str, tag: &str) -> PgDb {
        let name = format!("billops_bench_{}_{tag}", std::process::id());
        psql(admin, &format!("DROP DATABASE IF EXISTS {name}"));
        psql(admin, &format!("CREATE DATABASE {name}"));
        PgDb { admin: admin.to_string(), url: with_db(admin, &name), name }
    }
}

impl Drop for PgDb {
    fn drop(&mut self) {
        let _ = Command::new("psql")
            .arg(&self.admin)
            .arg("-X")
            .arg("-q")
            .arg("-c")
            .arg(format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name))
            .output();
    }
}

/// The CUR columns with their proper types, by position (COPY maps columns by order).
const TYPED: [(&str, &str); 30] = [
    ("line_item_id", "text"),
    ("time_interval", "text"),
    ("invoice_id", "text"),
    ("billing_entity", "text"),
    ("bill_type", "text"),
    ("payer_account_id", "text"),
    ("billing_period_start", "timestamptz"),
    ("billing_period_end", "timestamptz"),
    ("usage_account_id", "text"),
    ("line_item_type", "text"),
    ("usage_start", "timestamptz"),
    ("usage_end", "timestamptz"),
    ("product_code", "text"),
    ("usage_type", "text"),
    ("operation", "text"),
    ("resource_id", "text"),
    ("usage_amount", "numeric"),
    ("currency_code", "text"),
    ("unblended_rate", "numeric"),
    ("unblended_cost", "numeric"),
    ("net_unblended_cost", "numeric"),
    ("description", "text"),
    ("product_name", "text"),
    ("region", "text"),
    ("public_on_demand_cost", "numeric"),
    ("pricing_unit", "text"),
    ("reservation_effective_cost", "numeric"),
    ("sp_effective_cost", "numeric"),
    ("tag_product", "text"),
    ("tag_component", "text"),
];

fn psql_copy(url: &str, file: &Path) -> Sample {
    let cols: Vec<String> = TYPED.iter().map(|(n, t)| format!("{n} {t}")).collect();
    psql(url, &format!("CREATE TABLE cur_typed ({})", cols.join(", ")));
    let mut cmd = Command::new("psql");
    cmd.arg(url).arg("-X").arg("-q").arg("-v").arg("ON_ERROR_STOP=1");
    cmd.arg("-c").arg(format!("\\copy cur_typed FROM '{}' CSV HEADER", file.display()));
    run_timed(cmd, "psql \\copy")
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn secs(d: Duration) -> f64 {
    d.as_secs_f64()
}

struct Row {
    what: String,
    rows: u64,
    billops: Vec<Sample>,
    baseline: Vec<Sample>,
    baseline_name: &'static str,
    bar: f64,
}

impl Row {
    fn print(&self) {
        let b = median(self.billops.iter().map(|s| s.wall).collect());
        let rss: Vec<u64> = self.billops.iter().filter_map(|s| s.rss_kib).collect();
        let rss_mib = rss.iter().max().map(|k| *k as f64 / 1024.0);
        let rss = rss_mib.map_or("n/a".to_string(), |m| format!("{m:.1} MiB"));
        let rate = self.rows as f64 / secs(b);
        let runs: Vec<String> = self.billops.iter().map(|s| format!("{:.2}", secs(s.wall))).collect();
        let loads: Vec<String> = self.billops.iter().map(|s| s.load.clone()).collect();
        let (base, ratio, verdict) = if self.baseline.is_empty() {
            ("—".to_string(), "—".to_string(), "—".to_string())
        } else {
            let base = median(self.baseline.iter().map(|s| s.wall).collect());
            let ratio = secs(b) / secs(base);
            let bruns: Vec<String> = self.baseline.iter().map(|s| format!("{:.2}", secs(s.wall))).collect();
            (
                format!("{:.2} s [{}]", secs(base), bruns.join(", ")),
                format!("{ratio:.2}x"),
                format!("{} (bar ≤ {:.1}x)", if ratio <= self.bar { "pass" } else { "FAIL" }, self.bar),
            )
        };
        let mem = match rss_mib {
            Some(m) => format!("{} (bar ≤ {RSS_BAR_MIB:.0} MiB)", if m <= RSS_BAR_MIB { "pass" } else { "FAIL" }),
            None => "n/a".to_string(),
        };
        println!(
            "| {} | {} | {:.2} s [{}] | {:.0} | {} | {} | {} | {} | {} | {} |",
            self.what,
            self.rows,
            secs(b),
            runs.join(", "),
            rate,
            rss,
            mem,
            format_args!("{}: {base}", self.baseline_name),
            ratio,
            verdict,
            loads.join("; ")
        );
    }
}

fn sqlite_row(file: &Path, rows: u64, runs: usize, baseline: bool) -> Row {
    let mut row = Row {
        what: "SQLite".into(),
        rows,
        billops: Vec::new(),
        baseline: Vec::new(),
        baseline_name: "sqlite3 .import",
        bar: SQLITE_BAR,
    };
    for i in 0..runs {
        let home = tempfile::tempdir().unwrap();
        let db = home.path().join("billops.db");
        let s = billops_import(&format!("sqlite:{}", db.display()), file, home.path());
        eprintln!("  billops sqlite run {i}: {:.2}s rss {:?} KiB (load {})", secs(s.wall), s.rss_kib, s.load);
        row.billops.push(s);
        drop(home);
        if baseline {
            let home = tempfile::tempdir().unwrap();
            let s = sqlite3_import(&home.path().join("raw.db"), file);
            eprintln!("  sqlite3 .import run {i}: {:.2}s (load {})", secs(s.wall), s.load);
            row.baseline.push(s);
        }
    }
    row
}

fn pg_row(admin: &str, file: &Path, rows: u64, runs: usize) -> Row {
    let mut row = Row {
        what: "PostgreSQL".into(),
        rows,
        billops: Vec::new(),
        baseline: Vec::new(),
        baseline_name: "psql \\copy typed",
        bar: PG_BAR,
    };
    for i in 0..runs {
        let home = tempfile::tempdir().unwrap();
        let db = PgDb::create(admin, &format!("b{i}"));
        let s = billops_import(&db.url, file, home.path());
        eprintln!("  billops pg run {i}: {:.2}s rss {:?} KiB (load {})", secs(s.wall), s.rss_kib, s.load);
        row.billops.push(s);
        drop(db);
        let db = PgDb::create(admin, &format!("c{i}"));
        let s = psql_copy(&db.url, file);
        eprintln!("  psql \\copy run {i}: {:.2}s (load {})", secs(s.wall), s.load);
        row.baseline.push(s);
    }
    row
}

fn pg_up(admin: &str) -> bool {
    Command::new("psql").arg(admin).arg("-X").arg("-qtAc").arg("SELECT 1").output().is_ok_and(|o| o.status.success())
}

fn main() {
    let o = opts();
    let admin = std::env::var("BILLOPS_BENCH_PG_URL").unwrap_or_else(|_| DEFAULT_PG.to_string());
    let (file, stats) = data_file(o.rows, &o);
    let mut table = Vec::new();
    if o.sqlite {
        eprintln!("SQLite, {} rows, {} runs", o.rows, o.runs);
        table.push(sqlite_row(&file, o.rows, o.runs, true));
    }
    if o.pg {
        if pg_up(&admin) {
            eprintln!("PostgreSQL, {} rows, {} runs", o.rows, o.runs);
            table.push(pg_row(&admin, &file, o.rows, o.runs));
        } else {
            eprintln!("PostgreSQL not reachable at {}: skipped", billops_store::mask_url(&admin));
        }
    }
    if let Some(m) = o.memory_rows.filter(|_| o.sqlite) {
        let (big, _) = data_file(m, &o);
        eprintln!("SQLite memory check, {m} rows, {} runs", o.runs.min(2));
        let mut r = sqlite_row(&big, m, o.runs.min(2), true);
        r.what = "SQLite (memory check)".into();
        table.push(r);
    }
    println!();
    if o.quick {
        println!("SMOKE RUN (tiny data, maybe a debug build): not a measurement; the verdicts below mean nothing.");
    }
    println!(
        "billops import vs bulk loaders (CUR, seed {SEED}{}); {} cores; medians, runs in brackets",
        if o.high { ", high cardinality" } else { "" },
        std::thread::available_parallelism().map_or(0, |n| n.get())
    );
    println!("{} rows: {stats}", o.rows);
    println!();
    println!(
        "| store | rows | billops wall | rows/s | peak RSS | memory bar | baseline | ratio | ratio bar | load (1/5/15) |"
    );
    println!("|---|---:|---|---:|---:|---|---|---:|---|---|");
    for r in &table {
        r.print();
    }
    let med =
        |what: &str| table.iter().find(|r| r.what == what).map(|r| median(r.billops.iter().map(|s| s.wall).collect()));
    println!();
    if let Some(s) = med("SQLite") {
        let ok = secs(s) < 10.0;
        println!(
            "- SQLite import of {} rows: {:.2} s (SPEC §5: well under 10 s for ≥ 1M rows): {}",
            o.rows,
            secs(s),
            if ok { "pass" } else { "FAIL" }
        );
    }
    if let (Some(s), Some(p)) = (med("SQLite"), med("PostgreSQL")) {
        let ratio = secs(p) / secs(s);
        println!(
            "- PostgreSQL import / SQLite import: {ratio:.2}x (SPEC §5: PostgreSQL within 2x of SQLite): {}",
            if ratio <= 2.0 { "pass" } else { "FAIL" }
        );
    }
}
