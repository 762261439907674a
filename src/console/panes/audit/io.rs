//! The Audit pane's reads: the query it asks for, the reply it gets, the async fn that runs it (in the
//! effect runner, off the render path) and where the reply lands.
use billops_store::{AuditEntry, AuditFilter};

use crate::console::action::{Effect, PaneQuery};
use crate::console::effects::Runner;
use crate::console::refusal::EffectError;
use crate::console::state::{Load, State, ViewKey};

/// How many entries the pane loads (newest first); the CLI reads further back.
pub const LIMIT: i64 = 5000;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Query {
    /// The newest [`LIMIT`] entries.
    Log,
}

#[derive(Debug, Clone)]
pub enum Reply {
    Log(Vec<AuditEntry>),
}

/// The pane writes nothing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Write {}

pub async fn run(r: &Runner, q: Query) -> Result<Reply, EffectError> {
    match q {
        Query::Log => {
            let f = AuditFilter { limit: Some(LIMIT), ..AuditFilter::default() };
            r.store.audit(&f).await.map(Reply::Log).map_err(|e| EffectError::of_read(&e))
        }
    }
}

pub async fn write(_r: &Runner, w: Write) -> Result<String, billops_store::StoreError> {
    match w {}
}

pub fn traits(w: &Write) -> crate::console::refusal::WriteTraits {
    match *w {}
}

pub fn load(s: &mut State) -> Vec<Effect> {
    let req = s.req();
    s.panes.audit.data.start(req);
    vec![Effect::Pane { req, q: PaneQuery::Audit(Query::Log) }]
}

/// A reply arrived (stale ones are dropped).
pub fn landed(s: &mut State, req: u64, r: Reply) -> Vec<Effect> {
    match r {
        Reply::Log(data) => {
            if s.panes.audit.data.waits_for(req) {
                s.set_model(ViewKey::Audit, super::view::table(&data));
                s.panes.audit.data = Load::Ready(data);
            }
        }
    }
    Vec::new()
}
