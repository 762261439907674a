//! Disputes: invoice disputes, prior-period adjustments, SLA service-credit claims and requests, one sub-view
//! each (`v` switches). Disputes: `D` opens one on an issued invoice line, `w` research, `a` accept, `r` reject
//! (says why), `C` / `p` settle an accepted one by a credit note or a PPA (maker-checker: not by the person who
//! accepted it above the threshold). PPAs: `a` / `r` (managers; not the proposer above the threshold). Requests:
//! space pauses / resumes the SLA clock; every list with requests shows the time left. Enter opens the trail
//! and the chain original line → PPA → new invoice line; Esc goes back.
mod claims;
pub mod form;
pub mod io;
mod keys;
mod state;
pub mod view;

pub use claims::{ClaimStep, NewClaim};
pub use form::DisputeForm;
pub use state::{Detail, PaneState, Target};

use crate::console::action::Effect;
use crate::console::keys::Cmd;
use crate::console::pane::{Failure, Invalidate, KeyScope, LoadSlot, Pane, PaneId, PaneMeta, Slot};
use crate::console::state::{Load, State, ViewKey};
use crate::console::theme::Theme;
use io::Step;

/// The disputes desk.
pub struct Disputes;

const META: PaneMeta = PaneMeta { title: "Disputes", short: "Disp", slug: "disputes", goto: 's' };

fn view_of(s: &State) -> ViewKey {
    s.pane_view.get(&PaneId::Disputes).copied().unwrap_or(ViewKey::Disputes)
}

/// The list of the sub-view shown now (only it loads when the pane is shown).
const SLOTS: &[Slot] = &[
    Slot {
        at: |s| match view_of(s) {
            ViewKey::Ppas | ViewKey::SlaClaims | ViewKey::Requests => None,
            _ => Some(&mut s.panes.disputes.disputes as &mut dyn LoadSlot),
        },
        by_period: false,
        load: |s| io::load(s, ViewKey::Disputes),
    },
    Slot {
        at: |s| (view_of(s) == ViewKey::Ppas).then_some(&mut s.panes.disputes.ppas as &mut dyn LoadSlot),
        by_period: false,
        load: |s| io::load(s, ViewKey::Ppas),
    },
    Slot {
        at: |s| (view_of(s) == ViewKey::SlaClaims).then_some(&mut s.panes.disputes.claims as &mut dyn LoadSlot),
        by_period: false,
        load: |s| io::load(s, ViewKey::SlaClaims),
    },
    Slot {
        at: |s| (view_of(s) == ViewKey::Requests).then_some(&mut s.panes.disputes.requests as &mut dyn LoadSlot),
        by_period: false,
        load: |s| io::load(s, ViewKey::Requests),
    },
];

/// A list that waited for `req` shows the error.
fn fail<T>(slot: &mut Load<T>, req: u64, e: &crate::console::refusal::EffectError) -> Failure {
    if slot.waits_for(req) {
        *slot = Load::Failed(e.text.clone());
        Failure::Shown
    } else {
        Failure::NotMine
    }
}

