//! Credit notes (SPEC §2.4): an issued invoice never changes; it is corrected by a credit note, a document of
//! its own gap-free series (`CN-000001`) that references the invoice, for all of it or a part, never more than
//! what is still uncredited, with a reason.
//!
//! Who (documented decision): a **manager**, as for voiding. A credit note lowers what a customer owes, the
//! same effect as an approved credit, and it is final (a credit note is not itself credited or voided).
use std::fmt;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::invoice::{InvoiceError, InvoiceStatus, NumberSeries};
use crate::money::{RoundingRule, round_document};
use crate::party::User;

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum CreditNoteError {
    #[error("{user} ({role}) may not issue credit notes: a manager does")]
    NotPermitted { user: String, role: String },
    #[error("only an issued invoice takes a credit note; this one is {0}")]
    NotIssued(InvoiceStatus),
    #[error("a credit note is for a positive amount, not {0}")]
    NotPositive(Decimal),
    #[error("{amount} is not a {currency} amount (at most {dp} decimals)")]
    NotMinorUnits { amount: Decimal, currency: String, dp: u32 },
    #[error("{amount} is more than the {remaining} still uncredited on the invoice")]
    TooMuch { amount: Decimal, remaining: Decimal },
    #[error("a credit note needs a reason")]
    ReasonRequired,
    #[error("{0}")]
    Series(InvoiceError),
    #[error("amount overflow")]
    Overflow,
}

/// What is asked, with what the invoice says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreditNoteRequest<'a> {
    pub invoice_status: InvoiceStatus,
    pub invoice_total: Decimal,
    /// Σ of the credit notes already issued against the invoice.
    pub credited: Decimal,
    pub currency: &'a str,
    pub amount: Decimal,
    pub reason: &'a str,
}

/// The outcome: the number taken and what stays creditable afterwards.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IssuedCreditNote {
    pub number: String,
    pub amount: Decimal,
    pub remaining: Decimal,
}

/// What can still be credited on an invoice of `total` with `credited` already credited (never below zero).
pub fn remaining(total: Decimal, credited: Decimal) -> Decimal {
    total.checked_sub(credited).unwrap_or(Decimal::ZERO).max(Decimal::ZERO)
}

/// Check a request and take the next number of `series` only when every check passed (a refusal leaves the
/// series untouched, so numbers stay gap-free).
pub fn issue(
    req: &CreditNoteRequest<'_>,
    series: &mut NumberSeries,
    by: &User,
) -> Result<IssuedCreditNote, CreditNoteError> {
    if !by.role.can_approve() {
        return Err(CreditNoteError::NotPermitted { user: by.name.clone(), role: by.role.to_string() });
    }
    if !req.invoice_status.is_issued() || req.invoice_status == InvoiceStatus::Void {
        return Err(CreditNoteError::NotIssued(req.invoice_status));
    }
    if req.reason.trim().is_empty() {
        return Err(CreditNoteError::ReasonRequired);
    }
    if req.amount <= Decimal::ZERO {
        return Err(CreditNoteError::NotPositive(req.amount));
    }
    let rounded = round_document(req.amount, req.currency, RoundingRule::HalfAwayFromZero);
    if rounded != req.amount {
        let dp = crate::money::minor_units(req.currency);
        return Err(CreditNoteError::NotMinorUnits { amount: req.amount, currency: req.currency.into(), dp });
    }
    let left = remaining(req.invoice_total, req.credited);
    if req.amount > left {
        return Err(CreditNoteError::TooMuch { amount: req.amount, remaining: left });
    }
    let number = series.take().map_err(CreditNoteError::Series)?;
    let after = left.checked_sub(req.amount).ok_or(CreditNoteError::Overflow)?;
    Ok(IssuedCreditNote { number, amount: req.amount.normalize(), remaining: after.normalize() })
}

