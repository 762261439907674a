//! The recon pane: its tables (and render).
use billops_domain::close::TieOutStatus;
use rust_decimal::Decimal;
use crate::console::action::ReconData;
use crate::console::table::{Cell, Column, Mark, Row, TableModel};
use crate::console::theme::Role;

pub(super) fn status_cell(st: TieOutStatus) -> Cell {
    match st {
        TieOutStatus::Tied => Cell::text("tied").mark(Mark::Check).role(Role::Approved),
        TieOutStatus::WithinTolerance => Cell::text("in tolerance").mark(Mark::Check).role(Role::Approved),
        TieOutStatus::Explained => Cell::text("explained").mark(Mark::Check).role(Role::Approved),
        TieOutStatus::Unreconciled => Cell::text("unreconciled").mark(Mark::Cross).role(Role::Error),
        TieOutStatus::MissingSupplierInvoice => Cell::text("no supplier inv").mark(Mark::Cross).role(Role::Error),
    }
}

/// The three-way residual: supplier invoice − allocated (both legs together); `None` without an invoice.
pub fn residual(t: &billops_domain::close::TieOut) -> Option<Decimal> {
    t.input.supplier_invoice.and_then(|s| s.checked_sub(t.allocated))
}

pub fn table(d: &ReconData) -> TableModel {
    let rows = d
        .tie_outs
        .iter()
        .map(|t| {
            let i = &t.input;
            let res = residual(t).map_or_else(
                || Cell::text("-").role(Role::Muted),
                |r| if r.is_zero() { Cell::money(r) } else { Cell::money(r).role(Role::Warning) },
            );
            Row {
                id: i.payer.clone(),
                cells: vec![
                    Cell::text(&i.payer),
                    i.supplier_invoice.map_or_else(|| Cell::text("-").role(Role::Muted), Cell::money),
                    Cell::money(i.imported_billed),
                    Cell::money(i.invoiced_at_cost),
                    Cell::money(i.unassigned),
                    res,
                    status_cell(t.status),
                ],
                role: None,
            }
        })
        .collect();
    TableModel {
        columns: vec![
            Column::text("payer", 12),
            Column::num("supplier", 8),
            Column::num("imported", 10),
            Column::num("at cost", 10),
            Column::num("unassign", 10),
            Column::num("residual", 8),
            Column::text("status", 18),
        ],
        rows,
        total: None,
    }
}
