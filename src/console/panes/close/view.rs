//! The close pane's render (state in, frame out) and its tables.
use crate::console::ui::widgets::failed;
use crate::console::ui::widgets::list;
use crate::console::ui::widgets::note;
use billops_domain::close::ItemStatus;
use billops_domain::variance::VarianceState;
use crate::console::keys::Cmd;
use crate::console::panes::close::jump_pane;
use crate::console::panes::variance::pct_cell;
use crate::console::panes::variance::selected;
use crate::console::panes::variance::state_cell;
use crate::console::state::State;
use crate::console::state::ViewKey;
use crate::console::table::fmt_money;
use crate::console::theme::Role;
use crate::console::theme::Theme;
use crate::month::close::CloseView;
use ratatui::Frame;
use ratatui::layout::Constraint;
use ratatui::layout::Layout;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::text::Span;
use ratatui::widgets::Block;
use ratatui::widgets::Borders;
use ratatui::widgets::Paragraph;
use ratatui::widgets::Wrap;
use crate::console::table::Cell;
use crate::console::table::Column;
use crate::console::table::Mark;
use crate::console::table::Row;
use crate::console::table::TableModel;

pub fn status_cell(st: ItemStatus) -> Cell {
    match st {
        ItemStatus::Ok => Cell::text("ok").mark(Mark::Check).role(Role::Approved),
        ItemStatus::Warning => Cell::text("warning").mark(Mark::Warn).role(Role::Warning),
        ItemStatus::Blocker => Cell::text("blocker").mark(Mark::Cross).role(Role::Error),
    }
}

pub fn table(v: &CloseView) -> TableModel {
    let rows = v
        .board
        .items
        .iter()
        .enumerate()
        .map(|(i, it)| Row {
            id: i.to_string(),
            cells: vec![
                Cell::int(i64::try_from(i + 1).unwrap_or(0)),
                status_cell(it.status),
                Cell::text(&it.title),
                Cell::text(it.owner.clone().unwrap_or_else(|| "-".into())),
                Cell::text(it.problems.join("; ")),
            ],
            role: None,
        })
        .collect();
    TableModel {
        columns: vec![
            Column::num("#", 1),
            Column::text("status", 9),
            Column::text("check", 42),
            Column::text("owner", 8),
            Column::text("blockers / warnings", 40),
        ],
        rows,
        total: None,
    }
}

pub(crate) fn countdown_spans(v: &CloseView, theme: &Theme) -> Vec<Span<'static>> {
    let c = &v.board.countdown;
    let due = format!("due {}, ", c.due.format("%a %Y-%m-%d"));
    let n = c.business_days_left;
    let left = if c.is_overdue() {
        Span::styled(format!("overdue by {} business days", -n), theme.style(Role::Error))
    } else if n <= 2 {
        Span::styled(format!("{n} business days left"), theme.style(Role::Warning))
    } else {
        Span::styled(format!("{n} business days left"), theme.style(Role::Text))
    };
    vec![Span::styled(due, theme.style(Role::Muted)), left]
}

pub(crate) fn render(f: &mut Frame, area: Rect, s: &State, theme: &Theme) {
    if s.current_view() == ViewKey::Variances {
        return crate::console::panes::close::view::variances(f, area, s, theme);
    }
    let [head, body] = Layout::vertical([Constraint::Length(1), Constraint::Min(0)]).areas(area);
    let sep = || Span::styled(format!(" {} ", theme.symbols.sep), theme.style(Role::Muted));
    let period = s.period.map_or_else(|| "…".to_string(), |p| p.to_string());
    let mut spans = vec![Span::styled(format!(" {period} "), theme.style(Role::Title))];
    let n = match note(&s.panes.close.data) {
        Ok(n) => n,
        Err(e) => {
            f.render_widget(Paragraph::new(Line::from(spans)), head);
            return failed(f, body, "close board", &e, theme);
        }
    };
    if let Some(v) = s.panes.close.data.ready() {
        spans.extend(countdown_spans(v, theme));
        spans.push(sep());
        if v.board.locked {
            let by = v.close.locked_by().map(|e| format!(" by {}", e.by)).unwrap_or_default();
            spans.push(Span::styled(format!("{} LOCKED{by}", theme.symbols.check), theme.style(Role::Locked)));
        } else if v.can_sign_off {
            let key = s.keymap.label(Cmd::SignOff);
            spans.push(Span::styled(
                format!("{} ready: {key} signs off", theme.symbols.check),
                theme.style(Role::Approved),
            ));
        } else {
            let b = v.board.items.iter().filter(|i| i.status == ItemStatus::Blocker).count();
            spans.push(Span::styled(format!("{} {b} blockers", theme.symbols.cross), theme.style(Role::Error)));
        }
        if !v.funding_claims.is_empty() {
            // Funding claims about to lapse never block; they warn beside the board (`billops funding due`).
            let lapsed = v.funding_claims.iter().filter(|c| c.days_left < 0).count();
            spans.push(sep());
            let text = match lapsed {
                0 => format!("{} {} funding claim(s) due soon", theme.symbols.warn, v.funding_claims.len()),
                n => format!("{} {} funding claim(s) due soon, {n} lapsed", theme.symbols.warn, v.funding_claims.len()),
            };
            spans.push(Span::styled(text, theme.style(Role::Warning)));
        }
    }
    f.render_widget(Paragraph::new(Line::from(spans)), head);
    let shown = s.panes.close.detail;
    if shown.open
        && let Some(v) = s.panes.close.data.ready()
        && let Some((i, it)) = super::item::selected(s, v)
    {
        let r = super::item::record(s, v, i, it, &theme.symbols);
        return crate::console::ui::detail::render(f, body, &r, crate::console::ui::detail::HINT, shown.scroll, theme);
    }
    let rows = s.view(ViewKey::Close).map_or(8, |v| v.model.rows.len());
    let table_h = u16::try_from(rows).unwrap_or(8).saturating_add(3);
    let [top, bottom] = Layout::vertical([Constraint::Length(table_h), Constraint::Min(0)]).areas(body);
    list(f, top, s, ViewKey::Close, "month-end checklist", n, true, theme);
    if bottom.height >= 3 {
        item_detail(f, bottom, s, theme);
    }
}

