//! The fixture's forecast: 30 months of history for three customers (a trend with a December peak, a flat
//! one, a young one), a budget and an event, through the product's own pure outlook.
use billops::console::panes::forecast::io::{Query, Reply};
use billops::plan::{CostFact, Frame, Scope, outlook};
use billops_domain::Period;
use billops_domain::forecast::events::{Change, EventKind, ForecastEvent};
use billops_domain::forecast::fiscal::FiscalCalendar;
use billops_store::{Budget, BudgetScope, StoredEvent};
use chrono::{TimeZone, Utc};
use rust_decimal::Decimal;

fn p(s: &str) -> Period {
    s.parse().unwrap()
}

pub fn last_actual() -> Period {
    p("2026-04")
}

pub fn facts() -> Vec<CostFact> {
    let mut out = Vec::new();
    let mut m = p("2023-11");
    for t in 0..30i64 {
        let season = if m.month() == 12 { 400 } else { 0 };
        out.push((m, "ACME".into(), "compute".into(), Decimal::new(2000 + 40 * t + season, 0)));
        out.push((m, "ACME".into(), "storage".into(), Decimal::new(500 + 5 * t, 0)));
        out.push((m, "GLOBEX".into(), "compute".into(), Decimal::new(1200, 0)));
        if t >= 26 {
            out.push((m, "INITECH".into(), "compute".into(), Decimal::new(300 + 10 * t, 0)));
        }
        m = m.next();
    }
    out
}

pub fn frame() -> Frame {
    Frame {
        last_actual: last_actual(),
        shown_history: 18,
        horizon: 18,
        fiscal: FiscalCalendar::new(7).unwrap(),
        warn_pct: Decimal::from(90),
    }
}

pub fn budgets() -> Vec<Budget> {
    let at = Utc.with_ymd_and_hms(2026, 5, 2, 9, 0, 0).unwrap();
    ["2026-05", "2026-06"]
        .iter()
        .map(|m| Budget {
            customer: "ACME".into(),
            scope: BudgetScope::Customer,
            period: p(m),
            amount: Decimal::new(3000, 0),
            set_by: "maria".into(),
            set_at: at,
        })
        .collect()
}

pub fn events() -> Vec<StoredEvent> {
    let at = Utc.with_ymd_and_hms(2026, 5, 3, 9, 0, 0).unwrap();
    let kind =
        EventKind::Capacity { service: Some("compute".into()), change: Change::Percent { pct: Decimal::from(-25) } };
    vec![StoredEvent {
        id: 1,
        customer: Some("GLOBEX".into()),
        event: ForecastEvent::new(p("2026-09"), kind, "olivia", at, "rightsizing").unwrap(),
        retired: None,
    }]
}

pub fn answer(q: Query) -> Reply {
    match q {
        Query::Outlook(scope) => {
            let o = outlook::build(&facts(), &events(), &budgets(), &frame(), &scope);
            Reply::Outlook(scope, Some(o))
        }
    }
}

pub fn all() -> Scope {
    Scope::default()
}
