//! What the close pane holds (a field of `State::panes`).
use crate::console::state::Load;
use crate::month::close::CloseView;

#[derive(Debug, Clone, Default)]
pub struct ClosePane {
    pub data: Load<CloseView>,
    /// The variance list (board item 5), loaded when shown.
    pub variances: Load<crate::month::variance::VarianceView>,
    /// Enter on a checklist item: its detail (`item.rs`); Enter again goes where it is fixed.
    pub detail: crate::console::ui::detail::Shown,
}
