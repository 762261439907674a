//! gzip, zip (plain and gzip entries), corrupt archives, and folder expansion.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod common;

use std::io::Write;
use std::path::{Path, PathBuf};

use billops_import::{RefuseError, Source, TagConfig, expand, read_source_with_progress, source_size};
use common::{quirk, read, try_read_with};
use flate2::Compression;
use flate2::write::GzEncoder;

fn plain() -> Vec<u8> {
    std::fs::read(quirk("cur-legacy.csv").path).unwrap()
}

fn gz(bytes: &[u8]) -> Vec<u8> {
    let mut e = GzEncoder::new(Vec::new(), Compression::fast());
    e.write_all(bytes).unwrap();
    e.finish().unwrap()
}

fn write_zip(path: &Path, entries: &[(&str, &[u8])]) {
    let mut z = zip::ZipWriter::new(std::fs::File::create(path).unwrap());
    let opts = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for (name, data) in entries {
        z.start_file(*name, opts).unwrap();
        z.write_all(data).unwrap();
    }
    z.finish().unwrap();
}

fn hash(bytes: &[u8]) -> String {
    blake3::hash(bytes).to_hex().to_string()
}

#[test]
fn gzip_reads_like_plain_and_hashes_the_decompressed_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let data = plain();
    let p = dir.path().join("cur.csv.gz");
    std::fs::write(&p, gz(&data)).unwrap();
    let (r, s) = read(&Source { path: p.clone(), entry: None });
    let (r0, s0) = read(&quirk("cur-legacy.csv"));
    assert_eq!(r.items, r0.items);
    assert_eq!((s.rows, s.content_hash.clone()), (13, hash(&data)));
    assert_eq!(s.content_hash, s0.content_hash);

    // Detected by magic bytes whatever the name; concatenated members are read as one stream.
    let (a, b) = data.split_at(data.len() / 2);
    let mut multi = gz(a);
    multi.extend(gz(b));
    let q = dir.path().join("renamed.csv");
    std::fs::write(&q, multi).unwrap();
    let (_, s2) = read(&Source { path: q, entry: None });
    assert_eq!((s2.rows, s2.content_hash), (13, hash(&data)));
}

#[test]
fn corrupt_gzip_is_not_csv() {
    let dir = tempfile::tempdir().unwrap();
    let mut bytes = gz(&plain().repeat(50));
    let n = bytes.len();
    bytes[n / 2..n / 2 + 64].fill(0x55);
    let p = dir.path().join("bad.csv.gz");
    std::fs::write(&p, bytes).unwrap();
    let err = try_read_with(&Source { path: p, entry: None }, &TagConfig::default()).unwrap_err();
    assert!(matches!(err, RefuseError::NotCsv { .. }), "{err:?}");

    let q = dir.path().join("fake.gz");
    std::fs::write(&q, b"not gzip at all").unwrap();
    let err = try_read_with(&Source { path: q, entry: None }, &TagConfig::default()).unwrap_err();
    assert!(matches!(err, RefuseError::NotCsv { .. }), "{err:?}");
}

#[test]
fn zip_entries_expand_and_read() {
    let dir = tempfile::tempdir().unwrap();
    let data = plain();
    let z = dir.path().join("export.zip");
    write_zip(&z, &[("b/part2.csv.gz", &gz(&data)), ("manifest.json", b"{}"), ("a/part1.CSV", &data)]);
    let sources = expand(std::slice::from_ref(&z)).unwrap();
    let entries: Vec<Option<&str>> = sources.iter().map(|s| s.entry.as_deref()).collect();
    assert_eq!(entries, [Some("a/part1.CSV"), Some("b/part2.csv.gz")]);
    assert!(sources[0].display_name().ends_with("export.zip!a/part1.CSV"));
    for s in &sources {
        let (r, sum) = read(s);
        assert_eq!((sum.rows, sum.content_hash), (13, hash(&data)));
        assert!(r.bad.iter().all(|b| b.file == s.display_name()));
        let (size, mut last) = (source_size(s).unwrap(), 0);
        read_source_with_progress(s, &TagConfig::default(), &mut |b| last = b, &mut |_| true).unwrap();
        assert!(size > 0 && last <= size, "{last} of {size}");
    }
}

#[test]
fn broken_zip_is_not_csv() {
    let dir = tempfile::tempdir().unwrap();
    let z = dir.path().join("broken.zip");
    std::fs::write(&z, b"PK\x03\x04 truncated").unwrap();
    let err = expand(&[z]).unwrap_err();
    assert!(matches!(err, RefuseError::NotCsv { .. }), "{err:?}");
}

#[test]
fn folders_expand_recursively_sorted_by_path() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let data = plain();
    std::fs::create_dir_all(root.join("2024-09/sub")).unwrap();
    std::fs::create_dir_all(root.join("2024-08")).unwrap();
    std::fs::write(root.join("2024-09/b.csv"), &data).unwrap();
    std::fs::write(root.join("2024-09/sub/a.csv.gz"), gz(&data)).unwrap();
    std::fs::write(root.join("2024-09/notes.txt"), b"x").unwrap();
    std::fs::write(root.join("2024-09/.hidden.csv"), b"x").unwrap();
    std::fs::write(root.join("2024-08/z.CSV"), &data).unwrap();
    write_zip(&root.join("2024-08/y.zip"), &[("in.csv", &data)]);
    let explicit = root.join("2024-09/notes.txt");
    let sources = expand(&[root.to_path_buf(), explicit.clone()]).unwrap();
    let rel: Vec<(PathBuf, Option<String>)> =
        sources.iter().map(|s| (s.path.strip_prefix(root).unwrap().to_path_buf(), s.entry.clone())).collect();
    assert_eq!(
        rel,
        [
            (PathBuf::from("2024-08/y.zip"), Some("in.csv".to_string())),
            (PathBuf::from("2024-08/z.CSV"), None),
            (PathBuf::from("2024-09/b.csv"), None),
            (PathBuf::from("2024-09/sub/a.csv.gz"), None),
            // An explicitly named file is taken whatever its name.
            (PathBuf::from("2024-09/notes.txt"), None),
        ]
    );
    let err = expand(&[root.join("missing")]).unwrap_err();
    assert!(matches!(err, RefuseError::Io { .. }), "{err:?}");
}
