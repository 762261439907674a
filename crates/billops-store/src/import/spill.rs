//! Bounded memory for an import's rollups, whatever the number of distinct accounts, resources, tags or usage
//! types: when the finest aggregate (every key) passes its budget, it is folded to the two grains written at
//! the end (resource and rating; cost is folded from rating) and each is spilled as one sorted run to an
//! anonymous temp file. At the end the runs (and what is left in memory) are merged per grain, equal keys
//! summed exactly, and written in chunks; cost rows are folded from the rating stream on the way, its sort
//! order putting the two keys cost drops (usage type, unit) last. A file that never passes the budget takes
//! the in-memory path unchanged.
//!
//! Chosen over aggregating in the database (staging tables, `INSERT … SELECT … GROUP BY`) because the
//! PostgreSQL path streams line items through an open COPY that would have to be closed and reopened around
//! every spill, and because the merge costs the same on both backends. Memory: the budgeted map, one
//! `Vec` while a run is sorted (the map is freed first), and a read buffer per run at the end.
use std::cmp::Ordering;
use std::collections::BinaryHeap;
use std::fs::File;
use std::io::{BufReader, BufWriter, Read, Seek, SeekFrom, Write};

use billops_domain::{Period, SplitDecimal};

use super::dict::FastMap;
use super::state::{Grain, RollKey, Sums};
use crate::{Result, StoreError};

/// Finest-grain keys kept in memory before a spill, unless `BILLOPS_IMPORT_ROLLUP_KEYS` says otherwise
/// (~250 bytes a key in a map sized once for the budget: 25,000 keys take an 8 MiB table; 50,000, a 16 MiB one,
/// were no faster at 1M high-cardinality rows and 8 MiB more at the peak; 12,500 spilled twice as often for no
/// lower peak: docs/PERFORMANCE.md, session 12).
pub(crate) const DEFAULT_BUDGET_KEYS: usize = 25_000;

/// Keys written per chunk when the runs are merged into the store (a chunk and the cost keys gathered beside it
/// are maps of ~300 bytes a key: 20,000 held ~12 MiB at 10M rows; the statements are the same size either way).
const WRITE_CHUNK: usize = 5_000;

/// Read buffers of one grain's merge, all runs together: each run gets its share, between 4 and 64 KiB (at 10M
/// high-cardinality rows a merge reads a hundred runs or more; 64 KiB each grew with the file).
const MERGE_BUFFERS: usize = 4 << 20;

/// Numbers in one entry: 13 key fields and 18 of sums ([`fields`]).
const FIELDS: usize = 31;

/// The longest entry on disk: each number at most 10 varint bytes.
const MAX_ENTRY: usize = FIELDS * 10;

/// The budget: `BILLOPS_IMPORT_ROLLUP_KEYS` (a positive whole number) or the default.
pub(crate) fn budget_keys() -> usize {
    super::budget_from_env("BILLOPS_IMPORT_ROLLUP_KEYS", 1, DEFAULT_BUDGET_KEYS)
}

fn io(e: std::io::Error) -> StoreError {
    StoreError::Invalid(format!("the import's spill file failed: {e}"))
}

/// The key in a grain's sort order. Resource: the resource-rollup key. Rating: the rating-rollup key with
/// usage type and unit last, so that the cost grain (which drops them) is a run of adjacent keys. Currency is
/// a key of every grain (before the keys cost drops).
fn order(grain: Grain, k: &RollKey) -> [i64; 13] {
    let p = i64::from(k.period.year()) * 100 + i64::from(k.period.month());
    let h = [p, k.customer, k.service, k.product, k.component, k.account, k.payer, k.charge, k.region, k.currency];
    match grain {
        Grain::Resource => [h[0], h[1], h[2], h[3], h[4], h[5], h[6], h[7], h[8], h[9], k.resource, 0, 0],
        Grain::Rating | Grain::Cost => {
            [h[0], h[1], h[2], h[3], h[4], h[5], h[6], h[7], h[8], h[9], k.usage_type, k.unit, 0]
        }
    }
}

/// `a` against `b` in the grain's order ([`order`]) without building the arrays: a spill's sort compares each
/// entry log n times, and most comparisons end at the customer or the service.
fn cmp_in(grain: Grain, a: &RollKey, b: &RollKey) -> Ordering {
    let head = |k: &RollKey| {
        (k.period, k.customer, k.service, k.product, k.component, k.account, k.payer, k.charge, k.region, k.currency)
    };
    head(a).cmp(&head(b)).then_with(|| match grain {
        Grain::Resource => a.resource.cmp(&b.resource),
        Grain::Rating => (a.usage_type, a.unit).cmp(&(b.usage_type, b.unit)),
        Grain::Cost => Ordering::Equal,
    })
}

