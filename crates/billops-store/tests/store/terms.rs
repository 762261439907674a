//! Billing terms (effective-dated, audited, locks respected), the credits cross-check and supplier
//! reconciliation cases (one open case per payer and period; an expected credit note turns the close board's
//! reconciliation blocker into a warning).
use std::sync::Arc;

use billops_domain::close::{CaseStatus, CheckId, CloseConfig, ItemStatus, TieOutStatus, evaluate};
use billops_domain::credit::{ApprovalPolicy, CreditKind, CreditScope, FundingProgram};
use billops_domain::money::RoundingRule;
use billops_domain::terms::Percent;
use billops_domain::{ChargeCategory, LineItem, Role};
use billops_store::{
    AuditFilter, CaseUpdate, CustomerTerms, InvoiceStep, NewCredit, NewSupplierInvoice, NewTerms, Store, StoreError,
    TermsDiscount,
};
use rust_decimal::Decimal;

use crate::parties::customer;
use crate::support::{actor, d, date, import, item, meta, p, quiet_month};

fn line(account: &str, service: &str, cost: &str, category: ChargeCategory) -> LineItem {
    LineItem {
        invoice_id: "SUP-1".into(),
        charge_category: category,
        ..item("2026-05", "P1", account, "2026-05-10", service, cost)
    }
}

async fn setup(s: &Arc<dyn Store>, items: Vec<LineItem>) {
    let root = actor("root", 1);
    s.set_user("root", Role::Manager, &root).await.unwrap();
    s.set_user("alice", Role::Manager, &root).await.unwrap();
    s.set_user("bob", Role::Operator, &root).await.unwrap();
    s.set_user("dave", Role::Viewer, &root).await.unwrap();
    for code in ["ACME", "BETA"] {
        s.add_customer(&customer(code), &root).await.unwrap();
    }
    let has_a2 = items.iter().any(|i| i.account == "A2");
    import(s, &meta("may.csv", "r1", "bob"), "h-may", items).await;
    s.assign_account("A1", "ACME", date("2026-05-01"), &root).await.unwrap();
    if has_a2 {
        s.assign_account("A2", "BETA", date("2026-05-01"), &root).await.unwrap();
    }
}

/// Build and save a customer's May draft without terms (as the services do).
async fn draft(s: &Arc<dyn Store>, customer: &str) -> i64 {
    let (draft, pc) = crate::month_end::draft_of(s, customer).await;
    s.save_draft(&draft, &pc, &actor("bob", 5)).await.unwrap().invoice.id
}

fn terms(tax: &str, discount: Option<(&str, &str)>, rounding: RoundingRule, due_days: i64) -> CustomerTerms {
    CustomerTerms {
        tax_rate: Percent::new(d(tax)).unwrap(),
        discount: discount.map(|(x, label)| TermsDiscount { pct: Percent::new(d(x)).unwrap(), label: label.into() }),
        rounding,
        due_days,
    }
}

