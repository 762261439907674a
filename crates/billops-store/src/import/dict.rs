//! The text dictionary of line items and rollups: `dict(id, value)`, cached per import.
//!
//! Unknown values get a provisional negative id while a chunk is encoded, then are resolved in one batch:
//! - PostgreSQL ([`Interner::resolve`]): `INSERT … ON CONFLICT DO NOTHING` and `SELECT` on the pool, outside the
//!   import's transaction (whose connection is streaming a COPY); a value committed for an import that then
//!   rolls back is harmless.
//! - SQLite ([`Interner::resolve_local`]): existing values are looked up (on a reader connection, or through
//!   the writer when the pool has a single connection); new values get the next ids, which are ours because
//!   the import holds the write lock, and are written by the import's writer.
use std::collections::HashMap;
use std::hash::BuildHasher as _;

use tokio::sync::{mpsc, oneshot};

use foldhash::quality::RandomState;

use super::id_tables::{DiskIds, Tag, TagTable};
use super::pipe::WriteCmd;
use crate::db::{Arg, Db, Row, placeholders};
use crate::{Result, StoreError};

/// Text → dictionary id, cached for the import. Unknown values get a provisional negative id and are
/// resolved in one batch per chunk ([`Interner::resolve`]).
///
/// The cache is bounded (issue 14: at 15M high-cardinality rows it held 1.3M resource ids, 72 MB of a 174 MB
/// peak): two generations of at most `budget / 2` values each, keyed by a 96-bit hash of the value ([`Tag`])
/// rather than the text, in a flat table of 16-byte slots ([`TagTable`]: ~20 bytes a value, where a hash map
/// of a 128-bit tag took ~33 and one of the text ~130); a value found in the older one is copied to the newer,
/// and when the newer is full the older is dropped. Values used on every row (services, accounts, payers) stay;
/// a resource seen once goes. A value dropped and seen again is looked up again: on PostgreSQL the dictionary is
/// written outside the import (the look-up finds it); on SQLite the values this import added are only visible to
/// its own transaction, so from the first drop on every resolved value is also kept on disk ([`DiskIds`]), and a
/// value in neither table is one the import never saw: a reader answers it.
pub(crate) struct Interner {
    ids: TagTable,
    old: TagTable,
    seeds: (RandomState, RandomState),
    /// Values the import asks for by text after their chunk (the empty invoice id, payers): never dropped.
    pins: FastMap<Box<str>, Option<i64>>,
    /// Every value resolved since the cache first turned over ([`DiskIds`]); made then, with what it held.
    disk: Option<DiskIds>,
    /// The spill table failed: the import fails at the next resolve (a value dropped from the cache and then
    /// unknown would get a second id).
    failed: Option<String>,
    pending: Vec<String>,
    pending_ix: FastMap<Box<str>, i64>,
}

/// Dictionary values cached by an import (both generations), unless `BILLOPS_IMPORT_DICT_VALUES` says otherwise.
/// 50,000 (~1 MB): with the disk table behind it a miss is one `pread`, and at 10M rows 50,000 was as fast as
/// 100,000 and 6 MiB lower at the peak (docs/PERFORMANCE.md, session 13).
pub(crate) const DEFAULT_DICT_VALUES: usize = 50_000;

impl Default for Interner {
    fn default() -> Self {
        let budget = std::env::var("BILLOPS_IMPORT_DICT_VALUES")
            .ok()
            .and_then(|v| v.parse::<usize>().ok())
            .filter(|&n| n >= 2)
            .unwrap_or(DEFAULT_DICT_VALUES);
        Interner::with_budget(budget)
    }
}

/// A hash map with a fast (non-DoS-resistant) hasher: keys here come from the file being imported and the
/// map lives for one import.
pub(crate) type FastMap<K, V> = foldhash::HashMap<K, V>;

impl Interner {
    pub(crate) fn new() -> Self {
        Interner::default()
    }

    pub(crate) fn with_budget(budget: usize) -> Self {
        let budget = budget.max(2);
        Interner {
            ids: TagTable::new(budget / 2),
            old: TagTable::new(budget / 2),
            seeds: (RandomState::default(), RandomState::default()),
            pins: FastMap::default(),
            disk: None,
            failed: None,
            pending: Vec::new(),
            pending_ix: FastMap::default(),
        }
    }

