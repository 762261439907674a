//! Hostile text in the console (issue 19): tag values from a cost file holding terminal control sequences, a
//! right-to-left override, joiners and formula prefixes, on a real store. The screen never carries a control
//! character (ESC, BEL …) and the `x` export guards formula cells like every CSV billops writes.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod console_common;

use std::sync::Arc;

use billops::console::Cmd;
use billops::console::state::ViewKey;
use billops_domain::{Dim, Role};
use billops_store::{Actor, ImportChunk, ImportMeta, NewCustomer, Store};
use chrono::{NaiveDate, TimeZone, Utc};
use console_common::store::{Harness, item};
use console_common::{screen, theme};

const CONTROL: &str = "crm\u{1b}[2J\u{1b}[H\u{1b}[41mHACKED\u{1b}]2;PWNED\u{7}";

async fn hostile_store() -> (tempfile::TempDir, Arc<dyn Store>) {
    let dir = tempfile::tempdir().unwrap();
    let store = billops_store::open(&format!("sqlite:{}", dir.path().join("h.db").display())).await.unwrap();
    let by = Actor { name: "setup".into(), at: Utc.with_ymd_and_hms(2026, 6, 1, 8, 0, 0).unwrap() };
    store.set_user("setup", Role::Manager, &by).await.unwrap();
    store.set_user("alice", Role::Manager, &by).await.unwrap();
    let evil =
        NewCustomer { code: "EVIL".into(), name: "=HYPERLINK(\"http://evil\",\"x\")".into(), currency: "USD".into() };
    store.add_customer(&evil, &by).await.unwrap();
    let items = vec![
        item("2026-05", "300000000001", "AmazonEC2", CONTROL, "web\u{7}", "i-\u{1b}[31m1", "10"),
        item("2026-05", "300000000001", "AmazonEC2", "=HYPERLINK(\"http://evil\",\"x\")", "-2+3", "i-2", "-1.50"),
        item(
            "2026-05",
            "300000000001",
            "AmazonS3",
            "rtl\u{200f}\u{202e}exe.txt",
            "zwj\u{1f469}\u{200d}\u{1f4bb}",
            "b-1",
            "3",
        ),
    ];
    let (tx, rx) = tokio::sync::mpsc::channel(4);
    tokio::spawn(async move {
        tx.send(ImportChunk::Items(items)).await.unwrap();
        tx.send(ImportChunk::End { content_hash: "hostile".into(), rows_read: 3 }).await.unwrap();
    });
    let meta =
        ImportMeta { file_name: "hostile.csv".into(), format: "focus".into(), run_id: "r1".into(), by: by.clone() };
    store.import(&meta, rx).await.unwrap();
    store.assign_account("300000000001", "EVIL", NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(), &by).await.unwrap();
    (dir, store)
}

fn assert_no_control(s: &str, what: &str) {
    let bad: Vec<char> = s.chars().filter(|&c| c.is_control() && c != '\n').collect();
    assert!(bad.is_empty(), "{what}: control characters {bad:?} on screen:\n{s}");
}

#[tokio::test]
async fn hostile_tags_render_without_control_characters_and_export_guarded() {
    let (dir, store) = hostile_store().await;
    let mut h = Harness::customers(store, Role::Viewer, dir.path().into()).await;
    let t = theme();
    assert_no_control(&screen(&h.state, &t, 160, 48), "customers");
    h.cmd(Cmd::PaneCosts).await;
    h.keys(&["enter", "enter"]).await; // EVIL → AmazonEC2 → products
    assert_eq!(h.state.panes.costs.level(), Dim::Product);
    for (w, ht) in [(80, 24), (160, 48)] {
        let shown = screen(&h.state, &t, w, ht);
        assert_no_control(&shown, "costs by product");
        assert!(shown.contains("HACKED"), "the value is shown, its sequences dropped:\n{shown}");
    }
    let v = h.state.view(ViewKey::Costs).unwrap();
    let csv = billops::console::table::to_csv(&v.model, &v.vs).unwrap();
    assert!(csv.contains("\"'=HYPERLINK(\"\"http://evil\"\",\"\"x\"\")\""), "{csv}");
    assert!(csv.contains(",-1.5") || csv.contains(",-1.50"), "numbers unaltered: {csv}");
    // drill to components and resources: the BEL in a component and ESC in a resource id stay off the screen
    h.keys(&["enter"]).await;
    assert_no_control(&screen(&h.state, &t, 160, 48), "components");
    h.keys(&["enter"]).await;
    assert_no_control(&screen(&h.state, &t, 160, 48), "resources");
    h.cmd(Cmd::PaneAudit).await;
    assert_no_control(&screen(&h.state, &t, 160, 48), "audit");
}
