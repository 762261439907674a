//! The invoices pane's render (state in, frame out) and its tables.
use crate::console::ui::widgets::failed;
use crate::console::ui::widgets::list;
use crate::console::ui::widgets::note;
use billops_domain::credit_note::remaining;
use super::state::SourcesView;
use crate::console::state::InvoiceDetail;
use crate::console::state::Load;
use crate::console::state::State;
use crate::console::state::ViewKey;
use crate::console::table::{fmt_money, fmt_money_in};
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
use rust_decimal::Decimal;
use billops_domain::invoice::InvoiceStatus;
use billops_domain::invoice::LineKind;
use billops_store::InvoiceSummary;
use billops_store::StoredInvoice;
use crate::console::table::Cell;
use crate::console::table::Column;
use crate::console::table::Mark;
use crate::console::table::Row;
use crate::console::table::TableModel;
use crate::month::invoices::Generated;

pub fn status_cell(st: InvoiceStatus) -> Cell {
    let c = Cell::text(st.as_str());
    match st {
        InvoiceStatus::Draft => c.mark(Mark::Open).role(Role::Pending),
        InvoiceStatus::Reviewed => c.mark(Mark::Open).role(Role::Info),
        InvoiceStatus::Approved => c.mark(Mark::Check).role(Role::Approved),
        InvoiceStatus::Issued | InvoiceStatus::Paid | InvoiceStatus::PartlyPaid => {
            c.mark(Mark::Check).role(Role::Locked)
        }
        InvoiceStatus::Disputed => c.mark(Mark::Warn).role(Role::Warning),
        InvoiceStatus::Void => c.mark(Mark::Cross).role(Role::Muted),
    }
}

pub fn table(d: &[InvoiceSummary]) -> TableModel {
    let rows = d
        .iter()
        .map(|i| Row {
            id: i.id.to_string(),
            cells: vec![
                Cell::int(i.id),
                Cell::text(&i.customer),
                status_cell(i.status),
                Cell::text(i.number.clone().unwrap_or_else(|| "-".into())),
                Cell::money_in(i.cost, &i.currency),
                Cell::money_in(i.total, &i.currency),
                Cell::text(&i.currency),
            ],
            role: None,
        })
        .collect();
    TableModel {
        columns: vec![
            Column::num("id", 4),
            Column::text("customer", 14),
            Column::text("status", 12),
            Column::text("number", 10),
            Column::num("at cost", 14),
            Column::num("total", 14),
            Column::text("cur", 3),
        ],
        rows,
        total: None,
    }
}

pub(super) fn what(kind: &LineKind, description: &str) -> String {
    match kind {
        LineKind::Usage { service, product, component } => format!("{service} / {product} / {component}"),
        LineKind::Stripped { service, category } => format!("{service} ({category:?})"),
        _ => description.to_string(),
    }
}

/// What the invoice bills before the customer's tax: charges, discounts and credits (the supplier items removed
/// in section 1 are not billed; tax and the rounding line come after).
pub fn pre_tax(inv: &StoredInvoice) -> Decimal {
    use billops_domain::invoice::Step;
    inv.draft
        .sections()
        .iter()
        .filter(|sec| matches!(sec.step, Step::Rate | Step::Discounts | Step::Credits))
        .try_fold(Decimal::ZERO, |a, sec| a.checked_add(sec.subtotal))
        .unwrap_or_default()
}

/// The row of invoice line `n` (numbered from 1 in section order, as disputes and PPAs name lines) in
/// [`lines_table`].
pub fn line_row_id(inv: &StoredInvoice, n: u32) -> Option<String> {
    let mut left = usize::try_from(n).ok()?.checked_sub(1)?;
    for (i, sec) in inv.draft.sections().iter().enumerate() {
        if left < sec.lines.len() {
            return Some(format!("s{i}l{left}"));
        }
        left -= sec.lines.len();
    }
    None
}

