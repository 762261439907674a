//! Duplicate line items across the files of one import run, in bounded memory.
//!
//! Each good row gets a 128-bit key: the format's own line-item id where it has one (CUR
//! `identity/LineItemId` + `identity/TimeInterval`, CUR 2.0 `identity_line_item_id` + `identity_time_interval`,
//! with the payer and period), else a hash of the whole row (FOCUS). Keys live in a hash map of at most
//! `memory_keys` entries; a full map is sorted and spilled to an anonymous temp file (a "run") of which only
//! every 128th key stays in memory. One Bloom filter (~10 bits a spilled key, rebuilt twice as large when it
//! fills) answers "not spilled" for nearly every new key with one memory access; only its positives search the
//! runs. At its byte budget it cannot grow: it is rebuilt instead with fewer bits set a key (k) as the keys
//! double, the k that gives the fewest false positives at that load, so its positives stay near the least that
//! many bits allow (at 30M keys in 8 MiB: about 35% instead of 73% with k = 7). Runs of one size are merged two
//! at a time, so a positive reads few runs. Hashes are seeded at random per `Dedup`: a hostile file cannot aim
//! for collisions.
//!
//! A key remembers its file; a match counts only when that file is the one being read or was committed
//! (imported): a refused or failed file's rows never make a later file's rows duplicates.
//!
//! Overlapping exports: each (payer, period) remembers the first file of the run that had it and that file's
//! column shape (a hash of its normalised header). A later file with the same payer and period but another
//! shape is another export of the same month (CUR and FOCUS, or two FOCUS versions), whose rows are not line
//! for line the same, so the row keys cannot catch it: the file is refused. Parts of one export share a shape.
use std::fs::File;
use std::hash::{BuildHasher, Hasher};
use std::io::{self, BufReader, BufWriter, Read, Seek, SeekFrom, Write};
use std::os::unix::fs::FileExt as _;

use billops_domain::LineItem;
use foldhash::quality::RandomState;

use crate::layout::Layout;
use crate::records::Record;

type Key = [u64; 2];
type FastMap<K, V> = std::collections::HashMap<K, V, foldhash::fast::RandomState>;

/// Entries of a run between two in-memory fence keys.
const FENCE: usize = 128;
/// Bytes of one entry on disk: key, file, line.
const ENTRY: usize = 24;
/// A run merge happens when this many runs have the same level (unless [`Dedup::with_fan_in`] says otherwise).
/// Two: a key the filter lets through reads one block of every run, and pairs keep fewer runs than fours (30M
/// keys: 18.7M blocks read against 28.4M, 56 s of CPU against 66 s, for each key rewritten twice as often:
/// docs/PERFORMANCE.md, session 15).
const FAN_IN: usize = 2;

/// Where a line item was first seen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct First {
    pub file: String,
    pub line: u64,
    /// Matched on the format's line-item id (else on the whole row).
    pub by_id: bool,
}

struct Run {
    file: File,
    len: usize,
    fences: Vec<Key>,
    level: u32,
}

/// The keys of one import run; see the module docs.
pub struct Dedup {
    files: Vec<String>,
    committed: Vec<bool>,
    mem: FastMap<Key, (u32, u32)>,
    memory_keys: usize,
    runs: Vec<Run>,
    /// Over every spilled key; sized for `bloom_keys` keys.
    bloom: Vec<u64>,
    bloom_keys: usize,
    /// The filter's most words (whole 512-bit blocks).
    bloom_cap: usize,
    /// Bits set (and tested) a key: 7 at ~10 bits a key, fewer when a full filter holds more keys.
    bloom_k: u32,
    /// Whether a full filter lowers k (off only to measure what that saves).
    adapt_k: bool,
    /// Runs of one level merged together.
    fan_in: usize,
    spilled: usize,
    stats: DedupStats,
    seeds: (RandomState, RandomState),
    /// Column shape (header hash) of each file, by index.
    shapes: Vec<u64>,
    /// (payer, period) → the first file of the run holding it.
    scopes: std::collections::HashMap<(String, billops_domain::Period), u32>,
    /// The last (payer, period) checked for the current file (rows come in runs).
    last_scope: Option<(String, billops_domain::Period)>,
}

/// Why a row cannot be checked: another export of its month, or the spill files failed.
#[derive(Debug)]
pub(crate) enum Seen {
    Overlap(Overlap),
    Io(io::Error),
}

/// Another file of the run holds the same payer and period with other columns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Overlap {
    pub file: String,
}

