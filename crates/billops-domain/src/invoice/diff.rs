//! What changed between two generations of a draft: lines added, removed and changed, matched by
//! (kind, account code).
use std::collections::BTreeMap;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::{Draft, InvoiceLine, LineKind};

/// A line present in both drafts with different content.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineChange {
    pub old: InvoiceLine,
    pub new: InvoiceLine,
}

impl LineChange {
    pub fn delta(&self) -> Option<Decimal> {
        self.new.amount.checked_sub(self.old.amount)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct DraftDiff {
    pub added: Vec<InvoiceLine>,
    pub removed: Vec<InvoiceLine>,
    pub changed: Vec<LineChange>,
    pub unchanged: usize,
    pub old_total: Decimal,
    pub new_total: Decimal,
}

impl DraftDiff {
    pub fn is_empty(&self) -> bool {
        self.added.is_empty() && self.removed.is_empty() && self.changed.is_empty()
    }
    pub fn total_delta(&self) -> Option<Decimal> {
        self.new_total.checked_sub(self.old_total)
    }
}

type Key<'a> = (&'a LineKind, &'a Option<String>, usize);

fn keyed(d: &Draft) -> BTreeMap<Key<'_>, &InvoiceLine> {
    let mut seen: BTreeMap<(&LineKind, &Option<String>), usize> = BTreeMap::new();
    let mut out = BTreeMap::new();
    for l in d.lines() {
        let n = seen.entry((&l.kind, &l.account_code)).or_insert(0);
        out.insert((&l.kind, &l.account_code, *n), l);
        *n += 1;
    }
    out
}

/// Compare two drafts line by line (in key order).
pub fn diff_drafts(old: &Draft, new: &Draft) -> DraftDiff {
    let a = keyed(old);
    let b = keyed(new);
    let mut diff = DraftDiff { old_total: old.total(), new_total: new.total(), ..DraftDiff::default() };
    for (k, o) in &a {
        match b.get(k) {
            None => diff.removed.push((*o).clone()),
            Some(n) if n == o => diff.unchanged += 1,
            Some(n) => diff.changed.push(LineChange { old: (*o).clone(), new: (*n).clone() }),
        }
    }
    diff.added = b.iter().filter(|(k, _)| !a.contains_key(*k)).map(|(_, l)| (*l).clone()).collect();
    diff
}
