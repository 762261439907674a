//! The import dictionary cache's two tables (`dict.rs`, [`super::dict::Interner`]): [`TagTable`] in memory,
//! bounded, and [`DiskIds`] in a temp file behind it, both keyed by a value's 96-bit seeded hash ([`Tag`]).

/// A value's key ([`Interner::tag`]): 96 bits of two independent seeded hashes, in memory and on disk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Tag {
    pub(super) hi: u64,
    pub(super) lo: u32,
}

/// A flat open-addressing map from [`Tag`] to dictionary id: linear probing, at most 4/5 full, one `u128` a
/// slot (the tag's 96 bits and a 32-bit id; id 0 marks an empty slot, dictionary ids start at 1). Its room for
/// `max` values is allocated zeroed at the first insert, so the pages a small import never touches are never
/// resident, and it is never reallocated: a generation turning over clears the older table in place rather than
/// freeing it (freeing large blocks raises glibc's mmap threshold and grew the 10M import by ~20 MiB). Ids
/// outside `1..=u32::MAX` are not cached (they are looked up again: correct, only slower). No removal.
#[derive(Debug, Default)]
pub(super) struct TagTable {
    slots: Vec<u128>,
    len: usize,
    max: usize,
}

const ID_BITS: u128 = 0xFFFF_FFFF;

/// Every value this import resolved once its memory cache started dropping values: a hash table of 32-byte
/// slots (the tag's 96 bits, the id) in an anonymous temp file (TMPDIR, as the rollups' spill), at most half
/// full, probed 32 slots (1 KiB) a read. A value the cache dropped costs one `pread` here instead of a look-up
/// in the store (on SQLite, through the import's writer, whose pages sit in a growing WAL: ~10 µs a value and
/// three quarters of the 10M-row import's extra time, docs/PERFORMANCE.md session 13). The kernel's page cache
/// holds the file, outside the import's RSS. The file is sparse: it starts with room for 2²⁰ slots and doubles.
pub(super) struct DiskIds {
    file: std::fs::File,
    slots: u64,
    len: u64,
    buf: Vec<u8>,
}

const DISK_SLOT: u64 = 32;
const DISK_WINDOW: u64 = 32;

impl DiskIds {
    pub(super) fn new(slots: u64) -> std::io::Result<DiskIds> {
        let file = tempfile::tempfile()?;
        file.set_len(slots * DISK_SLOT)?;
        Ok(DiskIds { file, slots, len: 0, buf: vec![0; (DISK_WINDOW * DISK_SLOT) as usize] })
    }

    /// The slot holding `t`, or the empty slot where it would go, and its id.
    fn find(&mut self, t: Tag) -> std::io::Result<(u64, Option<i64>)> {
        use std::os::unix::fs::FileExt as _;
        let mut i = u64::try_from(TagTable::home(t.hi, usize::try_from(self.slots).unwrap_or(usize::MAX))).unwrap_or(0);
        loop {
            let n = DISK_WINDOW.min(self.slots - i);
            let bytes = usize::try_from(n * DISK_SLOT).unwrap_or(0);
            self.file.read_exact_at(&mut self.buf[..bytes], i * DISK_SLOT)?;
            for (k, s) in self.buf[..bytes].chunks_exact(DISK_SLOT as usize).enumerate() {
                let (tag, id) = DiskIds::decode(s);
                let at = i + k as u64;
                if id == 0 {
                    return Ok((at, None));
                }
                if tag == t {
                    return Ok((at, Some(id)));
                }
            }
            i = (i + n) % self.slots;
        }
    }

    /// A slot's tag and id (id 0: empty); `put` writes the same layout.
    fn decode(s: &[u8]) -> (Tag, i64) {
        let word = |a: usize| u64::from_le_bytes(s[a..a + 8].try_into().unwrap_or_default());
        (Tag { hi: word(0), lo: word(8) as u32 }, word(16) as i64)
    }

    pub(super) fn get(&mut self, t: Tag) -> std::io::Result<Option<i64>> {
        Ok(self.find(t)?.1)
    }

