//! The credits pane: its tables (and render).
use billops_domain::credit::CreditStatus;
use billops_store::StoredCredit;
use crate::console::table::{Cell, Column, Mark, Row, TableModel};
use crate::console::theme::Role;

pub(super) fn status_cell(st: CreditStatus) -> Cell {
    match st {
        CreditStatus::Proposed => Cell::text("proposed").mark(Mark::Open).role(Role::Pending),
        CreditStatus::Approved => Cell::text("approved").mark(Mark::Check).role(Role::Approved),
        CreditStatus::Rejected => Cell::text("rejected").mark(Mark::Cross).role(Role::Rejected),
        CreditStatus::Exhausted => Cell::text("exhausted").role(Role::Muted),
        CreditStatus::Expired => Cell::text("expired").role(Role::Muted),
    }
}

pub fn table(d: &[StoredCredit]) -> TableModel {
    let mut cs: Vec<&StoredCredit> = d.iter().collect();
    cs.sort_by(|a, b| {
        (a.credit.status() != CreditStatus::Proposed)
            .cmp(&(b.credit.status() != CreditStatus::Proposed))
            .then(b.id.cmp(&a.id))
    });
    let rows = cs
        .into_iter()
        .map(|s| {
            let c = &s.credit;
            Row {
                id: s.id.to_string(),
                cells: vec![
                    Cell::text(c.id()),
                    status_cell(c.status()),
                    Cell::text(c.customer()),
                    Cell::text(c.kind().to_string()),
                    Cell::money(c.amount().amount),
                    Cell::money(c.remaining()),
                    Cell::text(c.currency()),
                    Cell::text(c.proposed_by()),
                    Cell::text(format!("{}..{}", c.validity().start, c.validity().end)),
                ],
                role: None,
            }
        })
        .collect();
    TableModel {
        columns: vec![
            Column::text("id", 6),
            Column::text("status", 11),
            Column::text("customer", 12),
            Column::text("kind", 18),
            Column::num("amount", 12),
            Column::num("remaining", 12),
            Column::text("cur", 3),
            Column::text("proposer", 8),
            Column::text("valid", 22),
        ],
        rows,
        total: None,
    }
}