fn coarsen(grain: Grain, k: &RollKey) -> RollKey {
    match grain {
        Grain::Resource => RollKey { usage_type: 0, unit: 0, ..*k },
        Grain::Rating => RollKey { resource: 0, ..*k },
        Grain::Cost => RollKey { resource: 0, usage_type: 0, unit: 0, ..*k },
    }
}

/// The 31 numbers of an entry in their order on disk: 13 key fields, then rows, no_quantity and the four sums'
/// split parts.
fn fields(k: &RollKey, s: &Sums) -> [i64; FIELDS] {
    let p = i64::from(k.period.year()) * 100 + i64::from(k.period.month());
    let (b, e, l, q) = (s.billed, s.effective, s.list, s.quantity);
    [
        p,
        k.customer,
        k.service,
        k.product,
        k.component,
        k.account,
        k.payer,
        k.charge,
        k.region,
        k.resource,
        k.usage_type,
        k.unit,
        k.currency,
        s.rows,
        s.no_quantity,
        b.int,
        b.e9,
        b.e18,
        b.e28,
        e.int,
        e.e9,
        e.e18,
        e.e28,
        l.int,
        l.e9,
        l.e18,
        l.e28,
        q.int,
        q.e9,
        q.e18,
        q.e28,
    ]
}

/// One entry: its length (u16), then each field as a zigzag LEB128 varint. Dictionary ids, counts and most
/// split parts are small or zero, so an entry takes ~70–90 bytes where 31 fixed i64 took 248 (the runs of a 10M
/// high-cardinality import: 4.5 GB written and read back at 248).
fn encode(k: &RollKey, s: &Sums, out: &mut impl Write) -> Result<()> {
    let mut buf = [0u8; 2 + MAX_ENTRY];
    let mut n = 2;
    for v in fields(k, s) {
        let mut u = ((v << 1) ^ (v >> 63)) as u64;
        while u >= 0x80 {
            buf[n] = (u as u8) | 0x80;
            n += 1;
            u >>= 7;
        }
        buf[n] = u as u8;
        n += 1;
    }
    let len = u16::try_from(n - 2).map_err(|_| corrupt())?;
    buf[..2].copy_from_slice(&len.to_le_bytes());
    out.write_all(&buf[..n]).map_err(io)
}

fn corrupt() -> StoreError {
    StoreError::Invalid("the import's spill file is corrupt".into())
}

/// The fields [`encode`] wrote into `buf` (the bytes after the length).
fn decode(buf: &[u8]) -> Result<(RollKey, Sums)> {
    let mut v = [0i64; FIELDS];
    let (mut at, mut field) = (0, 0);
    while field < FIELDS {
        let (mut u, mut shift) = (0u64, 0u32);
        loop {
            let byte = *buf.get(at).ok_or_else(corrupt)?;
            at += 1;
            u |= u64::from(byte & 0x7f).checked_shl(shift).ok_or_else(corrupt)?;
            if byte < 0x80 {
                break;
            }
            shift += 7;
        }
        v[field] = ((u >> 1) as i64) ^ -((u & 1) as i64);
        field += 1;
    }
    if at != buf.len() {
        return Err(corrupt());
    }
    let period = Period::new(i32::try_from(v[0] / 100).unwrap_or(0), u32::try_from(v[0] % 100).unwrap_or(0))
        .ok_or_else(corrupt)?;
    let key = RollKey {
        period,
        customer: v[1],
        service: v[2],
        product: v[3],
        component: v[4],
        account: v[5],
        payer: v[6],
        charge: v[7],
        region: v[8],
        resource: v[9],
        usage_type: v[10],
        unit: v[11],
        currency: v[12],
    };
    let split = |i: usize| SplitDecimal { int: v[i], e9: v[i + 1], e18: v[i + 2], e28: v[i + 3] };
    let sums = Sums {
        rows: v[13],
        no_quantity: v[14],
        billed: split(15),
        effective: split(19),
        list: split(23),
        quantity: split(27),
    };
    Ok((key, sums))
}

/// Sorted runs of one grain.
#[derive(Default)]
struct Runs {
    files: Vec<File>,
}

