//! The Invoices pane's forms: voiding (a reason), the bulk and issue confirmations (`issue.rs`), a credit note
//! (typed, read by field name; see `credit_notes::CreditNoteForm`) and which document to write (`document.rs`).
use billops_store::InvoiceStep;

use super::credit_notes::CreditNoteForm;
use super::io::Write;
use crate::console::action::{Effect, PaneWrite};
use crate::console::input::{FieldError, Form};
use crate::console::panes::write;
use crate::console::state::State;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    Void { id: i64, version: i64 },
    /// A confirmation: review or approve these invoices (id, version, customer).
    Bulk { step: InvoiceStep, invoices: Vec<(i64, i64, String)> },
    /// A credit note against the issued invoice `id` (amount, reason).
    CreditNote { id: i64 },
    /// Confirmations: issue one approved invoice, or every approved one of the period (id, customer).
    Issue { id: i64 },
    IssueAll { invoices: Vec<(i64, String)> },
    /// Which document of the open invoice to write as PDF (it or one of its credit notes).
    Document { invoice: i64, choices: Vec<String> },
}

pub const REASON: &str = "reason";

/// Voiding and approving take a manager, credit notes a manager who may write; reviewing an operator.
pub fn refusal(s: &State, k: &Kind) -> Option<String> {
    match k {
        Kind::Void { .. } | Kind::Bulk { step: InvoiceStep::Approve, .. } => s.approve_refusal(),
        Kind::Bulk { .. } | Kind::Issue { .. } | Kind::IssueAll { .. } => s.write_refusal(),
        Kind::Document { .. } => None,
        Kind::CreditNote { .. } => super::credit_notes::refusal(s),
    }
}

pub fn submit(s: &mut State, k: &Kind, f: &Form) -> Result<Vec<Effect>, FieldError> {
    let w = match k {
        Kind::Void { id, version } => {
            let reason = f.get(REASON);
            if reason.is_empty() {
                return Err(FieldError::at(REASON, "reason: required to void an invoice"));
            }
            Write::Step { id: *id, step: InvoiceStep::Void, reason, version: *version }
        }
        Kind::Bulk { step, invoices } => Write::Bulk { step: *step, invoices: invoices.clone() },
        Kind::CreditNote { id } => {
            let currency = s.panes.invoices.data.ready().and_then(|is| is.iter().find(|i| i.id == *id)).map(|i| i.currency.clone());
            CreditNoteForm::read(f, currency.as_deref().unwrap_or("USD"))?.write(*id)
        }
        Kind::Issue { id } => Write::Issue { id: *id },
        Kind::IssueAll { invoices } => Write::IssueAll { invoices: invoices.clone() },
        Kind::Document { invoice, choices } => super::document::chosen(*invoice, choices, f)?,
    };
    Ok(write(s, PaneWrite::Invoices(w)))
}
