//! One render function per pane. Each shows its `Load` state: loading, the lists, or the error.
use ratatui::Frame;
use ratatui::layout::{Constraint, Direction, Layout, Rect};
use ratatui::symbols;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Bar, BarChart, BarGroup, Block, Borders, Paragraph, Sparkline, Wrap};
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

use super::table::{block, render_view, title_line};
use crate::console::panes::{accounts, costs as costs_pane, imports as imports_pane};
use crate::console::state::{Load, State, ViewKey};
use crate::console::table::fmt_money;
use crate::console::theme::{Role, Theme};

const ASCII_BARS: symbols::bar::Set = symbols::bar::Set {
    full: "#",
    seven_eighths: "#",
    three_quarters: "#",
    five_eighths: "=",
    half: "=",
    three_eighths: "-",
    one_quarter: "-",
    one_eighth: ".",
    empty: " ",
};

fn bar_set(theme: &Theme) -> symbols::bar::Set<'static> {
    if theme.symbols.ascii { ASCII_BARS } else { symbols::bar::NINE_LEVELS }
}

/// A note for a list's title from its pane's load state; `Err` text when it failed.
pub(crate) fn note<T>(load: &Load<T>) -> Result<Option<&'static str>, String> {
    match load {
        Load::Idle | Load::Loading(_) => Ok(Some("loading…")),
        Load::Ready(_) => Ok(None),
        Load::Failed(e) => Err(e.clone()),
    }
}

pub(crate) fn failed(f: &mut Frame, area: Rect, what: &str, e: &str, theme: &Theme) {
    let b = Block::default().borders(Borders::ALL).border_style(theme.style(Role::Error)).title(format!(" {what} "));
    let p = Paragraph::new(vec![
        Line::from(Span::styled(format!("could not load {what}:"), theme.style(Role::Error))),
        Line::from(e.to_string()),
        Line::from(Span::styled("ctrl-r reloads", theme.style(Role::Muted))),
    ])
    .wrap(Wrap { trim: true })
    .block(b);
    f.render_widget(p, area);
}

#[allow(clippy::too_many_arguments)]
pub(crate) fn list(
    f: &mut Frame,
    area: Rect,
    s: &State,
    key: ViewKey,
    name: &str,
    n: Option<&str>,
    focused: bool,
    theme: &Theme,
) {
    let view = s.view(key);
    let title = title_line(name, view, n, theme);
    render_view(f, area, view, block(title, focused, theme), focused, theme);
}

/// A line of sub-list names for panes with several lists; the current one highlighted.
pub(crate) fn sublists(s: &State, views: &[ViewKey], current: ViewKey, theme: &Theme) -> Line<'static> {
    let mut spans = Vec::new();
    for v in views {
        let n = s.view(*v).map(|v| v.model.rows.len()).unwrap_or(0);
        let role = if *v == current { Role::TabActive } else { Role::Tab };
        spans.push(Span::styled(format!(" {} {n} ", v.title()), theme.style(role)));
        spans.push(Span::raw(" "));
    }
    let key = s.keymap.label(crate::console::keys::Cmd::SwitchView);
    spans.push(Span::styled(format!("({key} switches)"), theme.style(Role::Muted)));
    Line::from(spans)
}

