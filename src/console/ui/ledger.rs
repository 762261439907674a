//! Rendering of the month-end surfaces of issue 5: Recon's supplier invoices and cases, Credits' cross-check,
//! the statement and price-book screens of Customers, and an invoice line's sources. Pure, like every renderer.
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

use super::panes::{failed, list, note, sublists};
use crate::console::keys::Cmd;
use crate::console::ops::{BookView, CustomerScreen, SourcesView, StatementView};
use crate::console::panes::pricebook::{pricing_text, scope_text};
use crate::console::panes::{supplier, unreached};
use crate::console::state::{Load, State, ViewKey};
use crate::console::table::fmt_money;
use crate::console::theme::{Role, Theme};

fn head(f: &mut Frame, area: Rect, spans: Vec<Span<'static>>) {
    f.render_widget(Paragraph::new(Line::from(spans)), area);
}

fn key(s: &State, c: Cmd) -> String {
    s.keymap.keys_of(c).first().map(ToString::to_string).unwrap_or_default()
}

/// Recon: tie-outs (the existing view), supplier invoices, cases; `v` cycles.
pub fn recon(f: &mut Frame, area: Rect, s: &State, theme: &Theme) {
    let cur = s.current_view();
    let [tabs, body] = Layout::vertical([Constraint::Length(1), Constraint::Min(0)]).areas(area);
    f.render_widget(Paragraph::new(sublists(s, &supplier::VIEWS, cur, theme)), tabs);
    if cur == ViewKey::Recon {
        return super::month::recon(f, body, s, theme);
    }
    let n = match note(&s.panes.recon.data) {
        Ok(n) => n,
        Err(e) => return failed(f, body, "recon", &e, theme),
    };
    let p = s.period_or_now();
    if cur == ViewKey::SupplierInvoices {
        let name = format!("supplier invoices {p} ({} enters one)", key(s, Cmd::SupplierInvoice));
        return list(f, body, s, cur, &name, n, true, theme);
    }
    let [top, bottom] = Layout::vertical([Constraint::Min(5), Constraint::Length(6)]).areas(body);
    let name = format!(
        "cases {p} ({} opens cases for residuals, {} changes one)",
        key(s, Cmd::OpenCases),
        key(s, Cmd::EditCase)
    );
    list(f, top, s, cur, &name, n, true, theme);
    let b = Block::default().borders(Borders::ALL).border_style(theme.style(Role::Border));
    let sel = s.selected_id(ViewKey::Cases).and_then(|i| i.parse::<i64>().ok());
    let Some(c) = s.panes.recon.data.ready().and_then(|d| d.cases.iter().find(|c| Some(c.id) == sel)) else {
        f.render_widget(b, bottom);
        return;
    };
    let lines = vec![
        Line::from(format!(
            "residual {} · expected credit note {} · received {} · explains {}",
            fmt_money(c.residual),
            fmt_money(c.expected),
            fmt_money(c.received),
            fmt_money(c.explains())
        )),
        Line::from(format!(
            "opened by {} {} · updated by {} {} · owner {}",
            c.opened_by,
            c.opened_at.format("%Y-%m-%d"),
            c.updated_by,
            c.updated_at.format("%Y-%m-%d"),
            c.owner.as_deref().unwrap_or("-")
        )),
        Line::from(Span::styled(c.note.clone(), theme.style(Role::Text))),
    ];
    let t = format!(" case {} · payer {} · {} ", c.id, c.payer, c.status);
    let b = b.title(Span::styled(t, theme.style(Role::Title)));
    f.render_widget(Paragraph::new(lines).wrap(Wrap { trim: true }).block(b), bottom);
}

/// Credits: the approval queue (the existing view) or the cross-check of unreached credits.
pub fn credits(f: &mut Frame, area: Rect, s: &State, theme: &Theme) {
    let cur = s.current_view();
    let [tabs, body] = Layout::vertical([Constraint::Length(1), Constraint::Min(0)]).areas(area);
    f.render_widget(Paragraph::new(sublists(s, &unreached::VIEWS, cur, theme)), tabs);
    if cur != ViewKey::Unreached {
        return super::month::credits(f, body, s, theme);
    }
    let p = s.period_or_now();
    let n = match note(&s.panes.credits.unreached) {
        Ok(n) => n,
        Err(e) => return failed(f, body, "unreached credits", &e, theme),
    };
    let name = match s.panes.credits.unreached.ready().map(unreached::counts) {
        Some((0, 0)) => format!("{p}: {} every credit reached a customer invoice", theme.symbols.check),
        Some((sup, fund)) => {
            format!("{p}: {} {sup} supplier credit(s) not passed on · {fund} credit(s) unused", theme.symbols.cross)
        }
        None => format!("{p}: credits that reached no customer invoice"),
    };
    list(f, body, s, cur, &name, n, true, theme);
}

/// The Customers pane: a statement or price-book screen when one is open. False when none is (the caller
/// draws the list or the detail).
pub fn customer_screen(f: &mut Frame, area: Rect, s: &State, theme: &Theme) -> bool {
    match &s.panes.customers.screen {
        Some(CustomerScreen::Statement(v)) => statement(f, area, s, v, theme),
        Some(CustomerScreen::Book(b)) => book(f, area, s, b, theme),
        None => return false,
    }
    true
}