    /// Drop the cache, keeping the pinned values: called once every row is streamed, before the rollups are
    /// written (the cache is up to `budget` values, ~1 MB at the default, and nothing after the rows reads it).
    pub(crate) fn release(&mut self) {
        self.ids = TagTable::new(0);
        self.old = TagTable::new(0);
        self.disk = None;
        self.pending_ix = FastMap::default();
        self.pending = Vec::new();
    }

    /// Keep `s` (once resolved) whatever the cache drops: [`Interner::id_of`] must find it at the end.
    pub(crate) fn pin(&mut self, s: &str) {
        if !self.pins.contains_key(s) {
            let id = self.id_of(s).or_else(|| self.disk_get(self.tag(s)));
            self.pins.insert(s.into(), id);
        }
    }

    /// The cache's key of a value: 64 bits of one hash and 32 of another, both seeded at random for this
    /// import. A value missing from the cache is taken for a cached one only if all 96 bits agree: a chance of
    /// about n·m/2⁹⁶ for n cached values and m look-ups (10⁻¹⁵ for a million of each per import), and a file
    /// cannot aim at it without the seeds (the argument of the duplicate check's row keys, `dedup.rs`).
    fn tag(&self, s: &str) -> Tag {
        let (a, b) = &self.seeds;
        // the low half of the second hash: foldhash's finish mixes every bit, so any 32 of them will do
        Tag { hi: a.hash_one(s), lo: b.hash_one(s) as u32 }
    }

    /// A value just resolved: cached, and once the cache has turned over, recorded on disk.
    fn remember(&mut self, s: &str, id: i64) {
        if let Some(pinned) = self.pins.get_mut(s) {
            *pinned = Some(id);
        }
        let tag = self.tag(s);
        self.cache(tag, id);
        if let Some(disk) = self.disk.as_mut()
            && let Err(e) = disk.put(tag, id)
        {
            self.fail(&e);
        }
    }

    /// Cache a value in the newer generation; a full one becomes the older (the older is dropped). A value the
    /// memory table cannot hold goes to disk.
    fn cache(&mut self, t: Tag, id: i64) {
        if self.ids.full() {
            self.spill_to_disk();
            std::mem::swap(&mut self.ids, &mut self.old);
            self.ids.clear();
        }
        if !self.ids.insert(t, id) {
            self.spill_to_disk();
            if let Some(disk) = self.disk.as_mut()
                && let Err(e) = disk.put(t, id)
            {
                self.fail(&e);
            }
        }
    }

    /// Before the cache first drops a value: make the disk table with everything the cache holds (from then on
    /// every resolved value is written there too, so cache and disk together know every value resolved).
    fn spill_to_disk(&mut self) {
        if self.disk.is_some() || self.failed.is_some() {
            return;
        }
        let made = DiskIds::new(1 << 20).and_then(|mut disk| {
            for (t, id) in self.ids.entries().chain(self.old.entries()) {
                disk.put(t, id)?;
            }
            Ok(disk)
        });
        match made {
            Ok(disk) => self.disk = Some(disk),
            Err(e) => self.fail(&e),
        }
    }

    fn disk_get(&mut self, t: Tag) -> Option<i64> {
        match self.disk.as_mut()?.get(t) {
            Ok(id) => id,
            Err(e) => {
                self.fail(&e);
                None
            }
        }
    }

    fn fail(&mut self, e: &std::io::Error) {
        self.disk = None;
        self.failed.get_or_insert_with(|| format!("the import's dictionary spill file failed: {e}"));
    }

    /// The spill table's failure, if it failed.
    fn check(&self) -> Result<()> {
        match &self.failed {
            Some(why) => Err(StoreError::Invalid(why.clone())),
            None => Ok(()),
        }
    }

    pub(crate) fn get(&mut self, s: &str) -> i64 {
        let tag = self.tag(s);
        if let Some(id) = self.ids.get(tag) {
            return id;
        }
        if let Some(&Some(id)) = self.pins.get(s) {
            return id;
        }
        let known = match self.old.get(tag) {
            Some(id) => Some(id),
            None => self.disk_get(tag),
        };
        if let Some(id) = known {
            if let Some(pinned) = self.pins.get_mut(s) {
                *pinned = Some(id);
            }
            self.cache(tag, id);
            id
        } else if let Some(&t) = self.pending_ix.get(s) {
            t
        } else {
            let t = -i64::try_from(self.pending.len()).unwrap_or(i64::MAX) - 1;
            self.pending.push(s.to_string());
            self.pending_ix.insert(s.into(), t);
            t
        }
    }

