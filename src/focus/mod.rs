//! The FOCUS 1.0 export of what customers were invoiced (`billops export focus`): one row per line of each
//! issued invoice of a period, as the customer reads it. Pure: [`rows`] turns a stored invoice and what the
//! store knows around it ([`Context`], gathered by [`load`]) into rows; [`write_csv`] writes them.
//!
//! What each column means here (docs/FOCUS.md says why):
//! - BilledCost = the line's amount (exact, every digit); the rows of an invoice add up to its total, the
//!   rounding line included. ListCost = ContractedCost = EffectiveCost = BilledCost: the price the customer
//!   was invoiced is the contract's, nothing is amortised, and the supplier cost behind a line (our margin) is
//!   not the customer's to see. Discounts and credits are rows of their own.
//! - InvoiceId = the billops invoice number (a FOCUS 1.2 column, carried in this 1.0 file), InvoiceIssuerName =
//!   the shared setting `issuer.name` (else "billops"), BillingAccountId / Name = the customer's code / name,
//!   SubAccountId / Name = the linked account when all of a line's usage comes from one.
//! - ProviderName = PublisherName = the cloud behind the line (see [`Context::providers`]).
//! - Supplier credits and tax stripped from usage (internal rows, billed at zero) are left out; credit notes are
//!   documents of their own, not invoice lines, and are not rows either.
pub mod category;
pub mod load;

use std::collections::{BTreeSet, HashMap};
use std::io::{self, Write};

use billops_domain::credit::CreditKind;
use billops_domain::invoice::{InvoiceLine, LineKind};
use billops_domain::money::minor_units;
use billops_domain::ppa::PPA_SERVICE;
use billops_domain::{ChargeCategory, Period};
use billops_store::StoredInvoice;
use rust_decimal::Decimal;

use crate::csv_out::{Cell, CsvWriter};

pub use load::load;

/// The columns, in this order: every FOCUS 1.0 column (published names), then InvoiceId (FOCUS 1.2) and one
/// custom column (`x_` prefix, as FOCUS asks): the line's number on the invoice (what disputes and PPAs name).
pub const COLUMNS: [&str; 45] = [
    "AvailabilityZone",
    "BilledCost",
    "BillingAccountId",
    "BillingAccountName",
    "BillingCurrency",
    "BillingPeriodEnd",
    "BillingPeriodStart",
    "ChargeCategory",
    "ChargeClass",
    "ChargeDescription",
    "ChargeFrequency",
    "ChargePeriodEnd",
    "ChargePeriodStart",
    "CommitmentDiscountCategory",
    "CommitmentDiscountId",
    "CommitmentDiscountName",
    "CommitmentDiscountStatus",
    "CommitmentDiscountType",
    "ConsumedQuantity",
    "ConsumedUnit",
    "ContractedCost",
    "ContractedUnitPrice",
    "EffectiveCost",
    "InvoiceIssuerName",
    "ListCost",
    "ListUnitPrice",
    "PricingCategory",
    "PricingQuantity",
    "PricingUnit",
    "ProviderName",
    "PublisherName",
    "RegionId",
    "RegionName",
    "ResourceId",
    "ResourceName",
    "ResourceType",
    "ServiceCategory",
    "ServiceName",
    "SkuId",
    "SkuPriceId",
    "SubAccountId",
    "SubAccountName",
    "Tags",
    "InvoiceId",
    "x_InvoiceLine",
];

/// The invoice issuer when the shared setting `issuer.name` is not set.
pub const DEFAULT_ISSUER: &str = "billops";

/// What is behind one usage line (customer, service, product, component) in the period's cost data.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Behind {
    /// Linked accounts with cost.
    pub accounts: BTreeSet<String>,
    /// The clouds of their payers' imports (formats that name one).
    pub providers: BTreeSet<String>,
    /// Charge categories of the rows (tax and supplier credits are stripped, so not among them).
    pub categories: BTreeSet<ChargeCategory>,
}

/// What the rows need beside the invoice, read once per export.
#[derive(Debug, Clone, Default)]
pub struct Context {
    /// `issuer.name`, else [`DEFAULT_ISSUER`].
    pub issuer: String,
    /// Customer code → name.
    pub customers: HashMap<String, String>,
    /// Linked account id → name.
    pub account_names: HashMap<String, String>,
    /// (customer, service, product, component) → what the cost data has behind it.
    pub behind: HashMap<(String, String, String, String), Behind>,
    /// Resource unit id → (name, unit).
    pub units: HashMap<String, (String, String)>,
}

impl Context {
    fn behind(&self, customer: &str, service: &str, product: &str, component: &str) -> Option<&Behind> {
        self.behind.get(&(customer.to_string(), service.to_string(), product.to_string(), component.to_string()))
    }

    /// The cloud of a usage line: its payers' one cloud, else the one its service name says, else `None`.
    fn line_provider(&self, customer: &str, service: &str, product: &str, component: &str) -> Option<String> {
        let from_data = self.behind(customer, service, product, component).and_then(|b| match b.providers.len() {
            1 => b.providers.first().cloned(),
            _ => None,
        });
        from_data.or_else(|| category::provider_of_service(service).map(str::to_string))
    }

