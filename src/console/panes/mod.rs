//! Per-pane loading, tables and actions. Each pane module owns what its keys do; `update` dispatches.
pub mod accounts;
pub mod audit;
pub mod bulk;
pub mod close;
pub mod costs;
pub mod credit_notes;
pub mod credits;
pub mod customers;
pub mod imports;
pub mod invoices;
pub mod ledger;
pub mod payments;
pub mod pricebook;
pub mod recon;
pub mod sources;
pub mod supplier;
pub mod terms;
pub mod unreached;
pub mod variance;

use super::action::Effect;
use super::pane::PaneId;
use super::state::{Load, State};

/// Load a pane's data (again).
pub fn load(s: &mut State, pane: PaneId) -> Vec<Effect> {
    match pane {
        PaneId::Close => close::load(s),
        PaneId::Customers => customers::load(s),
        PaneId::Accounts => accounts::load(s),
        PaneId::Costs => costs::load(s),
        PaneId::Invoices => invoices::load(s),
        PaneId::Credits => credits::load(s),
        PaneId::Recon => recon::load(s),
        PaneId::Imports => imports::load(s),
        PaneId::Audit => audit::load(s),
    }
}

/// Load a pane's data if it has none and is not loading.
pub fn ensure(s: &mut State, pane: PaneId) -> Vec<Effect> {
    let idle = match pane {
        PaneId::Close => s.close.data.is_idle(),
        PaneId::Customers => s.customers.data.is_idle(),
        PaneId::Accounts => s.accounts.data.is_idle(),
        PaneId::Costs => s.costs.data.is_idle(),
        PaneId::Invoices => s.invoices.data.is_idle(),
        PaneId::Credits => s.credits.data.is_idle(),
        PaneId::Recon => s.recon.data.is_idle(),
        PaneId::Imports => s.imports.data.is_idle(),
        PaneId::Audit => s.audit.data.is_idle(),
    };
    let mut fx = if idle { load(s, pane) } else { Vec::new() };
    fx.extend(ledger::ensure(s, pane));
    fx
}

/// Forget every pane's data (after a write or an import); the visible pane reloads at once.
pub fn invalidate_all(s: &mut State) -> Vec<Effect> {
    s.customers.data = Load::Idle;
    if let Some(d) = s.customers.detail.as_mut() {
        d.data = Load::Idle;
    }
    s.accounts.data = Load::Idle;
    s.costs.data = Load::Idle;
    s.imports.data = Load::Idle;
    s.audit.data = Load::Idle;
    forget_month_end(s);
    s.credits.data = Load::Idle;
    ensure(s, s.pane)
}

/// The period-dependent month-end panes.
fn forget_month_end(s: &mut State) {
    s.close.data = Load::Idle;
    s.invoices.data = Load::Idle;
    if let Some(d) = s.invoices.detail.as_mut() {
        d.data = Load::Idle;
    }
    s.recon.data = Load::Idle;
    ledger::forget(s);
    s.close.variances = Load::Idle;
}

/// Period-dependent panes reload on `[`/`]`.
pub fn period_changed(s: &mut State) -> Vec<Effect> {
    s.customers.data = Load::Idle;
    if let Some(d) = s.customers.detail.as_mut() {
        d.data = Load::Idle;
    }
    s.costs.data = Load::Idle;
    forget_month_end(s);
    s.invoices.detail = None;
    s.invoices.sources = None;
    s.invoices.generated = None;
    ensure(s, s.pane)
}
