//! Month-end billing: period locks on every write path, sign-off and re-open, invoices with gap-free numbers
//! (concurrent issue), credits with maker-checker and optimistic versions, tie-out figures, balances.
use std::sync::Arc;

use billops_domain::close::CloseConfig;
use billops_domain::credit::{ApprovalPolicy, CreditKind, CreditScope};
use billops_domain::invoice::{DraftRequest, build_draft};
use billops_domain::money::RoundingRule;
use billops_domain::rating::{AccountCodeTable, Pricing, ResourceUnitSet, RuleScope};
use billops_domain::terms::Percent;
use billops_domain::{LineItem, Role};
use billops_store::{
    AuditFilter, InvoiceFilter, InvoiceStep, NewCredit, NewPayment, NewSupplierInvoice, Store, StoreError,
};
use rust_decimal::Decimal;

use crate::parties::customer;
use crate::support::{actor, d, date, import, import_with, item, meta, p};

fn final_item(period: &str, account: &str, day: &str, cost: &str) -> LineItem {
    LineItem { invoice_id: "SUP-1".into(), ..item(period, "P1", account, day, "EC2", cost) }
}

pub(crate) async fn setup(s: &Arc<dyn Store>, customers: &[(&str, &str)]) {
    let root = actor("root", 1);
    s.set_user("root", Role::Manager, &root).await.unwrap();
    s.set_user("alice", Role::Manager, &root).await.unwrap();
    s.set_user("carol", Role::Manager, &root).await.unwrap();
    s.set_user("bob", Role::Operator, &root).await.unwrap();
    let mut items = Vec::new();
    for (code, account) in customers {
        s.add_customer(&customer(code), &root).await.unwrap();
        items.push(final_item("2026-05", account, "2026-05-03", "40.005"));
        items.push(final_item("2026-05", account, "2026-05-20", "60"));
    }
    import(s, &meta("may.csv", "r1", "bob"), "h-may", items).await;
    for (code, account) in customers {
        s.assign_account(account, code, date("2026-05-01"), &root).await.unwrap();
    }
}

/// Rate, build and save the draft of `customer` for May (as the services do).
async fn generate(s: &Arc<dyn Store>, customer: &str, by: &str) -> billops_store::SavedDraft {
    let (draft, pc) = draft_of(s, customer).await;
    s.save_draft(&draft, &pc, &actor(by, 5)).await.unwrap()
}

/// Rate and build the May draft of `customer` with its supplier cost per payer (not saved).
pub(crate) async fn draft_of(s: &Arc<dyn Store>, customer: &str) -> billops_store::DraftToSave {
    let charges = s.charges(p("2026-05"), Some(customer)).await.unwrap().remove(0);
    let book = s.price_book(customer).await.unwrap();
    let credits = s.customer_credits(customer).await.unwrap();
    let (rus, codes) = (ResourceUnitSet::default(), AccountCodeTable::default());
    let req = DraftRequest {
        customer,
        period: p("2026-05"),
        currency: &charges.currency,
        lines: &charges.lines,
        price_book: &book,
        resource_units: &rus,
        account_codes: &codes,
        discounts: &[],
        credits: &credits,
        tax_rate: Percent::new(Decimal::ZERO).unwrap(),
        rounding: RoundingRule::HalfAwayFromZero,
        fx: &billops_domain::fx::FxTable::default(),
    };
    let draft = build_draft(&req).unwrap();
    let mut payer_costs = std::collections::BTreeMap::new();
    for (l, payer) in charges.lines.iter().zip(&charges.payers) {
        *payer_costs.entry((payer.clone(), l.currency.clone())).or_insert(Decimal::ZERO) += l.cost;
    }
    (draft, payer_costs.into_iter().map(|((p, c), cost)| billops_store::PayerCost::new(&p, &c, cost)).collect())
}

