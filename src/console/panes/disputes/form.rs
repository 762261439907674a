//! The Disputes pane's forms: open a dispute; a step on a dispute or a PPA decision with its reason. Each field
//! is checked here (the store checks again), then turned into a write.
use billops_domain::dispute::ReasonCode;
use billops_domain::money::parse_decimal;

use super::io::{Step, Write};
use crate::console::action::{PaneWrite, WriteOp};
use crate::console::input::{Complete, Field, FieldError, Form, FormKind};
use crate::console::state::{Mode, State};

/// What a Disputes form submits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DisputeForm {
    Add,
    Dispute { id: i64, version: i64, step: Step },
    Ppa { id: i64, version: i64, approve: bool },
}

pub const REASONS: &str = "pricing, usage, duplicate, missing_credit, tax, other";

pub fn open_add(s: &mut State) {
    let fields = vec![
        Field::new("invoice", "", Complete::None),
        Field::new("line (empty: whole invoice)", "", Complete::None).named("line"),
        Field::new("amount", "", Complete::None),
        Field::new("reason", "pricing", Complete::None),
        Field::new("evidence", "", Complete::None),
        Field::new("external ref (optional)", "", Complete::None).named("ref"),
    ];
    s.mode = Mode::Form(Form::new(FormKind::Disputes(DisputeForm::Add), "open a dispute on an issued invoice", fields));
}

pub fn open_reason(s: &mut State, f: DisputeForm, title: String) {
    s.mode = Mode::Form(Form::new(FormKind::Disputes(f), title, vec![Field::new("reason", "", Complete::None)]));
}

fn reason_code(s: &str) -> Option<ReasonCode> {
    serde_json::from_value(serde_json::Value::String(s.trim().to_ascii_lowercase().replace([' ', '-'], "_"))).ok()
}

pub fn submit(f: &DisputeForm, values: &[String]) -> Result<WriteOp, FieldError> {
    let v = |i: usize| values.get(i).map(|x| x.trim().to_string()).unwrap_or_default();
    let w = match f {
        DisputeForm::Add => {
            let invoice = v(0);
            if invoice.is_empty() {
                return Err(FieldError::at("invoice", "the invoice number (INV-…) is required"));
            }
            let line = match v(1) {
                l if l.is_empty() => None,
                l => Some(
                    l.parse::<u32>()
                        .ok()
                        .filter(|n| *n > 0)
                        .ok_or_else(|| FieldError::at("line", "a line number from 1"))?,
                ),
            };
            let amount = v(2);
            if parse_decimal(&amount.replace(',', "")).map_or(true, |a| a <= rust_decimal::Decimal::ZERO) {
                return Err(FieldError::at("amount", "a positive amount"));
            }
            let reason = reason_code(&v(3)).ok_or_else(|| FieldError::at("reason", format!("one of {REASONS}")))?;
            let evidence = v(4);
            if evidence.is_empty() {
                return Err(FieldError::at("evidence", "a dispute needs an evidence note"));
            }
            let external_ref = Some(v(5)).filter(|r| !r.is_empty());
            Write::AddDispute { invoice, line, amount, reason, evidence, external_ref }
        }
        DisputeForm::Dispute { id, version, step } => {
            let why = v(0);
            if why.is_empty() && *step == Step::Reject {
                return Err(FieldError::at("reason", "a rejection says why"));
            }
            Write::Dispute { id: *id, version: *version, step: *step, why }
        }
        DisputeForm::Ppa { id, version, approve } => {
            let why = v(0);
            if why.is_empty() && !approve {
                return Err(FieldError::at("reason", "a rejection says why"));
            }
            Write::Ppa { id: *id, version: *version, approve: *approve, why }
        }
    };
    Ok(WriteOp::Pane(PaneWrite::Disputes(w)))
}
