//! `service_rollups` (the first drill step's grain, migration 0021): after every writer of cost — an import, a
//! replacing import, a whole-month and a mid-month assignment, a bulk mapping — cost by customer and service read
//! from the summary equals the same cost read from the cost rollups, to the last digit; reads use it; a store made
//! before it is refused until `billops migrate` builds it.
use std::collections::BTreeMap;
use std::sync::Arc;

use billops_domain::{CostBasis, Dim};
use billops_store::{BulkAssignment, CostQuery, Store};
use rust_decimal::Decimal;

use crate::parties::customer;
use crate::support::{actor, d, date, import, item, meta, p, raw, with_pg};

type Sums = BTreeMap<(String, String, String), Decimal>;

async fn read(s: &Arc<dyn Store>, by: Vec<Dim>, filters: Vec<(Dim, String)>) -> Vec<billops_store::CostRow> {
    let mut q = CostQuery::period(p("2026-05"), by, CostBasis::Billed);
    q.filters = filters;
    s.costs(&q).await.unwrap()
}

/// (customer, service, currency) → cost, from the summary (by customer and service) and from the cost rollups
/// (with the account too, which the summary does not hold), folded.
async fn both(s: &Arc<dyn Store>) -> (Sums, Sums) {
    let mut summary = Sums::new();
    for r in read(s, vec![Dim::Customer, Dim::Service], vec![]).await {
        summary.insert((r.keys[0].clone(), r.keys[1].clone(), r.currency), r.cost);
    }
    let mut fine = Sums::new();
    for r in read(s, vec![Dim::Customer, Dim::Service, Dim::Account], vec![]).await {
        *fine.entry((r.keys[0].clone(), r.keys[1].clone(), r.currency)).or_default() += r.cost;
    }
    (summary, fine)
}

async fn check(s: &Arc<dyn Store>, what: &str) -> Sums {
    let (summary, fine) = both(s).await;
    assert!(!summary.is_empty(), "{what}: no cost");
    assert_eq!(summary, fine, "{what}: the summary and the cost rollups disagree");
    // a filtered step at the summary's grain too (ACME's services)
    let acme: Sums = summary.iter().filter(|(k, _)| k.0 == "ACME").map(|(k, v)| (k.clone(), *v)).collect();
    let filtered: Sums = read(s, vec![Dim::Service], vec![(Dim::Customer, "ACME".into())])
        .await
        .into_iter()
        .map(|r| (("ACME".to_string(), r.keys[0].clone(), r.currency), r.cost))
        .collect();
    assert_eq!(filtered, acme, "{what}: ACME by service");
    summary
}

fn month(payer: &str, account: &str, service: &str, cost: &str) -> Vec<billops_domain::LineItem> {
    (1..=31u32).map(|day| item("2026-05", payer, account, &format!("2026-05-{day:02}"), service, cost)).collect()
}