pub fn customers(f: &mut Frame, area: Rect, s: &State, theme: &Theme) {
    if super::ledger::customer_screen(f, area, s, theme) {
        return;
    }
    let Some(d) = &s.panes.customers.detail else {
        match note(&s.panes.customers.data) {
            Ok(n) => list(f, area, s, ViewKey::Customers, "customers", n, true, theme),
            Err(e) => failed(f, area, "customers", &e, theme),
        }
        return;
    };
    let n = match note(&d.data) {
        Ok(n) => n,
        Err(e) => return failed(f, area, &format!("customer {}", d.code), &e, theme),
    };
    let data = d.data.ready();
    let [head, spark, rest] =
        Layout::vertical([Constraint::Length(1), Constraint::Length(4), Constraint::Min(0)]).areas(area);
    let name =
        data.and_then(|x| x.customer.as_ref()).map(|c| format!("{} ({})", c.name, c.currency)).unwrap_or_default();
    let open = data.map(|x| x.onboarding.iter().filter(|i| !i.done).count()).unwrap_or(0);
    let mut spans = vec![
        Span::styled(format!(" {} ", d.code), theme.style(Role::Title)),
        Span::raw(name),
        Span::styled(format!("  {} ", theme.symbols.sep), theme.style(Role::Muted)),
        Span::styled(format!("{} accounts", data.map(|x| x.accounts.len()).unwrap_or(0)), theme.style(Role::Text)),
    ];
    if open > 0 {
        spans.push(Span::styled(
            format!("  {} onboarding: {open} open", theme.symbols.cross),
            theme.style(Role::Warning),
        ));
    } else if data.is_some() {
        spans.push(Span::styled(format!("  {} onboarding complete", theme.symbols.check), theme.style(Role::Approved)));
    }
    if let Some(n) = n {
        spans.push(Span::styled(format!("  {n}"), theme.style(Role::Pending)));
    }
    f.render_widget(Paragraph::new(Line::from(spans)), head);
    sparkline(f, spark, s, theme);
    let [left, right] = Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)]).areas(rest);
    let [top, bottom] = Layout::vertical([Constraint::Percentage(60), Constraint::Percentage(40)]).areas(right);
    list(f, left, s, ViewKey::Onboarding, "onboarding", None, d.focus == ViewKey::Onboarding, theme);
    list(f, top, s, ViewKey::Services, "cost by service", None, d.focus == ViewKey::Services, theme);
    list(f, bottom, s, ViewKey::CustomerAccounts, "linked accounts", None, d.focus == ViewKey::CustomerAccounts, theme);
}

/// Whole currency units for a chart (money stays Decimal; charts only need bar heights).
fn units(d: Decimal) -> u64 {
    d.trunc().to_u64().unwrap_or(0)
}

fn sparkline(f: &mut Frame, area: Rect, s: &State, theme: &Theme) {
    let Some(d) = s.panes.customers.detail.as_ref().and_then(|d| d.data.ready()) else {
        f.render_widget(Block::default().borders(Borders::ALL).border_style(theme.style(Role::Border)), area);
        return;
    };
    let months = s.period_or_now().trailing(12);
    let values: Vec<Decimal> = months
        .iter()
        .map(|p| {
            let k = p.to_string();
            d.history
                .iter()
                .filter(|r| r.keys.first() == Some(&k))
                .try_fold(Decimal::ZERO, |a, r| a.checked_add(r.cost))
                .unwrap_or_default()
        })
        .collect();
    let max = values.iter().copied().max().unwrap_or_default();
    let last = values.last().copied().unwrap_or_default();
    let first = months.first().map(ToString::to_string).unwrap_or_default();
    let title = Line::from(vec![
        Span::styled(" last 12 months ", theme.style(Role::Title)),
        Span::styled(
            format!("{first}…{} max {} now {} ", s.period_or_now(), fmt_money(max), fmt_money(last)),
            theme.style(Role::Muted),
        ),
    ]);
    // One month is `per` columns wide so the line fills the box.
    let per = usize::from(area.width.saturating_sub(2) / 12).max(1);
    let data: Vec<u64> = values.iter().flat_map(|v| std::iter::repeat_n(units(*v), per)).collect();
    let w = Sparkline::default()
        .block(Block::default().borders(Borders::ALL).border_style(theme.style(Role::Border)).title(title))
        .data(&data)
        .bar_set(bar_set(theme))
        .style(theme.style(Role::Sparkline));
    f.render_widget(w, area);
}