impl Runs {
    /// Sort `entries` in the grain's order, sum adjacent equal keys of the grain, write them as one run.
    fn write(&mut self, grain: Grain, entries: &mut [(&RollKey, &Sums)]) -> Result<()> {
        entries.sort_unstable_by(|(a, _), (b, _)| cmp_in(grain, a, b));
        let file = tempfile::tempfile().map_err(io)?;
        let mut out = BufWriter::with_capacity(1 << 16, file);
        let mut current: Option<(RollKey, Sums)> = None;
        for (k, s) in entries.iter() {
            let k = coarsen(grain, k);
            match &mut current {
                Some((ck, cs)) if *ck == k => cs.merge(s)?,
                _ => {
                    if let Some((ck, cs)) = current.take() {
                        encode(&ck, &cs, &mut out)?;
                    }
                    current = Some((k, (*s).clone()));
                }
            }
        }
        if let Some((ck, cs)) = current {
            encode(&ck, &cs, &mut out)?;
        }
        let mut file = out.into_inner().map_err(|e| io(e.into_error()))?;
        file.seek(SeekFrom::Start(0)).map_err(io)?;
        self.files.push(file);
        Ok(())
    }

    /// A merge of every run in the grain's order.
    fn merge(self, grain: Grain) -> Result<Merge> {
        let mut m = Merge {
            grain,
            readers: {
                let each = (MERGE_BUFFERS / self.files.len().max(1)).clamp(4 << 10, 64 << 10);
                self.files.into_iter().map(|f| BufReader::with_capacity(each, f)).collect()
            },
            heap: BinaryHeap::new(),
            current: None,
        };
        for run in 0..m.readers.len() {
            m.refill(run)?;
        }
        Ok(m)
    }
}

/// The smallest entry of a run, in a min-heap on (grain order, run).
struct Head {
    order: [i64; 13],
    key: RollKey,
    sums: Sums,
    run: usize,
}

impl PartialEq for Head {
    fn eq(&self, o: &Self) -> bool {
        self.order == o.order && self.run == o.run
    }
}
impl Eq for Head {}
impl PartialOrd for Head {
    fn partial_cmp(&self, o: &Self) -> Option<Ordering> {
        Some(self.cmp(o))
    }
}
impl Ord for Head {
    fn cmp(&self, o: &Self) -> Ordering {
        o.order.cmp(&self.order).then(o.run.cmp(&self.run))
    }
}

/// A k-way merge of sorted runs: each key once, equal keys summed.
struct Merge {
    grain: Grain,
    readers: Vec<BufReader<File>>,
    heap: BinaryHeap<Head>,
    current: Option<(RollKey, Sums)>,
}

impl Merge {
    fn refill(&mut self, run: usize) -> Result<()> {
        let mut len = [0u8; 2];
        match self.readers[run].read_exact(&mut len) {
            Ok(()) => {
                let mut buf = [0u8; MAX_ENTRY];
                let entry = buf.get_mut(..usize::from(u16::from_le_bytes(len))).ok_or_else(corrupt)?;
                self.readers[run].read_exact(entry).map_err(io)?;
                let (key, sums) = decode(entry)?;
                self.heap.push(Head { order: order(self.grain, &key), key, sums, run });
                Ok(())
            }
            Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => Ok(()),
            Err(e) => Err(io(e)),
        }
    }

    /// The next key with its sums, or `None` at the end.
    fn next(&mut self) -> Result<Option<(RollKey, Sums)>> {
        while let Some(Head { key, sums, run, .. }) = self.heap.pop() {
            self.refill(run)?;
            match &mut self.current {
                Some((ck, cs)) if *ck == key => cs.merge(&sums)?,
                _ => {
                    if let Some(done) = self.current.replace((key, sums)) {
                        return Ok(Some(done));
                    }
                }
            }
        }
        Ok(self.current.take())
    }
}

/// The spilled runs of one import.
#[derive(Default)]
pub(crate) struct Spill {
    resource: Runs,
    rating: Runs,
}

impl Spill {
    /// Whether anything was spilled (else the in-memory path writes the rollups).
    pub(crate) fn spilled(&self) -> bool {
        !self.resource.files.is_empty()
    }

