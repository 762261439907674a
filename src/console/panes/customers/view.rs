//! The customers pane: its tables (and render).
use billops_store::ONBOARDING_ITEMS;
use rust_decimal::Decimal;
use crate::console::action::{CustomersData, DetailData};
use crate::console::table::{Cell, Column, Mark, Row, TableModel, change_cell};
use crate::console::theme::Role;
use super::keys::*;

pub fn table(d: &CustomersData) -> TableModel {
    let cur = by_key(&d.cur);
    let prev = by_key(&d.prev);
    let rows = d
        .customers
        .iter()
        .map(|c| {
            let now = cur.get(c.code.as_str()).copied().unwrap_or_default();
            let before = prev.get(c.code.as_str()).copied();
            Row {
                id: c.code.clone(),
                cells: vec![
                    Cell::text(&c.code),
                    Cell::text(&c.name),
                    Cell::int(c.account_count),
                    Cell::money(now),
                    before.map_or_else(|| Cell::text("-").role(Role::Muted), Cell::money),
                    change_cell(now, before),
                ],
                role: None,
            }
        })
        .collect();
    TableModel {
        columns: vec![
            Column::text("code", 10),
            Column::text("name", 24),
            Column::num("accts", 5),
            Column::num("cost", 14),
            Column::num("last period", 14),
            Column::num("change", 9),
        ],
        rows,
        total: None,
    }
}

pub fn onboarding_table(d: &DetailData) -> TableModel {
    let mut items = d.onboarding.clone();
    for name in ONBOARDING_ITEMS {
        if !items.iter().any(|i| i.item == name) {
            items.push(billops_store::ChecklistItem { item: name.to_string(), done: false, by: None, at: None });
        }
    }
    let rows = items
        .iter()
        .map(|i| Row {
            id: i.item.clone(),
            cells: vec![
                if i.done {
                    Cell::text("done").mark(Mark::Check).role(Role::Approved)
                } else {
                    Cell::text("open").mark(Mark::Open).role(Role::Warning)
                },
                Cell::text(i.item.replace('_', " ")),
                Cell::text(i.by.clone().unwrap_or_default()),
                Cell::text(i.at.map(|t| t.format("%Y-%m-%d %H:%M").to_string()).unwrap_or_default()),
            ],
            role: None,
        })
        .collect();
    TableModel {
        columns: vec![Column::text("", 6), Column::text("item", 24), Column::text("by", 10), Column::text("when", 16)],
        rows,
        total: None,
    }
}

pub fn services_table(d: &DetailData) -> TableModel {
    let mut total = Decimal::ZERO;
    let rows = d
        .services
        .iter()
        .map(|r| {
            total = total.checked_add(r.cost).unwrap_or(total);
            let k = r.keys.first().cloned().unwrap_or_default();
            Row { id: k.clone(), cells: vec![Cell::text(k), Cell::money(r.cost)], role: None }
        })
        .collect();
    TableModel {
        columns: vec![Column::text("service", 24), Column::num("cost", 14)],
        rows,
        total: Some(vec![Cell::text("total").role(Role::Total), Cell::money(total).role(Role::Total)]),
    }
}

pub fn accounts_table(d: &DetailData) -> TableModel {
    let rows = d
        .accounts
        .iter()
        .map(|a| Row {
            id: a.id.clone(),
            cells: vec![Cell::text(&a.id), Cell::text(&a.name), Cell::text(&a.payer)],
            role: None,
        })
        .collect();
    TableModel {
        columns: vec![Column::text("account", 14), Column::text("name", 20), Column::text("payer", 14)],
        rows,
        total: None,
    }
}
