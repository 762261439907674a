//! Variance review of a period (SPEC §2.10, close board item 5): billed cost per customer × service against
//! the month before, flagged by the configured thresholds, with each flagged variance's explanation state.
use billops_domain::Period;
use billops_domain::variance::{ReviewedVariance, VarianceThresholds, compare, review, unexplained};
use billops_store::{Actor, NewExplanation, Result, Store, StoreError, StoredExplanation};
use serde::Serialize;

use super::CloseSettings;
pub use super::variance_volume::{RuLine, VolumeLine};
use super::variance_volume::{ru_lines, volume_lines};

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VarianceView {
    pub period: Period,
    pub previous: Period,
    /// Whether both periods have data (otherwise nothing is compared, so nothing is flagged).
    pub baseline: bool,
    pub thresholds: VarianceThresholds,
    /// Every customer × service with cost in either period, largest |Δ| first.
    pub rows: Vec<ReviewedVariance>,
    /// Flagged and not explained for the current Δ (unexplained or stale): what blocks sign-off.
    pub unexplained: u64,
    /// Volume and unit rate per customer × service, on its main unit (`variance_volume`).
    pub volumes: Vec<VolumeLine>,
    /// Chargeback customers' resource units: volume and rate on the invoices of both months.
    pub resource_units: Vec<RuLine>,
}

impl VarianceView {
    pub fn flagged(&self) -> impl Iterator<Item = &ReviewedVariance> {
        self.rows.iter().filter(|r| r.variance.flagged)
    }
    /// The volume and unit-rate split of a customer's service, when its volume can be read.
    pub fn volume(&self, customer: &str, service: &str) -> Option<&VolumeLine> {
        self.volumes.iter().find(|v| v.customer == customer && v.service == service)
    }
    /// The row of a customer and service.
    pub fn find(&self, customer: &str, service: &str) -> Option<&ReviewedVariance> {
        self.rows.iter().find(|r| r.variance.customer == customer && r.variance.service == service)
    }
}

/// The period's variances against the configured thresholds.
pub async fn report(store: &dyn Store, period: Period, cfg: &CloseSettings) -> Result<VarianceView> {
    let costs = store.service_costs(period).await?;
    let thresholds = cfg.board.variance;
    let variances =
        compare(&costs.costs, &thresholds, costs.baseline).map_err(|e| StoreError::Invalid(e.to_string()))?;
    let explained =
        store.list_explanations(period).await?.into_iter().map(|e| ((e.customer, e.service), e.explanation)).collect();
    let rows = review(variances, &explained);
    let volumes = volume_lines(&store.service_volumes(period).await?)?;
    let resource_units = ru_lines(store, period).await?;
    Ok(VarianceView {
        period,
        previous: costs.previous,
        baseline: costs.baseline,
        thresholds,
        unexplained: unexplained(&rows),
        rows,
        volumes,
        resource_units,
    })
}

/// Record (or replace) an explanation; the store checks the role, the lock and the Δ.
pub async fn explain(store: &dyn Store, e: &NewExplanation, by: &Actor) -> Result<StoredExplanation> {
    store.explain_variance(e, by).await
}