    /// Move the finest aggregate out to one run per grain; the map is emptied, keeping its table for the next
    /// keys (allocated once at the budget: no growth, no second table while one is copied into it). The runs
    /// are sorted through references (16 bytes an entry), not a copy of the entries.
    pub(crate) fn spill(&mut self, finest: &mut FastMap<RollKey, Sums>) -> Result<()> {
        if finest.is_empty() {
            return Ok(());
        }
        let mut entries: Vec<(&RollKey, &Sums)> = finest.iter().collect();
        self.resource.write(Grain::Resource, &mut entries)?;
        self.rating.write(Grain::Rating, &mut entries)?;
        drop(entries);
        finest.clear();
        Ok(())
    }

    /// Start writing the merged runs back: resource rows first, then rating rows with cost rows folded from
    /// them (see [`Merged::chunk`]).
    pub(crate) fn merged(self) -> Result<Merged> {
        Ok(Merged {
            resource: Some(self.resource.merge(Grain::Resource)?),
            rating_runs: Some(self.rating),
            rating: None,
            cost: FastMap::default(),
            cost_current: None,
        })
    }
}

/// The merged runs, handed out in chunks of at most [`WRITE_CHUNK`] keys of one grain.
pub(crate) struct Merged {
    resource: Option<Merge>,
    /// The rating runs, opened when the resource merge is done: one grain's read buffers at a time.
    rating_runs: Option<Runs>,
    rating: Option<Merge>,
    cost: FastMap<RollKey, Sums>,
    cost_current: Option<(RollKey, Sums)>,
}

