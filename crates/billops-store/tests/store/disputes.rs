//! Disputes, PPAs, SLA claims and requests in the store (both backends): a dispute on an issued line with its
//! request SLA, every transition audited, maker-checker on settlement and on the PPA, versioned updates (stale →
//! conflict), writes refused in a signed-off month and PPAs posted only into an open period, two settlements at
//! once: one wins.
use std::sync::Arc;

use billops_domain::Money;
use billops_domain::Role;
use billops_domain::close::CloseConfig;
use billops_domain::credit::ApprovalPolicy;
use billops_domain::dispute::{DisputeStatus, ReasonCode, Settlement};
use billops_domain::invoice::InvoiceStatus;
use billops_domain::ppa::{PostingKind, PpaStatus};
use billops_domain::request::{SlaTarget, Standing, TimerState};
use billops_domain::sla::{ClaimInput, ClaimStatus, Share};
use billops_store::disputes::{
    ClaimChange, DisputeChange, DisputeFilter, NewDispute, NewPpa, NewRequest, PpaFilter, RequestKind, TimerAction,
};
use billops_store::{Actor, AuditFilter, CreditNoteFilter, InvoiceStep, Store, StoreError};
use chrono::{TimeZone, Utc};
use rust_decimal::Decimal;

use crate::month_end::may_supplier_invoice;
use crate::support::{actor, d, date, p, quiet_month};

fn on(name: &str, day: &str) -> Actor {
    let at = date(day).and_hms_opt(10, 0, 0).unwrap();
    Actor { name: name.into(), at: Utc.from_utc_datetime(&at) }
}

fn policy(threshold: &str) -> ApprovalPolicy {
    ApprovalPolicy::new(d(threshold)).unwrap()
}

/// ACME's May invoice (100.01) issued as INV-000001; carol is a second manager, dave a viewer. Returns the
/// invoice id and the number of its first billed line.
async fn issued(s: &Arc<dyn Store>) -> (i64, u32) {
    crate::month_end::setup(s, &[("ACME", "A1")]).await;
    let (draft, pc) = crate::month_end::draft_of(s, "ACME").await;
    let id = s.save_draft(&draft, &pc, &actor("bob", 5)).await.unwrap().invoice.id;
    s.step_invoice(id, InvoiceStep::Review, "", None, &actor("bob", 5)).await.unwrap();
    s.step_invoice(id, InvoiceStep::Approve, "", None, &actor("alice", 6)).await.unwrap();
    s.issue_invoice(id, "INV-", 30, &actor("alice", 6)).await.unwrap();
    s.set_user("carol", Role::Manager, &actor("root", 1)).await.unwrap();
    s.set_user("dave", Role::Viewer, &actor("root", 1)).await.unwrap();
    let inv = s.invoice(id).await.unwrap();
    let line = inv.draft.lines().position(|l| !l.amount.is_zero()).unwrap() + 1;
    (id, u32::try_from(line).unwrap())
}

fn new_dispute(invoice_id: i64, line: Option<u32>, amount: &str) -> NewDispute {
    NewDispute {
        invoice_id,
        line,
        amount: d(amount),
        reason: ReasonCode::Pricing,
        evidence: "contract rate is 10% lower".into(),
        external_ref: Some("INC0012345".into()),
        owner: None,
        sla: SlaTarget::hours(8, 75).unwrap(),
    }
}

