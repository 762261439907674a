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
