//! End to end, a whole month (issue 5): the real binary in a pseudo-terminal at 80x24 with NO_COLOR=1 on a
//! copy of the demo store, driven as an operator would, all the way to a green board and a locked month.
//!
//! CLI setup: bob proposes a credit over the maker-checker threshold, alice proposes one too, and the supplier
//! invoices of 2026-09 of two payers are entered at their imported billed cost (read with `costs --by payer`).
//! Console as alice: the board starts blocked; a re-import is refused; the unassigned account is assigned from
//! 2026-09-01; board item 5 jumps to the variance list, where alice explains one (the CLI the rest); alice is
//! refused on her own credit and approves bob's; drafts are generated, one is reviewed and approved, the other
//! 24 reviewed and approved in bulk; acme's invoice is issued and its payment recorded; the third payer's
//! supplier invoice is entered on Recon and every payer ties; the board has no
//! blocker; sign-off locks 2026-09; assigning and regenerating in 2026-09 are then refused with the lock.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod pty_common;

use std::path::Path;
use std::process::Output;

use pty_common::{Tui, cli, has_line, stdout};

const PERIOD: &str = "2026-09";

/// A fresh demo store in its own folder (`billops --db sqlite:PATH demo`).
struct Store {
    dir: tempfile::TempDir,
}

impl Store {
    fn demo() -> Store {
        let s = Store { dir: tempfile::tempdir().unwrap() };
        s.ok("alice", &["demo"]);
        s
    }

    fn url(&self) -> String {
        format!("sqlite:{}", self.dir.path().join("demo.db").display())
    }

    fn home(&self) -> &Path {
        self.dir.path()
    }

    fn run(&self, user: &str, args: &[&str]) -> Output {
        cli(&self.url(), self.home(), user, args)
    }

    /// Run and require exit 0; the standard output.
    fn ok(&self, user: &str, args: &[&str]) -> String {
        let o = self.run(user, args);
        assert!(o.status.success(), "{user} {args:?}: {}{}", stdout(&o), String::from_utf8_lossy(&o.stderr));
        stdout(&o)
    }

    /// The console on this store as `user`.
    fn console(&self, user: &str) -> Tui {
        Tui::spawn(&self.url(), self.home(), user, &[])
    }
}

/// `(id, customer, status)` of every invoice of the period.
fn invoices(store: &Store) -> Vec<(String, String, String)> {
    let csv = store.ok("dave", &["invoices", "list", "--period", PERIOD, "--format", "csv"]);
    let mut lines = csv.lines();
    assert_eq!(lines.next(), Some("id,customer,period,status,number,currency,total"), "{csv}");
    lines
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            (f[0].to_string(), f[1].to_string(), f[3].to_string())
        })
        .collect()
}

/// CLI setup; returns the payer (and its imported billed cost) whose supplier invoice is entered in the console.
fn setup(store: &Store) -> (String, String) {
    let propose = |who: &str, customer: &str, amount: &str, from: &str, to: &str| {
        let args = [
            "credits",
            "propose",
            customer,
            "--kind",
            "goodwill",
            "--amount",
            amount,
            "--valid-from",
            from,
            "--valid-to",
            to,
            "--evidence",
            "ticket 9",
        ];
        store.ok(who, &args)
    };
    // CR-1: bob's credit for September, above the 500 threshold: a manager other than bob approves it.
    assert!(propose("bob", "globex", "800", "2026-09-01", "2026-10-01").contains("CR-1"));
    // CR-2: alice's own, above the threshold (valid from October, so it does not hold up September).
    assert!(propose("alice", "acme", "1000", "2026-10-01", "2026-12-01").contains("CR-2"));

    // The supplier invoices: each payer's imported billed cost, every digit, so the tie-out is exact.
    let csv = store.ok("dave", &["costs", "--period", PERIOD, "--by", "payer", "--format", "csv"]);
    let mut lines = csv.lines();
    assert_eq!(lines.next(), Some("payer,cost,currency"), "{csv}");
    let payers: Vec<(String, String)> = lines
        .map(|l| {
            let mut cells = l.split(',');
            let (p, c) = (cells.next().unwrap(), cells.next().unwrap());
            (p.to_string(), c.to_string())
        })
        .collect();
    assert_eq!(payers.len(), 3, "{csv}");
    for (payer, cost) in &payers[1..] {
        let number = format!("SUP-{payer}-09");
        store.ok("bob", &["supplier", "add", payer, PERIOD, "--number", &number, "--amount", cost]);
    }
    let o = store.run("dave", &["close", "status", PERIOD]);
    assert_eq!(o.status.code(), Some(4), "not ready yet: {}", stdout(&o));
    payers[0].clone()
}

