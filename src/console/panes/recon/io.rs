//! The recon pane: its queries and where their replies land.
use crate::console::action::{Effect, ReconData};
use crate::console::state::{Load, State, ViewKey};
use super::{view::*};
pub use crate::console::pane::no_io::{Query, Reply, Write, landed, run, write};

pub fn load(s: &mut State) -> Vec<Effect> {
    let Some(period) = s.period else { return Vec::new() };
    let req = s.req();
    s.panes.recon.data = Load::Loading(req);
    vec![Effect::Recon { req, period }]
}

pub fn loaded(s: &mut State, req: u64, data: ReconData) {
    if !s.panes.recon.data.waits_for(req) {
        return;
    }
    s.set_model(ViewKey::Recon, table(&data));
    crate::console::panes::supplier::loaded(s, &data);
    s.panes.recon.data = Load::Ready(data);
}
