//! What the credits pane holds (a field of `State::panes`).
use billops_store::StoredCredit;
use crate::console::state::Load;

#[derive(Debug, Clone, Default)]
pub struct CreditsPane {
    pub data: Load<Vec<StoredCredit>>,
    /// The period's credits cross-check (supplier and funding credits that reached no invoice).
    pub unreached: Load<billops_store::UnreachedCredits>,
    /// Enter on a credit: what the approver approves (evidence, reason, scope, history).
    pub detail: crate::console::ui::detail::Shown,
}
