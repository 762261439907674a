//! Bulk account mapping: many accounts in one transaction (cost, resource and rating rollups moved once per batch
//! and period, exactly as one assignment at a time would); a bad row refuses the whole file naming its line; an
//! operator's rows become link proposals; a viewer maps nothing.
use std::collections::HashMap;
use std::sync::Arc;

use billops_domain::{CostBasis, Dim, Role};
use billops_store::{BulkAssignment, CostQuery, SourceQuery, Store, StoreError, UNASSIGNED};
use rust_decimal::Decimal;

use crate::parties::customer;
use crate::support::{actor, d, date, import, item, meta, p};

fn row(account: &str, customer: &str, from: &str, line: u64) -> BulkAssignment {
    BulkAssignment { account: account.into(), customer: customer.into(), from: date(from), line }
}

async fn by_customer(s: &Arc<dyn Store>, period: &str) -> HashMap<String, Decimal> {
    let rows = s.costs(&CostQuery::period(p(period), vec![Dim::Customer], CostBasis::Billed)).await.unwrap();
    rows.into_iter().map(|r| (r.keys[0].clone(), r.cost)).collect()
}

/// What the rating input (rating rollups) holds for a customer: cost and quantity.
async fn rated(s: &Arc<dyn Store>, period: &str, code: &str) -> (Decimal, Decimal) {
    let c = s.charges(p(period), Some(code)).await.unwrap();
    let lines = &c[0].lines;
    (lines.iter().map(|l| l.cost).sum(), lines.iter().map(|l| l.quantity.unwrap_or_default()).sum())
}

async fn bulk_mapping_moves_cost_once_and_all_or_nothing(s: Arc<dyn Store>) {
    let root = actor("root", 1);
    s.set_user("root", Role::Manager, &root).await.unwrap();
    s.set_user("olga", Role::Operator, &root).await.unwrap();
    s.set_user("dave", Role::Viewer, &root).await.unwrap();
    for c in ["ACME", "BETA"] {
        s.add_customer(&customer(c), &root).await.unwrap();
    }
    let mut may = Vec::new();
    for day in 1..=31u32 {
        may.push(item("2026-05", "P1", "A1", &format!("2026-05-{day:02}"), "EC2", &day.to_string()));
        may.push(item("2026-05", "P1", "A2", &format!("2026-05-{day:02}"), "S3", "0.1"));
    }
    let june: Vec<_> =
        (1..=30u32).map(|day| item("2026-06", "P1", "A3", &format!("2026-06-{day:02}"), "RDS", "2")).collect();
    import(&s, &meta("may.csv", "r1", "root"), "h-may", may).await;
    import(&s, &meta("june.csv", "r2", "root"), "h-june", june).await;

    // A bad row anywhere refuses the file: nothing assigned, the line named.
    let bad = vec![
        row("A1", "ACME", "2026-05-16", 2),
        row("A2", "BETA", "2026-05-01", 3),
        row("A9", "ACME", "2026-05-01", 4),
    ];
    let e = s.assign_accounts(&bad, &root).await.unwrap_err().to_string();
    assert!(e.contains("line 4") && e.contains("A9") && e.contains("nothing was assigned"), "{e}");
    assert!(s.assignments("A1").await.unwrap().is_empty(), "all or nothing");
    let twice = vec![row("A1", "ACME", "2026-05-16", 2), row("A1", "BETA", "2026-05-01", 3)];
    let e = s.assign_accounts(&twice, &root).await.unwrap_err().to_string();
    assert!(e.contains("line 3") && e.contains("line 2"), "{e}");
    let unknown = vec![row("A1", "NOPE", "2026-05-16", 7)];
    assert!(s.assign_accounts(&unknown, &root).await.unwrap_err().to_string().contains("line 7"));
    let e = s.assign_accounts(&[row("A1", "ACME", "2026-05-16", 2)], &actor("dave", 2)).await.unwrap_err();
    assert!(matches!(e, StoreError::Forbidden(_)), "{e}");

    // An operator's rows are proposals; nothing moves.
    let ops = s.assign_accounts(&[row("A1", "ACME", "2026-05-16", 2)], &actor("olga", 2)).await.unwrap();
    assert_eq!((ops.assigned, ops.proposed.len()), (0, 1));
    assert_eq!(by_customer(&s, "2026-05").await.len(), 1, "only unassigned cost");

    // A manager's rows: three accounts over two batches, mid-month start included.
    let rows = vec![
        row("A1", "ACME", "2026-05-16", 2),
        row("A2", "BETA", "2026-05-01", 3),
        row("A3", "ACME", "2026-06-01", 4),
    ];
    let done = s.assign_accounts(&rows, &root).await.unwrap();
    assert_eq!((done.assigned, done.rebuilt), (3, 2), "one rebuild per batch and period");
    let may_cost = by_customer(&s, "2026-05").await;
    let days = |r: std::ops::RangeInclusive<u32>| r.map(Decimal::from).sum::<Decimal>();
    assert_eq!(may_cost["ACME"], days(16..=31));
    assert_eq!(may_cost[UNASSIGNED], days(1..=15));
    assert_eq!(may_cost["BETA"], d("3.1"));
    assert_eq!(by_customer(&s, "2026-06").await["ACME"], d("60"));
    // the rating input moved too (what invoices are built from), quantities included
    assert_eq!(rated(&s, "2026-05", "ACME").await, (days(16..=31), d("1.5") * Decimal::from(16)));
    assert_eq!(rated(&s, "2026-05", "BETA").await, (d("3.1"), d("1.5") * Decimal::from(31)));
    assert_eq!(rated(&s, "2026-06", "ACME").await, (d("60"), d("45")));
    let a1 = s.assignments("A1").await.unwrap();
    assert_eq!((a1.len(), a1[0].customer.as_str(), a1[0].from), (1, "ACME", date("2026-05-16")));

    // A move reads only the customers the account's rollups can carry: A1's are ACME's days and, before its
    // first assignment, unassigned ones; a whole-month move to BETA takes both, and nobody else's sums change.
    s.assign_account("A1", "BETA", date("2026-05-01"), &root).await.unwrap();
    let may_cost = by_customer(&s, "2026-05").await;
    assert_eq!(may_cost.len(), 1, "{may_cost:?}");
    assert_eq!(may_cost["BETA"], d("3.1") + days(1..=31));
    assert_eq!(rated(&s, "2026-05", "BETA").await, (d("3.1") + days(1..=31), d("1.5") * Decimal::from(62)));
    assert_eq!(by_customer(&s, "2026-06").await["ACME"], d("60"), "June is another scope: untouched");
    // and back to ACME for the month, now from rollups that carry one customer (re-pointed in place)
    s.assign_account("A1", "ACME", date("2026-04-01"), &root).await.unwrap();
    let may_cost = by_customer(&s, "2026-05").await;
    assert_eq!((may_cost["ACME"], may_cost["BETA"]), (days(1..=31), d("3.1")), "{may_cost:?}");
}

