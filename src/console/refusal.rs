//! Typed failures: what the effect runner answers when a read or write does not succeed. A pane matches
//! [`Refusal`] (locked, stale, forbidden with the role it needs, maker-checker, not found, invalid with the
//! field), never the message text; the text is what the message line (or the form field) shows.
use std::fmt;
use std::ops::Deref;

use billops_domain::Role;
use billops_store::{ErrorKind, StoreError};

use super::action::WriteOp;
use super::ops::LedgerWrite;

/// Why the store said no (or that it could not answer).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// The period is signed off.
    Locked {
        period: String,
        by: String,
    },
    /// Someone changed it since it was shown (a version moved): reload, check, retry.
    Stale,
    /// The write clashes with what the store holds (a duplicate, a state that forbids it).
    Conflict,
    /// The role does not allow it; `needs` names the role that does, when the write tells.
    Forbidden {
        needs: Option<Role>,
    },
    /// The user proposed it: another manager must approve.
    MakerChecker,
    NotFound,
    /// The input is not acceptable; `field` names the form field it concerns, when known.
    Invalid {
        field: Option<&'static str>,
    },
    /// Not a refusal: the database, the network, a file.
    Failed,
}

/// A failed effect: its kind and the words shown for it. Reads as the text (`&str`) where only text matters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EffectError {
    pub refusal: Refusal,
    pub text: String,
}

impl EffectError {
    pub fn failed(text: impl Into<String>) -> EffectError {
        EffectError { refusal: Refusal::Failed, text: text.into() }
    }

    /// The form field this refusal concerns, if any.
    pub fn field(&self) -> Option<&'static str> {
        match self.refusal {
            Refusal::Invalid { field } => field,
            _ => None,
        }
    }

    /// A store error of a read (no write to refine it).
    pub fn of_read(err: &StoreError) -> EffectError {
        EffectError::of(err, None)
    }

    /// A store error, typed by its kind and, for writes, by what was written.
    pub fn of(err: &StoreError, op: Option<&WriteOp>) -> EffectError {
        let refusal = match (err.kind(), err) {
            (_, StoreError::Locked { period, by }) => Refusal::Locked { period: period.clone(), by: by.clone() },
            // A manager approving a credit is past the role check: what remains is maker-checker.
            (ErrorKind::Forbidden, _) if matches!(op, Some(WriteOp::DecideCredit { approve: true, .. })) => {
                Refusal::MakerChecker
            }
            (ErrorKind::Forbidden, _) => Refusal::Forbidden { needs: op.map(needs) },
            (ErrorKind::Conflict, _) if op.is_some_and(versioned) => Refusal::Stale,
            (ErrorKind::Conflict | ErrorKind::AlreadyImported, _) => Refusal::Conflict,
            (ErrorKind::NotFound, _) => Refusal::NotFound,
            (ErrorKind::Invalid, _) => Refusal::Invalid { field: op.and_then(field_of) },
            (ErrorKind::Locked | ErrorKind::Unavailable | ErrorKind::Internal, _) => Refusal::Failed,
        };
        let text = match refusal {
            Refusal::MakerChecker => {
                format!("you proposed this credit: another manager must approve ({})", err.detail())
            }
            Refusal::Stale => format!("{} — someone changed it meanwhile: reloaded, check and retry", err.detail()),
            _ => err.to_string(),
        };
        EffectError { refusal, text }
    }
}

/// The role a write needs (the console checks it first; the store decides again).
fn needs(op: &WriteOp) -> Role {
    match op {
        WriteOp::Decide { .. }
        | WriteOp::SignOff { .. }
        | WriteOp::Reopen { .. }
        | WriteOp::DecideCredit { .. }
        | WriteOp::StepInvoice {
            step: billops_store::InvoiceStep::Approve | billops_store::InvoiceStep::Void, ..
        }
        | WriteOp::Ledger(LedgerWrite::CreditNote(_))
        | WriteOp::Ledger(LedgerWrite::Bulk { step: billops_store::InvoiceStep::Approve, .. }) => Role::Manager,
        _ => Role::Operator,
    }
}

/// Writes that carry the version the operator saw: a conflict there means it moved.
fn versioned(op: &WriteOp) -> bool {
    matches!(
        op,
        WriteOp::StepInvoice { .. }
            | WriteOp::DecideCredit { .. }
            | WriteOp::Ledger(LedgerWrite::UpdateCase { .. } | LedgerWrite::Bulk { .. })
            | WriteOp::Pane(super::pane::PaneWrite::Funding(super::panes::funding::Write::Change { .. }))
    )
}

/// The one free field a write's `Invalid` refusal can concern (the others are checked in the form).
fn field_of(op: &WriteOp) -> Option<&'static str> {
    match op {
        WriteOp::Ledger(LedgerWrite::CreditNote(_)) => Some("amount"),
        WriteOp::Ledger(LedgerWrite::Payment(_)) => Some("amount"),
        _ => None,
    }
}

impl Deref for EffectError {
    type Target = str;
    fn deref(&self) -> &str {
        &self.text
    }
}

impl fmt::Display for EffectError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl From<String> for EffectError {
    fn from(text: String) -> EffectError {
        EffectError::failed(text)
    }
}

impl From<&str> for EffectError {
    fn from(text: &str) -> EffectError {
        EffectError::failed(text)
    }
}
