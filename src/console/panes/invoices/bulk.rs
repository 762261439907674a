//! Bulk review and approval on the Invoices pane: `W` marks every draft of the period reviewed (operator),
//! `A` approves every reviewed one (manager). Each asks for a confirmation naming the count; the runner steps
//! the invoices one by one and reports how many went through and each refusal with the store's words.
use billops_domain::invoice::InvoiceStatus;
use billops_store::InvoiceStep;

use crate::console::action::Effect;
use crate::console::action::FormKind;
use crate::console::input::Form;
use crate::console::state::{Mode, State};

/// `A` / `W`: confirm stepping every invoice of the period that is ready for `step`.
pub fn all(s: &mut State, step: InvoiceStep) -> Vec<Effect> {
    let refusal = if step == InvoiceStep::Approve { s.approve_refusal() } else { s.write_refusal() };
    if let Some(why) = refusal {
        s.warn(why);
        return Vec::new();
    }
    let period = s.period_or_now();
    let (want, verb, from) = match step {
        InvoiceStep::Approve => (InvoiceStatus::Reviewed, "approve", "reviewed"),
        _ => (InvoiceStatus::Draft, "review", "draft"),
    };
    let Some(list) = s.panes.invoices.data.ready() else {
        s.warn("the invoices are still loading");
        return Vec::new();
    };
    let invoices: Vec<(i64, i64, String)> =
        list.iter().filter(|i| i.status == want).map(|i| (i.id, i.version, i.customer.clone())).collect();
    if invoices.is_empty() {
        s.warn(format!("no {from} invoices in {period} to {verb}"));
        return Vec::new();
    }
    let names: Vec<&str> = invoices.iter().take(4).map(|(_, _, c)| c.as_str()).collect();
    let more = if invoices.len() > names.len() { ", …" } else { "" };
    let title = format!(
        "{verb} all {} {from} invoice(s) of {period} ({}{more})? enter confirms",
        invoices.len(),
        names.join(", ")
    );
    s.mode = Mode::Form(Form::new(FormKind::Invoices(super::form::Kind::Bulk { step, invoices }), title, Vec::new()));
    Vec::new()
}
