//! The PostgreSQL store pushes its changes: a console open on it hears another writer's commit through
//! LISTEN/NOTIFY (migration 0017) and reloads at once, long before its 30 s safety tick would look.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod pg_common;
mod pty_common;

use std::time::{Duration, Instant};

use pg_common::{PgStore, text};
use pty_common::{Tui, cli};

#[test]
fn a_console_on_postgres_hears_another_writer_at_once() {
    let Some(pg) = PgStore::new("watch_listen") else { return };
    let dir = tempfile::tempdir().unwrap();
    let url = pg.owner_url();
    let made = cli(&url, dir.path(), "ignored-on-postgres", &["customers", "list"]);
    assert!(made.status.success(), "the store is created: {}", text(&made));

    let mut t = Tui::spawn(&url, dir.path(), "ignored-on-postgres", &[]);
    t.wait_for("billops");
    t.keys("9");
    t.wait_loaded("audit log");
    let wrote = Instant::now();
    let out = cli(&url, dir.path(), "ignored-on-postgres", &["customers", "add", "zeta", "Zeta Freight"]);
    assert!(out.status.success(), "{}", text(&out));
    t.wait_for("customer changed (another console or command): reloaded");
    let took = wrote.elapsed();
    assert!(
        took < Duration::from_secs(10),
        "heard by the push, not the 30 s tick (took {took:?}; the CLI alone is well under a second)"
    );
    t.wait_line(&["customer.add", "zeta"]);
    t.quit();
}
