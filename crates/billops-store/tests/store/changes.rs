//! The change mark a console polls to see another console's writes: it moves with every write (on any
//! connection), never with a read.
use std::sync::Arc;

use billops_store::Store;

use crate::parties::customer;
use crate::support::actor;

async fn the_change_mark_moves_with_every_write_and_no_read(s: Arc<dyn Store>) {
    let m0 = s.change_mark().await.unwrap();
    assert_eq!(s.change_mark().await.unwrap(), m0, "asking twice changes nothing");
    s.add_customer(&customer("ACME"), &actor("alice", 1)).await.unwrap();
    let m1 = s.change_mark().await.unwrap();
    assert!(m1 > m0, "a write moves it: {m0} → {m1}");
    s.list_customers().await.unwrap();
    s.audit(&billops_store::AuditFilter::default()).await.unwrap();
    assert_eq!(s.change_mark().await.unwrap(), m1, "reads do not");
    // A refused write leaves it where it was (nothing was written).
    assert!(s.add_customer(&customer("ACME"), &actor("alice", 1)).await.is_err());
    assert_eq!(s.change_mark().await.unwrap(), m1);
    s.add_customer(&customer("BETA"), &actor("alice", 2)).await.unwrap();
    assert!(s.change_mark().await.unwrap() > m1);
}
store_test!(the_change_mark_moves_with_every_write_and_no_read => change_mark_sqlite, change_mark_postgres);

async fn changes_since_a_mark_name_the_kinds_of_record_written(s: Arc<dyn Store>) {
    let m0 = s.change_mark().await.unwrap();
    let none = s.changes_since(m0).await.unwrap();
    assert_eq!(none, billops_store::Changes { mark: m0, entities: vec![] }, "nothing written since");
    s.add_customer(&customer("ACME"), &actor("alice", 1)).await.unwrap();
    s.add_customer(&customer("BETA"), &actor("alice", 2)).await.unwrap();
    s.set_user("bob", billops_domain::Role::Operator, &actor("alice", 3)).await.unwrap();
    let c = s.changes_since(m0).await.unwrap();
    assert_eq!(c.entities, vec!["customer".to_string(), "user".to_string()], "each kind once, sorted");
    assert_eq!(c.mark, s.change_mark().await.unwrap(), "the new mark is the newest entry");
    assert_eq!(s.changes_since(c.mark).await.unwrap().entities, Vec::<String>::new());
}
store_test!(changes_since_a_mark_name_the_kinds_of_record_written => changes_since_sqlite, changes_since_postgres);

/// PostgreSQL pushes each commit to listeners (migration 0017); SQLite has no channel and says so with `None`.
async fn a_listener_hears_each_commit_and_not_a_rolled_back_write(s: Arc<dyn Store>) {
    let Some(mut l) = s.listen().await.unwrap() else {
        assert_eq!(s.backend(), billops_store::Backend::Sqlite, "only SQLite has no change channel");
        return;
    };
    assert_eq!(s.backend(), billops_store::Backend::Postgres);
    s.add_customer(&customer("ACME"), &actor("alice", 1)).await.unwrap();
    assert_eq!(heard(&mut l).await, billops_store::Heard::Changed("customer".into()));
    // A refused write commits nothing and says nothing: the next thing heard is the next real write.
    assert!(s.add_customer(&customer("ACME"), &actor("alice", 2)).await.is_err());
    s.set_user("bob", billops_domain::Role::Operator, &actor("alice", 3)).await.unwrap();
    assert_eq!(heard(&mut l).await, billops_store::Heard::Changed("user".into()));
}
store_test!(a_listener_hears_each_commit_and_not_a_rolled_back_write => listener_sqlite, listener_postgres);

async fn heard(l: &mut billops_store::ChangeListener) -> billops_store::Heard {
    tokio::time::timeout(std::time::Duration::from_secs(10), l.next()).await.expect("heard in time").unwrap()
}
