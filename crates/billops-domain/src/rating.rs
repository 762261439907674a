//! Rating: what a customer pays for a line of cost.
//!
//! - [`PriceBook`]: a customer's ordered, effective-dated rules (markup %, discount %, fixed unit rate) with
//!   optional scope; the first rule in order that matches and is effective on the line's usage date prices
//!   it; no match passes the line through at cost. The [`RatedLine`] remembers which rule priced it.
//! - [`ResourceUnitSet`]: chargeback resource units (vCPU-hour, GB-month…): volume derived from line
//!   quantities × a conversion factor, charged at an effective-dated rate.
//! - [`AccountCodeTable`]: effective-dated GL / agency / cost-centre codes resolved per line.
//! - [`preview`]: what replacing one price book by another would do, per rule and per service.
use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::line_item::{ChargeCategory, CostBasis, LineItem};
use crate::terms::TermsError;

mod account_code;
mod preview;
mod price_book;
mod resource_unit;
#[cfg(test)]
mod tests;

pub use account_code::{AccountCode, AccountCodeTable, CodeScope};
pub use preview::{RatingDiff, RuleEffect, ServiceEffect, preview};
pub use price_book::{PriceBook, PriceRule, Pricing, RatedLine, RuleId, RuleScope};
pub use resource_unit::{ResourceUnit, ResourceUnitSet, RuCharge, RuLine, VolumeSelector, group_ru_lines};

/// The id of a source line (or of a store rollup row) that a charge can be drilled back to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct LineRef(pub i64);

impl std::fmt::Display for LineRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "#{}", self.0)
    }
}

/// The input of rating: one source line (or an aggregate of lines sharing every field here), already
/// reduced to the cost basis the contract bills on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChargeLine {
    pub source: LineRef,
    pub account: String,
    pub usage_date: NaiveDate,
    pub service: String,
    pub product: String,
    pub component: String,
    pub usage_type: String,
    pub region: String,
    pub charge_category: ChargeCategory,
    pub quantity: Option<Decimal>,
    pub unit: String,
    /// Cost on the contract's basis, every digit of the source.
    pub cost: Decimal,
    pub currency: String,
}

impl ChargeLine {
    pub fn from_item(source: LineRef, item: &LineItem, basis: CostBasis) -> ChargeLine {
        ChargeLine {
            source,
            account: item.account.clone(),
            usage_date: item.usage_date,
            service: item.service.clone(),
            product: item.product.clone(),
            component: item.component.clone(),
            usage_type: item.usage_type.clone(),
            region: item.region.clone(),
            charge_category: item.charge_category,
            quantity: item.quantity,
            unit: item.unit.clone(),
            cost: item.cost(basis),
            currency: item.currency.clone(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum RatingError {
    #[error("invalid rule {id:?}: {reason}")]
    InvalidRule { id: String, reason: String },
    #[error("invalid pricing: {0}")]
    InvalidPricing(String),
    #[error("id {0:?} appears twice")]
    DuplicateRule(String),
    #[error("rule {rule:?} prices by unit but line {line} has no quantity")]
    NoQuantity { rule: String, line: LineRef },
    #[error("resource unit {ru:?} has no rate on {date}")]
    NoRate { ru: String, date: NaiveDate },
    #[error("amount overflow rating line {0}")]
    Overflow(LineRef),
    #[error(transparent)]
    Terms(#[from] TermsError),
}
