//! The month-end panes: Close (board, countdown, selected item), Invoices (list, detail, generation
//! summary), Credits (approval queue) and Recon (tie-out per payer).
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

use super::panes::{failed, list, note};
use crate::console::keys::Cmd;
use crate::console::panes::close::jump_pane;
use crate::console::panes::recon::residual;
use crate::console::state::{State, ViewKey};
use crate::console::table::fmt_money;
use crate::console::theme::{Role, Theme};
use crate::ledger::close::CloseView;
use billops_domain::close::ItemStatus;

fn countdown_spans(v: &CloseView, theme: &Theme) -> Vec<Span<'static>> {
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

pub fn close(f: &mut Frame, area: Rect, s: &State, theme: &Theme) {
    if s.current_view() == ViewKey::Variances {
        return super::variance::variances(f, area, s, theme);
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
    }
    f.render_widget(Paragraph::new(Line::from(spans)), head);
    let rows = s.view(ViewKey::Close).map_or(8, |v| v.model.rows.len());
    let table_h = u16::try_from(rows).unwrap_or(8).saturating_add(3);
    let [top, bottom] = Layout::vertical([Constraint::Length(table_h), Constraint::Min(0)]).areas(body);
    list(f, top, s, ViewKey::Close, "month-end checklist", n, true, theme);
    if bottom.height >= 3 {
        item_detail(f, bottom, s, theme);
    }
}

fn item_detail(f: &mut Frame, area: Rect, s: &State, theme: &Theme) {
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
        lines.push(Line::from(Span::styled("nothing to fix", theme.style(Role::Muted))));
    }
    if item.status != ItemStatus::Ok {
        let (pane, view) = jump_pane(item.jump);
        let open = s.keymap.keys_of(Cmd::Open).first().map(ToString::to_string).unwrap_or_default();
        let hint = if view == Some(ViewKey::Variances) {
            format!("{open} opens the variance list")
        } else if pane == crate::console::pane::PaneId::Close {
            format!("{} signs off (manager)", s.keymap.label(Cmd::SignOff))
        } else {
            format!("{open} jumps to {}", pane.title())
        };
        lines.push(Line::from(Span::styled(hint, theme.style(Role::Key))));
    }
    f.render_widget(Paragraph::new(lines).wrap(Wrap { trim: true }).block(b), area);
}

pub fn invoices(f: &mut Frame, area: Rect, s: &State, theme: &Theme) {
    if super::ledger::invoice_sources(f, area, s, theme) {
        return;
    }
    let n = match note(&s.panes.invoices.data) {
        Ok(n) => n,
        Err(e) => return failed(f, area, "invoices", &e, theme),
    };
    if let Some(d) = &s.panes.invoices.detail {
        let dn = match note(&d.data) {
            Ok(n) => n,
            Err(e) => return failed(f, area, &format!("invoice {}", d.id), &e, theme),
        };
        let [head, body] = Layout::vertical([Constraint::Length(1), Constraint::Min(0)]).areas(area);
        let mut spans = vec![Span::styled(format!(" invoice {} ", d.id), theme.style(Role::Title))];
        if let Some(inv) = d.data.ready() {
            spans.push(Span::raw(format!("{} {} ", inv.customer, inv.period)));
            let st = crate::console::panes::invoices::status_cell(inv.status);
            spans.push(Span::styled(st.text.clone(), theme.style(st.role.unwrap_or(Role::Text))));
            spans.push(Span::styled(
                format!(
                    "  {}  total {} {}",
                    inv.number.as_deref().unwrap_or("(unnumbered)"),
                    fmt_money(inv.total),
                    inv.currency
                ),
                theme.style(Role::Text),
            ));
        }
        f.render_widget(Paragraph::new(Line::from(spans)), head);
        let body = super::credit_notes::invoice_credit_notes(f, body, d, theme);
        return list(f, body, s, ViewKey::InvoiceLines, "sections in the order of operations", dn, true, theme);
    }
    let name = format!("invoices {}", s.period_or_now());
    if s.panes.invoices.generated.is_some() && area.height >= 12 {
        let [top, bottom] = Layout::vertical([Constraint::Percentage(55), Constraint::Percentage(45)]).areas(area);
        list(f, top, s, ViewKey::Invoices, &name, n, true, theme);
        list(f, bottom, s, ViewKey::Generated, "last generation (esc hides)", None, false, theme);
    } else {
        list(f, area, s, ViewKey::Invoices, &name, n, true, theme);
    }
}

pub fn credits(f: &mut Frame, area: Rect, s: &State, theme: &Theme) {
    match note(&s.panes.credits.data) {
        Ok(n) => list(f, area, s, ViewKey::Credits, "credits: approval queue (proposed first)", n, true, theme),
        Err(e) => failed(f, area, "credits", &e, theme),
    }
}

pub fn recon(f: &mut Frame, area: Rect, s: &State, theme: &Theme) {
    let n = match note(&s.panes.recon.data) {
        Ok(n) => n,
        Err(e) => return failed(f, area, "recon", &e, theme),
    };
    let [top, bottom] = Layout::vertical([Constraint::Min(5), Constraint::Length(7)]).areas(area);
    let name = format!("tie-out {} per payer", s.period_or_now());
    list(f, top, s, ViewKey::Recon, &name, n, true, theme);
    let b = Block::default().borders(Borders::ALL).border_style(theme.style(Role::Border));
    let Some(d) = s.panes.recon.data.ready() else {
        f.render_widget(b, bottom);
        return;
    };
    let sel = s.selected_id(ViewKey::Recon);
    let Some(t) = d.tie_outs.iter().find(|t| Some(&t.input.payer) == sel.as_ref()) else {
        f.render_widget(b.title(" no payer data in this period "), bottom);
        return;
    };
    let i = &t.input;
    let money = |x: rust_decimal::Decimal| format!("{} {}", fmt_money(x), i.currency);
    let entered: Vec<String> =
        d.supplier_invoices.iter().filter(|x| x.payer == i.payer).map(|x| x.number.clone()).collect();
    let lines = vec![
        Line::from(format!(
            "supplier invoice {}  {}",
            i.supplier_invoice.map_or_else(|| "not entered".to_string(), money),
            if entered.is_empty() { String::new() } else { format!("({})", entered.join(", ")) }
        )),
        Line::from(format!(
            "supplier − imported {}   import − allocated {}",
            t.supplier_residual.map_or_else(|| "-".to_string(), money),
            money(t.allocation_residual)
        )),
        Line::from(format!(
            "allocated = at cost {} + unassigned {} + retained {}",
            fmt_money(i.invoiced_at_cost),
            fmt_money(i.unassigned),
            fmt_money(i.retained)
        )),
        Line::from(Span::styled(
            format!(
                "residual {} · tolerance {} · {}",
                residual(t).map_or_else(|| "-".to_string(), money),
                i.tolerance.normalize(),
                t.summary()
            ),
            theme.style(if t.is_ok() { Role::Approved } else { Role::Warning }),
        )),
    ];
    let b = b.title(Span::styled(format!(" payer {} ", i.payer), theme.style(Role::Title)));
    f.render_widget(Paragraph::new(lines).wrap(Wrap { trim: true }).block(b), bottom);
}
