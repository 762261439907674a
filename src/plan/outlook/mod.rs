//! The outlook of one scope (every customer, one customer, or one customer's service): the last months of
//! actual cost, the forecast after them with its band, the budget and its alerts, and the rows of the level
//! below (customers, or a customer's services). Pure: rows, events and budgets in, outlook out.
//!
//! Rules (decided here, said in `billops forecast --help`):
//! - Each customer × service is forecast on its own, from its first month with cost up to the last actual
//!   month (gaps are zero), by the method its history supports ([`forecast::choose`]). Events (the customer's
//!   and every customer's) adjust the customer's services; sums are taken after that.
//! - The band of a sum is the sum of the bands (the services are treated as moving together: a wide, honest
//!   band rather than a narrow one that assumes independence).
//! - A budget is compared with the actual of a month that has one, else with the forecast ([`fiscal::alert`]);
//!   a scope's fiscal-year outlook is actuals to date plus the forecast for the rest of the fiscal year.
//! - Currencies are never added. Every fitted series carries its currency ([`CurrencyOf`]: a `SERVICE [CUR]`
//!   series its own, any other its customer's); a scope has one [`Total`] per currency in it, and a row of the
//!   level below is one key **and currency** (a customer billed in USD with a service in EUR is two rows). A
//!   budget is in its customer's currency (a service budget: its series' currency; an account code's own
//!   budget: the currency of the customer it is recorded under) and counts only against that currency's total.
use std::collections::{BTreeMap, BTreeSet};

use billops_domain::Period;

use billops_domain::forecast::fiscal::{self, Alert, FiscalCalendar};
use billops_domain::forecast::{Method, Point, nth};
use billops_store::{Budget, BudgetScope, StoredEvent};

use super::codes::{self, Codes, code_of};
use budgets::{Budgets, budget_of, by_code, code_budget, scope_budget};
use fit::{Book, FittedSeries, fit_book, group, threads};
use rust_decimal::Decimal;
use serde::Serialize;
use sums::{Rollup, rollup, rollups};

/// Which part of the book an outlook covers: every customer (grouped by customer, or by account code when
/// `by_code`), one account code's customers, one customer, or one customer's service.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize)]
pub struct Scope {
    pub customer: Option<String>,
    pub service: Option<String>,
    /// An account code ([`codes::NO_CODE`] for the customers without one): only its customers.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// At the top: the level below is the account codes, not the customers.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub by_code: bool,
}

impl Scope {
    pub fn label(&self) -> String {
        let code = self.code.as_ref().map(|c| format!("account code {c}"));
        match (&self.customer, &self.service, code) {
            (None, _, None) if self.by_code => "all account codes".to_string(),
            (None, _, None) => "all customers".to_string(),
            (None, _, Some(code)) => code,
            (Some(c), None, _) => c.clone(),
            (Some(c), Some(s), _) => format!("{c} › {s}"),
        }
    }
}

/// One cost figure of the history: (month, customer, service, amount).
pub type CostFact = (Period, String, String, Decimal);

/// The outlook's settings.
#[derive(Debug, Clone, Copy)]
pub struct Frame {
    /// The last month with actual cost (forecasts start the month after).
    pub last_actual: Period,
    /// Actual months shown before the forecast (the rolling view shows 18).
    pub shown_history: usize,
    pub horizon: usize,
    pub fiscal: FiscalCalendar,
    /// Percent of a budget at which an alert warns.
    pub warn_pct: Decimal,
}

/// One month of the view.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Month {
    pub period: Period,
    pub actual: Option<Decimal>,
    pub forecast: Option<Point>,
    pub budget: Option<Decimal>,
    pub alert: Option<Alert>,
}

impl Month {
    /// The actual, else the forecast.
    pub fn amount(&self) -> Decimal {
        self.actual.or(self.forecast.map(|p| p.value)).unwrap_or_default()
    }
}

/// One row of the level below the scope.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Child {
    pub key: String,
    /// The currency of every amount of the row.
    pub currency: String,
    pub last_actual: Decimal,
    pub next_month: Decimal,
    pub horizon_total: Decimal,
    /// Actuals to date plus forecast for the rest of the fiscal year after the last actual month.
    pub fy_outlook: Decimal,
    pub fy_budget: Option<Decimal>,
    pub alert: Option<Alert>,
    /// The method(s) used below this row, e.g. `linear trend` or `mixed (3 run-rate, 2 linear trend)`.
    pub method: String,
}

