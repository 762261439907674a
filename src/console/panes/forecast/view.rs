//! The Forecast pane's render (state in, frame out): a header (scope, method and why, the fiscal-year
//! outlook against budget), the line chart of the rolling view (actual, forecast, its band, the budget, event
//! markers) and the table beside it (wide terminals) or below it: the level below, or the months (`v`).
//! Chart values are whole currency units (display only; the tables and exports carry the exact amounts).
//!
//! Currencies are never added: every row says its currency (`cur`), the rows of the level below end with the
//! scope's total per currency (a `total` row, its `cur` beside it), the months table has a run of months per currency, and the
//! chart and the header draw **one currency at a time: the selected row's** (a total row's, a month's), else
//! the first; the chart's title names it and, when the scope has several, how many.
use billops_domain::forecast::fiscal::Alert;
use billops_domain::text::visible;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::symbols::Marker;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Axis, Block, Borders, Chart, Dataset, GraphType, Paragraph};
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

use super::keys::VIEWS;
use crate::console::state::{Load, State, ViewKey};
use crate::console::table::{Cell, Column, Mark, Row, TableModel, fmt_money};
use crate::console::theme::{Role, Theme};
use crate::console::ui::widgets::{failed, list, sublists};
use super::state::Measure;
use super::tables::{row_id, split_id, total_id};
use crate::plan::volume::{UnitLine, VolumeView};
use crate::plan::{Child, Outlook, Total, alert_text};
use billops_domain::Period;

/// The cost chart's title: the currency drawn, and when there are several, that the selection chooses.
fn chart_title(o: &Outlook, t: &Total) -> String {
    let cur = visible(&t.currency).into_owned();
    match o.totals.len() {
        0 | 1 => format!(" cost by month, {cur} "),
        n => format!(" cost by month, {cur} (1 of {n} currencies: the selected row's) "),
    }
}

fn alert_cell(a: Option<Alert>) -> Cell {
    match a {
        Some(Alert::Over { .. }) => Cell::text(alert_text(a)).role(Role::Negative).mark(Mark::Cross),
        Some(Alert::Near { .. }) => Cell::text(alert_text(a)).role(Role::Warning).mark(Mark::Warn),
        None => Cell::text(""),
    }
}

// Each row is in the currency of its `cur` cell; amounts show to 2 places.
fn opt_money(d: Option<Decimal>) -> Cell {
    d.map(Cell::money).unwrap_or_else(|| Cell::text(""))
}

/// What the rows below a scope are.
pub fn level(scope: &crate::plan::Scope) -> &'static str {
    match (&scope.customer, &scope.code) {
        (Some(_), _) => "service",
        (None, None) if scope.by_code => "account code",
        _ => "customer",
    }
}

/// The rows of the level below the scope (customers or account codes, a code's customers, or a customer's
/// services), one per key and currency, then the scope's total per currency (`total`, its id
/// [`total_id`]).
pub fn children(o: &Outlook) -> TableModel {
    let totals: Vec<Child> = o.totals.iter().map(|t| t.as_child(o.last_actual)).collect();
    let rows = o
        .children
        .iter()
        .map(|c| (row_id(&c.key, &c.currency), c, None))
        .chain(totals.iter().map(|c| (total_id(&c.currency), c, Some(Role::Title))))
        .map(|(id, c, role)| Row {
            id,
            cells: vec![
                Cell::text(&c.key),
                Cell::text(&c.currency),
                Cell::money(c.last_actual),
                Cell::money(c.next_month),
                Cell::money(c.horizon_total),
                Cell::money(c.fy_outlook),
                opt_money(c.fy_budget),
                alert_cell(c.alert),
                Cell::text(&c.method),
            ],
            role,
        })
        .collect();
    TableModel {
        columns: vec![
            Column::text(level(&o.scope), 14),
            Column::text("cur", 3),
            Column::num("last month", 12),
            Column::num("next month", 12),
            Column::num("next 18", 13),
            Column::num("FY outlook", 13),
            Column::num("FY budget", 12),
            Column::text("alert", 14),
            Column::optional("method", 14, 6),
        ],
        rows,
        total: None,
    }
}

