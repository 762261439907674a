//! What the Forecast pane holds: the book fitted once per load (cost and volume, in the effect runner), the
//! scope shown (every customer or account code, one code, one customer, one of its services), what is
//! measured (cost or usage volume), and the scope's views computed from the fit — a drill never refits.
use std::sync::Arc;

use crate::plan::volume::VolumeView;
use crate::plan::{Outlook, Planned, Scope};
use crate::console::state::Load;

/// What the chart and the tables measure.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Measure {
    #[default]
    Cost,
    /// Usage volume per unit (units never added to each other).
    Volume,
}

#[derive(Debug, Clone, Default)]
pub struct PaneState {
    pub scope: Scope,
    pub measure: Measure,
    /// `Ready(None)`: no month of cost data before this month (nothing to forecast from).
    pub data: Load<Option<Arc<Planned>>>,
    /// The scope's cost outlook and volumes, computed from `data` when it lands or the scope changes.
    pub shown: Option<Outlook>,
    pub volume: Option<VolumeView>,
}
