//! Rating rollups: `charges()` (read from `rating_rollups`) equals the line items grouped at the rating grain —
//! cost and exact quantity — after import, after an estimated → final replacement and after re-assignments,
//! on both backends; a store from before migration 0004 is refused by open and back-filled by `billops migrate`, and a half-done back-fill
//! resumes.
use std::collections::BTreeMap;
use std::sync::Arc;

use billops_domain::{ChargeCategory, CostBasis, Dim, LineItem, Period};
use billops_store::{CostQuery, Store};
use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;

use crate::parties::customer;
use crate::support::{actor, d, date, import, item, meta, p, raw, with_pg};

/// customer, account, service, product, component, charge category, region, usage type, unit, payer.
type Key = (String, String, String, String, String, String, String, String, String, String);
/// Cost and quantity (`None`: no row had one).
type Sums = BTreeMap<Key, (Decimal, Option<Decimal>)>;

fn line(
    account: &str,
    payer: &str,
    day: u32,
    usage: (&str, &str, Option<&str>),
    cost: &str,
    category: ChargeCategory,
) -> LineItem {
    let (usage_type, unit, quantity) = usage;
    let service = if usage_type.starts_with("Requests") { "S3" } else { "EC2" };
    LineItem {
        usage_type: usage_type.to_string(),
        unit: unit.to_string(),
        quantity: quantity.map(d),
        charge_category: category,
        product: if day.is_multiple_of(2) { "web".into() } else { "batch".into() },
        ..item("2026-05", payer, account, &format!("2026-05-{day:02}"), service, cost)
    }
}

/// May 2026 for payer P1 (accounts A1, A2) in `version` 1 (estimated) or 2 (final, other amounts).
fn p1_items(version: u32) -> Vec<LineItem> {
    let mut v = Vec::new();
    for day in 1..=31u32 {
        let tiny = Decimal::from(day) * d("0.000000000000001");
        let hrs = if version == 1 { "24" } else { "23.5" };
        let cost = (d("1.5") + tiny).to_string();
        v.push(line("A1", "P1", day, ("BoxUsage:m5.large", "Hrs", Some(hrs)), &cost, ChargeCategory::Usage));
        v.push(line(
            "A1",
            "P1",
            day,
            ("EBS:VolumeUsage.gp3", "GB-Mo", Some("0.0333333333333333")),
            "0.10",
            ChargeCategory::Usage,
        ));
        let req = (Decimal::from(day) * d("1000.5")).to_string();
        v.push(line("A2", "P1", day, ("Requests-Tier1", "Requests", Some(&req)), "0.004", ChargeCategory::Usage));
        v.push(line("A2", "P1", day, ("Tax", "", None), "0.01", ChargeCategory::Tax));
    }
    if version == 2 {
        for v in &mut v {
            v.invoice_id = "INV-P1".into();
        }
    }
    v
}

/// May 2026 for payer P2 (account B1): one group where some rows have a quantity and some do not.
fn p2_items() -> Vec<LineItem> {
    let mut v = Vec::new();
    for day in [1u32, 2, 3, 10, 30] {
        let q = if day == 3 { None } else { Some("1.000000000000001") };
        v.push(line("B1", "P2", day, ("BoxUsage:t3.micro", "Hrs", q), "0.0104", ChargeCategory::Usage));
        v.push(line("B1", "P2", day, ("Credit", "", None), "-0.5", ChargeCategory::Credit));
    }
    // quantities the SQLite back-fill splits from their stored text: negative, whole, 28 decimals, 18 digits
    for (day, q) in [(4u32, "-0.5"), (5, "-12.000000000000000000000000001"), (6, "7"), (8, "123456789012345678")] {
        v.push(line("B1", "P2", day, ("BoxUsage:t3.micro", "Hrs", Some(q)), "-0.0052", ChargeCategory::Refund));
    }
    v.push(line(
        "B1",
        "P2",
        4,
        ("DataTransfer-Out", "GB", Some("0.0000000000000000000000000001")),
        "0",
        ChargeCategory::Usage,
    ));
    v
}

/// `(account, customer, from)`: the latest assignment starting on or before the day wins.
type Assignments = Vec<(&'static str, &'static str, NaiveDate)>;

