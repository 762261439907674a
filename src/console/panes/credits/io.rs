//! The credits pane: its queries and where their replies land.
use billops_store::StoredCredit;
use crate::console::action::Effect;
use crate::console::state::{Load, State, ViewKey};
use super::view::*;
pub use crate::console::pane::no_io::{Query, Reply, Write, landed, run, write};

pub fn load(s: &mut State) -> Vec<Effect> {
    let req = s.req();
    s.panes.credits.data = Load::Loading(req);
    vec![Effect::Credits { req }]
}

pub fn loaded(s: &mut State, req: u64, data: Vec<StoredCredit>) {
    if !s.panes.credits.data.waits_for(req) {
        return;
    }
    s.set_model(ViewKey::Credits, table(&data));
    s.panes.credits.data = Load::Ready(data);
}
