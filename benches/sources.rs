//! Invoice line → source lines (issue 5): `Store::line_sources` (resource breakdown from the rollups, then the
//! first N raw line items found through the batches' id ranges, `line_items` having no other index) timed
//! in-process on a store with 10M line items — the drill benchmark's SQLite store, copied first because opening
//! it applies this build's migrations.
//!
//! `cargo bench --bench sources -- [--db PATH] [--no-copy] [--limit N] [--lines K] [--runs R]`
//! Defaults: bench-data/drill-10000000-a1000-c200-s1.db (build it with `cargo bench --bench drill`), 50 items,
//! 40 invoice lines (customer / service / product / component of the newest period: the 10 largest, the 10
//! smallest and 20 spread between), 3 runs each after a warm-up. Without `--bench` (`cargo test --benches`) a
//! smoke run on a tiny generated store: `line_sources` once on a few invoice lines, checked (sources add up to
//! the line, items and resources belong to its customer, at most the limit), in seconds.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "common/args.rs"]
mod args;
#[path = "common/tiny.rs"]
mod tiny;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use billops_domain::{CostBasis, Dim, Period};
use billops_store::{CostQuery, SourceQuery, Store};

struct Opts {
    db: PathBuf,
    limit: usize,
    lines: usize,
    runs: usize,
    quick: bool,
    /// Open `db` itself (a copy already made, or one that may be migrated).
    no_copy: bool,
}

