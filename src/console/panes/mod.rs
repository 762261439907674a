//! Per-pane loading, tables and actions. Each pane module owns what its keys do; `update` dispatches.
pub mod accounts;
pub mod audit;
pub mod costs;
pub mod customers;
pub mod imports;

use super::action::Effect;
use super::pane::PaneId;
use super::state::State;

/// Load a pane's data (again).
pub fn load(s: &mut State, pane: PaneId) -> Vec<Effect> {
    match pane {
        PaneId::Customers => customers::load(s),
        PaneId::Accounts => accounts::load(s),
        PaneId::Costs => costs::load(s),
        PaneId::Imports => imports::load(s),
        PaneId::Audit => audit::load(s),
    }
}

/// Load a pane's data if it has none and is not loading.
pub fn ensure(s: &mut State, pane: PaneId) -> Vec<Effect> {
    let idle = match pane {
        PaneId::Customers => s.customers.data.is_idle(),
        PaneId::Accounts => s.accounts.data.is_idle(),
        PaneId::Costs => s.costs.data.is_idle(),
        PaneId::Imports => s.imports.data.is_idle(),
        PaneId::Audit => s.audit.data.is_idle(),
    };
    if idle { load(s, pane) } else { Vec::new() }
}

/// Forget every pane's data (after a write or an import); the visible pane reloads at once.
pub fn invalidate_all(s: &mut State) -> Vec<Effect> {
    use super::state::Load;
    s.customers.data = Load::Idle;
    if let Some(d) = s.customers.detail.as_mut() {
        d.data = Load::Idle;
    }
    s.accounts.data = Load::Idle;
    s.costs.data = Load::Idle;
    s.imports.data = Load::Idle;
    s.audit.data = Load::Idle;
    ensure(s, s.pane)
}

/// Period-dependent panes reload on `[`/`]`.
pub fn period_changed(s: &mut State) -> Vec<Effect> {
    use super::state::Load;
    s.customers.data = Load::Idle;
    if let Some(d) = s.customers.detail.as_mut() {
        d.data = Load::Idle;
    }
    s.costs.data = Load::Idle;
    ensure(s, s.pane)
}
