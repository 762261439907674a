//! What the imports pane holds (a field of `State::panes`).
use super::io::ImportsData;
use crate::console::state::Load;

#[derive(Debug, Clone, Default)]
pub struct ImportsPane {
    pub data: Load<ImportsData>,
    pub job: Option<ImportJob>,
    /// Enter on an issue or a quarantined row: its detail.
    pub detail: crate::console::ui::detail::Shown,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportJob {
    pub req: u64,
    pub paths: Vec<String>,
    pub progress: Option<crate::ingest::Progress>,
    /// When it started (the state's clock): the ETA is the time taken so far scaled by what remains.
    pub started: chrono::DateTime<chrono::Utc>,
    /// Ctrl-C's confirmation sets it; the reader stops between batches and the unfinished file rolls back.
    pub cancel: crate::ingest::Cancel,
}
