//! The Disputes pane's render (state in, frame out) and its table models.
use billops_domain::dispute::{DisputeStatus, DisputeTarget};
use billops_domain::ppa::PpaStatus;
use billops_store::disputes::{ClaimRecord, DisputeRecord, PpaRecord, RequestRecord};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::keys::VIEWS;
use super::state::Timed;
use crate::console::state::{Load, State, ViewKey};
use crate::console::table::{Cell, Column, Mark, Row, TableModel};
use crate::console::theme::{Role, Theme};
use crate::console::ui::widgets::{failed, list, note, sublists};
use billops_domain::text::visible;

pub(super) fn snake<T: serde::Serialize>(v: &T) -> String {
    match serde_json::to_value(v) {
        Ok(serde_json::Value::String(s)) => s,
        _ => String::new(),
    }
}

fn left_cell(t: &str) -> Cell {
    let c = Cell::text(t);
    if t.starts_with("BREACHED") || t.starts_with("missed") {
        c.role(Role::Negative).mark(Mark::Cross)
    } else if t.starts_with("WARNING") {
        c.role(Role::Warning)
    } else {
        c
    }
}

fn dispute_status(st: DisputeStatus) -> Cell {
    match st {
        DisputeStatus::Open | DisputeStatus::Researching => Cell::text(st.to_string()).mark(Mark::Open).role(Role::Pending),
        DisputeStatus::Accepted => Cell::text("accepted").mark(Mark::Check).role(Role::Approved),
        DisputeStatus::Rejected => Cell::text("rejected").mark(Mark::Cross).role(Role::Rejected),
        DisputeStatus::Settled => Cell::text("settled").role(Role::Muted),
    }
}

pub fn disputes(d: &[Timed<DisputeRecord>]) -> TableModel {
    let rows = d
        .iter()
        .map(|(r, left)| {
            let i = &r.dispute.input;
            let line = match &i.target {
                DisputeTarget::Line { line, .. } => line.to_string(),
                DisputeTarget::Invoice { .. } => "all".into(),
            };
            Row {
                id: r.id.to_string(),
                cells: vec![
                    Cell::text(r.id.to_string()),
                    dispute_status(r.dispute.status),
                    Cell::text(&i.customer),
                    Cell::text(r.invoice_number.clone().unwrap_or_default()),
                    Cell::text(line),
                    Cell::money_in(i.amount.amount, &i.amount.currency),
                    Cell::text(snake(&i.reason)),
                    Cell::text(&i.owner),
                    Cell::text(i.external_ref.clone().unwrap_or_default()),
                    left_cell(left),
                ],
                role: None,
            }
        })
        .collect();
    TableModel {
        columns: vec![
            Column::text("id", 4),
            Column::text("status", 12),
            Column::text("customer", 8),
            Column::text("invoice", 10),
            Column::text("line", 4),
            Column::num("amount", 10),
            Column::text("reason", 8),
            Column::text("owner", 6),
            Column::text("ref", 10),
            Column::text("time left", 14),
        ],
        rows,
        total: None,
    }
}

pub fn ppas(d: &[PpaRecord]) -> TableModel {
    let rows = d
        .iter()
        .map(|r| {
            let i = &r.ppa.input;
            let status = match r.ppa.status {
                PpaStatus::Proposed => Cell::text("proposed").mark(Mark::Open).role(Role::Pending),
                PpaStatus::Approved => Cell::text("approved").mark(Mark::Check).role(Role::Approved),
                PpaStatus::Rejected => Cell::text("rejected").mark(Mark::Cross).role(Role::Rejected),
                PpaStatus::Posted => Cell::text("posted").role(Role::Muted),
            };
            Row {
                id: r.id.to_string(),
                cells: vec![
                    Cell::text(r.id.to_string()),
                    status,
                    Cell::text(&i.customer),
                    Cell::text(format!("{}/{}", i.original_invoice, i.original_line)),
                    Cell::text(i.original_period.to_string()),
                    Cell::money_in(i.rerated - i.original, &i.currency),
                    Cell::text(&r.ppa.proposer),
                    Cell::text(r.ppa.approver.clone().unwrap_or_default()),
                    Cell::text(r.ppa.posting_period.map(|p| p.to_string()).unwrap_or_default()),
                ],
                role: None,
            }
        })
        .collect();
    TableModel {
        columns: vec![
            Column::text("id", 4),
            Column::text("status", 11),
            Column::text("customer", 10),
            Column::text("original", 14),
            Column::text("period", 7),
            Column::num("delta", 10),
            Column::text("proposer", 8),
            Column::text("approver", 8),
            Column::text("posted in", 9),
        ],
        rows,
        total: None,
    }
}

