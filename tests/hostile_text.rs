//! Hostile text in every output (issue 19): a cost file a customer controls (formula prefixes in tags and a
//! service name, terminal control sequences, right-to-left override, zero-width joiner, long Unicode) imported
//! and read back as CSV (no cell a spreadsheet would run), tables and messages (no raw control characters),
//! JSON (the raw text) and HTML (escaped); oversized hand-typed fields refused; a closed stdout ends quietly.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use common::text;

const FIXTURE: &str = "fixtures/hostile/focus-hostile-2024-09.csv";
const FORMULA: &str = "=HYPERLINK(\"http://evil\",\"x\")";
const CONTROL: &str = "crm\u{1b}[2J\u{1b}[H\u{1b}[41mHACKED\u{1b}]2;PWNED\u{7}";

struct Env {
    dir: tempfile::TempDir,
}

impl Env {
    /// A new store at a path of its own (`init`: only init, demo and the default store create one).
    fn new() -> Env {
        let env = Env { dir: tempfile::tempdir().unwrap() };
        env.ok(&["init"]);
        env
    }
    fn cmd(&self, args: &[&str]) -> Command {
        let d = self.dir.path();
        let mut c = Command::new(env!("CARGO_BIN_EXE_billops"));
        c.env("BILLOPS_DATA_DIR", d.join("data"))
            .env("BILLOPS_CONFIG_DIR", d.join("config"))
            .env("BILLOPS_USER", "tester")
            .env_remove("BILLOPS_DATABASE_URL")
            .arg("--db")
            .arg(format!("sqlite:{}", d.join("store.db").display()))
            .args(args);
        c
    }
    fn run(&self, args: &[&str]) -> Output {
        self.cmd(args).output().unwrap()
    }
    fn ok(&self, args: &[&str]) -> String {
        let o = self.run(args);
        assert_eq!(o.status.code(), Some(0), "{args:?}: {}", text(&o));
        String::from_utf8(o.stdout).unwrap()
    }
    /// The hostile file imported, customer `evil` (a formula for a name) owning its account, a draft invoice.
    fn hostile() -> Env {
        let env = Env::new();
        env.ok(&["import", fixture().to_str().unwrap()]);
        env.ok(&["customers", "add", "evil", FORMULA]);
        env.ok(&["accounts", "assign", "300000000001", "evil", "--from", "2024-09-01"]);
        env.ok(&["invoices", "generate", "--period", "2024-09"]);
        env
    }
}

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(FIXTURE)
}

/// Every cell of a CSV: none begins as a formula, except plain numbers in `numeric` columns.
fn assert_csv_safe(csv: &str, numeric: &[&str]) -> Vec<csv::StringRecord> {
    let mut rd = csv::Reader::from_reader(csv.as_bytes());
    let header = rd.headers().unwrap().clone();
    let recs: Vec<csv::StringRecord> = rd.records().map(Result::unwrap).collect();
    for r in &recs {
        for (name, cell) in header.iter().zip(r.iter()) {
            let number = numeric.contains(&name) && billops_domain::text::is_plain_number(cell);
            assert!(number || !billops_domain::text::starts_like_formula(cell), "{name} cell {cell:?} in\n{csv}");
        }
    }
    recs
}

/// Text for a terminal: no control character but the line break.
fn assert_terminal_safe(out: &[u8], what: &str) {
    let s = String::from_utf8_lossy(out);
    let bad: Vec<char> = s.chars().filter(|&c| c.is_control() && c != '\n').collect();
    assert!(bad.is_empty(), "{what}: raw control characters {bad:?} in\n{s}");
}

#[test]
fn costs_csv_guards_every_text_cell_and_keeps_numbers() {
    let env = Env::hostile();
    let csv = env.ok(&["costs", "--period", "2024-09", "--by", "service,product,component", "--format", "csv"]);
    let recs = assert_csv_safe(&csv, &["cost"]);
    let cells: Vec<&str> = recs.iter().flat_map(|r| r.iter()).collect();
    assert!(cells.contains(&"'=HYPERLINK(\"http://evil\",\"x\")"), "{csv}");
    assert!(cells.contains(&"'=HYPERLINK(\"http://evil\",\"svc\")"), "a hostile service name too: {csv}");
    for guarded in ["'+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0", "'@SUM(1+1)"] {
        assert!(cells.contains(&guarded), "{guarded}: {csv}");
    }
    let ec2_ctl = recs.iter().find(|r| r[1] == *CONTROL).expect("the control sequence is kept raw in CSV");
    assert_eq!(&ec2_ctl[3], "-1.5", "a negative amount is never altered");
    assert!(cells.iter().any(|c| c.contains('\u{202e}') && c.contains('\u{200f}')), "odd Unicode kept: {csv}");
    // the issue's own check: product,component
    let csv = env.ok(&["costs", "--period", "2024-09", "--by", "product,component", "--format", "csv"]);
    assert_csv_safe(&csv, &["cost"]);
    assert!(csv.contains("\"'=HYPERLINK(\"\"http://evil\"\",\"\"x\"\")\""), "{csv}");
}

