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

use super::pipe::WriteCmd;
use crate::db::{Arg, Db, Row, placeholders};
use crate::{Result, StoreError};

/// Text → dictionary id, cached for the import. Unknown values get a provisional negative id and are
/// resolved in one batch per chunk ([`Interner::resolve`]).
///
/// The cache is bounded (issue 14: at 15M high-cardinality rows it held 1.3M resource ids, 72 MB of a 174 MB
/// peak): two generations of at most `budget / 2` values each, keyed by a 128-bit hash of the value ([`Tag`])
/// rather than the text (~32 bytes an entry instead of ~130 for a resource ARN: at 10M rows the text-keyed
/// cache took ~14 MiB of the import's peak); a value found in the older one moves to the newer,
/// and when the newer is full the older is dropped. Values used on every row (services, accounts, payers) stay;
/// a resource seen once goes. A value dropped and seen again is looked up again: on PostgreSQL the dictionary is
/// written outside the import (the look-up finds it); on SQLite the values this import added are only visible to
/// its own transaction, so once anything was dropped the look-ups go through the writer ([`Interner::evicted`]).
pub(crate) struct Interner {
    ids: FastMap<Tag, i64>,
    old: FastMap<Tag, i64>,
    seeds: (RandomState, RandomState),
    /// Values the import asks for by text after their chunk (the empty invoice id, payers): never dropped.
    pins: FastMap<Box<str>, Option<i64>>,
    budget: usize,
    evicted: bool,
    pending: Vec<String>,
    pending_ix: FastMap<Box<str>, i64>,
}

/// Dictionary values cached by an import (both generations), unless `BILLOPS_IMPORT_DICT_VALUES` says otherwise.
pub(crate) const DEFAULT_DICT_VALUES: usize = 100_000;

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

/// A cached value's key ([`Interner::tag`]).
type Tag = u128;

/// A hash map with a fast (non-DoS-resistant) hasher: keys here come from the file being imported and the
/// map lives for one import.
pub(crate) type FastMap<K, V> = foldhash::HashMap<K, V>;

impl Interner {
    pub(crate) fn new() -> Self {
        Interner::default()
    }

    pub(crate) fn with_budget(budget: usize) -> Self {
        Interner {
            ids: FastMap::default(),
            old: FastMap::default(),
            seeds: (RandomState::default(), RandomState::default()),
            pins: FastMap::default(),
            budget: budget.max(2),
            evicted: false,
            pending: Vec::new(),
            pending_ix: FastMap::default(),
        }
    }

    /// Drop the cache, keeping the pinned values: called once every row is streamed, before the rollups are
    /// written (the cache is up to `budget` values, ~4 MB at the default, and nothing after the rows reads it).
    pub(crate) fn release(&mut self) {
        self.ids = FastMap::default();
        self.old = FastMap::default();
        self.pending_ix = FastMap::default();
        self.pending = Vec::new();
        self.evicted = true;
    }

    /// Whether values were dropped from the cache (the SQLite import then looks values up through its writer).
    pub(crate) fn evicted(&self) -> bool {
        self.evicted
    }

    /// Keep `s` (once resolved) whatever the cache drops: [`Interner::id_of`] must find it at the end.
    pub(crate) fn pin(&mut self, s: &str) {
        if !self.pins.contains_key(s) {
            let id = self.id_of(s);
            self.pins.insert(s.into(), id);
        }
    }

    /// The cache's key of a value: two independent 64-bit hashes seeded at random for this import. Two values
    /// of one import share a tag with a chance of about n²/2¹²⁹ (10⁻²⁵ for ten million values), and a file
    /// cannot aim at it without the seeds (the same argument as the duplicate check's row keys, `dedup.rs`).
    fn tag(&self, s: &str) -> Tag {
        let (a, b) = &self.seeds;
        (u128::from(a.hash_one(s)) << 64) | u128::from(b.hash_one(s))
    }

    /// Cache a resolved value in the newer generation; a full one becomes the older (the older is dropped).
    fn remember(&mut self, s: &str, id: i64) {
        if let Some(pinned) = self.pins.get_mut(s) {
            *pinned = Some(id);
        }
        self.remember_tag(self.tag(s), id);
    }

    fn remember_tag(&mut self, t: Tag, id: i64) {
        if self.ids.len() >= self.budget / 2 {
            self.old = std::mem::take(&mut self.ids);
            self.evicted = true;
        }
        self.ids.insert(t, id);
    }

    pub(crate) fn get(&mut self, s: &str) -> i64 {
        let tag = self.tag(s);
        if let Some(&id) = self.ids.get(&tag) {
            id
        } else if let Some(&Some(id)) = self.pins.get(s) {
            id
        } else if let Some(id) = self.old.remove(&tag) {
            self.remember_tag(tag, id);
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
        self.ids.get(&tag).or_else(|| self.old.get(&tag)).copied().or_else(|| self.pins.get(s).copied().flatten())
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
        Ok(map)
    }

    /// SQLite: look pending values up (`lookup`), give the new ones the next ids from `next_id`, and append them
    /// to `new` for the writer. Returns the mapping from provisional to real ids.
    pub(crate) async fn resolve_local(
        &mut self,
        lookup: &Lookup<'_>,
        next_id: &mut i64,
        new: &mut Vec<(i64, String)>,
    ) -> Result<Vec<i64>> {
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
        Ok(map)
    }
}

/// How the SQLite import looks up values that may already be in `dict`.
pub(crate) enum Lookup<'a> {
    /// A reader connection of the pool (WAL: it sees everything committed before the import began).
    Pool(&'a Db),
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
    async fn existing(&self, values: &[String]) -> Result<Vec<(i64, String)>> {
        match self {
            Lookup::Pool(db) => {
                let (sql, args) = lookup_statement(values);
                lookup_rows(db.all(&sql, args).await?)
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
        assert!(i.evicted());
        assert_eq!((i.id_of("a"), i.id_of("c"), i.id_of("e")), (None, Some(3), Some(5)));
        // a value found in the older generation moves to the newer one and survives the next turn
        assert_eq!(i.get("c"), 3);
        i.remember("f", 6);
        assert_eq!((i.id_of("c"), i.id_of("d"), i.id_of("f")), (Some(3), None, Some(6)));
        // a dropped value is unknown again: it waits for a look-up under a provisional id
        assert_eq!(i.get("a"), -1);
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
