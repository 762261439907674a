//! manifest.json: what the demo book contains and the exact totals an import of it must reproduce.
use std::collections::BTreeMap;

use billops_domain::Period;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::format::FileFormat;

/// The customer key of cost on accounts no customer owns for the day (as `billops-store` names it).
pub const UNASSIGNED: &str = "(unassigned)";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    pub format_version: u32,
    pub generator: String,
    pub currency: String,
    /// How the expected numbers were computed (a reader's contract, in words).
    pub rules: Rules,
    pub customers_file: String,
    pub accounts_file: String,
    pub users_file: String,
    pub payers_file: String,
    pub payers: Vec<PayerEntry>,
    pub periods: Vec<PeriodEntry>,
    pub files: Vec<FileEntry>,
    pub customer_periods: Vec<CustomerPeriod>,
    pub bad_rows: Vec<BadRow>,
    pub account_moves: Vec<AccountMove>,
    pub unassigned_accounts: Vec<UnassignedAccount>,
    /// Σ billed over every file, bad row excluded.
    pub total_billed: Decimal,
    pub total_rows: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rules {
    pub billed: String,
    pub customer: String,
    pub line: String,
    pub estimated: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PayerEntry {
    pub id: String,
    pub name: String,
    pub format: FileFormat,
    pub tag_columns: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PeriodEntry {
    pub period: Period,
    /// `final` or `estimated`.
    pub status: String,
    pub billed: Decimal,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileEntry {
    /// File name inside the demo folder.
    pub name: String,
    /// The CSV entry inside a zip archive.
    pub entry: Option<String>,
    pub format: FileFormat,
    /// `gzip` or `zip`.
    pub compression: String,
    pub payer_id: String,
    pub period: Period,
    pub status: String,
    /// Empty while estimated.
    pub invoice_id: String,
    /// Data rows (header excluded), the bad row included.
    pub rows: u64,
    pub bad_rows: u64,
    /// Σ billed cost of the good rows.
    pub billed: Decimal,
    /// Σ unblended cost of the good rows (CUR formats; FOCUS has no such column).
    pub unblended: Option<Decimal>,
    /// Σ billed per customer code ([`UNASSIGNED`] for unmapped accounts), good rows only.
    pub customers: BTreeMap<String, Decimal>,
    /// Size of the file as committed.
    pub bytes: u64,
    /// blake3 (hex) of the decompressed CSV: the importer's idempotency key.
    pub content_blake3: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CustomerPeriod {
    pub customer: String,
    pub period: Period,
    pub billed: Decimal,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BadRow {
    pub file: String,
    pub entry: Option<String>,
    /// 1-based line in the decompressed CSV (the header is line 1).
    pub line: u64,
    pub columns: Vec<String>,
    pub value: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AccountMove {
    pub account_id: String,
    pub account_name: String,
    pub from_customer: String,
    pub to_customer: String,
    /// First day owned by `to_customer`.
    pub on: chrono::NaiveDate,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UnassignedAccount {
    pub account_id: String,
    pub account_name: String,
    pub payer_id: String,
}

/// Exact running sums, keyed for the manifest.
#[derive(Debug, Default)]
pub struct Totals {
    pub period: BTreeMap<Period, Decimal>,
    pub customer_period: BTreeMap<(String, Period), Decimal>,
    pub total: Decimal,
    pub rows: u64,
}

impl Totals {
    pub fn add_file(&mut self, f: &FileEntry) {
        *self.period.entry(f.period).or_default() += f.billed;
        for (c, v) in &f.customers {
            *self.customer_period.entry((c.clone(), f.period)).or_default() += *v;
        }
        self.total += f.billed;
        self.rows += f.rows;
    }
}

/// A decimal with no trailing zeros (values in the manifest are compared as numbers, printed canonically).
pub fn norm(d: Decimal) -> Decimal {
    d.normalize()
}

impl Manifest {
    pub fn to_json(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).unwrap_or_default();
        s.push('\n');
        s
    }

    pub fn from_json(text: &str) -> Result<Manifest, serde_json::Error> {
        serde_json::from_str(text)
    }

    /// The expected billed total of one customer in one period (zero when it has none).
    pub fn customer_period(&self, customer: &str, period: Period) -> Decimal {
        self.customer_periods
            .iter()
            .find(|c| c.customer == customer && c.period == period)
            .map_or(Decimal::ZERO, |c| c.billed)
    }
}
