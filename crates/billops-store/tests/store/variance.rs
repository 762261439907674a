//! Variance between periods: exact per customer × service costs of a period and the one before (assigned
//! customers only), explanations recorded and replaced by operators (audited, refused in a locked period,
//! a moved Δ is a conflict), explanations going stale with new data, and the close facts counting what is
//! still unexplained with the thresholds they are given, inside sign-off's transaction too.
use std::sync::Arc;

use billops_domain::close::CloseConfig;
use billops_domain::terms::Percent;
use billops_domain::variance::{Driver, ServiceCost, VarianceThresholds};
use billops_domain::{CostBasis, Dim, LineItem, Role};
use billops_store::{AuditFilter, CostQuery, NewExplanation, Store, StoreError};

use crate::parties::customer;
use crate::support::{actor, d, date, import, item, meta, p, quiet_month};

fn at(period: &str, account: &str, day: &str, service: &str, cost: &str) -> LineItem {
    item(period, "P1", account, day, service, cost)
}

async fn setup(s: &Arc<dyn Store>) {
    let root = actor("root", 1);
    s.set_user("root", Role::Manager, &root).await.unwrap();
    s.set_user("alice", Role::Manager, &root).await.unwrap();
    s.set_user("bob", Role::Operator, &root).await.unwrap();
    s.set_user("dave", Role::Viewer, &root).await.unwrap();
    for code in ["ACME", "BETA"] {
        s.add_customer(&customer(code), &root).await.unwrap();
    }
    let april = vec![
        at("2026-04", "A1", "2026-04-03", "EC2", "1000"),
        at("2026-04", "A1", "2026-04-03", "S3", "500"),
        at("2026-04", "A2", "2026-04-09", "RDS", "2000"),
        at("2026-04", "A3", "2026-04-09", "EC2", "9999"),
    ];
    import(s, &meta("april.csv", "r1", "bob"), "h-apr", april).await;
    let may = vec![
        at("2026-05", "A1", "2026-05-03", "EC2", "1250.250000000000001"),
        at("2026-05", "A1", "2026-05-20", "EC2", "1250.250000000000001"),
        at("2026-05", "A1", "2026-05-03", "S3", "520"),
        at("2026-05", "A1", "2026-05-07", "EKS", "1200"),
        at("2026-05", "A3", "2026-05-07", "EC2", "50000"),
    ];
    import(s, &meta("may.csv", "r2", "bob"), "h-may", may).await;
    s.assign_account("A1", "ACME", date("2026-04-01"), &root).await.unwrap();
    s.assign_account("A2", "BETA", date("2026-04-01"), &root).await.unwrap();
}

fn sc(customer: &str, service: &str, prev: &str, cur: &str, rows: (u64, u64)) -> ServiceCost {
    ServiceCost {
        customer: customer.into(),
        service: service.into(),
        prev: d(prev),
        cur: d(cur),
        prev_rows: rows.0,
        cur_rows: rows.1,
    }
}

fn explain(customer: &str, service: &str, driver: Driver, text: &str, delta: Option<&str>) -> NewExplanation {
    NewExplanation {
        period: p("2026-05"),
        customer: customer.into(),
        service: service.into(),
        driver,
        text: text.into(),
        expected_delta: delta.map(d),
    }
}

async fn unexplained(s: &Arc<dyn Store>, cfg: &CloseConfig) -> u64 {
    s.close_facts(p("2026-05"), cfg).await.unwrap().variances_unexplained
}

