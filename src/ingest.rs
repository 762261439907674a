//! Import glue: expand paths into sources, read each on a blocking thread, stream chunks into the store.
//! Used by `billops import` and by the console's import dialog. Memory is bounded by the channel: at most
//! `QUEUE` chunks of `CHUNK` rows are in flight while the reader parses on one core and the store writes on
//! the other.
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use billops_domain::money::canonical;
use billops_domain::text::counted;
use billops_import::{Dedup, Event, Limits, ReadOptions, RefuseError, Source, TagConfig};
use billops_store::{Actor, ImportChunk, ImportMeta, ImportOutcome, Store, StoreError};
use tokio::sync::mpsc;

/// Rows a chunk. 2,048 held 4–7 MiB less at the peak but made a 10M-row import 20% slower (session 12).
const CHUNK: usize = 4096;
/// Two chunks waiting keep both cores busy: eight held more than twice the memory for no measured gain, four 2 MiB
/// more than three, three 2–3 MiB more than two at the same time (issue 14's import memory, docs/PERFORMANCE.md).
const QUEUE: usize = 2;
/// New unassigned accounts named in an import's summary; the rest are counted.
const NAMED_ACCOUNTS: usize = 10;

/// Progress of a running import, reported often enough to drive a progress bar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Progress {
    /// Index of the current source (0-based) and how many there are.
    pub file_index: usize,
    pub file_count: usize,
    pub file_name: String,
    /// Rows of the current source read so far.
    pub rows: u64,
    /// Bytes of the current source read from disk so far, and its size on disk (0: unknown). For a zip
    /// entry, its compressed size; for a .gz file, the file's size (the bytes read are counted compressed too).
    pub bytes: u64,
    pub total: u64,
    /// True once the current source is finished (imported or refused).
    pub done: bool,
}

/// Asks a running import to stop: set by the console's Ctrl-C confirmation, read by the reader thread between
/// batches (and before it hands over the end of a file). The unfinished file's transaction rolls back (the
/// store commits only after `End`) and later files of the run are not started. A file whose last batch was
/// already handed over is committed: the store no longer waits for the reader then. A token, like
/// tokio-util's `CancellationToken`: clones share it; two tokens are equal when they are the same one.
#[derive(Debug, Clone, Default)]
pub struct Cancel(Arc<AtomicBool>);

impl Cancel {
    pub fn cancel(&self) {
        self.0.store(true, Ordering::SeqCst);
    }
    pub fn is_cancelled(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }
}

