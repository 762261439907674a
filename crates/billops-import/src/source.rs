//! Sources on disk: path expansion, decompression, hashing and byte counting.
use std::cell::Cell;
use std::fs::File;
use std::io::{self, BufRead, BufReader, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::rc::Rc;

use flate2::bufread::MultiGzDecoder;

use crate::{RefuseError, Source};

const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];
const ZIP_MAGIC: [u8; 4] = *b"PK\x03\x04";

fn io_err(path: &Path, source: io::Error) -> RefuseError {
    RefuseError::Io { file: path.display().to_string(), source }
}

fn lower_name(p: &Path) -> String {
    p.file_name().map(|n| n.to_string_lossy().to_ascii_lowercase()).unwrap_or_default()
}

fn is_zip_name(name: &str) -> bool {
    name.ends_with(".zip")
}

/// Names a folder walk picks up; explicit file arguments are taken whatever their name.
fn is_data_name(name: &str) -> bool {
    !name.starts_with('.')
        && (name.ends_with(".csv") || name.ends_with(".csv.gz") || name.ends_with(".gz") || is_zip_name(name))
}

fn is_entry_name(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    !n.ends_with('/') && (n.ends_with(".csv") || n.ends_with(".csv.gz"))
}

fn starts_with_zip_magic(path: &Path) -> bool {
    let mut head = [0u8; 4];
    File::open(path).and_then(|mut f| f.read_exact(&mut head)).is_ok() && head == ZIP_MAGIC
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>, skipped: &mut Vec<String>) -> Result<(), RefuseError> {
    for entry in std::fs::read_dir(dir).map_err(|e| io_err(dir, e))? {
        let entry = entry.map_err(|e| io_err(dir, e))?;
        let path = entry.path();
        let kind = entry.file_type().map_err(|e| io_err(&path, e))?;
        let name = lower_name(&path);
        if kind.is_dir() {
            walk(&path, out, skipped)?;
        } else if is_data_name(&name) && std::fs::metadata(&path).map(|m| m.is_file()).unwrap_or(false) {
            // Symlinked files are followed; symlinked folders are not (no loops).
            out.push(path);
        } else if !name.starts_with('.') {
            skipped.push(path.display().to_string());
        }
    }
    Ok(())
}

fn zip_entries(path: &Path, out: &mut Vec<Source>, skipped: &mut Vec<String>) -> Result<(), RefuseError> {
    let file = File::open(path).map_err(|e| io_err(path, e))?;
    let archive = zip::ZipArchive::new(BufReader::new(file)).map_err(|e| RefuseError::NotCsv {
        file: path.display().to_string(),
        why: format!("not a readable zip archive: {e}"),
    })?;
    let mut names: Vec<String> = archive.file_names().filter(|n| is_entry_name(n)).map(String::from).collect();
    names.sort();
    let mut other: Vec<String> =
        archive.file_names().filter(|n| !n.ends_with('/') && !is_entry_name(n)).map(String::from).collect();
    other.sort();
    skipped.extend(other.into_iter().map(|n| format!("{}!{n}", path.display())));
    out.extend(names.into_iter().map(|n| Source { path: path.to_path_buf(), entry: Some(n) }));
    Ok(())
}

/// Sources found under some paths, and the files passed over (folder files and zip entries that are not
/// `.csv`/`.gz`/`.zip`; hidden files are passed over silently).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Expanded {
    pub sources: Vec<Source>,
    pub skipped: Vec<String>,
}

/// Expand paths into sources: files as given; folders recursively (`.csv`, `.gz`, `.zip`, hidden files
/// skipped), sorted by path; `.zip` archives (by name or content) into one source per `.csv`/`.csv.gz` entry.
pub fn expand(paths: &[PathBuf]) -> Result<Vec<Source>, RefuseError> {
    expand_listing(paths).map(|e| e.sources)
}

/// As [`expand`], also listing what was skipped.
pub fn expand_listing(paths: &[PathBuf]) -> Result<Expanded, RefuseError> {
    let mut skipped = Vec::new();
    let mut files = Vec::new();
    for p in paths {
        let meta = std::fs::metadata(p).map_err(|e| io_err(p, e))?;
        if meta.is_dir() {
            let mut found = Vec::new();
            walk(p, &mut found, &mut skipped)?;
            found.sort();
            files.extend(found);
        } else {
            files.push(p.clone());
        }
    }
    let mut out = Vec::with_capacity(files.len());
    for f in files {
        if is_zip_name(&lower_name(&f)) || starts_with_zip_magic(&f) {
            zip_entries(&f, &mut out, &mut skipped)?;
        } else {
            out.push(Source { path: f, entry: None });
        }
    }
    Ok(Expanded { sources: out, skipped })
}

