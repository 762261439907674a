//! What the accounts pane holds (a field of `State::panes`).
use super::io::AccountsData;
use crate::console::state::Load;

#[derive(Debug, Clone, Default)]
pub struct AccountsPane {
    pub data: Load<AccountsData>,
    /// Enter on a proposal or a payer: its detail (Enter on an account opens its assignment form, whose
    /// title names the account whole).
    pub detail: crate::console::ui::detail::Shown,
    /// Marked accounts (`marks.rs`): `e` assigns them all in one write.
    pub marks: std::collections::BTreeSet<String>,
    /// The marks sent with a bulk write (its request), given back if the store refuses it.
    pub sent: Option<(u64, std::collections::BTreeSet<String>)>,
}
