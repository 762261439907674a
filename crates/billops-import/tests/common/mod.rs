//! Shared test helpers: fixture paths and reading a source into vectors.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;
use std::str::FromStr;

use billops_domain::{FeedIssue, IssueKind, LineItem, Quarantined};
use billops_import::{Event, ReadSummary, RefuseError, Source, TagConfig, read_source};
use rust_decimal::Decimal;

pub fn fixture(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fixtures").join(rel)
}

pub fn quirk(name: &str) -> Source {
    Source { path: fixture(&format!("quirks/{name}")), entry: None }
}

#[derive(Debug, Default)]
pub struct Read {
    pub items: Vec<LineItem>,
    pub bad: Vec<Quarantined>,
    pub issues: Vec<FeedIssue>,
    /// Azure partner fields per subscription, as sent.
    pub partners: Vec<billops_domain::partner::AccountPartner>,
    /// Event order: 'i' item, 'b' bad, 's' issue.
    pub order: String,
}

impl Read {
    pub fn issues_of(&self, kind: IssueKind) -> Vec<&FeedIssue> {
        self.issues.iter().filter(|i| i.kind == kind).collect()
    }
}

pub fn try_read_with(src: &Source, tags: &TagConfig) -> Result<(Read, ReadSummary), RefuseError> {
    let mut r = Read::default();
    let summary = read_source(src, tags, &mut |e| {
        match e {
            Event::Item(i) => {
                r.order.push('i');
                r.items.push(i);
            }
            Event::Bad(b) => {
                r.order.push('b');
                r.bad.push(b);
            }
            Event::Issue(i) => {
                r.order.push('s');
                r.issues.push(i);
            }
            Event::Partner(p) => r.partners.push(p),
        }
        true
    })?;
    Ok((r, summary))
}

pub fn read(src: &Source) -> (Read, ReadSummary) {
    try_read_with(src, &TagConfig::default()).unwrap()
}

pub fn dec(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

/// Every row accounted for exactly once; issues only after the rows.
pub fn assert_accounted(r: &Read, s: &ReadSummary) {
    assert_eq!(s.rows, (r.items.len() + r.bad.len()) as u64);
    assert_eq!(s.quarantined, r.bad.len() as u64);
    let rows_part = r.order.trim_end_matches('s');
    assert!(!rows_part.contains('s'), "issues must come after the rows: {}", r.order);
}
