#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
use std::collections::BTreeMap;
use std::str::FromStr;

use chrono::{TimeZone, Utc};
use proptest::prelude::*;
use rust_decimal::Decimal;

use super::*;

fn d(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

fn th(pct: &str, abs: &str) -> VarianceThresholds {
    VarianceThresholds::new(Percent::new(d(pct)).unwrap(), d(abs)).unwrap()
}

fn cost(customer: &str, service: &str, prev: &str, cur: &str) -> ServiceCost {
    ServiceCost {
        customer: customer.into(),
        service: service.into(),
        prev: d(prev),
        cur: d(cur),
        prev_rows: 3,
        cur_rows: 4,
    }
}

fn at() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 9, 5, 10, 0, 0).unwrap()
}

#[test]
fn both_thresholds_must_be_reached() {
    let t = th("10", "1000");
    // 20 % but only 200: noise.
    let v = Variance::of(&cost("acme", "EC2", "1000", "1200"), &t, true).unwrap();
    assert_eq!((v.delta, v.pct, v.flagged), (d("200"), Some(d("20")), false));
    // 1,500 but 1.5 %: noise.
    let v = Variance::of(&cost("acme", "EC2", "100000", "101500"), &t, true).unwrap();
    assert_eq!((v.pct, v.flagged), (Some(d("1.5")), false));
    // 1,000 and exactly 10 %: flagged (both bounds inclusive), and a decline the same.
    let v = Variance::of(&cost("acme", "EC2", "10000", "11000"), &t, true).unwrap();
    assert_eq!((v.kind, v.pct, v.flagged), (VarianceKind::Change, Some(d("10")), true));
    let v = Variance::of(&cost("acme", "EC2", "10000", "9000"), &t, true).unwrap();
    assert_eq!((v.delta, v.pct, v.flagged), (d("-1000"), Some(d("-10")), true));
    // Just under either bound.
    assert!(!Variance::of(&cost("a", "s", "10000", "10999.99"), &t, true).unwrap().flagged);
    assert!(!Variance::of(&cost("a", "s", "10001", "11001"), &t, true).unwrap().flagged, "9.999 %");
}

#[test]
fn new_and_gone_services_have_no_percentage() {
    let t = th("10", "1000");
    let v = Variance::of(&cost("acme", "EKS", "0", "1000"), &t, true).unwrap();
    assert_eq!((v.kind, v.pct, v.flagged), (VarianceKind::New, None, true));
    let v = Variance::of(&cost("acme", "EKS", "0", "999.99"), &t, true).unwrap();
    assert_eq!((v.kind, v.flagged), (VarianceKind::New, false));
    let v = Variance::of(&cost("acme", "RDS", "2500.5", "0"), &t, true).unwrap();
    assert_eq!((v.kind, v.delta, v.pct, v.flagged), (VarianceKind::Gone, d("-2500.5"), None, true));
    assert_eq!(Driver::suggested(&v), Driver::Decommission);
}

#[test]
fn negative_previous_cost_uses_its_magnitude_and_digits_are_kept() {
    let t = th("10", "1");
    // A credit line −50 → −100: Δ −50, −100 % of |−50|.
    let v = Variance::of(&cost("acme", "Credits", "-50", "-100"), &t, true).unwrap();
    assert_eq!((v.delta, v.pct), (d("-50"), Some(d("-100"))));
    let v = Variance::of(&cost("a", "s", "3", "4.000000000000001"), &t, true).unwrap();
    assert_eq!(v.delta, d("1.000000000000001"));
    assert_eq!(v.pct.unwrap().round_dp_with_strategy(4, rust_decimal::RoundingStrategy::ToZero), d("33.3333"));
}

#[test]
fn zero_delta_and_no_baseline_are_never_flagged() {
    let t = th("0", "0");
    assert!(!Variance::of(&cost("a", "s", "5", "5"), &t, true).unwrap().flagged);
    assert!(Variance::of(&cost("a", "s", "5", "5.01"), &t, true).unwrap().flagged, "zero thresholds flag any move");
    assert!(!Variance::of(&cost("a", "s", "0", "5000"), &t, false).unwrap().flagged, "no previous data at all");
}

