//! The effect runner: each effect in its own tokio task, answering with `Action::Reply`. A pane's reads and
//! writes are run by the pane's `io::run` / `io::write` (given this runner); the arms here are the console's
//! own effects (periods, locks, balance, the import job, exports, path completion). Nothing here touches
//! the screen.
use std::path::{Path, PathBuf};
use std::sync::Arc;

use billops_domain::clock::Clock;
use billops_store::{Actor, Store, StoreError};
use tokio::sync::mpsc::UnboundedSender;

use super::action::{Action, Effect, Reply};
use super::refusal::EffectError;
use crate::month;

/// What effects need from the outside world.
#[derive(Clone)]
pub struct Runner {
    pub store: Arc<dyn Store>,
    pub clock: Arc<dyn Clock>,
    pub user: String,
    pub data_dir: PathBuf,
    pub tags: billops_import::TagConfig,
    pub tx: UnboundedSender<Action>,
}

fn e(err: StoreError) -> EffectError {
    EffectError::of_read(&err)
}

impl Runner {
    /// The month-end settings in force, read from the store on every use (another operator's change counts).
    pub async fn settings(&self) -> Result<crate::month::CloseSettings, StoreError> {
        month::settings::load(self.store.as_ref()).await
    }

    pub fn actor(&self) -> Actor {
        Actor { name: self.user.clone(), at: self.clock.now() }
    }

    /// Start an effect in the background. `Effect::Quit` is the loop's business and ignored here.
    pub fn spawn(&self, effect: Effect) {
        let me = self.clone();
        tokio::spawn(async move {
            if let Some((req, result)) = me.run(effect).await {
                let _ = me.tx.send(Action::Reply { req, result });
            }
        });
    }

    /// Run an effect to its reply (public for tests that drive the runner directly).
    pub async fn run(&self, effect: Effect) -> Option<(u64, Result<Reply, EffectError>)> {
        let st = &self.store;
        Some(match effect {
            Effect::Quit => return None,
            Effect::Periods { req } => (req, st.periods().await.map(Reply::Periods).map_err(e)),
            Effect::Pane { req, q } => (req, q.run(self).await.map(Reply::Pane)),
            Effect::Write { req, op } => {
                let typed = |err: StoreError| EffectError::of(&err, Some(&op));
                (req, op.clone().write(self).await.map_err(typed).map(Reply::Written))
            }
            Effect::Locks { req } => (req, st.locked_periods().await.map(Reply::Locks).map_err(e)),
            Effect::ChangeMark { req, since } => {
                let changes = match since {
                    Some(m) => st.changes_since(m).await,
                    None => st.change_mark().await.map(|mark| billops_store::Changes { mark, entities: Vec::new() }),
                };
                (req, changes.map(Reply::Changes).map_err(e))
            }
            Effect::Balance { req, customer, today } => {
                (req, st.balance(&customer, today).await.map(Reply::Balance).map_err(e))
            }
            Effect::Import { req, paths, view, cancel } => (req, Ok(self.import(req, paths, view, cancel).await)),
            Effect::CompletePath { req, input } => {
                let candidates = tokio::task::spawn_blocking({
                    let input = input.clone();
                    move || complete_path(&input)
                })
                .await
                .unwrap_or_default();
                (req, Ok(Reply::PathCompletions { input, candidates }))
            }
            Effect::Export { req, pane, period, csv, rows } => {
                let dir = self.data_dir.join("exports");
                let r = tokio::task::spawn_blocking(move || write_export(&dir, &pane, &period, &csv))
                    .await
                    .map_err(|err| err.to_string())
                    .and_then(|r| r)
                    .map(|path| Reply::Exported { path, rows })
                    .map_err(EffectError::failed);
                (req, r)
            }
        })
    }

    async fn import(
        &self,
        req: u64,
        paths: Vec<PathBuf>,
        view: Option<billops_import::View>,
        cancel: crate::ingest::Cancel,
    ) -> Reply {
        let tx = self.tx.clone();
        let progress: Arc<dyn Fn(crate::ingest::Progress) + Send + Sync> = Arc::new(move |p| {
            let _ = tx.send(Action::Reply { req, result: Ok(Reply::ImportProgress(p)) });
        });
        let read = billops_import::ReadOptions { tags: self.tags.clone(), view, ..Default::default() };
        let reports = crate::ingest::import_run_ctl(self.store.clone(), paths, read, self.actor(), progress, cancel)
            .await
            .reports;
        Reply::ImportDone(super::panes::imports::io::summary(&reports))
    }
}

/// File-system completion of a typed path: entries of its folder starting with its last part
/// (folders end with `/`). `~/` expands to the home folder.
pub fn complete_path(input: &str) -> Vec<String> {
    let expanded = match input.strip_prefix("~/") {
        Some(rest) => {
            std::env::var_os("HOME").map(|h| format!("{}/{rest}", h.to_string_lossy())).unwrap_or(input.to_string())
        }
        None => input.to_string(),
    };
    let (dir, stem) = match expanded.rfind('/') {
        Some(i) => (&expanded[..=i], &expanded[i + 1..]),
        None => ("", expanded.as_str()),
    };
    let read_dir = if dir.is_empty() { Path::new(".") } else { Path::new(dir) };
    let Ok(entries) = std::fs::read_dir(read_dir) else { return Vec::new() };
    let mut out: Vec<String> = entries
        .filter_map(Result::ok)
        .filter_map(|en| {
            let name = en.file_name().to_string_lossy().to_string();
            if !name.starts_with(stem) || (name.starts_with('.') && !stem.starts_with('.')) {
                return None;
            }
            let is_dir = en.file_type().map(|t| t.is_dir()).unwrap_or(false);
            Some(format!("{dir}{name}{}", if is_dir { "/" } else { "" }))
        })
        .collect();
    out.sort();
    out.truncate(200);
    out
}

/// Write `DIR/<pane>-<period>-<n>.csv` with the first free `n`.
pub fn write_export(dir: &Path, pane: &str, period: &str, csv: &str) -> Result<PathBuf, String> {
    std::fs::create_dir_all(dir).map_err(|err| format!("{}: {err}", dir.display()))?;
    for n in 1..100_000u32 {
        let path = dir.join(format!("{pane}-{period}-{n}.csv"));
        match std::fs::OpenOptions::new().write(true).create_new(true).open(&path) {
            Ok(mut f) => {
                use std::io::Write;
                f.write_all(csv.as_bytes()).map_err(|err| format!("{}: {err}", path.display()))?;
                return Ok(path);
            }
            Err(err) if err.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(err) => return Err(format!("{}: {err}", path.display())),
        }
    }
    Err(format!("{}: too many exports", dir.display()))
}
