//! Late rows for a signed-off month: the import is refused whole and offers the re-rating; `billops reprice
//! --late FILE` previews what the rows change on the issued invoice (a service the invoice did not have is a new
//! line), and `--propose` records the difference as a PPA whose reason names the file.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{Demo, QUIET_PAYER, quiet_month_csv, text};
use rust_decimal::Decimal;

const PERIOD: &str = "2026-05";

/// A late FOCUS row for the quiet payer's account: `cost` of `service` in 2026-05, and one row of 2026-06.
fn late_csv(service: &str, cost: &str) -> String {
    let quiet = quiet_month_csv(PERIOD);
    let header = quiet.lines().next().unwrap();
    format!(
        "{header}\n\
         {QUIET_PAYER},Quiet payer,900000000099,quiet account,2026-05-01T00:00:00Z,2026-06-01T00:00:00Z,\
         2026-05-20T00:00:00Z,2026-05-21T00:00:00Z,Usage,{service},us-east-1,SKU9,res-late,3,Hrs,{cost},{cost},{cost},\
         USD,LATE-1,\n\
         {QUIET_PAYER},Quiet payer,900000000099,quiet account,2026-06-01T00:00:00Z,2026-07-01T00:00:00Z,\
         2026-06-02T00:00:00Z,2026-06-03T00:00:00Z,Usage,{service},us-east-1,SKU9,res-late,1,Hrs,1,1,1,USD,LATE-2,\n"
    )
}

/// 2026-05 billed to acme (the quiet account assigned from May), issued and signed off.
fn signed_off_month(d: &Demo) {
    d.quiet_month("bob", PERIOD);
    d.ok("alice", &["accounts", "assign", "900000000099", "acme", "--from", "2026-05-01"]);
    let o = d.run("bob", &["invoices", "generate", "--period", PERIOD, "--customer", "acme"]);
    // progress is for a person at a terminal: a script's output (no terminal here) has none of it
    assert!(!text(&o).contains("building drafts"), "{}", text(&o));
    let list = d.ok("dave", &["invoices", "list", "--period", PERIOD, "--format", "csv"]);
    let id = list.lines().nth(1).unwrap().split(',').next().unwrap().to_string();
    d.ok("bob", &["invoices", "review", &id]);
    d.ok("alice", &["invoices", "approve", &id]);
    d.ok("alice", &["invoices", "issue", &id]);
    d.ok("alice", &["close", "signoff", PERIOD, "--note", "quiet"]);
}

#[test]
fn late_rows_for_a_signed_off_month_are_offered_as_a_re_rating() {
    let d = Demo::new();
    signed_off_month(&d);
    let file = d.dir.path().join("late-2026-05.csv");
    std::fs::write(&file, late_csv("LateService", "125.50")).unwrap();
    let path = file.to_str().unwrap();

    let o = d.run("bob", &["import", path]);
    assert_eq!(o.status.code(), Some(2), "refused, not failed: {}", text(&o));
    let t = text(&o);
    assert!(t.contains("which is signed off (by alice); nothing of it was written"), "{t}");
    assert!(t.contains(&format!("billops reprice --period {PERIOD} --late {path}")), "names the way on: {t}");
    let costs = d.ok("dave", &["costs", "--period", PERIOD, "--by", "service", "--format", "csv"]);
    assert!(!costs.contains("LateService"), "the signed-off month's data is unchanged: {costs}");

    // The offered command previews: the late service is a line the issued invoice does not have.
    let preview = d.ok("dave", &["reprice", "--period", PERIOD, "--late", path, "--format", "csv"]);
    let row = preview.lines().find(|r| r.contains("new: LateService")).unwrap_or_else(|| panic!("{preview}"));
    let cells: Vec<&str> = row.split(',').collect();
    assert_eq!(cells[0], "acme", "{row}");
    assert_eq!(cells[2], "0", "a new line: {row}");
    let delta: Decimal = cells[7].parse().unwrap();
    assert!(delta >= Decimal::new(12550, 2), "rated at cost or above: {row}");
    let table = d.ok("dave", &["reprice", "--period", PERIOD, "--late", path]);
    assert!(table.contains("1 row(s) for 2026-05 re-rated, 1 row(s) of other months left out"), "{table}");
    assert_eq!(d.ok("dave", &["ppa", "list", "--format", "csv"]).lines().count(), 1, "a preview records nothing");

    let args = ["reprice", "--period", PERIOD, "--late", path, "--propose", "--reason", "late EU rows"];
    let o = d.run("dave", &args);
    assert_eq!(o.status.code(), Some(3), "a viewer proposes nothing: {}", text(&o));
    let out = d.ok("bob", &args);
    assert!(out.contains("1 PPA(s) proposed"), "{out}");
    let list = d.ok("dave", &["ppa", "list", "--status", "proposed", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&list).unwrap();
    let ppa = &v.as_array().unwrap()[0];
    let reason = ppa.to_string();
    assert!(reason.contains(&format!("late EU rows (late rows from {path} (blake3 ")), "{ppa}");
    assert_eq!((ppa["line"].as_str(), ppa["original"].as_str()), (Some("0"), Some("0")), "the whole invoice: {ppa}");
    assert_eq!(ppa["delta"].as_str().unwrap().parse::<Decimal>().unwrap(), delta);

    // Approved by a second manager, it posts on acme's next draft with the original invoice named.
    d.ok("alice", &["users", "add", "erin", "--role", "manager"]);
    d.ok("erin", &["ppa", "approve", "1"]);
    d.ok("bob", &["invoices", "generate", "--period", "2026-07", "--customer", "acme"]);
    let list = d.ok("dave", &["invoices", "list", "--period", "2026-07", "--format", "csv"]);
    let id = list.lines().nth(1).unwrap().split(',').next().unwrap().to_string();
    let v = d.json("dave", &["invoices", "export", &id, "--format", "json"]);
    let posted: Decimal = v["draft"]["charges"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|l| l["description"].as_str().unwrap().starts_with("PPA-1 "))
        .map(|l| l["amount"].as_str().unwrap().parse::<Decimal>().unwrap())
        .sum();
    assert_eq!(posted, delta, "credit-and-rebill nets to the late rows' amount: {}", v["draft"]["charges"]);

    // A file that is not a cost file is bad input, not a panic.
    let junk = d.dir.path().join("junk.csv");
    std::fs::write(&junk, "a,b\n1,2\n").unwrap();
    let o = d.run("dave", &["reprice", "--period", PERIOD, "--late", junk.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
}
