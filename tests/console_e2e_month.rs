//! End to end, a whole month (issue 5): the real binary in a pseudo-terminal at 80x24 with NO_COLOR=1 on a
//! copy of the demo store, driven as an operator would, all the way to a green board and a locked month.
//!
//! CLI setup: bob proposes a credit over the maker-checker threshold, alice proposes one too, and the supplier
//! invoices of 2026-09 are entered at each payer's imported billed cost (read with `costs --by payer`).
//! Console as alice: the board starts blocked; a re-import is refused; the unassigned account is assigned from
//! 2026-09-01; board item 5 jumps to the variance list, where alice explains one (the CLI the rest); alice is
//! refused on her own credit and approves bob's; drafts are generated, one is reviewed
//! and approved in the console (the rest from the CLI, then a reload); Recon is tied; the board has no
//! blocker; sign-off locks 2026-09; assigning and regenerating in 2026-09 are then refused with the lock.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::{Read, Write};
use std::path::PathBuf;
use std::process::{Command, Output};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use portable_pty::{Child, CommandBuilder, PtySize, native_pty_system};

const BIN: &str = env!("CARGO_BIN_EXE_billops");
const WAIT: Duration = Duration::from_secs(30);
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

    fn data_dir(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    fn config_dir(&self) -> PathBuf {
        self.dir.path().join("config")
    }

    fn run(&self, user: &str, args: &[&str]) -> Output {
        Command::new(BIN)
            .args(["--db", &self.url()])
            .args(args)
            .env("BILLOPS_USER", user)
            .env("BILLOPS_DATA_DIR", self.data_dir())
            .env("BILLOPS_CONFIG_DIR", self.config_dir())
            .env_remove("BILLOPS_DATABASE_URL")
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .output()
            .unwrap()
    }

    /// Run and require exit 0; the standard output.
    fn ok(&self, user: &str, args: &[&str]) -> String {
        let o = self.run(user, args);
        assert!(o.status.success(), "{user} {args:?}: {}{}", stdout(&o), String::from_utf8_lossy(&o.stderr));
        stdout(&o)
    }
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// The console in a pseudo-terminal; vt100 keeps the screen.
struct Tui {
    child: Box<dyn Child + Send + Sync>,
    parser: Arc<Mutex<vt100::Parser>>,
    writer: Box<dyn Write + Send>,
}

impl Tui {
    fn start(store: &Store, user: &str) -> Tui {
        let pty = native_pty_system().openpty(PtySize { rows: 24, cols: 80, pixel_width: 0, pixel_height: 0 }).unwrap();
        let mut cmd = CommandBuilder::new(BIN);
        cmd.args(["--db", &store.url()]);
        cmd.env("NO_COLOR", "1");
        cmd.env("TERM", "xterm-256color");
        cmd.env("LANG", "C.UTF-8");
        cmd.env("BILLOPS_USER", user);
        cmd.env("BILLOPS_DATA_DIR", store.data_dir());
        cmd.env("BILLOPS_CONFIG_DIR", store.config_dir());
        cmd.env_remove("BILLOPS_DATABASE_URL");
        cmd.cwd(env!("CARGO_MANIFEST_DIR"));
        let child = pty.slave.spawn_command(cmd).unwrap();
        drop(pty.slave);
        let parser = Arc::new(Mutex::new(vt100::Parser::new(
            std::num::NonZeroU16::new(24).unwrap(),
            std::num::NonZeroU16::new(80).unwrap(),
            0,
        )));
        let mut reader = pty.master.try_clone_reader().unwrap();
        let p = parser.clone();
        std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            loop {
                match reader.read(&mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => p.lock().unwrap().process(&buf[..n]),
                }
            }
        });
        let writer = pty.master.take_writer().unwrap();
        // Keep the master alive as long as the writer (dropping it hangs up the child).
        std::mem::forget(pty.master);
        Tui { child, parser, writer }
    }

    fn screen(&self) -> String {
        self.parser.lock().unwrap().screen().contents()
    }

    fn wait_for(&self, text: &str) -> String {
        self.wait_until(text, |s| s.contains(text))
    }

    fn wait_until(&self, what: &str, ok: impl Fn(&str) -> bool) -> String {
        let start = Instant::now();
        loop {
            let s = self.screen();
            if ok(&s) {
                return s;
            }
            if start.elapsed() > WAIT {
                panic!("timed out waiting for {what:?}; screen:\n{s}");
            }
            std::thread::sleep(Duration::from_millis(25));
        }
    }

    /// Wait for a line holding every one of `parts`.
    fn wait_line(&self, parts: &[&str]) -> String {
        self.wait_until(&parts.join(" … "), |s| has_line(s, parts))
    }

    /// [`Tui::wait_line`] with nothing still loading: keys then act on fresh rows, not on a list being reloaded.
    fn wait_fresh_line(&self, parts: &[&str]) -> String {
        self.wait_until(&parts.join(" … "), |s| has_line(s, parts) && !s.contains("loading…"))
    }

    /// Send keys: plain text, or named keys in angle brackets (`<enter>`, `<esc>`, `<tab>`, `<down>`, `<ctrl-r>`).
    fn keys(&mut self, keys: &str) {
        let mut rest = keys;
        while !rest.is_empty() {
            let (bytes, used): (Vec<u8>, usize) = if let Some(r) = rest.strip_prefix('<') {
                let end = r.find('>').unwrap();
                let b: &[u8] = match &r[..end] {
                    "enter" => b"\r",
                    "esc" => b"\x1b",
                    "tab" => b"\t",
                    "down" => b"\x1b[B",
                    "up" => b"\x1b[A",
                    "ctrl-r" => b"\x12",
                    "bs" => b"\x7f",
                    other => panic!("unknown key {other}"),
                };
                (b.to_vec(), end + 2)
            } else {
                let ch = rest.chars().next().unwrap();
                (ch.to_string().into_bytes(), ch.len_utf8())
            };
            self.writer.write_all(&bytes).unwrap();
            self.writer.flush().unwrap();
            rest = &rest[used..];
            // A lone ESC must not merge with the next key into an Alt sequence.
            std::thread::sleep(Duration::from_millis(if bytes == b"\x1b" { 120 } else { 15 }));
        }
    }

    fn quit(mut self) {
        self.keys("q");
        let start = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                assert!(status.success(), "exit status {status:?}");
                break;
            }
            assert!(start.elapsed() < WAIT, "did not exit after q; screen:\n{}", self.screen());
            std::thread::sleep(Duration::from_millis(25));
        }
    }
}

