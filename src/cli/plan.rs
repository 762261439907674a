//! `billops forecast` and `billops forecast event …` (budgets and the budget report: `budget.rs`).
//!
//! Forecast amounts are shown rounded to the cent (half to even, the display rule; the computation keeps six
//! places); actuals are the exact sums of the imported cost.

use billops_domain::CostBasis;
use billops_domain::forecast::events::{Change, EventKind, ForecastEvent};
use rust_decimal::Decimal;

use super::month::{period, print, today};
use super::output::{OutputFormat, Table};
use super::{Ctx, Failure};
use crate::plan::report::By;
use crate::plan::{Inputs, Scope, alert_text};

/// The forecast rules and the command's forms, said once under its options in `--help` (the subcommand's one
/// line is its doc comment in `args.rs`).
const FORECAST_HELP: &str = "The 18-month rolling view: the last 18 months of actual cost and 18 months of forecast \
with a band, the budget and its alerts. Each customer × service is forecast from its own monthly history (24+ \
months: trend with seasonality; 6-23: linear trend; fewer: flat run-rate of the last 3), then adjusted by the \
forecast events in force; the method and why are printed. History ends at the newest month with data before \
this month (or --as-of).

Forms:
  billops forecast [CUSTOMER [--service S]]       cost by month (actual, forecast, band, budget, alert)
  billops forecast [CUSTOMER] --rows              the level below: customers, or the customer's services
  billops forecast --by code [--rows]             every account code (customers without one: (no code))
  billops forecast --code CODE [--rows]           one account code's customers
  billops forecast ... --volume [--rows]          usage volume instead of cost: one line per unit (Hrs, GB-Mo, ...),
                                                  units never added; `partial` marks months where some rows had
                                                  no quantity
  billops forecast [CUSTOMER] --backtest          score each method on this store's history
All with --format table|csv|json (csv and json: every digit).

Currencies are never added: a customer's service billed in two currencies is two series (`SERVICE [CUR]`), every
line carries its currency, a customer billed in two currencies is a row per currency, and a scope's total is one
per currency (the months: one run per currency; --rows: a `total` row per currency after the rows). A budget
counts in its customer's currency (a `code:CODE` budget: the currency of the customer it is recorded under).";

#[derive(Debug, clap::Args)]
#[command(after_help = FORECAST_HELP, args_conflicts_with_subcommands = true)]
pub struct ForecastArgs {
    #[command(subcommand)]
    event: Option<ForecastCmd>,
    /// One customer (default: every customer).
    customer: Option<String>,
    /// One service of the customer.
    #[arg(long, requires = "customer")]
    service: Option<String>,
    /// The top level: customers (default) or account codes (their budgets: a code's own, else its customers').
    #[arg(long, value_enum, default_value_t, conflicts_with_all = ["customer", "code"])]
    by: By,
    /// One account code's customers (`(no code)`: the customers without one).
    #[arg(long, value_name = "CODE", conflicts_with = "customer")]
    code: Option<String>,
    /// Usage volume per unit instead of cost (units are never added to each other).
    #[arg(long)]
    volume: bool,
    /// The last actual month (default: the newest month with data before this month).
    #[arg(long, value_name = "YYYY-MM")]
    as_of: Option<String>,
    /// Cost basis of the history: billed, effective or list.
    #[arg(long, default_value = "billed")]
    basis: String,
    /// The level below instead of the months: customers, or the customer's services.
    #[arg(long)]
    rows: bool,
    /// Score each method on this store's history instead (per customer's monthly total: forecast months
    /// k+1..k+3 from 1..k, mean absolute percentage error), so a method is chosen on evidence.
    #[arg(long, conflicts_with_all = ["rows", "service", "volume", "code", "by"])]
    backtest: bool,
    #[arg(long, value_enum, default_value_t)]
    format: OutputFormat,
}

#[derive(Debug, clap::Subcommand)]
pub enum ForecastCmd {
    /// Forecast events: decommission, capacity change, technology change (recorded with who and when).
    #[command(subcommand)]
    Event(EventCmd),
}

