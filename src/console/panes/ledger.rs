//! The month-end surfaces of issue 5 (`ops`): how their replies land and their forms are submitted (their
//! reloads and failures are the owning panes' duties). Each surface has its own module: `supplier` (Recon: supplier invoices and cases),
//! `payments` (payments and statements), `unreached` (Credits), `bulk` (Invoices), `terms` and `pricebook`
//! (Customers) and `sources` (an invoice line's source lines).
use billops_store::InvoiceStep;

use super::{credit_notes, payments, pricebook, sources, supplier, terms};
use crate::console::action::{Effect, WriteOp};
use crate::console::input::{FieldError, Form, LedgerForm};
use crate::console::ops::{CustomerScreen, LedgerQuery, LedgerReply, LedgerWrite};
use crate::console::state::{State, ViewKey};

/// Ask for a write (the reply reloads every pane).
pub fn write(s: &mut State, w: LedgerWrite) -> Vec<Effect> {
    let req = s.req();
    s.pending.push(req);
    s.info("saving …");
    vec![Effect::Write { req, op: WriteOp::Ledger(w) }]
}

/// A read: its request number and effect.
pub fn query(s: &mut State, q: LedgerQuery) -> (u64, Effect) {
    let req = s.req();
    (req, Effect::Ledger { req, q })
}

pub fn loaded(s: &mut State, req: u64, r: LedgerReply) -> Vec<Effect> {
    match r {
        LedgerReply::Statement(st) => payments::statement_loaded(s, req, st),
        LedgerReply::StatementExported { csv, json } => {
            if s.pending.contains(&req) {
                s.pending.retain(|r| *r != req);
                s.info(format!("statement exported to {} and {}", csv.display(), json.display()));
            }
        }
        LedgerReply::Terms(t) => terms::loaded(s, req, t),
        LedgerReply::PriceBook(b) => pricebook::loaded(s, req, b),
        LedgerReply::Preview(d) => pricebook::preview_loaded(s, req, d),
        LedgerReply::Sources(x) => sources::loaded(s, req, x),
        LedgerReply::CreditNotes(x) => credit_notes::loaded(s, req, x),
    }
    Vec::new()
}

/// Esc on a Customers screen: discard a previewed rule, else close the screen. True when it did something.
pub fn close_customer_screen(s: &mut State) -> bool {
    if let Some(CustomerScreen::Book(b)) = s.panes.customers.screen.as_mut()
        && b.pending.take().is_some()
    {
        s.info("rule discarded: nothing saved");
        return true;
    }
    s.panes.customers.screen.take().is_some()
}

/// The customer the Customers pane shows: its open screen, the open detail, else the selected row.
pub fn customer_in_view(s: &State) -> Option<String> {
    match &s.panes.customers.screen {
        Some(CustomerScreen::Statement(v)) => Some(v.customer.clone()),
        Some(CustomerScreen::Book(b)) => Some(b.customer.clone()),
        None => match &s.panes.customers.detail {
            Some(d) => Some(d.code.clone()),
            None => s.selected_id(ViewKey::Customers),
        },
    }
}

/// Who may submit a month-end form (statements are reads; approving takes a manager).
pub fn refusal(s: &State, f: &LedgerForm) -> Option<String> {
    match f {
        LedgerForm::Statement => None,
        LedgerForm::Bulk { step: InvoiceStep::Approve, .. } => s.approve_refusal(),
        LedgerForm::CreditNote { .. } => credit_notes::refusal(s),
        _ => s.write_refusal(),
    }
}

/// A submitted month-end form: its effects, or the error the form shows (beside its field when it names one).
pub fn submit(s: &mut State, f: &LedgerForm, form: &Form, values: &[String]) -> Result<Vec<Effect>, FieldError> {
    match f {
        LedgerForm::SupplierInvoice => supplier::submit_invoice(values).map(|w| write(s, w)).map_err(Into::into),
        LedgerForm::UpdateCase { id, version } => supplier::submit_case(s, *id, *version, values).map_err(Into::into),
        LedgerForm::Payment => payments::PaymentForm::read(s, form).map(|p| write(s, p.write())),
        LedgerForm::Statement => payments::submit_statement(s, values).map_err(Into::into),
        LedgerForm::Terms { customer, current } => terms::submit(s, customer, current, values).map_err(Into::into),
        LedgerForm::NewRule { customer } => pricebook::submit_rule(s, customer, values).map_err(Into::into),
        LedgerForm::Bulk { step, invoices } => {
            Ok(write(s, LedgerWrite::Bulk { step: *step, invoices: invoices.clone() }))
        }
        LedgerForm::CreditNote { id } => credit_notes::CreditNoteForm::read(form).map(|c| write(s, c.write(*id))),
    }
}

/// Parse an amount typed in a form (`what` names the field in the error).
pub fn amount(t: &str, what: &str) -> Result<rust_decimal::Decimal, String> {
    billops_domain::parse_decimal(t.trim()).map_err(|e| format!("{what}: {t:?}: {e}"))
}

/// Parse a date typed in a form.
pub fn date(t: &str, what: &str) -> Result<chrono::NaiveDate, String> {
    chrono::NaiveDate::parse_from_str(t.trim(), "%Y-%m-%d").map_err(|_| format!("{what}: {t:?} is not YYYY-MM-DD"))
}
