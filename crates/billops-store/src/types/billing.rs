//! Rows and inputs of month-end billing (locks, price books, invoices, credits, supplier invoices, payments).
//! Amounts are exact decimals; serialised as strings.
use billops_domain::close::CaseStatus;
use billops_domain::credit::{Credit, CreditKind, CreditScope};
use billops_domain::invoice::{Draft, InvoiceStatus};
use billops_domain::money::RoundingRule;
use billops_domain::rating::{ChargeLine, PriceRule, RatingError, ResourceUnit, VolumeSelector};
use billops_domain::terms::{Effective, EffectiveTable, Percent};
use billops_domain::{ChargeCategory, Period};
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

/// One draft to save ([`crate::Invoices::save_drafts`]) and the supplier cost behind it per payer.
pub type DraftToSave = (Draft, Vec<PayerCost>);

/// The supplier cost behind a draft from one payer in one currency (the cost's own, before any FX conversion).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PayerCost {
    pub payer: String,
    pub currency: String,
    pub cost: Decimal,
}

impl PayerCost {
    pub fn new(payer: &str, currency: &str, cost: Decimal) -> PayerCost {
        PayerCost { payer: payer.into(), currency: currency.into(), cost }
    }
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
    /// Every figure of the row is in this currency: a payer billed in two has a row per currency.
    pub currency: String,
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
    CreditNote,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StatementEntry {
    pub date: NaiveDate,
    pub kind: StatementKind,
    pub reference: String,
    /// Positive for invoices, negative for payments and credit notes.
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

/// An invoice-level discount of a customer's terms: a percentage of the charges, with its label.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TermsDiscount {
    pub pct: Percent,
    pub label: String,
}

/// A customer's billing terms (SPEC §2.3, §2.4): what invoice generation and issue apply.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CustomerTerms {
    pub tax_rate: Percent,
    pub discount: Option<TermsDiscount>,
    pub rounding: RoundingRule,
    /// Payment terms: the due date is this many days after issue.
    pub due_days: i64,
}

impl Default for CustomerTerms {
    /// No tax, no discount, half away from zero, 30 days.
    fn default() -> Self {
        CustomerTerms { tax_rate: Percent::ZERO, discount: None, rounding: RoundingRule::default(), due_days: 30 }
    }
}

/// Terms as entered: in force from `from` (inclusive) until the next entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewTerms {
    pub customer: String,
    pub from: NaiveDate,
    pub terms: CustomerTerms,
}

/// One effective-dated entry of a customer's terms.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StoredTerms {
    pub id: i64,
    pub customer: String,
    pub from: NaiveDate,
    pub terms: CustomerTerms,
    pub set_by: String,
    pub set_at: DateTime<Utc>,
}

/// Supplier credits or refunds in the imported data, at the grain payer / account / service.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SupplierCreditRow {
    pub payer: String,
    pub account: String,
    pub service: String,
    /// `credit` or `refund`.
    pub charge_category: ChargeCategory,
    /// The customer the account belongs to in the period (`None`: unassigned).
    pub customer: Option<String>,
    /// Σ billed cost (negative for a credit), in `currency`.
    pub amount: Decimal,
    /// The credit's own currency: a payer's credits in two currencies are two rows.
    pub currency: String,
    /// Approved (or used-up) supplier-promotion / SLA credits of the customer whose scope covers this account and
    /// service and whose validity overlaps the period: they pass the supplier credit through.
    pub passed_through_by: Vec<String>,
}

impl SupplierCreditRow {
    pub fn reached(&self) -> bool {
        !self.passed_through_by.is_empty()
    }
}

/// An approved funding or promotional credit with a balance that no issued invoice has used.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UnappliedCredit {
    pub id: String,
    pub customer: String,
    pub kind: CreditKind,
    pub amount: Decimal,
    pub remaining: Decimal,
    /// The credit's currency (amount and remaining).
    pub currency: String,
    pub valid_from: NaiveDate,
    /// Exclusive end.
    pub valid_to: NaiveDate,
    /// The unissued invoice of the period whose draft plans to use it, if any.
    pub on_draft: Option<i64>,
}

/// The credits cross-check of a period (SPEC §2.5): supplier credits and funding that have not reached a
/// customer invoice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UnreachedCredits {
    pub period: Period,
    /// Every supplier credit / refund of the period, reached or not.
    pub supplier: Vec<SupplierCreditRow>,
    pub unapplied: Vec<UnappliedCredit>,
}