#[derive(Debug, clap::Subcommand)]
pub enum EventCmd {
    /// The service costs nothing from the month on.
    Decommission {
        service: String,
        #[arg(long, value_name = "YYYY-MM")]
        from: String,
        /// The customer (default: every customer).
        #[arg(long)]
        customer: Option<String>,
        #[arg(long, default_value = "")]
        note: String,
    },
    /// Grow or shrink from the month on: --pct -20 (a 20% cut) or --amount 500 (per month, one service).
    Capacity {
        #[arg(long, value_name = "YYYY-MM")]
        from: String,
        #[arg(long, allow_hyphen_values = true, conflicts_with = "amount", required_unless_present = "amount")]
        pct: Option<String>,
        #[arg(long, allow_hyphen_values = true)]
        amount: Option<String>,
        /// The service (default: every service; an --amount names one).
        #[arg(long)]
        service: Option<String>,
        #[arg(long)]
        customer: Option<String>,
        #[arg(long, default_value = "")]
        note: String,
    },
    /// Move --ratio percent of one service's cost to another from the month on.
    Technology {
        from_service: String,
        to_service: String,
        #[arg(long)]
        ratio: String,
        #[arg(long, value_name = "YYYY-MM")]
        from: String,
        #[arg(long)]
        customer: Option<String>,
        #[arg(long, default_value = "")]
        note: String,
    },
    /// The events in force (--all: retired ones too).
    List {
        #[arg(long)]
        customer: Option<String>,
        #[arg(long)]
        all: bool,
        #[arg(long, value_enum, default_value_t)]
        format: OutputFormat,
    },
    /// Retire an event (it stops adjusting forecasts; the record stays).
    Retire { id: i64 },
}

fn money(d: Decimal) -> String {
    d.round_dp(2).to_string()
}

/// Table: to the cent (display); csv and json: every digit (actuals are exact sums, forecasts six places).
pub(super) fn shown(format: OutputFormat) -> fn(Decimal) -> String {
    match format {
        OutputFormat::Table => money,
        _ => |d: Decimal| d.normalize().to_string(),
    }
}

pub(super) async fn load(ctx: &Ctx, as_of: Option<&str>, basis: &str) -> Result<Inputs, Failure> {
    let basis: CostBasis = basis.parse().map_err(|e| Failure::user(format!("--basis: {e}")))?;
    let as_of = as_of.map(period).transpose()?;
    crate::plan::inputs(ctx.store.as_ref(), today(), as_of, basis)
        .await?
        .ok_or_else(|| Failure::new(1, "no month of cost data before this month: nothing to forecast from (--as-of)"))
}

