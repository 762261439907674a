//! Forecast benchmark and back-test (issue 12). Run: `cargo bench --bench forecast`.
//!
//! 1. Generated history: 1,000 customers × 8 services × 36 months (trend, a seasonal year, ±5 % noise), the
//!    shape `plan::facts` reads from the store. Times the outlook of every customer (fit 8,000 series, apply
//!    events, sum, budgets) and of one customer, and the Forecast pane's keypress + frame at 80x24 and 160x48
//!    with that outlook loaded. The store's grouped read is timed by the drill bench (`cargo bench --bench drill`).
//!    Also: the pane's one cost fit per load, the 8,000 usage-volume series fitted on the first `u`, a drill
//!    computed from the kept fits (no refit), and the biennial budget report (`plan::report::build`: one fit of the book, then sums per
//!    customer or account code).
//! 2. Back-test per method (forecast months k+1..k+3 from 1..k) on generated series of known shapes, so the
//!    method rules (24+ months: seasonal, 6+: trend, else run-rate) are chosen on evidence.
//! 3. With `BILLOPS_FORECAST_STORE=sqlite:PATH` (or a postgres URL): only the store read that feeds the pane, on
//!    that store (`store_read`).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "../tests/console_common/mod.rs"]
mod console_common;

use std::time::{Duration, Instant};

use billops::console::action::{Action, Effect, PaneQuery, PaneReply, Reply};
use billops::console::panes::forecast;
use billops::console::{Cmd, ui, update};
use std::sync::Arc;

use billops::plan::{self, CostFact, Frame, Planned, Scope};
use billops_domain::Period;
use billops_domain::Role;
use billops_domain::forecast::Series;
use billops_domain::forecast::fiscal::FiscalCalendar;
use billops_store::UsageVolume;
use console_common::*;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use rust_decimal::Decimal;

struct Lcg(u64);
impl Lcg {
    /// Uniform in [-1, 1) as a decimal with 4 places.
    fn unit(&mut self) -> Decimal {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        Decimal::new(((self.0 >> 33) % 20_000) as i64 - 10_000, 4)
    }
}

const SEASON: [i64; 12] = [-6, -8, -2, 0, 2, 4, 3, 1, 0, 2, 6, 14];

/// One series: base × (1 + trend·t) × (1 + season) × (1 + noise·jitter), cents.
fn value(base: i64, trend_pct: i64, season: bool, noise_pct: i64, t: usize, month: u32, rng: &mut Lcg) -> Decimal {
    let b = Decimal::from(base);
    let tr = Decimal::ONE + Decimal::new(trend_pct, 2) * Decimal::from(t) / Decimal::from(12);
    let se = if season { Decimal::ONE + Decimal::new(SEASON[(month - 1) as usize], 2) } else { Decimal::ONE };
    let no = Decimal::ONE + Decimal::new(noise_pct, 2) * rng.unit();
    (b * tr * se * no).round_dp(2)
}

fn book(customers: usize, services: usize, months: usize) -> (Vec<CostFact>, Period) {
    let mut rng = Lcg(0x5EED_F0CA);
    let start: Period = "2023-11".parse().unwrap();
    let mut out = Vec::with_capacity(customers * services * months);
    for c in 0..customers {
        for s in 0..services {
            let base = 200 + ((c * 7919 + s * 104729) % 20_000) as i64;
            let mut p = start;
            for t in 0..months {
                let v = value(base, (c % 5) as i64 * 3, s % 2 == 0, 5, t, p.month(), &mut rng);
                out.push((p, format!("cust{c:04}"), format!("svc{s}"), v));
                p = p.next();
            }
        }
    }
    let mut last = start;
    for _ in 1..months {
        last = last.next();
    }
    (out, last)
}

/// A usage volume per cost fact: even services in hours, odd ones in GB-months.
fn volumes_of(facts: &[CostFact]) -> Vec<UsageVolume> {
    facts
        .iter()
        .map(|(p, c, s, v)| UsageVolume {
            period: *p,
            customer: c.clone(),
            service: s.clone(),
            unit: if s.ends_with(['0', '2', '4', '6']) { "Hrs".into() } else { "GB-Mo".into() },
            quantity: *v / Decimal::from(10),
            no_quantity: 0,
        })
        .collect()
}

