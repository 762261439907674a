//! Drill-down benchmark (issue 3): exact cost queries on a store holding 10M CUR line items for ~1,000 linked
//! accounts mapped to ~200 customers, timed IN-PROCESS through `Store::costs`, on SQLite and PostgreSQL:
//! customer → service → product → component (each step filtered by the keys picked in the steps before it,
//! the largest row each time), plus a cold `billops costs` CLI call end to end.
//!
//! `cargo bench --bench drill -- [--rows N] [--accounts N] [--customers N] [--runs K] [--no-pg] [--no-sqlite]
//! [--rebuild] [--url URL]...`
//! `--url URL` (repeatable) times an existing store instead (nothing generated or built; period 2026-08, as
//! `billops-gen bench` writes it): e.g. a partitioned PostgreSQL store of 30M high-cardinality rows.
//! Defaults: 10,000,000 rows, 1,000 accounts, 200 customers, 20 timed runs per step after one warm-up.
//! The data file, the SQLite store and the PostgreSQL database (`billops_drill_<rows>_a<accounts>_c<customers>`,
//! admin URL from BILLOPS_BENCH_PG_URL) are built once and reused while complete. Building 10M rows takes
//! minutes: the first run prints its progress to stderr. `cargo test --benches` (no `--bench` argument) or
//! `--test` runs a tiny smoke.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "common/args.rs"]
mod args;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use billops::ingest::{self, FileReport};
use billops_domain::{CostBasis, Dim, Period};
use billops_gen::{BenchSpec, FileFormat};
use billops_store::{Actor, CostQuery, CostRow, NewCustomer, Store, UNASSIGNED};
use chrono::NaiveDate;

const DEFAULT_PG: &str = "postgres://billops:billops@127.0.0.1:5432/postgres";
const SEED: u64 = 1;
const STEP_BAR_MS: f64 = 20.0;
const PG_FACTOR: f64 = 2.0;

struct Opts {
    rows: u64,
    accounts: usize,
    customers: usize,
    runs: usize,
    pg: bool,
    sqlite: bool,
    quick: bool,
    rebuild: bool,
    urls: Vec<String>,
}

fn opts() -> Opts {
    // `cargo bench` passes `--bench`; without it (`cargo test --benches`) or with `--test`, a tiny smoke run.
    let (quick, args) = args::args();
    let mut o = Opts {
        rows: if quick { 50_000 } else { 10_000_000 },
        accounts: if quick { 100 } else { 1_000 },
        customers: if quick { 20 } else { 200 },
        runs: if quick { 3 } else { 20 },
        pg: true,
        sqlite: true,
        quick,
        rebuild: false,
        urls: Vec::new(),
    };
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let mut num = |name: &str| args::number(&mut it, name);
        match a.as_str() {
            "--rows" => o.rows = num("--rows"),
            "--accounts" => o.accounts = num("--accounts") as usize,
            "--customers" => o.customers = num("--customers") as usize,
            "--runs" => o.runs = num("--runs").max(1) as usize,
            "--no-pg" => o.pg = false,
            "--no-sqlite" => o.sqlite = false,
            "--rebuild" => o.rebuild = true,
            "--url" => o.urls.push(it.next().expect("--url needs a store URL").clone()),
            "--test" => {}
            other => panic!("unknown argument {other:?}"),
        }
    }
    o
}

/// Everything built once under bench-data/ for one (rows, accounts, customers).
struct Data {
    spec: BenchSpec,
    tag: String,
    big: PathBuf,
    seed_file: PathBuf,
    mapping: PathBuf,
}

fn log(msg: &str) {
    eprintln!("[{}] {msg}", chrono::Utc::now().format("%H:%M:%S"));
}

fn generate(spec: &BenchSpec, path: &Path) {
    if path.exists() {
        return;
    }
    log(&format!("generating {} ({} rows)", path.display(), spec.rows));
    let t0 = Instant::now();
    let tmp = path.with_extension("csv.partial");
    let mut f = fs::File::create(&tmp).unwrap();
    billops_gen::write_bench_spec(spec, &mut f).unwrap();
    fs::rename(&tmp, path).unwrap();
    log(&format!("generated in {:.1}s", t0.elapsed().as_secs_f64()));
}