impl Drop for Tui {
    fn drop(&mut self) {
        let _ = self.child.kill();
    }
}

fn has_line(screen: &str, parts: &[&str]) -> bool {
    screen.lines().any(|l| parts.iter().all(|p| l.contains(p)))
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

fn setup(store: &Store) {
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
    assert_eq!(lines.next(), Some("payer,cost"), "{csv}");
    let payers: Vec<(String, String)> = lines
        .map(|l| {
            let (p, c) = l.split_once(',').unwrap();
            (p.to_string(), c.to_string())
        })
        .collect();
    assert_eq!(payers.len(), 3, "{csv}");
    for (payer, cost) in &payers {
        let number = format!("SUP-{payer}-09");
        store.ok("bob", &["supplier", "add", payer, PERIOD, "--number", &number, "--amount", cost]);
    }
    let o = store.run("dave", &["close", "status", PERIOD]);
    assert_eq!(o.status.code(), Some(4), "not ready yet: {}", stdout(&o));
}

#[test]
fn e2e_month_from_blocked_board_to_signed_off_and_locked() {
    let store = Store::demo();
    setup(&store);
    let mut t = Tui::start(&store, "alice");
    t.wait_for("alice (manager)");

    // The board of September (the newest period, 2026-10, is estimated): blocked.
    t.wait_for("Every linked account");
    t.keys("[");
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
    t.wait_fresh_line(&["acme", "draft"]);
    t.keys("w");
    t.wait_fresh_line(&["acme", "reviewed"]);
    t.keys("a");
    t.wait_line(&["acme", "approved"]);
    t.keys("<esc>");

    // The other 24 drafts: bob reviews and alice approves them from the CLI; the console reloads.
    let all = invoices(&store);
    assert_eq!(all.len(), 25, "{all:?}");
    assert!(all.iter().any(|(_, c, st)| c == "acme" && st == "approved"), "{all:?}");
    for (id, _, st) in &all {
        if st != "approved" {
            store.ok("bob", &["invoices", "review", id]);
            store.ok("alice", &["invoices", "approve", id]);
        }
    }
    assert!(invoices(&store).iter().all(|(_, _, st)| st == "approved"));
    // bob's approved credit is on globex's draft; alice's October credit is not on acme's.
    let id_of = |c: &str| all.iter().find(|(_, cust, _)| cust == c).map(|(id, _, _)| id.clone()).unwrap();
    let globex = store.ok("dave", &["invoices", "show", &id_of("globex")]);
    assert!(has_line(&globex, &["goodwill credit CR-1", "-800"]), "{globex}");
    assert!(!store.ok("dave", &["invoices", "show", &id_of("acme")]).contains("CR-2"));
    t.keys("<ctrl-r>");

    // Recon: every payer tied.
    t.keys("7");
    t.wait_for("tie-out 2026-09 per payer");
    let s = t.wait_until("three payers tied", |s| s.lines().filter(|l| l.contains("tied")).count() >= 3);
    for payer in ["731245098812", "842156730019", "953067412205"] {
        assert!(has_line(&s, &[payer, "tied"]), "{payer}:\n{s}");
    }

    // The board: no blocker left (onboarding and the sign-off itself only warn); sign off and see LOCKED.
    t.keys("1");
    let s = t.wait_line(&["Invoice drafts", "ok"]);
    for item in [
        "Final data imported",
        "Every linked account",
        "Supplier invoices entered",
        "Credits and discounts",
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
}
