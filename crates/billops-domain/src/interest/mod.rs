//! Interest on PPAs and late payments, shown step by step.
//!
//! One computation, parameterised by a contract's [`InterestTerms`]: the day basis (360 or 365), whether the
//! rate is fixed on the first day of accrual or steps with the rate table, compounding (none, every N days,
//! every N calendar months), a cap on how long interest accrues, a grace period (nothing at all when paid
//! within it) and a waiver under a minimum. Two engines are named presets of those terms:
//!
//! - [`Engine::PromptPayment`], the default, as the US Treasury computes Prompt Payment interest
//!   (5 CFR 1315.10 and 1315.17): from the day after the due date through the payment date, at the rate in
//!   effect on the day after the due date (fixed for the whole accrual), on a 360-day year, unpaid interest
//!   added to the principal at the end of each 30-day period, accrual stopping after one year, none under $1.
//! - [`Engine::Agency`], for amounts owed to an agency (FAR 52.232-17 style): simple interest over actual
//!   days on a 365-day year, the rate stepping with the rate table (one rate per six-month period), nothing
//!   when paid within 30 days of the due date.
//!
//! Any other contract rule (a state's monthly prime rate compounded monthly, say) is the same terms with
//! other values, written as data (see [`InterestTerms`]'s serde form), never code.
//!
//! The accrued amount is exact; the amount charged is rounded once, to the currency's minor unit, half away
//! from zero ([`round_interest`]).
use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::money::{Money, RoundingRule, round_line};
use crate::terms::{EffectiveTable, Percent};

mod compute;
#[cfg(test)]
mod tests;

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum InterestError {
    #[error("invalid interest terms: {0}")]
    Invalid(String),
    #[error("no interest rate in effect on {0}")]
    NoRate(NaiveDate),
    #[error("amount overflow")]
    Overflow,
}

/// Days in the interest year: the annual rate is divided by this per day of accrual.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "u32", into = "u32")]
pub enum DayBasis {
    /// rate/360 per day (Prompt Payment).
    Days360,
    /// rate/365 per actual day, leap years included.
    Days365,
}

impl DayBasis {
    pub fn days(self) -> u32 {
        match self {
            DayBasis::Days360 => 360,
            DayBasis::Days365 => 365,
        }
    }
}

impl TryFrom<u32> for DayBasis {
    type Error = String;
    fn try_from(n: u32) -> Result<Self, Self::Error> {
        match n {
            360 => Ok(DayBasis::Days360),
            365 => Ok(DayBasis::Days365),
            other => Err(format!("day basis must be 360 or 365, not {other}")),
        }
    }
}

impl From<DayBasis> for u32 {
    fn from(b: DayBasis) -> u32 {
        b.days()
    }
}

/// Which rate applies to a day of accrual.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RateFixing {
    /// The rate in effect on the first day of accrual, for the whole accrual (Prompt Payment).
    AtStart,
    /// Each day at the rate in effect that day: a rate change splits the accrual.
    Stepping,
}

/// When unpaid interest is added to the principal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Compounding {
    /// Simple interest.
    None,
    /// At the end of every N days of accrual (Prompt Payment: 30).
    EveryDays(u32),
    /// At every N-calendar-month anniversary of the first day of accrual.
    EveryMonths(u32),
}

/// How long interest may accrue, counted from the first day of accrual.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Cap {
    Days(u32),
    /// Calendar months (12 = one year, leap day included).
    Months(u32),
}

/// A contract's interest rule, as data. The serde form (TOML or JSON) is what a contract file states, e.g. a
/// state rule with a monthly prime rate compounded monthly:
///
/// ```toml
/// basis = 365
/// fixing = "stepping"
/// compounding = { every_months = 1 }
/// waive_below = "0"
/// grace_days = 0
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InterestTerms {
    pub basis: DayBasis,
    pub fixing: RateFixing,
    pub compounding: Compounding,
    /// No cap when absent.
    #[serde(default)]
    pub cap: Option<Cap>,
    /// An accrued total whose size is under this is not charged (Prompt Payment: 1).
    pub waive_below: Decimal,
    /// Paid within this many days after the due date: no interest at all (agency debts: 30).
    #[serde(default)]
    pub grace_days: u32,
}