fn expected(items: &[LineItem], assignments: &Assignments) -> Sums {
    let mut out = Sums::new();
    for it in items {
        let cust = assignments
            .iter()
            .filter(|(a, _, from)| *a == it.account && *from <= it.usage_date)
            .max_by_key(|(_, _, from)| *from)
            .map(|(_, c, _)| *c);
        let Some(cust) = cust else { continue };
        let key = (
            cust.to_string(),
            it.account.clone(),
            it.service.clone(),
            it.product.clone(),
            it.component.clone(),
            it.charge_category.as_str().to_string(),
            it.region.clone(),
            it.usage_type.clone(),
            it.unit.clone(),
            it.payer.clone(),
        );
        // a line's quantity is the sum when every row has one, none when any row lacks it (a unit rate or
        // resource unit then refuses the line instead of charging part of it)
        let e = out.entry(key).or_insert((Decimal::ZERO, Some(Decimal::ZERO)));
        e.0 += it.billed;
        match (it.quantity, e.1.as_mut()) {
            (Some(q), Some(sum)) => *sum += q,
            (None, _) => e.1 = None,
            (Some(_), None) => {}
        }
    }
    out
}

async fn actual(s: &Arc<dyn Store>, period: Period) -> Sums {
    let mut out = Sums::new();
    for c in s.charges(period, None).await.unwrap() {
        assert_eq!(c.lines.len(), c.payers.len());
        for (l, payer) in c.lines.iter().zip(&c.payers) {
            assert_eq!(l.usage_date, period.start(), "rated as of the period's first day");
            let key = (
                c.customer.clone(),
                l.account.clone(),
                l.service.clone(),
                l.product.clone(),
                l.component.clone(),
                l.charge_category.as_str().to_string(),
                l.region.clone(),
                l.usage_type.clone(),
                l.unit.clone(),
                payer.clone(),
            );
            assert!(out.insert(key, (l.cost, l.quantity)).is_none(), "one line per key");
        }
    }
    out
}

/// `charges()` equals the items at the rating grain, and per customer it equals `costs()` (cost rollups).
async fn reconcile(s: &Arc<dyn Store>, items: &[LineItem], assignments: &Assignments, what: &str) {
    let want = expected(items, assignments);
    let got = actual(s, p("2026-05")).await;
    assert_eq!(got, want, "{what}");
    let mut per_customer: BTreeMap<String, Decimal> = BTreeMap::new();
    for (k, (cost, _)) in &got {
        *per_customer.entry(k.0.clone()).or_default() += cost;
    }
    let q = CostQuery::period(p("2026-05"), vec![Dim::Customer], CostBasis::Billed);
    let costs: BTreeMap<String, Decimal> = s
        .costs(&q)
        .await
        .unwrap()
        .into_iter()
        .filter(|r| r.keys[0] != billops_store::UNASSIGNED)
        .map(|r| (r.keys[0].clone(), r.cost))
        .collect();
    assert_eq!(per_customer, costs, "{what}: rating rollups agree with cost rollups");
}

async fn rollups_reconcile(s: Arc<dyn Store>) {
    let by = actor("alice", 3);
    for c in ["ACME", "BETA"] {
        s.add_customer(&customer(c), &by).await.unwrap();
    }
    let mut assignments: Assignments = Vec::new();
    import(&s, &meta("p1-est.csv", "r1", "alice"), "h-p1-est", p1_items(1)).await;
    import(&s, &meta("p2.csv", "r1", "alice"), "h-p2", p2_items()).await;
    let mut items: Vec<LineItem> = p1_items(1).into_iter().chain(p2_items()).collect();
    reconcile(&s, &items, &assignments, "after import, nothing assigned").await;

    for (acct, cust, from) in [("A1", "ACME", "2026-05-01"), ("B1", "BETA", "2026-05-01"), ("A2", "BETA", "2026-05-16")]
    {
        s.assign_account(acct, cust, date(from), &by).await.unwrap();
        assignments.push((acct, cust, date(from)));
        reconcile(&s, &items, &assignments, &format!("after assigning {acct} to {cust} from {from}")).await;
    }
    let acme = s.charges(p("2026-05"), Some("ACME")).await.unwrap();
    let boxes = acme[0].lines.iter().find(|l| l.usage_type == "BoxUsage:m5.large" && l.product == "web").unwrap();
    assert_eq!(boxes.quantity, Some(d("360")), "15 even days × 24 Hrs");
    let beta = s.charges(p("2026-05"), Some("BETA")).await.unwrap().remove(0);
    let tax = beta.lines.iter().find(|l| l.charge_category == ChargeCategory::Tax).unwrap();
    assert_eq!(tax.quantity, None, "no row of the group had a quantity");
    let t3 = beta.lines.iter().find(|l| l.usage_type == "BoxUsage:t3.micro" && l.product == "batch").unwrap();
    assert_eq!(t3.quantity, None, "days 1 and 3, only day 1 has a quantity: no partial sum to charge by");

    // estimated → final: the P1 part is replaced, P2 stays
    let out = import(&s, &meta("p1-final.csv", "r2", "alice"), "h-p1-final", p1_items(2)).await;
    assert_eq!(out.replaced.len(), 1);
    items = p1_items(2).into_iter().chain(p2_items()).collect();
    reconcile(&s, &items, &assignments, "after replacement").await;

    // a move mid-month after the replacement
    s.assign_account("A1", "BETA", date("2026-05-20"), &by).await.unwrap();
    assignments.push(("A1", "BETA", date("2026-05-20")));
    reconcile(&s, &items, &assignments, "after moving A1 on the 20th").await;
    assert!(s.charges(p("2026-06"), None).await.unwrap().is_empty());
}
store_test!(rollups_reconcile => rollups_reconcile_sqlite, rollups_reconcile_postgres);