async fn close_locks_and_reopens(s: Arc<dyn Store>) {
    setup(&s, &[("ACME", "A1")]).await;
    let (bob, alice) = (actor("bob", 5), actor("alice", 6));
    s.add_price_rule("ACME", RuleScope::any(), Pricing::markup(d("10")).unwrap(), date("2026-01-01"), &bob)
        .await
        .unwrap();
    let saved = generate(&s, "ACME", "bob").await;
    assert!(saved.previous.is_none());
    let inv = saved.invoice;
    assert_eq!(inv.total, d("110.01"), "100.005 × 1.1 = 110.0055 → 110.01 (half away from zero)");
    assert_eq!(inv.draft.charges[0].rule_ids, vec!["R1".to_string()]);

    let cfg = CloseConfig::default();
    let today = date("2026-06-08");
    let err = s.sign_off(p("2026-05"), &cfg, today, "", &alice).await.unwrap_err();
    let msg = err.to_string();
    assert!(msg.contains("no supplier invoice") || msg.contains("supplier"), "{msg}");
    assert!(msg.contains("not yet approved"), "{msg}");

    let sup = may_supplier_invoice();
    s.add_supplier_invoice(&sup, &bob).await.unwrap();
    let figures = s.payer_figures(p("2026-05")).await.unwrap();
    assert_eq!(figures.len(), 1);
    assert_eq!(figures[0].imported_billed, d("100.005"));
    assert_eq!(figures[0].invoiced_at_cost, d("100.005"));
    s.step_invoice(inv.id, InvoiceStep::Review, "", Some(inv.version), &bob).await.unwrap();
    assert!(matches!(
        s.step_invoice(inv.id, InvoiceStep::Approve, "", None, &bob).await,
        Err(StoreError::Forbidden(_))
    ));
    s.step_invoice(inv.id, InvoiceStep::Approve, "", None, &alice).await.unwrap();

    // an approved invoice not issued blocks: issuing is part of the month, unless the shared setting says
    // invoices are issued after sign-off
    let e = s.sign_off(p("2026-05"), &cfg, today, "", &alice).await.unwrap_err().to_string();
    assert!(e.contains("1 approved invoice(s) not issued") && e.contains("billops invoices issue ID"), "{e}");
    // a month that has not ended, an empty month: refused by the store, saying why and what to do
    let e = s.sign_off(p("2026-05"), &cfg, date("2026-05-31"), "", &alice).await.unwrap_err().to_string();
    assert!(e.contains("2026-05 has not ended: it can be signed off from 2026-06-01"), "{e}");
    let e = s.sign_off(p("2026-04"), &cfg, today, "", &alice).await.unwrap_err().to_string();
    assert!(e.contains("no data imported for 2026-04") && e.contains("(fix: billops import"), "{e}");
    s.set_setting("issue_after_sign_off", "true", &alice).await.unwrap();
    let cfg = CloseConfig { issue_after_sign_off: true, ..cfg };
    assert!(matches!(s.sign_off(p("2026-05"), &cfg, today, "", &bob).await, Err(StoreError::Forbidden(_))));
    let close = s.sign_off(p("2026-05"), &cfg, today, "all good", &alice).await.unwrap();
    assert!(close.is_locked());
    assert_eq!(s.locked_periods().await.unwrap()[0].locked_by, "alice");

    // every write into May is refused, naming the period and who locked it
    let locked = |r: Result<(), StoreError>| match r {
        Err(StoreError::Locked { period, by }) => assert_eq!((period.as_str(), by.as_str()), ("2026-05", "alice")),
        other => panic!("expected Locked, got {other:?}"),
    };
    let late = vec![final_item("2026-05", "A1", "2026-05-30", "1")];
    locked(import_with(&s, &meta("late.csv", "r2", "bob"), "h-late", late, vec![]).await.map(|_| ()));
    locked(s.assign_account("A1", "ACME", date("2026-05-15"), &alice).await);
    locked(s.assign_account("A1", "ACME", date("2026-04-01"), &alice).await);
    locked(
        s.add_supplier_invoice(&NewSupplierInvoice { number: "AWS-2".into(), ..sup.clone() }, &bob).await.map(|_| ()),
    );
    locked(s.step_invoice(inv.id, InvoiceStep::Reopen, "typo", None, &alice).await.map(|_| ()));
    let markup = || Pricing::markup(d("5")).unwrap();
    locked(s.add_price_rule("ACME", RuleScope::any(), markup(), date("2026-05-01"), &bob).await.map(|_| ()));
    locked(s.add_price_rule("ACME", RuleScope::any(), markup(), date("2026-03-01"), &bob).await.map(|_| ()));
    assert_eq!(s.list_price_rules("ACME").await.unwrap().len(), 1, "only the rule from before the lock");
    assert_eq!(s.list_batches().await.unwrap().len(), 1, "the refused import wrote nothing");
    // the approved invoice of the locked month is issued after sign-off while the setting says so
    s.set_setting("issue_after_sign_off", "false", &alice).await.unwrap();
    locked(s.issue_invoice(inv.id, "INV-", 30, &alice).await.map(|_| ()));
    s.set_setting("issue_after_sign_off", "true", &alice).await.unwrap();
    let issued = s.issue_invoice(inv.id, "INV-", 30, &alice).await.unwrap();
    assert_eq!(issued.number.as_deref(), Some("INV-000001"));
    locked(s.step_invoice(inv.id, InvoiceStep::Void, "wrong", None, &alice).await.map(|_| ()));
    // June is open
    let june = vec![final_item("2026-06", "A1", "2026-06-02", "1")];
    import(&s, &meta("june.csv", "r3", "bob"), "h-june", june).await;
    s.assign_account("A1", "ACME", date("2026-06-01"), &alice).await.unwrap();
    // July: the payer that had data in June has none yet
    let e = s.sign_off(p("2026-07"), &cfg, date("2026-08-08"), "", &alice).await.unwrap_err().to_string();
    assert!(e.contains("no data for payer(s) P1 (they had data in 2026-06)"), "{e}");

    assert!(matches!(s.reopen(p("2026-05"), " ", &alice).await, Err(StoreError::Invalid(_))));
    assert!(matches!(s.reopen(p("2026-05"), "late credit", &bob).await, Err(StoreError::Forbidden(_))));
    let close = s.reopen(p("2026-05"), "late credit", &alice).await.unwrap();
    assert!(!close.is_locked());
    assert_eq!(close.events().len(), 2);
    let audit = s.audit(&AuditFilter { action: Some("close.".into()), ..Default::default() }).await.unwrap();
    assert_eq!(audit.len(), 2);
    assert_eq!(audit[0].reason.as_deref(), Some("late credit"));
    s.add_supplier_invoice(&NewSupplierInvoice { number: "AWS-2".into(), ..sup }, &bob).await.unwrap();
}
store_test!(close_locks_and_reopens => close_locks_and_reopens_sqlite, close_locks_and_reopens_postgres);

