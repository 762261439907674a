//! Currency is part of money (issue 13): rollups, cost sums and the rating input are per currency on both
//! backends; FX rate snapshots (maker-checker, frozen by a period lock); the migration 0015 back-fill of a
//! store whose rollups have no currency yet.

use billops_domain::fx::Pair;
use billops_domain::{CostBasis, Dim, LineItem};
use billops_store::{CostQuery, ErrorKind, NewFxRate, StoreError};

use crate::parties::customer;
use crate::support::{actor, d, date, import, item, meta, p, raw, with_pg};

fn eur(i: LineItem) -> LineItem {
    LineItem { currency: "EUR".into(), ..i }
}

/// A batch with two currencies under the same keys, and a batch in one.
fn items() -> (Vec<LineItem>, Vec<LineItem>) {
    let mixed = vec![
        item("2026-05", "P1", "A1", "2026-05-03", "EC2", "10.5"),
        eur(item("2026-05", "P1", "A1", "2026-05-04", "EC2", "7.25")),
        eur(item("2026-05", "P1", "A1", "2026-05-05", "EC2", "0.000000000000001")),
    ];
    let usd = vec![item("2026-05", "P2", "A2", "2026-05-06", "S3", "4")];
    (mixed, usd)
}

fn rows(v: Vec<billops_store::CostRow>) -> Vec<(Vec<String>, String, String)> {
    let mut v: Vec<_> = v.into_iter().map(|r| (r.keys, r.currency, r.cost.to_string())).collect();
    v.sort();
    v
}

fn row(keys: &[&str], currency: &str, cost: &str) -> (Vec<String>, String, String) {
    (keys.iter().map(|k| (*k).to_string()).collect(), currency.to_string(), cost.to_string())
}

async fn setup(url: &str) -> std::sync::Arc<dyn billops_store::Store> {
    let s = billops_store::open(url).await.unwrap();
    let alice = actor("alice", 3);
    s.set_user("alice", billops_domain::Role::Manager, &alice).await.unwrap();
    s.set_user("bob", billops_domain::Role::Manager, &alice).await.unwrap();
    s.set_user("olga", billops_domain::Role::Operator, &alice).await.unwrap();
    s.set_user("vera", billops_domain::Role::Viewer, &alice).await.unwrap();
    s.add_customer(&customer("ACME"), &alice).await.unwrap();
    let (mixed, usd) = items();
    import(&s, &meta("mixed.csv", "r1", "alice"), "h-mixed", mixed).await;
    import(&s, &meta("usd.csv", "r1", "alice"), "h-usd", usd).await;
    // assigned after the import: the rollups are rebuilt per currency too
    s.assign_account("A1", "ACME", date("2026-05-01"), &alice).await.unwrap();
    s
}

async fn expect_per_currency(s: &std::sync::Arc<dyn billops_store::Store>, when: &str) {
    let q = CostQuery::period(p("2026-05"), vec![Dim::Customer, Dim::Service], CostBasis::Billed);
    assert_eq!(
        rows(s.costs(&q).await.unwrap()),
        vec![
            row(&["(unassigned)", "S3"], "USD", "4"),
            row(&["ACME", "EC2"], "EUR", "7.250000000000001"),
            row(&["ACME", "EC2"], "USD", "10.5"),
        ],
        "{when}: one row per currency, never added"
    );
    let q = CostQuery::period(p("2026-05"), vec![Dim::Resource], CostBasis::Billed);
    let by_resource = rows(s.costs(&q).await.unwrap());
    assert_eq!(by_resource.iter().filter(|r| r.1 == "EUR").count(), 1, "{when}: resource rollups too");
    let charges = s.charges(p("2026-05"), Some("ACME")).await.unwrap();
    let mut lines: Vec<(String, String)> =
        charges[0].lines.iter().map(|l| (l.currency.clone(), l.cost.to_string())).collect();
    lines.sort();
    assert_eq!(
        lines,
        vec![("EUR".into(), "7.250000000000001".into()), ("USD".into(), "10.5".into())],
        "{when}: each charge line carries its cost's own currency, not the customer's"
    );
    assert_eq!(charges[0].currency, "USD");
}

/// What migration 0015 leaves in a store whose rollups were written without currency: every rollup at -1, every
/// batch pending. The mixed batch's rollups are what an older billops wrote: its two currencies added under
/// one key (here: the EUR rows folded away, the USD row standing for the merged one).
const OLD: &[&str] = &[
    "DELETE FROM cost_rollups WHERE batch_id = 1 AND currency <> (SELECT id FROM dict WHERE value = 'USD')",
    "DELETE FROM resource_rollups WHERE batch_id = 1 AND currency <> (SELECT id FROM dict WHERE value = 'USD')",
    "DELETE FROM rating_rollups WHERE batch_id = 1 AND currency <> (SELECT id FROM dict WHERE value = 'USD')",
    "UPDATE cost_rollups SET currency = -1",
    "UPDATE resource_rollups SET currency = -1",
    "UPDATE rating_rollups SET currency = -1",
    "INSERT INTO rollup_currency_pending (batch_id) SELECT id FROM import_batches",
];

