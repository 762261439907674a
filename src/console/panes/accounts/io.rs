//! The Accounts pane's reads and writes: payers, linked accounts, link proposals and customers (one read);
//! assigning an account, proposing a link and deciding a proposal.
use billops_store::{
    AccountFilter, Customer, LinkProposal, LinkedAccount, NewLinkProposal, PayerAccount, StoreError,
};
use chrono::NaiveDate;

use super::view::*;
use crate::console::action::{Effect, PaneQuery};
use crate::console::effects::Runner;
use crate::console::refusal::{EffectError, WriteTraits};
use crate::console::state::{Load, State, ViewKey};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Query {
    /// Payers, accounts, proposals and customers.
    All,
}

#[derive(Debug, Clone)]
pub enum Reply {
    All(AccountsData),
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AccountsData {
    pub payers: Vec<PayerAccount>,
    pub accounts: Vec<LinkedAccount>,
    pub proposals: Vec<LinkProposal>,
    pub customers: Vec<Customer>,
    /// Customers suggested for unassigned accounts from Azure partner fields (`suggest.rs`).
    pub suggestions: Vec<billops_domain::partner::Suggestion>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Write {
    Assign { account: String, customer: String, from: NaiveDate },
    Propose(NewLinkProposal),
    /// Approve or reject a link proposal (manager).
    Decide { id: i64, approve: bool, reason: String },
    /// Name a linked account (`payer: false`) or a payer (audited; legacy CUR carries no names).
    Name { payer: bool, id: String, name: String },
    /// Take an account's suggested customer (`t`): a manager's is an assignment, an operator's a proposal.
    TakeSuggestion { account: String, from: NaiveDate },
    /// The marked accounts to one customer in one transaction (`marks.rs`): assigned for a manager, link
    /// proposals for an operator (the store decides by role).
    AssignMarked { accounts: Vec<String>, customer: String, from: NaiveDate },
}

pub async fn run(r: &Runner, q: Query) -> Result<Reply, EffectError> {
    let st = r.store.as_ref();
    let e = |err: StoreError| EffectError::of_read(&err);
    match q {
        Query::All => Ok(Reply::All(AccountsData {
            payers: st.list_payers().await.map_err(e)?,
            accounts: st.list_accounts(&AccountFilter::default()).await.map_err(e)?,
            proposals: st.list_link_proposals(false).await.map_err(e)?,
            customers: st.list_customers().await.map_err(e)?,
            suggestions: st.partner_suggestions().await.map_err(e)?,
        })),
    }
}

pub async fn write(r: &Runner, w: Write) -> Result<String, StoreError> {
    let (st, by) = (r.store.as_ref(), r.actor());
    match w {
        Write::AssignMarked { accounts, customer, from } => {
            let rows: Vec<billops_store::BulkAssignment> = (1..)
                .zip(&accounts)
                .map(|(line, a)| billops_store::BulkAssignment {
                    account: a.clone(),
                    customer: customer.clone(),
                    from,
                    line,
                })
                .collect();
            let out = st.assign_accounts(&rows, &by).await.map_err(|e| super::marks::name_the_account(e, &accounts))?;
            Ok(super::marks::done_text(accounts.len(), &customer, from, &out))
        }
        Write::Name { payer, id, name } => {
            let target = if payer { billops_store::NameTarget::Payer } else { billops_store::NameTarget::Account };
            st.set_account_name(target, &id, &name, &by).await?;
            let what = if payer { "payer" } else { "account" };
            Ok(format!("{what} {id} named {name:?}"))
        }
        Write::Assign { account, customer, from } => {
            st.assign_account(&account, &customer, from, &by).await?;
            Ok(format!("account {account} assigned to {customer} from {from}"))
        }
        Write::Propose(p) => {
            let lp = st.propose_link(&p, &by).await?;
            Ok(format!(
                "proposal {} recorded: link {} to payer {} for {} (a manager approves)",
                lp.id, p.account, p.payer, p.customer
            ))
        }
        Write::Decide { id, approve, reason } => {
            let lp = st.decide_link(id, approve, &reason, &by).await?;
            Ok(format!("proposal {id} {}", lp.status))
        }
        Write::TakeSuggestion { account, from } => {
            let done = st.apply_partner_suggestions(std::slice::from_ref(&account), from, &by).await?;
            Ok(super::suggest::done_text(&done))
        }
    }
}

pub fn traits(w: &Write) -> WriteTraits {
    match w {
        Write::Decide { .. } => WriteTraits::MANAGER,
        // Assigning directly is a manager's: an operator's assignment is a proposal.
        Write::Assign { .. } => WriteTraits::MANAGER,
        // The store makes an operator's suggestion taken, or marks, proposals.
        Write::Propose(_) | Write::Name { .. } | Write::TakeSuggestion { .. } | Write::AssignMarked { .. } => {
            WriteTraits::OPERATOR
        }
    }
}

pub fn load(s: &mut State) -> Vec<Effect> {
    let req = s.req();
    s.panes.accounts.data.start(req);
    vec![Effect::Pane { req, q: PaneQuery::Accounts(Query::All) }]
}

pub fn landed(s: &mut State, req: u64, r: Reply) -> Vec<Effect> {
    match r {
        Reply::All(data) => loaded(s, req, data),
    }
    Vec::new()
}

pub fn loaded(s: &mut State, req: u64, data: AccountsData) {
    if !s.panes.accounts.data.waits_for(req) {
        return;
    }
    super::marks::prune(s, &data);
    s.set_model(ViewKey::Accounts, super::marks::table(&data, &s.panes.accounts.marks));
    s.set_model(ViewKey::Proposals, proposals_table(&data));
    s.set_model(ViewKey::Payers, payers_table(&data));
    s.panes.accounts.data = Load::Ready(data);
}
