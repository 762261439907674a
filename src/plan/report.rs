//! Annual and biennial budget reports (a legislative appropriations request is a two-fiscal-year budget): per
//! customer or per account code, actuals to date, the forecast for the rest, the budget and the difference.
//! Pure: the loaded [`Inputs`](super::Inputs) in, the report out.
//!
//! By account code: customers are grouped by the account code they carry (none: `(no code)`); the budget of a
//! code is the sum of its `code:CODE` budgets when any exist, else of its customers' own budgets.
//!
//! Currencies are never added: a line is one key **and currency**. A customer's cost in its own currency is its
//! line (with its budget, which is in that currency); cost in another currency is a line of its own in that
//! currency, without a budget. An account code's customers in two currencies give the code a line per currency
//! (an explicit code budget counts in the currency of the customer it is recorded under). The total is one
//! line per currency.
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
    /// The currency of every amount of the line.
    pub currency: String,
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
    /// One total per currency.
    pub totals: Vec<Line>,
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

fn line((key, currency): (String, String), s: Sums, warn: Decimal) -> Line {
    let Sums { actual, rest, budget, compared } = s;
    let outlook = actual + rest;
    Line {
        key,
        currency,
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
    let fitted = outlook::fit(&inputs.facts, &inputs.events, &frame, None, inputs.currency_of());
    let in_months = |p: &Period| months.contains(p);
    // (customer, currency) → sums: a customer's series grouped by their currency, never added across.
    let mut per_customer: BTreeMap<(String, String), Sums> = BTreeMap::new();
    let own: BTreeMap<&str, &str> = inputs.customers.iter().map(|c| (c.code.as_str(), c.currency.as_str())).collect();
    let customers: BTreeSet<&str> =
        inputs.customers.iter().map(|c| c.code.as_str()).chain(fitted.customers()).collect();
    for code in customers {
        let own_cur = own.get(code).copied().unwrap_or("");
        let mut currencies: BTreeSet<&str> = fitted.currencies(code);
        currencies.insert(own_cur);
        for cur in currencies {
            let (actual, forecast) = fitted.customer_months_in(code, cur);
            // The customer's budget is in its own currency.
            let budget: BTreeMap<Period, Decimal> = inputs
                .budgets
                .iter()
                .filter(|b| cur == own_cur && b.customer == code)
                .filter(|b| b.scope == BudgetScope::Customer && in_months(&b.period))
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
            per_customer.insert((code.to_string(), cur.to_string()), s);
        }
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
            let mut groups: BTreeMap<(String, String), Sums> = BTreeMap::new();
            for ((cust, cur), s) in &per_customer {
                let code = code_of.get(cust.as_str()).copied().unwrap_or(NO_CODE).to_string();
                *groups.entry((code, cur.clone())).or_default() += *s;
            }
            for ((code, cur), g) in groups.iter_mut() {
                // An explicit code budget counts in the currency of the customer it is recorded under.
                let explicit: Vec<Decimal> = inputs
                    .budgets
                    .iter()
                    .filter(|b| matches!(&b.scope, BudgetScope::AccountCode(c) if c == code) && in_months(&b.period))
                    .filter(|b| own.get(b.customer.as_str()).copied().unwrap_or("") == cur.as_str())
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
    lines.sort_by(|a, b| a.key.cmp(&b.key).then_with(|| a.currency.cmp(&b.currency)));
    let mut sums: BTreeMap<&str, Sums> = BTreeMap::new();
    for l in &lines {
        *sums.entry(l.currency.as_str()).or_default() +=
            Sums { actual: l.actual_to_date, rest: l.forecast_rest, budget: l.budget, compared: l.budgeted_outlook };
    }
    let totals = sums.into_iter().map(|(cur, s)| line(("total".into(), cur.to_string()), s, warn)).collect();
    BudgetReport { title, first, last, last_actual, by, lines, totals }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod currency_tests {
    use super::*;
    use crate::plan::outlook::Frame;

    fn p(s: &str) -> Period {
        s.parse().unwrap()
    }

    fn customer(code: &str, currency: &str, account_code: &str) -> billops_store::Customer {
        billops_store::Customer {
            id: 1,
            code: code.into(),
            name: code.into(),
            currency: currency.into(),
            status: "active".into(),
            account_code: Some(account_code.into()),
            account_count: 1,
        }
    }

    /// A USD customer with a service billed in EUR and a EUR customer under the same code: every line, code
    /// group and total is in one currency; the budget (USD) counts only against the USD line.
    #[test]
    fn a_two_currency_book_is_reported_per_currency_and_totalled_per_currency() {
        let months: Vec<Period> = ["2026-01", "2026-02", "2026-03"].iter().map(|m| p(m)).collect();
        let mut facts = Vec::new();
        for m in &months[..2] {
            facts.push((*m, "ACME".to_string(), "EC2".to_string(), Decimal::from(100)));
            facts.push((*m, "ACME".to_string(), "S3".to_string(), Decimal::from(7)));
            facts.push((*m, "BETA".to_string(), "EC2".to_string(), Decimal::from(50)));
        }
        let currencies: crate::plan::Currencies = [
            (("ACME".to_string(), "EC2".to_string()), "USD".to_string()),
            (("ACME".to_string(), "S3".to_string()), "EUR".to_string()),
            (("BETA".to_string(), "EC2".to_string()), "EUR".to_string()),
        ]
        .into();
        let budget = billops_store::Budget {
            customer: "ACME".into(),
            scope: BudgetScope::Customer,
            period: p("2026-01"),
            amount: Decimal::from(90),
            set_by: "t".into(),
            set_at: chrono::DateTime::UNIX_EPOCH,
        };
        let inputs = crate::plan::Inputs {
            frame: Frame {
                last_actual: p("2026-02"),
                shown_history: 18,
                horizon: 18,
                fiscal: billops_domain::forecast::fiscal::FiscalCalendar::new(1).unwrap(),
                warn_pct: Decimal::from(90),
            },
            basis: billops_domain::CostBasis::Billed,
            facts,
            events: vec![],
            budgets: vec![budget],
            customers: vec![customer("ACME", "USD", "GL-1"), customer("BETA", "EUR", "GL-1")],
            currencies,
        };
        let r = build(&inputs, &months, "FY2026".into(), By::Customer);
        let got: Vec<(&str, &str, Decimal, Decimal)> =
            r.lines.iter().map(|l| (l.key.as_str(), l.currency.as_str(), l.actual_to_date, l.budget)).collect();
        assert_eq!(
            got,
            [
                ("ACME", "EUR", Decimal::from(14), Decimal::ZERO),
                ("ACME", "USD", Decimal::from(200), Decimal::from(90)),
                ("BETA", "EUR", Decimal::from(100), Decimal::ZERO),
            ]
        );
        let totals: Vec<(&str, Decimal)> = r.totals.iter().map(|l| (l.currency.as_str(), l.actual_to_date)).collect();
        assert_eq!(totals, [("EUR", Decimal::from(114)), ("USD", Decimal::from(200))], "never 314 of two currencies");
        let r = build(&inputs, &months, "FY2026".into(), By::Code);
        let got: Vec<(&str, &str, Decimal)> =
            r.lines.iter().map(|l| (l.key.as_str(), l.currency.as_str(), l.actual_to_date)).collect();
        assert_eq!(got, [("GL-1", "EUR", Decimal::from(114)), ("GL-1", "USD", Decimal::from(200))]);
        let html = crate::plan::html::budget_report(&r, billops_domain::CostBasis::Billed, p("2026-03").start());
        assert_eq!(html.matches("<tr class=\"total\">").count(), 2, "one total per currency");
    }
}
