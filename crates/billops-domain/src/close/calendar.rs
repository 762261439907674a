//! Business days, the close due date and the countdown to it.
use std::collections::BTreeSet;
use std::fmt;

use chrono::{Datelike, Days, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};

use super::CloseError;
use crate::period::Period;

/// Monday to Friday, less the listed holidays.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct BusinessCalendar {
    holidays: BTreeSet<NaiveDate>,
}

impl BusinessCalendar {
    pub fn new(holidays: impl IntoIterator<Item = NaiveDate>) -> BusinessCalendar {
        BusinessCalendar { holidays: holidays.into_iter().collect() }
    }
    pub fn is_business_day(&self, d: NaiveDate) -> bool {
        !matches!(d.weekday(), Weekday::Sat | Weekday::Sun) && !self.holidays.contains(&d)
    }
    /// Business days in `(from, to]` (negative, counted over `(to, from]`, when `to` is earlier).
    pub fn business_days_between(&self, from: NaiveDate, to: NaiveDate) -> i64 {
        let (a, b, sign) = if from <= to { (from, to, 1) } else { (to, from, -1) };
        let mut n = 0i64;
        let mut d = a;
        while d < b {
            d = d.succ_opt().unwrap_or(b);
            if self.is_business_day(d) {
                n += 1;
            }
        }
        sign * n
    }
    fn previous_business_day(&self, mut d: NaiveDate) -> NaiveDate {
        for _ in 0..366 {
            if self.is_business_day(d) {
                return d;
            }
            d = d.pred_opt().unwrap_or(d);
        }
        d
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DueKind {
    /// The n-th calendar day of the next month, moved back to a business day when it falls on a weekend or
    /// holiday.
    CalendarDay,
    /// The n-th business day of the next month.
    BusinessDay,
}

/// When a period's close is due, counted in the month after the period. Default: the 10th.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "DueRuleRaw", into = "DueRuleRaw")]
pub struct DueRule {
    day: u32,
    kind: DueKind,
}

#[derive(Serialize, Deserialize)]
struct DueRuleRaw {
    day: u32,
    kind: DueKind,
}

impl TryFrom<DueRuleRaw> for DueRule {
    type Error = CloseError;
    fn try_from(r: DueRuleRaw) -> Result<Self, Self::Error> {
        DueRule::new(r.day, r.kind)
    }
}

impl From<DueRule> for DueRuleRaw {
    fn from(r: DueRule) -> Self {
        DueRuleRaw { day: r.day, kind: r.kind }
    }
}

impl Default for DueRule {
    fn default() -> Self {
        DueRule { day: 10, kind: DueKind::CalendarDay }
    }
}

impl DueRule {
    /// Calendar days 1–31 (clamped to the month's length), business days 1–20.
    pub fn new(day: u32, kind: DueKind) -> Result<DueRule, CloseError> {
        let max = match kind {
            DueKind::CalendarDay => 31,
            DueKind::BusinessDay => 20,
        };
        if !(1..=max).contains(&day) {
            return Err(CloseError::Invalid(format!("due day {day} must be 1..={max} for {kind:?}")));
        }
        Ok(DueRule { day, kind })
    }
    pub fn day(&self) -> u32 {
        self.day
    }
    pub fn kind(&self) -> DueKind {
        self.kind
    }
    /// The day `period`'s close is due.
    pub fn due_date(&self, period: Period, cal: &BusinessCalendar) -> NaiveDate {
        let next = period.next();
        match self.kind {
            DueKind::CalendarDay => {
                let day = self.day.min(next.days());
                let d = next.start().with_day(day).unwrap_or(next.start());
                cal.previous_business_day(d)
            }
            DueKind::BusinessDay => {
                let mut seen = 0;
                let mut d = next.start();
                for _ in 0..366 {
                    if cal.is_business_day(d) {
                        seen += 1;
                        if seen == self.day {
                            return d;
                        }
                    }
                    d = d.checked_add_days(Days::new(1)).unwrap_or(d);
                }
                d
            }
        }
    }
}

/// Time left until the close is due, as the board shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Countdown {
    pub due: NaiveDate,
    pub today: NaiveDate,
    /// Calendar days from today to the due day (negative when overdue).
    pub calendar_days_left: i64,
    /// Business days in (today, due] (negative, business days in (due, today], when overdue).
    pub business_days_left: i64,
}

impl Countdown {
    pub fn new(period: Period, rule: &DueRule, cal: &BusinessCalendar, today: NaiveDate) -> Countdown {
        let due = rule.due_date(period, cal);
        Countdown {
            due,
            today,
            calendar_days_left: (due - today).num_days(),
            business_days_left: cal.business_days_between(today, due),
        }
    }
    pub fn is_overdue(&self) -> bool {
        self.today > self.due
    }
}

impl fmt::Display for Countdown {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.business_days_left;
        let s = |n: i64| if n.abs() == 1 { "" } else { "s" };
        if self.today == self.due {
            write!(f, "due today ({})", self.due)
        } else if self.is_overdue() && n == 0 {
            write!(f, "overdue (due {})", self.due)
        } else if self.is_overdue() {
            write!(f, "{} business day{} overdue (due {})", -n, s(n), self.due)
        } else {
            write!(f, "{n} business day{} left (due {})", s(n), self.due)
        }
    }
}