/// Migration 0015 undone too (it changed the rollups this store is rebuilt from); it is applied again on
/// the next open, after 0004, and its currency back-fill runs in `billops migrate` with the rating one.
const BEFORE_0015: &[&str] =
    &["DROP TABLE fx_rates", "DROP TABLE rollup_currency_pending", "DELETE FROM _sqlx_migrations WHERE version = 15"];
const BEFORE_0015_PG: &[&str] = &[
    "DROP FUNCTION billops_guard_fx_rates()",
    "ALTER TABLE cost_rollups DROP COLUMN currency",
    "ALTER TABLE cost_rollups ADD PRIMARY KEY (period, customer_id, service, product, component, account, payer, \
     charge_category, region, batch_id)",
    "ALTER TABLE resource_rollups DROP COLUMN currency",
    "ALTER TABLE resource_rollups ADD PRIMARY KEY (period, customer_id, service, product, component, resource, \
     account, payer, charge_category, region, batch_id)",
];

const BEFORE_0004: &[&str] = &[
    "DROP TABLE rating_rollups",
    "DROP TABLE rating_rollup_batches",
    "DROP TABLE resource_unit_rates",
    "DROP TABLE resource_units",
    "DROP TABLE customer_billing_models",
    "DELETE FROM _sqlx_migrations WHERE version = 4",
];

async fn backfill_on(url: String) {
    let by = actor("alice", 3);
    let s = billops_store::open(&url).await.unwrap();
    for c in ["ACME", "BETA"] {
        s.add_customer(&customer(c), &by).await.unwrap();
    }
    import(&s, &meta("p1.csv", "r1", "alice"), "h-p1", p1_items(1)).await;
    import(&s, &meta("p2.csv", "r1", "alice"), "h-p2", p2_items()).await;
    let assignments: Assignments = vec![
        ("A1", "ACME", date("2026-05-01")),
        ("A2", "ACME", date("2026-05-01")),
        ("B1", "BETA", date("2026-05-11")),
    ];
    for (a, c, from) in &assignments {
        s.assign_account(a, c, *from, &by).await.unwrap();
    }
    let items: Vec<LineItem> = p1_items(1).into_iter().chain(p2_items()).collect();
    reconcile(&s, &items, &assignments, "as imported").await;
    s.close().await;

    raw(&url, BEFORE_0015).await;
    if !url.starts_with("sqlite:") {
        raw(&url, BEFORE_0015_PG).await;
    }
    raw(&url, BEFORE_0004).await;
    // An open never back-fills: the store is refused, naming the command, and nothing is written.
    match billops_store::open(&url).await {
        Err(e @ billops_store::StoreError::NeedsMigration(_)) => {
            assert!(e.to_string().contains("billops migrate") && e.to_string().contains("2 import batch"), "{e}");
            assert_eq!(e.kind(), billops_store::ErrorKind::Unavailable);
        }
        Err(e) => panic!("expected NeedsMigration, got {e}"),
        Ok(_) => panic!("an old store opened without `billops migrate`"),
    }
    let mut seen = Vec::new();
    let filled = migrate(&url, &mut |d, t| seen.push((d, t))).await.unwrap();
    assert_eq!((filled, seen.first().copied(), seen.last().copied()), (2, Some((0, 2)), Some((2, 2))));
    let s = billops_store::open(&url).await.unwrap();
    reconcile(&s, &items, &assignments, "back-filled by billops migrate after the upgrade").await;
    s.close().await;
    assert_eq!(migrate(&url, &mut |_, _| {}).await.unwrap(), 0, "migrated again: nothing filled twice");
    let s = billops_store::open(&url).await.unwrap();
    reconcile(&s, &items, &assignments, "opened again: nothing filled twice").await;
    s.close().await;

    // interrupted after the first batch: the second is filled on the next open
    raw(
        &url,
        &["DELETE FROM rating_rollups WHERE batch_id = 2", "DELETE FROM rating_rollup_batches WHERE batch_id = 2"],
    )
    .await;
    assert_eq!(migrate(&url, &mut |_, _| {}).await.unwrap(), 1);
    let s = billops_store::open(&url).await.unwrap();
    reconcile(&s, &items, &assignments, "resumed").await;
    // re-assignment after the back-fill rebuilds as usual
    s.assign_account("A2", "BETA", date("2026-05-07"), &by).await.unwrap();
    let mut moved = assignments.clone();
    moved.push(("A2", "BETA", date("2026-05-07")));
    reconcile(&s, &items, &moved, "moved after the back-fill").await;
    s.close().await;

    // SQLite sums quantities from their text: one it cannot split exactly stops the back-fill, naming the batch
    if url.starts_with("sqlite:") {
        raw(
            &url,
            &[
                "UPDATE line_items SET quantity = '12345678901234567890' WHERE id = (SELECT min(id) FROM line_items)",
                "DELETE FROM rating_rollups WHERE batch_id = 1",
                "DELETE FROM rating_rollup_batches WHERE batch_id = 1",
            ],
        )
        .await;
        match migrate(&url, &mut |_, _| {}).await {
            Err(billops_store::StoreError::Invalid(m)) => {
                assert!(m.contains("batch 1") && m.contains("quantity"), "{m}")
            }
            Err(e) => panic!("expected Invalid, got {e}"),
            Ok(_) => panic!("expected the back-fill to refuse"),
        }
    }
}

