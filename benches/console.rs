//! Console redraw benchmark: state + render from cached data, no store. For each scenario it presses a key
//! (`update`) and draws a full frame into a TestBackend, many times, and prints the median and p99 time per
//! keypress. The budget (SPEC §5) is 16 ms per keypress. Run: `cargo bench --bench console`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "../tests/console_common/mod.rs"]
mod console_common;

use std::time::{Duration, Instant};

use billops::console::action::{Action, Effect, PaneQuery, PaneReply, Reply};
use billops::console::panes::costs::{self, CostsData};
use billops::console::panes::customers::{self, CustomersData};
use billops::console::state::State;
use billops::console::{Cmd, ui, update};
use billops_domain::Role;
use billops_store::{CostRow, Customer};
use console_common::*;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use rust_decimal::Decimal;

fn big_customers(s: &mut State, n: usize) {
    let customers: Vec<Customer> = (0..n)
        .map(|i| Customer {
            id: i as i64,
            code: format!("cust{i:05}"),
            name: format!("Customer number {i}"),
            currency: "USD".into(),
            status: "active".into(),
            account_code: None,
            account_count: (i % 7) as i64,
        })
        .collect();
    let cost = |i: usize, k: i64| CostRow {
        keys: vec![format!("cust{i:05}")],
        currency: "USD".into(),
        cost: Decimal::new((i as i64 * 7919 + k) % 1_000_000_007, 9),
    };
    let data = CustomersData {
        cur: (0..n).map(|i| cost(i, 13)).collect(),
        prev: (0..n).map(|i| cost(i, 17)).collect(),
        history: Vec::new(),
        months: Vec::new(),
        customers,
    };
    let fx = update(s, Action::Cmd(Cmd::Refresh));
    for e in fx {
        if let Effect::Pane { req, q: PaneQuery::Customers(customers::io::Query::List { .. }) } = e {
            let r = PaneReply::Customers(customers::io::Reply::List(data.clone()));
            update(s, Action::Reply { req, result: Ok(Reply::Pane(r)) });
        } else if let Some(a) = answer(&e) {
            update(s, a);
        }
    }
}

fn big_costs(s: &mut State, n: usize) {
    let fx = update(s, Action::Cmd(Cmd::PaneCosts));
    let fx = if fx.is_empty() { update(s, Action::Cmd(Cmd::Refresh)) } else { fx };
    for e in fx {
        if let Effect::Pane { req, q: PaneQuery::Costs(_) } = e {
            let rows = (0..n)
                .map(|i| CostRow {
                    keys: vec![format!("resource-{i:06}")],
                    currency: "USD".into(),
                    cost: Decimal::new(((n - i) * 1000 + 7) as i64, 6),
                })
                .collect();
            let prev = (0..n)
                .map(|i| CostRow {
                    keys: vec![format!("resource-{i:06}")],
                    currency: "USD".into(),
                    cost: Decimal::new(((n - i) * 990) as i64, 6),
                })
                .collect();
            let r = PaneReply::Costs(costs::io::Reply::Level(CostsData { rows, prev }));
            update(s, Action::Reply { req, result: Ok(Reply::Pane(r)) });
        } else if let Some(a) = answer(&e) {
            update(s, a);
        }
    }
}

fn measure(name: &str, s: &mut State, w: u16, h: u16, keys: &[&str], rounds: usize) {
    let theme = theme();
    let mut term = Terminal::new(TestBackend::new(w, h)).unwrap();
    term.draw(|f| ui::render(f, s, &theme)).unwrap();
    let mut times: Vec<Duration> = Vec::with_capacity(rounds);
    for i in 0..rounds {
        let k = keys[i % keys.len()];
        let t0 = Instant::now();
        let fx = update(s, Action::Key(keys_of(k)));
        drive(s, fx);
        term.draw(|f| ui::render(f, s, &theme)).unwrap();
        times.push(t0.elapsed());
    }
    times.sort();
    let med = times[times.len() / 2];
    let p99 = times[times.len() * 99 / 100];
    let max = times[times.len() - 1];
    println!("{name:<44} {w:>3}x{h:<3} median {:>8.3} ms  p99 {:>8.3} ms  max {:>8.3} ms", ms(med), ms(p99), ms(max));
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn main() {
    // `cargo test --benches` runs this with `--bench`-less args: keep it quick there.
    let quick = std::env::args().any(|a| a == "--test") || std::env::var_os("BILLOPS_BENCH_QUICK").is_some();
    let rounds = if quick { 20 } else { 500 };
    println!("console redraw per keypress (update + full frame into a TestBackend), {rounds} presses each");
    for (w, h) in [(80, 24), (250, 70)] {
        let mut s = state(Role::Operator);
        measure("fixture customers: j/k", &mut s, w, h, &["j", "j", "k", "k"], rounds);
        let mut s = state(Role::Operator);
        big_customers(&mut s, 5_000);
        measure("5,000 customers: j/k/pagedown/G/g", &mut s, w, h, &["j", "k", "pagedown", "G", "g"], rounds);
        measure("5,000 customers: s (re-sort)", &mut s, w, h, &["s"], rounds.min(60));
        let mut s = state(Role::Operator);
        big_costs(&mut s, 20_000);
        measure("costs, 20,000 rows + bar chart: j/k", &mut s, w, h, &["j", "k", "j"], rounds);
        let mut s = state(Role::Operator);
        keys(&mut s, &["enter"]);
        measure("customer detail (sparkline): j/k/v", &mut s, w, h, &["j", "k", "v"], rounds);
        let mut s = state(Role::Operator);
        keys(&mut s, &["/"]);
        measure("customers: typing a filter", &mut s, w, h, &["a", "backspace"], rounds);
        let mut s = state(Role::Operator);
        measure("help overlay open/close", &mut s, w, h, &["?", "esc"], rounds);
    }
    let t0 = Instant::now();
    let s = state(Role::Operator);
    let theme = theme();
    let mut term = Terminal::new(TestBackend::new(80, 24)).unwrap();
    term.draw(|f| ui::render(f, &s, &theme)).unwrap();
    println!("first frame from the fixture (state build + render, no store): {:.3} ms", ms(t0.elapsed()));
}
