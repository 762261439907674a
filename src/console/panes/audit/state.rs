//! What the Audit pane holds.
use billops_store::AuditEntry;

use crate::console::state::Load;
use crate::console::ui::detail::Shown;

#[derive(Debug, Clone, Default)]
pub struct PaneState {
    pub data: Load<Vec<AuditEntry>>,
    /// Enter: the selected entry's detail (the change as before/after fields).
    pub detail: Shown,
}
