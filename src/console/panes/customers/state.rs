//! What the customers pane holds (a field of `State::panes`): the list, the open detail and the screen open
//! over them (a statement or the price book).
use billops_domain::Period;
use billops_domain::rating::RatingDiff;
use billops_store::Statement;
use chrono::NaiveDate;

use super::io::{BookData, CustomersData, DetailData, NewRule};
use crate::console::state::{Load, ViewKey};

#[derive(Debug, Clone, Default)]
pub struct CustomersPane {
    pub data: Load<CustomersData>,
    pub detail: Option<Detail>,
    /// A statement or the price book, over the list / detail while open.
    pub screen: Option<CustomerScreen>,
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

/// A screen of the Customers pane that replaces the list / detail while open (Esc closes it).
// One screen at a time, held in the pane's state; boxing the price book would buy nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone)]
pub enum CustomerScreen {
    Statement(StatementView),
    Book(BookView),
}

impl CustomerScreen {
    /// The list keys act on.
    pub fn view(&self) -> ViewKey {
        match self {
            CustomerScreen::Statement(_) => ViewKey::Statement,
            CustomerScreen::Book(b) => match &b.pending {
                Some(p) => p.focus,
                None => ViewKey::BookRules,
            },
        }
    }
}

#[derive(Debug, Clone)]
pub struct StatementView {
    pub customer: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// The customer's open disputes (listed under the closing balance, held out of the overdue figure).
    pub disputed: Option<crate::month::statement::Disputed>,
    pub data: Load<Statement>,
}

#[derive(Debug, Clone)]
pub struct BookView {
    pub customer: String,
    pub period: Period,
    pub data: Load<BookData>,
    /// A rule entered but not saved: its preview (Enter saves, Esc discards).
    pub pending: Option<PendingRule>,
}

#[derive(Debug, Clone)]
pub struct PendingRule {
    pub rule: NewRule,
    pub diff: Load<RatingDiff>,
    /// PreviewRules or PreviewServices.
    pub focus: ViewKey,
}
