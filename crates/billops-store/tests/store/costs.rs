//! Cost reports: exact sums (15+ decimal places, negative credits) by every dimension, filters, bases.
use std::collections::HashMap;
use std::sync::Arc;

use billops_domain::{ChargeCategory, CostBasis, Dim, LineItem};
use billops_store::{CostQuery, Store, UNASSIGNED};
use rust_decimal::Decimal;

use crate::parties::customer;
use crate::support::{actor, d, date, import, item, meta, p};

const AMOUNTS: [&str; 8] = [
    "0.123456789012345678",
    "-12.000000000000000001",
    "123456789.987654321",
    "0.000000000000001",
    "-0.333333333333333333",
    "7",
    "1.81E-8",
    "99999.999999999999999",
];

/// A deterministic mix over every dimension; `k` picks the values.
fn mixed(n: usize) -> Vec<LineItem> {
    let mut v = Vec::new();
    let mut x: u64 = 42;
    for k in 0..n {
        x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        let r = (x >> 33) as usize;
        let period = if k.is_multiple_of(3) { "2026-04" } else { "2026-05" };
        let day = format!("{period}-{:02}", 1 + r % 28);
        let account = ["A1", "A2", "A3"][r % 3];
        let payer = if account == "A3" { "P2" } else { "P1" };
        let mut it = item(period, payer, account, &day, ["EC2", "S3", "RDS"][(r / 3) % 3], "0");
        it.product = ["web", "(untagged)", "batch"][(r / 7) % 3].to_string();
        it.component = ["api", "db"][(r / 11) % 2].to_string();
        it.region = ["us-east-1", "eu-west-1"][(r / 13) % 2].to_string();
        it.resource_id = format!("i-{:03}", (r / 17) % 9);
        let amount = billops_domain::parse_decimal(AMOUNTS[(r / 19) % AMOUNTS.len()]).unwrap();
        it.charge_category = if amount < Decimal::ZERO {
            ChargeCategory::Credit
        } else if r.is_multiple_of(10) {
            ChargeCategory::Tax
        } else {
            ChargeCategory::Usage
        };
        it.billed = amount;
        it.effective = amount * d("0.9");
        it.list = amount + d("0.000000000000000001");
        it.source_line = k as u64 + 2;
        v.push(it);
    }
    v
}

fn key(it: &LineItem, dim: Dim, customers: &HashMap<&str, &str>) -> String {
    match dim {
        Dim::Period => it.period.to_string(),
        Dim::Payer => it.payer.clone(),
        Dim::Account => it.account.clone(),
        Dim::Customer => customers.get(it.account.as_str()).unwrap_or(&UNASSIGNED).to_string(),
        Dim::Service => it.service.clone(),
        Dim::Product => it.product.clone(),
        Dim::Component => it.component.clone(),
        Dim::ChargeCategory => it.charge_category.as_str().to_string(),
        Dim::Region => it.region.clone(),
        Dim::Resource => it.resource_id.clone(),
    }
}

