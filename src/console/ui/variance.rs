//! The Close pane's variance list (board item 5) and the selected variance: both periods, Δ, line counts,
//! and its explanation (or why it is needed again).
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

use super::panes::{failed, list, note};
use crate::console::keys::Cmd;
use crate::console::panes::variance::{pct_cell, selected, state_cell};
use crate::console::state::{State, ViewKey};
use crate::console::table::fmt_money;
use crate::console::theme::{Role, Theme};
use billops_domain::variance::VarianceState;

pub fn variances(f: &mut Frame, area: Rect, s: &State, theme: &Theme) {
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
        detail(f, bottom, s, theme);
    }
}

fn detail(f: &mut Frame, area: Rect, s: &State, theme: &Theme) {
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
    let mut lines = vec![Line::from(format!(
        "{} → {}  Δ {} ({pct})  lines {} → {}",
        fmt_money(v.prev),
        fmt_money(v.cur),
        fmt_money(v.delta),
        v.prev_rows,
        v.cur_rows
    ))];
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
    let b = b.title(Line::from(title));
    f.render_widget(Paragraph::new(lines).wrap(Wrap { trim: true }).block(b), area);
}
