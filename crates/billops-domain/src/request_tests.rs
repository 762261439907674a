#![allow(clippy::unwrap_used, clippy::expect_used)]
use chrono::{Duration, NaiveDate, NaiveTime, TimeZone, Utc};
use proptest::prelude::*;

use super::*;

fn at(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, h, min, 0).unwrap()
}
fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}
fn hm(h: u32, m: u32) -> NaiveTime {
    NaiveTime::from_hms_opt(h, m, 0).unwrap()
}
const H: i64 = 3600;

#[test]
fn working_time_skips_nights_weekends_and_holidays() {
    let cal = BusinessCalendar::weekdays_nine_to_five();
    // Friday 2026-12-04 16:00 → Monday 2026-12-07 10:00: one hour Friday, one hour Monday.
    assert_eq!(cal.working_seconds(at(2026, 12, 4, 16, 0), at(2026, 12, 7, 10, 0)), 2 * H);
    // Before opening and after closing count nothing.
    assert_eq!(cal.working_seconds(at(2026, 12, 7, 6, 0), at(2026, 12, 7, 9, 0)), 0);
    assert_eq!(cal.working_seconds(at(2026, 12, 7, 17, 0), at(2026, 12, 7, 23, 0)), 0);
    let with_holiday =
        BusinessCalendar::new(0, hm(9, 0), hm(17, 0), [true, true, true, true, true, false, false], [day(2026, 12, 7)])
            .unwrap();
    assert_eq!(with_holiday.working_seconds(at(2026, 12, 4, 16, 0), at(2026, 12, 8, 10, 0)), 2 * H);
    // A calendar two hours east of UTC opens at 07:00 UTC.
    let east = BusinessCalendar::new(120, hm(9, 0), hm(17, 0), [true; 7], []).unwrap();
    assert_eq!(east.working_seconds(at(2026, 12, 7, 6, 0), at(2026, 12, 7, 8, 0)), H);
    assert_eq!(BusinessCalendar::always().working_seconds(at(2026, 12, 5, 0, 0), at(2026, 12, 7, 0, 0)), 48 * H);
}

#[test]
fn adding_working_time_lands_inside_working_hours() {
    let cal = BusinessCalendar::weekdays_nine_to_five();
    // 4 working hours from Friday 15:00: two on Friday, two on Monday → Monday 11:00.
    assert_eq!(cal.add_working(at(2026, 12, 4, 15, 0), 4 * H), Some(at(2026, 12, 7, 11, 0)));
    // From Saturday: Monday 09:00 + 1 h.
    assert_eq!(cal.add_working(at(2026, 12, 5, 12, 0), H), Some(at(2026, 12, 7, 10, 0)));
}

#[test]
fn refuses_calendars_and_targets_that_mean_nothing() {
    assert!(BusinessCalendar::new(0, hm(17, 0), hm(9, 0), [true; 7], []).is_err());
    assert!(BusinessCalendar::new(0, hm(9, 0), hm(17, 0), [false; 7], []).is_err());
    assert!(BusinessCalendar::new(100_000, hm(9, 0), hm(17, 0), [true; 7], []).is_err());
    assert!(SlaTarget::new(0, 80).is_err());
    assert!(SlaTarget::new(H, 0).is_err());
    assert!(SlaTarget::new(H, 101).is_err());
}

