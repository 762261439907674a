#![allow(clippy::unwrap_used, clippy::expect_used)]
use std::collections::BTreeMap;

use chrono::{TimeZone, Utc};
use rust_decimal::Decimal;

use super::events::{Change, EventKind, ForecastEvent, apply};
use super::fiscal::{Alert, FiscalCalendar, alert, report_rows};
use super::*;

fn p(s: &str) -> Period {
    s.parse().unwrap()
}
fn dec(n: i64) -> Decimal {
    Decimal::from(n)
}
/// 1000 + 20·t plus a seasonal swing of +300 in December and −300 in June.
fn seasonal_series(months: usize) -> Series {
    let start = p("2024-01");
    let values = (0..months)
        .map(|t| {
            let m = nth(start, t).month();
            let season = match m {
                12 => 300,
                6 => -300,
                _ => 0,
            };
            dec(1000 + 20 * i64::try_from(t).unwrap() + season)
        })
        .collect();
    Series { start, values }
}

#[test]
fn the_method_follows_the_history_and_says_why() {
    assert_eq!(choose(30).0, Method::TrendSeasonal);
    assert_eq!(choose(12).0, Method::LinearTrend);
    assert!(choose(12).1.contains("seasonality needs 24"));
    assert_eq!(choose(3).0, Method::RunRate);
}

#[test]
fn recovers_a_known_trend_and_season() {
    let s = seasonal_series(36);
    let f = forecast(&s, 18);
    assert_eq!(f.method, Method::TrendSeasonal);
    assert_eq!(f.points.len(), 18);
    assert_eq!(f.points[0].period, p("2027-01"));
    // Truth for month t: 1000 + 20 t + season; seasonal indices are estimated around the fitted line, so
    // allow 2% of the level.
    for (h, pt) in f.points.iter().enumerate() {
        let t = 36 + h;
        let season = match pt.period.month() {
            12 => 300,
            6 => -300,
            _ => 0,
        };
        let truth = dec(1000 + 20 * i64::try_from(t).unwrap() + season);
        let err = ((pt.value - truth) / truth).abs();
        assert!(err < Decimal::new(2, 2), "{}: {} vs {truth}", pt.period, pt.value);
        assert!(pt.low <= pt.value && pt.value <= pt.high);
    }
    let june = f.points.iter().find(|x| x.period == p("2027-06")).unwrap();
    let july = f.points.iter().find(|x| x.period == p("2027-07")).unwrap();
    assert!(july.value - june.value > dec(250), "the June dip is forecast");
}

#[test]
fn a_pure_line_is_forecast_exactly_with_a_zero_band() {
    let s = Series { start: p("2026-01"), values: (0..8).map(|t| dec(500 + 10 * t)).collect() };
    let f = forecast(&s, 3);
    assert_eq!(f.method, Method::LinearTrend);
    let v: Vec<Decimal> = f.points.iter().map(|x| x.value.normalize()).collect();
    assert_eq!(v, vec![dec(580), dec(590), dec(600)]);
    assert!(f.points.iter().all(|x| x.low == x.value && x.high == x.value));
    let short = Series { start: p("2026-01"), values: vec![dec(10), dec(20), dec(30), dec(40)] };
    let f = forecast(&short, 2);
    assert_eq!(f.method, Method::RunRate);
    assert_eq!(f.points[0].value.normalize(), dec(30));
    let falling = Series { start: p("2026-01"), values: (0..8).map(|t| dec(70 - 10 * t)).collect() };
    assert!(forecast(&falling, 12).points.iter().all(|x| x.value >= Decimal::ZERO), "never below zero");
}

#[test]
fn backtest_prefers_seasonality_on_seasonal_data() {
    let s = seasonal_series(40);
    let seasonal = backtest(&s, Method::TrendSeasonal, 24, 3).unwrap();
    let trend = backtest(&s, Method::LinearTrend, 24, 3).unwrap();
    assert!(seasonal < trend, "seasonal {seasonal}% vs trend {trend}%");
}

