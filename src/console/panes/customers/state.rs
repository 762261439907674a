//! What the customers pane holds (a field of `State::panes`).
use crate::console::action::{CustomersData, DetailData};
use crate::console::state::{Load, ViewKey};

#[derive(Debug, Clone, Default)]
pub struct CustomersPane {
    pub data: Load<CustomersData>,
    pub detail: Option<Detail>,
    /// A statement or the price book, over the list / detail while open.
    pub screen: Option<crate::console::ops::CustomerScreen>,
    /// The terms look-up in flight (its reply opens the terms form).
    pub terms: Option<u64>,
}

#[derive(Debug, Clone)]
pub struct Detail {
    pub code: String,
    pub data: Load<DetailData>,
    /// The list that has the selection (checklist, services, accounts).
    pub focus: ViewKey,
}
