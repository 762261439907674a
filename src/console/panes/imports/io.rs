//! The imports pane: its queries and where their replies land.
use crate::console::action::{Effect, ImportsData};
use crate::console::state::{Load, State, ViewKey};
use super::view::*;
pub use crate::console::pane::no_io::{Query, Reply, Write, landed, run, write};

pub fn load(s: &mut State) -> Vec<Effect> {
    let req = s.req();
    s.panes.imports.data = Load::Loading(req);
    vec![Effect::Imports { req }]
}

pub fn loaded(s: &mut State, req: u64, data: ImportsData) {
    if !s.panes.imports.data.waits_for(req) {
        return;
    }
    s.set_model(ViewKey::Batches, batches_table(&data));
    s.set_model(ViewKey::Issues, issues_table(&data));
    s.set_model(ViewKey::Quarantine, quarantine_table(&data));
    s.panes.imports.data = Load::Ready(data);
}
