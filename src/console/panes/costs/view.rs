//! The costs pane: its tables (and render).
use std::collections::HashMap;
use billops_domain::Dim;
use rust_decimal::Decimal;
use crate::console::action::CostsData;
use crate::console::state::State;
use crate::console::table::{Cell, Column, Row, TableModel, change_cell};
use crate::console::theme::Role;

/// Exact sum of the rows; `None` on overflow (never in practice).
pub fn total(rows: &[billops_store::CostRow]) -> Option<Decimal> {
    rows.iter().try_fold(Decimal::ZERO, |acc, r| acc.checked_add(r.cost))
}

pub fn table(level: Dim, d: &CostsData) -> TableModel {
    let mut prev: HashMap<&str, Decimal> = HashMap::new();
    for r in &d.prev {
        if let Some(k) = r.keys.first() {
            let e = prev.entry(k.as_str()).or_default();
            *e = e.checked_add(r.cost).unwrap_or(*e);
        }
    }
    let mut rows: Vec<Row> = Vec::with_capacity(d.rows.len());
    let mut seen: std::collections::HashSet<&str> = std::collections::HashSet::new();
    for r in &d.rows {
        let k = r.keys.first().map_or("", String::as_str);
        seen.insert(k);
        let before = prev.get(k).copied();
        rows.push(Row {
            id: k.to_string(),
            cells: vec![
                name_cell(k),
                Cell::money(r.cost),
                before.map_or_else(|| Cell::text("-").role(Role::Muted), Cell::money),
                change_cell(r.cost, before),
            ],
            role: None,
        });
    }
    // Cost that went away this period still shows (at zero), so nothing disappears silently.
    let mut gone: Vec<(&str, Decimal)> =
        prev.iter().filter(|(k, _)| !seen.contains(*k)).map(|(k, v)| (*k, *v)).collect();
    gone.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    for (k, v) in gone {
        rows.push(Row {
            id: k.to_string(),
            cells: vec![name_cell(k), Cell::money(Decimal::ZERO), Cell::money(v), change_cell(Decimal::ZERO, Some(v))],
            role: Some(Role::Muted),
        });
    }
    let cur_total = total(&d.rows).unwrap_or_default();
    let prev_total = total(&d.prev).unwrap_or_default();
    TableModel {
        columns: vec![
            Column::text(level.as_str(), 24),
            Column::num("cost", 14),
            Column::num("previous", 14),
            Column::num("change", 9),
        ],
        rows,
        total: Some(vec![
            Cell::text("total").role(Role::Total),
            Cell::money(cur_total).role(Role::Total),
            Cell::money(prev_total).role(Role::Total),
            change_cell(cur_total, Some(prev_total)),
        ]),
    }
}

pub(super) fn name_cell(k: &str) -> Cell {
    if k.starts_with('(') { Cell::text(k).role(Role::Warning) } else { Cell::text(k) }
}

pub fn breadcrumb(s: &State) -> Vec<String> {
    let mut v = vec!["all customers".to_string()];
    v.extend(s.panes.costs.path.iter().map(|(d, k)| format!("{d} {k}")));
    v
}