    /// The resolved id of a value (`None` before [`Interner::resolve`]).
    pub(crate) fn id_of(&self, s: &str) -> Option<i64> {
        let tag = self.tag(s);
        self.ids.get(tag).or_else(|| self.old.get(tag)).or_else(|| self.pins.get(s).copied().flatten())
    }

    pub(crate) fn has_pending(&self) -> bool {
        !self.pending.is_empty()
    }

    /// Give every pending value its real id (inserting new ones into `dict`) and return the mapping from
    /// provisional id `-(k+1)` to real id, index `k`.
    ///
    /// Values are looked up first and only the missing ones inserted (`RETURNING` their ids): with a bounded
    /// cache most pending values were seen before, and one `SELECT` answers them (it was an insert and a select
    /// for every value; measured at 10M rows, this did not shorten the import: the look-ups themselves are the
    /// cost, docs/PERFORMANCE.md). A value another session inserted between the look-up and the insert is not
    /// returned by `DO NOTHING`; it is selected once more.
    pub(crate) async fn resolve(&mut self, db: &Db) -> Result<Vec<i64>> {
        self.check()?;
        let pending = std::mem::take(&mut self.pending);
        self.pending_ix.clear();
        let mut found: HashMap<String, i64> = HashMap::with_capacity(pending.len());
        for chunk in pending.chunks(500) {
            let (sql, args) = lookup_statement(chunk);
            for (id, value) in lookup_rows(db.all(&sql, args).await?)? {
                found.insert(value, id);
            }
            let missing: Vec<String> = chunk.iter().filter(|s| !found.contains_key(*s)).cloned().collect();
            if missing.is_empty() {
                continue;
            }
            let insert = format!(
                "INSERT INTO dict (value) VALUES {} ON CONFLICT (value) DO NOTHING RETURNING id, value",
                (1..=missing.len()).map(|k| format!("(${k})")).collect::<Vec<_>>().join(", ")
            );
            let args = missing.iter().map(|s| Arg::Text(Some(s.clone()))).collect();
            for (id, value) in lookup_rows(db.all(&insert, args).await?)? {
                found.insert(value, id);
            }
            let raced: Vec<String> = missing.into_iter().filter(|s| !found.contains_key(s)).collect();
            if !raced.is_empty() {
                let (sql, args) = lookup_statement(&raced);
                for (id, value) in lookup_rows(db.all(&sql, args).await?)? {
                    found.insert(value, id);
                }
            }
        }
        let mut map = Vec::with_capacity(pending.len());
        for s in pending {
            let id = *found.get(&s).ok_or_else(|| StoreError::Invalid(format!("dictionary lost value {s:?}")))?;
            self.remember(&s, id);
            map.push(id);
        }
        self.check()?;
        Ok(map)
    }

    /// SQLite: look pending values up (`lookup`), give the new ones the next ids from `next_id`, and append them
    /// to `new` for the writer. Returns the mapping from provisional to real ids.
    pub(crate) async fn resolve_local(
        &mut self,
        lookup: &mut Lookup<'_>,
        next_id: &mut i64,
        new: &mut Vec<(i64, String)>,
    ) -> Result<Vec<i64>> {
        self.check()?;
        let pending = std::mem::take(&mut self.pending);
        self.pending_ix.clear();
        let mut found: HashMap<String, i64> = HashMap::with_capacity(pending.len());
        for chunk in pending.chunks(500) {
            for (id, value) in lookup.existing(chunk).await? {
                found.insert(value, id);
            }
        }
        let mut map = Vec::with_capacity(pending.len());
        for s in pending {
            let id = match found.get(&s) {
                Some(&id) => id,
                None => {
                    *next_id += 1;
                    new.push((*next_id, s.clone()));
                    *next_id
                }
            };
            self.remember(&s, id);
            map.push(id);
        }
        self.check()?;
        Ok(map)
    }
}

