//! Invoices: drafts built in the fixed order of operations, the invoice state machine, gap-free numbering
//! and the diff between two generations of a draft.
//!
//! Order of operations (SPEC §2.3), each its own [`Section`] of the [`Draft`]:
//! 1. supplier credits and tax stripped from usage (listed, not billed);
//! 2. price book / resource-unit rates;
//! 3. invoice-level discounts;
//! 4. approved credits (never below zero; the rest carries over);
//! 5. tax at the customer's rate;
//! 6. document rounding, once, to the currency's minor unit; the difference is its own line.
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::credit::{CreditApplication, CreditError, CreditKind};
use crate::fx::{FxUsed, Pair};
use crate::line_item::ChargeCategory;
use crate::money::RoundingRule;
use crate::period::Period;
use crate::rating::{LineRef, RatingError, RuleId};
use crate::terms::Percent;

mod diff;
mod draft;
mod state;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_state;

pub use diff::{DraftDiff, LineChange, diff_drafts};
pub use draft::{DraftRequest, InvoiceDiscount, build_draft};
pub use state::{Invoice, InvoiceAction, InvoiceEvent, InvoiceStatus, NumberSeries, next_status};

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum InvoiceError {
    #[error(transparent)]
    Rating(#[from] RatingError),
    #[error(transparent)]
    Credit(#[from] CreditError),
    #[error("line {line} is in {found}, the invoice is in {expected}")]
    CurrencyMismatch { line: LineRef, found: String, expected: String },
    /// Cost in another currency and no approved rate for the pair in the period.
    #[error("no approved FX rate {pair} for {period}: the cost is in {}, the invoice in {}", pair.base, pair.quote)]
    NoFxRate { pair: Pair, period: Period },
    #[error("invalid: {0}")]
    Invalid(String),
    #[error("{user} ({role}) may not {what}")]
    NotPermitted { user: String, role: String, what: &'static str },
    #[error("cannot {action} an invoice that is {from}")]
    BadTransition { from: InvoiceStatus, action: &'static str },
    #[error("invoice {0} is issued: it can only be voided or corrected by a credit note")]
    Immutable(String),
    #[error("a reason is required to {0}")]
    ReasonRequired(&'static str),
    #[error("payment {amount} exceeds the outstanding {outstanding}")]
    Overpayment { amount: Decimal, outstanding: Decimal },
    #[error("number series {0} is exhausted")]
    SeriesExhausted(String),
    #[error("amount overflow")]
    Overflow,
}

/// The steps of the fixed order of operations.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Step {
    StripSupplierItems,
    Rate,
    Discounts,
    Credits,
    Tax,
    Rounding,
}

impl Step {
    pub const ORDER: [Step; 6] =
        [Step::StripSupplierItems, Step::Rate, Step::Discounts, Step::Credits, Step::Tax, Step::Rounding];
    pub fn title(self) -> &'static str {
        match self {
            Step::StripSupplierItems => "Supplier credits and tax removed",
            Step::Rate => "Charges",
            Step::Discounts => "Discounts",
            Step::Credits => "Credits",
            Step::Tax => "Tax",
            Step::Rounding => "Rounding",
        }
    }
}

/// What an invoice line is; with the account code it identifies the line across regenerations.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LineKind {
    /// Supplier credit or tax found in usage: shown at cost, billed at zero.
    Stripped {
        category: ChargeCategory,
        service: String,
    },
    Usage {
        service: String,
        product: String,
        component: String,
    },
    ResourceUnit {
        ru_id: String,
        rate: Decimal,
    },
    Discount {
        id: String,
    },
    Credit {
        credit_id: String,
        kind: CreditKind,
    },
    Tax {
        rate: Percent,
    },
    Rounding,
}

/// One line of a draft. Amounts keep every digit; only the document total is rounded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvoiceLine {
    pub kind: LineKind,
    pub description: String,
    pub account_code: Option<String>,
    /// Billed volume (resource-unit lines).
    pub quantity: Option<Decimal>,
    /// Supplier cost behind the line (zero for discounts, credits, tax, rounding).
    pub cost: Decimal,
    /// What the customer is billed (negative for discounts and credits; zero for stripped lines).
    pub amount: Decimal,
    /// Price rules that priced the source lines (distinct, sorted); empty for pass-through.
    pub rule_ids: Vec<RuleId>,
    /// Source lines the amount drills down to.
    pub sources: Vec<LineRef>,
    /// The FX rate the line's cost was converted with (cost in another currency than the invoice's).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fx: Option<FxUsed>,
}

/// Section subtotals and the document total.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Totals {
    /// Supplier credits and tax removed from usage, at cost (not billed).
    pub stripped: Decimal,
    /// Supplier cost of the rated lines.
    pub cost: Decimal,
    pub charges: Decimal,
    pub discounts: Decimal,
    pub credits: Decimal,
    /// Charges + discounts + credits: what tax is computed on.
    pub taxable: Decimal,
    pub tax: Decimal,
    pub unrounded: Decimal,
    pub rounding: Decimal,
    /// Rounded once to the currency's minor unit.
    pub total: Decimal,
}

/// One step's lines and subtotal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Section<'a> {
    pub step: Step,
    pub lines: &'a [InvoiceLine],
    pub subtotal: Decimal,
}

/// An invoice draft for one customer and period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Draft {
    pub customer: String,
    pub period: Period,
    pub currency: String,
    pub rounding_rule: RoundingRule,
    pub tax_rate: Percent,
    pub stripped: Vec<InvoiceLine>,
    pub charges: Vec<InvoiceLine>,
    pub discounts: Vec<InvoiceLine>,
    pub credits: Vec<InvoiceLine>,
    pub tax: Vec<InvoiceLine>,
    pub rounding: Vec<InvoiceLine>,
    /// The credit applications behind the credit lines, to be recorded when the invoice is issued.
    pub credit_applications: Vec<CreditApplication>,
    pub totals: Totals,
}

impl Draft {
    /// The sections in the fixed order of operations.
    pub fn sections(&self) -> [Section<'_>; 6] {
        let t = &self.totals;
        [
            Section { step: Step::StripSupplierItems, lines: &self.stripped, subtotal: t.stripped },
            Section { step: Step::Rate, lines: &self.charges, subtotal: t.charges },
            Section { step: Step::Discounts, lines: &self.discounts, subtotal: t.discounts },
            Section { step: Step::Credits, lines: &self.credits, subtotal: t.credits },
            Section { step: Step::Tax, lines: &self.tax, subtotal: t.tax },
            Section { step: Step::Rounding, lines: &self.rounding, subtotal: t.rounding },
        ]
    }
    /// Every line, in section order.
    pub fn lines(&self) -> impl Iterator<Item = &InvoiceLine> {
        self.stripped
            .iter()
            .chain(&self.charges)
            .chain(&self.discounts)
            .chain(&self.credits)
            .chain(&self.tax)
            .chain(&self.rounding)
    }
    pub fn total(&self) -> Decimal {
        self.totals.total
    }
}
