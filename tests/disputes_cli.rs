//! Disputes, PPAs, re-rating, SLA claims and requests from the command line, on the demo store: a dispute on an
//! issued line → accepted → settled by a PPA (maker-checker: not by the person who accepted) → approved by a
//! second manager → posted on the customer's next draft as credit-and-rebill lines naming the original; reprice
//! previews and proposes; stable exit codes (2 bad input, 3 refused by a rule).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{Demo, text};
use rust_decimal::Decimal;

/// acme's 2026-08 invoice issued as INV-000001; the number of its first billed line and that line's amount.
fn issued(d: &Demo) -> (String, Decimal) {
    d.ok("bob", &["invoices", "generate", "--period", "2026-08", "--customer", "acme"]);
    d.ok("bob", &["invoices", "review", "1"]);
    d.ok("alice", &["invoices", "approve", "1"]);
    d.ok("alice", &["invoices", "issue", "1"]);
    let v = d.json("dave", &["invoices", "export", "1", "--format", "json"]);
    let draft = &v["draft"];
    let mut n = 0;
    for section in ["stripped", "charges", "discounts", "credits", "tax", "rounding"] {
        for l in draft[section].as_array().unwrap() {
            n += 1;
            let amount: Decimal = l["amount"].as_str().unwrap().parse().unwrap();
            if !amount.is_zero() {
                return (n.to_string(), amount);
            }
        }
    }
    panic!("no billed line")
}

/// `disputes add` on INV-000001's line `line` for `amount`, a pricing dispute with its evidence note.
fn dispute_add<'a>(line: &'a str, amount: &'a str, evidence: &'a str) -> Vec<&'a str> {
    let mut args = vec!["disputes", "add", "--invoice", "INV-000001", "--line", line, "--amount", amount];
    args.extend(["--reason", "pricing", "--evidence", evidence]);
    args
}

fn code(d: &Demo, user: &str, args: &[&str]) -> (Option<i32>, String) {
    let o = d.run(user, args);
    (o.status.code(), text(&o))
}

