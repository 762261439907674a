//! `--chargeback` for the month bench: resource units and chargeback customers set up on a fresh copy.
use billops_domain::rating::VolumeSelector;
use billops_store::{Actor, BillingModel, NewResourceUnit};

/// The chargeback set-up of `--chargeback`: three resource units (vCPU-hours of EC2 boxes and Fargate, GB-months
/// of storage) with August rates, and every other customer (even numbers) billed by chargeback.
pub async fn setup(url: &str, customers: usize, by: &Actor) {
    let store = billops_store::open(url).await.unwrap();
    let units = [
        (
            "vcpu-hour",
            "vCPU-hour",
            VolumeSelector { usage_type: Some("BoxUsage:*".into()), ..Default::default() },
            "4",
            "0.021",
        ),
        (
            "fargate-vcpu",
            "vCPU-hour",
            VolumeSelector { usage_type: Some("Fargate-vCPU-Hours:*".into()), ..Default::default() },
            "1",
            "0.04",
        ),
        ("gb-month", "GB-month", VolumeSelector { unit: Some("GB-Mo".into()), ..Default::default() }, "1", "0.02"),
    ];
    for (id, unit, selector, factor, rate) in units {
        let ru = NewResourceUnit {
            id: id.into(),
            name: id.into(),
            unit: unit.into(),
            selector,
            factor: factor.parse().unwrap(),
        };
        store.add_resource_unit(&ru, by).await.unwrap();
        let from = chrono::NaiveDate::from_ymd_opt(2026, 8, 1).unwrap();
        store.set_resource_unit_rate(id, rate.parse().unwrap(), from, by).await.unwrap();
    }
    for c in (0..customers).step_by(2) {
        store.set_billing_model(&format!("cust{c:05}"), BillingModel::Chargeback, by).await.unwrap();
    }
    store.close().await;
}
