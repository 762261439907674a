//! Month-end services: orchestration of the store ([`billops_store::Ledger`]) and the domain rules
//! (close board, rating and drafts, credits, tie-out). No SQL here; plain async functions over `&dyn Store`
//! returning serialisable views, for the CLI and the console alike.
pub mod cases;
pub mod close;
pub mod invoices;
pub mod rule_preview;
pub mod terms;

use rust_decimal::Decimal;

/// Largest unexplained tie-out residual accepted per payer (a cent).
pub const TIE_OUT_TOLERANCE: Decimal = Decimal::from_parts(1, 0, 0, false, 2);
/// Credits strictly above this need an approver other than the proposer.
pub const APPROVAL_THRESHOLD: Decimal = Decimal::from_parts(500, 0, 0, false, 0);
/// The invoice number series (payment days come from the customer's terms, `ledger::terms`).
pub const INVOICE_SERIES: &str = "INV-";
