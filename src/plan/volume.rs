//! The rolling view's usage volumes (SPEC §2.10: "cost and RU volumes"): per customer × service × usage unit
//! the exact quantity by month (`Planning::usage_volumes`, from the rating rollups), forecast after the last
//! actual month by the same methods as cost. Pure: volumes and events in, views out.
//!
//! Decisions:
//! - **Units are never added to each other.** A scope's volume is one line per unit; quantities of the same
//!   unit (as the cost file names it: `Hrs`, `GB-Mo`) add across services and customers, different units
//!   never. Chargeback resource units (`billops ru`) are a rating construct of some customers with their own
//!   conversion factors; the view shows the usage units every imported row carries.
//! - **A volume with rows that had no quantity is partial**, and said so per month and per row.
//! - **Events**: a decommission stops the service's volume and a capacity change in percent scales it; a
//!   capacity change by an amount is money, so volume ignores it; a technology change cuts the moved share of
//!   the old service's volume (what the new service uses, in its own unit, is not known).
use std::collections::{BTreeMap, BTreeSet};

use billops_domain::Period;
use billops_domain::forecast::events::{self, Change, EventKind, ForecastEvent};
use billops_domain::forecast::{self, Point, Series, nth};
use billops_store::{StoredEvent, UsageVolume};
use rust_decimal::Decimal;
use serde::Serialize;

use super::codes::{Codes, code_of};
use super::outlook::{Frame, Scope};

/// A unit with no name in the file.
pub const NO_UNIT: &str = "(no unit)";

struct VolSeries {
    history: BTreeMap<Period, Decimal>,
    forecast: Vec<Point>,
    /// Months where some row had no quantity.
    partial: BTreeSet<Period>,
}

/// Every customer's (service, unit) volume series fitted once.
pub struct VolumeBook {
    book: BTreeMap<String, BTreeMap<(String, String), VolSeries>>,
    frame: Frame,
}

/// One month of a unit's line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VolMonth {
    pub period: Period,
    pub actual: Option<Decimal>,
    pub forecast: Option<Point>,
    pub partial: bool,
}

impl VolMonth {
    pub fn amount(&self) -> Decimal {
        self.actual.or(self.forecast.map(|p| p.value)).unwrap_or_default()
    }
}

/// A scope's volume in one unit, month by month.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UnitLine {
    pub unit: String,
    pub months: Vec<VolMonth>,
}

/// One row of the level below the scope, in one unit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VolumeRow {
    pub key: String,
    pub unit: String,
    pub last_actual: Decimal,
    pub next_month: Decimal,
    pub horizon_total: Decimal,
    /// Some month shown had rows without a quantity.
    pub partial: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VolumeView {
    pub scope: Scope,
    pub last_actual: Period,
    pub units: Vec<UnitLine>,
    pub children: Vec<VolumeRow>,
}

/// The events as they act on volume (see the module's decisions).
fn volume_events(events: &[StoredEvent], customer: &str) -> Vec<ForecastEvent> {
    events
        .iter()
        .filter(|e| e.retired.is_none() && e.customer.as_deref().is_none_or(|c| c == customer))
        .filter_map(|e| {
            let kind = match &e.event.kind {
                EventKind::Capacity { change: Change::Amount { .. }, .. } => return None,
                EventKind::Technology { from_service, ratio, .. } => EventKind::Capacity {
                    service: Some(from_service.clone()),
                    change: Change::Percent { pct: -*ratio },
                },
                k => k.clone(),
            };
            Some(ForecastEvent { kind, ..e.event.clone() })
        })
        .collect()
}

fn unit_name(u: &str) -> String {
    if u.trim().is_empty() { NO_UNIT.to_string() } else { u.to_string() }
}

/// Fit every customer × service × unit of `volumes` up to the frame's last actual month.
pub fn fit(volumes: &[UsageVolume], events: &[StoredEvent], frame: &Frame) -> VolumeBook {
    let mut raw: BTreeMap<&str, Raw> = BTreeMap::new();
    for v in volumes.iter().filter(|v| v.period <= frame.last_actual) {
        let e = raw.entry(v.customer.as_str()).or_default().entry((v.service.clone(), unit_name(&v.unit))).or_default();
        e.0.push((v.period, v.quantity));
        if v.no_quantity > 0 {
            e.1.insert(v.period);
        }
    }
    // Customers are independent: fitted on every core, as the cost fit does (`outlook::fit_book`); the book
    // is the same map whatever the split.
    let raw: Vec<(&str, Raw)> = raw.into_iter().collect();
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).clamp(1, 16);
    let chunk = raw.len().div_ceil(threads).max(1);
    let book = std::thread::scope(|scope| {
        let handles: Vec<_> = raw
            .chunks(chunk)
            .map(|part| {
                scope.spawn(move || part.iter().map(|(c, s)| fit_customer(c, s, events, frame)).collect::<Vec<_>>())
            })
            .collect();
        handles.into_iter().flat_map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e))).collect()
    });
    VolumeBook { book, frame: *frame }
}

type Raw = BTreeMap<(String, String), (Vec<(Period, Decimal)>, BTreeSet<Period>)>;

