//! Imports: atomicity, idempotency, replacement (estimated → final), quarantine and issues.
use std::sync::Arc;

use billops_domain::{CostBasis, Dim, FeedIssue, IssueKind, Quarantined, Severity};
use billops_store::{AuditFilter, BatchStatus, CostQuery, ImportChunk, IssueFilter, Store, StoreError};
use rust_decimal::Decimal;

use crate::support::{actor, d, import, import_with, item, meta, p};

fn total(rows: &[billops_store::CostRow]) -> Decimal {
    rows.iter().map(|r| r.cost).sum()
}

async fn period_total(s: &Arc<dyn Store>, period: &str) -> Decimal {
    total(&s.costs(&CostQuery::period(p(period), vec![], CostBasis::Billed)).await.unwrap())
}

async fn import_is_atomic(s: Arc<dyn Store>) {
    let (tx, rx) = tokio::sync::mpsc::channel(4);
    let m = meta("broken.csv", "r1", "alice");
    let store = s.clone();
    let task = tokio::spawn(async move { store.import(&m, rx).await });
    tx.send(ImportChunk::Items(vec![item("2026-05", "P1", "A1", "2026-05-01", "EC2", "10")])).await.unwrap();
    tx.send(ImportChunk::Issues(vec![FeedIssue {
        kind: IssueKind::Gap,
        severity: Severity::Warning,
        period: None,
        payer: None,
        account: None,
        file: None,
        line: None,
        column: None,
        message: "gap".into(),
    }]))
    .await
    .unwrap();
    drop(tx); // the reader failed: no End
    assert!(matches!(task.await.unwrap(), Err(StoreError::ImportAborted)));
    assert!(s.list_batches().await.unwrap().is_empty());
    assert!(s.list_accounts(&Default::default()).await.unwrap().is_empty());
    assert!(s.list_payers().await.unwrap().is_empty());
    assert!(s.list_issues(&IssueFilter::default()).await.unwrap().is_empty());
    assert!(s.periods().await.unwrap().is_empty());
    assert!(s.costs(&CostQuery::period(p("2026-05"), vec![], CostBasis::Billed)).await.unwrap().is_empty());
    assert!(s.audit(&AuditFilter::default()).await.unwrap().is_empty());
    // and the store is usable afterwards (no lock left behind)
    let out = import(
        &s,
        &meta("good.csv", "r1", "alice"),
        "h1",
        vec![item("2026-05", "P1", "A1", "2026-05-01", "EC2", "10")],
    )
    .await;
    assert_eq!(out.batch.rows, 1);
    assert_eq!(period_total(&s, "2026-05").await, d("10"));
}
store_test!(import_is_atomic => import_is_atomic_sqlite, import_is_atomic_postgres);

async fn import_is_idempotent(s: Arc<dyn Store>) {
    let items = vec![
        item("2026-05", "P1", "A1", "2026-05-01", "EC2", "10.25"),
        item("2026-05", "P1", "A2", "2026-05-02", "S3", "-0.75"),
    ];
    let first = import(&s, &meta("may.csv", "r1", "alice"), "hash-1", items.clone()).await;
    assert_eq!(first.batch.content_hash, "hash-1");
    assert_eq!(first.batch.file_name, "may.csv");
    assert_eq!(first.batch.imported_by, "alice");
    assert_eq!(first.batch.imported_at, actor("alice", 2).at);
    let found = s.find_batch_by_hash("hash-1").await.unwrap().unwrap();
    assert_eq!(found, first.batch);
    assert!(s.find_batch_by_hash("other").await.unwrap().is_none());
    let issues_before = s.list_issues(&IssueFilter::default()).await.unwrap();
    let audit_before = s.audit(&AuditFilter::default()).await.unwrap();

    let mut more = items.clone();
    more.push(item("2026-05", "P1", "A3", "2026-05-03", "EC2", "99"));
    let again = import_with(&s, &meta("may-copy.csv", "r2", "bob"), "hash-1", more, vec![]).await;
    match again {
        Err(StoreError::AlreadyImported { batch_id, file_name, at }) => {
            assert_eq!((batch_id, file_name.as_str(), at), (first.batch.id, "may.csv", first.batch.imported_at));
        }
        other => panic!("expected AlreadyImported, got {other:?}"),
    }
    assert_eq!(s.list_batches().await.unwrap(), vec![first.batch.clone()]);
    assert_eq!(period_total(&s, "2026-05").await, d("9.5"));
    assert_eq!(s.list_accounts(&Default::default()).await.unwrap().len(), 2, "A3 not recorded");
    assert_eq!(s.list_issues(&IssueFilter::default()).await.unwrap(), issues_before);
    assert_eq!(s.audit(&AuditFilter::default()).await.unwrap(), audit_before);
}
store_test!(import_is_idempotent => import_is_idempotent_sqlite, import_is_idempotent_postgres);

