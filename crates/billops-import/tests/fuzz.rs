//! Fuzz check of the CSV reader and each format's row mapping: mutations of the fixtures (byte flips,
//! truncation, quote insertion, duplicated lines, huge fields, deleted and inserted bytes, gzip cut short),
//! read with the real or lowered limits and a duplicate check. Every case must end (no hang), never panic,
//! and account for every row: imported, quarantined with a line inside the file, or the whole file refused
//! with a refusal that says why (never an IO error or a stop).
//!
//! A fixed budget runs in `cargo test` (`FUZZ_CASES` cases, a few seconds). Longer by hand:
//!     BILLOPS_FUZZ_CASES=20000 cargo test --release -p billops-import --test fuzz
//! A failing input is written to `target/fuzz-failures/`; keep it as a regression case by moving it to
//! `fixtures/fuzz/` (every file there is read by `regressions_stay_fixed`, named `*.csv` or `*.csv.gz`).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod common;

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

use billops_import::{Dedup, Event, Limits, ReadOptions, RefuseError, Source, read_source_opts};
use common::fixture;
use proptest::prelude::*;

const FUZZ_CASES: u32 = 300;
/// A case that takes longer than this is a hang.
const HANG: Duration = Duration::from_secs(20);

fn seeds() -> Vec<Vec<u8>> {
    let mut out: Vec<Vec<u8>> = [
        "quirks/cur-legacy.csv",
        "quirks/cur2.csv",
        "quirks/focus-1.0.csv",
        "quirks/quoted.csv",
        "quirks/bad_rows.csv",
        "quirks/crlf.csv",
        "quirks/bom.csv",
        "quirks/tags_cur.csv",
        "quirks/nulls.csv",
        "quirks/timestamps.csv",
    ]
    .iter()
    .map(|f| std::fs::read(fixture(f)).unwrap())
    .collect();
    // The first lines of the FOCUS sample (a real 1.2 header with its JSON columns).
    let sample = std::fs::read(fixture("focus/aws-focus-1.2-sample.csv")).unwrap();
    let cut = sample.iter().enumerate().filter(|(_, b)| **b == b'\n').nth(40).map_or(sample.len(), |(i, _)| i + 1);
    out.push(sample[..cut].to_vec());
    out
}

#[derive(Debug, Clone)]
enum Mutation {
    Flip(u32, u8),
    Truncate(u32),
    Quote(u32),
    DupLine(u32),
    Huge(u32, u32),
    Delete(u32, u16),
    Insert(u32, Vec<u8>),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<u32>(), any::<u8>()).prop_map(|(p, b)| Mutation::Flip(p, b)),
        any::<u32>().prop_map(Mutation::Truncate),
        any::<u32>().prop_map(Mutation::Quote),
        any::<u32>().prop_map(Mutation::DupLine),
        (any::<u32>(), 1u32..300_000).prop_map(|(p, n)| Mutation::Huge(p, n)),
        (any::<u32>(), 1u16..64).prop_map(|(p, n)| Mutation::Delete(p, n)),
        (any::<u32>(), prop::collection::vec(prop::sample::select(b",\"\r\n\\x\0\xff9.-eE {}:".to_vec()), 1..8))
            .prop_map(|(p, v)| Mutation::Insert(p, v)),
    ]
}

fn at(p: u32, len: usize) -> usize {
    if len == 0 { 0 } else { p as usize % (len + 1) }
}

fn apply(mut b: Vec<u8>, m: &Mutation) -> Vec<u8> {
    match m {
        Mutation::Flip(p, x) => {
            if !b.is_empty() {
                let i = *p as usize % b.len();
                b[i] ^= x | 1;
            }
        }
        Mutation::Truncate(p) => b.truncate(at(*p, b.len())),
        Mutation::Quote(p) => b.insert(at(*p, b.len()), b'"'),
        Mutation::DupLine(p) => {
            let starts: Vec<usize> = std::iter::once(0)
                .chain(b.iter().enumerate().filter(|(_, c)| **c == b'\n').map(|(i, _)| i + 1))
                .collect();
            let s = starts[*p as usize % starts.len()];
            let e = b[s..].iter().position(|c| *c == b'\n').map_or(b.len(), |i| s + i + 1);
            let line = b[s..e].to_vec();
            // Twice: a line repeated, or (when it is the header) a file concatenated.
            b.splice(e..e, line.iter().chain(line.iter()).copied());
        }
        Mutation::Huge(p, n) => {
            let i = at(*p, b.len());
            b.splice(i..i, std::iter::repeat_n(b'7', *n as usize));
        }
        Mutation::Delete(p, n) => {
            let i = at(*p, b.len());
            let e = (i + *n as usize).min(b.len());
            b.drain(i..e);
        }
        Mutation::Insert(p, v) => {
            let i = at(*p, b.len());
            b.splice(i..i, v.iter().copied());
        }
    }
    b
}

fn gzip(b: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    e.write_all(b).unwrap();
    e.finish().unwrap()
}