/// The months of the chart, exactly, per currency (the chart draws the selected month's currency): actual or
/// forecast with its band, budget and alert.
pub fn months(o: &Outlook) -> TableModel {
    let rows = o
        .totals
        .iter()
        .flat_map(|t| t.months.iter().map(move |m| (t.currency.as_str(), m)))
        .map(|(cur, m)| Row {
            id: row_id(&m.period.to_string(), cur),
            cells: vec![
                Cell::text(m.period.to_string()),
                Cell::text(cur),
                Cell::text(if m.actual.is_some() { "actual" } else { "forecast" }),
                Cell::money(m.amount()),
                opt_money(m.forecast.map(|p| p.low)),
                opt_money(m.forecast.map(|p| p.high)),
                opt_money(m.budget),
                alert_cell(m.alert),
            ],
            role: None,
        })
        .collect();
    TableModel {
        columns: vec![
            Column::text("month", 7),
            Column::text("cur", 3),
            Column::text("kind", 8),
            Column::num("amount", 13),
            Column::num("low", 12),
            Column::num("high", 12),
            Column::num("budget", 12),
            Column::text("alert", 14),
        ],
        rows,
        total: None,
    }
}

fn units(d: Decimal) -> f64 {
    // Display only: the chart's y position in whole currency units.
    d.trunc().to_f64().unwrap_or(0.0)
}

fn compact(v: f64) -> String {
    let a = v.abs();
    if a >= 1e9 {
        format!("{:.1}G", v / 1e9)
    } else if a >= 1e6 {
        format!("{:.1}M", v / 1e6)
    } else if a >= 1e3 {
        format!("{:.0}k", v / 1e3)
    } else {
        format!("{v:.0}")
    }
}

/// The series of the chart as (x, y) points: x = month index in the view.
pub struct Series {
    pub actual: Vec<(f64, f64)>,
    pub forecast: Vec<(f64, f64)>,
    pub low: Vec<(f64, f64)>,
    pub high: Vec<(f64, f64)>,
    pub budget: Vec<(f64, f64)>,
    pub events: Vec<Vec<(f64, f64)>>,
    pub y_max: f64,
}

/// The chart's series of one currency's total.
pub fn series(o: &Outlook, t: &Total) -> Series {
    let mut s = Series {
        actual: Vec::new(),
        forecast: Vec::new(),
        low: Vec::new(),
        high: Vec::new(),
        budget: Vec::new(),
        events: Vec::new(),
        y_max: 0.0,
    };
    for (i, m) in t.months.iter().enumerate() {
        let x = i as f64;
        if let Some(a) = m.actual {
            s.actual.push((x, units(a)));
            if m.period == o.last_actual {
                // The forecast line starts where the actuals end.
                s.forecast.push((x, units(a)));
            }
        }
        if let Some(p) = m.forecast {
            s.forecast.push((x, units(p.value)));
            s.low.push((x, units(p.low)));
            s.high.push((x, units(p.high)));
        }
        if let Some(b) = m.budget {
            s.budget.push((x, units(b)));
        }
    }
    s.y_max = [&s.actual, &s.forecast, &s.high, &s.budget]
        .iter()
        .flat_map(|v| v.iter().map(|p| p.1))
        .fold(0.0, f64::max)
        .max(1.0)
        * 1.05;
    for e in &o.events {
        if let Some(i) = t.months.iter().position(|m| m.period == e.event.from) {
            s.events.push(vec![(i as f64, 0.0), (i as f64, s.y_max)]);
        }
    }
    s
}

