//! Drawing a [`TableModel`] through its [`ViewState`]: only the rows in the window are built.
use ratatui::Frame;
use ratatui::layout::{Alignment, Constraint, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Cell as TCell, Paragraph, Row as TRow, Table, TableState};

use crate::console::state::View;
use crate::console::table::{Cell, Mark};
use crate::console::theme::{Role, Symbols, Theme};

pub fn mark_symbol(sym: &Symbols, m: Mark) -> &'static str {
    match m {
        Mark::Up => sym.up,
        Mark::Down => sym.down,
        Mark::Check => sym.check,
        Mark::Cross => sym.cross,
        Mark::Open => sym.open,
        Mark::Warn => sym.warn,
    }
}

fn cell_line(c: &Cell, numeric: bool, width: u16, theme: &Theme) -> Line<'static> {
    let text = match (&c.chart, c.mark) {
        (Some(chart), _) => crate::console::chart::draw(chart, width, theme.symbols.ascii),
        (None, Some(m)) => format!("{} {}", mark_symbol(&theme.symbols, m), c.text),
        (None, None) => c.text.clone(),
    };
    let style = c.role.map_or_else(Style::default, |r| theme.style(r));
    let line = Line::from(Span::styled(text, style));
    if numeric { line.alignment(Alignment::Right) } else { line }
}

pub fn block<'a>(title: Line<'a>, focused: bool, theme: &Theme) -> Block<'a> {
    Block::default()
        .borders(Borders::ALL)
        .border_style(theme.style(if focused { Role::Title } else { Role::Border }))
        .title(title)
}

/// The title of a list: name, counts, filter, and whether it is (re)loading.
pub fn title_line(name: &str, view: Option<&View>, note: Option<&str>, theme: &Theme) -> Line<'static> {
    let mut spans = vec![Span::styled(format!(" {name} "), theme.style(Role::Title))];
    if let Some(v) = view {
        let total = v.model.rows.len();
        let shown = v.vs.visible.len();
        let count = if shown == total { format!("{total} ") } else { format!("{shown} of {total} ") };
        spans.push(Span::styled(count, theme.style(Role::Muted)));
        if !v.vs.filter.is_empty() {
            spans.push(Span::styled(format!("/{} ", v.vs.filter), theme.style(Role::Warning)));
        }
        if let Some((col, desc)) = v.vs.sort
            && let Some(c) = v.model.columns.get(col)
        {
            let arrow = if desc { theme.symbols.down } else { theme.symbols.up };
            spans.push(Span::styled(format!("{arrow}{} ", c.name), theme.style(Role::Muted)));
        }
    }
    if let Some(n) = note {
        spans.push(Span::styled(format!("{n} "), theme.style(Role::Pending)));
    }
    Line::from(spans)
}

/// Draw a list in `area` (inside `block`). `selected` false hides the selection (an unfocused list).
pub fn render_view(f: &mut Frame, area: Rect, view: Option<&View>, block: Block<'_>, selected: bool, theme: &Theme) {
    let inner = block.inner(area);
    f.render_widget(block, area);
    let Some(v) = view else { return };
    if inner.height == 0 || inner.width == 0 {
        return;
    }
    let model = &v.model;
    // a chart column dropped for want of room (width 0) is not drawn at all, nor the gap before it
    let w = model.widths(inner.width);
    let shown: Vec<usize> = (0..model.columns.len()).filter(|&i| w.get(i).is_some_and(|&x| x > 0)).collect();
    let constraints: Vec<Constraint> = shown.iter().map(|&i| Constraint::Length(w[i])).collect();
    let line = |cells: &[Cell]| -> Vec<TCell<'static>> {
        shown
            .iter()
            .filter_map(|&i| Some(TCell::from(cell_line(cells.get(i)?, model.columns[i].numeric, w[i], theme))))
            .collect()
    };
    if v.vs.visible.is_empty() {
        let msg = if model.rows.is_empty() { "(nothing here)" } else { "(no row matches the filter)" };
        let y = inner.y.saturating_add(u16::from(inner.height > 1));
        let r = Rect { y, height: 1, ..inner };
        if inner.height > 1 {
            let t = Table::new(Vec::<TRow>::new(), constraints.clone())
                .header(header_row(model, &shown, theme))
                .column_spacing(1);
            f.render_widget(t, Rect { height: 1, ..inner });
        }
        f.render_widget(Paragraph::new(msg).style(theme.style(Role::Muted)), r);
        return;
    }
    let total_h = u16::from(model.total.is_some());
    let body_h = usize::from(inner.height.saturating_sub(1 + total_h)).max(1);
    let sel = v.vs.selected.min(v.vs.visible.len().saturating_sub(1));
    let offset = if sel >= body_h { sel + 1 - body_h } else { 0 };
    let end = (offset + body_h).min(v.vs.visible.len());
    let rows: Vec<TRow> = v.vs.visible[offset..end]
        .iter()
        .filter_map(|&i| model.rows.get(i))
        .map(|r| {
            let row = TRow::new(line(&r.cells));
            match r.role {
                Some(role) => row.style(theme.style(role)),
                None => row,
            }
        })
        .collect();
    let mut table = Table::new(rows, constraints)
        .header(header_row(model, &shown, theme))
        .column_spacing(1)
        .row_highlight_style(theme.style(Role::Selection));
    if let Some(t) = &model.total {
        table = table.footer(TRow::new(line(t)).style(theme.style(Role::Total)));
    }
    let mut state = TableState::default();
    if selected {
        state.select(Some(sel - offset));
    }
    f.render_stateful_widget(table, inner, &mut state);
    // Reverse video (the selection under NO_COLOR and in monochrome) would turn a chart upside down: the
    // selected row's chart cells keep their own video; the rest of the row shows the selection.
    let sel_row = v.vs.visible.get(sel).and_then(|&i| model.rows.get(i));
    if let (true, Some(row)) = (selected, sel_row) {
        let y = inner.y.saturating_add(1).saturating_add(u16::try_from(sel - offset).unwrap_or(u16::MAX));
        let mut x = inner.x;
        for (k, &i) in shown.iter().enumerate() {
            if k > 0 {
                x = x.saturating_add(1);
            }
            let chart = row.cells.get(i).is_some_and(|c| c.chart.is_some());
            if chart && y < inner.bottom() && x < inner.right() {
                let r = Rect { x, y, width: w[i].min(inner.right() - x), height: 1 };
                f.buffer_mut().set_style(r, Style::default().remove_modifier(Modifier::REVERSED));
            }
            x = x.saturating_add(w[i]);
        }
    }
}

fn header_row<'a>(model: &crate::console::table::TableModel, shown: &[usize], theme: &Theme) -> TRow<'a> {
    let cells: Vec<TCell> = shown
        .iter()
        .filter_map(|&i| model.columns.get(i))
        .map(|c| {
            let l = Line::from(c.name);
            TCell::from(if c.numeric { l.alignment(Alignment::Right) } else { l })
        })
        .collect();
    TRow::new(cells).style(theme.style(Role::Header))
}
