//! Recon's FX-rates list, drawn (state in, frame out): the list, and under it the selected rate with who entered
//! and approved it, what it is for, and whether the period's rates can still change.
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

use crate::console::keys::Cmd;
use crate::console::state::{State, ViewKey};
use crate::console::theme::{Role, Theme};
use crate::console::ui::widgets::{key, list};

pub(super) fn render(f: &mut Frame, area: Rect, s: &State, n: Option<&'static str>, theme: &Theme) {
    let p = s.period_or_now();
    let [top, bottom] = Layout::vertical([Constraint::Min(5), Constraint::Length(6)]).areas(area);
    let lock = s.period_lock();
    let name = match lock {
        Some(_) => format!("FX rates {p} (signed off: read-only)"),
        None => format!("FX rates {p} ({} proposes, {} approves)", key(s, Cmd::FxRate), key(s, Cmd::Approve)),
    };
    list(f, top, s, ViewKey::FxRates, &name, n, true, theme);
    let b = Block::default().borders(Borders::ALL).border_style(theme.style(Role::Border));
    let sel = s.selected_id(ViewKey::FxRates);
    let rate = s.panes.recon.data.ready().and_then(|d| d.fx_rates.iter().find(|r| Some(super::fx::rate_id(r)) == sel));
    let mut lines = Vec::new();
    if let Some(r) = rate {
        lines.push(Line::from(format!(
            "1 {} = {} {} · {} of {} · for cost in {} billed in {}",
            r.base,
            r.rate.normalize(),
            r.quote,
            r.source,
            r.date,
            r.base,
            r.quote
        )));
        lines.push(Line::from(format!(
            "entered by {} {} · {}",
            r.entered_by,
            r.entered_at.format("%Y-%m-%d %H:%M"),
            match (&r.approved_by, r.approved_at) {
                (Some(by), Some(at)) => format!("approved by {by} {}", at.format("%Y-%m-%d %H:%M")),
                _ => "awaiting a manager who did not enter it".to_string(),
            }
        )));
    } else {
        lines.push(Line::from(format!(
            "no rate for {p}: drafts of customers billed in another currency than their cost refuse until one is approved"
        )));
    }
    let (text, role) = match lock {
        Some(l) => (
            format!("{p} is signed off by {}: its rates are frozen; a corrected rate is a re-rating (PPA)", l.locked_by),
            Role::Locked,
        ),
        None => ("a rate is proposed by an operator and approved by another manager (maker-checker)".into(), Role::Muted),
    };
    lines.push(Line::from(Span::styled(text, theme.style(role))));
    let title = rate.map_or_else(|| " FX rate ".to_string(), |r| format!(" {} {} · {} ", r.pair(), r.period, r.status));
    let b = b.title(Span::styled(title, theme.style(Role::Title)));
    f.render_widget(Paragraph::new(lines).wrap(Wrap { trim: true }).block(b), bottom);
}