pub async fn forecast(ctx: &Ctx, a: ForecastArgs) -> Result<u8, Failure> {
    if let Some(ForecastCmd::Event(e)) = a.event {
        return event(ctx, e).await;
    }
    let inputs = load(ctx, a.as_of.as_deref(), &a.basis).await?;
    if let Some(c) = &a.customer {
        ctx.store.customer(c).await?;
    }
    if a.backtest {
        let facts: Vec<_> =
            inputs.facts.iter().filter(|f| a.customer.as_ref().is_none_or(|c| *c == f.1)).cloned().collect();
        let series = crate::plan::customer_series(&facts, inputs.frame.last_actual);
        let mut t = Table::new(&["method", "series_scored", "mape_pct"]).numeric("series_scored").numeric("mape_pct");
        for r in crate::plan::backtest(&series) {
            t.push(vec![
                r.method.name().into(),
                r.series.to_string(),
                r.mape.map(|m| m.to_string()).unwrap_or_else(|| "-".into()),
            ]);
        }
        print(&t, a.format)?;
        if a.format == OutputFormat::Table {
            let longest = series.iter().map(|s| s.values.len()).max().unwrap_or(0);
            outln!(
                "{} customer series, longest {longest} months, last actual {}",
                series.len(),
                inputs.frame.last_actual
            )?;
        }
        return Ok(0);
    }
    let codes = crate::plan::codes::codes(&inputs.customers);
    if let Some(code) = &a.code
        && code != crate::plan::codes::NO_CODE
        && !codes.values().any(|c| c == code)
    {
        return Err(Failure::user(format!("--code {code:?}: no customer carries this account code")));
    }
    let scope = Scope {
        customer: a.customer.clone(),
        service: a.service.clone(),
        code: a.code.clone(),
        by_code: a.by == By::Code,
    };
    let level = match (&scope.customer, &scope.code) {
        (Some(_), _) => "service",
        (None, None) if scope.by_code => "account_code",
        _ => "customer",
    };
    if a.volume {
        return volume(ctx, &inputs, &codes, &scope, level, a.rows, a.format).await;
    }
    let o = inputs.outlook(&scope);
    let money = shown(a.format);
    let opt = |d: Option<Decimal>| d.map(money).unwrap_or_default();
    if a.rows {
        let mut t = Table::new(&[
            level,
            "currency",
            "last_actual",
            "next_month",
            "next_18",
            "fy_outlook",
            "fy_budget",
            "alert",
            "method",
        ])
        .numeric("last_actual")
        .numeric("next_month")
        .numeric("next_18")
        .numeric("fy_outlook")
        .numeric("fy_budget");
        for c in &o.children {
            t.push(vec![
                c.key.clone(),
                c.currency.clone(),
                money(c.last_actual),
                money(c.next_month),
                money(c.horizon_total),
                money(c.fy_outlook),
                opt(c.fy_budget),
                alert_text(c.alert),
                c.method.clone(),
            ]);
        }
        // The scope's total per currency (the rows above summed in that currency only).
        for total in o.totals.iter().map(|t| t.as_child(o.last_actual)) {
            t.push(vec![
                total.key,
                total.currency,
                money(total.last_actual),
                money(total.next_month),
                money(total.horizon_total),
                money(total.fy_outlook),
                opt(total.fy_budget),
                alert_text(total.alert),
                total.method,
            ]);
        }
        return print(&t, a.format);
    }
    let mut t = Table::new(&["period", "currency", "kind", "amount", "low", "high", "budget", "alert"])
        .numeric("amount")
        .numeric("low")
        .numeric("high")
        .numeric("budget");
    for total in &o.totals {
        for m in &total.months {
            let (kind, amount, low, high) = match (m.actual, m.forecast) {
                (Some(v), _) => ("actual", money(v), String::new(), String::new()),
                (None, Some(p)) => ("forecast", money(p.value), money(p.low), money(p.high)),
                (None, None) => ("forecast", money(Decimal::ZERO), String::new(), String::new()),
            };
            t.push(vec![
                m.period.to_string(),
                total.currency.clone(),
                kind.into(),
                amount,
                low,
                high,
                opt(m.budget),
                alert_text(m.alert),
            ]);
        }
    }
    print(&t, a.format)?;
    if a.format == OutputFormat::Table {
        outln!("{}: basis {}, last actual {}", o.scope.label(), inputs.basis, o.last_actual)?;
        if o.totals.len() > 1 {
            let names: Vec<&str> = o.totals.iter().map(|t| t.currency.as_str()).collect();
            outln!("{} currencies, never added: one total each ({})", o.totals.len(), names.join(", "))?;
        }
        for total in &o.totals {
            let cur = &total.currency;
            outln!("{cur}: {}; why: {}", total.method, total.why)?;
            let budget = total.fy_budget.map(|b| format!(", budget {} {cur}", money(b))).unwrap_or_default();
            let alert = match alert_text(total.fy_alert) {
                a if a.is_empty() => a,
                a => format!(" {a}"),
            };
            outln!("{cur}: FY{} outlook {} {cur}{budget}{alert}", o.fiscal_year, money(total.fy_outlook))?;
        }
        for e in &o.events {
            outln!("event {}: {}", e.id, e.event.label())?;
        }
    }
    Ok(0)
}

