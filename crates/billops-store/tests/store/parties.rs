//! Migrations, users and roles, customers, onboarding, account codes, audit filtering.
use std::sync::Arc;

use billops_domain::Role;
use billops_domain::close::CloseConfig;
use billops_store::{
    AuditFilter, Backend, NewAccountCode, NewCustomer, ONBOARDING_ITEMS, Store, StoreError, migration_names,
};

use crate::support::{actor, date, p, quiet_month};

#[test]
fn migrations_are_in_lockstep() {
    let s = migration_names(Backend::Sqlite);
    let pg = migration_names(Backend::Postgres);
    assert!(!s.is_empty());
    assert_eq!(s, pg, "SQLite and PostgreSQL migrations must have the same versions and names");
    assert_eq!(s[0], (1, "init".to_string()));
}

pub fn customer(code: &str) -> NewCustomer {
    NewCustomer { code: code.to_string(), name: format!("{code} Ltd"), currency: "USD".to_string() }
}

async fn users_and_roles(s: Arc<dyn Store>) {
    assert_eq!(s.user_role("alice").await.unwrap(), None, "unknown users have no stored role");
    // while the store has no users whoever acts is a manager: root records itself first
    s.set_user("root", Role::Manager, &actor("root", 1)).await.unwrap();
    s.set_user("alice", Role::Operator, &actor("root", 1)).await.unwrap();
    s.set_user("bob", Role::Manager, &actor("root", 1)).await.unwrap();
    s.set_user("alice", Role::Manager, &actor("root", 2)).await.unwrap();
    assert_eq!(s.user_role("alice").await.unwrap(), Some(Role::Manager));
    let users = s.list_users().await.unwrap();
    let names: Vec<(&str, Role)> = users.iter().map(|u| (u.name.as_str(), u.role)).collect();
    assert_eq!(names, vec![("alice", Role::Manager), ("bob", Role::Manager), ("root", Role::Manager)]);
    assert!(matches!(s.set_user(" ", Role::Viewer, &actor("root", 1)).await, Err(StoreError::Invalid(_))));
    // roles are the managers': an unknown name (a viewer) and an operator are refused, nothing written
    s.set_user("olga", Role::Operator, &actor("root", 2)).await.unwrap();
    for who in ["mallory", "olga"] {
        let e = s.set_user(who, Role::Manager, &actor(who, 2)).await.unwrap_err();
        assert!(matches!(e, StoreError::Forbidden(_)), "{who}: {e:?}");
    }
    assert_eq!(s.user_role("mallory").await.unwrap(), None);
    assert_eq!(s.user_role("olga").await.unwrap(), Some(Role::Operator));
    let audit = s.audit(&AuditFilter { action: Some("user.".into()), ..Default::default() }).await.unwrap();
    assert_eq!(audit.len(), 5);
    assert_eq!(audit[1].entity_id, "alice", "newest first");
    assert_eq!(audit[1].before.as_deref(), Some("\"operator\""));
    assert_eq!(audit[1].after.as_deref(), Some("\"manager\""));
    assert_eq!(audit[1].at, actor("root", 2).at, "the caller's clock");
}
store_test!(users_and_roles => users_and_roles_sqlite, users_and_roles_postgres);

