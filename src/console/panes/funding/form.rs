//! The Funding pane's forms: each field checked (typed amounts in the application's currency, ISO dates,
//! one step name of a closed list), then turned into a write. The store runs the domain's transition again.
use billops_domain::funding::{Fulfilment, FundingDates, FundingInput, OpportunityState, Stage, Status};
use billops_domain::money::parse_typed_amount;
use billops_domain::text::{FreeText, Name};
use billops_store::{FundingChange, FundingRecord};
use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::console::action::Effect;
use crate::console::input::{FieldError, Form};
use crate::console::pane::PaneWrite;
use crate::console::panes::write;
use crate::console::state::State;

use super::io::Write;

/// What a Funding form submits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FundingForm {
    /// Release to the programme (the version shown).
    Submit { id: i64, version: u32 },
    /// Any other transition or the dates (`step` names which).
    Step { id: i64, version: u32, currency: String },
    /// The opportunity's validation state.
    Opportunity { id: String },
    /// A new application.
    Add,
}

/// The step names the `step` field takes (the CLI's `funding update` actions).
pub const STEPS: &[&str] = &[
    "action-required",
    "resubmit",
    "approve",
    "reject",
    "cancel",
    "claim",
    "claim-approved",
    "paid",
    "assign",
    "dates",
];

pub const OPPORTUNITY_STATES: &[&str] = &["pending", "approved", "rejected", "expired"];

/// The step an application usually takes next, and the amount that step usually carries.
pub fn suggested(f: &FundingRecord) -> (&'static str, Option<Decimal>) {
    let a = &f.app;
    match (a.stage, a.status) {
        (Stage::Submitted, Status::ActionRequired) => ("resubmit", None),
        (Stage::Submitted, _) => ("approve", Some(a.input.requested)),
        (Stage::Approved, _) => ("claim", a.approved),
        (Stage::ClaimSubmitted, _) => ("claim-approved", None),
        (Stage::ClaimApproved, _) => ("paid", a.claimed),
        (Stage::Paid, _) => ("assign", None),
        _ => ("dates", None),
    }
}

fn why(form: &Form) -> Result<String, FieldError> {
    FreeText::new("why", &form.get("why")).map(FreeText::into_string).map_err(|e| FieldError::at("why", e.to_string()))
}

fn amount(form: &Form, currency: &str) -> Result<Decimal, FieldError> {
    let t = form.get("amount");
    if t.is_empty() {
        return Err(FieldError::at("amount", "amount: required for this step"));
    }
    parse_typed_amount(&t, currency).map_err(|e| FieldError::at("amount", format!("amount {e}")))
}

fn date(form: &Form, name: &'static str) -> Result<Option<NaiveDate>, FieldError> {
    let t = form.get(name);
    if t.is_empty() {
        return Ok(None);
    }
    NaiveDate::parse_from_str(&t, "%Y-%m-%d")
        .map(Some)
        .map_err(|_| FieldError::at(name, format!("{name}: {t:?} is not a date (YYYY-MM-DD)")))
}

/// `NAME=AMOUNT, NAME=AMOUNT`: the customer projects and what each gets.
pub fn projects(text: &str, currency: &str) -> Result<Vec<(String, Decimal)>, FieldError> {
    let bad = |m: String| FieldError::at("projects", m);
    let mut out = Vec::new();
    for part in text.split([',', ';']).map(str::trim).filter(|p| !p.is_empty()) {
        let (name, a) = part.split_once('=').ok_or_else(|| bad(format!("projects: {part:?} is not NAME=AMOUNT")))?;
        let name = Name::new("project", name.trim()).map_err(|e| bad(format!("projects: {e}")))?;
        let a = parse_typed_amount(a, currency).map_err(|e| bad(format!("projects: {} {e}", name.as_str())))?;
        out.push((name.into_string(), a));
    }
    if out.is_empty() {
        return Err(bad("projects: at least one NAME=AMOUNT".into()));
    }
    Ok(out)
}

