//! Accounts: effective-dated assignment (mid-month split), unassigned accounts, the linking workflow.
use std::collections::HashMap;
use std::sync::Arc;

use billops_domain::{CostBasis, Dim, IssueKind, Role, Severity};
use billops_store::{
    AccountFilter, AuditFilter, CostQuery, IssueFilter, NewLinkProposal, Store, StoreError, UNASSIGNED,
};
use rust_decimal::Decimal;

use crate::parties::customer;
use crate::support::{actor, d, date, import, item, meta, p};

/// Every day of May 2026 for account A1 (cost: day × 1.000000000000001) and A2 (0.1 a day).
fn month_items() -> Vec<billops_domain::LineItem> {
    let mut v = Vec::new();
    for day in 1..=31u32 {
        let cost = Decimal::from(day) * d("1.000000000000001");
        v.push(item("2026-05", "P1", "A1", &format!("2026-05-{day:02}"), "EC2", &cost.to_string()));
        v.push(item("2026-05", "P1", "A2", &format!("2026-05-{day:02}"), "S3", "0.1"));
    }
    v
}

async fn costs_by_customer(s: &Arc<dyn Store>, period: &str) -> HashMap<String, Decimal> {
    let rows = s.costs(&CostQuery::period(p(period), vec![Dim::Customer], CostBasis::Billed)).await.unwrap();
    rows.into_iter().map(|r| (r.keys[0].clone(), r.cost)).collect()
}

async fn assignment_splits_mid_month(s: Arc<dyn Store>) {
    let by = actor("alice", 3);
    s.add_customer(&customer("ACME"), &by).await.unwrap();
    s.add_customer(&customer("BETA"), &by).await.unwrap();
    assert!(
        matches!(s.assign_account("A1", "ACME", date("2026-05-01"), &by).await, Err(StoreError::NotFound(_))),
        "an account never seen cannot be assigned directly"
    );

    let items = month_items();
    let total: Decimal = items.iter().map(|i| i.billed).sum();
    import(&s, &meta("may.csv", "r1", "alice"), "h-may", items.clone()).await;
    let before = costs_by_customer(&s, "2026-05").await;
    assert_eq!(before.len(), 1);
    assert_eq!(before[UNASSIGNED], total);

    s.assign_account("A1", "ACME", date("2026-05-01"), &by).await.unwrap();
    s.assign_account("A1", "BETA", date("2026-05-16"), &actor("bob", 4)).await.unwrap();
    let a = s.assignments("A1").await.unwrap();
    let v: Vec<_> = a.iter().map(|x| (x.customer.as_str(), x.from, x.to)).collect();
    assert_eq!(v, vec![("ACME", date("2026-05-01"), Some(date("2026-05-16"))), ("BETA", date("2026-05-16"), None)]);

    let by_cust = costs_by_customer(&s, "2026-05").await;
    let sum_days = |r: std::ops::RangeInclusive<u32>| -> Decimal {
        items
            .iter()
            .filter(|i| i.account == "A1" && r.contains(&chrono::Datelike::day(&i.usage_date)))
            .map(|i| i.billed)
            .sum()
    };
    assert_eq!(by_cust["ACME"], sum_days(1..=15));
    assert_eq!(by_cust["BETA"], sum_days(16..=31));
    assert_eq!(by_cust[UNASSIGNED], d("3.1"));
    assert_eq!(by_cust.values().copied().sum::<Decimal>(), total, "nothing lost in the move");

    // the same split seen by day through line items (resource drill) and by account/customer
    let rows =
        s.costs(&CostQuery::period(p("2026-05"), vec![Dim::Customer, Dim::Account], CostBasis::Billed)).await.unwrap();
    assert_eq!(rows.len(), 3);
    assert_eq!(rows[0].keys, vec!["BETA".to_string(), "A1".to_string()], "largest cost first");

    // customer listing counts today's accounts; account listing shows the latest customer
    assert_eq!(s.customer("BETA").await.unwrap().account_count, 1);
    assert_eq!(s.customer("ACME").await.unwrap().account_count, 0);
    let accts = s.list_accounts(&AccountFilter { customer: Some("BETA".into()), ..Default::default() }).await.unwrap();
    assert_eq!(accts.iter().map(|a| a.id.as_str()).collect::<Vec<_>>(), vec!["A1"]);

    // re-assigning from an earlier day replaces the later assignment
    s.assign_account("A1", "ACME", date("2026-05-10"), &by).await.unwrap();
    let a = s.assignments("A1").await.unwrap();
    assert_eq!(a.len(), 2);
    assert_eq!((a[1].customer.as_str(), a[1].from, a[1].to), ("ACME", date("2026-05-10"), None));
    let by_cust = costs_by_customer(&s, "2026-05").await;
    assert_eq!(by_cust["ACME"], sum_days(1..=31));
    assert!(!by_cust.contains_key("BETA"));

    // a later import resolves customers at import time from the assignments
    let june: Vec<_> =
        (1..=30u32).map(|day| item("2026-06", "P1", "A1", &format!("2026-06-{day:02}"), "EC2", "2")).collect();
    s.assign_account("A1", "BETA", date("2026-06-21"), &by).await.unwrap();
    import(&s, &meta("june.csv", "r2", "alice"), "h-june", june).await;
    let june = costs_by_customer(&s, "2026-06").await;
    assert_eq!(june["ACME"], d("40"));
    assert_eq!(june["BETA"], d("20"));

    let audit = s.audit(&AuditFilter { action: Some("assign".into()), ..Default::default() }).await.unwrap();
    assert_eq!(audit.len(), 4);
    assert_eq!(audit[3].who, "alice");
    assert!(audit[2].after.as_deref().unwrap().contains("BETA"));
}
store_test!(assignment_splits_mid_month => assignment_splits_mid_month_sqlite, assignment_splits_mid_month_postgres);