pub fn accounts(f: &mut Frame, area: Rect, s: &State, theme: &Theme) {
    let cur = s.current_view();
    let [tabs, body] = Layout::vertical([Constraint::Length(1), Constraint::Min(0)]).areas(area);
    f.render_widget(Paragraph::new(sublists(s, &accounts::VIEWS, cur, theme)), tabs);
    match note(&s.panes.accounts.data) {
        Ok(n) => {
            let name = match cur {
                ViewKey::Accounts => {
                    let un = s
                        .panes
                        .accounts
                        .data
                        .ready()
                        .map(|d| d.accounts.iter().filter(|a| a.customer.is_none()).count());
                    match un {
                        Some(u) if u > 0 => format!("linked accounts ({u} unassigned first)"),
                        _ => "linked accounts".into(),
                    }
                }
                ViewKey::Proposals => "link proposals".into(),
                _ => "payer accounts".into(),
            };
            list(f, body, s, cur, &name, n, true, theme);
        }
        Err(e) => failed(f, body, "accounts", &e, theme),
    }
}

pub fn costs(f: &mut Frame, area: Rect, s: &State, theme: &Theme) {
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
    spans.push(Span::styled(format!("  [{}]", s.panes.costs.basis), theme.style(Role::Muted)));
    f.render_widget(Paragraph::new(Line::from(spans)), crumb);
    let n = match note(&s.panes.costs.data) {
        Ok(n) => n,
        Err(e) => return failed(f, body, "costs", &e, theme),
    };
    let name = format!("by {}", s.panes.costs.level());
    let (table_area, chart_area) = if body.width >= 120 {
        let [a, b] = Layout::horizontal([Constraint::Percentage(60), Constraint::Percentage(40)]).areas(body);
        (a, Some(b))
    } else if body.height >= 14 {
        let [a, b] = Layout::vertical([Constraint::Min(6), Constraint::Length(7)]).areas(body);
        (a, Some(b))
    } else {
        (body, None)
    };
    list(f, table_area, s, ViewKey::Costs, &name, n, true, theme);
    if let Some(c) = chart_area {
        bars(f, c, s, theme);
    }
}

fn bars(f: &mut Frame, area: Rect, s: &State, theme: &Theme) {
    let b = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.style(Role::Border))
        .title(Span::styled(" top by cost (whole units) ", theme.style(Role::Title)));
    let inner = b.inner(area);
    f.render_widget(b, area);
    let Some(v) = s.view(ViewKey::Costs) else { return };
    if inner.height == 0 || inner.width < 4 {
        return;
    }
    let n = usize::from(inner.height);
    let label_w = usize::from(inner.width / 3).clamp(1, 24);
    let bars: Vec<Bar> =
        v.vs.visible
            .iter()
            .take(n)
            .filter_map(|&i| v.model.rows.get(i))
            .map(|r| {
                let cost = r.cells.get(1).and_then(|c| c.num).unwrap_or_default();
                let label: String = r.id.chars().take(label_w).collect();
                Bar::default()
                    .value(units(cost))
                    .label(Line::from(label))
                    .text_value(fmt_money(cost))
                    .style(theme.style(Role::Chart))
                    .value_style(theme.style(Role::Selection))
            })
            .collect();
    if bars.is_empty() {
        return;
    }
    let chart = BarChart::default()
        .direction(Direction::Horizontal)
        .bar_width(1)
        .bar_gap(0)
        .bar_set(bar_set(theme))
        .data(BarGroup::default().bars(&bars));
    f.render_widget(chart, inner);
}

pub fn imports(f: &mut Frame, area: Rect, s: &State, theme: &Theme) {
    let cur = s.current_view();
    let [tabs, body] = Layout::vertical([Constraint::Length(1), Constraint::Min(0)]).areas(area);
    f.render_widget(Paragraph::new(sublists(s, &imports_pane::VIEWS, cur, theme)), tabs);
    match note(&s.panes.imports.data) {
        Ok(n) => {
            let name = match cur {
                ViewKey::Batches => "import batches",
                ViewKey::Issues => "data-feed issues",
                _ => "quarantined rows",
            };
            list(f, body, s, cur, name, n, true, theme);
        }
        Err(e) => failed(f, body, "imports", &e, theme),
    }
}