async fn dispute_settles_through_a_ppa_posted_in_the_open_period(s: Arc<dyn Store>) {
    let (id, line) = issued(&s).await;
    let inv = s.invoice(id).await.unwrap();
    let line_amount = inv.draft.lines().nth(line as usize - 1).unwrap().amount;
    let bob = on("bob", "2026-06-12");
    // Refusals: more than the line, a viewer, no evidence, a line the invoice does not have.
    let e = s.add_dispute(&new_dispute(id, Some(line), "1000"), &bob).await.unwrap_err();
    assert!(matches!(e, StoreError::Invalid(ref m) if m.contains("more than")), "{e}");
    let e = s.add_dispute(&new_dispute(id, Some(line), "4"), &on("dave", "2026-06-12")).await.unwrap_err();
    assert!(matches!(e, StoreError::Forbidden(_)), "{e}");
    let e = s.add_dispute(&new_dispute(id, Some(99), "4"), &bob).await.unwrap_err();
    assert!(e.to_string().contains("no line 99"), "{e}");

    // Friday 10:00 with 8 working hours: due Monday 10:00 (7 h on Friday, 1 h on Monday).
    let dsp = s.add_dispute(&new_dispute(id, Some(line), "40"), &bob).await.unwrap();
    assert_eq!(dsp.dispute.status, DisputeStatus::Open);
    assert_eq!(dsp.invoice_number.as_deref(), Some("INV-000001"));
    assert_eq!(dsp.dispute.input.due, Some(Utc.with_ymd_and_hms(2026, 6, 15, 10, 0, 0).unwrap()));
    assert_eq!(dsp.dispute.input.owner, "bob");
    assert_eq!(s.invoice(id).await.unwrap().status, InvoiceStatus::Disputed, "the invoice shows disputed");
    let req = s.request(dsp.request_id.unwrap()).await.unwrap();
    assert_eq!((req.kind, req.external_ref.as_deref()), (RequestKind::Dispute, Some("INC0012345")));
    assert!(matches!(req.timer.state(), TimerState::Running(_)));

    let pol = policy("10");
    let research = s.update_dispute(dsp.id, &DisputeChange::Research, "asked AM", pol, Some(1), &bob).await.unwrap();
    // A stale version is a conflict and changes nothing.
    let e = s.update_dispute(dsp.id, &DisputeChange::Accept, "", pol, Some(1), &bob).await.unwrap_err();
    assert!(matches!(e, StoreError::Conflict(_)), "{e}");
    assert_eq!(s.dispute(dsp.id).await.unwrap(), research);
    let e = s.update_dispute(dsp.id, &DisputeChange::Reject, " ", pol, None, &bob).await.unwrap_err();
    assert!(matches!(e, StoreError::Invalid(_)), "a rejection says why: {e}");
    let acc = s.update_dispute(dsp.id, &DisputeChange::Accept, "rate confirmed", pol, None, &bob).await.unwrap();
    assert_eq!(acc.dispute.status, DisputeStatus::Accepted);
    // The decision stops the request's clock (met: 1 working hour of 8).
    let req = s.request(dsp.request_id.unwrap()).await.unwrap();
    let cal = s.request_calendar().await.unwrap();
    assert_eq!(req.timer.standing(req.target, &cal, bob.at), Standing::Met { used: 0 });

    // Maker-checker: bob accepted 40 (over 10), so bob cannot settle; alice can.
    let settle = DisputeChange::SettleByPpa { interest: d("0.27") };
    let e = s.update_dispute(dsp.id, &settle, "", pol, None, &bob).await.unwrap_err();
    assert!(matches!(e, StoreError::Forbidden(_)), "{e}");
    let alice = on("alice", "2026-06-12");
    let done = s.update_dispute(dsp.id, &settle, "per contract", pol, None, &alice).await.unwrap();
    assert_eq!(done.dispute.status, DisputeStatus::Settled);
    assert_eq!(s.invoice(id).await.unwrap().status, InvoiceStatus::Issued, "no dispute holds it any more");
    let Some(Settlement::Ppa { id: Some(ppa_id) }) = done.dispute.settlement.clone() else {
        panic!("settled by a PPA: {:?}", done.dispute.settlement)
    };
    let ppa = s.ppa(ppa_id).await.unwrap();
    assert_eq!(
        (ppa.dispute_id, ppa.ppa.status, ppa.ppa.proposer.as_str()),
        (Some(dsp.id), PpaStatus::Proposed, "alice")
    );
    assert_eq!((ppa.ppa.input.original, ppa.ppa.input.rerated), (line_amount, line_amount - d("40")));
    assert_eq!(ppa.ppa.input.original_period, p("2026-05"));

    // The PPA: a manager, and not its proposer (40 is over the threshold).
    let e = s.decide_ppa(ppa_id, true, "", pol, None, &bob).await.unwrap_err();
    assert!(matches!(e, StoreError::Forbidden(_)), "{e}");
    let e = s.decide_ppa(ppa_id, true, "", pol, None, &alice).await.unwrap_err();
    assert!(matches!(e, StoreError::Forbidden(ref m) if m.contains("another person")), "{e}");
    let ok = s.decide_ppa(ppa_id, true, "checked", pol, Some(ppa.version), &on("carol", "2026-06-12")).await.unwrap();
    assert_eq!((ok.ppa.status, ok.ppa.approver.as_deref()), (PpaStatus::Approved, Some("carol")));

    // Posting: never into the corrected period or a locked one; into the open one, once.
    s.add_supplier_invoice(&may_supplier_invoice(), &bob).await.unwrap();
    s.sign_off(p("2026-05"), &CloseConfig::default(), date("2026-06-08"), "", &alice).await.unwrap();
    let e = s.post_ppas("ACME", p("2026-05"), &bob).await.unwrap_err();
    assert!(matches!(e, StoreError::Locked { .. }), "{e}");
    let posted = s.post_ppas("ACME", p("2026-06"), &bob).await.unwrap();
    assert_eq!(posted.len(), 1);
    assert_eq!((posted[0].ppa.status, posted[0].ppa.posting_period), (PpaStatus::Posted, Some(p("2026-06"))));
    let lines = posted[0].ppa.lines();
    let kinds: Vec<(PostingKind, Decimal)> = lines.iter().map(|l| (l.kind, l.amount)).collect();
    assert_eq!(
        kinds,
        [
            (PostingKind::Reverse, -line_amount),
            (PostingKind::Rebill, line_amount - d("40")),
            (PostingKind::Interest, d("0.27"))
        ]
    );
    assert!(lines[0].text.contains("INV-000001 line"), "{}", lines[0].text);
    assert_eq!(s.post_ppas("ACME", p("2026-06"), &bob).await.unwrap(), posted, "regenerating posts nothing twice");
    assert!(s.post_ppas("ACME", p("2026-07"), &bob).await.unwrap().is_empty());
    let f = PpaFilter { customer: Some("ACME".into()), status: Some(PpaStatus::Posted), invoice_id: Some(id) };
    assert_eq!(s.list_ppas(&f).await.unwrap().len(), 1);

    let trail = s.audit(&AuditFilter::default()).await.unwrap();
    let actions: Vec<&str> = trail.iter().map(|e| e.action.as_str()).collect();
    for a in [
        "dispute.add",
        "invoice.dispute",
        "invoice.resolve_dispute",
        "dispute.research",
        "dispute.accept",
        "dispute.settle_ppa",
        "request.add",
        "request.stop",
        "ppa.propose",
        "ppa.approve",
        "ppa.post",
    ] {
        assert!(actions.contains(&a), "{a} audited: {actions:?}");
    }
    let history: Vec<(DisputeStatus, &str)> = done.dispute.history.iter().map(|e| (e.to, e.by.as_str())).collect();
    assert_eq!(
        history,
        [
            (DisputeStatus::Open, "bob"),
            (DisputeStatus::Researching, "bob"),
            (DisputeStatus::Accepted, "bob"),
            (DisputeStatus::Settled, "alice")
        ]
    );
}
store_test!(dispute_settles_through_a_ppa_posted_in_the_open_period => disputes_ppa_sqlite, disputes_ppa_postgres);

