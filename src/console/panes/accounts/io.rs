//! The accounts pane: its queries and where their replies land.
use crate::console::action::{AccountsData, Effect};
use crate::console::state::{Load, State, ViewKey};
use super::view::*;
pub use crate::console::pane::no_io::{Query, Reply, landed, run};

/// Names are the pane's own write (the other accounts writes still travel as their `WriteOp` variants).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Write {
    /// Name a linked account (`payer: false`) or a payer (audited; legacy CUR carries no names).
    Name { payer: bool, id: String, name: String },
}

pub async fn write(r: &crate::console::effects::Runner, w: Write) -> Result<String, billops_store::StoreError> {
    match w {
        Write::Name { payer, id, name } => {
            let target = if payer { billops_store::NameTarget::Payer } else { billops_store::NameTarget::Account };
            r.store.set_account_name(target, &id, &name, &r.actor()).await?;
            let what = if payer { "payer" } else { "account" };
            Ok(format!("{what} {id} named {name:?}"))
        }
    }
}

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