async fn variances_are_computed_explained_and_go_stale(s: Arc<dyn Store>) {
    setup(&s).await;
    let costs = s.service_costs(p("2026-05")).await.unwrap();
    assert_eq!((costs.period, costs.previous, costs.baseline), (p("2026-05"), p("2026-04"), true));
    assert_eq!(
        costs.costs,
        vec![
            sc("ACME", "EC2", "1000", "2500.500000000000002", (1, 2)),
            sc("ACME", "EKS", "0", "1200", (0, 1)),
            sc("ACME", "S3", "500", "520", (1, 1)),
            sc("BETA", "RDS", "2000", "0", (1, 0)),
        ],
        "assigned customers only, exact sums, new and gone services on both sides"
    );
    // April has no month before it with data: nothing to compare, nothing flagged.
    let april = s.service_costs(p("2026-04")).await.unwrap();
    assert!(!april.baseline);
    let cfg = CloseConfig::default();
    assert_eq!(s.close_facts(p("2026-04"), &cfg).await.unwrap().variances_unexplained, 0);
    // May: EC2 +1500.5 (+150 %), EKS new 1200, RDS gone −2000 are flagged; S3 +20 is not.
    assert_eq!(unexplained(&s, &cfg).await, 3);
    // Thresholds are the caller's.
    let loose = CloseConfig { variance: VarianceThresholds::new(Percent::ZERO, d("0")).unwrap(), ..cfg.clone() };
    assert_eq!(unexplained(&s, &loose).await, 4);
    let strict = CloseConfig { variance: VarianceThresholds::new(Percent::ZERO, d("1600")).unwrap(), ..cfg.clone() };
    assert_eq!(unexplained(&s, &strict).await, 1, "only the gone RDS moves by 1,600 or more");
    // The bound is exact to the last digit (the SQL pre-filter only narrows what is read).
    let bound =
        |abs: &str| CloseConfig { variance: VarianceThresholds::new(Percent::ZERO, d(abs)).unwrap(), ..cfg.clone() };
    assert_eq!(unexplained(&s, &bound("1500.500000000000002")).await, 2, "EC2 reaches it exactly, RDS too");
    assert_eq!(unexplained(&s, &bound("1500.500000000000003")).await, 1);
    assert_eq!(unexplained(&s, &bound("1200")).await, 3);
    assert_eq!(unexplained(&s, &bound("1200.000000000000001")).await, 2);
    let pct = |pct: &str| CloseConfig {
        variance: VarianceThresholds::new(Percent::new(d(pct)).unwrap(), d("0")).unwrap(),
        ..cfg.clone()
    };
    assert_eq!(unexplained(&s, &pct("150.0500000000000002")).await, 3, "EC2 at +150.0500000000000002 %, new, gone");
    assert_eq!(unexplained(&s, &pct("150.0500000000000003")).await, 2, "a gone service has no percentage");

    let bob = actor("bob", 7);
    let ec2 =
        explain("ACME", "EC2", Driver::UsageGrowth, "web tier doubled for the sale", Some("1500.500000000000002"));
    assert!(matches!(s.explain_variance(&ec2, &actor("dave", 7)).await, Err(StoreError::Forbidden(_))));
    let stale_view = NewExplanation { expected_delta: Some(d("1500")), ..ec2.clone() };
    let e = s.explain_variance(&stale_view, &bob).await.unwrap_err();
    assert!(matches!(&e, StoreError::Conflict(m) if m.contains("changed meanwhile")), "{e}");
    let e = s.explain_variance(&NewExplanation { service: "Lambda".into(), ..ec2.clone() }, &bob).await;
    assert!(matches!(e, Err(StoreError::NotFound(_))), "{e:?}");
    let e = s.explain_variance(&NewExplanation { customer: "NOPE".into(), ..ec2.clone() }, &bob).await;
    assert!(matches!(e, Err(StoreError::NotFound(_))), "{e:?}");
    let e = s.explain_variance(&NewExplanation { text: "  ".into(), ..ec2.clone() }, &bob).await;
    assert!(matches!(e, Err(StoreError::Invalid(_))), "{e:?}");
    let saved = s.explain_variance(&ec2, &bob).await.unwrap();
    assert_eq!(
        (saved.explanation.driver, saved.explanation.delta, saved.explanation.by.as_str(), saved.explanation.at),
        (Driver::UsageGrowth, d("1500.500000000000002"), "bob", bob.at)
    );
    assert_eq!(unexplained(&s, &cfg).await, 2);

    // Replacing keeps one explanation per period, customer and service; both writes are audited.
    let ec2b = explain("ACME", "EC2", Driver::OneOff, "sale weekend only", None);
    s.explain_variance(&ec2b, &actor("bob", 8)).await.unwrap();
    let list = s.list_explanations(p("2026-05")).await.unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!((list[0].explanation.driver, list[0].explanation.text.as_str()), (Driver::OneOff, "sale weekend only"));
    assert!(s.list_explanations(p("2026-04")).await.unwrap().is_empty());
    let audit = s.audit(&AuditFilter { action: Some("variance.".into()), ..Default::default() }).await.unwrap();
    assert_eq!(audit.len(), 2);
    assert_eq!(audit[0].entity_id, "2026-05/ACME/EC2");
    assert!(audit[0].before.as_deref().unwrap_or("").contains("web tier doubled"), "{:?}", audit[0]);
    assert!(audit[1].before.is_none());

    // A late file of the same run adds a cent to EC2: the explanation no longer fits, EC2 is unexplained again.
    let late = vec![at("2026-05", "A1", "2026-05-28", "EC2", "0.01")];
    import(&s, &meta("may-late.csv", "r2", "bob"), "h-may-late", late).await;
    assert_eq!(unexplained(&s, &cfg).await, 3);

    // Sign-off recomputes inside its transaction: the variances block it, named.
    let alice = actor("alice", 9);
    let e = s.sign_off(p("2026-05"), &cfg, date("2026-06-08"), "", &alice).await.unwrap_err();
    assert!(e.to_string().contains("variance(s) over threshold"), "{e}");

    for (customer, service, driver) in
        [("ACME", "EC2", Driver::OneOff), ("ACME", "EKS", Driver::NewService), ("BETA", "RDS", Driver::Decommission)]
    {
        s.explain_variance(&explain(customer, service, driver, "checked with the customer", None), &bob).await.unwrap();
    }
    assert_eq!(unexplained(&s, &cfg).await, 0);
    let e = s.sign_off(p("2026-05"), &cfg, date("2026-06-08"), "", &alice).await.unwrap_err();
    assert!(!e.to_string().contains("variance"), "{e}");

    // A locked period refuses explanations, naming the lock.
    quiet_month(&s, "2026-03", "P1", &bob).await;
    s.sign_off(p("2026-03"), &cfg, date("2026-04-08"), "quiet", &alice).await.unwrap();
    let march = NewExplanation { period: p("2026-03"), ..ec2b };
    match s.explain_variance(&march, &bob).await {
        Err(StoreError::Locked { period, by }) => assert_eq!((period.as_str(), by.as_str()), ("2026-03", "alice")),
        other => panic!("expected Locked, got {other:?}"),
    }
}
store_test!(variances_are_computed_explained_and_go_stale => variance_sqlite, variance_postgres);

