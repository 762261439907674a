//! SLA service-credit claims against the supplier, and their pass-through to affected customers.
//!
//! Tiers are data ([`SlaPolicy`]); the AWS compute region-level default is
//! [`SlaPolicy::aws_compute_region`]: below 99.99 % → 10 %, below 99.0 % → 30 %, below 95.0 % → 100 % of the
//! affected charges for the cycle; no credit of 1 (currency unit) or less.
use std::cmp::Ordering;

use chrono::{DateTime, Days, NaiveDate, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::money::{Money, RoundingRule, minor_units, round_line};
use crate::period::Period;
use crate::terms::Percent;

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum SlaError {
    #[error("invalid SLA policy: {0}")]
    InvalidPolicy(String),
    #[error("invalid claim: {0}")]
    InvalidClaim(String),
    #[error("claim in {status:?} cannot {what}")]
    BadTransition { status: ClaimStatus, what: &'static str },
    #[error("amount overflow")]
    Overflow,
}

/// Uptime strictly below `below` (a percentage) earns `credit` of the affected charges.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SlaTier {
    pub below: Decimal,
    pub credit: Percent,
}

/// A supplier's service-credit tiers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SlaPolicy {
    name: String,
    /// Sorted by threshold, highest first.
    tiers: Vec<SlaTier>,
    /// No credit when the computed amount is this or less.
    no_credit_at_or_below: Decimal,
}

impl SlaPolicy {
    /// Thresholds in (0, 100] and distinct; credits in (0, 100] and growing as uptime falls.
    pub fn new(
        name: impl Into<String>,
        mut tiers: Vec<SlaTier>,
        no_credit_at_or_below: Decimal,
    ) -> Result<SlaPolicy, SlaError> {
        let bad = |m: String| Err(SlaError::InvalidPolicy(m));
        if tiers.is_empty() {
            return bad("no tiers".into());
        }
        if no_credit_at_or_below < Decimal::ZERO {
            return bad(format!("negative minimum {no_credit_at_or_below}"));
        }
        for t in &tiers {
            if t.below <= Decimal::ZERO || t.below > Decimal::ONE_HUNDRED {
                return bad(format!("threshold {} outside (0, 100]", t.below));
            }
            if t.credit.is_zero() || t.credit > Percent::HUNDRED {
                return bad(format!("credit {} outside (0, 100]", t.credit));
            }
        }
        tiers.sort_by_key(|t| std::cmp::Reverse(t.below));
        for w in tiers.windows(2) {
            if let [hi, lo] = w {
                if hi.below == lo.below {
                    return bad(format!("threshold {} appears twice", hi.below));
                }
                if lo.credit < hi.credit {
                    return bad(format!("credit falls from {} to {} as uptime falls", hi.credit, lo.credit));
                }
            }
        }
        Ok(SlaPolicy { name: name.into(), tiers, no_credit_at_or_below })
    }

    /// AWS compute, region level.
    pub fn aws_compute_region() -> SlaPolicy {
        let tier = |below: i64, scale: u32, credit: i64| SlaTier {
            below: Decimal::new(below, scale),
            credit: Percent::new(Decimal::from(credit)).unwrap_or(Percent::ZERO),
        };
        SlaPolicy {
            name: "AWS compute (region level)".into(),
            tiers: vec![tier(9999, 2, 10), tier(990, 1, 30), tier(950, 1, 100)],
            no_credit_at_or_below: Decimal::ONE,
        }
    }
    pub fn name(&self) -> &str {
        &self.name
    }
    pub fn tiers(&self) -> &[SlaTier] {
        &self.tiers
    }
    pub fn no_credit_at_or_below(&self) -> Decimal {
        self.no_credit_at_or_below
    }
    /// The most severe tier the uptime falls under (`None`: SLA met).
    pub fn tier_for(&self, uptime: Decimal) -> Option<&SlaTier> {
        self.tiers.iter().rfind(|t| uptime < t.below)
    }
}

/// Monthly uptime percentage from unavailable minutes in the cycle: `100 × (1 − down / minutes in month)`.
pub fn uptime_from_downtime(cycle: Period, unavailable_minutes: u64) -> Result<Decimal, SlaError> {
    let total = Decimal::from(u64::from(cycle.days()) * 24 * 60);
    let down = Decimal::from(unavailable_minutes).min(total);
    let up = total.checked_sub(down).ok_or(SlaError::Overflow)?;
    up.checked_mul(Decimal::ONE_HUNDRED).and_then(|x| x.checked_div(total)).ok_or(SlaError::Overflow)
}