#[test]
fn thresholds_refuse_negative_amounts_and_print() {
    assert!(VarianceThresholds::new(Percent::ZERO, d("-1")).is_err());
    assert_eq!(VarianceThresholds::default().to_string(), "|Δ| ≥ 1000 and |Δ%| ≥ 10%");
    assert_eq!(VarianceThresholds::default().abs(), d("1000"));
}

#[test]
fn drivers_parse_in_any_spelling() {
    for drv in Driver::ALL {
        assert_eq!(drv.as_str().parse::<Driver>().unwrap(), drv);
        assert_eq!(drv.label().parse::<Driver>().unwrap(), drv);
        assert_eq!(serde_json_name(drv), drv.as_str());
    }
    assert_eq!("Usage-Growth".parse::<Driver>().unwrap(), Driver::UsageGrowth);
    let e = "weather".parse::<Driver>().unwrap_err().to_string();
    assert!(e.contains("weather") && e.contains("usage_growth") && e.contains("other"), "{e}");
}

fn serde_json_name(d: Driver) -> String {
    serde_json::to_value(d).unwrap().as_str().unwrap().to_string()
}

#[test]
fn explanations_go_stale_when_the_delta_moves() {
    let t = th("10", "1000");
    let v = Variance::of(&cost("acme", "EC2", "10000", "12000"), &t, true).unwrap();
    assert_eq!(Driver::suggested(&v), Driver::UsageGrowth);
    assert!(Explanation::new(Driver::UsageGrowth, "  ", "bob", at(), v.delta).is_err());
    let e = Explanation::new(Driver::UsageGrowth, " new web tier ", "bob", at(), d("2000.00")).unwrap();
    assert_eq!(e.text, "new web tier");
    assert_eq!(state_of(&v, Some(&e)), VarianceState::Explained, "2000.00 = 2000");
    assert_eq!(state_of(&v, None), VarianceState::Unexplained);
    // A late file adds a cent: the explanation no longer describes this Δ.
    let later = Variance::of(&cost("acme", "EC2", "10000", "12000.01"), &t, true).unwrap();
    assert_eq!(state_of(&later, Some(&e)), VarianceState::Stale);
    assert!(VarianceState::Stale.needs_explanation());
    // Under the thresholds, an explanation is kept but nothing is needed.
    let small = Variance::of(&cost("acme", "EC2", "10000", "10100"), &t, true).unwrap();
    assert_eq!(state_of(&small, Some(&e)), VarianceState::Unflagged);
}

#[test]
fn compare_sorts_by_size_and_refuses_duplicates() {
    let t = th("10", "1000");
    let costs = vec![
        cost("b", "S3", "100", "50"),
        cost("a", "EC2", "1000", "5000"),
        cost("a", "S3", "100", "150"),
        cost("c", "RDS", "0", "4000"),
    ];
    let vs = compare(&costs, &t, true).unwrap();
    let keys: Vec<(&str, &str)> = vs.iter().map(|v| (v.customer.as_str(), v.service.as_str())).collect();
    assert_eq!(keys, [("a", "EC2"), ("c", "RDS"), ("a", "S3"), ("b", "S3")]);
    let mut dup = costs.clone();
    dup.push(cost("a", "EC2", "1", "2"));
    assert!(compare(&dup, &t, true).is_err());
}

#[test]
fn review_counts_unexplained_and_stale() {
    let t = th("10", "1000");
    let vs = compare(
        &[cost("a", "EC2", "1000", "5000"), cost("b", "RDS", "0", "4000"), cost("c", "S3", "9000", "7000")],
        &t,
        true,
    )
    .unwrap();
    let mut ex = BTreeMap::new();
    ex.insert(
        ("a".to_string(), "EC2".to_string()),
        Explanation::new(Driver::OneOff, "x", "bob", at(), d("4000")).unwrap(),
    );
    ex.insert(
        ("c".to_string(), "S3".to_string()),
        Explanation::new(Driver::Credit, "y", "bob", at(), d("-1000")).unwrap(),
    );
    ex.insert(
        ("z".to_string(), "S3".to_string()),
        Explanation::new(Driver::Other, "gone", "bob", at(), d("1")).unwrap(),
    );
    let rows = review(vs, &ex);
    let states: Vec<VarianceState> = rows.iter().map(|r| r.state).collect();
    assert_eq!(states, [VarianceState::Explained, VarianceState::Unexplained, VarianceState::Stale]);
    assert_eq!(unexplained(&rows), 2);
}

