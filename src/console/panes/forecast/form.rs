//! The Forecast pane's forms: a forecast event for the scope, a month's budget. Each field is checked here
//! (the store checks again), then turned into a write.
use billops_domain::Period;
use billops_domain::forecast::events::{Change, EventKind, ForecastEvent};
use billops_domain::money::parse_typed_number;
use billops_store::{BudgetScope, NewBudget};
use rust_decimal::Decimal;

use super::io::Write;
use crate::console::action::{Effect, PaneWrite};
use crate::console::input::{Complete, Field, FieldError, Form, FormKind};
use crate::console::panes::write;
use crate::console::state::{Mode, State};

/// What a Forecast form submits; the scope is captured when the form opens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ForecastForm {
    Event { customer: Option<String> },
    Budget { customer: String, service: Option<String> },
    /// A `code:CODE` budget, recorded under `customer` (the first customer carrying the code; see
    /// `plan::codes`: every customer's `code:CODE` rows count for the code).
    CodeBudget { code: String, customer: String },
}

pub type Kind = ForecastForm;

pub fn refusal(s: &State, _k: &Kind) -> Option<String> {
    s.write_refusal()
}

pub fn submit(s: &mut State, k: &Kind, f: &Form) -> Result<Vec<Effect>, FieldError> {
    let w = read(k, f, s.now)?;
    Ok(write(s, PaneWrite::Forecast(w)))
}

/// The month after the last actual one (where a forecast starts), for defaults.
fn first_forecast_month(s: &State) -> String {
    match s.panes.forecast.data.ready() {
        Some(Some(p)) => p.frame.last_actual.next().to_string(),
        _ => Period::of_date(s.today()).to_string(),
    }
}

pub fn open_event(s: &mut State) {
    if let Some(why) = s.write_refusal() {
        s.warn(why);
        return;
    }
    let scope = s.panes.forecast.scope.clone();
    if scope.customer.is_none() && scope.code.is_some() {
        s.info("an event is for one customer or every customer: choose a customer (Enter), or Esc to the top");
        return;
    }
    let whom = scope.customer.clone().unwrap_or_else(|| "every customer".into());
    let fields = vec![
        Field::new("kind (decommission, capacity, technology)", "capacity", Complete::None).named("kind"),
        Field::new("from (YYYY-MM)", &first_forecast_month(s), Complete::None).named("from"),
        Field::new("service (capacity: empty = all)", scope.service.as_deref().unwrap_or_default(), Complete::None)
            .named("service"),
        Field::new("change (capacity: -20% or +500; technology: % moved)", "", Complete::None).named("change"),
        Field::new("to service (technology)", "", Complete::None).named("to"),
        Field::new("note", "", Complete::None),
    ];
    let title = format!("forecast event for {whom}");
    s.mode = Mode::Form(Form::new(FormKind::Forecast(ForecastForm::Event { customer: scope.customer }), title, fields));
}

pub fn open_budget(s: &mut State) {
    if let Some(why) = s.write_refusal() {
        s.warn(why);
        return;
    }
    let scope = s.panes.forecast.scope.clone();
    let fields = vec![
        Field::new("month (YYYY-MM)", &first_forecast_month(s), Complete::None).named("month"),
        Field::new("amount", "", Complete::None),
    ];
    let (kind, title) = match (scope.customer.clone(), scope.code.clone()) {
        (Some(customer), _) => (
            ForecastForm::Budget { customer, service: scope.service.clone() },
            format!("budget for {}", scope.label()),
        ),
        (None, Some(code)) => {
            let holder = match s.panes.forecast.data.ready() {
                Some(Some(p)) => crate::plan::codes::holder(&p.codes, &code).map(str::to_string),
                _ => None,
            };
            let Some(customer) = holder else {
                s.info(format!("{code}: no customer carries this account code, so it takes no code budget"));
                return;
            };
            (ForecastForm::CodeBudget { code: code.clone(), customer }, format!("budget for account code {code}"))
        }
        (None, None) => {
            s.info("choose a customer or an account code first (Enter; c: account codes)");
            return;
        }
    };
    s.mode = Mode::Form(Form::new(FormKind::Forecast(kind), title, fields));
}

fn month(form: &Form, name: &'static str) -> Result<Period, FieldError> {
    form.get(name).trim().parse().map_err(|_| FieldError::at(name, "a month as YYYY-MM"))
}

fn number(text: &str, name: &'static str) -> Result<Decimal, FieldError> {
    let t = text.trim().trim_end_matches('%');
    parse_typed_number(t).map_err(|_| FieldError::at(name, "a number (e.g. -20% or +500)"))
}

/// The write a filled form asks for (each field checked, by name).
pub fn read(k: &ForecastForm, form: &Form, now: chrono::DateTime<chrono::Utc>) -> Result<Write, FieldError> {
    let v = |name: &str| form.get(name).trim().to_string();
    match k {
        ForecastForm::Event { customer } => {
            let from = month(form, "from")?;
            let service = v("service");
            let kind = match v("kind").to_ascii_lowercase().as_str() {
                "decommission" => {
                    if service.is_empty() {
                        return Err(FieldError::at("service", "the service decommissioned"));
                    }
                    EventKind::Decommission { service }
                }
                "capacity" => {
                    let text = v("change");
                    if text.is_empty() {
                        return Err(FieldError::at("change", "-20% (percent) or +500 (per month)"));
                    }
                    let n = number(&text, "change")?;
                    let change = if text.ends_with('%') { Change::Percent { pct: n } } else { Change::Amount { amount: n } };
                    EventKind::Capacity { service: Some(service).filter(|s| !s.is_empty()), change }
                }
                "technology" => {
                    let to = v("to");
                    if service.is_empty() || to.is_empty() {
                        return Err(FieldError::at(if service.is_empty() { "service" } else { "to" }, "both services"));
                    }
                    EventKind::Technology { from_service: service, to_service: to, ratio: number(&v("change"), "change")? }
                }
                _ => return Err(FieldError::at("kind", "decommission, capacity or technology")),
            };
            // The store records who; the domain checks the event's own rules (a cut beyond 100 %, …).
            let event = ForecastEvent::new(from, kind, "", now, &v("note")).map_err(|e| {
                let text = e.to_string();
                FieldError::at(if text.contains("names its service") { "service" } else { "change" }, text)
            })?;
            Ok(Write::Event { customer: customer.clone(), event })
        }
        ForecastForm::Budget { customer, service } => {
            let scope = match service {
                Some(s) => BudgetScope::Service(s.clone()),
                None => BudgetScope::Customer,
            };
            budget(form, customer, scope)
        }
        ForecastForm::CodeBudget { code, customer } => budget(form, customer, BudgetScope::AccountCode(code.clone())),
    }
}

fn budget(form: &Form, customer: &str, scope: BudgetScope) -> Result<Write, FieldError> {
    let period = month(form, "month")?;
    let amount = parse_typed_number(form.get("amount").trim())
        .ok()
        .filter(|a| !a.is_sign_negative())
        .ok_or_else(|| FieldError::at("amount", "an amount, zero or more"))?;
    Ok(Write::Budget(NewBudget { customer: customer.to_string(), scope, period, amount }))
}