impl Merged {
    /// The next chunk to write and its grain; `None` when everything was handed out.
    pub(crate) fn chunk(&mut self) -> Result<Option<(Grain, FastMap<RollKey, Sums>)>> {
        if self.cost.len() >= WRITE_CHUNK {
            return Ok(Some((Grain::Cost, std::mem::take(&mut self.cost))));
        }
        if let Some(m) = &mut self.resource {
            let mut out = FastMap::default();
            while out.len() < WRITE_CHUNK {
                match m.next()? {
                    Some((k, s)) => {
                        out.insert(k, s);
                    }
                    None => {
                        self.resource = None;
                        break;
                    }
                }
            }
            if !out.is_empty() {
                return Ok(Some((Grain::Resource, out)));
            }
        }
        if self.resource.is_none()
            && let Some(runs) = self.rating_runs.take()
        {
            self.rating = Some(runs.merge(Grain::Rating)?);
        }
        if let Some(m) = &mut self.rating {
            let mut out = FastMap::default();
            while out.len() < WRITE_CHUNK && self.cost.len() < WRITE_CHUNK {
                match m.next()? {
                    Some((k, s)) => {
                        // Rating order puts usage type and unit last: a cost key is a run of adjacent keys.
                        let ck = coarsen(Grain::Cost, &k);
                        match &mut self.cost_current {
                            Some((key, sums)) if *key == ck => sums.merge(&s)?,
                            _ => {
                                if let Some((key, sums)) = self.cost_current.replace((ck, s.clone())) {
                                    self.cost.insert(key, sums);
                                }
                            }
                        }
                        out.insert(k, s);
                    }
                    None => {
                        self.rating = None;
                        if let Some((key, sums)) = self.cost_current.take() {
                            self.cost.insert(key, sums);
                        }
                        break;
                    }
                }
            }
            if !out.is_empty() {
                return Ok(Some((Grain::Rating, out)));
            }
        }
        if !self.cost.is_empty() {
            return Ok(Some((Grain::Cost, std::mem::take(&mut self.cost))));
        }
        Ok(None)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::import::state::fold;

    fn key(i: i64) -> RollKey {
        RollKey {
            period: Period::new(2026, 5).unwrap(),
            customer: i % 3,
            service: i % 5,
            product: i % 7,
            component: 1,
            account: i % 11,
            payer: 1,
            charge: 1,
            region: i % 2,
            resource: i,
            usage_type: i % 13,
            unit: i % 4,
            currency: i % 2 + 100,
        }
    }

    fn sums(i: i64) -> Sums {
        let mut s = Sums::default();
        let d = |v: i64| SplitDecimal { int: v, e9: 123_456_789, e18: 0, e28: 7 };
        s.add_amounts(d(i), d(2 * i), d(3 * i)).unwrap();
        s.add_quantity(if i % 9 == 0 { None } else { Some(rust_decimal::Decimal::new(i, 3)) }).unwrap();
        s
    }

    #[test]
    fn an_entry_reads_back_as_written_at_the_extremes_and_a_torn_one_is_an_error() {
        let mut k = key(5);
        let mut sm = sums(5);
        for v in [0, 1, -1, 63, -64, 64, i64::MAX, i64::MIN, 1 << 35, -(1 << 35)] {
            (k.resource, k.customer, sm.rows) = (v, v.wrapping_neg(), v);
            sm.billed = SplitDecimal { int: v, e9: -999_999_999, e18: 999_999_999, e28: v };
            let mut out = Vec::new();
            encode(&k, &sm, &mut out).unwrap();
            let len = usize::from(u16::from_le_bytes([out[0], out[1]]));
            assert_eq!(len + 2, out.len());
            assert!(len <= MAX_ENTRY);
            let (k2, s2) = decode(&out[2..]).unwrap();
            assert_eq!(k2, k);
            assert_eq!((fields(&k2, &s2)), fields(&k, &sm), "{v}");
            assert!(decode(&out[2..out.len() - 1]).is_err(), "a short entry");
            let mut long = out[2..].to_vec();
            long.push(0);
            assert!(decode(&long).is_err(), "an entry with bytes to spare");
        }
        // ids and counts are small: far under the 248 bytes of fixed i64s
        let mut out = Vec::new();
        encode(&key(1234), &sums(1234), &mut out).unwrap();
        assert!(out.len() < 100, "{}", out.len());
    }

    fn same(a: &FastMap<RollKey, Sums>, b: &FastMap<RollKey, Sums>) {
        assert_eq!(a.len(), b.len());
        for (k, v) in a {
            let w = b.get(k).unwrap();
            assert_eq!(
                (
                    v.rows,
                    v.no_quantity,
                    v.billed.to_decimal(),
                    v.effective.to_decimal(),
                    v.list.to_decimal(),
                    v.quantity.to_decimal()
                ),
                (
                    w.rows,
                    w.no_quantity,
                    w.billed.to_decimal(),
                    w.effective.to_decimal(),
                    w.list.to_decimal(),
                    w.quantity.to_decimal()
                )
            );
        }
    }

    /// Spilling every few keys and merging gives exactly the in-memory folds, at every grain.
    #[test]
    fn spilled_runs_merge_to_the_in_memory_folds() {
        let mut all: FastMap<RollKey, Sums> = FastMap::default();
        let mut spill = Spill::default();
        let mut map: FastMap<RollKey, Sums> = FastMap::default();
        for i in 0..5_000 {
            // Each key arrives twice, in different runs.
            for k in [key(i % 1_700), key((i * 7) % 1_700)] {
                all.entry(k).or_default().merge(&sums(i)).unwrap();
                map.entry(k).or_default().merge(&sums(i)).unwrap();
            }
            if map.len() >= 300 {
                spill.spill(&mut map).unwrap();
            }
        }
        spill.spill(&mut map).unwrap();
        assert!(spill.spilled());
        let mut got: [FastMap<RollKey, Sums>; 3] = Default::default();
        let mut merged = spill.merged().unwrap();
        let mut chunks = 0;
        while let Some((g, chunk)) = merged.chunk().unwrap() {
            chunks += 1;
            assert!(chunk.len() <= WRITE_CHUNK);
            let at = match g {
                Grain::Resource => 0,
                Grain::Rating => 1,
                Grain::Cost => 2,
            };
            for (k, v) in chunk {
                assert!(got[at].insert(k, v).is_none(), "a key written twice");
            }
        }
        assert!(chunks >= 3);
        same(&got[0], &fold(&all, Grain::Resource).unwrap());
        same(&got[1], &fold(&all, Grain::Rating).unwrap());
        same(&got[2], &fold(&all, Grain::Cost).unwrap());
    }

    /// The spill's sort (field by field) and the merge's heap (the `order` arrays) agree on every pair, so a run
    /// is sorted in the order its merge expects.
    #[test]
    fn the_sort_and_the_merge_order_agree() {
        let keys: Vec<RollKey> = (0..400)
            .map(|i| key(i * 37 % 401))
            .chain([0, 1].map(|m| RollKey { period: Period::new(2025, 12 - m).unwrap(), ..key(5) }))
            .collect();
        let mut compared = 0;
        for grain in [Grain::Resource, Grain::Rating] {
            for a in &keys {
                for b in &keys {
                    let (a, b) = (coarsen(grain, a), coarsen(grain, b));
                    assert_eq!(cmp_in(grain, &a, &b), order(grain, &a).cmp(&order(grain, &b)), "{a:?} {b:?}");
                    compared += 1;
                }
            }
        }
        assert_eq!(compared, 2 * 402 * 402);
    }
}
