//! Three-way tie-out per payer and period:
//! supplier invoice ↔ imported billed cost ↔ Σ customer invoices at cost + unassigned + retained.
//!
//! Two legs, each with its own residual, explanation and tolerance, so that an error on one leg cannot hide
//! behind an opposite error on the other.
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::CloseError;
use crate::period::Period;

/// The facts the store adds up for one payer and period (all in the payer's currency, every digit kept).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TieOutInput {
    pub payer: String,
    pub period: Period,
    pub currency: String,
    /// The supplier's invoice total for the payer and period (charges, credits and tax); `None` if not entered.
    pub supplier_invoice: Option<Decimal>,
    /// Σ billed cost of the imported lines, every charge category.
    pub imported_billed: Decimal,
    /// Σ supplier cost behind the customer invoices (rated lines + stripped supplier credits and tax).
    pub invoiced_at_cost: Decimal,
    /// Cost on linked accounts not assigned to any customer.
    pub unassigned: Decimal,
    /// Cost the reseller keeps (internal accounts, retained supplier credits).
    pub retained: Decimal,
    /// Explained part of supplier − imported (timing, supplier error under a case).
    pub explained_supplier: Decimal,
    /// Explained part of imported − allocated.
    pub explained_allocation: Decimal,
    /// Largest unexplained residual accepted on each leg.
    pub tolerance: Decimal,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TieOutStatus {
    /// Both legs exactly zero.
    Tied,
    /// Residuals within tolerance without explanation.
    WithinTolerance,
    /// Residuals within tolerance once explanations are taken.
    Explained,
    /// An unexplained residual over tolerance: blocks sign-off.
    Unreconciled,
    /// No supplier invoice entered: blocks sign-off.
    MissingSupplierInvoice,
}

/// The result for one payer and period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TieOut {
    pub input: TieOutInput,
    /// invoiced at cost + unassigned + retained.
    pub allocated: Decimal,
    /// supplier − imported.
    pub supplier_residual: Option<Decimal>,
    /// imported − allocated.
    pub allocation_residual: Decimal,
    pub unexplained_supplier: Option<Decimal>,
    pub unexplained_allocation: Decimal,
    pub status: TieOutStatus,
}

impl TieOut {
    pub fn is_ok(&self) -> bool {
        matches!(self.status, TieOutStatus::Tied | TieOutStatus::WithinTolerance | TieOutStatus::Explained)
    }
    /// One line for the close board.
    pub fn summary(&self) -> String {
        let i = &self.input;
        match self.status {
            TieOutStatus::MissingSupplierInvoice => format!(
                "{} {}: no supplier invoice entered in {} (imported {} {})",
                i.payer,
                i.period,
                i.currency,
                self.input.imported_billed.normalize(),
                i.currency
            ),
            TieOutStatus::Unreconciled => format!(
                "{} {}: unexplained supplier−import {} and import−allocated {} {} (tolerance {})",
                i.payer,
                i.period,
                self.unexplained_supplier.unwrap_or_default().normalize(),
                self.unexplained_allocation.normalize(),
                i.currency,
                i.tolerance.normalize()
            ),
            TieOutStatus::Explained => format!(
                "{} {}: residuals explained (supplier−import {} of which {} explained; import−allocated {} of which {} \
                 explained) {}",
                i.payer,
                i.period,
                self.supplier_residual.unwrap_or_default().normalize(),
                i.explained_supplier.normalize(),
                self.allocation_residual.normalize(),
                i.explained_allocation.normalize(),
                i.currency
            ),
            s => format!("{} {} {}: {s:?}", i.payer, i.period, i.currency),
        }
    }
}

/// Compute both legs and the status.
pub fn tie_out(input: &TieOutInput) -> Result<TieOut, CloseError> {
    if input.tolerance < Decimal::ZERO {
        return Err(CloseError::Invalid(format!("negative tolerance {}", input.tolerance)));
    }
    let of = CloseError::Overflow;
    let allocated = input
        .invoiced_at_cost
        .checked_add(input.unassigned)
        .and_then(|x| x.checked_add(input.retained))
        .ok_or(of.clone())?;
    let allocation_residual = input.imported_billed.checked_sub(allocated).ok_or(of.clone())?;
    let unexplained_allocation = allocation_residual.checked_sub(input.explained_allocation).ok_or(of.clone())?;
    let supplier_residual = match input.supplier_invoice {
        Some(s) => Some(s.checked_sub(input.imported_billed).ok_or(of.clone())?),
        None => None,
    };
    let unexplained_supplier = match supplier_residual {
        Some(r) => Some(r.checked_sub(input.explained_supplier).ok_or(of)?),
        None => None,
    };
    let tol = input.tolerance;
    let status = match (supplier_residual, unexplained_supplier) {
        (Some(r1), Some(u1)) => {
            if r1.is_zero() && allocation_residual.is_zero() {
                TieOutStatus::Tied
            } else if r1.abs() <= tol && allocation_residual.abs() <= tol {
                TieOutStatus::WithinTolerance
            } else if u1.abs() <= tol && unexplained_allocation.abs() <= tol {
                TieOutStatus::Explained
            } else {
                TieOutStatus::Unreconciled
            }
        }
        _ => TieOutStatus::MissingSupplierInvoice,
    };
    Ok(TieOut {
        input: input.clone(),
        allocated,
        supplier_residual,
        allocation_residual,
        unexplained_supplier,
        unexplained_allocation,
        status,
    })
}

/// Amounts per currency as one label, each figure with its currency (`410.2 USD, 12 EUR`); zero amounts are left
/// out, nothing is added across currencies. Empty when every amount is zero.
pub fn per_currency(amounts: &std::collections::BTreeMap<String, Decimal>) -> String {
    amounts
        .iter()
        .filter(|(_, v)| !v.is_zero())
        .map(|(c, v)| if c.is_empty() { v.normalize().to_string() } else { format!("{} {c}", v.normalize()) })
        .collect::<Vec<_>>()
        .join(", ")
}
