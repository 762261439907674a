//! Billing periods (calendar months, UTC) and half-open date ranges.
use std::fmt;
use std::str::FromStr;

use chrono::{Datelike, Days, Months, NaiveDate};
use serde::{Deserialize, Serialize};
use thiserror::Error;

/// A billing period: a calendar month in UTC, written `YYYY-MM`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Period {
    year: i32,
    month: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("not a period (expected YYYY-MM): {0:?}")]
pub struct PeriodParseError(pub String);

impl Period {
    pub fn new(year: i32, month: u32) -> Option<Period> {
        ((1..=12).contains(&month) && (1900..=9999).contains(&year)).then_some(Period { year, month })
    }
    pub fn of_date(d: NaiveDate) -> Period {
        Period { year: d.year(), month: d.month() }
    }
    pub fn year(self) -> i32 {
        self.year
    }
    pub fn month(self) -> u32 {
        self.month
    }
    /// First day of the period.
    pub fn start(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year, self.month, 1).unwrap_or(NaiveDate::MIN)
    }
    /// First day of the next period (the exclusive end).
    pub fn end(self) -> NaiveDate {
        self.start().checked_add_months(Months::new(1)).unwrap_or(NaiveDate::MAX)
    }
    pub fn days(self) -> u32 {
        u32::try_from((self.end() - self.start()).num_days()).unwrap_or(0)
    }
    pub fn range(self) -> DateRange {
        DateRange { start: self.start(), end: self.end() }
    }
    pub fn next(self) -> Period {
        Period::of_date(self.end())
    }
    pub fn prev(self) -> Period {
        Period::of_date(self.start().checked_sub_days(Days::new(1)).unwrap_or(NaiveDate::MIN))
    }
    /// Periods from `self` back `n - 1` months, oldest first, ending with `self`.
    pub fn trailing(self, n: usize) -> Vec<Period> {
        let mut v = Vec::with_capacity(n);
        let mut p = self;
        for _ in 0..n {
            v.push(p);
            p = p.prev();
        }
        v.reverse();
        v
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

impl FromStr for Period {
    type Err = PeriodParseError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let err = || PeriodParseError(s.to_string());
        let (y, m) = s.trim().split_once('-').ok_or_else(err)?;
        if y.len() != 4 || m.len() != 2 {
            return Err(err());
        }
        let year = y.parse().map_err(|_| err())?;
        let month = m.parse().map_err(|_| err())?;
        Period::new(year, month).ok_or_else(err)
    }
}

impl TryFrom<String> for Period {
    type Error = PeriodParseError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

impl From<Period> for String {
    fn from(p: Period) -> String {
        p.to_string()
    }
}

/// A half-open range of days `[start, end)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct DateRange {
    pub start: NaiveDate,
    pub end: NaiveDate,
}

impl DateRange {
    pub fn contains(&self, d: NaiveDate) -> bool {
        self.start <= d && d < self.end
    }
    pub fn overlaps(&self, o: &DateRange) -> bool {
        self.start < o.end && o.start < self.end
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_steps() {
        let p: Period = "2026-01".parse().unwrap_or(Period { year: 1, month: 1 });
        assert_eq!(p.to_string(), "2026-01");
        assert_eq!(p.prev().to_string(), "2025-12");
        assert_eq!(p.next().to_string(), "2026-02");
        assert_eq!(p.next().days(), 28);
        assert!("2026-13".parse::<Period>().is_err());
        assert!("2026-1".parse::<Period>().is_err());
        assert!("x".parse::<Period>().is_err());
        assert_eq!(p.trailing(3).iter().map(|p| p.to_string()).collect::<Vec<_>>(), ["2025-11", "2025-12", "2026-01"]);
    }
}
