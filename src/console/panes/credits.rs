//! Credits: the approval queue (proposed first) with kind, amount, remaining balance and proposer;
//! `a` approve / `r` reject with a reason (managers). Maker-checker is the domain's rule: the proposer of a
//! credit above the threshold cannot approve it; the console says so before asking, the store enforces it.
use billops_domain::credit::{ApprovalPolicy, CreditStatus};
use billops_store::StoredCredit;

use crate::console::action::{Effect, WriteOp};
use crate::console::input::{Complete, Field, Form, FormKind};
use crate::console::state::{Load, Mode, State, ViewKey};
use crate::console::table::{Cell, Column, Mark, Row, TableModel};
use crate::console::theme::Role;

pub fn load(s: &mut State) -> Vec<Effect> {
    let req = s.req();
    s.panes.credits.data = Load::Loading(req);
    vec![Effect::Credits { req }]
}

pub fn loaded(s: &mut State, req: u64, data: Vec<StoredCredit>) {
    if !s.panes.credits.data.waits_for(req) {
        return;
    }
    s.set_model(ViewKey::Credits, table(&data));
    s.panes.credits.data = Load::Ready(data);
}

fn status_cell(st: CreditStatus) -> Cell {
    match st {
        CreditStatus::Proposed => Cell::text("proposed").mark(Mark::Open).role(Role::Pending),
        CreditStatus::Approved => Cell::text("approved").mark(Mark::Check).role(Role::Approved),
        CreditStatus::Rejected => Cell::text("rejected").mark(Mark::Cross).role(Role::Rejected),
        CreditStatus::Exhausted => Cell::text("exhausted").role(Role::Muted),
        CreditStatus::Expired => Cell::text("expired").role(Role::Muted),
    }
}

pub fn table(d: &[StoredCredit]) -> TableModel {
    let mut cs: Vec<&StoredCredit> = d.iter().collect();
    cs.sort_by(|a, b| {
        (a.credit.status() != CreditStatus::Proposed)
            .cmp(&(b.credit.status() != CreditStatus::Proposed))
            .then(b.id.cmp(&a.id))
    });
    let rows = cs
        .into_iter()
        .map(|s| {
            let c = &s.credit;
            Row {
                id: s.id.to_string(),
                cells: vec![
                    Cell::text(c.id()),
                    status_cell(c.status()),
                    Cell::text(c.customer()),
                    Cell::text(c.kind().to_string()),
                    Cell::money(c.amount().amount),
                    Cell::money(c.remaining()),
                    Cell::text(c.currency()),
                    Cell::text(c.proposed_by()),
                    Cell::text(format!("{}..{}", c.validity().start, c.validity().end)),
                ],
                role: None,
            }
        })
        .collect();
    TableModel {
        columns: vec![
            Column::text("id", 6),
            Column::text("status", 11),
            Column::text("customer", 12),
            Column::text("kind", 18),
            Column::num("amount", 12),
            Column::num("remaining", 12),
            Column::text("cur", 3),
            Column::text("proposer", 8),
            Column::text("valid", 22),
        ],
        rows,
        total: None,
    }
}

/// The policy the console and the store apply (the configured threshold).
pub fn policy(s: &State) -> Option<ApprovalPolicy> {
    s.settings.approval_policy().ok()
}

