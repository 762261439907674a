//! Hostile and broken input: runaway quotes, huge lines and fields, garbage money, duplicate line items,
//! an account under several payers.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod common;

use std::io::Write;
use std::path::Path;
use std::time::{Duration, Instant};

use billops_domain::IssueKind;
use billops_import::{Dedup, Event, Limits, ReadOptions, ReadSummary, RefuseError, Source, read_source_opts};
use common::{Read, assert_accounted};

const CUR: &str = "identity/LineItemId,identity/TimeInterval,bill/PayerAccountId,bill/BillingPeriodStartDate,lineItem/UsageAccountId,lineItem/LineItemType,lineItem/UsageStartDate,lineItem/UnblendedCost,lineItem/NetUnblendedCost\n";
const FOCUS: &str =
    "BillingAccountId,SubAccountId,BillingPeriodStart,ChargePeriodStart,ChargeCategory,BilledCost,EffectiveCost\n";

fn cur_row(id: usize, payer: &str, account: &str, cost: &str) -> String {
    format!(
        "l{id},2024-09-01T00:00:00Z/2024-09-01T01:00:00Z,{payer},2024-09-01T00:00:00Z,{account},Usage,2024-09-01T00:00:00Z,{cost},{cost}\n"
    )
}

fn write(dir: &Path, name: &str, text: &str) -> Source {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    Source { path, entry: None }
}

fn read_opts(src: &Source, limits: Limits, dedup: Option<&mut Dedup>) -> Result<(Read, ReadSummary), RefuseError> {
    let mut r = Read::default();
    let opts = ReadOptions { limits, ..ReadOptions::default() };
    let summary = read_source_opts(src, &opts, dedup, &mut |_| {}, &mut |e| {
        match e {
            Event::Item(i) => r.items.push(i),
            Event::Bad(b) => r.bad.push(b),
            Event::Issue(i) => r.issues.push(i),
            Event::Partner(_) => {}
        }
        true
    })?;
    Ok((r, summary))
}

fn malformed(r: Result<(Read, ReadSummary), RefuseError>) -> (u64, String) {
    match r {
        Err(RefuseError::Malformed { line, why, .. }) => (line, why),
        Err(other) => panic!("expected a malformed-file refusal, got {other}"),
        Ok((r, _)) => panic!("expected a refusal, read {} items and {} bad rows", r.items.len(), r.bad.len()),
    }
}

#[test]
fn a_stray_quote_in_10000_rows_refuses_the_file_naming_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::from(CUR);
    for i in 0..10_000 {
        let account = if i == 3 { "\"222222222222" } else { "222222222222" };
        text.push_str(&cur_row(i, "111111111111", account, "1.00"));
    }
    let src = write(dir.path(), "stray.csv", &text);
    let started = Instant::now();
    let read = read_opts(&src, Limits::default(), None);
    assert!(started.elapsed() < Duration::from_secs(5));
    let msg = read.as_ref().err().map(ToString::to_string).unwrap_or_default();
    let (line, why) = malformed(read);
    assert_eq!(line, 5, "header is line 1, row i=3 is line 5: {msg}");
    assert!(why.contains("runs past line ") && why.contains("the limit is 100 lines"), "{why}");
    assert!(msg.contains("stray.csv: line 5:"), "{msg}");

    // Shorter than the limit: the quote runs to the end of the file, which is said as such.
    let short: String = text.lines().take(40).map(|l| format!("{l}\n")).collect();
    let src = write(dir.path(), "short.csv", &short);
    let (line, why) = malformed(read_opts(&src, Limits::default(), None));
    assert_eq!(line, 5);
    assert!(why.contains("never closes") && why.contains("end of the file (line 41, 37 lines"), "{why}");
}

#[test]
fn a_quoted_field_over_several_lines_within_the_limit_still_reads() {
    let dir = tempfile::tempdir().unwrap();
    let text = format!(
        "{CUR}{}l9,x,111111111111,2024-09-01,\"2222\n22222222\",Usage,2024-09-01,1,1\n{}",
        cur_row(1, "111111111111", "222222222222", "1"),
        cur_row(2, "111111111111", "222222222222", "2")
    );
    let src = write(dir.path(), "ok.csv", &text);
    let (r, s) = read_opts(&src, Limits::default(), None).unwrap();
    assert_accounted(&r, &s);
    assert_eq!((r.items.len(), r.bad.len()), (3, 0));
    assert_eq!(r.items[2].source_line, 5);
    let lowered = Limits { record_lines: 1, ..Limits::default() };
    let (line, _) = malformed(read_opts(&src, lowered, None));
    assert_eq!(line, 3);
}

