//! The Costs pane's read: one drill level of the period against the period before.
use billops_domain::{CostBasis, Dim, Period};
use billops_store::{CostQuery, CostRow, StoreError};

use super::view::*;
use crate::console::action::{Effect, PaneQuery};
use crate::console::effects::Runner;
use crate::console::refusal::{EffectError, WriteTraits};
use crate::console::state::{Load, State, ViewKey};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Query {
    /// Cost by `by` within `filters` (the breadcrumb), this period and the one before.
    Level { period: Period, filters: Vec<(Dim, String)>, by: Dim, basis: CostBasis },
}

#[derive(Debug, Clone)]
pub enum Reply {
    Level(CostsData),
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CostsData {
    pub rows: Vec<CostRow>,
    pub prev: Vec<CostRow>,
}

/// The pane writes nothing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Write {}

pub async fn run(r: &Runner, q: Query) -> Result<Reply, EffectError> {
    let st = r.store.as_ref();
    let e = |err: StoreError| EffectError::of_read(&err);
    match q {
        Query::Level { period, filters, by, basis } => {
            let q = CostQuery { filters, ..CostQuery::period(period, vec![by], basis) };
            let rows = st.costs(&q).await.map_err(e)?;
            let prev = st.costs(&CostQuery { from: period.prev(), to: period.prev(), ..q }).await.map_err(e)?;
            Ok(Reply::Level(CostsData { rows, prev }))
        }
    }
}

pub async fn write(_r: &Runner, w: Write) -> Result<String, StoreError> {
    match w {}
}

pub fn traits(w: &Write) -> WriteTraits {
    match *w {}
}

pub fn load(s: &mut State) -> Vec<Effect> {
    let Some(period) = s.period else { return Vec::new() };
    let req = s.req();
    let c = &mut s.panes.costs;
    c.data.start(req);
    let q = Query::Level { period, filters: c.path.clone(), by: c.level(), basis: c.basis };
    vec![Effect::Pane { req, q: PaneQuery::Costs(q) }]
}

pub fn landed(s: &mut State, req: u64, r: Reply) -> Vec<Effect> {
    match r {
        Reply::Level(data) => loaded(s, req, data),
    }
    Vec::new()
}

pub fn loaded(s: &mut State, req: u64, data: CostsData) {
    if !s.panes.costs.data.waits_for(req) {
        return;
    }
    s.set_model(ViewKey::Costs, table(s.panes.costs.level(), &data));
    s.panes.costs.data = Load::Ready(data);
}
