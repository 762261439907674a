//! Terms shared by the rules: exact percentages and effective-dated validity and tables.
use std::fmt;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use thiserror::Error;

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum TermsError {
    #[error("a percentage cannot be negative: {0}")]
    NegativePercent(Decimal),
    #[error("empty effective range: from {from} until {until}")]
    EmptyRange { from: NaiveDate, until: NaiveDate },
    #[error("effective ranges overlap: {0} and {1}")]
    Overlap(Effective, Effective),
}

/// A percentage as people write it (`15` is 15 %). Exact and never negative.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "Decimal", into = "Decimal")]
pub struct Percent(Decimal);

impl Percent {
    pub const ZERO: Percent = Percent(Decimal::ZERO);
    pub const HUNDRED: Percent = Percent(Decimal::ONE_HUNDRED);

    pub fn new(pct: Decimal) -> Result<Percent, TermsError> {
        if pct.is_sign_negative() && !pct.is_zero() {
            return Err(TermsError::NegativePercent(pct));
        }
        Ok(Percent(pct.normalize()))
    }
    /// The number as written (`15` for 15 %).
    pub fn value(self) -> Decimal {
        self.0
    }
    pub fn is_zero(self) -> bool {
        self.0.is_zero()
    }
    /// `amount × pct / 100`, exact up to Decimal's 28 digits; `None` on overflow.
    pub fn of(self, amount: Decimal) -> Option<Decimal> {
        amount.checked_mul(self.0)?.checked_div(Decimal::ONE_HUNDRED)
    }
}

impl TryFrom<Decimal> for Percent {
    type Error = TermsError;
    fn try_from(d: Decimal) -> Result<Self, Self::Error> {
        Percent::new(d)
    }
}

impl From<Percent> for Decimal {
    fn from(p: Percent) -> Decimal {
        p.0
    }
}

impl fmt::Display for Percent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}%", self.0.normalize())
    }
}

/// When a rule, rate or code applies: the half-open day range `[from, until)`, open-ended when `until` is
/// `None`. Never empty.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "EffectiveRaw", into = "EffectiveRaw")]
pub struct Effective {
    from: NaiveDate,
    until: Option<NaiveDate>,
}

#[derive(Serialize, Deserialize)]
struct EffectiveRaw {
    from: NaiveDate,
    until: Option<NaiveDate>,
}

impl TryFrom<EffectiveRaw> for Effective {
    type Error = TermsError;
    fn try_from(r: EffectiveRaw) -> Result<Self, Self::Error> {
        Effective::new(r.from, r.until)
    }
}

impl From<Effective> for EffectiveRaw {
    fn from(e: Effective) -> Self {
        EffectiveRaw { from: e.from, until: e.until }
    }
}

impl Effective {
    pub fn new(from: NaiveDate, until: Option<NaiveDate>) -> Result<Effective, TermsError> {
        match until {
            Some(u) if u <= from => Err(TermsError::EmptyRange { from, until: u }),
            _ => Ok(Effective { from, until }),
        }
    }
    /// From a day on, with no end.
    pub fn starting(from: NaiveDate) -> Effective {
        Effective { from, until: None }
    }
    /// Since the beginning of (calendar) time, with no end.
    pub fn always() -> Effective {
        Effective { from: NaiveDate::MIN, until: None }
    }
    pub fn from(&self) -> NaiveDate {
        self.from
    }
    pub fn until(&self) -> Option<NaiveDate> {
        self.until
    }
    pub fn contains(&self, d: NaiveDate) -> bool {
        self.from <= d && self.until.is_none_or(|u| d < u)
    }
    pub fn overlaps(&self, o: &Effective) -> bool {
        self.until.is_none_or(|u| o.from < u) && o.until.is_none_or(|u| self.from < u)
    }
}

impl fmt::Display for Effective {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.until {
            Some(u) => write!(f, "{}..{}", self.from, u),
            None => write!(f, "{}..", self.from),
        }
    }
}

