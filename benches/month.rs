//! Month-end and console benchmarks (issues 4 and 5) on the 10M-row stores that `benches/drill.rs` builds:
//!
//! - console: the real `billops` binary in an 80x24 pseudo-terminal (NO_COLOR=1, BILLOPS_USER=bench) on a copy
//!   of the SQLite store: spawn → first frame with data (the close board of the newest period), VmRSS/VmHWM
//!   after loading, and keypress → fresh data on screen for `[` / `]` (period), `4` (costs pane) and `enter`
//!   (drill customer → service);
//! - invoices: `billops::month::invoices::generate` in-process and `billops invoices generate` end to end, the
//!   first run (creates every draft) and the second (regenerates, nothing changed), each on a fresh copy of
//!   the store (SQLite file copy, PostgreSQL `CREATE DATABASE … TEMPLATE`);
//! - balance: after issuing some invoices and recording a payment, `billops balance CUSTOMER` as a cold
//!   process, 10 times.
//!
//! `cargo bench --bench month -- [--rows N] [--accounts N] [--customers N] [--console-accounts N]
//! [--console-customers N] [--runs K] [--no-pg] [--no-console] [--no-invoices] [--chargeback] [--pg-source DB]`
//! (`--chargeback`: resource units and every other customer billed by chargeback, set up on each copy before
//! timing; `--pg-source`: the PostgreSQL database to copy; `BILLOPS_BENCH_PG_WORK` names the working copy)
//! Defaults: 10,000,000 rows, every part on the 2,000-account/1,000-customer store; 3 runs (console 7). Build the stores first with
//! `cargo bench --bench drill -- --accounts A --customers C`. `cargo test --benches` only checks it starts.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "common/args.rs"]
mod args;
#[path = "month/chargeback.rs"]
mod chargeback;
#[path = "month/phases.rs"]
mod phases;
#[path = "month/pty.rs"]
mod pty;
#[path = "common/tiny.rs"]
mod tiny;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use billops_domain::Period;
use billops_domain::money::RoundingRule;
use billops_domain::terms::Percent;
use billops_store::{Actor, CustomerTerms, NewTerms, TermsDiscount};
use pty::Pty;

const DEFAULT_PG: &str = "postgres://billops:billops@127.0.0.1:5432/postgres";
const PERIOD: &str = "2026-08";

struct Opts {
    rows: u64,
    accounts: usize,
    customers: usize,
    console_accounts: usize,
    console_customers: usize,
    runs: usize,
    pg: bool,
    console: bool,
    invoices: bool,
    /// Before timing, define resource units and bill every other customer by chargeback.
    chargeback: bool,
    /// The PostgreSQL database copied for each run (default: the drill bench's).
    pg_source: Option<String>,
}

fn opts() -> Option<Opts> {
    let (quick, args) = args::args();
    if quick {
        return None;
    }
    let mut o = Opts {
        rows: 10_000_000,
        accounts: 2_000,
        customers: 1_000,
        console_accounts: 2_000,
        console_customers: 1_000,
        runs: 3,
        pg: true,
        console: true,
        invoices: true,
        chargeback: false,
        pg_source: None,
    };
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let mut num = |name: &str| args::number(&mut it, name);
        match a.as_str() {
            "--rows" => o.rows = num("--rows"),
            "--accounts" => o.accounts = num("--accounts") as usize,
            "--customers" => o.customers = num("--customers") as usize,
            "--console-accounts" => o.console_accounts = num("--console-accounts") as usize,
            "--console-customers" => o.console_customers = num("--console-customers") as usize,
            "--runs" => o.runs = num("--runs").max(1) as usize,
            "--no-pg" => o.pg = false,
            "--no-console" => o.console = false,
            "--no-invoices" => o.invoices = false,
            "--chargeback" => o.chargeback = true,
            "--pg-source" => {
                let db = it.next().expect("--pg-source needs a database name");
                o.pg_source = Some(db_name("--pg-source", db).unwrap_or_else(|e| panic!("{e}")));
            }
            other => panic!("unknown argument {other:?}"),
        }
    }
    Some(o)
}

