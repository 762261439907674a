//! The Funding pane's screens and what its keys do: the pipeline and the due-soon list (`v` switches),
//! Enter opens an application (amounts, dates, history), Esc goes back; `u` submit, `e` the next step
//! (status, stage, amounts, projects, dates), `o` the opportunity's state — each a typed form.
use billops_domain::funding::OpportunityState;
use billops_domain::money::canonical;
use crate::console::table::fmt_money_in;
use billops_store::FundingRecord;

use crate::console::action::Effect;
use crate::console::input::{Complete, Field, Form, FormKind};
use crate::console::keys::Cmd;
use crate::console::pane::{KeyScope, PaneId};
use crate::console::state::{Mode, State, ViewKey};

use super::form::{FundingForm, STEPS, suggested};

pub const PIPELINE: &str = "pipeline";
pub const DUE: &str = "due";
pub const DETAIL: &str = "detail";

const LIST: &[Cmd] =
    &[Cmd::Open, Cmd::SwitchView, Cmd::FundingAdd, Cmd::FundingSubmit, Cmd::FundingStep, Cmd::FundingOpportunity];
const ONE: &[Cmd] = &[Cmd::Open, Cmd::Back, Cmd::FundingSubmit, Cmd::FundingStep, Cmd::FundingOpportunity];

pub const SCOPES: &[KeyScope] = &[
    KeyScope { screen: PIPELINE, cmds: LIST },
    KeyScope { screen: DUE, cmds: LIST },
    KeyScope { screen: DETAIL, cmds: ONE },
];

pub const VIEWS: [ViewKey; 2] = [ViewKey::Funding, ViewKey::FundingDue];

/// The list shown: the detail's history, else the pipeline or the due-soon list.
pub fn current_view(s: &State) -> ViewKey {
    if s.panes.funding.detail.is_some() {
        return ViewKey::FundingHistory;
    }
    s.pane_view.get(&PaneId::Funding).copied().unwrap_or(ViewKey::Funding)
}

pub fn screen(s: &State) -> &'static str {
    match current_view(s) {
        ViewKey::FundingHistory => DETAIL,
        ViewKey::FundingDue => DUE,
        _ => PIPELINE,
    }
}

pub fn switch_view(s: &mut State) {
    let cur = current_view(s);
    let i = VIEWS.iter().position(|v| *v == cur).unwrap_or(0);
    s.pane_view.insert(PaneId::Funding, VIEWS[(i + 1) % VIEWS.len()]);
}

/// The application the keys act on: the open one, else the selected row (due rows are `ID:kind`).
pub fn selected(s: &State) -> Option<FundingRecord> {
    let id = match s.panes.funding.detail {
        Some(id) => id,
        None => {
            let row = s.selected_id(current_view(s))?;
            row.split(':').next()?.parse::<i64>().ok()?
        }
    };
    s.panes.funding.find(id).cloned()
}

pub fn open(s: &mut State) -> Vec<Effect> {
    let Some(f) = selected(s) else {
        s.warn("no funding application selected");
        return Vec::new();
    };
    s.set_model(ViewKey::FundingHistory, super::view::history(&f));
    s.panes.funding.detail = Some(f.id);
    s.panes.funding.whole = Default::default();
    Vec::new()
}

/// Esc: the whole record first, then the application.
pub fn back(s: &mut State) -> Vec<Effect> {
    if !s.panes.funding.whole.close() {
        s.panes.funding.detail = None;
    }
    Vec::new()
}

fn chosen(s: &mut State) -> Option<FundingRecord> {
    if let Some(why) = s.write_refusal() {
        s.warn(why);
        return None;
    }
    let f = selected(s);
    if f.is_none() {
        s.warn("no funding application selected");
    }
    f
}

/// `u`: release the application. Said at once when its opportunity is not approved (the store refuses too).
pub fn submit(s: &mut State) -> Vec<Effect> {
    let Some(f) = chosen(s) else { return Vec::new() };
    if f.opportunity_state != OpportunityState::Approved {
        s.error(format!(
            "application {} cannot be submitted: opportunity {} is {} (o records its validation)",
            f.id, f.app.input.opportunity, f.opportunity_state
        ));
        return Vec::new();
    }
    let a = &f.app;
    let title = format!(
        "submit application {}: {} {} {} for {} (opportunity {})",
        f.id,
        a.input.program,
        fmt_money_in(a.input.requested, &a.input.currency),
        a.input.currency,
        a.input.customer,
        a.input.opportunity
    );
    let kind = FormKind::Funding(FundingForm::Submit { id: f.id, version: a.version });
    s.mode = Mode::Form(Form::new(kind, title, vec![Field::new("why", "", Complete::None)]));
    Vec::new()
}

/// `e`: the next step, prefilled with the usual one (and its amount); dates only change what is given.
pub fn step(s: &mut State) -> Vec<Effect> {
    let Some(f) = chosen(s) else { return Vec::new() };
    let (step, amount) = suggested(&f);
    let a = &f.app;
    let title = format!(
        "application {} ({} / {}): step is one of {}",
        f.id,
        a.stage,
        a.status,
        STEPS.join(" ")
    );
    let kind = FormKind::Funding(FundingForm::Step { id: f.id, version: a.version, currency: a.input.currency.clone() });
    let fields = vec![
        Field::new("step", step, Complete::Choice(STEPS)),
        Field::new("amount", &amount.map(canonical).unwrap_or_default(), Complete::None),
        Field::new("projects", "", Complete::None),
        Field::new("submit by", "", Complete::None),
        Field::new("project start", "", Complete::None),
        Field::new("project end", "", Complete::None),
        Field::new("claim due", "", Complete::None),
        Field::new("why", "", Complete::None),
    ];
    s.mode = Mode::Form(Form::new(kind, title, fields));
    Vec::new()
}

/// `o`: the selected application's opportunity: its validation state as the partner reports it.
pub fn opportunity(s: &mut State) -> Vec<Effect> {
    let Some(f) = chosen(s) else { return Vec::new() };
    let id = f.app.input.opportunity.clone();
    let title = format!("opportunity {id} (now {}): pending, approved, rejected or expired", f.opportunity_state);
    let next = if f.opportunity_state == OpportunityState::Pending { "approved" } else { "" };
    let kind = FormKind::Funding(FundingForm::Opportunity { id });
    s.mode = Mode::Form(Form::new(kind, title, vec![Field::new("state", next, Complete::Choice(super::form::OPPORTUNITY_STATES))]));
    Vec::new()
}

/// `n`: a new application (its opportunity is recorded as pending when billops has not seen it).
pub fn add(s: &mut State) -> Vec<Effect> {
    if let Some(why) = s.write_refusal() {
        s.warn(why);
        return Vec::new();
    }
    let fields = vec![
        Field::new("customer", "", Complete::Customers),
        Field::new("programme", "MAP", Complete::None),
        Field::new("amount", "", Complete::None),
        Field::new("currency", "", Complete::None),
        Field::new("opportunity", "", Complete::None),
        Field::new("fulfilment", "credits", Complete::None),
        Field::new("submit by", "", Complete::None),
        Field::new("claim due", "", Complete::None),
    ];
    let title = "new funding application (currency: the customer's when left empty)";
    s.mode = Mode::Form(Form::new(FormKind::Funding(FundingForm::Add), title, fields));
    Vec::new()
}
