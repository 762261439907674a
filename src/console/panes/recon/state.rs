//! What the recon pane holds (a field of `State::panes`).
use crate::console::action::ReconData;
use crate::console::state::Load;

#[derive(Debug, Clone, Default)]
pub struct ReconPane {
    pub data: Load<ReconData>,
}
