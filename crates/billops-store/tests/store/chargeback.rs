//! Chargeback in the store: resource units (definitions, effective-dated rates, audited, refused in a locked
//! period), billing models, and effective-from dates on a month's first day only (price rules and rates).
use std::sync::Arc;

use billops_domain::Role;
use billops_domain::close::CloseConfig;
use billops_domain::rating::{Pricing, RuleScope, VolumeSelector};
use billops_store::{AuditFilter, BillingModel, InvoiceStep, NewResourceUnit, Store, StoreError};

use crate::month_end::{draft_of, may_supplier_invoice, setup};
use crate::support::{actor, d, date, p};

fn vcpu() -> NewResourceUnit {
    NewResourceUnit {
        id: "vcpu-hour".into(),
        name: "vCPU hours".into(),
        unit: "vCPU-hour".into(),
        selector: VolumeSelector {
            service: Some("EC2".into()),
            usage_type: Some("BoxUsage*".into()),
            ..Default::default()
        },
        factor: d("2"),
    }
}

fn invalid_naming<T: std::fmt::Debug>(r: Result<T, StoreError>, needle: &str) {
    match r {
        Err(StoreError::Invalid(m)) => assert!(m.contains(needle), "{m:?} should name {needle}"),
        other => panic!("expected Invalid naming {needle}, got {other:?}"),
    }
}

async fn resource_units_and_rates(s: Arc<dyn Store>) {
    setup(&s, &[("ACME", "A1")]).await;
    let (bob, alice) = (actor("bob", 5), actor("alice", 6));
    s.set_user("vic", Role::Viewer, &actor("root", 1)).await.unwrap();
    assert!(s.list_resource_units().await.unwrap().is_empty());
    assert!(s.resource_unit_set().await.unwrap().is_empty());
    assert!(matches!(s.add_resource_unit(&vcpu(), &actor("vic", 5)).await, Err(StoreError::Forbidden(_))));

    // refused definitions
    invalid_naming(s.add_resource_unit(&NewResourceUnit { id: "two words".into(), ..vcpu() }, &bob).await, "one word");
    let nothing = NewResourceUnit { selector: VolumeSelector::default(), ..vcpu() };
    invalid_naming(s.add_resource_unit(&nothing, &bob).await, "selects nothing");
    invalid_naming(s.add_resource_unit(&NewResourceUnit { factor: d("0"), ..vcpu() }, &bob).await, "positive");
    invalid_naming(s.add_resource_unit(&NewResourceUnit { name: " ".into(), ..vcpu() }, &bob).await, "name");

    let added = s.add_resource_unit(&vcpu(), &bob).await.unwrap();
    assert_eq!((added.id.as_str(), added.factor, added.rates.len()), ("vcpu-hour", d("2"), 0));
    assert!(matches!(s.add_resource_unit(&vcpu(), &bob).await, Err(StoreError::Conflict(_))));
    let gb = NewResourceUnit {
        id: "gb-month".into(),
        name: "Storage".into(),
        unit: "GB-month".into(),
        selector: VolumeSelector { unit: Some("GB-Mo".into()), ..Default::default() },
        factor: d("1"),
    };
    s.add_resource_unit(&gb, &bob).await.unwrap();

    // rates: first of a month only, not negative, unknown unit, viewers refused
    invalid_naming(s.set_resource_unit_rate("vcpu-hour", d("0.05"), date("2026-05-15"), &bob).await, "2026-05-15");
    invalid_naming(s.set_resource_unit_rate("vcpu-hour", d("-1"), date("2026-05-01"), &bob).await, "negative");
    assert!(matches!(
        s.set_resource_unit_rate("nope", d("1"), date("2026-05-01"), &bob).await,
        Err(StoreError::NotFound(_))
    ));
    assert!(matches!(
        s.set_resource_unit_rate("vcpu-hour", d("1"), date("2026-05-01"), &actor("vic", 5)).await,
        Err(StoreError::Forbidden(_))
    ));
    s.set_resource_unit_rate("vcpu-hour", d("0.04"), date("2026-05-01"), &bob).await.unwrap();
    s.set_resource_unit_rate("vcpu-hour", d("0.05"), date("2026-07-01"), &bob).await.unwrap();
    let replaced = s.set_resource_unit_rate("vcpu-hour", d("0.0425"), date("2026-05-01"), &bob).await.unwrap();
    let rates: Vec<_> = replaced.rates.iter().map(|r| (r.from, r.rate)).collect();
    assert_eq!(rates, vec![(date("2026-05-01"), d("0.0425")), (date("2026-07-01"), d("0.05"))], "same date replaced");
    let listed = s.list_resource_units().await.unwrap();
    assert_eq!(listed.iter().map(|u| u.id.as_str()).collect::<Vec<_>>(), vec!["vcpu-hour", "gb-month"], "added order");
    assert_eq!(listed[0], replaced);
    let set = s.resource_unit_set().await.unwrap();
    let unit = &set.units()[0];
    assert_eq!(unit.rates().at(date("2026-06-30")), Some(&d("0.0425")));
    assert_eq!(unit.rates().at(date("2026-07-01")), Some(&d("0.05")));
    assert_eq!(unit.rates().at(date("2026-04-30")), None);
    let audit = s.audit(&AuditFilter { action: Some("ru.".into()), ..Default::default() }).await.unwrap();
    assert_eq!(audit.len(), 5, "two units, three rates");
    assert!(audit.iter().any(|a| a.before.is_some()), "the replaced rate is audited before/after");

    // sign May off: a rate starting in (or before) it is refused, June is open
    let draft = draft_of(&s, "ACME").await;
    let inv = s.save_draft(&draft.0, &draft.1, &bob).await.unwrap().invoice;
    let sup = may_supplier_invoice();
    s.add_supplier_invoice(&sup, &bob).await.unwrap();
    s.step_invoice(inv.id, InvoiceStep::Review, "", None, &bob).await.unwrap();
    s.step_invoice(inv.id, InvoiceStep::Approve, "", None, &alice).await.unwrap();
    s.issue_invoice(inv.id, "INV-", 30, &alice).await.unwrap();
    s.sign_off(p("2026-05"), &CloseConfig::default(), date("2026-06-08"), "", &alice).await.unwrap();
    for from in ["2026-05-01", "2026-04-01"] {
        match s.set_resource_unit_rate("vcpu-hour", d("9"), date(from), &bob).await {
            Err(StoreError::Locked { period, by }) => assert_eq!((period.as_str(), by.as_str()), ("2026-05", "alice")),
            other => panic!("expected Locked, got {other:?}"),
        }
    }
    let june = s.set_resource_unit_rate("vcpu-hour", d("0.045"), date("2026-06-01"), &bob).await.unwrap();
    assert_eq!(june.rates.len(), 3);
}
store_test!(resource_units_and_rates => resource_units_and_rates_sqlite, resource_units_and_rates_postgres);