#[test]
fn a_dispute_settles_through_a_ppa_posted_on_the_next_draft() {
    let d = Demo::new();
    let (line, amount) = issued(&d);
    let add = |user: &str, amount: &str| {
        let mut args = dispute_add(&line, amount, "contract rate is lower");
        args.extend(["--ref", "INC0001"]);
        code(&d, user, &args)
    };
    let (c, out) = add("bob", "100000000");
    assert_eq!(c, Some(2), "more than the line: {out}");
    let (c, out) = add("dave", "10");
    assert_eq!(c, Some(3), "a viewer: {out}");
    let (c, out) = add("bob", "10");
    assert_eq!(c, Some(0), "{out}");
    assert!(out.contains(&format!("dispute 1 opened on invoice INV-000001 line {line}: 10 USD (pricing)")), "{out}");
    let invoices = d.ok("dave", &["invoices", "list", "--format", "csv"]);
    assert!(invoices.contains("1,acme,2026-08,disputed,INV-000001"), "the invoice shows disputed: {invoices}");
    let csv = d.ok("dave", &["disputes", "list", "--format", "csv"]);
    assert!(
        csv.starts_with(
            "id,invoice,line,customer,period,amount,currency,reason,status,owner,external_ref,due,time_left,version\n"
        ),
        "{csv}"
    );
    assert!(csv.contains(&format!("1,INV-000001,{line},acme,2026-08,10,USD,pricing,open,bob,INC0001,")), "{csv}");
    assert!(csv.contains("m left,1\n"), "time left on the request SLA (40 working hours): {csv}");

    d.ok("bob", &["disputes", "accept", "1", "--why", "rate confirmed"]);
    let (c, _) = code(&d, "bob", &["disputes", "accept", "1", "--version", "1"]);
    assert_eq!(c, Some(3), "stale version");
    d.ok("alice", &["close", "set", "credit_approval_threshold", "5"]);
    let (c, out) = code(&d, "bob", &["disputes", "settle", "1", "--by", "ppa"]);
    assert_eq!(c, Some(3), "bob accepted 10 (over 5): {out}");
    assert!(out.contains("another person must settle it"), "{out}");
    assert!(d.ok("alice", &["disputes", "settle", "1", "--by", "ppa"]).contains("dispute 1 settled by PPA 1"));
    let (c, out) = code(&d, "alice", &["ppa", "approve", "1"]);
    assert_eq!(c, Some(3), "the proposer: {out}");
    let (c, _) = code(&d, "bob", &["ppa", "approve", "1"]);
    assert_eq!(c, Some(3), "an operator");
    d.ok("alice", &["users", "add", "erin", "--role", "manager"]);
    assert!(d.ok("erin", &["ppa", "approve", "1"]).contains("PPA 1 approved by erin"));

    // The next draft carries the reversal and the re-rated line, each naming INV-000001 and the line.
    d.ok("bob", &["invoices", "generate", "--period", "2026-09", "--customer", "acme"]);
    let v = d.json("dave", &["invoices", "export", "2", "--format", "json"]);
    let lines: Vec<(String, Decimal)> = v["draft"]["charges"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|l| l["description"].as_str().unwrap().starts_with("PPA-1 "))
        .map(|l| (l["description"].as_str().unwrap().to_string(), l["amount"].as_str().unwrap().parse().unwrap()))
        .collect();
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert_eq!(lines[0], (format!("PPA-1 reversal of INV-000001 line {line} (2026-08)"), -amount));
    assert_eq!(lines[1].1, amount - Decimal::from(10));
    // Regenerating puts them on once.
    d.ok("bob", &["invoices", "generate", "--period", "2026-09", "--customer", "acme"]);
    let v2 = d.json("dave", &["invoices", "export", "2", "--format", "json"]);
    assert_eq!(v2["total"], v["total"]);
    let chain = d.ok("dave", &["ppa", "show", "1", "--format", "csv"]);
    assert!(chain.contains(&format!("original,INV-000001,2026-08,{line},")), "{chain}");
    assert!(chain.contains("posted,draft #2,2026-09,") && chain.contains("PPA-1 re-rated INV-000001"), "{chain}");
    let show = d.ok("dave", &["disputes", "show", "1"]);
    assert!(show.contains("settled by: PPA 1") && show.contains("alice"), "{show}");
}

#[test]
fn reprice_previews_and_proposes_ppas() {
    let d = Demo::new();
    let (line, amount) = issued(&d);
    let args = ["reprice", "--period", "2026-08", "--customer", "acme", "--markup", "10", "--format", "csv"];
    let preview = d.ok("dave", &args);
    assert!(preview.starts_with("customer,invoice,line,description,currency,issued,rerated,delta\n"), "{preview}");
    let row = preview.lines().find(|r| r.starts_with(&format!("acme,INV-000001,{line},"))).unwrap();
    let cells: Vec<&str> = row.rsplitn(4, ',').collect();
    let (delta, rerated, issued): (Decimal, Decimal, Decimal) =
        (cells[0].parse().unwrap(), cells[1].parse().unwrap(), cells[2].parse().unwrap());
    assert_eq!(issued, amount);
    assert_eq!(rerated - issued, delta);
    assert!(d.ok("dave", &["ppa", "list", "--format", "csv"]).lines().count() == 1, "a preview records nothing");
    let (c, _) = code(&d, "bob", &["reprice", "--period", "2026-08", "--markup", "10", "--propose"]);
    assert_eq!(c, Some(2), "--propose needs --reason");
    let (c, _) = code(&d, "bob", &["reprice", "--period", "2026-13", "--markup", "10"]);
    assert_eq!(c, Some(2));
    let (c, _) = code(&d, "dave", &["reprice", "--period", "2026-08", "--markup", "10", "--propose", "--reason", "x"]);
    assert_eq!(c, Some(3), "a viewer proposes nothing");
    let out = d.ok(
        "bob",
        &["reprice", "--period", "2026-08", "--customer", "acme", "--markup", "10", "--propose", "--reason", "markup"],
    );
    assert!(out.contains("PPA(s) proposed"), "{out}");
    let list = d.ok("dave", &["ppa", "list", "--status", "proposed", "--format", "csv"]);
    assert_eq!(list.lines().count() - 1, preview.lines().count() - 1, "one PPA per moved line: {list}");
}

