//! On PostgreSQL the database itself enforces linking with oversight and the computed onboarding items
//! (migration 0011's triggers): an operator's login cannot write an account assignment even with its own SQL,
//! nobody decides their own link proposal, only managers change the shared checklist, and computed items are
//! never ticked. Through the CLI the operator's assignment becomes a proposal.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod pg_common;

use pg_common::{PgStore, billops, sql, text};

const FOCUS: &str = "BillingAccountId,BillingAccountName,SubAccountId,SubAccountName,BillingPeriodStart,BillingPeriodEnd,ChargePeriodStart,ChargePeriodEnd,ChargeCategory,ServiceName,RegionId,SkuId,ResourceId,ConsumedQuantity,ConsumedUnit,BilledCost,EffectiveCost,ListCost,BillingCurrency,InvoiceId,Tags
100000000001,Payer One,A1,acct A1,2026-05-01T00:00:00Z,2026-06-01T00:00:00Z,2026-05-03T00:00:00Z,2026-05-04T00:00:00Z,Usage,EC2,us-east-1,SKU1,res-1,1,Hrs,12.5,12.5,12.5,USD,INV-1,
";

#[test]
fn the_database_enforces_linking_and_computed_items() {
    let Some(pg) = PgStore::new("linking_pg") else { return };
    let dir = tempfile::tempdir().unwrap();
    let (op, mgr) = pg.operator_and_manager(dir.path());
    let file = dir.path().join("may.csv");
    std::fs::write(&file, FOCUS).unwrap();
    for args in [&["import", file.to_str().unwrap()][..], &["customers", "add", "acme", "Acme"]] {
        let o = billops(dir.path(), &op, args);
        assert!(o.status.success(), "{}", text(&o));
    }

    // The operator's assign through the CLI: a proposal.
    let o = billops(dir.path(), &op, &["accounts", "assign", "A1", "acme", "--from", "2026-05-01"]);
    assert!(o.status.success() && text(&o).contains("proposal 1 recorded"), "{}", text(&o));
    // Around the CLI, with the operator's own SQL: refused by the database.
    let cid = pg.query_i64("SELECT id FROM customers WHERE code = 'acme'");
    let insert = format!(
        "INSERT INTO account_assignments (account, customer_id, valid_from, created_by, created_at) \
         VALUES ('A1', {cid}, '2026-05-01', 'x', now())"
    );
    let e = sql(&op, &insert).unwrap_err();
    assert!(e.contains("not allowed"), "{e}");
    assert_eq!(pg.query_i64("SELECT count(*) FROM account_assignments"), 0);

    // The manager's own proposal: not theirs to decide, even in SQL.
    let o = billops(dir.path(), &mgr, &["accounts", "propose", "A1", "acme", "--from", "2026-05-01"]);
    assert!(o.status.success(), "{}", text(&o));
    let e =
        sql(&mgr, "UPDATE link_proposals SET status = 'approved', decided_by = proposed_by WHERE id = 2").unwrap_err();
    assert!(e.contains("cannot also decide"), "{e}");
    // The operator's proposal, approved by the manager: the account moves.
    let o = billops(dir.path(), &mgr, &["accounts", "approve", "1", "--reason", "ok"]);
    assert!(o.status.success(), "{}", text(&o));
    assert_eq!(pg.query_i64("SELECT count(*) FROM account_assignments"), 1);

    // The shared checklist is the managers'; computed items are never ticked.
    let e = sql(&op, "UPDATE onboarding_checklist SET retired = TRUE WHERE item = 'security_report'").unwrap_err();
    assert!(e.contains("not allowed"), "{e}");
    let tick =
        format!("INSERT INTO onboarding_items (customer_id, item, done) VALUES ({cid}, 'account_assigned', TRUE)");
    let e = sql(&mgr, &tick).unwrap_err();
    assert!(e.contains("never ticked by hand"), "{e}");
    assert_eq!(
        sql(&mgr, "UPDATE onboarding_checklist SET label = 'security report' WHERE item = 'security_report'"),
        Ok(1)
    );
}
