//! Stale screens (issue 16): two consoles on one store drift apart until someone reloads. A look
//! ([`Action::Poll`](super::action::Action::Poll)) asks the store what was written since the last look
//! (`AuditTrail::changes_since`: the newest audit id and the kinds of record written after the old one, one read
//! of the primary key) and, when another console or command wrote, reloads the panes that show those kinds
//! ([`Shows`](super::pane::Shows): the Forecast pane keeps its fitted book when a payment is recorded elsewhere).
//! In a form or overlay it does not pull the data from under the user: the status line says STALE until the
//! form closes or ctrl-r.
//!
//! When looks happen: on PostgreSQL the console LISTENs on the store's change channel (migration 0017's trigger
//! on the audit log) and looks as soon as a write commits; the tick every [`EVERY_LISTENING`] only catches a
//! notification lost while the connection was being made again (the listener then asks for a look itself). On
//! SQLite, which has no channel between processes (`PRAGMA data_version` is per connection and blind to the
//! pool's own other connections), the console looks every [`EVERY`].
use std::time::Duration;

use billops_store::Changes;

use super::action::Effect;
use super::panes;
use super::state::{Mode, State};

/// How often an open console looks for other writers when nothing tells it (SQLite).
pub const EVERY: Duration = Duration::from_secs(2);

/// How often it looks anyway while the store pushes its changes (PostgreSQL's LISTEN).
pub const EVERY_LISTENING: Duration = Duration::from_secs(30);

/// The store's audit entities the panes' [`Shows`](super::pane::Shows) lists may name; a write of a kind not
/// here (a newer billops) reloads every pane. `tests/console_watch.rs` checks the store's sources against it.
pub const KNOWN: &[&str] = &[
    "account_code",
    "budget",
    "ch_statement",
    "ch_statement_file",
    "credit",
    "credit_note",
    "customer",
    "customer_contact",
    "dispute",
    "feed_issue",
    "forecast_event",
    "funding_application",
    "funding_opportunity",
    "fx_rate",
    "import_batch",
    "interest_terms",
    "invoice",
    "link_proposal",
    "linked_account",
    "onboarding_checklist",
    "onboarding_item",
    "payer_account",
    "payment",
    "period",
    "ppa",
    "price_rule",
    "recon_case",
    "request",
    "resource_unit",
    "setting",
    "sla_claim",
    "sla_tiers",
    "supplier_invoice",
    "user",
    "variance",
];

/// Kinds that concern every pane: a period's lock, shared settings, a person's role.
pub const CONCERN_ALL: &[&str] = &["period", "setting", "user"];

/// The poll tick: ask for the mark unless a look is already on its way.
pub fn poll(s: &mut State) -> Vec<Effect> {
    if s.watch.asking.is_some() {
        return Vec::new();
    }
    let req = s.req();
    s.watch.asking = Some(req);
    vec![Effect::ChangeMark { req, since: s.watch.mark }]
}

/// The store said a write committed: look now; if a look is already on its way it may have been read before
/// that commit, so one more look follows it.
pub fn pushed(s: &mut State) -> Vec<Effect> {
    if s.watch.asking.is_some() {
        s.watch.again = true;
        return Vec::new();
    }
    poll(s)
}

/// The store's answer arrived: the first one is the baseline; a new mark means someone else wrote `entities`.
pub fn landed(s: &mut State, req: u64, changes: Changes) -> Vec<Effect> {
    if s.watch.asking != Some(req) {
        return Vec::new();
    }
    s.watch.asking = None;
    // A look asked before this console's write may have been read before it committed: not a baseline.
    let mut fx = if std::mem::take(&mut s.watch.discard) { Vec::new() } else { seen(s, changes) };
    if std::mem::take(&mut s.watch.again) {
        fx.extend(poll(s));
    }
    fx
}

fn seen(s: &mut State, Changes { mark, entities }: Changes) -> Vec<Effect> {
    if own_job(s) {
        // This console's import or draft generation is writing: its own reload follows when it ends.
        s.watch.mark = None;
        return Vec::new();
    }
    match s.watch.mark.replace(mark) {
        Some(old) if old != mark => {
            s.watch.stale = true;
            for e in entities {
                if !s.watch.changed.contains(&e) {
                    s.watch.changed.push(e);
                }
            }
        }
        None => return Vec::new(),
        Some(_) => {}
    }
    if !s.watch.stale || !matches!(s.mode, Mode::Normal) || !s.pending.is_empty() {
        return Vec::new();
    }
    s.watch.stale = false;
    let changed = std::mem::take(&mut s.watch.changed);
    let what = if changed.is_empty() { "the store".to_string() } else { said(&changed) };
    s.info(format!("{what} changed (another console or command): reloaded"));
    reload(s, &changed)
}

/// The kinds written, as a person reads them: "invoice, payment" (at most three named).
fn said(changed: &[String]) -> String {
    let mut names: Vec<String> = changed.iter().take(3).map(|e| e.replace('_', " ")).collect();
    if changed.len() > 3 {
        names.push(format!("{} more", changed.len() - 3));
    }
    names.join(", ")
}

/// A job of this console that writes outside `Effect::Write` (an import, draft generation) is running.
fn own_job(s: &State) -> bool {
    s.panes.imports.job.is_some() || s.panes.invoices.job.is_some()
}

/// A look that failed (the store unreachable for a moment) is dropped quietly; the next tick asks again.
pub fn failed(s: &mut State, req: u64) -> bool {
    if s.watch.asking == Some(req) {
        s.watch.asking = None;
        s.watch.discard = false;
        return true;
    }
    false
}

/// This console wrote (a write, or an import or draft generation ended): its own reload follows (showing
/// whatever else was written before it), and the mark moved because of it: re-baselined on the next tick,
/// nothing stale. A look still on its way may have been read before the write committed: its answer is
/// discarded and one more look follows it (read after the write, the baseline), or it would become the baseline
/// and the next look would report this console's own write as another's and reload the pane under the user's
/// keys. (Dropping the look outright left PostgreSQL's console without a baseline until the next
/// notification, which then became it unseen.)
pub fn wrote(s: &mut State) {
    if s.watch.asking.is_some() {
        s.watch.discard = true;
        s.watch.again = true;
    }
    s.watch.mark = None;
    s.watch.stale = false;
    s.watch.changed.clear();
}

/// The locks (cheap, shown on every pane) and the panes that show what changed; everything when the kinds are
/// not known (a stale screen reloaded by hand).
fn reload(s: &mut State, changed: &[String]) -> Vec<Effect> {
    let locks = s.req();
    s.locks.start(locks);
    let mut fx = vec![Effect::Locks { req: locks }];
    if changed.is_empty() {
        fx.extend(panes::invalidate_all(s));
    } else {
        fx.extend(panes::invalidate_changed(s, changed));
    }
    fx
}

/// What the console knows about other writers.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Watch {
    /// The last change mark seen (`None`: not looked yet, or this console just wrote).
    pub mark: Option<i64>,
    /// The look in flight.
    pub asking: Option<u64>,
    /// The store said something committed while a look was on its way: look once more when it lands.
    pub again: bool,
    /// The look on its way was asked before this console's write: its answer is not a baseline.
    pub discard: bool,
    /// Someone wrote and the screen has not reloaded yet (shown on the status line).
    pub stale: bool,
    /// The kinds of record written elsewhere since the last reload (in the order first seen).
    pub changed: Vec<String>,
}
