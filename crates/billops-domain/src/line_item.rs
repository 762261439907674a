//! The canonical line item every import format is read into.
use std::fmt;
use std::str::FromStr;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::period::Period;

/// What untagged cost is called wherever it shows: never hidden, never blank.
pub const UNTAGGED: &str = "(untagged)";

/// FOCUS-style charge categories; CUR line item types map onto these.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChargeCategory {
    Usage,
    Purchase,
    Tax,
    Credit,
    Refund,
    Adjustment,
}

impl ChargeCategory {
    pub const ALL: [ChargeCategory; 6] = [
        ChargeCategory::Usage,
        ChargeCategory::Purchase,
        ChargeCategory::Tax,
        ChargeCategory::Credit,
        ChargeCategory::Refund,
        ChargeCategory::Adjustment,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            ChargeCategory::Usage => "usage",
            ChargeCategory::Purchase => "purchase",
            ChargeCategory::Tax => "tax",
            ChargeCategory::Credit => "credit",
            ChargeCategory::Refund => "refund",
            ChargeCategory::Adjustment => "adjustment",
        }
    }
}

impl fmt::Display for ChargeCategory {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for ChargeCategory {
    type Err = String;
    /// Case-insensitive: exports write `Usage`, `usage` and `USAGE`.
    fn from_str(s: &str) -> Result<Self, String> {
        let t = s.trim();
        ChargeCategory::ALL
            .into_iter()
            .find(|c| c.as_str().eq_ignore_ascii_case(t))
            .ok_or_else(|| format!("unknown charge category {t:?}"))
    }
}

/// Which cost column a report sums.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CostBasis {
    /// What the supplier invoices (CUR: net unblended when present, else unblended; FOCUS: BilledCost).
    #[default]
    Billed,
    /// Amortised cost after commitments (FOCUS EffectiveCost; CUR: net/amortised where present).
    Effective,
    /// Public on-demand price (FOCUS ListCost; CUR public on-demand cost).
    List,
}

impl CostBasis {
    pub const ALL: [CostBasis; 3] = [CostBasis::Billed, CostBasis::Effective, CostBasis::List];
    pub fn as_str(self) -> &'static str {
        match self {
            CostBasis::Billed => "billed",
            CostBasis::Effective => "effective",
            CostBasis::List => "list",
        }
    }
    pub fn next(self) -> CostBasis {
        match self {
            CostBasis::Billed => CostBasis::Effective,
            CostBasis::Effective => CostBasis::List,
            CostBasis::List => CostBasis::Billed,
        }
    }
}

impl FromStr for CostBasis {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        CostBasis::ALL
            .into_iter()
            .find(|c| c.as_str().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| format!("unknown cost basis {s:?} (billed, effective or list)"))
    }
}

impl fmt::Display for CostBasis {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Dimensions a cost report can group by (the CLI's `--by`, the console's drill levels).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Dim {
    Period,
    Payer,
    Account,
    Customer,
    Service,
    Product,
    Component,
    ChargeCategory,
    Region,
    Resource,
}

impl Dim {
    pub const ALL: [Dim; 10] = [
        Dim::Period,
        Dim::Payer,
        Dim::Account,
        Dim::Customer,
        Dim::Service,
        Dim::Product,
        Dim::Component,
        Dim::ChargeCategory,
        Dim::Region,
        Dim::Resource,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            Dim::Period => "period",
            Dim::Payer => "payer",
            Dim::Account => "account",
            Dim::Customer => "customer",
            Dim::Service => "service",
            Dim::Product => "product",
            Dim::Component => "component",
            Dim::ChargeCategory => "charge_category",
            Dim::Region => "region",
            Dim::Resource => "resource",
        }
    }
    /// Parse a comma list such as `customer,service`.
    pub fn parse_list(s: &str) -> Result<Vec<Dim>, String> {
        s.split(',').filter(|t| !t.trim().is_empty()).map(str::parse).collect()
    }
}

impl FromStr for Dim {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let t = s.trim();
        Dim::ALL.into_iter().find(|d| d.as_str() == t).ok_or_else(|| {
            let names: Vec<&str> = Dim::ALL.iter().map(|d| d.as_str()).collect();
            format!("unknown dimension {t:?} (one of {})", names.join(","))
        })
    }
}

impl fmt::Display for Dim {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One canonical cost-and-usage line, whatever format it came from. Text fields are never `None`:
/// a missing value is the empty string, except product/component which are [`UNTAGGED`] when no tag gives them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineItem {
    /// The billing period the source file states for the row.
    pub period: Period,
    /// Payer / billing account id.
    pub payer: String,
    pub payer_name: String,
    /// Linked / sub account id.
    pub account: String,
    pub account_name: String,
    /// Day the charge period starts (UTC): what effective-dated account assignment is resolved against.
    pub usage_date: NaiveDate,
    pub service: String,
    pub product: String,
    pub component: String,
    pub charge_category: ChargeCategory,
    pub region: String,
    /// Usage type (CUR) or SKU id (FOCUS).
    pub usage_type: String,
    pub resource_id: String,
    pub quantity: Option<Decimal>,
    pub unit: String,
    pub billed: Decimal,
    pub effective: Decimal,
    pub list: Decimal,
    pub currency: String,
    pub invoice_id: String,
    /// 1-based line in the source file (after decompression) where the row starts.
    pub source_line: u64,
}

impl LineItem {
    pub fn cost(&self, basis: CostBasis) -> Decimal {
        match basis {
            CostBasis::Billed => self.billed,
            CostBasis::Effective => self.effective,
            CostBasis::List => self.list,
        }
    }
}