async fn customers(s: Arc<dyn Store>) {
    let by = actor("alice", 3);
    let c = s.add_customer(&customer("ACME"), &by).await.unwrap();
    assert_eq!((c.code.as_str(), c.currency.as_str(), c.status.as_str()), ("ACME", "USD", "active"));
    assert_eq!(c.account_count, 0);
    s.add_customer(&customer("BETA"), &by).await.unwrap();
    assert!(matches!(s.add_customer(&customer("ACME"), &by).await, Err(StoreError::Conflict(_))));
    let bad = NewCustomer { currency: "usd".into(), ..customer("GAMMA") };
    assert!(matches!(s.add_customer(&bad, &by).await, Err(StoreError::Invalid(_))));
    assert!(matches!(s.customer("NOPE").await, Err(StoreError::NotFound(_))));
    let all = s.list_customers().await.unwrap();
    assert_eq!(all.iter().map(|c| c.code.as_str()).collect::<Vec<_>>(), vec!["ACME", "BETA"]);
    assert_eq!(s.customer("BETA").await.unwrap().name, "BETA Ltd");

    // onboarding checklist: every item listed in order, ticks remembered with who and when
    let items = s.onboarding("ACME").await.unwrap();
    assert_eq!(items.len(), ONBOARDING_ITEMS.len());
    assert!(items.iter().all(|i| !i.done && i.by.is_none()));
    s.tick_onboarding("ACME", "security_report", true, &actor("bob", 4)).await.unwrap();
    let items = s.onboarding("ACME").await.unwrap();
    let sec = items.iter().find(|i| i.item == "security_report").unwrap();
    assert!(sec.done);
    assert_eq!(sec.by.as_deref(), Some("bob"));
    assert_eq!(sec.at, Some(actor("bob", 4).at));
    assert_eq!(items.iter().map(|i| i.item.as_str()).collect::<Vec<_>>(), ONBOARDING_ITEMS.to_vec());
    s.tick_onboarding("ACME", "security_report", false, &actor("bob", 5)).await.unwrap();
    assert!(!s.onboarding("ACME").await.unwrap().iter().any(|i| i.done));
    assert!(matches!(s.tick_onboarding("ACME", "nope", true, &by).await, Err(StoreError::Invalid(_))));
    assert!(matches!(s.tick_onboarding("NOPE", "security_report", true, &by).await, Err(StoreError::NotFound(_))));

    // account codes, effective-dated; a customer's code shows on the customer
    let code = |scope: &str, code: &str, from: &str| NewAccountCode {
        scope: scope.into(),
        code: code.into(),
        from: date(from),
    };
    s.set_account_code(&code("customer:ACME", "GL-100", "2026-01-01"), &by).await.unwrap();
    s.set_account_code(&code("customer:ACME", "GL-200", "2026-04-01"), &by).await.unwrap();
    s.set_account_code(&code("product:web", "CC-7", "2026-01-01"), &by).await.unwrap();
    assert!(matches!(s.set_account_code(&code("thing:x", "C", "2026-01-01"), &by).await, Err(StoreError::Invalid(_))));
    let mid = s.set_account_code(&code("customer:ACME", "GL-150", "2026-02-15"), &by).await;
    assert!(matches!(&mid, Err(StoreError::Invalid(m)) if m.contains("use 2026-02-01 or 2026-03-01")), "{mid:?}");
    assert!(matches!(
        s.set_account_code(&code("customer:NOPE", "C", "2026-01-01"), &by).await,
        Err(StoreError::NotFound(_))
    ));
    let codes = s.list_account_codes().await.unwrap();
    let v: Vec<_> = codes.iter().map(|c| (c.scope.as_str(), c.code.as_str(), c.from, c.to)).collect();
    assert_eq!(
        v,
        vec![
            ("customer:ACME", "GL-100", date("2026-01-01"), Some(date("2026-04-01"))),
            ("customer:ACME", "GL-200", date("2026-04-01"), None),
            ("product:web", "CC-7", date("2026-01-01"), None),
        ]
    );
    assert_eq!(s.customer("ACME").await.unwrap().account_code.as_deref(), Some("GL-200"));
    // a code from an earlier date replaces the ones starting later
    s.set_account_code(&code("customer:ACME", "GL-300", "2026-03-01"), &by).await.unwrap();
    let codes = s.list_account_codes().await.unwrap();
    let acme: Vec<_> = codes.iter().filter(|c| c.scope == "customer:ACME").map(|c| (c.code.as_str(), c.to)).collect();
    assert_eq!(acme, vec![("GL-100", Some(date("2026-03-01"))), ("GL-300", None)]);
    // once users exist, a viewer (or anyone unknown) may not change codes
    s.set_user("vic", Role::Viewer, &by).await.unwrap();
    let r = s.set_account_code(&code("customer:ACME", "GL-999", "2026-06-01"), &actor("vic", 9)).await;
    assert!(matches!(r, Err(StoreError::Forbidden(_))), "{r:?}");
}
store_test!(customers => customers_sqlite, customers_postgres);

