//! Requests with SLA timers (customer queries, disputes, supplier cases, tickets by external reference):
//! a timer that starts, pauses, resumes and stops, and whose elapsed time counts only working time on a
//! business calendar (working hours, working weekdays, holidays as data). A target says when the request
//! warns and when it breaches.
use std::collections::BTreeSet;

use chrono::{DateTime, Datelike, Days, Duration, FixedOffset, NaiveDate, NaiveTime, Offset, TimeZone, Utc};
use serde::{Deserialize, Serialize};
use thiserror::Error;

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum RequestError {
    #[error("invalid business calendar: {0}")]
    InvalidCalendar(String),
    #[error("invalid SLA target: {0}")]
    InvalidTarget(String),
    #[error("a {state} timer cannot {what}")]
    BadTransition { state: &'static str, what: &'static str },
    #[error("timer events must not go back in time ({at} is before {last})")]
    BackInTime { at: DateTime<Utc>, last: DateTime<Utc> },
}

/// Working time: hours on working weekdays, minus holidays, in a fixed UTC offset. Built only through
/// [`BusinessCalendar::new`] (validated), so it serialises for display but does not deserialise.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BusinessCalendar {
    /// Minutes east of UTC of the calendar's local time.
    offset_minutes: i32,
    open: NaiveTime,
    /// 00:00 means midnight at the end of the day.
    close: NaiveTime,
    /// Monday first.
    workdays: [bool; 7],
    holidays: BTreeSet<NaiveDate>,
}

impl BusinessCalendar {
    pub fn new(
        offset_minutes: i32,
        open: NaiveTime,
        close: NaiveTime,
        workdays: [bool; 7],
        holidays: impl IntoIterator<Item = NaiveDate>,
    ) -> Result<BusinessCalendar, RequestError> {
        if close != NaiveTime::MIN && open >= close {
            return Err(RequestError::InvalidCalendar(format!("opens at {open}, closes at {close}")));
        }
        if !workdays.iter().any(|w| *w) {
            return Err(RequestError::InvalidCalendar("no working day in the week".into()));
        }
        if FixedOffset::east_opt(offset_minutes.saturating_mul(60)).is_none() {
            return Err(RequestError::InvalidCalendar(format!("UTC offset of {offset_minutes} minutes")));
        }
        Ok(BusinessCalendar { offset_minutes, open, close, workdays, holidays: holidays.into_iter().collect() })
    }

    /// Monday to Friday, 09:00–17:00 UTC, no holidays.
    pub fn weekdays_nine_to_five() -> BusinessCalendar {
        BusinessCalendar {
            offset_minutes: 0,
            open: NaiveTime::from_hms_opt(9, 0, 0).unwrap_or(NaiveTime::MIN),
            close: NaiveTime::from_hms_opt(17, 0, 0).unwrap_or(NaiveTime::MIN),
            workdays: [true, true, true, true, true, false, false],
            holidays: BTreeSet::new(),
        }
    }

    /// Round the clock, every day: elapsed time is wall-clock time.
    pub fn always() -> BusinessCalendar {
        BusinessCalendar {
            offset_minutes: 0,
            open: NaiveTime::MIN,
            close: NaiveTime::MIN,
            workdays: [true; 7],
            holidays: BTreeSet::new(),
        }
    }

    fn offset(&self) -> FixedOffset {
        FixedOffset::east_opt(self.offset_minutes.saturating_mul(60)).unwrap_or_else(|| Utc.fix())
    }

    pub fn is_working_day(&self, d: NaiveDate) -> bool {
        self.workdays[d.weekday().num_days_from_monday() as usize] && !self.holidays.contains(&d)
    }

