//! The Funding pane's reads and writes: the whole pipeline (one query; the views are computed from it),
//! a change to one application and an opportunity's state. Run in the effect runner, off the render path.
use billops_domain::funding::{FundingInput, OpportunityState};
use billops_domain::money::parse_typed_amount;
use crate::console::table::fmt_money_in;
use billops_store::{FundingChange, FundingRecord, StoreError};

use crate::console::action::{Effect, PaneQuery};
use crate::console::effects::Runner;
use crate::console::refusal::EffectError;
use crate::console::state::{Load, State, ViewKey};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Query {
    /// Every application with its opportunity's state.
    Pipeline,
}

#[derive(Debug, Clone)]
pub enum Reply {
    Pipeline(Vec<FundingRecord>),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Write {
    /// One transition of an application; `version` is the one the person saw (a moved one is refused).
    Change { id: i64, change: FundingChange, version: u32, why: String },
    /// The partner opportunity's validation state.
    Opportunity { id: String, state: OpportunityState },
    /// A new application in draft; the amount is read in its currency (the customer's when none is given).
    Add { input: FundingInput, amount: String, currency: Option<String> },
}

pub async fn run(r: &Runner, q: Query) -> Result<Reply, EffectError> {
    match q {
        Query::Pipeline => r.store.list_funding(None).await.map(Reply::Pipeline).map_err(|e| EffectError::of_read(&e)),
    }
}

/// What a refusal of each write means: a transition carries the version the person saw.
pub fn traits(w: &Write) -> crate::console::refusal::WriteTraits {
    use crate::console::refusal::WriteTraits;
    match w {
        Write::Change { .. } => WriteTraits::OPERATOR.versioned(),
        Write::Opportunity { .. } | Write::Add { .. } => WriteTraits::OPERATOR,
    }
}

pub async fn write(r: &Runner, w: Write) -> Result<String, StoreError> {
    match w {
        Write::Change { id, change, version, why } => {
            let f = r.store.update_funding(id, &change, Some(version), &why, &r.actor()).await?;
            Ok(format!("funding application {}: {} / {} (version {})", f.id, f.app.stage, f.app.status, f.app.version))
        }
        Write::Add { mut input, amount, currency } => {
            input.currency = match currency {
                Some(c) => c,
                None => r.store.customer(&input.customer).await?.currency,
            };
            input.requested = parse_typed_amount(&amount, &input.currency)
                .map_err(|e| StoreError::Invalid(format!("amount {e}")))?;
            let f = r.store.add_funding(&input, &r.actor()).await?;
            let a = &f.app.input;
            Ok(format!(
                "funding application {} added: {} {} {} for {}, opportunity {} ({})",
                f.id,
                a.program,
                fmt_money_in(a.requested, &a.currency),
                a.currency,
                a.customer,
                a.opportunity,
                f.opportunity_state
            ))
        }
        Write::Opportunity { id, state } => {
            let o = r.store.set_opportunity(&id, state, &r.actor()).await?;
            Ok(format!("opportunity {} is {} (version {})", o.id, o.state, o.version))
        }
    }
}

pub fn load(s: &mut State) -> Vec<Effect> {
    let req = s.req();
    s.panes.funding.data.start(req);
    vec![Effect::Pane { req, q: PaneQuery::Funding(Query::Pipeline) }]
}

/// A reply arrived (stale ones are dropped).
pub fn landed(s: &mut State, req: u64, r: Reply) -> Vec<Effect> {
    match r {
        Reply::Pipeline(data) => {
            if s.panes.funding.data.waits_for(req) {
                let today = s.today();
                s.set_model(ViewKey::Funding, super::view::pipeline(&data));
                s.set_model(ViewKey::FundingDue, super::view::due(&data, today, super::DUE_DAYS));
                if let Some(f) = s.panes.funding.detail.and_then(|id| data.iter().find(|f| f.id == id)) {
                    s.set_model(ViewKey::FundingHistory, super::view::history(f));
                }
                s.panes.funding.data = Load::Ready(data);
            }
        }
    }
    Vec::new()
}