async fn currency_on(url: String) {
    let s = setup(&url).await;
    expect_per_currency(&s, "as imported").await;
    fx_rates(&s, &url).await;
    s.close().await;

    raw(&url, OLD).await;
    match billops_store::open(&url).await {
        Err(e @ StoreError::NeedsMigration(_)) => {
            let t = e.to_string();
            assert!(t.contains("billops migrate") && t.contains("currency") && t.contains("2 import batch"), "{t}");
        }
        Err(e) => panic!("expected NeedsMigration, got {e}"),
        Ok(_) => panic!("a store whose rollups lack their currency opened without `billops migrate`"),
    }
    let mut seen = Vec::new();
    let opts = billops_store::OpenOptions { needs_migration_ok: true, ..Default::default() };
    let filled = billops_store::migrate(&url, &opts, &mut |d, t| seen.push((d, t))).await.unwrap();
    assert_eq!(filled, 2);
    assert!(seen.contains(&(0, 2)) && seen.contains(&(2, 2)), "progress: {seen:?}");
    let s = billops_store::open(&url).await.unwrap();
    expect_per_currency(&s, "back-filled by billops migrate").await;
    s.close().await;
    assert_eq!(billops_store::migrate(&url, &opts, &mut |_, _| {}).await.unwrap(), 0, "nothing twice");
}

fn rate(r: &str) -> NewFxRate {
    NewFxRate {
        pair: Pair::new("EUR", "USD").unwrap(),
        period: p("2026-05"),
        rate: d(r),
        source: "ECB".into(),
        date: date("2026-05-29"),
    }
}

async fn fx_rates(s: &std::sync::Arc<dyn billops_store::Store>, url: &str) {
    let (alice, bob, olga, vera) = (actor("alice", 4), actor("bob", 4), actor("olga", 4), actor("vera", 4));
    let pair = Pair::new("EUR", "USD").unwrap();
    assert_eq!(s.set_fx_rate(&rate("1.1"), &vera).await.unwrap_err().kind(), ErrorKind::Forbidden);
    let r = s.set_fx_rate(&rate("1.0850"), &olga).await.unwrap();
    assert_eq!((r.status.as_str(), r.rate.to_string().as_str()), ("proposed", "1.085"));
    assert!(s.fx_table(p("2026-05")).await.unwrap().get("EUR", "USD").is_none(), "proposed is not used");
    let e = s.approve_fx_rate(&pair, p("2026-05"), &olga).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Forbidden, "an operator does not approve");
    // maker-checker: the manager who entered a rate does not approve it
    s.set_fx_rate(&rate("1.09"), &alice).await.unwrap();
    let e = s.approve_fx_rate(&pair, p("2026-05"), &alice).await.unwrap_err();
    assert!(e.to_string().contains("another manager"), "{e}");
    let r = s.approve_fx_rate(&pair, p("2026-05"), &bob).await.unwrap();
    assert_eq!(
        (r.status.as_str(), r.approved_by.as_deref(), r.entered_by.as_str()),
        ("approved", Some("bob"), "alice")
    );
    let t = s.fx_table(p("2026-05")).await.unwrap();
    assert_eq!(t.get("EUR", "USD").map(|u| u.rate), Some(d("1.09")));
    assert!(s.fx_table(p("2026-06")).await.unwrap().get("EUR", "USD").is_none(), "per period");
    // entered again while open: replaced, approved again
    assert_eq!(s.set_fx_rate(&rate("1.095"), &olga).await.unwrap().status, "proposed");
    assert!(s.fx_table(p("2026-05")).await.unwrap().get("EUR", "USD").is_none());
    s.approve_fx_rate(&pair, p("2026-05"), &bob).await.unwrap();
    // an import is every row or none
    let bad = NewFxRate { source: "  ".into(), ..rate("1.2") };
    let gbp = NewFxRate { pair: Pair::new("GBP", "USD").unwrap(), ..rate("1.27") };
    let e = s.import_fx_rates(&[gbp.clone(), bad], &olga).await.unwrap_err();
    assert!(e.to_string().contains("row 2"), "{e}");
    assert_eq!(s.fx_rates(Some(p("2026-05"))).await.unwrap().len(), 1, "nothing of the refused import");
    assert_eq!(s.import_fx_rates(&[gbp], &olga).await.unwrap(), 1);
    let audit = s.audit(&billops_store::AuditFilter { action: Some("fx.".into()), ..Default::default() }).await;
    assert_eq!(audit.unwrap().len(), 6, "every set (4) and approval (2) audited");
    if !url.starts_with("sqlite:") {
        // PostgreSQL holds maker-checker for a write through psql too (trigger)
        use sqlx::Connection as _;
        let mut c = sqlx::PgConnection::connect(url).await.unwrap();
        let sql = "UPDATE fx_rates SET status = 'approved', approved_by = entered_by WHERE base = 'GBP'";
        let e = sqlx::query(sql).execute(&mut c).await.unwrap_err();
        assert!(e.to_string().contains("did not enter it"), "{e}");
        c.close().await.unwrap();
    }
    // a signed-off period's rate is frozen: a change is a re-rating (PPA), never an edit
    let at = if url.starts_with("sqlite:") { "'2026-06-08T09:00:00Z'" } else { "now()" };
    raw(url, &[&format!("INSERT INTO period_locks (period, locked_by, locked_at) VALUES ('2026-05', 'bob', {at})")])
        .await;
    let e = s.set_fx_rate(&rate("1.2"), &olga).await.unwrap_err();
    assert!(e.to_string().contains("ppa add") && e.to_string().contains("EUR→USD"), "{e}");
    let e = s.approve_fx_rate(&Pair::new("GBP", "USD").unwrap(), p("2026-05"), &bob).await.unwrap_err();
    assert!(e.to_string().contains("frozen"), "{e}");
    assert_eq!(s.fx_table(p("2026-05")).await.unwrap().get("EUR", "USD").map(|u| u.rate), Some(d("1.095")));
    raw(url, &["DELETE FROM period_locks"]).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn currency_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    currency_on(format!("sqlite:{}", dir.path().join("c.db").display())).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn currency_postgres() {
    with_pg("currency_postgres", |url| Box::pin(currency_on(url))).await;
}