/// A claim on `service` in us-east-1: 98.5% uptime on 1000 of charges, in a cycle far ahead of any deadline.
fn claim_add(service: &str) -> [&str; 14] {
    [
        "sla-claims",
        "add",
        "--service",
        service,
        "--region",
        "us-east-1",
        "--start",
        "2099-11-03T01:00",
        "--end",
        "2099-11-03T09:00",
        "--uptime",
        "98.5",
        "--charges",
        "1000",
    ]
}

#[test]
fn sla_claims_and_requests() {
    let d = Demo::new();
    let out = d.ok("bob", &claim_add("AmazonEC2"));
    assert!(out.contains("SLA claim 1: uptime 98.5% → tier 30% of 1000 = 300 USD, deadline 2100-01-31"), "{out}");
    let (c, _) = code(
        &d,
        "bob",
        &["sla-claims", "add", "--service", "x", "--region", "y", "--start", "bad", "--end", "x", "--uptime", "1"],
    );
    assert_eq!(c, Some(2));
    d.ok("bob", &["sla-claims", "submit", "1"]);
    let (c, _) = code(&d, "bob", &["sla-claims", "submit", "1"]);
    assert_eq!(c, Some(3), "already submitted");
    let (c, _) = code(&d, "bob", &["sla-claims", "approve", "1"]);
    assert_eq!(c, Some(3), "the supplier's decision is a manager's to record");
    d.ok("alice", &["sla-claims", "approve", "1"]);
    d.ok("bob", &["sla-claims", "credit", "1", "--amount", "300"]);
    let csv = d.ok("dave", &["sla-claims", "list", "--format", "csv"]);
    assert!(csv.contains("1,AmazonEC2,us-east-1,2099-11,98.5,30%,1000,300,300,USD,credited,2100-01-31,4"), "{csv}");

    let out = d.ok(
        "bob",
        &["requests", "add", "--kind", "customer-query", "--subject", "why up", "--ref", "RITM1", "--customer", "acme"],
    );
    assert!(out.contains("request 1 opened (customer_query)"), "{out}");
    d.ok("bob", &["requests", "pause", "1", "--why", "waiting on customer"]);
    let (c, _) = code(&d, "bob", &["requests", "pause", "1"]);
    assert_eq!(c, Some(3), "already paused");
    let csv = d.ok("dave", &["requests", "list", "--format", "csv"]);
    // Paused: no due time while the clock stands, the time left says so.
    assert!(csv.contains("1,customer_query,RITM1,acme,why up,paused,,"), "{csv}");
    assert!(csv.contains("m left (paused),2\n"), "{csv}");
}

#[test]
fn the_statement_shows_open_disputes_held_out_of_overdue() {
    let d = Demo::new();
    let (line, _) = issued(&d);
    let stmt = |format: &str| {
        d.ok("dave", &["statement", "acme", "--from", "2026-01-01", "--to", "2030-12-31", "--format", format])
    };
    // No dispute: the statement says nothing of disputes but the figures.
    let out = stmt("table");
    assert!(!out.contains("open disputes"), "{out}");
    assert!(out.contains("disputed 0 USD"), "{out}");
    d.ok("bob", &dispute_add(&line, "10.50", "rate"));
    let out = stmt("table");
    assert!(out.contains("open disputes (not overdue while open)"), "{out}");
    assert!(
        out.lines().any(|l| l.contains(&format!("INV-000001 line {line}")) && l.contains("open") && l.contains("10.5")),
        "{out}"
    );
    assert!(out.contains("disputed 10.5 USD; overdue on "), "{out}");
    // CSV: one row per open dispute after the closing balance, its balance cell empty.
    let csv = stmt("csv");
    let last = csv.lines().last().unwrap();
    assert!(last.ends_with(&format!(",open dispute,INV-000001 line {line} (open),10.5,,acme,USD")), "{csv}");
    let v: serde_json::Value = serde_json::from_str(&stmt("json")).unwrap();
    assert_eq!(v["disputed"]["total"], "10.5");
    assert_eq!(v["disputed"]["disputes"][0]["reference"], format!("INV-000001 line {line}"));
    assert!(v["closing"].is_string(), "the statement's own fields stay");
    // The customer's document lists them and the amount in dispute beside the overdue figure.
    let html = stmt("html");
    assert!(html.contains("Open disputes") && html.contains("In dispute (not overdue while open)"), "{html}");
    assert!(html.contains(&format!("INV-000001 line {line} opened")), "{html}");
    // Rejected and closed: gone from the statement.
    d.ok("alice", &["disputes", "reject", "1", "--why", "rate is right"]);
    let out = stmt("table");
    assert!(!out.contains("open disputes") && out.contains("disputed 0 USD"), "{out}");
}