    /// The working window of a local day, in UTC (`None` on a day off).
    fn window(&self, d: NaiveDate) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
        if !self.is_working_day(d) {
            return None;
        }
        let tz = self.offset();
        let open = tz.from_local_datetime(&d.and_time(self.open)).single()?.with_timezone(&Utc);
        let close_day = if self.close == NaiveTime::MIN { d.checked_add_days(Days::new(1))? } else { d };
        let close = tz.from_local_datetime(&close_day.and_time(self.close)).single()?.with_timezone(&Utc);
        Some((open, close))
    }

    fn local_date(&self, t: DateTime<Utc>) -> NaiveDate {
        t.with_timezone(&self.offset()).date_naive()
    }

    /// Working time within `[from, to)`, in seconds (0 when `to <= from`).
    pub fn working_seconds(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> i64 {
        if to <= from {
            return 0;
        }
        let mut total = 0i64;
        let mut day = self.local_date(from);
        let last = self.local_date(to);
        while day <= last {
            if let Some((open, close)) = self.window(day) {
                let start = open.max(from);
                let end = close.min(to);
                if end > start {
                    total += (end - start).num_seconds();
                }
            }
            match day.checked_add_days(Days::new(1)) {
                Some(next) => day = next,
                None => break,
            }
        }
        total
    }

    /// The instant at which `seconds` of working time have passed since `from` (`None` past the calendar).
    pub fn add_working(&self, from: DateTime<Utc>, seconds: i64) -> Option<DateTime<Utc>> {
        let mut left = seconds.max(0);
        let mut day = self.local_date(from);
        // A calendar with at least one working weekday reaches any amount; bound the walk all the same.
        for _ in 0..200_000 {
            if let Some((open, close)) = self.window(day) {
                let start = open.max(from);
                if close > start {
                    let available = (close - start).num_seconds();
                    if left <= available {
                        return Some(start + Duration::seconds(left));
                    }
                    left -= available;
                }
            }
            day = day.checked_add_days(Days::new(1))?;
        }
        None
    }
}

/// How long a request may take, in working time, and when it warns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SlaTarget {
    /// Working seconds allowed.
    pub within_seconds: i64,
    /// Warn once this share (percent) of the allowed time has passed.
    pub warn_at_percent: u32,
}

impl SlaTarget {
    pub fn new(within_seconds: i64, warn_at_percent: u32) -> Result<SlaTarget, RequestError> {
        if within_seconds <= 0 {
            return Err(RequestError::InvalidTarget("the time allowed must be positive".into()));
        }
        if warn_at_percent == 0 || warn_at_percent > 100 {
            return Err(RequestError::InvalidTarget(format!("warn at {warn_at_percent}% (1 to 100)")));
        }
        Ok(SlaTarget { within_seconds, warn_at_percent })
    }
    pub fn hours(h: i64, warn_at_percent: u32) -> Result<SlaTarget, RequestError> {
        SlaTarget::new(h.saturating_mul(3600), warn_at_percent)
    }
}

/// Where a timer is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "state", content = "since")]
pub enum TimerState {
    NotStarted,
    Running(DateTime<Utc>),
    Paused(DateTime<Utc>),
    Stopped(DateTime<Utc>),
}

impl TimerState {
    fn name(self) -> &'static str {
        match self {
            TimerState::NotStarted => "not started",
            TimerState::Running(_) => "running",
            TimerState::Paused(_) => "paused",
            TimerState::Stopped(_) => "stopped",
        }
    }
}

/// A request's SLA clock: closed running stretches plus where it is now.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct RequestTimer {
    stretches: Vec<(DateTime<Utc>, DateTime<Utc>)>,
    state: Option<TimerState>,
}

/// How a request stands against its target at a moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "standing")]
pub enum Standing {
    NotStarted,
    /// Within target; `left` working seconds remain.
    OnTrack {
        left: i64,
        paused: bool,
    },
    /// Past the warning share, not yet breached.
    Warning {
        left: i64,
        paused: bool,
    },
    /// Past the target by `over` working seconds (still open).
    Breached {
        over: i64,
        paused: bool,
    },
    /// Stopped within target.
    Met {
        used: i64,
    },
    /// Stopped after the target.
    Missed {
        over: i64,
    },
}

