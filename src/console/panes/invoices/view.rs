//! The invoices pane: its tables (and render).
use billops_domain::invoice::{InvoiceStatus, LineKind};
use billops_store::{InvoiceSummary, StoredInvoice};
use crate::console::table::{Cell, Column, Mark, Row, TableModel, fmt_money};
use crate::console::theme::Role;
use crate::ledger::invoices::Generated;

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
                Cell::money(i.total),
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
                Cell::money(sec.subtotal).role(Role::Total),
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
                    Cell::money(l.amount),
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
            Cell::text("total").role(Role::Total),
            Cell::text(&inv.currency).role(Role::Total),
            Cell::text(""),
            Cell::money(inv.total).role(Role::Total),
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
            let change = x.diff.as_ref().map_or_else(String::new, |d| {
                format!(
                    "+{} -{} ~{}  {} → {}",
                    d.added.len(),
                    d.removed.len(),
                    d.changed.len(),
                    fmt_money(d.old_total),
                    fmt_money(d.new_total)
                )
            });
            Row {
                id: x.invoice_id.to_string(),
                cells: vec![
                    Cell::text(&x.customer),
                    Cell::int(x.invoice_id),
                    outcome,
                    Cell::money(x.total),
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
