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
}

pub const PATH: &str = "path";
/// Azure only: which cost view the files are (`actual` or `amortized`; their columns are the same).
pub const VIEW: &str = "view";
pub const NOTE: &str = "note";

pub fn refusal(s: &State, _k: &Kind) -> Option<String> {
    s.write_refusal()
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
    }
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
    s.panes.imports.job = Some(ImportJob { req, paths: vec![path.to_string()], progress: None });
    match view {
        Some(v) => s.info(format!("importing {path} ({} view) …", v.as_str())),
        None => s.info(format!("importing {path} …")),
    }
    Ok(vec![Effect::Import { req, paths, view }])
}