/// The chart's series of one unit's volume (no budget; the events' markers as for cost).
pub fn volume_series(o: &Outlook, line: &UnitLine) -> Series {
    let mut s = Series {
        actual: Vec::new(),
        forecast: Vec::new(),
        low: Vec::new(),
        high: Vec::new(),
        budget: Vec::new(),
        events: Vec::new(),
        y_max: 0.0,
    };
    for (i, m) in line.months.iter().enumerate() {
        let x = i as f64;
        if let Some(a) = m.actual {
            s.actual.push((x, units(a)));
            if m.period == o.last_actual {
                s.forecast.push((x, units(a)));
            }
        }
        if let Some(p) = m.forecast {
            s.forecast.push((x, units(p.value)));
            s.low.push((x, units(p.low)));
            s.high.push((x, units(p.high)));
        }
    }
    s.y_max = [&s.actual, &s.forecast, &s.high].iter().flat_map(|v| v.iter().map(|p| p.1)).fold(0.0, f64::max).max(1.0)
        * 1.05;
    for e in &o.events {
        if let Some(i) = line.months.iter().position(|m| m.period == e.event.from) {
            s.events.push(vec![(i as f64, 0.0), (i as f64, s.y_max)]);
        }
    }
    s
}

fn chart(f: &mut Frame, area: Rect, periods: &[Period], s: &Series, title: &str, theme: &Theme) {
    let ascii = theme.symbols.ascii;
    let fine = if ascii { Marker::Dot } else { Marker::Braille };
    let mut sets = vec![
        Dataset::default()
            .name("actual")
            .marker(if ascii { Marker::Block } else { Marker::Braille })
            .graph_type(GraphType::Line)
            .style(theme.style(Role::Chart))
            .data(&s.actual),
        Dataset::default()
            .name("forecast")
            .marker(Marker::Dot)
            .graph_type(GraphType::Scatter)
            .style(theme.style(Role::Increase))
            .data(&s.forecast),
        Dataset::default().name("band").marker(fine).graph_type(GraphType::Scatter).style(theme.style(Role::Muted)).data(&s.low),
        Dataset::default().marker(fine).graph_type(GraphType::Scatter).style(theme.style(Role::Muted)).data(&s.high),
    ];
    if !s.budget.is_empty() {
        sets.push(
            Dataset::default()
                .name("budget")
                .marker(if ascii { Marker::Dot } else { Marker::HalfBlock })
                .graph_type(GraphType::Line)
                .style(theme.style(Role::Warning))
                .data(&s.budget),
        );
    }
    for (k, e) in s.events.iter().enumerate() {
        let d = Dataset::default().marker(Marker::Bar).graph_type(GraphType::Line).style(theme.style(Role::Info)).data(e);
        sets.push(if k == 0 { d.name("event") } else { d });
    }
    let n = periods.len().max(1);
    let first = periods.first().map(ToString::to_string).unwrap_or_default();
    let last = periods.last().map(ToString::to_string).unwrap_or_default();
    // Labels are spaced evenly: the middle one names the middle month (the last actual is in the header).
    let middle = periods.get((n - 1) / 2).map(ToString::to_string).unwrap_or_default();
    let x_labels = vec![Span::raw(first), Span::raw(middle), Span::raw(last)];
    let y_labels = vec![Span::raw("0"), Span::raw(compact(s.y_max / 2.0)), Span::raw(compact(s.y_max))];
    let w = Chart::new(sets)
        .block(Block::default().borders(Borders::ALL).border_style(theme.style(Role::Border)).title(title))
        .x_axis(Axis::default().bounds([0.0, (n - 1) as f64]).labels(x_labels).style(theme.style(Role::Muted)))
        .y_axis(Axis::default().bounds([0.0, s.y_max]).labels(y_labels).style(theme.style(Role::Muted)))
        .legend_position(Some(ratatui::widgets::LegendPosition::TopLeft))
        .hidden_legend_constraints((Constraint::Ratio(1, 2), Constraint::Ratio(1, 2)));
    f.render_widget(w, area);
}

