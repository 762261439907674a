//! The Disputes pane: its key scopes per screen and what each key does.
use billops_domain::dispute::DisputeStatus;
use billops_domain::ppa::PpaStatus;
use billops_domain::request::TimerState;
use billops_store::disputes::TimerAction;

use super::form::{DisputeForm, open_add, open_reason};
use super::io::{Step, Write};
use super::state::Target;
use crate::console::action::{Effect, PaneWrite};
use crate::console::keys::Cmd;
use crate::console::pane::KeyScope;
use crate::console::state::{State, ViewKey};

pub const DISPUTES: &str = "disputes";
pub const PPAS: &str = "ppas";
pub const CLAIMS: &str = "claims";
pub const REQUESTS: &str = "requests";
pub const DETAIL: &str = "detail";

pub const SCOPES: &[KeyScope] = &[
    KeyScope {
        screen: DISPUTES,
        cmds: &[
            Cmd::Dispute,
            Cmd::Review,
            Cmd::Approve,
            Cmd::Reject,
            Cmd::CreditNote,
            Cmd::Propose,
            Cmd::JumpInvoice,
            Cmd::SwitchView,
        ],
    },
    KeyScope { screen: PPAS, cmds: &[Cmd::Approve, Cmd::Reject, Cmd::JumpInvoice, Cmd::LateRows, Cmd::SwitchView] },
    KeyScope {
        screen: CLAIMS,
        cmds: &[Cmd::NewClaim, Cmd::SubmitClaim, Cmd::Approve, Cmd::Reject, Cmd::ClaimCredited, Cmd::PassThrough, Cmd::SwitchView],
    },
    KeyScope { screen: REQUESTS, cmds: &[Cmd::Tick, Cmd::SwitchView] },
    KeyScope { screen: DETAIL, cmds: &[] },
];

/// The sub-views `v` cycles through.
pub const VIEWS: [ViewKey; 4] = [ViewKey::Disputes, ViewKey::Ppas, ViewKey::SlaClaims, ViewKey::Requests];

fn selected(s: &State, v: ViewKey) -> Option<i64> {
    s.selected_id(v).and_then(|i| i.parse().ok())
}

/// A dispute key: the selected dispute's step (its reason asked for), refused early when its state forbids it.
pub fn dispute_step(s: &mut State, step: Step) -> Vec<Effect> {
    if let Some(why) = s.write_refusal() {
        s.warn(why);
        return Vec::new();
    }
    let Some(id) = selected(s, ViewKey::Disputes) else {
        s.warn("no dispute selected");
        return Vec::new();
    };
    let Some((d, _)) = s.panes.disputes.disputes.ready().and_then(|l| l.iter().find(|(d, _)| d.id == id)).cloned()
    else {
        return Vec::new();
    };
    let st = d.dispute.status;
    let ok = match step {
        Step::Research => st == DisputeStatus::Open,
        Step::Accept | Step::Reject => matches!(st, DisputeStatus::Open | DisputeStatus::Researching),
        Step::SettleByCreditNote | Step::SettleByPpa => st == DisputeStatus::Accepted,
        Step::Close => st == DisputeStatus::Rejected,
    };
    if !ok {
        s.warn(format!("dispute {id} is {st}: that step does not apply"));
        return Vec::new();
    }
    let verb = match step {
        Step::Research => "research",
        Step::Accept => "accept",
        Step::Reject => "reject",
        Step::SettleByCreditNote => "settle by credit note",
        Step::SettleByPpa => "settle by PPA",
        Step::Close => "close",
    };
    let amount = &d.dispute.input.amount;
    let title = format!("{verb} dispute {id}: {} {}", amount, billops_domain::dispute::target_text(&d.dispute.input.target));
    open_reason(s, DisputeForm::Dispute { id, version: d.version, step }, title);
    Vec::new()
}

/// `a` / `r` on a PPA: a manager, and above the threshold not its proposer (said before asking).
pub fn decide_ppa(s: &mut State, approve: bool) -> Vec<Effect> {
    if let Some(why) = s.approve_refusal() {
        s.warn(why);
        return Vec::new();
    }
    let Some(id) = selected(s, ViewKey::Ppas) else {
        s.warn("no PPA selected");
        return Vec::new();
    };
    let Some(p) = s.panes.disputes.ppas.ready().and_then(|l| l.iter().find(|p| p.id == id)).cloned() else {
        return Vec::new();
    };
    if p.ppa.status != PpaStatus::Proposed {
        s.warn(format!("PPA {id} is already decided"));
        return Vec::new();
    }
    let delta = (p.ppa.input.rerated - p.ppa.input.original).abs();
    let policy = s.settings.approval_policy().ok();
    if approve && p.ppa.proposer == s.user.name && policy.is_none_or(|pol| pol.needs_second_person(delta)) {
        s.error(format!("you proposed PPA {id} ({delta} over the threshold): another manager must approve (maker-checker)"));
        return Vec::new();
    }
    let verb = if approve { "approve" } else { "reject" };
    let i = &p.ppa.input;
    let title = format!("{verb} PPA {id}: {} line {} Δ {}", i.original_invoice, i.original_line, i.rerated - i.original);
    open_reason(s, DisputeForm::Ppa { id, version: p.version, approve }, title);
    Vec::new()
}