/// A deterministic mix of amounts (up to 15 decimals, negatives, new and gone services) over three customers
/// and six services: the close facts (which read only the pairs the thresholds may flag) count exactly what the
/// domain rule flags over every pair, for a grid of thresholds.
async fn the_flag_prefilter_never_drops_a_variance(s: Arc<dyn Store>) {
    setup(&s).await;
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = move || {
        x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        x >> 11
    };
    let mut items = Vec::new();
    for (account, per, day) in [
        ("A1", "2026-04", "2026-04-11"),
        ("A2", "2026-04", "2026-04-12"),
        ("A1", "2026-05", "2026-05-11"),
        ("A2", "2026-05", "2026-05-12"),
    ] {
        for service in ["Svc0", "Svc1", "Svc2", "Svc3", "Svc4", "Svc5"] {
            let r = next();
            if r % 7 == 0 {
                continue; // new or gone
            }
            let cents = i64::try_from(next() % 600_000).unwrap() - 50_000;
            let frac = next() % 1_000_000_000_000_000;
            let scale = u32::try_from(next() % 16).unwrap();
            let tail = rust_decimal::Decimal::from_i128_with_scale(i128::from(frac), 15).round_dp(scale);
            let cost = rust_decimal::Decimal::new(cents, 2) + tail;
            for _ in 0..=(r % 3) {
                items.push(at(per, account, day, service, &cost.to_string()));
            }
        }
    }
    import(&s, &meta("mix.csv", "r9", "bob"), "h-mix", items).await;
    let sc = s.service_costs(p("2026-05")).await.unwrap();
    assert!(sc.costs.len() >= 8, "{}", sc.costs.len()); // the mix replaces the setup's data (a later run)
    for (pct, abs) in [
        ("0", "0"),
        ("10", "1000"),
        ("5", "100"),
        ("50", "10"),
        ("100", "0"),
        ("150", "2500.5"),
        ("0.5", "0.01"),
        ("33.333", "1234.567891234567891"),
        ("25", "3000"),
        ("300", "50"),
        ("0", "5000"),
    ] {
        let th = VarianceThresholds::new(Percent::new(d(pct)).unwrap(), d(abs)).unwrap();
        let want = billops_domain::variance::compare(&sc.costs, &th, sc.baseline)
            .unwrap()
            .iter()
            .filter(|v| v.flagged)
            .count();
        let cfg = CloseConfig { variance: th, ..CloseConfig::default() };
        assert_eq!(unexplained(&s, &cfg).await, u64::try_from(want).unwrap(), "{pct} % and {abs}");
    }
}
store_test!(the_flag_prefilter_never_drops_a_variance => variance_prefilter_sqlite, variance_prefilter_postgres);

