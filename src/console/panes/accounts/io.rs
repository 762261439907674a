//! The accounts pane: its queries and where their replies land.
use crate::console::action::{AccountsData, Effect};
use crate::console::state::{Load, State, ViewKey};
use super::view::*;
pub use crate::console::pane::no_io::{Query, Reply, Write, landed, run, write};

pub fn load(s: &mut State) -> Vec<Effect> {
    let req = s.req();
    s.panes.accounts.data = Load::Loading(req);
    vec![Effect::Accounts { req }]
}

pub fn loaded(s: &mut State, req: u64, data: AccountsData) {
    if !s.panes.accounts.data.waits_for(req) {
        return;
    }
    s.set_model(ViewKey::Accounts, accounts_table(&data));
    s.set_model(ViewKey::Proposals, proposals_table(&data));
    s.set_model(ViewKey::Payers, payers_table(&data));
    s.panes.accounts.data = Load::Ready(data);
}