fn log(msg: &str) {
    eprintln!("[{}] {msg}", chrono::Utc::now().format("%H:%M:%S"));
}

fn loadavg() -> String {
    fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_default()
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn median(v: &[Duration]) -> Duration {
    let mut s = v.to_vec();
    s.sort();
    s[s.len() / 2]
}

fn list(v: &[Duration]) -> String {
    v.iter().map(|d| format!("{:.1}", ms(*d))).collect::<Vec<_>>().join(", ")
}

fn bench_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("bench-data")
}

/// A private copy of the binary: a concurrent `cargo build --release` cannot swap it during a run.
fn binary() -> PathBuf {
    let dir = bench_dir().join("month-bin");
    fs::create_dir_all(&dir).unwrap();
    let bin = dir.join("billops");
    fs::copy(env!("CARGO_BIN_EXE_billops"), &bin).unwrap();
    bin
}

fn sqlite_file(rows: u64, accounts: usize, customers: usize) -> PathBuf {
    bench_dir().join(format!("drill-{rows}-a{accounts}-c{customers}-s1.db"))
}

fn pg_name(rows: u64, accounts: usize, customers: usize) -> String {
    format!("billops_drill_{rows}_a{accounts}_c{customers}_s1")
}

/// Copy a SQLite store (with its WAL, if one was left) to `to`, replacing what was there.
fn copy_sqlite(from: &Path, to: &Path) {
    for suffix in ["", "-wal", "-shm"] {
        let _ = fs::remove_file(format!("{}{suffix}", to.display()));
    }
    fs::copy(from, to).unwrap();
    let wal = PathBuf::from(format!("{}-wal", from.display()));
    if wal.exists() {
        fs::copy(&wal, format!("{}-wal", to.display())).unwrap();
    }
}

