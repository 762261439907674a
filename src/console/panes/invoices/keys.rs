//! The invoices pane: what its keys do, per screen.
use billops_domain::invoice::InvoiceStatus;
use billops_store::InvoiceStep;
use super::form::{Kind, REASON};
use super::io::Write;
use crate::console::action::{Effect, FormKind, PaneQuery, PaneWrite};
use crate::console::panes::write;
use crate::console::input::{Complete, Field, Form};
use crate::console::state::{InvoiceDetail, Load, Mode, State, ViewKey};
use super::{io::*, view::*};

/// `n`: generate the drafts of the period (operator).
pub fn generate(s: &mut State) -> Vec<Effect> {
    if let Some(why) = s.write_refusal() {
        s.warn(why);
        return Vec::new();
    }
    if s.panes.invoices.job.is_some() {
        s.warn("draft generation is already running");
        return Vec::new();
    }
    let period = s.period_or_now();
    let req = s.req();
    s.panes.invoices.job = Some(req);
    s.info(format!("generating invoice drafts for {period} … working"));
    vec![Effect::Pane { req, q: PaneQuery::Invoices(super::io::Query::Generate { period }) }]
}

pub fn generated(s: &mut State, req: u64, out: Vec<crate::month::invoices::Generated>) -> Vec<Effect> {
    if s.panes.invoices.job != Some(req) {
        return Vec::new();
    }
    s.panes.invoices.job = None;
    crate::console::watch::wrote(s);
    let count = |o: &str| out.iter().filter(|g| g.outcome == o).count();
    s.info(format!(
        "{} draft(s): {} created, {} regenerated, {} unchanged (esc hides the summary)",
        out.len(),
        count("created"),
        count("regenerated"),
        count("unchanged")
    ));
    s.set_model(ViewKey::Generated, generated_table(&out));
    s.panes.invoices.generated = Some(out);
    let mut fx = crate::console::update::start(s);
    fx.extend(crate::console::panes::invalidate_all(s));
    fx
}

/// Enter: open the selected invoice.
pub fn open(s: &mut State) -> Vec<Effect> {
    if s.panes.invoices.detail.is_some() {
        return crate::console::panes::sources::open(s);
    }
    let Some(id) = s.selected_id(ViewKey::Invoices).and_then(|i| i.parse::<i64>().ok()) else { return Vec::new() };
    s.panes.invoices.detail = Some(InvoiceDetail { id, data: Load::Idle, credit_notes: Load::Idle, payments: Vec::new() });
    s.views.remove(&ViewKey::InvoiceLines);
    load_detail(s)
}

/// Esc: close the invoice, else hide the generation summary. True when it did something.
pub fn back(s: &mut State) -> bool {
    if s.panes.invoices.sources.take().is_some() {
        return true;
    }
    if let Some(d) = s.panes.invoices.detail.take() {
        s.view_mut(ViewKey::Invoices).vs.want = Some(d.id.to_string());
        let crate::console::state::View { model, vs } = s.view_mut(ViewKey::Invoices);
        vs.rebuild(model);
        return true;
    }
    s.panes.invoices.generated.take().is_some()
}

/// The invoice keys act on: the open one, else the selected row.
pub(super) fn target(s: &mut State) -> Option<(i64, InvoiceStatus, i64, String)> {
    let id = match &s.panes.invoices.detail {
        Some(d) => Some(d.id),
        None => s.selected_id(ViewKey::Invoices).and_then(|i| i.parse::<i64>().ok()),
    };
    let found = id.and_then(|id| s.panes.invoices.data.ready().and_then(|d| d.iter().find(|i| i.id == id)));
    match found {
        Some(i) => Some((i.id, i.status, i.version, i.customer.clone())),
        None => {
            s.warn("no invoice selected (n generates the drafts of the period)");
            None
        }
    }
}

/// `w` review (operator), `a` approve (manager).
pub fn step(s: &mut State, step: InvoiceStep) -> Vec<Effect> {
    let refusal = if step == InvoiceStep::Approve { s.approve_refusal() } else { s.write_refusal() };
    if let Some(why) = refusal {
        s.warn(why);
        return Vec::new();
    }
    let Some((id, status, version, customer)) = target(s) else { return Vec::new() };
    let (want, verb) = match step {
        InvoiceStep::Approve => (InvoiceStatus::Reviewed, "approve"),
        _ => (InvoiceStatus::Draft, "review"),
    };
    if status != want {
        let hint = if status == InvoiceStatus::Draft { ": review it first (w)" } else { "" };
        s.warn(format!("invoice {id} ({customer}) is {status}: cannot {verb} it{hint}"));
        return Vec::new();
    }
    write(s, PaneWrite::Invoices(Write::Step { id, step, reason: String::new(), version }))
}

/// `X`: void an issued invoice, with a reason.
pub fn void(s: &mut State) -> Vec<Effect> {
    if let Some(why) = s.approve_refusal() {
        s.warn(why);
        return Vec::new();
    }
    let Some((id, status, version, customer)) = target(s) else { return Vec::new() };
    if !status.is_issued() || status == InvoiceStatus::Void {
        s.warn(format!("invoice {id} ({customer}) is {status}: only issued invoices are voided"));
        return Vec::new();
    }
    s.mode = Mode::Form(Form::new(
        FormKind::Invoices(Kind::Void { id, version }),
        format!(
            "void invoice {id} ({customer})? a void cannot be undone: the number stays used, the customer owes \
             nothing on it. reason, then enter"
        ),
        vec![Field::new(REASON, "", Complete::None)],
    ));
    Vec::new()
}
