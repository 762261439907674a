//! End to end, the funding flow: a MAP application from draft to assigned in the console's Funding
//! pane (the real binary in a pseudo-terminal at 80x24), then its credit reaching the customer's invoice
//! (CLI: the funding credit proposed and approved, the invoice generated, reviewed, approved and issued) and
//! `billops funding credits` following it there.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod pty_common;

use pty_common::{Tui, cli, demo_store, stdout};

#[test]
fn e2e_map_application_from_draft_to_assigned_and_onto_the_invoice() {
    let dir = tempfile::tempdir().unwrap();
    let url = demo_store(dir.path());
    let run = |who: &str, args: &[&str]| {
        let o = cli(&url, dir.path(), who, args);
        assert!(o.status.success(), "{args:?}: {}", String::from_utf8_lossy(&o.stderr));
        stdout(&o)
    };
    run("bob", &["funding", "add", "acme", "--program", "MAP", "--amount", "5000", "--opportunity", "OPP-1"]);

    let mut t = Tui::spawn(&url, dir.path(), "bob", &[]);
    t.wait_for("bob (operator)");
    t.keys("'f");
    t.wait_line(&["1", "draft", "acme", "MAP", "OPP-1"]);
    // Not released while the opportunity is pending; `o` records it approved, then `u` submits.
    t.keys("u");
    t.wait_for("opportunity OPP-1 is pending");
    t.keys("o");
    t.wait_for("opportunity OPP-1 (now pending)");
    t.keys("<enter>");
    t.wait_for("opportunity OPP-1 is approved");
    t.wait_line(&["1", "draft", "✓ OPP-1"]);
    t.keys("u");
    t.wait_for("submit application 1");
    t.keys("partner portal<enter>");
    t.wait_for("funding application 1: submitted / in review");
    t.wait_line(&["1", "submitted", "in review"]);
    // Each `e` suggests the next step with its amount: approve 5000, claim 5000, claim approved, paid 5000.
    for (done, row) in [
        ("approved / approved (version 3)", "approved"),
        ("claim submitted / approved (version 4)", "claim submitted"),
        ("claim approved / approved (version 5)", "claim approved"),
        ("paid / approved (version 6)", "paid"),
    ] {
        t.keys("e");
        t.wait_for("step is one of");
        t.keys("<enter>");
        t.wait_for(done);
        t.wait_line(&["1", row]);
    }
    t.keys("e");
    t.wait_for("step: assign");
    t.keys("<down><down>migration=5000<enter>");
    t.wait_for("assigned to project / approved (version 7)");
    t.keys("<enter>");
    let s = t.wait_for("history (enter: exact amounts, esc back)");
    assert!(s.contains("assigned migration 5,000.00"), "amounts to the minor unit: {s}");
    t.wait_for("assigned to migration");
    t.quit();

    // The funding credit, its approval by a manager, the invoice issued: the credit reached it.
    run(
        "bob",
        &[
            "credits",
            "propose",
            "acme",
            "--kind",
            "funding",
            "--amount",
            "5000",
            "--valid-from",
            "2026-10-01",
            "--valid-to",
            "2026-11-01",
            "--evidence",
            "MAP funding:1",
        ],
    );
    let out = run("bob", &["funding", "credits", "--format", "csv"]);
    assert!(out.lines().nth(1).unwrap().ends_with(",credited"), "a proposed credit is not yet credited: {out}");
    run("alice", &["credits", "approve", "CR-1", "--reason", "MAP paid out"]);
    run("bob", &["invoices", "generate", "--period", "2026-10"]);
    let list = run("bob", &["invoices", "list", "--period", "2026-10", "--format", "csv"]);
    let id = list.lines().find(|l| l.contains(",acme,")).unwrap().split(',').next().unwrap().to_string();
    run("bob", &["invoices", "review", &id]);
    run("alice", &["invoices", "approve", &id]);
    run("alice", &["invoices", "issue", &id]);
    let out = run("bob", &["funding", "credits", "--format", "csv"]);
    let row = out.lines().nth(1).unwrap();
    assert!(row.starts_with("1,acme,MAP,5000,5000,5000,CR-1,INV-") && row.ends_with(",yes"), "{out}");
}