fn opts() -> Opts {
    let (quick, all) = args::args();
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let mut o = Opts {
        db: root.join("bench-data/drill-10000000-a1000-c200-s1.db"),
        limit: 50,
        lines: 40,
        runs: 3,
        quick,
        no_copy: false,
    };
    let mut it = all.iter();
    while let Some(a) = it.next() {
        let mut val = |name: &str| it.next().cloned().unwrap_or_else(|| panic!("{name} needs a value"));
        match a.as_str() {
            "--db" => o.db = PathBuf::from(val("--db")),
            "--limit" => o.limit = args::number(&mut it, "--limit") as usize,
            "--lines" => o.lines = args::number(&mut it, "--lines") as usize,
            "--runs" => o.runs = (args::number(&mut it, "--runs") as usize).max(1),
            "--no-copy" => o.no_copy = true,
            "--test" => {}
            other => panic!("unknown argument {other:?}"),
        }
    }
    o
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn pct(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

async fn lines_of(store: &dyn Store, period: Period, n: usize) -> Vec<(String, String, String, String, String)> {
    let by = vec![Dim::Customer, Dim::Service, Dim::Product, Dim::Component];
    let mut rows = store.costs(&CostQuery::period(period, by, CostBasis::Billed)).await.unwrap();
    rows.retain(|r| r.keys[0] != billops_store::UNASSIGNED);
    // Largest first (the store's order); pick the top, the bottom and an even spread between.
    let mut pick: Vec<usize> = (0..n / 4).collect();
    pick.extend(rows.len().saturating_sub(n / 4)..rows.len());
    let mid = n - pick.len().min(n);
    for k in 0..mid {
        pick.push(n / 4 + k * rows.len().saturating_sub(n / 2) / mid.max(1));
    }
    pick.sort_unstable();
    pick.dedup();
    pick.into_iter()
        .filter_map(|i| rows.get(i))
        .map(|r| (r.keys[0].clone(), r.keys[1].clone(), r.keys[2].clone(), r.keys[3].clone(), r.cost.to_string()))
        .collect()
}

/// `cargo test --benches`: a tiny generated store (the drill bench's generator and account mapping, imported
/// in-process), then `line_sources` once on a few invoice lines, checked against the costs it explains.
async fn smoke(dir: &Path) {
    let tiny::Tiny { store, owner, .. } = tiny::store(dir).await;
    let period = *store.periods().await.unwrap().first().expect("a period with data");
    let lines = lines_of(store.as_ref(), period, 4).await;
    assert!(!lines.is_empty(), "the tiny store has invoice lines");
    let limit = 5;
    for (customer, service, product, component, cost) in &lines {
        let q = SourceQuery {
            customer: customer.clone(),
            period,
            service: service.clone(),
            product: product.clone(),
            component: component.clone(),
            limit,
        };
        let t = Instant::now();
        let r = store.line_sources(&q).await.unwrap();
        let what = format!("{customer} / {service} / {product} / {component}");
        assert_eq!(r.billed.to_string(), *cost, "{what}: the sources add up to the line");
        assert!(r.rows > 0 && !r.items.is_empty(), "{what}: no sources");
        assert!(r.items.len() <= limit && r.resources.len() <= limit, "{what}: cut at the limit");
        assert_eq!(r.items.len() as i64, r.rows.min(limit as i64), "{what}: the first {limit} items");
        for i in &r.items {
            assert_eq!(owner.get(&i.account), Some(customer), "{what}: item {} of account {}", i.id, i.account);
        }
        for res in &r.resources {
            assert_eq!(owner.get(&res.account), Some(customer), "{what}: resource {}", res.resource);
        }
        println!("smoke {what}: {} rows, {} shown in {:.1} ms", r.rows, r.items.len(), ms(t.elapsed()));
    }
}

#[tokio::main]
async fn main() {
    let o = opts();
    let tmp = tempfile::tempdir().unwrap();
    let copy = tmp.path().join("sources.db");
    if o.quick {
        smoke(tmp.path()).await;
        println!("smoke run (not a measurement): `cargo bench --bench sources` measures");
        return;
    }
    assert!(o.db.exists(), "{} missing: build it with `cargo bench --bench drill -- --no-pg`", o.db.display());
    let copy = if o.no_copy {
        o.db.clone()
    } else {
        let t0 = Instant::now();
        std::fs::copy(&o.db, &copy).unwrap();
        for ext in ["db-wal", "db-shm"] {
            let side = o.db.with_extension(ext);
            if side.exists() {
                std::fs::copy(&side, copy.with_extension(ext)).unwrap();
            }
        }
        eprintln!("copied {} in {:.1}s", o.db.display(), t0.elapsed().as_secs_f64());
        copy
    };
    let store = billops_store::open(&format!("sqlite:{}", copy.display())).await.unwrap();
    let period = *store.periods().await.unwrap().first().expect("a period with data");
    let lines = lines_of(store.as_ref(), period, o.lines).await;
    let batches = store.list_batches().await.unwrap();
    let items: i64 = batches.iter().map(|b| b.rows).sum();
    println!(
        "store: {} line items in {} batch(es); period {period}; {} invoice lines",
        items,
        batches.len(),
        lines.len()
    );
    println!();
    println!(
        "| invoice line (customer / service / product / component) | billed | items in all | shown | median ms | max ms |"
    );
    println!("|---|---:|---:|---:|---:|---:|");
    let mut all = Vec::new();
    for (customer, service, product, component, cost) in &lines {
        let q = SourceQuery {
            customer: customer.clone(),
            period,
            service: service.clone(),
            product: product.clone(),
            component: component.clone(),
            limit: o.limit,
        };
        let warm = store.line_sources(&q).await.unwrap();
        let mut times = Vec::new();
        for _ in 0..o.runs {
            let t = Instant::now();
            let r = store.line_sources(&q).await.unwrap();
            times.push(t.elapsed());
            assert_eq!(r.items.len(), warm.items.len());
        }
        times.sort();
        all.extend(times.iter().copied());
        println!(
            "| {customer} / {service} / {product} / {component} | {cost} | {} | {} | {:.1} | {:.1} |",
            warm.rows,
            warm.items.len(),
            ms(times[times.len() / 2]),
            ms(*times.last().unwrap())
        );
    }
    all.sort();
    println!();
    println!(
        "all {} timed calls: median {:.1} ms, p90 {:.1} ms, max {:.1} ms",
        all.len(),
        ms(pct(&all, 0.5)),
        ms(pct(&all, 0.9)),
        ms(*all.last().unwrap())
    );
}