impl Default for Dedup {
    fn default() -> Self {
        Dedup::new()
    }
}

impl std::fmt::Debug for Dedup {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Dedup").field("files", &self.files).field("runs", &self.runs.len()).finish()
    }
}

/// What the check did, for the import's debug log and the benchmarks.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DedupStats {
    /// Keys checked.
    pub keys: u64,
    /// Keys written to runs (spills; merges not counted).
    pub spilled: u64,
    /// Keys the Bloom filter let through to the runs ("maybe").
    pub maybes: u64,
    /// Blocks read from runs (one `pread` each).
    pub run_reads: u64,
    /// Times the filter was rebuilt.
    pub rebuilds: u64,
    /// Runs now, and the filter's bytes and bits a key.
    pub runs: usize,
    pub bloom_bytes: usize,
    pub bloom_k: u32,
}

/// Most bits a key the filter sets: 7 is the best k at ~10 bits a key.
const BLOOM_K_MAX: u32 = 7;

/// The k with the fewest false positives for `keys` keys in `words` 64-bit words: ln 2 × bits a key, 1 to 7.
fn bloom_k_for(words: usize, keys: usize) -> u32 {
    let bits_a_key = (words * 64) as f64 / keys.max(1) as f64;
    ((bits_a_key * std::f64::consts::LN_2).round() as u32).clamp(1, BLOOM_K_MAX)
}

fn bloom_bits(key: Key, k: u32) -> impl Iterator<Item = (usize, u64)> {
    // The key is already a random hash: up to seven 9-bit positions from its second half, inside one 512-bit block.
    (0..k).map(move |i| {
        let bit = (key[1] >> (i * 9)) & 511;
        ((bit / 64) as usize, 1u64 << (bit % 64))
    })
}

fn block(key: Key, words: usize) -> usize {
    let blocks = (words / 8).max(1) as u128;
    // Multiply-shift instead of a division: the key is uniform, so this is uniform over the blocks.
    ((u128::from(key[0]) * blocks) >> 64) as usize * 8
}

fn bloom_add(bloom: &mut [u64], k: u32, key: Key) {
    let b = block(key, bloom.len());
    for (w, m) in bloom_bits(key, k) {
        if let Some(x) = bloom.get_mut(b + w) {
            *x |= m;
        }
    }
}

fn bloom_has(bloom: &[u64], k: u32, key: Key) -> bool {
    let b = block(key, bloom.len());
    bloom_bits(key, k).all(|(w, m)| bloom.get(b + w).is_some_and(|x| x & m != 0))
}

fn encode(out: &mut impl Write, key: Key, file: u32, line: u32) -> io::Result<()> {
    let mut buf = [0u8; ENTRY];
    buf[..8].copy_from_slice(&key[0].to_le_bytes());
    buf[8..16].copy_from_slice(&key[1].to_le_bytes());
    buf[16..20].copy_from_slice(&file.to_le_bytes());
    buf[20..].copy_from_slice(&line.to_le_bytes());
    out.write_all(&buf)
}

fn decode(b: &[u8]) -> (Key, u32, u32) {
    let u64_at = |i: usize| u64::from_le_bytes(b[i..i + 8].try_into().unwrap_or([0; 8]));
    let u32_at = |i: usize| u32::from_le_bytes(b[i..i + 4].try_into().unwrap_or([0; 4]));
    ([u64_at(0), u64_at(8)], u32_at(16), u32_at(20))
}

/// Words of a Bloom filter of about 10 bits a key for `keys` keys, in whole 512-bit blocks, at most `cap` words.
fn bloom_words(keys: usize, cap: usize) -> usize {
    ((keys * 10 / 64).div_ceil(8).max(1) * 8).min(cap)
}

/// Builds a run from entries in key order.
struct RunWriter {
    out: BufWriter<File>,
    len: usize,
    fences: Vec<Key>,
}

impl RunWriter {
    fn new() -> io::Result<Self> {
        Ok(RunWriter { out: BufWriter::new(tempfile::tempfile()?), len: 0, fences: Vec::new() })
    }
    fn push(&mut self, key: Key, file: u32, line: u32) -> io::Result<()> {
        if self.len.is_multiple_of(FENCE) {
            self.fences.push(key);
        }
        encode(&mut self.out, key, file, line)?;
        self.len += 1;
        Ok(())
    }
    fn finish(self, level: u32) -> io::Result<Run> {
        let file = self.out.into_inner().map_err(|e| e.into_error())?;
        Ok(Run { file, len: self.len, fences: self.fences, level })
    }
}