/// The last day (inclusive) to submit a claim: the end of the second billing cycle after the incident's.
pub fn claim_deadline(cycle: Period) -> NaiveDate {
    let end = cycle.next().next().end();
    end.checked_sub_days(Days::new(1)).unwrap_or(end)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ClaimStatus {
    Draft,
    Submitted,
    Approved,
    Rejected,
    /// The supplier's credit arrived on its invoice.
    Credited,
    /// Allocated to the affected customers as SLA service credits.
    PassedThrough,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ClaimEvent {
    Submit,
    Approve,
    Reject,
    Credit,
    PassThrough,
}

impl ClaimStatus {
    pub fn next(self, e: ClaimEvent) -> Result<ClaimStatus, SlaError> {
        use ClaimEvent as E;
        use ClaimStatus as S;
        Ok(match (self, e) {
            (S::Draft, E::Submit) => S::Submitted,
            (S::Submitted, E::Approve) => S::Approved,
            (S::Submitted, E::Reject) => S::Rejected,
            (S::Approved, E::Credit) => S::Credited,
            (S::Credited, E::PassThrough) => S::PassedThrough,
            (status, e) => return Err(SlaError::BadTransition { status, what: event_name(e) }),
        })
    }
}

fn event_name(e: ClaimEvent) -> &'static str {
    match e {
        ClaimEvent::Submit => "be submitted",
        ClaimEvent::Approve => "be approved",
        ClaimEvent::Reject => "be rejected",
        ClaimEvent::Credit => "be credited",
        ClaimEvent::PassThrough => "be passed through",
    }
}

/// An SLA claim as assessed: uptime → tier → amount, and its deadline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SlaClaim {
    pub service: String,
    pub region: String,
    pub incident_start: DateTime<Utc>,
    pub incident_end: DateTime<Utc>,
    /// The billing cycle of the incident (where it started).
    pub cycle: Period,
    pub uptime: Decimal,
    pub tier: Option<SlaTier>,
    /// The affected service's charges in the region for the cycle.
    pub affected_charges: Money,
    /// tier % × affected charges, in minor units (half away from zero); zero when not eligible.
    pub amount: Money,
    /// False when the SLA was met or the amount is at or under the policy minimum.
    pub eligible: bool,
    pub deadline: NaiveDate,
    pub status: ClaimStatus,
}

impl SlaClaim {
    pub fn is_past_deadline(&self, today: NaiveDate) -> bool {
        today > self.deadline
    }
}

/// What the claim form holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClaimInput {
    pub service: String,
    pub region: String,
    pub incident_start: DateTime<Utc>,
    pub incident_end: DateTime<Utc>,
    /// Measured monthly uptime percentage, 0–100.
    pub uptime: Decimal,
    pub affected_charges: Money,
}

/// Assess a claim under a policy.
pub fn assess_claim(policy: &SlaPolicy, input: &ClaimInput) -> Result<SlaClaim, SlaError> {
    let bad = |m: String| Err(SlaError::InvalidClaim(m));
    if input.incident_end <= input.incident_start {
        return bad("the incident must end after it starts".into());
    }
    if input.uptime < Decimal::ZERO || input.uptime > Decimal::ONE_HUNDRED {
        return bad(format!("uptime {} outside 0–100", input.uptime));
    }
    if input.affected_charges.amount < Decimal::ZERO {
        return bad(format!("negative affected charges {}", input.affected_charges));
    }
    let cycle = Period::of_date(input.incident_start.date_naive());
    let tier = policy.tier_for(input.uptime).copied();
    let currency = input.affected_charges.currency.clone();
    let raw = match tier {
        Some(t) => t.credit.of(input.affected_charges.amount).ok_or(SlaError::Overflow)?,
        None => Decimal::ZERO,
    };
    let amount = round_line(raw, &currency, RoundingRule::HalfAwayFromZero);
    let eligible = tier.is_some() && amount > policy.no_credit_at_or_below;
    Ok(SlaClaim {
        service: input.service.clone(),
        region: input.region.clone(),
        incident_start: input.incident_start,
        incident_end: input.incident_end,
        cycle,
        uptime: input.uptime,
        tier,
        affected_charges: input.affected_charges.clone(),
        amount: Money::new(if eligible { amount } else { Decimal::ZERO }, currency),
        eligible,
        deadline: claim_deadline(cycle),
        status: ClaimStatus::Draft,
    })
}