#[test]
fn costs_table_shows_control_characters_visibly_and_json_keeps_them_raw() {
    let env = Env::hostile();
    let o = env.run(&["costs", "--period", "2024-09", "--by", "product"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert_terminal_safe(&o.stdout, "costs table");
    let table = String::from_utf8(o.stdout).unwrap();
    assert!(table.contains("crm\\x1b[2J\\x1b[H\\x1b[41mHACKED\\x1b]2;PWNED\\x07"), "{table}");
    assert!(table.contains("rtl\u{200f}\\u{202e}exe.txt"), "the override shown, the mark kept: {table}");
    assert!(table.contains("zwj\u{1f469}\u{200d}\u{1f4bb}"), "joiners kept: {table}");
    let o = env.run(&["costs", "--period", "2024-09", "--by", "service,product,component"]);
    assert_terminal_safe(&o.stdout, "costs table by three");

    let v: serde_json::Value =
        serde_json::from_str(&env.ok(&["costs", "--period", "2024-09", "--by", "product", "--format", "json"]))
            .unwrap();
    let products: Vec<&str> = v.as_array().unwrap().iter().map(|r| r["product"].as_str().unwrap()).collect();
    assert!(products.contains(&CONTROL), "JSON keeps the raw text: {products:?}");
    assert!(products.contains(&"-2+3+cmd|' /C calc'!A0"), "{products:?}");
}

#[test]
fn invoice_exports_follow_each_outputs_rule() {
    let env = Env::hostile();
    let csv = env.ok(&["invoices", "export", "1", "--format", "csv"]);
    let recs = assert_csv_safe(&csv, &["cost", "amount"]);
    let desc: Vec<&str> = recs.iter().map(|r| &r[4]).collect();
    assert!(desc.contains(&"'=HYPERLINK(\"http://evil\",\"svc\") / -2+3+cmd|' /C calc'!A0 / @SUM(1+1)"), "{csv}");
    let neg = recs.iter().find(|r| r[4].contains("HACKED")).unwrap();
    assert_eq!((&neg[6], &neg[7]), ("-1.5", "-1.5"), "amounts unaltered");
    assert_eq!(&recs.last().unwrap()[3], "Total");

    let html = env.ok(&["invoices", "export", "1", "--format", "html"]);
    assert_terminal_safe(html.as_bytes(), "invoice HTML");
    assert!(html.contains("=HYPERLINK(&quot;http://evil&quot;,&quot;x&quot;)"), "{html}");
    // the customer's document groups lines by service (the hostile product name is not on it); no control
    // character reaches it either way
    assert!(!html.contains(['\u{1b}', '\u{7}']), "control characters replaced: {html}");

    let v: serde_json::Value = serde_json::from_str(&env.ok(&["invoices", "export", "1", "--format", "json"])).unwrap();
    assert!(v.to_string().contains("crm\\u001b[2J"), "JSON keeps the raw text");

    let o = env.run(&["invoices", "show", "1"]);
    assert_terminal_safe(&o.stdout, "invoices show");
    assert!(String::from_utf8_lossy(&o.stdout).contains("\\x1b[41mHACKED"));

    let customers = env.ok(&["customers", "list", "--format", "csv"]);
    assert_csv_safe(&customers, &["accounts"]);
    assert!(customers.contains("evil,\"'=HYPERLINK(\"\"http://evil\"\",\"\"x\"\")\",USD"), "{customers}");
    let v: serde_json::Value = serde_json::from_str(&env.ok(&["customers", "list", "--format", "json"])).unwrap();
    assert_eq!(v[0]["name"], FORMULA, "JSON keeps the raw name");
}

#[test]
fn messages_and_lists_that_echo_input_show_control_characters_visibly() {
    let env = Env::hostile();
    let o = env.run(&["costs", "--period", "2024-09", "--by", "service", "--customer", "x\u{1b}[2J\u{7}"]);
    assert_eq!(o.status.code(), Some(1));
    assert_terminal_safe(&o.stderr, "error message");
    assert!(String::from_utf8_lossy(&o.stderr).contains("customer x\\x1b[2J\\x07"), "{}", text(&o));
    let o = env.run(&["issues", "list", "--all"]);
    assert_terminal_safe(&o.stdout, "issues list");
    let o = env.run(&["accounts", "list"]);
    assert_terminal_safe(&o.stdout, "accounts list");
}

#[test]
fn oversized_and_control_character_fields_are_refused_naming_field_and_limit() {
    let env = Env::new();
    let huge = "A".repeat(100_000);
    let o = env.run(&["customers", "add", &huge, "Huge Ltd"]);
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8(o.stderr).unwrap();
    assert_eq!(err, "billops: customer code: at most 64 characters (this one has 100000)\n");
    let o = env.run(&["customers", "add", "acme", &"n".repeat(201)]);
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o).contains("customer name: at most 200 characters"), "{}", text(&o));
    let o = env.run(&["customers", "add", "acme", "Acme\u{1b}[2J"]);
    assert!(text(&o).contains("customer name: no control characters (found U+001B)"), "{}", text(&o));
    assert_eq!(env.ok(&["customers", "list", "--format", "csv"]), "code,name,currency,status,accounts\n");
    env.ok(&["customers", "add", "Acme", "Acme Ltd"]);
    let o = env.run(&["customers", "add", "ACME", "Acme again"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o).contains("customer Acme already exists (codes differ only in case: ACME)"), "{}", text(&o));
    let o = env.run(&["codes", "set", "customer:Acme", &"G".repeat(65), "--from", "2026-01-01"]);
    assert!(text(&o).contains("account code: at most 64 characters"), "{}", text(&o));
}

