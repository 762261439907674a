//! The Imports pane's forms: the import path and an issue's resolution note, read by field name.
use std::path::PathBuf;

use super::io::Write;
use crate::console::action::{Effect, PaneWrite};
use crate::console::input::{FieldError, Form};
use crate::console::panes::write;
use crate::console::state::{ImportJob, State};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    Import,
    Resolve { id: i64 },
    /// Ctrl-C (or `q`) while an import runs: cancel it (roll back) or let it finish.
    CancelJob,
}

pub const PATH: &str = "path";
/// Azure only: which cost view the files are (`actual` or `amortized`; their columns are the same).
pub const VIEW: &str = "view";
pub const NOTE: &str = "note";

pub fn refusal(s: &State, k: &Kind) -> Option<String> {
    match k {
        // Whoever may start an import may stop it; the job is gone once it ended.
        Kind::CancelJob if s.panes.imports.job.is_none() => Some("the import has already ended".into()),
        Kind::CancelJob => None,
        _ => s.write_refusal(),
    }
}

pub fn submit(s: &mut State, k: &Kind, f: &Form) -> Result<Vec<Effect>, FieldError> {
    match k {
        Kind::Import => {
            let view = f.get(VIEW);
            let view = if view.trim().is_empty() {
                None
            } else {
                Some(view.parse::<billops_import::View>().map_err(|e| {
                    FieldError::at(VIEW, format!("view: {e} (Azure files: actual or amortized; empty for others)"))
                })?)
            };
            start_import_view(s, &f.get(PATH), view).map_err(|e| FieldError::at(PATH, e))
        }
        Kind::Resolve { id } => {
            let note = f.get(NOTE);
            if note.is_empty() {
                return Err(FieldError::at(NOTE, "note: say how it was resolved"));
            }
            Ok(write(s, PaneWrite::Imports(Write::Resolve { id: *id, note })))
        }
        Kind::CancelJob => {
            if let Some(job) = &s.panes.imports.job {
                job.cancel.cancel();
            }
            s.warn("cancelling the import: the file being read rolls back at the next batch, nothing of it is kept");
            Ok(Vec::new())
        }
    }
}

/// `q` / Ctrl-C while an import runs: ask before anything (the console never quits under a running import,
/// which would commit after the screen is gone). Enter cancels it and rolls back, Esc lets it finish.
pub fn ask_cancel(s: &mut State) -> Vec<Effect> {
    let Some(job) = &s.panes.imports.job else { return Vec::new() };
    if job.cancel.is_cancelled() {
        s.warn("the import is being cancelled; q quits once it has rolled back");
        return Vec::new();
    }
    let at = match &job.progress {
        Some(p) => format!(" (file {}/{}, {})", p.file_index + 1, p.file_count, super::view::short_name(&p.file_name)),
        None => String::new(),
    };
    let title = format!(
        "An import is running{at}. Cancel it? Enter cancels and rolls back the file being read (nothing of it \
         is kept; files already imported stay, later ones are not started). Esc lets it finish; it ends with a \
         summary on the message line."
    );
    s.mode = crate::console::state::Mode::Form(Form::new(
        crate::console::action::FormKind::Imports(Kind::CancelJob),
        title,
        Vec::new(),
    ));
    Vec::new()
}

/// Start the import job for `path` (the form and `:import PATH`).
pub fn start_import(s: &mut State, path: &str) -> Result<Vec<Effect>, String> {
    start_import_view(s, path, None)
}

/// As [`start_import`], saying which cost view Azure files are.
pub fn start_import_view(
    s: &mut State,
    path: &str,
    view: Option<billops_import::View>,
) -> Result<Vec<Effect>, String> {
    if path.is_empty() {
        return Err("path: required".into());
    }
    let paths: Vec<PathBuf> = path.split(" , ").map(|p| PathBuf::from(p.trim())).collect();
    let req = s.req();
    let cancel = crate::ingest::Cancel::default();
    s.panes.imports.job = Some(ImportJob {
        req,
        paths: vec![path.to_string()],
        progress: None,
        started: s.now,
        cancel: cancel.clone(),
    });
    match view {
        Some(v) => s.info(format!("importing {path} ({} view) …", v.as_str())),
        None => s.info(format!("importing {path} …")),
    }
    Ok(vec![Effect::Import { req, paths, view, cancel }])
}