fn long_line_file(dir: &Path, name: &str, account_bytes: usize) -> Source {
    let path = dir.join(name);
    let mut f = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
    f.write_all(CUR.as_bytes()).unwrap();
    f.write_all(cur_row(1, "111111111111", "222222222222", "1").as_bytes()).unwrap();
    f.write_all(b"l2,x,111111111111,2024-09-01,").unwrap();
    let chunk = vec![b'7'; 1 << 16];
    let mut left = account_bytes;
    while left > 0 {
        let n = left.min(chunk.len());
        f.write_all(&chunk[..n]).unwrap();
        left -= n;
    }
    f.write_all(b",Usage,2024-09-01,1,1\n").unwrap();
    f.write_all(cur_row(3, "111111111111", "222222222222", "1").as_bytes()).unwrap();
    Source { path, entry: None }
}

#[test]
fn a_line_over_the_limit_refuses_the_file_fast() {
    let dir = tempfile::tempdir().unwrap();
    // A few MB with a lowered limit.
    let src = long_line_file(dir.path(), "long.csv", 4 << 20);
    let lowered = Limits { record_bytes: 256 * 1024, ..Limits::default() };
    let (line, why) = malformed(read_opts(&src, lowered, None));
    assert_eq!(line, 3);
    assert!(why.contains("longer than the limit of 256 KiB"), "{why}");
    // The real limit, with a 50 MB account name: refused without reading it all.
    let src = long_line_file(dir.path(), "huge.csv", 50 << 20);
    let started = Instant::now();
    let read = read_opts(&src, Limits::default(), None);
    assert!(started.elapsed() < Duration::from_secs(3), "{:?}", started.elapsed());
    let (line, why) = malformed(read);
    assert_eq!(line, 3);
    assert!(why.contains("longer than the limit of 1 MiB"), "{why}");
}

#[test]
fn a_field_over_the_limit_quarantines_its_row_naming_the_column() {
    let dir = tempfile::tempdir().unwrap();
    let src = long_line_file(dir.path(), "field.csv", 100 * 1024);
    let (r, s) = read_opts(&src, Limits::default(), None).unwrap();
    assert_accounted(&r, &s);
    assert_eq!((r.items.len(), r.bad.len()), (2, 1));
    let b = &r.bad[0];
    assert_eq!((b.line, b.column, b.column_name.as_str()), (3, 5, "lineItem/UsageAccountId"));
    assert!(b.reason.contains("102400 bytes, over the limit of 65536"), "{}", b.reason);
    assert!(b.raw.len() < 2_000 && b.raw.contains("(102400 bytes)"), "raw kept short: {}", b.raw.len());
}

#[test]
fn garbage_in_any_money_column_quarantines_the_row_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::from(CUR);
    for (i, bad) in ["NaN", "$12", "1e400", "12,5"].iter().enumerate() {
        // Unblended garbage while NetUnblended (the billed value) is fine.
        text.push_str(&format!("l{i},x,111111111111,2024-09-01,222222222222,Usage,2024-09-01,\"{bad}\",1.00\n"));
    }
    text.push_str(&cur_row(9, "111111111111", "222222222222", "2.50"));
    let src = write(dir.path(), "money.csv", &text);
    let (r, s) = read_opts(&src, Limits::default(), None).unwrap();
    assert_accounted(&r, &s);
    assert_eq!((r.items.len(), r.bad.len()), (1, 4));
    for b in &r.bad {
        assert_eq!((b.column, b.column_name.as_str()), (8, "lineItem/UnblendedCost"), "{b:?}");
    }
    let focus =
        format!("{FOCUS}B1,S1,2024-09-01,2024-09-01,Usage,1.00,NaN\nB1,S1,2024-09-01,2024-09-01,Usage,1.00,0.9\n");
    let src = write(dir.path(), "focus.csv", &focus);
    let (r, _) = read_opts(&src, Limits::default(), None).unwrap();
    assert_eq!((r.items.len(), r.bad.len()), (1, 1));
    assert_eq!(r.bad[0].column_name, "EffectiveCost");
}