/// Volumes behind the variances: exact quantity and cost per customer × service × unit of both months,
/// assigned customers only, and rows without a quantity counted per month.
async fn volumes_are_summed_per_unit_exactly(s: Arc<dyn Store>) {
    setup(&s).await;
    let mut extra = vec![
        // ACME's EC2 storage in GB-Mo in May only, with a quantity of 15 decimal places; one row without one
        at("2026-05", "A1", "2026-05-11", "EC2", "10.000000000000001"),
        at("2026-05", "A1", "2026-05-12", "EC2", "2"),
    ];
    extra[0].unit = "GB-Mo".into();
    extra[0].quantity = Some(d("0.123456789012345"));
    extra[1].unit = "GB-Mo".into();
    extra[1].quantity = None;
    import(&s, &meta("may-extra.csv", "r2", "bob"), "h-may-x", extra).await;
    let v = s.service_volumes(p("2026-05")).await.unwrap();
    let got: Vec<(&str, &str, &str)> =
        v.iter().map(|x| (x.customer.as_str(), x.service.as_str(), x.unit.as_str())).collect();
    assert_eq!(
        got,
        [
            ("ACME", "EC2", "GB-Mo"),
            ("ACME", "EC2", "Hrs"),
            ("ACME", "EKS", "Hrs"),
            ("ACME", "S3", "Hrs"),
            ("BETA", "RDS", "Hrs")
        ],
        "assigned customers only (A3 is nobody's), by customer, service, unit"
    );
    let hrs = &v[1];
    // every test row is 1.5 Hrs: April one EC2 row, May two
    assert_eq!((hrs.prev_qty, hrs.cur_qty), (d("1.5"), d("3")));
    assert_eq!((hrs.prev_cost, hrs.cur_cost), (d("1000"), d("2500.500000000000002")));
    assert!(hrs.complete());
    let gb = &v[0];
    assert_eq!((gb.prev_qty, gb.cur_qty, gb.cur_cost), (d("0"), d("0.123456789012345"), d("12.000000000000001")));
    assert_eq!((gb.prev_no_qty, gb.cur_no_qty), (0, 1));
    assert!(!gb.complete(), "a row without a quantity makes the volume incomplete");
    let rds = &v[4];
    assert_eq!((rds.prev_qty, rds.cur_qty, rds.prev_cost, rds.cur_cost), (d("1.5"), d("0"), d("2000"), d("0")));
}
store_test!(volumes_are_summed_per_unit_exactly => variance_volumes_sqlite, variance_volumes_postgres);

/// A customer's service with cost in two currencies: the volume read keeps each currency's cost apart, the
/// other currency under `SERVICE [CUR]` (the variance list's row for it), never added to the customer's own.
async fn volumes_keep_each_currency_apart(s: Arc<dyn Store>) {
    setup(&s).await;
    // Parts of the same runs as the months' files (a later run would replace them).
    for (run, item) in
        [("r1", at("2026-04", "A1", "2026-04-11", "EC2", "30")), ("r2", at("2026-05", "A1", "2026-05-11", "EC2", "40"))]
    {
        let mut item = item;
        item.currency = "EUR".into();
        import(&s, &meta(&format!("eur-{run}.csv"), run, "bob"), &format!("h-eur-{run}"), vec![item]).await;
    }
    let v = s.service_volumes(p("2026-05")).await.unwrap();
    let ec2: Vec<(&str, &str, &str, rust_decimal::Decimal, rust_decimal::Decimal)> = v
        .iter()
        .filter(|x| x.customer == "ACME" && x.service.starts_with("EC2"))
        .map(|x| (x.service.as_str(), x.currency.as_str(), x.unit.as_str(), x.prev_cost, x.cur_cost))
        .collect();
    assert_eq!(
        ec2,
        [("EC2", "USD", "Hrs", d("1000"), d("2500.500000000000002")), ("EC2 [EUR]", "EUR", "Hrs", d("30"), d("40")),],
        "USD and EUR cost never added"
    );
}
store_test!(volumes_keep_each_currency_apart => variance_volumes_currency_sqlite, variance_volumes_currency_postgres);

