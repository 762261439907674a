//! The costs pane's render (state in, frame out) and its tables.
use crate::console::ui::widgets::failed;
use crate::console::ui::widgets::list;
use crate::console::ui::widgets::note;
use crate::console::panes::costs as costs_pane;
use crate::console::state::State;
use crate::console::state::ViewKey;
use crate::console::theme::Role;
use crate::console::theme::Theme;
use ratatui::Frame;
use ratatui::layout::Constraint;
use ratatui::layout::Layout;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::text::Span;
use ratatui::widgets::Paragraph;
use rust_decimal::Decimal;
use std::collections::HashMap;
use billops_domain::Dim;
use super::io::CostsData;
use crate::console::table::Cell;
use crate::console::table::Column;
use crate::console::table::Row;
use crate::console::table::TableModel;
use crate::console::table::change_cell;
use crate::console::chart::ChartFit;

/// Exact sum of the rows of one currency; `None` when the rows hold two currencies (never added) or on
/// overflow.
pub fn total(rows: &[billops_store::CostRow]) -> Option<Decimal> {
    let first = rows.first().map(|r| r.currency.as_str());
    if rows.iter().any(|r| Some(r.currency.as_str()) != first) {
        return None;
    }
    rows.iter().try_fold(Decimal::ZERO, |acc, r| acc.checked_add(r.cost))
}

/// The currencies of the rows, sorted, once each.
fn currencies(rows: &[billops_store::CostRow]) -> Vec<&str> {
    let mut v: Vec<&str> = rows.iter().map(|r| r.currency.as_str()).collect();
    v.sort_unstable();
    v.dedup();
    v
}

pub fn table(level: Dim, d: &CostsData) -> TableModel {
    // rows are per key and currency: amounts of two currencies are never added, compared or shared
    let mut prev: HashMap<(&str, &str), Decimal> = HashMap::new();
    for r in &d.prev {
        if let Some(k) = r.keys.first() {
            let e = prev.entry((k.as_str(), r.currency.as_str())).or_default();
            *e = e.checked_add(r.cost).unwrap_or(*e);
        }
    }
    // each row's share of the level in its currency: of its gross cost (the positive rows), so shares add up to
    // 100% and a credit row draws no bar; the bars are scaled to the largest row (which fills the column)
    let mut largest: HashMap<&str, Decimal> = HashMap::new();
    let mut gross: HashMap<&str, Decimal> = HashMap::new();
    for r in &d.rows {
        let l = largest.entry(r.currency.as_str()).or_default();
        *l = (*l).max(r.cost);
        if r.cost > Decimal::ZERO {
            let g = gross.entry(r.currency.as_str()).or_default();
            *g = g.checked_add(r.cost).unwrap_or(*g);
        }
    }
    let mut rows: Vec<Row> = Vec::with_capacity(d.rows.len());
    let mut seen: std::collections::HashSet<(&str, &str)> = std::collections::HashSet::new();
    for r in &d.rows {
        let k = r.keys.first().map_or("", String::as_str);
        let c = r.currency.as_str();
        seen.insert((k, c));
        let before = prev.get(&(k, c)).copied();
        let (g, l) = (gross.get(c).copied().unwrap_or_default(), largest.get(c).copied().unwrap_or_default());
        rows.push(Row {
            id: k.to_string(),
            cells: vec![
                name_cell(k),
                Cell::text(c),
                Cell::money_in(r.cost, c),
                before.map_or_else(|| Cell::text("-").role(Role::Muted), |v| Cell::money_in(v, c)),
                change_cell(r.cost, before),
                Cell::share(r.cost, g, l),
            ],
            role: None,
        });
    }
    // Cost that went away this period still shows (at zero), so nothing disappears silently.
    let mut gone: Vec<((&str, &str), Decimal)> =
        prev.iter().filter(|(k, _)| !seen.contains(*k)).map(|(k, v)| (*k, *v)).collect();
    gone.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    for ((k, c), v) in gone {
        rows.push(Row {
            id: k.to_string(),
            cells: vec![
                name_cell(k),
                Cell::text(c),
                Cell::money_in(Decimal::ZERO, c),
                Cell::money_in(v, c),
                change_cell(Decimal::ZERO, Some(v)),
                Cell::text(""),
            ],
            role: Some(Role::Muted),
        });
    }
    let (cur, old) = (currencies(&d.rows), currencies(&d.prev));
    let one = match (cur.as_slice(), old.as_slice()) {
        ([a], [b]) if a == b => Some(*a),
        ([a], []) | ([], [a]) => Some(*a),
        _ => None,
    };
    let total_row = match one {
        Some(c) => {
            let cur_total = total(&d.rows).unwrap_or_default();
            let prev_total = total(&d.prev).unwrap_or_default();
            vec![
                Cell::text("total").role(Role::Total),
                Cell::text(c).role(Role::Total),
                Cell::money_in(cur_total, c).role(Role::Total),
                Cell::money_in(prev_total, c).role(Role::Total),
                change_cell(cur_total, Some(prev_total)),
                Cell::text(""),
            ]
        }
        // two currencies are never added: no single total
        // No rows, so no currency: a zero reads the same in any.
        None if cur.is_empty() && old.is_empty() => {
            let zero = Cell::money(Decimal::ZERO).role(Role::Total);
            let change = change_cell(Decimal::ZERO, Some(Decimal::ZERO));
            vec![Cell::text("total").role(Role::Total), Cell::text(""), zero.clone(), zero, change, Cell::text("")]
        }
        None => vec![
            Cell::text("total").role(Role::Total),
            Cell::text("*").role(Role::Muted),
            Cell::text("per currency").role(Role::Muted),
            Cell::text(""),
            Cell::text(""),
            Cell::text(""),
        ],
    };
    TableModel {
        columns: vec![
            Column::text(level.as_str(), 24),
            Column::text("cur", 3),
            Column::num("cost", 14),
            Column::num("previous", 14),
            Column::num("change", 9),
            // the percentage and a bar when there is room; the percentage alone when not
            Column::chart("share", 24, ChartFit { min: 6, droppable: false, grow: true }),
        ],
        rows,
        total: Some(total_row),
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

pub(crate) fn render(f: &mut Frame, area: Rect, s: &State, theme: &Theme) {
    let [crumb, body] = Layout::vertical([Constraint::Length(1), Constraint::Min(0)]).areas(area);
    let mut spans = vec![Span::styled(format!(" {} ", s.period_or_now()), theme.style(Role::Title))];
    let parts = costs_pane::breadcrumb(s);
    for (i, p) in parts.iter().enumerate() {
        if i > 0 {
            spans.push(Span::styled(theme.symbols.crumb, theme.style(Role::Muted)));
        }
        let role = if i + 1 == parts.len() { Role::Text } else { Role::Muted };
        spans.push(Span::styled(p.clone(), theme.style(role)));
    }
    let basis = crate::console::ui::widgets::at_cost(s.panes.costs.basis);
    spans.push(Span::styled(format!("  [{basis}]"), theme.style(Role::Muted)));
    f.render_widget(Paragraph::new(Line::from(spans)), crumb);
    let n = match note(&s.panes.costs.data) {
        Ok(n) => n,
        Err(e) => return failed(f, body, "costs", &e, theme),
    };
    let name = format!("by {}", s.panes.costs.level());
    list(f, body, s, ViewKey::Costs, &name, n, true, theme);
}
