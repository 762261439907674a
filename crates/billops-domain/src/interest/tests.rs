#![allow(clippy::unwrap_used, clippy::expect_used)]
use std::str::FromStr;

use chrono::{Days, NaiveDate};
use proptest::prelude::*;
use rust_decimal::{Decimal, RoundingStrategy};

use super::*;
use crate::terms::Effective;

fn d(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}
fn day(y: i32, m: u32, dd: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, dd).unwrap()
}
fn pct(s: &str) -> Percent {
    Percent::new(d(s)).unwrap()
}
fn usd(s: &str) -> Money {
    Money::new(d(s), "USD")
}
fn prompt(rate: &str) -> InterestRule {
    InterestRule::prompt_payment(EffectiveTable::constant(pct(rate))).unwrap()
}
/// 4 % until `change`, 6 % from it.
fn stepped(terms: InterestTerms, change: NaiveDate) -> InterestRule {
    let rates = EffectiveTable::new(vec![
        (Effective::new(day(2020, 1, 1), Some(change)).unwrap(), pct("4")),
        (Effective::starting(change), pct("6")),
    ])
    .unwrap();
    InterestRule::new(terms, rates).unwrap()
}

#[test]
fn treasury_golden_case_ten_days_late() {
    // $1,500 at 6.5 % paid 10 days late → $2.71 (1500 × 0.065 × 10/360 = 2.7083…).
    let c = prompt("6.5").compute(&usd("1500"), day(2026, 1, 1), day(2026, 1, 11)).unwrap();
    assert_eq!(c.days_late, 10);
    assert_eq!(c.accrual, Some((day(2026, 1, 2), day(2026, 1, 11))), "the day after the due date through payment");
    assert_eq!(c.steps.len(), 1);
    assert_eq!(c.accrued, d("1500") * d("6.5") * d("10") / d("36000"));
    assert_eq!(c.interest, usd("2.71"));
}

#[test]
fn treasury_golden_case_two_months_fifteen_days_late_compounds_every_30_days() {
    // $1,500 at 6 % paid 2 months and 15 days (75 days) late → $18.83.
    let c = prompt("6").compute(&usd("1500"), day(2026, 1, 1), day(2026, 3, 17)).unwrap();
    assert_eq!(c.days_late, 75);
    let shown: Vec<(i64, Decimal, Decimal, Option<Decimal>)> =
        c.steps.iter().map(|s| (s.days, s.base, s.interest, s.new_base)).collect();
    assert_eq!(
        shown,
        vec![
            (30, d("1500"), d("7.5"), Some(d("1507.5"))),
            (30, d("1507.5"), d("7.5375"), Some(d("1515.0375"))),
            (15, d("1515.0375"), d("3.78759375"), None),
        ]
    );
    assert_eq!(c.accrued, d("18.82509375"));
    assert_eq!(c.interest, usd("18.83"));
    // The named rounding matters: banker's rounding of a half-cent would have said 18.82 for 18.825.
    assert_eq!(round_interest(d("18.825"), "USD"), d("18.83"));
    assert_eq!(d("18.825").round_dp_with_strategy(2, RoundingStrategy::MidpointNearestEven), d("18.82"));
}

#[test]
fn compounding_boundary_exactly_at_thirty_days() {
    let rule = prompt("12");
    let c = rule.compute(&usd("1000"), day(2026, 1, 1), day(2026, 1, 31)).unwrap();
    assert_eq!((c.steps.len(), c.steps[0].days, c.steps[0].new_base), (1, 30, None), "nothing left to compound into");
    let c = rule.compute(&usd("1000"), day(2026, 1, 1), day(2026, 2, 1)).unwrap();
    assert_eq!(c.steps.iter().map(|s| s.days).collect::<Vec<_>>(), vec![30, 1]);
    assert_eq!(c.steps[0].new_base, Some(d("1010")));
    assert_eq!(c.steps[1].interest, d("1010") * d("12") / d("36000"));
    assert_eq!(c.steps[0].through, day(2026, 1, 31));
    assert_eq!(c.steps[1].from, day(2026, 2, 1));
}

