//! Stale screens (issue 16): two consoles on one store drift apart until someone reloads. While the console is
//! open the loop sends [`Action::Poll`](super::action::Action::Poll) every [`EVERY`]; `update` asks the store
//! for its change mark (`AuditTrail::change_mark`, the newest audit entry: one indexed read) and, when another
//! console or command wrote since the last look, reloads what the panes hold. In a form or overlay it does
//! not pull the data from under the user: the status line says STALE until the form closes or ctrl-r.
//!
//! Chosen over LISTEN/NOTIFY on PostgreSQL (and `PRAGMA data_version` on SQLite, which is per connection and
//! blind to the pool's own other connections): one query, the same on both backends, no migration, no
//! long-lived listening connection; the cost is up to [`EVERY`] of delay.
use std::time::Duration;

use super::action::Effect;
use super::panes;
use super::state::{Load, Mode, State};

/// How often an open console looks for other writers.
pub const EVERY: Duration = Duration::from_secs(2);

/// The poll tick: ask for the mark unless a look is already on its way.
pub fn poll(s: &mut State) -> Vec<Effect> {
    if s.watch.asking.is_some() {
        return Vec::new();
    }
    let req = s.req();
    s.watch.asking = Some(req);
    vec![Effect::ChangeMark { req }]
}

/// The store's mark arrived: the first one is the baseline; a new one means someone else wrote.
pub fn landed(s: &mut State, req: u64, mark: i64) -> Vec<Effect> {
    if s.watch.asking != Some(req) {
        return Vec::new();
    }
    s.watch.asking = None;
    if own_job(s) {
        // This console's import or draft generation is writing: its own reload follows when it ends.
        s.watch.mark = None;
        return Vec::new();
    }
    match s.watch.mark.replace(mark) {
        Some(old) if old != mark => s.watch.stale = true,
        None => return Vec::new(),
        Some(_) => {}
    }
    if !s.watch.stale || !matches!(s.mode, Mode::Normal) || !s.pending.is_empty() {
        return Vec::new();
    }
    s.watch.stale = false;
    s.info("the store changed (another console or command): reloaded");
    reload(s)
}

/// A job of this console that writes outside `Effect::Write` (an import, draft generation) is running.
fn own_job(s: &State) -> bool {
    s.panes.imports.job.is_some() || s.panes.invoices.job.is_some()
}

/// A look that failed (the store unreachable for a moment) is dropped quietly; the next tick asks again.
pub fn failed(s: &mut State, req: u64) -> bool {
    if s.watch.asking == Some(req) {
        s.watch.asking = None;
        return true;
    }
    false
}

/// This console wrote (a write, or an import or draft generation ended): its own reload follows (showing whatever else was written before it), and the mark
/// moved because of it: re-baselined on the next tick, nothing stale.
pub fn wrote(s: &mut State) {
    s.watch.mark = None;
    s.watch.stale = false;
}

fn reload(s: &mut State) -> Vec<Effect> {
    let locks = s.req();
    s.locks = Load::Loading(locks);
    let mut fx = vec![Effect::Locks { req: locks }];
    fx.extend(panes::invalidate_all(s));
    fx
}

/// What the console knows about other writers.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Watch {
    /// The last change mark seen (`None`: not looked yet, or this console just wrote).
    pub mark: Option<i64>,
    /// The look in flight.
    pub asking: Option<u64>,
    /// Someone wrote and the screen has not reloaded yet (shown on the status line).
    pub stale: bool,
}