fn data(o: &Opts) -> Data {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("bench-data");
    fs::create_dir_all(&dir).unwrap();
    let spec =
        BenchSpec { accounts: o.accounts, customers: o.customers, ..BenchSpec::new(FileFormat::Cur, o.rows, SEED) };
    let tag = format!("a{}-c{}-s{SEED}", o.accounts, o.customers);
    let big = dir.join(format!("drill-cur-{}-{tag}.csv", o.rows));
    generate(&spec, &big);
    // A small file of the same accounts (their ids depend on seed/accounts/customers only): imported first so
    // every account is known and can be assigned before the big import, which then resolves customers itself.
    let seed_spec = BenchSpec { rows: (o.accounts as u64 * 60).max(20_000), ..spec };
    let seed_file = dir.join(format!("drill-seed-{tag}.csv"));
    generate(&seed_spec, &seed_file);
    let mapping = dir.join(format!("drill-map-{tag}"));
    if !mapping.join("accounts.csv").exists() {
        billops_gen::write_bench_mapping(&spec, &mapping).unwrap();
    }
    Data { spec, tag, big, seed_file, mapping }
}

fn actor() -> Actor {
    Actor { name: "bench".into(), at: chrono::Utc::now() }
}

fn env_cmd(home: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_billops"));
    c.env("BILLOPS_DATA_DIR", home.join("data"))
        .env("BILLOPS_CONFIG_DIR", home.join("config"))
        .env("BILLOPS_USER", "bench")
        .env_remove("BILLOPS_DATABASE_URL")
        .stdin(Stdio::null());
    c
}

/// Complete when the store opens (its migrations match this build's) and the big file's batch is there with
/// every row and not replaced. `--rebuild` never reuses (a store built by other store code is not this code's).
async fn is_ready(url: &str, d: &Data, rebuild: bool) -> bool {
    if rebuild {
        return false;
    }
    let store = match billops_store::open(url).await {
        Ok(s) => s,
        Err(e) => {
            log(&format!("cannot reuse {}: {e}", billops_store::mask_url(url)));
            return false;
        }
    };
    let name = d.big.file_name().unwrap().to_string_lossy().to_string();
    store.list_batches().await.is_ok_and(|bs| {
        bs.iter().any(|b| {
            b.rows == d.spec.rows as i64
                && b.file_name.ends_with(&name)
                && !b.scopes.is_empty()
                && b.scopes.iter().all(|s| s.replaced_by.is_none())
        })
    })
}

/// Customers, the small seed import, the account mapping, then the big import through the CLI (timed).
async fn build(url: &str, d: &Data) {
    let store = billops_store::open(url).await.unwrap();
    let by = actor();
    let mut r = csv::Reader::from_path(d.mapping.join("customers.csv")).unwrap();
    for rec in r.records() {
        let rec = rec.unwrap();
        let c = NewCustomer { code: rec[0].to_string(), name: rec[1].to_string(), currency: rec[2].to_string() };
        store.add_customer(&c, &by).await.unwrap();
    }
    let reports = ingest::import_paths(
        store.clone(),
        vec![d.seed_file.clone()],
        Default::default(),
        by.clone(),
        Arc::new(|_| {}),
    )
    .await;
    for rep in &reports {
        assert!(matches!(rep, FileReport::Imported { .. }), "seed import: {}", ingest::describe(rep));
    }
    let mut r = csv::Reader::from_path(d.mapping.join("accounts.csv")).unwrap();
    let mut n = 0;
    for rec in r.records() {
        let rec = rec.unwrap();
        let from = NaiveDate::parse_from_str(&rec[4], "%Y-%m-%d").unwrap();
        store.assign_account(&rec[0], &rec[3], from, &by).await.unwrap();
        n += 1;
    }
    log(&format!(
        "{} customers, {n} accounts assigned; importing {} through the CLI",
        d.spec.customers,
        d.big.display()
    ));
    drop(store);
    let home = tempfile::tempdir().unwrap();
    let rss = home.path().join("rss.txt");
    let mut c = Command::new("/usr/bin/time");
    c.arg("-f").arg("%M").arg("-o").arg(&rss).arg(env!("CARGO_BIN_EXE_billops"));
    c.arg("--db").arg(url).arg("import").arg(&d.big);
    c.env("BILLOPS_DATA_DIR", home.path().join("data"))
        .env("BILLOPS_CONFIG_DIR", home.path().join("config"))
        .env("BILLOPS_USER", "bench")
        .env_remove("BILLOPS_DATABASE_URL");
    let load = loadavg();
    let t0 = Instant::now();
    let out = c.output().unwrap();
    let wall = t0.elapsed();
    let code = out.status.code().unwrap_or(-1);
    assert!(code == 0 || code == 3, "import failed ({code}): {}", String::from_utf8_lossy(&out.stderr));
    log(&format!(
        "imported {} rows in {:.1}s ({:.0} rows/s), peak RSS {} KiB, load before {load}: {}",
        d.spec.rows,
        wall.as_secs_f64(),
        d.spec.rows as f64 / wall.as_secs_f64(),
        fs::read_to_string(&rss).unwrap_or_default().trim(),
        String::from_utf8_lossy(&out.stdout).lines().next().unwrap_or("")
    ));
}