pub(crate) fn item_detail(f: &mut Frame, area: Rect, s: &State, theme: &Theme) {
    let b = Block::default().borders(Borders::ALL).border_style(theme.style(Role::Border));
    let item = s
        .panes
        .close
        .data
        .ready()
        .zip(s.selected_id(ViewKey::Close).and_then(|i| i.parse::<usize>().ok()))
        .and_then(|(v, i)| v.board.items.get(i));
    let Some(item) = item else {
        f.render_widget(b, area);
        return;
    };
    let (sym, role) = match item.status {
        ItemStatus::Ok => (theme.symbols.check, Role::Approved),
        ItemStatus::Warning => (theme.symbols.warn, Role::Warning),
        ItemStatus::Blocker => (theme.symbols.cross, Role::Error),
    };
    let b = b.title(Span::styled(format!(" {} {} ", sym, item.title), theme.style(role)));
    let mut lines: Vec<Line> = item.problems.iter().map(|p| Line::from(format!("• {p}"))).collect();
    if item.problems.is_empty() {
        // Why it is ✓ (what was counted), so a vacuous pass is visible.
        let why = if item.basis.is_empty() { "nothing to fix".to_string() } else { item.basis.clone() };
        lines.push(Line::from(Span::styled(why, theme.style(Role::Muted))));
    }
    if let Some(fix) = item.fix.as_ref().filter(|_| item.status != ItemStatus::Ok) {
        lines.push(Line::from(Span::styled(format!("fix: {fix}"), theme.style(Role::Key))));
    }
    if item.status != ItemStatus::Ok {
        let (pane, view) = jump_pane(item.jump);
        let open = s.keymap.keys_of(Cmd::Open).first().map(ToString::to_string).unwrap_or_default();
        let hint = if view == Some(ViewKey::Variances) {
            format!("{open} shows it whole, {open} again opens the variance list")
        } else if pane == crate::console::pane::PaneId::Close {
            format!("{} signs off (manager)", s.keymap.label(Cmd::SignOff))
        } else {
            format!("{open} shows it whole, {open} again jumps to {}", pane.title())
        };
        lines.push(Line::from(Span::styled(hint, theme.style(Role::Key))));
    }
    f.render_widget(Paragraph::new(lines).wrap(Wrap { trim: true }).block(b), area);
}

pub(crate) fn variances(f: &mut Frame, area: Rect, s: &State, theme: &Theme) {
    let [head, body] = Layout::vertical([Constraint::Length(1), Constraint::Min(0)]).areas(area);
    let period = s.period.map_or_else(|| "…".to_string(), |p| p.to_string());
    let mut spans = vec![Span::styled(format!(" {period} "), theme.style(Role::Title))];
    let n = match note(&s.panes.close.variances) {
        Ok(n) => n,
        Err(e) => {
            f.render_widget(Paragraph::new(Line::from(spans)), head);
            return failed(f, body, "variances", &e, theme);
        }
    };
    if let Some(v) = s.panes.close.variances.ready() {
        let sep = Span::styled(format!(" {} ", theme.symbols.sep), theme.style(Role::Muted));
        spans.push(Span::styled(format!("vs {}", v.previous), theme.style(Role::Text)));
        spans.push(sep.clone());
        if !v.baseline {
            spans.push(Span::styled("nothing to compare: a month without data", theme.style(Role::Muted)));
        } else {
            spans.push(Span::styled(format!("flagged at {}", v.thresholds), theme.style(Role::Muted)));
            spans.push(sep);
            spans.push(if v.unexplained == 0 {
                Span::styled(format!("{} all explained", theme.symbols.check), theme.style(Role::Approved))
            } else {
                Span::styled(format!("{} {} to explain", theme.symbols.cross, v.unexplained), theme.style(Role::Error))
            });
        }
    }
    f.render_widget(Paragraph::new(Line::from(spans)), head);
    let detail_h = if body.height >= 13 { 6 } else { 0 };
    let [top, bottom] = Layout::vertical([Constraint::Min(3), Constraint::Length(detail_h)]).areas(body);
    let back = s.keymap.label(Cmd::SwitchView);
    list(f, top, s, ViewKey::Variances, &format!("variances ({back}: board)"), n, true, theme);
    if detail_h > 0 {
        variance_detail(f, bottom, s, theme);
    }
}

