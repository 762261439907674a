//! Audit: the append-only log of every change, newest first; `/` filters it by who, what and period
//! (`who:alice action:assign period:2026-05`).
use crate::console::action::Effect;
use crate::console::state::{Load, State, ViewKey};
use crate::console::table::{Cell, Column, Row, TableModel};
use billops_store::AuditEntry;

/// How many entries the pane loads (newest first); the CLI reads further back.
pub const LIMIT: i64 = 5000;

pub fn load(s: &mut State) -> Vec<Effect> {
    let req = s.req();
    s.panes.audit.data = Load::Loading(req);
    vec![Effect::Audit { req }]
}

pub fn loaded(s: &mut State, req: u64, data: Vec<AuditEntry>) {
    if !s.panes.audit.data.waits_for(req) {
        return;
    }
    s.set_model(ViewKey::Audit, table(&data));
    s.panes.audit.data = Load::Ready(data);
}

pub fn table(entries: &[AuditEntry]) -> TableModel {
    let mut es: Vec<&AuditEntry> = entries.iter().collect();
    es.sort_by(|a, b| b.at.cmp(&a.at).then(b.id.cmp(&a.id)));
    let rows = es
        .into_iter()
        .map(|e| {
            let change = match (&e.before, &e.after) {
                (Some(b), Some(a)) => format!("{b} → {a}"),
                (None, Some(a)) => a.clone(),
                (Some(b), None) => format!("{b} → (none)"),
                (None, None) => String::new(),
            };
            Row {
                id: e.id.to_string(),
                cells: vec![
                    Cell::text(e.at.format("%Y-%m-%d %H:%M").to_string()),
                    Cell::text(&e.who),
                    Cell::text(&e.action),
                    Cell::text(format!("{} {}", e.entity, e.entity_id)),
                    Cell::text(e.period.map(|p| p.to_string()).unwrap_or_default()),
                    Cell::text(change),
                    Cell::text(e.reason.clone().unwrap_or_default()),
                ],
                role: None,
            }
        })
        .collect();
    TableModel {
        columns: vec![
            Column::text("when", 16),
            Column::text("who", 8),
            Column::text("action", 14),
            Column::text("entity", 16),
            Column::text("period", 7),
            Column::text("change", 20),
            Column::text("reason", 16),
        ],
        rows,
        total: None,
    }
}

// ---- the pane's duties (registered in `panes!`) ----
use crate::console::keys::Cmd;
use crate::console::pane::{Failure, Invalidate, KeyScope, Pane};
use crate::console::panes::fail;
use crate::console::state::State as State_;

/// The pane's own state (a field of `State::panes`).
pub use crate::console::state::AuditPane as PaneState;

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
    fn ensure(&self, s: &mut State_) -> Vec<Effect> {
        if s.panes.audit.data.is_idle() { load(s) } else { Vec::new() }
    }
    fn invalidate(&self, s: &mut State_, why: Invalidate) {
        if why == Invalidate::Written {
            s.panes.audit.data = Load::Idle;
        }
    }
    fn failed(&self, s: &mut State_, req: u64, e: &str) -> Failure {
        fail(&mut s.panes.audit.data, req, e)
    }
    fn keys(&self) -> &'static [KeyScope] {
        &[KeyScope { screen: "log", cmds: &[] }]
    }
    fn screen(&self, _s: &State_) -> &'static str {
        "log"
    }
    fn current_view(&self, _s: &State_) -> ViewKey {
        ViewKey::Audit
    }
    fn cmd(&self, _s: &mut State_, c: Cmd) -> Option<Vec<Effect>> {
        (c == Cmd::Open).then(Vec::new)
    }
    fn render(
        &self,
        f: &mut ratatui::Frame,
        area: ratatui::layout::Rect,
        s: &State_,
        theme: &crate::console::theme::Theme,
    ) {
        crate::console::ui::panes::audit(f, area, s, theme)
    }
}
