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

pub use form::{FundingForm, submit};
pub use io::{Query, Reply, Write};
pub use state::PaneState;

use crate::console::action::Effect;
use crate::console::keys::Cmd;
use crate::console::pane::{Failure, Invalidate, KeyScope, Pane};
use crate::console::panes::fail;
use crate::console::state::{Load, State, ViewKey};
use crate::console::theme::Theme;

/// The due-soon view's window (the CLI's `funding due` default).
pub const DUE_DAYS: i64 = 30;

/// The funding pipeline.
pub struct Funding;

impl Pane for Funding {
    fn title(&self) -> &'static str {
        "Funding"
    }
    fn short(&self) -> &'static str {
        "Fund"
    }
    fn slug(&self) -> &'static str {
        "funding"
    }
    fn goto(&self) -> char {
        'f'
    }
    fn ensure(&self, s: &mut State) -> Vec<Effect> {
        if s.panes.funding.data.is_idle() { io::load(s) } else { Vec::new() }
    }
    fn invalidate(&self, s: &mut State, why: Invalidate) {
        // Not period-bound: the pipeline spans periods; a write may have moved an application.
        if why == Invalidate::Written {
            s.panes.funding.data = Load::Idle;
        }
    }
    fn failed(&self, s: &mut State, req: u64, e: &crate::console::refusal::EffectError) -> Failure {
        fail(&mut s.panes.funding.data, req, e)
    }
    fn keys(&self) -> &'static [KeyScope] {
        keys::SCOPES
    }
    fn screen(&self, s: &State) -> &'static str {
        keys::screen(s)
    }
    fn current_view(&self, s: &State) -> ViewKey {
        keys::current_view(s)
    }
    fn cmd(&self, s: &mut State, c: Cmd) -> Option<Vec<Effect>> {
        let detail = s.panes.funding.detail.is_some();
        Some(match c {
            Cmd::Open if !detail => keys::open(s),
            Cmd::Open => Vec::new(),
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
