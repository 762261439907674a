//! The Disputes pane's forms: open a dispute; a step on a dispute or a PPA decision with its reason. Each field
//! is checked here (the store checks again), then turned into a write.
use billops_domain::dispute::ReasonCode;
use billops_domain::money::parse_typed_number;

use super::claims::ClaimStep;
use super::io::{Step, Write};
use crate::console::action::{Effect, PaneWrite};
use crate::console::input::{Complete, Field, FieldError, Form, FormKind};
use crate::console::panes::write;
use crate::console::state::{Mode, State};

/// What a Disputes form submits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DisputeForm {
    Add,
    Dispute { id: i64, version: i64, step: Step },
    Ppa { id: i64, version: i64, approve: bool },
    /// Assess a new SLA claim.
    NewClaim,
    /// A step on an SLA claim (the currency its credited amount is typed in).
    Claim { id: i64, version: i64, step: ClaimStep, currency: String },
    /// Late rows of a signed-off month: the period, the file and why (submitting previews the re-rating).
    Late,
    /// The preview, confirmed: propose its PPAs.
    LatePropose(LateRun),
}

/// What a late-rows re-rating reads: the signed-off period, the cost file and the PPAs' reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LateRun {
    pub period: billops_domain::Period,
    pub file: String,
    pub reason: String,
}

/// The pane's form kinds, as `panes!` generates `FormKind::Disputes` from them.
pub type Kind = DisputeForm;

/// Opening and moving disputes takes an operator; deciding a PPA a manager.
pub fn refusal(s: &State, k: &Kind) -> Option<String> {
    match k {
        DisputeForm::Ppa { .. } => s.approve_refusal(),
        DisputeForm::Claim { step, .. } if step.needs_manager() => s.approve_refusal(),
        DisputeForm::Add
        | DisputeForm::Dispute { .. }
        | DisputeForm::NewClaim
        | DisputeForm::Claim { .. }
        | DisputeForm::Late
        | DisputeForm::LatePropose(_) => s.write_refusal(),
    }
}

/// Read the form by field name, check each field, send the write.
pub fn submit(s: &mut State, k: &Kind, f: &Form) -> Result<Vec<Effect>, FieldError> {
    if *k == DisputeForm::Late {
        return Ok(super::io::preview_late(s, read_late(f)?));
    }
    let w = read(k, f)?;
    Ok(write(s, PaneWrite::Disputes(w)))
}

pub const REASONS: &str = "pricing, usage, duplicate, missing_credit, tax, other";
/// The same, for the form's picker.
const REASON_CODES: &[&str] = &["pricing", "usage", "duplicate", "missing_credit", "tax", "other"];

pub fn open_add(s: &mut State) {
    let fields = vec![
        Field::new("invoice", "", Complete::None),
        Field::new("line (empty: whole invoice)", "", Complete::None).named("line"),
        Field::new("amount", "", Complete::None),
        Field::new("reason", "pricing", Complete::Choice(REASON_CODES)),
        Field::new("evidence", "", Complete::None),
        Field::new("external ref (optional)", "", Complete::None).named("ref"),
    ];
    s.mode = Mode::Form(Form::new(FormKind::Disputes(DisputeForm::Add), "open a dispute on an issued invoice", fields));
}

/// `L` in the PPAs view: the signed-off month (the one shown), the late cost file and why.
pub fn open_late(s: &mut State) {
    let period = s.period_or_now().to_string();
    let fields = vec![
        Field::new("signed-off month (YYYY-MM)", &period, Complete::None).named("period"),
        Field::new("cost file with the late rows", "", Complete::Path).named("file"),
        Field::new("reason", "", Complete::None),
    ];
    let title = "re-rate late rows of a signed-off month: enter previews what they change on the issued invoices";
    s.mode = Mode::Form(Form::new(FormKind::Disputes(DisputeForm::Late), title, fields));
}

fn read_late(form: &Form) -> Result<LateRun, FieldError> {
    let v = |name: &str| form.get(name).trim().to_string();
    let period = v("period").parse().map_err(|e| FieldError::at("period", format!("{e}")))?;
    let file = v("file");
    if file.is_empty() {
        return Err(FieldError::at("file", "the cost file with the late rows"));
    }
    let reason = v("reason");
    if reason.is_empty() {
        return Err(FieldError::at("reason", "why the month is re-rated (it goes on each PPA)"));
    }
    Ok(LateRun { period, file, reason })
}

pub fn open_reason(s: &mut State, f: DisputeForm, title: String) {
    s.mode = Mode::Form(Form::new(FormKind::Disputes(f), title, vec![Field::new("reason", "", Complete::None)]));
}

fn reason_code(s: &str) -> Option<ReasonCode> {
    serde_json::from_value(serde_json::Value::String(s.trim().to_ascii_lowercase().replace([' ', '-'], "_"))).ok()
}

/// The write a filled form asks for (each field checked, by name).
pub fn read(f: &DisputeForm, form: &Form) -> Result<Write, FieldError> {
    let v = |name: &str| form.get(name).trim().to_string();
    let w = match f {
        DisputeForm::Add => {
            let invoice = v("invoice");
            if invoice.is_empty() {
                return Err(FieldError::at("invoice", "the invoice number (INV-…) is required"));
            }
            let line = match v("line") {
                l if l.is_empty() => None,
                l => Some(
                    l.parse::<u32>()
                        .ok()
                        .filter(|n| *n > 0)
                        .ok_or_else(|| FieldError::at("line", "a line number from 1"))?,
                ),
            };
            let amount = v("amount");
            if parse_typed_number(&amount).map_or(true, |a| a <= rust_decimal::Decimal::ZERO) {
                return Err(FieldError::at("amount", "a positive amount"));
            }
            let reason = reason_code(&v("reason")).ok_or_else(|| FieldError::at("reason", format!("one of {REASONS}")))?;
            let evidence = v("evidence");
            if evidence.is_empty() {
                return Err(FieldError::at("evidence", "a dispute needs an evidence note"));
            }
            let external_ref = Some(v("ref")).filter(|r| !r.is_empty());
            Write::AddDispute { invoice, line, amount, reason, evidence, external_ref }
        }
        DisputeForm::Dispute { id, version, step } => {
            let why = v("reason");
            if why.is_empty() && *step == Step::Reject {
                return Err(FieldError::at("reason", "a rejection says why"));
            }
            Write::Dispute { id: *id, version: *version, step: *step, why }
        }
        DisputeForm::Ppa { id, version, approve } => {
            let why = v("reason");
            if why.is_empty() && !approve {
                return Err(FieldError::at("reason", "a rejection says why"));
            }
            Write::Ppa { id: *id, version: *version, approve: *approve, why }
        }
        DisputeForm::NewClaim => super::claims::read_new(form)?,
        DisputeForm::Claim { id, version, step, currency } => {
            super::claims::read_step(*id, *version, *step, currency, form)?
        }
        DisputeForm::Late => return Err(FieldError::at("file", "previewed first")),
        DisputeForm::LatePropose(run) => Write::ProposeLate(run.clone()),
    };
    Ok(w)
}