/// Space on a request: pause a running clock, resume a paused one.
pub fn toggle_timer(s: &mut State) -> Vec<Effect> {
    if let Some(why) = s.write_refusal() {
        s.warn(why);
        return Vec::new();
    }
    let Some(id) = selected(s, ViewKey::Requests) else { return Vec::new() };
    let Some((r, _)) = s.panes.disputes.requests.ready().and_then(|l| l.iter().find(|(r, _)| r.id == id)).cloned()
    else {
        return Vec::new();
    };
    let action = match r.timer.state() {
        TimerState::Running(_) => TimerAction::Pause,
        TimerState::Paused(_) => TimerAction::Resume,
        TimerState::NotStarted => TimerAction::Start,
        TimerState::Stopped(_) => {
            s.warn(format!("request {id} is stopped"));
            return Vec::new();
        }
    };
    crate::console::panes::write(s, PaneWrite::Disputes(Write::Timer { id, version: r.version, action }))
}

pub fn add(s: &mut State) -> Vec<Effect> {
    if let Some(why) = s.write_refusal() {
        s.warn(why);
        return Vec::new();
    }
    open_add(s);
    Vec::new()
}

/// Enter: the detail of the selected dispute or PPA (its trail and chain).
pub fn open(s: &mut State) -> Vec<Effect> {
    let v = s.current_view();
    let t = match v {
        ViewKey::Disputes => selected(s, v).map(Target::Dispute),
        ViewKey::Ppas => selected(s, v).map(Target::Ppa),
        ViewKey::SlaClaims => selected(s, v).map(Target::Claim),
        ViewKey::Requests => selected(s, v).map(Target::Request),
        _ => None,
    };
    match t {
        Some(t) => super::io::load_detail(s, t),
        None => Vec::new(),
    }
}

/// `i`: open the selected dispute's invoice (or a PPA's original invoice) in the Invoices pane, in its period,
/// with the disputed / adjusted line selected (a whole-invoice dispute opens on its first row).
pub fn jump_invoice(s: &mut State) -> Vec<Effect> {
    use billops_domain::dispute::DisputeTarget;
    let v = s.current_view();
    let Some(id) = selected(s, v) else {
        s.warn("nothing selected");
        return Vec::new();
    };
    let p = &s.panes.disputes;
    let target = match v {
        ViewKey::Disputes => p.disputes.ready().and_then(|l| l.iter().find(|(d, _)| d.id == id)).map(|(d, _)| {
            let line = match &d.dispute.input.target {
                DisputeTarget::Line { line, .. } => Some(*line),
                DisputeTarget::Invoice { .. } => None,
            };
            (d.invoice_id, d.period, line, d.invoice_number.clone().unwrap_or_else(|| format!("#{}", d.invoice_id)))
        }),
        ViewKey::Ppas => p.ppas.ready().and_then(|l| l.iter().find(|x| x.id == id)).map(|x| {
            let i = &x.ppa.input;
            let line = Some(i.original_line).filter(|n| *n > 0);
            (x.original_invoice_id, i.original_period, line, i.original_invoice.clone())
        }),
        _ => None,
    };
    let Some((invoice, period, line, number)) = target else { return Vec::new() };
    open_invoice(s, invoice, period, line, &number)
}

/// Show invoice `id` of `period` in the Invoices pane, with line `line` (from 1) selected when it lands.
pub fn open_invoice(s: &mut State, id: i64, period: billops_domain::Period, line: Option<u32>, number: &str) -> Vec<Effect> {
    use crate::console::pane::PaneId;
    use crate::console::panes::{self, invoices};
    s.pane = PaneId::Invoices;
    let mut fx = if s.period == Some(period) {
        Vec::new()
    } else {
        s.period = Some(period);
        panes::period_changed(s)
    };
    let inv = &mut s.panes.invoices;
    inv.sources = None;
    inv.want_line = line;
    inv.detail = Some(invoices::InvoiceDetail { id, data: crate::console::state::Load::Idle, credit_notes: crate::console::state::Load::Idle, payments: Vec::new() });
    s.views.remove(&ViewKey::InvoiceLines);
    fx.extend(panes::ensure(s, PaneId::Invoices));
    let at = line.map(|n| format!(" line {n}")).unwrap_or_default();
    s.info(format!("invoice {number}{at} ({period}); esc: the period's invoices, 's: back to disputes"));
    fx
}