#[test]
fn duplicate_line_items_are_quarantined_within_and_across_files() {
    let dir = tempfile::tempdir().unwrap();
    let rows: String = (0..5).map(|i| cur_row(i, "111111111111", "222222222222", "1.25")).collect();
    // A file concatenated twice (header and all), and the same rows again in a second file.
    let twice = write(dir.path(), "twice.csv", &format!("{CUR}{rows}{CUR}{rows}"));
    let again = write(dir.path(), "again.csv", &format!("{CUR}{rows}"));
    let mut d = Dedup::new();
    d.begin_file(&twice.display_name());
    let (r, s) = read_opts(&twice, Limits::default(), Some(&mut d)).unwrap();
    assert_accounted(&r, &s);
    // The repeated header is a bad row (it is not a cost); the five repeated rows are duplicates.
    assert_eq!(r.items.len(), 5);
    let dups: Vec<_> = r.bad.iter().filter(|b| b.reason.contains("duplicate")).collect();
    assert_eq!(dups.len(), 5);
    assert_eq!((dups[0].line, dups[0].column_name.as_str()), (8, "identity/LineItemId"));
    assert!(dups[0].reason.contains("as line 2"), "{}", dups[0].reason);
    let issue = &r.issues_of(IssueKind::DuplicateRow)[0];
    assert!(issue.message.starts_with("5 rows repeating an earlier row's identity/LineItemId"), "{}", issue.message);
    d.commit_file();
    d.begin_file(&again.display_name());
    let (r, _) = read_opts(&again, Limits::default(), Some(&mut d)).unwrap();
    assert_eq!((r.items.len(), r.bad.len()), (0, 5));
    assert!(r.bad[0].reason.contains("twice.csv line 2;"), "{}", r.bad[0].reason);

    // A file that was not committed (refused, failed) makes nothing a duplicate.
    let mut d = Dedup::new();
    d.begin_file(&twice.display_name());
    read_opts(&twice, Limits::default(), Some(&mut d)).unwrap();
    d.begin_file(&again.display_name());
    let (r, _) = read_opts(&again, Limits::default(), Some(&mut d)).unwrap();
    assert_eq!((r.items.len(), r.bad.len()), (5, 0));
}

#[test]
fn focus_duplicates_are_found_by_row_hash_and_survive_spills() {
    let dir = tempfile::tempdir().unwrap();
    let rows: Vec<String> =
        (0..60).map(|i| format!("B1,S{},2024-09-01,2024-09-{:02},Usage,{i}.5,1\n", i % 7, i % 28 + 1)).collect();
    let mut text = String::from(FOCUS);
    for r in &rows {
        text.push_str(r);
    }
    // Early rows repeated after many spills and merges (3 keys in memory, runs merged four at a time).
    for r in rows.iter().take(4) {
        text.push_str(r);
    }
    text.push_str(&rows[59]);
    let src = write(dir.path(), "f.csv", &text);
    let mut d = Dedup::with_memory_keys(3);
    d.begin_file(&src.display_name());
    let (r, s) = read_opts(&src, Limits::default(), Some(&mut d)).unwrap();
    assert_accounted(&r, &s);
    assert_eq!((r.items.len(), r.bad.len()), (60, 5));
    let lines: Vec<u64> = r.bad.iter().map(|b| b.line).collect();
    assert_eq!(lines, vec![62, 63, 64, 65, 66]);
    assert!(r.bad[0].reason.contains("the same row as line 2"), "{}", r.bad[0].reason);
    assert!(r.bad[4].reason.contains("the same row as line 61"), "{}", r.bad[4].reason);
    assert_eq!(r.bad[0].column, 0);
}

