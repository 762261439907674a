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
use crate::console::ui::detail::{self, Record};


pub fn render(f: &mut Frame, area: Rect, s: &State, theme: &Theme) {
    let shown = s.panes.audit.detail;
    if shown.open
        && let Some(es) = s.panes.audit.data.ready()
        && let Some(id) = s.selected_id(ViewKey::Audit)
        && let Some(e) = es.iter().find(|e| e.id.to_string() == id)
    {
        return detail::render(f, area, &record(e), detail::HINT, shown.scroll, theme);
    }
    match note(&s.panes.audit.data) {
        Ok(n) => {
            list(f, area, s, ViewKey::Audit, "audit log (filter who:NAME action:WORD period:YYYY-MM)", n, true, theme)
        }
        Err(e) => failed(f, area, "audit", &e, theme),
    }
}

/// One entry whole: when (to the second), who, what, why, and the change field by field (before → after).
pub fn record(e: &AuditEntry) -> Record {
    let mut r = Record::new(format!("audit entry {}", e.id))
        .field("when", e.at.format("%Y-%m-%d %H:%M:%S UTC").to_string())
        .field("who", &e.who)
        .field("action", &e.action)
        .field("entity", format!("{} {}", e.entity, e.entity_id))
        .field("period", e.period.map(|p| p.to_string()).unwrap_or_default())
        .field("reason", e.reason.clone().unwrap_or_default());
    let changes = changes(e.before.as_deref(), e.after.as_deref());
    if changes.is_empty() {
        return r.note("no recorded change");
    }
    r = r.heading("change (before → after)");
    for (k, v) in changes {
        r = r.field(k, v);
    }
    r
}

/// The change as fields: each key of the before and after objects with `old → new` (`new` alone when it
/// was added, `(unchanged)` when equal); a value that is not a JSON object is one field, `value`.
pub fn changes(before: Option<&str>, after: Option<&str>) -> Vec<(String, String)> {
    use serde_json::{Map, Value};
    let parse = |t: Option<&str>| t.map(|t| serde_json::from_str::<Value>(t).unwrap_or(Value::String(t.into())));
    let show = |v: &Value| match v {
        Value::String(s) => s.clone(),
        Value::Null => "(none)".into(),
        other => other.to_string(),
    };
    let (b, a) = (parse(before), parse(after));
    let obj = |v: &Option<Value>| match v {
        Some(Value::Object(m)) => Some(m.clone()),
        None | Some(Value::Null) => Some(Map::new()),
        Some(Value::Array(a)) if a.is_empty() => Some(Map::new()),
        _ => None,
    };
    let (Some(bm), Some(am)) = (obj(&b), obj(&a)) else {
        let text = |v: &Option<Value>| v.as_ref().map_or_else(|| "(none)".to_string(), show);
        return vec![("value".into(), format!("{} → {}", text(&b), text(&a)))];
    };
    let mut keys: Vec<&String> = bm.keys().chain(am.keys()).collect();
    keys.sort();
    keys.dedup();
    keys.into_iter()
        .map(|k| {
            let v = match (bm.get(k), am.get(k)) {
                (Some(x), Some(y)) if x == y => format!("{} (unchanged)", show(y)),
                (Some(x), Some(y)) => format!("{} → {}", show(x), show(y)),
                (None, Some(y)) => show(y),
                (Some(x), None) => format!("{} → (none)", show(x)),
                (None, None) => String::new(),
            };
            (k.clone(), v)
        })
        .collect()
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

