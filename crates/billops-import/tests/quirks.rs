//! One test per quirk real exports show (fixtures in fixtures/quirks/).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod common;

use billops_domain::{ChargeCategory, IssueKind, UNTAGGED};
use common::{assert_accounted, dec, quirk, read};

#[test]
fn utf8_bom_is_stripped_from_the_header() {
    let bytes = std::fs::read(quirk("bom.csv").path).unwrap();
    assert!(bytes.starts_with(b"\xef\xbb\xbf"));
    let (r, s) = read(&quirk("bom.csv"));
    assert_eq!((s.rows, s.quarantined), (1, 0));
    assert_eq!(r.items[0].payer, "111111111111");
    assert_eq!(r.items[0].billed, dec("1.5"));
    // The hash is of the content as stored, BOM included.
    assert_eq!(s.content_hash, blake3::hash(&bytes).to_hex().to_string());
}

#[test]
fn crlf_line_endings() {
    let bytes = std::fs::read(quirk("crlf.csv").path).unwrap();
    assert!(bytes.windows(2).any(|w| w == b"\r\n"));
    let (r, s) = read(&quirk("crlf.csv"));
    assert_accounted(&r, &s);
    assert_eq!((s.rows, s.quarantined), (2, 0));
    assert_eq!(r.items[1].product, "shop");
    assert_eq!(r.items[1].billed, dec("2.25"));
    assert_eq!(r.items[1].source_line, 3);
}

#[test]
fn quoted_commas_quotes_and_newlines() {
    let (r, s) = read(&quirk("quoted.csv"));
    assert_accounted(&r, &s);
    assert_eq!((s.rows, s.quarantined), (3, 1));
    assert_eq!(r.items[0].resource_id, "i-1,with,commas");
    assert_eq!(r.items[0].product, "shop, \"the\" best");
    assert_eq!(r.items[1].resource_id, "multi\nline");
    assert_eq!(r.items[1].source_line, 3);
    // The record after a quoted newline starts on line 5, and its raw text is re-quoted CSV.
    let b = &r.bad[0];
    assert_eq!((b.line, b.column, b.column_name.as_str(), b.value.as_str()), (5, 10, "lineItem/UnblendedCost", "oops"));
    assert!(b.raw.contains(",i-3,1,oops,"), "{}", b.raw);
}

#[test]
fn e_notation_money_is_exact() {
    let (r, s) = read(&quirk("enotation.csv"));
    assert_eq!((s.rows, s.quarantined), (2, 0));
    assert_eq!(r.items[0].billed, dec("0.0000000181"));
    assert_eq!(r.items[0].list, dec("0.0000564902"));
    assert_eq!(r.items[0].quantity, Some(dec("100")));
    // Net unblended in E-notation wins over unblended.
    assert_eq!(r.items[1].billed, dec("45"));
    assert_eq!(r.items[1].quantity, Some(dec("2500")));
}

#[test]
fn null_spellings_are_missing_values() {
    let (r, s) = read(&quirk("nulls.csv"));
    assert_eq!((s.rows, s.quarantined), (7, 0));
    for (i, item) in r.items.iter().enumerate() {
        let expected = rust_decimal::Decimal::from(i + 1);
        // Null net unblended -> unblended; null list -> billed; null quantity -> None; null tag -> untagged.
        assert_eq!((item.billed, item.list, item.effective), (expected, expected, expected), "row {i}");
        assert_eq!(item.quantity, None, "row {i}");
        assert_eq!(item.product, UNTAGGED, "row {i}");
    }
    assert!(r.issues_of(IssueKind::MissingTags)[0].message.starts_with("7 rows"));
}

#[test]
fn timestamp_spellings_are_utc() {
    let (r, s) = read(&quirk("timestamps.csv"));
    assert_eq!((s.rows, s.quarantined), (8, 0), "{:?}", r.bad);
    let days: Vec<String> = r.items.iter().map(|i| i.usage_date.to_string()).collect();
    // The last one is 23:30 at -02:00, i.e. 01:30 UTC the next day.
    assert_eq!(
        days,
        [
            "2024-09-01",
            "2024-09-02",
            "2024-09-03",
            "2024-09-04",
            "2024-09-05",
            "2024-09-06",
            "2024-09-07",
            "2024-09-09"
        ]
    );
    assert!(r.items.iter().all(|i| i.period.to_string() == "2024-09"));
    assert!(r.issues_of(IssueKind::OtherPeriod).is_empty());
}

#[test]
fn period_ends_inclusive_or_exclusive() {
    let (r, s) = read(&quirk("period_ends.csv"));
    assert_eq!((s.rows, s.quarantined), (3, 0), "{:?}", r.bad);
    assert!(r.items.iter().all(|i| i.period.to_string() == "2024-09"));
    assert_eq!(r.items[1].usage_date.to_string(), "2024-09-30");
}

#[test]
fn blank_lines_are_skipped_and_not_counted() {
    let (r, s) = read(&quirk("blank_lines.csv"));
    assert_accounted(&r, &s);
    assert_eq!((s.rows, s.quarantined), (2, 0), "{:?}", r.bad);
    // Lines are still the file's own: header on 2, rows on 4 and 7.
    assert_eq!(r.items.iter().map(|i| i.source_line).collect::<Vec<_>>(), [4, 7]);
}

#[test]
fn enum_values_in_any_case() {
    let (r, s) = read(&quirk("enum_case.csv"));
    assert_eq!((s.rows, s.quarantined), (10, 0));
    use ChargeCategory::*;
    let cats: Vec<ChargeCategory> = r.items.iter().map(|i| i.charge_category).collect();
    assert_eq!(cats, [Usage, Usage, Usage, Usage, Purchase, Tax, Credit, Refund, Adjustment, Usage]);
    // savingsplannegation in capitals still zeroes the effective cost.
    assert_eq!(r.items[3].effective, dec("0"));
    assert!(r.issues.iter().all(|i| i.kind != IssueKind::BadValue), "{:?}", r.issues);
}
