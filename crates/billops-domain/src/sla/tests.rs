#![allow(clippy::unwrap_used, clippy::expect_used)]
use std::collections::BTreeMap;
use std::str::FromStr;

use chrono::TimeZone;
use proptest::prelude::*;

use super::*;

fn d(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}
fn usd(s: &str) -> Money {
    Money::new(d(s), "USD")
}
fn day(y: i32, m: u32, dd: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, dd).unwrap()
}

fn input(uptime: &str, affected: &str) -> ClaimInput {
    ClaimInput {
        service: "AmazonEC2".into(),
        region: "us-east-1".into(),
        incident_start: Utc.with_ymd_and_hms(2026, 1, 20, 3, 0, 0).unwrap(),
        incident_end: Utc.with_ymd_and_hms(2026, 1, 20, 9, 30, 0).unwrap(),
        uptime: d(uptime),
        affected_charges: usd(affected),
    }
}

#[test]
fn aws_tiers_by_measured_uptime() {
    let p = SlaPolicy::aws_compute_region();
    let credit = |u: &str| p.tier_for(d(u)).map(|t| t.credit.value());
    assert_eq!(credit("100"), None);
    assert_eq!(credit("99.99"), None);
    assert_eq!(credit("99.989"), Some(d("10")));
    assert_eq!(credit("99.0"), Some(d("10")));
    assert_eq!(credit("98.999"), Some(d("30")));
    assert_eq!(credit("95"), Some(d("30")));
    assert_eq!(credit("94.99"), Some(d("100")));
    assert_eq!(credit("0"), Some(d("100")));
    // The same tiers given as data, in any order, validate to the same policy.
    let tiers = p.tiers().iter().rev().copied().collect();
    assert_eq!(SlaPolicy::new(p.name(), tiers, Decimal::ONE).unwrap(), p);
}

#[test]
fn policy_data_is_validated() {
    let t = |b: &str, c: &str| SlaTier { below: d(b), credit: Percent::new(d(c)).unwrap() };
    assert!(SlaPolicy::new("x", vec![], d("1")).is_err());
    assert!(SlaPolicy::new("x", vec![t("99", "10"), t("99", "20")], d("1")).is_err());
    assert!(SlaPolicy::new("x", vec![t("99", "30"), t("95", "10")], d("1")).is_err());
    assert!(SlaPolicy::new("x", vec![t("101", "10")], d("1")).is_err());
    assert!(SlaPolicy::new("x", vec![t("99", "0")], d("1")).is_err());
    assert!(SlaPolicy::new("x", vec![t("99", "101")], d("1")).is_err());
    assert!(SlaPolicy::new("x", vec![t("99", "10")], d("-1")).is_err());
    assert!(SlaPolicy::new("x", vec![t("99.5", "25")], d("0")).is_ok());
}

#[test]
fn claim_amount_minimum_and_deadline() {
    let p = SlaPolicy::aws_compute_region();
    let c = assess_claim(&p, &input("98.5", "1234.567")).unwrap();
    assert_eq!((c.amount.amount, c.eligible, c.cycle), (d("370.37"), true, Period::new(2026, 1).unwrap()));
    assert_eq!(c.deadline, day(2026, 3, 31));
    assert!(!c.is_past_deadline(day(2026, 3, 31)) && c.is_past_deadline(day(2026, 4, 1)));
    assert_eq!(c.status, ClaimStatus::Draft);
    let exactly_one = assess_claim(&p, &input("99.5", "10")).unwrap();
    assert_eq!((exactly_one.eligible, exactly_one.amount.amount), (false, Decimal::ZERO));
    assert!(!assess_claim(&p, &input("99.5", "10.01")).unwrap().eligible, "1.001 rounds to 1.00");
    assert_eq!(assess_claim(&p, &input("99.5", "10.05")).unwrap().amount.amount, d("1.01"));
    let met = assess_claim(&p, &input("99.995", "100000")).unwrap();
    assert!(!met.eligible && met.tier.is_none());
    assert_eq!(claim_deadline(Period::new(2026, 11).unwrap()), day(2027, 1, 31));
    assert_eq!(claim_deadline(Period::new(2026, 12).unwrap()), day(2027, 2, 28));
}

