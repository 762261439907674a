//! Supplier reconciliation cases and the credits cross-check: thin services over the store, returning
//! serialisable views for the CLI and the console.
use billops_domain::Period;
use billops_store::{Actor, CaseUpdate, OpenedCase, ReconCase, Result, Store, UnreachedCredits};

use super::CloseSettings;

/// Open a case for every payer whose supplier−import residual exceeds the configured tie-out tolerance
/// (idempotent).
pub async fn open(store: &dyn Store, period: Period, by: &Actor, cfg: &CloseSettings) -> Result<Vec<OpenedCase>> {
    store.open_cases(period, cfg.tie_out_tolerance(), by).await
}

pub async fn list(store: &dyn Store, period: Option<Period>) -> Result<Vec<ReconCase>> {
    store.list_cases(period).await
}

pub async fn update(store: &dyn Store, id: i64, u: &CaseUpdate, by: &Actor) -> Result<ReconCase> {
    store.update_case(id, u, None, by).await
}

/// Supplier credits not passed through and funding / promotional credits not used (SPEC §2.5).
pub async fn unreached(store: &dyn Store, period: Period) -> Result<UnreachedCredits> {
    store.unreached_credits(period).await
}