fn invoiced(mut i: billops_domain::LineItem) -> billops_domain::LineItem {
    i.invoice_id = "INV-1".into();
    i
}

async fn estimated_then_final_replaces(s: Arc<dyn Store>) {
    let est = vec![
        item("2026-05", "P1", "A1", "2026-05-01", "EC2", "10"),
        item("2026-05", "P1", "A1", "2026-05-02", "EC2", "11"),
        item("2026-05", "P2", "B1", "2026-05-02", "EC2", "7"),
        item("2026-04", "P1", "A1", "2026-04-30", "EC2", "1"),
    ];
    let first = import(&s, &meta("est.csv", "run-1", "alice"), "h-est", est).await;
    assert!(first.replaced.is_empty());
    assert_eq!(first.batch.scopes.len(), 3);
    assert!(first.batch.scopes.iter().all(|sc| sc.status == BatchStatus::Estimated && sc.replaced_by.is_none()));
    let may_p1 = first.batch.scopes.iter().find(|sc| sc.payer == "P1" && sc.period == p("2026-05")).unwrap();
    assert_eq!((may_p1.rows, may_p1.billed, may_p1.effective, may_p1.list), (2, d("21"), d("21"), d("21")));

    // the final file for P1 / May, from a later run
    let fin = vec![
        invoiced(item("2026-05", "P1", "A1", "2026-05-01", "EC2", "10.5")),
        invoiced(item("2026-05", "P1", "A1", "2026-05-02", "EC2", "11.5")),
        invoiced(item("2026-05", "P1", "A1", "2026-05-03", "EC2", "0.000000000000001")),
    ];
    let second = import(&s, &meta("final.csv", "run-2", "bob"), "h-final", fin).await;
    assert_eq!(second.batch.scopes.len(), 1);
    assert_eq!(second.batch.scopes[0].status, BatchStatus::Final);
    assert_eq!(second.replaced.len(), 1);
    let r = &second.replaced[0];
    assert_eq!(
        (r.old_batch, r.old_file.as_str(), r.payer.as_str(), r.period, r.old_rows),
        (first.batch.id, "est.csv", "P1", p("2026-05"), 2)
    );
    let rows = s.costs(&CostQuery::period(p("2026-05"), vec![Dim::Payer], CostBasis::Billed)).await.unwrap();
    let v: Vec<_> = rows.iter().map(|r| (r.keys[0].as_str(), r.cost)).collect();
    assert_eq!(v, vec![("P1", d("22.000000000000001")), ("P2", d("7"))], "P2 and April untouched");
    assert_eq!(period_total(&s, "2026-04").await, d("1"));
    let res = s.costs(&CostQuery::period(p("2026-05"), vec![Dim::Resource], CostBasis::Billed)).await.unwrap();
    assert_eq!(total(&res), d("29.000000000000001"), "replaced line items are gone too");

    let issues = s.list_issues(&IssueFilter { open_only: false, batch: Some(second.batch.id) }).await.unwrap();
    let rep: Vec<_> = issues.iter().filter(|i| i.issue.kind == IssueKind::Replaced).collect();
    assert_eq!(rep.len(), 1);
    assert_eq!(rep[0].issue.severity, Severity::Info);
    assert!(rep[0].issue.message.contains("estimated → final"), "{}", rep[0].issue.message);
    let batches = s.list_batches().await.unwrap();
    assert_eq!(batches[0].id, second.batch.id, "newest first");
    let old = &batches[1];
    let old_may_p1 = old.scopes.iter().find(|sc| sc.payer == "P1" && sc.period == p("2026-05")).unwrap();
    assert_eq!(old_may_p1.replaced_by, Some(second.batch.id));
    assert!(
        old.scopes.iter().filter(|sc| sc.payer != "P1" || sc.period != p("2026-05")).all(|sc| sc.replaced_by.is_none())
    );

    // two parts of one run (CUR delivers a month in several files) never replace each other
    let part1 = vec![invoiced(item("2026-06", "P1", "A1", "2026-06-01", "EC2", "3"))];
    let part2 = vec![invoiced(item("2026-06", "P1", "A1", "2026-06-02", "EC2", "4"))];
    import(&s, &meta("june-1.csv", "run-3", "bob"), "h-j1", part1).await;
    let p2 = import(&s, &meta("june-2.csv", "run-3", "bob"), "h-j2", part2).await;
    assert!(p2.replaced.is_empty());
    assert_eq!(period_total(&s, "2026-06").await, d("7"));
    assert_eq!(s.periods().await.unwrap(), vec![p("2026-06"), p("2026-05"), p("2026-04")]);
}
store_test!(estimated_then_final_replaces => estimated_then_final_replaces_sqlite, estimated_then_final_replaces_postgres);

