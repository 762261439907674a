//! Account codes (GL / agency / cost-centre), effective-dated, resolved per line: the most specific scope
//! effective on the day wins (account, then customer's product, then product, then customer).
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::RatingError;
use crate::terms::Effective;

/// What an account code is attached to.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CodeScope {
    /// One linked account.
    Account(String),
    /// A product, for one customer (`customer: Some`) or for every customer.
    Product { customer: Option<String>, product: String },
    /// Everything of one customer.
    Customer(String),
}

impl CodeScope {
    /// Lower is more specific.
    pub fn specificity(&self) -> u8 {
        match self {
            CodeScope::Account(_) => 0,
            CodeScope::Product { customer: Some(_), .. } => 1,
            CodeScope::Product { customer: None, .. } => 2,
            CodeScope::Customer(_) => 3,
        }
    }
    pub fn matches(&self, customer: &str, product: &str, account: &str) -> bool {
        match self {
            CodeScope::Account(a) => a == account,
            CodeScope::Product { customer: c, product: p } => {
                p == product && c.as_deref().is_none_or(|c| c == customer)
            }
            CodeScope::Customer(c) => c == customer,
        }
    }
}

/// One row of the account-code table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountCode {
    pub scope: CodeScope,
    pub code: String,
    pub effective: Effective,
}

/// The account-code table: no empty codes; one scope never has two codes on the same day.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct AccountCodeTable {
    entries: Vec<AccountCode>,
}

impl AccountCodeTable {
    pub fn new(mut entries: Vec<AccountCode>) -> Result<AccountCodeTable, RatingError> {
        entries.sort_by(|a, b| {
            (a.scope.specificity(), &a.scope, a.effective.from()).cmp(&(
                b.scope.specificity(),
                &b.scope,
                b.effective.from(),
            ))
        });
        for e in &entries {
            if e.code.trim().is_empty() {
                return Err(RatingError::InvalidRule {
                    id: format!("{:?}", e.scope),
                    reason: "empty account code".into(),
                });
            }
        }
        for w in entries.windows(2) {
            if let [a, b] = w
                && a.scope == b.scope
                && a.effective.overlaps(&b.effective)
            {
                return Err(RatingError::InvalidRule {
                    id: format!("{:?}", a.scope),
                    reason: format!("codes {} ({}) and {} ({}) overlap", a.code, a.effective, b.code, b.effective),
                });
            }
        }
        Ok(AccountCodeTable { entries })
    }
    pub fn entries(&self) -> &[AccountCode] {
        &self.entries
    }
    /// The most specific code effective on `date` for a line of `customer`'s `account` and `product`.
    pub fn resolve(&self, customer: &str, product: &str, account: &str, date: NaiveDate) -> Option<&AccountCode> {
        // Entries are sorted most specific first.
        self.entries.iter().find(|e| e.effective.contains(date) && e.scope.matches(customer, product, account))
    }
    /// The customer-level code (for discount, credit, tax and rounding lines).
    pub fn resolve_customer(&self, customer: &str, date: NaiveDate) -> Option<&AccountCode> {
        self.entries
            .iter()
            .find(|e| e.effective.contains(date) && matches!(&e.scope, CodeScope::Customer(c) if c == customer))
    }
}