async fn summary_on(url: String) {
    let by = actor("alice", 3);
    let s = billops_store::open(&url).await.unwrap();
    for c in ["ACME", "BETA"] {
        s.add_customer(&customer(c), &by).await.unwrap();
    }
    let est = [month("P1", "A1", "EC2", "1"), month("P1", "A2", "S3", "2"), month("P2", "B1", "RDS", "3")].concat();
    import(&s, &meta("may-estimated.csv", "r1", "alice"), "h1", est).await;
    check(&s, "after the import").await;
    // P1's final file replaces P1's part of the first (P2's stays)
    let fin = [month("P1", "A1", "EC2", "1.25"), month("P1", "A2", "S3", "2.000000001")].concat();
    import(&s, &meta("may-final.csv", "r2", "alice"), "h2", fin).await;
    check(&s, "after a replacing import").await;
    s.assign_account("A1", "ACME", date("2026-05-01"), &by).await.unwrap();
    s.assign_account("B1", "BETA", date("2026-05-11"), &by).await.unwrap();
    check(&s, "after a whole-month and a mid-month assignment").await;
    let rows = |a: &str, c: &str, from: &str, line| BulkAssignment {
        account: a.into(),
        customer: c.into(),
        from: date(from),
        line,
    };
    s.assign_accounts(&[rows("A2", "BETA", "2026-05-01", 2), rows("A1", "BETA", "2026-05-20", 3)], &by).await.unwrap();
    let got = check(&s, "after a bulk mapping").await;
    let cost = |c: &str, svc: &str| got[&(c.to_string(), svc.to_string(), "USD".to_string())];
    assert_eq!(cost("ACME", "EC2"), d("1.25") * Decimal::from(19));
    assert_eq!(cost("BETA", "EC2"), d("1.25") * Decimal::from(12));
    assert_eq!(cost("BETA", "S3"), d("2.000000001") * Decimal::from(31));
    assert_eq!(cost("BETA", "RDS"), d("3") * Decimal::from(21));
    assert_eq!(cost(billops_store::UNASSIGNED, "RDS"), d("3") * Decimal::from(10));
    // The variance list (and the close board's count) reads the same grain: its sums equal the summary's.
    let may = p("2026-05");
    let variance: Sums = s
        .service_costs(may)
        .await
        .unwrap()
        .costs
        .into_iter()
        .map(|c| ((c.customer, c.service, "USD".to_string()), c.cur))
        .collect();
    let assigned: Sums =
        got.iter().filter(|(k, _)| k.0 != billops_store::UNASSIGNED).map(|(k, v)| (k.clone(), *v)).collect();
    assert_eq!(variance, assigned);
    let cfg = billops_domain::close::CloseConfig::default();
    assert_eq!(s.close_facts(may, &cfg).await.unwrap().customers_with_cost, 2);
    s.close().await;

    // Reads at this grain use the summary: emptied behind the store's back, by customer reads nothing.
    raw(&url, &["DELETE FROM service_rollups"]).await;
    let s = billops_store::open(&url).await.unwrap();
    assert!(read(&s, vec![Dim::Customer], vec![]).await.is_empty(), "by customer reads the summary");
    assert!(!read(&s, vec![Dim::Customer, Dim::Account], vec![]).await.is_empty(), "finer reads the cost rollups");
    assert!(s.service_costs(p("2026-05")).await.unwrap().costs.is_empty(), "the variance list reads the summary");
    let facts = s.close_facts(p("2026-05"), &billops_domain::close::CloseConfig::default()).await.unwrap();
    assert_eq!(facts.customers_with_cost, 0, "the close board counts customers with cost from the summary");
    s.close().await;

    // A store from before migration 0021: refused until `billops migrate` builds the summary of every batch.
    let mut before = vec!["DROP TABLE service_rollups", "DROP TABLE service_rollup_pending"];
    if !url.starts_with("sqlite:") {
        before.push("DROP FUNCTION billops_guard_service_rollups()");
    }
    before.push("DELETE FROM _sqlx_migrations WHERE version = 21");
    raw(&url, &before).await;
    match billops_store::open(&url).await {
        Err(e @ billops_store::StoreError::NeedsMigration(_)) => {
            assert!(e.to_string().contains("billops migrate") && e.to_string().contains("2 import batch"), "{e}");
        }
        Err(e) => panic!("expected NeedsMigration, got {e}"),
        Ok(_) => panic!("a store without its summary opened"),
    }
    let filled = billops_store::migrate(&url, &billops_store::OpenOptions::default(), &mut |_, _| {}).await.unwrap();
    assert_eq!(filled, 2);
    let s = billops_store::open(&url).await.unwrap();
    assert_eq!(check(&s, "after billops migrate").await, got);
    s.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn summary_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    summary_on(format!("sqlite:{}", dir.path().join("s.db").display())).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn summary_postgres() {
    with_pg("summary_postgres", |url| Box::pin(summary_on(url))).await;
}
