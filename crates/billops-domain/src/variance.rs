//! Variance between periods (SPEC §2.10): billed cost per customer × service of a period against the period
//! before, flagged against thresholds; each flagged variance needs an explanation (driver + text) before
//! sign-off, and an explanation written for another delta (the data changed since) is stale.
//!
//! The flag rule (documented decision): a variance is flagged when **both** thresholds are reached,
//! `|Δ| ≥ abs` **and** `|Δ%| ≥ pct`. Either alone is noise: a $2 service doubling is 100 % but immaterial, a
//! $500 move on a $90,000 service is material in dollars but 0.6 %. A service that is new (no cost before)
//! or gone (no cost now) has no percentage: it is flagged on `|Δ| ≥ abs` alone. A zero Δ is never flagged,
//! whatever the thresholds; when either period has no data at all nothing is flagged (there is no baseline
//! to compare with: every service would look new, or gone, because a month is not imported yet).
use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::terms::Percent;

pub mod volume;

#[cfg(test)]
mod tests;

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum VarianceError {
    #[error("invalid: {0}")]
    Invalid(String),
    #[error("an explanation needs a text saying why the cost moved")]
    TextRequired,
    #[error("unknown driver {0:?} (one of: {list})", list = Driver::names())]
    UnknownDriver(String),
    #[error("amount overflow")]
    Overflow,
}

/// What moved the cost.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Driver {
    UsageGrowth,
    UsageDecline,
    NewService,
    Decommission,
    PriceChange,
    OneOff,
    DataCorrection,
    Credit,
    Other,
}

impl Driver {
    pub const ALL: [Driver; 9] = [
        Driver::UsageGrowth,
        Driver::UsageDecline,
        Driver::NewService,
        Driver::Decommission,
        Driver::PriceChange,
        Driver::OneOff,
        Driver::DataCorrection,
        Driver::Credit,
        Driver::Other,
    ];
    /// The stored and typed name (`usage_growth`).
    pub fn as_str(self) -> &'static str {
        match self {
            Driver::UsageGrowth => "usage_growth",
            Driver::UsageDecline => "usage_decline",
            Driver::NewService => "new_service",
            Driver::Decommission => "decommission",
            Driver::PriceChange => "price_change",
            Driver::OneOff => "one_off",
            Driver::DataCorrection => "data_correction",
            Driver::Credit => "credit",
            Driver::Other => "other",
        }
    }
    /// Words for people (`usage growth`).
    pub fn label(self) -> &'static str {
        match self {
            Driver::UsageGrowth => "usage growth",
            Driver::UsageDecline => "usage decline",
            Driver::NewService => "new service",
            Driver::Decommission => "decommission",
            Driver::PriceChange => "price change",
            Driver::OneOff => "one-off",
            Driver::DataCorrection => "data correction",
            Driver::Credit => "credit",
            Driver::Other => "other",
        }
    }
    /// Every name, comma separated (for messages and help).
    pub fn names() -> String {
        Driver::ALL.iter().map(|d| d.as_str()).collect::<Vec<_>>().join(", ")
    }
    /// The driver a person would most likely pick for `v` (the console's picker starts there).
    pub fn suggested(v: &Variance) -> Driver {
        match v.kind {
            VarianceKind::New => Driver::NewService,
            VarianceKind::Gone => Driver::Decommission,
            VarianceKind::Change if v.delta.is_sign_negative() => Driver::UsageDecline,
            VarianceKind::Change => Driver::UsageGrowth,
        }
    }
}

impl fmt::Display for Driver {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Driver {
    type Err = VarianceError;
    /// `usage_growth`, `usage-growth` or `usage growth`, any case.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let norm: String =
            s.trim().chars().map(|c| if c == '-' || c == ' ' { '_' } else { c.to_ascii_lowercase() }).collect();
        Driver::ALL.into_iter().find(|d| d.as_str() == norm).ok_or_else(|| VarianceError::UnknownDriver(s.into()))
    }
}

/// When a change is worth explaining. Both must be reached (see the module documentation).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct VarianceThresholds {
    /// `|Δ|` as a percentage of `|previous|` (not used for new or gone services).
    pct: Percent,
    /// `|Δ|` in the cost currency.
    abs: Decimal,
}

