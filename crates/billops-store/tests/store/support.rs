//! Shared fixtures of the store conformance suite: one async test body, run on SQLite (a fresh temp file)
//! and on PostgreSQL (a fresh database, dropped afterwards).
use std::future::Future;
use std::io::Write as _;
use std::str::FromStr;
use std::sync::Arc;

use billops_domain::{ChargeCategory, LineItem, Period};
use billops_store::{Actor, ImportChunk, ImportMeta, ImportOutcome, NewSupplierInvoice, Result, Store};
use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use rust_decimal::Decimal;
use sqlx::{Connection, PgConnection};

pub async fn run_sqlite<F, Fut>(body: F)
where
    F: FnOnce(Arc<dyn Store>) -> Fut,
    Fut: Future<Output = ()>,
{
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nested").join("billops.db");
    let store = billops_store::open(&format!("sqlite:{}", path.display())).await.unwrap();
    assert!(path.exists(), "the SQLite file and its folder are created");
    body(store).await;
}

/// The PostgreSQL URL of the tests, or `None` (skip, said on stderr) unless `BILLOPS_REQUIRE_PG=1`.
pub fn pg_url(test: &str) -> Option<String> {
    match std::env::var("BILLOPS_TEST_PG_URL") {
        Ok(u) if !u.trim().is_empty() => Some(u),
        _ => {
            if std::env::var("BILLOPS_REQUIRE_PG").as_deref() == Ok("1") {
                panic!("BILLOPS_REQUIRE_PG=1 but BILLOPS_TEST_PG_URL is not set ({test})");
            }
            // Straight to the process's stderr (not eprintln!, which the test harness captures for passing
            // tests), so a skip is always visible.
            let _ = writeln!(std::io::stderr(), "SKIPPED (PostgreSQL): set BILLOPS_TEST_PG_URL to run {test}");
            None
        }
    }
}

/// `url` with its database name replaced.
pub fn with_database(url: &str, db: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, format!("?{q}")),
        None => (url, String::new()),
    };
    let scheme_end = base.find("://").map_or(0, |i| i + 3);
    let base = match base[scheme_end..].find('/') {
        Some(i) => &base[..scheme_end + i],
        None => base,
    };
    format!("{base}/{db}{query}")
}

/// A fresh PostgreSQL database for `test`, its URL given to `body`, dropped afterwards; a test that ran is
/// recorded in `BILLOPS_PG_RAN_FILE` (CI checks the PostgreSQL half really ran).
pub async fn run_pg_url<F, Fut>(test: &str, body: F)
where
    F: FnOnce(String) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    let Some(admin_url) = pg_url(test) else { return };
    let nanos = Utc::now().timestamp_nanos_opt().unwrap_or(0);
    let db = format!("billops_t_{}_{}_{}", test.to_lowercase(), std::process::id(), nanos % 1_000_000_000);
    let db: String = db.chars().take(63).collect();
    let mut admin = PgConnection::connect(&admin_url).await.unwrap();
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE \"{db}\""))).execute(&mut admin).await.unwrap();
    let outcome = tokio::spawn(body(with_database(&admin_url, &db))).await;
    drop_database(&mut admin, &db).await;
    if let Err(e) = outcome {
        std::panic::resume_unwind(e.into_panic());
    }
    if let Ok(file) = std::env::var("BILLOPS_PG_RAN_FILE") {
        let mut f = std::fs::OpenOptions::new().create(true).append(true).open(file).unwrap();
        writeln!(f, "{test}").unwrap();
    }
}

/// [`run_pg_url`] with the store opened on the fresh database.
pub async fn run_pg<F, Fut>(test: &str, body: F)
where
    F: FnOnce(Arc<dyn Store>) -> Fut + Send + 'static,
    Fut: Future<Output = ()> + Send + 'static,
{
    run_pg_url(test, |url| async move {
        let store = billops_store::open(&url).await.unwrap();
        assert!(!store.display_url().contains(":billops@"), "password masked: {}", store.display_url());
        body(store).await;
    })
    .await;
}

pub fn at(day: u32, hour: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 6, day, hour, 0, 0).unwrap()
}

pub fn actor(name: &str, day: u32) -> Actor {
    Actor { name: name.to_string(), at: at(day, 9) }
}

