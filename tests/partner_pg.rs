//! On PostgreSQL, Azure partner suggestions through real logins (migration 0019): an operator's login imports
//! the CSP export, records a customer's tenant id and takes suggestions as link proposals; changing a recorded
//! tenant id is a manager's even with the operator's own SQL (the database refuses it); a manager's login takes
//! the rest as assignments.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod pg_common;

use pg_common::{PgStore, billops, sql, text};

#[test]
fn partner_suggestions_under_postgres_logins() {
    let Some(pg) = PgStore::new("partner_pg") else { return };
    let dir = tempfile::tempdir().unwrap();
    let (op, mgr) = pg.operator_and_manager(dir.path());
    let file = format!("{}/fixtures/azure/csp-partners.csv", env!("CARGO_MANIFEST_DIR"));
    for args in [
        &["customers", "add", "contoso", "Contoso Retail", "--currency", "EUR"][..],
        &["customers", "tenant", "contoso", "3f2a6c1e-0000-4000-8000-00000000c0de"],
        &["import", "--view", "actual", &file],
    ] {
        let o = billops(dir.path(), &op, args);
        assert!(o.status.success(), "{args:?}: {}", text(&o));
    }
    // around the CLI, the operator's own SQL may not change a recorded tenant id
    let e = sql(&op, "UPDATE customers SET azure_tenant_id = 'elsewhere' WHERE code = 'contoso'").unwrap_err();
    assert!(e.contains("not allowed"), "{e}");

    let sub = |n: u32| format!("d0000000-0000-4000-8000-00000000000{n}");
    let o = billops(dir.path(), &op, &["accounts", "suggest", "--apply", "--period", "2025-06", "--only", &sub(1)]);
    assert!(text(&o).contains("1 link proposal recorded"), "{}", text(&o));
    assert_eq!(pg.query_i64("SELECT count(*) FROM account_assignments"), 0);
    let o = billops(dir.path(), &mgr, &["accounts", "suggest", "--apply", "--period", "2025-06"]);
    assert!(text(&o).contains("3 accounts assigned from 2025-06-01"), "{}", text(&o));
    assert_eq!(pg.query_i64("SELECT count(*) FROM account_assignments"), 3);
    assert_eq!(pg.query_i64("SELECT count(*) FROM customers WHERE code = 'fabrikam-health'"), 1);
    assert_eq!(sql(&mgr, "UPDATE customers SET azure_tenant_id = NULL WHERE code = 'contoso'"), Ok(1));
}