/// Each of the six sections as a heading row with its subtotal, then its lines.
pub fn lines_table(inv: &StoredInvoice) -> TableModel {
    let mut rows = Vec::new();
    for (n, sec) in inv.draft.sections().iter().enumerate() {
        rows.push(Row {
            id: format!("s{n}"),
            cells: vec![
                Cell::text(format!("{}. {}", n + 1, sec.step.title())).role(Role::Header),
                Cell::text(format!("{} line(s)", sec.lines.len())).role(Role::Muted),
                Cell::text(""),
                Cell::money_in(sec.subtotal, &inv.currency).role(Role::Total),
                Cell::text(""),
            ],
            role: None,
        });
        for (k, l) in sec.lines.iter().enumerate() {
            rows.push(Row {
                id: format!("s{n}l{k}"),
                cells: vec![
                    Cell::text(format!("   {}", l.description)),
                    Cell::text(what(&l.kind, &l.description)),
                    Cell::text(l.account_code.clone().unwrap_or_default()),
                    Cell::money_in(l.amount, &inv.currency),
                    Cell::text(l.rule_ids.join(" ")),
                ],
                role: None,
            });
        }
    }
    TableModel {
        columns: vec![
            Column::text("section / line", 30),
            Column::text("service / product / component", 34),
            Column::text("account code", 12),
            Column::num("amount", 14),
            Column::text("rule", 10),
        ],
        rows,
        total: Some(vec![
            Cell::text(format!("total {}", crate::console::ui::widgets::INVOICED)).role(Role::Total),
            Cell::text(&inv.currency).role(Role::Total),
            Cell::text(""),
            Cell::money_in(inv.total, &inv.currency).role(Role::Total),
            Cell::text(""),
        ]),
    }
}

/// The per-customer outcome of the last generation.
pub fn generated_table(g: &[Generated]) -> TableModel {
    let rows = g
        .iter()
        .map(|x| {
            let outcome = match x.outcome {
                "created" => Cell::text("created").mark(Mark::Check).role(Role::Approved),
                "regenerated" => Cell::text("regenerated").mark(Mark::Warn).role(Role::Warning),
                other => Cell::text(other).role(Role::Muted),
            };
            let change = x.change.as_ref().map_or_else(String::new, |d| {
                format!(
                    "+{} -{} ~{}  {} → {}",
                    d.added,
                    d.removed,
                    d.changed,
                    fmt_money_in(d.old_total, &x.currency),
                    fmt_money_in(d.new_total, &x.currency)
                )
            });
            Row {
                id: x.invoice_id.to_string(),
                cells: vec![
                    Cell::text(&x.customer),
                    Cell::int(x.invoice_id),
                    outcome,
                    Cell::money_in(x.total, &x.currency),
                    Cell::text(change),
                ],
                role: None,
            }
        })
        .collect();
    TableModel {
        columns: vec![
            Column::text("customer", 14),
            Column::num("inv", 4),
            Column::text("outcome", 13),
            Column::num("total", 14),
            Column::text("changes (lines +added -removed ~changed, total)", 40),
        ],
        rows,
        total: None,
    }
}

pub(crate) fn render(f: &mut Frame, area: Rect, s: &State, theme: &Theme) {
    if crate::console::panes::invoices::view::invoice_sources(f, area, s, theme) {
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
                    "  {}  {} {} {}",
                    inv.number.as_deref().unwrap_or("(unnumbered)"),
                    crate::console::ui::widgets::INVOICED,
                    fmt_money_in(inv.total, &inv.currency),
                    inv.currency
                ),
                theme.style(Role::Text),
            ));
        }
        f.render_widget(Paragraph::new(Line::from(spans)), head);
        let body = crate::console::panes::invoices::view::invoice_credit_notes(f, body, d, theme);
        let name = match d.data.ready() {
            Some(inv) => format!(
                "sections in the order of operations · {} {}",
                crate::console::ui::widgets::PRE_TAX,
                fmt_money_in(pre_tax(inv), &inv.currency)
            ),
            None => "sections in the order of operations".into(),
        };
        return list(f, body, s, ViewKey::InvoiceLines, &name, dn, true, theme);
    }
    let name = format!("invoices {} · total {}", s.period_or_now(), crate::console::ui::widgets::INVOICED);
    if s.panes.invoices.generated.is_some() && area.height >= 12 {
        let [top, bottom] = Layout::vertical([Constraint::Percentage(55), Constraint::Percentage(45)]).areas(area);
        list(f, top, s, ViewKey::Invoices, &name, n, true, theme);
        list(f, bottom, s, ViewKey::Generated, "last generation (esc hides)", None, false, theme);
    } else {
        list(f, area, s, ViewKey::Invoices, &name, n, true, theme);
    }
}

/// Invoices: the open line's sources (resources and raw line items), when shown. False otherwise.
pub(crate) fn invoice_sources(f: &mut Frame, area: Rect, s: &State, theme: &Theme) -> bool {
    let Some(src) = &s.panes.invoices.sources else { return false };
    sources(f, area, s, src, theme);
    true
}

