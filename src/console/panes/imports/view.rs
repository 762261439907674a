//! The imports pane's render (state in, frame out) and its tables.
use crate::console::ui::widgets::failed;
use crate::console::ui::widgets::list;
use crate::console::ui::widgets::note;
use crate::console::ui::widgets::sublists;
use crate::console::panes::imports as imports_pane;
use crate::console::state::State;
use crate::console::state::ViewKey;
use crate::console::theme::Role;
use crate::console::theme::Theme;
use ratatui::Frame;
use ratatui::layout::Constraint;
use ratatui::layout::Layout;
use ratatui::layout::Rect;
use ratatui::widgets::Paragraph;
use super::io::ImportsData;
use super::state::ImportJob;
use crate::console::table::Cell;
use crate::console::table::Column;
use crate::console::table::Mark;
use crate::console::table::Row;
use crate::console::table::TableModel;
use super::keys::*;
use crate::console::ui::detail::{self, Record};

pub fn batches_table(d: &ImportsData) -> TableModel {
    let mut bs: Vec<&billops_store::ImportBatch> = d.batches.iter().collect();
    bs.sort_by_key(|b| std::cmp::Reverse(b.id));
    let rows = bs
        .into_iter()
        .map(|b| {
            let periods: Vec<String> = {
                let mut p: Vec<String> = b.scopes.iter().map(|s| s.period.to_string()).collect();
                p.sort();
                p.dedup();
                p
            };
            // No currency: a batch's scopes (payer × period) are not split by currency and one file may hold
            // several, so the billed sum is shown to 2 places (the Costs pane has it per currency).
            let billed = b.scopes.iter().try_fold(rust_decimal::Decimal::ZERO, |a, s| a.checked_add(s.billed));
            Row {
                id: b.id.to_string(),
                cells: vec![
                    Cell::int(b.id),
                    batch_status(b),
                    Cell::text(short_name(&b.file_name)),
                    Cell::text(&b.format),
                    Cell::text(periods.join(" ")),
                    Cell::int(b.rows),
                    if b.quarantined > 0 { Cell::int(b.quarantined).role(Role::Warning) } else { Cell::int(0) },
                    Cell::money(billed.unwrap_or_default()),
                    Cell::text(b.imported_at.format("%Y-%m-%d %H:%M").to_string()),
                ],
                role: None,
            }
        })
        .collect();
    TableModel {
        columns: vec![
            Column::num("id", 4),
            Column::text("status", 12),
            Column::text("file", 24),
            Column::text("format", 6),
            Column::text("period", 7),
            Column::num("rows", 8),
            Column::num("quar", 5),
            Column::num("billed", 14),
            Column::text("imported", 16),
        ],
        rows,
        total: None,
    }
}

/// The last path component (files are shown by name; the full path is in the CSV export and the audit).
pub fn short_name(f: &str) -> String {
    f.rsplit(['/', '\\']).next().unwrap_or(f).to_string()
}

pub fn issues_table(d: &ImportsData) -> TableModel {
    let mut is: Vec<&billops_store::StoredIssue> = d.issues.iter().collect();
    is.sort_by(|a, b| b.open.cmp(&a.open).then(b.issue.severity.cmp(&a.issue.severity)).then(a.id.cmp(&b.id)));
    let rows = is
        .into_iter()
        .map(|i| {
            let sev = match i.issue.severity {
                billops_domain::Severity::Error => Cell::text("error").role(Role::Error),
                billops_domain::Severity::Warning => Cell::text("warning").role(Role::Warning),
                billops_domain::Severity::Info => Cell::text("info").role(Role::Muted),
            };
            let state = if i.open {
                Cell::text("open").mark(Mark::Open).role(Role::Pending)
            } else {
                Cell::text("resolved").mark(Mark::Check).role(Role::Approved)
            };
            Row {
                id: i.id.to_string(),
                cells: vec![
                    Cell::int(i.id),
                    state,
                    sev,
                    Cell::text(i.issue.kind.as_str()),
                    Cell::text(i.issue.file.as_deref().map(short_name).unwrap_or_default()),
                    Cell::text(i.issue.line.map(|l| l.to_string()).unwrap_or_default()),
                    Cell::text(i.issue.column.clone().unwrap_or_default()),
                    Cell::text(&i.issue.message),
                ],
                role: None,
            }
        })
        .collect();
    TableModel {
        columns: vec![
            Column::num("id", 4),
            Column::text("state", 9),
            Column::text("severity", 7),
            Column::text("kind", 12),
            Column::text("file", 14),
            Column::text("line", 5),
            Column::text("column", 10),
            Column::text("reason", 30),
        ],
        rows,
        total: None,
    }
}