pub fn d(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

pub fn p(s: &str) -> Period {
    s.parse().unwrap()
}

pub fn date(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

/// A line item of `period` on `day` (a date in any month), with billed = effective = list = `cost`.
pub fn item(period: &str, payer: &str, account: &str, day: &str, service: &str, cost: &str) -> LineItem {
    LineItem {
        period: p(period),
        payer: payer.to_string(),
        payer_name: format!("Payer {payer}"),
        account: account.to_string(),
        account_name: format!("Account {account}"),
        usage_date: date(day),
        service: service.to_string(),
        product: "(untagged)".to_string(),
        component: "(untagged)".to_string(),
        charge_category: ChargeCategory::Usage,
        region: "us-east-1".to_string(),
        usage_type: "BoxUsage".to_string(),
        resource_id: String::new(),
        quantity: Some(d("1.5")),
        unit: "Hrs".to_string(),
        billed: d(cost),
        effective: d(cost),
        list: d(cost),
        currency: "USD".to_string(),
        invoice_id: String::new(),
        source_line: 2,
    }
}

pub fn meta(file: &str, run: &str, by: &str) -> ImportMeta {
    ImportMeta { file_name: file.to_string(), format: "focus".to_string(), run_id: run.to_string(), by: actor(by, 2) }
}

/// Import `items` (in chunks of 3) with `extra` chunks before the end.
pub async fn import_with(
    store: &Arc<dyn Store>,
    meta: &ImportMeta,
    hash: &str,
    items: Vec<LineItem>,
    extra: Vec<ImportChunk>,
) -> Result<ImportOutcome> {
    let (tx, rx) = tokio::sync::mpsc::channel(4);
    let rows = items.len() as u64;
    let hash = hash.to_string();
    let sender = tokio::spawn(async move {
        for c in items.chunks(3) {
            if tx.send(ImportChunk::Items(c.to_vec())).await.is_err() {
                return;
            }
        }
        for c in extra {
            if tx.send(c).await.is_err() {
                return;
            }
        }
        let _ = tx.send(ImportChunk::End { content_hash: hash, rows_read: rows }).await;
    });
    let out = store.import(meta, rx).await;
    sender.await.unwrap();
    out
}

pub async fn import(store: &Arc<dyn Store>, meta: &ImportMeta, hash: &str, items: Vec<LineItem>) -> ImportOutcome {
    import_with(store, meta, hash, items, Vec::new()).await.unwrap()
}

/// A quiet month that can be signed off (an empty one is not ready): one final zero-cost row of `payer` on an
/// account with no customer, and the payer's supplier invoice of 0.
pub async fn quiet_month(store: &Arc<dyn Store>, period: &str, payer: &str, by: &Actor) {
    let day = format!("{period}-02");
    let row = LineItem { invoice_id: format!("SUP-{period}"), ..item(period, payer, "QUIET", &day, "EC2", "0") };
    let m = meta(&format!("quiet-{period}.csv"), &format!("quiet-{period}"), &by.name);
    import(store, &m, &format!("quiet-{period}-{payer}"), vec![row]).await;
    let sup = NewSupplierInvoice {
        payer: payer.into(),
        period: p(period),
        number: format!("Q-{period}"),
        currency: "USD".into(),
        amount: Decimal::ZERO,
        tax: Decimal::ZERO,
        credits: Decimal::ZERO,
    };
    store.add_supplier_invoice(&sup, by).await.unwrap();
}

/// Drop a test database. FORCE ends the store's pooled connections, but a backend it may not signal (an
/// autovacuum worker) can make it fail for a moment: retry, and at worst leave the database behind with a
/// note rather than fail a test whose body passed.
pub async fn drop_database(admin: &mut PgConnection, db: &str) {
    let sql = format!("DROP DATABASE IF EXISTS \"{db}\" WITH (FORCE)");
    let mut last = None;
    for _ in 0..10 {
        match sqlx::query(sqlx::AssertSqlSafe(sql.clone())).execute(&mut *admin).await {
            Ok(_) => return,
            Err(e) => last = Some(e),
        }
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    let _ = writeln!(std::io::stderr(), "could not drop test database {db}: {last:?}");
}

/// Raw SQL on the store at `url` (a test that shapes a store as an older billops left it).
pub async fn raw(url: &str, statements: &[&str]) {
    if url.starts_with("sqlite:") {
        let mut c = sqlx::SqliteConnection::connect(url).await.unwrap();
        for s in statements {
            sqlx::query(sqlx::AssertSqlSafe(s.to_string())).execute(&mut c).await.unwrap();
        }
        c.close().await.unwrap();
    } else {
        let mut c = sqlx::PgConnection::connect(url).await.unwrap();
        for s in statements {
            sqlx::query(sqlx::AssertSqlSafe(s.to_string())).execute(&mut c).await.unwrap();
        }
        c.close().await.unwrap();
    }
}

/// [`run_pg_url`] for a body that takes the URL (tests that open and reopen the store themselves).
pub async fn with_pg(test: &str, body: impl FnOnce(String) -> std::pin::Pin<Box<dyn Future<Output = ()> + Send>>) {
    run_pg_url(test, body).await;
}