async fn terms_are_effective_dated_audited_and_locked(s: Arc<dyn Store>) {
    setup(&s, vec![line("A1", "EC2", "100", ChargeCategory::Usage)]).await;
    let bob = actor("bob", 3);
    assert_eq!(s.terms_on("ACME", date("2026-05-01")).await.unwrap(), None);
    let t1 = terms("10", Some(("5", "volume")), RoundingRule::HalfEven, 45);
    let new = NewTerms { customer: "ACME".into(), from: date("2026-01-01"), terms: t1.clone() };
    let saved = s.set_terms(&new, &bob).await.unwrap();
    assert_eq!((saved.customer.as_str(), saved.from, &saved.terms), ("ACME", date("2026-01-01"), &t1));
    // same day: replaced, with the old entry in the audit
    let t1b = terms("10", Some(("5", "volume")), RoundingRule::HalfEven, 30);
    s.set_terms(&NewTerms { terms: t1b.clone(), ..new.clone() }, &bob).await.unwrap();
    let t2 = terms("20", None, RoundingRule::Down, 14);
    s.set_terms(&NewTerms { customer: "ACME".into(), from: date("2026-07-01"), terms: t2.clone() }, &bob)
        .await
        .unwrap();
    let list = s.list_terms("ACME").await.unwrap();
    assert_eq!(
        list.iter().map(|t| (t.from, t.terms.clone())).collect::<Vec<_>>(),
        vec![(date("2026-01-01"), t1b.clone()), (date("2026-07-01"), t2.clone())]
    );
    assert_eq!(s.terms_on("ACME", date("2026-06-30")).await.unwrap().unwrap().terms, t1b);
    assert_eq!(s.terms_on("ACME", date("2026-07-01")).await.unwrap().unwrap().terms, t2);
    assert!(s.list_terms("BETA").await.unwrap().is_empty());
    let audit = s.audit(&AuditFilter { action: Some("terms.set".into()), ..Default::default() }).await.unwrap();
    assert_eq!(audit.len(), 3);
    assert!(audit.iter().any(|a| a.before.as_deref().is_some_and(|b| b.contains("\"due_days\":45"))), "{audit:?}");

    assert!(matches!(s.set_terms(&new, &actor("dave", 3)).await, Err(StoreError::Forbidden(_))));
    let ghost = NewTerms { customer: "NOPE".into(), ..new.clone() };
    assert!(matches!(s.set_terms(&ghost, &bob).await, Err(StoreError::NotFound(_))));
    assert!(matches!(s.list_terms("NOPE").await, Err(StoreError::NotFound(_))));
    let over = NewTerms { terms: terms("101", None, RoundingRule::Down, 1), ..new.clone() };
    assert!(matches!(s.set_terms(&over, &bob).await, Err(StoreError::Invalid(_))));

    // a quiet period signs off; terms from a day in or before it are refused, after it accepted
    let alice = actor("alice", 8);
    quiet_month(&s, "2026-03", "P1", &bob).await;
    s.sign_off(p("2026-03"), &CloseConfig::default(), date("2026-04-08"), "quiet", &alice).await.unwrap();
    for from in ["2026-03-15", "2026-01-01"] {
        let t = NewTerms { from: date(from), ..new.clone() };
        assert!(matches!(s.set_terms(&t, &bob).await, Err(StoreError::Locked { .. })), "{from}");
    }
    s.set_terms(&NewTerms { from: date("2026-04-01"), ..new.clone() }, &bob).await.unwrap();
}
store_test!(terms_are_effective_dated_audited_and_locked => terms_sqlite, terms_postgres);

