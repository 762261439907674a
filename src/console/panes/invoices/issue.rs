//! Issuing from the Invoices pane, always confirmed (issue 16): `I` on an open approved invoice asks before it
//! takes the next number; `I` on the list offers to issue every approved invoice of the period, with their
//! count and total per currency. The confirmation says what cannot be undone: an issued invoice never changes
//! again (a manager voids it, `X`, or corrects it with a credit note, `C`).
use std::collections::BTreeMap;

use billops_domain::invoice::InvoiceStatus;
use rust_decimal::Decimal;

use super::form::Kind;
use super::keys::target;
use crate::console::action::{Effect, FormKind};
use crate::console::input::Form;
use crate::console::state::{Mode, State};
use crate::documents::money;

/// What issuing does, said in every confirmation.
pub const CANNOT_UNDO: &str = "issued invoices never change: only a void (X, manager) or a credit note (C) corrects \
                               one. enter issues, esc cancels";

/// `I`: on an open invoice, confirm issuing it; on the list, confirm issuing every approved one.
pub fn issue(s: &mut State) -> Vec<Effect> {
    if let Some(why) = s.write_refusal() {
        s.warn(why);
        return Vec::new();
    }
    if s.panes.invoices.detail.is_none() {
        return issue_all(s);
    }
    let Some((id, status, _, customer)) = target(s) else { return Vec::new() };
    if status != InvoiceStatus::Approved {
        s.warn(format!("invoice {id} ({customer}) is {status}: only approved invoices are issued"));
        return Vec::new();
    }
    let total = s
        .panes
        .invoices
        .data
        .ready()
        .and_then(|l| l.iter().find(|i| i.id == id))
        .map(|i| format!(", total {} {}", money(i.total, &i.currency), i.currency))
        .unwrap_or_default();
    s.mode = Mode::Form(Form::new(
        FormKind::Invoices(Kind::Issue { id }),
        format!("issue invoice {id} ({customer}{total}) with the next number? {CANNOT_UNDO}"),
        Vec::new(),
    ));
    Vec::new()
}

/// The approved invoices of the period (id, customer) and their totals per currency.
pub fn approved(s: &State) -> (Vec<(i64, String)>, BTreeMap<String, Decimal>) {
    let mut ids = Vec::new();
    let mut totals: BTreeMap<String, Decimal> = BTreeMap::new();
    for i in s.panes.invoices.data.ready().into_iter().flatten().filter(|i| i.status == InvoiceStatus::Approved) {
        ids.push((i.id, i.customer.clone()));
        let t = totals.entry(i.currency.clone()).or_default();
        *t = t.checked_add(i.total).unwrap_or(*t);
    }
    (ids, totals)
}

/// `I` on the list: confirm issuing every approved invoice of the period.
fn issue_all(s: &mut State) -> Vec<Effect> {
    let period = s.period_or_now();
    if s.panes.invoices.data.ready().is_none() {
        s.warn("the invoices are still loading");
        return Vec::new();
    }
    let (invoices, totals) = approved(s);
    if invoices.is_empty() {
        s.warn(format!("no approved invoices in {period} to issue (a approves a reviewed draft; Enter opens one)"));
        return Vec::new();
    }
    let sums: Vec<String> = totals.iter().map(|(c, t)| format!("{} {c}", money(*t, c))).collect();
    s.mode = Mode::Form(Form::new(
        FormKind::Invoices(Kind::IssueAll { invoices: invoices.clone() }),
        format!(
            "issue all {} approved invoice(s) of {period}, total {}, in list order with the next numbers? {CANNOT_UNDO}",
            invoices.len(),
            sums.join(" + ")
        ),
        Vec::new(),
    ));
    Vec::new()
}
