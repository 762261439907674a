//! Rows and inputs of the month-end ledger (locks, price books, invoices, credits, supplier invoices,
//! payments). Amounts are exact decimals; serialised as strings.
use billops_domain::Period;
use billops_domain::credit::{Credit, CreditKind, CreditScope};
use billops_domain::invoice::{Draft, InvoiceStatus};
use billops_domain::rating::{ChargeLine, PriceRule};
use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use serde::Serialize;

/// A period's current lock.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PeriodLock {
    pub period: Period,
    pub locked_by: String,
    pub locked_at: DateTime<Utc>,
}

/// One rule of a customer's price book as stored (rules apply in `id` order).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StoredPriceRule {
    pub id: i64,
    pub customer: String,
    pub rule: PriceRule,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
}

/// The rating input of one customer for one period, read at the rollup grain (account, service, product,
/// component, charge category, region, payer): `payers[i]` is the payer of `lines[i]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CustomerCharges {
    pub customer: String,
    pub currency: String,
    pub lines: Vec<ChargeLine>,
    pub payers: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InvoiceFilter {
    pub period: Option<Period>,
    pub customer: Option<String>,
}

/// An invoice as stored: the domain draft and its state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StoredInvoice {
    pub id: i64,
    pub customer: String,
    pub period: Period,
    pub status: InvoiceStatus,
    pub number: Option<String>,
    pub currency: String,
    pub total: Decimal,
    pub cost: Decimal,
    pub paid: Decimal,
    pub version: i64,
    pub generated_at: DateTime<Utc>,
    pub issued_on: Option<NaiveDate>,
    pub due_on: Option<NaiveDate>,
    pub draft: Draft,
    pub history: Vec<billops_domain::invoice::InvoiceEvent>,
}

/// A list row (no draft).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InvoiceSummary {
    pub id: i64,
    pub customer: String,
    pub period: Period,
    pub status: InvoiceStatus,
    pub number: Option<String>,
    pub currency: String,
    pub total: Decimal,
    pub cost: Decimal,
    pub paid: Decimal,
    pub version: i64,
}

/// What saving a generated draft did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SavedDraft {
    pub invoice: StoredInvoice,
    /// The draft it replaced (regeneration), if any.
    pub previous: Option<Draft>,
}

/// An invoice state change (issue and payments have their own calls).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum InvoiceStep {
    Review,
    Approve,
    Reopen,
    Void,
}

/// A credit proposal as entered (the id is assigned by the store).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewCredit {
    pub customer: String,
    pub kind: CreditKind,
    pub amount: Decimal,
    pub scope: CreditScope,
    pub valid_from: NaiveDate,
    /// Exclusive end.
    pub valid_to: NaiveDate,
    pub evidence: String,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StoredCredit {
    pub id: i64,
    pub version: i64,
    pub credit: Credit,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CreditFilter {
    pub customer: Option<String>,
    pub open_only: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewSupplierInvoice {
    pub payer: String,
    pub period: Period,
    pub number: String,
    pub currency: String,
    /// The invoice total (charges, credits and tax).
    pub amount: Decimal,
    pub tax: Decimal,
    pub credits: Decimal,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SupplierInvoice {
    pub id: i64,
    pub payer: String,
    pub period: Period,
    pub number: String,
    pub currency: String,
    pub amount: Decimal,
    pub tax: Decimal,
    pub credits: Decimal,
    pub entered_by: String,
    pub entered_at: DateTime<Utc>,
}

/// What the store adds up for the tie-out of one payer (see `billops_domain::close::TieOutInput`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PayerFigures {
    pub payer: String,
    pub supplier_invoice: Option<Decimal>,
    pub imported_billed: Decimal,
    pub invoiced_at_cost: Decimal,
    pub unassigned: Decimal,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewPayment {
    pub customer: String,
    pub amount: Decimal,
    pub received_on: NaiveDate,
    /// An invoice number (`INV-000001`) the payment settles, if known.
    pub invoice: Option<String>,
    pub reference: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Payment {
    pub id: i64,
    pub customer: String,
    pub amount: Decimal,
    pub received_on: NaiveDate,
    pub invoice: Option<String>,
    pub reference: Option<String>,
}

/// A customer's balance: issued invoices (not void) less payments.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Balance {
    pub customer: String,
    pub currency: String,
    pub balance: Decimal,
    pub overdue: Decimal,
    pub last_invoice: Option<String>,
    pub last_invoice_on: Option<NaiveDate>,
    pub last_payment: Option<Decimal>,
    pub last_payment_on: Option<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StatementKind {
    Invoice,
    Payment,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StatementEntry {
    pub date: NaiveDate,
    pub kind: StatementKind,
    pub reference: String,
    /// Positive for invoices, negative for payments.
    pub amount: Decimal,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Statement {
    pub customer: String,
    pub currency: String,
    pub from: NaiveDate,
    /// Inclusive last day.
    pub to: NaiveDate,
    pub opening: Decimal,
    pub entries: Vec<StatementEntry>,
    pub closing: Decimal,
}