#[test]
fn series_from_points_fills_gaps() {
    let s = Series::from_points(&[(p("2026-03"), dec(3)), (p("2026-01"), dec(1)), (p("2026-03"), dec(1))]).unwrap();
    assert_eq!((s.start, s.end(), s.values.clone()), (p("2026-01"), p("2026-03"), vec![dec(1), dec(0), dec(4)]));
    assert_eq!(months_between(p("2025-11"), p("2026-02")), 3);
}

fn flat_points(from: &str, n: usize, v: i64) -> Vec<Point> {
    (0..n).map(|i| Point { period: nth(p(from), i), value: dec(v), low: dec(v), high: dec(v) }).collect()
}

#[test]
fn events_adjust_the_forecast_from_their_month() {
    let at = Utc.with_ymd_and_hms(2026, 12, 4, 9, 0, 0).unwrap();
    let mut m = BTreeMap::from([
        ("EC2".to_string(), flat_points("2027-01", 4, 100)),
        ("RDS".to_string(), flat_points("2027-01", 4, 50)),
    ]);
    let events = vec![
        ForecastEvent::new(p("2027-03"), EventKind::Decommission { service: "RDS".into() }, "olga", at, "").unwrap(),
        ForecastEvent::new(
            p("2027-02"),
            EventKind::Capacity { service: Some("EC2".into()), change: Change::Percent { pct: dec(-20) } },
            "olga",
            at,
            "",
        )
        .unwrap(),
        ForecastEvent::new(
            p("2027-04"),
            EventKind::Technology { from_service: "EC2".into(), to_service: "Lambda".into(), ratio: dec(50) },
            "olga",
            at,
            "",
        )
        .unwrap(),
    ];
    apply(&mut m, &events);
    let vals = |s: &str| m[s].iter().map(|x| x.value.normalize()).collect::<Vec<_>>();
    assert_eq!(vals("EC2"), vec![dec(100), dec(80), dec(80), dec(40)]);
    assert_eq!(vals("RDS"), vec![dec(50), dec(50), dec(0), dec(0)]);
    assert_eq!(vals("Lambda"), vec![dec(0), dec(0), dec(0), dec(40)]);
    assert!(events[2].label().contains("EC2 → Lambda"));
    assert!(
        ForecastEvent::new(
            p("2027-01"),
            EventKind::Capacity { service: None, change: Change::Amount { amount: dec(5) } },
            "o",
            at,
            ""
        )
        .is_err()
    );
    assert!(
        ForecastEvent::new(
            p("2027-01"),
            EventKind::Technology { from_service: "A".into(), to_service: "A".into(), ratio: dec(10) },
            "o",
            at,
            ""
        )
        .is_err()
    );
}

#[test]
fn fiscal_years_and_bienniums() {
    let us = FiscalCalendar::new(10).unwrap();
    assert_eq!(us.year_of(p("2026-09")), 2026);
    assert_eq!(us.year_of(p("2026-10")), 2027);
    let fy = us.months(2027);
    assert_eq!((fy[0], fy[11], fy.len()), (p("2026-10"), p("2027-09"), 12));
    let texas = FiscalCalendar::new(9).unwrap();
    let b = texas.biennium(2028);
    assert_eq!((b[0], b[23]), (p("2027-09"), p("2029-08")));
    let calendar = FiscalCalendar::new(1).unwrap();
    assert_eq!(calendar.year_of(p("2026-12")), 2026);
    assert_eq!(calendar.months(2026)[0], p("2026-01"));
    assert!(FiscalCalendar::new(13).is_err());
}