fn psql(url: &str, sql: &str) -> String {
    let out = Command::new("psql").arg(url).args(["-X", "-qtA", "-v", "ON_ERROR_STOP=1", "-c", sql]).output().unwrap();
    assert!(out.status.success(), "psql {sql:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

fn with_db(admin: &str, db: &str) -> String {
    let (base, query) = admin.split_once('?').map_or((admin, ""), |(b, q)| (b, q));
    let cut = base.rfind('/').filter(|&i| i > base.find("://").map_or(0, |s| s + 2)).unwrap_or(base.len());
    let q = if query.is_empty() { String::new() } else { format!("?{query}") };
    format!("{}/{db}{q}", &base[..cut])
}

/// A fresh working store: a file copy (SQLite) or a template copy (PostgreSQL). Returns its URL.
fn fresh(backend: &Backend, admin: &str) -> String {
    match backend {
        Backend::Sqlite(src) => {
            let to = bench_dir().join("month-work.db");
            copy_sqlite(src, &to);
            format!("sqlite:{}", to.display())
        }
        Backend::Pg(src) => {
            let work = pg_work();
            psql(admin, &format!("DROP DATABASE IF EXISTS {work} WITH (FORCE)"));
            psql(admin, &format!("CREATE DATABASE {work} TEMPLATE {src}"));
            with_db(admin, &work)
        }
    }
}

/// The PostgreSQL working copy (`BILLOPS_BENCH_PG_WORK` names another, so two benches do not share one).
fn pg_work() -> String {
    let work = std::env::var("BILLOPS_BENCH_PG_WORK").unwrap_or_else(|_| "billops_month_work".to_string());
    db_name("BILLOPS_BENCH_PG_WORK", &work).unwrap_or_else(|e| panic!("{e}"))
}

/// A database name that goes into `CREATE`/`DROP DATABASE` (which take no bind parameters): only `[a-z0-9_]+`.
fn db_name(what: &str, name: &str) -> Result<String, String> {
    let ok = !name.is_empty() && name.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
    if ok {
        Ok(name.to_string())
    } else {
        Err(format!("{what} {name:?}: a PostgreSQL database name here must match ^[a-z0-9_]+$; refusing to run"))
    }
}

enum Backend {
    Sqlite(PathBuf),
    Pg(String),
}

fn cli(bin: &Path, home: &Path, user: &str, url: &str, args: &[&str]) -> (Duration, String) {
    let mut c = Command::new(bin);
    c.env("BILLOPS_DATA_DIR", home.join("data"))
        .env("BILLOPS_CONFIG_DIR", home.join("config"))
        .env("BILLOPS_USER", user)
        .env_remove("BILLOPS_DATABASE_URL")
        .stdin(Stdio::null())
        .arg("--db")
        .arg(url)
        .args(args);
    let t0 = Instant::now();
    let out = c.output().unwrap();
    let t = t0.elapsed();
    assert!(out.status.success(), "billops {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    (t, String::from_utf8_lossy(&out.stdout).to_string())
}

// ---------------------------------------------------------------- console

/// The close board of `period` is on screen with its data (the countdown/blocker span), nothing loading.
fn close_ready(s: &str, period: &str) -> bool {
    s.contains(&format!(" {period} "))
        && s.contains("month-end checklist")
        && (s.contains("blockers") || s.contains("signs off") || s.contains("LOCKED"))
        && !s.contains("loading")
}

struct ConsoleRun {
    start: Duration,
    rss_loaded: u64,
    rss_end: u64,
    hwm: u64,
    keys: Vec<(&'static str, Duration)>,
    load: String,
    first_frame: String,
}

fn console_run(bin: &Path, url: &str) -> ConsoleRun {
    let home = tempfile::tempdir().unwrap();
    let load = loadavg();
    let (mut t, t0) = Pty::spawn(bin, url, home.path());
    let (start, first_frame) = t.until(t0, "the close board", |s| close_ready(s, PERIOD));
    let (rss_loaded, _) = t.status();
    let prev = Period::new(2026, 8).unwrap().prev().to_string();
    let settle = || std::thread::sleep(Duration::from_millis(300));
    let mut keys = Vec::new();
    settle();
    let k = t.press(b"[");
    keys.push(("`[` previous period (close board)", t.until(k, "[", |s| close_ready(s, &prev)).0));
    settle();
    let k = t.press(b"]");
    keys.push(("`]` next period (close board)", t.until(k, "]", |s| close_ready(s, PERIOD)).0));
    settle();
    let k = t.press(b"4");
    let costs = |s: &str, by: &str, key: &str| s.contains(by) && s.contains(key) && !s.contains("loading");
    keys.push(("`4` costs pane (by customer)", t.until(k, "costs", |s| costs(s, "by customer", "cust0")).0));
    settle();
    let k = t.press(b"\r");
    keys.push(("`enter` drill customer → service", t.until(k, "drill", |s| costs(s, "by service", "Amazon")).0));
    settle();
    let k = t.press(b"\x1b");
    keys.push(("`esc` back to by customer", t.until(k, "back", |s| costs(s, "by customer", "cust0")).0));
    settle();
    let (rss_end, hwm) = t.status();
    drop(t);
    ConsoleRun { start, rss_loaded, rss_end, hwm, keys, load, first_frame }
}

fn console(o: &Opts, bin: &Path) {
    let src = sqlite_file(o.rows, o.console_accounts, o.console_customers);
    assert!(src.exists(), "{} missing: run the drill bench first", src.display());
    let to = bench_dir().join("month-console.db");
    copy_sqlite(&src, &to);
    let url = format!("sqlite:{}", to.display());
    let n = (o.runs * 2 + 1).max(5);
    log(&format!("console: {n} runs on {}", src.display()));
    let runs: Vec<ConsoleRun> = (0..n).map(|_| console_run(bin, &url)).collect();
    eprintln!("first frame of run 1:\n{}", runs[0].first_frame);
    println!(
        "\n### console on {} ({} rows, {} accounts, {} customers), 80x24, {n} runs\n",
        src.file_name().unwrap().to_string_lossy(),
        o.rows,
        o.console_accounts,
        o.console_customers
    );
    println!("| figure | median | runs | bar | load (1/5/15) per run |");
    println!("|---|---:|---|---|---|");
    let loads = runs.iter().map(|r| r.load.clone()).collect::<Vec<_>>().join("; ");
    let starts: Vec<Duration> = runs.iter().map(|r| r.start).collect();
    let verdict = |d: Duration, bar: f64| if ms(d) < bar { "pass" } else { "FAIL" };
    let m = median(&starts);
    println!(
        "| spawn → close board with data | {:.1} ms | {} | {} (< 200 ms) | {loads} |",
        ms(m),
        list(&starts),
        verdict(m, 200.0)
    );
    let mib = |kb: u64| kb as f64 / 1024.0;
    for (what, f) in [
        ("VmRSS after the first frame", Box::new(|r: &ConsoleRun| r.rss_loaded) as Box<dyn Fn(&ConsoleRun) -> u64>),
        ("VmRSS after the key steps", Box::new(|r: &ConsoleRun| r.rss_end)),
        ("VmHWM (peak) at the end", Box::new(|r: &ConsoleRun| r.hwm)),
    ] {
        let mut v: Vec<u64> = runs.iter().map(&f).collect();
        v.sort();
        let max = v[v.len() - 1];
        let all = v.iter().map(|k| format!("{:.1}", mib(*k))).collect::<Vec<_>>().join(", ");
        let ok = if mib(max) < 150.0 { "pass" } else { "FAIL" };
        println!("| {what} (max of runs) | {:.1} MiB | {all} | {ok} (< 150 MB) | |", mib(max));
    }
    for i in 0..runs[0].keys.len() {
        let v: Vec<Duration> = runs.iter().map(|r| r.keys[i].1).collect();
        let m = median(&v);
        println!(
            "| key {} → fresh data | {:.1} ms | {} | {} (< 50 ms) | |",
            runs[0].keys[i].0,
            ms(m),
            list(&v),
            verdict(m, 50.0)
        );
    }
}

// ---------------------------------------------------------------- invoices and balance

fn actor() -> Actor {
    Actor { name: "bench".into(), at: chrono::Utc::now() }
}

async fn in_process(url: &str) -> (Duration, Duration, usize) {
    let store = billops_store::open(url).await.unwrap();
    let p = Period::new(2026, 8).unwrap();
    let t0 = Instant::now();
    let first = billops::month::invoices::generate(&*store, p, None, &actor()).await.unwrap();
    let t1 = t0.elapsed();
    let t0 = Instant::now();
    let second = billops::month::invoices::generate(&*store, p, None, &actor()).await.unwrap();
    let t2 = t0.elapsed();
    assert!(first.iter().all(|g| g.outcome == "created"), "first run: not all created");
    assert!(second.iter().all(|g| g.outcome == "unchanged"), "second run: not all unchanged");
    assert_eq!(first.len(), second.len());
    store.close().await;
    (t1, t2, first.len())
}

struct InvoiceFigures {
    name: &'static str,
    drafts: usize,
    proc_first: Vec<Duration>,
    proc_second: Vec<Duration>,
    cli_first: Vec<Duration>,
    cli_second: Vec<Duration>,
    loads: Vec<String>,
    balance: Vec<Duration>,
    balance_none: Vec<Duration>,
    balance_load: String,
    balance_out: String,
    phases: Vec<(&'static str, Vec<phases::Phase>, usize, String)>,
}

/// Issue the drafts of the first `n` customers (review by bench, approve and issue by checker), pay one.
fn issue_some(bin: &Path, home: &Path, url: &str, n: usize) -> String {
    cli(bin, home, "bench", url, &["users", "add", "bench", "--role", "manager"]);
    cli(bin, home, "bench", url, &["users", "add", "checker", "--role", "manager"]);
    let (_, csv) = cli(bin, home, "bench", url, &["invoices", "list", "--period", PERIOD, "--format", "csv"]);
    let mut r = csv::Reader::from_reader(csv.as_bytes());
    let mut rows: Vec<(String, String)> =
        r.records().map(|x| x.unwrap()).map(|x| (x[1].to_string(), x[0].to_string())).collect();
    rows.sort();
    let mut first = None;
    for (cust, id) in rows.iter().take(n) {
        cli(bin, home, "bench", url, &["invoices", "review", id]);
        cli(bin, home, "checker", url, &["invoices", "approve", id]);
        let (_, out) = cli(bin, home, "checker", url, &["invoices", "issue", id]);
        if first.is_none() {
            let number = out.split_whitespace().find(|w| w.starts_with("INV-")).unwrap().trim_end_matches(['.', ',']);
            first = Some((cust.clone(), number.to_string()));
        }
    }
    let (cust, number) = first.unwrap();
    cli(bin, home, "bench", url, &["payments", "add", &cust, "100.00", "--date", "2026-09-20", "--invoice", &number]);
    cust
}

async fn invoices(o: &Opts, bin: &Path, backend: Backend, name: &'static str, admin: &str) -> InvoiceFigures {
    let mut f = InvoiceFigures {
        name,
        drafts: 0,
        proc_first: vec![],
        proc_second: vec![],
        cli_first: vec![],
        cli_second: vec![],
        loads: vec![],
        balance: vec![],
        balance_none: vec![],
        balance_load: String::new(),
        balance_out: String::new(),
        phases: vec![],
    };
    let home = tempfile::tempdir().unwrap();
    let mut url = String::new();
    for i in 0..o.runs {
        log(&format!("{name}: invoices run {}", i + 1));
        url = fresh(&backend, admin);
        if o.chargeback {
            chargeback::setup(&url, o.customers, &actor()).await;
        }
        f.loads.push(loadavg());
        let (a, b, n) = in_process(&url).await;
        f.proc_first.push(a);
        f.proc_second.push(b);
        f.drafts = n;
        url = fresh(&backend, admin);
        if o.chargeback {
            chargeback::setup(&url, o.customers, &actor()).await;
        }
        f.loads.push(loadavg());
        let args = ["invoices", "generate", "--period", PERIOD];
        f.cli_first.push(cli(bin, home.path(), "bench", &url, &args).0);
        f.cli_second.push(cli(bin, home.path(), "bench", &url, &args).0);
    }
    for pass in ["first", "second"] {
        if pass == "first" {
            url = fresh(&backend, admin);
            if o.chargeback {
                chargeback::setup(&url, o.customers, &actor()).await;
            }
        }
        let (p, lines) = phases::run(&url, Period::new(2026, 8).unwrap(), &actor()).await;
        f.phases.push((pass, p, lines, loadavg()));
    }
    log(&format!("{name}: issuing 20 invoices, one payment"));
    let cust = issue_some(bin, home.path(), &url, 20);
    f.balance_load = loadavg();
    for _ in 0..10 {
        let (t, out) = cli(bin, home.path(), "bench", &url, &["balance", &cust]);
        f.balance.push(t);
        f.balance_out = out;
    }
    let other = format!("cust{:05}", o.customers - 1);
    for _ in 0..10 {
        f.balance_none.push(cli(bin, home.path(), "bench", &url, &["balance", &other]).0);
    }
    f
}

fn print_invoices(o: &Opts, figs: &[InvoiceFigures]) {
    println!(
        "\n### invoices for period {PERIOD}: {} rows, {} accounts, {} customers, {} runs\n",
        o.rows, o.accounts, o.customers, o.runs
    );
    println!("| store | figure | drafts | median | runs | bar | load (1/5/15) per run |");
    println!("|---|---|---:|---:|---|---|---|");
    for f in figs {
        let loads = f.loads.join("; ");
        for (what, v) in [
            ("in-process `generate`, first (creates)", &f.proc_first),
            ("in-process `generate`, second (unchanged)", &f.proc_second),
            ("CLI `invoices generate`, first", &f.cli_first),
            ("CLI `invoices generate`, second", &f.cli_second),
        ] {
            let m = median(v);
            let bar = if f.name == "SQLite" {
                if ms(m) < 2000.0 { "pass (< 2 s)" } else { "FAIL (< 2 s)" }
            } else {
                "beside"
            };
            println!("| {} | {what} | {} | {:.0} ms | {} | {bar} | {loads} |", f.name, f.drafts, ms(m), list(v));
        }
    }
    println!("\n| store | cold `billops balance C` | median of 10 | runs | bar | load |");
    println!("|---|---|---:|---|---|---|");
    for f in figs {
        for (what, v) in
            [("with an issued invoice and a payment", &f.balance), ("with no invoice issued", &f.balance_none)]
        {
            let m = median(v);
            let bar = if ms(m) < 50.0 { "pass (< 50 ms)" } else { "FAIL (< 50 ms)" };
            println!("| {} | {what} | {:.1} ms | {} | {bar} | {} |", f.name, ms(m), list(v), f.balance_load);
        }
    }
    println!("\n| store | pass | phase | total | calls | load |");
    println!("|---|---|---|---:|---:|---|");
    for f in figs {
        for (pass, p, lines, load) in &f.phases {
            for (phase, t, n) in p {
                println!("| {} | {pass} ({lines} charge lines) | {phase} | {:.0} ms | {n} | {load} |", f.name, ms(*t));
            }
        }
    }
    for f in figs {
        eprintln!("{} balance output:\n{}", f.name, f.balance_out);
    }
}

/// `cargo test --benches`: the phase breakdown on a tiny store where one customer has terms (tax, discount,
/// rounding), then the product's `generate`, which must find every draft unchanged: the breakdown builds what
/// the product builds.
async fn smoke(dir: &Path) {
    let t = tiny::store(dir).await;
    let period = *t.store.periods().await.unwrap().first().expect("a period with data");
    let customer = t.owner.values().next().unwrap().clone();
    let terms = CustomerTerms {
        tax_rate: Percent::new("19".parse().unwrap()).unwrap(),
        discount: Some(TermsDiscount { label: "volume".into(), pct: Percent::new("2.5".parse().unwrap()).unwrap() }),
        rounding: RoundingRule::HalfEven,
        ..CustomerTerms::default()
    };
    t.store.set_terms(&NewTerms { customer, from: period.start(), terms }, &t.by).await.unwrap();
    let (p, lines) = phases::run(&t.url, period, &t.by).await;
    for (phase, d, n) in &p {
        println!("smoke {period} ({lines} charge lines): {phase}: {:.1} ms, {n} calls", ms(*d));
    }
    let again = billops::month::invoices::generate(t.store.as_ref(), period, None, &t.by).await.unwrap();
    assert!(!again.is_empty(), "the tiny store has drafts");
    for g in &again {
        assert_eq!(g.outcome, "unchanged", "{}: the breakdown built another draft than `generate`", g.customer);
    }
    t.store.close().await;
}

#[tokio::main]
async fn main() {
    let Some(o) = opts() else {
        // The database names pasted into CREATE/DROP DATABASE are checked before any is used.
        assert_eq!(db_name("--pg-source", "drill_10000000_a1000"), Ok("drill_10000000_a1000".to_string()));
        for bad in ["", "x; DROP DATABASE postgres", "Work", "a-b", "a b", "w\"x"] {
            let e = db_name("BILLOPS_BENCH_PG_WORK", bad).unwrap_err();
            assert!(e.contains("BILLOPS_BENCH_PG_WORK") && e.contains("^[a-z0-9_]+$"), "{e}");
        }
        let tmp = tempfile::tempdir().unwrap();
        smoke(tmp.path()).await;
        println!("month bench: smoke run (no --bench): nothing measured; run `cargo bench --bench month`.");
        return;
    };
    let bin = binary();
    if o.pg {
        pg_work(); // refuse a bad BILLOPS_BENCH_PG_WORK before anything runs
    }
    let admin = std::env::var("BILLOPS_BENCH_PG_URL").unwrap_or_else(|_| DEFAULT_PG.to_string());
    println!("month bench at load {}; binary {}", loadavg(), env!("CARGO_BIN_EXE_billops"));
    if o.console {
        console(&o, &bin);
    }
    if o.invoices {
        let src = sqlite_file(o.rows, o.accounts, o.customers);
        assert!(src.exists(), "{} missing: run the drill bench first", src.display());
        let mut figs = vec![invoices(&o, &bin, Backend::Sqlite(src), "SQLite", &admin).await];
        if o.pg {
            let db = o.pg_source.clone().unwrap_or_else(|| pg_name(o.rows, o.accounts, o.customers));
            figs.push(invoices(&o, &bin, Backend::Pg(db), "PostgreSQL", &admin).await);
            psql(&admin, &format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", pg_work()));
        }
        print_invoices(&o, &figs);
    }
}
