//! What the costs pane holds (a field of `State::panes`).
use billops_domain::{CostBasis, Dim};
use super::io::CostsData;
use crate::console::state::Load;

/// The drill levels of the Costs pane, in order.
pub const DRILL: [Dim; 5] = [Dim::Customer, Dim::Service, Dim::Product, Dim::Component, Dim::Resource];

#[derive(Debug, Clone, Default)]
pub struct CostsPane {
    pub data: Load<CostsData>,
    pub basis: CostBasis,
    /// The breadcrumb: chosen values of the levels above the current one.
    pub path: Vec<(Dim, String)>,
}

impl CostsPane {
    pub fn level(&self) -> Dim {
        DRILL.get(self.path.len()).copied().unwrap_or(Dim::Resource)
    }
}
