//! Onboarding checklists as data: items added and retired by managers (audited, operators refused), entries
//! with owner, due date and evidence, computed items (accounts assigned, users recorded) never ticked by hand,
//! and the close board's count following the computed state.
use std::sync::Arc;

use billops_domain::Role;
use billops_store::{AuditFilter, OnboardingUpdate, Store, StoreError};

use crate::parties::customer;
use crate::support::{actor, date, import, item, meta};

async fn onboarding_items_are_data_and_computed_ones_are_computed(s: Arc<dyn Store>) {
    let root = actor("root", 1);
    s.set_user("root", Role::Manager, &root).await.unwrap();
    s.set_user("olga", Role::Operator, &root).await.unwrap();
    s.add_customer(&customer("ACME"), &root).await.unwrap();
    let olga = actor("olga", 2);

    let list = s.checklist(false).await.unwrap();
    assert_eq!(list.len(), 8);
    let computed: Vec<&str> = list.iter().filter(|d| d.computed.is_some()).map(|d| d.item.as_str()).collect();
    assert_eq!(computed, ["budgets_and_policies", "users_and_organisations", "account_assigned"]);

    // Managers add and retire items; operators may not.
    assert!(matches!(s.add_checklist_item("sso", "single sign-on set up", &olga).await, Err(StoreError::Forbidden(_))));
    s.add_checklist_item("sso", "single sign-on set up", &root).await.unwrap();
    s.retire_checklist_item("rightsizing_report", &root).await.unwrap();
    let items: Vec<String> = s.onboarding_status("ACME").await.unwrap().into_iter().map(|e| e.item).collect();
    assert!(items.contains(&"sso".to_string()) && !items.contains(&"rightsizing_report".to_string()), "{items:?}");
    assert_eq!(s.checklist(true).await.unwrap().len(), 9, "retired items are kept");
    assert!(matches!(s.tick_onboarding("ACME", "rightsizing_report", true, &olga).await, Err(StoreError::Invalid(_))));

    // Owner, due date, evidence; a tick with who and when.
    let u = OnboardingUpdate {
        owner: Some("olga".into()),
        due: Some(Some(date("2026-06-30"))),
        evidence: Some("ticket OPS-12".into()),
        done: Some(true),
    };
    s.update_onboarding("ACME", "security_report", &u, &olga).await.unwrap();
    let e = s.onboarding_status("ACME").await.unwrap().into_iter().find(|e| e.item == "security_report").unwrap();
    assert_eq!((e.done, e.owner.as_deref(), e.due), (true, Some("olga"), Some(date("2026-06-30"))));
    assert_eq!((e.evidence.as_deref(), e.by.as_deref()), (Some("ticket OPS-12"), Some("olga")));

    // Computed items: never ticked by hand, done when the data says so.
    let tick = OnboardingUpdate { done: Some(true), ..Default::default() };
    let e = s.update_onboarding("ACME", "account_assigned", &tick, &olga).await.unwrap_err();
    assert!(matches!(e, StoreError::Invalid(ref m) if m.contains("computed")), "{e}");
    let owner = OnboardingUpdate { owner: Some("max".into()), ..Default::default() };
    s.update_onboarding("ACME", "account_assigned", &owner, &olga).await.unwrap();
    let state = |item: &'static str| {
        let s = s.clone();
        async move { s.onboarding_status("ACME").await.unwrap().into_iter().find(|e| e.item == item).unwrap() }
    };
    let a = state("account_assigned").await;
    assert!(!a.done && a.note.contains("no account assigned"), "{a:?}");
    import(&s, &meta("may.csv", "r1", "root"), "h-onb", vec![item("2026-05", "P1", "A1", "2026-05-03", "EC2", "10")])
        .await;
    s.assign_account("A1", "ACME", date("2026-05-01"), &root).await.unwrap();
    let a = state("account_assigned").await;
    assert!(a.done && a.owner.as_deref() == Some("max"), "{a:?}");

    let u = state("users_and_organisations").await;
    assert!(!u.done, "{u:?}");
    s.add_contact("ACME", "user", "jane@acme.example", "admin", &olga).await.unwrap();
    assert!(!state("users_and_organisations").await.done, "an organisation too");
    s.add_contact("ACME", "org", "ACME Cloud Team", "", &olga).await.unwrap();
    assert!(state("users_and_organisations").await.done);
    assert_eq!(s.contacts("ACME").await.unwrap().len(), 2);
    assert!(matches!(s.add_contact("ACME", "robot", "x", "", &olga).await, Err(StoreError::Invalid(_))));

    let trail = s.audit(&AuditFilter::default()).await.unwrap();
    for a in
        ["onboarding.item_add", "onboarding.item_retire", "onboarding.tick", "onboarding.update", "customer.contact"]
    {
        assert!(trail.iter().any(|e| e.action == a), "{a} audited");
    }
}
store_test!(onboarding_items_are_data_and_computed_ones_are_computed => onboarding_sqlite, onboarding_postgres);