    /// Record `t` → `id` (ids are positive: 0 marks an empty slot).
    pub(super) fn put(&mut self, t: Tag, id: i64) -> std::io::Result<()> {
        use std::os::unix::fs::FileExt as _;
        if id <= 0 {
            return Ok(());
        }
        if (self.len + 1) * 2 > self.slots {
            self.grow()?;
        }
        let (at, had) = self.find(t)?;
        let mut slot = [0u8; DISK_SLOT as usize];
        slot[0..8].copy_from_slice(&t.hi.to_le_bytes());
        slot[8..16].copy_from_slice(&u64::from(t.lo).to_le_bytes());
        slot[16..24].copy_from_slice(&id.to_le_bytes());
        self.file.write_all_at(&slot, at * DISK_SLOT)?;
        if had.is_none() {
            self.len += 1;
        }
        Ok(())
    }

    /// Twice the slots: a new file, every entry of this one re-inserted (read in 64 KiB pieces).
    fn grow(&mut self) -> std::io::Result<()> {
        use std::os::unix::fs::FileExt as _;
        let mut next = DiskIds::new(self.slots * 2)?;
        let mut piece = vec![0u8; 1 << 16];
        let total = self.slots * DISK_SLOT;
        let mut off = 0;
        while off < total {
            let bytes = usize::try_from((total - off).min(1 << 16)).unwrap_or(0);
            self.file.read_exact_at(&mut piece[..bytes], off)?;
            for s in piece[..bytes].chunks_exact(DISK_SLOT as usize) {
                let (tag, id) = DiskIds::decode(s);
                if id != 0 {
                    next.put(tag, id)?;
                }
            }
            off += bytes as u64;
        }
        *self = next;
        Ok(())
    }
}

impl TagTable {
    pub(super) fn new(max: usize) -> TagTable {
        TagTable { slots: Vec::new(), len: 0, max }
    }

    #[cfg(test)]
    pub(super) fn len(&self) -> usize {
        self.len
    }

    #[cfg(test)]
    pub(super) fn capacity(&self) -> usize {
        self.slots.capacity()
    }

    fn key(t: Tag) -> u128 {
        (u128::from(t.hi) << 64) | (u128::from(t.lo) << 32)
    }

    /// The first slot to probe for `hi` in `n` slots (multiply-shift: any `n`, no power of two needed).
    fn home(hi: u64, n: usize) -> usize {
        let n = u64::try_from(n).unwrap_or(u64::MAX);
        usize::try_from((u128::from(hi) * u128::from(n)) >> 64).unwrap_or(0)
    }

    pub(super) fn get(&self, t: Tag) -> Option<i64> {
        let n = self.slots.len();
        if n == 0 {
            return None;
        }
        let key = TagTable::key(t);
        let mut i = TagTable::home(t.hi, n);
        loop {
            let s = self.slots[i];
            if s & ID_BITS == 0 {
                return None;
            }
            if s & !ID_BITS == key {
                return i64::try_from(s & ID_BITS).ok();
            }
            i = if i + 1 == n { 0 } else { i + 1 };
        }
    }

    /// Whether another value fits without passing `max` (the caller turns generations over when it does not).
    pub(super) fn full(&self) -> bool {
        self.len >= self.max
    }