impl UnreachedCredits {
    /// Nothing left over: every supplier credit passed through and every funding credit used.
    pub fn all_reached(&self) -> bool {
        self.supplier.iter().all(SupplierCreditRow::reached) && self.unapplied.is_empty()
    }
}

/// A supplier reconciliation case (SPEC §2.6).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReconCase {
    pub id: i64,
    pub payer: String,
    /// The currency of the residual the case explains (a payer's tie-out is per currency).
    pub currency: String,
    pub period: Period,
    pub status: CaseStatus,
    pub owner: Option<String>,
    /// supplier − imported when the case was opened (refreshed on write-off).
    pub residual: Decimal,
    /// The credit note expected from the supplier (positive when the supplier over-billed).
    pub expected: Decimal,
    /// Credit notes received so far (recorded here, not as supplier invoices).
    pub received: Decimal,
    pub note: String,
    pub version: i64,
    pub opened_by: String,
    pub opened_at: DateTime<Utc>,
    pub updated_by: String,
    pub updated_at: DateTime<Utc>,
}

impl ReconCase {
    /// The part of the supplier−import residual the case explains (see [`CaseStatus::explains`]).
    pub fn explains(&self) -> Decimal {
        self.status.explains(self.residual, self.expected, self.received)
    }
}

/// A change to a case; `None` leaves a field as it is.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CaseUpdate {
    pub status: Option<CaseStatus>,
    pub owner: Option<String>,
    pub expected: Option<Decimal>,
    pub received: Option<Decimal>,
    pub note: Option<String>,
}

/// What `open_cases` did for one payer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OpenedCase {
    pub case: ReconCase,
    /// false: the payer already had an open case for the period.
    pub created: bool,
}

/// How a customer is billed (SPEC §2.3): `resale` prices cost through the customer's price book (the default);
/// `chargeback` charges the lines a resource unit selects at billed volume × rate (the rest falls through to the
/// price book).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BillingModel {
    #[default]
    Resale,
    Chargeback,
}

impl BillingModel {
    pub fn as_str(self) -> &'static str {
        match self {
            BillingModel::Resale => "resale",
            BillingModel::Chargeback => "chargeback",
        }
    }
}

impl std::fmt::Display for BillingModel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for BillingModel {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim() {
            "resale" => Ok(BillingModel::Resale),
            "chargeback" => Ok(BillingModel::Chargeback),
            other => Err(format!("billing model {other:?}: use resale or chargeback")),
        }
    }
}

/// A customer's billing model as stored (customers never set are `resale`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CustomerBillingModel {
    pub customer: String,
    pub model: BillingModel,
}

/// A resource-unit definition as entered (rates are set separately, effective from a month's first day).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewResourceUnit {
    /// e.g. `vcpu-hour`: one word.
    pub id: String,
    pub name: String,
    /// The unit billed volume is expressed in (`vCPU-hour`, `GB-month`).
    pub unit: String,
    /// Which lines feed it (at least one field; `usage_type` may end in `*`).
    pub selector: VolumeSelector,
    /// Source quantity × factor = volume; positive.
    pub factor: Decimal,
}

/// One effective-dated rate of a resource unit: in force from `from` (a month's first day) until the next.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RuRate {
    pub from: NaiveDate,
    pub rate: Decimal,
    pub set_by: String,
    pub set_at: DateTime<Utc>,
}

/// A resource unit as stored, with its rates oldest first. Units are tried in the order they were added.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StoredResourceUnit {
    pub id: String,
    pub name: String,
    pub unit: String,
    pub selector: VolumeSelector,
    pub factor: Decimal,
    pub rates: Vec<RuRate>,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
}

impl StoredResourceUnit {
    /// The domain unit: each rate in force from its date until the next one.
    pub fn to_domain(&self) -> Result<ResourceUnit, RatingError> {
        let mut entries = Vec::with_capacity(self.rates.len());
        for (k, r) in self.rates.iter().enumerate() {
            let until = self.rates.get(k + 1).map(|n| n.from);
            let effective = Effective::new(r.from, until)?;
            entries.push((effective, r.rate));
        }
        let rates = EffectiveTable::new(entries)?;
        ResourceUnit::new(&self.id, &self.name, &self.unit, self.selector.clone(), self.factor, rates)
    }
}

/// A shared setting as stored (the application gives keys their meaning and checks values before writing).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StoredSetting {
    pub key: String,
    pub value: String,
    pub set_by: String,
    pub set_at: DateTime<Utc>,
}
