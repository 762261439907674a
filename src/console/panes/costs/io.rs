//! The costs pane: its queries and where their replies land.
use crate::console::action::{CostsData, Effect};
use crate::console::state::{Load, State, ViewKey};
use super::view::*;
pub use crate::console::pane::no_io::{Query, Reply, Write, landed, run, write};

pub fn load(s: &mut State) -> Vec<Effect> {
    let Some(period) = s.period else { return Vec::new() };
    let req = s.req();
    s.panes.costs.data = Load::Loading(req);
    vec![Effect::Costs { req, period, filters: s.panes.costs.path.clone(), by: s.panes.costs.level(), basis: s.panes.costs.basis }]
}

pub fn loaded(s: &mut State, req: u64, data: CostsData) {
    if !s.panes.costs.data.waits_for(req) {
        return;
    }
    s.set_model(ViewKey::Costs, table(s.panes.costs.level(), &data));
    s.panes.costs.data = Load::Ready(data);
}
