//! `billops funding export|import|reconcile|credits|status` through the real binary on a demo store.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
use common::{Demo, text};

fn add(demo: &Demo, opp: &str, amount: &str) {
    demo.ok("tester", &["funding", "add", "acme", "--program", "MAP", "--amount", amount, "--opportunity", opp]);
}

#[test]
fn export_round_trips_and_import_is_atomic() {
    let demo = Demo::new();
    add(&demo, "OPP-1", "5000");
    add(&demo, "OPP-2", "1200.50");
    let list = demo.ok("tester", &["funding", "list", "--format", "csv"]);
    let export = demo.ok("tester", &["funding", "export"]);
    // The export starts with exactly what the list shows, column for column.
    for (l, e) in list.lines().zip(export.lines()) {
        assert!(e.starts_with(l), "{e:?} extends {l:?}");
    }
    let file = demo.dir.path().join("pipeline.csv");
    std::fs::write(&file, &export).unwrap();
    let out = demo.ok("tester", &["funding", "import", file.to_str().unwrap()]);
    assert!(out.contains("0 added") && out.contains("2 unchanged"), "{out}");
    assert_eq!(demo.ok("tester", &["funding", "export"]), export, "an export imported again changes nothing");

    // The programme's claim due date for application 1, and a new application; then one bad row.
    let header = export.lines().next().unwrap();
    let cols: Vec<&str> = header.split(',').collect();
    let at = |name: &str| cols.iter().position(|c| *c == name).unwrap();
    let mut row1: Vec<String> =
        export.lines().find(|l| l.starts_with("1,")).unwrap().split(',').map(String::from).collect();
    row1[at("claim_due")] = "2026-12-31".into();
    let mut new = vec![String::new(); cols.len()];
    new[at("customer")] = "acme".into();
    new[at("program")] = "POC".into();
    new[at("requested")] = "750".into();
    new[at("opportunity")] = "OPP-3".into();
    let mut bad = new.clone();
    bad[at("opportunity")] = "OPP-4".into();
    bad[at("requested")] = "7.5.0".into();
    let body = [header.to_string(), row1.join(","), new.join(",")].join("\n");
    std::fs::write(&file, format!("{body}\n{}\n", bad.join(","))).unwrap();
    let o = demo.run("tester", &["funding", "import", file.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("line 4, column requested"), "{}", text(&o));
    assert_eq!(demo.ok("tester", &["funding", "export"]), export, "nothing half-written");

    std::fs::write(&file, format!("{body}\n")).unwrap();
    let out = demo.ok("tester", &["funding", "import", file.to_str().unwrap()]);
    assert!(out.contains("1 added (3)") && out.contains("1 updated (1)"), "{out}");
    let json = demo.json("tester", &["funding", "show", "1", "--format", "json"]);
    assert_eq!(json["app"]["input"]["dates"]["claim_due"], "2026-12-31");
    assert_eq!(json["app"]["history"].as_array().unwrap().len(), 2, "the date change is a recorded step");

    // A stage the store does not hold is refused by line and column (the store's refusal: exit 1).
    let mut moved = row1.clone();
    moved[at("stage")] = "paid".into();
    moved[at("version")] = "2".into();
    std::fs::write(&file, format!("{header}\n{}\n", moved.join(","))).unwrap();
    let o = demo.run("tester", &["funding", "import", file.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(text(&o).contains("line 2, column stage"), "{}", text(&o));
}

#[test]
fn finance_reconciliation_credits_and_the_customer_text() {
    let demo = Demo::new();
    demo.ok("tester", &["funding", "opportunity", "OPP-1", "--state", "approved"]);
    add(&demo, "OPP-1", "5000");
    demo.ok("tester", &["funding", "submit", "1"]);
    for step in [
        &["approve", "--amount", "4000"][..],
        &["claim", "--amount", "4000"],
        &["claim-approved"],
        &["paid", "--amount", "3900.50"],
    ] {
        demo.ok("tester", &[&["funding", "update", "1"][..], step].concat());
    }
    let fin = demo.dir.path().join("finance.csv");
    std::fs::write(&fin, "application,approved,received\n1,4000,3900.5\n").unwrap();
    let out = demo.ok("tester", &["funding", "reconcile", fin.to_str().unwrap()]);
    assert!(out.contains("finance agrees"), "{out}");
    std::fs::write(&fin, "application,received,currency\n1,3900.00,USD\n7,10,USD\n").unwrap();
    let csv = demo.ok("tester", &["funding", "reconcile", fin.to_str().unwrap(), "--format", "csv"]);
    assert!(csv.contains("1,acme,received,3900.5,3900"), "{csv}");
    assert!(csv.contains("7,,not in billops,,line 3"), "{csv}");
    std::fs::write(&fin, "application,received\nx,1\n").unwrap();
    let o = demo.run("tester", &["funding", "reconcile", fin.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o).contains("line 2, column application"), "{}", text(&o));

    // Paid in credits, but no funding credit carries it yet.
    let c = demo.ok("tester", &["funding", "credits", "--format", "csv"]);
    assert!(c.lines().nth(1).unwrap().ends_with(",credited"), "{c}");

    let t = demo.ok("tester", &["funding", "status", "1"]);
    assert!(t.contains("MAP funding application 1 for acme"), "{t}");
    assert!(t.contains("Received as credits: 3900.50 USD."), "{t}");
    assert!(t.contains("Next: we assign the funds to your projects."), "{t}");
}
