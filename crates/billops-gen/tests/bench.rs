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
    let spec = BenchSpec { accounts: 7, customers: 3, ..BenchSpec::new(FileFormat::Cur2, 3_000, 5) };
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

#[test]
fn high_cardinality_has_a_resource_per_few_rows_and_a_long_tail_of_tags() {
    let spec =
        BenchSpec { accounts: 30, customers: 6, high_cardinality: true, ..BenchSpec::new(FileFormat::Cur, 40_000, 3) };
    let (mut a, mut b) = (Vec::new(), Vec::new());
    let high = billops_gen::write_bench_stats(&spec, &mut a).unwrap();
    billops_gen::write_bench_spec(&spec, &mut b).unwrap();
    assert_eq!(a, b, "counting changes nothing written, and the file is deterministic");
    let low = billops_gen::write_bench_stats(&BenchSpec { high_cardinality: false, ..spec }, &mut Vec::new()).unwrap();
    assert_eq!((high.rows, high.accounts), (40_000, 30));
    // About one distinct resource per 5–20 usage rows.
    assert!((40_000 / 20..=40_000 / 5).contains(&(high.resources as u64)), "{high:?}");
    assert!(high.resources > 3 * low.resources, "{high:?} vs {low:?}");
    assert!(high.products > 200 && high.components > 50, "{high:?}");
    // Tags belong to resources: the rows of a resource carry one product and component. (An EKS cluster's ARN is
    // shared by its cluster-hours and Fargate meters, tagged with different components: about 1% more.)
    assert!(high.resource_tags * 100 <= high.resources * 102, "{high:?}");
    assert!(low.resource_tags * 100 <= low.resources * 102, "{low:?}");
}