/// A scope's figures in one currency: the months of the rolling view, the method, the fiscal-year outlook.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Total {
    pub currency: String,
    pub months: Vec<Month>,
    /// The method and why: one series says its own; several are summarised.
    pub method: String,
    pub why: String,
    pub fy_outlook: Decimal,
    pub fy_budget: Option<Decimal>,
    pub fy_alert: Option<Alert>,
}

/// The key of a scope's total row (its currency beside it, as every row's).
pub const TOTAL: &str = "total";

impl Total {
    /// The total as a row of the level below (its rows summed in this currency): key [`TOTAL`], last actual
    /// month, next month and the next 18 (the forecast months), rounded as a row's are.
    pub fn as_child(&self, last_actual: Period) -> Child {
        let forecast = || self.months.iter().filter_map(|m| m.forecast);
        Child {
            key: TOTAL.to_string(),
            currency: self.currency.clone(),
            last_actual: self.months.iter().find(|m| m.period == last_actual).map(Month::amount).unwrap_or_default(),
            next_month: forecast().next().map(|p| p.value).unwrap_or_default().round_dp(2),
            horizon_total: forecast().map(|p| p.value).sum::<Decimal>().round_dp(2),
            fy_outlook: self.fy_outlook,
            fy_budget: self.fy_budget,
            alert: self.fy_alert,
            method: self.method.clone(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Outlook {
    pub scope: Scope,
    pub last_actual: Period,
    pub fiscal_year: i32,
    /// One per currency of the scope, by currency; empty when the scope has no cost and no budget.
    pub totals: Vec<Total>,
    pub events: Vec<StoredEvent>,
    /// Per key and currency, the largest next 18 months first.
    pub children: Vec<Child>,
}

impl Outlook {
    /// The total in `currency`, else the first (the chart draws one currency at a time).
    pub fn total(&self, currency: Option<&str>) -> Option<&Total> {
        self.totals.iter().find(|t| Some(t.currency.as_str()) == currency).or(self.totals.first())
    }
}

impl Outlook {
    /// An outlook with nothing in it (no month of cost data yet): its tables are empty, with their columns.
    pub fn empty(scope: &Scope, last_actual: Period) -> Outlook {
        Outlook {
            scope: scope.clone(),
            last_actual,
            fiscal_year: last_actual.year(),
            totals: Vec::new(),
            events: Vec::new(),
            children: Vec::new(),
        }
    }
}

/// The currency of each series and each customer's own (the currency its budgets are in).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CurrencyOf {
    /// (customer, series name) → currency, as [`super::currencies`] reads them from the store.
    pub series: super::Currencies,
    /// Customer code → its own currency.
    pub customers: BTreeMap<String, String>,
}

impl CurrencyOf {
    /// Every customer's own currency from the customer list; the series' from `series`.
    pub fn new(series: super::Currencies, customers: &[billops_store::Customer]) -> CurrencyOf {
        CurrencyOf { series, customers: customers.iter().map(|c| (c.code.clone(), c.currency.clone())).collect() }
    }

    /// The customer's own currency (empty when the customer is not known).
    pub fn own(&self, customer: &str) -> &str {
        self.customers.get(customer).map_or("", String::as_str)
    }

    /// A series' currency: as read, else its customer's own.
    pub fn of(&self, customer: &str, series: &str) -> &str {
        match self.series.get(&(customer.to_string(), series.to_string())) {
            Some(c) => c,
            None => self.own(customer),
        }
    }
}

fn summarise(methods: &[(Method, &str)]) -> (String, String) {
    match methods {
        [] => ("none".into(), "no cost history in this scope".into()),
        [(m, why)] => (m.name().into(), (*why).into()),
        many => {
            let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
            for (m, _) in many {
                *counts.entry(m.name()).or_default() += 1;
            }
            if counts.len() == 1 {
                let name = many[0].0.name();
                let whys: BTreeSet<&str> = many.iter().map(|(_, w)| *w).collect();
                let why = if whys.len() == 1 { many[0].1.to_string() } else { "each by its own history".to_string() };
                (name.into(), format!("all {} series: {why}", many.len()))
            } else {
                let parts: Vec<String> = counts.iter().map(|(n, c)| format!("{c} {n}")).collect();
                ("mixed".into(), format!("each series by its own history: {}", parts.join(", ")))
            }
        }
    }
}

/// Over some months: the actual of those up to the last actual month, the forecast of the rest, and the
/// months that have a budget (their budget, and the amount they are compared with).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Span {
    pub actual: Decimal,
    pub rest: Decimal,
    /// `None`: no month of the span has a budget.
    pub budget: Option<Decimal>,
    /// The actual or forecast of the budgeted months only: a budget entered for part of a span is not "over"
    /// by the months it does not cover.
    pub compared: Decimal,
}

impl Span {
    pub fn outlook(&self) -> Decimal {
        self.actual + self.rest
    }

    /// The alert of the budgeted months (none without a budget; a zero budget is "none", not "over").
    pub fn alert(&self, warn_pct: Decimal) -> Option<Alert> {
        let b = self.budget.filter(|b| !b.is_zero())?;
        fiscal::alert(self.compared, b, warn_pct).ok().flatten()
    }
}

/// The one rule for a span of months (a fiscal year on the pane, a year or a biennium in the budget report).
pub fn span(
    actual: &BTreeMap<Period, Decimal>,
    forecast: &BTreeMap<Period, Point>,
    budget: &BTreeMap<Period, Decimal>,
    months: &[Period],
    last_actual: Period,
) -> Span {
    let mut s = Span::default();
    for p in months {
        let v = if *p <= last_actual {
            let v = actual.get(p).copied().unwrap_or_default();
            s.actual += v;
            v
        } else {
            let v = forecast.get(p).map(|x| x.value).unwrap_or_default();
            s.rest += v;
            v
        };
        if let Some(b) = budget.get(p) {
            *s.budget.get_or_insert(Decimal::ZERO) += *b;
            s.compared += v;
        }
    }
    s
}

/// The fiscal year after the last actual month: (outlook: actuals to date + forecast for the rest, its budget,
/// the alert of the budgeted months).
fn fy_figures(
    r: &Rollup,
    budget: &BTreeMap<Period, Decimal>,
    frame: &Frame,
) -> (Decimal, Option<Decimal>, Option<Alert>) {
    let fy = frame.fiscal.year_of(frame.last_actual.next());
    let s = span(&r.actual, &r.forecast, budget, &frame.fiscal.months(fy), frame.last_actual);
    (s.outlook().round_dp(2), s.budget, s.alert(frame.warn_pct))
}

/// The fitted book: every customer × service of the facts fitted once, so that any scope's figures are sums
/// (the budget report fits the book once; the Forecast pane keeps one fit per load and draws every drill
/// from it with [`Fitted::outlook`]; the CLI fits the scope's customers through [`build`]).
pub struct Fitted {
    book: Book,
    /// The first month of the whole book (where the rolling view may start).
    first_data: Option<Period>,
    frame: Frame,
    money: CurrencyOf,
}

/// Fit every customer of `facts` (or only `customer`) under `frame`, each series in its currency.
pub fn fit(
    facts: &[CostFact],
    events: &[StoredEvent],
    frame: &Frame,
    customer: Option<&str>,
    money: CurrencyOf,
) -> Fitted {
    let raw = group(facts, frame, customer);
    Fitted {
        book: fit_book(&raw, events, frame, &money, threads()),
        first_data: facts.iter().map(|f| f.0).min(),
        frame: *frame,
        money,
    }
}

impl Fitted {
    /// The outlook of `scope`: sums of the fitted series, no refit.
    pub fn outlook(&self, events: &[StoredEvent], budgets: &[Budget], codes: &Codes, scope: &Scope) -> Outlook {
        view(self, events, budgets, codes, scope)
    }

    /// The first month of the whole book.
    pub fn first_data(&self) -> Option<Period> {
        self.first_data
    }

    /// The customers fitted.
    pub fn customers(&self) -> impl Iterator<Item = &str> {
        self.book.keys().map(String::as_str)
    }

    /// The currencies of one customer's series.
    pub fn currencies(&self, customer: &str) -> BTreeSet<&str> {
        self.book.get(customer).into_iter().flat_map(|m| m.values().map(|f| f.currency.as_str())).collect()
    }

    /// The customer's own currency (its budgets').
    pub fn own_currency(&self, customer: &str) -> &str {
        self.money.own(customer)
    }

    /// The currency a budget is in: a service budget its series' (`SERVICE [CUR]`), else the customer's own.
    pub fn budget_currency<'a>(&'a self, b: &'a Budget) -> &'a str {
        let series = match &b.scope {
            BudgetScope::Service(s) => self.book.get(&b.customer).and_then(|m| m.get(s)),
            _ => None,
        };
        series.map_or_else(|| self.money.own(&b.customer), |f| f.currency.as_str())
    }

    /// One customer's months (actual by month, forecast by month) summed over its series in `currency`.
    pub fn customer_months_in(
        &self,
        customer: &str,
        currency: &str,
    ) -> (BTreeMap<Period, Decimal>, BTreeMap<Period, Point>) {
        let r = rollup(self.book.get(customer).into_iter().flat_map(|m| m.values()).filter(|f| f.currency == currency));
        (r.actual, r.forecast)
    }
}

/// The outlook of `scope` from the book's cost facts, events and budgets (fits only the scope's customers).
pub fn build(
    facts: &[CostFact],
    events: &[StoredEvent],
    budgets: &[Budget],
    codes: &Codes,
    frame: &Frame,
    scope: &Scope,
    money: CurrencyOf,
) -> Outlook {
    view(&fit(facts, events, frame, scope.customer.as_deref(), money), events, budgets, codes, scope)
}

/// The months of the rolling view: from the first month the book has data, at most `shown_history` months
/// back, to the end of the horizon.
pub fn shown_months(frame: &Frame, first_data: Option<Period>) -> Vec<Period> {
    let first_data = first_data.unwrap_or(frame.last_actual);
    let first_shown = (1..frame.shown_history.max(1)).fold(frame.last_actual, |p, _| p.prev()).max(first_data);
    let last_shown = nth(frame.last_actual, frame.horizon);
    let mut out = Vec::new();
    let mut p = first_shown;
    while p <= last_shown {
        out.push(p);
        p = p.next();
    }
    out
}

/// The currencies of some rollups and budgets, each once, in order.
fn currencies_of<'a>(r: &'a BTreeMap<&str, Rollup>, budget: &'a Budgets) -> BTreeSet<&'a str> {
    r.keys().copied().chain(budget.keys().map(String::as_str)).collect()
}

fn view(fitted: &Fitted, events: &[StoredEvent], budgets: &[Budget], codes: &Codes, scope: &Scope) -> Outlook {
    let frame = &fitted.frame;
    let book: BTreeMap<&String, &BTreeMap<String, FittedSeries>> = fitted
        .book
        .iter()
        .filter(|(c, _)| scope.customer.as_ref().is_none_or(|w| w == *c))
        .filter(|(c, _)| scope.code.as_deref().is_none_or(|w| w == code_of(codes, c)))
        .collect();
    let customers: BTreeSet<&str> = book.keys().map(|c| c.as_str()).collect();
    let in_scope = |service: &str| scope.service.as_deref().is_none_or(|s| s == service);
    let r = rollups(book.values().flat_map(|m| m.iter()).filter(|(s, _)| in_scope(s)).map(|(_, f)| f));
    let budget = scope_budget(fitted, budgets, codes, &customers, scope);
    let mut currencies = currencies_of(&r, &budget);
    if currencies.is_empty()
        && let Some(c) = &scope.customer
        && !fitted.money.own(c).is_empty()
    {
        // A customer with no cost yet: its own currency, with nothing in it.
        currencies.insert(fitted.money.own(c));
    }
    let empty = (Rollup::default(), BTreeMap::new());
    // Each customer's budgets, found once (a row per customer would otherwise read every budget).
    let mut of_customer: BTreeMap<&str, Vec<&Budget>> = BTreeMap::new();
    for b in budgets {
        of_customer.entry(b.customer.as_str()).or_default().push(b);
    }
    let totals = currencies
        .iter()
        .map(|cur| total(cur, r.get(cur).unwrap_or(&empty.0), budget.get(*cur).unwrap_or(&empty.1), fitted))
        .collect();
    let mut children: Vec<Child> = match (&scope.customer, &scope.service) {
        (None, _) if scope.by_code && scope.code.is_none() => by_code(codes, &customers)
            .into_iter()
            .flat_map(|(code, members)| {
                let r = rollups(members.iter().filter_map(|c| fitted.book.get(*c)).flat_map(|m| m.values()));
                per_currency(code, &r, &code_budget(fitted, budgets, code, &members), frame)
            })
            .collect(),
        (None, _) => book
            .iter()
            .flat_map(|(c, services)| {
                let one: BTreeSet<&str> = [c.as_str()].into_iter().collect();
                let mine = of_customer.get(c.as_str()).into_iter().flatten().copied();
                per_currency(c, &rollups(services.values()), &budget_of(fitted, mine, &one, None), frame)
            })
            .collect(),
        (Some(c), None) => book
            .get(c)
            .into_iter()
            .flat_map(|services| services.iter())
            .map(|(s, f)| {
                let one: BTreeSet<&str> = [c.as_str()].into_iter().collect();
                let r = rollup(std::iter::once(f));
                let mine = of_customer.get(c.as_str()).into_iter().flatten().copied();
                let budget = budget_of(fitted, mine, &one, Some(s)).remove(&f.currency).unwrap_or_default();
                child(s, &f.currency, &r, &budget, frame)
            })
            .collect(),
        (Some(_), Some(_)) => Vec::new(),
    };
    children.sort_by(|a, b| {
        b.horizon_total.cmp(&a.horizon_total).then_with(|| a.key.cmp(&b.key)).then_with(|| a.currency.cmp(&b.currency))
    });
    let shown_events = events
        .iter()
        .filter(|e| e.retired.is_none())
        .filter(|e| match (&scope.customer, &e.customer) {
            (Some(c), Some(ec)) => c == ec,
            (None, Some(ec)) if scope.code.is_some() => customers.contains(ec.as_str()),
            _ => true,
        })
        .cloned()
        .collect();
    Outlook {
        scope: scope.clone(),
        last_actual: frame.last_actual,
        fiscal_year: frame.fiscal.year_of(frame.last_actual.next()),
        totals,
        events: shown_events,
        children,
    }
}

/// A scope's figures in one currency.
fn total(currency: &str, r: &Rollup, budget: &BTreeMap<Period, Decimal>, fitted: &Fitted) -> Total {
    let frame = &fitted.frame;
    let mut months = Vec::new();
    for p in shown_months(frame, fitted.first_data) {
        let actual = (p <= frame.last_actual).then(|| r.actual.get(&p).copied().unwrap_or_default());
        let forecast = if p > frame.last_actual { r.forecast.get(&p).copied() } else { None };
        let b = budget.get(&p).copied();
        let amount = actual.or(forecast.map(|x| x.value)).unwrap_or_default();
        let alert = b.and_then(|b| fiscal::alert(amount, b, frame.warn_pct).ok().flatten());
        months.push(Month { period: p, actual, forecast, budget: b, alert });
    }
    let (method, why) = summarise(&r.methods);
    let (fy_outlook, fy_budget, fy_alert) = fy_figures(r, budget, frame);
    Total { currency: currency.to_string(), months, method, why, fy_outlook, fy_budget, fy_alert }
}

/// The rows of one key: one per currency of its series or budgets.
fn per_currency(key: &str, r: &BTreeMap<&str, Rollup>, budget: &Budgets, frame: &Frame) -> Vec<Child> {
    let none = (Rollup::default(), BTreeMap::new());
    currencies_of(r, budget)
        .into_iter()
        .map(|cur| child(key, cur, r.get(cur).unwrap_or(&none.0), budget.get(cur).unwrap_or(&none.1), frame))
        .collect()
}

fn child(key: &str, currency: &str, r: &Rollup, budget: &BTreeMap<Period, Decimal>, frame: &Frame) -> Child {
    let next = frame.last_actual.next();
    let (method, _) = summarise(&r.methods);
    let (fy_outlook, fy_budget, alert) = fy_figures(r, budget, frame);
    Child {
        key: key.to_string(),
        currency: currency.to_string(),
        last_actual: r.actual.get(&frame.last_actual).copied().unwrap_or_default(),
        next_month: r.forecast.get(&next).map(|p| p.value).unwrap_or_default().round_dp(2),
        horizon_total: r.forecast.values().map(|p| p.value).sum::<Decimal>().round_dp(2),
        fy_outlook,
        fy_budget,
        alert,
        method,
    }
}

/// A short word for an alert (lists, CSV).
pub fn alert_text(a: Option<Alert>) -> String {
    match a {
        None => String::new(),
        Some(Alert::Over { pct }) => format!("over ({pct}%)"),
        Some(Alert::Near { pct }) => format!("near ({pct}%)"),
    }
}

mod budgets;
mod fit;
mod sums;
#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests;