async fn quarantine_and_issues(s: Arc<dyn Store>) {
    let bad = Quarantined {
        file: "may.csv".into(),
        line: 17,
        column: 4,
        column_name: "BilledCost".into(),
        value: "12,5".into(),
        reason: "not a number".into(),
        raw: "a,b,c,12,5".into(),
    };
    let issue = FeedIssue {
        kind: IssueKind::BadValue,
        severity: Severity::Error,
        period: Some(p("2026-05")),
        payer: Some("P1".into()),
        account: None,
        file: Some("may.csv".into()),
        line: Some(17),
        column: Some("BilledCost".into()),
        message: "may.csv:17:4: not a number (value \"12,5\")".into(),
    };
    let items = vec![item("2026-05", "P1", "A1", "2026-05-01", "EC2", "1")];
    let extra = vec![ImportChunk::Quarantined(vec![bad.clone()]), ImportChunk::Issues(vec![issue.clone()])];
    let out = import_with(&s, &meta("may.csv", "r1", "alice"), "h1", items, extra).await.unwrap();
    assert_eq!(out.batch.quarantined, 1);
    assert_eq!(out.issues_raised, 2, "the reader's issue and the new account");
    let other =
        import(&s, &meta("june.csv", "r2", "alice"), "h2", vec![item("2026-06", "P1", "A1", "2026-06-01", "EC2", "1")])
            .await;

    let q = s.list_quarantine(Some(out.batch.id)).await.unwrap();
    assert_eq!(q.len(), 1);
    assert_eq!((q[0].batch_id, &q[0].row), (out.batch.id, &bad));
    assert!(s.list_quarantine(Some(other.batch.id)).await.unwrap().is_empty());
    assert_eq!(s.list_quarantine(None).await.unwrap().len(), 1);

    let issues = s.list_issues(&IssueFilter { open_only: true, batch: Some(out.batch.id) }).await.unwrap();
    assert_eq!(issues.len(), 2);
    let stored = issues.iter().find(|i| i.issue.kind == IssueKind::BadValue).unwrap();
    assert_eq!(stored.issue, issue);
    assert!(stored.open);
    assert_eq!(stored.created_at, actor("alice", 2).at);
    assert!(s.list_issues(&IssueFilter { open_only: true, batch: Some(other.batch.id) }).await.unwrap().is_empty());

    s.resolve_issue(stored.id, "supplier re-sent the file", &actor("bob", 5)).await.unwrap();
    let all = s.list_issues(&IssueFilter::default()).await.unwrap();
    let r = all.iter().find(|i| i.id == stored.id).unwrap();
    assert!(!r.open);
    assert_eq!(r.resolved_by.as_deref(), Some("bob"));
    assert_eq!(r.resolved_at, Some(actor("bob", 5).at));
    assert_eq!(r.note.as_deref(), Some("supplier re-sent the file"));
    assert_eq!(s.list_issues(&IssueFilter { open_only: true, batch: None }).await.unwrap().len(), 1);
    assert!(matches!(s.resolve_issue(stored.id, "again", &actor("bob", 5)).await, Err(StoreError::Conflict(_))));
    assert!(matches!(s.resolve_issue(9999, "x", &actor("bob", 5)).await, Err(StoreError::NotFound(_))));

    let audit = s.audit(&AuditFilter { period: Some(p("2026-05")), ..Default::default() }).await.unwrap();
    let actions: Vec<_> = audit.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(actions, vec!["issue.resolve", "import"]);
    assert_eq!(audit[0].reason.as_deref(), Some("supplier re-sent the file"));
}
store_test!(quarantine_and_issues => quarantine_and_issues_sqlite, quarantine_and_issues_postgres);

