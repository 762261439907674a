//! Costs: drill customer → service → product → component → resource, against the previous period.
pub use crate::console::pane::no_forms as form;
pub mod io;
mod state;
mod keys;
pub mod view;

pub use io::{CostsData, load, loaded};
pub use keys::{back, goto_customer, open};
pub use view::{breadcrumb, table, total};

use crate::console::action::Effect;
use crate::console::state::ViewKey;
use crate::console::keys::Cmd;
use crate::console::pane::{KeyScope, Pane, PaneMeta, Slot, Shows};
use crate::console::state::State as State_;

/// The pane's own state (a field of `State::panes`).
pub use state::CostsPane as PaneState;
pub use state::{CostsPane, DRILL};

/// The cost drill-down.
pub struct Costs;

const META: PaneMeta = PaneMeta { title: "Costs", short: "Costs", slug: "costs", goto: 'o' };

const SLOTS: &[Slot] = &[Slot { at: |s| Some(&mut s.panes.costs.data), by_period: true, load }];

impl Pane for Costs {
    fn meta(&self) -> &'static PaneMeta {
        &META
    }
    fn shows(&self) -> Shows {
        Shows::Only(&["import_batch", "linked_account", "customer", "account_code"])
    }
    fn slots(&self) -> &'static [Slot] {
        SLOTS
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