/// `a` / `r`: approve or reject the selected proposed credit, with a reason.
pub fn decide(s: &mut State, approve: bool) -> Vec<Effect> {
    if let Some(why) = s.approve_refusal() {
        s.warn(why);
        return Vec::new();
    }
    if s.current_view() != ViewKey::Credits {
        s.warn("approvals work on the credits list (v switches lists)");
        return Vec::new();
    }
    let Some(id) = s.selected_id(ViewKey::Credits).and_then(|i| i.parse::<i64>().ok()) else {
        s.warn("no credit selected");
        return Vec::new();
    };
    let Some(sc) = s.panes.credits.data.ready().and_then(|d| d.iter().find(|c| c.id == id).cloned()) else {
        return Vec::new();
    };
    let c = &sc.credit;
    if c.status() != CreditStatus::Proposed {
        s.warn(format!("credit {} is already {:?}", c.id(), c.status()).to_lowercase());
        return Vec::new();
    }
    if approve && c.proposed_by() == s.user.name && policy(s).is_none_or(|p| p.needs_second_person(c.amount().amount)) {
        s.error(format!(
            "you proposed credit {} ({} over the {} threshold): another manager must approve (maker-checker)",
            c.id(),
            c.amount(),
            s.settings.credit_approval_threshold
        ));
        return Vec::new();
    }
    let verb = if approve { "approve" } else { "reject" };
    s.mode = Mode::Form(Form::new(
        FormKind::DecideCredit { id, approve, version: sc.version },
        format!("{verb} credit {}: {} {} for {}", c.id(), c.kind(), c.amount(), c.customer()),
        vec![Field::new("reason", "", Complete::None)],
    ));
    Vec::new()
}

pub fn submit(id: i64, approve: bool, version: i64, reason: &str) -> Result<WriteOp, String> {
    if reason.is_empty() {
        return Err(format!("reason: required to {}", if approve { "approve" } else { "reject" }));
    }
    Ok(WriteOp::DecideCredit { id, approve, reason: reason.to_string(), version })
}

// ---- the pane's duties (registered in `panes!`) ----
pub use crate::console::pane::no_io as io;
use crate::console::keys::Cmd;
use crate::console::pane::{Failure, Invalidate, KeyScope, Pane};
use crate::console::panes::{any, fail};
use crate::console::state::State as State_;

/// The pane's own state (a field of `State::panes`).
pub use crate::console::state::CreditsPane as PaneState;

/// The credit approval queue and the unreached-credits cross-check.
pub struct Credits;

const QUEUE: &[Cmd] = &[Cmd::Approve, Cmd::Reject, Cmd::SwitchView];

impl Pane for Credits {
    fn title(&self) -> &'static str {
        "Credits"
    }
    fn short(&self) -> &'static str {
        "Cred"
    }
    fn slug(&self) -> &'static str {
        "credits"
    }
    fn goto(&self) -> char {
        'r'
    }
    fn ensure(&self, s: &mut State_) -> Vec<Effect> {
        let mut fx = if s.panes.credits.data.is_idle() { load(s) } else { Vec::new() };
        if s.panes.credits.unreached.is_idle() {
            fx.extend(super::unreached::load(s));
        }
        fx
    }
    fn invalidate(&self, s: &mut State_, why: Invalidate) {
        s.panes.credits.unreached = Load::Idle;
        if why == Invalidate::Written {
            s.panes.credits.data = Load::Idle;
        }
    }
    fn failed(&self, s: &mut State_, req: u64, e: &crate::console::refusal::EffectError) -> Failure {
        let c = &mut s.panes.credits;
        any([fail(&mut c.data, req, e), fail(&mut c.unreached, req, e)])
    }
    fn keys(&self) -> &'static [KeyScope] {
        &[KeyScope { screen: "queue", cmds: QUEUE }, KeyScope { screen: "unreached", cmds: QUEUE }]
    }
    fn screen(&self, s: &State_) -> &'static str {
        if self.current_view(s) == ViewKey::Unreached { "unreached" } else { "queue" }
    }
    fn current_view(&self, s: &State_) -> ViewKey {
        s.pane_view.get(&crate::console::pane::PaneId::Credits).copied().unwrap_or(ViewKey::Credits)
    }
    fn cmd(&self, s: &mut State_, c: Cmd) -> Option<Vec<Effect>> {
        Some(match c {
            Cmd::Open => Vec::new(),
            Cmd::Approve => decide(s, true),
            Cmd::Reject => decide(s, false),
            Cmd::SwitchView => {
                super::unreached::switch_view(s);
                Vec::new()
            }
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
        crate::console::ui::ledger::credits(f, area, s, theme)
    }
}
