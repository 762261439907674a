//! Forecasts, budgets and budget reports (issue 12): loads what the pure [`outlook`] and [`report`] need from
//! the store, for the CLI (`billops forecast`, `billops budget`, `billops report budget`) and the Forecast pane
//! alike. No SQL here.
//!
//! The history is the imported cost on one basis (billed by default: what the cloud invoices), summed exactly
//! by month, customer and service. The last actual month is the newest month with data **before** the
//! clock's month (a month in progress would drag a forecast down), or the month given (`--as-of`).
pub mod codes;
pub mod html;
pub mod outlook;
pub mod report;
pub mod volume;

use billops_domain::forecast::fiscal::FiscalCalendar;
use billops_domain::{CostBasis, Dim, Period};
use billops_store::{CostQuery, Result, Store};
use rust_decimal::Decimal;

pub use outlook::{Child, CostFact, CurrencyOf, Frame, Month, Outlook, Scope, TOTAL, Total, alert_text};

/// Months of history read for a forecast (seasonality needs 24; three years lets a back-test score it).
pub const HISTORY_MONTHS: usize = 36;
/// Months forecast, and actual months shown before them (the 18-month rolling view).
pub const HORIZON: usize = 18;

/// Fiscal years and budget alerts (shared settings `fiscal_start_month`, `budget_warn_pct`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PlanSettings {
    pub fiscal: FiscalCalendar,
    pub warn_pct: Decimal,
}

impl Default for PlanSettings {
    fn default() -> Self {
        PlanSettings {
            fiscal: FiscalCalendar::new(1).unwrap_or_else(|_| unreachable!("1 is a month")),
            warn_pct: Decimal::from(90),
        }
    }
}

/// The newest month with cost data before `today`'s month, or `as_of` when given.
pub async fn last_actual(store: &dyn Store, today: chrono::NaiveDate, as_of: Option<Period>) -> Result<Option<Period>> {
    if as_of.is_some() {
        return Ok(as_of);
    }
    let now = Period::of_date(today);
    Ok(store.periods().await?.into_iter().filter(|p| *p < now).max())
}

/// Exact cost by month, customer and service for the [`HISTORY_MONTHS`] ending with `last_actual`, and the
/// currency of each (customer, series) ([`per_currency`]'s names).
pub async fn facts(store: &dyn Store, last_actual: Period, basis: CostBasis) -> Result<(Vec<CostFact>, Currencies)> {
    let from = (1..HISTORY_MONTHS).fold(last_actual, |p, _| p.prev());
    // The rows of `costs` by period × customer × service, read for the whole book at once.
    Ok(split(store.monthly_costs(from, last_actual, basis).await?))
}

/// [`per_currency`] and [`currencies`] of the same rows, naming each series once (a series' currency is
/// recorded once, not per month).
fn split(rows: Vec<billops_store::CostRow>) -> (Vec<CostFact>, Currencies) {
    let names = names(&rows);
    let mut seen: std::collections::HashMap<(&str, &str), &str> = std::collections::HashMap::new();
    for (r, name) in rows.iter().zip(&names) {
        if let Some((customer, service)) = name {
            seen.entry((customer.as_str(), service.as_str())).or_insert(r.currency.as_str());
        }
    }
    let currencies: Currencies =
        seen.into_iter().map(|((c, s), cur)| ((c.to_string(), s.to_string()), cur.to_string())).collect();
    let mut facts = Vec::with_capacity(rows.len());
    for (r, name) in rows.into_iter().zip(names) {
        let (Some((customer, service)), Some(p)) = (name, r.keys.first().and_then(|p| p.parse::<Period>().ok())) else {
            continue;
        };
        facts.push((p, customer, service, r.cost));
    }
    (facts, currencies)
}

/// (customer, series name as [`per_currency`] gives it) → the series' currency.
pub type Currencies = std::collections::BTreeMap<(String, String), String>;

/// The currency of every series of `rows` (period × customer × service rows), under [`per_currency`]'s names.
pub fn currencies(rows: &[billops_store::CostRow]) -> Currencies {
    let mut out = Currencies::new();
    for (name, r) in names(rows).into_iter().zip(rows) {
        if let Some((customer, service)) = name {
            out.insert((customer, service), r.currency.clone());
        }
    }
    out
}