/// Size of the source on disk (compressed size for a zip entry): the total for a progress bar.
pub fn source_size(src: &Source) -> Result<u64, RefuseError> {
    match &src.entry {
        None => std::fs::metadata(&src.path).map(|m| m.len()).map_err(|e| io_err(&src.path, e)),
        Some(name) => {
            let file = File::open(&src.path).map_err(|e| io_err(&src.path, e))?;
            let mut archive = zip::ZipArchive::new(BufReader::new(file)).map_err(|e| not_zip(src, &e))?;
            let entry = archive.by_name(name).map_err(|e| not_zip(src, &e))?;
            Ok(entry.compressed_size())
        }
    }
}

fn not_zip(src: &Source, e: &zip::result::ZipError) -> RefuseError {
    RefuseError::NotCsv { file: src.display_name(), why: format!("zip entry cannot be read: {e}") }
}

/// Counts bytes read from disk into a shared cell (the progress figure).
pub(crate) struct Counting<R> {
    inner: R,
    count: Rc<Cell<u64>>,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count.set(self.count.get().saturating_add(n as u64));
        Ok(n)
    }
}

impl<R: Seek> Seek for Counting<R> {
    fn seek(&mut self, pos: SeekFrom) -> io::Result<u64> {
        self.inner.seek(pos)
    }
}

/// Hashes every byte that passes (the decompressed content).
pub(crate) struct Hashing<R> {
    inner: R,
    hasher: blake3::Hasher,
}

impl<R: Read> Hashing<R> {
    pub(crate) fn new(inner: R) -> Self {
        Hashing { inner, hasher: blake3::Hasher::new() }
    }
    pub(crate) fn hex(&self) -> String {
        self.hasher.finalize().to_hex().to_string()
    }
}

impl<R: Read> Read for Hashing<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.hasher.update(&buf[..n]);
        Ok(n)
    }
}

/// What the stream callback is handed: the decompressed bytes, whether they were compressed, and
/// the count of bytes read from disk so far.
pub(crate) struct Stream<'a> {
    pub reader: &'a mut dyn Read,
    pub compressed: bool,
    pub disk_bytes: Rc<Cell<u64>>,
}

const BUF: usize = 256 * 1024;

/// Open the source and run `f` on its decompressed byte stream.
pub(crate) fn with_stream<T>(
    src: &Source,
    f: impl FnOnce(Stream<'_>) -> Result<T, RefuseError>,
) -> Result<T, RefuseError> {
    let file = File::open(&src.path).map_err(|e| io_err(&src.path, e))?;
    let count = Rc::new(Cell::new(0u64));
    let counting = Counting { inner: file, count: Rc::clone(&count) };
    match &src.entry {
        Some(name) => {
            let mut archive =
                zip::ZipArchive::new(BufReader::with_capacity(BUF, counting)).map_err(|e| not_zip(src, &e))?;
            let base = count.get();
            let entry = archive.by_name(name).map_err(|e| not_zip(src, &e))?;
            // The archive's directory was read first; progress counts the entry's own bytes.
            let disk = Rc::new(Cell::new(0u64));
            let limit = entry.compressed_size();
            let progress = EntryProgress { inner: entry, total: &count, base, limit, out: Rc::clone(&disk) };
            if name.to_ascii_lowercase().ends_with(".gz") {
                let mut gz = MultiGzDecoder::new(BufReader::with_capacity(BUF, progress));
                f(Stream { reader: &mut gz, compressed: true, disk_bytes: disk })
            } else {
                let mut plain = progress;
                f(Stream { reader: &mut plain, compressed: true, disk_bytes: disk })
            }
        }
        None => {
            let mut buffered = BufReader::with_capacity(BUF, counting);
            let head = buffered.fill_buf().map_err(|e| io_err(&src.path, e))?;
            let gzip = head.starts_with(&GZIP_MAGIC) || lower_name(&src.path).ends_with(".gz");
            if gzip {
                let mut gz = MultiGzDecoder::new(buffered);
                f(Stream { reader: &mut gz, compressed: true, disk_bytes: count })
            } else {
                f(Stream { reader: &mut buffered, compressed: false, disk_bytes: count })
            }
        }
    }
}

/// Reads a zip entry and publishes how many archive bytes were consumed since the entry was opened.
struct EntryProgress<'c, R> {
    inner: R,
    total: &'c Rc<Cell<u64>>,
    base: u64,
    /// The entry's compressed size: read-ahead past the entry is not counted.
    limit: u64,
    out: Rc<Cell<u64>>,
}

impl<R: Read> Read for EntryProgress<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.out.set(self.total.get().saturating_sub(self.base).min(self.limit));
        Ok(n)
    }
}
