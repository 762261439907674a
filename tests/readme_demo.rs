//! The README's first command, `cargo run --release -- --demo`, as a newcomer meets it (the release build
//! aside): on a data dir with nothing in it, `billops --demo` says it is building the demo, builds it in the
//! data dir, opens the console on it and quits with `q`. CI runs this in a fresh clone with nothing beside it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod pty_common;

use std::time::{Duration, Instant};

use pty_common::Tui;

#[test]
fn e2e_readme_demo_flag_builds_the_demo_and_starts_the_console() {
    let home = tempfile::tempdir().unwrap();
    let t0 = Instant::now();
    let t = Tui::spawn("", home.path(), "newcomer", &["--demo"]);
    // Building the demo book takes a while in a debug build on a busy machine: allow more than one WAIT.
    loop {
        let s = t.screen();
        if s.contains("month-end checklist") && s.contains("newcomer") {
            break;
        }
        assert!(t0.elapsed() < Duration::from_secs(180), "the console did not start; screen:\n{s}");
        std::thread::sleep(Duration::from_millis(50));
    }
    eprintln!("billops --demo: console up after {:.1} s (demo built on first use)", t0.elapsed().as_secs_f64());
    assert!(t.data_dir().join("demo.db").exists());
    t.quit();
}