/// Each row's (customer, series name): `SERVICE [CUR]` when the customer's service has cost in two currencies.
fn names(rows: &[billops_store::CostRow]) -> Vec<Option<(String, String)>> {
    let mut currencies: std::collections::HashMap<(&str, &str), std::collections::BTreeSet<&str>> =
        std::collections::HashMap::new();
    for r in rows {
        if let (Some(c), Some(s)) = (r.keys.get(1), r.keys.get(2)) {
            currencies.entry((c.as_str(), s.as_str())).or_default().insert(r.currency.as_str());
        }
    }
    rows.iter()
        .map(|r| {
            let (customer, service) = (r.keys.get(1)?, r.keys.get(2)?);
            let several = currencies.get(&(customer.as_str(), service.as_str())).is_some_and(|c| c.len() > 1);
            let service = if several { format!("{service} [{}]", r.currency) } else { service.clone() };
            Some((customer.clone(), service))
        })
        .collect()
}

/// Cost facts from rows by period × customer × service (and currency). A customer's service with cost in two
/// currencies is two series, `SERVICE [CUR]`, never added; one in a single currency keeps its name.
pub fn per_currency(rows: Vec<billops_store::CostRow>) -> Vec<CostFact> {
    let names = names(&rows);
    rows.into_iter()
        .zip(names)
        .filter_map(|(r, name)| {
            let p: Period = r.keys.first()?.parse().ok()?;
            let (customer, service) = name?;
            Some((p, customer, service, r.cost))
        })
        .collect()
}

/// Everything an outlook or a budget report is built from.
#[derive(Debug, Clone)]
pub struct Inputs {
    pub frame: Frame,
    pub basis: CostBasis,
    pub facts: Vec<CostFact>,
    pub events: Vec<billops_store::StoredEvent>,
    pub budgets: Vec<billops_store::Budget>,
    pub customers: Vec<billops_store::Customer>,
    /// Each series' currency (a series not named here is in its customer's currency).
    pub currencies: Currencies,
}

/// Load the inputs (`None`: no month of cost data before the clock's month, nothing to forecast from).
pub async fn inputs(
    store: &dyn Store,
    today: chrono::NaiveDate,
    as_of: Option<Period>,
    basis: CostBasis,
) -> Result<Option<Inputs>> {
    let Some(last) = last_actual(store, today, as_of).await? else { return Ok(None) };
    let settings = crate::month::settings::load(store).await?.plan;
    let frame = Frame {
        last_actual: last,
        shown_history: HORIZON,
        horizon: HORIZON,
        fiscal: settings.fiscal,
        warn_pct: settings.warn_pct,
    };
    // Budgets far enough back and ahead for a biennium on either side of the last actual month.
    let from = (0..36).fold(last, |p, _| p.prev());
    let to = (0..48).fold(last, |p, _| p.next());
    // The reads are independent: run together (the store's pool has connections for them), the cost read
    // being the long one.
    let ((facts, currencies), events, budgets, customers) = tokio::try_join!(
        facts(store, last, basis),
        store.forecast_events(None, false),
        store.budgets(None, from, to),
        store.list_customers(),
    )?;
    Ok(Some(Inputs { frame, basis, facts, events, budgets, customers, currencies }))
}

impl Inputs {
    pub fn outlook(&self, scope: &Scope) -> Outlook {
        let codes = codes::codes(&self.customers);
        outlook::build(&self.facts, &self.events, &self.budgets, &codes, &self.frame, scope, self.currency_of())
    }

    /// Each series' currency and each customer's own.
    pub fn currency_of(&self) -> CurrencyOf {
        CurrencyOf::new(self.currencies.clone(), &self.customers)
    }
}

/// Usage volumes for the [`HISTORY_MONTHS`] ending with `last_actual` (the rolling view's volumes).
pub async fn volumes(store: &dyn Store, last_actual: Period) -> Result<Vec<billops_store::UsageVolume>> {
    let from = (1..HISTORY_MONTHS).fold(last_actual, |p, _| p.prev());
    store.usage_volumes(from, last_actual).await
}

/// The whole book's cost fitted once, with what a view of any scope needs: the Forecast pane keeps one per
/// load and computes every drill (total, account code, customer, service) from it. Usage volumes are fitted
/// apart ([`Planned::fit_volumes`]), when the volume view is first asked for: opening the pane pays only the
/// cost fit.
pub struct Planned {
    pub cost: outlook::Fitted,
    pub events: Vec<billops_store::StoredEvent>,
    pub budgets: Vec<billops_store::Budget>,
    pub codes: codes::Codes,
    pub frame: Frame,
}

impl std::fmt::Debug for Planned {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Planned {{ customers: {}, last actual: {} }}", self.cost.customers().count(), self.frame.last_actual)
    }
}

impl Planned {
    /// Fit the book's cost facts once, each series in its currency.
    pub fn fit(
        facts: &[CostFact],
        events: Vec<billops_store::StoredEvent>,
        budgets: Vec<billops_store::Budget>,
        codes: codes::Codes,
        frame: Frame,
        money: CurrencyOf,
    ) -> Planned {
        let cost = outlook::fit(facts, &events, &frame, None, money);
        Planned { cost, events, budgets, codes, frame }
    }