async fn unassigned_accounts(s: Arc<dyn Store>) {
    let by = actor("alice", 3);
    s.add_customer(&customer("ACME"), &by).await.unwrap();
    let out = import(&s, &meta("may.csv", "r1", "alice"), "h1", month_items()).await;
    assert_eq!(out.new_accounts, vec!["A1".to_string(), "A2".to_string()]);
    let unassigned = s.list_accounts(&AccountFilter { unassigned_only: true, ..Default::default() }).await.unwrap();
    assert_eq!(unassigned.iter().map(|a| a.id.as_str()).collect::<Vec<_>>(), vec!["A1", "A2"]);
    assert_eq!(unassigned[0].name, "Account A1");
    assert_eq!(unassigned[0].payer, "P1");
    assert_eq!(unassigned[0].customer, None);
    assert_eq!(unassigned[0].first_seen, crate::support::at(2, 9), "the importer's clock");
    let payers = s.list_payers().await.unwrap();
    assert_eq!(payers.len(), 1);
    assert_eq!((payers[0].id.as_str(), payers[0].name.as_str(), payers[0].account_count), ("P1", "Payer P1", 2));

    let issues = s.list_issues(&IssueFilter { open_only: true, batch: None }).await.unwrap();
    let unassigned_issues: Vec<_> = issues.iter().filter(|i| i.issue.kind == IssueKind::UnassignedAccount).collect();
    assert_eq!(unassigned_issues.len(), 2);
    assert!(
        unassigned_issues.iter().all(|i| i.issue.severity == Severity::Warning && i.batch_id == Some(out.batch.id))
    );
    assert_eq!(unassigned_issues[0].issue.account.as_deref(), Some("A1"));
    assert_eq!(unassigned_issues[0].issue.file.as_deref(), Some("may.csv"));

    // seen again in another file: no second issue
    let again = vec![item("2026-06", "P1", "A1", "2026-06-01", "EC2", "1")];
    let out2 = import(&s, &meta("june.csv", "r2", "alice"), "h2", again).await;
    assert!(out2.new_accounts.is_empty());
    assert_eq!(out2.issues_raised, 0);
    let n = s
        .list_issues(&IssueFilter::default())
        .await
        .unwrap()
        .iter()
        .filter(|i| i.issue.kind == IssueKind::UnassignedAccount)
        .count();
    assert_eq!(n, 2);

    // assigning the account resolves its issue
    s.assign_account("A1", "ACME", date("2026-05-01"), &actor("bob", 5)).await.unwrap();
    let open = s.list_issues(&IssueFilter { open_only: true, batch: None }).await.unwrap();
    let open_unassigned: Vec<_> = open.iter().filter(|i| i.issue.kind == IssueKind::UnassignedAccount).collect();
    assert_eq!(open_unassigned.len(), 1);
    assert_eq!(open_unassigned[0].issue.account.as_deref(), Some("A2"));
    let unassigned = s.list_accounts(&AccountFilter { unassigned_only: true, ..Default::default() }).await.unwrap();
    assert_eq!(unassigned.iter().map(|a| a.id.as_str()).collect::<Vec<_>>(), vec!["A2"]);
    let p1 = s.list_accounts(&AccountFilter { payer: Some("P1".into()), ..Default::default() }).await.unwrap();
    assert_eq!(p1.len(), 2);
    assert_eq!(p1[0].customer.as_deref(), Some("ACME"));
}
store_test!(unassigned_accounts => unassigned_accounts_sqlite, unassigned_accounts_postgres);