impl Default for VarianceThresholds {
    /// 10 % and 1,000.
    fn default() -> Self {
        VarianceThresholds { pct: Percent::new(Decimal::TEN).unwrap_or(Percent::ZERO), abs: Decimal::ONE_THOUSAND }
    }
}

impl VarianceThresholds {
    /// `abs` may not be negative.
    pub fn new(pct: Percent, abs: Decimal) -> Result<VarianceThresholds, VarianceError> {
        if abs.is_sign_negative() && !abs.is_zero() {
            return Err(VarianceError::Invalid(format!("the absolute variance threshold {abs} is negative")));
        }
        Ok(VarianceThresholds { pct, abs: abs.normalize() })
    }
    pub fn pct(&self) -> Percent {
        self.pct
    }
    pub fn abs(&self) -> Decimal {
        self.abs
    }
    /// Whether a change of `delta` with percentage `pct` (None: new or gone) is flagged.
    pub fn flags(&self, delta: Decimal, pct: Option<Decimal>) -> bool {
        if delta.is_zero() || delta.abs() < self.abs {
            return false;
        }
        pct.is_none_or(|p| p.abs() >= self.pct.value())
    }
}

impl fmt::Display for VarianceThresholds {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "|Δ| ≥ {} and |Δ%| ≥ {}", self.abs.normalize(), self.pct)
    }
}

/// Billed cost of one customer and service in the period and the one before (zero: no cost), with the line
/// item counts behind them (a volume indication; not used for flagging).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceCost {
    pub customer: String,
    pub service: String,
    pub prev: Decimal,
    pub cur: Decimal,
    pub prev_rows: u64,
    pub cur_rows: u64,
}

/// The service name a variance row carries: cost in the customer's own currency keeps the service's name,
/// cost in another currency is its own row `SERVICE [CUR]` (never added to the first), explained under that name.
pub fn service_label(service: &str, currency: &str, customer_currency: &str) -> String {
    if currency.is_empty() || currency == customer_currency {
        service.to_string()
    } else {
        format!("{service} [{currency}]")
    }
}

/// The service and currency of a label from [`service_label`] (`None`: the customer's own currency).
pub fn split_label(label: &str) -> (&str, Option<&str>) {
    match label.strip_suffix(']').and_then(|s| s.rsplit_once(" [")) {
        Some((service, cur)) if !cur.is_empty() && cur.chars().all(|c| c.is_ascii_uppercase()) => (service, Some(cur)),
        _ => (label, None),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VarianceKind {
    /// Cost in both periods.
    Change,
    /// No cost before.
    New,
    /// No cost now.
    Gone,
}

/// One customer × service comparison.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Variance {
    pub customer: String,
    pub service: String,
    pub prev: Decimal,
    pub cur: Decimal,
    /// `cur − prev`, exact.
    pub delta: Decimal,
    /// `Δ / |prev| × 100`, exact to Decimal's precision; `None` for a new or gone service.
    pub pct: Option<Decimal>,
    pub kind: VarianceKind,
    pub prev_rows: u64,
    pub cur_rows: u64,
    pub flagged: bool,
}

impl Variance {
    /// Compare one customer's service; `baseline`: whether both periods have any data at all.
    pub fn of(c: &ServiceCost, th: &VarianceThresholds, baseline: bool) -> Result<Variance, VarianceError> {
        let delta = c.cur.checked_sub(c.prev).ok_or(VarianceError::Overflow)?.normalize();
        let kind = match (c.prev.is_zero(), c.cur.is_zero()) {
            (true, false) => VarianceKind::New,
            (false, true) => VarianceKind::Gone,
            _ => VarianceKind::Change,
        };
        let pct = if kind == VarianceKind::Change && !c.prev.is_zero() {
            let p = delta
                .checked_mul(Decimal::ONE_HUNDRED)
                .and_then(|x| x.checked_div(c.prev.abs()))
                .ok_or(VarianceError::Overflow)?;
            Some(p.normalize())
        } else {
            None
        };
        Ok(Variance {
            customer: c.customer.clone(),
            service: c.service.clone(),
            prev: c.prev.normalize(),
            cur: c.cur.normalize(),
            delta,
            pct,
            kind,
            prev_rows: c.prev_rows,
            cur_rows: c.cur_rows,
            flagged: baseline && th.flags(delta, pct),
        })
    }
    pub fn key(&self) -> (String, String) {
        (self.customer.clone(), self.service.clone())
    }
}

/// Every comparison, largest |Δ| first (then customer, service); customer × service pairs must be unique.
pub fn compare(costs: &[ServiceCost], th: &VarianceThresholds, baseline: bool) -> Result<Vec<Variance>, VarianceError> {
    let mut out = costs.iter().map(|c| Variance::of(c, th, baseline)).collect::<Result<Vec<_>, _>>()?;
    out.sort_by(|a, b| {
        b.delta
            .abs()
            .cmp(&a.delta.abs())
            .then_with(|| a.customer.cmp(&b.customer))
            .then_with(|| a.service.cmp(&b.service))
    });
    let mut seen = std::collections::BTreeSet::new();
    for v in &out {
        if !seen.insert((v.customer.as_str(), v.service.as_str())) {
            return Err(VarianceError::Invalid(format!("{} / {} given twice", v.customer, v.service)));
        }
    }
    Ok(out)
}

/// Why a variance moved, as written by an operator, with the Δ it explained.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Explanation {
    pub driver: Driver,
    pub text: String,
    pub by: String,
    pub at: DateTime<Utc>,
    /// The Δ the explanation was written for: a different current Δ makes it stale.
    pub delta: Decimal,
}