impl PartialEq for Cancel {
    fn eq(&self, other: &Cancel) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

impl Eq for Cancel {}

/// What happened to one source.
#[derive(Debug)]
pub enum FileReport {
    Imported {
        file: String,
        format: String,
        outcome: Box<ImportOutcome>,
    },
    /// Refused whole: unknown format, not CSV, already imported. Nothing from it was written.
    Refused {
        file: String,
        reason: String,
    },
    /// Any other failure (IO, database). Nothing from it was written.
    Failed {
        file: String,
        reason: String,
    },
    /// Cancelled by the operator ([`Cancel`]): rolled back, or (`started: false`) never begun. Nothing from it
    /// was written.
    Cancelled {
        file: String,
        started: bool,
    },
}

impl FileReport {
    pub fn file(&self) -> &str {
        match self {
            FileReport::Imported { file, .. }
            | FileReport::Refused { file, .. }
            | FileReport::Failed { file, .. }
            | FileReport::Cancelled { file, .. } => file,
        }
    }
}

/// What one call imported: a report per source (and per path that gave none), and the files passed over.
#[derive(Debug, Default)]
pub struct RunReport {
    pub reports: Vec<FileReport>,
    /// Files in folders and zip entries that are not importable (`junk.bin`, `notes.txt`).
    pub skipped: Vec<String>,
}

/// Import `paths` (files, folders, .gz, .zip). One run id for the call. Never panics; per-file results.
pub async fn import_paths(
    store: Arc<dyn Store>,
    paths: Vec<PathBuf>,
    tags: TagConfig,
    by: Actor,
    progress: Arc<dyn Fn(Progress) + Send + Sync>,
) -> Vec<FileReport> {
    import_run(store, paths, tags, by, progress).await.reports
}

/// As [`import_paths`], with the skipped files. A path (folder or zip) with nothing importable is refused
/// ("no importable files"). Line items seen twice in the run (in one file or across its files) are
/// quarantined as duplicates, never imported twice ([`Dedup`]).
pub async fn import_run(
    store: Arc<dyn Store>,
    paths: Vec<PathBuf>,
    tags: TagConfig,
    by: Actor,
    progress: Arc<dyn Fn(Progress) + Send + Sync>,
) -> RunReport {
    import_run_with(store, paths, ReadOptions { tags, ..ReadOptions::default() }, by, progress).await
}

/// As [`import_run`], with what the operator said about the files (`--view`, `--payer`); the size limits
/// come from the environment.
pub async fn import_run_with(
    store: Arc<dyn Store>,
    paths: Vec<PathBuf>,
    read: ReadOptions,
    by: Actor,
    progress: Arc<dyn Fn(Progress) + Send + Sync>,
) -> RunReport {
    import_run_ctl(store, paths, read, by, progress, Cancel::default()).await
}

/// As [`import_run_with`], stopped by `cancel` (the console's import job).
pub async fn import_run_ctl(
    store: Arc<dyn Store>,
    paths: Vec<PathBuf>,
    read: ReadOptions,
    by: Actor,
    progress: Arc<dyn Fn(Progress) + Send + Sync>,
    cancel: Cancel,
) -> RunReport {
    let mut run = RunReport::default();
    let limits = match Limits::from_env() {
        Ok(l) => l,
        Err(why) => {
            run.reports = paths
                .iter()
                .map(|p| FileReport::Refused { file: p.display().to_string(), reason: why.clone() })
                .collect();
            return run;
        }
    };
    // A path that cannot be expanded is reported by itself; the others still import.
    let mut sources = Vec::new();
    for p in paths {
        match billops_import::expand_listing(std::slice::from_ref(&p)) {
            Ok(e) => {
                if e.sources.is_empty() {
                    run.reports.push(FileReport::Refused {
                        file: p.display().to_string(),
                        reason: "no importable files (a .csv, .csv.gz or .gz file, or a .zip holding one)".into(),
                    });
                }
                sources.extend(e.sources);
                run.skipped.extend(e.skipped);
            }
            Err(e) => run.reports.push(refusal(p.display().to_string(), e)),
        }
    }
    let run_id = format!("{}-{}", by.at.format("%Y%m%dT%H%M%S%.6fZ"), by.name);
    let count = sources.len();
    let opts = ReadOptions { limits, ..read };
    let mut dedup = run_dedup();
    for (index, source) in sources.into_iter().enumerate() {
        if cancel.is_cancelled() {
            run.reports.push(FileReport::Cancelled { file: source.display_name(), started: false });
            continue;
        }
        let at = Position { file_index: index, file_count: count, cancel: cancel.clone() };
        let (report, back) = import_one(&store, source, &opts, dedup, &run_id, &by, at, progress.clone()).await;
        dedup = back;
        run.reports.push(report);
    }
    run
}

/// The run's duplicate check: its Bloom filter takes at most `BILLOPS_IMPORT_DEDUP_MIB` MiB (default
/// [`Dedup::BLOOM_BYTES`]), one of the import's memory budgets (docs/PERFORMANCE.md).
fn run_dedup() -> Dedup {
    let bytes = std::env::var("BILLOPS_IMPORT_DEDUP_MIB")
        .ok()
        .and_then(|v| v.trim().parse::<usize>().ok())
        .filter(|&n| n > 0)
        .map_or(Dedup::BLOOM_BYTES, |mib| mib.saturating_mul(1 << 20));
    Dedup::with_limits(Dedup::MEMORY_KEYS, bytes)
}

fn refusal(file: String, e: RefuseError) -> FileReport {
    match e {
        RefuseError::Io { .. } => FileReport::Failed { file, reason: e.to_string() },
        _ => FileReport::Refused { file, reason: e.to_string() },
    }
}

/// Where a source is in its run, and the run's cancel token.
#[derive(Clone)]
struct Position {
    file_index: usize,
    file_count: usize,
    cancel: Cancel,
}

#[allow(clippy::too_many_arguments)]
async fn import_one(
    store: &Arc<dyn Store>,
    source: Source,
    opts: &ReadOptions,
    mut dedup: Dedup,
    run_id: &str,
    by: &Actor,
    at: Position,
    progress: Arc<dyn Fn(Progress) + Send + Sync>,
) -> (FileReport, Dedup) {
    let Position { file_index, file_count, .. } = at;
    let file = source.display_name();
    let format = match billops_import::sniff_format(&source) {
        Ok(f) => f,
        Err(e) => return (refusal(file, e), dedup),
    };
    let (tx, rx) = mpsc::channel::<ImportChunk>(QUEUE);
    let rows = Arc::new(AtomicU64::new(0));
    let reader = {
        let opts = opts.clone();
        let source = source.clone();
        let rows = rows.clone();
        let progress = progress.clone();
        let file = file.clone();
        let at = at.clone();
        tokio::task::spawn_blocking(move || {
            dedup.begin_file(&file);
            let read = read_into(&source, &opts, &mut dedup, tx, &rows, &progress, &file, &at);
            if at.file_index + 1 >= at.file_count {
                // The run's last file is read: no later file is checked against its keys, so they go now, before
                // the store writes the file's rollups (the Bloom filter alone is up to `Dedup::BLOOM_BYTES`, 8 MiB).
                dedup = run_dedup();
            }
            (read, dedup)
        })
    };
    // An Azure file's view is part of its format: a later run's amortised file replaces only amortised data
    // (billops_store::import: `:amortized` batches replace each other), never the actual view's.
    let format_name = match (format, opts.view) {
        (billops_import::Format::Azure | billops_import::Format::AzurePayg, Some(v)) => {
            format!("{}:{}", format.as_str(), v.as_str())
        }
        _ => format.as_str().to_string(),
    };
    let meta = ImportMeta { file_name: file.clone(), format: format_name, run_id: run_id.to_string(), by: by.clone() };
    let written = store.import(&meta, rx).await;
    let read = reader.await;
    let total = billops_import::source_size(&source).unwrap_or(0);
    progress(Progress {
        file_index,
        file_count,
        file_name: file.clone(),
        rows: rows.load(Ordering::Relaxed),
        bytes: total,
        total,
        done: true,
    });
    let (read, mut dedup) = match read {
        Ok((read, dedup)) => (Ok(read), dedup),
        // The reader's keys are lost with it: later files of the run start a fresh duplicate check.
        Err(join) => (Err(join), run_dedup()),
    };
    let report = match (read, written) {
        // Committed (a cancel that came after the file's last batch was handed over is too late for it).
        (Ok(Ok(())), Ok(outcome)) => {
            dedup.commit_file();
            FileReport::Imported { file, format: format.as_str().to_string(), outcome: Box::new(outcome) }
        }
        _ if at.cancel.is_cancelled() => FileReport::Cancelled { file, started: true },
        (Ok(Err(e)), _) => refusal(file, e),
        (Err(join), _) => FileReport::Failed { file, reason: format!("reader stopped: {join}") },
        (Ok(Ok(())), Err(e @ StoreError::AlreadyImported { .. })) => {
            // Its rows are in the store already: a copy later in the run is a duplicate of them.
            dedup.commit_file();
            FileReport::Refused { file, reason: e.to_string() }
        }
        (Ok(Ok(())), Err(StoreError::Locked { period, by })) => {
            FileReport::Refused { reason: late_rows(&file, &period, &by), file }
        }
        (Ok(Ok(())), Err(e)) => FileReport::Failed { file, reason: e.to_string() },
    };
    (report, dedup)
}

/// The refusal of a file with rows in a signed-off month, offering what can be done with them: a signed-off
/// month's cost data does not change, but late rows are re-rated against what was issued and the differences
/// recorded as PPAs (`billops reprice --late`), or a manager re-opens the month.
pub fn late_rows(file: &str, period: &str, by: &str) -> String {
    format!(
        "it has rows for {period}, which is signed off (by {by}); nothing of it was written. Late rows for a \
         signed-off month are re-rated: `billops reprice --period {period} --late {file}` shows what they change on \
         the issued invoices, and `--propose --reason TEXT` records the differences as PPAs for approval (or a \
         manager re-opens the month: `billops close reopen {period} --reason TEXT`)"
    )
}

/// The reader thread: batch events into chunks, send them, end with `End`. Any error, or a cancel seen
/// between batches, drops the sender without `End`, which makes the store roll back.
#[allow(clippy::too_many_arguments)]
fn read_into(
    source: &Source,
    opts: &ReadOptions,
    dedup: &mut Dedup,
    tx: mpsc::Sender<ImportChunk>,
    rows: &AtomicU64,
    progress: &Arc<dyn Fn(Progress) + Send + Sync>,
    file: &str,
    at: &Position,
) -> Result<(), RefuseError> {
    let (file_index, file_count, cancel) = (at.file_index, at.file_count, &at.cancel);
    let total = billops_import::source_size(source).unwrap_or(0);
    let mut items = Vec::with_capacity(CHUNK);
    let mut bad = Vec::new();
    let mut issues = Vec::new();
    let mut partners = Vec::new();
    let mut open = true;
    let mut send = |chunk: ImportChunk| -> bool {
        open = open && tx.blocking_send(chunk).is_ok();
        open
    };
    let mut n: u64 = 0;
    let mut sink = |ev: Event| -> bool {
        match ev {
            Event::Item(it) => {
                items.push(it);
                n += 1;
            }
            Event::Bad(q) => {
                bad.push(q);
                n += 1;
            }
            Event::Issue(i) => issues.push(i),
            Event::Partner(p) => partners.push(p),
        }
        if items.len() >= CHUNK {
            rows.store(n, Ordering::Relaxed);
            // Between batches: a cancel stops the reader here (the store rolls back).
            if cancel.is_cancelled() {
                return false;
            }
            return send(ImportChunk::Items(std::mem::replace(&mut items, Vec::with_capacity(CHUNK))));
        }
        if bad.len() >= CHUNK {
            if cancel.is_cancelled() {
                return false;
            }
            return send(ImportChunk::Quarantined(std::mem::take(&mut bad)));
        }
        true
    };
    // The reader reports the bytes read every few thousand rows: the progress bar's % and ETA.
    let mut report = |bytes: u64| {
        let rows = rows.load(Ordering::Relaxed);
        progress(Progress { file_index, file_count, file_name: file.to_string(), rows, bytes, total, done: false });
    };
    let summary = billops_import::read_source_opts(source, opts, Some(dedup), &mut report, &mut sink)?;
    let d = dedup.stats();
    tracing::debug!(
        file,
        keys = d.keys,
        spilled = d.spilled,
        maybes = d.maybes,
        run_reads = d.run_reads,
        runs = d.runs,
        filter_bytes = d.bloom_bytes,
        filter_k = d.bloom_k,
        filter_rebuilds = d.rebuilds,
        "duplicate check (the run so far)"
    );
    rows.store(n, Ordering::Relaxed);
    let mut ok = !cancel.is_cancelled();
    if !items.is_empty() {
        ok = ok && send(ImportChunk::Items(items));
    }
    if !bad.is_empty() {
        ok = ok && send(ImportChunk::Quarantined(bad));
    }
    if !issues.is_empty() {
        ok = ok && send(ImportChunk::Issues(issues));
    }
    if !partners.is_empty() {
        ok = ok && send(ImportChunk::Partners(partners));
    }
    if ok {
        send(ImportChunk::End { content_hash: summary.content_hash, rows_read: summary.rows });
    }
    Ok(())
}

/// The last line of a run of more than one file: files imported and refused, rows and quarantined rows.
pub fn tally(reports: &[FileReport]) -> String {
    let (mut imported, mut refused, mut failed, mut rows, mut quarantined) = (0, 0, 0, 0i64, 0i64);
    for r in reports {
        match r {
            FileReport::Imported { outcome, .. } => {
                imported += 1;
                rows += outcome.batch.rows;
                quarantined += outcome.batch.quarantined;
            }
            FileReport::Refused { .. } => refused += 1,
            FileReport::Failed { .. } | FileReport::Cancelled { .. } => failed += 1,
        }
    }
    let mut s = format!(
        "{}: {imported} imported, {refused} refused{}; {}, {quarantined} quarantined",
        counted(reports.len(), "file", "files"),
        if failed > 0 { format!(", {failed} failed") } else { String::new() },
        counted(rows, "row", "rows")
    );
    if refused + failed > 0 {
        s.push_str("; nothing of a refused or failed file was written");
    }
    s
}

/// The exit code of an import run: 1 when a file failed, else 2 when a file was refused (even if other
/// files quarantined rows), else 3 when rows were quarantined, else 0.
pub fn exit_code(reports: &[FileReport]) -> u8 {
    let has = |f: &dyn Fn(&FileReport) -> bool| reports.iter().any(f);
    if has(&|r| matches!(r, FileReport::Failed { .. } | FileReport::Cancelled { .. })) {
        1
    } else if has(&|r| matches!(r, FileReport::Refused { .. })) {
        2
    } else if has(&|r| matches!(r, FileReport::Imported { outcome, .. } if outcome.batch.quarantined > 0)) {
        3
    } else {
        0
    }
}

/// The human summary of one report: format, rows, quarantined, periods and totals per payer.
pub fn describe(report: &FileReport) -> String {
    match report {
        FileReport::Refused { file, reason } => format!("{file}: refused: {reason}"),
        FileReport::Failed { file, reason } => format!("{file}: failed: {reason}"),
        FileReport::Cancelled { file, started: true } => format!("{file}: cancelled: rolled back, nothing written"),
        FileReport::Cancelled { file, started: false } => format!("{file}: cancelled before it started"),
        FileReport::Imported { file, format, outcome } => {
            let b = &outcome.batch;
            let mut s = format!(
                "{file}: {format}, batch {}, {}, {} quarantined",
                b.id,
                counted(b.rows, "row", "rows"),
                b.quarantined
            );
            for sc in &b.scopes {
                s.push_str(&format!(
                    "\n  payer {} {} {:?}: {}, billed {}, effective {}, list {}",
                    sc.payer,
                    sc.period,
                    sc.status,
                    counted(sc.rows, "row", "rows"),
                    canonical(sc.billed),
                    canonical(sc.effective),
                    canonical(sc.list)
                ));
            }
            for r in &outcome.replaced {
                s.push_str(&format!(
                    "\n  replaced batch {} ({}) for payer {} {}: {}",
                    r.old_batch,
                    r.old_file,
                    r.payer,
                    r.period,
                    counted(r.old_rows, "row", "rows")
                ));
            }
            if !outcome.new_accounts.is_empty() {
                // a few named; thousands would bury the summary (the list and a mapping file take them all)
                let n = outcome.new_accounts.len();
                let shown: Vec<&str> = outcome.new_accounts.iter().take(NAMED_ACCOUNTS).map(String::as_str).collect();
                let more = if n > NAMED_ACCOUNTS {
                    format!(
                        " and {} more (billops accounts list --unassigned; map many with billops accounts assign \
                         --file map.csv)",
                        n - NAMED_ACCOUNTS
                    )
                } else {
                    String::new()
                };
                s.push_str(&format!("\n  {n} new unassigned account(s): {}{more}", shown.join(", ")));
            }
            if outcome.partner_unassigned > 0 {
                s.push_str(&format!(
                    "\n  {} partner fields: `billops accounts suggest`",
                    counted(outcome.partner_unassigned, "unassigned account has", "unassigned accounts have")
                ));
            }
            if outcome.issues_raised > 0 {
                s.push_str(&format!("\n  {} data-feed issue(s) raised (billops issues list)", outcome.issues_raised));
            }
            s
        }
    }
}

/// A CloudHealth customer statement file read for the store (`billops cloudhealth statements import` and the
/// Recon pane's statements list): its rows, or why the file is refused — every faulty row with its file, line
/// and column (nothing is imported then).
pub fn ch_statements(
    path: &std::path::Path,
) -> Result<(billops_store::ChStatementFile, Vec<billops_store::NewChStatement>), String> {
    let name = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|e| format!("{name}: {e}"))?;
    let parsed = billops_import::cloudhealth_statements::parse(&bytes).map_err(|e| format!("{name}: refused: {e}"))?;
    if !parsed.problems.is_empty() {
        let lines: Vec<String> = parsed
            .problems
            .iter()
            .map(|p| format!("{name}:{}: column {}: {:?}: {}", p.line, p.column, p.value, p.why))
            .collect();
        return Err(format!(
            "{name}: refused, nothing imported: {}\n{}",
            counted(lines.len(), "fault", "faults"),
            lines.join("\n")
        ));
    }
    let file = billops_store::ChStatementFile {
        file_name: name,
        content_hash: parsed.content_hash,
        customer_column: parsed.customer_columns.join(" / "),
    };
    let rows = parsed
        .rows
        .into_iter()
        .map(|r| billops_store::NewChStatement {
            line: r.line,
            customer_id: r.customer_id,
            customer_name: r.customer_name,
            period: r.period,
            status: r.status,
            total: r.total,
            currency: r.currency,
        })
        .collect();
    Ok((file, rows))
}
