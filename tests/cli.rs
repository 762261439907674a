//! The CLI as scripts use it: exit codes, messages naming file/line/column, exact CSV output, idempotency,
//! and a killed import leaving the store consistent. Each test uses its own SQLite store in a temp dir.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;
use std::process::{Command, Output};

use rust_decimal::Decimal;

struct Env {
    dir: tempfile::TempDir,
}

impl Env {
    /// A new empty store (`billops init`: other commands never create one at a path that does not exist).
    fn new() -> Env {
        let env = Env { dir: tempfile::tempdir().unwrap() };
        let o = env.run(&["init"]);
        assert!(o.status.success(), "{}", text(&o));
        env
    }
    fn db(&self) -> String {
        format!("sqlite:{}", self.dir.path().join("store.db").display())
    }
    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }
    fn cmd(&self) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_billops"));
        c.env("BILLOPS_DATA_DIR", self.dir.path().join("data"))
            .env("BILLOPS_CONFIG_DIR", self.dir.path().join("config"))
            .env("BILLOPS_USER", "tester")
            .env_remove("BILLOPS_DATABASE_URL")
            .arg("--db")
            .arg(self.db());
        c
    }
    fn run(&self, args: &[&str]) -> Output {
        self.cmd().args(args).output().unwrap()
    }
    fn write(&self, name: &str, text: &str) -> PathBuf {
        let p = self.path(name);
        std::fs::write(&p, text).unwrap();
        p
    }
}

fn text(o: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr))
}

const FOCUS_HEADER: &str = "BillingAccountId,BillingAccountName,SubAccountId,SubAccountName,BillingPeriodStart,BillingPeriodEnd,ChargePeriodStart,ChargePeriodEnd,ChargeCategory,ServiceName,RegionId,SkuId,ResourceId,ConsumedQuantity,ConsumedUnit,BilledCost,EffectiveCost,ListCost,BillingCurrency,InvoiceId,Tags";

fn focus_row(account: &str, service: &str, cost: &str, product: &str) -> String {
    format!(
        "100000000001,Payer One,{account},acct {account},2026-05-01T00:00:00Z,2026-06-01T00:00:00Z,2026-05-03T00:00:00Z,2026-05-04T00:00:00Z,Usage,{service},us-east-1,SKU1,res-{account},1,Hrs,{cost},{cost},{cost},USD,INV-1,\"{{\"\"product\"\":\"\"{product}\"\"}}\""
    )
}

fn small_focus(env: &Env, name: &str, rows: &[String]) -> PathBuf {
    let mut s = String::from(FOCUS_HEADER);
    s.push('\n');
    for r in rows {
        s.push_str(r);
        s.push('\n');
    }
    env.write(name, &s)
}