#[test]
fn a_timer_warns_pauses_and_breaches_on_working_time() {
    let cal = BusinessCalendar::weekdays_nine_to_five();
    let target = SlaTarget::hours(8, 75).unwrap(); // one working day, warn after 6 h
    let mut t = RequestTimer::default();
    assert_eq!(t.standing(target, &cal, at(2026, 12, 7, 9, 0)), Standing::NotStarted);
    t.start(at(2026, 12, 7, 9, 0)).unwrap(); // Monday 09:00
    assert_eq!(t.standing(target, &cal, at(2026, 12, 7, 11, 0)), Standing::OnTrack { left: 6 * H, paused: false });
    assert_eq!(t.standing(target, &cal, at(2026, 12, 7, 15, 30)), Standing::Warning { left: 90 * 60, paused: false });
    assert_eq!(t.due_at(target, &cal, at(2026, 12, 7, 15, 30)), Some(at(2026, 12, 7, 17, 0)));
    t.pause(at(2026, 12, 7, 16, 0)).unwrap(); // waiting on the customer
    assert_eq!(t.standing(target, &cal, at(2026, 12, 9, 12, 0)), Standing::Warning { left: H, paused: true });
    assert_eq!(t.due_at(target, &cal, at(2026, 12, 9, 12, 0)), None);
    t.resume(at(2026, 12, 9, 12, 0)).unwrap();
    assert_eq!(t.standing(target, &cal, at(2026, 12, 9, 14, 0)), Standing::Breached { over: H, paused: false });
    t.stop(at(2026, 12, 9, 14, 0)).unwrap();
    assert_eq!(t.standing(target, &cal, at(2026, 12, 30, 9, 0)), Standing::Missed { over: H });

    let mut quick = RequestTimer::default();
    quick.start(at(2026, 12, 7, 9, 0)).unwrap();
    quick.stop(at(2026, 12, 7, 10, 0)).unwrap();
    assert_eq!(quick.standing(target, &cal, at(2026, 12, 8, 9, 0)), Standing::Met { used: H });
}

#[test]
fn timer_transitions_are_checked() {
    let mut t = RequestTimer::default();
    assert!(matches!(t.pause(at(2026, 1, 5, 9, 0)), Err(RequestError::BadTransition { state: "not started", .. })));
    t.start(at(2026, 1, 5, 10, 0)).unwrap();
    assert!(t.start(at(2026, 1, 5, 11, 0)).is_err());
    assert!(t.resume(at(2026, 1, 5, 11, 0)).is_err());
    assert!(matches!(t.pause(at(2026, 1, 5, 9, 0)), Err(RequestError::BackInTime { .. })));
    t.pause(at(2026, 1, 5, 11, 0)).unwrap();
    assert!(t.pause(at(2026, 1, 5, 12, 0)).is_err());
    t.stop(at(2026, 1, 5, 12, 0)).unwrap();
    assert!(t.resume(at(2026, 1, 5, 13, 0)).is_err());
    assert!(t.stop(at(2026, 1, 5, 13, 0)).is_err());
}

proptest! {
    /// Pausing never adds elapsed time: a pause/resume inserted into a running clock leaves elapsed the same or less.
    #[test]
    fn pausing_never_adds_elapsed_time(
        start in 0i64..1_000_000, pause_after in 0i64..500_000, pause_for in 0i64..500_000, now_after in 0i64..2_000_000,
        nine_to_five in any::<bool>(),
    ) {
        let cal = if nine_to_five { BusinessCalendar::weekdays_nine_to_five() } else { BusinessCalendar::always() };
        let t0 = at(2026, 1, 1, 0, 0) + Duration::seconds(start);
        let now = t0 + Duration::seconds(now_after);
        let mut plain = RequestTimer::default();
        plain.start(t0).unwrap();
        let mut paused = RequestTimer::default();
        paused.start(t0).unwrap();
        let p = t0 + Duration::seconds(pause_after);
        paused.pause(p).unwrap();
        paused.resume(p + Duration::seconds(pause_for)).unwrap();
        prop_assert!(paused.elapsed(&cal, now) <= plain.elapsed(&cal, now));
        prop_assert!(plain.elapsed(&cal, now) <= (now - t0).num_seconds().max(0));
        // Elapsed time never runs backwards.
        prop_assert!(plain.elapsed(&cal, now + Duration::seconds(1)) >= plain.elapsed(&cal, now));
    }

    #[test]
    fn adding_then_measuring_working_time_round_trips(start in 0i64..2_000_000, secs in 0i64..200_000) {
        let cal = BusinessCalendar::weekdays_nine_to_five();
        let t0 = at(2026, 1, 1, 0, 0) + Duration::seconds(start);
        let end = cal.add_working(t0, secs).unwrap();
        prop_assert_eq!(cal.working_seconds(t0, end), secs);
    }
}