fn amount() -> impl Strategy<Value = Decimal> {
    prop_oneof![Just(Decimal::ZERO), (-5_000_000i64..50_000_000i64, 0u32..6).prop_map(|(m, s)| Decimal::new(m, s))]
}

proptest! {
    /// Over any book: one row per customer × service, Σ Δ = Σ cur − Σ prev exactly, a row is flagged exactly
    /// when the documented rule says so, an explanation written for the current Δ explains it and one for any
    /// other Δ leaves it counted as unexplained.
    #[test]
    fn the_rule_holds_for_any_book(
        rows in proptest::collection::btree_map((0u8..5, 0u8..4), (amount(), amount()), 0..20),
        pct in 0i64..60,
        abs in 0i64..3_000_000,
        explain_mask in proptest::collection::vec(0u8..3, 20),
    ) {
        let t = VarianceThresholds::new(Percent::new(Decimal::from(pct)).unwrap(), Decimal::new(abs, 2)).unwrap();
        let costs: Vec<ServiceCost> = rows
            .iter()
            .map(|((c, s), (prev, cur))| ServiceCost {
                customer: format!("c{c}"),
                service: format!("s{s}"),
                prev: *prev,
                cur: *cur,
                prev_rows: 1,
                cur_rows: 1,
            })
            .collect();
        let vs = compare(&costs, &t, true).unwrap();
        prop_assert_eq!(vs.len(), costs.len());
        let sum_delta: Decimal = vs.iter().map(|v| v.delta).sum();
        let sum_cur: Decimal = costs.iter().map(|c| c.cur).sum();
        let sum_prev: Decimal = costs.iter().map(|c| c.prev).sum();
        prop_assert_eq!(sum_delta, sum_cur - sum_prev);
        for w in vs.windows(2) {
            prop_assert!(w[0].delta.abs() >= w[1].delta.abs());
        }
        let mut ex = BTreeMap::new();
        let mut want_unexplained = 0u64;
        for (i, v) in vs.iter().enumerate() {
            let by_rule = !v.delta.is_zero()
                && v.delta.abs() >= t.abs()
                && match v.pct {
                    None => v.prev.is_zero() || v.cur.is_zero(),
                    Some(p) => p.abs() >= t.pct().value(),
                };
            if let Some(p) = v.pct {
                // The percentage is Δ / |prev| × 100 to Decimal's precision.
                let err = (p * v.prev.abs() - v.delta * Decimal::ONE_HUNDRED).abs();
                prop_assert!(err <= v.delta.abs() * Decimal::new(1, 18), "{:?}", v);
            }
            prop_assert_eq!(v.flagged, by_rule, "{:?}", v);
            let explained_delta = match explain_mask[i % explain_mask.len()] {
                0 => None,
                1 => Some(v.delta),
                _ => Some(v.delta + Decimal::new(1, 2)),
            };
            if let Some(delta) = explained_delta {
                ex.insert(v.key(), Explanation::new(Driver::Other, "why", "bob", at(), delta).unwrap());
            }
            if v.flagged && explained_delta != Some(v.delta) {
                want_unexplained += 1;
            }
        }
        let reviewed = review(vs, &ex);
        prop_assert_eq!(unexplained(&reviewed), want_unexplained);
        for r in &reviewed {
            if r.state == VarianceState::Explained {
                prop_assert!(r.variance.flagged && r.explanation.as_ref().unwrap().delta == r.variance.delta);
            }
        }
    }
}

#[test]
fn a_service_in_another_currency_is_its_own_labelled_row() {
    use super::{service_label, split_label};
    assert_eq!(service_label("Compute", "USD", "USD"), "Compute");
    assert_eq!(service_label("Compute", "", "USD"), "Compute");
    let l = service_label("Compute", "EUR", "USD");
    assert_eq!(l, "Compute [EUR]");
    assert_eq!(split_label(&l), ("Compute", Some("EUR")));
    assert_eq!(split_label("Compute"), ("Compute", None));
    // a service whose own name ends in brackets is not taken for a currency
    assert_eq!(split_label("Storage [archive]"), ("Storage [archive]", None));
}