async fn link_proposals(s: Arc<dyn Store>) {
    let root = actor("root", 1);
    s.set_user("root", Role::Manager, &root).await.unwrap();
    s.set_user("olga", Role::Operator, &root).await.unwrap();
    s.set_user("max", Role::Manager, &root).await.unwrap();
    s.set_user("mia", Role::Manager, &root).await.unwrap();
    s.add_customer(&customer("ACME"), &root).await.unwrap();

    let np = |account: &str| NewLinkProposal {
        account: account.into(),
        payer: "P9".into(),
        customer: "ACME".into(),
        from: date("2026-05-01"),
    };
    assert!(matches!(
        s.propose_link(&NewLinkProposal { customer: "NOPE".into(), ..np("X") }, &actor("olga", 2)).await,
        Err(StoreError::NotFound(_))
    ));
    let prop = s.propose_link(&np("A7"), &actor("olga", 2)).await.unwrap();
    assert_eq!((prop.status.as_str(), prop.proposed_by.as_str()), ("proposed", "olga"));
    let mine = s.propose_link(&np("A8"), &actor("max", 2)).await.unwrap();

    let forbidden = |r: Result<billops_store::LinkProposal, StoreError>| matches!(r, Err(StoreError::Forbidden(_)));
    assert!(forbidden(s.decide_link(prop.id, true, "ok", &actor("olga", 3)).await), "an operator cannot decide");
    assert!(forbidden(s.decide_link(prop.id, true, "ok", &actor("nobody", 3)).await), "unknown users are viewers");
    assert!(forbidden(s.decide_link(mine.id, true, "ok", &actor("max", 3)).await), "no deciding one's own proposal");
    assert!(matches!(s.decide_link(999, true, "ok", &actor("max", 3)).await, Err(StoreError::NotFound(_))));
    assert_eq!(s.list_link_proposals(true).await.unwrap().len(), 2);

    let decided = s.decide_link(prop.id, true, "contract signed", &actor("max", 3)).await.unwrap();
    assert_eq!(decided.status, "approved");
    assert_eq!(decided.decided_by.as_deref(), Some("max"));
    assert_eq!(decided.decided_at, Some(actor("max", 3).at));
    assert_eq!(decided.reason.as_deref(), Some("contract signed"));
    assert!(matches!(s.decide_link(prop.id, false, "again", &actor("mia", 3)).await, Err(StoreError::Conflict(_))));
    let a = s.assignments("A7").await.unwrap();
    assert_eq!(a.len(), 1);
    assert_eq!((a[0].customer.as_str(), a[0].from, a[0].to), ("ACME", date("2026-05-01"), None));
    let accts = s.list_accounts(&AccountFilter::default()).await.unwrap();
    assert_eq!((accts[0].id.as_str(), accts[0].payer.as_str()), ("A7", "P9"));
    assert_eq!(s.list_payers().await.unwrap()[0].id, "P9");

    let rejected = s.decide_link(mine.id, false, "wrong customer", &actor("mia", 4)).await.unwrap();
    assert_eq!(rejected.status, "rejected");
    assert!(s.assignments("A8").await.unwrap().is_empty());
    assert!(s.list_link_proposals(true).await.unwrap().is_empty());
    assert_eq!(s.list_link_proposals(false).await.unwrap().len(), 2);

    // imported later, the linked account's cost lands on the customer at once, with no "unassigned" issue
    let out =
        import(&s, &meta("may.csv", "r1", "olga"), "h1", vec![item("2026-05", "P9", "A7", "2026-05-03", "EC2", "5")])
            .await;
    assert!(out.new_accounts.is_empty());
    let rows = s.costs(&CostQuery::period(p("2026-05"), vec![Dim::Customer], CostBasis::Billed)).await.unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!((rows[0].keys[0].as_str(), rows[0].cost), ("ACME", d("5")));

    let audit = s.audit(&AuditFilter { action: Some("link.".into()), ..Default::default() }).await.unwrap();
    let actions: Vec<_> = audit.iter().map(|e| (e.action.as_str(), e.who.as_str())).collect();
    assert_eq!(
        actions,
        vec![("link.reject", "mia"), ("link.approve", "max"), ("link.propose", "max"), ("link.propose", "olga")]
    );
    assert_eq!(audit[1].reason.as_deref(), Some("contract signed"));
}
store_test!(link_proposals => link_proposals_sqlite, link_proposals_postgres);