/// Read `path` on a thread; `Err` on a hang (the thread is left behind), or with what broke the rules.
fn check(path: &Path, limits: Limits) -> Result<(), String> {
    let lines = {
        let raw = std::fs::read(path).unwrap();
        let text = if raw.starts_with(&[0x1f, 0x8b]) {
            let mut out = Vec::new();
            let _ = std::io::Read::read_to_end(&mut flate2::read::MultiGzDecoder::new(&raw[..]), &mut out);
            out
        } else {
            raw
        };
        text.iter().filter(|b| **b == b'\n').count() as u64 + 1
    };
    let (tx, rx) = mpsc::channel();
    let src = Source { path: path.to_path_buf(), entry: None };
    std::thread::spawn(move || {
        let outcome = std::panic::catch_unwind(|| {
            let (mut items, mut bad, mut bad_lines) = (0u64, 0u64, Vec::new());
            let mut item_lines = Vec::new();
            let mut dedup = Dedup::with_memory_keys(16);
            dedup.begin_file(&src.display_name());
            let opts = ReadOptions { limits, ..ReadOptions::default() };
            let r = read_source_opts(&src, &opts, Some(&mut dedup), &mut |_| {}, &mut |e| {
                match e {
                    Event::Item(i) => {
                        items += 1;
                        item_lines.push(i.source_line);
                    }
                    Event::Bad(q) => {
                        bad += 1;
                        bad_lines.push(q.line);
                    }
                    Event::Issue(_) => {}
                    Event::Partner(_) => {}
                }
                true
            });
            (r, items, bad, item_lines, bad_lines)
        });
        let _ = tx.send(outcome.map_err(|p| {
            p.downcast_ref::<String>()
                .cloned()
                .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default()
        }));
    });
    let (r, items, bad, item_lines, bad_lines) = match rx.recv_timeout(HANG) {
        Err(_) => return Err(format!("no answer in {HANG:?} (a hang)")),
        Ok(Err(panic)) => return Err(format!("panicked: {panic}")),
        Ok(Ok(v)) => v,
    };
    match r {
        Ok(s) => {
            if s.rows != items + bad || s.quarantined != bad {
                return Err(format!("rows {} != {items} items + {bad} quarantined ({})", s.rows, s.quarantined));
            }
            if let Some(l) = item_lines.iter().chain(&bad_lines).find(|l| **l < 1 || **l > lines) {
                return Err(format!("a row at line {l} of a {lines}-line file"));
            }
            Ok(())
        }
        Err(
            RefuseError::NotCsv { .. }
            | RefuseError::Malformed { .. }
            | RefuseError::UnknownFormat { .. }
            | RefuseError::MissingColumns { .. },
        ) => Ok(()),
        Err(e) => Err(format!("refused without a reason about the file: {e}")),
    }
}

fn save_failure(bytes: &[u8], gz: bool) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/fuzz-failures");
    std::fs::create_dir_all(&dir).unwrap();
    let name = format!("{}.csv{}", &blake3::hash(bytes).to_hex()[..16], if gz { ".gz" } else { "" });
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

fn cases() -> u32 {
    std::env::var("BILLOPS_FUZZ_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(FUZZ_CASES)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), failure_persistence: None, ..ProptestConfig::default() })]
    #[test]
    fn mutated_fixtures_never_panic_hang_or_lose_a_row(
        seed in 0usize..11,
        mutations in prop::collection::vec(mutation(), 1..6),
        gz in prop::option::weighted(0.15, any::<u32>()),
        lowered in any::<bool>(),
    ) {
        let seeds = seeds();
        let mut bytes = seeds[seed % seeds.len()].clone();
        for m in &mutations {
            bytes = apply(bytes, m);
        }
        if let Some(cut) = gz {
            bytes = gzip(&bytes);
            // Sometimes cut short: a gzip stream that ends early.
            if cut % 2 == 0 {
                let n = at(cut, bytes.len());
                bytes.truncate(n);
            }
        }
        let limits = if lowered {
            Limits { field_bytes: 512, record_bytes: 16 * 1024, record_lines: 4 }
        } else {
            Limits::default()
        };
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(if gz.is_some() { "m.csv.gz" } else { "m.csv" });
        std::fs::write(&path, &bytes).unwrap();
        if let Err(why) = check(&path, limits) {
            let kept = save_failure(&bytes, gz.is_some());
            prop_assert!(false, "{why}; input kept at {} (move it to fixtures/fuzz/ once fixed)", kept.display());
        }
    }
}

/// Inputs that once broke the reader, kept under fixtures/fuzz/: each must pass the same rules.
#[test]
fn regressions_stay_fixed() {
    let dir = fixture("fuzz");
    let Ok(entries) = std::fs::read_dir(&dir) else { return };
    for e in entries {
        let path = e.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if !(name.ends_with(".csv") || name.ends_with(".csv.gz")) {
            continue;
        }
        for limits in [Limits::default(), Limits { field_bytes: 512, record_bytes: 16 * 1024, record_lines: 4 }] {
            if let Err(why) = check(&path, limits) {
                panic!("{name}: {why}");
            }
        }
    }
}