#[test]
fn prompt_payment_stops_accruing_after_one_year() {
    let c = prompt("6").compute(&usd("1000"), day(2025, 1, 1), day(2027, 6, 1)).unwrap();
    assert!(c.capped);
    assert_eq!(c.accrual, Some((day(2025, 1, 2), day(2026, 1, 1))));
    assert_eq!(c.steps.iter().map(|s| s.days).sum::<i64>(), 365);
    assert_eq!(c.steps.len(), 13, "12 whole 30-day periods and 5 days");
    // A year with a leap day is 366 days of accrual.
    let c = prompt("6").compute(&usd("1000"), day(2027, 6, 1), day(2029, 1, 1)).unwrap();
    assert_eq!(c.steps.iter().map(|s| s.days).sum::<i64>(), 366);
}

#[test]
fn waives_under_one_dollar_and_charges_nothing_when_paid_on_time() {
    let c = prompt("6.5").compute(&usd("10"), day(2026, 1, 1), day(2026, 1, 11)).unwrap();
    assert!(c.waived && c.interest.amount.is_zero() && c.accrued > Decimal::ZERO);
    let c = prompt("6.5").compute(&usd("1500"), day(2026, 1, 1), day(2026, 1, 1)).unwrap();
    assert!(c.steps.is_empty() && c.interest.amount.is_zero() && c.accrual.is_none() && !c.waived);
    let c = prompt("6.5").compute(&usd("1500"), day(2026, 1, 1), day(2025, 12, 20)).unwrap();
    assert_eq!((c.days_late, c.interest.amount), (0, Decimal::ZERO), "paid early");
    let c = prompt("6.5").compute(&usd("-100000"), day(2026, 1, 1), day(2026, 1, 11)).unwrap();
    assert!(!c.waived && c.interest.amount < Decimal::ZERO, "interest owed to the customer on a refund");
}

#[test]
fn prompt_payment_keeps_the_rate_of_the_day_after_the_due_date() {
    let rule = stepped(Engine::PromptPayment.terms(), day(2026, 1, 16));
    let c = rule.compute(&usd("36000"), day(2026, 1, 1), day(2026, 1, 21)).unwrap();
    assert_eq!(c.steps.len(), 1, "a rate change inside the accrual does not split it");
    assert_eq!(c.steps[0].annual_rate, pct("4"));
    assert_eq!(c.accrued, d("36000") * d("4") * d("20") / d("36000"));
}

#[test]
fn agency_engine_steps_the_rate_and_charges_nothing_within_thirty_days() {
    let rule = stepped(Engine::Agency.terms(), day(2026, 7, 1));
    let within = rule.compute(&usd("36500"), day(2026, 6, 1), day(2026, 7, 1)).unwrap();
    assert!(within.within_grace && within.interest.amount.is_zero() && within.steps.is_empty());
    // 45 days late: June 2–30 at 4 %, July 1–16 at 6 %, simple, actual/365.
    let c = rule.compute(&usd("36500"), day(2026, 6, 1), day(2026, 7, 16)).unwrap();
    assert!(!c.within_grace);
    let shown: Vec<(NaiveDate, i64, Decimal, Decimal)> =
        c.steps.iter().map(|s| (s.from, s.days, s.annual_rate.value(), s.interest)).collect();
    assert_eq!(shown, vec![(day(2026, 6, 2), 29, d("4"), d("116")), (day(2026, 7, 1), 16, d("6"), d("96"))]);
    assert!(c.steps.iter().all(|s| s.new_base.is_none()), "simple interest");
    assert_eq!(c.interest, usd("212"));
}