/// A run's answer for a key: its (file, line), and whether a block was read to find out.
struct Found {
    hit: Option<(u32, u32)>,
    read: bool,
}

impl Run {
    /// The entry for `key`, if this run has it: one positioned read of the block its fences point to (a stack
    /// buffer, no seek), searched in place. This is what a Bloom filter's "maybe" costs, per run.
    fn find(&self, key: Key) -> io::Result<Found> {
        let slot = self.fences.partition_point(|f| *f <= key);
        let Some(block) = slot.checked_sub(1) else { return Ok(Found { hit: None, read: false }) };
        let start = block * FENCE;
        let n = FENCE.min(self.len - start);
        let mut buf = [0u8; FENCE * ENTRY];
        let bytes = &mut buf[..n * ENTRY];
        self.file.read_exact_at(bytes, (start * ENTRY) as u64)?;
        let (mut lo, mut hi) = (0, n);
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            let (k, file, line) = decode(&bytes[mid * ENTRY..(mid + 1) * ENTRY]);
            match k.cmp(&key) {
                std::cmp::Ordering::Less => lo = mid + 1,
                std::cmp::Ordering::Greater => hi = mid,
                std::cmp::Ordering::Equal => return Ok(Found { hit: Some((file, line)), read: true }),
            }
        }
        Ok(Found { hit: None, read: true })
    }

    fn reader(&self) -> io::Result<BufReader<File>> {
        let mut f = self.file.try_clone()?;
        f.seek(SeekFrom::Start(0))?;
        Ok(BufReader::with_capacity(64 * 1024, f))
    }
}

fn next_entry(r: &mut BufReader<File>, left: &mut usize) -> io::Result<Option<(Key, u32, u32)>> {
    if *left == 0 {
        return Ok(None);
    }
    let mut buf = [0u8; ENTRY];
    r.read_exact(&mut buf)?;
    *left -= 1;
    Ok(Some(decode(&buf)))
}

impl Dedup {
    /// Keys kept in memory before a spill: about 3 MB of map (7/8 of 2^17 slots).
    pub const MEMORY_KEYS: usize = 114_688;

    pub fn new() -> Self {
        Dedup::with_memory_keys(Self::MEMORY_KEYS)
    }

    /// Bytes the Bloom filter may take unless the caller says otherwise ([`Dedup::with_limits`]). At ~10 bits a
    /// spilled key, doubled when full, the filter grew with the rows (18 MB at 10M rows, 36 MB at 30M: issue 14);
    /// 8 MiB keeps 10 bits a key up to ~6.7M rows. Past that the filter fills, more of its answers are "maybe",
    /// and each "maybe" reads one block of every run (one `pread`): memory stays bounded, time grows (at 10M rows
    /// no slower than 16 MiB within the runs' noise, and 8 MiB less at the peak: docs/PERFORMANCE.md, session 12).
    pub const BLOOM_BYTES: usize = 8 << 20;

    /// A `Dedup` that spills after `n` keys (tests use a small `n`).
    pub fn with_memory_keys(n: usize) -> Self {
        Dedup::with_limits(n, Self::BLOOM_BYTES)
    }

    /// A `Dedup` that spills after `n` keys and whose Bloom filter takes at most `bloom_bytes` (at least one
    /// 64-byte block).
    pub fn with_limits(n: usize, bloom_bytes: usize) -> Self {
        Dedup {
            bloom_cap: (bloom_bytes / 64).max(1) * 8,
            bloom_k: BLOOM_K_MAX,
            adapt_k: true,
            fan_in: FAN_IN,
            stats: DedupStats::default(),
            files: Vec::new(),
            committed: Vec::new(),
            mem: FastMap::default(),
            memory_keys: n.max(1),
            runs: Vec::new(),
            bloom: Vec::new(),
            bloom_keys: 0,
            spilled: 0,
            seeds: (RandomState::default(), RandomState::default()),
            shapes: Vec::new(),
            scopes: std::collections::HashMap::new(),
            last_scope: None,
        }
    }

    /// Keep k = 7 however full the filter is (what the check did before session 15; for measuring only).
    #[doc(hidden)]
    pub fn with_fixed_k(mut self) -> Self {
        self.adapt_k = false;
        self
    }

    /// Merge runs `n` at a time (at least 2; for measuring).
    #[doc(hidden)]
    pub fn with_fan_in(mut self, n: usize) -> Self {
        self.fan_in = n.max(2);
        self
    }