/// The biennial budget report: one fit of the book over the biennium, then each customer's (or account
/// code's) sums (`billops report budget --biennium`).
fn budget_report(facts: &[CostFact], frame: Frame) {
    let customers: Vec<billops_store::Customer> = (0..1_000)
        .map(|c| billops_store::Customer {
            id: c + 1,
            code: format!("cust{c:04}"),
            name: format!("Customer {c}"),
            currency: "USD".into(),
            status: "active".into(),
            account_code: Some(format!("GL-{:02}", c % 20)),
            account_count: 1,
        })
        .collect();
    let fy = frame.fiscal.year_of(frame.last_actual.next());
    let months: Vec<Period> = [fy, fy + 1].iter().flat_map(|y| frame.fiscal.months(*y)).collect();
    let inputs = plan::Inputs {
        frame,
        basis: billops_domain::CostBasis::Billed,
        facts: facts.to_vec(),
        events: vec![],
        budgets: vec![],
        customers,
        currencies: Default::default(),
    };
    for by in [plan::report::By::Customer, plan::report::By::Code] {
        let runs: Vec<Duration> = (0..3)
            .map(|_| {
                let t = Instant::now();
                std::hint::black_box(plan::report::build(&inputs, &months, "bench".into(), by));
                t.elapsed()
            })
            .collect();
        println!("  budget report, biennium, by {by:?} (one fit of 8,000 series): median {:.1} ms", ms(median(runs)));
    }
}

/// The generated book's 1,000 customers, all billed in USD.
fn usd() -> plan::CurrencyOf {
    let customers = (0..1_000).map(|c| (format!("cust{c:04}"), "USD".to_string())).collect();
    plan::CurrencyOf { series: Default::default(), customers }
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// A console with the Forecast pane asked to load: the fit query's request number (the reply is answered by
/// the caller, as the effect runner would).
fn open_pane() -> (billops::console::state::State, u64) {
    let mut s = state(Role::Operator);
    let fx = update(&mut s, Action::Cmd(Cmd::GotoPane));
    drop(fx);
    let mut req = None;
    for e in update(&mut s, Action::Key(keys_of("t"))) {
        if let Effect::Pane { req: r, q: PaneQuery::Forecast(forecast::io::Query::Fit) } = e {
            req = Some(r);
        } else if let Some(a) = answer(&e) {
            update(&mut s, a);
        }
    }
    (s, req.expect("the pane asks for its fit"))
}

/// The fit lands (`io::landed`: the top scope's outlook and tables computed from it) and the first frame is
/// drawn at `w`×`h`: what the operator waits for after the fit.
fn land_and_draw(planned: Arc<Planned>, w: u16, h: u16) -> Duration {
    let (mut s, req) = open_pane();
    let mut term = Terminal::new(TestBackend::new(w, h)).unwrap();
    let th = theme();
    let t = Instant::now();
    let r = PaneReply::Forecast(forecast::io::Reply::Fitted(Some(planned)));
    update(&mut s, Action::Reply { req, result: Ok(Reply::Pane(r)) });
    term.draw(|f| ui::render(f, &s, &th)).unwrap();
    let took = t.elapsed();
    assert!(s.panes.forecast.shown.as_ref().is_some_and(|o| !o.children.is_empty()), "the pane shows the book");
    took
}

fn stats(name: &str, runs: &[Duration]) {
    let each: Vec<String> = runs.iter().map(|d| format!("{:.1}", ms(*d))).collect();
    println!("  {name}: median {:.1} ms (runs: {} ms)", ms(median(runs.to_vec())), each.join(" / "));
}

/// Opening the Forecast pane on a built store (`BILLOPS_FORECAST_STORE=sqlite:PATH`, e.g. the drill bench's
/// `bench-data/drill-…-c1000-….db`), end to end as the effect runner and the event loop do it, `RUNS` times
/// (default 7): `plan::inputs` (the grouped cost read by month × customer × service over 36 months, events,
/// budgets, customers), `Planned::of` (the cost fit, every core), the reply landing (`io::landed`: the top
/// scope's outlook and tables) and the first frame at 160x48. Then the volume read (the first `u`, not part of
/// the open).
fn store_read(url: &str) {
    let runs: usize = std::env::var("RUNS").ok().and_then(|r| r.parse().ok()).unwrap_or(7);
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let store = billops_store::open(url).await.unwrap();
        let today = chrono::Utc::now().date_naive();
        let (mut reads, mut fits, mut frames, mut opens) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        let mut last = None;
        for _ in 0..runs {
            let t = Instant::now();
            let inputs = plan::inputs(store.as_ref(), today, None, billops_domain::CostBasis::Billed).await.unwrap();
            let read = t.elapsed();
            let inputs = inputs.expect("cost data before this month");
            if last.is_none() {
                let customers: std::collections::BTreeSet<&str> = inputs.facts.iter().map(|f| f.1.as_str()).collect();
                let months: std::collections::BTreeSet<Period> = inputs.facts.iter().map(|f| f.0).collect();
                println!(
                    "store {url}: {} facts ({} customers, {} months with cost, last actual {}), {} runs",
                    inputs.facts.len(),
                    customers.len(),
                    months.len(),
                    inputs.frame.last_actual,
                    runs
                );
            }
            last = Some(inputs.frame.last_actual);
            let t = Instant::now();
            let planned = Arc::new(Planned::of(inputs));
            let fit = t.elapsed();
            let frame = land_and_draw(planned, 160, 48);
            reads.push(read);
            fits.push(fit);
            frames.push(frame);
            opens.push(read + fit + frame);
        }
        stats("plan::inputs (the store read)", &reads);
        stats("Planned::of (the cost fit)", &fits);
        stats("reply lands + first frame 160x48", &frames);
        stats("**pane open** (read + fit + first frame)", &opens);
        let mut reads = Vec::new();
        let mut n = 0;
        for _ in 0..5 {
            let t = Instant::now();
            n = plan::volumes(store.as_ref(), last.unwrap()).await.unwrap().len();
            reads.push(t.elapsed());
        }
        println!("  plan::volumes (first u, not part of the open): {n} rows, median {:.1} ms", ms(median(reads)));
    });
}

