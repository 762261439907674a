//! Quarantine with file/line/column, data-feed issues after the rows, and refusals of whole files.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod common;

use billops_domain::{IssueKind, Severity};
use billops_import::{Event, RefuseError, Source, TagConfig, read_source, read_source_with_progress, source_size};
use common::{assert_accounted, quirk, read, try_read_with};

#[test]
fn bad_rows_are_quarantined_with_line_and_column() {
    let src = quirk("bad_rows.csv");
    let (r, s) = read(&src);
    assert_accounted(&r, &s);
    assert_eq!((s.rows, s.quarantined), (8, 6));
    assert_eq!(r.items.iter().map(|i| i.source_line).collect::<Vec<_>>(), [2, 7]);
    assert_eq!(r.order, "ibbbbibbsssss");
    let got: Vec<(u64, u32, &str, &str)> =
        r.bad.iter().map(|b| (b.line, b.column, b.column_name.as_str(), b.value.as_str())).collect();
    assert_eq!(
        got,
        [
            (3, 10, "lineItem/UnblendedCost", "12..5"),
            (4, 6, "lineItem/UsageStartDate", "2024-13-01T00:00:00Z"),
            (5, 1, "bill/PayerAccountId", ""),
            (6, 0, "", ""),
            (8, 10, "lineItem/UnblendedCost", "NULL"),
            (9, 10, "lineItem/UnblendedCost", "$3"),
        ]
    );
    let b = &r.bad[0];
    assert_eq!(b.file, src.display_name());
    assert!(b.reason.contains("not a number"), "{}", b.reason);
    assert!(b.location().ends_with("bad_rows.csv:3:10"), "{}", b.location());
    assert_eq!(
        b.raw,
        "111111111111,2024-09-01T00:00:00Z,2024-10-01T00:00:00Z,222222222222,Usage,2024-09-01T00:00:00Z,AmazonEC2,i-2,1,12..5,,,shop"
    );
    assert!(r.bad[3].reason.contains("12 fields"), "{}", r.bad[3].reason);
    assert!(r.bad[5].raw.contains("\"i-8,x\""), "{}", r.bad[5].raw);

    // One issue per (kind, column), with the count and the first line/column.
    let issues: Vec<(IssueKind, Option<&str>, Option<u64>)> = r
        .issues
        .iter()
        .filter(|i| i.severity == Severity::Error)
        .map(|i| (i.kind, i.column.as_deref(), i.line))
        .collect();
    assert_eq!(
        issues,
        [
            (IssueKind::BadValue, None, Some(6)),
            (IssueKind::BadValue, Some("lineItem/UnblendedCost"), Some(3)),
            (IssueKind::BadValue, Some("lineItem/UsageStartDate"), Some(4)),
            (IssueKind::MissingValue, Some("bill/PayerAccountId"), Some(5)),
            (IssueKind::MissingValue, Some("lineItem/UnblendedCost"), Some(8)),
        ]
    );
    let cost = &r.issues.iter().find(|i| i.column.as_deref() == Some("lineItem/UnblendedCost")).unwrap();
    assert!(cost.message.starts_with("2 rows"), "{}", cost.message);
    assert!(cost.message.contains("line 3, column 10"), "{}", cost.message);
    assert!(r.issues.iter().all(|i| i.file.as_deref() == Some(src.display_name().as_str())));
}

#[test]
fn gaps_and_other_periods_are_raised_after_the_rows() {
    let (r, s) = read(&quirk("gaps_periods.csv"));
    assert_accounted(&r, &s);
    assert_eq!((s.rows, s.quarantined), (7, 0));
    // The row of another period keeps its own period.
    assert_eq!(r.items[6].period.to_string(), "2024-08");
    let other = r.issues_of(IssueKind::OtherPeriod);
    assert_eq!(other.len(), 1);
    assert_eq!(other[0].severity, Severity::Warning);
    assert_eq!(other[0].period.map(|p| p.to_string()).as_deref(), Some("2024-09"));
    assert!(other[0].message.contains("1 row") && other[0].message.contains("2024-08 (1)"), "{}", other[0].message);
    let gaps = r.issues_of(IssueKind::Gap);
    assert_eq!(gaps.len(), 1, "{gaps:?}");
    assert_eq!(gaps[0].payer.as_deref(), Some("111111111111"));
    assert_eq!(gaps[0].period.map(|p| p.to_string()).as_deref(), Some("2024-09"));
    assert!(gaps[0].message.contains("2 days of 2024-09: 2024-09-03..2024-09-04"), "{}", gaps[0].message);
    let untagged = r.issues_of(IssueKind::MissingTags);
    assert!(untagged[0].message.starts_with("3 rows"), "{}", untagged[0].message);
}