#[test]
fn claim_input_is_validated() {
    let p = SlaPolicy::aws_compute_region();
    assert!(assess_claim(&p, &input("100.1", "1")).is_err());
    assert!(assess_claim(&p, &input("-1", "1")).is_err());
    assert!(assess_claim(&p, &input("99", "-1")).is_err());
    let mut i = input("99", "1");
    i.incident_end = i.incident_start;
    assert!(assess_claim(&p, &i).is_err());
}

#[test]
fn uptime_from_unavailable_minutes() {
    let jan = Period::new(2026, 1).unwrap();
    assert_eq!(uptime_from_downtime(jan, 0).unwrap(), d("100"));
    let u = uptime_from_downtime(jan, 446).unwrap();
    assert!(u > d("99") && u < d("99.99"));
    assert_eq!(uptime_from_downtime(jan, 10_000_000).unwrap(), Decimal::ZERO);
}

#[test]
fn claim_status_moves_forward_only() {
    let s = ClaimStatus::Draft.next(ClaimEvent::Submit).unwrap();
    assert!(s.next(ClaimEvent::Credit).is_err());
    let s = s.next(ClaimEvent::Approve).unwrap().next(ClaimEvent::Credit).unwrap();
    assert_eq!(s.next(ClaimEvent::PassThrough).unwrap(), ClaimStatus::PassedThrough);
    assert!(ClaimStatus::Rejected.next(ClaimEvent::Approve).is_err());
}

fn share(c: &str, a: &str) -> Share {
    Share { customer: c.into(), affected: d(a) }
}

#[test]
fn allocation_sums_exactly_with_deterministic_remainders() {
    let a = allocate(&usd("100"), &[share("c", "1"), share("b", "1"), share("a", "1")]).unwrap();
    let amounts: Vec<(&str, Decimal)> = a.iter().map(|x| (x.customer.as_str(), x.amount)).collect();
    assert_eq!(amounts, vec![("c", d("33.33")), ("b", d("33.33")), ("a", d("33.34"))]);
    let a = allocate(&usd("10"), &[share("big", "700"), share("small", "300"), share("none", "0")]).unwrap();
    assert_eq!(a.iter().map(|x| x.amount).collect::<Vec<_>>(), vec![d("7"), d("3"), d("0")]);
    let a = allocate(&Money::new(d("1001"), "JPY"), &[share("x", "1"), share("y", "2")]).unwrap();
    assert_eq!(a.iter().map(|x| x.amount).collect::<Vec<_>>(), vec![d("334"), d("667")]);
    assert!(allocate(&usd("1.005"), &[share("x", "1")]).is_err());
    assert!(allocate(&usd("1"), &[share("x", "0")]).is_err());
    assert!(allocate(&usd("1"), &[share("x", "-1"), share("y", "2")]).is_err());
    assert_eq!(allocate(&usd("0"), &[share("x", "0")]).unwrap()[0].amount, Decimal::ZERO);
}

proptest! {
    #[test]
    fn allocation_is_exact_fair_and_order_independent(
        cents in 0i64..100_000_000,
        affected in proptest::collection::vec((1i64..1_000_000_000_000, 0u32..15), 1..12),
        rotate in 0usize..12,
    ) {
        let claim = Money::new(Decimal::new(cents, 2), "USD");
        let shares: Vec<Share> = affected.iter().enumerate()
            .map(|(i, (m, s))| Share { customer: format!("c{i:02}"), affected: Decimal::new(*m, *s) })
            .collect();
        let a = allocate(&claim, &shares).unwrap();
        prop_assert_eq!(a.iter().map(|x| x.amount).sum::<Decimal>(), claim.amount);
        let total: Decimal = shares.iter().map(|s| s.affected).sum();
        for x in &a {
            prop_assert!(x.amount >= Decimal::ZERO);
            prop_assert_eq!(round_line(x.amount, "USD", RoundingRule::HalfAwayFromZero), x.amount);
            let exact = claim.amount * x.affected / total;
            prop_assert!((x.amount - exact).abs() < Decimal::new(1, 2), "within one cent of {}", exact);
        }
        let mut rotated = shares.clone();
        let len = rotated.len();
        rotated.rotate_left(rotate % len);
        let b = allocate(&claim, &rotated).unwrap();
        let by_customer = |v: &[Allocation]| v.iter().map(|x| (x.customer.clone(), x.amount)).collect::<BTreeMap<_, _>>();
        prop_assert_eq!(by_customer(&a), by_customer(&b));
    }
}
