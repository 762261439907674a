//! End to end: the real binary in a pseudo-terminal at 80x24 with NO_COLOR=1 on the demo store; type keys,
//! wait for text on the screen (vt100 keeps the screen). Needs the CLI (`billops --db URL demo`, the console
//! as the default command, `BILLOPS_USER`) and the demo book.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod pty_common;

use std::path::Path;
use std::sync::OnceLock;

use pty_common::{BIN, Tui, cli};

/// One demo store per test run (building it imports the whole demo book); each test copies it.
fn demo_template() -> &'static Path {
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    let dir = DIR.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("demo.db");
        let out = std::process::Command::new(BIN)
            .args(["--db", &format!("sqlite:{}", db.display()), "demo"])
            .env("BILLOPS_DATA_DIR", dir.path().join("data"))
            .env("BILLOPS_CONFIG_DIR", dir.path().join("config"))
            .output()
            .unwrap();
        assert!(out.status.success(), "billops demo failed: {}", String::from_utf8_lossy(&out.stderr));
        dir
    });
    dir.path()
}

/// The console on a fresh copy of the demo store.
fn start(user: &str, extra: &[&str]) -> Tui {
    start_with(user, extra, &[])
}

/// The console on a fresh copy of the demo store, after CLI commands (`(user, args)`) on that copy.
fn start_with(user: &str, extra: &[&str], setup: &[(&str, &[&str])]) -> Tui {
    let (dir, url) = fresh_store();
    for (who, args) in setup {
        let out = cli(&url, dir.path(), who, args);
        assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    }
    Tui::spawn(&url, dir.path(), user, extra).owning(dir)
}

/// A fresh copy of the demo store: its folder and URL.
fn fresh_store() -> (tempfile::TempDir, String) {
    let template = demo_template();
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo.db");
    std::fs::copy(template.join("demo.db"), &db).unwrap();
    // The store leaves its write-ahead log un-checkpointed at exit: copy it too, or recent writes are lost.
    let wal = template.join("demo.db-wal");
    if wal.exists() {
        std::fs::copy(&wal, dir.path().join("demo.db-wal")).unwrap();
    }
    let url = format!("sqlite:{}", db.display());
    (dir, url)
}