    /// From loaded inputs (moved: nothing is cloned).
    pub fn of(inputs: Inputs) -> Planned {
        let codes = codes::codes(&inputs.customers);
        let money = CurrencyOf::new(inputs.currencies, &inputs.customers);
        Planned::fit(&inputs.facts, inputs.events, inputs.budgets, codes, inputs.frame, money)
    }

    /// Fit the book's usage volumes (read with [`volumes`] up to this fit's last actual month) once, under the
    /// same frame and events.
    pub fn fit_volumes(&self, volumes: &[billops_store::UsageVolume]) -> volume::VolumeBook {
        volume::fit(volumes, &self.events, &self.frame)
    }

    /// The cost outlook of `scope` (no refit).
    pub fn outlook(&self, scope: &Scope) -> Outlook {
        self.cost.outlook(&self.events, &self.budgets, &self.codes, scope)
    }

    /// The volumes of `scope` over the rolling view's months, from a volume fit of this book (no refit).
    pub fn volumes(&self, book: &volume::VolumeBook, scope: &Scope) -> volume::VolumeView {
        let months = outlook::shown_months(&self.frame, self.cost.first_data());
        book.view(&self.codes, scope, &months)
    }
}

/// One method's back-test over a set of series: forecast months k+1..k+3 from months 1..k for every k the
/// method may use, mean absolute percentage error over every scored month.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct BacktestRow {
    pub method: billops_domain::forecast::Method,
    /// Series with enough history for the method.
    pub series: usize,
    /// MAPE in percent (`None`: nothing could be scored).
    pub mape: Option<Decimal>,
}

/// Back-test every method on `series` (each at least the method's minimum history before it is scored).
pub fn backtest(series: &[billops_domain::forecast::Series]) -> Vec<BacktestRow> {
    use billops_domain::forecast::{Method, SEASONAL_MIN_MONTHS, TREND_MIN_MONTHS, backtest as score};
    [(Method::RunRate, 1), (Method::LinearTrend, TREND_MIN_MONTHS), (Method::TrendSeasonal, SEASONAL_MIN_MONTHS)]
        .into_iter()
        .map(|(method, min)| {
            let scored: Vec<Decimal> = series.iter().filter_map(|s| score(s, method, min, 3)).collect();
            let mape = (!scored.is_empty())
                .then(|| (scored.iter().sum::<Decimal>() / Decimal::from(scored.len())).round_dp(2));
            BacktestRow { method, series: scored.len(), mape }
        })
        .collect()
}

/// Each customer's monthly total up to the last actual month, as series for [`backtest`].
pub fn customer_series(facts: &[CostFact], last_actual: Period) -> Vec<billops_domain::forecast::Series> {
    let mut by: std::collections::BTreeMap<&str, Vec<(Period, Decimal)>> = std::collections::BTreeMap::new();
    for (p, c, _, v) in facts.iter().filter(|f| f.0 <= last_actual) {
        by.entry(c.as_str()).or_default().push((*p, *v));
    }
    by.into_values()
        .filter_map(|mut pts| {
            pts.push((last_actual, Decimal::ZERO));
            billops_domain::forecast::Series::from_points(&pts)
        })
        .collect()
}

/// Customers whose cost in `period` reached the warning share of their budget for it: a warning on the close
/// board's variance item (never a blocker: a budget is a plan, not a control).
pub async fn warn_on_board(
    store: &dyn Store,
    period: Period,
    settings: &PlanSettings,
    board: &mut billops_domain::close::CloseBoard,
) -> Result<()> {
    use billops_domain::close::{CheckId, ItemStatus};
    let budgets = store.budgets(None, period, period).await?;
    let budgets: Vec<_> = budgets.into_iter().filter(|b| b.scope == billops_store::BudgetScope::Customer).collect();
    if budgets.is_empty() {
        return Ok(());
    }
    let cost = store.costs(&CostQuery::period(period, vec![Dim::Customer], CostBasis::Billed)).await?;
    let fx = store.fx_table(period).await?;
    let currencies: std::collections::BTreeMap<String, String> =
        store.list_customers().await?.into_iter().map(|c| (c.code, c.currency)).collect();
    let mut lines = Vec::new();
    for b in &budgets {
        if b.amount.is_zero() {
            continue;
        }
        let cur = currencies.get(&b.customer).map_or("", String::as_str);
        let rows = cost.iter().filter(|r| r.keys.first() == Some(&b.customer)).map(|r| (r.currency.as_str(), r.cost));
        let Some(actual) = billops_domain::fx::in_currency(rows, cur, &fx) else { continue };
        lines.extend(budget_line(&b.customer, cur, b.amount, &actual, settings.warn_pct));
    }
    if lines.is_empty() {
        return Ok(());
    }
    if let Some(item) = board.items.iter_mut().find(|i| i.check == CheckId::VariancesExplained) {
        if item.status == ItemStatus::Ok {
            item.status = ItemStatus::Warning;
        }
        item.problems.extend(lines);
    }
    Ok(())
}

