//! The one `Action` enum `update` consumes, the `Effect`s it asks for, and the replies effects send back.
//! A pane's reads and writes travel as `Effect::Pane` / `Effect::Write` with the pane's own `io` enums;
//! the variants here are the console's own (periods, locks, the balance overlay, the import job, exports,
//! path completion).
use std::path::PathBuf;

use billops_domain::Period;
use billops_store::{Balance, PeriodLock};
use chrono::{DateTime, NaiveDate, Utc};
use crossterm::event::KeyEvent;

use super::keys::Cmd;
pub use super::pane::{FormKind, PaneQuery, PaneReply, PaneWrite};

/// Everything that can happen to the console.
// Replies carry whole result sets; an action is moved once through the channel, so boxing buys nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone)]
pub enum Action {
    /// A key press (releases are dropped by the event loop). Mapped through the keymap in `update`.
    Key(KeyEvent),
    /// A command, as a bound key or the palette gives it.
    Cmd(Cmd),
    /// The watch's tick: look whether another console wrote (`watch.rs`).
    Poll,
    /// The store said a write committed (PostgreSQL's change channel): look now (`watch.rs`).
    Pushed,
    /// Pasted text (goes to the open input, if any).
    Paste(String),
    Resize(u16, u16),
    /// The clock moved (the loop sends it before drawing; render never reads the clock).
    Now(DateTime<Utc>),
    /// An effect finished. Stale replies (an older `req` than the slot waits for) are dropped.
    Reply {
        req: u64,
        result: Result<Reply, super::refusal::EffectError>,
    },
}

#[derive(Debug, Clone)]
pub enum Reply {
    Periods(Vec<Period>),
    /// A pane's answer (`panes/NAME/io.rs`).
    Pane(PaneReply),
    /// A write succeeded; the text says what happened.
    Written(String),
    Exported {
        path: PathBuf,
        rows: usize,
    },
    PathCompletions {
        input: String,
        candidates: Vec<String>,
    },
    ImportProgress(crate::ingest::Progress),
    /// The import finished: one line per file.
    ImportDone(Vec<String>),
    /// The locked (signed-off) periods (every pane's write checks and the tab line use them).
    Locks(Vec<PeriodLock>),
    /// A customer's balance (the `:bal` overlay, over any pane).
    Balance(Balance),
    /// What the store says was written since the console's last look (`watch.rs`).
    Changes(billops_store::Changes),
}

/// Work `update` asks for. The runner does it off the render path and answers with `Action::Reply`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    Periods {
        req: u64,
    },
    /// A pane's read (`panes/NAME/io.rs`).
    Pane {
        req: u64,
        q: PaneQuery,
    },
    /// A pane's write (only produced after the role check in `update`); the reply reloads every pane.
    Write {
        req: u64,
        op: PaneWrite,
    },
    /// The import job (progress replies while it runs); `view`: which cost view Azure files are.
    Import {
        req: u64,
        paths: Vec<PathBuf>,
        view: Option<billops_import::View>,
        /// Set by the Ctrl-C confirmation (`ImportJob::cancel`): the job stops between batches.
        cancel: crate::ingest::Cancel,
    },
    CompletePath {
        req: u64,
        input: String,
    },
    Export {
        req: u64,
        pane: String,
        period: String,
        csv: String,
        rows: usize,
    },
    Locks {
        req: u64,
    },
    Balance {
        req: u64,
        customer: String,
        today: NaiveDate,
    },
    /// Ask the store what was written since `since` (its mark now when `None`: the baseline) (`watch.rs`).
    ChangeMark {
        req: u64,
        since: Option<i64>,
    },
    /// Leave the event loop.
    Quit,
}