#[test]
fn unknown_header_is_refused_before_any_event() {
    let src = quirk("unknown_header.csv");
    let mut events = 0;
    let err = read_source(&src, &TagConfig::default(), &mut |_| {
        events += 1;
        true
    })
    .unwrap_err();
    assert_eq!(events, 0);
    let RefuseError::UnknownFormat { file, header } = &err else { panic!("{err:?}") };
    assert!(file.ends_with("unknown_header.csv"));
    assert_eq!(header, "Date,Account,Amount");
    let msg = err.to_string();
    assert!(msg.contains("unknown_header.csv") && msg.contains("Date,Account,Amount"), "{msg}");
}

#[test]
fn binary_content_is_refused_as_not_csv() {
    let err = try_read_with(&quirk("binary.csv"), &TagConfig::default()).unwrap_err();
    assert!(matches!(err, RefuseError::NotCsv { .. }), "{err:?}");
    assert!(err.to_string().contains("binary"), "{err}");

    let dir = tempfile::tempdir().unwrap();
    let latin1 = dir.path().join("latin1.csv");
    std::fs::write(&latin1, b"bill/PayerAccountId,lineItem/UnblendedCost\nCaf\xe9,1\n").unwrap();
    let err = try_read_with(&Source { path: latin1, entry: None }, &TagConfig::default()).unwrap_err();
    assert!(err.to_string().contains("not UTF-8"), "{err}");

    let empty = dir.path().join("empty.csv");
    std::fs::write(&empty, b"").unwrap();
    let err = try_read_with(&Source { path: empty, entry: None }, &TagConfig::default()).unwrap_err();
    assert!(matches!(err, RefuseError::UnknownFormat { .. }), "{err:?}");
}

#[test]
fn a_known_format_without_required_columns_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("f.csv");
    std::fs::write(&p, "BilledCost,BillingAccountId,ChargePeriodStart\n1,a,2024-09-01\n").unwrap();
    let err = try_read_with(&Source { path: p, entry: None }, &TagConfig::default()).unwrap_err();
    let msg = err.to_string();
    // SubAccountId is conditional in FOCUS (the billing account stands in): only BillingPeriodStart is missing.
    assert!(msg.contains("BillingPeriodStart") && !msg.contains("SubAccountId"), "{msg}");
}

#[test]
fn invalid_utf8_later_in_the_file_quarantines_that_row() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("late.csv");
    let mut body = std::fs::read(quirk("crlf.csv").path).unwrap();
    body.extend_from_slice(&vec![b'#'; 9000]);
    body.extend_from_slice(
        b"\r\n111111111111,2024-09-01T00:00:00Z,,222222222222,Usage,2024-09-01,Amazon\xffEC2,i,1,1,,,\r\n",
    );
    std::fs::write(&p, &body).unwrap();
    let (r, s) = try_read_with(&Source { path: p, entry: None }, &TagConfig::default()).unwrap();
    assert_eq!((s.rows, s.quarantined), (4, 2));
    assert_eq!(r.bad[1].column, 7);
    assert!(r.bad[1].reason.contains("UTF-8"));
}

#[test]
fn the_consumer_can_stop() {
    let mut seen = 0;
    let err = read_source(&quirk("cur-legacy.csv"), &TagConfig::default(), &mut |e| {
        seen += 1;
        !matches!(e, Event::Item(_)) || seen < 3
    })
    .unwrap_err();
    assert!(matches!(err, RefuseError::Stopped { .. }), "{err:?}");
    assert_eq!(seen, 3);
}

#[test]
fn progress_reaches_the_size_on_disk() {
    let src = quirk("cur-legacy.csv");
    let mut last = 0;
    read_source_with_progress(&src, &TagConfig::default(), &mut |b| last = b, &mut |_| true).unwrap();
    assert_eq!(last, source_size(&src).unwrap());
}
