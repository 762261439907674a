//! The close pane: its tables (and render).
use billops_domain::close::ItemStatus;
use crate::console::table::{Cell, Column, Mark, Row, TableModel};
use crate::console::theme::Role;
use crate::ledger::close::CloseView;

pub fn status_cell(st: ItemStatus) -> Cell {
    match st {
        ItemStatus::Ok => Cell::text("ok").mark(Mark::Check).role(Role::Approved),
        ItemStatus::Warning => Cell::text("warning").mark(Mark::Warn).role(Role::Warning),
        ItemStatus::Blocker => Cell::text("blocker").mark(Mark::Cross).role(Role::Error),
    }
}

pub fn table(v: &CloseView) -> TableModel {
    let rows = v
        .board
        .items
        .iter()
        .enumerate()
        .map(|(i, it)| Row {
            id: i.to_string(),
            cells: vec![
                Cell::int(i64::try_from(i + 1).unwrap_or(0)),
                status_cell(it.status),
                Cell::text(&it.title),
                Cell::text(it.owner.clone().unwrap_or_else(|| "-".into())),
                Cell::text(it.problems.join("; ")),
            ],
            role: None,
        })
        .collect();
    TableModel {
        columns: vec![
            Column::num("#", 1),
            Column::text("status", 9),
            Column::text("check", 42),
            Column::text("owner", 8),
            Column::text("blockers / warnings", 40),
        ],
        rows,
        total: None,
    }
}