async fn dispute_writes_respect_locks_and_one_settlement_wins(s: Arc<dyn Store>) {
    let (id, line) = issued(&s).await;
    let (alice, bob) = (on("alice", "2026-06-08"), on("bob", "2026-06-08"));
    s.add_supplier_invoice(&may_supplier_invoice(), &bob).await.unwrap();
    s.sign_off(p("2026-05"), &CloseConfig::default(), date("2026-06-08"), "", &alice).await.unwrap();
    // The invoice's period is locked: the dispute is still recorded (in June); so are PPAs against it.
    let dsp = s.add_dispute(&new_dispute(id, None, "20"), &on("bob", "2026-06-10")).await.unwrap();
    let np =
        NewPpa { invoice_id: id, line, rerated: d("1"), interest: Decimal::ZERO, reason: "rate".into(), run: None };
    let ppas = s.propose_ppas(std::slice::from_ref(&np), &on("bob", "2026-06-10")).await.unwrap();
    assert_eq!(ppas[0].ppa.status, PpaStatus::Proposed);
    // A PPA on a draft (not issued) is refused; propose_ppas is all or nothing.
    let before = s.list_ppas(&PpaFilter::default()).await.unwrap().len();
    let bad = NewPpa { line: 999, ..np.clone() };
    assert!(s.propose_ppas(&[np.clone(), bad], &on("bob", "2026-06-10")).await.is_err());
    assert_eq!(s.list_ppas(&PpaFilter::default()).await.unwrap().len(), before, "nothing written");

    let pol = policy("1000");
    s.update_dispute(dsp.id, &DisputeChange::Accept, "agreed", pol, None, &on("alice", "2026-06-10")).await.unwrap();
    // June signed off (a quiet month: the board refuses an empty one): no dispute or PPA write dated in June.
    quiet_month(&s, "2026-06", "P1", &on("bob", "2026-06-10")).await;
    s.sign_off(p("2026-06"), &CloseConfig::default(), date("2026-07-01"), "quiet", &alice).await.unwrap();
    let e = s.add_dispute(&new_dispute(id, None, "5"), &on("bob", "2026-06-20")).await.unwrap_err();
    assert!(matches!(e, StoreError::Locked { ref period, .. } if period == "2026-06"), "{e}");
    let e = s.propose_ppas(&[np], &on("bob", "2026-06-20")).await.unwrap_err();
    assert!(matches!(e, StoreError::Locked { .. }), "{e}");
    let e = s.decide_ppa(ppas[0].id, true, "", pol, None, &on("carol", "2026-06-20")).await.unwrap_err();
    assert!(matches!(e, StoreError::Locked { .. }), "{e}");
    let e = s.post_ppas("ACME", p("2026-06"), &on("bob", "2026-07-02")).await.unwrap_err();
    assert!(matches!(e, StoreError::Locked { .. }), "{e}");

    // July is open: two managers settle the dispute by credit note at once; one wins, one credit note.
    let mut tasks = Vec::new();
    for who in ["alice", "carol"] {
        let s = s.clone();
        let by = on(who, "2026-07-02");
        let change = DisputeChange::SettleByCreditNote { series: "CN-".into() };
        tasks.push(tokio::spawn(async move { s.update_dispute(dsp.id, &change, "agreed", pol, None, &by).await }));
    }
    let mut outcomes = Vec::new();
    for t in tasks {
        outcomes.push(t.await.unwrap());
    }
    let won: Vec<_> = outcomes.iter().filter_map(|o| o.as_ref().ok()).collect();
    assert_eq!(won.len(), 1, "{outcomes:?}");
    assert_eq!(won[0].dispute.settlement, Some(Settlement::CreditNote { number: Some("CN-000001".into()) }));
    let lost = outcomes.iter().find_map(|o| o.as_ref().err()).unwrap();
    assert!(matches!(lost, StoreError::Conflict(_)), "{lost}");
    let notes = s.list_credit_notes(&CreditNoteFilter::default()).await.unwrap();
    assert_eq!(notes.iter().map(|n| n.amount).collect::<Vec<_>>(), [d("20")]);
    let open = DisputeFilter { open_only: true, ..DisputeFilter::default() };
    assert!(s.list_disputes(&open).await.unwrap().is_empty());
    let all = DisputeFilter { customer: Some("ACME".into()), ..DisputeFilter::default() };
    assert_eq!(s.list_disputes(&all).await.unwrap().len(), 1);
}
store_test!(dispute_writes_respect_locks_and_one_settlement_wins => disputes_locks_sqlite, disputes_locks_postgres);

