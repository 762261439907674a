//! The console under a pseudo-terminal for the month bench: the real `billops` binary in 80x24 (NO_COLOR=1,
//! BILLOPS_USER=bench), its screen parsed by vt100, keys written, VmRSS/VmHWM read from /proc.
use std::fs;
use std::io::{Read, Write};
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use portable_pty::{CommandBuilder, PtySize, native_pty_system};

/// How long a screen may take to show what is awaited.
const WAIT: Duration = Duration::from_secs(60);

pub struct Pty {
    child: Box<dyn portable_pty::Child + Send + Sync>,
    parser: Arc<Mutex<vt100::Parser>>,
    writer: Box<dyn Write + Send>,
}

impl Pty {
    pub fn spawn(bin: &Path, url: &str, home: &Path) -> (Pty, Instant) {
        let pty = native_pty_system().openpty(PtySize { rows: 24, cols: 80, pixel_width: 0, pixel_height: 0 }).unwrap();
        let mut cmd = CommandBuilder::new(bin);
        cmd.args(["--db", url]);
        for (k, v) in [("NO_COLOR", "1"), ("TERM", "xterm-256color"), ("LANG", "C.UTF-8"), ("BILLOPS_USER", "bench")] {
            cmd.env(k, v);
        }
        cmd.env("BILLOPS_DATA_DIR", home.join("data"));
        cmd.env("BILLOPS_CONFIG_DIR", home.join("config"));
        cmd.env_remove("BILLOPS_DATABASE_URL");
        let parser = Arc::new(Mutex::new(vt100::Parser::new(
            std::num::NonZeroU16::new(24).unwrap(),
            std::num::NonZeroU16::new(80).unwrap(),
            0,
        )));
        let mut reader = pty.master.try_clone_reader().unwrap();
        let writer = pty.master.take_writer().unwrap();
        let t0 = Instant::now();
        let child = pty.slave.spawn_command(cmd).unwrap();
        drop(pty.slave);
        let p = parser.clone();
        std::thread::spawn(move || {
            let mut buf = [0u8; 16384];
            loop {
                match reader.read(&mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => p.lock().unwrap().process(&buf[..n]),
                }
            }
        });
        std::mem::forget(pty.master);
        (Pty { child, parser, writer }, t0)
    }

    pub fn screen(&self) -> String {
        self.parser.lock().unwrap().screen().contents()
    }

    /// Poll the screen every 0.5 ms until `ok`; the time since `t0`.
    pub fn until(&self, t0: Instant, what: &str, ok: impl Fn(&str) -> bool) -> (Duration, String) {
        loop {
            let s = self.screen();
            if ok(&s) {
                return (t0.elapsed(), s);
            }
            if s.contains("billops: ") {
                panic!("billops failed while waiting for {what}:\n{s}");
            }
            if t0.elapsed() > WAIT {
                panic!("timed out waiting for {what}; screen:\n{s}");
            }
            std::thread::sleep(Duration::from_micros(500));
        }
    }

    pub fn press(&mut self, key: &[u8]) -> Instant {
        let t0 = Instant::now();
        self.writer.write_all(key).unwrap();
        self.writer.flush().unwrap();
        t0
    }

    pub fn status(&self) -> (u64, u64) {
        let pid = self.child.process_id().unwrap();
        let s = fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
        let kb = |k: &str| -> u64 {
            s.lines()
                .find(|l| l.starts_with(k))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse().ok())
                .unwrap_or(0)
        };
        (kb("VmRSS:"), kb("VmHWM:"))
    }
}

impl Drop for Pty {
    fn drop(&mut self) {
        let _ = self.writer.write_all(b"q");
        let _ = self.writer.flush();
        let t0 = Instant::now();
        while t0.elapsed() < Duration::from_secs(5) {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        let _ = self.child.kill();
    }
}
