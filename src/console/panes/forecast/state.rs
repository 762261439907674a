//! What the Forecast pane holds: the book's cost fitted once per load (in the effect runner), its usage
//! volumes fitted when the volume view is first shown (`u`; a second load, kept until the next reload), the
//! scope shown (every customer or account code, one code, one customer, one of its services), what is
//! measured (cost or usage volume), and the scope's views computed from the fit — a drill never refits.
use std::sync::Arc;

use crate::plan::volume::{VolumeBook, VolumeView};
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
    /// The usage volumes of the fit in `data`: loaded only while the volume view is shown (idle until then).
    pub volumes: Load<Arc<VolumeBook>>,
    /// The scope's cost outlook and volumes, computed from `data` when it lands or the scope changes.
    pub shown: Option<Outlook>,
    pub volume: Option<VolumeView>,
}
