//! Benchmark files: deterministic per seed, exactly the requested rows, the contract's columns.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;

use billops_domain::parse_decimal;
use billops_gen::{BenchSpec, CUR_COLUMNS, CUR2_COLUMNS, FOCUS_COLUMNS, FileFormat, write_bench, write_bench_spec};

fn bench(format: FileFormat, rows: u64, seed: u64) -> Vec<u8> {
    let mut out = Vec::new();
    write_bench(format, rows, seed, &mut out).unwrap();
    out
}

#[test]
fn bench_output_is_deterministic_and_has_the_requested_rows() {
    for format in FileFormat::ALL {
        let a = bench(format, 5_000, 42);
        assert_eq!(a, bench(format, 5_000, 42), "{format}");
        assert_ne!(a, bench(format, 5_000, 43), "{format}");
        let mut reader = csv::Reader::from_reader(a.as_slice());
        let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
        let expected: &[&str] = match format {
            FileFormat::Cur => &CUR_COLUMNS,
            FileFormat::Cur2 => &CUR2_COLUMNS,
            FileFormat::Focus => &FOCUS_COLUMNS,
        };
        assert_eq!(header, expected, "{format}");
        let billed = header.iter().position(|h| h == format.billed_column()).unwrap();
        let mut n = 0;
        for rec in reader.records() {
            let rec = rec.unwrap();
            assert_eq!(rec.len(), header.len());
            parse_decimal(&rec[billed]).unwrap();
            n += 1;
        }
        assert_eq!(n, 5_000, "{format}");
        assert_eq!(bench(format, 0, 1).iter().filter(|b| **b == b'\n').count(), 1, "header only");
    }
}

#[test]
fn bench_spec_honours_accounts() {
    let spec = BenchSpec { format: FileFormat::Cur2, rows: 3_000, seed: 5, accounts: 7, customers: 3 };
    let mut out = Vec::new();
    write_bench_spec(&spec, &mut out).unwrap();
    let mut reader = csv::Reader::from_reader(out.as_slice());
    let col = reader.headers().unwrap().iter().position(|h| h == "line_item_usage_account_id").unwrap();
    let accounts: std::collections::BTreeSet<String> = reader.records().map(|r| r.unwrap()[col].to_string()).collect();
    assert_eq!(accounts.len(), 7);
}

#[test]
fn focus_columns_match_the_aws_sample_fixture() {
    // fixtures/focus/README.md says where the sample comes from; tests read only what the repository holds.
    let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/focus/aws-focus-1.2-sample.csv");
    let text = std::fs::read_to_string(&sample).unwrap_or_else(|e| panic!("{}: {e}", sample.display()));
    let header: Vec<&str> = text.lines().next().unwrap().split(',').collect();
    assert_eq!(header, FOCUS_COLUMNS);
}