#[test]
fn clean_import_exits_0_and_costs_are_exact_csv() {
    let env = Env::new();
    let f = small_focus(
        &env,
        "may.csv",
        &[
            focus_row("200000000001", "AmazonEC2", "0.000000000000001", "shop"),
            focus_row("200000000001", "AmazonEC2", "1.81E-8", "shop"),
            focus_row("200000000002", "AmazonS3", "-2.50", "(none)"),
        ],
    );
    let o = env.run(&["import", f.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(text(&o).contains("focus"), "{}", text(&o));

    let o = env.run(&["costs", "--period", "2026-05", "--by", "account,service", "--format", "csv"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let out = String::from_utf8(o.stdout).unwrap();
    let mut lines = out.lines();
    assert_eq!(lines.next(), Some("account,service,cost,currency"));
    let rows: Vec<&str> = lines.collect();
    assert!(rows.contains(&"200000000001,AmazonEC2,0.000000018100001,USD"), "{out}");
    assert!(rows.contains(&"200000000002,AmazonS3,-2.5,USD"), "{out}");

    let o = env.run(&["costs", "--period", "2026-05", "--by", "period,customer", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v[0]["period"], "2026-05");
    assert_eq!(v[0]["customer"], "(unassigned)");
    assert_eq!(v[0]["cost"], "-2.499999981899999");
    assert_eq!(v[0]["currency"], "USD");
}

#[test]
fn same_file_twice_is_refused_with_exit_2_and_changes_nothing() {
    let env = Env::new();
    let f = small_focus(&env, "a.csv", &[focus_row("200000000001", "AmazonEC2", "10", "shop")]);
    assert_eq!(env.run(&["import", f.to_str().unwrap()]).status.code(), Some(0));
    let before = env.run(&["costs", "--period", "2026-05", "--by", "account", "--format", "csv"]).stdout;
    let o = env.run(&["import", f.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("already imported"), "{}", text(&o));
    let after = env.run(&["costs", "--period", "2026-05", "--by", "account", "--format", "csv"]).stdout;
    assert_eq!(before, after);
}

#[test]
fn bad_row_is_quarantined_with_line_and_column_and_exit_3() {
    let env = Env::new();
    let f = small_focus(
        &env,
        "bad.csv",
        &[
            focus_row("200000000001", "AmazonEC2", "10", "shop"),
            focus_row("200000000001", "AmazonEC2", "12.3.4", "shop"),
        ],
    );
    let o = env.run(&["import", f.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(3), "{}", text(&o));
    let o = env.run(&["issues", "list", "--format", "csv"]);
    let out = text(&o);
    // line 3 (header is line 1), column 16 = BilledCost
    assert!(out.contains("bad.csv,3,16 BilledCost"), "{out}");
    assert!(out.contains("12.3.4"), "{out}");
    let o = env.run(&["costs", "--period", "2026-05", "--by", "account", "--format", "csv"]);
    assert!(String::from_utf8_lossy(&o.stdout).contains("200000000001,10"));
}

#[test]
fn unknown_and_binary_files_are_refused_with_exit_2() {
    let env = Env::new();
    let f = env.write("people.csv", "name,age\nann,3\n");
    let o = env.run(&["import", f.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("people.csv"), "{}", text(&o));
    assert!(text(&o).contains("not a known cost-and-usage format"), "{}", text(&o));
    let b = env.path("blob.csv");
    std::fs::write(&b, [0u8, 159, 146, 150, 0, 1, 2, 3]).unwrap();
    let o = env.run(&["import", b.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("not a CSV file"), "{}", text(&o));
    let o = env.run(&["costs", "--period", "2026-05", "--format", "csv"]);
    assert_eq!(String::from_utf8_lossy(&o.stdout), "customer,cost,currency\n");
}

#[test]
fn bad_arguments_get_a_message_not_a_panic() {
    let env = Env::new();
    let o = env.run(&["costs", "--period", "2026-13"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o).contains("--period"), "{}", text(&o));
    let o = env.run(&["costs", "--period", "2026-05", "--by", "colour"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o).contains("unknown dimension"), "{}", text(&o));
    let o = env.run(&["import", "/no/such/file.csv"]);
    assert_ne!(o.status.code(), Some(0));
    assert!(text(&o).contains("/no/such/file.csv"), "{}", text(&o));
    assert!(!text(&o).contains("panicked"), "{}", text(&o));
}

#[test]
fn accounts_map_to_customers_from_scripts() {
    let env = Env::new();
    let f = small_focus(&env, "m.csv", &[focus_row("200000000009", "AmazonEC2", "4.25", "shop")]);
    env.run(&["import", f.to_str().unwrap()]);
    let o = env.run(&["accounts", "list", "--unassigned", "--format", "csv"]);
    assert!(String::from_utf8_lossy(&o.stdout).contains("200000000009"));
    assert_eq!(env.run(&["customers", "add", "acme", "Acme Corp"]).status.code(), Some(0));
    let o = env.run(&["accounts", "assign", "200000000009", "acme", "--from", "2026-05-01"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let o = env.run(&["accounts", "list", "--unassigned", "--format", "csv"]);
    assert!(!String::from_utf8_lossy(&o.stdout).contains("200000000009"));
    let o = env.run(&["costs", "--period", "2026-05", "--customer", "acme", "--by", "customer", "--format", "csv"]);
    assert_eq!(String::from_utf8_lossy(&o.stdout), "customer,cost,currency\nacme,4.25,USD\n");
}

#[test]
fn unknown_users_are_viewers_once_users_exist() {
    let env = Env::new();
    assert_eq!(env.run(&["users", "add", "tester", "--role", "manager"]).status.code(), Some(0));
    let o = env.cmd().env("BILLOPS_USER", "mallory").args(["customers", "add", "x", "X"]).output().unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o).contains("viewer"), "{}", text(&o));
}

/// A killed import leaves nothing half-written: no batch, no rows; the same file then imports cleanly.
#[test]
fn killed_import_leaves_the_store_consistent() {
    let env = Env::new();
    let big = env.path("big.csv");
    {
        let mut f = std::io::BufWriter::new(std::fs::File::create(&big).unwrap());
        billops_gen::write_bench(billops_gen::FileFormat::Cur, 400_000, 7, &mut f).unwrap();
    }
    // Make sure the store exists (migrated) before the race.
    env.run(&["customers", "list"]);
    let mut child = env.cmd().args(["import", big.to_str().unwrap()]).spawn().unwrap();
    std::thread::sleep(std::time::Duration::from_millis(700));
    child.kill().unwrap();
    let status = child.wait().unwrap();
    if status.success() {
        eprintln!("import finished before the kill; consistency still checked below");
    }
    let o = env.run(&["costs", "--period", "2026-08", "--by", "period", "--format", "csv"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let o = env.run(&["import", big.to_str().unwrap()]);
    let expect = if status.success() { 2 } else { 0 };
    assert_eq!(o.status.code(), Some(expect), "{}", text(&o));
    let total = total_of(&env, "2026-08");
    assert!(total != Decimal::ZERO);
}

fn total_of(env: &Env, period: &str) -> Decimal {
    let o = env.run(&["costs", "--period", period, "--by", "period", "--format", "csv"]);
    let out = String::from_utf8(o.stdout).unwrap();
    out.lines().nth(1).and_then(|l| l.split(',').nth(1)).unwrap_or("0").parse().unwrap()
}

/// A bad key binding or theme stops the console before it takes the terminal: non-zero exit, a message naming
/// the file and the key.
#[test]
fn bad_key_binding_and_bad_theme_are_startup_errors() {
    let env = Env::new();
    let config = env.path("config");
    std::fs::create_dir_all(config.join("themes")).unwrap();
    std::fs::write(config.join("keys.toml"), "[keys]\nquit = \"ctrl-\"\n").unwrap();
    let o = env.run(&[]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(text(&o).contains("keys.toml"), "{}", text(&o));
    assert!(text(&o).contains("keys.quit"), "{}", text(&o));
    std::fs::remove_file(config.join("keys.toml")).unwrap();

    std::fs::write(config.join("themes/broken.toml"), "[roles]\ntitle = { fg = \"chartreuse-ish\" }\n").unwrap();
    let o = env.run(&["--theme", "broken"]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(text(&o).contains("broken.toml"), "{}", text(&o));
    assert!(text(&o).contains("title"), "{}", text(&o));
    let o = env.run(&["--theme", "no-such-theme"]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(text(&o).contains("no-such-theme"), "{}", text(&o));
}

/// `--demo` on a demo store it cannot open (an older billops's, or a broken file) rebuilds it: the README's
/// first command keeps working on a machine that kept its data dir.
#[test]
fn demo_flag_rebuilds_a_demo_store_it_cannot_open() {
    let env = Env::new();
    let data = env.path("data");
    std::fs::create_dir_all(&data).unwrap();
    std::fs::write(data.join("demo.db"), b"this is not a database, it is a left-over file").unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_billops"))
        .env("BILLOPS_DATA_DIR", &data)
        .env("BILLOPS_CONFIG_DIR", env.path("config"))
        .env("BILLOPS_USER", "tester")
        .env_remove("BILLOPS_DATABASE_URL")
        .args(["--demo", "costs", "--period", "2026-09", "--by", "period", "--format", "csv"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert_eq!(String::from_utf8_lossy(&o.stdout), "period,cost,currency\n2026-09,1036567.024663218468618,USD\n");
}
