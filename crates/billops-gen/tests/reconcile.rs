//! The manifest's totals against an independent re-reading of the committed CSVs (csv crate + exact
//! decimal parsing; nothing from the generator's memory).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeMap;
use std::fs::{self, File};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use billops_domain::parse_decimal;
use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde_json::Value;

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/demo")
}

fn dec(v: &Value) -> Decimal {
    Decimal::from_str(v.as_str().unwrap()).unwrap()
}

fn content(dir: &Path, f: &Value) -> String {
    let path = dir.join(f["name"].as_str().unwrap());
    let mut text = String::new();
    match f["compression"].as_str().unwrap() {
        "zip" => {
            let mut zip = zip::ZipArchive::new(File::open(path).unwrap()).unwrap();
            assert_eq!(zip.len(), 1);
            let mut entry = zip.by_name(f["entry"].as_str().unwrap()).unwrap();
            entry.read_to_string(&mut text).unwrap();
        }
        "gzip" => {
            flate2::read::GzDecoder::new(File::open(path).unwrap()).read_to_string(&mut text).unwrap();
        }
        other => panic!("compression {other}"),
    }
    text
}

/// (account, customer, from) rows of accounts.csv.
fn assignments(dir: &Path) -> Vec<(String, String, NaiveDate)> {
    let mut r = csv::Reader::from_path(dir.join("accounts.csv")).unwrap();
    r.records()
        .map(|rec| {
            let rec = rec.unwrap();
            (rec[0].to_string(), rec[3].to_string(), rec[4].parse().unwrap())
        })
        .collect()
}

fn owner(assign: &[(String, String, NaiveDate)], account: &str, day: NaiveDate) -> String {
    assign
        .iter()
        .filter(|(a, _, from)| a == account && *from <= day)
        .max_by_key(|(_, _, from)| *from)
        .map_or_else(|| "(unassigned)".to_string(), |(_, c, _)| c.clone())
}

#[test]
fn manifest_totals_equal_an_independent_re_sum_of_the_files() {
    let dir = dir();
    let manifest: Value = serde_json::from_str(&fs::read_to_string(dir.join("manifest.json")).unwrap()).unwrap();
    let assign = assignments(&dir);
    let mut per_period: BTreeMap<String, Decimal> = BTreeMap::new();
    let mut per_customer: BTreeMap<(String, String), Decimal> = BTreeMap::new();
    let mut bad = Vec::new();
    let mut total = Decimal::ZERO;
    for f in manifest["files"].as_array().unwrap() {
        let name = f["name"].as_str().unwrap();
        let text = content(&dir, f);
        assert_eq!(blake3::hash(text.as_bytes()).to_hex().as_str(), f["content_blake3"].as_str().unwrap());
        let mut reader = csv::Reader::from_reader(text.as_bytes());
        let header = reader.headers().unwrap().clone();
        let col = |n: &str| header.iter().position(|h| h == n).unwrap_or_else(|| panic!("{name}: no {n}"));
        // Format from the header, not from the manifest.
        let (billed, account, start, period, invoice, format) = match &header[0] {
            "identity/LineItemId" => (
                col("lineItem/NetUnblendedCost"),
                col("lineItem/UsageAccountId"),
                col("lineItem/UsageStartDate"),
                col("bill/BillingPeriodStartDate"),
                col("bill/InvoiceId"),
                "cur",
            ),
            "identity_line_item_id" => (
                col("line_item_net_unblended_cost"),
                col("line_item_usage_account_id"),
                col("line_item_usage_start_date"),
                col("bill_billing_period_start_date"),
                col("bill_invoice_id"),
                "cur2",
            ),
            "ProviderName" => (
                col("BilledCost"),
                col("SubAccountId"),
                col("ChargePeriodStart"),
                col("BillingPeriodStart"),
                col("InvoiceId"),
                "focus",
            ),
            other => panic!("{name}: unknown header {other}"),
        };
        assert_eq!(f["format"].as_str().unwrap(), format, "{name}");
        let (mut sum, mut rows) = (Decimal::ZERO, 0u64);
        let mut customers: BTreeMap<String, Decimal> = BTreeMap::new();
        for rec in reader.records() {
            let rec = rec.unwrap();
            rows += 1;
            assert_eq!(rec.len(), header.len(), "{name} line {}", rec.position().unwrap().line());
            let p = rec[period][..7].to_string();
            assert_eq!(p, f["period"].as_str().unwrap());
            assert_eq!(&rec[invoice], f["invoice_id"].as_str().unwrap(), "{name}");
            let Ok(v) = parse_decimal(&rec[billed]) else {
                bad.push((name.to_string(), rec.position().unwrap().line(), rec[billed].to_string()));
                continue;
            };
            let day: NaiveDate = rec[start][..10].parse().unwrap();
            let who = owner(&assign, &rec[account], day);
            sum += v;
            *customers.entry(who.clone()).or_default() += v;
            *per_customer.entry((who, p.clone())).or_default() += v;
            *per_period.entry(p).or_default() += v;
        }
        assert_eq!(rows, f["rows"].as_u64().unwrap(), "{name}");
        assert_eq!(sum, dec(&f["billed"]), "{name}");
        let listed: BTreeMap<String, Decimal> =
            f["customers"].as_object().unwrap().iter().map(|(k, v)| (k.clone(), dec(v))).collect();
        assert_eq!(customers, listed, "{name}");
        total += sum;
    }
    assert_eq!(total, dec(&manifest["total_billed"]));
    for p in manifest["periods"].as_array().unwrap() {
        assert_eq!(per_period[p["period"].as_str().unwrap()], dec(&p["billed"]));
    }
    let listed: BTreeMap<(String, String), Decimal> = manifest["customer_periods"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                (c["customer"].as_str().unwrap().to_string(), c["period"].as_str().unwrap().to_string()),
                dec(&c["billed"]),
            )
        })
        .collect();
    assert_eq!(per_customer, listed);
    // Exactly one bad row, where the manifest says.
    assert_eq!(bad.len(), 1, "{bad:?}");
    let b = &manifest["bad_rows"][0];
    assert_eq!(bad[0], (b["file"].as_str().unwrap().to_string(), b["line"].as_u64().unwrap(), "12.3.4".to_string()));
    // The unassigned account has cost and the moved account's cost is split between two customers.
    assert!(per_customer.keys().any(|(c, _)| c == "(unassigned)"));
}

#[test]
fn costs_carry_ten_to_fifteen_decimals_and_credits_are_negative() {
    let dir = dir();
    let manifest: Value = serde_json::from_str(&fs::read_to_string(dir.join("manifest.json")).unwrap()).unwrap();
    let (mut long, mut all, mut negative) = (0u64, 0u64, 0u64);
    for f in manifest["files"].as_array().unwrap() {
        let text = content(&dir, f);
        let mut reader = csv::Reader::from_reader(text.as_bytes());
        let header = reader.headers().unwrap().clone();
        let billed = header
            .iter()
            .position(|h| ["lineItem/NetUnblendedCost", "line_item_net_unblended_cost", "BilledCost"].contains(&h))
            .unwrap();
        for rec in reader.records() {
            let rec = rec.unwrap();
            let text = &rec[billed];
            let decimals = text.split_once('.').map_or(0, |(_, d)| d.len());
            assert!(decimals <= 15, "{text}");
            all += 1;
            if (10..=15).contains(&decimals) {
                long += 1;
            }
            if text.starts_with('-') {
                negative += 1;
            }
        }
    }
    assert!(long * 100 / all >= 80, "{long} of {all} costs have 10-15 decimals");
    assert!(negative > 12, "credits, refund and negations: {negative}");
}