async fn regeneration_and_concurrent_issue(s: Arc<dyn Store>) {
    let names: Vec<(String, String)> = (0..6).map(|i| (format!("C{i}"), format!("A{i}"))).collect();
    let pairs: Vec<(&str, &str)> = names.iter().map(|(c, a)| (c.as_str(), a.as_str())).collect();
    setup(&s, &pairs).await;
    let (bob, alice) = (actor("bob", 5), actor("alice", 6));
    let first = generate(&s, "C0", "bob").await.invoice;
    assert_eq!(first.total, d("100.01"));
    s.add_price_rule(
        "C0",
        RuleScope::any().service("EC2"),
        Pricing::discount(d("50")).unwrap(),
        date("2026-05-01"),
        &bob,
    )
    .await
    .unwrap();
    let again = generate(&s, "C0", "bob").await;
    assert_eq!(again.invoice.id, first.id, "regenerated in place");
    assert_eq!(again.invoice.total, d("50.00"));
    assert!(again.previous.is_some());
    let mut ids = vec![again.invoice.id];
    for (c, _) in names.iter().skip(1) {
        ids.push(generate(&s, c, "bob").await.invoice.id);
    }
    for id in &ids {
        s.step_invoice(*id, InvoiceStep::Review, "", None, &bob).await.unwrap();
        s.step_invoice(*id, InvoiceStep::Approve, "", None, &alice).await.unwrap();
    }
    let mut tasks = Vec::new();
    for id in ids.clone() {
        let s = s.clone();
        let by = alice.clone();
        tasks.push(tokio::spawn(async move { s.issue_invoice(id, "INV-", 30, &by).await }));
    }
    let mut numbers = Vec::new();
    for t in tasks {
        numbers.push(t.await.unwrap().unwrap().number.unwrap());
    }
    numbers.sort();
    let want: Vec<String> = (1..=6).map(|n| format!("INV-{n:06}")).collect();
    assert_eq!(numbers, want, "distinct, consecutive, no gap");
    let issued = s.invoice(ids[0]).await.unwrap();
    assert!(matches!(generate_err(&s, "C0").await, StoreError::Conflict(_)), "issued invoices are immutable");
    assert_eq!(issued.due_on, Some(date("2026-07-06")));

    // payments and balance
    let number = issued.number.clone().unwrap();
    let pay = NewPayment {
        customer: "C0".into(),
        amount: d("20"),
        received_on: date("2026-06-10"),
        invoice: Some(number.clone()),
        reference: None,
    };
    s.add_payment(&pay, &bob).await.unwrap();
    let bal = s.balance("C0", date("2026-08-01")).await.unwrap();
    assert_eq!((bal.balance, bal.overdue), (d("30.00"), d("30.00")));
    assert_eq!(bal.last_invoice.as_deref(), Some(number.as_str()));
    assert_eq!(bal.last_payment, Some(d("20")));
    assert_eq!(s.balance("C0", date("2026-06-10")).await.unwrap().overdue, Decimal::ZERO);
    let too_much = NewPayment { amount: d("31"), ..pay };
    assert!(matches!(s.add_payment(&too_much, &bob).await, Err(StoreError::Invalid(_))));
    let st = s.statement("C0", date("2026-06-01"), date("2026-06-30")).await.unwrap();
    assert_eq!((st.opening, st.closing, st.entries.len()), (Decimal::ZERO, d("30.00"), 2));
    let listed = s.list_invoices(&InvoiceFilter { period: Some(p("2026-05")), customer: None }).await.unwrap();
    assert_eq!(listed.len(), 6);
}
store_test!(regeneration_and_concurrent_issue => regeneration_and_concurrent_issue_sqlite, regeneration_and_concurrent_issue_postgres);