async fn credits_cross_check(s: Arc<dyn Store>) {
    let items = vec![
        line("A1", "EC2", "100", ChargeCategory::Usage),
        line("A1", "EC2", "-10", ChargeCategory::Credit),
        line("A2", "S3", "40", ChargeCategory::Usage),
        line("A2", "S3", "-5", ChargeCategory::Refund),
    ];
    setup(&s, items).await;
    let (bob, alice) = (actor("bob", 3), actor("alice", 4));
    let v = s.unreached_credits(p("2026-05")).await.unwrap();
    let rows: Vec<_> = v
        .supplier
        .iter()
        .map(|r| (r.account.as_str(), r.service.as_str(), r.charge_category, r.customer.as_deref(), r.amount))
        .collect();
    assert_eq!(
        rows,
        vec![
            ("A1", "EC2", ChargeCategory::Credit, Some("ACME"), d("-10")),
            ("A2", "S3", ChargeCategory::Refund, Some("BETA"), d("-5"))
        ]
    );
    assert!(v.supplier.iter().all(|r| !r.reached()) && v.unapplied.is_empty() && !v.all_reached());

    let credit = |customer: &str, kind: CreditKind, amount: &str, scope: CreditScope| NewCredit {
        customer: customer.into(),
        kind,
        amount: d(amount),
        scope,
        valid_from: date("2026-05-01"),
        valid_to: date("2026-07-01"),
        evidence: "memo".into(),
        reason: "pass through".into(),
    };
    let policy = ApprovalPolicy::new(d("500")).unwrap();
    let scoped = CreditScope::new(["A1".to_string()], ["EC2".to_string()]);
    let promo = s.propose_credit(&credit("ACME", CreditKind::SupplierPromotion, "10", scoped), &bob).await.unwrap();
    // a proposed credit does not pass anything through yet
    assert!(!s.unreached_credits(p("2026-05")).await.unwrap().supplier[0].reached());
    s.decide_credit(promo.id, true, "ok", policy, None, &alice).await.unwrap();
    let wrong = CreditScope::new(Vec::<String>::new(), ["EC2".to_string()]);
    let other = s.propose_credit(&credit("BETA", CreditKind::SlaServiceCredit, "5", wrong), &bob).await.unwrap();
    s.decide_credit(other.id, true, "ok", policy, None, &alice).await.unwrap();
    let funding = CreditKind::Funding(FundingProgram::Map);
    let fund = s.propose_credit(&credit("BETA", funding, "50", CreditScope::all()), &bob).await.unwrap();
    s.decide_credit(fund.id, true, "ok", policy, None, &alice).await.unwrap();

    let v = s.unreached_credits(p("2026-05")).await.unwrap();
    assert_eq!(v.supplier[0].passed_through_by, vec![format!("CR-{}", promo.id)]);
    assert!(!v.supplier[1].reached(), "an SLA credit scoped to EC2 does not pass through an S3 refund");
    let ids: Vec<(&str, Option<i64>)> = v.unapplied.iter().map(|c| (c.id.as_str(), c.on_draft)).collect();
    assert_eq!(ids, vec![(format!("CR-{}", promo.id).as_str(), None), (format!("CR-{}", fund.id).as_str(), None)]);

    // on a draft: still unapplied, but said so; once issued it has reached the customer
    let inv = draft(&s, "ACME").await;
    let v = s.unreached_credits(p("2026-05")).await.unwrap();
    assert_eq!(v.unapplied[0].on_draft, Some(inv));
    s.step_invoice(inv, InvoiceStep::Review, "", None, &bob).await.unwrap();
    s.step_invoice(inv, InvoiceStep::Approve, "", None, &alice).await.unwrap();
    s.issue_invoice(inv, "INV-", 30, &alice).await.unwrap();
    let v = s.unreached_credits(p("2026-05")).await.unwrap();
    assert_eq!(v.unapplied.iter().map(|c| c.id.clone()).collect::<Vec<_>>(), vec![format!("CR-{}", fund.id)]);
    assert!(v.supplier[0].reached());
    // June has no supplier credits; the funding credit is valid then too
    let june = s.unreached_credits(p("2026-06")).await.unwrap();
    assert!(june.supplier.is_empty() && june.unapplied.len() == 1);
    let v = serde_json::to_value(&v).unwrap();
    assert!(v["supplier"][0]["amount"].is_string(), "amounts serialise as strings");
}
store_test!(credits_cross_check => unreached_sqlite, unreached_postgres);

fn supplier_reconciled(s: &billops_domain::close::CloseBoard) -> (ItemStatus, Vec<String>) {
    let i = s.items.iter().find(|i| i.check == CheckId::SupplierReconciled).unwrap();
    (i.status, i.problems.clone())
}

