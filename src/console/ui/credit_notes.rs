//! The credit notes of the open invoice, as a section under its lines: number, date, amount, reason, and what
//! stays uncredited. Pure: it reads the detail's loaded notes only.
use billops_domain::credit_note::remaining;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};
use rust_decimal::Decimal;

use crate::console::state::{InvoiceDetail, Load};
use crate::console::table::fmt_money;
use crate::console::theme::{Role, Theme};

/// At most this many notes are listed; the rest are counted.
const SHOWN: usize = 4;

/// Draw the section at the bottom of `area` when the invoice has credit notes (or they failed to load) and
/// return what is left for the lines.
pub fn invoice_credit_notes(f: &mut Frame, area: Rect, d: &InvoiceDetail, theme: &Theme) -> Rect {
    let lines: Vec<Line> = match &d.credit_notes {
        Load::Ready(ns) if !ns.is_empty() => {
            let mut lines: Vec<Line> = ns
                .iter()
                .take(SHOWN)
                .map(|n| {
                    Line::from(vec![
                        Span::styled(format!("{}  ", n.number), theme.style(Role::Text)),
                        Span::styled(format!("{}  ", n.issued_on), theme.style(Role::Muted)),
                        Span::styled(
                            format!("{:>12} {}  ", fmt_money(-n.amount), n.currency),
                            theme.style(Role::Negative),
                        ),
                        Span::styled(format!("{} ({})", n.reason, n.issued_by), theme.style(Role::Text)),
                    ])
                })
                .collect();
            if ns.len() > SHOWN {
                lines.push(Line::from(Span::styled(
                    format!("… {} more (billops invoices credit-notes --invoice {})", ns.len() - SHOWN, d.id),
                    theme.style(Role::Muted),
                )));
            }
            lines
        }
        Load::Failed(e) => vec![Line::from(Span::styled(format!("not loaded: {e}"), theme.style(Role::Error)))],
        _ => return area,
    };
    let h = u16::try_from(lines.len()).unwrap_or(1).saturating_add(2);
    if area.height < h.saturating_add(5) {
        return area;
    }
    let [top, bottom] = Layout::vertical([Constraint::Min(0), Constraint::Length(h)]).areas(area);
    let b = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.style(Role::Border))
        .title(Span::styled(title(d), theme.style(Role::Title)));
    f.render_widget(Paragraph::new(lines).block(b), bottom);
    top
}

fn title(d: &InvoiceDetail) -> String {
    let Some(ns) = d.credit_notes.ready() else { return " credit notes ".into() };
    let credited: Decimal = ns.iter().map(|n| n.amount).sum();
    match d.data.ready() {
        Some(inv) => format!(
            " credit notes {}: credited {}, uncredited {} {} ",
            ns.len(),
            fmt_money(credited),
            fmt_money(remaining(inv.total, credited)),
            inv.currency
        ),
        None => format!(" credit notes {}: credited {} ", ns.len(), fmt_money(credited)),
    }
}