async fn sla_claims_and_request_timers(s: Arc<dyn Store>) {
    crate::month_end::setup(&s, &[("ACME", "A1")]).await;
    let bob = on("bob", "2026-06-12");
    let input = |uptime: &str| ClaimInput {
        service: "AmazonEC2".into(),
        region: "us-east-1".into(),
        incident_start: Utc.with_ymd_and_hms(2026, 5, 3, 1, 0, 0).unwrap(),
        incident_end: Utc.with_ymd_and_hms(2026, 5, 3, 9, 0, 0).unwrap(),
        uptime: d(uptime),
        affected_charges: Money::new(d("1000"), "USD"),
    };
    let c = s.add_sla_claim(&input("98.5"), &bob).await.unwrap();
    assert_eq!(
        (c.claim.amount.amount, c.claim.deadline, c.claim.status),
        (d("300"), date("2026-07-31"), ClaimStatus::Draft)
    );
    let met = s.add_sla_claim(&input("99.995"), &bob).await.unwrap();
    let e = s.update_sla_claim(met.id, &ClaimChange::Submit, "", None, &bob).await.unwrap_err();
    assert!(matches!(e, StoreError::Invalid(ref m) if m.contains("not eligible")), "{e}");
    let c = s.update_sla_claim(c.id, &ClaimChange::Submit, "case 123", Some(1), &bob).await.unwrap();
    let e = s.update_sla_claim(c.id, &ClaimChange::Approve, "", Some(1), &bob).await.unwrap_err();
    assert!(matches!(e, StoreError::Conflict(_)), "stale: {e}");
    let e = s.update_sla_claim(c.id, &ClaimChange::PassThrough { shares: vec![] }, "", None, &bob).await.unwrap_err();
    assert!(matches!(e, StoreError::Conflict(_)), "not credited yet: {e}");
    // The supplier's decision is a manager's to record.
    let e = s.update_sla_claim(c.id, &ClaimChange::Approve, "", None, &bob).await.unwrap_err();
    assert!(matches!(e, StoreError::Forbidden(_)), "an operator: {e}");
    let alice = on("alice", "2026-06-12");
    let c = s.update_sla_claim(c.id, &ClaimChange::Approve, "", None, &alice).await.unwrap();
    let c =
        s.update_sla_claim(c.id, &ClaimChange::Credit { amount: d("300") }, "on invoice", None, &bob).await.unwrap();
    let shares = vec![
        Share { customer: "ACME".into(), affected: d("600") },
        Share { customer: "BETA".into(), affected: d("400") },
    ];
    let e = s.update_sla_claim(c.id, &ClaimChange::PassThrough { shares: shares.clone() }, "", None, &bob).await;
    assert!(matches!(e, Err(StoreError::NotFound(_))), "BETA is no customer yet: nothing passed through");
    assert_eq!(s.sla_claim(c.id).await.unwrap().claim.status, ClaimStatus::Credited);
    let beta = billops_store::NewCustomer { code: "BETA".into(), name: "Beta".into(), currency: "USD".into() };
    s.add_customer(&beta, &actor("root", 1)).await.unwrap();
    let c = s.update_sla_claim(c.id, &ClaimChange::PassThrough { shares }, "", None, &bob).await.unwrap();
    assert_eq!(c.claim.status, ClaimStatus::PassedThrough);
    assert_eq!(c.allocations.iter().map(|a| a.amount).collect::<Vec<_>>(), [d("180"), d("120")]);
    // One SLA service credit proposed per customer, for a manager to approve.
    assert_eq!(c.credits.len(), 2);
    let credits = s.list_credits(&billops_store::CreditFilter::default()).await.unwrap();
    let sla: Vec<(String, Decimal)> = credits
        .iter()
        .filter(|x| *x.credit.kind() == billops_domain::credit::CreditKind::SlaServiceCredit)
        .map(|x| (x.credit.customer().to_string(), x.credit.amount().amount))
        .collect();
    assert_eq!(sla, [("ACME".to_string(), d("180")), ("BETA".to_string(), d("120"))]);
    assert_eq!(c.events.len(), 5);
    assert_eq!(s.list_sla_claims().await.unwrap().len(), 2);

    // A request: paused time does not count; a bad transition is a conflict.
    let t0 = Utc.with_ymd_and_hms(2026, 6, 15, 9, 0, 0).unwrap();
    let at = |h: i64| Actor { name: "bob".into(), at: t0 + chrono::Duration::hours(h) };
    let r = NewRequest {
        kind: RequestKind::CustomerQuery,
        external_ref: Some("RITM0001".into()),
        customer: Some("ACME".into()),
        subject: "why is EC2 up 20%?".into(),
        target: SlaTarget::hours(4, 50).unwrap(),
        start: true,
    };
    let q = s.add_request(&r, &at(0)).await.unwrap();
    let q = s.time_request(q.id, TimerAction::Pause, "waiting on customer", Some(q.version), &at(1)).await.unwrap();
    let e = s.time_request(q.id, TimerAction::Pause, "", None, &at(2)).await.unwrap_err();
    assert!(matches!(e, StoreError::Conflict(_)), "{e}");
    let q = s.time_request(q.id, TimerAction::Resume, "answered", None, &at(3)).await.unwrap();
    let cal = s.request_calendar().await.unwrap();
    assert_eq!(q.timer.elapsed(&cal, at(4).at), 2 * 3600);
    assert_eq!(q.timer.standing(q.target, &cal, at(4).at), Standing::Warning { left: 2 * 3600, paused: false });
    let e = s.add_request(&r, &on("dave", "2026-06-15")).await;
    assert!(e.is_err(), "dave is unknown here, so a viewer");
    assert_eq!(s.list_requests().await.unwrap().len(), 1);
}
store_test!(sla_claims_and_request_timers => disputes_sla_sqlite, disputes_sla_postgres);

