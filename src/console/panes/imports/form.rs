//! The imports pane: its forms: checked, then turned into writes.
use std::path::PathBuf;
use crate::console::action::{Effect, WriteOp};
use crate::console::state::{ImportJob, State};

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

pub fn submit_resolve(id: i64, note: &str) -> Result<WriteOp, String> {
    if note.is_empty() {
        return Err("note: say how it was resolved".into());
    }
    Ok(WriteOp::Resolve { id, note: note.to_string() })
}