/// The Bloom filter in front of the spilled runs has a byte budget (`Dedup::with_limits`); a full one answers
/// "maybe" more often and the runs are read, so no duplicate is missed however small it is.
#[test]
fn a_full_bloom_filter_misses_no_duplicate() {
    let dir = tempfile::tempdir().unwrap();
    let rows: String = (0..300).map(|i| cur_row(i, "111111111111", "222222222222", "1")).collect();
    let again: String = (0..300).step_by(7).map(|i| cur_row(i, "111111111111", "222222222222", "1")).collect();
    let src = write(dir.path(), "f.csv", &format!("{CUR}{rows}{again}"));
    // 5 keys in memory, one 64-byte block of filter for 300 keys: nearly every new key is a "maybe".
    let mut d = Dedup::with_limits(5, 64);
    d.begin_file(&src.display_name());
    let (r, s) = read_opts(&src, Limits::default(), Some(&mut d)).unwrap();
    assert_accounted(&r, &s);
    assert_eq!((r.items.len(), r.bad.len()), (300, 43));
    for (k, bad) in r.bad.iter().enumerate() {
        assert!(bad.reason.contains(&format!("line {};", 7 * k + 2)), "{}", bad.reason);
    }
}

#[test]
fn an_account_under_several_payers_is_a_feed_issue_with_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let text = format!(
        "{CUR}{}{}{}{}",
        cur_row(1, "111111111111", "222222222222", "1"),
        cur_row(2, "333333333333", "222222222222", "2"),
        cur_row(3, "444444444444", "222222222222", "3"),
        cur_row(4, "111111111111", "555555555555", "4"),
    );
    let src = write(dir.path(), "payers.csv", &text);
    let (r, _) = read_opts(&src, Limits::default(), None).unwrap();
    assert_eq!(r.items.len(), 4);
    let issues = r.issues_of(IssueKind::PayerConflict);
    assert_eq!(issues.len(), 1);
    let i = issues[0];
    assert_eq!(
        (i.line, i.column.as_deref(), i.account.as_deref()),
        (Some(3), Some("bill/PayerAccountId"), Some("222222222222"))
    );
    assert!(i.message.contains("under 3 payers"), "{}", i.message);
}

#[test]
fn the_kept_regression_inputs_are_refused_or_deduplicated() {
    for name in ["stray-quote-to-eof.csv", "stray-quote-closed-late.csv"] {
        let src = Source { path: common::fixture(&format!("fuzz/{name}")), entry: None };
        let (line, why) = malformed(read_opts(&src, Limits::default(), None));
        assert_eq!(line, 4, "{name}: {why}");
    }
    let src = Source { path: common::fixture("fuzz/concatenated-twice.csv"), entry: None };
    let mut d = Dedup::new();
    d.begin_file(&src.display_name());
    let (r, s) = read_opts(&src, Limits::default(), Some(&mut d)).unwrap();
    assert_accounted(&r, &s);
    assert_eq!(r.items.len(), 20);
    assert_eq!(r.bad.iter().filter(|b| b.reason.starts_with("duplicate line item")).count(), 20);
}

#[test]
fn spilled_keys_of_a_file_that_was_not_imported_make_nothing_a_duplicate() {
    let dir = tempfile::tempdir().unwrap();
    let rows: String = (0..40).map(|i| cur_row(i, "111111111111", "222222222222", "1")).collect();
    let [a, b, c] = ["a.csv", "b.csv", "c.csv"].map(|n| write(dir.path(), n, &format!("{CUR}{rows}")));
    // Two keys in memory: every file spills many runs, merged four at a time.
    let mut d = Dedup::with_memory_keys(2);
    d.begin_file(&a.display_name());
    assert_eq!(read_opts(&a, Limits::default(), Some(&mut d)).unwrap().0.bad.len(), 0);
    // a.csv was refused by the store (not committed): b.csv imports whole.
    d.begin_file(&b.display_name());
    let (r, _) = read_opts(&b, Limits::default(), Some(&mut d)).unwrap();
    assert_eq!((r.items.len(), r.bad.len()), (40, 0));
    d.commit_file();
    d.begin_file(&c.display_name());
    let (r, _) = read_opts(&c, Limits::default(), Some(&mut d)).unwrap();
    assert_eq!((r.items.len(), r.bad.len()), (0, 40));
    for (k, bad) in r.bad.iter().enumerate() {
        assert!(bad.reason.contains(&format!("b.csv line {};", k + 2)), "{}", bad.reason);
    }
}
