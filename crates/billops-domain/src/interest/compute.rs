//! The accrual itself: cut the days into steps (rate changes, compounding boundaries), accrue each exactly.
use chrono::{Days, Months, NaiveDate};
use rust_decimal::Decimal;

use super::{
    Cap, Compounding, InterestComputation, InterestError, InterestRule, InterestStep, RateFixing, round_interest,
};
use crate::money::Money;

impl InterestRule {
    /// Interest on `principal` due on `due` and paid on `paid`: accrues from the day after the due date through
    /// the payment date, both included (so `paid − due` days), under this rule's terms.
    pub fn compute(
        &self,
        principal: &Money,
        due: NaiveDate,
        paid: NaiveDate,
    ) -> Result<InterestComputation, InterestError> {
        let of = || InterestError::Overflow;
        let days_late = (paid - due).num_days().max(0);
        let within_grace = days_late > 0 && days_late <= i64::from(self.terms.grace_days);
        let nothing = |capped| InterestComputation {
            principal: principal.clone(),
            due,
            paid,
            days_late,
            within_grace,
            accrual: None,
            capped,
            steps: Vec::new(),
            accrued: Decimal::ZERO,
            waived: false,
            interest: Money::new(Decimal::ZERO, principal.currency.clone()),
        };
        if days_late == 0 || within_grace {
            return Ok(nothing(false));
        }
        let from = due.checked_add_days(Days::new(1)).ok_or_else(of)?;
        let after_paid = paid.checked_add_days(Days::new(1)).ok_or_else(of)?;
        let end = match self.terms.cap.map(|c| cap_end(from, c)) {
            Some(Some(limit)) => after_paid.min(limit),
            _ => after_paid,
        };
        let fixed_rate = *self.rates.at(from).ok_or(InterestError::NoRate(from))?;

        let boundaries = compounding_boundaries(from, end, self.terms.compounding);
        let mut cuts = boundaries.clone();
        if self.terms.fixing == RateFixing::Stepping {
            cuts.extend(self.rates.changes_within(from, end));
        }
        cuts.push(end);
        cuts.sort();
        cuts.dedup();

        let divisor = Decimal::from(self.terms.basis.days()).checked_mul(Decimal::ONE_HUNDRED).ok_or_else(of)?;
        let mut base = principal.amount;
        let mut pending = Decimal::ZERO; // accrued since the last compounding
        let mut accrued = Decimal::ZERO;
        let mut steps = Vec::with_capacity(cuts.len());
        let mut start = from;
        for cut in cuts {
            if cut <= start {
                continue;
            }
            let rate = match self.terms.fixing {
                RateFixing::AtStart => fixed_rate,
                RateFixing::Stepping => *self.rates.at(start).ok_or(InterestError::NoRate(start))?,
            };
            let days = (cut - start).num_days();
            let interest = base
                .checked_mul(rate.value())
                .and_then(|x| x.checked_mul(Decimal::from(days)))
                .and_then(|x| x.checked_div(divisor))
                .ok_or_else(of)?;
            accrued = accrued.checked_add(interest).ok_or_else(of)?;
            pending = pending.checked_add(interest).ok_or_else(of)?;
            let through = cut.pred_opt().ok_or_else(of)?;
            let mut step =
                InterestStep { from: start, through, days, annual_rate: rate, base, interest, new_base: None };
            if cut < end && boundaries.binary_search(&cut).is_ok() {
                base = base.checked_add(pending).ok_or_else(of)?;
                pending = Decimal::ZERO;
                step.new_base = Some(base);
            }
            steps.push(step);
            start = cut;
        }
        let waived = accrued.abs() < self.terms.waive_below;
        let charged = if waived { Decimal::ZERO } else { round_interest(accrued, &principal.currency) };
        let last = end.pred_opt().ok_or_else(of)?;
        Ok(InterestComputation {
            accrual: Some((from, last)),
            capped: end < after_paid,
            steps,
            accrued,
            waived,
            interest: Money::new(charged, principal.currency.clone()),
            ..nothing(false)
        })
    }
}

/// The first day on which interest no longer accrues under the cap (`None`: past the calendar's end).
fn cap_end(from: NaiveDate, cap: Cap) -> Option<NaiveDate> {
    match cap {
        Cap::Days(n) => from.checked_add_days(Days::new(u64::from(n))),
        Cap::Months(n) => from.checked_add_months(Months::new(n)),
    }
}

/// The days strictly inside `(from, end)` at which unpaid interest joins the principal (sorted).
fn compounding_boundaries(from: NaiveDate, end: NaiveDate, compounding: Compounding) -> Vec<NaiveDate> {
    let step = |k: u32| match compounding {
        Compounding::None => None,
        Compounding::EveryDays(n) => from.checked_add_days(Days::new(u64::from(n) * u64::from(k))),
        Compounding::EveryMonths(n) => n.checked_mul(k).and_then(|m| from.checked_add_months(Months::new(m))),
    };
    let mut out = Vec::new();
    let mut k = 1u32;
    while let Some(d) = step(k) {
        if d >= end {
            break;
        }
        out.push(d);
        k = k.saturating_add(1);
    }
    out
}
