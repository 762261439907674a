//! Funding: the partner funding pipeline (SPEC §2.9). The pipeline by stage and the deadlines due soon
//! (`v` switches), Enter opens an application (amounts, dates, its history with who, when, why); `n` adds
//! one, `u` submits (refused while the opportunity is not approved), `e` moves it on (status, stage,
//! amounts, projects, dates), `o` records the opportunity's state. The domain decides each transition; the
//! store re-runs it against the version the person saw, so a stale form is refused, never overwrites.
pub mod form;
pub mod io;
mod keys;
mod state;
pub mod view;

pub use form::FundingForm;
pub use io::{Query, Reply, Write};
pub use state::PaneState;

use crate::console::action::Effect;
use crate::console::keys::Cmd;
use crate::console::pane::{KeyScope, LoadSlot, Pane, PaneMeta, Slot, Shows};
use crate::console::state::{State, ViewKey};
use crate::console::theme::Theme;

/// The due-soon view's window (the CLI's `funding due` default).
pub const DUE_DAYS: i64 = 30;

/// The funding pipeline.
pub struct Funding;

const META: PaneMeta = PaneMeta { title: "Funding", short: "Fund", slug: "funding", goto: 'f' };

/// The pipeline: not period-bound (it spans periods); a write may have moved an application.
const SLOTS: &[Slot] =
    &[Slot { at: |s| Some(&mut s.panes.funding.data as &mut dyn LoadSlot), by_period: false, load: io::load }];

impl Pane for Funding {
    fn meta(&self) -> &'static PaneMeta {
        &META
    }
    fn shows(&self) -> Shows {
        Shows::Only(&["funding_application", "funding_opportunity", "customer"])
    }
    fn slots(&self) -> &'static [Slot] {
        SLOTS
    }
    fn keys(&self) -> &'static [KeyScope] {
        keys::SCOPES
    }
    fn screen(&self, s: &State) -> &'static str {
        keys::screen(s)
    }
    fn page(&self, s: &mut State, down: bool) -> bool {
        s.panes.funding.whole.page(down)
    }
    fn current_view(&self, s: &State) -> ViewKey {
        keys::current_view(s)
    }
    fn cmd(&self, s: &mut State, c: Cmd) -> Option<Vec<Effect>> {
        let detail = s.panes.funding.detail.is_some();
        Some(match c {
            Cmd::Open if !detail => keys::open(s),
            Cmd::Open => {
                s.panes.funding.whole.open();
                Vec::new()
            }
            Cmd::Back if detail => keys::back(s),
            Cmd::SwitchView if !detail => {
                keys::switch_view(s);
                Vec::new()
            }
            Cmd::FundingAdd if !detail => keys::add(s),
            Cmd::FundingSubmit => keys::submit(s),
            Cmd::FundingStep => keys::step(s),
            Cmd::FundingOpportunity => keys::opportunity(s),
            _ => return None,
        })
    }
    fn render(&self, f: &mut ratatui::Frame, area: ratatui::layout::Rect, s: &State, theme: &Theme) {
        view::render(f, area, s, theme)
    }
}
