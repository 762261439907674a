//! What the Funding pane holds (a field of `State::panes`).
use billops_store::FundingRecord;

use crate::console::state::Load;

#[derive(Debug, Clone, Default)]
pub struct PaneState {
    /// Every application, newest first as the store lists them (the views sort).
    pub data: Load<Vec<FundingRecord>>,
    /// The application whose detail is open (its id).
    pub detail: Option<i64>,
    /// Enter on the open application: it whole, amounts exact (`view::record`).
    pub whole: crate::console::ui::detail::Shown,
}

impl PaneState {
    /// The application with this id, when loaded.
    pub fn find(&self, id: i64) -> Option<&FundingRecord> {
        self.data.ready().and_then(|d| d.iter().find(|f| f.id == id))
    }
}
