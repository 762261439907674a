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
use std::collections::{BTreeMap, BTreeSet};

use billops_domain::Period;
use billops_domain::forecast::events::{self, ForecastEvent};
use billops_domain::forecast::fiscal::{self, Alert, FiscalCalendar};
use billops_domain::forecast::{self, Method, Point, Series, nth};
use billops_store::{Budget, BudgetScope, StoredEvent};

use super::codes::{self, Codes, code_of};
use rust_decimal::Decimal;
use serde::Serialize;

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

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Outlook {
    pub scope: Scope,
    pub last_actual: Period,
    pub fiscal_year: i32,
    pub months: Vec<Month>,
    /// The method and why: one series says its own; several are summarised.
    pub method: String,
    pub why: String,
    pub events: Vec<StoredEvent>,
    pub children: Vec<Child>,
    pub fy_outlook: Decimal,
    pub fy_budget: Option<Decimal>,
    pub fy_alert: Option<Alert>,
}

impl Outlook {
    /// An outlook with nothing in it (no month of cost data yet): its tables are empty, with their columns.
    pub fn empty(scope: &Scope, last_actual: Period) -> Outlook {
        Outlook {
            scope: scope.clone(),
            last_actual,
            fiscal_year: last_actual.year(),
            months: Vec::new(),
            method: String::new(),
            why: String::new(),
            events: Vec::new(),
            children: Vec::new(),
            fy_outlook: Decimal::ZERO,
            fy_budget: None,
            fy_alert: None,
        }
    }
}

/// Per customer, per service: (history by month up to the last actual, forecast points after events, method, why).
struct FittedSeries {
    history: BTreeMap<Period, Decimal>,
    forecast: Vec<Point>,
    method: Method,
    why: String,
}

type Book = BTreeMap<String, BTreeMap<String, FittedSeries>>;

/// One customer's history: service → (month, amount) points.
type ByService<'a> = BTreeMap<&'a str, Vec<(Period, Decimal)>>;

fn fit_book(facts: &[CostFact], events: &[StoredEvent], frame: &Frame, customers: &BTreeSet<&str>) -> Book {
    let mut raw: BTreeMap<&str, ByService<'_>> = BTreeMap::new();
    for (p, c, s, v) in facts {
        if *p > frame.last_actual || !customers.contains(c.as_str()) {
            continue;
        }
        raw.entry(c.as_str()).or_default().entry(s.as_str()).or_default().push((*p, *v));
    }
    // Customers are independent: fit them on every core (std threads over contiguous chunks; the result is the
    // same map whatever the split).
    let raw: Vec<(&str, ByService<'_>)> = raw.into_iter().collect();
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).clamp(1, 16);
    let chunk = raw.len().div_ceil(threads).max(1);
    std::thread::scope(|scope| {
        let handles: Vec<_> = raw
            .chunks(chunk)
            .map(|part| {
                scope.spawn(move || part.iter().map(|(c, sv)| fit_customer(c, sv, events, frame)).collect::<Vec<_>>())
            })
            .collect();
        handles.into_iter().flat_map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e))).collect()
    })
}

fn fit_customer(
    customer: &str,
    services: &ByService<'_>,
    events: &[StoredEvent],
    frame: &Frame,
) -> (String, BTreeMap<String, FittedSeries>) {
    let mut points: BTreeMap<String, Vec<Point>> = BTreeMap::new();
    let mut meta: BTreeMap<String, (BTreeMap<Period, Decimal>, Method, String)> = BTreeMap::new();
    for (service, pts) in services {
        // Zero-fill to the last actual month: a service that stopped is a run of zeros, not a gap.
        let mut pts = pts.clone();
        pts.push((frame.last_actual, Decimal::ZERO));
        let Some(series) = Series::from_points(&pts) else { continue };
        let f = forecast::forecast(&series, frame.horizon);
        let history = series.values.iter().enumerate().map(|(i, v)| (nth(series.start, i), *v)).collect();
        points.insert(service.to_string(), f.points);
        meta.insert(service.to_string(), (history, f.method, f.why));
    }
    let mine: Vec<ForecastEvent> = events
        .iter()
        .filter(|e| e.retired.is_none() && e.customer.as_deref().is_none_or(|c| c == customer))
        .map(|e| e.event.clone())
        .collect();
    events::apply(&mut points, &mine);
    let fitted = points
        .into_iter()
        .map(|(service, forecast)| {
            let (history, method, why) = meta
                .remove(&service)
                .unwrap_or_else(|| (BTreeMap::new(), Method::RunRate, "brought in by a technology change".to_string()));
            (service, FittedSeries { history, forecast, method, why })
        })
        .collect();
    (customer.to_string(), fitted)
}

