//! The invoices pane: its queries and where their replies land.
use billops_store::{InvoiceSummary, StoredInvoice};
use crate::console::action::Effect;
use crate::console::state::{Load, State, ViewKey};
use super::view::*;
pub use crate::console::pane::no_io::{Query, Reply, Write, landed, run, write};

pub fn load(s: &mut State) -> Vec<Effect> {
    let Some(period) = s.period else { return Vec::new() };
    let req = s.req();
    s.panes.invoices.data = Load::Loading(req);
    let mut fx = vec![Effect::Invoices { req, period }];
    fx.extend(load_detail(s));
    fx
}

pub fn load_detail(s: &mut State) -> Vec<Effect> {
    let req = s.req();
    let Some(d) = s.panes.invoices.detail.as_mut() else { return Vec::new() };
    d.data = Load::Loading(req);
    let mut fx = vec![Effect::Invoice { req, id: d.id }];
    fx.extend(crate::console::panes::credit_notes::load(s));
    fx
}

pub fn loaded(s: &mut State, req: u64, data: Vec<InvoiceSummary>) {
    if !s.panes.invoices.data.waits_for(req) {
        return;
    }
    s.set_model(ViewKey::Invoices, table(&data));
    s.panes.invoices.data = Load::Ready(data);
}

pub fn detail_loaded(s: &mut State, req: u64, inv: Box<StoredInvoice>) {
    let Some(d) = s.panes.invoices.detail.as_mut() else { return };
    if !d.data.waits_for(req) {
        return;
    }
    let model = lines_table(&inv);
    d.data = Load::Ready(inv);
    s.set_model(ViewKey::InvoiceLines, model);
}
