//! End to end: the real binary in a pseudo-terminal at 80x24 with NO_COLOR=1 on the demo store; type keys,
//! wait for text on the screen (vt100 keeps the screen). Needs the CLI (`billops --db URL demo`, the console
//! as the default command, `BILLOPS_USER`) and the demo book.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use portable_pty::{Child, CommandBuilder, PtySize, native_pty_system};

const BIN: &str = env!("CARGO_BIN_EXE_billops");
const WAIT: Duration = Duration::from_secs(20);

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

struct Tui {
    child: Box<dyn Child + Send + Sync>,
    parser: Arc<Mutex<vt100::Parser>>,
    writer: Box<dyn Write + Send>,
    dir: tempfile::TempDir,
    /// One console at a time: on a 2-core machine parallel consoles starve each other's redraws.
    _serial: std::sync::MutexGuard<'static, ()>,
}

static SERIAL: Mutex<()> = Mutex::new(());

impl Tui {
    fn start(user: &str, extra: &[&str]) -> Tui {
        Tui::start_with(user, extra, &[])
    }

    /// Start after running CLI commands (`(user, args)`) on the copied store.
    fn start_with(user: &str, extra: &[&str], setup: &[(&str, &[&str])]) -> Tui {
        let serial = SERIAL.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let template = demo_template();
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("demo.db");
        std::fs::copy(template.join("demo.db"), &db).unwrap();
        // The store leaves its write-ahead log un-checkpointed at exit: copy it too, or recent writes are lost.
        let wal = template.join("demo.db-wal");
        if wal.exists() {
            std::fs::copy(&wal, dir.path().join("demo.db-wal")).unwrap();
        }
        for (who, args) in setup {
            let out = std::process::Command::new(BIN)
                .args(["--db", &format!("sqlite:{}", db.display())])
                .args(*args)
                .env("BILLOPS_USER", who)
                .env("BILLOPS_DATA_DIR", dir.path().join("data"))
                .env("BILLOPS_CONFIG_DIR", dir.path().join("config"))
                .env_remove("BILLOPS_DATABASE_URL")
                .output()
                .unwrap();
            assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
        }
        let pty = native_pty_system().openpty(PtySize { rows: 24, cols: 80, pixel_width: 0, pixel_height: 0 }).unwrap();
        let mut cmd = CommandBuilder::new(BIN);
        cmd.args(["--db", &format!("sqlite:{}", db.display())]);
        cmd.args(extra);
        cmd.env("NO_COLOR", "1");
        cmd.env("TERM", "xterm-256color");
        cmd.env("LANG", "C.UTF-8");
        cmd.env("BILLOPS_USER", user);
        cmd.env("BILLOPS_DATA_DIR", dir.path().join("data"));
        cmd.env("BILLOPS_CONFIG_DIR", dir.path().join("config"));
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
        Tui { child, parser, writer, dir, _serial: serial }
    }

    fn screen(&self) -> String {
        self.parser.lock().unwrap().screen().contents()
    }

    fn wait_for(&self, text: &str) -> String {
        self.wait_until(text, |s| s.contains(text))
    }

    /// `text` on screen and nothing still loading: keys act on fresh rows, not on a list being reloaded.
    fn wait_loaded(&self, text: &str) -> String {
        self.wait_until(text, |s| s.contains(text) && !s.contains("loading…"))
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

    /// Send keys: plain text, or named keys in angle brackets (`<enter>`, `<esc>`, `<tab>`, `<down>`).
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
                    "left" => b"\x1b[D",
                    "right" => b"\x1b[C",
                    "space" => b" ",
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

    fn data_dir(&self) -> PathBuf {
        self.dir.path().join("data")
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
        std::thread::sleep(Duration::from_millis(100));
        let p = self.parser.lock().unwrap();
        assert!(!p.screen().alternate_screen(), "the alternate screen was left");
    }
}

impl Drop for Tui {
    fn drop(&mut self) {
        let _ = self.child.kill();
    }
}

#[test]
fn e2e_drill_from_customer_to_component_and_back() {
    let mut t = Tui::start("alice", &[]);
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
    let mut t = Tui::start("bob", &[]);
    t.wait_for("bob (operator)");
    t.keys("3");
    t.wait_for("unassigned first");
    t.keys("/421209992505<enter>");
    let s = t.wait_for("/421209992505");
    assert!(s.lines().any(|l| l.contains("421209992505") && l.contains("unassigned")), "{s}");
    t.keys("e");
    t.wait_for("assign account 421209992505");
    t.keys("hoo<tab>");
    t.wait_for("hooli");
    t.keys("<enter>");
    t.wait_for("assigned to hooli");
    t.wait_until("421209992505 assigned", |s| {
        s.lines().any(|l| l.contains("421209992505") && l.contains("hooli") && !l.contains("unassigned"))
    });
    t.quit();
}

#[test]
fn e2e_import_a_file_and_see_its_batch_and_issues() {
    let mut t = Tui::start("bob", &[]);
    t.wait_for("bob (operator)");
    t.keys("8");
    t.wait_for("import batches");
    t.keys("i");
    t.wait_for("import cost-and-usage files");
    t.keys("fixtures/quirks/bad_r<tab>");
    t.wait_for("fixtures/quirks/bad_rows.csv");
    t.keys("<enter>");
    t.wait_for("imported bad_rows.csv");
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
    let mut t = Tui::start("dave", &[]);
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
    assert!(csv.starts_with("code,name,accts,cost,last period,change\nacme,"), "{csv}");
    assert_eq!(csv.lines().count(), 2);
    t.quit();
}

#[test]
fn e2e_a_viewer_cannot_write() {
    let mut t = Tui::start("dave", &[]);
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
    let mut t = Tui::start("alice", &["--read-only"]);
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
    let mut t = Tui::start_with("alice", &[], &[("alice", propose)]);
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
    // Enter on the supplier item jumps to Recon.
    t.keys("jj<enter>");
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
