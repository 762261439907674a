//! The month-end surfaces of issue 5 (`ops`), wired in one place: how their replies land, their failures,
//! reloads and forms. Each surface has its own module: `supplier` (Recon: supplier invoices and cases),
//! `payments` (payments and statements), `unreached` (Credits), `bulk` (Invoices), `terms` and `pricebook`
//! (Customers) and `sources` (an invoice line's source lines).
use billops_store::InvoiceStep;

use super::{credit_notes, payments, pricebook, sources, supplier, terms, unreached};
use crate::console::action::{Effect, WriteOp};
use crate::console::input::LedgerForm;
use crate::console::ops::{CustomerScreen, LedgerQuery, LedgerReply, LedgerWrite};
use crate::console::pane::PaneId;
use crate::console::state::{Load, State, ViewKey};

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
        LedgerReply::Unreached(u) => unreached::loaded(s, req, u),
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

fn fail<T>(slot: &mut Load<T>, req: u64, e: &str) -> bool {
    if slot.waits_for(req) {
        *slot = Load::Failed(e.to_string());
        true
    } else {
        false
    }
}

/// A failed read of these screens: the slot that waited for it shows the error. True when one did.
pub fn failed(s: &mut State, req: u64, e: &str) -> bool {
    let mut hit = fail(&mut s.panes.credits.unreached, req, e);
    match &mut s.panes.customers.screen {
        Some(CustomerScreen::Statement(v)) => hit |= fail(&mut v.data, req, e),
        Some(CustomerScreen::Book(b)) => {
            hit |= fail(&mut b.data, req, e);
            if let Some(p) = b.pending.as_mut() {
                hit |= fail(&mut p.diff, req, e);
            }
        }
        None => {}
    }
    if let Some(src) = s.panes.invoices.sources.as_mut() {
        hit |= fail(&mut src.data, req, e);
    }
    if let Some(d) = s.panes.invoices.detail.as_mut() {
        hit |= fail(&mut d.credit_notes, req, e);
    }
    if s.panes.customers.terms == Some(req) {
        s.panes.customers.terms = None;
        s.error(format!("terms: {e}"));
        hit = true;
    }
    hit
}

/// Forget what a write, an import or a period change may have changed (reloaded when shown).
pub fn forget(s: &mut State) {
    s.panes.credits.unreached = Load::Idle;
    let period = s.period_or_now();
    match &mut s.panes.customers.screen {
        Some(CustomerScreen::Statement(v)) => v.data = Load::Idle,
        Some(CustomerScreen::Book(b)) => {
            b.data = Load::Idle;
            if b.period != period {
                b.period = period;
                b.pending = None;
            }
        }
        None => {}
    }
    if let Some(src) = s.panes.invoices.sources.as_mut() {
        src.data = Load::Idle;
    }
}

/// Load what the shown pane's month-end screens miss.
pub fn ensure(s: &mut State, pane: PaneId) -> Vec<Effect> {
    match pane {
        PaneId::Credits if s.panes.credits.unreached.is_idle() => unreached::load(s),
        PaneId::Customers => match &s.panes.customers.screen {
            Some(CustomerScreen::Statement(v)) if v.data.is_idle() => payments::load_statement(s),
            Some(CustomerScreen::Book(b)) if b.data.is_idle() => pricebook::load(s),
            _ => Vec::new(),
        },
        PaneId::Invoices if s.panes.invoices.sources.as_ref().is_some_and(|x| x.data.is_idle()) => sources::load(s),
        _ => Vec::new(),
    }
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

/// A submitted month-end form: its effects, or the error the form shows.
pub fn submit(s: &mut State, f: &LedgerForm, values: &[String]) -> Result<Vec<Effect>, String> {
    match f {
        LedgerForm::SupplierInvoice => supplier::submit_invoice(values).map(|w| write(s, w)),
        LedgerForm::UpdateCase { id, version } => supplier::submit_case(s, *id, *version, values),
        LedgerForm::Payment => payments::submit_payment(s, values).map(|w| write(s, w)),
        LedgerForm::Statement => payments::submit_statement(s, values),
        LedgerForm::Terms { customer, current } => terms::submit(s, customer, current, values),
        LedgerForm::NewRule { customer } => pricebook::submit_rule(s, customer, values),
        LedgerForm::Bulk { step, invoices } => {
            Ok(write(s, LedgerWrite::Bulk { step: *step, invoices: invoices.clone() }))
        }
        LedgerForm::CreditNote { id } => credit_notes::submit(*id, values).map(|w| write(s, w)),
    }
}

/// `v` in a pane with month-end lists; true when it switched.
pub fn switch_view(s: &mut State) -> bool {
    match s.pane {
        PaneId::Recon => supplier::switch_view(s),
        PaneId::Credits => unreached::switch_view(s),
        PaneId::Invoices => return sources::switch_focus(s),
        PaneId::Customers => return pricebook::switch_focus(s),
        _ => return false,
    }
    true
}

/// Parse an amount typed in a form (`what` names the field in the error).
pub fn amount(t: &str, what: &str) -> Result<rust_decimal::Decimal, String> {
    billops_domain::parse_decimal(t.trim()).map_err(|e| format!("{what}: {t:?}: {e}"))
}

/// Parse a date typed in a form.
pub fn date(t: &str, what: &str) -> Result<chrono::NaiveDate, String> {
    chrono::NaiveDate::parse_from_str(t.trim(), "%Y-%m-%d").map_err(|_| format!("{what}: {t:?} is not YYYY-MM-DD"))
}
