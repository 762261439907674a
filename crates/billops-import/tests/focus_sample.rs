//! The shared FOCUS 1.2 sample: totals per (account, service) equal an independent exact sum
//! (scripts/focus_totals.py, Python decimal) group by group.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod common;

use std::collections::BTreeMap;

use billops_domain::{ChargeCategory, IssueKind, Severity};
use billops_import::Format;
use common::{assert_accounted, dec, fixture, read};
use rust_decimal::Decimal;

#[derive(Default, Debug, PartialEq)]
struct Sums {
    rows: u64,
    billed: Decimal,
    effective: Decimal,
    list: Decimal,
}

#[test]
fn focus_sample_totals_equal_the_independent_exact_sums() {
    let src = billops_import::Source { path: fixture("focus/aws-focus-1.2-sample.csv"), entry: None };
    let (r, s) = read(&src);
    assert_eq!(s.format, Format::Focus);
    assert_eq!((s.rows, s.quarantined), (3000, 0), "{:?}", r.bad.first());
    assert_accounted(&r, &s);

    let mut got: BTreeMap<(String, String), Sums> = BTreeMap::new();
    for i in &r.items {
        let g = got.entry((i.account.clone(), i.service.clone())).or_default();
        g.rows += 1;
        g.billed += i.billed;
        g.effective += i.effective;
        g.list += i.list;
    }
    let expected_text = std::fs::read_to_string(fixture("expected/focus-sample-totals.csv")).unwrap();
    let mut expected: BTreeMap<(String, String), Sums> = BTreeMap::new();
    let mut total = None;
    for line in expected_text.lines().skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        let sums = Sums { rows: f[2].parse().unwrap(), billed: dec(f[3]), effective: dec(f[4]), list: dec(f[5]) };
        if f[0] == "*" {
            total = Some(sums);
        } else {
            expected.insert((f[0].to_string(), f[1].to_string()), sums);
        }
    }
    assert_eq!(got.len(), expected.len());
    for (k, e) in &expected {
        assert_eq!(got.get(k), Some(e), "group {k:?}");
    }
    let total = total.unwrap();
    let billed: Decimal = r.items.iter().map(|i| i.billed).sum();
    assert_eq!(billed, total.billed);
    assert_eq!(billed, dec("63519.851716344548750"));

    let cats: BTreeMap<ChargeCategory, usize> = r.items.iter().fold(BTreeMap::new(), |mut m, i| {
        *m.entry(i.charge_category).or_default() += 1;
        m
    });
    assert_eq!(
        cats.into_iter().collect::<Vec<_>>(),
        [(ChargeCategory::Usage, 2229), (ChargeCategory::Purchase, 629), (ChargeCategory::Tax, 142)]
    );
    assert!(r.items.iter().all(|i| i.period.to_string() == "2026-05"));
    assert!(r.issues.iter().all(|i| i.severity != Severity::Error), "{:?}", r.issues);
    assert!(r.issues_of(IssueKind::OtherPeriod).is_empty());
}
