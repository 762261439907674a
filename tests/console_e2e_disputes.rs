//! End to end (issue 10): the real binary in a pseudo-terminal at 80x24 on a demo store. acme's 2026-08
//! invoice is issued (CLI); in the console bob disputes one of its lines and accepts the dispute; alice settles
//! it by a PPA and approves it (under the maker-checker threshold one person may); the 2026-09 draft is
//! generated (CLI) and the PPA's detail shows the chain original line → PPA → the new invoice's lines.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod pty_common;

use pty_common::{Tui, cli, stdout};

#[test]
fn a_dispute_becomes_a_ppa_posted_on_the_next_draft() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite:{}", dir.path().join("demo.db").display());
    let ok = |user: &str, args: &[&str]| {
        let o = cli(&url, dir.path(), user, args);
        assert!(o.status.success(), "{args:?}: {}{}", stdout(&o), String::from_utf8_lossy(&o.stderr));
        stdout(&o)
    };
    ok("alice", &["demo"]);
    ok("bob", &["invoices", "generate", "--period", "2026-08", "--customer", "acme"]);
    ok("bob", &["invoices", "review", "1"]);
    ok("alice", &["invoices", "approve", "1"]);
    ok("alice", &["invoices", "issue", "1"]);
    // The first billed line (stripped supplier items come first, at zero).
    let v: serde_json::Value =
        serde_json::from_str(&ok("dave", &["invoices", "export", "1", "--format", "json"])).unwrap();
    let line = v["draft"]["stripped"].as_array().unwrap().len() + 1;

    let mut t = Tui::spawn(&url, dir.path(), "bob", &[]);
    t.wait_for("bob (operator)");
    t.keys("'s");
    t.wait_for("disputes (D new");
    t.keys("D");
    t.wait_for("open a dispute on an issued invoice");
    t.keys(&format!("INV-000001<tab>{line}<tab>10<tab><tab>contract rate is lower<enter>"));
    t.wait_for("dispute 1 opened on invoice INV-000001");
    t.wait_line(&["1", "open", "INV-000001", "10.00"]);
    t.keys("a");
    t.wait_for("accept dispute 1");
    t.keys("rate confirmed<enter>");
    t.wait_for("dispute 1 accepted");
    t.quit();

    let mut t = Tui::spawn(&url, dir.path(), "alice", &[]);
    t.wait_for("alice (manager)");
    t.keys("'s");
    t.wait_line(&["1", "accepted", "INV-000001"]);
    t.keys("p");
    t.wait_for("settle by PPA dispute 1");
    t.keys("<enter>");
    t.wait_for("dispute 1 settled");
    t.keys("v");
    t.wait_line(&["1", "proposed", "acme", "-10.00"]);
    t.keys("a");
    t.wait_for("approve PPA 1");
    t.keys("checked<enter>");
    t.wait_for("PPA 1 approved");
    t.quit();

    ok("bob", &["invoices", "generate", "--period", "2026-09", "--customer", "acme"]);
    let mut t = Tui::spawn(&url, dir.path(), "dave", &[]);
    t.wait_for("dave (viewer)");
    t.keys("'sv");
    t.wait_line(&["1", "posted", "acme", "2026-09"]);
    t.keys("<enter>");
    t.wait_for("original line → PPA → new invoice line");
    t.wait_line(&["original", "INV-000001", "2026-08"]);
    t.wait_line(&["posted", "draft #2", "2026-09"]);
    t.wait_for("PPA-1 reversal of INV-000001 line");
    t.keys("<esc>");
    t.wait_for("prior-period adjustments");
    t.quit();
}
