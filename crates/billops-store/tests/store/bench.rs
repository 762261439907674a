//! Import and drill-down throughput (ignored by default; run in release):
//! `cargo test -p billops-store --release --test store bench -- --ignored --nocapture`
//! (`BILLOPS_BENCH_ROWS` changes the row count; PostgreSQL needs `BILLOPS_TEST_PG_URL`).
use std::io::Write as _;
use std::sync::Arc;
use std::time::Instant;

use billops_domain::{ChargeCategory, CostBasis, Dim, LineItem};
use billops_store::{CostQuery, ImportChunk, Store};
use rust_decimal::Decimal;

use crate::support::{actor, meta, p};

fn rows() -> usize {
    std::env::var("BILLOPS_BENCH_ROWS").ok().and_then(|v| v.parse().ok()).unwrap_or(1_000_000)
}

/// CUR-like synthetic rows: 200 accounts (each with its product/component tags, home region and 8 of the 40
/// services), 50 usage types, 30k resources, amounts with 10 decimals and some negative credits.
fn synthetic(n: usize, chunk: usize) -> Vec<Vec<LineItem>> {
    let services: Vec<String> = (0..40).map(|k| format!("Amazon Service {k}")).collect();
    let products: Vec<String> = (0..12).map(|k| format!("product-{k}")).collect();
    let regions = ["us-east-1", "us-west-2", "eu-west-1", "eu-central-1", "ap-southeast-2", "sa-east-1"];
    let mut out = Vec::with_capacity(n / chunk + 1);
    let mut cur = Vec::with_capacity(chunk);
    let mut x: u64 = 7;
    for k in 0..n {
        x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        let r = (x >> 24) as usize;
        let account = r % 200;
        let day = 1 + (k * 31 / n) as u32;
        let cost = Decimal::new((r % 100_000_000) as i64 - 1_000_000, 10);
        cur.push(LineItem {
            period: p("2026-05"),
            payer: format!("{:012}", 100 + account % 3),
            payer_name: "Payer".into(),
            account: format!("{:012}", 500_000 + account),
            account_name: format!("account {account}"),
            usage_date: chrono::NaiveDate::from_ymd_opt(2026, 5, day).unwrap(),
            service: services[(account * 7 + (r / 200) % 8) % 40].clone(),
            product: products[account % 12].clone(),
            component: ["web", "api", "db", "(untagged)"][(account / 12) % 4].to_string(),
            charge_category: if cost < Decimal::ZERO { ChargeCategory::Credit } else { ChargeCategory::Usage },
            region: regions[if r.is_multiple_of(10) { (r / 7) % 6 } else { account % 6 }].to_string(),
            usage_type: format!("USE1-BoxUsage:t3.{}", (r / 11) % 50),
            resource_id: format!("arn:aws:ec2:us-east-1:{:012}:instance/i-{:017x}", 500_000 + account, r % 30_000),
            quantity: Some(Decimal::new((r % 1_000_000) as i64, 4)),
            unit: "Hrs".into(),
            billed: cost,
            effective: cost,
            list: cost,
            currency: "USD".into(),
            invoice_id: String::new(),
            source_line: k as u64 + 2,
        });
        if cur.len() == chunk {
            out.push(std::mem::replace(&mut cur, Vec::with_capacity(chunk)));
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

async fn bench(s: Arc<dyn Store>, label: &str) {
    let _ = tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
        .with_writer(std::io::stderr)
        .try_init();
    let n = rows();
    let chunks = synthetic(n, 1024);
    let (tx, rx) = tokio::sync::mpsc::channel(8);
    let t0 = Instant::now();
    let sender = tokio::spawn(async move {
        for c in chunks {
            tx.send(ImportChunk::Items(c)).await.unwrap();
        }
        tx.send(ImportChunk::End { content_hash: "bench".into(), rows_read: n as u64 }).await.unwrap();
    });
    let out = s.import(&meta("bench.csv", "r1", "bench"), rx).await.unwrap();
    sender.await.unwrap();
    let secs = t0.elapsed().as_secs_f64();
    assert_eq!(out.batch.rows, n as i64);
    eprintln!("{label}: imported {n} rows in {secs:.2} s = {:.0} rows/s", n as f64 / secs);
    let mut file = std::env::var("BILLOPS_BENCH_OUT").ok().map(|f| std::fs::File::create(f).unwrap());
    if let Some(f) = &mut file {
        writeln!(f, "{label} import {n} rows {secs:.3} s").unwrap();
    }
    // drill-down steps on the imported month
    s.add_customer(&crate::parties::customer("ACME"), &actor("bench", 3)).await.unwrap();
    type Step = (&'static str, Vec<(Dim, String)>, Vec<Dim>);
    let steps: Vec<Step> = vec![
        ("customer", vec![], vec![Dim::Customer]),
        ("service", vec![(Dim::Customer, billops_store::UNASSIGNED.into())], vec![Dim::Service]),
        (
            "product",
            vec![(Dim::Customer, billops_store::UNASSIGNED.into()), (Dim::Service, "Amazon Service 3".into())],
            vec![Dim::Product],
        ),
        (
            "component",
            vec![
                (Dim::Customer, billops_store::UNASSIGNED.into()),
                (Dim::Service, "Amazon Service 3".into()),
                (Dim::Product, "product-1".into()),
            ],
            vec![Dim::Component],
        ),
        ("account", vec![], vec![Dim::Account]),
        ("resource", vec![(Dim::Service, "Amazon Service 3".into())], vec![Dim::Resource]),
    ];
    for (name, filters, by) in steps {
        let q = CostQuery { from: p("2026-05"), to: p("2026-05"), filters, by, basis: CostBasis::Billed };
        s.costs(&q).await.unwrap();
        let t = Instant::now();
        let rows = s.costs(&q).await.unwrap();
        let ms = t.elapsed().as_secs_f64() * 1000.0;
        eprintln!("{label}: drill {name}: {} rows in {ms:.1} ms", rows.len());
    }
    let t = Instant::now();
    s.assign_account(
        &format!("{:012}", 500_007),
        "ACME",
        chrono::NaiveDate::from_ymd_opt(2026, 5, 10).unwrap(),
        &actor("bench", 3),
    )
    .await
    .unwrap();
    eprintln!("{label}: assign one account mid-month: {:.0} ms", t.elapsed().as_secs_f64() * 1000.0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "benchmark: run in release with --ignored"]
async fn bench_import_sqlite() {
    crate::support::run_sqlite(|s| bench(s, "sqlite")).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "benchmark: run in release with --ignored"]
async fn bench_import_postgres() {
    crate::support::run_pg("bench_import_postgres", |s| bench(s, "postgres")).await;
}