store_test!(bulk_mapping_moves_cost_once_and_all_or_nothing => bulk_mapping_sqlite, bulk_mapping_postgres);

/// A move covering the whole month re-points the rollups and leaves line items as imported; a later move from
/// mid-month rebuilds from the line items, each item's customer resolved through the assignments (the first move
/// is kept for the days before it); moving back over split rollups rebuilds too. Invoice-line sources (line
/// items) follow the assignments, not the customer written at import.
async fn whole_month_then_mid_month_moves(s: Arc<dyn Store>) {
    let root = actor("root", 1);
    s.set_user("root", Role::Manager, &root).await.unwrap();
    for c in ["ACME", "BETA"] {
        s.add_customer(&customer(c), &root).await.unwrap();
    }
    let may: Vec<_> = (1..=31u32)
        .map(|day| item("2026-05", "P1", "A1", &format!("2026-05-{day:02}"), "EC2", &day.to_string()))
        .collect();
    import(&s, &meta("may.csv", "r1", "root"), "h-may", may).await;
    let days = |r: std::ops::RangeInclusive<u32>| r.map(Decimal::from).sum::<Decimal>();
    let sources = |code: &str| SourceQuery {
        customer: code.into(),
        period: p("2026-05"),
        service: "EC2".into(),
        product: "(untagged)".into(),
        component: "(untagged)".into(),
        limit: 100,
    };

    s.assign_accounts(&[row("A1", "ACME", "2026-05-01", 2)], &root).await.unwrap();
    let cost = by_customer(&s, "2026-05").await;
    assert_eq!((cost.len(), cost["ACME"]), (1, days(1..=31)), "{cost:?}");
    let src = s.line_sources(&sources("ACME")).await.unwrap();
    assert_eq!((src.rows, src.items.len(), src.billed), (31, 31, days(1..=31)));

    s.assign_accounts(&[row("A1", "BETA", "2026-05-21", 2)], &root).await.unwrap();
    let cost = by_customer(&s, "2026-05").await;
    assert_eq!((cost["ACME"], cost["BETA"]), (days(1..=20), days(21..=31)), "{cost:?}");
    assert!(!cost.contains_key(UNASSIGNED), "{cost:?}");
    assert_eq!(rated(&s, "2026-05", "ACME").await, (days(1..=20), d("1.5") * Decimal::from(20)));
    assert_eq!(rated(&s, "2026-05", "BETA").await, (days(21..=31), d("1.5") * Decimal::from(11)));
    let src = s.line_sources(&sources("BETA")).await.unwrap();
    assert_eq!(src.items.len(), 11);
    assert!(src.items.iter().all(|i| i.usage_date >= date("2026-05-21")), "only BETA's days");

    // back to ACME for the whole month, over rollups split between two customers
    s.assign_account("A1", "ACME", date("2026-05-01"), &root).await.unwrap();
    let cost = by_customer(&s, "2026-05").await;
    assert_eq!((cost.len(), cost["ACME"]), (1, days(1..=31)), "{cost:?}");
    assert_eq!(rated(&s, "2026-05", "ACME").await, (days(1..=31), d("1.5") * Decimal::from(31)));
    assert_eq!(s.line_sources(&sources("ACME")).await.unwrap().items.len(), 31);
}

