//! `billops accounts assign|propose|approve|reject|proposals|name` on the demo store (alice manager, bob and
//! carol operators, dave viewer): an operator's assignment is a proposal (said so), nobody approves their own,
//! an approval overtaken by a later assignment is refused as stale, names are set and audited.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
use common::{Demo, text};

const ACCT: &str = "421209992505";

fn customer_of(demo: &Demo, account: &str) -> String {
    let csv = demo.ok("dave", &["accounts", "list", "--format", "csv"]);
    let line = csv.lines().find(|l| l.starts_with(account)).unwrap().to_string();
    line.split(',').nth(3).unwrap().to_string()
}

#[test]
fn operators_propose_managers_approve_and_stale_approvals_are_refused() {
    let demo = Demo::new();
    assert_eq!(customer_of(&demo, ACCT), "");
    // bob's assign becomes a proposal, and the output says so.
    let out = demo.ok("bob", &["accounts", "assign", ACCT, "hooli", "--from", "2026-10-01"]);
    assert!(out.contains("you are an operator") && out.contains("proposal 1 recorded"), "{out}");
    assert_eq!(customer_of(&demo, ACCT), "", "nothing moved yet");
    let o = demo.run("bob", &["accounts", "approve", "1"]);
    assert_ne!(o.status.code(), Some(0));
    assert!(text(&o).contains("manager"), "{}", text(&o));

    // carol proposes the same account for acme; alice approves bob's; carol's is now stale.
    demo.ok("carol", &["accounts", "propose", ACCT, "acme", "--from", "2026-10-01"]);
    let open = demo.ok("dave", &["accounts", "proposals", "--format", "csv"]);
    assert_eq!(open.lines().count(), 3, "{open}");
    demo.ok("alice", &["accounts", "approve", "1", "--reason", "contract seen"]);
    assert_eq!(customer_of(&demo, ACCT), "hooli");
    let o = demo.run("alice", &["accounts", "approve", "2"]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(text(&o).contains("stale"), "{}", text(&o));
    assert_eq!(customer_of(&demo, ACCT), "hooli", "the stale approval moved nothing");
    let o = demo.run("alice", &["accounts", "reject", "2"]);
    assert_eq!(o.status.code(), Some(2), "a rejection needs a reason");
    demo.ok("alice", &["accounts", "reject", "2", "--reason", "overtaken"]);

    // A manager's own proposal: not hers to approve.
    demo.ok("alice", &["accounts", "propose", ACCT, "acme", "--from", "2026-11-01"]);
    let o = demo.run("alice", &["accounts", "approve", "3"]);
    assert_ne!(o.status.code(), Some(0));
    assert!(text(&o).contains("cannot also decide"), "{}", text(&o));

    // Managers assign directly (audited).
    demo.ok("alice", &["accounts", "assign", ACCT, "acme", "--from", "2026-11-01"]);
    assert_eq!(customer_of(&demo, ACCT), "acme");
    let all = demo.ok("dave", &["accounts", "proposals", "--all", "--format", "csv"]);
    assert!(all.lines().any(|l| l.starts_with("1,") && l.contains(",approved,")), "{all}");
}

#[test]
fn names_from_the_command_line_and_an_account_list() {
    let demo = Demo::new();
    demo.ok("bob", &["accounts", "name", ACCT, "GenAI sandbox"]);
    let list = demo.ok("dave", &["accounts", "list", "--format", "csv"]);
    assert!(list.lines().any(|l| l.starts_with(&format!("{ACCT},GenAI sandbox,"))), "{list}");
    demo.ok("bob", &["accounts", "name", "--payer", "731245098812", "Meridian Cloud Payer US"]);
    let o = demo.run("dave", &["accounts", "name", ACCT, "x"]);
    assert_ne!(o.status.code(), Some(0), "viewers name nothing");

    let file = demo.dir.path().join("accounts.csv");
    std::fs::write(&file, format!("account_id,account_name\n{ACCT},Sandbox\n000000000000,Nobody\n")).unwrap();
    let o = demo.run("bob", &["accounts", "name", "--file", file.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(text(&o).contains("line 3"), "{}", text(&o));
    let after = demo.ok("dave", &["accounts", "list", "--format", "csv"]);
    assert_eq!(after, list, "nothing half-written");
    // The demo book's own account list names every account.
    let out = demo.ok("bob", &["accounts", "name", "--file", "fixtures/demo/accounts.csv"]);
    assert!(out.contains("name(s) changed"), "{out}");
    let list = demo.ok("dave", &["accounts", "list", "--format", "csv"]);
    assert!(list.lines().any(|l| l.starts_with("886139668841,acme-prod,")), "{list}");
}
