//! Customers: the list with this and last period's cost, and a detail view (linked accounts, cost by service,
//! a 12-month sparkline, the onboarding checklist).
use std::collections::HashMap;

use billops_store::ONBOARDING_ITEMS;
use rust_decimal::Decimal;

use crate::console::action::{CustomersData, DetailData, Effect, WriteOp};
use crate::console::state::{Detail, Load, State, ViewKey};
use crate::console::table::{Cell, Column, Mark, Row, TableModel, change_cell};
use crate::console::theme::Role;

pub fn load(s: &mut State) -> Vec<Effect> {
    let Some(period) = s.period else { return Vec::new() };
    let req = s.req();
    s.customers.data = Load::Loading(req);
    let mut fx = vec![Effect::Customers { req, period, basis: s.costs.basis }];
    if s.customers.detail.is_some() {
        fx.extend(load_detail(s));
    }
    fx
}

pub fn load_detail(s: &mut State) -> Vec<Effect> {
    let Some(period) = s.period else { return Vec::new() };
    let req = s.req();
    let basis = s.costs.basis;
    let Some(d) = s.customers.detail.as_mut() else { return Vec::new() };
    d.data = Load::Loading(req);
    vec![Effect::CustomerDetail { req, code: d.code.clone(), period, basis }]
}

pub fn loaded(s: &mut State, req: u64, data: CustomersData) {
    if !s.customers.data.waits_for(req) {
        return;
    }
    s.set_model(ViewKey::Customers, table(&data));
    s.customers.data = Load::Ready(data);
}

pub fn detail_loaded(s: &mut State, req: u64, data: DetailData) {
    let Some(d) = s.customers.detail.as_mut() else { return };
    if !d.data.waits_for(req) {
        return;
    }
    d.data = Load::Ready(data.clone());
    s.set_model(ViewKey::Onboarding, onboarding_table(&data));
    s.set_model(ViewKey::Services, services_table(&data));
    s.set_model(ViewKey::CustomerAccounts, accounts_table(&data));
}

fn by_key(rows: &[billops_store::CostRow]) -> HashMap<&str, Decimal> {
    let mut m: HashMap<&str, Decimal> = HashMap::new();
    for r in rows {
        if let Some(k) = r.keys.first() {
            let e = m.entry(k.as_str()).or_default();
            *e = e.checked_add(r.cost).unwrap_or(*e);
        }
    }
    m
}

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

/// Open the detail of `code` (Enter on the list, or `:cust CODE`).
pub fn open(s: &mut State, code: String) -> Vec<Effect> {
    s.customers.detail = Some(Detail { code, data: Load::Idle, focus: ViewKey::Onboarding });
    for k in [ViewKey::Onboarding, ViewKey::Services, ViewKey::CustomerAccounts] {
        s.views.remove(&k);
    }
    load_detail(s)
}

pub fn open_selected(s: &mut State) -> Vec<Effect> {
    if s.customers.screen.is_some() {
        return super::pricebook::confirm(s);
    }
    if s.customers.detail.is_some() {
        return Vec::new();
    }
    match s.selected_id(ViewKey::Customers) {
        Some(code) => open(s, code),
        None => Vec::new(),
    }
}

/// Esc in the detail closes it; true when it did.
pub fn back(s: &mut State) -> bool {
    if super::ledger::close_customer_screen(s) {
        return true;
    }
    match s.customers.detail.take() {
        Some(d) => {
            s.view_mut(ViewKey::Customers).vs.want = Some(d.code);
            let v = s.view_mut(ViewKey::Customers);
            let crate::console::state::View { model, vs } = v;
            vs.rebuild(model);
            true
        }
        None => false,
    }
}

pub fn switch_focus(s: &mut State) {
    if let Some(d) = s.customers.detail.as_mut() {
        d.focus = match d.focus {
            ViewKey::Onboarding => ViewKey::Services,
            ViewKey::Services => ViewKey::CustomerAccounts,
            _ => ViewKey::Onboarding,
        };
    }
}

pub fn tick(s: &mut State) -> Vec<Effect> {
    let Some(d) = s.customers.detail.as_ref() else {
        s.warn("open a customer (Enter) to tick its onboarding checklist");
        return Vec::new();
    };
    if d.focus != ViewKey::Onboarding {
        s.warn("tick works on the onboarding checklist (v switches lists)");
        return Vec::new();
    }
    if let Some(why) = s.write_refusal() {
        s.warn(why);
        return Vec::new();
    }
    let code = d.code.clone();
    let Some(data) = d.data.ready() else { return Vec::new() };
    let Some(item) = s.selected_id(ViewKey::Onboarding) else { return Vec::new() };
    let done = !data.onboarding.iter().any(|i| i.item == item && i.done);
    let req = s.req();
    s.pending.push(req);
    vec![Effect::Write { req, op: WriteOp::Tick { customer: code, item, done } }]
}