/// The rolling view's volumes: exact quantity per month × customer × service × unit over a range of months,
/// assigned customers only, different units never added, rows without a quantity counted.
async fn usage_volumes_per_month_and_unit_exactly(s: Arc<dyn Store>) {
    setup(&s).await;
    let mut extra = vec![at("2026-05", "A1", "2026-05-11", "EC2", "10"), at("2026-05", "A1", "2026-05-12", "EC2", "2")];
    extra[0].unit = "GB-Mo".into();
    extra[0].quantity = Some(d("0.123456789012345"));
    extra[1].unit = "GB-Mo".into();
    extra[1].quantity = None;
    import(&s, &meta("may-extra.csv", "r2", "bob"), "h-may-x", extra).await;
    let v = s.usage_volumes(p("2026-04"), p("2026-05")).await.unwrap();
    let got: Vec<(String, &str, &str, &str, rust_decimal::Decimal, u64)> = v
        .iter()
        .map(|x| {
            (x.period.to_string(), x.customer.as_str(), x.service.as_str(), x.unit.as_str(), x.quantity, x.no_quantity)
        })
        .collect();
    let row = |m: &str, c: &'static str, sv: &'static str, u: &'static str, q: &str, n: u64| {
        (m.to_string(), c, sv, u, d(q), n)
    };
    assert_eq!(
        got,
        [
            row("2026-04", "ACME", "EC2", "Hrs", "1.5", 0),
            row("2026-04", "ACME", "S3", "Hrs", "1.5", 0),
            row("2026-04", "BETA", "RDS", "Hrs", "1.5", 0),
            row("2026-05", "ACME", "EC2", "GB-Mo", "0.123456789012345", 1),
            row("2026-05", "ACME", "EC2", "Hrs", "3", 0),
            row("2026-05", "ACME", "EKS", "Hrs", "1.5", 0),
            row("2026-05", "ACME", "S3", "Hrs", "1.5", 0),
        ],
        "A3 is nobody's; GB-Mo and Hrs of one service stay apart"
    );
    assert!(s.usage_volumes(p("2026-05"), p("2026-05")).await.unwrap().iter().all(|x| x.period == p("2026-05")));
}
store_test!(usage_volumes_per_month_and_unit_exactly => usage_volumes_sqlite, usage_volumes_postgres);

/// The forecast's history read for a whole book (`monthly_costs`, packed per month on SQLite) is exactly the
/// rows `costs` gives by period × customer × service (in any order): unassigned cost, a second currency, every
/// basis.
async fn monthly_costs_are_the_cost_rows_by_month_customer_and_service(s: Arc<dyn Store>) {
    setup(&s).await;
    let mut eur = at("2026-05", "A1", "2026-05-11", "EC2", "40.000000000000001");
    eur.currency = "EUR".into();
    import(&s, &meta("eur-r2.csv", "r2", "bob"), "h-eur-r2", vec![eur]).await;
    for basis in [CostBasis::Billed, CostBasis::Effective, CostBasis::List] {
        let by = vec![Dim::Period, Dim::Customer, Dim::Service];
        let q = CostQuery { from: p("2026-03"), to: p("2026-06"), filters: Vec::new(), by, basis };
        let key = |r: &billops_store::CostRow| (r.keys.clone(), r.currency.clone());
        let mut want = s.costs(&q).await.unwrap();
        want.sort_by_key(key);
        let mut got = s.monthly_costs(p("2026-03"), p("2026-06"), basis).await.unwrap();
        got.sort_by_key(key);
        assert_eq!(got, want, "{basis:?}");
        assert!(got.iter().any(|r| r.keys[1] == billops_store::UNASSIGNED), "unassigned cost is read: {got:?}");
        assert!(got.iter().any(|r| r.currency == "EUR" && r.keys[2] == "EC2"), "{got:?}");
    }
    assert!(
        s.monthly_costs(p("2026-05"), p("2026-05"), CostBasis::Billed)
            .await
            .unwrap()
            .iter()
            .all(|r| r.keys[0] == "2026-05")
    );
    assert!(s.monthly_costs(p("2026-06"), p("2026-05"), CostBasis::Billed).await.is_err(), "a range backwards");
}
store_test!(
    monthly_costs_are_the_cost_rows_by_month_customer_and_service => monthly_costs_sqlite, monthly_costs_postgres
);
