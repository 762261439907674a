//! The recon pane's render (state in, frame out) and its tables.
use crate::console::ui::widgets::failed;
use crate::console::ui::widgets::list;
use crate::console::ui::widgets::note;
use crate::console::ui::widgets::sublists;
use crate::console::keys::Cmd;
use super::supplier;
use crate::console::state::State;
use crate::console::state::ViewKey;
use crate::console::table::fmt_money_in;
use crate::console::theme::Role;
use crate::console::theme::Theme;
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
use billops_domain::close::TieOutStatus;
use rust_decimal::Decimal;
use super::io::ReconData;
use crate::console::table::Cell;
use crate::console::table::Column;
use crate::console::table::Mark;
use crate::console::table::Row;
use crate::console::table::TableModel;

pub(super) fn status_cell(st: TieOutStatus) -> Cell {
    match st {
        TieOutStatus::Tied => Cell::text("tied").mark(Mark::Check).role(Role::Approved),
        TieOutStatus::WithinTolerance => Cell::text("in tolerance").mark(Mark::Check).role(Role::Approved),
        TieOutStatus::Explained => Cell::text("explained").mark(Mark::Check).role(Role::Approved),
        TieOutStatus::Unreconciled => Cell::text("unreconciled").mark(Mark::Cross).role(Role::Error),
        TieOutStatus::MissingSupplierInvoice => Cell::text("no supplier inv").mark(Mark::Cross).role(Role::Error),
    }
}

/// A tie-out's row id: its payer and currency (a payer billed in two currencies has two rows).
pub fn tie_id(t: &billops_domain::close::TieOut) -> String {
    format!("{} {}", t.input.payer, t.input.currency)
}

/// The three-way residual: supplier invoice − allocated (both legs together); `None` without an invoice.
pub fn residual(t: &billops_domain::close::TieOut) -> Option<Decimal> {
    t.input.supplier_invoice.and_then(|s| s.checked_sub(t.allocated))
}

/// The one currency of every tie-out, if they share one (the list then names it in its title instead of a
/// `cur` column, so a one-currency book keeps its columns at 80 wide).
pub fn one_currency(d: &ReconData) -> Option<&str> {
    let first = d.tie_outs.first()?.input.currency.as_str();
    d.tie_outs.iter().all(|t| t.input.currency == first).then_some(first)
}

pub fn table(d: &ReconData) -> TableModel {
    let several = one_currency(d).is_none() && !d.tie_outs.is_empty();
    let rows = d
        .tie_outs
        .iter()
        .map(|t| {
            let i = &t.input;
            let cur = i.currency.as_str();
            let res = residual(t).map_or_else(
                || Cell::text("-").role(Role::Muted),
                |r| if r.is_zero() { Cell::money_in(r, cur) } else { Cell::money_in(r, cur).role(Role::Warning) },
            );
            Row {
                id: tie_id(t),
                cells: [Cell::text(&i.payer)]
                    .into_iter()
                    .chain(several.then(|| Cell::text(&i.currency)))
                    .chain([
                    i.supplier_invoice.map_or_else(|| Cell::text("-").role(Role::Muted), |x| Cell::money_in(x, cur)),
                    Cell::money_in(i.imported_billed, cur),
                    Cell::money_in(i.invoiced_at_cost, cur),
                    Cell::money_in(i.unassigned, cur),
                    res,
                    status_cell(t.status),
                ])
                .collect(),
                role: None,
            }
        })
        .collect();
    TableModel {
        columns: [Column::text("payer", 12)]
            .into_iter()
            .chain(several.then(|| Column::text("cur", 3)))
            .chain([
            Column::num("supplier", 8),
            Column::num("imported", 10),
            Column::num("at cost", 10),
            Column::num("unassign", 10),
            Column::num("residual", 8),
            Column::text("status", 18),
        ])
        .collect(),
        rows,
        total: None,
    }
}