store_test!(whole_month_then_mid_month_moves => whole_then_mid_month_sqlite, whole_then_mid_month_postgres);

/// Several accounts moved from mid-month in one file: the rebuilt rollups (cost by customer, resource rollups by
/// customer, account and resource, and the rating input with its quantities) are the sums of the line items on
/// each side of each account's date, computed here from the items themselves. Resources, usage types and rows
/// without a quantity vary, so every grain is checked (CI runs this with a three-key rollup budget too, which
/// takes the rebuild through its spilled runs).
async fn bulk_mid_month_moves_rebuild_every_grain(s: Arc<dyn Store>) {
    use billops_domain::LineItem;
    let root = actor("root", 1);
    s.set_user("root", Role::Manager, &root).await.unwrap();
    for c in ["ACME", "BETA", "GAMMA"] {
        s.add_customer(&customer(c), &root).await.unwrap();
    }
    let mut items: Vec<LineItem> = Vec::new();
    for (k, acct) in ["A1", "A2", "A3"].iter().enumerate() {
        for day in 1..=31u32 {
            for r in 0..3u32 {
                let cost = format!("{}.{:07}", day + r, (day * 7 + r * 3 + k as u32) % 10_000_000);
                let mut it = item("2026-05", "P1", acct, &format!("2026-05-{day:02}"), "EC2", &cost);
                it.resource_id = format!("i-{acct}-{r}");
                it.usage_type = if (day + r) % 2 == 0 { "BoxUsage".into() } else { "EBS:VolumeUsage".into() };
                // no quantity on one resource's volume rows: those charge lines have none, the others do
                let volume = (day + r) % 2 == 1;
                it.quantity = if r == 2 && volume { None } else { Some(Decimal::new(i64::from(day * 10 + r), 1)) };
                items.push(it);
            }
        }
    }
    import(&s, &meta("may.csv", "r1", "root"), "h-may3", items.clone()).await;
    let whole = vec![
        row("A1", "ACME", "2026-05-01", 2),
        row("A2", "ACME", "2026-05-01", 3),
        row("A3", "BETA", "2026-05-01", 4),
    ];
    s.assign_accounts(&whole, &root).await.unwrap();
    let moves = vec![row("A1", "BETA", "2026-05-11", 2), row("A2", "GAMMA", "2026-05-21", 3)];
    let done = s.assign_accounts(&moves, &root).await.unwrap();
    assert_eq!((done.assigned, done.rebuilt), (2, 1));

    let owner = |acct: &str, day: u32| match (acct, day) {
        ("A1", 11..) => "BETA",
        ("A1", _) => "ACME",
        ("A2", 21..) => "GAMMA",
        ("A2", _) => "ACME",
        _ => "BETA",
    };
    let mut want_res: HashMap<(String, String, String), Decimal> = HashMap::new();
    // a charge line (customer, account, usage type, …) has a quantity only when all its rows have one
    let mut lines: HashMap<(String, String, String), (Decimal, Option<Decimal>)> = HashMap::new();
    for it in &items {
        let day = it.usage_date.format("%d").to_string().parse::<u32>().unwrap();
        let who = owner(&it.account, day).to_string();
        *want_res.entry((who.clone(), it.account.clone(), it.resource_id.clone())).or_default() += it.billed;
        let line = lines
            .entry((who, it.account.clone(), it.usage_type.clone()))
            .or_insert((Decimal::ZERO, Some(Decimal::ZERO)));
        line.0 += it.billed;
        line.1 = line.1.zip(it.quantity).map(|(a, b)| a + b);
    }
    let mut want_rated: HashMap<String, (Decimal, Decimal)> = HashMap::new();
    for ((who, _, _), (billed, quantity)) in lines {
        let r = want_rated.entry(who).or_default();
        r.0 += billed;
        r.1 += quantity.unwrap_or_default();
    }
    assert!(want_rated.values().all(|r| r.1 > Decimal::ZERO), "some lines have a quantity: {want_rated:?}");
    let q = CostQuery::period(p("2026-05"), vec![Dim::Customer, Dim::Account, Dim::Resource], CostBasis::Billed);
    let got_res: HashMap<(String, String, String), Decimal> = s
        .costs(&q)
        .await
        .unwrap()
        .into_iter()
        .map(|r| ((r.keys[0].clone(), r.keys[1].clone(), r.keys[2].clone()), r.cost))
        .collect();
    assert_eq!(got_res, want_res);
    let cost = by_customer(&s, "2026-05").await;
    for (who, (billed, quantity)) in &want_rated {
        assert_eq!(cost[who], *billed, "{who}: {cost:?}");
        assert_eq!(rated(&s, "2026-05", who).await, (*billed, *quantity), "{who}");
    }
    assert_eq!(cost.len(), 3, "{cost:?}");
}

store_test!(bulk_mid_month_moves_rebuild_every_grain => bulk_mid_month_every_grain_sqlite, bulk_mid_month_every_grain_postgres);