/// The header: the scope, the method and the fiscal-year figures of the currency drawn (`t`), and why.
fn header(o: &Outlook, t: Option<&Total>, theme: &Theme) -> Vec<Line<'static>> {
    let Some(t) = t else {
        let line = format!("{} · no cost and no budget in this scope · last actual {}", o.scope.label(), o.last_actual);
        return vec![Line::from(Span::styled(visible(&line).into_owned(), theme.style(Role::Title)))];
    };
    let cur = visible(&t.currency).into_owned();
    let budget = match t.fy_budget {
        Some(b) => format!(" · budget {}", fmt_money(b)),
        None => " · no budget".to_string(),
    };
    let alert = alert_text(t.fy_alert);
    let alert_role = match t.fy_alert {
        Some(Alert::Over { .. }) => Role::Negative,
        Some(Alert::Near { .. }) => Role::Warning,
        None => Role::Muted,
    };
    let events = if o.events.is_empty() {
        String::new()
    } else {
        let labels: Vec<String> = o.events.iter().map(|e| visible(&e.event.label()).into_owned()).collect();
        format!(" · events: {}", labels.join("; "))
    };
    // The currency and its figures first: they must survive a narrow terminal.
    vec![
        Line::from(vec![
            Span::styled(visible(&o.scope.label()).into_owned(), theme.style(Role::Title)),
            Span::styled(format!(" · {cur} · FY{} outlook {}{budget}", o.fiscal_year, fmt_money(t.fy_outlook)), theme.style(Role::Text)),
            Span::styled(if alert.is_empty() { alert } else { format!(" {alert}") }, theme.style(alert_role)),
            Span::styled(format!(" · {} · last actual {}", t.method, o.last_actual), theme.style(Role::Text)),
        ]),
        Line::from(Span::styled(format!("why: {}{events}", visible(&t.why)), theme.style(Role::Muted))),
    ]
}

/// The currency the chart and header draw: the selected row's (a row, a total, a month), else the first.
pub fn chosen_total<'a>(s: &State, o: &'a Outlook) -> Option<&'a Total> {
    let id = s.selected_id(s.current_view());
    o.total(id.as_deref().and_then(|id| split_id(id).1))
}

/// The header of the volume view: what is measured (usage volume, one line per unit, units never added),
/// the units of the scope, and the figures of the unit the chart draws — no cost figure.
fn volume_header(o: &Outlook, v: &VolumeView, line: Option<&UnitLine>, theme: &Theme) -> Vec<Line<'static>> {
    let units: Vec<String> = v.units.iter().map(|u| visible(&u.unit).into_owned()).collect();
    let units = if units.is_empty() { "no usage quantities".to_string() } else { units.join(", ") };
    let first = Line::from(vec![
        Span::styled(visible(&o.scope.label()).into_owned(), theme.style(Role::Title)),
        Span::styled(format!(" · usage volume per unit, units never added: {units}"), theme.style(Role::Text)),
    ]);
    let second = match line {
        Some(l) => {
            let unit = visible(&l.unit).into_owned();
            let last = l.months.iter().find(|m| m.period == v.last_actual).map(|m| m.amount()).unwrap_or_default();
            let next: Decimal = l.months.iter().filter_map(|m| m.forecast.map(|p| p.value)).sum();
            let partial = l.months.iter().filter(|m| m.partial).count();
            let partial = match partial {
                0 => String::new(),
                n => format!(" · partial in {n} month(s): rows without a quantity"),
            };
            Line::from(vec![
                Span::styled(
                    format!(
                        "{unit}: actual {} {} · next 18 {}",
                        v.last_actual,
                        fmt_money(last),
                        fmt_money(next.round_dp(2))
                    ),
                    theme.style(Role::Text),
                ),
                Span::styled(format!("{partial} · forecast per service by its own method · u: cost"), theme.style(Role::Muted)),
            ])
        }
        None => Line::from(Span::styled("u: cost", theme.style(Role::Muted))),
    };
    vec![first, second]
}

/// The unit the volume chart draws: the selected row's, else the first.
fn chosen_unit<'a>(s: &State, v: &'a VolumeView) -> Option<&'a UnitLine> {
    let id = s.selected_id(s.current_view());
    let unit = id.as_deref().and_then(|id| split_id(id).1);
    v.units.iter().find(|u| Some(u.unit.as_str()) == unit).or(v.units.first())
}

