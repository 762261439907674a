//! Azure's two cost views of one month (format `azure:actual` / `azure:amortized`): a later run's file
//! replaces only data of its own view, so billed cost (actual) and effective cost (amortised) both stay.
use std::sync::Arc;

use billops_domain::{CostBasis, Dim};
use billops_store::{CostQuery, Store};
use rust_decimal::Decimal;

use crate::support::{d, import, item, meta, p};

async fn payer_cost(s: &Arc<dyn Store>, basis: CostBasis) -> Decimal {
    let rows = s.costs(&CostQuery::period(p("2025-05"), vec![Dim::Payer], basis)).await.unwrap();
    rows.iter().map(|r| r.cost).sum()
}

async fn views_replace_only_their_own_kind(s: Arc<dyn Store>) {
    let view = |file: &str, run: &str, fmt: &str| {
        let mut m = meta(file, run, "alice");
        m.format = fmt.to_string();
        m
    };
    let mut actual = item("2025-05", "P1", "S1", "2025-05-01", "Virtual Machines", "10");
    actual.effective = Decimal::ZERO;
    let mut amortized = item("2025-05", "P1", "S1", "2025-05-01", "Virtual Machines", "0");
    amortized.effective = d("8.5");
    amortized.list = Decimal::ZERO;

    let first = import(&s, &view("a.csv", "r1", "azure:actual"), "h-a", vec![actual.clone()]).await;
    let second = import(&s, &view("m.csv", "r2", "azure:amortized"), "h-m", vec![amortized.clone()]).await;
    assert!(second.replaced.is_empty(), "the amortised view replaced the actual one");
    assert_eq!(payer_cost(&s, CostBasis::Billed).await, d("10"));
    assert_eq!(payer_cost(&s, CostBasis::Effective).await, d("8.5"));

    // A corrected amortised file replaces the amortised data only.
    amortized.effective = d("9");
    let third = import(&s, &view("m2.csv", "r3", "azure:amortized"), "h-m2", vec![amortized]).await;
    assert_eq!(third.replaced.len(), 1);
    assert_eq!(third.replaced[0].old_batch, second.batch.id);
    assert_eq!(payer_cost(&s, CostBasis::Billed).await, d("10"));
    assert_eq!(payer_cost(&s, CostBasis::Effective).await, d("9"));

    // And a new actual file replaces the actual data only.
    actual.billed = d("11");
    let fourth = import(&s, &view("a2.csv", "r4", "azure:actual"), "h-a2", vec![actual]).await;
    assert_eq!(fourth.replaced.len(), 1);
    assert_eq!(fourth.replaced[0].old_batch, first.batch.id);
    assert_eq!(payer_cost(&s, CostBasis::Billed).await, d("11"));
    assert_eq!(payer_cost(&s, CostBasis::Effective).await, d("9"));
}
store_test!(views_replace_only_their_own_kind => views_replace_only_their_own_kind_sqlite, views_replace_only_their_own_kind_postgres);
