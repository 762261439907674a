//! End to end, bulk mapping from the Accounts pane (issue 14): the real binary in a pseudo-terminal at 80x24
//! on the demo book. alice (manager) filters the list to wonka's four accounts, marks them all with `*`, and
//! moves them to acme with `e` (form, confirmation, one write); bob (operator) marks one with space and his
//! `e` records a link proposal. The CLI reads back what the store holds.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod pty_common;

use pty_common::{Tui, cli, demo_store, stdout};

#[test]
fn e2e_marked_accounts_move_in_one_write_and_an_operators_become_proposals() {
    let dir = tempfile::tempdir().unwrap();
    let url = demo_store(dir.path());
    let run = |who: &str, args: &[&str]| {
        let o = cli(&url, dir.path(), who, args);
        assert!(o.status.success(), "{args:?}: {}", String::from_utf8_lossy(&o.stderr));
        stdout(&o)
    };
    let owner = |list: &str, id: &str| {
        let line = list.lines().find(|l| l.starts_with(id)).unwrap_or_else(|| panic!("{id}: {list}"));
        line.split_whitespace().nth(3).unwrap_or_default().to_string()
    };

    let mut t = Tui::spawn(&url, dir.path(), "alice", &[]);
    t.wait_for("alice (manager)");
    t.keys("3");
    t.wait_loaded("linked accounts");
    t.keys("/wonka<enter>");
    t.wait_for("4 of ");
    t.keys("*");
    t.wait_for("4 account(s) marked");
    t.wait_for("4 marked: e assigns them");
    t.keys("e");
    t.wait_for("assign the 4 marked account(s) to one customer");
    t.keys("acme<enter>");
    t.wait_for("assign 4 account(s) to acme from");
    t.wait_for("4 from wonka");
    t.keys("<enter>");
    t.wait_for("assigned 4 account(s) to acme");
    t.quit();
    let list = run("alice", &["accounts", "list"]);
    for id in ["197735138888", "725460159614", "751737297858", "868589376897"] {
        assert_eq!(owner(&list, id), "acme", "{id}: {list}");
    }

    // bob (operator): one mark, one proposal; the account stays where it is.
    let mut t = Tui::spawn(&url, dir.path(), "bob", &[]);
    t.wait_for("bob (operator)");
    t.keys("3");
    t.wait_loaded("linked accounts");
    t.keys("/soylent-prod<enter>");
    t.wait_for("1 of ");
    t.keys("<space>");
    t.wait_for("1 account(s) marked");
    t.keys("e");
    t.wait_for("you are an operator: propose assigning the 1 marked account(s)");
    t.keys("hooli<enter>");
    t.wait_for("nothing moves until a manager approves");
    t.keys("<enter>");
    t.wait_for("proposed 1 link(s) of 1 account(s) to hooli");
    t.quit();
    let list = run("alice", &["accounts", "list"]);
    assert_eq!(owner(&list, "185758198262"), "soylent", "{list}");
    let proposals = run("alice", &["accounts", "proposals"]);
    assert!(proposals.lines().any(|l| l.contains("185758198262") && l.contains("hooli")), "{proposals}");
}