/// While a dispute is open (or accepted, not yet settled) its amount leaves the overdue figure; settled, the
/// credit note does the work; the balance never counts the dispute.
async fn disputed_amounts_leave_the_overdue_figure(s: Arc<dyn Store>) {
    let (id, _) = issued(&s).await;
    let later = date("2026-08-01"); // past the due date (30 days after 2026-06-06)
    let before = s.balance("ACME", later).await.unwrap();
    assert_eq!((before.balance, before.overdue), (d("100.01"), d("100.01")));
    let dsp = s.add_dispute(&new_dispute(id, None, "30"), &on("bob", "2026-06-12")).await.unwrap();
    let held = s.balance("ACME", later).await.unwrap();
    assert_eq!((held.balance, held.overdue), (d("100.01"), d("70.01")));
    let pol = policy("1000");
    s.update_dispute(dsp.id, &DisputeChange::Accept, "ok", pol, None, &on("alice", "2026-06-12")).await.unwrap();
    assert_eq!(s.balance("ACME", later).await.unwrap().overdue, d("70.01"), "accepted, not settled: still held");
    let change = DisputeChange::SettleByCreditNote { series: "CN-".into() };
    s.update_dispute(dsp.id, &change, "agreed", pol, None, &on("carol", "2026-06-12")).await.unwrap();
    let after = s.balance("ACME", later).await.unwrap();
    assert_eq!((after.balance, after.overdue), (d("70.01"), d("70.01")), "the credit note replaces the hold");
}
store_test!(disputed_amounts_leave_the_overdue_figure => disputes_overdue_sqlite, disputes_overdue_postgres);

