//! The pty harness of the console end-to-end tests (shared by `console_e2e.rs` and `console_e2e_month.rs`):
//! the real binary in an 80x24 pseudo-terminal with NO_COLOR=1, its screen kept by a vt100 parser; keys are
//! typed, text is waited for. One console at a time per test binary: on a 2-core machine parallel consoles
//! starve each other's redraws.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use portable_pty::{Child, CommandBuilder, PtySize, native_pty_system};

pub const BIN: &str = env!("CARGO_BIN_EXE_billops");
pub const WAIT: Duration = Duration::from_secs(30);

static SERIAL: Mutex<()> = Mutex::new(());

/// Run the CLI on `url` as `user` (data and config folders under `home`).
pub fn cli(url: &str, home: &Path, user: &str, args: &[&str]) -> Output {
    Command::new(BIN)
        .args(["--db", url])
        .args(args)
        .env("BILLOPS_USER", user)
        .env("BILLOPS_DATA_DIR", home.join("data"))
        .env("BILLOPS_CONFIG_DIR", home.join("config"))
        .env_remove("BILLOPS_DATABASE_URL")
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap()
}

/// A demo store built in `dir` (`billops demo`): its URL.
pub fn demo_store(dir: &Path) -> String {
    let url = format!("sqlite:{}", dir.join("demo.db").display());
    let out = Command::new(BIN)
        .args(["--db", &url, "demo"])
        .env("BILLOPS_DATA_DIR", dir.join("data"))
        .env("BILLOPS_CONFIG_DIR", dir.join("config"))
        .output()
        .unwrap();
    assert!(out.status.success(), "billops demo: {}", String::from_utf8_lossy(&out.stderr));
    url
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// Whether a line of `screen` holds every one of `parts`.
pub fn has_line(screen: &str, parts: &[&str]) -> bool {
    screen.lines().any(|l| parts.iter().all(|p| l.contains(p)))
}

/// The console in a pseudo-terminal.
pub struct Tui {
    child: Box<dyn Child + Send + Sync>,
    parser: Arc<Mutex<vt100::Parser>>,
    writer: Box<dyn Write + Send>,
    home: PathBuf,
    /// A folder the console's store lives in, removed when the console is dropped.
    dir: Option<tempfile::TempDir>,
    _serial: MutexGuard<'static, ()>,
}

impl Tui {
    /// `billops --db URL EXTRA…` as `user`, with data and config folders under `home` (an empty `url`: no `--db`).
    pub fn spawn(url: &str, home: &Path, user: &str, extra: &[&str]) -> Tui {
        let serial = SERIAL.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let pty = native_pty_system().openpty(PtySize { rows: 24, cols: 80, pixel_width: 0, pixel_height: 0 }).unwrap();
        let mut cmd = CommandBuilder::new(BIN);
        if !url.is_empty() {
            cmd.args(["--db", url]);
        }
        cmd.args(extra);
        cmd.env("NO_COLOR", "1");
        cmd.env("TERM", "xterm-256color");
        cmd.env("LANG", "C.UTF-8");
        cmd.env("BILLOPS_USER", user);
        cmd.env("BILLOPS_DATA_DIR", home.join("data"));
        cmd.env("BILLOPS_CONFIG_DIR", home.join("config"));
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
        Tui { child, parser, writer, home: home.to_path_buf(), dir: None, _serial: serial }
    }

    /// Keep `dir` (the store's folder) until the console is dropped.
    pub fn owning(mut self, dir: tempfile::TempDir) -> Tui {
        self.dir = Some(dir);
        self
    }

    pub fn data_dir(&self) -> PathBuf {
        self.home.join("data")
    }

    pub fn screen(&self) -> String {
        self.parser.lock().unwrap().screen().contents()
    }

    pub fn wait_for(&self, text: &str) -> String {
        self.wait_until(text, |s| s.contains(text))
    }

    /// `text` on screen and nothing still loading: keys act on fresh rows, not on a list being reloaded.
    pub fn wait_loaded(&self, text: &str) -> String {
        self.wait_until(text, |s| s.contains(text) && !s.contains("loading…"))
    }

    /// A line holding every one of `parts`.
    pub fn wait_line(&self, parts: &[&str]) -> String {
        self.wait_until(&parts.join(" … "), |s| has_line(s, parts))
    }

    /// A line holding every one of `parts`, and nothing loading.
    pub fn wait_line_loaded(&self, parts: &[&str]) -> String {
        self.wait_until(&parts.join(" … "), |s| has_line(s, parts) && !s.contains("loading…"))
    }

    pub fn wait_until(&self, what: &str, ok: impl Fn(&str) -> bool) -> String {
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

    /// Send keys: plain text, or named keys in angle brackets (`<enter>`, `<esc>`, `<tab>`, `<down>`, `<up>`,
    /// `<left>`, `<right>`, `<space>`, `<bs>`, `<ctrl-r>`).
    pub fn keys(&mut self, keys: &str) {
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
                    "bs" => b"\x7f",
                    "ctrl-r" => b"\x12",
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

    /// `q`, a clean exit, and the alternate screen left.
    pub fn quit(mut self) {
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