/// How the SQLite import looks up values that may already be in `dict`.
pub(crate) enum Lookup<'a> {
    /// A reader connection of the pool (WAL: it sees everything committed before the import began).
    Pool(&'a Db),
    /// The import's own reader: one connection taken out of the pool for the import, with a small page cache,
    /// so that look-ups warm one cache and not each pooled connection's in turn.
    Reader(&'a mut sqlx::SqliteConnection),
    /// A single-connection pool (in-memory database): ask the writer, which holds that connection.
    Writer(&'a mpsc::Sender<WriteCmd>),
}

pub(crate) const LOOKUP_SQL_HEAD: &str = "SELECT id, value FROM dict WHERE value IN";

/// `SELECT id, value FROM dict WHERE value IN ($1, …)` for `values`.
pub(crate) fn lookup_statement(values: &[String]) -> (String, Vec<Arg>) {
    let sql = format!("{LOOKUP_SQL_HEAD} ({})", placeholders(1, values.len()));
    (sql, values.iter().map(|s| Arg::Text(Some(s.clone()))).collect())
}

pub(crate) fn lookup_rows(rows: Vec<Row>) -> Result<Vec<(i64, String)>> {
    rows.iter().map(|r| Ok((r.get(0)?, r.get(1)?))).collect()
}

impl Lookup<'_> {
    async fn existing(&mut self, values: &[String]) -> Result<Vec<(i64, String)>> {
        match self {
            Lookup::Pool(db) => {
                let (sql, args) = lookup_statement(values);
                lookup_rows(db.all(&sql, args).await?)
            }
            Lookup::Reader(conn) => {
                let (sql, args) = lookup_statement(values);
                lookup_rows(crate::db::sqlite_all(conn, &sql, args).await?)
            }
            Lookup::Writer(w) => {
                let (reply, answer) = oneshot::channel();
                w.send(WriteCmd::Lookup(values.to_vec(), reply)).await.map_err(|_| writer_gone())?;
                answer.await.map_err(|_| writer_gone())?
            }
        }
    }
}

pub(crate) fn writer_gone() -> StoreError {
    StoreError::Invalid("the import's writer stopped".into())
}

/// Real id of a provisional one (identity for real ids).
pub(crate) fn fix(id: i64, map: &[i64]) -> i64 {
    if id >= 0 {
        return id;
    }
    usize::try_from(-id - 1).ok().and_then(|k| map.get(k).copied()).unwrap_or(id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cache_keeps_two_generations_within_its_budget() {
        let mut i = Interner::with_budget(4);
        for (k, v) in ["a", "b", "c", "d", "e"].iter().enumerate() {
            i.remember(v, k as i64 + 1);
            assert!(i.ids.len() + i.old.len() <= 4, "bounded");
        }
        // a, b went with the first generation; c, d are the older one now, e the newer
        assert!(i.disk.is_some(), "the first turn over made the disk table");
        assert_eq!((i.id_of("a"), i.id_of("c"), i.id_of("e")), (None, Some(3), Some(5)));
        // a value found in the older generation moves to the newer one and survives the next turn
        assert_eq!(i.get("c"), 3);
        i.remember("f", 6);
        assert_eq!((i.id_of("c"), i.id_of("d"), i.id_of("f")), (Some(3), None, Some(6)));
        // a value dropped from memory is found in the disk table made when the cache first turned over (no
        // look-up), and is cached again; one never resolved waits for a look-up under a provisional id
        assert!(i.disk.is_some());
        assert_eq!((i.id_of("a"), i.get("a"), i.id_of("a")), (None, 1, Some(1)));
        assert_eq!(i.get("never"), -1);
        // a pinned one stays, however many values pass after it
        i.pin("p");
        i.remember("p", 10);
        for (k, v) in ["g", "h", "j", "k", "l"].iter().enumerate() {
            i.remember(v, 20 + k as i64);
        }
        assert_eq!((i.id_of("p"), i.get("p"), i.id_of("g")), (Some(10), 10, None));
    }

    #[test]
    fn a_released_cache_keeps_its_pins() {
        let mut i = Interner::with_budget(100);
        i.pin("payer");
        i.remember("payer", 7);
        i.remember("resource", 8);
        i.release();
        assert_eq!((i.id_of("payer"), i.id_of("resource")), (Some(7), None));
        assert_eq!(i.ids.capacity() + i.old.capacity(), 0, "the tables are freed, not only emptied");
    }

    #[test]
    fn provisional_ids_are_fixed() {
        let mut i = Interner::new();
        assert_eq!(i.get("ec2"), -1);
        assert_eq!(i.get("ec2"), -1);
        assert_eq!(i.get("ec2"), -1);
        assert_eq!(i.get("s3"), -2);
        assert_eq!(fix(-2, &[7, 9]), 9);
        assert_eq!(fix(5, &[7, 9]), 5);
    }
}
