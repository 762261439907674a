//! Shared settings: managers only, replaced in place, every change audited with before and after.
use std::sync::Arc;

use billops_domain::Role;
use billops_store::{AuditFilter, Store, StoreError};

use crate::support::actor;

async fn settings_are_managed_and_audited(s: Arc<dyn Store>) {
    let root = actor("root", 1);
    s.set_user("root", Role::Manager, &root).await.unwrap();
    s.set_user("alice", Role::Manager, &root).await.unwrap();
    s.set_user("bob", Role::Operator, &root).await.unwrap();
    s.set_user("dave", Role::Viewer, &root).await.unwrap();
    assert!(s.settings().await.unwrap().is_empty(), "a new store has none: defaults apply");
    for who in ["bob", "dave", "mallory"] {
        let r = s.set_setting("credit_approval_threshold", "100000", &actor(who, 2)).await;
        assert!(matches!(r, Err(StoreError::Forbidden(_))), "{who}: {r:?}");
    }
    assert!(matches!(s.set_setting(" ", "1", &actor("alice", 2)).await, Err(StoreError::Invalid(_))));
    let first = s.set_setting("due_day", "5", &actor("alice", 3)).await.unwrap();
    assert_eq!((first.key.as_str(), first.value.as_str(), first.set_by.as_str()), ("due_day", "5", "alice"));
    s.set_setting("due_day", " 7 ", &actor("alice", 4)).await.unwrap();
    s.set_setting("business_days", "true", &actor("alice", 4)).await.unwrap();
    let all = s.settings().await.unwrap();
    let pairs: Vec<(&str, &str)> = all.iter().map(|x| (x.key.as_str(), x.value.as_str())).collect();
    assert_eq!(pairs, [("business_days", "true"), ("due_day", "7")], "replaced in place, trimmed, by key");
    assert_eq!(all[1].set_at, actor("alice", 4).at);
    let audit = s.audit(&AuditFilter { action: Some("setting.".into()), ..Default::default() }).await.unwrap();
    assert_eq!(audit.len(), 3, "every change, none of the refused ones");
    let due: Vec<_> = audit.iter().filter(|a| a.entity_id == "due_day").collect();
    assert_eq!(due.len(), 2);
    let before: Vec<Option<&str>> = due.iter().map(|a| a.before.as_deref()).collect();
    assert!(before.contains(&Some("\"5\"")) && before.contains(&Some("null")), "{before:?}");
}
store_test!(settings_are_managed_and_audited => settings_managed_sqlite, settings_managed_postgres);
