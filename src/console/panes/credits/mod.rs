//! Credits: the approval queue (proposed first) with kind, amount, remaining balance and proposer;
//! `a` approve / `r` reject with a reason (managers). Maker-checker is the domain's rule: the proposer of a
//! credit above the threshold cannot approve it; the console says so before asking, the store enforces it.
pub mod io;
mod state;
pub mod unreached;
mod keys;
mod form;
pub mod view;

pub use io::{load, loaded};
pub use keys::{decide, policy};
pub use form::{submit};
pub use view::{table};

use crate::console::action::Effect;
use crate::console::state::{Load, ViewKey};
use crate::console::keys::Cmd;
use crate::console::pane::{Failure, Invalidate, KeyScope, Pane};
use crate::console::panes::{any, fail};
use crate::console::state::State as State_;

/// The pane's own state (a field of `State::panes`).
pub use state::CreditsPane as PaneState;
pub use state::{CreditsPane};

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
        view::render(f, area, s, theme)
    }
}