async fn cases_explain_residuals(s: Arc<dyn Store>) {
    setup(&s, vec![line("A1", "EC2", "100", ChargeCategory::Usage)]).await;
    let (bob, alice) = (actor("bob", 6), actor("alice", 7));
    let inv = draft(&s, "ACME").await;
    let sup = NewSupplierInvoice {
        payer: "P1".into(),
        period: p("2026-05"),
        number: "AWS-1".into(),
        currency: "USD".into(),
        amount: d("103.5"),
        tax: Decimal::ZERO,
        credits: Decimal::ZERO,
    };
    s.add_supplier_invoice(&sup, &bob).await.unwrap();
    let (cfg, tol, today) = (CloseConfig::default(), d("0.01"), date("2026-06-08"));
    let board = |s: Arc<dyn Store>| async move {
        let facts = s.close_facts(p("2026-05"), &CloseConfig::default()).await.unwrap();
        let close = s.period_close(p("2026-05")).await.unwrap();
        (facts.tie_outs[0].status, evaluate(&facts, &CloseConfig::default(), &close, date("2026-06-08")))
    };
    let (st, b) = board(s.clone()).await;
    assert_eq!((st, supplier_reconciled(&b).0), (TieOutStatus::Unreconciled, ItemStatus::Blocker));

    assert!(matches!(s.open_cases(p("2026-05"), tol, &actor("dave", 6)).await, Err(StoreError::Forbidden(_))));
    let opened = s.open_cases(p("2026-05"), tol, &bob).await.unwrap();
    assert_eq!(opened.len(), 1);
    let c = &opened[0];
    assert!(c.created);
    assert_eq!((c.case.payer.as_str(), c.case.status, c.case.residual), ("P1", CaseStatus::Open, d("3.5")));
    let again = s.open_cases(p("2026-05"), tol, &bob).await.unwrap();
    assert_eq!((again.len(), again[0].created, again[0].case.id), (1, false, c.case.id), "one open case per payer");
    assert_eq!(s.list_cases(Some(p("2026-05"))).await.unwrap().len(), 1);
    assert!(s.list_cases(Some(p("2026-04"))).await.unwrap().is_empty());

    // an open case without an expected credit note explains nothing
    assert_eq!(supplier_reconciled(&board(s.clone()).await.1).0, ItemStatus::Blocker);
    let u = CaseUpdate {
        status: Some(CaseStatus::WaitingCreditNote),
        owner: Some("bob".into()),
        expected: Some(d("3.5")),
        note: Some("AWS support case 123".into()),
        ..Default::default()
    };
    let c = s.update_case(c.case.id, &u, Some(c.case.version), &bob).await.unwrap();
    assert_eq!(
        (c.status, c.owner.as_deref(), c.expected, c.version),
        (CaseStatus::WaitingCreditNote, Some("bob"), d("3.5"), 2)
    );
    assert!(matches!(s.update_case(c.id, &u, Some(1), &bob).await, Err(StoreError::Conflict(_))));
    let (st, b) = board(s.clone()).await;
    let (status, problems) = supplier_reconciled(&b);
    assert_eq!((st, status), (TieOutStatus::Explained, ItemStatus::Warning), "{problems:?}");
    assert!(problems[0].contains("P1 2026-05") && problems[0].contains("explained"), "{problems:?}");

    let off = CaseUpdate { status: Some(CaseStatus::WrittenOff), ..Default::default() };
    assert!(matches!(s.update_case(c.id, &off, None, &bob).await, Err(StoreError::Forbidden(_))));
    let back = CaseUpdate { status: Some(CaseStatus::Open), ..Default::default() };
    assert!(matches!(s.update_case(c.id, &back, None, &bob).await, Err(StoreError::Invalid(_))));
    let done = CaseUpdate { status: Some(CaseStatus::Resolved), received: Some(d("3.5")), ..Default::default() };
    let c = s.update_case(c.id, &done, None, &bob).await.unwrap();
    assert_eq!((c.status, c.received, c.note.as_str()), (CaseStatus::Resolved, d("3.5"), "AWS support case 123"));
    assert_eq!(board(s.clone()).await.0, TieOutStatus::Explained);
    assert!(matches!(s.update_case(c.id, &done, None, &bob).await, Err(StoreError::Invalid(_))), "resolved is final");
    let audit = s.audit(&AuditFilter { action: Some("case.".into()), ..Default::default() }).await.unwrap();
    assert_eq!(
        audit.iter().map(|a| a.action.as_str()).collect::<Vec<_>>(),
        vec!["case.status", "case.status", "case.open"]
    );

    // a warning does not block: sign off, then the period's cases are locked
    s.step_invoice(inv, InvoiceStep::Review, "", None, &bob).await.unwrap();
    s.step_invoice(inv, InvoiceStep::Approve, "", None, &alice).await.unwrap();
    s.issue_invoice(inv, "INV-", 30, &alice).await.unwrap();
    s.sign_off(p("2026-05"), &cfg, today, "explained by case", &alice).await.unwrap();
    let note = CaseUpdate { note: Some("late".into()), ..Default::default() };
    assert!(matches!(s.update_case(c.id, &note, None, &alice).await, Err(StoreError::Locked { .. })));
    assert!(matches!(s.open_cases(p("2026-05"), tol, &bob).await, Err(StoreError::Locked { .. })));
    assert!(matches!(s.case(999).await, Err(StoreError::NotFound(_))));
}
store_test!(cases_explain_residuals => cases_sqlite, cases_postgres);
