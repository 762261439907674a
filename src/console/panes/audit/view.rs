//! The Audit pane's render (state in, frame out) and its table model.
use crate::console::ui::widgets::failed;
use crate::console::ui::widgets::list;
use crate::console::ui::widgets::note;
use billops_store::AuditEntry;
use ratatui::Frame;
use ratatui::layout::Rect;
use crate::console::state::State;
use crate::console::state::ViewKey;
use crate::console::table::Cell;
use crate::console::table::Column;
use crate::console::table::Row;
use crate::console::table::TableModel;
use crate::console::theme::Theme;


pub fn render(f: &mut Frame, area: Rect, s: &State, theme: &Theme) {
    match note(&s.panes.audit.data) {
        Ok(n) => {
            list(f, area, s, ViewKey::Audit, "audit log (filter who:NAME action:WORD period:YYYY-MM)", n, true, theme)
        }
        Err(e) => failed(f, area, "audit", &e, theme),
    }
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

