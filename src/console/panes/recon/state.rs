//! What the recon pane holds (a field of `State::panes`).
use super::io::ReconData;
use crate::console::state::Load;

#[derive(Debug, Clone, Default)]
pub struct ReconPane {
    pub data: Load<ReconData>,
    /// Enter on a tie-out, a supplier invoice or a case: its detail.
    pub detail: crate::console::ui::detail::Shown,
}
