//! Costs: drill customer → service → product → component → resource, against the previous period.
pub mod io;
mod state;
mod keys;
pub mod view;

pub use io::{load, loaded};
pub use keys::{back, goto_customer, open};
pub use view::{breadcrumb, table, total};

use crate::console::action::Effect;
use crate::console::state::{Load, ViewKey};
use crate::console::keys::Cmd;
use crate::console::pane::{Failure, Invalidate, KeyScope, Pane};
use crate::console::panes::fail;
use crate::console::state::State as State_;

/// The pane's own state (a field of `State::panes`).
pub use state::CostsPane as PaneState;
pub use state::{CostsPane, DRILL};

/// The cost drill-down.
pub struct Costs;

impl Pane for Costs {
    fn title(&self) -> &'static str {
        "Costs"
    }
    fn short(&self) -> &'static str {
        "Costs"
    }
    fn slug(&self) -> &'static str {
        "costs"
    }
    fn goto(&self) -> char {
        'o'
    }
    fn ensure(&self, s: &mut State_) -> Vec<Effect> {
        if s.panes.costs.data.is_idle() { load(s) } else { Vec::new() }
    }
    fn invalidate(&self, s: &mut State_, _why: Invalidate) {
        s.panes.costs.data = Load::Idle;
    }
    fn failed(&self, s: &mut State_, req: u64, e: &crate::console::refusal::EffectError) -> Failure {
        fail(&mut s.panes.costs.data, req, e)
    }
    fn keys(&self) -> &'static [KeyScope] {
        &[KeyScope { screen: "drill", cmds: &[Cmd::Open, Cmd::Back, Cmd::ToggleBasis] }]
    }
    fn screen(&self, _s: &State_) -> &'static str {
        "drill"
    }
    fn current_view(&self, _s: &State_) -> ViewKey {
        ViewKey::Costs
    }
    fn cmd(&self, s: &mut State_, c: Cmd) -> Option<Vec<Effect>> {
        Some(match c {
            Cmd::Open => open(s),
            Cmd::Back => {
                let (done, fx) = back(s);
                return done.then_some(fx);
            }
            Cmd::ToggleBasis => {
                s.panes.costs.basis = s.panes.costs.basis.next();
                s.info(format!("cost basis: {}", s.panes.costs.basis));
                crate::console::panes::period_changed(s)
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
