//! Operator-entered events that adjust a forecast from a month on: decommissioning a service, a capacity
//! change (± percent or ± amount), a technology change (one service's cost moves to another). Events are
//! records with who and when; the chart shows them as markers.
use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use thiserror::Error;

use super::Point;
use crate::period::Period;

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum EventError {
    #[error("invalid forecast event: {0}")]
    Invalid(String),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "change")]
pub enum Change {
    /// Signed percent: `-20` is a 20 % cut.
    Percent { pct: Decimal },
    /// Signed amount per month.
    Amount { amount: Decimal },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum EventKind {
    /// The service costs nothing from the month on.
    Decommission { service: String },
    /// The service (every service when `None`, percent only) grows or shrinks from the month on.
    Capacity { service: Option<String>, change: Change },
    /// `ratio` percent of `from_service`'s cost moves to `to_service` from the month on.
    Technology { from_service: String, to_service: String, ratio: Decimal },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ForecastEvent {
    pub from: Period,
    pub kind: EventKind,
    pub by: String,
    pub at: DateTime<Utc>,
    pub note: String,
}

impl ForecastEvent {
    pub fn new(
        from: Period,
        kind: EventKind,
        by: &str,
        at: DateTime<Utc>,
        note: &str,
    ) -> Result<ForecastEvent, EventError> {
        let bad = |m: &str| Err(EventError::Invalid(m.to_string()));
        match &kind {
            EventKind::Capacity { change: Change::Percent { pct }, .. } if *pct < -Decimal::ONE_HUNDRED => {
                return bad("a capacity cut cannot exceed 100%");
            }
            EventKind::Capacity { service: None, change: Change::Amount { .. } } => {
                return bad("an amount change names its service");
            }
            EventKind::Technology { from_service, to_service, ratio } => {
                if from_service == to_service {
                    return bad("a technology change moves cost between two different services");
                }
                if *ratio <= Decimal::ZERO || *ratio > Decimal::ONE_HUNDRED {
                    return bad("the share moved is between 0 and 100 percent");
                }
            }
            _ => {}
        }
        Ok(ForecastEvent { from, kind, by: by.to_string(), at, note: note.to_string() })
    }

    /// A short label for chart markers and lists.
    pub fn label(&self) -> String {
        match &self.kind {
            EventKind::Decommission { service } => format!("{}: {service} decommissioned", self.from),
            EventKind::Capacity { service, change } => {
                let what = service.as_deref().unwrap_or("all services");
                match change {
                    Change::Percent { pct } => format!("{}: {what} {pct:+}%", self.from),
                    Change::Amount { amount } => format!("{}: {what} {amount:+}/month", self.from),
                }
            }
            EventKind::Technology { from_service, to_service, ratio } => {
                format!("{}: {ratio}% of {from_service} → {to_service}", self.from)
            }
        }
    }
}

fn scale(p: &mut Point, factor: Decimal) {
    p.value = (p.value * factor).max(Decimal::ZERO);
    p.low = (p.low * factor).max(Decimal::ZERO);
    p.high = (p.high * factor).max(Decimal::ZERO);
}

fn shift(p: &mut Point, amount: Decimal) {
    p.value = (p.value + amount).max(Decimal::ZERO);
    p.low = (p.low + amount).max(Decimal::ZERO);
    p.high = (p.high + amount).max(Decimal::ZERO);
}

/// Apply events to per-service forecasts, in order of their month (then as given). A service that only a
/// technology change brings in appears with the periods of the one it replaces.
pub fn apply(per_service: &mut BTreeMap<String, Vec<Point>>, events: &[ForecastEvent]) {
    let mut ordered: Vec<&ForecastEvent> = events.iter().collect();
    ordered.sort_by_key(|e| e.from);
    for e in ordered {
        match &e.kind {
            EventKind::Decommission { service } => {
                for p in per_service.get_mut(service).into_iter().flatten().filter(|p| p.period >= e.from) {
                    scale(p, Decimal::ZERO);
                }
            }
            EventKind::Capacity { service, change } => {
                for (name, points) in per_service.iter_mut() {
                    if service.as_ref().is_some_and(|s| s != name) {
                        continue;
                    }
                    for p in points.iter_mut().filter(|p| p.period >= e.from) {
                        match change {
                            Change::Percent { pct } => scale(p, Decimal::ONE + *pct / Decimal::ONE_HUNDRED),
                            Change::Amount { amount } => shift(p, *amount),
                        }
                    }
                }
            }
            EventKind::Technology { from_service, to_service, ratio } => {
                let Some(source) = per_service.get_mut(from_service) else { continue };
                let share = *ratio / Decimal::ONE_HUNDRED;
                let mut moved: Vec<Point> = Vec::new();
                for p in source.iter_mut() {
                    let mut m = *p;
                    if p.period >= e.from {
                        scale(&mut m, share);
                        scale(p, Decimal::ONE - share);
                    } else {
                        scale(&mut m, Decimal::ZERO);
                    }
                    moved.push(m);
                }
                let target = per_service.entry(to_service.clone()).or_default();
                for m in moved {
                    match target.iter_mut().find(|p| p.period == m.period) {
                        Some(p) => {
                            p.value += m.value;
                            p.low += m.low;
                            p.high += m.high;
                        }
                        None => target.push(m),
                    }
                }
                target.sort_by_key(|p| p.period);
            }
        }
    }
}