pub fn render(f: &mut Frame, area: Rect, s: &State, theme: &Theme) {
    let pane = &s.panes.forecast;
    if let Load::Failed(e) = &pane.data {
        return failed(f, area, "forecast", e, theme);
    }
    match pane.data.ready() {
        Some(Some(_)) => {}
        Some(None) => {
            let p = Paragraph::new("no month of cost data before this month: nothing to forecast from (import a month first)");
            return f.render_widget(p, area);
        }
        None => return f.render_widget(Paragraph::new("forecasting …"), area),
    }
    let Some(o) = &pane.shown else { return f.render_widget(Paragraph::new("forecasting …"), area) };
    if pane.measure == Measure::Volume {
        if let Load::Failed(e) = &pane.volumes {
            return failed(f, area, "forecast volumes", e, theme);
        }
        if pane.volumes.ready().is_none() {
            return f.render_widget(Paragraph::new("reading and fitting usage volumes … (u: cost)"), area);
        }
    }
    let cur = s.current_view();
    let volume = pane.volume.as_ref().filter(|_| pane.measure == Measure::Volume);
    let total = chosen_total(s, o);
    let head_lines = match volume {
        Some(v) => volume_header(o, v, chosen_unit(s, v), theme),
        None => header(o, total, theme),
    };
    // The header wraps rather than being cut at 80 columns (up to 4 rows; the chart gives them up).
    let rows: usize = head_lines
        .iter()
        .map(|l| {
            let text: String = l.spans.iter().map(|s| s.content.as_ref()).collect();
            crate::console::ui::detail::wrap(text.trim_end(), usize::from(area.width)).len()
        })
        .sum();
    let rows = u16::try_from(rows).unwrap_or(4).clamp(2, 4);
    let [head, body] = Layout::vertical([Constraint::Length(rows), Constraint::Min(0)]).areas(area);
    f.render_widget(Paragraph::new(head_lines).wrap(ratatui::widgets::Wrap { trim: true }), head);
    let wide = body.width >= 140;
    let (chart_area, table_area) = if wide {
        let [a, b] = Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)]).areas(body);
        (a, b)
    } else {
        let [a, b] = Layout::vertical([Constraint::Percentage(50), Constraint::Percentage(50)]).areas(body);
        (a, b)
    };
    match volume {
        Some(v) => match chosen_unit(s, v) {
            Some(line) => {
                let title = format!(" volume by month: {} (u: cost) ", visible(&line.unit));
                let periods: Vec<Period> = line.months.iter().map(|m| m.period).collect();
                chart(f, chart_area, &periods, &volume_series(o, line), &title, theme);
            }
            None => f.render_widget(Paragraph::new("no usage quantities in this scope (u: cost)"), chart_area),
        },
        None => match total {
            Some(t) => {
                let periods: Vec<Period> = t.months.iter().map(|m| m.period).collect();
                chart(f, chart_area, &periods, &series(o, t), &chart_title(o, t), theme);
            }
            None => f.render_widget(Paragraph::new("no cost in this scope"), chart_area),
        },
    }
    let [tabs, table] = Layout::vertical([Constraint::Length(1), Constraint::Min(0)]).areas(table_area);
    f.render_widget(Paragraph::new(sublists(s, &VIEWS, cur, theme, tabs.width)), tabs);
    let what = if volume.is_some() { "volume" } else { "cost" };
    let title = match (cur, level(&o.scope)) {
        (ViewKey::ForecastMonths, _) => format!("{what}: months shown (x exports exactly these)"),
        (_, "service") if o.scope.service.is_none() => format!("{what}: services (enter: one; esc back)"),
        (_, "service") => format!("{what}: one service (esc back)"),
        (_, level) => format!("{what}: {level}s (enter: drill in; c codes/customers)"),
    };
    list(f, table, s, cur, &title, None, true, theme);
}