fn sum_points(a: &mut BTreeMap<Period, Point>, pts: &[Point]) {
    for p in pts {
        let e = a.entry(p.period).or_insert(Point {
            period: p.period,
            value: Decimal::ZERO,
            low: Decimal::ZERO,
            high: Decimal::ZERO,
        });
        e.value += p.value;
        e.low += p.low;
        e.high += p.high;
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

/// Budget per month for a scope: customer-scope budgets of its customers, or one service's budgets.
fn budget_of(budgets: &[Budget], customers: &BTreeSet<&str>, service: Option<&str>) -> BTreeMap<Period, Decimal> {
    let mut out: BTreeMap<Period, Decimal> = BTreeMap::new();
    for b in budgets.iter().filter(|b| customers.contains(b.customer.as_str())) {
        let wanted = match (&b.scope, service) {
            (BudgetScope::Customer, None) => true,
            (BudgetScope::Service(s), Some(w)) => s == w,
            _ => false,
        };
        if wanted {
            *out.entry(b.period).or_default() += b.amount;
        }
    }
    out
}

struct Rollup {
    actual: BTreeMap<Period, Decimal>,
    forecast: BTreeMap<Period, Point>,
    methods: Vec<(Method, String)>,
}

fn rollup<'a>(series: impl Iterator<Item = &'a FittedSeries>) -> Rollup {
    let mut r = Rollup { actual: BTreeMap::new(), forecast: BTreeMap::new(), methods: Vec::new() };
    for f in series {
        for (p, v) in &f.history {
            *r.actual.entry(*p).or_default() += *v;
        }
        sum_points(&mut r.forecast, &f.forecast);
        r.methods.push((f.method, f.why.clone()));
    }
    r
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
}

/// Fit every customer of `facts` (or only `customer`) under `frame`.
pub fn fit(facts: &[CostFact], events: &[StoredEvent], frame: &Frame, customer: Option<&str>) -> Fitted {
    let customers: BTreeSet<&str> =
        facts.iter().map(|f| f.1.as_str()).filter(|c| customer.is_none_or(|w| w == *c)).collect();
    Fitted {
        book: fit_book(facts, events, frame, &customers),
        first_data: facts.iter().map(|f| f.0).min(),
        frame: *frame,
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

    /// One customer's series (services).
    pub fn services(&self, customer: &str) -> impl Iterator<Item = &str> {
        self.book.get(customer).into_iter().flat_map(|m| m.keys().map(String::as_str))
    }

    /// One customer's months summed over the services `keep` accepts (e.g. those in one currency).
    pub fn customer_months_where(
        &self,
        customer: &str,
        keep: impl Fn(&str) -> bool,
    ) -> (BTreeMap<Period, Decimal>, BTreeMap<Period, Point>) {
        let series = self.book.get(customer).into_iter().flat_map(|m| m.iter());
        let r = rollup(series.filter(|(s, _)| keep(s)).map(|(_, f)| f));
        (r.actual, r.forecast)
    }

    /// One customer's months (actual by month, forecast by month), summed over its services.
    pub fn customer_months(&self, customer: &str) -> (BTreeMap<Period, Decimal>, BTreeMap<Period, Point>) {
        let r = rollup(self.book.get(customer).into_iter().flat_map(|m| m.values()));
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
) -> Outlook {
    view(&fit(facts, events, frame, scope.customer.as_deref()), events, budgets, codes, scope)
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

/// The budget per month of a scope (see [`codes`] for an account code's).
fn scope_budget(
    budgets: &[Budget],
    codes: &Codes,
    customers: &BTreeSet<&str>,
    scope: &Scope,
) -> BTreeMap<Period, Decimal> {
    match (&scope.customer, &scope.code) {
        (None, Some(code)) => codes::code_budget(budgets, code, customers),
        (None, None) if scope.by_code => {
            let mut out: BTreeMap<Period, Decimal> = BTreeMap::new();
            for (code, members) in by_code(codes, customers) {
                for (p, v) in codes::code_budget(budgets, code, &members) {
                    *out.entry(p).or_default() += v;
                }
            }
            out
        }
        _ => budget_of(budgets, customers, scope.service.as_deref()),
    }
}

/// `customers` grouped by the account code they carry.
fn by_code<'a>(codes: &'a Codes, customers: &BTreeSet<&'a str>) -> BTreeMap<&'a str, BTreeSet<&'a str>> {
    let mut out: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for c in customers {
        out.entry(code_of(codes, c)).or_default().insert(c);
    }
    out
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
    let r = rollup(book.values().flat_map(|m| m.iter()).filter(|(s, _)| in_scope(s)).map(|(_, f)| f));
    let budget = scope_budget(budgets, codes, &customers, scope);
    let mut months = Vec::new();
    for p in shown_months(frame, fitted.first_data) {
        let actual = (p <= frame.last_actual).then(|| r.actual.get(&p).copied().unwrap_or_default());
        let forecast = if p > frame.last_actual { r.forecast.get(&p).copied() } else { None };
        let b = budget.get(&p).copied();
        let amount = actual.or(forecast.map(|x| x.value)).unwrap_or_default();
        let alert = b.and_then(|b| fiscal::alert(amount, b, frame.warn_pct).ok().flatten());
        months.push(Month { period: p, actual, forecast, budget: b, alert });
    }
    let methods: Vec<(Method, &str)> = r.methods.iter().map(|(m, w)| (*m, w.as_str())).collect();
    let (method, why) = summarise(&methods);
    let (fy_outlook, fy_budget, fy_alert) = fy_figures(&r, &budget, frame);
    let children = match (&scope.customer, &scope.service) {
        (None, _) if scope.by_code && scope.code.is_none() => by_code(codes, &customers)
            .into_iter()
            .map(|(code, members)| {
                let r = rollup(members.iter().filter_map(|c| fitted.book.get(*c)).flat_map(|m| m.values()));
                child(code, r, &codes::code_budget(budgets, code, &members), frame)
            })
            .collect(),
        (None, _) => book
            .iter()
            .map(|(c, services)| {
                let one: BTreeSet<&str> = [c.as_str()].into_iter().collect();
                child(c, rollup(services.values()), &budget_of(budgets, &one, None), frame)
            })
            .collect(),
        (Some(c), None) => book
            .get(c)
            .into_iter()
            .flat_map(|services| services.iter())
            .map(|(s, f)| {
                let one: BTreeSet<&str> = [c.as_str()].into_iter().collect();
                child(s, rollup(std::iter::once(f)), &budget_of(budgets, &one, Some(s)), frame)
            })
            .collect(),
        (Some(_), Some(_)) => Vec::new(),
    };
    let mut children: Vec<Child> = children;
    children.sort_by(|a, b| b.horizon_total.cmp(&a.horizon_total).then_with(|| a.key.cmp(&b.key)));
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
        months,
        method,
        why,
        events: shown_events,
        children,
        fy_outlook,
        fy_budget,
        fy_alert,
    }
}

fn child(key: &str, r: Rollup, budget: &BTreeMap<Period, Decimal>, frame: &Frame) -> Child {
    let next = frame.last_actual.next();
    let methods: Vec<(Method, &str)> = r.methods.iter().map(|(m, w)| (*m, w.as_str())).collect();
    let (method, _) = summarise(&methods);
    let (fy_outlook, fy_budget, alert) = fy_figures(&r, budget, frame);
    Child {
        key: key.to_string(),
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
