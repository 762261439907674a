//! Interest on PPAs and late payments, shown step by step.
//!
//! Per-contract rule: an effective-dated annual rate table, actual days over a 365-day year, optional
//! compounding every N days (interest added to the base at each boundary), an optional cap on the days that
//! accrue, and a waiver when the total is under a minimum. The default is prompt-payment style: compounding
//! every 30 days, capped at one year, waived under 1.
use chrono::{Days, NaiveDate};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::money::Money;
use crate::terms::{EffectiveTable, Percent};

/// Days in the interest year: rate/365 per actual day, leap years included.
pub const DAY_BASIS: u32 = 365;

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum InterestError {
    #[error("invalid interest rule: {0}")]
    Invalid(String),
    #[error("no interest rate in effect on {0}")]
    NoRate(NaiveDate),
    #[error("interest period ends ({to}) before it starts ({from})")]
    EndBeforeStart { from: NaiveDate, to: NaiveDate },
    #[error("amount overflow")]
    Overflow,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InterestRule {
    rates: EffectiveTable<Percent>,
    compounding_days: Option<u32>,
    cap_days: Option<u32>,
    waive_below: Decimal,
}

impl InterestRule {
    /// `compounding_days` and `cap_days`, when given, must be positive; `waive_below` must not be negative.
    pub fn new(
        rates: EffectiveTable<Percent>,
        compounding_days: Option<u32>,
        cap_days: Option<u32>,
        waive_below: Decimal,
    ) -> Result<InterestRule, InterestError> {
        if rates.is_empty() {
            return Err(InterestError::Invalid("no rates".into()));
        }
        if compounding_days == Some(0) || cap_days == Some(0) {
            return Err(InterestError::Invalid("compounding and cap periods must be at least one day".into()));
        }
        if waive_below < Decimal::ZERO {
            return Err(InterestError::Invalid(format!("negative waiver minimum {waive_below}")));
        }
        Ok(InterestRule { rates, compounding_days, cap_days, waive_below })
    }
    /// Prompt-payment style: compounded every 30 days, at most one year (365 days), waived under 1.
    pub fn prompt_payment(rates: EffectiveTable<Percent>) -> Result<InterestRule, InterestError> {
        InterestRule::new(rates, Some(30), Some(365), Decimal::ONE)
    }
    pub fn rates(&self) -> &EffectiveTable<Percent> {
        &self.rates
    }
    pub fn compounding_days(&self) -> Option<u32> {
        self.compounding_days
    }
    pub fn cap_days(&self) -> Option<u32> {
        self.cap_days
    }
    pub fn waive_below(&self) -> Decimal {
        self.waive_below
    }

    /// Interest on `principal` for the days in `[from, to)`.
    pub fn compute(
        &self,
        principal: &Money,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<InterestComputation, InterestError> {
        if to < from {
            return Err(InterestError::EndBeforeStart { from, to });
        }
        let end = match self.cap_days {
            Some(n) => to.min(from.checked_add_days(Days::new(u64::from(n))).unwrap_or(to)),
            None => to,
        };
        let mut cuts = self.rates.changes_within(from, end);
        if let Some(n) = self.compounding_days {
            let mut k = 1u64;
            while let Some(d) = from.checked_add_days(Days::new(u64::from(n) * k)) {
                if d >= end {
                    break;
                }
                cuts.push(d);
                k += 1;
            }
        }
        cuts.push(end);
        cuts.sort();
        cuts.dedup();

        let of = || InterestError::Overflow;
        let divisor = Decimal::from(DAY_BASIS).checked_mul(Decimal::ONE_HUNDRED).ok_or_else(of)?;
        let mut base = principal.amount;
        let mut pending = Decimal::ZERO; // accrued since the last compounding
        let mut accrued = Decimal::ZERO;
        let mut steps = Vec::with_capacity(cuts.len());
        let mut start = from;
        for cut in cuts {
            if cut <= start {
                continue;
            }
            let rate = *self.rates.at(start).ok_or(InterestError::NoRate(start))?;
            let days = (cut - start).num_days();
            let interest = base
                .checked_mul(rate.value())
                .and_then(|x| x.checked_mul(Decimal::from(days)))
                .and_then(|x| x.checked_div(divisor))
                .ok_or_else(of)?;
            accrued = accrued.checked_add(interest).ok_or_else(of)?;
            pending = pending.checked_add(interest).ok_or_else(of)?;
            let boundary = self.compounding_days.is_some_and(|n| {
                let elapsed = (cut - from).num_days();
                cut < end && elapsed % i64::from(n) == 0
            });
            let mut step =
                InterestStep { from: start, to: cut, days, annual_rate: rate, base, interest, new_base: None };
            if boundary {
                base = base.checked_add(pending).ok_or_else(of)?;
                pending = Decimal::ZERO;
                step.new_base = Some(base);
            }
            steps.push(step);
            start = cut;
        }
        let waived = accrued.abs() < self.waive_below;
        let amount = if waived { Decimal::ZERO } else { accrued };
        Ok(InterestComputation {
            principal: principal.clone(),
            from,
            to,
            accrual_end: end,
            capped: end < to,
            steps,
            accrued,
            waived,
            interest: Money::new(amount, principal.currency.clone()),
        })
    }
}

/// One stretch of days at one rate on one base.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InterestStep {
    pub from: NaiveDate,
    /// Exclusive.
    pub to: NaiveDate,
    pub days: i64,
    pub annual_rate: Percent,
    pub base: Decimal,
    /// base × rate/100 × days/365, exact.
    pub interest: Decimal,
    /// When the step ends on a compounding boundary: the base from then on (interest added).
    pub new_base: Option<Decimal>,
}

/// The whole computation, for the console to show and the PPA to post.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InterestComputation {
    pub principal: Money,
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// Where accrual stopped (the cap, or `to`).
    pub accrual_end: NaiveDate,
    pub capped: bool,
    pub steps: Vec<InterestStep>,
    /// Σ of the steps' interest, exact.
    pub accrued: Decimal,
    /// Under the minimum: nothing is charged.
    pub waived: bool,
    /// What is charged: `accrued`, or zero when waived. Rounded with the document it lands on.
    pub interest: Money,
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use std::str::FromStr;

    use proptest::prelude::*;

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
    fn flat(rate: &str, compounding: Option<u32>, cap: Option<u32>, waive: &str) -> InterestRule {
        InterestRule::new(EffectiveTable::constant(pct(rate)), compounding, cap, d(waive)).unwrap()
    }

    #[test]
    fn simple_interest_is_rate_over_365_per_actual_day() {
        let c = flat("5", None, None, "0").compute(&usd("1000"), day(2026, 1, 1), day(2027, 1, 1)).unwrap();
        assert_eq!((c.steps.len(), c.accrued, c.interest.amount), (1, d("50"), d("50")));
        // A leap year still counts rate/365 per day: 366 days accrue a little more than the annual rate.
        let c = flat("5", None, None, "0").compute(&usd("1000"), day(2028, 1, 1), day(2029, 1, 1)).unwrap();
        assert_eq!(c.steps[0].days, 366);
        assert_eq!(c.accrued, d("1000") * d("5") * d("366") / d("36500"));
    }

    #[test]
    fn rate_changes_split_the_steps() {
        let rates = EffectiveTable::new(vec![
            (Effective::new(day(2025, 1, 1), Some(day(2026, 1, 16))).unwrap(), pct("4")),
            (Effective::starting(day(2026, 1, 16)), pct("6")),
        ])
        .unwrap();
        let rule = InterestRule::new(rates, None, None, d("0")).unwrap();
        let c = rule.compute(&usd("36500"), day(2026, 1, 1), day(2026, 2, 1)).unwrap();
        let shown: Vec<(NaiveDate, i64, Decimal, Decimal)> =
            c.steps.iter().map(|s| (s.from, s.days, s.annual_rate.value(), s.interest)).collect();
        assert_eq!(shown, vec![(day(2026, 1, 1), 15, d("4"), d("60")), (day(2026, 1, 16), 16, d("6"), d("96"))]);
        assert_eq!(c.accrued, d("156"));
        assert!(matches!(rule.compute(&usd("1"), day(2024, 12, 1), day(2025, 2, 1)), Err(InterestError::NoRate(_))));
    }

    #[test]
    fn compounds_every_30_days_caps_at_a_year_and_waives_small_amounts() {
        let rule = InterestRule::prompt_payment(EffectiveTable::constant(pct("12"))).unwrap();
        let c = rule.compute(&usd("1000"), day(2026, 1, 1), day(2026, 3, 2)).unwrap();
        assert_eq!(c.steps.len(), 2);
        let first = d("1000") * d("12") * d("30") / d("36500");
        assert_eq!(c.steps[0].interest, first);
        assert_eq!(c.steps[0].new_base, Some(d("1000") + first));
        assert_eq!(c.steps[1].base, d("1000") + first);
        assert_eq!(c.steps[1].new_base, None, "no compounding at the end");
        assert_eq!(c.accrued, first + (d("1000") + first) * d("12") * d("30") / d("36500"));

        let c = rule.compute(&usd("1000"), day(2025, 1, 1), day(2027, 6, 1)).unwrap();
        assert!(c.capped);
        assert_eq!(c.accrual_end, day(2026, 1, 1));
        assert_eq!(c.steps.iter().map(|s| s.days).sum::<i64>(), 365);
        assert_eq!(c.steps.len(), 13);

        let c = rule.compute(&usd("10"), day(2026, 1, 1), day(2026, 1, 11)).unwrap();
        assert!(c.waived && c.interest.amount.is_zero() && c.accrued > Decimal::ZERO);
        let c = rule.compute(&usd("-100000"), day(2026, 1, 1), day(2026, 1, 11)).unwrap();
        assert!(!c.waived && c.interest.amount < Decimal::ZERO, "interest owed to the customer on a refund");
    }

    #[test]
    fn refuses_invalid_rules_and_spans() {
        assert!(InterestRule::new(EffectiveTable::default(), None, None, d("0")).is_err());
        assert!(InterestRule::new(EffectiveTable::constant(pct("1")), Some(0), None, d("0")).is_err());
        assert!(InterestRule::new(EffectiveTable::constant(pct("1")), None, Some(0), d("0")).is_err());
        assert!(InterestRule::new(EffectiveTable::constant(pct("1")), None, None, d("-1")).is_err());
        let r = flat("5", Some(30), None, "0");
        assert!(matches!(
            r.compute(&usd("1"), day(2026, 2, 1), day(2026, 1, 1)),
            Err(InterestError::EndBeforeStart { .. })
        ));
        let c = r.compute(&usd("1"), day(2026, 2, 1), day(2026, 2, 1)).unwrap();
        assert!(c.steps.is_empty() && c.accrued.is_zero());
    }

    proptest! {
        #[test]
        fn steps_cover_the_span_and_add_up(
            principal in 1i64..100_000_000, rate in 0i64..2000, days in 0u64..900,
            compounding in proptest::option::of(1u32..90), cap in proptest::option::of(1u32..500),
        ) {
            let rule = InterestRule::new(EffectiveTable::constant(Percent::new(Decimal::new(rate, 2)).unwrap()), compounding, cap, Decimal::ZERO).unwrap();
            let from = day(2026, 1, 1);
            let to = from.checked_add_days(Days::new(days)).unwrap();
            let c = rule.compute(&Money::new(Decimal::new(principal, 2), "USD"), from, to).unwrap();
            let span = (c.accrual_end - from).num_days();
            prop_assert_eq!(c.steps.iter().map(|s| s.days).sum::<i64>(), span);
            prop_assert!(span <= i64::from(cap.unwrap_or(u32::MAX)));
            prop_assert_eq!(c.steps.iter().map(|s| s.interest).sum::<Decimal>(), c.accrued);
            for w in c.steps.windows(2) {
                prop_assert_eq!(w[0].to, w[1].from);
                prop_assert!(w[1].base >= w[0].base);
            }
            prop_assert!(c.accrued >= Decimal::ZERO);
            if compounding.is_none() {
                let simple = Decimal::new(principal, 2) * Decimal::new(rate, 2) * Decimal::from(span) / Decimal::from(36500);
                prop_assert!((simple - c.accrued).abs() < Decimal::new(1, 20));
            }
        }
    }
}
