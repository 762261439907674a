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
    s.audit.data = Load::Loading(req);
    vec![Effect::Audit { req }]
}

pub fn loaded(s: &mut State, req: u64, data: Vec<AuditEntry>) {
    if !s.audit.data.waits_for(req) {
        return;
    }
    s.set_model(ViewKey::Audit, table(&data));
    s.audit.data = Load::Ready(data);
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
