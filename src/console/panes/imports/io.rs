//! The Imports pane's read (batches, feed issues, quarantined rows) and write (resolve an issue). The import
//! job itself is the console's `Effect::Import` (it streams progress while it runs).
use billops_store::{ImportBatch, IssueFilter, StoreError, StoredIssue, StoredQuarantine};

use super::view::*;
use crate::console::action::{Effect, PaneQuery};
use crate::console::effects::Runner;
use crate::console::refusal::{EffectError, WriteTraits};
use crate::console::state::{Load, State, ViewKey};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Query {
    /// Batches, issues and quarantined rows.
    All,
}

#[derive(Debug, Clone)]
pub enum Reply {
    All(ImportsData),
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportsData {
    pub batches: Vec<ImportBatch>,
    pub issues: Vec<StoredIssue>,
    pub quarantine: Vec<StoredQuarantine>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Write {
    Resolve { id: i64, note: String },
}

pub async fn run(r: &Runner, q: Query) -> Result<Reply, EffectError> {
    let st = r.store.as_ref();
    let e = |err: StoreError| EffectError::of_read(&err);
    match q {
        Query::All => Ok(Reply::All(ImportsData {
            batches: st.list_batches().await.map_err(e)?,
            issues: st.list_issues(&IssueFilter::default()).await.map_err(e)?,
            quarantine: st.list_quarantine(None).await.map_err(e)?,
        })),
    }
}

pub async fn write(r: &Runner, w: Write) -> Result<String, StoreError> {
    match w {
        Write::Resolve { id, note } => {
            r.store.resolve_issue(id, &note, &r.actor()).await?;
            Ok(format!("issue {id} resolved"))
        }
    }
}

pub fn traits(w: &Write) -> WriteTraits {
    match w {
        Write::Resolve { .. } => WriteTraits::OPERATOR,
    }
}

pub fn load(s: &mut State) -> Vec<Effect> {
    let req = s.req();
    s.panes.imports.data = Load::Loading(req);
    vec![Effect::Pane { req, q: PaneQuery::Imports(Query::All) }]
}

pub fn landed(s: &mut State, req: u64, r: Reply) -> Vec<Effect> {
    match r {
        Reply::All(data) => loaded(s, req, data),
    }
    Vec::new()
}

pub fn loaded(s: &mut State, req: u64, data: ImportsData) {
    if !s.panes.imports.data.waits_for(req) {
        return;
    }
    s.set_model(ViewKey::Batches, batches_table(&data));
    s.set_model(ViewKey::Issues, issues_table(&data));
    s.set_model(ViewKey::Quarantine, quarantine_table(&data));
    s.panes.imports.data = Load::Ready(data);
}

/// The import job reported progress.
pub fn progress(s: &mut State, req: u64, p: crate::ingest::Progress) {
    if let Some(job) = s.panes.imports.job.as_mut().filter(|j| j.req == req) {
        job.progress = Some(p);
    }
}

/// The import job finished (one line per file): say so, show the batches and reload everything.
pub fn done(s: &mut State, req: u64, lines: Vec<String>) -> Vec<Effect> {
    if s.panes.imports.job.as_ref().is_none_or(|j| j.req != req) {
        return Vec::new();
    }
    s.panes.imports.job = None;
    crate::console::watch::wrote(s);
    let failed = lines.iter().filter(|l| l.starts_with("refused") || l.starts_with("failed")).count();
    let text = lines.join("; ");
    if failed > 0 { s.warn(text) } else { s.info(text) }
    s.pane_view.insert(crate::console::pane::PaneId::Imports, ViewKey::Batches);
    let mut fx = crate::console::update::start(s);
    fx.extend(crate::console::panes::invalidate_all(s));
    fx
}