/// Run with stdout a pipe whose reader is gone before the command writes: the exit code is the command's own,
/// nothing on stderr (no panic, no backtrace, no 101).
fn closed_stdout(env: &Env, args: &[&str]) -> Output {
    let mut child = env.cmd(args).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    drop(child.stdout.take());
    child.wait_with_output().unwrap()
}

#[test]
fn a_closed_stdout_ends_every_command_quietly() {
    let env = Env::new();
    let o = closed_stdout(&env, &["import", fixture().to_str().unwrap()]);
    assert_eq!((o.status.code(), text(&o)), (Some(0), String::new()), "import");
    assert!(env.ok(&["costs", "--period", "2024-09", "--by", "service"]).contains("AmazonEC2"), "the import happened");
    env.ok(&["customers", "add", "evil", "Evil Corp"]);
    env.ok(&["accounts", "assign", "300000000001", "evil", "--from", "2024-09-01"]);
    let cases: &[&[&str]] = &[
        &["paths"],
        &["costs", "--period", "2024-09", "--by", "service,product"],
        &["costs", "--period", "2024-09", "--by", "service", "--format", "csv"],
        &["costs", "--period", "2024-09", "--by", "service", "--format", "json"],
        &["customers", "list"],
        &["accounts", "list"],
        &["issues", "list", "--all"],
        &["invoices", "generate", "--period", "2024-09"],
        &["invoices", "list"],
        &["invoices", "show", "1"],
        &["invoices", "export", "1", "--format", "csv"],
        &["invoices", "export", "1", "--format", "html"],
        &["balance", "evil"],
        &["statement", "evil", "--from", "2024-01-01", "--to", "2024-12-31", "--format", "csv"],
    ];
    for args in cases {
        let o = closed_stdout(&env, args);
        assert_eq!(o.status.code(), Some(0), "{args:?}: {}", text(&o));
        assert_eq!(text(&o), "", "{args:?}: nothing on stderr");
    }
    // the documented non-zero codes stay: a second import of the same file is refused with 2
    let o = closed_stdout(&env, &["import", fixture().to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
}

#[test]
fn piping_into_head_ends_quietly() {
    let env = Env::new();
    let bin = env!("CARGO_BIN_EXE_billops");
    let d = env.dir.path();
    let script = format!(
        "export BILLOPS_DATA_DIR={data} BILLOPS_CONFIG_DIR={cfg} BILLOPS_USER=tester; unset BILLOPS_DATABASE_URL; \
         B='{bin} --db sqlite:{db}'; \
         $B import {fx} | head -c 1 >/dev/null; echo \"import=${{PIPESTATUS[0]}}\"; \
         for i in 1 2 3 4 5 6 7 8; do $B costs --period 2024-09 --by service,product,component,resource | head -1 \
         >/dev/null; echo \"costs=${{PIPESTATUS[0]}}\"; done",
        data = d.join("data").display(),
        cfg = d.join("config").display(),
        db = d.join("store.db").display(),
        fx = fixture().display(),
    );
    let o = Command::new("bash").arg("-c").arg(&script).output().unwrap();
    let out = text(&o);
    assert!(out.contains("import=0"), "{out}");
    assert_eq!(out.matches("costs=0").count(), 8, "{out}");
    assert!(!out.contains("panicked") && !out.contains("Broken pipe"), "{out}");
}
