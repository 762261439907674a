//! The sources of an invoice line: resources from the rollups and the first raw line items (file, line,
//! account, date, usage type, quantity, exact cost) across batches, in import order, cut at the limit.
use std::collections::BTreeMap;
use std::sync::Arc;

use billops_domain::LineItem;
use billops_store::{SourceQuery, Store, StoreError};
use rust_decimal::Decimal;

use crate::parties::customer;
use crate::support::{actor, d, date, import, item, meta, p};

/// Usage of accounts A1 (ACME) and A2 (unassigned) over two services, two components and three resources.
fn items(payer: &str, n: usize, first_line: u64) -> Vec<LineItem> {
    (0..n)
        .map(|k| {
            let account = if k % 4 == 3 { "A2" } else { "A1" };
            let day = format!("2026-05-{:02}", 1 + k % 28);
            let mut it = item("2026-05", payer, account, &day, ["EC2", "S3"][k % 2], "0");
            it.product = "web".into();
            it.component = ["api", "db"][(k / 2) % 2].into();
            it.resource_id = format!("i-{}", k % 3);
            it.usage_type = format!("BoxUsage:{}", k % 5);
            it.billed = d("0.000000000000001") + Decimal::from(k as i64);
            it.quantity = if k % 7 == 0 { None } else { Some(d("1.25")) };
            it.source_line = first_line + k as u64;
            it
        })
        .collect()
}

async fn invoice_line_sources(s: Arc<dyn Store>) {
    let by = actor("alice", 3);
    s.add_customer(&customer("ACME"), &by).await.unwrap();
    let p1 = items("P1", 40, 2);
    let p2 = items("P2", 30, 500);
    import(&s, &meta("/data/p1.csv", "r1", "alice"), "h1", p1.clone()).await;
    import(&s, &meta("/data/p2.csv", "r1", "alice"), "h2", p2.clone()).await;
    s.assign_account("A1", "ACME", date("2026-01-01"), &by).await.unwrap();

    let q = SourceQuery {
        customer: "ACME".into(),
        period: p("2026-05"),
        service: "EC2".into(),
        product: "web".into(),
        component: "api".into(),
        limit: 12,
    };
    let all: Vec<(&str, &LineItem)> = p1
        .iter()
        .map(|i| ("/data/p1.csv", i))
        .chain(p2.iter().map(|i| ("/data/p2.csv", i)))
        .filter(|(_, i)| i.account == "A1" && i.service == "EC2" && i.component == "api")
        .collect();
    assert!(all.len() > 12, "the limit cuts: {}", all.len());
    let got = s.line_sources(&q).await.unwrap();
    assert_eq!(got.rows, all.len() as i64);
    assert_eq!(got.billed, all.iter().map(|(_, i)| i.billed).sum::<Decimal>(), "exact total");
    let mut by_res: BTreeMap<String, (i64, Decimal)> = BTreeMap::new();
    for (_, i) in &all {
        let e = by_res.entry(i.resource_id.clone()).or_default();
        e.0 += 1;
        e.1 += i.billed;
    }
    assert_eq!(got.resource_count, by_res.len());
    let res: BTreeMap<String, (i64, Decimal)> =
        got.resources.iter().map(|r| (r.resource.clone(), (r.rows, r.billed))).collect();
    assert_eq!(res, by_res);
    assert!(got.resources.windows(2).all(|w| w[0].billed >= w[1].billed), "largest first");
    assert!(got.resources.iter().all(|r| r.account == "A1" && r.region == "us-east-1"));

    // The first 12 line items in import order, with where they were read.
    assert_eq!(got.items.len(), 12);
    for (g, (file, want)) in got.items.iter().zip(&all) {
        assert_eq!(g.file, *file);
        assert_eq!(g.line, want.source_line as i64);
        assert_eq!((g.account.as_str(), g.usage_date), (want.account.as_str(), want.usage_date));
        assert_eq!(g.usage_type, want.usage_type);
        assert_eq!(g.resource, want.resource_id);
        assert_eq!(g.quantity, want.quantity);
        assert_eq!(g.billed, want.billed, "every digit");
    }
    assert!(got.items.windows(2).all(|w| w[0].id < w[1].id));
    // A limit past the first batch reads on into the second.
    let more = s.line_sources(&SourceQuery { limit: 1000, ..q.clone() }).await.unwrap();
    assert_eq!(more.items.len(), all.len());
    assert!(more.items.iter().any(|i| i.file == "/data/p2.csv"));
    assert_eq!(more.items.last().unwrap().line, all.last().unwrap().1.source_line as i64);

    // Nothing imported under that name: empty, not an error; an unknown customer is NotFound.
    let none = s.line_sources(&SourceQuery { component: "nope".into(), ..q.clone() }).await.unwrap();
    assert!(none.items.is_empty() && none.resources.is_empty() && none.rows == 0);
    let e = s.line_sources(&SourceQuery { customer: "NOPE".into(), ..q }).await.unwrap_err();
    assert!(matches!(e, StoreError::NotFound(_)), "{e}");
}
store_test!(invoice_line_sources => invoice_line_sources_sqlite, invoice_line_sources_postgres);

/// The resource list is cut at the same 1..=10,000 as the line items, not at the raw asked limit.
async fn line_sources_limit_clamps_resources(s: Arc<dyn Store>) {
    let by = actor("alice", 3);
    s.add_customer(&customer("ACME"), &by).await.unwrap();
    let n = 10_001;
    let lines: Vec<LineItem> = (0..n)
        .map(|k| {
            let mut it = item("2026-05", "P1", "A1", "2026-05-01", "EC2", "1");
            it.product = "web".into();
            it.component = "api".into();
            it.resource_id = format!("i-{k}");
            it.source_line = 2 + k as u64;
            it
        })
        .collect();
    import(&s, &meta("/data/many.csv", "r1", "alice"), "h1", lines).await;
    s.assign_account("A1", "ACME", date("2026-01-01"), &by).await.unwrap();
    let q = SourceQuery {
        customer: "ACME".into(),
        period: p("2026-05"),
        service: "EC2".into(),
        product: "web".into(),
        component: "api".into(),
        limit: 50_000,
    };
    let got = s.line_sources(&q).await.unwrap();
    assert_eq!(got.resource_count, n);
    assert_eq!(got.resources.len(), 10_000, "resources clamped like items");
    assert_eq!(got.items.len(), 10_000);
}
store_test!(
    line_sources_limit_clamps_resources => line_sources_limit_clamps_resources_sqlite,
    line_sources_limit_clamps_resources_postgres
);