/// One customer's affected charges.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Share {
    pub customer: String,
    pub affected: Decimal,
}

/// One customer's part of the claim.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Allocation {
    pub customer: String,
    pub affected: Decimal,
    pub amount: Decimal,
}

/// Split a claim over customers in proportion to their affected charges, in minor units, summing exactly to
/// the claim: each gets its proportional share rounded down, and the units left over go one each to the
/// largest remainders (ties: larger affected charges, then customer code). Deterministic.
pub fn allocate(claim: &Money, shares: &[Share]) -> Result<Vec<Allocation>, SlaError> {
    let cur = claim.currency.as_str();
    let bad = |m: String| Err(SlaError::InvalidClaim(m));
    if claim.amount < Decimal::ZERO || round_line(claim.amount, cur, RoundingRule::HalfAwayFromZero) != claim.amount {
        return bad(format!("claim {claim} must be a non-negative amount in minor units"));
    }
    if let Some(s) = shares.iter().find(|s| s.affected < Decimal::ZERO) {
        return bad(format!("negative affected charges for {}", s.customer));
    }
    let total = shares.iter().try_fold(Decimal::ZERO, |a, s| a.checked_add(s.affected)).ok_or(SlaError::Overflow)?;
    if total.is_zero() {
        return if claim.amount.is_zero() {
            Ok(shares
                .iter()
                .map(|s| Allocation { customer: s.customer.clone(), affected: s.affected, amount: Decimal::ZERO })
                .collect())
        } else {
            bad("no affected charges to allocate over".into())
        };
    }
    let unit = Decimal::new(1, minor_units(cur));
    let mut rows: Vec<(usize, Decimal, Allocation)> = Vec::with_capacity(shares.len()); // (index, remainder, allocation)
    for (i, s) in shares.iter().enumerate() {
        let exact =
            claim.amount.checked_mul(s.affected).and_then(|x| x.checked_div(total)).ok_or(SlaError::Overflow)?;
        let floor = round_line(exact, cur, RoundingRule::Down);
        let rem = exact.checked_sub(floor).ok_or(SlaError::Overflow)?;
        rows.push((i, rem, Allocation { customer: s.customer.clone(), affected: s.affected, amount: floor }));
    }
    let given = rows.iter().try_fold(Decimal::ZERO, |a, r| a.checked_add(r.2.amount)).ok_or(SlaError::Overflow)?;
    let mut left = claim.amount.checked_sub(given).ok_or(SlaError::Overflow)?;
    let by_priority = |a: &(usize, Decimal, Allocation), b: &(usize, Decimal, Allocation)| -> Ordering {
        b.1.cmp(&a.1).then(b.2.affected.cmp(&a.2.affected)).then(a.2.customer.cmp(&b.2.customer)).then(a.0.cmp(&b.0))
    };
    rows.sort_by(by_priority);
    // Mathematically 0 ≤ left < n units; loop in priority order until the sum is exact whatever happens.
    let n = rows.len();
    let mut k = 0usize;
    let mut guard = 0usize;
    while !left.is_zero() && n > 0 && guard < 4 * n + 4 {
        let row = &mut rows[k % n].2;
        if left > Decimal::ZERO {
            row.amount = row.amount.checked_add(unit).ok_or(SlaError::Overflow)?;
            left = left.checked_sub(unit).ok_or(SlaError::Overflow)?;
        } else if row.amount >= unit {
            row.amount = row.amount.checked_sub(unit).ok_or(SlaError::Overflow)?;
            left = left.checked_add(unit).ok_or(SlaError::Overflow)?;
        }
        k += 1;
        guard += 1;
    }
    if !left.is_zero() {
        return Err(SlaError::Overflow);
    }
    rows.sort_by_key(|r| r.0);
    Ok(rows.into_iter().map(|r| r.2).collect())
}

#[cfg(test)]
mod tests;
