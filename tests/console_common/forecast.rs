//! The fixture's forecast: 30 months of history for three customers (a trend with a December peak, a flat
//! one, a young one), their usage volumes in two units, account codes, budgets and an event, fitted once by
//! the product's own pure code. [`FITS`] counts the fits answered (a drill must not ask for one).
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use billops::console::panes::forecast::io::{Query, Reply};
use billops::plan::{CostFact, CurrencyOf, Frame, Planned, Scope};
use billops_domain::Period;
use billops_domain::forecast::events::{Change, EventKind, ForecastEvent};
use billops_domain::forecast::fiscal::FiscalCalendar;
use billops_store::UsageVolume;
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
    let mut out: Vec<Budget> = ["2026-05", "2026-06"]
        .iter()
        .map(|m| Budget {
            customer: "ACME".into(),
            scope: BudgetScope::Customer,
            period: p(m),
            amount: Decimal::new(3000, 0),
            set_by: "maria".into(),
            set_at: at,
        })
        .collect();
    // The account code's own budget (recorded under GLOBEX; it counts for the code, not for GLOBEX).
    out.push(Budget {
        customer: "GLOBEX".into(),
        scope: BudgetScope::AccountCode("GL-4100".into()),
        period: p("2026-05"),
        amount: Decimal::new(4500, 0),
        set_by: "maria".into(),
        set_at: at,
    });
    out
}

/// ACME and GLOBEX carry account code GL-4100; INITECH none.
pub fn codes() -> billops::plan::codes::Codes {
    [("ACME", "GL-4100"), ("GLOBEX", "GL-4100")].iter().map(|(c, a)| (c.to_string(), a.to_string())).collect()
}

/// Usage: compute in instance hours, ACME's storage in GB-months; INITECH's first month had a row without
/// a quantity (partial).
pub fn volumes() -> Vec<UsageVolume> {
    let mut out = Vec::new();
    let mut m = p("2023-11");
    for t in 0..30i64 {
        let v = |c: &str, s: &str, u: &str, q: i64, nq: u64| UsageVolume {
            period: m,
            customer: c.into(),
            service: s.into(),
            unit: u.into(),
            quantity: Decimal::new(q, 1),
            no_quantity: nq,
        };
        out.push(v("ACME", "compute", "Hrs", 7000 + 100 * t, 0));
        out.push(v("ACME", "storage", "GB-Mo", 10000 + 200 * t, 0));
        out.push(v("GLOBEX", "compute", "Hrs", 5000, 0));
        if t >= 26 {
            out.push(v("INITECH", "compute", "Hrs", 1000 + 10 * t, u64::from(t == 26)));
        }
        m = m.next();
    }
    out
}

/// Fits answered since the process started.
pub static FITS: AtomicUsize = AtomicUsize::new(0);
/// Volume fits answered since the process started.
pub static VOLUME_FITS: AtomicUsize = AtomicUsize::new(0);

pub fn planned() -> Planned {
    Planned::fit(&facts(), events(), budgets(), codes(), frame(), currencies())
}

/// Every customer of the fixture is billed in USD.
pub fn currencies() -> CurrencyOf {
    let customers = ["ACME", "GLOBEX", "INITECH"].iter().map(|c| (c.to_string(), "USD".to_string())).collect();
    CurrencyOf { series: Default::default(), customers }
}

/// The fixture in two currencies: ACME (USD) also has `support` billed in EUR (100 a month for the last
/// 12 months), and HANSA, a EUR customer without an account code, 800 EUR a month for 12 months with a
/// 700 EUR budget for 2026-05.
pub fn planned_two_currencies() -> Planned {
    let mut facts = facts();
    let mut m = p("2025-05");
    for _ in 0..12 {
        facts.push((m, "ACME".into(), "support".into(), Decimal::new(100, 0)));
        facts.push((m, "HANSA".into(), "compute".into(), Decimal::new(800, 0)));
        m = m.next();
    }
    let mut money = currencies();
    money.customers.insert("HANSA".into(), "EUR".into());
    money.series.insert(("ACME".into(), "support".into()), "EUR".into());
    money.series.insert(("HANSA".into(), "compute".into()), "EUR".into());
    let mut budgets = budgets();
    budgets.push(Budget {
        customer: "HANSA".into(),
        scope: BudgetScope::Customer,
        period: p("2026-05"),
        amount: Decimal::new(700, 0),
        set_by: "maria".into(),
        set_at: Utc.with_ymd_and_hms(2026, 5, 2, 9, 0, 0).unwrap(),
    });
    Planned::fit(&facts, events(), budgets, codes(), frame(), money)
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
        Query::Fit => {
            FITS.fetch_add(1, Ordering::SeqCst);
            Reply::Fitted(Some(Arc::new(planned())))
        }
        Query::Volumes(kept) => {
            VOLUME_FITS.fetch_add(1, Ordering::SeqCst);
            Reply::Volumes(Arc::new(kept.0.fit_volumes(&volumes())))
        }
    }
}

pub fn all() -> Scope {
    Scope::default()
}