pub fn quarantine_table(d: &ImportsData) -> TableModel {
    let rows = d
        .quarantine
        .iter()
        .map(|q| Row {
            id: q.id.to_string(),
            cells: vec![
                Cell::int(q.batch_id),
                Cell::text(short_name(&q.row.file)),
                Cell::text(q.row.line.to_string()),
                Cell::text(format!("{} {}", q.row.column, q.row.column_name)),
                Cell::text(&q.row.value),
                Cell::text(&q.row.reason).role(Role::Error),
            ],
            role: None,
        })
        .collect();
    TableModel {
        columns: vec![
            Column::num("batch", 5),
            Column::text("file", 14),
            Column::text("line", 5),
            Column::text("column", 14),
            Column::text("value", 12),
            Column::text("reason", 30),
        ],
        rows,
        total: None,
    }
}

pub(crate) fn render(f: &mut Frame, area: Rect, s: &State, theme: &Theme) {
    let cur = s.current_view();
    let [tabs, body] = Layout::vertical([Constraint::Length(1), Constraint::Min(0)]).areas(area);
    f.render_widget(Paragraph::new(sublists(s, &imports_pane::VIEWS, cur, theme, tabs.width)), tabs);
    let shown = s.panes.imports.detail;
    if shown.open
        && let Some(r) = s.panes.imports.data.ready().and_then(|d| row_record(d, cur, &s.selected_id(cur)?))
    {
        return detail::render(f, body, &r, detail::HINT, shown.scroll, theme);
    }
    match note(&s.panes.imports.data) {
        Ok(n) => {
            let name = match cur {
                ViewKey::Batches => "import batches",
                ViewKey::Issues => "data-feed issues",
                _ => "quarantined rows",
            };
            list(f, body, s, cur, name, n, true, theme);
        }
        Err(e) => failed(f, body, "imports", &e, theme),
    }
}

/// The selected batch, issue or quarantined row whole: every field, the file's full path, the raw record.
pub fn row_record(d: &ImportsData, view: ViewKey, id: &str) -> Option<Record> {
    let opt = |o: Option<String>| o.unwrap_or_default();
    match view {
        ViewKey::Batches => d.batches.iter().find(|b| b.id.to_string() == id).map(|b| batch_record(d, b)),
        ViewKey::Issues => {
            let i = d.issues.iter().find(|i| i.id.to_string() == id)?;
            let x = &i.issue;
            let state = match (&i.resolved_by, i.resolved_at) {
                _ if i.open => "open".to_string(),
                (Some(by), Some(at)) => format!("resolved by {by} at {}", at.format("%Y-%m-%d %H:%M")),
                _ => "resolved".to_string(),
            };
            Some(
                Record::new(format!("data-feed issue {}", i.id))
                    .field("state", state)
                    .field("severity", format!("{:?}", x.severity).to_lowercase())
                    .field("kind", x.kind.as_str())
                    .field("reason", &x.message)
                    .field("file", opt(x.file.clone()))
                    .field("line", opt(x.line.map(|l| l.to_string())))
                    .field("column", opt(x.column.clone()))
                    .field("payer", opt(x.payer.clone()))
                    .field("account", opt(x.account.clone()))
                    .field("period", opt(x.period.map(|p| p.to_string())))
                    .field("batch", opt(i.batch_id.map(|b| b.to_string())))
                    .field("raised", i.created_at.format("%Y-%m-%d %H:%M").to_string())
                    .field("note", opt(i.note.clone())),
            )
        }
        ViewKey::Quarantine => {
            let q = d.quarantine.iter().find(|q| q.id.to_string() == id)?;
            let r = &q.row;
            // Every fault the import found on the same record (one quarantined row per fault).
            let faults: Vec<&billops_store::StoredQuarantine> = d
                .quarantine
                .iter()
                .filter(|o| o.batch_id == q.batch_id && o.row.file == r.file && o.row.line == r.line)
                .collect();
            let mut rec = Record::new(format!("quarantined row: {}", r.location()))
                .field("file", &r.file)
                .field("line", r.line.to_string())
                .field("batch", q.batch_id.to_string())
                .heading(format!("fault(s) on this record: {}", faults.len()));
            for (k, o) in faults.into_iter().enumerate() {
                let col = if o.row.column == 0 {
                    "the whole row".to_string()
                } else {
                    format!("column {} {}", o.row.column, o.row.column_name)
                };
                let text = format!("{col}: {} (value {:?})", o.row.reason, o.row.value);
                rec = rec.field_as(format!("fault {}", k + 1), text, Role::Error);
            }
            Some(rec.heading("the record as read").note(&r.raw))
        }
        _ => None,
    }
}