fn change(form: &Form, currency: &str) -> Result<FundingChange, FieldError> {
    let step = form.get("step").to_ascii_lowercase().replace([' ', '_'], "-");
    Ok(match step.as_str() {
        "action-required" => FundingChange::ActionRequired,
        "resubmit" => FundingChange::Resubmit,
        "approve" => FundingChange::Approve { amount: amount(form, currency)? },
        "reject" => FundingChange::Reject,
        "cancel" => FundingChange::Cancel,
        "claim" => FundingChange::Claim { amount: amount(form, currency)? },
        "claim-approved" => FundingChange::ApproveClaim,
        "paid" => FundingChange::Paid { amount: amount(form, currency)? },
        "assign" => FundingChange::Assign { parts: projects(&form.get("projects"), currency)? },
        "dates" => {
            let dates = FundingDates {
                submit_by: date(form, "submit by")?,
                project_start: date(form, "project start")?,
                project_end: date(form, "project end")?,
                claim_due: date(form, "claim due")?,
            };
            if dates == FundingDates::default() {
                return Err(FieldError::at("claim due", "dates: give at least one date"));
            }
            FundingChange::Dates { dates }
        }
        other => {
            return Err(FieldError::at("step", format!("step: {other:?} is not one of {}", STEPS.join(", "))));
        }
    })
}

fn opportunity_state(form: &Form) -> Result<OpportunityState, FieldError> {
    Ok(match form.get("state").to_ascii_lowercase().as_str() {
        "pending" => OpportunityState::Pending,
        "approved" => OpportunityState::Approved,
        "rejected" => OpportunityState::Rejected,
        "expired" => OpportunityState::Expired,
        other => {
            let all = OPPORTUNITY_STATES.join(", ");
            return Err(FieldError::at("state", format!("state: {other:?} is not one of {all}")));
        }
    })
}

fn add(form: &Form) -> Result<Write, FieldError> {
    let need = |name: &'static str| -> Result<String, FieldError> {
        let v = form.get(name);
        if v.is_empty() {
            return Err(FieldError::at(name, format!("{name}: required")));
        }
        Name::new(name, &v).map(Name::into_string).map_err(|e| FieldError::at(name, e.to_string()))
    };
    let customer = need("customer")?;
    let program = need("programme")?;
    let opportunity = need("opportunity")?;
    let amount = form.get("amount");
    let currency = Some(form.get("currency").to_ascii_uppercase()).filter(|c| !c.is_empty());
    // Checked here when the currency is given; otherwise in the customer's currency when it is saved.
    match &currency {
        Some(c) => {
            let a = parse_typed_amount(&amount, c).map_err(|e| FieldError::at("amount", format!("amount {e}")))?;
            if a <= Decimal::ZERO {
                return Err(FieldError::at("amount", "amount: must be positive"));
            }
        }
        None if amount.is_empty() => return Err(FieldError::at("amount", "amount: required")),
        None => {}
    }
    let fulfilment = match form.get("fulfilment").to_ascii_lowercase().as_str() {
        "" | "credits" => Fulfilment::Credits,
        "cash" => Fulfilment::Cash,
        other => return Err(FieldError::at("fulfilment", format!("fulfilment: {other:?} is credits or cash"))),
    };
    let input = FundingInput {
        customer,
        program,
        requested: Decimal::ZERO,
        currency: String::new(),
        fulfilment,
        opportunity,
        dates: FundingDates {
            submit_by: date(form, "submit by")?,
            project_start: None,
            project_end: None,
            claim_due: date(form, "claim due")?,
        },
    };
    Ok(Write::Add { input, amount, currency })
}

/// The pane's form kinds, as `panes!` generates `FormKind::Funding` from them.
pub type Kind = FundingForm;

/// Every funding form is an operator's (the store re-runs the domain's transition and the roles).
pub fn refusal(s: &State, _k: &Kind) -> Option<String> {
    s.write_refusal()
}

/// Read the form by field name, check each field, send the write.
pub fn submit(s: &mut State, k: &Kind, f: &Form) -> Result<Vec<Effect>, FieldError> {
    let w = read(k, f)?;
    Ok(write(s, PaneWrite::Funding(w)))
}

/// The write a filled-in form asks for.
pub fn read(kind: &FundingForm, form: &Form) -> Result<Write, FieldError> {
    let w = match kind {
        FundingForm::Submit { id, version } => {
            Write::Change { id: *id, change: FundingChange::Submit, version: *version, why: why(form)? }
        }
        FundingForm::Step { id, version, currency } => {
            Write::Change { id: *id, change: change(form, currency)?, version: *version, why: why(form)? }
        }
        FundingForm::Opportunity { id } => Write::Opportunity { id: id.clone(), state: opportunity_state(form)? },
        FundingForm::Add => add(form)?,
    };
    Ok(w)
}
