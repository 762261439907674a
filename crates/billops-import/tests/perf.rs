//! Throughput on a synthetic 1M-row CUR file (ignored by default):
//! `cargo test -p billops-import --release --test perf -- --ignored --nocapture`
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::{BufWriter, Write};
use std::time::Instant;

use billops_import::{Event, Source, TagConfig, read_source};
use rust_decimal::Decimal;

const HEADER: &str = "identity/LineItemId,identity/TimeInterval,bill/InvoiceId,bill/BillingEntity,bill/BillType,bill/PayerAccountId,bill/PayerAccountName,bill/BillingPeriodStartDate,bill/BillingPeriodEndDate,lineItem/UsageAccountId,lineItem/UsageAccountName,lineItem/LineItemType,lineItem/UsageStartDate,lineItem/UsageEndDate,lineItem/ProductCode,lineItem/UsageType,lineItem/Operation,lineItem/AvailabilityZone,lineItem/ResourceId,lineItem/UsageAmount,pricing/unit,lineItem/CurrencyCode,lineItem/UnblendedRate,lineItem/UnblendedCost,lineItem/NetUnblendedCost,lineItem/LineItemDescription,pricing/publicOnDemandCost,product/region,reservation/EffectiveCost,savingsPlan/SavingsPlanEffectiveCost,resourceTags/user:product,resourceTags/user:component,resourceTags/user:Owner";

fn generate(path: &std::path::Path, rows: u64) -> u64 {
    let mut w = BufWriter::with_capacity(1 << 20, std::fs::File::create(path).unwrap());
    writeln!(w, "{HEADER}").unwrap();
    let services = ["AmazonEC2", "AmazonS3", "AmazonRDS", "AWSLambda", "AmazonCloudWatch"];
    let types = ["Usage", "Usage", "Usage", "DiscountedUsage", "SavingsPlanCoveredUsage", "Tax"];
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    for i in 0..rows {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let day = 1 + (i * 30 / rows);
        let svc = services[(x % 5) as usize];
        let kind = types[((x >> 8) % 6) as usize];
        let cents = x % 1_000_000;
        writeln!(
            w,
            "li-{i:012},2024-09-{day:02}T00:00:00Z/2024-09-{day:02}T01:00:00Z,INV-1,AWS,Anniversary,111111111111,Payer One,2024-09-01T00:00:00Z,2024-10-01T00:00:00Z,{acct},acct-{acct},{kind},2024-09-{day:02}T00:00:00Z,2024-09-{day:02}T01:00:00Z,{svc},USE1-BoxUsage:m5.large,RunInstances,us-east-1a,arn:aws:ec2:us-east-1:{acct}:instance/i-{x:016x},1.0000000000,Hrs,USD,0.0960000000,{u}.{c:06},,\"$0.096 per On Demand Linux m5.large Instance Hour\",{u}.{c:06}1234,us-east-1,{u}.{c:06},,{prod},{comp},team-{o}",
            acct = 200_000_000_000 + (x >> 20) % 40,
            u = cents / 1000,
            c = (x >> 3) % 1_000_000,
            prod = if x.is_multiple_of(7) { String::new() } else { format!("product-{}", (x >> 30) % 20) },
            comp = if x.is_multiple_of(5) { "" } else { "web" },
            o = (x >> 40) % 9,
        )
        .unwrap();
    }
    w.flush().unwrap();
    std::fs::metadata(path).unwrap().len()
}

/// CPU time of this thread in seconds (robust to other load on the machine), from /proc.
fn thread_cpu_secs() -> f64 {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next().and_then(|n| n.parse::<u64>().ok()))
        .map_or(0.0, |ns| ns as f64 / 1e9)
}

fn peak_rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with("VmHWM:")).map(String::from))
        .and_then(|l| l.split_whitespace().nth(1).and_then(|n| n.parse().ok()))
        .unwrap_or(0)
}

#[test]
#[ignore = "benchmark: run with --release -- --ignored --nocapture"]
fn one_million_cur_rows() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cur-1m.csv");
    let n = 1_000_000;
    let bytes = generate(&path, n);
    let rss_before = peak_rss_kib();
    let src = Source { path, entry: None };
    let started = Instant::now();
    let cpu0 = thread_cpu_secs();
    let (mut items, mut bad, mut issues) = (0u64, 0u64, 0u64);
    let mut total = Decimal::ZERO;
    let summary = read_source(&src, &TagConfig::default(), &mut |e| {
        match e {
            Event::Item(i) => {
                items += 1;
                total += i.billed;
            }
            Event::Bad(_) => bad += 1,
            Event::Issue(_) => issues += 1,
            Event::Partner(_) => {}
        }
        true
    })
    .unwrap();
    let secs = started.elapsed().as_secs_f64();
    let cpu = thread_cpu_secs() - cpu0;
    assert_eq!((summary.rows, items, bad), (n, n, 0));
    println!(
        "{n} CUR rows, {:.0} MB: {secs:.2} s wall = {:.0} rows/s ({:.0} rows per CPU second), {:.0} MB/s; billed total {total}; {issues} issues; peak RSS {} MiB (before read {} MiB)",
        bytes as f64 / 1e6,
        n as f64 / secs,
        n as f64 / cpu,
        bytes as f64 / 1e6 / secs,
        peak_rss_kib() / 1024,
        rss_before / 1024
    );
}

