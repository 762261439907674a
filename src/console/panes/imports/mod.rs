//! Imports: batches with their status, data-feed issues and quarantined rows; start an import; resolve issues.
pub mod io;
mod state;
mod keys;
pub mod form;
pub mod view;
pub use view::job_text;

pub use io::{ImportsData, load, loaded};
pub use keys::{VIEWS, open, resolve, start, switch_view};
pub use view::{batches_table, issues_table, quarantine_table, short_name};

use crate::console::action::Effect;
use crate::console::pane::PaneId;
use crate::console::state::ViewKey;
use crate::console::keys::Cmd;
use crate::console::pane::{Failure, KeyScope, Pane, PaneMeta, Slot, fail_slots, Shows};
use crate::console::state::State as State_;

/// The pane's own state (a field of `State::panes`).
pub use state::ImportsPane as PaneState;
pub use state::{ImportsPane, ImportJob};

/// Import batches, feed issues and quarantined rows.
pub struct Imports;

const IMPT: &[Cmd] = &[Cmd::Open, Cmd::Back, Cmd::Import, Cmd::Resolve, Cmd::SwitchView];
/// An issue's or a quarantined row's detail: resolve it, or go back.
const ROW: &[Cmd] = &[Cmd::Back, Cmd::Resolve, Cmd::SwitchView];

const META: PaneMeta = PaneMeta { title: "Imports", short: "Imp", slug: "imports", goto: 'm' };

// Not period-bound: batches of every period are listed.
const SLOTS: &[Slot] = &[Slot { at: |s| Some(&mut s.panes.imports.data), by_period: false, load }];

impl Pane for Imports {
    fn meta(&self) -> &'static PaneMeta {
        &META
    }
    fn shows(&self) -> Shows {
        Shows::Only(&["import_batch", "feed_issue"])
    }
    fn slots(&self) -> &'static [Slot] {
        SLOTS
    }
    fn failed(&self, s: &mut State_, req: u64, e: &crate::console::refusal::EffectError) -> Failure {
        let out = fail_slots(SLOTS, s, req, e);
        if s.panes.imports.job.as_ref().is_some_and(|j| j.req == req) {
            s.panes.imports.job = None;
            s.error(format!("import failed: {e}"));
            return Failure::Reported;
        }
        out
    }
    fn keys(&self) -> &'static [KeyScope] {
        &[KeyScope { screen: "lists", cmds: IMPT }, KeyScope { screen: "row", cmds: ROW }]
    }
    fn screen(&self, s: &State_) -> &'static str {
        if s.panes.imports.detail.open { "row" } else { "lists" }
    }
    fn page(&self, s: &mut State_, down: bool) -> bool {
        s.panes.imports.detail.page(down)
    }
    fn current_view(&self, s: &State_) -> ViewKey {
        s.pane_view.get(&PaneId::Imports).copied().unwrap_or(ViewKey::Batches)
    }
    fn cmd(&self, s: &mut State_, c: Cmd) -> Option<Vec<Effect>> {
        Some(match c {
            Cmd::Open => {
                open(s);
                Vec::new()
            }
            Cmd::Back if s.panes.imports.detail.close() => Vec::new(),
            Cmd::SwitchView => {
                s.panes.imports.detail.close();
                switch_view(s);
                Vec::new()
            }
            Cmd::Import => start(s),
            Cmd::Resolve => resolve(s),
            _ => return None,
        })
    }
    fn job_line(
        &self,
        f: &mut ratatui::Frame,
        area: ratatui::layout::Rect,
        s: &State_,
        theme: &crate::console::theme::Theme,
    ) -> bool {
        view::job_line(f, area, s, theme)
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
