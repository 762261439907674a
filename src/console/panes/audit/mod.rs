//! Audit: the append-only log of every change, newest first; `/` filters it by who, what and period
//! (`who:alice action:assign period:2026-05`).
//!
//! The template of a pane (copy this folder for a new one): `mod.rs` the duties, `state.rs` what it holds,
//! `io.rs` its queries and replies and the async fns that run them, `keys.rs` its key scopes per screen,
//! `view.rs` its render. A pane with forms adds `form.rs` (see `docs/ARCHITECTURE.md`); this one has none
//! (`form` is `pane::no_forms`).
pub use crate::console::pane::no_forms as form;
pub mod io;
mod keys;
mod state;
mod view;

pub use io::{LIMIT, Query, Reply};
pub use state::PaneState;
pub use view::{changes, record, table};

use crate::console::action::Effect;
use crate::console::keys::Cmd;
use crate::console::pane::{KeyScope, Pane, PaneMeta, Slot};
use crate::console::state::{State, ViewKey};
use crate::console::theme::Theme;

/// The audit log.
pub struct Audit;

const META: PaneMeta = PaneMeta { title: "Audit", short: "Audit", slug: "audit", goto: 'd' };

// Not period-bound: the log is the same in every period; a write adds to it.
const SLOTS: &[Slot] = &[Slot { at: |s| Some(&mut s.panes.audit.data), by_period: false, load: io::load }];

impl Pane for Audit {
    fn meta(&self) -> &'static PaneMeta {
        &META
    }
    fn slots(&self) -> &'static [Slot] {
        SLOTS
    }
    fn keys(&self) -> &'static [KeyScope] {
        keys::SCOPES
    }
    fn screen(&self, s: &State) -> &'static str {
        if s.panes.audit.detail.open { keys::ENTRY } else { keys::LOG }
    }
    fn current_view(&self, _s: &State) -> ViewKey {
        ViewKey::Audit
    }
    fn cmd(&self, s: &mut State, c: Cmd) -> Option<Vec<Effect>> {
        match c {
            Cmd::Open if s.selected_id(ViewKey::Audit).is_some() => s.panes.audit.detail.open(),
            Cmd::Open => {}
            Cmd::Back if s.panes.audit.detail.close() => {}
            _ => return None,
        }
        Some(Vec::new())
    }
    fn page(&self, s: &mut State, down: bool) -> bool {
        s.panes.audit.detail.page(down)
    }
    fn render(&self, f: &mut ratatui::Frame, area: ratatui::layout::Rect, s: &State, theme: &Theme) {
        view::render(f, area, s, theme)
    }
}
