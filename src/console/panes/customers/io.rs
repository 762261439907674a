//! The customers pane: its queries and where their replies land.
use crate::console::action::{CustomersData, DetailData, Effect};
use crate::console::state::{Load, State, ViewKey};
use super::view::*;
pub use crate::console::pane::no_io::{Query, Reply, Write, landed, run, write};

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