async fn costs_are_exact_by_every_dim(s: Arc<dyn Store>) {
    let by = actor("alice", 3);
    s.add_customer(&customer("ACME"), &by).await.unwrap();
    s.add_customer(&customer("BETA"), &by).await.unwrap();
    let items = mixed(240);
    // two files (two payers' worth in one run) so sums cross batches
    let (a, b): (Vec<_>, Vec<_>) = items.iter().cloned().partition(|i| i.payer == "P1");
    import(&s, &meta("p1.csv", "r1", "alice"), "h1", a).await;
    import(&s, &meta("p2.csv", "r1", "alice"), "h2", b).await;
    s.assign_account("A1", "ACME", date("2026-01-01"), &by).await.unwrap();
    s.assign_account("A2", "BETA", date("2026-01-01"), &by).await.unwrap();
    let customers: HashMap<&str, &str> = [("A1", "ACME"), ("A2", "BETA")].into();

    let range = |by: Vec<Dim>, basis| CostQuery { from: p("2026-04"), to: p("2026-05"), filters: vec![], by, basis };
    for basis in CostBasis::ALL {
        for dim in Dim::ALL {
            let mut expected: HashMap<String, Decimal> = HashMap::new();
            for it in &items {
                *expected.entry(key(it, dim, &customers)).or_default() += it.cost(basis);
            }
            let rows = s.costs(&range(vec![dim], basis)).await.unwrap();
            let got: HashMap<String, Decimal> = rows.iter().map(|r| (r.keys[0].clone(), r.cost)).collect();
            assert_eq!(got, expected, "by {dim} ({basis})");
            assert_eq!(rows.len(), expected.len());
            assert!(
                rows.windows(2).all(|w| w[0].cost > w[1].cost || (w[0].cost == w[1].cost && w[0].keys < w[1].keys)),
                "sorted by cost descending then keys ({dim})"
            );
        }
        let all = s.costs(&range(vec![], basis)).await.unwrap();
        assert_eq!(all.len(), 1);
        assert_eq!(all[0].cost, items.iter().map(|i| i.cost(basis)).sum::<Decimal>(), "grand total ({basis})");
        assert!(all[0].keys.is_empty());
    }

    // monthly totals per customer over a range of periods (the Customers list's 12-month sparkline): one
    // grouped query, exact per customer and month, unassigned cost under its own key
    let rows = s.costs(&range(vec![Dim::Customer, Dim::Period], CostBasis::Billed)).await.unwrap();
    let mut expected: HashMap<Vec<String>, Decimal> = HashMap::new();
    for it in &items {
        let k = vec![key(it, Dim::Customer, &customers), it.period.to_string()];
        *expected.entry(k).or_default() += it.billed;
    }
    let got: HashMap<Vec<String>, Decimal> = rows.into_iter().map(|r| (r.keys, r.cost)).collect();
    assert_eq!(got.len(), 6, "3 customers (ACME, BETA, unassigned) × 2 months: {got:?}");
    assert_eq!(got, expected);

    // two dimensions with filters: the drill-down path customer → service → product → component
    let q = CostQuery {
        from: p("2026-05"),
        to: p("2026-05"),
        filters: vec![(Dim::Customer, "ACME".into()), (Dim::Service, "EC2".into())],
        by: vec![Dim::Product, Dim::Component],
        basis: CostBasis::Billed,
    };
    let mut expected: HashMap<Vec<String>, Decimal> = HashMap::new();
    for it in items.iter().filter(|i| i.period == p("2026-05") && i.account == "A1" && i.service == "EC2") {
        *expected.entry(vec![it.product.clone(), it.component.clone()]).or_default() += it.billed;
    }
    let got: HashMap<Vec<String>, Decimal> = s.costs(&q).await.unwrap().into_iter().map(|r| (r.keys, r.cost)).collect();
    assert_eq!(got, expected);

    // unassigned cost, and resources under a filter
    let q = CostQuery {
        from: p("2026-04"),
        to: p("2026-05"),
        filters: vec![(Dim::Customer, UNASSIGNED.into()), (Dim::Resource, "i-003".into())],
        by: vec![Dim::Resource, Dim::Period],
        basis: CostBasis::Effective,
    };
    let mut expected: HashMap<Vec<String>, Decimal> = HashMap::new();
    for it in items.iter().filter(|i| i.account == "A3" && i.resource_id == "i-003") {
        *expected.entry(vec![it.resource_id.clone(), it.period.to_string()]).or_default() += it.effective;
    }
    let got: HashMap<Vec<String>, Decimal> = s.costs(&q).await.unwrap().into_iter().map(|r| (r.keys, r.cost)).collect();
    assert!(!expected.is_empty());
    assert_eq!(got, expected);

    // filters that match nothing give nothing; a backwards range is refused
    let q = CostQuery { filters: vec![(Dim::Service, "Nope".into())], ..range(vec![Dim::Service], CostBasis::Billed) };
    assert!(s.costs(&q).await.unwrap().is_empty());
    let q = CostQuery { from: p("2026-05"), to: p("2026-04"), ..range(vec![], CostBasis::Billed) };
    assert!(s.costs(&q).await.is_err());
    assert!(
        s.costs(&CostQuery::period(p("2025-01"), vec![Dim::Customer], CostBasis::Billed)).await.unwrap().is_empty()
    );
}
store_test!(costs_are_exact_by_every_dim => costs_are_exact_by_every_dim_sqlite, costs_are_exact_by_every_dim_postgres);