#[test]
fn e2e_another_writer_shows_without_ctrl_r() {
    let (dir, url) = fresh_store();
    let mut t = Tui::spawn(&url, dir.path(), "alice", &[]);
    t.wait_for("alice (manager)");
    t.keys("9");
    t.wait_loaded("audit log");
    // Someone else (here the CLI, as another console would) writes: the open screen reloads by itself.
    let out = cli(&url, dir.path(), "bob", &["customers", "add", "zeta", "Zeta Freight"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    t.wait_for("customer changed (another console or command): reloaded");
    t.wait_line(&["bob", "customer"]);
    t.quit();
}

#[test]
fn e2e_drill_from_customer_to_component_and_back() {
    let mut t = start("alice", &[]);
    t.wait_for("alice (manager)");
    t.wait_for("month-end checklist");
    t.keys("4");
    t.wait_loaded("by customer");
    t.keys("<enter>");
    t.wait_loaded("by service");
    t.keys("<enter>");
    t.wait_loaded("by product");
    t.keys("<right>");
    let s = t.wait_loaded("by component");
    assert!(s.contains("all customers › customer"), "breadcrumb:\n{s}");
    t.keys("<esc>");
    t.wait_loaded("by product");
    t.keys("<left>h");
    t.wait_for("by customer");
    t.quit();
}

#[test]
fn e2e_assign_the_unassigned_account() {
    // bob is an operator: his `e` proposes the assignment and he cannot approve it; alice (a manager)
    // approves it and the account moves. Both consoles on the same copy of the demo store.
    let template = demo_template();
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo.db");
    std::fs::copy(template.join("demo.db"), &db).unwrap();
    let wal = template.join("demo.db-wal");
    if wal.exists() {
        std::fs::copy(&wal, dir.path().join("demo.db-wal")).unwrap();
    }
    let url = format!("sqlite:{}", db.display());
    let mut t = Tui::spawn(&url, dir.path(), "bob", &[]);
    t.wait_for("bob (operator)");
    t.keys("3");
    t.wait_for("unassigned first");
    t.keys("/421209992505<enter>");
    let s = t.wait_for("/421209992505");
    assert!(s.lines().any(|l| l.contains("421209992505") && l.contains("unassigned")), "{s}");
    t.keys("e");
    t.wait_for("you are an operator: propose assigning account 421209992505");
    t.keys("<down>hoo<tab>");
    t.wait_for("hooli");
    t.keys("<enter>");
    // The message line keeps what fits at 80 columns; `M` reads it whole.
    t.wait_for("proposal 1 recorded: link 421209992505 to payer 842156730019 for");
    t.keys("M");
    t.wait_for("proposal 1 recorded: link 421209992505 to payer 842156730019 for hooli");
    t.keys("<esc>");
    let s = t.wait_for("e assign");
    assert!(s.lines().any(|l| l.contains("421209992505") && l.contains("unassigned")), "not moved yet:\n{s}");
    t.keys("<esc>v");
    t.wait_for("proposals");
    t.keys("a");
    t.wait_for("approvals need the manager role");
    t.quit();

    let mut t = Tui::spawn(&url, dir.path(), "alice", &[]).owning(dir);
    t.wait_for("alice (manager)");
    t.keys("3v");
    t.wait_line(&["421209992505", "hooli", "bob"]);
    t.keys("a");
    t.wait_for("approve");
    t.keys("bob checked the contract<enter>");
    t.wait_for("proposal 1 approved");
    t.keys("vv/421209992505<enter>");
    t.wait_until("421209992505 assigned", |s| {
        s.lines().any(|l| l.contains("421209992505") && l.contains("hooli") && !l.contains("unassigned"))
    });
    t.quit();
}

#[test]
fn e2e_import_a_file_and_see_its_batch_and_issues() {
    let mut t = start("bob", &[]);
    t.wait_for("bob (operator)");
    t.keys("8");
    t.wait_for("import batches");
    t.keys("i");
    t.wait_for("import cost-and-usage files");
    t.keys("fixtures/quirks/bad_r<tab>");
    t.wait_for("fixtures/quirks/bad_rows.csv");
    t.keys("<enter>");
    t.wait_for("imported bad_rows.csv");
    t.wait_for("quarantined · ");
    t.wait_for("bad_rows.csv");
    t.keys("v");
    t.wait_for("data-feed issues");
    t.wait_for("bad_rows.csv");
    t.keys("v");
    t.wait_for("quarantined rows");
    t.wait_for("bad_rows.csv");
    t.quit();
}

#[test]
fn e2e_filter_and_export() {
    let mut t = start("dave", &[]);
    t.wait_for("month-end checklist");
    t.keys("2");
    t.wait_for("globex");
    t.keys("/acme<enter>");
    let s = t.wait_for("/acme");
    assert!(!s.contains("globex"), "{s}");
    t.keys("x");
    let s = t.wait_for("exported 1 rows to");
    let exports = t.data_dir().join("exports");
    let files: Vec<_> = std::fs::read_dir(&exports).unwrap().map(|e| e.unwrap().path()).collect();
    assert_eq!(files.len(), 1, "{s}");
    let csv = std::fs::read_to_string(&files[0]).unwrap();
    assert!(csv.starts_with("code,name,accts,cur,cost,last period,change,12 mo\nacme,"), "{csv}");
    assert_eq!(csv.lines().count(), 2);
    t.quit();
}

#[test]
fn e2e_a_viewer_cannot_write() {
    let mut t = start("dave", &[]);
    t.wait_for("dave (viewer)");
    t.wait_for("VIEWER: READ-ONLY");
    t.keys("3");
    t.wait_for("421209992505");
    t.keys("e");
    t.wait_for("read-only: viewer role");
    t.keys("1S");
    t.wait_for("read-only: viewer role");
    t.keys("5n");
    t.wait_for("read-only: viewer role");
    t.keys("8i");
    t.wait_for("read-only: viewer role");
    assert!(!t.screen().contains("import cost-and-usage files"));
    t.quit();
}

#[test]
fn e2e_read_only_flag_and_quit_restores_the_terminal() {
    let mut t = start("alice", &["--read-only"]);
    t.wait_for("READ-ONLY");
    t.keys("3e");
    t.wait_for("read-only: started with --read-only");
    t.keys(":bal acme<enter>");
    t.wait_for("balance acme (any key closes)");
    t.wait_for("last invoice");
    t.keys("<space>");
    t.quit();
}

#[test]
fn e2e_month_end_close() {
    // alice proposes a 1000 goodwill credit (above the 500 maker-checker threshold) from the CLI.
    let propose: &[&str] = &[
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
    ];
    let mut t = start_with("alice", &[], &[("alice", propose)]);
    t.wait_for("alice (manager)");
    // The newest period (2026-10) has only estimated data; close September, the one before.
    t.wait_for("Every linked account");
    t.keys("[");
    t.wait_for("period 2026-09");
    let s = t.wait_until("the 2026-09 board", |s| s.contains("2026-09 due") && s.contains("Every linked account"));
    assert!(s.contains("1 unassigned account(s)"), "{s}");
    assert!(s.lines().any(|l| l.contains("Every linked account") && l.contains("blocker")), "{s}");

    // Assign the unassigned account (the existing flow).
    t.keys("3");
    t.wait_for("unassigned first");
    t.keys("/421209992505<enter>");
    t.wait_for("/421209992505");
    t.keys("e");
    t.wait_for("assign account 421209992505");
    t.keys("hoo<tab>");
    t.wait_for("hooli");
    t.keys("<enter>");
    t.wait_for("assigned to hooli");
    t.keys("1");
    t.wait_until("account item ok", |s| s.lines().any(|l| l.contains("Every linked account") && l.contains("ok")));

    // Invoices: generate the period's drafts, then review and approve acme's.
    t.keys("5");
    t.wait_for("invoices 2026-09");
    t.keys("n");
    t.wait_for("draft(s):");
    let s = t.wait_for("last generation");
    assert!(s.contains("created"), "{s}");
    t.keys("<esc>/acme<enter>");
    t.wait_until("acme's draft", |s| s.lines().any(|l| l.contains("acme") && l.contains("draft")));
    t.keys("w");
    t.wait_until("reviewed", |s| s.lines().any(|l| l.contains("acme") && l.contains("reviewed")));
    t.keys("a");
    t.wait_until("approved", |s| s.lines().any(|l| l.contains("acme") && l.contains("approved")));

    // The board: the account item is ok now; supplier invoices still block, so sign-off is refused.
    t.keys("1");
    // Wait for the fresh board (not the cached one shown while it reloads): S on a loading board only says so.
    let s = t.wait_until("fresh board", |s| {
        !s.contains("loading…")
            && s.contains("24 draft(s) not yet approved")
            && s.lines().any(|l| l.contains("Every linked account") && l.contains("ok"))
    });
    assert!(s.lines().any(|l| l.contains("Supplier invoices") && l.contains("blocker")), "{s}");
    assert!(s.contains("blockers"), "{s}");
    t.keys("S");
    let s = t.wait_for("cannot sign off 2026-09");
    assert!(!s.contains("LOCKED"), "{s}");
    // Enter on the supplier item shows it whole; Enter again jumps to Recon.
    t.keys("jj<enter>");
    t.wait_for("what fixes it");
    t.keys("<enter>");
    t.wait_for("tie-out 2026-09 per payer");
    t.wait_for("no supplier inv");

    // Credits: alice proposed CR-1, so she may not approve it.
    t.keys("6");
    t.wait_for("CR-1");
    t.keys("a");
    t.wait_for("you proposed credit CR-1");
    assert!(!t.screen().contains("approve credit CR-1"), "no approval prompt");
    t.quit();
}
