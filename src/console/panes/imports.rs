//! Imports: batches with their status, data-feed issues and quarantined rows; start an import; resolve issues.
use std::path::PathBuf;

use billops_store::BatchStatus;

use crate::console::action::{Effect, ImportsData, WriteOp};
use crate::console::input::{Complete, Field, Form, FormKind};
use crate::console::pane::PaneId;
use crate::console::state::{ImportJob, Load, Mode, State, ViewKey};
use crate::console::table::{Cell, Column, Mark, Row, TableModel};
use crate::console::theme::Role;

pub const VIEWS: [ViewKey; 3] = [ViewKey::Batches, ViewKey::Issues, ViewKey::Quarantine];

pub fn load(s: &mut State) -> Vec<Effect> {
    let req = s.req();
    s.panes.imports.data = Load::Loading(req);
    vec![Effect::Imports { req }]
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

fn batch_status(b: &billops_store::ImportBatch) -> Cell {
    if !b.scopes.is_empty() && b.scopes.iter().all(|sc| sc.replaced_by.is_some()) {
        let by = b.scopes.iter().filter_map(|sc| sc.replaced_by).max().unwrap_or_default();
        return Cell::text(format!("replaced by {by}")).mark(Mark::Cross).role(Role::Muted);
    }
    if b.scopes.iter().any(|sc| sc.status == BatchStatus::Estimated && sc.replaced_by.is_none()) {
        Cell::text("estimated").mark(Mark::Open).role(Role::Pending)
    } else {
        Cell::text("final").mark(Mark::Check).role(Role::Approved)
    }
}

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

pub fn switch_view(s: &mut State) {
    let cur = s.current_view();
    let i = VIEWS.iter().position(|v| *v == cur).unwrap_or(0);
    s.pane_view.insert(PaneId::Imports, VIEWS[(i + 1) % VIEWS.len()]);
}

/// Enter on a batch: show its issues.
pub fn open(s: &mut State) {
    if s.current_view() == ViewKey::Batches
        && let Some(id) = s.selected_id(ViewKey::Batches)
    {
        s.pane_view.insert(PaneId::Imports, ViewKey::Issues);
        let v = s.view_mut(ViewKey::Issues);
        v.vs.filter = String::new();
        let crate::console::state::View { model, vs } = v;
        vs.rebuild(model);
        let n = s
            .panes
            .imports
            .data
            .ready()
            .map(|d| d.issues.iter().filter(|i| i.batch_id.map(|b| b.to_string()) == Some(id.clone())).count())
            .unwrap_or(0);
        s.info(format!("batch {id}: {n} issue(s); v cycles batches / issues / quarantine"));
    }
}

/// `i`: the import form.
pub fn start(s: &mut State) -> Vec<Effect> {
    if let Some(why) = s.write_refusal() {
        s.warn(why);
        return Vec::new();
    }
    if s.panes.imports.job.is_some() {
        s.warn("an import is already running");
        return Vec::new();
    }
    s.mode = Mode::Form(Form::new(
        FormKind::Import,
        "import cost-and-usage files (a file or a folder; Tab completes)",
        vec![Field::new("path", "", Complete::Path)],
    ));
    Vec::new()
}

pub fn submit_import(s: &mut State, path: &str) -> Result<Vec<Effect>, String> {
    if path.is_empty() {
        return Err("path: required".into());
    }
    let paths: Vec<PathBuf> = path.split(" , ").map(|p| PathBuf::from(p.trim())).collect();
    let req = s.req();
    s.panes.imports.job = Some(ImportJob { req, paths: vec![path.to_string()], progress: None });
    s.info(format!("importing {path} …"));
    Ok(vec![Effect::Import { req, paths }])
}

/// `r`: resolve the selected open issue with a note.
pub fn resolve(s: &mut State) -> Vec<Effect> {
    if let Some(why) = s.write_refusal() {
        s.warn(why);
        return Vec::new();
    }
    if s.current_view() != ViewKey::Issues {
        s.pane_view.insert(PaneId::Imports, ViewKey::Issues);
        s.info("showing data-feed issues: select one and press r again");
        return Vec::new();
    }
    let Some(id) = s.selected_id(ViewKey::Issues).and_then(|i| i.parse::<i64>().ok()) else {
        s.warn("no issue selected");
        return Vec::new();
    };
    let Some(issue) = s.panes.imports.data.ready().and_then(|d| d.issues.iter().find(|i| i.id == id).cloned()) else {
        return Vec::new();
    };
    if !issue.open {
        s.warn(format!("issue {id} is already resolved"));
        return Vec::new();
    }
    s.mode = Mode::Form(Form::new(
        FormKind::Resolve { id },
        format!("resolve issue {id}: {}", issue.issue.message),
        vec![Field::new("note", "", Complete::None)],
    ));
    Vec::new()
}

pub fn submit_resolve(id: i64, note: &str) -> Result<WriteOp, String> {
    if note.is_empty() {
        return Err("note: say how it was resolved".into());
    }
    Ok(WriteOp::Resolve { id, note: note.to_string() })
}

// ---- the pane's duties (registered in `panes!`) ----
pub use crate::console::pane::no_io as io;
use crate::console::keys::Cmd;
use crate::console::pane::{Failure, Invalidate, KeyScope, Pane};
use crate::console::panes::fail;
use crate::console::state::State as State_;

/// The pane's own state (a field of `State::panes`).
pub use crate::console::state::ImportsPane as PaneState;

/// Import batches, feed issues and quarantined rows.
pub struct Imports;

const IMPT: &[Cmd] = &[Cmd::Open, Cmd::Back, Cmd::Import, Cmd::Resolve, Cmd::SwitchView];

impl Pane for Imports {
    fn title(&self) -> &'static str {
        "Imports"
    }
    fn short(&self) -> &'static str {
        "Imp"
    }
    fn slug(&self) -> &'static str {
        "imports"
    }
    fn goto(&self) -> char {
        'm'
    }
    fn ensure(&self, s: &mut State_) -> Vec<Effect> {
        if s.panes.imports.data.is_idle() { load(s) } else { Vec::new() }
    }
    fn invalidate(&self, s: &mut State_, why: Invalidate) {
        if why == Invalidate::Written {
            s.panes.imports.data = Load::Idle;
        }
    }
    fn failed(&self, s: &mut State_, req: u64, e: &crate::console::refusal::EffectError) -> Failure {
        let out = fail(&mut s.panes.imports.data, req, e);
        if s.panes.imports.job.as_ref().is_some_and(|j| j.req == req) {
            s.panes.imports.job = None;
            s.error(format!("import failed: {e}"));
            return Failure::Reported;
        }
        out
    }
    fn keys(&self) -> &'static [KeyScope] {
        &[KeyScope { screen: "lists", cmds: IMPT }]
    }
    fn screen(&self, _s: &State_) -> &'static str {
        "lists"
    }
    fn current_view(&self, s: &State_) -> ViewKey {
        s.pane_view.get(&PaneId::Imports).copied().unwrap_or(ViewKey::Batches)
    }
    fn cmd(&self, s: &mut State_, c: Cmd) -> Option<Vec<Effect>> {
        Some(match c {
            Cmd::Open => {
                open(s);
                Vec::new()
            }
            Cmd::SwitchView => {
                switch_view(s);
                Vec::new()
            }
            Cmd::Import => start(s),
            Cmd::Resolve => resolve(s),
            _ => return None,
        })
    }
    fn render(
        &self,
        f: &mut ratatui::Frame,
        area: ratatui::layout::Rect,
        s: &State_,
        theme: &crate::console::theme::Theme,
    ) {
        crate::console::ui::panes::imports(f, area, s, theme)
    }
}
