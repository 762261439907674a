//! Fitted series summed by month: a scope's actual and forecast (band summed too) and the methods behind them,
//! per currency — never across ([`rollups`]).
use std::collections::BTreeMap;

use billops_domain::Period;
use billops_domain::forecast::{Method, Point, nth};
use rust_decimal::Decimal;

use super::fit::FittedSeries;

/// Figures by month, kept densely from the earliest month added (a rollup adds thousands of series of the same
/// few dozen months: a vector, not a map per point).
struct Months<T> {
    base: Option<Period>,
    values: Vec<Option<T>>,
}

impl<T> Default for Months<T> {
    fn default() -> Self {
        Months { base: None, values: Vec::new() }
    }
}

/// Months from `a` to `b`, negative when `b` is before `a`.
fn offset(a: Period, b: Period) -> i64 {
    (i64::from(b.year()) - i64::from(a.year())) * 12 + i64::from(b.month()) - i64::from(a.month())
}

impl<T: Copy> Months<T> {
    /// The slot of `p`, growing the vector at either end as needed.
    fn slot(&mut self, p: Period) -> &mut Option<T> {
        let base = *self.base.get_or_insert(p);
        let at = offset(base, p);
        let i = if at < 0 {
            let grow = usize::try_from(-at).unwrap_or(0);
            self.values.splice(0..0, std::iter::repeat_n(None, grow));
            self.base = Some(p);
            0
        } else {
            usize::try_from(at).unwrap_or(0)
        };
        if i >= self.values.len() {
            self.values.resize(i + 1, None);
        }
        &mut self.values[i]
    }

    fn into_map(self) -> BTreeMap<Period, T> {
        let Some(base) = self.base else { return BTreeMap::new() };
        self.values.into_iter().enumerate().filter_map(|(i, v)| Some((nth(base, i), v?))).collect()
    }
}

#[derive(Default)]
struct Sums<'a> {
    actual: Months<Decimal>,
    forecast: Months<Point>,
    methods: Vec<(Method, &'a str)>,
}

impl<'a> Sums<'a> {
    fn add(&mut self, f: &'a FittedSeries) {
        for (i, v) in f.history.values.iter().enumerate() {
            let e = self.actual.slot(nth(f.history.start, i)).get_or_insert(Decimal::ZERO);
            *e += *v;
        }
        for p in &f.forecast {
            let e = self.forecast.slot(p.period).get_or_insert(Point {
                period: p.period,
                value: Decimal::ZERO,
                low: Decimal::ZERO,
                high: Decimal::ZERO,
            });
            e.value += p.value;
            e.low += p.low;
            e.high += p.high;
        }
        self.methods.push((f.method, f.why.as_str()));
    }

    fn done(self) -> Rollup<'a> {
        Rollup { actual: self.actual.into_map(), forecast: self.forecast.into_map(), methods: self.methods }
    }
}

/// Series summed: actual and forecast by month, the methods used.
#[derive(Default)]
pub(super) struct Rollup<'a> {
    pub(super) actual: BTreeMap<Period, Decimal>,
    pub(super) forecast: BTreeMap<Period, Point>,
    pub(super) methods: Vec<(Method, &'a str)>,
}

pub(super) fn rollup<'a>(series: impl Iterator<Item = &'a FittedSeries>) -> Rollup<'a> {
    let mut s = Sums::default();
    for f in series {
        s.add(f);
    }
    s.done()
}

/// The series summed per currency (never across).
pub(super) fn rollups<'a>(series: impl Iterator<Item = &'a FittedSeries>) -> BTreeMap<&'a str, Rollup<'a>> {
    let mut out: BTreeMap<&str, Sums<'a>> = BTreeMap::new();
    for f in series {
        out.entry(f.currency.as_str()).or_default().add(f);
    }
    out.into_iter().map(|(c, s)| (c, s.done())).collect()
}
