//! What the accounts pane holds (a field of `State::panes`).
use super::io::AccountsData;
use crate::console::state::Load;

#[derive(Debug, Clone, Default)]
pub struct AccountsPane {
    pub data: Load<AccountsData>,
}