fn main() {
    if let Ok(url) = std::env::var("BILLOPS_FORECAST_STORE") {
        return store_read(&url);
    }
    let (facts, last) = book(1_000, 8, 36);
    let frame = Frame {
        last_actual: last,
        shown_history: 18,
        horizon: 18,
        fiscal: FiscalCalendar::new(7).unwrap(),
        warn_pct: Decimal::from(90),
    };
    println!("forecast bench: {} cost facts (1,000 customers × 8 services × 36 months)", facts.len());
    let time = |scope: &Scope, rounds: usize| {
        let runs: Vec<Duration> = (0..rounds)
            .map(|_| {
                let t = Instant::now();
                std::hint::black_box(plan::outlook::build(&facts, &[], &[], &Default::default(), &frame, scope, usd()));
                t.elapsed()
            })
            .collect();
        median(runs)
    };
    let all = Scope::default();
    println!("  outlook, every customer (8,000 series): median {:.1} ms", ms(time(&all, 5)));
    let one = Scope { customer: Some("cust0042".into()), ..Scope::default() };
    println!("  outlook, one customer: median {:.2} ms", ms(time(&one, 20)));

    // The pane's load: the whole book fitted once, cost and volume (in the effect runner, off the render path).
    let volumes = volumes_of(&facts);
    let codes: plan::codes::Codes = (0..1_000).map(|c| (format!("cust{c:04}"), format!("GL-{:02}", c % 20))).collect();
    let runs: Vec<Duration> = (0..3)
        .map(|_| {
            let t = Instant::now();
            std::hint::black_box(Planned::fit(&facts, vec![], vec![], codes.clone(), frame, usd()));
            t.elapsed()
        })
        .collect();
    println!(
        "  pane load (what opening the pane pays): one cost fit of the book, 8,000 series: median {:.1} ms",
        ms(median(runs))
    );
    let opens: Vec<Duration> = (0..5)
        .map(|_| {
            let t = Instant::now();
            let planned = Arc::new(Planned::fit(&facts, vec![], vec![], codes.clone(), frame, usd()));
            let fit = t.elapsed();
            fit + land_and_draw(planned, 160, 48)
        })
        .collect();
    stats("pane open without the store read (fit + reply lands + first frame 160x48)", &opens);
    let planned = Arc::new(Planned::fit(&facts, vec![], vec![], codes.clone(), frame, usd()));
    let runs: Vec<Duration> = (0..3)
        .map(|_| {
            let t = Instant::now();
            std::hint::black_box(planned.fit_volumes(&volumes));
            t.elapsed()
        })
        .collect();
    println!("  first `u` (volume view): one fit of 8,000 usage-volume series: median {:.1} ms", ms(median(runs)));
    let mut s = state(Role::Operator);
    let fx = update(&mut s, Action::Cmd(Cmd::GotoPane));
    drop(fx);
    let fx = update(&mut s, Action::Key(keys_of("t")));
    for e in fx {
        if let Effect::Pane { req, q: PaneQuery::Forecast(_) } = e {
            let r = PaneReply::Forecast(forecast::io::Reply::Fitted(Some(planned.clone())));
            update(&mut s, Action::Reply { req, result: Ok(Reply::Pane(r)) });
        } else if let Some(a) = answer(&e) {
            update(&mut s, a);
        }
    }
    assert!(
        s.panes.forecast.shown.as_ref().is_some_and(|o| o.children.len() == 1_000),
        "the pane shows the book's outlook"
    );
    // The volume view too, so a drill below recomputes both views.
    for e in update(&mut s, Action::Key(keys_of("u"))) {
        if let Effect::Pane { req, q: PaneQuery::Forecast(forecast::io::Query::Volumes(k)) } = e {
            let r = PaneReply::Forecast(forecast::io::Reply::Volumes(Arc::new(k.0.fit_volumes(&volumes))));
            update(&mut s, Action::Reply { req, result: Ok(Reply::Pane(r)) });
        }
    }
    update(&mut s, Action::Key(keys_of("u")));
    assert!(s.panes.forecast.volumes.ready().is_some(), "the volumes are kept");
    // A drill in and back out, each computed from the kept fit (no effect, no refit).
    let runs: Vec<Duration> = (0..10)
        .map(|_| {
            let t = Instant::now();
            let a = update(&mut s, Action::Key(keys_of("enter")));
            let b = update(&mut s, Action::Key(keys_of("esc")));
            assert!(a.is_empty() && b.is_empty(), "a drill asks for nothing");
            t.elapsed() / 2
        })
        .collect();
    println!("  pane drill (enter or esc) from the kept fit, every view recomputed: median {:.1} ms", ms(median(runs)));
    budget_report(&facts, frame);
    let t = theme();
    for (w, h) in [(80u16, 24u16), (160, 48)] {
        let mut term = Terminal::new(TestBackend::new(w, h)).unwrap();
        let runs: Vec<Duration> = (0..200)
            .map(|i| {
                let k = if i % 2 == 0 { "j" } else { "k" };
                let start = Instant::now();
                update(&mut s, Action::Key(keys_of(k)));
                term.draw(|f| ui::render(f, &s, &t)).unwrap();
                start.elapsed()
            })
            .collect();
        let mut sorted = runs.clone();
        sorted.sort();
        println!(
            "  pane keypress + frame at {w}x{h}: median {:.2} ms, p99 {:.2} ms",
            ms(median(runs)),
            ms(sorted[sorted.len() * 99 / 100])
        );
    }

    // Back-test per method on generated series of known shape (36 months each, 200 series per shape).
    println!("back-test (MAPE %, months k+1..k+3 from 1..k, every k the method may use):");
    println!("  {:<34} {:>10} {:>14} {:>22}", "series", "run-rate", "linear trend", "trend with seasonality");
    let shapes: [(&str, i64, bool, i64); 4] = [
        ("flat, ±5% noise", 0, false, 5),
        ("trend +12%/yr, ±5% noise", 12, false, 5),
        ("trend +12%/yr, seasonal, ±5% noise", 12, true, 5),
        ("flat, seasonal, ±2% noise", 0, true, 2),
    ];
    for (name, trend, season, noise) in shapes {
        let mut rng = Lcg(0xBAC7_7E57 ^ trend as u64);
        let start: Period = "2023-01".parse().unwrap();
        let series: Vec<Series> = (0..200)
            .map(|i| {
                let mut p = start;
                let values = (0..36)
                    .map(|t| {
                        let v = value(1_000 + i * 37, trend, season, noise, t, p.month(), &mut rng);
                        p = p.next();
                        v
                    })
                    .collect();
                Series { start, values }
            })
            .collect();
        let rows = plan::backtest(&series);
        let cell = |k: usize| rows[k].mape.map(|m| m.to_string()).unwrap_or_else(|| "-".into());
        println!("  {name:<34} {:>10} {:>14} {:>22}", cell(0), cell(1), cell(2));
    }
}