pub fn claims(d: &[ClaimRecord]) -> TableModel {
    let rows = d
        .iter()
        .map(|r| {
            let c = &r.claim;
            Row {
                id: r.id.to_string(),
                cells: vec![
                    Cell::text(r.id.to_string()),
                    Cell::text(snake(&c.status)),
                    Cell::text(format!("{} {}", c.service, c.region)),
                    Cell::text(c.cycle.to_string()),
                    Cell::text(c.uptime.to_string()),
                    Cell::text(c.tier.map(|t| t.credit.to_string()).unwrap_or_default()),
                    Cell::money_in(c.amount.amount, &c.amount.currency),
                    Cell::text(c.deadline.to_string()),
                ],
                role: None,
            }
        })
        .collect();
    TableModel {
        columns: vec![
            Column::text("id", 4),
            Column::text("status", 14),
            Column::text("service / region", 22),
            Column::text("cycle", 7),
            Column::text("uptime", 7),
            Column::text("tier", 5),
            Column::num("claim", 10),
            Column::text("deadline", 10),
        ],
        rows,
        total: None,
    }
}

pub fn requests(d: &[Timed<RequestRecord>]) -> TableModel {
    let rows = d
        .iter()
        .map(|(r, left)| Row {
            id: r.id.to_string(),
            cells: vec![
                Cell::text(r.id.to_string()),
                Cell::text(snake(&r.kind)),
                Cell::text(r.external_ref.clone().unwrap_or_default()),
                Cell::text(r.customer.clone().unwrap_or_default()),
                Cell::text(&r.subject),
                Cell::text(crate::month::requests::timer_state(&r.timer)),
                left_cell(left),
            ],
            role: None,
        })
        .collect();
    TableModel {
        columns: vec![
            Column::text("id", 4),
            Column::text("kind", 14),
            Column::text("ref", 10),
            Column::text("customer", 10),
            Column::text("subject", 24),
            Column::text("clock", 8),
            Column::text("time left", 16),
        ],
        rows,
        total: None,
    }
}

fn slot_note(s: &State, v: ViewKey) -> Result<Option<&'static str>, String> {
    let p = &s.panes.disputes;
    match v {
        ViewKey::Ppas => note(&p.ppas),
        ViewKey::SlaClaims => note(&p.claims),
        ViewKey::Requests => note(&p.requests),
        _ => note(&p.disputes),
    }
}

pub fn render(f: &mut Frame, area: Rect, s: &State, theme: &Theme) {
    if let Some((_, d)) = &s.panes.disputes.detail {
        return detail(f, area, d, theme);
    }
    let cur = s.current_view();
    let [tabs, body] = Layout::vertical([Constraint::Length(1), Constraint::Min(0)]).areas(area);
    f.render_widget(Paragraph::new(sublists(s, &VIEWS, cur, theme, tabs.width)), tabs);
    let title = match cur {
        ViewKey::Ppas => "prior-period adjustments (a approve, r reject, enter: the chain)",
        ViewKey::SlaClaims => "SLA claims (n new, u submit, a/r decided, c credited, P pass through)",
        ViewKey::Requests => "requests: time left on the business calendar (space pauses / resumes)",
        _ => "disputes (D new, w research, a accept, r reject, C/p settle, enter: trail)",
    };
    match slot_note(s, cur) {
        Ok(n) => list(f, body, s, cur, title, n, true, theme),
        Err(e) => failed(f, body, "disputes", &e, theme),
    }
}