async fn migrate(url: &str, progress: &mut (dyn FnMut(usize, usize) + Send)) -> billops_store::Result<usize> {
    billops_store::migrate(url, &billops_store::OpenOptions::default(), progress).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn backfill_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    backfill_on(format!("sqlite:{}", dir.path().join("old.db").display())).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn backfill_postgres() {
    with_pg("backfill_postgres", |url| Box::pin(backfill_on(url))).await;
}

#[test]
fn fixtures_cover_the_cases() {
    let items = p1_items(1);
    assert!(items.iter().any(|i| i.quantity.is_none()) && items.iter().any(|i| i.usage_date.day() == 31));
    assert!(p2_items().iter().any(|i| i.charge_category == ChargeCategory::Credit));
}

/// SQLite splits a quantity from its text: text that is not `-?digits[.digits]` ("1.2.3", "1-2", "-", ".") is
/// refused with the back-fill's error, never summed as whatever `CAST` makes of its first part.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn backfill_refuses_malformed_quantity_text_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite:{}", dir.path().join("bad.db").display());
    let s = billops_store::open(&url).await.unwrap();
    import(&s, &meta("p1.csv", "r1", "alice"), "h-p1", p1_items(1)).await;
    s.close().await;
    for bad in ["1.2.3", "1-2", "-", ".", "-.", "--1", "1.5-"] {
        let set = format!("UPDATE line_items SET quantity = '{bad}' WHERE id = (SELECT min(id) FROM line_items)");
        raw(
            &url,
            &[
                &set,
                "DELETE FROM rating_rollups WHERE batch_id = 1",
                "DELETE FROM rating_rollup_batches WHERE batch_id = 1",
            ],
        )
        .await;
        match migrate(&url, &mut |_, _| {}).await {
            Err(billops_store::StoreError::Invalid(m)) => {
                assert!(m.contains("batch 1") && m.contains("not a plain decimal"), "{bad}: {m}")
            }
            Err(e) => panic!("{bad}: expected Invalid, got {e}"),
            Ok(_) => panic!("{bad}: expected the back-fill to refuse"),
        }
    }
    // a good quantity again: the back-fill completes
    raw(&url, &["UPDATE line_items SET quantity = '-1.5' WHERE id = (SELECT min(id) FROM line_items)"]).await;
    assert_eq!(migrate(&url, &mut |_, _| {}).await.unwrap(), 1);
    billops_store::open(&url).await.unwrap().close().await;
}
