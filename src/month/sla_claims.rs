//! SLA service-credit claims: the base of a claim and the pass-through shares, read from imported usage. One
//! function for the CLI (`billops sla-claims`) and the console (the Disputes pane's claims view).
use std::collections::BTreeMap;

use billops_domain::Period;
use billops_domain::line_item::{ChargeCategory, CostBasis, Dim};
use billops_domain::sla::Share;
use billops_store::{CostQuery, Result, Store};
use rust_decimal::Decimal;

/// Usage charges of `service` in `region` for `cycle` per customer (one-time fees, tax and credits excluded):
/// the affected charges a claim is assessed on, and each customer's share of its pass-through.
pub async fn affected(store: &dyn Store, cycle: Period, service: &str, region: &str) -> Result<Vec<Share>> {
    let q = CostQuery {
        from: cycle,
        to: cycle,
        filters: vec![(Dim::Service, service.to_string()), (Dim::Region, region.to_string())],
        by: vec![Dim::Customer, Dim::ChargeCategory],
        basis: CostBasis::Billed,
    };
    let usage = ChargeCategory::Usage.to_string();
    let mut per: BTreeMap<String, Decimal> = BTreeMap::new();
    for r in store.costs(&q).await? {
        if r.keys.get(1) == Some(&usage) && r.keys.first().is_some_and(|c| !c.is_empty()) {
            *per.entry(r.keys[0].clone()).or_default() += r.cost;
        }
    }
    Ok(per.into_iter().map(|(customer, affected)| Share { customer, affected }).collect())
}

/// The sum of the shares: a claim's affected charges when none are entered.
pub fn base(shares: &[Share]) -> Decimal {
    shares.iter().map(|s| s.affected).sum()
}
