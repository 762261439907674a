//! What the Forecast pane holds: the scope shown (every customer, one customer, one of its services) and
//! its outlook, computed in the effect runner when the scope changes or a write lands.
use crate::console::state::Load;
use crate::plan::{Outlook, Scope};

#[derive(Debug, Clone, Default)]
pub struct PaneState {
    pub scope: Scope,
    /// `Ready(None)`: no month of cost data before this month (nothing to forecast from).
    pub data: Load<Option<Outlook>>,
}
