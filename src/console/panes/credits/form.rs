//! The Credits pane's forms: approve or reject a proposed credit, with a reason, and propose one
//! (`propose::ProposeForm`); typed, read by field name.
use super::io::Write;
use crate::console::action::{Effect, PaneWrite};
use crate::console::input::{FieldError, Form};
use crate::console::panes::write;
use crate::console::state::State;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    Decide { id: i64, approve: bool, version: i64 },
    /// A new credit (`propose.rs`).
    Propose,
}

/// Deciding a credit takes a manager; proposing one an operator (the manager approves it).
pub fn refusal(s: &State, k: &Kind) -> Option<String> {
    match k {
        Kind::Decide { .. } => s.approve_refusal(),
        Kind::Propose => s.write_refusal(),
    }
}

pub fn submit(s: &mut State, k: &Kind, f: &Form) -> Result<Vec<Effect>, FieldError> {
    let Kind::Decide { id, approve, version } = *k else { return super::propose::submit(s, f) };
    let d = DecideForm::read(f, approve)?;
    Ok(write(s, PaneWrite::Credits(Write::Decide { id, approve, reason: d.reason, version })))
}

/// The decision's reason (required either way).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecideForm {
    pub reason: String,
}

impl DecideForm {
    pub const REASON: &'static str = "reason";

    pub fn read(f: &Form, approve: bool) -> Result<DecideForm, FieldError> {
        let reason = f.get(Self::REASON);
        if reason.is_empty() {
            let verb = if approve { "approve" } else { "reject" };
            return Err(FieldError::at(Self::REASON, format!("reason: required to {verb}")));
        }
        Ok(DecideForm { reason })
    }
}