/// The month that has not ended (today's, at least 2026-10, the newest in the book) and how many `]` lead
/// there from 2026-10.
fn future_month() -> (String, usize) {
    let today = chrono::Utc::now().date_naive();
    let months = |y: i32, m: u32| y * 12 + i32::try_from(m).unwrap() - 1;
    use chrono::Datelike;
    let ahead = (months(today.year(), today.month()) - months(2026, 10)).max(0);
    let n = months(2026, 10) + ahead;
    (format!("{}-{:02}", n / 12, n % 12 + 1), usize::try_from(ahead).unwrap())
}

/// acme's issued invoice as the PDF the console wrote: its file carries the number, and pdftotext reads the
/// number and the total a reader checks (skipped only without pdftotext and BILLOPS_REQUIRE_DOC_TOOLS).
fn pdf_shows_number_and_total(store: &Store) {
    let csv = store.ok("dave", &["invoices", "list", "--period", PERIOD, "--format", "csv"]);
    let row: Vec<String> = csv.lines().find(|l| l.contains(",acme,")).unwrap().split(',').map(String::from).collect();
    let (number, total) = (row[4].clone(), row[6].parse::<rust_decimal::Decimal>().unwrap());
    let exports = store.home().join("data").join("exports");
    let pdf = exports.join(format!("{number}.pdf"));
    assert!(std::fs::read(&pdf).unwrap().starts_with(b"%PDF-"), "{}", pdf.display());
    let Some(pdftotext) = std::env::split_paths(&std::env::var("PATH").unwrap_or_default())
        .map(|d| d.join("pdftotext"))
        .find(|p| p.is_file())
    else {
        assert_ne!(std::env::var("BILLOPS_REQUIRE_DOC_TOOLS").as_deref(), Ok("1"), "pdftotext is required");
        let _ = std::io::Write::write_all(&mut std::io::stderr(), b"pdftotext missing: the PDF's text is not read\n");
        return;
    };
    let o = std::process::Command::new(pdftotext).arg(&pdf).arg("-").output().unwrap();
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(text.contains(&number), "{number} in\n{text}");
    let shown = billops::documents::money(total, "USD");
    assert!(text.contains(&shown), "the total {shown} in\n{text}");
}

