//! `m` on the Close pane: the period's month-end management report (`billops report month`'s, HTML and CSV)
//! written to the exports folder as `management-report-YYYY-MM.html` and `.csv`, and the message names both.
//! A read (viewers too): it writes files, never the store. At month end this is where an operator is.
use std::path::PathBuf;

use billops_domain::Period;

use super::io::{Query, Reply};
use crate::console::action::{Effect, PaneQuery};
use crate::console::effects::Runner;
use crate::console::panes::query;
use crate::console::refusal::EffectError;
use crate::console::state::State;

/// Ask for the shown period's report.
pub fn request(s: &mut State) -> Vec<Effect> {
    let Some(period) = s.period else {
        s.warn("no period chosen yet");
        return Vec::new();
    };
    let (req, fx) = query(s, PaneQuery::Close(Query::Report { period }));
    s.pending.push(req);
    s.info(format!("writing the management report of {period} …"));
    vec![fx]
}

/// In the runner: gather, build, write both files.
pub async fn run(r: &Runner, period: Period) -> Result<Reply, EffectError> {
    let settings = r.settings().await.map_err(|e| EffectError::of_read(&e))?;
    let rep = crate::documents::report::load::report(r.store.as_ref(), period, r.clock.now(), &settings)
        .await
        .map_err(|e| EffectError::of_read(&e))?;
    let dir = r.data_dir.join("exports");
    let (html, csv) = tokio::task::spawn_blocking(move || crate::documents::report::load::write_files(&dir, &rep))
        .await
        .map_err(|e| EffectError::failed(e.to_string()))?
        .map_err(|e| EffectError::failed(format!("writing the management report: {e}")))?;
    Ok(Reply::ReportWritten { period, html, csv })
}

pub fn landed(s: &mut State, req: u64, period: Period, html: PathBuf, csv: PathBuf) {
    if s.pending.contains(&req) {
        s.pending.retain(|r| *r != req);
        s.info(format!("management report {period} written: {} and {}", html.display(), csv.display()));
    }
}
