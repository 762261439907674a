//! `billops funding` through the real binary on a demo store: the fixed forms scripts use.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
use common::{Demo, text};

#[test]
fn the_fixed_funding_forms() {
    let demo = Demo::new();
    let out = demo
        .ok("tester", &["funding", "add", "acme", "--program", "MAP", "--amount", "5000", "--opportunity", "OPP-1"]);
    assert!(out.contains("funding application 1 added"), "{out}");

    let csv = demo.ok("tester", &["funding", "list", "--format", "csv"]);
    let mut lines = csv.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    assert_eq!(header[0], "id");
    for col in ["opportunity", "opportunity_state", "stage", "status"] {
        assert!(header.contains(&col), "{col} in {header:?}");
    }
    let row: Vec<&str> = lines.next().unwrap().split(',').collect();
    let col = |name: &str| row[header.iter().position(|h| *h == name).unwrap()];
    assert_eq!(
        (row[0], col("opportunity"), col("stage"), col("status")),
        ("1", "OPP-1", "draft", "pending_submission")
    );

    // Not released while the opportunity is not approved: non-zero, nothing changed.
    let o = demo.run("tester", &["funding", "submit", "1"]);
    assert_ne!(o.status.code(), Some(0));
    assert!(text(&o).contains("OPP-1"), "{}", text(&o));
    assert_eq!(demo.ok("tester", &["funding", "list", "--format", "csv"]), csv, "nothing changed");

    demo.ok("tester", &["funding", "opportunity", "OPP-1", "--state", "approved"]);
    let out = demo.ok("tester", &["funding", "submit", "1"]);
    assert!(out.contains("submitted"), "{out}");
    let json = demo.json("tester", &["funding", "list", "--format", "json"]);
    assert_eq!((json[0]["stage"].as_str(), json[0]["status"].as_str()), (Some("submitted"), Some("in_review")));
}

#[test]
fn funding_runs_to_assignment_and_refuses_what_no_person_types() {
    let demo = Demo::new();
    demo.ok("tester", &["funding", "opportunity", "OPP-9", "--state", "approved"]);
    demo.ok(
        "tester",
        &[
            "funding",
            "add",
            "acme",
            "--program",
            "POC",
            "--amount",
            "2,500.00",
            "--opportunity",
            "OPP-9",
            "--claim-due",
            "2026-12-20",
        ],
    );
    demo.ok("tester", &["funding", "submit", "1"]);
    let bad = demo.run("tester", &["funding", "update", "1", "approve", "--amount", "2500.001"]);
    assert_eq!(bad.status.code(), Some(1));
    assert!(text(&bad).contains("2 decimal place"), "{}", text(&bad));
    let stale = demo.run("tester", &["funding", "update", "1", "approve", "--amount", "2000", "--version", "1"]);
    assert_ne!(stale.status.code(), Some(0), "a stale version is refused: {}", text(&stale));
    for step in [
        &["approve", "--amount", "2000"][..],
        &["claim", "--amount", "2000"],
        &["claim-approved"],
        &["paid", "--amount", "1,999.50"],
        &["assign", "--project", "migration=1999.50"],
    ] {
        demo.ok("tester", &[&["funding", "update", "1"][..], step].concat());
    }
    let json = demo.json("tester", &["funding", "show", "1", "--format", "json"]);
    assert_eq!(json["app"]["stage"], "assigned_to_project");
    assert_eq!(json["app"]["received"], "1999.5", "exact, as typed");
    let due = demo.ok("tester", &["funding", "due", "--days", "3650", "--format", "csv"]);
    assert_eq!(due.lines().count(), 1, "a finished application has no deadlines: {due}");
}