    /// Check a raw key (the benchmarks feed keys without rows): `true` when it was seen before.
    #[doc(hidden)]
    pub fn check_key(&mut self, key: [u64; 2], line: u32) -> io::Result<bool> {
        Ok(self.seen(key, line)?.is_some())
    }

    /// The current file's column shape (its normalised header names).
    pub(crate) fn set_shape(&mut self, names: &[String]) {
        let mut h = self.seeds.0.build_hasher();
        for n in names {
            h.write_usize(n.len());
            h.write(n.as_bytes());
        }
        let shape = h.finish();
        let at = self.current() as usize;
        if self.shapes.len() <= at {
            self.shapes.resize(at + 1, 0);
        }
        self.shapes[at] = shape;
        self.last_scope = None;
    }

    /// An earlier imported file of the run with the same payer and period but other columns.
    pub(crate) fn overlap(&mut self, item: &LineItem) -> Option<Overlap> {
        if self.last_scope.as_ref().is_some_and(|(p, per)| *p == item.payer && *per == item.period) {
            return None;
        }
        let key = (item.payer.clone(), item.period);
        self.last_scope = Some(key.clone());
        let current = self.current();
        match self.scopes.get(&key).copied() {
            Some(f) if f != current && self.valid(f) => {
                let shape = |i: u32| self.shapes.get(i as usize).copied();
                if shape(f) != shape(current) {
                    return Some(Overlap { file: self.files.get(f as usize).cloned().unwrap_or_default() });
                }
            }
            Some(f) if f == current || self.valid(f) => {}
            _ => {
                self.scopes.insert(key, current);
            }
        }
        None
    }

    /// Start reading a file: its rows are checked against committed files and against each other.
    pub fn begin_file(&mut self, name: &str) {
        self.files.push(name.to_string());
        self.committed.push(false);
    }

    /// The file being read was imported: its line items now count for the files after it.
    pub fn commit_file(&mut self) {
        if let Some(c) = self.committed.last_mut() {
            *c = true;
        }
    }

    fn current(&self) -> u32 {
        u32::try_from(self.files.len().saturating_sub(1)).unwrap_or(u32::MAX)
    }

    fn valid(&self, file: u32) -> bool {
        file == self.current() || self.committed.get(file as usize).copied().unwrap_or(false)
    }

    fn key(&self, layout: &Layout, rec: &Record, item: &LineItem) -> (Key, bool) {
        let id = layout.line_id.first().and_then(|&c| rec.get(c)).filter(|v| !v.trim_ascii().is_empty());
        let hash = |s: &RandomState| {
            let mut h = s.build_hasher();
            match id {
                Some(id) => {
                    h.write(item.payer.as_bytes());
                    h.write_u8(0xff);
                    h.write_i32(item.period.year());
                    h.write_u32(item.period.month());
                    h.write(id);
                    h.write_u8(0xff);
                    h.write(layout.line_id.get(1).and_then(|&c| rec.get(c)).unwrap_or_default());
                }
                None => {
                    for f in rec.iter() {
                        h.write_usize(f.len());
                        h.write(f);
                    }
                }
            }
            h.finish()
        };
        ([hash(&self.seeds.0), hash(&self.seeds.1)], id.is_some())
    }

    /// [`Dedup::overlap`] then [`Dedup::check`].
    pub(crate) fn check_item(&mut self, layout: &Layout, rec: &Record, item: &LineItem) -> Result<Option<First>, Seen> {
        if let Some(o) = self.overlap(item) {
            return Err(Seen::Overlap(o));
        }
        self.check(layout, rec, item).map_err(Seen::Io)
    }

    /// Where this row's line item was first seen (a duplicate), or `None` after remembering it.
    pub(crate) fn check(&mut self, layout: &Layout, rec: &Record, item: &LineItem) -> io::Result<Option<First>> {
        let (key, by_id) = self.key(layout, rec, item);
        let line = u32::try_from(rec.line()).unwrap_or(u32::MAX);
        Ok(self.seen(key, line)?.map(|(file, line)| First {
            file: self.files.get(file as usize).cloned().unwrap_or_default(),
            line: u64::from(line),
            by_id,
        }))
    }

