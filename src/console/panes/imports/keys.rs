//! The imports pane: what its keys do, per screen.
use billops_store::BatchStatus;
use crate::console::action::Effect;
use super::form::{Kind, NOTE, PATH, VIEW};
use crate::console::action::FormKind;
use crate::console::input::{Complete, Field, Form};
use crate::console::pane::PaneId;
use crate::console::state::{Mode, State, ViewKey};
use crate::console::table::{Cell, Mark};
use crate::console::theme::Role;

pub const VIEWS: [ViewKey; 3] = [ViewKey::Batches, ViewKey::Issues, ViewKey::Quarantine];

pub(super) fn batch_status(b: &billops_store::ImportBatch) -> Cell {
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

pub fn switch_view(s: &mut State) {
    let cur = s.current_view();
    let i = VIEWS.iter().position(|v| *v == cur).unwrap_or(0);
    s.pane_view.insert(PaneId::Imports, VIEWS[(i + 1) % VIEWS.len()]);
}

/// Enter on a batch, an issue or a quarantined row: its detail (a batch's names its issues and quarantined
/// rows; `v` cycles to their lists).
pub fn open(s: &mut State) {
    let cur = s.current_view();
    if VIEWS.contains(&cur) && s.selected_id(cur).is_some() {
        s.panes.imports.detail.open();
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
        FormKind::Imports(Kind::Import),
        "import cost-and-usage files (a file or a folder; Tab completes; view: Azure actual|amortized)",
        vec![Field::new(PATH, "", Complete::Path), Field::new(VIEW, "", Complete::None)],
    ));
    Vec::new()
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
        FormKind::Imports(Kind::Resolve { id }),
        format!("resolve issue {id}: {}", issue.issue.message),
        vec![Field::new(NOTE, "", Complete::None)],
    ));
    Vec::new()
}