#[test]
fn e2e_month_from_blocked_board_to_signed_off_and_locked() {
    let store = Store::demo();
    let (payer, cost) = setup(&store);
    let mut t = store.console("alice");
    t.wait_for("alice (manager)");

    t.wait_for("Every linked account");
    // A month that has not ended (this one, or 2026-10 while it lasts) cannot be signed off, nor can an empty
    // month (2026-06: before the book's data): the board says why and the sign-off is refused.
    let (future, ahead) = future_month();
    t.keys(&"]".repeat(ahead));
    t.wait_for(&format!("period {future}"));
    t.wait_until("the future month's board", |s| s.contains("no data imported") && !s.contains("loading…"));
    t.keys("S");
    t.wait_for(&format!("cannot sign off {future}"));
    t.keys(&"[".repeat(ahead + 4));
    t.wait_for("period 2026-06");
    // an empty month says so (once its own board has loaded)
    t.wait_until("the empty month's board", |s| s.contains("no data imported") && !s.contains("loading…"));
    t.keys("S");
    t.wait_for("cannot sign off 2026-06");
    t.keys("]]]");
    t.wait_for("period 2026-09");

    // The board of September (the newest period, 2026-10, is estimated): blocked.
    let s = t.wait_until("the 2026-09 board", |s| s.contains("2026-09 due") && s.contains("Every linked account"));
    assert!(has_line(&s, &["Final data imported", "ok"]), "{s}");
    assert!(has_line(&s, &["Every linked account", "blocker"]), "{s}");
    assert!(has_line(&s, &["Credits and discounts", "blocker"]), "{s}");
    assert!(has_line(&s, &["Invoice drafts", "blocker"]), "{s}");

    // Imports: September's batches are in; importing one again is refused (nothing changes).
    t.keys("8");
    t.wait_for("import batches");
    t.wait_for("2026-09");
    t.keys("i");
    t.wait_for("import cost-and-usage files");
    t.keys("fixtures/demo/payer-953067412205-2026-09.csv.gz<enter>");
    t.wait_for("already imported");

    // Accounts: assign the unassigned account from the first day of the period shown.
    t.keys("3");
    t.wait_for("unassigned first");
    t.keys("/421209992505<enter>");
    t.wait_line(&["421209992505", "unassigned"]);
    t.keys("e");
    t.wait_for("assign account 421209992505");
    t.wait_for("2026-09-01");
    t.keys("hoo<tab>");
    t.wait_for("hooli");
    t.keys("<enter>");
    t.wait_for("assigned to hooli from 2026-09-01");
    t.keys("<esc>");

    // Variances (board item 5 jumps to the list in the Close pane): alice explains the largest one with the
    // suggested driver; bob explains the rest from the CLI.
    t.keys("1");
    t.wait_line(&["Variances over threshold", "blocker"]);
    t.keys("gjjjj<enter>");
    t.wait_for("what fixes it");
    t.keys("<enter>");
    t.wait_for("variances (v: board)");
    t.wait_for("to explain");
    t.keys("e");
    t.wait_for("driver (tab): usage_decline");
    t.keys("<down>checked with the customer<enter>");
    t.wait_for("2026-09 explained:");
    t.keys("<esc>");
    t.wait_for("month-end checklist");
    let o = store.run("dave", &["variance", PERIOD, "--format", "json"]);
    assert_eq!(o.status.code(), Some(4), "{}", stdout(&o));
    let view: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let rows = view["rows"].as_array().unwrap();
    let mine: Vec<&serde_json::Value> = rows.iter().filter(|r| r["state"] == "explained").collect();
    assert_eq!(mine.len(), 1, "{view:#}");
    assert_eq!(mine[0]["explanation"]["by"], "alice");
    for r in rows.iter().filter(|r| r["state"] != "explained") {
        let (c, svc) = (r["variance"]["customer"].as_str().unwrap(), r["variance"]["service"].as_str().unwrap());
        store.ok("bob", &["variance", "explain", PERIOD, c, svc, "--driver", "other", "--text", "reviewed"]);
    }
    assert_eq!(store.run("dave", &["variance", PERIOD]).status.code(), Some(0));

    // Credits: alice may not approve the credit she proposed; she approves bob's with a reason.
    t.keys("6");
    t.wait_line(&["CR-2", "proposed", "alice"]);
    t.wait_line(&["CR-1", "proposed", "bob"]);
    t.keys("ga");
    t.wait_for("you proposed credit CR-2");
    assert!(!t.screen().contains("approve credit CR-2"), "no approval prompt:\n{}", t.screen());
    t.keys("j");
    t.keys("a");
    t.wait_for("approve credit CR-1");
    t.keys("ticket 9 checked<enter>");
    t.wait_for("credit CR-1 approved");
    t.wait_line(&["CR-1", "approved", "globex"]);
    t.wait_line(&["CR-2", "proposed", "alice"]);

    // Invoices: generate the drafts (after the credit, so globex's draft carries it); review and approve acme's.
    t.keys("5");
    t.wait_for("invoices 2026-09");
    t.keys("n");
    t.wait_for("draft(s):");
    let s = t.wait_for("last generation");
    assert!(s.contains("created"), "{s}");
    t.keys("<esc>/acme<enter>");
    t.wait_line_loaded(&["acme", "draft"]);
    t.keys("w");
    t.wait_line_loaded(&["acme", "reviewed"]);
    t.keys("a");
    t.wait_line(&["acme", "approved"]);
    t.keys("<esc>");

    // The other 24 drafts: reviewed, then approved, in bulk (each a confirmed action with counts).
    t.wait_loaded("invoices 2026-09");
    t.keys("W");
    t.wait_for("review all 24 draft invoice(s) of 2026-09");
    t.keys("<enter>");
    t.wait_for("reviewed 24 of 24 invoice(s)");
    t.wait_loaded("invoices 2026-09");
    t.keys("A");
    t.wait_for("approve all 24 reviewed invoice(s) of 2026-09");
    t.keys("<enter>");
    t.wait_for("approved 24 of 24 invoice(s)");
    let all = invoices(&store);
    assert_eq!(all.len(), 25, "{all:?}");
    assert!(all.iter().all(|(_, _, st)| st == "approved"), "{all:?}");

    // Approved but unissued invoices block the board.
    t.keys("1");
    t.wait_line(&["Invoice drafts", "blocker"]);
    t.keys("5");
    t.wait_loaded("invoices 2026-09");

    // acme's invoice is issued (opened, confirmed), its PDF written from the console, its payment recorded.
    t.keys("/acme<enter>");
    t.wait_line_loaded(&["acme", "approved"]);
    t.keys("<enter>");
    t.wait_for("1. Supplier");
    t.keys("I");
    t.wait_for("with the next number?");
    t.keys("<enter>");
    t.wait_for("issued as INV-");
    t.keys("O");
    t.wait_for("wrote");
    t.keys("<esc>");
    t.wait_line_loaded(&["acme", "issued", "INV-"]);
    pdf_shows_number_and_total(&store);
    t.keys("P");
    t.wait_for("record a payment of INV-");
    t.keys("<down><down><down>wire 4711<enter>");
    t.wait_for("recorded against INV-");
    t.wait_line_loaded(&["acme", "paid"]);
    t.keys("<esc>");
    assert!(invoices(&store).iter().any(|(_, c, st)| c == "acme" && st == "paid"));
    let bal = store.ok("dave", &["balance", "acme", "--format", "json"]);
    assert!(bal.contains("\"last_payment_on\":\""), "{bal}");
    // bob's approved credit is on globex's draft; alice's October credit is not on acme's.
    let id_of = |c: &str| all.iter().find(|(_, cust, _)| cust == c).map(|(id, _, _)| id.clone()).unwrap();
    let globex = store.ok("dave", &["invoices", "show", &id_of("globex")]);
    assert!(has_line(&globex, &["goodwill credit CR-1", "-800"]), "{globex}");
    assert!(!store.ok("dave", &["invoices", "show", &id_of("acme")]).contains("CR-2"));
    // Issuing is part of the month: approved, unissued invoices block sign-off (and name the command that
    // issues them); the other 24 are issued in the console at once (`I` on the list, confirmed).
    let o = store.run("dave", &["close", "status", PERIOD]);
    assert!(stdout(&o).contains("24 approved invoice(s) not issued"), "{}", stdout(&o));
    assert!(stdout(&o).contains("billops invoices issue ID"), "{}", stdout(&o));
    t.keys("<ctrl-r>");
    t.wait_loaded("invoices 2026-09");
    t.keys("I");
    t.wait_for("issue all 24 approved invoice(s) of 2026-09, total");
    t.keys("<enter>");
    t.wait_for("issued 24 of 24 invoice(s)");
    assert!(invoices(&store).iter().all(|(_, _, st)| st == "issued" || st == "paid"), "{:?}", invoices(&store));

    // Recon: the last supplier invoice is entered in the console as a person types money: the payer's billed
    // cost to the cent, with separators (`461,581.42`); the rest is inside the tie-out's tolerance.
    t.keys("7");
    t.wait_loaded("tie-out 2026-09 per payer");
    t.wait_line(&[&payer, "no supplier inv"]);
    t.keys("n");
    t.wait_for("enter a supplier invoice for 2026-09");
    t.keys(&"<bs>".repeat(20));
    let typed = billops_domain::money::format_amount(cost.parse().unwrap(), "USD");
    t.keys(&format!("{payer}<down><down>SUP-{payer}-09<down>{typed}<enter>"));
    // The message line keeps what fits at 80 columns; `M` reads it whole.
    t.wait_for(&format!("supplier invoice SUP-{payer}-09 of payer {payer} for"));
    t.keys("M");
    t.wait_for(&format!("supplier invoice SUP-{payer}-09 of payer {payer} for 2026-09"));
    t.wait_for(&format!("entered: {typed} USD"));
    t.keys("<esc>");
    // Every payer tied; the one typed to the cent within the tolerance.
    let ok = |l: &str| l.contains("tied") || l.contains("in tolerance");
    let s = t.wait_until("three payers tied", |s| s.lines().filter(|l| ok(l)).count() >= 3);
    for p in ["731245098812", "842156730019", "953067412205"] {
        assert!(s.lines().any(|l| l.contains(p) && ok(l)), "{p}:\n{s}");
    }
    assert!(has_line(&s, &[&payer, "in tolerance"]), "{s}");

    // The board: no blocker left (onboarding and the sign-off itself only warn); sign off and see LOCKED.
    // Supplier credits no customer credit passes on block (the shared setting may make them a warning, which a
    // manager does here from the CLI: the board of every operator changes with it).
    t.keys("1");
    let s = t.wait_line(&["Invoice drafts", "ok"]);
    assert!(has_line(&s, &["Credits and discounts", "blocker", "4 supplier credit(s) not pass"]), "{s}");
    let o = store.run("alice", &["close", "signoff", PERIOD]);
    assert!(String::from_utf8_lossy(&o.stderr).contains("billops credits unreached --period 2026-09"), "{o:?}");
    store.ok("alice", &["close", "set", "unreached_credits", "warn"]);
    t.keys("<ctrl-r>");
    let s = t.wait_line(&["Credits and discounts", "warning"]);
    for item in [
        "Final data imported",
        "Every linked account",
        "Supplier invoices entered",
        "Variances over threshold",
        "Invoice drafts",
    ] {
        assert!(has_line(&s, &[item, "ok"]), "{item}:\n{s}");
    }
    // Every one of the eight rows is ok or a warning: none blocks ("blockers / warnings" is the header).
    let rows: Vec<&str> = s.lines().filter(|l| (1..=8).any(|n| l.starts_with(&format!("│{n} ")))).collect();
    assert_eq!(rows.len(), 8, "{s}");
    assert!(rows.iter().all(|l| l.contains("✓ ok") || l.contains("! warning")), "{s}");
    assert!(s.contains("✓ ready: S signs off"), "{s}");
    let o = store.run("dave", &["close", "status", PERIOD]);
    assert_eq!(o.status.code(), Some(0), "ready: {}", stdout(&o));
    assert!(stdout(&o).contains("ready for sign-off"), "{}", stdout(&o));
    t.keys("S");
    t.wait_for("sign off 2026-09 and LOCK it?");
    t.keys("month closed<enter>");
    t.wait_for("2026-09 signed off by alice");
    let s = t.wait_line(&["Manager sign-off", "ok", "signed off by alice"]);
    assert!(s.contains("LOCKED"), "{s}");

    // The locked month refuses edits: an assignment effective in September, and regenerating its drafts.
    t.keys("3");
    t.wait_for("linked accounts");
    t.keys("/421209992505<enter>");
    t.wait_line(&["421209992505", "hooli"]);
    t.keys("e");
    t.wait_for("assign account 421209992505");
    t.keys("<bs><bs><bs><bs><bs>acme<enter>");
    t.wait_for("period 2026-09 is locked");
    t.wait_line(&["421209992505", "hooli"]);
    t.keys("5");
    t.wait_for("invoices 2026-09");
    t.keys("n");
    t.wait_for("draft generation failed: period 2026-09 is locked");
    t.quit();

    let o = store.run("dave", &["close", "status", PERIOD]);
    let out = stdout(&o);
    assert_eq!(o.status.code(), Some(0), "signed off: {out}");
    assert!(out.contains("LOCKED") && out.contains("signed off and locked"), "{out}");
    assert!(has_line(&out, &["Manager sign-off", "ok", "signed off by alice"]), "{out}");
    let o = store.run("bob", &["accounts", "assign", "421209992505", "acme", "--from", "2026-09-15"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("period 2026-09 is locked (signed off by alice)"));
    // A price rule may not re-price the locked month; without --from it starts in the first open one.
    let o = store.run("bob", &["pricebook", "add", "acme", "--markup", "5", "--from", "2026-09-01"]);
    assert!(String::from_utf8_lossy(&o.stderr).contains("period 2026-09 is locked"), "{}", stdout(&o));
    store.ok("bob", &["pricebook", "add", "acme", "--markup", "5"]);
    let rules = store.ok("dave", &["pricebook", "list", "acme", "--format", "csv"]);
    assert!(has_line(&rules, &["markup 5%", "2026-10-01"]), "{rules}");
}
