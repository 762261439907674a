//! Forecasts of monthly cost (or resource-unit volume) from monthly history, in exact decimals.
//!
//! The method follows the history, and says which it used and why:
//! - 24 months or more: **trend with seasonality** — a least-squares line through the history plus an additive
//!   index per calendar month (the mean residual of that month, centred so the indices sum to zero);
//! - 6 to 23 months: a **linear trend** (too short to tell a season from noise);
//! - fewer than 6 months: a **flat run-rate**, the mean of the last three months.
//!
//! Each point carries a band: ±1.96 × the in-sample residual spread × √(1 + h/n) at horizon h over n months
//! of history (a rough 95 % band that widens with distance). Negative forecasts are clipped to zero: cost does
//! not go below nothing. Operator events ([`events`]) adjust the result; [`backtest`] measures a method honestly.
use rust_decimal::{Decimal, MathematicalOps};
use serde::{Deserialize, Serialize};

use crate::period::Period;

pub mod events;
pub mod fiscal;
#[cfg(test)]
mod tests;

/// Decimal places kept by the fits' intermediate figures (slopes, means, indices, spreads).
const FIT_PLACES: u32 = 10;

/// Months of history needed for each method.
pub const SEASONAL_MIN_MONTHS: usize = 24;
pub const TREND_MIN_MONTHS: usize = 6;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Method {
    TrendSeasonal,
    LinearTrend,
    RunRate,
}

impl Method {
    pub fn name(self) -> &'static str {
        match self {
            Method::TrendSeasonal => "trend with seasonality",
            Method::LinearTrend => "linear trend",
            Method::RunRate => "flat run-rate",
        }
    }
}