    /// The (file, line) that had `key` first, or `None` after remembering it at `line` of the current file.
    fn seen(&mut self, key: Key, line: u32) -> io::Result<Option<(u32, u32)>> {
        self.stats.keys += 1;
        if let Some(&hit) = self.mem.get(&key)
            && self.valid(hit.0)
        {
            return Ok(Some(hit));
        }
        if !self.runs.is_empty() && bloom_has(&self.bloom, self.bloom_k, key) {
            self.stats.maybes += 1;
            for run in self.runs.iter().rev() {
                let found = run.find(key)?;
                self.stats.run_reads += u64::from(found.read);
                if let Some(hit) = found.hit
                    && self.valid(hit.0)
                {
                    return Ok(Some(hit));
                }
            }
        }
        self.mem.insert(key, (self.current(), line));
        if self.mem.len() >= self.memory_keys {
            self.spill()?;
        }
        Ok(None)
    }

    /// What the check did so far.
    pub fn stats(&self) -> DedupStats {
        DedupStats { runs: self.runs.len(), bloom_bytes: self.bloom.len() * 8, bloom_k: self.bloom_k, ..self.stats }
    }

    fn spill(&mut self) -> io::Result<()> {
        let mut entries: Vec<(Key, (u32, u32))> = self.mem.drain().collect();
        self.mem.shrink_to(self.memory_keys);
        entries.sort_unstable_by_key(|e| e.0);
        self.spilled += entries.len();
        self.stats.spilled += entries.len() as u64;
        // Past its design the filter is rebuilt for twice the keys: larger while under its budget, else with
        // the k that suits the new load (the same words, fewer bits a key).
        let mut rebuild = false;
        if self.spilled > self.bloom_keys {
            let keys = (self.bloom_keys * 2).max(self.spilled * 2);
            let words = bloom_words(keys, self.bloom_cap);
            let k = if self.adapt_k { bloom_k_for(words, keys) } else { BLOOM_K_MAX };
            self.bloom_keys = keys;
            if words > self.bloom.len() || k != self.bloom_k {
                rebuild = true;
                self.bloom_k = k;
                // Every key is put back below, so the old filter goes first: the two are never held together
                // (at 10M rows 9 MB and 18 MB).
                self.bloom = Vec::new();
                self.bloom = vec![0; words];
                self.stats.rebuilds += 1;
            }
        }
        let mut w = RunWriter::new()?;
        for (k, (f, l)) in entries {
            w.push(k, f, l)?;
            bloom_add(&mut self.bloom, self.bloom_k, k);
        }
        if rebuild {
            // The filter changed: put the keys of the earlier runs back in (a sequential read, amortised O(1) a key).
            for run in &self.runs {
                let (mut r, mut left) = (run.reader()?, run.len);
                while let Some((k, _, _)) = next_entry(&mut r, &mut left)? {
                    bloom_add(&mut self.bloom, self.bloom_k, k);
                }
            }
        }
        self.runs.push(w.finish(0)?);
        // Merge while `fan_in` runs share a level (size-tiered): few runs to check, each key rewritten log times.
        loop {
            let Some(level) = (0..64).find(|l| self.runs.iter().filter(|r| r.level == *l).count() >= self.fan_in)
            else {
                return Ok(());
            };
            let (merge, keep): (Vec<Run>, Vec<Run>) =
                std::mem::take(&mut self.runs).into_iter().partition(|r| r.level == level);
            self.runs = keep;
            let merged = self.merge(&merge, level + 1)?;
            self.runs.push(merged);
        }
    }

    /// Merge runs into one; of equal keys the first that still counts is kept (stale files' entries dropped).
    fn merge(&self, runs: &[Run], level: u32) -> io::Result<Run> {
        let mut readers = runs.iter().map(Run::reader).collect::<io::Result<Vec<_>>>()?;
        let mut left: Vec<usize> = runs.iter().map(|r| r.len).collect();
        let mut heads = Vec::with_capacity(runs.len());
        for (r, n) in readers.iter_mut().zip(left.iter_mut()) {
            heads.push(next_entry(r, n)?);
        }
        let mut w = RunWriter::new()?;
        let mut last: Option<Key> = None;
        while let Some(i) = (0..heads.len()).filter(|&i| heads[i].is_some()).min_by_key(|&i| heads[i].map(|h| h.0)) {
            let Some((k, f, l)) = heads[i] else { break };
            heads[i] = next_entry(&mut readers[i], &mut left[i])?;
            if last == Some(k) || !self.valid(f) {
                continue;
            }
            w.push(k, f, l)?;
            last = Some(k);
        }
        w.finish(level)
    }
}

#[cfg(test)]
#[path = "dedup_tests.rs"]
mod tests;