#[test]
#[ignore = "benchmark: run with --release -- --ignored --nocapture"]
fn focus_sample_repeated_to_900k_rows() {
    let sample = std::fs::read_to_string(
        std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/focus/aws-focus-1.2-sample.csv"),
    )
    .unwrap();
    let (header, body) = sample.split_once('\n').unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("focus-900k.csv");
    let mut w = BufWriter::with_capacity(1 << 20, std::fs::File::create(&path).unwrap());
    writeln!(w, "{header}").unwrap();
    for _ in 0..300 {
        w.write_all(body.as_bytes()).unwrap();
    }
    w.flush().unwrap();
    let bytes = std::fs::metadata(&path).unwrap().len();
    let started = Instant::now();
    let cpu0 = thread_cpu_secs();
    let mut total = Decimal::ZERO;
    let summary = read_source(&Source { path, entry: None }, &TagConfig::default(), &mut |e| {
        if let Event::Item(i) = e {
            total += i.billed;
        }
        true
    })
    .unwrap();
    let secs = started.elapsed().as_secs_f64();
    let cpu = thread_cpu_secs() - cpu0;
    assert_eq!((summary.rows, summary.quarantined), (900_000, 0));
    assert_eq!(total, "19055955.5149033646250000".parse::<Decimal>().unwrap());
    println!(
        "900000 FOCUS rows (57 columns, JSON tags), {:.0} MB: {secs:.2} s wall = {:.0} rows/s ({:.0} rows per CPU second); peak RSS {} MiB",
        bytes as f64 / 1e6,
        900_000.0 / secs,
        900_000.0 / cpu,
        peak_rss_kib() / 1024
    );
}

/// As [`one_million_cur_rows`], read as `billops import` reads: real limits and the run's duplicate check.
#[test]
#[ignore = "benchmark: run with --release -- --ignored --nocapture"]
fn one_million_cur_rows_with_duplicate_check() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cur-1m.csv");
    let n = 1_000_000;
    let bytes = generate(&path, n);
    let rss_before = peak_rss_kib();
    let src = Source { path, entry: None };
    let started = Instant::now();
    let cpu0 = thread_cpu_secs();
    let mut dedup = billops_import::Dedup::new();
    dedup.begin_file(&src.display_name());
    let (mut items, mut bad) = (0u64, 0u64);
    let opts = billops_import::ReadOptions::default();
    let summary = billops_import::read_source_opts(&src, &opts, Some(&mut dedup), &mut |_| {}, &mut |e| {
        match e {
            Event::Item(_) => items += 1,
            Event::Bad(_) => bad += 1,
            Event::Issue(_) => {}
            Event::Partner(_) => {}
        }
        true
    })
    .unwrap();
    let secs = started.elapsed().as_secs_f64();
    let cpu = thread_cpu_secs() - cpu0;
    assert_eq!((summary.rows, items, bad), (n, n, 0));
    println!(
        "{n} CUR rows, {:.0} MB, with the duplicate check: {secs:.2} s wall = {:.0} rows/s ({:.0} rows per CPU second); peak RSS {} MiB (before read {} MiB)",
        bytes as f64 / 1e6,
        n as f64 / secs,
        n as f64 / cpu,
        peak_rss_kib() / 1024,
        rss_before / 1024
    );
}

/// The duplicate check alone at its production budgets, on N distinct random keys (default 30M, as a 30M-row
/// month; `BILLOPS_BENCH_KEYS`), with the filter's k following the load and with k fixed at 7 (before session
/// 15): wall time, and how many keys the full filter let through to read the spilled runs. Spill files go to
/// TMPDIR (about 24 bytes a key, merged a few times). `BILLOPS_BENCH_FAN_IN=2,4` also times other merge widths (2 is the default).
/// `cargo test -p billops-import --release --test perf dedup_keys -- --ignored --nocapture`
#[test]
#[ignore = "benchmark: run with --release -- --ignored --nocapture"]
fn dedup_keys_at_the_production_budget() {
    let n: u64 = std::env::var("BILLOPS_BENCH_KEYS").ok().and_then(|v| v.parse().ok()).unwrap_or(30_000_000);
    let fan_ins: Vec<usize> = std::env::var("BILLOPS_BENCH_FAN_IN")
        .ok()
        .map(|v| v.split(',').filter_map(|n| n.trim().parse().ok()).collect())
        .unwrap_or_else(|| vec![2]);
    for (fixed, fan_in) in fan_ins.iter().map(|&f| (false, f)).chain([(true, 4)]) {
        let mut d = billops_import::Dedup::new().with_fan_in(fan_in);
        if fixed {
            d = d.with_fixed_k();
        }
        d.begin_file("keys");
        let mut x: u64 = 0x2545_F491_4F6C_DD1D;
        let mut next = move || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        let started = Instant::now();
        let cpu0 = thread_cpu_secs();
        for i in 0..n {
            let key = [next(), next()];
            assert!(!d.check_key(key, i as u32).unwrap(), "key {i} taken for a duplicate");
        }
        let s = d.stats();
        println!(
            "{n} keys, runs merged {fan_in} at a time, k {}: {:.1} s wall, {:.1} s CPU; maybes {} ({:.1}%), run reads {}, runs {}, filter {} KiB (k now {}), rebuilds {}",
            if fixed { "fixed at 7" } else { "following the load" },
            started.elapsed().as_secs_f64(),
            thread_cpu_secs() - cpu0,
            s.maybes,
            s.maybes as f64 * 100.0 / n as f64,
            s.run_reads,
            s.runs,
            s.bloom_bytes >> 10,
            s.bloom_k,
            s.rebuilds
        );
        assert_eq!((s.keys, s.spilled), (n, n - n % billops_import::Dedup::MEMORY_KEYS as u64));
    }
}