impl fmt::Display for IssuedCreditNote {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} for {} ({} still creditable)", self.number, self.amount, self.remaining)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use std::str::FromStr;

    use proptest::prelude::*;

    use super::*;
    use crate::party::Role;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }
    fn mgr() -> User {
        User { name: "maria".into(), role: Role::Manager }
    }
    fn req<'a>(status: InvoiceStatus, credited: &str, amount: &str, reason: &'a str) -> CreditNoteRequest<'a> {
        CreditNoteRequest {
            invoice_status: status,
            invoice_total: d("1000.00"),
            credited: d(credited),
            currency: "USD",
            amount: d(amount),
            reason,
        }
    }

    #[test]
    fn full_and_partial_never_more_than_remaining() {
        let mut s = NumberSeries::new("CN-", 1, 6).unwrap();
        let a = issue(&req(InvoiceStatus::Issued, "0", "250.50", "wrong rate"), &mut s, &mgr()).unwrap();
        assert_eq!((a.number.as_str(), a.amount, a.remaining), ("CN-000001", d("250.5"), d("749.5")));
        let e = issue(&req(InvoiceStatus::Paid, "250.50", "749.51", "rest"), &mut s, &mgr()).unwrap_err();
        assert_eq!(e, CreditNoteError::TooMuch { amount: d("749.51"), remaining: d("749.50") });
        let b = issue(&req(InvoiceStatus::PartlyPaid, "250.50", "749.50", "rest"), &mut s, &mgr()).unwrap();
        assert_eq!((b.number.as_str(), b.remaining), ("CN-000002", d("0")));
        let e = issue(&req(InvoiceStatus::Issued, "1000", "0.01", "more"), &mut s, &mgr()).unwrap_err();
        assert!(matches!(e, CreditNoteError::TooMuch { .. }));
        assert_eq!(s.peek(), "CN-000003", "refusals take no number");
    }

    #[test]
    fn refusals() {
        let mut s = NumberSeries::new("CN-", 7, 6).unwrap();
        let op = User { name: "bob".into(), role: Role::Operator };
        let r = req(InvoiceStatus::Issued, "0", "10", "x");
        assert!(matches!(issue(&r, &mut s, &op), Err(CreditNoteError::NotPermitted { .. })));
        for st in [InvoiceStatus::Draft, InvoiceStatus::Approved, InvoiceStatus::Void] {
            assert_eq!(issue(&req(st, "0", "10", "x"), &mut s, &mgr()), Err(CreditNoteError::NotIssued(st)));
        }
        assert_eq!(
            issue(&req(InvoiceStatus::Issued, "0", "10", " "), &mut s, &mgr()),
            Err(CreditNoteError::ReasonRequired)
        );
        assert!(matches!(
            issue(&req(InvoiceStatus::Issued, "0", "0", "x"), &mut s, &mgr()),
            Err(CreditNoteError::NotPositive(_))
        ));
        assert!(matches!(
            issue(&req(InvoiceStatus::Issued, "0", "-5", "x"), &mut s, &mgr()),
            Err(CreditNoteError::NotPositive(_))
        ));
        let e = issue(&req(InvoiceStatus::Issued, "0", "10.005", "x"), &mut s, &mgr()).unwrap_err();
        assert!(e.to_string().contains("not a USD amount (at most 2 decimals)"), "{e}");
        let mut r = req(InvoiceStatus::Disputed, "0", "10", "x");
        r.currency = "JPY";
        assert!(issue(&r, &mut s, &mgr()).is_ok(), "10 yen is whole");
        assert_eq!(s.peek(), "CN-000008");
        assert_eq!(remaining(d("10"), d("12")), d("0"));
    }

    proptest! {
        /// Whatever is asked, in any order: what is issued never exceeds the invoice total, numbers follow each
        /// other without a gap, and a refusal changes nothing.
        #[test]
        fn never_more_than_the_invoice_and_gap_free(asks in proptest::collection::vec(-5_000i64..60_000, 1..25)) {
            let total = d("1000.00");
            let mut credited = Decimal::ZERO;
            let mut s = NumberSeries::new("CN-", 1, 6).unwrap();
            let mut taken = 0u64;
            for cents in asks {
                let amount = Decimal::new(cents, 2);
                let r = CreditNoteRequest {
                    invoice_status: InvoiceStatus::Issued,
                    invoice_total: total,
                    credited,
                    currency: "USD",
                    amount,
                    reason: "r",
                };
                match issue(&r, &mut s, &mgr()) {
                    Ok(n) => {
                        taken += 1;
                        prop_assert_eq!(n.number, format!("CN-{taken:06}"));
                        credited += amount;
                        prop_assert_eq!(n.remaining, total - credited);
                    }
                    Err(_) => prop_assert!(amount <= Decimal::ZERO || amount > total - credited),
                }
                prop_assert!(credited <= total);
                prop_assert_eq!(s.next_value(), taken + 1);
            }
        }
    }
}