pub(crate) fn variance_detail(f: &mut Frame, area: Rect, s: &State, theme: &Theme) {
    let b = Block::default().borders(Borders::ALL).border_style(theme.style(Role::Border));
    let Some(r) = selected(s) else {
        f.render_widget(b, area);
        return;
    };
    let v = &r.variance;
    let st = state_cell(r.state);
    let title = vec![
        Span::styled(format!(" {} / {} ", v.customer, v.service), theme.style(Role::Title)),
        Span::styled(format!("{} ", st.text), theme.style(st.role.unwrap_or(Role::Text))),
    ];
    let pct = match v.pct {
        Some(p) => format!("{}%", billops_domain::money::round_for_display(p, 1)),
        None => pct_cell(r).text,
    };
    // No currency: variance is not yet per currency (see `variance::table`); 2 places.
    let mut lines = vec![Line::from(format!(
        "{} → {}  Δ {} ({pct})  lines {} → {}",
        fmt_money(v.prev),
        fmt_money(v.cur),
        fmt_money(v.delta),
        v.prev_rows,
        v.cur_rows
    ))];
    let data = s.panes.close.variances.ready();
    if let Some(l) = data.and_then(|d| d.volume(&v.customer, &v.service)) {
        lines.push(volume_line(l));
    }
    let key = s.keymap.label(Cmd::Explain);
    match (&r.explanation, r.state) {
        (Some(e), state) => {
            lines.push(Line::from(format!(
                "{}: {} — {} {}",
                e.driver.label(),
                e.text,
                e.by,
                e.at.format("%Y-%m-%d %H:%M")
            )));
            if state == VarianceState::Stale {
                lines.push(Line::from(Span::styled(
                    format!("written for Δ {}: the data changed since; {key} explains it again", fmt_money(e.delta)),
                    theme.style(Role::Warning),
                )));
            }
        }
        (None, VarianceState::Unexplained) => lines.push(Line::from(Span::styled(
            format!("over the thresholds: {key} explains it (driver and text)"),
            theme.style(Role::Key),
        ))),
        (None, _) => lines.push(Line::from(Span::styled("under the thresholds", theme.style(Role::Muted)))),
    }
    for ru in data.iter().flat_map(|d| d.resource_units.iter()).filter(|u| u.customer == v.customer) {
        lines.push(ru_line(ru));
    }
    let b = b.title(Line::from(title));
    f.render_widget(Paragraph::new(lines).wrap(Wrap { trim: true }).block(b), area);
}

/// `+12.5%`, or `-` without a base.
fn signed_pct(p: Option<rust_decimal::Decimal>) -> String {
    match p {
        Some(p) => format!("{:+.1}%", billops_domain::money::round_for_display(p, 1)),
        None => "-".into(),
    }
}

/// A quantity or unit rate for reading (up to 4 decimals, trailing zeros dropped).
fn qty(d: rust_decimal::Decimal) -> String {
    billops_domain::money::round_for_display(d, 4).normalize().to_string()
}

fn rate(r: Option<rust_decimal::Decimal>) -> String {
    r.map_or_else(|| "-".into(), qty)
}

/// `Hrs 100 → 150 (+50.0%) at 0.1 → 0.1 (+0.0%): 5.00 volume, 0.00 rate` (the service's main unit: its
/// volume, its cost per unit, and what each moved).
fn volume_line(l: &crate::month::variance::VolumeLine) -> Line<'static> {
    let (f, x) = (&l.figures, &l.split);
    Line::from(format!(
        "{} {} → {} ({}) at {} → {} ({}): {} volume, {} rate",
        l.unit,
        qty(f.prev_qty),
        qty(f.cur_qty),
        signed_pct(x.qty_pct),
        rate(x.prev_rate),
        rate(x.cur_rate),
        signed_pct(x.rate_pct),
        fmt_money(x.by_volume),
        fmt_money(x.by_rate)
    ))
}

/// `RU vcpu 1000 → 1200 (+20.0%) at 0.03 → 0.03 (+0.0%): 6.00 volume, 0.00 rate` (billed on the invoices).
fn ru_line(u: &crate::month::variance::RuLine) -> Line<'static> {
    let (f, x) = (&u.figures, &u.split);
    Line::from(format!(
        "RU {} {} → {} ({}) at {} → {} ({}): {} volume, {} rate",
        u.ru,
        qty(f.prev_qty),
        qty(f.cur_qty),
        signed_pct(x.qty_pct),
        rate(x.prev_rate),
        rate(x.cur_rate),
        signed_pct(x.rate_pct),
        fmt_money(x.by_volume),
        fmt_money(x.by_rate)
    ))
}