impl InterestTerms {
    pub fn validate(&self) -> Result<(), InterestError> {
        let bad = |m: &str| Err(InterestError::Invalid(m.to_string()));
        match (self.compounding, self.cap) {
            (Compounding::EveryDays(0) | Compounding::EveryMonths(0), _) => bad("compounding must be every 1 or more"),
            (_, Some(Cap::Days(0) | Cap::Months(0))) => bad("a cap must be at least one day or month"),
            _ if self.waive_below.is_sign_negative() && !self.waive_below.is_zero() => bad("negative waiver minimum"),
            _ => Ok(()),
        }
    }
}

/// The named engines: presets of [`InterestTerms`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Engine {
    /// US Prompt Payment (5 CFR 1315.10, 1315.17): the default.
    PromptPayment,
    /// Amounts owed to an agency (FAR 52.232-17 style).
    Agency,
}

impl Engine {
    pub fn terms(self) -> InterestTerms {
        match self {
            Engine::PromptPayment => InterestTerms {
                basis: DayBasis::Days360,
                fixing: RateFixing::AtStart,
                compounding: Compounding::EveryDays(30),
                cap: Some(Cap::Months(12)),
                waive_below: Decimal::ONE,
                grace_days: 0,
            },
            Engine::Agency => InterestTerms {
                basis: DayBasis::Days365,
                fixing: RateFixing::Stepping,
                compounding: Compounding::None,
                cap: None,
                waive_below: Decimal::ZERO,
                grace_days: 30,
            },
        }
    }
    pub fn name(self) -> &'static str {
        match self {
            Engine::PromptPayment => "prompt-payment",
            Engine::Agency => "agency",
        }
    }
}

/// Terms plus the effective-dated table of annual rates (percent) they apply.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InterestRule {
    terms: InterestTerms,
    rates: EffectiveTable<Percent>,
}

impl InterestRule {
    pub fn new(terms: InterestTerms, rates: EffectiveTable<Percent>) -> Result<InterestRule, InterestError> {
        terms.validate()?;
        if rates.is_empty() {
            return Err(InterestError::Invalid("no rates".into()));
        }
        Ok(InterestRule { terms, rates })
    }
    /// The default rule: Prompt Payment with the given rate table.
    pub fn prompt_payment(rates: EffectiveTable<Percent>) -> Result<InterestRule, InterestError> {
        InterestRule::new(Engine::PromptPayment.terms(), rates)
    }
    pub fn terms(&self) -> &InterestTerms {
        &self.terms
    }
    pub fn rates(&self) -> &EffectiveTable<Percent> {
        &self.rates
    }
}

/// The one rounding of an interest amount: to the currency's minor unit, half away from zero.
pub fn round_interest(accrued: Decimal, currency: &str) -> Decimal {
    round_line(accrued, currency, RoundingRule::HalfAwayFromZero)
}

/// One stretch of days at one rate on one base.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InterestStep {
    pub from: NaiveDate,
    /// Inclusive: the last day of the stretch.
    pub through: NaiveDate,
    pub days: i64,
    pub annual_rate: Percent,
    pub base: Decimal,
    /// base × rate/100 × days/basis, exact.
    pub interest: Decimal,
    /// When the step ends on a compounding boundary: the base from then on (the unpaid interest added).
    pub new_base: Option<Decimal>,
}

/// The whole computation, for the console and the CLI to show and a PPA to post.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InterestComputation {
    pub principal: Money,
    pub due: NaiveDate,
    pub paid: NaiveDate,
    /// Days from the due date to the payment date (0 when paid on time or early).
    pub days_late: i64,
    /// Paid within the grace period: nothing accrues.
    pub within_grace: bool,
    /// The first and last day of accrual (inclusive); `None` when nothing accrues.
    pub accrual: Option<(NaiveDate, NaiveDate)>,
    /// Accrual stopped at the cap before the payment date.
    pub capped: bool,
    pub steps: Vec<InterestStep>,
    /// Σ of the steps' interest, exact.
    pub accrued: Decimal,
    /// Under the minimum: nothing is charged.
    pub waived: bool,
    /// What is charged: `accrued` rounded by [`round_interest`], or zero when waived or within grace.
    pub interest: Money,
}