#[test]
fn interest_terms_and_sla_tiers_are_data() {
    let d = Demo::new();
    let set = ["interest-terms", "set", "--customer", "acme", "--rate", "6.5", "--from", "2026-01-01"];
    let (c, out) = code(&d, "bob", &set);
    assert_eq!(c, Some(3), "contract terms are a manager's: {out}");
    d.ok("alice", &set);
    let (c, _) =
        code(&d, "alice", &["interest-terms", "set", "--customer", "acme", "--rate", "x", "--from", "2026-01-01"]);
    assert_eq!(c, Some(2));
    // The Treasury's example, by acme's terms, step by step (the fixed JSON shape of `billops interest`).
    let v = d.json(
        "dave",
        &[
            "interest-terms",
            "compute",
            "--customer",
            "acme",
            "--principal",
            "1500",
            "--due",
            "2026-01-01",
            "--paid",
            "2026-01-11",
            "--format",
            "json",
        ],
    );
    assert_eq!(v["interest"], serde_json::json!(2.71), "{v}");
    assert!(v["steps"].as_array().is_some_and(|s| !s.is_empty()), "{v}");
    // CSV import (a terms file beside it: a state rule with monthly compounding), all rows or none.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("state.toml"),
        "basis = 365\nfixing = \"stepping\"\ncompounding = { every_months = 1 }\nwaive_below = \"0\"\n",
    )
    .unwrap();
    let csv = dir.path().join("terms.csv");
    std::fs::write(
        &csv,
        "customer,rule,rate,from,to\nglobex,state.toml,8.5,2026-03-01,\nglobex,agency,4,2026-01-01,2026-03-01\n",
    )
    .unwrap();
    let out = d.ok("alice", &["interest-terms", "import", csv.to_str().unwrap()]);
    assert!(out.contains("2 interest terms loaded"), "{out}");
    let list = d.ok("dave", &["interest-terms", "list", "--format", "csv"]);
    assert!(list.contains("acme,prompt-payment,6.5,2026-01-01,,360,everydays(30),0,alice"), "{list}");
    assert!(list.contains("globex,agency,4,2026-01-01,2026-03-01,365,none,30,alice"), "{list}");
    assert!(list.contains("state.toml,8.5,2026-03-01,,365,everymonths(1),0"), "{list}");
    std::fs::write(&csv, "customer,rule,rate,from\nnobody,agency,4,2026-01-01\n").unwrap();
    let (c, _) = code(&d, "alice", &["interest-terms", "import", csv.to_str().unwrap()]);
    assert_eq!(c, Some(1), "no such customer: nothing loaded");

    // SLA tiers: the compute tiers are the default; S3's own are used when its claim is assessed.
    let tiers = d.ok("dave", &["sla-tiers", "list", "--format", "csv"]);
    assert!(tiers.contains("*,99.99,10\n*,99,30\n*,95,100"), "{tiers}");
    let s3 =
        ["sla-tiers", "set", "--service", "AmazonS3", "--tier", "99.9:10", "--tier", "99.0:25", "--tier", "95:100"];
    assert_eq!(code(&d, "bob", &s3).0, Some(3));
    d.ok("alice", &s3);
    let out = d.ok("bob", &claim_add("AmazonS3"));
    assert!(out.contains("tier 25% of 1000 = 250 USD"), "{out}");
}
