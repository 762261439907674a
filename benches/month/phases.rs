//! Where `billops::month::invoices::generate` spends its time: the product's own steps, in its order, each
//! timed and summed — `run_inputs` (account codes, resource units, billing models), the period's `charges`,
//! per customer `customer_inputs` (price book, credits, terms) and `build` (the domain's draft with terms, tax
//! and rounding; no store), then one `save` for the whole run. Diagnosis only: `generate` itself is what the
//! figures time.
use std::time::{Duration, Instant};

use billops::month::invoices;
use billops_domain::Period;
use billops_store::Actor;

/// One phase: name, total time, calls.
pub type Phase = (&'static str, Duration, usize);

/// (phase, total time, calls) for one full pass over the period; `lines` is the charge-line count.
pub async fn run(url: &str, period: Period, by: &Actor) -> (Vec<Phase>, usize) {
    let store = billops_store::open(url).await.unwrap();
    let st = store.as_ref();
    let t = Instant::now();
    let inputs = invoices::run_inputs(st, period).await.unwrap();
    let mut out: Vec<Phase> = vec![("run_inputs (codes, resource units, billing models)", t.elapsed(), 1)];
    let t = Instant::now();
    let all = store.charges(period, None).await.unwrap();
    out.push(("charges (one query, every customer)", t.elapsed(), 1));
    let lines = all.iter().map(|c| c.lines.len()).sum();
    let (mut read_t, mut build_t) = (Duration::ZERO, Duration::ZERO);
    let mut drafts = Vec::with_capacity(all.len());
    for charges in &all {
        let t = Instant::now();
        let cust = invoices::customer_inputs(st, &charges.customer, period).await.unwrap();
        read_t += t.elapsed();
        let t = Instant::now();
        drafts.push(invoices::build(&inputs, &cust, charges, period).unwrap());
        build_t += t.elapsed();
    }
    let t = Instant::now();
    invoices::save(st, &drafts, by).await.unwrap();
    let save_t = t.elapsed();
    let n = all.len();
    out.push(("customer_inputs: price book, credits, terms (per customer)", read_t, n));
    out.push(("build: domain draft + payer sums (CPU, no store)", build_t, n));
    out.push(("save (one save_drafts, every customer)", save_t, 1));
    store.close().await;
    (out, lines)
}