    /// Every (tag, id) held.
    pub(super) fn entries(&self) -> impl Iterator<Item = (Tag, i64)> + '_ {
        self.slots.iter().filter(|s| **s & ID_BITS != 0).map(|s| {
            let tag = Tag { hi: (*s >> 64) as u64, lo: ((*s >> 32) & ID_BITS) as u32 };
            (tag, i64::from((*s & ID_BITS) as u32))
        })
    }

    /// Empty the table, keeping its memory.
    pub(super) fn clear(&mut self) {
        self.slots.fill(0);
        self.len = 0;
    }

    /// Cache `t` → `id`; false when the id does not fit a slot (not cached) or the table holds `max` values.
    pub(super) fn insert(&mut self, t: Tag, id: i64) -> bool {
        let Ok(id) = u32::try_from(id) else { return false };
        if id == 0 {
            return false;
        }
        if self.slots.is_empty() {
            // zeroed: a large one is fresh pages from the system, resident only once written
            self.slots = vec![0; (self.max.max(1).saturating_mul(5) / 4 + 1).max(16)];
        }
        let (key, n) = (TagTable::key(t), self.slots.len());
        let mut i = TagTable::home(t.hi, n);
        loop {
            let s = &mut self.slots[i];
            if *s & ID_BITS == 0 {
                // `max` values at most: the table stays at most 4/5 full, so every probe ends at an empty slot
                if self.len >= self.max {
                    return false;
                }
                *s = key | u128::from(id);
                self.len += 1;
                return true;
            }
            if *s & !ID_BITS == key {
                *s = key | u128::from(id);
                return true;
            }
            i = if i + 1 == n { 0 } else { i + 1 };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tag_table_finds_what_it_holds_in_shared_probes_and_stays_within_max() {
        let mut t = TagTable::new(1_000);
        // same 64-bit half (same home slot), different 32-bit half: two values, both found
        t.insert(Tag { hi: 7, lo: 1 }, 11);
        t.insert(Tag { hi: 7, lo: 2 }, 12);
        for k in 0..900u64 {
            t.insert(Tag { hi: k.wrapping_mul(0x9E37_79B9_7F4A_7C15), lo: 3 }, 100 + k as i64);
        }
        assert_eq!(t.len(), 902);
        assert!(t.slots.len() * 4 >= 1_000 * 5, "never more than 4/5 full");
        assert!(t.slots.len() <= 1_000 * 5 / 4 + 1, "room for `max` values, no more");
        assert_eq!((t.get(Tag { hi: 7, lo: 1 }), t.get(Tag { hi: 7, lo: 2 })), (Some(11), Some(12)));
        assert_eq!(t.get(Tag { hi: 7, lo: 3 }), None);
        for k in 0..900u64 {
            assert_eq!(t.get(Tag { hi: k.wrapping_mul(0x9E37_79B9_7F4A_7C15), lo: 3 }), Some(100 + k as i64));
        }
        // an id a slot cannot hold is not cached (looked up again), and the same tag again updates in place
        t.insert(Tag { hi: 1, lo: 1 }, i64::from(u32::MAX) + 1);
        t.insert(Tag { hi: 7, lo: 1 }, 13);
        assert_eq!((t.get(Tag { hi: 1, lo: 1 }), t.get(Tag { hi: 7, lo: 1 }), t.len()), (None, Some(13), 902));
        // past `max` nothing new is taken (the cache turns generations over before that), and look-ups still end
        for k in 0..500u64 {
            t.insert(Tag { hi: k, lo: 9 }, 5_000 + k as i64);
        }
        assert_eq!(t.len(), 1_000);
        assert_eq!(t.get(Tag { hi: u64::MAX, lo: 0 }), None);
    }

    #[test]
    fn the_disk_table_finds_every_value_across_growth() -> std::io::Result<()> {
        let mut d = DiskIds::new(64)?;
        // 97 homes spread over the table, the last one at its very end
        let tag = |k: u64| Tag { hi: (k % 97) * (u64::MAX / 96), lo: k as u32 };
        for k in 0..5_000u64 {
            d.put(tag(k), k as i64 + 1)?;
        }
        assert!(d.slots >= 10_000 && d.len == 5_000, "grew to stay half empty: {} slots", d.slots);
        for k in 0..5_000u64 {
            assert_eq!(d.get(tag(k))?, Some(k as i64 + 1), "value {k}");
        }
        // crowded homes' probes run on, the last one's around the end of the file; a missing tag ends at an
        // empty slot
        assert_eq!(d.get(Tag { hi: u64::MAX, lo: u32::MAX })?, None);
        d.put(tag(7), 99)?;
        assert_eq!((d.get(tag(7))?, d.len), (Some(99), 5_000));
        Ok(())
    }
}
