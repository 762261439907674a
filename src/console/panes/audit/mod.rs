//! Audit: the append-only log of every change, newest first; `/` filters it by who, what and period
//! (`who:alice action:assign period:2026-05`).
//!
//! The template of a pane (copy this folder for a new one): `mod.rs` the duties, `state.rs` what it holds,
//! `io.rs` its queries and replies and the async fns that run them, `keys.rs` its key scopes per screen,
//! `view.rs` its render. A pane with forms adds `form.rs` (see `docs/ARCHITECTURE.md`).
pub mod io;
mod keys;
mod state;
mod view;

pub use io::{LIMIT, Query, Reply};
pub use state::PaneState;
pub use view::table;

use crate::console::action::Effect;
use crate::console::keys::Cmd;
use crate::console::pane::{Failure, Invalidate, KeyScope, Pane};
use crate::console::panes::fail;
use crate::console::state::{Load, State, ViewKey};
use crate::console::theme::Theme;

/// The audit log.
pub struct Audit;

impl Pane for Audit {
    fn title(&self) -> &'static str {
        "Audit"
    }
    fn short(&self) -> &'static str {
        "Audit"
    }
    fn slug(&self) -> &'static str {
        "audit"
    }
    fn goto(&self) -> char {
        'd'
    }
    fn ensure(&self, s: &mut State) -> Vec<Effect> {
        if s.panes.audit.data.is_idle() { io::load(s) } else { Vec::new() }
    }
    fn invalidate(&self, s: &mut State, why: Invalidate) {
        // Not period-bound: the log is the same in every period; a write adds to it.
        if why == Invalidate::Written {
            s.panes.audit.data = Load::Idle;
        }
    }
    fn failed(&self, s: &mut State, req: u64, e: &crate::console::refusal::EffectError) -> Failure {
        fail(&mut s.panes.audit.data, req, e)
    }
    fn keys(&self) -> &'static [KeyScope] {
        keys::SCOPES
    }
    fn screen(&self, _s: &State) -> &'static str {
        keys::LOG
    }
    fn current_view(&self, _s: &State) -> ViewKey {
        ViewKey::Audit
    }
    fn cmd(&self, _s: &mut State, c: Cmd) -> Option<Vec<Effect>> {
        (c == Cmd::Open).then(Vec::new)
    }
    fn render(&self, f: &mut ratatui::Frame, area: ratatui::layout::Rect, s: &State, theme: &Theme) {
        view::render(f, area, s, theme)
    }
}
