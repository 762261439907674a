//! `billops onboarding` on the demo store: the checklist as data (managers add and retire items), computed
//! items never ticked by hand, owner / due / evidence, exit 4 while items are open; the close board warns of
//! funding claims about to lapse.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
use common::{Demo, text};

#[test]
fn onboarding_checklist_from_the_command_line() {
    let demo = Demo::new();
    let o = demo.run("dave", &["onboarding", "acme", "--format", "csv"]);
    assert_eq!(o.status.code(), Some(4), "items are open: {}", text(&o));
    let csv = String::from_utf8(o.stdout).unwrap();
    let header: Vec<&str> = csv.lines().next().unwrap().split(',').collect();
    assert_eq!(header[..4], ["item", "label", "state", "how"]);
    let row = |csv: &str, item: &str| csv.lines().find(|l| l.starts_with(&format!("{item},"))).unwrap().to_string();
    // acme's accounts are all assigned in the demo book: computed, done.
    assert!(row(&csv, "account_assigned").contains(",done,computed,"), "{csv}");
    assert!(row(&csv, "users_and_organisations").contains(",open,computed,"), "{csv}");

    let o = demo.run("bob", &["onboarding", "acme", "--item", "account_assigned", "--done"]);
    assert_ne!(o.status.code(), Some(0));
    assert!(text(&o).contains("never ticked by hand"), "{}", text(&o));
    demo.ok(
        "bob",
        &[
            "onboarding",
            "acme",
            "--item",
            "security_report",
            "--done",
            "--owner",
            "bob",
            "--due",
            "2026-12-31",
            "--evidence",
            "OPS-7",
        ],
    );
    demo.ok("bob", &["onboarding", "acme", "--add-user", "jane@acme.example", "--detail", "billing admin"]);
    demo.ok("bob", &["onboarding", "acme", "--add-org", "ACME Cloud"]);
    let csv = String::from_utf8(demo.run("dave", &["onboarding", "acme", "--format", "csv"]).stdout).unwrap();
    let sec = row(&csv, "security_report");
    assert!(sec.contains(",done,hand,bob,2026-12-31,OPS-7,bob,"), "{sec}");
    assert!(row(&csv, "users_and_organisations").contains(",done,computed,"), "{csv}");

    // The list is the managers' data.
    let o = demo.run("bob", &["onboarding", "--add-item", "sso", "--label", "single sign-on"]);
    assert_ne!(o.status.code(), Some(0), "operators do not change the list");
    demo.ok("alice", &["onboarding", "--add-item", "sso", "--label", "single sign-on"]);
    for item in [
        "cost_history_report",
        "rightsizing_report",
        "health_check_report",
        "budgets_and_policies",
        "account_on_cost_platform",
    ] {
        demo.ok("alice", &["onboarding", "--retire-item", item]);
    }
    let o = demo.run("dave", &["onboarding", "acme"]);
    assert_eq!(o.status.code(), Some(4), "sso is open: {}", text(&o));
    demo.ok("bob", &["onboarding", "acme", "--item", "sso", "--done"]);
    let o = demo.run("dave", &["onboarding", "acme"]);
    assert_eq!(o.status.code(), Some(0), "complete: {}", text(&o));
    let list = demo.ok("dave", &["onboarding", "--checklist", "--format", "csv"]);
    assert!(list.lines().any(|l| l.starts_with("rightsizing_report,") && l.ends_with(",true")), "{list}");
}

#[test]
fn the_close_board_warns_of_funding_claims_about_to_lapse() {
    let demo = Demo::new();
    let soon = (chrono::Utc::now().date_naive() + chrono::Duration::days(5)).to_string();
    demo.ok(
        "bob",
        &[
            "funding",
            "add",
            "acme",
            "--program",
            "MAP",
            "--amount",
            "5000",
            "--opportunity",
            "OPP-1",
            "--claim-due",
            &soon,
        ],
    );
    let out = String::from_utf8(demo.run("dave", &["close", "status", "2026-10"]).stdout).unwrap();
    assert!(
        out.contains(&format!("warning: funding claim of application 1 (acme MAP) due {soon} (5 day(s))")),
        "{out}"
    );
    // Open onboarding items warn (board item 7) unless the shared settings make them a blocker.
    let row = |out: &str| out.lines().find(|l| l.contains("Onboarding checklists complete")).unwrap().to_string();
    assert!(row(&out).contains("warning"), "{out}");
    demo.ok("alice", &["close", "set", "onboarding_blocks", "true"]);
    let out = String::from_utf8(demo.run("dave", &["close", "status", "2026-10"]).stdout).unwrap();
    assert!(row(&out).contains("BLOCKER") && row(&out).contains("incomplete onboarding"), "{out}");
    let o = demo.run("alice", &["close", "set", "onboarding_blocks", "maybe"]);
    assert_ne!(o.status.code(), Some(0), "{}", text(&o));
}
