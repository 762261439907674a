//! A real store for console tests (SQLite in a temp dir, seeded with two customers and a few cost lines) and
//! a harness that runs `update`'s effects through the real runner.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::str::FromStr;
use std::sync::Arc;

use billops::console::action::{Action, Effect};
use billops::console::effects::Runner;
use billops::console::state::{State, ViewKey};
use billops::console::{Cmd, start, update};
use billops_domain::clock::FixedClock;
use billops_domain::{ChargeCategory, LineItem, Period, Role};
use billops_store::{Actor, ImportChunk, ImportMeta, NewCustomer, Store};
use chrono::{NaiveDate, TimeZone, Utc};
use rust_decimal::Decimal;

use super::{keys_of, setup};

pub fn d(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

pub fn item(
    period: &str,
    account: &str,
    service: &str,
    product: &str,
    component: &str,
    resource: &str,
    cost: &str,
) -> LineItem {
    let per: Period = period.parse().unwrap();
    LineItem {
        period: per,
        payer: "111111111111".into(),
        payer_name: "Payer A".into(),
        account: account.into(),
        account_name: format!("acct {account}"),
        usage_date: per.start(),
        service: service.into(),
        product: product.into(),
        component: component.into(),
        charge_category: ChargeCategory::Usage,
        region: "us-east-1".into(),
        usage_type: "BoxUsage".into(),
        resource_id: resource.into(),
        quantity: None,
        unit: String::new(),
        billed: d(cost),
        effective: d(cost),
        list: d(cost),
        currency: "USD".into(),
        invoice_id: "INV-1".into(),
        source_line: 2,
    }
}

pub async fn seeded() -> (tempfile::TempDir, Arc<dyn Store>) {
    let dir = tempfile::tempdir().unwrap();
    let store = billops_store::open(&format!("sqlite:{}", dir.path().join("b.db").display())).await.unwrap();
    let by = Actor { name: "setup".into(), at: Utc.with_ymd_and_hms(2026, 6, 1, 8, 0, 0).unwrap() };
    // the seeding actor is a manager of record (an unknown name is a viewer once users exist)
    store.set_user("setup", Role::Manager, &by).await.unwrap();
    store.set_user("alice", Role::Manager, &by).await.unwrap();
    for (code, name) in [("ACME", "Acme Corporation"), ("GLOBEX", "Globex Ltd")] {
        store
            .add_customer(&NewCustomer { code: code.into(), name: name.into(), currency: "USD".into() }, &by)
            .await
            .unwrap();
    }
    let items = vec![
        item("2026-05", "300000000001", "AmazonEC2", "shop", "web", "i-1", "100.000000000000001"),
        item("2026-05", "300000000001", "AmazonEC2", "shop", "web", "i-2", "0.333333333333333"),
        item("2026-05", "300000000001", "AmazonEC2", "shop", "db", "i-3", "250.5"),
        item("2026-05", "300000000001", "AmazonS3", "shop", "assets", "b-1", "12.345"),
        item("2026-05", "300000000002", "AmazonEC2", "hammock", "batch", "i-9", "999.99"),
        item("2026-05", "399999999999", "AmazonEC2", "(untagged)", "(untagged)", "i-x", "5"),
        item("2026-04", "300000000001", "AmazonEC2", "shop", "web", "i-1", "90"),
    ];
    let (tx, rx) = tokio::sync::mpsc::channel(4);
    let n = items.len() as u64;
    tokio::spawn(async move {
        tx.send(ImportChunk::Items(items)).await.unwrap();
        tx.send(ImportChunk::End { content_hash: "seed".into(), rows_read: n }).await.unwrap();
    });
    let meta = ImportMeta { file_name: "seed.csv".into(), format: "focus".into(), run_id: "r1".into(), by: by.clone() };
    store.import(&meta, rx).await.unwrap();
    let from = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
    store.assign_account("300000000001", "ACME", from, &by).await.unwrap();
    store.assign_account("300000000002", "GLOBEX", from, &by).await.unwrap();
    (dir, store)
}

pub struct Harness {
    pub state: State,
    pub runner: Runner,
    _rx: tokio::sync::mpsc::UnboundedReceiver<Action>,
}

impl Harness {
    pub async fn new(store: Arc<dyn Store>, role: Role, data_dir: std::path::PathBuf) -> Harness {
        let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
        let clock = Arc::new(FixedClock(super::now()));
        let runner = Runner { store, clock, user: "alice".into(), data_dir, tags: Default::default(), tx };
        let mut h = Harness { state: State::new(setup(role)), runner, _rx: rx };
        let fx = start(&mut h.state);
        h.run(fx).await;
        h
    }

    /// Started and switched to the Customers pane (where the list tests begin).
    pub async fn customers(store: Arc<dyn Store>, role: Role, data_dir: std::path::PathBuf) -> Harness {
        let mut h = Harness::new(store, role, data_dir).await;
        h.cmd(Cmd::PaneCustomers).await;
        h
    }

    pub async fn run(&mut self, fx: Vec<Effect>) {
        let mut queue = fx;
        while !queue.is_empty() {
            let e = queue.remove(0);
            if let Some((req, result)) = self.runner.run(e).await {
                if let Err(msg) = &result {
                    eprintln!("effect failed: {msg}");
                }
                queue.extend(update(&mut self.state, Action::Reply { req, result }));
            }
        }
    }

    pub async fn keys(&mut self, ks: &[&str]) {
        for k in ks {
            let fx = update(&mut self.state, Action::Key(keys_of(k)));
            self.run(fx).await;
        }
    }

    pub async fn cmd(&mut self, c: Cmd) {
        let fx = update(&mut self.state, Action::Cmd(c));
        self.run(fx).await;
    }

    pub fn sel(&self, v: ViewKey) -> Option<String> {
        self.state.selected_id(v)
    }
}
