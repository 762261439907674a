//! The Credits pane's reads: the approval queue and the period's unreached-credits cross-check — the queries,
//! their replies, the async fn that runs them in the effect runner and where the replies land.
use billops_domain::Period;
use billops_store::{CreditFilter, StoredCredit, UnreachedCredits};

use super::view::*;
use crate::console::action::{Effect, PaneQuery};
use crate::console::effects::Runner;
use crate::console::refusal::{EffectError, WriteTraits};
use crate::console::state::{Load, State, ViewKey};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Query {
    /// Every credit, proposed first (the approval queue).
    Queue,
    /// Supplier and funding credits of the period that reached no customer invoice.
    Unreached { period: Period },
}

#[derive(Debug, Clone)]
pub enum Reply {
    Queue(Vec<StoredCredit>),
    Unreached(UnreachedCredits),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Write {
    /// Approve or reject a proposed credit (manager; the store applies maker-checker with the settings).
    Decide { id: i64, approve: bool, reason: String, version: i64 },
    /// Propose a credit (operator); the amount is read in the customer's currency here.
    Propose(Box<super::propose::ProposeForm>),
}

pub async fn run(r: &Runner, q: Query) -> Result<Reply, EffectError> {
    let st = r.store.as_ref();
    let e = |err: billops_store::StoreError| EffectError::of_read(&err);
    Ok(match q {
        Query::Queue => Reply::Queue(st.list_credits(&CreditFilter::default()).await.map_err(e)?),
        Query::Unreached { period } => Reply::Unreached(crate::month::cases::unreached(st, period).await.map_err(e)?),
    })
}

pub async fn write(r: &Runner, w: Write) -> Result<String, billops_store::StoreError> {
    match w {
        Write::Decide { id, approve, reason, version } => {
            let policy = r.settings().await?.approval_policy().map_err(billops_store::StoreError::Invalid)?;
            let c = r.store.decide_credit(id, approve, &reason, policy, Some(version), &r.actor()).await?;
            Ok(format!("credit {} {}", c.credit.id(), if approve { "approved" } else { "rejected" }))
        }
        Write::Propose(p) => {
            let currency = r.store.customer(&p.customer).await?.currency;
            let new = super::propose::new_credit(*p, &currency).map_err(billops_store::StoreError::Invalid)?;
            let c = r.store.propose_credit(&new, &r.actor()).await?;
            Ok(format!(
                "credit {} proposed ({}, {}): a manager approves it (a)",
                c.credit.id(),
                crate::console::table::fmt_money_cur(c.credit.amount()),
                c.credit.kind()
            ))
        }
    }
}

pub fn traits(w: &Write) -> WriteTraits {
    match w {
        // A manager approving is past the role check: a refusal is maker-checker.
        Write::Decide { approve, .. } => WriteTraits { maker_checker: *approve, ..WriteTraits::MANAGER.versioned() },
        Write::Propose(_) => WriteTraits::OPERATOR.field(super::propose::ProposeForm::AMOUNT),
    }
}

pub fn load(s: &mut State) -> Vec<Effect> {
    let req = s.req();
    s.panes.credits.data.start(req);
    vec![Effect::Pane { req, q: PaneQuery::Credits(Query::Queue) }]
}

/// A reply arrived (stale ones are dropped).
pub fn landed(s: &mut State, req: u64, r: Reply) -> Vec<Effect> {
    match r {
        Reply::Queue(data) => loaded(s, req, data),
        Reply::Unreached(u) => super::unreached::loaded(s, req, u),
    }
    Vec::new()
}

pub fn loaded(s: &mut State, req: u64, data: Vec<StoredCredit>) {
    if !s.panes.credits.data.waits_for(req) {
        return;
    }
    s.set_model(ViewKey::Credits, table(&data));
    s.panes.credits.data = Load::Ready(data);
}