impl Pane for Disputes {
    fn meta(&self) -> &'static PaneMeta {
        &META
    }
    fn slots(&self) -> &'static [Slot] {
        SLOTS
    }
    fn ensure(&self, s: &mut State) -> Vec<Effect> {
        let v = self.current_view(s);
        let p = &s.panes.disputes;
        let idle = match v {
            ViewKey::Ppas => p.ppas.is_idle(),
            ViewKey::SlaClaims => p.claims.is_idle(),
            ViewKey::Requests => p.requests.is_idle(),
            _ => p.disputes.is_idle(),
        };
        if idle { io::load(s, v) } else { Vec::new() }
    }
    fn invalidate(&self, s: &mut State, why: Invalidate) {
        // Not period-bound: every list spans periods; a write anywhere may move them (a draft posts PPAs).
        if why == Invalidate::Written {
            let p = &mut s.panes.disputes;
            p.disputes.stale();
            p.ppas.stale();
            p.claims.stale();
            p.requests.stale();
            p.detail = None;
        }
    }
    fn failed(&self, s: &mut State, req: u64, e: &crate::console::refusal::EffectError) -> Failure {
        if s.panes.disputes.late == Some(req) {
            s.panes.disputes.late = None;
            s.error(format!("late rows: {}", e.text));
            return Failure::Shown;
        }
        let p = &mut s.panes.disputes;
        let mut outcomes = vec![
            fail(&mut p.disputes, req, e),
            fail(&mut p.ppas, req, e),
            fail(&mut p.claims, req, e),
            fail(&mut p.requests, req, e),
        ];
        if let Some((_, d)) = &mut p.detail {
            outcomes.push(fail(d, req, e));
        }
        if outcomes.contains(&Failure::Shown) { Failure::Shown } else { Failure::NotMine }
    }
    fn keys(&self) -> &'static [KeyScope] {
        keys::SCOPES
    }
    fn screen(&self, s: &State) -> &'static str {
        if s.panes.disputes.detail.is_some() {
            return keys::DETAIL;
        }
        match self.current_view(s) {
            ViewKey::Ppas => keys::PPAS,
            ViewKey::SlaClaims => keys::CLAIMS,
            ViewKey::Requests => keys::REQUESTS,
            _ => keys::DISPUTES,
        }
    }
    fn current_view(&self, s: &State) -> ViewKey {
        s.pane_view.get(&PaneId::Disputes).copied().unwrap_or(ViewKey::Disputes)
    }
    fn cmd(&self, s: &mut State, c: Cmd) -> Option<Vec<Effect>> {
        if s.panes.disputes.detail.is_some() {
            return match c {
                Cmd::Back => {
                    s.panes.disputes.detail = None;
                    Some(Vec::new())
                }
                Cmd::Open => Some(Vec::new()),
                _ => None,
            };
        }
        let v = self.current_view(s);
        Some(match (c, v) {
            (Cmd::Open, _) => keys::open(s),
            (Cmd::SwitchView, _) => {
                let i = keys::VIEWS.iter().position(|x| *x == v).unwrap_or(0);
                s.pane_view.insert(PaneId::Disputes, keys::VIEWS[(i + 1) % keys::VIEWS.len()]);
                self.ensure(s)
            }
            (Cmd::Dispute, ViewKey::Disputes) => keys::add(s),
            (Cmd::Review, ViewKey::Disputes) => keys::dispute_step(s, Step::Research),
            (Cmd::Approve, ViewKey::Disputes) => keys::dispute_step(s, Step::Accept),
            (Cmd::Reject, ViewKey::Disputes) => keys::dispute_step(s, Step::Reject),
            (Cmd::CreditNote, ViewKey::Disputes) => keys::dispute_step(s, Step::SettleByCreditNote),
            (Cmd::Propose, ViewKey::Disputes) => keys::dispute_step(s, Step::SettleByPpa),
            (Cmd::Approve, ViewKey::Ppas) => keys::decide_ppa(s, true),
            (Cmd::Reject, ViewKey::Ppas) => keys::decide_ppa(s, false),
            (Cmd::Tick, ViewKey::Requests) => keys::toggle_timer(s),
            (Cmd::JumpInvoice, ViewKey::Disputes | ViewKey::Ppas) => keys::jump_invoice(s),
            (Cmd::LateRows, ViewKey::Ppas) => {
                match s.write_refusal() {
                    Some(why) => s.warn(why),
                    None => form::open_late(s),
                }
                Vec::new()
            }
            (Cmd::NewClaim, ViewKey::SlaClaims) => claims::add(s),
            (Cmd::SubmitClaim, ViewKey::SlaClaims) => claims::step(s, ClaimStep::Submit),
            (Cmd::Approve, ViewKey::SlaClaims) => claims::step(s, ClaimStep::Approve),
            (Cmd::Reject, ViewKey::SlaClaims) => claims::step(s, ClaimStep::Deny),
            (Cmd::ClaimCredited, ViewKey::SlaClaims) => claims::step(s, ClaimStep::Credited),
            (Cmd::PassThrough, ViewKey::SlaClaims) => claims::step(s, ClaimStep::PassThrough),
            _ => return None,
        })
    }
    fn render(&self, f: &mut ratatui::Frame, area: ratatui::layout::Rect, s: &State, theme: &Theme) {
        view::render(f, area, s, theme)
    }
}