    /// The cloud of each line of `inv` (`None` for a line that has none of its own) and the invoice's: its
    /// usage lines' one cloud, else the issuer (a discount, credit, tax or rounding line of an invoice that
    /// re-bills several clouds, or none billops can name, is the issuer's own).
    fn providers(&self, inv: &StoredInvoice) -> (Vec<Option<String>>, String) {
        let per_line: Vec<Option<String>> = inv
            .draft
            .lines()
            .map(|l| match &l.kind {
                LineKind::Usage { service, product, component } if service != PPA_SERVICE => {
                    self.line_provider(&inv.customer, service, product, component)
                }
                _ => None,
            })
            .collect();
        let clouds: BTreeSet<&String> = per_line.iter().flatten().collect();
        let invoice = match clouds.len() {
            1 => clouds.first().map(|c| c.to_string()).unwrap_or_default(),
            _ => self.issuer.clone(),
        };
        (per_line, invoice)
    }
}

/// Why an invoice cannot be exported.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FocusError {
    #[error("invoice {invoice} is in {currency:?}, which is not an ISO 4217 currency code (FOCUS BillingCurrency)")]
    Currency { invoice: String, currency: String },
    #[error("invoice {0} has no number: only issued invoices are exported")]
    Unnumbered(i64),
}

/// One row: a value per column name (absent = null).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Row {
    values: HashMap<&'static str, Value>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Value {
    Text(String),
    /// An amount: every digit, at least the currency's minor unit of decimals (and at least one).
    Money(Decimal, u32),
    /// A quantity: every digit, at least one decimal.
    Quantity(Decimal),
}

impl Row {
    fn text(&mut self, column: &'static str, v: impl Into<String>) {
        self.values.insert(column, Value::Text(v.into()));
    }
    fn opt(&mut self, column: &'static str, v: Option<impl Into<String>>) {
        if let Some(v) = v {
            self.text(column, v);
        }
    }
    /// The text of a column as written (`None` for null).
    pub fn get(&self, column: &str) -> Option<String> {
        self.values.get(column).map(Value::written)
    }
}

impl Value {
    fn written(&self) -> String {
        match self {
            Value::Text(s) => s.clone(),
            Value::Money(d, dp) => plain(*d, (*dp).max(1)),
            Value::Quantity(d) => plain(*d, 1),
        }
    }
}

/// An exact decimal as plain text with at least `min_dp` decimals: every digit kept, never an exponent, never
/// an integer-looking `100` (a reader guessing types would take the column for integers).
pub fn plain(d: Decimal, min_dp: u32) -> String {
    let mut d = d.normalize();
    if d.scale() < min_dp {
        d.rescale(min_dp);
    }
    d.to_string()
}

/// FOCUS date-times: ISO 8601 in UTC with `Z`.
fn instant(day: chrono::NaiveDate) -> String {
    format!("{}T00:00:00Z", day.format("%Y-%m-%d"))
}

/// The rows of one issued invoice, in its line order (stripped supplier rows skipped; the numbering of
/// `x_InvoiceLine` counts them, as disputes and PPAs do).
pub fn rows(inv: &StoredInvoice, ctx: &Context) -> Result<Vec<Row>, FocusError> {
    let number = inv.number.clone().ok_or(FocusError::Unnumbered(inv.id))?;
    if !billops_domain::money::is_iso4217(&inv.currency) {
        return Err(FocusError::Currency { invoice: number, currency: inv.currency.clone() });
    }
    let (providers, invoice_provider) = ctx.providers(inv);
    let mut out = Vec::new();
    for (i, (line, provider)) in inv.draft.lines().zip(providers).enumerate() {
        if matches!(line.kind, LineKind::Stripped { .. }) {
            continue;
        }
        let mut r = common(inv, &number, ctx, line, i + 1);
        let provider = provider.unwrap_or_else(|| invoice_provider.clone());
        r.text("ProviderName", provider.clone());
        r.text("PublisherName", provider);
        describe(&mut r, inv, ctx, line);
        out.push(r);
    }
    Ok(out)
}

/// The columns every row of the invoice shares, and the line's amount and description.
fn common(inv: &StoredInvoice, number: &str, ctx: &Context, line: &InvoiceLine, n: usize) -> Row {
    let mut r = Row::default();
    let dp = minor_units(&inv.currency);
    for column in ["BilledCost", "EffectiveCost", "ListCost", "ContractedCost"] {
        r.values.insert(column, Value::Money(line.amount, dp));
    }
    r.text("BillingAccountId", inv.customer.clone());
    r.text("BillingAccountName", ctx.customers.get(&inv.customer).cloned().unwrap_or_else(|| inv.customer.clone()));
    r.text("BillingCurrency", inv.currency.clone());
    let period: Period = inv.period;
    for (start, end) in [("BillingPeriodStart", "BillingPeriodEnd"), ("ChargePeriodStart", "ChargePeriodEnd")] {
        r.text(start, instant(period.start()));
        r.text(end, instant(period.end()));
    }
    r.text("ChargeDescription", line.description.clone());
    r.text("InvoiceIssuerName", ctx.issuer.clone());
    r.text("InvoiceId", number);
    r.text("x_InvoiceLine", n.to_string());
    r
}