#[test]
fn a_state_rule_with_monthly_compounding_is_data() {
    let terms: InterestTerms = serde_json::from_str(
        r#"{"basis": 365, "fixing": "stepping", "compounding": {"every_months": 1}, "waive_below": "0"}"#,
    )
    .unwrap();
    assert_eq!(terms.cap, None);
    assert_eq!(terms.grace_days, 0);
    let rule = stepped(terms, day(2026, 3, 2));
    // From Jan 2: compounding on Feb 2 and Mar 2 (calendar months), the rate changing on Mar 2 too.
    let c = rule.compute(&usd("1000"), day(2026, 1, 1), day(2026, 3, 31)).unwrap();
    let shown: Vec<(NaiveDate, i64, Decimal)> =
        c.steps.iter().map(|s| (s.from, s.days, s.annual_rate.value())).collect();
    assert_eq!(
        shown,
        vec![(day(2026, 1, 2), 31, d("4")), (day(2026, 2, 2), 28, d("4")), (day(2026, 3, 2), 30, d("6"))]
    );
    assert!(c.steps[0].new_base.is_some() && c.steps[1].new_base.is_some() && c.steps[2].new_base.is_none());
    let bad: Result<InterestTerms, _> =
        serde_json::from_str(r#"{"basis": 366, "fixing": "stepping", "compounding": "none", "waive_below": "0"}"#);
    assert!(bad.is_err(), "day basis is 360 or 365");
    let unknown: Result<InterestTerms, _> = serde_json::from_str(
        r#"{"basis": 360, "fixing": "at_start", "compounding": "none", "waive_below": "0", "compund": 1}"#,
    );
    assert!(unknown.is_err(), "a misspelt term is refused, not ignored");
}

#[test]
fn refuses_invalid_terms_and_missing_rates() {
    let mut t = Engine::PromptPayment.terms();
    assert!(InterestRule::new(t.clone(), EffectiveTable::default()).is_err());
    t.compounding = Compounding::EveryDays(0);
    assert!(InterestRule::new(t.clone(), EffectiveTable::constant(pct("1"))).is_err());
    t.compounding = Compounding::None;
    t.cap = Some(Cap::Months(0));
    assert!(InterestRule::new(t.clone(), EffectiveTable::constant(pct("1"))).is_err());
    t.cap = None;
    t.waive_below = d("-1");
    assert!(InterestRule::new(t, EffectiveTable::constant(pct("1"))).is_err());
    let late_table = EffectiveTable::new(vec![(Effective::starting(day(2027, 1, 1)), pct("5"))]).unwrap();
    let rule = InterestRule::prompt_payment(late_table).unwrap();
    assert_eq!(rule.compute(&usd("1"), day(2026, 1, 1), day(2026, 2, 1)), Err(InterestError::NoRate(day(2026, 1, 2))));
}

proptest! {
    #[test]
    fn steps_cover_the_accrual_and_add_up(
        principal in 1i64..100_000_000, rate in 0i64..2000, late in 0u64..900,
        compounding in proptest::option::of(1u32..90), cap in proptest::option::of(1u32..500),
        basis in prop_oneof![Just(DayBasis::Days360), Just(DayBasis::Days365)],
    ) {
        let terms = InterestTerms {
            basis,
            fixing: RateFixing::AtStart,
            compounding: compounding.map_or(Compounding::None, Compounding::EveryDays),
            cap: cap.map(Cap::Days),
            waive_below: Decimal::ZERO,
            grace_days: 0,
        };
        let rule = InterestRule::new(terms, EffectiveTable::constant(Percent::new(Decimal::new(rate, 2)).unwrap())).unwrap();
        let due = day(2026, 1, 1);
        let paid = due.checked_add_days(Days::new(late)).unwrap();
        let amount = Decimal::new(principal, 2);
        let c = rule.compute(&Money::new(amount, "USD"), due, paid).unwrap();
        let span: i64 = c.steps.iter().map(|s| s.days).sum();
        prop_assert_eq!(span, i64::try_from(late).unwrap().min(i64::from(cap.unwrap_or(u32::MAX))));
        prop_assert_eq!(c.capped, span < i64::try_from(late).unwrap());
        prop_assert_eq!(c.steps.iter().map(|s| s.interest).sum::<Decimal>(), c.accrued);
        for w in c.steps.windows(2) {
            prop_assert_eq!(w[0].through.succ_opt().unwrap(), w[1].from);
            prop_assert!(w[1].base >= w[0].base);
        }
        prop_assert_eq!(c.interest.amount, round_interest(c.accrued, "USD"));
        if compounding.is_none() {
            let simple = amount * Decimal::new(rate, 2) * Decimal::from(span) / Decimal::from(basis.days() * 100);
            prop_assert!((simple - c.accrued).abs() < Decimal::new(1, 20));
        }
    }

    #[test]
    fn compounding_never_charges_less_than_simple_interest(
        principal in 1i64..10_000_000, rate in 1i64..2000, late in 1u64..400,
    ) {
        let amount = Money::new(Decimal::new(principal, 2), "USD");
        let rates = EffectiveTable::constant(Percent::new(Decimal::new(rate, 2)).unwrap());
        let compound = InterestRule::prompt_payment(rates.clone()).unwrap();
        let mut simple_terms = Engine::PromptPayment.terms();
        simple_terms.compounding = Compounding::None;
        let simple = InterestRule::new(simple_terms, rates).unwrap();
        let due = day(2026, 1, 1);
        let paid = due.checked_add_days(Days::new(late)).unwrap();
        let a = compound.compute(&amount, due, paid).unwrap();
        let b = simple.compute(&amount, due, paid).unwrap();
        prop_assert!(a.accrued >= b.accrued);
    }
}
