//! `billops migrate`: a store made by an older billops (batches without rating rollups) is refused by every
//! other command with exit 7 naming it; a viewer cannot run it; an operator can, and then the store opens.
#![allow(clippy::unwrap_used, clippy::expect_used)]
mod common;

use common::{Demo, text};
use sqlx::ConnectOptions;

async fn make_old(db: &str) {
    let path = db.trim_start_matches("sqlite:");
    let mut c = sqlx::sqlite::SqliteConnectOptions::new().filename(path).connect().await.unwrap();
    // before 0004: no rating rollups; before 0015: rollups without their currency (what 0015 leaves: -1, pending);
    // before 0021: no summary by customer and service (what 0021 leaves: every batch pending)
    for sql in [
        "DELETE FROM rating_rollups",
        "DELETE FROM rating_rollup_batches",
        "UPDATE cost_rollups SET currency = -1",
        "UPDATE resource_rollups SET currency = -1",
        "INSERT INTO rollup_currency_pending SELECT id FROM import_batches WHERE content_hash IS NOT NULL \
         AND last_item_id >= first_item_id",
        "DELETE FROM service_rollups",
        "INSERT INTO service_rollup_pending SELECT id FROM import_batches WHERE content_hash IS NOT NULL",
    ] {
        sqlx::query(sql).execute(&mut c).await.unwrap();
    }
}

#[tokio::test]
async fn an_old_store_is_refused_until_an_operator_migrates_it() {
    let d = Demo::new();
    d.ok("tester", &["users", "add", "tester", "--role", "manager"]);
    d.ok("tester", &["users", "add", "vera", "--role", "viewer"]);
    let before = d.ok("tester", &["costs", "--period", "2026-05", "--by", "customer", "--format", "csv"]);
    make_old(&d.db).await;

    let o = d.run("tester", &["costs", "--period", "2026-05", "--by", "customer"]);
    assert_eq!(o.status.code(), Some(7), "{}", text(&o));
    assert!(text(&o).contains("billops migrate") && !text(&o).contains("panicked"), "{}", text(&o));

    let o = d.run("vera", &["migrate"]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(text(&o).contains("needs the operator role"), "{}", text(&o));

    let o = d.run("tester", &["migrate"]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("back-filled for") && text(&o).contains("100%"), "{}", text(&o));
    let after = d.ok("tester", &["costs", "--period", "2026-05", "--by", "customer", "--format", "csv"]);
    assert_eq!(before, after);
    assert!(d.ok("tester", &["migrate"]).contains("nothing to migrate"));
}
