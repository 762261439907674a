//! What the accounts pane holds (a field of `State::panes`).
use crate::console::action::AccountsData;
use crate::console::state::Load;

#[derive(Debug, Clone, Default)]
pub struct AccountsPane {
    pub data: Load<AccountsData>,
}