fn statement(f: &mut Frame, area: Rect, s: &State, v: &StatementView, theme: &Theme) {
    let what = format!("statement {}", v.customer);
    let n = match note(&v.data) {
        Ok(n) => n,
        Err(e) => return failed(f, area, &what, &e, theme),
    };
    let [top, body] = Layout::vertical([Constraint::Length(1), Constraint::Min(0)]).areas(area);
    let mut spans = vec![
        Span::styled(format!(" {what} "), theme.style(Role::Title)),
        Span::styled(format!("{}…{}", v.from, v.to), theme.style(Role::Text)),
    ];
    if let Some(st) = v.data.ready() {
        spans.push(Span::styled(
            format!(" · {} → {} {}", fmt_money(st.opening), fmt_money(st.closing), st.currency),
            theme.style(Role::Text),
        ));
    }
    spans.push(Span::styled(format!(" · {} exports CSV+JSON", key(s, Cmd::Export)), theme.style(Role::Muted)));
    head(f, top, spans);
    list(f, body, s, ViewKey::Statement, "opening, invoices, payments, closing", n, true, theme);
}

fn book(f: &mut Frame, area: Rect, s: &State, b: &BookView, theme: &Theme) {
    let what = format!("price book {}", b.customer);
    let n = match note(&b.data) {
        Ok(n) => n,
        Err(e) => return failed(f, area, &what, &e, theme),
    };
    let Some(p) = &b.pending else {
        let [top, body] = Layout::vertical([Constraint::Length(1), Constraint::Min(0)]).areas(area);
        head(
            f,
            top,
            vec![
                Span::styled(format!(" {what} "), theme.style(Role::Title)),
                Span::styled(format!("{} · first match wins  ", b.period), theme.style(Role::Text)),
                Span::styled(format!("{} adds a rule (previewed first)", key(s, Cmd::NewRule)), theme.style(Role::Key)),
            ],
        );
        let name = format!("rules in order · what each priced in {}", b.period);
        return list(f, body, s, ViewKey::BookRules, &name, n, true, theme);
    };
    let [top, sub, body] =
        Layout::vertical([Constraint::Length(1), Constraint::Length(1), Constraint::Min(0)]).areas(area);
    let r = &p.rule;
    head(
        f,
        top,
        vec![
            Span::styled(format!(" preview: new rule for {} ", b.customer), theme.style(Role::Title)),
            Span::styled(
                format!("{} · {} · from {}", pricing_text(r.pricing), scope_text(&r.scope), r.from),
                theme.style(Role::Text),
            ),
        ],
    );
    let pn = match note(&p.diff) {
        Ok(n) => n,
        Err(e) => return failed(f, body, "the preview", &e, theme),
    };
    let mut spans = Vec::new();
    if let Some(d) = p.diff.ready() {
        let delta = d.delta().unwrap_or_default();
        spans.push(Span::styled(
            format!(
                " {}: {} → {} ({}{}), {} of {} line(s) change  ",
                b.period,
                fmt_money(d.old_total),
                fmt_money(d.new_total),
                if delta.is_sign_positive() && !delta.is_zero() { "+" } else { "" },
                fmt_money(delta),
                d.changed_lines,
                d.lines
            ),
            theme.style(if delta.is_zero() { Role::Muted } else { Role::Warning }),
        ));
    }
    spans.push(Span::styled("enter saves the rule · esc discards", theme.style(Role::Key)));
    head(f, sub, spans);
    let [a, c] = Layout::vertical([Constraint::Percentage(55), Constraint::Percentage(45)]).areas(body);
    list(f, a, s, ViewKey::PreviewRules, "by rule (old → new)", pn, p.focus == ViewKey::PreviewRules, theme);
    list(f, c, s, ViewKey::PreviewServices, "by service", pn, p.focus == ViewKey::PreviewServices, theme);
}

/// Invoices: the open line's sources (resources and raw line items), when shown. False otherwise.
pub fn invoice_sources(f: &mut Frame, area: Rect, s: &State, theme: &Theme) -> bool {
    let Some(src) = &s.panes.invoices.sources else { return false };
    sources(f, area, s, src, theme);
    true
}

fn sources(f: &mut Frame, area: Rect, s: &State, src: &SourcesView, theme: &Theme) {
    let n = match note(&src.data) {
        Ok(n) => n,
        Err(e) => return failed(f, area, &src.line, &e, theme),
    };
    let [top, body] = Layout::vertical([Constraint::Length(1), Constraint::Min(0)]).areas(area);
    let q = &src.q;
    let mut spans = vec![Span::styled(format!(" {} ", src.line), theme.style(Role::Title))];
    if let Load::Ready(x) = &src.data {
        spans.push(Span::styled(
            format!("{} item(s) · {} billed · {} resource(s) ", x.rows, fmt_money(x.billed), x.resource_count),
            theme.style(Role::Text),
        ));
    }
    spans.push(Span::styled(format!("· {} / {} / {}", q.service, q.product, q.component), theme.style(Role::Muted)));
    head(f, top, spans);
    let [a, b] = Layout::vertical([Constraint::Percentage(45), Constraint::Percentage(55)]).areas(body);
    let shown = |k: ViewKey| s.view(k).map_or(0, |v| v.model.rows.len());
    let res = format!("resources (top {} by cost)", shown(ViewKey::SourceResources));
    let items = format!("first {} raw line items", shown(ViewKey::SourceItems));
    list(f, a, s, ViewKey::SourceResources, &res, n, src.focus == ViewKey::SourceResources, theme);
    list(f, b, s, ViewKey::SourceItems, &items, n, src.focus == ViewKey::SourceItems, theme);
}