/// A batch of account codes is one transaction: a refusal of its last row (unknown customer, not a month's
/// first day, a locked period) leaves none of the earlier rows written.
async fn account_codes_batch(s: Arc<dyn Store>) {
    let by = actor("alice", 3);
    s.add_customer(&customer("ACME"), &by).await.unwrap();
    let code = |scope: &str, code: &str, from: &str| NewAccountCode {
        scope: scope.into(),
        code: code.into(),
        from: date(from),
    };
    let good = [code("customer:ACME", "GL-1", "2026-04-01"), code("product:web", "CC-1", "2026-04-01")];
    let nothing_written = |what: &'static str| {
        let s = s.clone();
        async move {
            assert!(s.list_account_codes().await.unwrap().is_empty(), "{what}: nothing written");
            assert_eq!(s.customer("ACME").await.unwrap().account_code, None, "{what}");
            let f = AuditFilter { action: Some("account_code".into()), ..Default::default() };
            assert!(s.audit(&f).await.unwrap().is_empty(), "{what}: nothing audited");
        }
    };
    let bad_last = |c: NewAccountCode| good.iter().cloned().chain([c]).collect::<Vec<_>>();

    let r = s.set_account_codes(&bad_last(code("customer:NOPE", "X", "2026-04-01")), &by).await;
    assert!(matches!(r, Err(StoreError::NotFound(_))), "{r:?}");
    nothing_written("unknown customer last").await;
    let r = s.set_account_codes(&bad_last(code("account:123", "X", "2026-04-15")), &by).await;
    assert!(matches!(&r, Err(StoreError::Invalid(m)) if m.contains("first day of a month")), "{r:?}");
    nothing_written("mid-month last").await;
    let r = s.set_account_codes(&bad_last(code("thing:x", "X", "2026-04-01")), &by).await;
    assert!(matches!(r, Err(StoreError::Invalid(_))), "{r:?}");
    nothing_written("bad scope last").await;
    quiet_month(&s, "2026-03", "P1", &by).await;
    s.sign_off(p("2026-03"), &CloseConfig::default(), date("2026-04-08"), "quiet", &by).await.unwrap();
    let r = s.set_account_codes(&bad_last(code("account:123", "X", "2026-03-01")), &by).await;
    assert!(matches!(&r, Err(StoreError::Locked { period, .. }) if period == "2026-03"), "{r:?}");
    nothing_written("locked last").await;

    // all good: all written, in order (a later row of the same scope replaces from its day)
    let mut all = good.to_vec();
    all.push(code("customer:ACME", "GL-2", "2026-05-01"));
    s.set_account_codes(&all, &by).await.unwrap();
    let codes = s.list_account_codes().await.unwrap();
    let v: Vec<_> = codes.iter().map(|c| (c.scope.as_str(), c.code.as_str(), c.from, c.to)).collect();
    assert_eq!(
        v,
        vec![
            ("customer:ACME", "GL-1", date("2026-04-01"), Some(date("2026-05-01"))),
            ("customer:ACME", "GL-2", date("2026-05-01"), None),
            ("product:web", "CC-1", date("2026-04-01"), None),
        ]
    );
    assert_eq!(s.customer("ACME").await.unwrap().account_code.as_deref(), Some("GL-2"));
    let f = AuditFilter { action: Some("account_code".into()), ..Default::default() };
    assert_eq!(s.audit(&f).await.unwrap().len(), 3);
    s.set_account_codes(&[], &by).await.unwrap();
    s.set_user("vic", Role::Viewer, &by).await.unwrap();
    let r = s.set_account_codes(&[code("product:db", "CC-2", "2026-06-01")], &actor("vic", 9)).await;
    assert!(matches!(r, Err(StoreError::Forbidden(_))), "{r:?}");
}
store_test!(account_codes_batch => account_codes_batch_sqlite, account_codes_batch_postgres);

async fn audit_filter(s: Arc<dyn Store>) {
    s.add_customer(&customer("ACME"), &actor("alice", 3)).await.unwrap();
    s.add_customer(&customer("BETA"), &actor("bob", 4)).await.unwrap();
    s.tick_onboarding("ACME", "rightsizing_report", true, &actor("bob", 5)).await.unwrap();
    s.set_user("carol", Role::Viewer, &actor("alice", 6)).await.unwrap();

    let all = s.audit(&AuditFilter::default()).await.unwrap();
    assert_eq!(all.len(), 4);
    assert!(all.windows(2).all(|w| w[0].id > w[1].id), "newest first");
    let bob = s.audit(&AuditFilter { who: Some("bob".into()), ..Default::default() }).await.unwrap();
    assert_eq!(bob.iter().map(|e| e.action.as_str()).collect::<Vec<_>>(), vec!["onboarding.tick", "customer.add"]);
    let adds = s.audit(&AuditFilter { action: Some("customer".into()), ..Default::default() }).await.unwrap();
    assert_eq!(adds.len(), 2);
    assert!(adds.iter().all(|e| e.entity == "customer" && e.after.as_deref().is_some_and(|a| a.contains("\"code\""))));
    let none = s.audit(&AuditFilter { action: Some("%".into()), ..Default::default() }).await.unwrap();
    assert!(none.is_empty(), "the action filter is a literal substring");
    let one = s.audit(&AuditFilter { limit: Some(1), ..Default::default() }).await.unwrap();
    assert_eq!(one.len(), 1);
    assert_eq!(one[0].who, "alice");
    let by_period = s.audit(&AuditFilter { period: Some(p("2026-05")), ..Default::default() }).await.unwrap();
    assert!(by_period.is_empty());
}
store_test!(audit_filter => audit_filter_sqlite, audit_filter_postgres);

#[tokio::test]
async fn urls_open_their_backend() {
    let mem = billops_store::open("sqlite::memory:").await.unwrap();
    assert_eq!(mem.backend(), Backend::Sqlite);
    mem.add_customer(&customer("ACME"), &actor("alice", 1)).await.unwrap();
    assert_eq!(mem.list_customers().await.unwrap().len(), 1, "one in-memory database for the whole pool");

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a").join("b").join("billops.db");
    let url = format!("sqlite://{}", path.display());
    let s = billops_store::open(&url).await.unwrap();
    s.add_customer(&customer("ACME"), &actor("alice", 1)).await.unwrap();
    assert_eq!(s.display_url(), url);
    drop(s);
    let again = billops_store::open(&format!("sqlite:{}", path.display())).await.unwrap();
    assert_eq!(again.customer("ACME").await.unwrap().code, "ACME", "reopened with migrations already applied");

    assert!(matches!(billops_store::open("mysql://x/y").await, Err(StoreError::Invalid(_))));
    assert_eq!(billops_store::mask_url("postgres://u:secret@h:5432/db"), "postgres://u:***@h:5432/db");
}