async fn generate_err(s: &Arc<dyn Store>, customer: &str) -> StoreError {
    let inv = s.list_invoices(&InvoiceFilter { customer: Some(customer.into()), period: None }).await.unwrap();
    let mut draft = s.invoice(inv[0].id).await.unwrap().draft;
    draft.charges[0].amount += Decimal::ONE;
    s.save_draft(&draft, &[], &actor("bob", 9)).await.unwrap_err()
}

pub(crate) fn credit(customer: &str, amount: &str) -> NewCredit {
    NewCredit {
        customer: customer.into(),
        kind: CreditKind::Goodwill,
        amount: d(amount),
        scope: CreditScope::all(),
        valid_from: date("2026-05-01"),
        valid_to: date("2026-08-01"),
        evidence: "ticket 42".into(),
        reason: "outage".into(),
    }
}

async fn credits_maker_checker_and_races(s: Arc<dyn Store>) {
    setup(&s, &[("ACME", "A1")]).await;
    let (bob, alice, carol) = (actor("bob", 5), actor("alice", 6), actor("carol", 6));
    let policy = ApprovalPolicy::new(d("500")).unwrap();
    let big = s.propose_credit(&credit("ACME", "1000"), &bob).await.unwrap();
    assert_eq!(big.credit.id(), format!("CR-{}", big.id));
    assert!(matches!(s.decide_credit(big.id, true, "ok", policy, None, &bob).await, Err(StoreError::Forbidden(_))));
    let own = s.propose_credit(&credit("ACME", "600"), &alice).await.unwrap();
    let e = s.decide_credit(own.id, true, "ok", policy, None, &alice).await.unwrap_err();
    assert!(matches!(e, StoreError::Forbidden(ref m) if m.contains("maker-checker")), "{e}");

    // two approvers at once: one wins, the other is told
    let (s1, s2) = (s.clone(), s.clone());
    let (v, id) = (big.version, big.id);
    let (a, c) = (alice.clone(), carol.clone());
    let t1 = tokio::spawn(async move { s1.decide_credit(id, true, "agreed", policy, Some(v), &a).await });
    let t2 = tokio::spawn(async move { s2.decide_credit(id, false, "no", policy, Some(v), &c).await });
    let (r1, r2) = (t1.await.unwrap(), t2.await.unwrap());
    let oks = [r1.is_ok(), r2.is_ok()].iter().filter(|x| **x).count();
    assert_eq!(oks, 1, "{r1:?} {r2:?}");
    let loser = if r1.is_ok() { r2 } else { r1 };
    assert!(matches!(loser, Err(StoreError::Conflict(_))), "{loser:?}");

    // an approved credit reduces the draft, and is applied at issue
    s.decide_credit(own.id, false, "duplicate", policy, None, &carol).await.unwrap();
    let small = s.propose_credit(&credit("ACME", "30"), &bob).await.unwrap();
    s.decide_credit(small.id, true, "fine", policy, None, &alice).await.unwrap();
    let winner_approved =
        s.credit(big.id).await.unwrap().credit.status() == billops_domain::credit::CreditStatus::Approved;
    let inv = generate(&s, "ACME", "bob").await.invoice;
    let expected = if winner_approved { d("0.00") } else { d("70.01") };
    assert_eq!(inv.total, expected, "credits never push below zero");
    s.step_invoice(inv.id, InvoiceStep::Review, "", None, &bob).await.unwrap();
    s.step_invoice(inv.id, InvoiceStep::Approve, "", None, &alice).await.unwrap();
    s.issue_invoice(inv.id, "INV-", 30, &alice).await.unwrap();
    let small = s.credit(small.id).await.unwrap();
    assert_eq!(small.credit.remaining(), if winner_approved { d("30") } else { Decimal::ZERO });
    let listed = s.list_credits(&Default::default()).await.unwrap();
    assert_eq!(listed.len(), 3);
}
store_test!(credits_maker_checker_and_races => credits_maker_checker_and_races_sqlite, credits_maker_checker_and_races_postgres);

