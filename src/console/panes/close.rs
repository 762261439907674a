//! Close: the month-end board of the period (SPEC §2.7) computed by `ledger::close::board`; Enter on a
//! failing item jumps to the list that fixes it; `S` signs off (manager, confirmed), `R` re-opens (reason).
use billops_domain::close::{ItemStatus, JumpTarget};

use crate::console::action::{Effect, WriteOp};
use crate::console::input::{Complete, Field, Form, FormKind};
use crate::console::pane::PaneId;
use crate::console::panes;
use crate::console::state::{Load, Mode, State, ViewKey};
use crate::console::table::{Cell, Column, Mark, Row, TableModel};
use crate::console::theme::Role;
use crate::ledger::close::CloseView;

pub fn load(s: &mut State) -> Vec<Effect> {
    let Some(period) = s.period else { return Vec::new() };
    let req = s.req();
    s.panes.close.data = Load::Loading(req);
    let mut fx = vec![Effect::Close { req, period, today: s.today() }];
    if s.pane_view.get(&PaneId::Close) == Some(&ViewKey::Variances) {
        fx.extend(panes::variance::load(s));
    }
    fx
}

pub fn loaded(s: &mut State, req: u64, data: CloseView) {
    if !s.panes.close.data.waits_for(req) {
        return;
    }
    s.set_model(ViewKey::Close, table(&data));
    s.panes.close.data = Load::Ready(data);
}

pub fn status_cell(st: ItemStatus) -> Cell {
    match st {
        ItemStatus::Ok => Cell::text("ok").mark(Mark::Check).role(Role::Approved),
        ItemStatus::Warning => Cell::text("warning").mark(Mark::Warn).role(Role::Warning),
        ItemStatus::Blocker => Cell::text("blocker").mark(Mark::Cross).role(Role::Error),
    }
}

pub fn table(v: &CloseView) -> TableModel {
    let rows = v
        .board
        .items
        .iter()
        .enumerate()
        .map(|(i, it)| Row {
            id: i.to_string(),
            cells: vec![
                Cell::int(i64::try_from(i + 1).unwrap_or(0)),
                status_cell(it.status),
                Cell::text(&it.title),
                Cell::text(it.owner.clone().unwrap_or_else(|| "-".into())),
                Cell::text(it.problems.join("; ")),
            ],
            role: None,
        })
        .collect();
    TableModel {
        columns: vec![
            Column::num("#", 1),
            Column::text("status", 9),
            Column::text("check", 42),
            Column::text("owner", 8),
            Column::text("blockers / warnings", 40),
        ],
        rows,
        total: None,
    }
}

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

/// Enter: jump to the list that fixes the selected item (in the variance list: drill into the row).
pub fn open(s: &mut State) -> Vec<Effect> {
    if s.current_view() == ViewKey::Variances {
        return panes::variance::open(s);
    }
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
        FormKind::SignOff { period },
        format!("sign off {period} and LOCK it? enter confirms, esc cancels"),
        vec![Field::new("note", "", Complete::None)],
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
        FormKind::Reopen { period },
        format!("re-open {period} (audited): why?"),
        vec![Field::new("reason", "", Complete::None)],
    ));
    Vec::new()
}

pub fn submit(s: &State, kind: &FormKind, values: &[String]) -> Result<WriteOp, String> {
    let first = values.first().cloned().unwrap_or_default();
    match kind {
        FormKind::SignOff { period } => Ok(WriteOp::SignOff { period: *period, today: s.today(), note: first }),
        FormKind::Reopen { period } => {
            if first.is_empty() {
                return Err("reason: required to re-open a period".into());
            }
            Ok(WriteOp::Reopen { period: *period, reason: first })
        }
        _ => Err("not a close form".into()),
    }
}

// ---- the pane's duties (registered in `panes!`) ----
pub use crate::console::pane::no_io as io;
use crate::console::keys::Cmd;
use crate::console::pane::{Failure, Invalidate, KeyScope, Pane};
use crate::console::panes::{any, fail};
use crate::console::state::State as State_;

/// The pane's own state (a field of `State::panes`).
pub use crate::console::state::ClosePane as PaneState;

/// The month-end board and its variance list.
pub struct Close;

const BOARD: &[Cmd] = &[Cmd::Open, Cmd::Back, Cmd::SignOff, Cmd::Reopen, Cmd::Explain, Cmd::SwitchView];

impl Pane for Close {
    fn title(&self) -> &'static str {
        "Close"
    }
    fn short(&self) -> &'static str {
        "Close"
    }
    fn slug(&self) -> &'static str {
        "close"
    }
    fn goto(&self) -> char {
        'c'
    }
    fn ensure(&self, s: &mut State_) -> Vec<Effect> {
        if s.panes.close.data.is_idle() { load(s) } else { Vec::new() }
    }
    fn invalidate(&self, s: &mut State_, _why: Invalidate) {
        s.panes.close.data = Load::Idle;
        s.panes.close.variances = Load::Idle;
    }
    fn failed(&self, s: &mut State_, req: u64, e: &crate::console::refusal::EffectError) -> Failure {
        let c = &mut s.panes.close;
        any([fail(&mut c.data, req, e), fail(&mut c.variances, req, e)])
    }
    fn keys(&self) -> &'static [KeyScope] {
        &[KeyScope { screen: "board", cmds: BOARD }, KeyScope { screen: "variances", cmds: BOARD }]
    }
    fn screen(&self, s: &State_) -> &'static str {
        if self.current_view(s) == ViewKey::Variances { "variances" } else { "board" }
    }
    fn current_view(&self, s: &State_) -> ViewKey {
        s.pane_view.get(&PaneId::Close).copied().unwrap_or(ViewKey::Close)
    }
    fn cmd(&self, s: &mut State_, c: Cmd) -> Option<Vec<Effect>> {
        Some(match c {
            Cmd::Open => open(s),
            Cmd::Back => return panes::variance::back(s).then(Vec::new),
            Cmd::SwitchView => panes::variance::switch_view(s),
            Cmd::SignOff => sign_off(s),
            Cmd::Reopen => reopen(s),
            Cmd::Explain => panes::variance::explain(s),
            _ => return None,
        })
    }
    fn render(
        &self,
        f: &mut ratatui::Frame,
        area: ratatui::layout::Rect,
        s: &State_,
        theme: &crate::console::theme::Theme,
    ) {
        crate::console::ui::month::close(f, area, s, theme)
    }
}