impl RequestTimer {
    pub fn state(&self) -> TimerState {
        self.state.unwrap_or(TimerState::NotStarted)
    }

    fn last_event(&self) -> Option<DateTime<Utc>> {
        match self.state() {
            TimerState::NotStarted => None,
            TimerState::Running(t) | TimerState::Paused(t) | TimerState::Stopped(t) => Some(t),
        }
    }

    fn step(&mut self, at: DateTime<Utc>, what: &'static str, next: TimerState) -> Result<(), RequestError> {
        if let Some(last) = self.last_event()
            && at < last
        {
            return Err(RequestError::BackInTime { at, last });
        }
        let state = self.state();
        match (state, next) {
            (TimerState::NotStarted, TimerState::Running(_)) | (TimerState::Paused(_), TimerState::Running(_)) => {}
            (TimerState::Running(since), TimerState::Paused(_) | TimerState::Stopped(_)) => {
                self.stretches.push((since, at));
            }
            (TimerState::Paused(_), TimerState::Stopped(_)) => {}
            _ => return Err(RequestError::BadTransition { state: state.name(), what }),
        }
        self.state = Some(next);
        Ok(())
    }

    pub fn start(&mut self, at: DateTime<Utc>) -> Result<(), RequestError> {
        if self.state() != TimerState::NotStarted {
            return Err(RequestError::BadTransition { state: self.state().name(), what: "start" });
        }
        self.step(at, "start", TimerState::Running(at))
    }
    pub fn pause(&mut self, at: DateTime<Utc>) -> Result<(), RequestError> {
        self.step(at, "pause", TimerState::Paused(at))
    }
    pub fn resume(&mut self, at: DateTime<Utc>) -> Result<(), RequestError> {
        if !matches!(self.state(), TimerState::Paused(_)) {
            return Err(RequestError::BadTransition { state: self.state().name(), what: "resume" });
        }
        self.step(at, "resume", TimerState::Running(at))
    }
    pub fn stop(&mut self, at: DateTime<Utc>) -> Result<(), RequestError> {
        self.step(at, "stop", TimerState::Stopped(at))
    }

    /// Working seconds the clock has run up to `now`.
    pub fn elapsed(&self, calendar: &BusinessCalendar, now: DateTime<Utc>) -> i64 {
        let closed: i64 = self.stretches.iter().map(|(a, b)| calendar.working_seconds(*a, (*b).min(now))).sum();
        match self.state() {
            TimerState::Running(since) => closed + calendar.working_seconds(since, now),
            _ => closed,
        }
    }

    pub fn standing(&self, target: SlaTarget, calendar: &BusinessCalendar, now: DateTime<Utc>) -> Standing {
        let used = self.elapsed(calendar, now);
        let left = target.within_seconds - used;
        let paused = matches!(self.state(), TimerState::Paused(_));
        let warn_from = target.within_seconds.saturating_mul(i64::from(target.warn_at_percent)) / 100;
        match self.state() {
            TimerState::NotStarted => Standing::NotStarted,
            TimerState::Stopped(_) if left >= 0 => Standing::Met { used },
            TimerState::Stopped(_) => Standing::Missed { over: -left },
            _ if left < 0 => Standing::Breached { over: -left, paused },
            _ if used >= warn_from => Standing::Warning { left, paused },
            _ => Standing::OnTrack { left, paused },
        }
    }

    /// When the target breaches if the clock keeps running from `now` (`None` unless running).
    pub fn due_at(&self, target: SlaTarget, calendar: &BusinessCalendar, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        match self.state() {
            TimerState::Running(_) => calendar.add_working(now, target.within_seconds - self.elapsed(calendar, now)),
            _ => None,
        }
    }
}

#[cfg(test)]
#[path = "request_tests.rs"]
mod tests;
