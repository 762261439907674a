//! Planning which credits reduce an invoice, in the documented order, never below zero.
//!
//! Order: soonest expiry first, then smallest scope ([`CreditScope::breadth`]), then oldest proposal, then
//! id. Each credit takes what it can from the charges in its scope (by account and service) that earlier
//! credits left, up to its balance and to what is left of the invoice; the rest of its balance carries over.
use std::cmp::Ordering;
use std::collections::BTreeMap;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::{Credit, CreditError, CreditId, CreditKind, CreditScope, CreditStatus};
use crate::period::Period;

/// Charges of the invoice a credit could reduce, per linked account and service (after discounts).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Chargeable {
    pub account: String,
    pub service: String,
    pub amount: Decimal,
}

/// The invoice credits are applied to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApplicationTarget {
    pub customer: String,
    pub currency: String,
    pub period: Period,
    pub chargeable: Vec<Chargeable>,
    /// What is left of the invoice before credits (after discounts, before tax): credits never exceed it.
    pub cap: Decimal,
}

/// One credit's share of one invoice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreditApplication {
    pub credit_id: CreditId,
    pub kind: CreditKind,
    pub amount: Decimal,
    pub balance_before: Decimal,
    pub balance_after: Decimal,
    /// Where it landed: (account, service, amount).
    pub allocations: Vec<(String, String, Decimal)>,
}

fn eligible(c: &Credit, t: &ApplicationTarget) -> bool {
    c.status() == CreditStatus::Approved
        && c.remaining() > Decimal::ZERO
        && c.customer() == t.customer
        && c.currency() == t.currency
        && c.validity().overlaps(&t.period.range())
}

fn order(a: &Credit, b: &Credit) -> Ordering {
    let key = |c: &Credit| (c.validity().end, c.scope().breadth(), c.proposed_at());
    key(a).cmp(&key(b)).then_with(|| a.id().cmp(b.id()))
}

/// The credits that may reduce this invoice, in application order.
pub fn application_order<'a>(credits: &'a [Credit], target: &ApplicationTarget) -> Vec<&'a Credit> {
    let mut v: Vec<&Credit> = credits.iter().filter(|c| eligible(c, target)).collect();
    v.sort_by(|a, b| order(a, b));
    v
}

fn covered(scope: &CreditScope, key: &(String, String)) -> bool {
    scope.covers(&key.0, &key.1)
}

/// Plan the credits' applications to one invoice. Pure: balances change only when the caller records each
/// application with [`Credit::apply`].
pub fn plan_applications(
    credits: &[Credit],
    target: &ApplicationTarget,
) -> Result<Vec<CreditApplication>, CreditError> {
    let mut buckets: BTreeMap<(String, String), Decimal> = BTreeMap::new();
    for c in &target.chargeable {
        let b = buckets.entry((c.account.clone(), c.service.clone())).or_insert(Decimal::ZERO);
        *b = b.checked_add(c.amount).ok_or(CreditError::Overflow)?;
    }
    for b in buckets.values_mut() {
        *b = (*b).max(Decimal::ZERO);
    }
    let mut room = target.cap.max(Decimal::ZERO);
    let mut out = Vec::new();
    for c in application_order(credits, target) {
        if room.is_zero() {
            break;
        }
        let mut want = c.remaining().min(room);
        let mut allocations = Vec::new();
        for (key, left) in buckets.iter_mut() {
            if want.is_zero() {
                break;
            }
            if left.is_zero() || !covered(c.scope(), key) {
                continue;
            }
            let take = want.min(*left);
            *left = left.checked_sub(take).ok_or(CreditError::Overflow)?;
            want = want.checked_sub(take).ok_or(CreditError::Overflow)?;
            allocations.push((key.0.clone(), key.1.clone(), take));
        }
        let amount =
            allocations.iter().try_fold(Decimal::ZERO, |a, x| a.checked_add(x.2)).ok_or(CreditError::Overflow)?;
        if amount.is_zero() {
            continue;
        }
        room = room.checked_sub(amount).ok_or(CreditError::Overflow)?;
        out.push(CreditApplication {
            credit_id: c.id().to_string(),
            kind: c.kind().clone(),
            amount,
            balance_before: c.remaining(),
            balance_after: c.remaining().checked_sub(amount).ok_or(CreditError::Overflow)?,
            allocations,
        });
    }
    Ok(out)
}