/// One customer's (service, unit) series fitted, the events applied per unit.
fn fit_customer(
    customer: &str,
    series: &Raw,
    events: &[StoredEvent],
    frame: &Frame,
) -> (String, BTreeMap<(String, String), VolSeries>) {
    let evs = volume_events(events, customer);
    // Events act per unit on the services measured in it.
    let mut per_unit: BTreeMap<String, BTreeMap<String, Vec<Point>>> = BTreeMap::new();
    let mut fitted: BTreeMap<(String, String), VolSeries> = BTreeMap::new();
    for ((service, unit), (pts, partial)) in series {
        let mut pts = pts.clone();
        pts.push((frame.last_actual, Decimal::ZERO));
        let Some(s) = Series::from_points(&pts) else { continue };
        let f = forecast::forecast(&s, frame.horizon);
        let history = s.values.iter().enumerate().map(|(i, v)| (nth(s.start, i), *v)).collect();
        per_unit.entry(unit.clone()).or_default().insert(service.clone(), f.points);
        fitted.insert(
            (service.clone(), unit.clone()),
            VolSeries { history, forecast: Vec::new(), partial: partial.clone() },
        );
    }
    for (unit, mut points) in per_unit {
        events::apply(&mut points, &evs);
        for (service, pts) in points {
            if let Some(v) = fitted.get_mut(&(service, unit.clone())) {
                // A forecast never goes below zero usage.
                v.forecast = pts.into_iter().map(floor).collect();
            }
        }
    }
    (customer.to_string(), fitted)
}

fn floor(p: Point) -> Point {
    let z = Decimal::ZERO;
    Point { period: p.period, value: p.value.max(z), low: p.low.max(z), high: p.high.max(z) }
}

#[derive(Default)]
struct Sum {
    actual: BTreeMap<Period, Decimal>,
    forecast: BTreeMap<Period, Point>,
    partial: BTreeSet<Period>,
}

impl Sum {
    fn add(&mut self, v: &VolSeries) {
        for (p, q) in &v.history {
            *self.actual.entry(*p).or_default() += *q;
        }
        for p in &v.forecast {
            let z = Decimal::ZERO;
            let e = self.forecast.entry(p.period).or_insert(Point { period: p.period, value: z, low: z, high: z });
            e.value += p.value;
            e.low += p.low;
            e.high += p.high;
        }
        self.partial.extend(v.partial.iter().copied());
    }
}

impl std::fmt::Debug for VolumeBook {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "VolumeBook {{ customers: {}, last actual: {} }}", self.book.len(), self.frame.last_actual)
    }
}

impl VolumeBook {
    /// The volume view of `scope` over `months` (the cost view's months), one line per unit.
    pub fn view(&self, codes: &Codes, scope: &Scope, months: &[Period]) -> VolumeView {
        let last = self.frame.last_actual;
        let in_scope = |c: &str| {
            scope.customer.as_deref().is_none_or(|w| w == c)
                && scope.code.as_deref().is_none_or(|w| w == code_of(codes, c))
        };
        let service_ok = |s: &str| scope.service.as_deref().is_none_or(|w| w == s);
        // (row key, unit) → sum; and unit → the scope's sum.
        let mut rows: BTreeMap<(String, String), Sum> = BTreeMap::new();
        let mut total: BTreeMap<String, Sum> = BTreeMap::new();
        for (customer, series) in self.book.iter().filter(|(c, _)| in_scope(c)) {
            for ((service, unit), v) in series.iter().filter(|((s, _), _)| service_ok(s)) {
                total.entry(unit.clone()).or_default().add(v);
                let key = match (&scope.customer, &scope.service) {
                    (Some(_), Some(_)) => continue,
                    (Some(_), None) => service.clone(),
                    (None, _) if scope.by_code && scope.code.is_none() => code_of(codes, customer).to_string(),
                    (None, _) => customer.clone(),
                };
                rows.entry((key, unit.clone())).or_default().add(v);
            }
        }
        let line = |unit: &String, s: &Sum| UnitLine {
            unit: unit.clone(),
            months: months
                .iter()
                .map(|p| VolMonth {
                    period: *p,
                    actual: (*p <= last).then(|| s.actual.get(p).copied().unwrap_or_default()),
                    forecast: if *p > last { s.forecast.get(p).copied() } else { None },
                    partial: s.partial.contains(p),
                })
                .collect(),
        };
        let units = total.iter().map(|(u, s)| line(u, s)).collect();
        let mut children: Vec<VolumeRow> = rows
            .into_iter()
            .map(|((key, unit), s)| VolumeRow {
                key,
                unit,
                last_actual: s.actual.get(&last).copied().unwrap_or_default(),
                next_month: s.forecast.get(&last.next()).map(|p| p.value).unwrap_or_default(),
                horizon_total: s.forecast.values().map(|p| p.value).sum(),
                partial: months.iter().any(|p| s.partial.contains(p)),
            })
            .collect();
        children.sort_by(|a, b| a.key.cmp(&b.key).then_with(|| a.unit.cmp(&b.unit)));
        VolumeView { scope: scope.clone(), last_actual: last, units, children }
    }
}