/// What kind of charge the line is: category, class, frequency, service, SKU and pricing columns.
fn describe(r: &mut Row, inv: &StoredInvoice, ctx: &Context, line: &InvoiceLine) {
    let other = |r: &mut Row, category: &str, service: &str| {
        r.text("ChargeCategory", category);
        r.text("ChargeFrequency", "One-Time");
        r.text("ServiceName", service);
        r.text("ServiceCategory", "Other");
    };
    match &line.kind {
        LineKind::Usage { service, .. } if service == PPA_SERVICE => {
            // Credit-and-rebill of a previously invoiced period: a correction.
            other(r, "Adjustment", PPA_SERVICE);
            r.text("ChargeClass", "Correction");
        }
        LineKind::Usage { service, product, component } => {
            let behind = ctx.behind(&inv.customer, service, product, component);
            // A line of purchases only (a commitment bought) is a purchase; usage with refunds is usage.
            let purchase = behind.is_some_and(|b| {
                !b.categories.is_empty() && b.categories.iter().all(|c| *c == ChargeCategory::Purchase)
            });
            r.text("ChargeCategory", if purchase { "Purchase" } else { "Usage" });
            r.text("ChargeFrequency", if purchase { "One-Time" } else { "Usage-Based" });
            r.text("ServiceName", service.clone());
            r.text("ServiceCategory", category::service_category(service));
            r.text("PricingCategory", "Standard");
            // The line is billops's charge for this service component over the billing period, priced as a
            // whole (a markup or discount on cost): one month of it.
            r.values.insert("PricingQuantity", Value::Quantity(Decimal::ONE));
            r.text("PricingUnit", "Month");
            let sku = format!("{service}/{product}/{component}");
            r.text("SkuId", sku.clone());
            r.text("SkuPriceId", sku);
            if let Some(b) = behind.filter(|b| b.accounts.len() == 1) {
                let account = b.accounts.first().cloned().unwrap_or_default();
                r.opt("SubAccountName", ctx.account_names.get(&account).cloned());
                r.text("SubAccountId", account);
            }
        }
        LineKind::ResourceUnit { ru_id, rate } => {
            let (name, unit) = ctx.units.get(ru_id).cloned().unwrap_or_else(|| (ru_id.clone(), ru_id.clone()));
            r.text("ChargeCategory", "Usage");
            r.text("ChargeFrequency", "Usage-Based");
            r.text("ServiceName", name);
            r.text("ServiceCategory", "Other");
            r.text("PricingCategory", "Standard");
            r.text("SkuId", ru_id.clone());
            r.text("SkuPriceId", ru_id.clone());
            let volume = line.quantity.unwrap_or(Decimal::ZERO);
            r.values.insert("PricingQuantity", Value::Quantity(volume));
            r.text("PricingUnit", unit);
            // The published rate is the unit price when it gives the amount exactly (it does: the charge is
            // volume × rate); otherwise no unit price is claimed.
            if volume.checked_mul(*rate) == Some(line.amount) {
                let dp = minor_units(&inv.currency);
                r.values.insert("ListUnitPrice", Value::Money(*rate, dp));
                r.values.insert("ContractedUnitPrice", Value::Money(*rate, dp));
            }
        }
        LineKind::Discount { .. } => other(r, "Credit", "Invoice discount"),
        LineKind::Credit { kind: CreditKind::Ppa, .. } => {
            other(r, "Adjustment", PPA_SERVICE);
            r.text("ChargeClass", "Correction");
        }
        LineKind::Credit { .. } => other(r, "Credit", "Credits"),
        LineKind::Tax { .. } => other(r, "Tax", "Tax"),
        LineKind::Rounding => other(r, "Adjustment", "Rounding adjustment"),
        LineKind::Stripped { .. } => {}
    }
}

/// Write the header and the rows as CSV (through the one guarded writer: text that a spreadsheet would run as
/// a formula gets a leading `'`; amounts and quantities are written as they are).
pub fn write_csv<W: Write>(rows: &[Row], out: W) -> io::Result<W> {
    let mut w = CsvWriter::new(out);
    w.header(&COLUMNS)?;
    for r in rows {
        let cells: Vec<(bool, String)> = COLUMNS
            .iter()
            .map(|c| match r.values.get(c) {
                Some(v @ (Value::Money(..) | Value::Quantity(_))) => (true, v.written()),
                Some(v) => (false, v.written()),
                None => (false, String::new()),
            })
            .collect();
        w.row(cells.iter().map(|(number, s)| if *number { Cell::Number(s) } else { Cell::Text(s) }))?;
    }
    w.finish()
}

#[cfg(test)]
#[path = "tests.rs"]
mod tests;
