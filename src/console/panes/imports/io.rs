//! The Imports pane's read (batches, feed issues, quarantined rows) and write (resolve an issue). The import
//! job itself is the console's `Effect::Import` (it streams progress while it runs).
use billops_domain::text::counted;
use billops_store::{ImportBatch, IssueFilter, StoreError, StoredIssue, StoredQuarantine};

use super::view::*;
use crate::console::action::{Effect, FormKind, PaneQuery};
use crate::ingest::FileReport;
use crate::console::effects::Runner;
use crate::console::refusal::{EffectError, WriteTraits};
use crate::console::state::{Load, Mode, State, ViewKey};

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
    s.panes.imports.data.start(req);
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

/// The import job's end as message lines: one line per file (imported with its rows, quarantined rows and
/// feed issues raised; refused, failed or cancelled), after the run's figures when there are several.
pub fn summary(reports: &[FileReport]) -> Vec<String> {
    let name = |f: &str| short_name(f);
    let (mut rows, mut quarantined, mut issues) = (0i64, 0i64, 0i64);
    let mut files = Vec::new();
    for r in reports {
        files.push(match r {
            // Short enough for 80 columns (the format is in the batch list; the message log has it whole).
            FileReport::Imported { file, outcome, .. } => {
                let b = &outcome.batch;
                rows = rows.saturating_add(b.rows);
                quarantined = quarantined.saturating_add(b.quarantined);
                issues = issues.saturating_add(outcome.issues_raised);
                format!(
                    "imported {}: batch {} · {} · {} quarantined · {}",
                    name(file),
                    b.id,
                    counted(b.rows, "row", "rows"),
                    b.quarantined,
                    counted(outcome.issues_raised, "feed issue", "feed issues")
                )
            }
            FileReport::Refused { file, reason } => format!("refused {}: {reason}", name(file)),
            FileReport::Failed { file, reason } => format!("failed {}: {reason}", name(file)),
            FileReport::Cancelled { file, started: true } => {
                format!("import cancelled: {} rolled back, nothing of it was written", name(file))
            }
            FileReport::Cancelled { file, started: false } => format!("cancelled {}: not started", name(file)),
        });
    }
    if files.len() < 2 {
        // One file: its line says it all (and fits 80 columns).
        return if files.is_empty() { vec!["failed: no files found".to_string()] } else { files };
    }
    let cancelled = reports.iter().any(|r| matches!(r, FileReport::Cancelled { .. }));
    let head = if cancelled { "import cancelled" } else { "import done" };
    let n = files.len();
    let mut lines = vec![format!(
        "{head}: {n} files, {}, {}, {}",
        counted(rows, "row", "rows"),
        counted(quarantined, "quarantined row", "quarantined rows"),
        counted(issues, "feed issue", "feed issues")
    )];
    lines.extend(files);
    lines
}

/// The import job finished (the summary's lines): say so, show the batches and reload everything. A Ctrl-C
/// confirmation still open is moot and closes.
pub fn done(s: &mut State, req: u64, lines: Vec<String>) -> Vec<Effect> {
    if s.panes.imports.job.as_ref().is_none_or(|j| j.req != req) {
        return Vec::new();
    }
    let asked = s.panes.imports.job.take().is_some_and(|j| j.cancel.is_cancelled());
    if let Mode::Form(f) = &s.mode
        && f.kind == FormKind::Imports(super::form::Kind::CancelJob)
    {
        s.mode = Mode::Normal;
    }
    crate::console::watch::wrote(s);
    let bad = |l: &&String| ["refused", "failed", "cancelled", "import cancelled"].iter().any(|p| l.starts_with(p));
    let failed = lines.iter().filter(bad).count();
    let mut text = lines.join("; ");
    // The cancel came after the last batch was handed over: the file committed, and the operator is told so.
    if asked && !lines.iter().any(|l| l.contains("cancelled")) {
        text = format!("the cancel came too late, the import had finished: {text}");
    }
    if failed > 0 || asked { s.warn(text) } else { s.info(text) }
    s.pane_view.insert(crate::console::pane::PaneId::Imports, ViewKey::Batches);
    let mut fx = crate::console::update::start(s);
    fx.extend(crate::console::panes::invalidate_all(s));
    fx
}