pub(crate) fn tie_out(f: &mut Frame, area: Rect, s: &State, theme: &Theme) {
    let n = match note(&s.panes.recon.data) {
        Ok(n) => n,
        Err(e) => return failed(f, area, "recon", &e, theme),
    };
    let [top, bottom] = Layout::vertical([Constraint::Min(5), Constraint::Length(7)]).areas(area);
    let name = match s.panes.recon.data.ready().map(one_currency) {
        Some(Some(cur)) => format!("tie-out {} per payer ({cur})", s.period_or_now()),
        Some(None) if s.panes.recon.data.ready().is_some_and(|d| !d.tie_outs.is_empty()) => {
            format!("tie-out {} per payer and currency", s.period_or_now())
        }
        _ => format!("tie-out {} per payer", s.period_or_now()),
    };
    list(f, top, s, ViewKey::Recon, &name, n, true, theme);
    let b = Block::default().borders(Borders::ALL).border_style(theme.style(Role::Border));
    let Some(d) = s.panes.recon.data.ready() else {
        f.render_widget(b, bottom);
        return;
    };
    let sel = s.selected_id(ViewKey::Recon);
    let Some(t) = d.tie_outs.iter().find(|t| Some(&tie_id(t)) == sel.as_ref()) else {
        f.render_widget(b.title(" no payer data in this period "), bottom);
        return;
    };
    let i = &t.input;
    let money = |x: rust_decimal::Decimal| format!("{} {}", fmt_money_in(x, &i.currency), i.currency);
    let entered: Vec<String> = d
        .supplier_invoices
        .iter()
        .filter(|x| x.payer == i.payer && x.currency == i.currency)
        .map(|x| x.number.clone())
        .collect();
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
            money(i.invoiced_at_cost),
            money(i.unassigned),
            money(i.retained)
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
    let b = b.title(Span::styled(format!(" payer {} · {} ", i.payer, i.currency), theme.style(Role::Title)));
    f.render_widget(Paragraph::new(lines).wrap(Wrap { trim: true }).block(b), bottom);
}

/// Recon: tie-outs (the existing view), supplier invoices, cases, FX rates; `v` cycles.
pub(crate) fn render(f: &mut Frame, area: Rect, s: &State, theme: &Theme) {
    let cur = s.current_view();
    let [tabs, body] = Layout::vertical([Constraint::Length(1), Constraint::Min(0)]).areas(area);
    f.render_widget(Paragraph::new(sublists(s, &supplier::VIEWS, cur, theme, tabs.width)), tabs);
    let shown = s.panes.recon.detail;
    if shown.open
        && let Some(r) = s.panes.recon.data.ready().and_then(|d| super::detail::row_record(d, cur, &s.selected_id(cur)?))
    {
        return crate::console::ui::detail::render(f, body, &r, crate::console::ui::detail::HINT, shown.scroll, theme);
    }
    if cur == ViewKey::Recon {
        return crate::console::panes::recon::view::tie_out(f, body, s, theme);
    }
    let n = match note(&s.panes.recon.data) {
        Ok(n) => n,
        Err(e) => return failed(f, body, "recon", &e, theme),
    };
    let p = s.period_or_now();
    if cur == ViewKey::SupplierInvoices {
        let name = format!("supplier invoices {p} ({} enters one)", crate::console::ui::widgets::key(s, Cmd::SupplierInvoice));
        return list(f, body, s, cur, &name, n, true, theme);
    }
    if cur == ViewKey::FxRates {
        return super::fx_view::render(f, body, s, n, theme);
    }
    if cur == ViewKey::ChStatements {
        return super::statements::render(f, body, s, n, theme);
    }
    let [top, bottom] = Layout::vertical([Constraint::Min(5), Constraint::Length(6)]).areas(body);
    let name = format!(
        "cases {p} ({} opens cases for residuals, {} changes one)",
        crate::console::ui::widgets::key(s, Cmd::OpenCases),
        crate::console::ui::widgets::key(s, Cmd::EditCase)
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
            fmt_money_in(c.residual, &c.currency),
            fmt_money_in(c.expected, &c.currency),
            fmt_money_in(c.received, &c.currency),
            fmt_money_in(c.explains(), &c.currency)
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
    let t = format!(" case {} · payer {} · {} · {} ", c.id, c.payer, c.currency, c.status);
    let b = b.title(Span::styled(t, theme.style(Role::Title)));
    f.render_widget(Paragraph::new(lines).wrap(Wrap { trim: true }).block(b), bottom);
}