#[test]
fn budget_alerts_and_report_rows() {
    assert_eq!(alert(dec(79), dec(100), dec(80)).unwrap(), None);
    assert_eq!(alert(dec(80), dec(100), dec(80)).unwrap(), Some(Alert::Near { pct: dec(80) }));
    assert_eq!(alert(dec(120), dec(100), dec(80)).unwrap(), Some(Alert::Over { pct: dec(120) }));
    assert_eq!(alert(dec(1), dec(0), dec(80)).unwrap(), Some(Alert::Over { pct: dec(0) }));
    assert!(alert(dec(1), dec(1), dec(0)).is_err());
    let months = [p("2026-11"), p("2026-12"), p("2027-01")];
    let actuals = BTreeMap::from([(p("2026-11"), dec(90)), (p("2026-12"), dec(999))]);
    let forecast = BTreeMap::from([(p("2026-12"), dec(110)), (p("2027-01"), dec(120))]);
    let budget = BTreeMap::from([(p("2026-11"), dec(100)), (p("2026-12"), dec(100)), (p("2027-01"), dec(100))]);
    let rows = report_rows(&months, p("2026-11"), &actuals, &forecast, &budget);
    let shown: Vec<(bool, Decimal, Decimal)> = rows.iter().map(|r| (r.actual, r.amount, r.difference)).collect();
    assert_eq!(shown, vec![(true, dec(90), dec(-10)), (false, dec(110), dec(10)), (false, dec(120), dec(20))]);
}

#[test]
fn nth_counts_months_across_years() {
    let p = |s: &str| s.parse::<Period>().unwrap();
    assert_eq!(super::nth(p("2026-11"), 3), p("2027-02"));
    assert_eq!(super::nth(p("2026-01"), 0), p("2026-01"));
    assert_eq!(super::nth(p("2026-12"), 13), p("2028-01"));
    assert_eq!(super::nth(p("2026-12"), 1), p("2026-12").next());
}

#[test]
fn band_factors_kept_across_series_give_the_same_forecast_as_fresh_ones() {
    let mut widths = Widths::default();
    // Lengths that repeat and a horizon that grows, so the kept factors are reused and extended.
    for (months, horizon) in [(30, 6), (8, 18), (30, 18), (3, 1), (8, 24), (1, 18)] {
        let s = seasonal_series(months);
        let fresh = forecast(&s, horizon);
        let kept = forecast_in(&mut widths, &s, horizon);
        assert_eq!(kept, fresh, "{months} months, horizon {horizon}");
        assert_eq!(kept.points.len(), horizon);
    }
}

/// Forecasts of 40 series (1 to 36 months: every method) summed, and three points of one, as the code gave
/// them before the speed-ups (band factors kept per length, the seasonal fit's months computed once): any
/// change of any digit of any point moves the sum.
#[test]
fn forecasts_are_digit_for_digit_what_they_were_before_the_speed_ups() {
    let start = p("2023-11");
    let mut total = Decimal::ZERO;
    let mut some = Vec::new();
    for k in 0..40i64 {
        let n = usize::try_from(k).unwrap() % 36 + 1;
        let values: Vec<Decimal> = (0..n)
            .map(|t| {
                let m = i64::from(nth(start, t).month());
                let t = i64::try_from(t).unwrap();
                let december = if m == 12 { 20_000 + 113 * k } else { 0 };
                Decimal::new(100_000 + 1_237 * k + 389 * t * (k % 5) + december + (t * k * 7919) % 4_001, 2)
            })
            .collect();
        let f = forecast(&Series { start, values }, 18);
        for pt in &f.points {
            total += pt.value + pt.low * Decimal::TWO + pt.high * Decimal::from(3);
        }
        if k == 35 {
            some = f.points.iter().take(3).map(|x| format!("{} {} {} {}", x.period, x.value, x.low, x.high)).collect();
        }
    }
    assert_eq!(total, "6326601.388886".parse::<Decimal>().unwrap());
    assert_eq!(
        some,
        [
            "2026-11 1447.386831 1425.303137 1469.470526",
            "2026-12 1697.896831 1675.516698 1720.276965",
            "2027-01 1455.970165 1433.297468 1478.642861"
        ]
    );
}