pub(crate) fn sources(f: &mut Frame, area: Rect, s: &State, src: &SourcesView, theme: &Theme) {
    let n = match note(&src.data) {
        Ok(n) => n,
        Err(e) => return failed(f, area, &src.line, &e, theme),
    };
    let [top, body] = Layout::vertical([Constraint::Length(1), Constraint::Min(0)]).areas(area);
    let q = &src.q;
    let mut spans = vec![Span::styled(format!(" {} ", src.line), theme.style(Role::Title))];
    if let Some(x) = src.data.ready() {
        spans.push(Span::styled(
            format!(
                "{} item(s) · {} {cur} billed · {} resource(s) ",
                x.rows,
                fmt_money_in(x.billed, &src.currency),
                x.resource_count,
                cur = src.currency
            ),
            theme.style(Role::Text),
        ));
    }
    spans.push(Span::styled(format!("· {} / {} / {}", q.service, q.product, q.component), theme.style(Role::Muted)));
    crate::console::ui::widgets::head(f, top, spans);
    let [a, b] = Layout::vertical([Constraint::Percentage(45), Constraint::Percentage(55)]).areas(body);
    let shown = |k: ViewKey| s.view(k).map_or(0, |v| v.model.rows.len());
    let res = format!("resources (top {} by cost)", shown(ViewKey::SourceResources));
    let items = format!("first {} raw line items", shown(ViewKey::SourceItems));
    list(f, a, s, ViewKey::SourceResources, &res, n, src.focus == ViewKey::SourceResources, theme);
    list(f, b, s, ViewKey::SourceItems, &items, n, src.focus == ViewKey::SourceItems, theme);
}

/// At most this many notes are listed; the rest are counted.
pub(crate) const SHOWN: usize = 4;

/// Draw the section at the bottom of `area` when the invoice has credit notes (or they failed to load) and
/// return what is left for the lines.
pub(crate) fn invoice_credit_notes(f: &mut Frame, area: Rect, d: &InvoiceDetail, theme: &Theme) -> Rect {
    let lines: Vec<Line> = match (&d.credit_notes, d.credit_notes.ready()) {
        (_, Some(ns)) if !ns.is_empty() || !d.payments.is_empty() => {
            let mut lines: Vec<Line> = ns
                .iter()
                .take(SHOWN)
                .map(|n| {
                    Line::from(vec![
                        Span::styled(format!("{}  ", n.number), theme.style(Role::Text)),
                        Span::styled(format!("{}  ", n.issued_on), theme.style(Role::Muted)),
                        Span::styled(
                            format!("{:>12} {}  ", fmt_money_in(-n.amount, &n.currency), n.currency),
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
            let cur = d.data.ready().map_or("", |i| i.currency.as_str());
            for p in d.payments.iter().take(SHOWN) {
                lines.push(Line::from(vec![
                    Span::styled(format!("payment {}  ", p.id), theme.style(Role::Text)),
                    Span::styled(format!("{}  ", p.received_on), theme.style(Role::Muted)),
                    Span::styled(format!("{:>12} {cur}  ", fmt_money_in(-p.amount, cur)), theme.style(Role::Negative)),
                    Span::styled(p.reference.clone().unwrap_or_default(), theme.style(Role::Text)),
                ]));
            }
            if d.payments.len() > SHOWN {
                let n = d.payments.len() - SHOWN;
                let st = format!("… {n} more payment(s) (t: the customer's statement)");
                lines.push(Line::from(Span::styled(st, theme.style(Role::Muted))));
            }
            lines
        }
        (Load::Failed(e), _) => vec![Line::from(Span::styled(format!("not loaded: {e}"), theme.style(Role::Error)))],
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
        .title(Span::styled(credit_notes_title(d), theme.style(Role::Title)));
    f.render_widget(Paragraph::new(lines).block(b), bottom);
    top
}

pub(crate) fn credit_notes_title(d: &InvoiceDetail) -> String {
    let Some(ns) = d.credit_notes.ready() else { return " credit notes ".into() };
    let credited: Decimal = ns.iter().map(|n| n.amount).sum();
    let paid: Decimal = d.payments.iter().map(|p| p.amount).sum();
    let cur = d.data.ready().map_or("", |i| i.currency.as_str());
    let payments =
        if d.payments.is_empty() { String::new() } else { format!(" · paid {} ", fmt_money_in(paid, cur)) };
    match d.data.ready() {
        Some(inv) => format!(
            " credit notes {}: credited {}, uncredited {} {}{payments} ",
            ns.len(),
            fmt_money_in(credited, &inv.currency),
            fmt_money_in(remaining(inv.total, credited), &inv.currency),
            inv.currency
        ),
        // The invoice not loaded yet: its currency unknown, 2 places until it is.
        None => format!(" credit notes {}: credited {}{payments} ", ns.len(), fmt_money(credited)),
    }
}

/// Draft generation's line on the message line while it runs.
pub fn job_line(f: &mut Frame, area: Rect, s: &State, theme: &Theme) -> bool {
    if s.panes.invoices.job.is_none() {
        return false;
    }
    let text = format!("generating invoice drafts for {} … working", s.period_or_now());
    f.render_widget(Paragraph::new(Span::styled(text, theme.style(Role::Pending))), area);
    true
}