/// Values that change over time (rates, codes): entries sorted by start, never overlapping, so a day has
/// at most one value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EffectiveTable<T> {
    entries: Vec<(Effective, T)>,
}

impl<T> Default for EffectiveTable<T> {
    fn default() -> Self {
        EffectiveTable { entries: Vec::new() }
    }
}

impl<T> EffectiveTable<T> {
    /// Sort by start and refuse overlapping entries.
    pub fn new(mut entries: Vec<(Effective, T)>) -> Result<EffectiveTable<T>, TermsError> {
        entries.sort_by_key(|(e, _)| e.from);
        for w in entries.windows(2) {
            if let [(a, _), (b, _)] = w
                && a.overlaps(b)
            {
                return Err(TermsError::Overlap(*a, *b));
            }
        }
        Ok(EffectiveTable { entries })
    }
    /// One value for all time.
    pub fn constant(value: T) -> EffectiveTable<T> {
        EffectiveTable { entries: vec![(Effective::always(), value)] }
    }
    pub fn at(&self, d: NaiveDate) -> Option<&T> {
        self.entries.iter().find(|(e, _)| e.contains(d)).map(|(_, v)| v)
    }
    pub fn entries(&self) -> &[(Effective, T)] {
        &self.entries
    }
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
    /// Days strictly inside `(from, to)` on which the table's value may change (an entry starts or ends).
    pub fn changes_within(&self, from: NaiveDate, to: NaiveDate) -> Vec<NaiveDate> {
        let mut v: Vec<NaiveDate> = self
            .entries
            .iter()
            .flat_map(|(e, _)| [Some(e.from), e.until])
            .flatten()
            .filter(|d| from < *d && *d < to)
            .collect();
        v.sort();
        v.dedup();
        v
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn percent_refuses_negative_and_computes_exactly() {
        assert!(Percent::new(Decimal::new(-1, 0)).is_err());
        assert!(Percent::new(Decimal::ZERO).is_ok());
        let p = Percent::new(Decimal::new(125, 1)).unwrap(); // 12.5 %
        assert_eq!(p.of(Decimal::new(200, 0)), Some(Decimal::new(25, 0)));
        assert_eq!(p.to_string(), "12.5%");
        assert_eq!(Decimal::from(p), Decimal::new(125, 1));
    }

    #[test]
    fn effective_is_half_open_and_never_empty() {
        let e = Effective::new(day(2026, 1, 1), Some(day(2026, 2, 1))).unwrap();
        assert!(e.contains(day(2026, 1, 1)));
        assert!(e.contains(day(2026, 1, 31)));
        assert!(!e.contains(day(2026, 2, 1)));
        assert!(Effective::new(day(2026, 1, 1), Some(day(2026, 1, 1))).is_err());
        let open = Effective::starting(day(2026, 2, 1));
        assert!(!e.overlaps(&open));
        assert!(open.overlaps(&Effective::always()));
        assert_eq!(e.to_string(), "2026-01-01..2026-02-01");
    }

    #[test]
    fn table_refuses_overlap_and_finds_the_day() {
        let a = Effective::new(day(2026, 1, 1), Some(day(2026, 3, 1))).unwrap();
        let b = Effective::starting(day(2026, 2, 1));
        assert!(EffectiveTable::new(vec![(b, 2), (a, 1)]).is_err());
        let b = Effective::starting(day(2026, 3, 1));
        let t = EffectiveTable::new(vec![(b, 2), (a, 1)]).unwrap();
        assert_eq!(t.at(day(2025, 12, 31)), None);
        assert_eq!(t.at(day(2026, 2, 28)), Some(&1));
        assert_eq!(t.at(day(2030, 1, 1)), Some(&2));
        assert_eq!(t.changes_within(day(2026, 1, 1), day(2026, 6, 1)), vec![day(2026, 3, 1)]);
    }
}