/// Bootstrap: a store with no users lets whoever acts write as a manager (so it can be set up); once a user
/// exists, unknown users are viewers and month-end writes are refused.
async fn bootstrap_role_until_first_user(s: Arc<dyn Store>) {
    s.add_customer(&customer("acme"), &actor("root", 1)).await.unwrap();
    let credit = |amount: &str| NewCredit {
        customer: "acme".into(),
        kind: CreditKind::Goodwill,
        amount: d(amount),
        scope: CreditScope::all(),
        valid_from: date("2026-05-01"),
        valid_to: date("2026-08-01"),
        evidence: "call 42".into(),
        reason: "outage".into(),
    };
    let stranger = actor("stranger", 2);
    s.propose_credit(&credit("10"), &stranger).await.unwrap();
    s.set_user("alice", Role::Manager, &actor("root", 3)).await.unwrap();
    let e = s.propose_credit(&credit("11"), &stranger).await.unwrap_err();
    assert!(matches!(e, StoreError::Forbidden(_)), "{e}");
    s.propose_credit(&credit("12"), &actor("alice", 4)).await.unwrap();
}
store_test!(bootstrap_role_until_first_user => bootstrap_role_until_first_user_sqlite, bootstrap_role_until_first_user_postgres);

/// The supplier invoice of payer P1 for May that ties the one-item books of these tests (billed 100.005).
pub fn may_supplier_invoice() -> NewSupplierInvoice {
    NewSupplierInvoice {
        payer: "P1".into(),
        period: p("2026-05"),
        number: "AWS-1".into(),
        currency: "USD".into(),
        amount: d("100.005"),
        tax: Decimal::ZERO,
        credits: Decimal::ZERO,
    }
}
