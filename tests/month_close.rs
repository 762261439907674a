//! Month-end from the command line, on the demo store: the close board and its exit codes, sign-off and
//! re-open with the lock enforced, invoice drafts through issue with gap-free numbers and exports, credits
//! with maker-checker, supplier invoices and the tie-out, payments, balance and statement.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{Demo, text};

#[test]
fn close_board_signoff_lock_and_reopen() {
    let d = Demo::new();
    let o = d.run("dave", &["close", "status", "2026-09"]);
    assert_eq!(o.status.code(), Some(4), "not ready: {}", text(&o));
    let t = text(&o);
    assert!(t.contains("BLOCKER") && t.contains("no supplier invoice entered"), "{t}");
    assert!(t.contains("unassigned account(s) with cost"), "{t}");
    let o = d.run("alice", &["close", "signoff", "2026-09"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o).contains("cannot sign off 2026-09"), "{}", text(&o));

    // an empty month is not ready, and says why; a month not over yet cannot be signed off
    let o = d.run("dave", &["close", "status", "2026-05"]);
    assert_eq!(o.status.code(), Some(4), "{}", text(&o));
    assert!(text(&o).contains("no data imported for 2026-05: an empty month is not ready"), "{}", text(&o));
    assert!(text(&o).contains("fix 1: billops import FILE"), "{}", text(&o));
    let o = d.run("alice", &["close", "signoff", "2026-05"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o).contains("no data imported for 2026-05"), "{}", text(&o));
    let next = chrono::Utc::now().date_naive().format("%Y-%m").to_string();
    let o = d.run("alice", &["close", "signoff", &next]);
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o).contains(&format!("{next} has not ended")), "{}", text(&o));

    // a quiet month (final data, tied out) can be signed off, by a manager only; each check says why it is ok
    d.quiet_month("bob", "2026-05");
    let o = d.run("dave", &["close", "status", "2026-05"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    // owners per checklist item are shared settings, shown on the board
    d.ok("alice", &["close", "set", "owner.supplier_reconciled", "Olga Ops"]);
    assert!(d.ok("dave", &["close", "settings"]).contains("owner.supplier_reconciled"));
    let board = d.json("dave", &["close", "status", "2026-05", "--format", "json"]);
    assert_eq!(board["board"]["items"][2]["owner"], "Olga Ops", "{board}");
    assert_eq!(board["board"]["items"][0]["basis"], "1 payer, all final", "{board}");
    assert!(text(&o).contains("1 of 1 payer tied out within tolerance"), "{}", text(&o));
    let o = d.run("bob", &["close", "signoff", "2026-05"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o).contains("not allowed"), "{}", text(&o));
    d.ok("alice", &["close", "signoff", "2026-05", "--note", "quiet month"]);
    let o = d.run("bob", &["supplier", "add", "731245098812", "2026-05", "--number", "S-5", "--amount", "1"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o).contains("period 2026-05 is locked (signed off by alice)"), "{}", text(&o));
    assert_ne!(d.run("alice", &["close", "reopen", "2026-05"]).status.code(), Some(0), "--reason is required");
    let o = d.run("alice", &["close", "reopen", "2026-05", "--reason", " "]);
    assert_eq!(o.status.code(), Some(1));
    d.ok("alice", &["close", "reopen", "2026-05", "--reason", "late supplier invoice"]);
    d.ok("bob", &["supplier", "add", "731245098812", "2026-05", "--number", "S-5", "--amount", "1"]);
}

#[test]
fn invoices_credits_recon_and_balances() {
    let d = Demo::new();
    d.ok("bob", &["pricebook", "add", "acme", "--markup", "12.5", "--service", "AmazonEC2"]);
    assert!(d.ok("dave", &["pricebook", "list", "acme"]).contains("markup 12.5%"));
    let out = d.ok("bob", &["invoices", "generate", "--period", "2026-09"]);
    assert!(out.contains("acme invoice 1: created"), "{out}");
    let again = d.ok("bob", &["invoices", "generate", "--period", "2026-09", "--customer", "acme"]);
    assert!(again.contains("unchanged"), "{again}");

    // credits: maker-checker
    let out = d.ok(
        "bob",
        &[
            "credits",
            "propose",
            "acme",
            "--kind",
            "goodwill",
            "--amount",
            "1000",
            "--valid-from",
            "2026-09-01",
            "--valid-to",
            "2026-12-01",
            "--evidence",
            "ticket 7",
        ],
    );
    assert!(out.contains("CR-1"), "{out}");
    let o = d.run("bob", &["credits", "approve", "CR-1", "--reason", "ok"]);
    assert_eq!(o.status.code(), Some(1), "operators do not approve");
    d.ok("alice", &["credits", "approve", "CR-1", "--reason", "agreed with account manager"]);
    let regen = d.ok("bob", &["invoices", "generate", "--period", "2026-09", "--customer", "acme"]);
    assert!(regen.contains("regenerated") && regen.contains("+ goodwill credit CR-1 -1000"), "{regen}");

    d.ok("bob", &["invoices", "review", "1"]);
    assert_eq!(d.run("bob", &["invoices", "approve", "1"]).status.code(), Some(1));
    d.ok("alice", &["invoices", "approve", "1"]);
    assert!(d.ok("alice", &["invoices", "issue", "1"]).contains("INV-000001"));
    d.ok("bob", &["invoices", "review", "2"]);
    d.ok("alice", &["invoices", "approve", "2"]);
    assert!(d.ok("alice", &["invoices", "issue", "2"]).contains("INV-000002"));
    let csv = d.ok("dave", &["invoices", "export", "1", "--format", "csv"]);
    assert!(
        csv.starts_with("invoice,customer,period,section") && csv.contains("INV-000001,acme,2026-09,Credits"),
        "{csv}"
    );
    let json = d.ok("dave", &["invoices", "export", "1", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert!(v["total"].is_string(), "amounts are strings in JSON");
    assert!(d.ok("dave", &["invoices", "export", "1", "--format", "html"]).contains("<h1>Invoice INV-000001</h1>"));
    let credits = d.ok("dave", &["credits", "list", "--format", "csv"]);
    assert!(credits.contains("CR-1,acme,goodwill,1000,0,exhausted"), "{credits}");

    // tie-out: exit 4 until supplier invoices are in
    assert_eq!(d.run("dave", &["recon", "2026-09"]).status.code(), Some(4));

    // payments and balance
    let list = d.ok("dave", &["invoices", "list", "--period", "2026-09", "--format", "csv"]);
    let total = list.lines().find(|l| l.contains("INV-000001")).unwrap().rsplit(',').next().unwrap().to_string();
    d.ok("bob", &["payments", "add", "acme", "100", "--date", "2026-10-05", "--invoice", "INV-000001"]);
    let bal = d.ok("dave", &["balance", "acme", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&bal).unwrap();
    let want = total.parse::<rust_decimal::Decimal>().unwrap() - rust_decimal::Decimal::from(100);
    assert_eq!(v["balance"].as_str().unwrap().parse::<rust_decimal::Decimal>().unwrap(), want, "{bal}");
    assert_eq!(v["last_invoice"], "INV-000001");
    let st = d.ok("dave", &["statement", "acme", "--from", "2026-01-01", "--to", "2099-12-31", "--format", "csv"]);
    assert!(st.contains("opening balance") && st.contains("INV-000001") && st.contains("-100"), "{st}");
    // the CLI's columns first, then the running balance (ending on the closing balance), customer, currency
    let mut r = csv::Reader::from_reader(st.as_bytes());
    let head: Vec<String> = r.headers().unwrap().iter().map(str::to_string).collect();
    assert_eq!(head, ["date", "entry", "reference", "amount", "balance", "customer", "currency"]);
    let recs: Vec<csv::StringRecord> = r.records().map(Result::unwrap).collect();
    let num = |s: &str| s.parse::<rust_decimal::Decimal>().unwrap();
    let mut bal = num(&recs[0][4]);
    for rec in &recs[1..recs.len() - 1] {
        bal += num(&rec[3]);
        assert_eq!(num(&rec[4]), bal, "running balance: {st}");
    }
    assert_eq!(num(&recs[recs.len() - 1][4]), bal, "closing: {st}");
    assert_eq!(num(&recs[recs.len() - 1][4]), v["balance"].as_str().map(num).unwrap(), "{st}");
    assert!(recs.iter().all(|r| &r[5] == "acme"), "{st}");
    let table = d.ok("dave", &["statement", "acme", "--from", "2026-01-01", "--to", "2099-12-31"]);
    assert!(table.lines().next().unwrap().trim_end().ends_with("balance"), "{table}");
}

#[test]
fn money_typed_by_hand_is_never_finer_than_the_minor_unit() {
    let d = Demo::new();
    for (amount, why) in [
        ("0.001", "USD amounts have 2 decimal place(s) at most"),
        ("1e-20", "write the amount in digits"),
        ("4.6158142e5", "write the amount in digits"),
        ("1,00.00", "thousands separators"),
    ] {
        let o = d.run("bob", &["payments", "add", "acme", amount, "--date", "2026-11-02"]);
        assert_eq!(o.status.code(), Some(1), "{amount}: {}", text(&o));
        assert!(text(&o).contains(why), "{amount}: {}", text(&o));
    }
    let o = d.run(
        "bob",
        &[
            "credits",
            "propose",
            "acme",
            "--kind",
            "goodwill",
            "--amount",
            "12.345",
            "--valid-from",
            "2026-09-01",
            "--valid-to",
            "2026-10-01",
            "--evidence",
            "ticket 8",
        ],
    );
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(text(&o).contains("--amount \"12.345\": USD amounts have 2"), "{}", text(&o));
    // what the screen shows is accepted
    assert!(d.ok("bob", &["payments", "add", "acme", "1,000.00", "--date", "2026-11-02"]).contains("1000"));
    // customer codes that differ only in case are one customer to a person
    let o = d.run("bob", &["customers", "add", "ACME", "Acme again"]);
    assert_ne!(o.status.code(), Some(0));
    assert!(text(&o).contains("differ only in case"), "{}", text(&o));
}

/// Every fix the board names is a command that exists (`billops … --help` succeeds).
#[test]
fn every_fix_on_the_board_names_a_command_that_exists() {
    let d = Demo::new();
    let mut fixes = Vec::new();
    for period in ["2026-06", "2026-07", "2026-08", "2026-10", "2099-01"] {
        let o = d.run("dave", &["close", "status", period, "--format", "json"]);
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        for item in v["board"]["items"].as_array().unwrap() {
            if let Some(f) = item["fix"].as_str() {
                fixes.push(f.to_string());
            }
        }
    }
    assert!(fixes.len() > 8, "{fixes:?}");
    let mut checked = 0;
    for fix in &fixes {
        for part in fix.split("billops ").skip(1) {
            let words: Vec<&str> = part
                .split_whitespace()
                .take_while(|w| w.chars().all(|c| c.is_ascii_lowercase() || c == '-') && !w.starts_with('-'))
                .take(2)
                .collect();
            assert!(!words.is_empty(), "{fix}");
            let o = d.run("dave", &[&words[..], &["--help"]].concat());
            assert_eq!(o.status.code(), Some(0), "{fix}: billops {} --help: {}", words.join(" "), text(&o));
            checked += 1;
        }
        if !fix.contains("billops ") {
            assert!(fix.starts_with("console: Customers, space"), "{fix}");
        }
    }
    assert!(checked >= fixes.len(), "{checked} commands in {fixes:?}");
}