/// PostgreSQL: the database itself keeps PPA decisions to managers (the store checks first, as tested above
/// with bob): raw SQL from an operator login inserting a decided PPA is refused by the trigger (42501) before
/// any other check, while a proposal gets as far as the foreign keys.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn operator_login_cannot_decide_a_ppa_in_sql() {
    crate::access::run_with_logins("operator_login_cannot_decide_ppa", |l| async move {
        let mut sql = l.sql(&l.operator).await;
        let insert = |status: &str| {
            format!(
                "INSERT INTO ppas (customer_id, invoice_id, line, original_period, currency, delta, status, version, \
                 proposer, record, created_at, updated_by, updated_at) \
                 VALUES (999, 999, 1, '2026-05', 'USD', -1, '{status}', 1, 'x', '{{}}', now(), 'x', now())"
            )
        };
        let code = |r: Result<sqlx::postgres::PgQueryResult, sqlx::Error>| match r {
            Err(sqlx::Error::Database(e)) => e.code().map(|c| c.to_string()),
            other => panic!("{other:?}"),
        };
        let r = sqlx::query(sqlx::AssertSqlSafe(insert("approved"))).execute(&mut sql).await;
        assert_eq!(code(r).as_deref(), Some("42501"), "a decided PPA needs a manager");
        let r = sqlx::query(sqlx::AssertSqlSafe(insert("proposed"))).execute(&mut sql).await;
        assert_eq!(code(r).as_deref(), Some("23503"), "a proposal passes the guard (and stops at the keys)");
    })
    .await;
}