/// The import job's gauge on the message line while it runs.
pub fn job_line(f: &mut Frame, area: Rect, s: &State, theme: &Theme) -> bool {
    let Some(job) = &s.panes.imports.job else { return false };
    let (label, pct) = job_text(job, s.now);
    let g = ratatui::widgets::Gauge::default()
        .gauge_style(theme.style(Role::Progress))
        .percent(pct.min(100))
        .label(label)
        .use_unicode(!theme.symbols.ascii);
    f.render_widget(g, area);
    true
}

/// The job line's text and percent: the file, how far (bytes read of the size on disk, over the run's files),
/// rows read, and an ETA (the time taken so far scaled by what remains, once 1% is read); while a cancel
/// takes effect, says so.
pub fn job_text(job: &ImportJob, now: chrono::DateTime<chrono::Utc>) -> (String, u16) {
    let Some(p) = &job.progress else {
        return (format!("importing {} …", job.paths.join(" ")), 0);
    };
    let file_pm = match (p.done, p.total) {
        (true, _) => 1000,
        (false, 0) => 0,
        (false, t) => p.bytes.min(t).saturating_mul(1000) / t,
    };
    let count = u64::try_from(p.file_count.max(1)).unwrap_or(1);
    let index = u64::try_from(p.file_index).unwrap_or(0).min(count);
    let pm = (index.saturating_mul(1000).saturating_add(file_pm) / count).min(1000);
    let pct = u16::try_from(pm / 10).unwrap_or(100);
    let file = short_name(&p.file_name);
    if job.cancel.is_cancelled() {
        return (format!("cancelling: rolling back {file} at the next batch …"), pct);
    }
    let elapsed = u64::try_from((now - job.started).num_seconds()).unwrap_or(0);
    let eta = if pm >= 10 && elapsed > 0 {
        let left = elapsed.saturating_mul(1000 - pm) / pm;
        format!("ETA {}", duration(left))
    } else {
        "ETA …".to_string()
    };
    let files = if p.file_count > 1 { format!(" {}/{}", p.file_index + 1, p.file_count) } else { String::new() };
    let rows = billops_domain::text::counted(p.rows, "row", "rows");
    (format!("importing{files} {file} {pct}% · {rows} · {eta} · ctrl-c cancels"), pct)
}

/// `45s`, `3m 05s`, `2h 10m`.
fn duration(secs: u64) -> String {
    match secs {
        0..60 => format!("{secs}s"),
        60..3600 => format!("{}m {:02}s", secs / 60, secs % 60),
        _ => format!("{}h {:02}m", secs / 3600, secs % 3600 / 60),
    }
}

/// A batch whole: the file's full path, who imported it when, its rows, and per payer and period what it
/// holds (exact sums: a batch's scopes are not split by currency, so no minor unit applies) and whether a
/// later batch replaced it; how many feed issues and quarantined rows it raised.
fn batch_record(d: &ImportsData, b: &billops_store::ImportBatch) -> Record {
    let exact = billops_domain::money::canonical;
    let issues = d.issues.iter().filter(|i| i.batch_id == Some(b.id)).count();
    let open = d.issues.iter().filter(|i| i.batch_id == Some(b.id) && i.open).count();
    let mut r = Record::new(format!("import batch {}", b.id))
        .field("file", &b.file_name)
        .field("format", &b.format)
        .field("imported", format!("{} by {}", b.imported_at.format("%Y-%m-%d %H:%M:%S"), b.imported_by))
        .field("run", &b.run_id)
        .field("rows", b.rows.to_string());
    r = if b.quarantined > 0 {
        r.field_as("quarantined", format!("{} row(s) (v v: the quarantine list)", b.quarantined), Role::Warning)
    } else {
        r.field("quarantined", "0")
    };
    r = r
        .field("feed issues", format!("{issues} ({open} open; v: the issues list)"))
        .field("content hash", &b.content_hash)
        .heading(format!("per payer and period: {}", b.scopes.len()));
    for sc in &b.scopes {
        let state = match sc.replaced_by {
            Some(by) => format!("replaced by batch {by}"),
            None => format!("{:?}", sc.status).to_lowercase(),
        };
        r = r.field(
            format!("{} {}", sc.payer, sc.period),
            format!(
                "{state}; {} rows; billed {}, effective {}, list {} (exact)",
                sc.rows,
                exact(sc.billed),
                exact(sc.effective),
                exact(sc.list)
            ),
        );
    }
    r
}