fn detail(f: &mut Frame, area: Rect, d: &Load<super::state::Detail>, theme: &Theme) {
    let d = match (d, d.ready()) {
        (_, Some(d)) => d,
        (Load::Failed(e), _) => return failed(f, area, "detail", e, theme),
        _ => return f.render_widget(Paragraph::new("loading …"), area),
    };
    let mut lines = vec![Line::from(Span::styled(visible(&d.title).into_owned(), theme.style(Role::Title))), Line::from("")];
    lines.push(Line::from(Span::styled("trail (who, when, why)", theme.style(Role::Header))));
    for [at, by, what, why] in &d.trail {
        lines.push(Line::from(format!("  {at}  {:<8} {what:<24} {}", visible(by), visible(why))));
    }
    if !d.chain.is_empty() {
        lines.push(Line::from(""));
        lines.push(Line::from(Span::styled("original line → PPA → new invoice line", theme.style(Role::Header))));
        for c in &d.chain {
            let invoice: String = visible(&c.invoice).chars().take(12).collect();
            let amount = crate::console::table::fmt_money_in(c.amount, &c.currency);
            lines.push(Line::from(format!("  {:<8} {invoice:<12} {:<7} line {:<4} {amount:>16}", c.step, c.period, c.line)));
            lines.push(Line::from(Span::styled(format!("           {}", visible(&c.description)), theme.style(Role::Muted))));
        }
    }
    if let Some((heading, extra)) = &d.extra {
        lines.push(Line::from(""));
        lines.push(Line::from(Span::styled(visible(heading).into_owned(), theme.style(Role::Header))));
        lines.extend(extra.iter().map(|l| Line::from(format!("  {}", visible(l)))));
    }
    lines.push(Line::from(""));
    lines.push(Line::from(Span::styled("esc: back to the list", theme.style(Role::Muted))));
    f.render_widget(Paragraph::new(lines), area);
}

/// A PPA's interest, step by step: recomputed by the rule that set it (the customer's terms on the day it was
/// proposed); the stored amount is what posts.
pub async fn interest_lines(
    st: &dyn billops_store::Store,
    p: &PpaRecord,
) -> billops_store::Result<(String, Vec<String>)> {
    let i = &p.ppa.input;
    let money = |d| crate::console::table::fmt_money_in(d, &i.currency);
    let mut out = vec![format!("interest on the PPA: {} {} (exactly {})", money(i.interest), i.currency, i.interest)];
    let Some(proposed) = p.events.first().map(|e| e.at.date_naive()) else {
        return Ok(("interest".into(), out));
    };
    match crate::month::interest::ppa_interest(st, p.original_invoice_id, i.rerated - i.original, None, proposed).await? {
        Some(x) if x.amount == i.interest => {
            let c = &x.computation;
            out.push(format!("{}: due {}, to {} ({} days late)", x.rule, c.due, c.paid, c.days_late));
            for (n, s) in c.steps.iter().enumerate() {
                let new_base = s.new_base.map(|b| format!(" → base {}", money(b))).unwrap_or_default();
                out.push(format!(
                    "{}. {} – {} {:>3} d at {}% on {}: {}{new_base}",
                    n + 1,
                    s.from,
                    s.through,
                    s.days,
                    s.annual_rate.value(),
                    money(s.base),
                    money(s.interest)
                ));
            }
            let waived = if c.waived { " (waived: under the minimum)" } else { "" };
            out.push(format!("accrued {} → charged {}{waived}", money(c.accrued), crate::console::table::fmt_money_cur(&c.interest)));
        }
        Some(_) => out.push("set by an explicit rate (--interest-rate): billops interest shows its steps".into()),
        None if i.interest.is_zero() => out.push("no interest terms for the customer".into()),
        None => out.push("set by an explicit rate (--interest-rate): billops interest shows its steps".into()),
    }
    Ok(("interest, step by step".into(), out))
}

/// A claim's assessment and its pass-through.
pub fn claim_lines(r: &ClaimRecord) -> (String, Vec<String>) {
    let c = &r.claim;
    let tier = c.tier.map(|t| format!("below {}% → {}", t.below, t.credit)).unwrap_or_else(|| "SLA met: no tier".into());
    let mut out = vec![
        format!("incident {} – {}", c.incident_start.format("%Y-%m-%d %H:%M"), c.incident_end.format("%Y-%m-%d %H:%M")),
        format!("uptime {}%: {tier}", c.uptime),
        format!("affected charges {} → claim {}{}", c.affected_charges, c.amount, if c.eligible { "" } else { " (not eligible)" }),
        format!("deadline {}", c.deadline),
    ];
    if let Some(cr) = r.credited {
        out.push(format!("credited by the supplier: {cr} {}", c.amount.currency));
    }
    for a in &r.allocations {
        out.push(format!("{}: {} of {} affected", a.customer, a.amount, a.affected));
    }
    if !r.credits.is_empty() {
        out.push(format!("proposed credits (Credits pane): {}", r.credits.join(", ")));
    }
    ("assessment and pass-through".into(), out)
}
