//! What the Audit pane holds.
use billops_store::AuditEntry;

use crate::console::state::Load;

#[derive(Debug, Clone, Default)]
pub struct PaneState {
    pub data: Load<Vec<AuditEntry>>,
}