/// `--volume`: usage volume per unit over the rolling view's months (or the level below with `--rows`), from
/// the same fit as the Forecast pane's `u`. Quantities are exact in csv and json, to two places in the table.
async fn volume(
    ctx: &Ctx,
    inputs: &Inputs,
    codes: &crate::plan::codes::Codes,
    scope: &Scope,
    level: &str,
    rows: bool,
    format: OutputFormat,
) -> Result<u8, Failure> {
    let frame = &inputs.frame;
    let volumes = crate::plan::volumes(ctx.store.as_ref(), frame.last_actual).await?;
    let book = crate::plan::volume::fit(&volumes, &inputs.events, frame);
    let months = crate::plan::outlook::shown_months(frame, inputs.facts.iter().map(|f| f.0).min());
    let v = book.view(codes, scope, &months);
    let qty = shown(format);
    let partial = |p: bool| if p { "partial".to_string() } else { String::new() };
    let t = if rows {
        let mut t = Table::new(&[level, "unit", "last_actual", "next_month", "next_18", "complete"])
            .numeric("last_actual")
            .numeric("next_month")
            .numeric("next_18");
        for r in &v.children {
            t.push(vec![
                r.key.clone(),
                r.unit.clone(),
                qty(r.last_actual),
                qty(r.next_month),
                qty(r.horizon_total),
                partial(r.partial),
            ]);
        }
        t
    } else {
        let mut t = Table::new(&["period", "kind", "unit", "quantity", "low", "high", "complete"])
            .numeric("quantity")
            .numeric("low")
            .numeric("high");
        for u in &v.units {
            for m in &u.months {
                let (kind, low, high) = match (m.actual, m.forecast) {
                    (Some(_), _) => ("actual", String::new(), String::new()),
                    (None, Some(p)) => ("forecast", qty(p.low), qty(p.high)),
                    (None, None) => ("forecast", String::new(), String::new()),
                };
                t.push(vec![
                    m.period.to_string(),
                    kind.into(),
                    u.unit.clone(),
                    qty(m.amount()),
                    low,
                    high,
                    partial(m.partial),
                ]);
            }
        }
        t
    };
    print(&t, format)?;
    if format == OutputFormat::Table {
        let units: Vec<&str> = v.units.iter().map(|u| u.unit.as_str()).collect();
        let units = if units.is_empty() { "no usage quantities".to_string() } else { units.join(", ") };
        outln!(
            "{}: usage volume per unit (units are never added: {units}), last actual {}",
            scope.label(),
            v.last_actual
        )?;
        outln!("partial: some rows of that month had no quantity; forecast per service by the cost methods")?;
    }
    Ok(0)
}

pub(super) fn exact(what: &str, t: &str) -> Result<Decimal, Failure> {
    billops_domain::parse_decimal(t).map_err(|e| Failure::user(format!("{what} {t:?}: {e}")))
}

async fn event(ctx: &Ctx, c: EventCmd) -> Result<u8, Failure> {
    let by = ctx.actor();
    let record = |from: &str, kind: EventKind, note: &str| -> Result<ForecastEvent, Failure> {
        ForecastEvent::new(period(from)?, kind, &by.name, by.at, note).map_err(|e| Failure::user(e.to_string()))
    };
    let (customer, ev) = match c {
        EventCmd::Decommission { service, from, customer, note } => {
            (customer, record(&from, EventKind::Decommission { service }, &note)?)
        }
        EventCmd::Capacity { from, pct, amount, service, customer, note } => {
            let change = match (pct, amount) {
                (Some(p), _) => Change::Percent { pct: exact("--pct", p.trim_end_matches('%'))? },
                (None, Some(a)) => Change::Amount { amount: exact("--amount", &a)? },
                (None, None) => return Err(Failure::user("capacity: --pct or --amount")),
            };
            (customer, record(&from, EventKind::Capacity { service, change }, &note)?)
        }
        EventCmd::Technology { from_service, to_service, ratio, from, customer, note } => {
            let ratio = exact("--ratio", ratio.trim_end_matches('%'))?;
            (customer, record(&from, EventKind::Technology { from_service, to_service, ratio }, &note)?)
        }
        EventCmd::List { customer, all, format } => {
            let mut t = Table::new(&["id", "customer", "from", "event", "note", "by", "at", "retired"]);
            for e in ctx.store.forecast_events(customer.as_deref(), all).await? {
                t.push(vec![
                    e.id.to_string(),
                    e.customer.clone().unwrap_or_else(|| "(all)".into()),
                    e.event.from.to_string(),
                    e.event.label(),
                    e.event.note.clone(),
                    e.event.by.clone(),
                    e.event.at.format("%Y-%m-%d %H:%M").to_string(),
                    e.retired.map(|(b, at)| format!("{b} {}", at.format("%Y-%m-%d %H:%M"))).unwrap_or_default(),
                ]);
            }
            return print(&t, format);
        }
        EventCmd::Retire { id } => {
            let e = ctx.store.retire_forecast_event(id, &by).await?;
            outln!("forecast event {id} retired: {}", e.event.label())?;
            return Ok(0);
        }
    };
    let stored = ctx.store.add_forecast_event(customer.as_deref(), &ev, &by).await?;
    let whom = stored.customer.clone().unwrap_or_else(|| "every customer".into());
    outln!("forecast event {} recorded for {whom}: {}", stored.id, stored.event.label())?;
    Ok(0)
}