/// The board's budget lines for one customer: the budget is in the customer's currency; cost in another is
/// converted only with the period's approved FX rate, and cost without one is named as left out (a warning of
/// its own, whether or not the rest reaches the budget).
pub fn budget_line(
    customer: &str,
    currency: &str,
    budget: Decimal,
    actual: &billops_domain::fx::InCurrency,
    warn_pct: Decimal,
) -> Vec<String> {
    use billops_domain::forecast::fiscal::{Alert, alert};
    let mut out = Vec::new();
    let money = |x: Decimal| format!("{} {currency}", crate::documents::money(x, currency));
    let word = match alert(actual.total, budget, warn_pct) {
        Ok(Some(Alert::Over { pct })) => Some(format!("over budget ({}%)", pct.normalize())),
        Ok(Some(Alert::Near { pct })) => Some(format!("near budget ({}%)", pct.normalize())),
        _ => None,
    };
    if let Some(word) = word {
        out.push(format!("budget: {customer} cost {} is {word} of {}", money(actual.total), money(budget)));
    }
    if let Some(w) = actual.warning(currency) {
        out.push(format!("budget: {customer} cost compared in {currency}; {w}"));
    }
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod currency_tests {
    use super::*;

    #[test]
    fn a_service_billed_in_two_currencies_is_two_series_never_added() {
        let row = |p: &str, c: &str, s: &str, cur: &str, cost: i64| billops_store::CostRow {
            keys: vec![p.into(), c.into(), s.into()],
            currency: cur.into(),
            cost: Decimal::new(cost, 0),
        };
        let rows = vec![
            row("2026-04", "ACME", "EC2", "USD", 10),
            row("2026-05", "ACME", "EC2", "EUR", 7),
            row("2026-05", "ACME", "S3", "USD", 3),
        ];
        let cur = currencies(&rows);
        let named = |s: &str| cur.get(&("ACME".to_string(), s.to_string())).map(String::as_str);
        assert_eq!((named("EC2 [USD]"), named("EC2 [EUR]"), named("S3")), (Some("USD"), Some("EUR"), Some("USD")));
        assert_eq!(split(rows.clone()), (per_currency(rows.clone()), cur.clone()), "one pass gives the same");
        let facts = per_currency(rows);
        let p = |t: &str| t.parse::<Period>().unwrap();
        assert_eq!(
            facts,
            vec![
                (p("2026-04"), "ACME".into(), "EC2 [USD]".into(), Decimal::new(10, 0)),
                (p("2026-05"), "ACME".into(), "EC2 [EUR]".into(), Decimal::new(7, 0)),
                (p("2026-05"), "ACME".into(), "S3".into(), Decimal::new(3, 0)),
            ]
        );
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod budget_tests {
    use billops_domain::Period;
    use billops_domain::fx::{FxTable, FxUsed, Pair, in_currency};
    use rust_decimal::Decimal;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    #[test]
    fn a_budget_compares_in_the_customers_currency_and_names_what_it_left_out() {
        let period: Period = "2026-03".parse().unwrap();
        let rows = [("USD", d("95")), ("EUR", d("40"))];
        let got = in_currency(rows, "USD", &FxTable::new(period, [])).unwrap();
        let lines = super::budget_line("ACME", "USD", d("100"), &got, d("90"));
        assert_eq!(
            lines,
            vec![
                "budget: ACME cost 95.00 USD is near budget (95%) of 100.00 USD".to_string(),
                "budget: ACME cost compared in USD; not converted, left out: 40 EUR (no approved EUR→USD rate)".into(),
            ]
        );
        let rate = FxUsed {
            pair: Pair::new("EUR", "USD").unwrap(),
            rate: d("1.1"),
            source: "ECB".into(),
            date: period.start(),
        };
        let got = in_currency(rows, "USD", &FxTable::new(period, [rate])).unwrap();
        let lines = super::budget_line("ACME", "USD", d("100"), &got, d("90"));
        assert_eq!(lines, vec!["budget: ACME cost 139.00 USD is over budget (139%) of 100.00 USD".to_string()]);
    }
}
