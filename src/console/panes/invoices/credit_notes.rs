//! Credit notes on the Invoices pane: `C` on an issued (partly paid, paid, disputed) invoice opens a form,
//! amount and reason, and submits a credit note the store numbers in the `CN-` series. The open invoice shows
//! its credit notes, loaded with it. The store decides again (manager, issued, within what is still uncredited,
//! posting month not locked); its number or its refusal lands on the message line and the lists reload.
use billops_domain::credit_note::remaining;
use billops_domain::invoice::InvoiceStatus;
use crate::console::table::fmt_money_in;
use billops_store::{CreditNote, NewCreditNote};
use rust_decimal::Decimal;

use super::io::{Query, Write};
use crate::console::action::{Effect, FormKind, PaneQuery};
use crate::console::input::{Complete, Field, FieldError, Form, parse_money};
use crate::console::panes::query;
use crate::console::state::{Load, Mode, State, ViewKey};

/// Ask for the credit notes of the open invoice (with its detail).
pub fn load(s: &mut State) -> Vec<Effect> {
    let Some(id) = s.panes.invoices.detail.as_ref().map(|d| d.id) else { return Vec::new() };
    let (req, fx) = query(s, PaneQuery::Invoices(Query::CreditNotes { invoice_id: id }));
    if let Some(d) = s.panes.invoices.detail.as_mut() {
        d.credit_notes.start(req);
    }
    vec![fx]
}

pub fn loaded(s: &mut State, req: u64, notes: Vec<CreditNote>, payments: Vec<billops_store::Payment>) {
    if let Some(d) = s.panes.invoices.detail.as_mut()
        && d.credit_notes.waits_for(req)
    {
        d.credit_notes = Load::Ready(notes);
        d.payments = payments;
    }
}

/// Who may issue a credit note: a writer with the manager role (the domain's rule, checked again by the store).
pub fn refusal(s: &State) -> Option<String> {
    s.write_refusal().or_else(|| {
        (!s.user.role.can_approve()).then(|| format!("credit notes need the manager role (you are {})", s.user.role))
    })
}

/// What invoice `id` still has uncredited, when its detail is open with its credit notes loaded.
/// What the open invoice's credit notes credit, once they are loaded.
pub fn credited(s: &State, id: i64) -> Option<Decimal> {
    let d = s.panes.invoices.detail.as_ref().filter(|d| d.id == id)?;
    Some(d.credit_notes.ready()?.iter().map(|n| n.amount).sum())
}

pub fn uncredited(s: &State, id: i64) -> Option<Decimal> {
    let d = s.panes.invoices.detail.as_ref().filter(|d| d.id == id)?;
    let credited: Decimal = d.credit_notes.ready()?.iter().map(|n| n.amount).sum();
    Some(remaining(d.data.ready()?.total, credited))
}

/// `C`: the credit-note form for the open invoice, else the selected one.
pub fn open(s: &mut State) -> Vec<Effect> {
    if let Some(why) = refusal(s) {
        s.warn(why);
        return Vec::new();
    }
    let id = match &s.panes.invoices.detail {
        Some(d) => Some(d.id),
        None => s.selected_id(ViewKey::Invoices).and_then(|i| i.parse::<i64>().ok()),
    };
    let Some(inv) = id.and_then(|id| s.panes.invoices.data.ready().and_then(|d| d.iter().find(|i| i.id == id))) else {
        s.warn("no invoice selected (n generates the drafts of the period)");
        return Vec::new();
    };
    let (id, status, customer) = (inv.id, inv.status, inv.customer.clone());
    let number = inv.number.clone().unwrap_or_default();
    let (total, paid, currency) = (inv.total, inv.paid, inv.currency.clone());
    if !status.is_issued() || status == InvoiceStatus::Void {
        s.warn(format!("invoice {id} ({customer}) is {status}: only an issued invoice takes a credit note"));
        return Vec::new();
    }
    // What is still uncredited when the open invoice's notes are loaded; else the open amount (the list does
    // not carry the credited total), or the total when nothing is open. The store refuses more than remains.
    let (default, what) = match uncredited(s, id) {
        Some(u) => (u, "uncredited"),
        None => {
            let open = remaining(total, paid);
            if open.is_zero() { (total, "total") } else { (open, "open") }
        }
    };
    s.mode = Mode::Form(Form::new(
        FormKind::Invoices(super::form::Kind::CreditNote { id }),
        format!("credit note on {number} ({customer}): {what} {} {currency} at most", fmt_money_in(default, &currency)),
        vec![
            // Typed, never pre-filled: a credit note for the whole invoice is a choice, not a default.
            Field::new("amount", "", Complete::None).named(CreditNoteForm::AMOUNT),
            Field::new("reason", "", Complete::None).named(CreditNoteForm::REASON),
        ],
    ));
    Vec::new()
}

/// The credit-note form, read by field name and checked field by field; the store checks the rest (a
/// refused amount reopens the form at the amount).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreditNoteForm {
    pub amount: Decimal,
    pub reason: String,
}

impl CreditNoteForm {
    pub const AMOUNT: &'static str = "amount";
    pub const REASON: &'static str = "reason";

    /// `currency`: the invoice's (an amount finer than its minor unit is refused here).
    pub fn read(f: &Form, currency: &str) -> Result<CreditNoteForm, FieldError> {
        let text = f.get(Self::AMOUNT);
        let amount = parse_money(&text, currency, "amount").map_err(|e| FieldError::at(Self::AMOUNT, e))?;
        if amount <= Decimal::ZERO {
            let e = format!("amount: a credit note is for a positive amount, not {text}");
            return Err(FieldError::at(Self::AMOUNT, e));
        }
        let reason = f.get(Self::REASON);
        if reason.is_empty() {
            return Err(FieldError::at(Self::REASON, "reason: required for a credit note"));
        }
        Ok(CreditNoteForm { amount, reason })
    }

    pub fn write(self, invoice_id: i64) -> Write {
        Write::CreditNote(NewCreditNote { invoice_id, amount: self.amount, reason: self.reason })
    }
}