/// Quarantined rows and issues are written by the one bulk insert, as many rows per statement as the bind limit
/// allows: 9,000 rows of 8 columns and 3,000 issues of 12 take several statements each, every row kept as sent.
async fn bulk_rows_span_statements(s: Arc<dyn Store>) {
    let bad = |n: usize| Quarantined {
        file: "big.csv".into(),
        line: n as u64 + 2,
        column: 4,
        column_name: "BilledCost".into(),
        value: format!("x{n}"),
        reason: "not a number".into(),
        raw: format!("a,b,c,x{n}"),
    };
    let issue = |n: usize| FeedIssue {
        kind: IssueKind::BadValue,
        severity: Severity::Warning,
        period: Some(p("2026-05")),
        payer: Some("P1".into()),
        account: None,
        file: Some("big.csv".into()),
        line: Some(n as u64 + 2),
        column: Some("BilledCost".into()),
        message: format!("big.csv:{}: not a number", n + 2),
    };
    let rows: Vec<Quarantined> = (0..9_000).map(bad).collect();
    let issues: Vec<FeedIssue> = (0..3_000).map(issue).collect();
    let extra = vec![ImportChunk::Quarantined(rows.clone()), ImportChunk::Issues(issues.clone())];
    let items = vec![item("2026-05", "P1", "A1", "2026-05-01", "EC2", "1")];
    let out = import_with(&s, &meta("big.csv", "r1", "alice"), "h-big", items, extra).await.unwrap();
    assert_eq!(out.batch.quarantined, 9_000);
    let mut q: Vec<Quarantined> =
        s.list_quarantine(Some(out.batch.id)).await.unwrap().into_iter().map(|q| q.row).collect();
    q.sort_by_key(|r| r.line);
    assert_eq!(q, rows);
    let stored = s.list_issues(&IssueFilter { open_only: true, batch: Some(out.batch.id) }).await.unwrap();
    let mut got: Vec<FeedIssue> =
        stored.into_iter().map(|i| i.issue).filter(|i| i.kind == IssueKind::BadValue).collect();
    got.sort_by_key(|i| i.line);
    assert_eq!(got, issues);
}
store_test!(bulk_rows_span_statements => bulk_rows_span_statements_sqlite, bulk_rows_span_statements_postgres);

/// An in-memory store has one connection, held by the import: dictionary look-ups go through its writer.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn in_memory_store_imports() {
    let s = billops_store::open("sqlite::memory:").await.unwrap();
    let first: Vec<_> =
        (1..=9u32).map(|d| item("2026-05", "P1", "A1", &format!("2026-05-0{d}"), "EC2", "1.1")).collect();
    import(&s, &meta("a.csv", "r1", "alice"), "h1", first).await;
    let mut second: Vec<_> =
        (1..=9u32).map(|d| item("2026-06", "P1", "A1", &format!("2026-06-0{d}"), "EC2", "2")).collect();
    second.push(item("2026-06", "P1", "A2", "2026-06-01", "S3", "0.5"));
    let out = import(&s, &meta("b.csv", "r1", "alice"), "h2", second).await;
    assert_eq!(out.new_accounts, vec!["A2".to_string()]);
    let rows = s.costs(&CostQuery::period(p("2026-06"), vec![Dim::Service], CostBasis::Billed)).await.unwrap();
    let v: Vec<_> = rows.iter().map(|r| (r.keys[0].as_str(), r.cost)).collect();
    assert_eq!(v, vec![("EC2", d("18")), ("S3", d("0.5"))]);
    assert_eq!(period_total(&s, "2026-05").await, d("9.9"));
}
