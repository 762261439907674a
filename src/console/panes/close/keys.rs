//! The close pane: what its keys do, per screen.
use billops_domain::close::{ItemStatus, JumpTarget};
use crate::console::action::Effect;
use super::form::{Kind, NOTE, REASON};
use crate::console::action::FormKind;
use crate::console::input::{Complete, Field, Form};
use crate::console::pane::PaneId;
use crate::console::panes;
use crate::console::state::{Mode, State, ViewKey};

/// The pane and list that fix a failing item.
pub fn jump_pane(j: JumpTarget) -> (PaneId, Option<ViewKey>) {
    match j {
        JumpTarget::Imports => (PaneId::Imports, Some(ViewKey::Batches)),
        JumpTarget::FeedIssues => (PaneId::Imports, Some(ViewKey::Issues)),
        JumpTarget::UnassignedAccounts => (PaneId::Accounts, Some(ViewKey::Accounts)),
        JumpTarget::SupplierInvoices | JumpTarget::Recon => (PaneId::Recon, None),
        JumpTarget::CreditQueue => (PaneId::Credits, None),
        JumpTarget::InvoiceDrafts => (PaneId::Invoices, None),
        JumpTarget::Variances => (PaneId::Close, Some(ViewKey::Variances)),
        JumpTarget::Onboarding => (PaneId::Customers, None),
        JumpTarget::CloseBoard => (PaneId::Close, None),
    }
}

/// Enter: the selected item's detail (`item.rs`); on the open detail, jump to the list that fixes it (in
/// the variance list: drill into the row).
pub fn open(s: &mut State) -> Vec<Effect> {
    if s.current_view() == ViewKey::Variances {
        return panes::variance::open(s);
    }
    if !s.panes.close.detail.open {
        if s.panes.close.data.ready().is_some_and(|v| super::item::selected(s, v).is_some()) {
            s.panes.close.detail.open();
        }
        return Vec::new();
    }
    jump(s)
}

/// Enter on an item's detail: go to the list that fixes it (the detail closes).
pub fn jump(s: &mut State) -> Vec<Effect> {
    let Some(v) = s.panes.close.data.ready() else { return Vec::new() };
    let Some(item) =
        s.selected_id(ViewKey::Close).and_then(|i| i.parse::<usize>().ok()).and_then(|i| v.board.items.get(i))
    else {
        return Vec::new();
    };
    let (status, jump, title) = (item.status, item.jump, item.title.clone());
    if status == ItemStatus::Ok {
        s.info(format!("{title}: ok, nothing to fix"));
        return Vec::new();
    }
    s.panes.close.detail.close();
    let (pane, view) = jump_pane(jump);
    if view == Some(ViewKey::Variances) {
        let fx = panes::variance::show(s);
        let key = s.keymap.label(crate::console::Cmd::Explain);
        s.info(format!("{title}: {key} explains the selected variance (esc returns to the board)"));
        return fx;
    }
    if pane == PaneId::Close {
        let key = s.keymap.label(crate::console::Cmd::SignOff);
        s.info(format!("{title}: a manager signs off with {key}"));
        return Vec::new();
    }
    if let Some(view) = view {
        s.pane_view.insert(pane, view);
    }
    if pane == PaneId::Customers {
        s.panes.customers.detail = None;
    }
    if pane == PaneId::Invoices {
        s.panes.invoices.detail = None;
    }
    s.pane = pane;
    s.info(format!("{title}: fix it here (1 returns to the close board)"));
    panes::ensure(s, pane)
}

/// `S`: the sign-off confirmation, or the refusal with the blockers.
pub fn sign_off(s: &mut State) -> Vec<Effect> {
    if let Some(why) = s.approve_refusal() {
        s.warn(why);
        return Vec::new();
    }
    let Some(v) = s.panes.close.data.ready() else {
        s.warn("the close board is still loading");
        return Vec::new();
    };
    let period = v.board.period;
    if v.board.locked {
        s.warn(format!("{period} is already signed off and locked"));
        return Vec::new();
    }
    if !v.can_sign_off {
        let b = v.board.blockers();
        s.error(format!("cannot sign off {period}: {} blocker(s): {}", b.len(), b.join("; ")));
        return Vec::new();
    }
    s.mode = Mode::Form(Form::new(
        FormKind::Close(Kind::SignOff { period }),
        format!(
            "sign off {period} and LOCK it? imports, price rules, assignments, payments and invoices of {period} are \
             then refused until a manager re-opens it (R, with a reason, audited). enter confirms, esc cancels"
        ),
        vec![Field::new(NOTE, "", Complete::None)],
    ));
    Vec::new()
}

/// `R`: re-open a locked period with a reason.
pub fn reopen(s: &mut State) -> Vec<Effect> {
    if let Some(why) = s.approve_refusal() {
        s.warn(why);
        return Vec::new();
    }
    let period = s.period_or_now();
    let locked = s.panes.close.data.ready().map(|v| v.board.locked).unwrap_or(s.period_lock().is_some());
    if !locked {
        s.warn(format!("{period} is not locked: nothing to re-open"));
        return Vec::new();
    }
    s.mode = Mode::Form(Form::new(
        FormKind::Close(Kind::Reopen { period }),
        format!("re-open {period} (audited): why?"),
        vec![Field::new(REASON, "", Complete::None)],
    ));
    Vec::new()
}