fn remove_sqlite(file: &Path) {
    for suffix in ["", "-wal", "-shm"] {
        let _ = fs::remove_file(format!("{}{suffix}", file.display()));
    }
}

async fn sqlite_store(d: &Data, rebuild: bool) -> String {
    let file = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("bench-data")
        .join(format!("drill-{}-{}.db", d.spec.rows, d.tag));
    let url = format!("sqlite:{}", file.display());
    if file.exists() && is_ready(&url, d, rebuild).await {
        log(&format!("reusing {}", file.display()));
        return url;
    }
    remove_sqlite(&file);
    build(&url, d).await;
    url
}

fn psql(url: &str, sql: &str) -> String {
    let out = Command::new("psql")
        .arg(url)
        .arg("-X")
        .arg("-qtA")
        .arg("-v")
        .arg("ON_ERROR_STOP=1")
        .arg("-c")
        .arg(sql)
        .output()
        .unwrap();
    assert!(out.status.success(), "psql {sql:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

fn with_db(admin: &str, db: &str) -> String {
    let (base, query) = admin.split_once('?').map_or((admin, ""), |(b, q)| (b, q));
    let cut = base.rfind('/').filter(|&i| i > base.find("://").map_or(0, |s| s + 2)).unwrap_or(base.len());
    let q = if query.is_empty() { String::new() } else { format!("?{query}") };
    format!("{}/{db}{q}", &base[..cut])
}

async fn pg_store(admin: &str, d: &Data, rebuild: bool) -> String {
    let name = format!("billops_drill_{}_{}", d.spec.rows, d.tag.replace('-', "_"));
    let url = with_db(admin, &name);
    let exists = psql(admin, &format!("SELECT count(*) FROM pg_database WHERE datname = '{name}'")) == "1";
    if exists && is_ready(&url, d, rebuild).await {
        log(&format!("reusing database {name}"));
        return url;
    }
    psql(admin, &format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
    psql(admin, &format!("CREATE DATABASE {name}"));
    build(&url, d).await;
    psql(&url, "VACUUM ANALYZE");
    url
}

fn loadavg() -> String {
    fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_default()
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

struct Timing {
    step: String,
    rows: usize,
    median: Duration,
    p90: Duration,
    max: Duration,
    load: String,
}

async fn time_query(store: &Arc<dyn Store>, q: &CostQuery, runs: usize, step: &str) -> (Timing, Vec<CostRow>) {
    let load = loadavg();
    let rows = store.costs(q).await.unwrap(); // warm-up
    let mut t = Vec::with_capacity(runs);
    for _ in 0..runs {
        let t0 = Instant::now();
        let r = store.costs(q).await.unwrap();
        t.push(t0.elapsed());
        assert_eq!(r.len(), rows.len());
    }
    t.sort();
    let timing = Timing {
        step: step.to_string(),
        rows: rows.len(),
        median: t[t.len() / 2],
        p90: t[(t.len() * 9 / 10).min(t.len() - 1)],
        max: t[t.len() - 1],
        load,
    };
    (timing, rows)
}

fn top(rows: &[CostRow]) -> String {
    // The largest named key: `(unassigned)` / `(untagged)` buckets are not what a person drills into first.
    rows.iter()
        .map(|r| r.keys[0].clone())
        .find(|k| k != UNASSIGNED && !k.is_empty() && !k.starts_with('('))
        .unwrap_or_else(|| rows[0].keys[0].clone())
}

/// The four drill steps (and a resource step past the rollups, for information), each picking the largest key.
async fn drill(url: &str, runs: usize) -> (Vec<Timing>, Vec<Vec<CostRow>>, Vec<String>) {
    let store = billops_store::open(url).await.unwrap();
    let p = Period::new(2026, 8).unwrap();
    let mut filters: Vec<(Dim, String)> = Vec::new();
    let mut timings = Vec::new();
    let mut results = Vec::new();
    let mut path = Vec::new();
    for by in [Dim::Customer, Dim::Service, Dim::Product, Dim::Component, Dim::Resource] {
        let q = CostQuery { from: p, to: p, filters: filters.clone(), by: vec![by], basis: CostBasis::Billed };
        let label = if filters.is_empty() {
            format!("by {}", by.as_str())
        } else {
            let f: Vec<String> = filters.iter().map(|(d, v)| format!("{}={v}", d.as_str())).collect();
            format!("{} by {}", f.join(" "), by.as_str())
        };
        // Resources are one step past the SPEC drill (and were read from line items before rollups kept them).
        let n = if by == Dim::Resource { runs.min(5) } else { runs };
        let (t, rows) = time_query(&store, &q, n, &label).await;
        assert!(!rows.is_empty(), "{label}: no rows");
        let key = top(&rows);
        path.push(key.clone());
        filters.push((by, key));
        timings.push(t);
        results.push(rows);
    }
    // The floor of any store call: a primary-key look-up of one user (pool, protocol round trip, decode).
    let load = loadavg();
    let _ = store.user_role("bench").await.unwrap();
    let mut t = Vec::with_capacity(runs);
    for _ in 0..runs {
        let t0 = Instant::now();
        let _ = store.user_role("bench").await.unwrap();
        t.push(t0.elapsed());
    }
    t.sort();
    let floor = Timing {
        step: "floor: `user_role` (one-row primary-key look-up)".into(),
        rows: 0,
        median: t[t.len() / 2],
        p90: t[(t.len() * 9 / 10).min(t.len() - 1)],
        max: t[t.len() - 1],
        load,
    };
    timings.push(floor);
    (timings, results, path)
}

/// `billops costs` as a fresh process (store opened, migrations checked, query, CSV out), 5 times.
fn cold_cli(url: &str, args: &[&str]) -> (Duration, Duration, String) {
    let home = tempfile::tempdir().unwrap();
    let load = loadavg();
    let mut t = Vec::new();
    for _ in 0..5 {
        let mut c = env_cmd(home.path());
        c.arg("--db").arg(url).arg("costs").arg("--period").arg("2026-08").args(args).arg("--format").arg("csv");
        let t0 = Instant::now();
        let out = c.output().unwrap();
        t.push(t0.elapsed());
        assert!(out.status.success(), "billops costs: {}", String::from_utf8_lossy(&out.stderr));
    }
    let first = t[0];
    t.sort();
    (first, t[t.len() / 2], load)
}

fn pg_up(admin: &str) -> bool {
    Command::new("psql").arg(admin).arg("-X").arg("-qtAc").arg("SELECT 1").output().is_ok_and(|o| o.status.success())
}

#[tokio::main]
async fn main() {
    let o = opts();
    let admin = std::env::var("BILLOPS_BENCH_PG_URL").unwrap_or_else(|_| DEFAULT_PG.to_string());
    let mut backends: Vec<(&str, String)> = Vec::new();
    if !o.urls.is_empty() {
        for url in &o.urls {
            let name = if url.starts_with("sqlite:") { "SQLite" } else { "PostgreSQL" };
            let (timings, _, path) = drill(url, o.runs).await;
            let cust = path[0].clone();
            let cli = [
                ("costs --by customer", cold_cli(url, &["--by", "customer"])),
                ("costs --customer C --by service", cold_cli(url, &["--customer", &cust, "--by", "service"])),
            ];
            println!();
            println!(
                "{name} store {}: period 2026-08, billed; {} warm runs per step after 1 warm-up",
                billops_store::mask_url(url),
                o.runs
            );
            println!();
            println!("| step | rows out | median | p90 | max | load (1/5/15) |");
            println!("|---|---:|---:|---:|---:|---|");
            for t in &timings {
                println!(
                    "| {} | {} | {:.2} ms | {:.2} ms | {:.2} ms | {} |",
                    t.step,
                    t.rows,
                    ms(t.median),
                    ms(t.p90),
                    ms(t.max),
                    t.load
                );
            }
            for (what, (first, med, load)) in cli {
                let what = what.replace('C', &path[0]);
                println!(
                    "| cold `billops {what}` (first / median of 5) | | {:.1} ms | {:.1} ms | | {load} |",
                    ms(first),
                    ms(med)
                );
            }
        }
        return;
    }
    let d = data(&o);
    if o.sqlite {
        backends.push(("SQLite", sqlite_store(&d, o.rebuild).await));
    }
    if o.pg {
        if pg_up(&admin) {
            backends.push(("PostgreSQL", pg_store(&admin, &d, o.rebuild).await));
        } else {
            log(&format!("PostgreSQL not reachable at {}: skipped", billops_store::mask_url(&admin)));
        }
    }
    let mut all = Vec::new();
    for (name, url) in &backends {
        log(&format!("timing {name}"));
        let (timings, results, path) = drill(url, o.runs).await;
        let cust = path[0].clone();
        let cli = [
            ("costs --by customer", cold_cli(url, &["--by", "customer"])),
            ("costs --customer C --by service", cold_cli(url, &["--customer", &cust, "--by", "service"])),
        ];
        all.push((*name, timings, results, path, cli));
    }
    if let [(_, _, a, _, _), (_, _, b, _, _)] = &all[..] {
        println!("SQLite and PostgreSQL answers identical at every step: {}", if a == b { "yes" } else { "NO" });
    }
    let sqlite_medians: Vec<Duration> =
        all.iter().find(|a| a.0 == "SQLite").map(|a| a.1.iter().map(|t| t.median).collect()).unwrap_or_default();
    println!();
    if o.quick {
        println!("SMOKE RUN (tiny data, maybe a debug build): not a measurement; the verdicts below mean nothing.");
    }
    println!(
        "drill on {} CUR rows, {} accounts, {} customers, period 2026-08, billed; {} warm runs per step after 1 warm-up",
        d.spec.rows, d.spec.accounts, d.spec.customers, o.runs
    );
    println!();
    println!("| store | step | rows out | median | p90 | max | bar | load (1/5/15) |");
    println!("|---|---|---:|---:|---:|---:|---|---|");
    for (name, timings, _, _, _) in &all {
        for (i, t) in timings.iter().enumerate() {
            let verdict = if i == 4 {
                "info (not a SPEC §5 drill step)".to_string()
            } else if i > 4 {
                "info (per-call floor)".to_string()
            } else if *name == "SQLite" {
                format!("{} (< {STEP_BAR_MS:.0} ms)", if ms(t.median) < STEP_BAR_MS { "pass" } else { "FAIL" })
            } else if let Some(s) = sqlite_medians.get(i) {
                let ratio = t.median.as_secs_f64() / s.as_secs_f64();
                let diff = ms(t.median) - ms(*s);
                let verdict = if ratio <= PG_FACTOR { "pass" } else { "FAIL" };
                format!("{verdict} ({ratio:.2}x SQLite = {diff:+.2} ms, bar ≤ {PG_FACTOR:.0}x)")
            } else {
                "—".to_string()
            };
            println!(
                "| {name} | {} | {} | {:.2} ms | {:.2} ms | {:.2} ms | {verdict} | {} |",
                t.step,
                t.rows,
                ms(t.median),
                ms(t.p90),
                ms(t.max),
                t.load
            );
        }
    }
    println!();
    println!("| store | cold CLI call (fresh process, csv) | first | median of 5 | load (1/5/15) |");
    println!("|---|---|---:|---:|---|");
    for (name, _, _, path, cli) in &all {
        for (what, (first, med, load)) in cli {
            let what = what.replace('C', &path[0]);
            println!("| {name} | `billops {what}` | {:.1} ms | {:.1} ms | {load} |", ms(*first), ms(*med));
        }
    }
}