/// The method the history supports, and the reason in words.
pub fn choose(months_of_history: usize) -> (Method, String) {
    if months_of_history >= SEASONAL_MIN_MONTHS {
        (Method::TrendSeasonal, format!("{months_of_history} months of history: enough for a seasonal index"))
    } else if months_of_history >= TREND_MIN_MONTHS {
        (
            Method::LinearTrend,
            format!("{months_of_history} months of history: a trend, but seasonality needs {SEASONAL_MIN_MONTHS}"),
        )
    } else {
        (
            Method::RunRate,
            format!(
                "{months_of_history} months of history: too short for a trend (needs {TREND_MIN_MONTHS}); mean of the last 3"
            ),
        )
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Point {
    pub period: Period,
    pub value: Decimal,
    pub low: Decimal,
    pub high: Decimal,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Forecast {
    pub method: Method,
    pub why: String,
    pub points: Vec<Point>,
}

/// A monthly series: consecutive months from `start` (a month with no data is a zero).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Series {
    pub start: Period,
    pub values: Vec<Decimal>,
}

impl Series {
    /// From (period, value) pairs in any order; gaps filled with zero, repeats added.
    pub fn from_points(points: &[(Period, Decimal)]) -> Option<Series> {
        let start = points.iter().map(|(p, _)| *p).min()?;
        let end = points.iter().map(|(p, _)| *p).max()?;
        let len = months_between(start, end) + 1;
        let mut values = vec![Decimal::ZERO; len];
        for (p, v) in points {
            let i = months_between(start, *p);
            values[i] = values[i].saturating_add(*v);
        }
        Some(Series { start, values })
    }
    pub fn end(&self) -> Period {
        nth(self.start, self.values.len().saturating_sub(1))
    }
}

/// Months from `a` to `b` (`b` not before `a`; 0 otherwise).
pub fn months_between(a: Period, b: Period) -> usize {
    let diff = (i64::from(b.year()) - i64::from(a.year())) * 12 + i64::from(b.month()) - i64::from(a.month());
    usize::try_from(diff).unwrap_or(0)
}

/// `n` months after `p` (arithmetic, not `n` steps: the fits call it per point).
pub fn nth(p: Period, n: usize) -> Period {
    let months = i64::from(p.year()) * 12 + i64::from(p.month()) - 1 + n as i64;
    let (year, month) = (months.div_euclid(12), months.rem_euclid(12) + 1);
    match (i32::try_from(year).ok(), u32::try_from(month).ok()) {
        (Some(y), Some(m)) => Period::new(y, m).unwrap_or(p),
        _ => p,
    }
}

/// The calendar month index (0 = January) of the month `t` months after `start`.
fn month_index(start: Period, t: usize) -> usize {
    (start.month() as usize - 1 + t) % 12
}

/// The fitted model: what a method says for month index `t` (0 = the first month of history).
struct Fit {
    intercept: Decimal,
    slope: Decimal,
    /// By calendar month (index 0 = January); zero unless seasonal.
    seasonal: [Decimal; 12],
}

impl Fit {
    fn at(&self, start: Period, t: usize) -> Decimal {
        let month = month_index(start, t);
        self.intercept + self.slope * Decimal::from(t) + self.seasonal[month]
    }
}

/// What a least-squares line over `n` months needs of the months alone (the same for every refinement of a
/// seasonal fit, so computed once): the mean month index, each month's distance from it, Σ distance².
struct Abscissa {
    mean_t: Decimal,
    dt: Vec<Decimal>,
    sxx: Decimal,
}

impl Abscissa {
    fn new(n: usize) -> Abscissa {
        let mean_t = (Decimal::from(n) - Decimal::ONE) / Decimal::TWO;
        let dt: Vec<Decimal> = (0..n).map(|t| Decimal::from(t) - mean_t).collect();
        let mut sxx = Decimal::ZERO;
        for d in &dt {
            sxx += *d * *d;
        }
        Abscissa { mean_t, dt, sxx }
    }
}

fn least_squares(values: &[Decimal]) -> (Decimal, Decimal) {
    least_squares_over(values, &Abscissa::new(values.len()))
}

fn least_squares_over(values: &[Decimal], x: &Abscissa) -> (Decimal, Decimal) {
    let n = Decimal::from(values.len());
    if values.len() < 2 {
        return (values.first().copied().unwrap_or_default(), Decimal::ZERO);
    }
    let (mean_t, sxx) = (x.mean_t, x.sxx);
    let mean_y = (values.iter().sum::<Decimal>() / n).round_dp(FIT_PLACES);
    let mut sxy = Decimal::ZERO;
    for (dt, y) in x.dt.iter().zip(values) {
        sxy += *dt * (*y - mean_y);
    }
    // Ten places are far below a cent of any cost and keep later products short (a 28-digit quotient makes
    // every following multiplication slow).
    let slope = if sxx.is_zero() { Decimal::ZERO } else { (sxy / sxx).round_dp(FIT_PLACES) };
    ((mean_y - slope * mean_t).round_dp(FIT_PLACES), slope)
}

fn fit(series: &Series, method: Method) -> Fit {
    let v = &series.values;
    match method {
        Method::RunRate => {
            let tail = &v[v.len().saturating_sub(3)..];
            let mean =
                if tail.is_empty() { Decimal::ZERO } else { tail.iter().sum::<Decimal>() / Decimal::from(tail.len()) };
            Fit { intercept: mean, slope: Decimal::ZERO, seasonal: [Decimal::ZERO; 12] }
        }
        Method::LinearTrend => {
            let (intercept, slope) = least_squares(v);
            Fit { intercept, slope, seasonal: [Decimal::ZERO; 12] }
        }
        Method::TrendSeasonal => {
            // Classical decomposition, refined: fit the line to the de-seasonalised history, take the indices
            // from what the line leaves, and repeat (a season that is not centred in the year would otherwise
            // tilt the line).
            let month_of = |t: usize| month_index(series.start, t);
            let mut seasonal = [Decimal::ZERO; 12];
            let (mut intercept, mut slope, mut centre) = (Decimal::ZERO, Decimal::ZERO, Decimal::ZERO);
            let x = Abscissa::new(v.len());
            let mut adjusted: Vec<Decimal> = Vec::with_capacity(v.len());
            for _ in 0..4 {
                adjusted.clear();
                adjusted.extend(v.iter().enumerate().map(|(t, y)| *y - seasonal[month_of(t)]));
                (intercept, slope) = least_squares_over(&adjusted, &x);
                let mut sum = [Decimal::ZERO; 12];
                let mut count = [0u32; 12];
                for (t, y) in v.iter().enumerate() {
                    sum[month_of(t)] += *y - (intercept + slope * Decimal::from(t));
                    count[month_of(t)] += 1;
                }
                for m in 0..12 {
                    seasonal[m] = if count[m] > 0 {
                        (sum[m] / Decimal::from(count[m])).round_dp(FIT_PLACES)
                    } else {
                        Decimal::ZERO
                    };
                }
                centre = (seasonal.iter().sum::<Decimal>() / Decimal::from(12)).round_dp(FIT_PLACES);
                for s in &mut seasonal {
                    *s -= centre;
                }
            }
            Fit { intercept: intercept + centre, slope, seasonal }
        }
    }
}

/// The band's widening factors √(1 + h/n) per history length n (h = 1, 2, …), each computed once: an exact
/// square root is the dearest step of a short fit, and a book of thousands of series has a few dozen lengths.
/// A cache of a pure function: a forecast is the same with a fresh one or a used one.
#[derive(Debug, Clone, Default)]
pub struct Widths {
    by_n: std::collections::HashMap<usize, Vec<Decimal>>,
}

impl Widths {
    /// The factors for h = 1..=horizon over `n` months of history.
    fn get(&mut self, n: usize, horizon: usize) -> &[Decimal] {
        let v = self.by_n.entry(n).or_default();
        while v.len() < horizon {
            v.push(widen(v.len() + 1, n));
        }
        &v[..horizon]
    }
}

/// √(1 + h/n), both figures to the fits' places.
fn widen(h: usize, n: usize) -> Decimal {
    let ratio = (Decimal::from(h) / Decimal::from(n.max(1))).round_dp(FIT_PLACES);
    (Decimal::ONE + ratio).sqrt().unwrap_or(Decimal::ONE).round_dp(FIT_PLACES)
}

/// Forecast `horizon` months after the series' last month with the method the history supports.
pub fn forecast(series: &Series, horizon: usize) -> Forecast {
    forecast_in(&mut Widths::default(), series, horizon)
}

/// [`forecast`], reusing the band factors of earlier calls (many series fitted in a row).
pub fn forecast_in(widths: &mut Widths, series: &Series, horizon: usize) -> Forecast {
    let (method, why) = choose(series.values.len());
    forecast_with_in(widths, series, horizon, method, why)
}

/// Forecast with a given method (for back-tests and comparisons).
pub fn forecast_with(series: &Series, horizon: usize, method: Method, why: String) -> Forecast {
    forecast_with_in(&mut Widths::default(), series, horizon, method, why)
}

fn forecast_with_in(widths: &mut Widths, series: &Series, horizon: usize, method: Method, why: String) -> Forecast {
    let n = series.values.len();
    let model = fit(series, method);
    // Residual spread: 1.25 × mean absolute in-sample error estimates σ for normal residuals.
    let mae = if n == 0 {
        Decimal::ZERO
    } else {
        series.values.iter().enumerate().map(|(t, y)| (*y - model.at(series.start, t)).abs()).sum::<Decimal>()
            / Decimal::from(n)
    };
    let sigma = (mae * Decimal::new(125, 2)).round_dp(FIT_PLACES);
    let z_sigma = Decimal::new(196, 2) * sigma;
    let points = (1..=horizon)
        .zip(widths.get(n, horizon))
        .map(|(h, widen)| {
            let t = n + h - 1;
            let value = model.at(series.start, t).max(Decimal::ZERO);
            let half = z_sigma * *widen;
            Point {
                period: nth(series.start, t),
                value: value.round_dp(6),
                low: (value - half).max(Decimal::ZERO).round_dp(6),
                high: (value + half).round_dp(6),
            }
        })
        .collect();
    Forecast { method, why, points }
}

/// Mean absolute percentage error (in percent) of `method` forecasting months k+1..k+horizon from months
/// 1..k, over every k from `min_history` on; months whose actual is zero are skipped. `None` when nothing
/// could be scored.
pub fn backtest(series: &Series, method: Method, min_history: usize, horizon: usize) -> Option<Decimal> {
    let n = series.values.len();
    let (mut total, mut count) = (Decimal::ZERO, 0u32);
    let mut widths = Widths::default();
    for k in min_history.max(1)..n {
        let head = Series { start: series.start, values: series.values[..k].to_vec() };
        let f = forecast_with_in(&mut widths, &head, horizon, method, String::new());
        for (h, p) in f.points.iter().enumerate() {
            let Some(actual) = series.values.get(k + h) else { break };
            if actual.is_zero() {
                continue;
            }
            total += ((p.value - *actual) / *actual).abs();
            count += 1;
        }
    }
    (count > 0).then(|| (total * Decimal::ONE_HUNDRED / Decimal::from(count)).round_dp(2))
}
