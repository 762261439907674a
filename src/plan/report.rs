//! Annual and biennial budget reports (a legislative appropriations request is a two-fiscal-year budget): per
//! customer or per account code, actuals to date, the forecast for the rest, the budget and the difference.
//! Pure: the loaded [`Inputs`](super::Inputs) in, the report out.
//!
//! By account code: customers are grouped by the account code they carry (none: `(no code)`); the budget of a
//! code is the sum of its `code:CODE` budgets when any exist, else of its customers' own budgets.
use std::collections::{BTreeMap, BTreeSet};

use billops_domain::Period;
use billops_domain::forecast::fiscal::{self, Alert};
use billops_store::BudgetScope;
use rust_decimal::Decimal;
use serde::Serialize;

use super::Inputs;
use super::outlook;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, clap::ValueEnum, Default)]
#[serde(rename_all = "snake_case")]
pub enum By {
    #[default]
    Customer,
    Code,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Line {
    pub key: String,
    pub actual_to_date: Decimal,
    pub forecast_rest: Decimal,
    pub outlook: Decimal,
    pub budget: Decimal,
    /// outlook − budget (positive: over budget).
    pub difference: Decimal,
    pub alert: Option<Alert>,
    /// The outlook of the months that have a budget (what the alert compares).
    pub budgeted_outlook: Decimal,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BudgetReport {
    /// `FY2027` or `FY2027–FY2028`.
    pub title: String,
    pub first: Period,
    pub last: Period,
    pub last_actual: Period,
    pub by: By,
    pub lines: Vec<Line>,
    pub total: Line,
}

use super::codes::NO_CODE;

/// Actual to date, forecast for the rest, budget, and the outlook of the budgeted months (what the alert
/// compares: a budget entered for part of the span is not "over" by the months it does not cover).
#[derive(Debug, Clone, Copy, Default)]
struct Sums {
    actual: Decimal,
    rest: Decimal,
    budget: Decimal,
    compared: Decimal,
}

impl std::ops::AddAssign for Sums {
    fn add_assign(&mut self, o: Sums) {
        self.actual += o.actual;
        self.rest += o.rest;
        self.budget += o.budget;
        self.compared += o.compared;
    }
}

impl Sums {
    fn is_empty(&self) -> bool {
        self.actual.is_zero() && self.rest.is_zero() && self.budget.is_zero()
    }
}

fn line(key: String, s: Sums, warn: Decimal) -> Line {
    let Sums { actual, rest, budget, compared } = s;
    let outlook = actual + rest;
    Line {
        key,
        actual_to_date: actual,
        forecast_rest: rest,
        outlook,
        budget,
        difference: outlook - budget,
        budgeted_outlook: compared,
        // No budget set: nothing to alert against (a zero budget is "none", not "over").
        alert: if budget.is_zero() { None } else { fiscal::alert(compared, budget, warn).ok().flatten() },
    }
}

/// The report over `months` (one fiscal year or a biennium), titled `title`.
pub fn build(inputs: &Inputs, months: &[Period], title: String, by: By) -> BudgetReport {
    let last_actual = inputs.frame.last_actual;
    // Outlooks reach [`super::HORIZON`] months past the last actual and as far back: widen the frame so
    // every month of the report is covered.
    let mut frame = inputs.frame;
    let first = months.first().copied().unwrap_or(last_actual);
    let last = months.last().copied().unwrap_or(last_actual);
    frame.shown_history = billops_domain::forecast::months_between(first, last_actual) + 1;
    frame.horizon = billops_domain::forecast::months_between(last_actual, last).max(1);
    // One fit of the whole book over the widened frame; each customer's figures are sums of its months.
    let fitted = outlook::fit(&inputs.facts, &inputs.events, &frame, None);
    let in_months = |p: &Period| months.contains(p);
    let mut per_customer: BTreeMap<String, Sums> = BTreeMap::new();
    let customers: BTreeSet<&str> =
        inputs.customers.iter().map(|c| c.code.as_str()).chain(fitted.customers()).collect();
    for code in customers {
        let (actual, forecast) = fitted.customer_months(code);
        let budget: BTreeMap<Period, Decimal> = inputs
            .budgets
            .iter()
            .filter(|b| b.customer == code && b.scope == BudgetScope::Customer && in_months(&b.period))
            .fold(BTreeMap::new(), |mut m, b| {
                *m.entry(b.period).or_insert(Decimal::ZERO) += b.amount;
                m
            });
        let sp = outlook::span(&actual, &forecast, &budget, months, last_actual);
        let s = Sums {
            actual: sp.actual,
            rest: sp.rest.round_dp(2),
            budget: sp.budget.unwrap_or_default(),
            compared: sp.compared.round_dp(2),
        };
        per_customer.insert(code.to_string(), s);
    }
    let warn = inputs.frame.warn_pct;
    let mut lines: Vec<Line> = match by {
        By::Customer => {
            per_customer.into_iter().filter(|(_, s)| !s.is_empty()).map(|(k, s)| line(k, s, warn)).collect()
        }
        By::Code => {
            let code_of: BTreeMap<&str, &str> = inputs
                .customers
                .iter()
                .map(|c| (c.code.as_str(), c.account_code.as_deref().unwrap_or(NO_CODE)))
                .collect();
            let mut groups: BTreeMap<String, Sums> = BTreeMap::new();
            for (cust, s) in &per_customer {
                *groups.entry(code_of.get(cust.as_str()).copied().unwrap_or(NO_CODE).to_string()).or_default() += *s;
            }
            for (code, g) in groups.iter_mut() {
                let explicit: Vec<Decimal> = inputs
                    .budgets
                    .iter()
                    .filter(|b| matches!(&b.scope, BudgetScope::AccountCode(c) if c == code) && in_months(&b.period))
                    .map(|b| b.amount)
                    .collect();
                if !explicit.is_empty() {
                    // An explicit code budget covers the span as a whole: compare the whole outlook.
                    g.budget = explicit.iter().sum();
                    g.compared = g.actual + g.rest;
                }
            }
            groups.into_iter().filter(|(_, s)| !s.is_empty()).map(|(k, s)| line(k, s, warn)).collect()
        }
    };
    lines.sort_by(|a, b| a.key.cmp(&b.key));
    let mut sum = Sums::default();
    for l in &lines {
        sum += Sums { actual: l.actual_to_date, rest: l.forecast_rest, budget: l.budget, compared: l.budgeted_outlook };
    }
    let total = line("total".into(), sum, warn);
    BudgetReport { title, first, last, last_actual, by, lines, total }
}
