//! The panes. `panes!` below is the one registration list: each line is a pane (its module holds the
//! [`Pane`](crate::console::pane::Pane) impl and its state), in tab order. Everything that must visit every
//! pane (reload after a write or a period change, failures, the tab line, `'` + letter, `?`) iterates it.
//! `write` and `query` below are the one write and read helpers every pane uses.
crate::console::pane::panes! {
    Close(close),
    Customers(customers),
    Accounts(accounts),
    Costs(costs),
    Invoices(invoices),
    Credits(credits),
    Recon(recon),
    Imports(imports),
    Audit(audit),
    Disputes(disputes),
    Funding(funding),
    Forecast(forecast),
}

// Screens owned by a pane (under its folder), reachable as `panes::NAME` too.
pub use close::variance;
pub use credits::unreached;
pub use customers::{payments, pricebook, terms};
pub use invoices::{bulk, credit_notes, sources};
pub use recon::supplier;

use super::action::Effect;
use super::pane::{Failure, Invalidate};
use super::state::State;

/// Ask for a pane's write (the role was checked by the caller; the reply reloads every pane). The one
/// write helper of the console.
pub fn write(s: &mut State, op: PaneWrite) -> Vec<Effect> {
    let req = s.req();
    s.pending.push(req);
    s.info("saving …");
    vec![Effect::Write { req, op }]
}

/// A pane's read: its request number and effect (the caller sets its slot to `Loading(req)`).
pub fn query(s: &mut State, q: PaneQuery) -> (u64, Effect) {
    let req = s.req();
    (req, Effect::Pane { req, q })
}

/// Load a pane's data if it has none and is not loading.
pub fn ensure(s: &mut State, pane: PaneId) -> Vec<Effect> {
    pane.pane().ensure(s)
}

/// Every registered pane forgets what `why` may have changed; the visible pane reloads at once.
pub fn invalidate(s: &mut State, why: Invalidate) -> Vec<Effect> {
    for p in PaneId::ALL {
        p.pane().invalidate(s, why);
    }
    ensure(s, s.pane)
}

/// After a write or an import.
pub fn invalidate_all(s: &mut State) -> Vec<Effect> {
    invalidate(s, Invalidate::Written)
}

/// Another console or command wrote `entities` (`watch.rs`): the panes that show them forget what they hold; the
/// visible one reloads at once. The others keep their data.
pub fn invalidate_changed(s: &mut State, entities: &[String]) -> Vec<Effect> {
    for p in PaneId::ALL {
        if p.pane().shows().touched_by(entities) {
            p.pane().invalidate(s, Invalidate::Written);
        }
    }
    ensure(s, s.pane)
}

/// Period-dependent panes reload on `[`/`]`.
pub fn period_changed(s: &mut State) -> Vec<Effect> {
    invalidate(s, Invalidate::PeriodChanged)
}

/// A failed request, offered to every registered pane: `Shown` when a slot shows it, `Reported` when a
/// pane said it itself.
pub fn failed(s: &mut State, req: u64, e: &super::refusal::EffectError) -> Failure {
    let mut out = Failure::NotMine;
    for p in PaneId::ALL {
        match p.pane().failed(s, req, e) {
            Failure::Reported => return Failure::Reported,
            Failure::Shown => out = Failure::Shown,
            Failure::NotMine => {}
        }
    }
    out
}
