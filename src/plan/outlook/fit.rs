//! Fitting the book (issue 12): each customer × service series by the method its history supports, the
//! customer's events applied, customers fitted in parallel; what [`super::fit`] keeps and every view reads.
use std::collections::BTreeMap;

use billops_domain::Period;
use billops_domain::forecast::events::{self, ForecastEvent};
use billops_domain::forecast::{self, Method, Point, Series};
use billops_store::StoredEvent;
use rust_decimal::Decimal;

use super::{CostFact, CurrencyOf, Frame};

/// Per customer, per service: (history by month up to the last actual, forecast points after events, method,
/// why, currency).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct FittedSeries {
    /// Consecutive months up to the last actual (gaps are zeros).
    pub(super) history: Series,
    pub(super) forecast: Vec<Point>,
    pub(super) method: Method,
    pub(super) why: String,
    pub(super) currency: String,
}

pub(super) type Book = BTreeMap<String, BTreeMap<String, FittedSeries>>;

/// One customer's history: service → (month, amount) points.
pub(super) type ByService<'a> = BTreeMap<&'a str, Vec<(Period, Decimal)>>;

pub(super) fn group<'a>(facts: &'a [CostFact], frame: &Frame, customer: Option<&str>) -> Vec<(&'a str, ByService<'a>)> {
    let mut raw: BTreeMap<&str, ByService<'_>> = BTreeMap::new();
    for (p, c, s, v) in facts {
        if *p > frame.last_actual || customer.is_some_and(|w| w != c) {
            continue;
        }
        raw.entry(c.as_str()).or_default().entry(s.as_str()).or_default().push((*p, *v));
    }
    raw.into_iter().collect()
}

/// Customers are independent: fit them on `threads` threads (std scoped threads over contiguous chunks; the
/// result is the same book whatever the split, see the test below).
pub(super) fn fit_book(
    raw: &[(&str, ByService<'_>)],
    events: &[StoredEvent],
    frame: &Frame,
    money: &CurrencyOf,
    threads: usize,
) -> Book {
    let chunk = raw.len().div_ceil(threads.max(1)).max(1);
    if threads <= 1 || raw.len() <= chunk {
        let mut widths = forecast::Widths::default();
        return raw.iter().map(|(c, sv)| fit_customer(c, sv, events, frame, money, &mut widths)).collect();
    }
    std::thread::scope(|scope| {
        let handles: Vec<_> = raw
            .chunks(chunk)
            .map(|part| {
                scope.spawn(move || {
                    let mut widths = forecast::Widths::default();
                    part.iter()
                        .map(|(c, sv)| fit_customer(c, sv, events, frame, money, &mut widths))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles.into_iter().flat_map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e))).collect()
    })
}

/// Threads for a fit: the cores there are (at most 16).
pub(super) fn threads() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get()).clamp(1, 16)
}

fn fit_customer(
    customer: &str,
    services: &ByService<'_>,
    events: &[StoredEvent],
    frame: &Frame,
    money: &CurrencyOf,
    widths: &mut forecast::Widths,
) -> (String, BTreeMap<String, FittedSeries>) {
    let mut points: BTreeMap<String, Vec<Point>> = BTreeMap::new();
    let mut meta: BTreeMap<String, (Series, Method, String)> = BTreeMap::new();
    let mut pts = Vec::new();
    for (service, history) in services {
        // Zero-fill to the last actual month: a service that stopped is a run of zeros, not a gap.
        pts.clear();
        pts.extend_from_slice(history);
        pts.push((frame.last_actual, Decimal::ZERO));
        let Some(series) = Series::from_points(&pts) else { continue };
        let f = forecast::forecast_in(widths, &series, frame.horizon);
        points.insert(service.to_string(), f.points);
        meta.insert(service.to_string(), (series, f.method, f.why));
    }
    let mine: Vec<ForecastEvent> = events
        .iter()
        .filter(|e| e.retired.is_none() && e.customer.as_deref().is_none_or(|c| c == customer))
        .map(|e| in_source_currency(e.event.clone(), customer, money, &points))
        .collect();
    events::apply(&mut points, &mine);
    // A series brought in by a technology change is in the currency of the series it takes cost from.
    let source = |service: &str| {
        mine.iter().find_map(|e| match &e.kind {
            events::EventKind::Technology { from_service, to_service, .. } if to_service == service => {
                Some(money.of(customer, from_service).to_string())
            }
            _ => None,
        })
    };
    let fitted = points
        .into_iter()
        .map(|(service, forecast)| {
            let currency = match meta.contains_key(&service) {
                true => money.of(customer, &service).to_string(),
                false => source(&service).unwrap_or_else(|| money.own(customer).to_string()),
            };
            let (history, method, why) = meta.remove(&service).unwrap_or_else(|| {
                let none = Series { start: frame.last_actual, values: Vec::new() };
                (none, Method::RunRate, "brought in by a technology change".to_string())
            });
            (service, FittedSeries { history, forecast, method, why, currency })
        })
        .collect();
    (customer.to_string(), fitted)
}

/// A technology change moves cost in its own currency. Into a service whose series is in another currency it
/// lands in `SERVICE [CUR]` beside it (a series of the source's currency, as the history names a service billed
/// in two currencies), never added to the other currency's amounts.
fn in_source_currency(
    mut e: ForecastEvent,
    customer: &str,
    money: &CurrencyOf,
    series: &BTreeMap<String, Vec<Point>>,
) -> ForecastEvent {
    if let events::EventKind::Technology { from_service, to_service, .. } = &mut e.kind {
        let from = money.of(customer, from_service);
        if series.contains_key(to_service.as_str()) && money.of(customer, to_service) != from {
            let base = to_service.rsplit_once(" [").map_or(to_service.as_str(), |(b, _)| b);
            *to_service = format!("{base} [{from}]");
        }
    }
    e
}
