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
    s.panes.customers.data = Load::Loading(req);
    let mut fx = vec![Effect::Customers { req, period, basis: s.panes.costs.basis }];
    if s.panes.customers.detail.is_some() {
        fx.extend(load_detail(s));
    }
    fx
}

pub fn load_detail(s: &mut State) -> Vec<Effect> {
    let Some(period) = s.period else { return Vec::new() };
    let req = s.req();
    let basis = s.panes.costs.basis;
    let Some(d) = s.panes.customers.detail.as_mut() else { return Vec::new() };
    d.data = Load::Loading(req);
    vec![Effect::CustomerDetail { req, code: d.code.clone(), period, basis }]
}

pub fn loaded(s: &mut State, req: u64, data: CustomersData) {
    if !s.panes.customers.data.waits_for(req) {
        return;
    }
    s.set_model(ViewKey::Customers, table(&data));
    s.panes.customers.data = Load::Ready(data);
}

pub fn detail_loaded(s: &mut State, req: u64, data: DetailData) {
    let Some(d) = s.panes.customers.detail.as_mut() else { return };
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
    s.panes.customers.detail = Some(Detail { code, data: Load::Idle, focus: ViewKey::Onboarding });
    for k in [ViewKey::Onboarding, ViewKey::Services, ViewKey::CustomerAccounts] {
        s.views.remove(&k);
    }
    load_detail(s)
}

pub fn open_selected(s: &mut State) -> Vec<Effect> {
    if s.panes.customers.screen.is_some() {
        return super::pricebook::confirm(s);
    }
    if s.panes.customers.detail.is_some() {
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
    match s.panes.customers.detail.take() {
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
    if let Some(d) = s.panes.customers.detail.as_mut() {
        d.focus = match d.focus {
            ViewKey::Onboarding => ViewKey::Services,
            ViewKey::Services => ViewKey::CustomerAccounts,
            _ => ViewKey::Onboarding,
        };
    }
}

pub fn tick(s: &mut State) -> Vec<Effect> {
    let Some(d) = s.panes.customers.detail.as_ref() else {
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

// ---- the pane's duties (registered in `panes!`) ----
pub use crate::console::pane::no_io as io;
use crate::console::keys::Cmd;
use crate::console::pane::{Failure, Invalidate, KeyScope, Pane};
use crate::console::panes::{any, fail};
use crate::console::state::State as State_;

/// The pane's own state (a field of `State::panes`).
pub use crate::console::state::CustomersPane as PaneState;

/// The customer list, a customer's detail, statement and price book.
pub struct Customers;

const CUST: &[Cmd] = &[
    Cmd::Open,
    Cmd::Back,
    Cmd::Tick,
    Cmd::Payment,
    Cmd::Statement,
    Cmd::Terms,
    Cmd::PriceBook,
    Cmd::NewRule,
    Cmd::SwitchView,
];

impl Pane for Customers {
    fn title(&self) -> &'static str {
        "Customers"
    }
    fn short(&self) -> &'static str {
        "Cust"
    }
    fn slug(&self) -> &'static str {
        "customers"
    }
    fn goto(&self) -> char {
        'u'
    }
    fn ensure(&self, s: &mut State_) -> Vec<Effect> {
        use crate::console::ops::CustomerScreen;
        let mut fx = if s.panes.customers.data.is_idle() { load(s) } else { Vec::new() };
        fx.extend(match &s.panes.customers.screen {
            Some(CustomerScreen::Statement(v)) if v.data.is_idle() => super::payments::load_statement(s),
            Some(CustomerScreen::Book(b)) if b.data.is_idle() => super::pricebook::load(s),
            _ => Vec::new(),
        });
        fx
    }
    fn invalidate(&self, s: &mut State_, _why: Invalidate) {
        use crate::console::ops::CustomerScreen;
        let period = s.period_or_now();
        let c = &mut s.panes.customers;
        c.data = Load::Idle;
        if let Some(d) = c.detail.as_mut() {
            d.data = Load::Idle;
        }
        match &mut c.screen {
            Some(CustomerScreen::Statement(v)) => v.data = Load::Idle,
            Some(CustomerScreen::Book(b)) => {
                b.data = Load::Idle;
                if b.period != period {
                    b.period = period;
                    b.pending = None;
                }
            }
            None => {}
        }
    }
    fn failed(&self, s: &mut State_, req: u64, e: &crate::console::refusal::EffectError) -> Failure {
        use crate::console::ops::CustomerScreen;
        let c = &mut s.panes.customers;
        let mut out = vec![fail(&mut c.data, req, e)];
        if let Some(d) = c.detail.as_mut() {
            out.push(fail(&mut d.data, req, e));
        }
        match &mut c.screen {
            Some(CustomerScreen::Statement(v)) => out.push(fail(&mut v.data, req, e)),
            Some(CustomerScreen::Book(b)) => {
                out.push(fail(&mut b.data, req, e));
                if let Some(p) = b.pending.as_mut() {
                    out.push(fail(&mut p.diff, req, e));
                }
            }
            None => {}
        }
        if c.terms == Some(req) {
            c.terms = None;
            s.error(format!("terms: {e}"));
            out.push(Failure::Shown);
        }
        any(out)
    }
    fn keys(&self) -> &'static [KeyScope] {
        &[
            KeyScope { screen: "list", cmds: CUST },
            KeyScope { screen: "detail", cmds: CUST },
            KeyScope { screen: "statement", cmds: CUST },
            KeyScope { screen: "price book", cmds: CUST },
        ]
    }
    fn screen(&self, s: &State_) -> &'static str {
        use crate::console::ops::CustomerScreen;
        match (&s.panes.customers.screen, &s.panes.customers.detail) {
            (Some(CustomerScreen::Statement(_)), _) => "statement",
            (Some(CustomerScreen::Book(_)), _) => "price book",
            (None, Some(_)) => "detail",
            (None, None) => "list",
        }
    }
    fn current_view(&self, s: &State_) -> ViewKey {
        match (&s.panes.customers.screen, &s.panes.customers.detail) {
            (Some(scr), _) => scr.view(),
            (None, Some(d)) => d.focus,
            (None, None) => ViewKey::Customers,
        }
    }
    fn cmd(&self, s: &mut State_, c: Cmd) -> Option<Vec<Effect>> {
        Some(match c {
            Cmd::Open => open_selected(s),
            Cmd::Back => return back(s).then(Vec::new),
            Cmd::SwitchView => {
                if !super::pricebook::switch_focus(s) {
                    switch_focus(s);
                }
                Vec::new()
            }
            Cmd::Tick => tick(s),
            Cmd::Payment => super::payments::payment(s),
            Cmd::Statement => super::payments::statement(s),
            Cmd::Terms => super::terms::open(s),
            Cmd::PriceBook => super::pricebook::open(s),
            Cmd::NewRule => super::pricebook::new_rule(s),
            _ => return None,
        })
    }
    fn render(
        &self,
        f: &mut ratatui::Frame,
        area: ratatui::layout::Rect,
        s: &State_,
        theme: &crate::console::theme::Theme,
    ) {
        crate::console::ui::panes::customers(f, area, s, theme)
    }
}