async fn billing_models_and_month_starts(s: Arc<dyn Store>) {
    setup(&s, &[("ACME", "A1"), ("BETA", "B1")]).await;
    let bob = actor("bob", 5);
    let models = s.billing_models().await.unwrap();
    assert_eq!(
        models.iter().map(|m| (m.customer.as_str(), m.model)).collect::<Vec<_>>(),
        vec![("ACME", BillingModel::Resale), ("BETA", BillingModel::Resale)],
        "resale unless set"
    );
    s.set_billing_model("BETA", BillingModel::Chargeback, &bob).await.unwrap();
    let models = s.billing_models().await.unwrap();
    assert_eq!(models[1].model, BillingModel::Chargeback);
    s.set_billing_model("BETA", BillingModel::Resale, &bob).await.unwrap();
    s.set_billing_model("BETA", BillingModel::Chargeback, &bob).await.unwrap();
    assert!(matches!(s.set_billing_model("NOPE", BillingModel::Resale, &bob).await, Err(StoreError::NotFound(_))));
    s.set_user("vic", Role::Viewer, &actor("root", 1)).await.unwrap();
    assert!(matches!(
        s.set_billing_model("ACME", BillingModel::Chargeback, &actor("vic", 5)).await,
        Err(StoreError::Forbidden(_))
    ));
    let audit =
        s.audit(&AuditFilter { action: Some("customer.billing_model".into()), ..Default::default() }).await.unwrap();
    assert_eq!(audit.len(), 3);
    assert_eq!("chargeback".parse::<BillingModel>(), Ok(BillingModel::Chargeback));
    assert!("retail".parse::<BillingModel>().unwrap_err().contains("resale or chargeback"));

    // price rules start on a month's first day; the message names the date and the days to use
    let rule = |from: &str| {
        let s = s.clone();
        let (from, bob) = (date(from), bob.clone());
        async move { s.add_price_rule("ACME", RuleScope::any(), Pricing::markup(d("5")).unwrap(), from, &bob).await }
    };
    match rule("2026-05-15").await {
        Err(StoreError::Invalid(m)) => {
            assert!(m.contains("2026-05-15") && m.contains("2026-05-01") && m.contains("2026-06-01"), "{m}")
        }
        other => panic!("expected Invalid, got {other:?}"),
    }
    assert!(s.list_price_rules("ACME").await.unwrap().is_empty(), "nothing saved");
    rule("2026-06-01").await.unwrap();
    // rated as of the period's first day: a June rule does not price May
    let may = draft_of(&s, "ACME").await.0;
    assert!(may.charges.iter().all(|l| l.rule_ids.is_empty()));
    assert_eq!(may.totals.charges, d("100.005"));
}
store_test!(
    billing_models_and_month_starts => billing_models_and_month_starts_sqlite,
    billing_models_and_month_starts_postgres
);
