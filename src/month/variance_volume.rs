//! Variance by volume and by resource unit (SPEC §2.10), beside the variance list's dollars: for each customer ×
//! service, the usage unit carrying most of its cost, split into what more (or less) usage moved and what a
//! different cost per unit moved (`billops_domain::variance::volume`); and for chargeback customers, each
//! resource unit's billed volume and rate on the period's invoice drafts against the month before's.
//!
//! Decisions: a service's volume is read on its *main* unit (the one with the largest cost in either month)
//! because quantities of different units (hours, GB-months, requests) cannot be added; a unit whose rows do not
//! all carry a quantity is not used (its volume would be short). Resource-unit volumes come from the invoices
//! (any status but void) of both months, so they appear once drafts are generated; without them there is
//! nothing to compare. Cost is per currency: the store names a customer's service with cost in another currency
//! `SERVICE [CUR]` (the variance list's row for it), so a split never adds two currencies' cost or unit rates.
use std::collections::{BTreeMap, BTreeSet};

use billops_domain::Period;
use billops_domain::invoice::{InvoiceStatus, LineKind};
use billops_domain::variance::volume::{UnitFigures, VolumeSplit, split};
use billops_store::{BillingModel, InvoiceFilter, Result, ServiceVolume, Store, StoreError};
use rust_decimal::Decimal;
use serde::Serialize;

/// A customer × service's volume on its main unit and the split of that unit's change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VolumeLine {
    pub customer: String,
    pub service: String,
    pub unit: String,
    /// How many units the service has (the others are not in the split).
    pub units: usize,
    pub figures: UnitFigures,
    pub split: VolumeSplit,
}

/// A chargeback customer's resource unit: billed volume and charge in both months, and the split.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RuLine {
    pub customer: String,
    pub ru: String,
    pub figures: UnitFigures,
    pub split: VolumeSplit,
}

fn bad(e: billops_domain::variance::VarianceError) -> StoreError {
    StoreError::Invalid(e.to_string())
}

/// Pure: the main unit of each customer × service among `volumes` and its split.
pub fn volume_lines(volumes: &[ServiceVolume]) -> Result<Vec<VolumeLine>> {
    let mut by: BTreeMap<(&str, &str), Vec<&ServiceVolume>> = BTreeMap::new();
    for v in volumes {
        by.entry((v.customer.as_str(), v.service.as_str())).or_default().push(v);
    }
    let mut out = Vec::new();
    for ((customer, service), units) in by {
        let weight = |v: &ServiceVolume| v.prev_cost.abs().max(v.cur_cost.abs());
        let Some(main) = units.iter().filter(|v| v.complete()).max_by(|a, b| weight(a).cmp(&weight(b))) else {
            continue;
        };
        let figures = UnitFigures {
            prev_qty: main.prev_qty,
            cur_qty: main.cur_qty,
            prev_cost: main.prev_cost,
            cur_cost: main.cur_cost,
        };
        out.push(VolumeLine {
            customer: customer.into(),
            service: service.into(),
            unit: main.unit.clone(),
            units: units.len(),
            split: split(&figures).map_err(bad)?,
            figures,
        });
    }
    Ok(out)
}

/// Σ volume and charge per (customer, resource unit) on the non-void invoices of `period` of `customers`.
async fn ru_totals(
    store: &dyn Store,
    period: Period,
    customers: &BTreeSet<String>,
) -> Result<BTreeMap<(String, String), (Decimal, Decimal)>> {
    let mut out: BTreeMap<(String, String), (Decimal, Decimal)> = BTreeMap::new();
    for s in store.list_invoices(&InvoiceFilter { period: Some(period), customer: None }).await? {
        if s.status == InvoiceStatus::Void || !customers.contains(&s.customer) {
            continue;
        }
        let inv = store.invoice(s.id).await?;
        for l in &inv.draft.charges {
            let (LineKind::ResourceUnit { ru_id, .. }, Some(q)) = (&l.kind, l.quantity) else { continue };
            let e = out.entry((s.customer.clone(), ru_id.clone())).or_default();
            let overflow = || StoreError::Invalid("resource-unit volume overflows".into());
            e.0 = e.0.checked_add(q).ok_or_else(overflow)?;
            e.1 = e.1.checked_add(l.amount).ok_or_else(overflow)?;
        }
    }
    Ok(out)
}

/// The resource units of chargeback customers, `period` against the month before.
pub async fn ru_lines(store: &dyn Store, period: Period) -> Result<Vec<RuLine>> {
    let chargeback: BTreeSet<String> = store
        .billing_models()
        .await?
        .into_iter()
        .filter(|m| m.model == BillingModel::Chargeback)
        .map(|m| m.customer)
        .collect();
    if chargeback.is_empty() {
        return Ok(Vec::new());
    }
    let cur = ru_totals(store, period, &chargeback).await?;
    let prev = ru_totals(store, period.prev(), &chargeback).await?;
    let keys: BTreeSet<&(String, String)> = cur.keys().chain(prev.keys()).collect();
    let none = (Decimal::ZERO, Decimal::ZERO);
    let mut out = Vec::new();
    for k in keys {
        let ((q1, c1), (q0, c0)) = (cur.get(k).unwrap_or(&none), prev.get(k).unwrap_or(&none));
        let figures = UnitFigures { prev_qty: *q0, cur_qty: *q1, prev_cost: *c0, cur_cost: *c1 };
        out.push(RuLine { customer: k.0.clone(), ru: k.1.clone(), split: split(&figures).map_err(bad)?, figures });
    }
    Ok(out)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    fn sv(service: &str, unit: &str, q: (&str, &str), c: (&str, &str), no_qty: u64) -> ServiceVolume {
        ServiceVolume {
            customer: "acme".into(),
            service: service.into(),
            currency: "USD".into(),
            unit: unit.into(),
            prev_qty: d(q.0),
            cur_qty: d(q.1),
            prev_cost: d(c.0),
            cur_cost: d(c.1),
            prev_no_qty: 0,
            cur_no_qty: no_qty,
        }
    }

    #[test]
    fn the_main_complete_unit_of_a_service_is_split() {
        let lines = volume_lines(&[
            sv("EC2", "GB-Mo", ("10", "10"), ("1", "1"), 0),
            sv("EC2", "Hrs", ("100", "150"), ("10", "15"), 0),
            // the biggest S3 unit lacks quantities on a row: the next one is used
            sv("S3", "GB-Mo", ("1", "2"), ("900", "990"), 3),
            sv("S3", "Requests", ("1000", "1000"), ("5", "6"), 0),
            sv("VPC", "", ("0", "0"), ("5", "6"), 0),
        ])
        .unwrap();
        let got: Vec<(&str, &str, usize)> =
            lines.iter().map(|l| (l.service.as_str(), l.unit.as_str(), l.units)).collect();
        assert_eq!(got, [("EC2", "Hrs", 2), ("S3", "Requests", 2)], "VPC has no unit to read");
        assert_eq!((lines[0].split.by_volume, lines[0].split.by_rate), (d("5"), d("0")));
        assert_eq!(
            (lines[1].split.by_volume, lines[1].split.by_rate, lines[1].split.rate_pct),
            (d("0"), d("1"), Some(d("20")))
        );
    }
}
