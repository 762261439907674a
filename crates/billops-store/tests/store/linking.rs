//! Linking with oversight: an operator cannot assign directly (a proposal instead), a manager can (audited);
//! an approval that a later assignment overtook is refused as stale and changes nothing; the proposer
//! never decides their own; a proposal dated in a locked period is refused at once; names are set (one by
//! one or from a list, all or none) and audited.
use std::sync::Arc;

use billops_domain::Role;
use billops_store::{AccountFilter, AuditFilter, NameRow, NameTarget, Store, StoreError};

use crate::parties::customer;
use crate::support::{actor, date, import, item, meta};

async fn setup(s: &Arc<dyn Store>) {
    let root = actor("root", 1);
    s.set_user("root", Role::Manager, &root).await.unwrap();
    s.set_user("olga", Role::Operator, &root).await.unwrap();
    s.set_user("max", Role::Manager, &root).await.unwrap();
    s.set_user("mia", Role::Manager, &root).await.unwrap();
    s.set_user("dave", Role::Viewer, &root).await.unwrap();
    s.add_customer(&customer("ACME"), &root).await.unwrap();
    s.add_customer(&customer("BETA"), &root).await.unwrap();
    let items = vec![
        item("2026-05", "P1", "A1", "2026-05-03", "EC2", "10"),
        item("2026-05", "P1", "A2", "2026-05-03", "S3", "1"),
    ];
    import(s, &meta("may.csv", "r1", "root"), "h-link", items).await;
}

fn customer_of(accts: &[billops_store::LinkedAccount], id: &str) -> Option<String> {
    accts.iter().find(|a| a.id == id).and_then(|a| a.customer.clone())
}

async fn operators_propose_and_stale_approvals_are_refused(s: Arc<dyn Store>) {
    setup(&s).await;
    let olga = actor("olga", 2);
    // An operator assigning directly is refused (the CLI and console turn it into a proposal).
    let e = s.assign_account("A1", "BETA", date("2026-05-01"), &olga).await.unwrap_err();
    assert!(matches!(e, StoreError::Forbidden(ref m) if m.contains("propose")), "{e}");
    assert!(customer_of(&s.list_accounts(&AccountFilter::default()).await.unwrap(), "A1").is_none());

    // Olga proposes A1 → ACME; then a manager assigns A1 to BETA directly; the older proposal is stale.
    let prop = s.propose_assignment("A1", "ACME", date("2026-05-01"), &olga).await.unwrap();
    assert_eq!((prop.payer.as_str(), prop.status.as_str()), ("P1", "proposed"));
    let e = s.decide_link(prop.id, true, "ok", &olga).await.unwrap_err();
    assert!(matches!(e, StoreError::Forbidden(_)), "an operator cannot decide: {e}");
    s.assign_account("A1", "BETA", date("2026-05-01"), &actor("max", 3)).await.unwrap();
    let e = s.decide_link(prop.id, true, "ok", &actor("mia", 4)).await.unwrap_err();
    assert!(matches!(e, StoreError::Conflict(ref m) if m.contains("stale") && m.contains("BETA")), "{e}");
    let accts = s.list_accounts(&AccountFilter::default()).await.unwrap();
    assert_eq!(customer_of(&accts, "A1").as_deref(), Some("BETA"), "the stale approval moved nothing");
    assert_eq!(s.list_link_proposals(true).await.unwrap().len(), 1, "still open: reject it");
    s.decide_link(prop.id, false, "overtaken by max's assignment", &actor("mia", 4)).await.unwrap();

    // A fresh proposal is approved by another manager; its own proposer cannot.
    let mine = s.propose_assignment("A2", "ACME", date("2026-05-01"), &actor("max", 5)).await.unwrap();
    let e = s.decide_link(mine.id, true, "ok", &actor("max", 5)).await.unwrap_err();
    assert!(matches!(e, StoreError::Forbidden(_)), "{e}");
    s.decide_link(mine.id, true, "ok", &actor("mia", 6)).await.unwrap();
    let accts = s.list_accounts(&AccountFilter::default()).await.unwrap();
    assert_eq!(customer_of(&accts, "A2").as_deref(), Some("ACME"));

    // Viewers propose nothing; unknown accounts are named.
    assert!(matches!(
        s.propose_assignment("A1", "ACME", date("2026-05-01"), &actor("dave", 6)).await,
        Err(StoreError::Forbidden(_))
    ));
    assert!(matches!(
        s.propose_assignment("ZZ", "ACME", date("2026-05-01"), &olga).await,
        Err(StoreError::NotFound(_))
    ));
    let trail = s.audit(&AuditFilter::default()).await.unwrap();
    let assigns = trail.iter().filter(|e| e.action == "account.assign").count();
    assert_eq!(assigns, 2, "max's direct assignment and mia's approval, both audited");
}
store_test!(operators_propose_and_stale_approvals_are_refused => linking_sqlite, linking_postgres);

async fn names_are_set_and_audited(s: Arc<dyn Store>) {
    setup(&s).await;
    let olga = actor("olga", 2);
    s.set_account_name(NameTarget::Account, "A1", "Storefront prod", &olga).await.unwrap();
    s.set_account_name(NameTarget::Payer, "P1", "ACME payer", &olga).await.unwrap();
    let accts = s.list_accounts(&AccountFilter::default()).await.unwrap();
    assert_eq!(accts.iter().find(|a| a.id == "A1").unwrap().name, "Storefront prod");
    assert_eq!(s.list_payers().await.unwrap().iter().find(|p| p.id == "P1").unwrap().name, "ACME payer");
    let e = s.set_account_name(NameTarget::Account, "A1", "bad\u{1b}[2J", &olga).await.unwrap_err();
    assert!(matches!(e, StoreError::Invalid(_)), "{e}");
    assert!(matches!(
        s.set_account_name(NameTarget::Account, "A1", "x", &actor("dave", 3)).await,
        Err(StoreError::Forbidden(_))
    ));

    // A list with an unknown account on line 3: nothing changes.
    let row =
        |line, id: &str, name: &str| NameRow { line, target: NameTarget::Account, id: id.into(), name: name.into() };
    let before = s.list_accounts(&AccountFilter::default()).await.unwrap();
    let e = s.import_account_names(&[row(2, "A2", "Data lake"), row(3, "NOPE", "x")], &olga).await.unwrap_err();
    assert!(matches!(e, StoreError::Invalid(ref m) if m.contains("line 3")), "{e}");
    assert_eq!(s.list_accounts(&AccountFilter::default()).await.unwrap(), before, "nothing half-written");
    let n = s.import_account_names(&[row(2, "A2", "Data lake"), row(3, "A1", "Storefront prod")], &olga).await.unwrap();
    assert_eq!(n, 1, "only the changed name counts");
    let trail = s.audit(&AuditFilter::default()).await.unwrap();
    assert_eq!(trail.iter().filter(|e| e.action == "account.name").count(), 3);
}
store_test!(names_are_set_and_audited => names_sqlite, names_postgres);
