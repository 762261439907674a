//! Fiscal years with a configurable first month, bienniums (two fiscal years, as a legislative
//! appropriations request asks), budgets with actual-vs-budget and forecast-vs-budget alerts, and the
//! annual / biennial report rows: actuals to date, forecast for the rest, budget, difference.
use std::collections::BTreeMap;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::period::Period;

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum FiscalError {
    #[error("a fiscal year starts in month 1 to 12, not {0}")]
    StartMonth(u32),
    #[error("the alert threshold is a percentage from 1 to 100, not {0}")]
    Threshold(Decimal),
}

/// Fiscal years start in `start_month`; a fiscal year is named by the calendar year in which it **ends**
/// (start month 10: FY2027 runs 2026-10 to 2027-09; start month 1: the calendar year).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct FiscalCalendar {
    start_month: u32,
}

impl FiscalCalendar {
    pub fn new(start_month: u32) -> Result<FiscalCalendar, FiscalError> {
        if !(1..=12).contains(&start_month) {
            return Err(FiscalError::StartMonth(start_month));
        }
        Ok(FiscalCalendar { start_month })
    }
    pub fn start_month(self) -> u32 {
        self.start_month
    }
    /// The fiscal year a month belongs to.
    pub fn year_of(self, p: Period) -> i32 {
        if self.start_month == 1 || p.month() < self.start_month { p.year() } else { p.year() + 1 }
    }
    /// The twelve months of fiscal year `fy`, in order.
    pub fn months(self, fy: i32) -> Vec<Period> {
        let first_year = if self.start_month == 1 { fy } else { fy - 1 };
        let Some(first) = Period::new(first_year, self.start_month) else { return Vec::new() };
        (0..12).map(|n| super::nth(first, n)).collect()
    }
    /// The 24 months of the biennium whose first fiscal year is `fy`.
    pub fn biennium(self, fy: i32) -> Vec<Period> {
        let mut v = self.months(fy);
        v.extend(self.months(fy + 1));
        v
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "alert")]
pub enum Alert {
    /// At or past the budget: `pct` of it used.
    Over { pct: Decimal },
    /// Past the warning threshold.
    Near { pct: Decimal },
}

/// Compare an amount (actual or forecast) with its budget; `warn_at` is a percentage of the budget.
pub fn alert(amount: Decimal, budget: Decimal, warn_at: Decimal) -> Result<Option<Alert>, FiscalError> {
    if warn_at <= Decimal::ZERO || warn_at > Decimal::ONE_HUNDRED {
        return Err(FiscalError::Threshold(warn_at));
    }
    if budget <= Decimal::ZERO {
        return Ok((amount > Decimal::ZERO).then_some(Alert::Over { pct: Decimal::ZERO }));
    }
    let pct = (amount * Decimal::ONE_HUNDRED / budget).round_dp(1);
    Ok(if pct >= Decimal::ONE_HUNDRED {
        Some(Alert::Over { pct })
    } else if pct >= warn_at {
        Some(Alert::Near { pct })
    } else {
        None
    })
}

/// One month of a budget report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportRow {
    pub period: Period,
    /// True when the month is closed (its amount is actual), false when forecast.
    pub actual: bool,
    pub amount: Decimal,
    pub budget: Decimal,
    /// amount − budget (positive: over budget).
    pub difference: Decimal,
}

/// Rows for `months`: actuals up to and including `last_actual`, the forecast after it; missing figures are 0.
pub fn report_rows(
    months: &[Period],
    last_actual: Period,
    actuals: &BTreeMap<Period, Decimal>,
    forecast: &BTreeMap<Period, Decimal>,
    budget: &BTreeMap<Period, Decimal>,
) -> Vec<ReportRow> {
    months
        .iter()
        .map(|p| {
            let actual = *p <= last_actual;
            let source = if actual { actuals } else { forecast };
            let amount = source.get(p).copied().unwrap_or_default();
            let b = budget.get(p).copied().unwrap_or_default();
            ReportRow { period: *p, actual, amount, budget: b, difference: amount - b }
        })
        .collect()
}