impl Explanation {
    /// The text is required (trimmed).
    pub fn new(
        driver: Driver,
        text: &str,
        by: &str,
        at: DateTime<Utc>,
        delta: Decimal,
    ) -> Result<Explanation, VarianceError> {
        let text = text.trim();
        if text.is_empty() {
            return Err(VarianceError::TextRequired);
        }
        if by.trim().is_empty() {
            return Err(VarianceError::Invalid("an explanation needs its author".into()));
        }
        Ok(Explanation { driver, text: text.into(), by: by.into(), at, delta: delta.normalize() })
    }
    /// Written for this very Δ (exact comparison: sums are exact, any new data moves them).
    pub fn is_current(&self, v: &Variance) -> bool {
        self.delta == v.delta
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VarianceState {
    /// Under the thresholds: nothing to explain.
    Unflagged,
    /// Flagged and not explained.
    Unexplained,
    /// Flagged and explained for the current Δ.
    Explained,
    /// Flagged and explained for another Δ (the data changed since): counts as unexplained.
    Stale,
}

impl VarianceState {
    /// Blocks sign-off.
    pub fn needs_explanation(self) -> bool {
        matches!(self, VarianceState::Unexplained | VarianceState::Stale)
    }
    pub fn as_str(self) -> &'static str {
        match self {
            VarianceState::Unflagged => "-",
            VarianceState::Unexplained => "unexplained",
            VarianceState::Explained => "explained",
            VarianceState::Stale => "stale",
        }
    }
}

impl fmt::Display for VarianceState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A variance with its explanation (if any) and where that leaves it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewedVariance {
    pub variance: Variance,
    pub explanation: Option<Explanation>,
    pub state: VarianceState,
}

/// The state of one variance given its explanation.
pub fn state_of(v: &Variance, e: Option<&Explanation>) -> VarianceState {
    match (v.flagged, e) {
        (false, _) => VarianceState::Unflagged,
        (true, None) => VarianceState::Unexplained,
        (true, Some(e)) if e.is_current(v) => VarianceState::Explained,
        (true, Some(_)) => VarianceState::Stale,
    }
}

/// Join variances with explanations keyed by (customer, service); explanations of pairs with no cost in
/// either period are dropped.
pub fn review(
    variances: Vec<Variance>,
    explanations: &BTreeMap<(String, String), Explanation>,
) -> Vec<ReviewedVariance> {
    variances
        .into_iter()
        .map(|v| {
            let explanation = explanations.get(&(v.customer.clone(), v.service.clone())).cloned();
            let state = state_of(&v, explanation.as_ref());
            ReviewedVariance { variance: v, explanation, state }
        })
        .collect()
}

/// How many block sign-off (unexplained or stale).
pub fn unexplained(rows: &[ReviewedVariance]) -> u64 {
    u64::try_from(rows.iter().filter(|r| r.state.needs_explanation()).count()).unwrap_or(u64::MAX)
}
