//! Credit notes: a manager corrects an issued invoice with a document of its own gap-free series (partial or
//! full, never more than what is uncredited, a reason), audited; balance, overdue and statement count it; a
//! payment cannot settle what was credited; a credited invoice is not voided; the corrected invoice's period
//! may be locked, the posting month may not; two managers crediting one invoice at once: one wins.
use std::sync::Arc;

use billops_domain::close::CloseConfig;
use billops_store::{
    AuditFilter, CreditNoteFilter, InvoiceStep, NewCreditNote, NewPayment, StatementKind, Store, StoreError,
};
use chrono::{TimeZone, Utc};
use rust_decimal::Decimal;

use billops_store::Actor;

use crate::month_end::may_supplier_invoice;
use crate::support::{actor, d, date, p, quiet_month};

fn on(name: &str, day: &str) -> Actor {
    let at = date(day).and_hms_opt(10, 0, 0).unwrap();
    Actor { name: name.into(), at: Utc.from_utc_datetime(&at) }
}

fn note(invoice_id: i64, amount: &str, reason: &str) -> NewCreditNote {
    NewCreditNote { invoice_id, amount: d(amount), reason: reason.into() }
}

/// ACME's May invoice (100.01), issued as INV-000001 on 2026-06-06, due 30 days later.
async fn issued(s: &Arc<dyn Store>) -> i64 {
    crate::month_end::setup(s, &[("ACME", "A1")]).await;
    let (draft, pc) = crate::month_end::draft_of(s, "ACME").await;
    let id = s.save_draft(&draft, &pc, &actor("bob", 5)).await.unwrap().invoice.id;
    s.step_invoice(id, InvoiceStep::Review, "", None, &actor("bob", 5)).await.unwrap();
    s.step_invoice(id, InvoiceStep::Approve, "", None, &actor("alice", 6)).await.unwrap();
    let inv = s.issue_invoice(id, "INV-", 30, &actor("alice", 6)).await.unwrap();
    assert_eq!((inv.number.as_deref(), inv.total), (Some("INV-000001"), d("100.01")));
    id
}

async fn credit_notes_correct_issued_invoices(s: Arc<dyn Store>) {
    let id = issued(&s).await;
    let alice = on("alice", "2026-06-12");
    // Only a manager, only an issued invoice, a reason, at most what is uncredited, in minor units.
    assert!(matches!(
        s.issue_credit_note(&note(id, "40", "rate"), "CN-", &on("bob", "2026-06-12")).await,
        Err(StoreError::Forbidden(_))
    ));
    assert!(matches!(s.issue_credit_note(&note(id, "40", " "), "CN-", &alice).await, Err(StoreError::Invalid(_))));
    assert!(matches!(s.issue_credit_note(&note(id, "100.02", "x"), "CN-", &alice).await, Err(StoreError::Invalid(_))));
    assert!(matches!(s.issue_credit_note(&note(id, "1.001", "x"), "CN-", &alice).await, Err(StoreError::Invalid(_))));
    assert!(matches!(s.issue_credit_note(&note(999, "1", "x"), "CN-", &alice).await, Err(StoreError::NotFound(_))));

    let a = s.issue_credit_note(&note(id, "40.00", "EC2 rate applied twice"), "CN-", &alice).await.unwrap();
    assert_eq!(
        (a.number.as_str(), a.invoice_number.as_str(), a.customer.as_str(), a.period, a.amount, a.issued_on),
        ("CN-000001", "INV-000001", "ACME", p("2026-05"), d("40"), date("2026-06-12"))
    );
    let e = s.issue_credit_note(&note(id, "60.02", "rest"), "CN-", &alice).await.unwrap_err();
    assert!(e.to_string().contains("more than the 60.01 still uncredited"), "{e}");
    // A payment settles at most what is left after the credit note.
    let pay = |amount: &str| NewPayment {
        customer: "ACME".into(),
        amount: d(amount),
        received_on: date("2026-06-20"),
        invoice: Some("INV-000001".into()),
        reference: None,
    };
    let e = s.add_payment(&pay("60.02"), &on("bob", "2026-06-20")).await.unwrap_err();
    assert!(e.to_string().contains("still owed on INV-000001 after its credit notes"), "{e}");
    assert_eq!(s.invoice_payments(id).await.unwrap(), [], "none yet");
    s.add_payment(&pay("10"), &on("bob", "2026-06-20")).await.unwrap();
    // The invoice's payments, exact, with their date and reference (what the console's invoice detail lists).
    let ps = s.invoice_payments(id).await.unwrap();
    assert_eq!(
        ps.iter().map(|x| (x.customer.as_str(), x.amount, x.received_on, x.invoice.as_deref())).collect::<Vec<_>>(),
        [("ACME", d("10"), date("2026-06-20"), Some("INV-000001"))]
    );
    assert_eq!(s.invoice_payments(999).await.unwrap(), [], "an unknown invoice has none");
    let b = s
        .issue_credit_note(&note(id, "50.01", "goodwill for the outage"), "CN-", &on("alice", "2026-06-25"))
        .await
        .unwrap();
    assert_eq!(b.number, "CN-000002", "gap-free: the refusals took no number");
    // Paid or not, the 10.00 not credited stays creditable (a refund leaves the customer in credit).
    let e = s.issue_credit_note(&note(id, "10.01", "x"), "CN-", &alice).await.unwrap_err();
    assert!(e.to_string().contains("more than the 10.00 still uncredited"), "{e}");

    // Balance and statement: 100.01 − 10 paid − 90.01 credited = 0, nothing overdue.
    let bal = s.balance("ACME", date("2026-08-01")).await.unwrap();
    assert_eq!((bal.balance, bal.overdue), (Decimal::ZERO, Decimal::ZERO));
    let st = s.statement("ACME", date("2026-06-01"), date("2026-06-30")).await.unwrap();
    let kinds: Vec<(StatementKind, String, Decimal)> =
        st.entries.iter().map(|e| (e.kind.clone(), e.reference.clone(), e.amount)).collect();
    assert_eq!(
        kinds,
        [
            (StatementKind::Invoice, "INV-000001".to_string(), d("100.01")),
            (StatementKind::CreditNote, "CN-000001 (INV-000001)".to_string(), d("-40")),
            (StatementKind::Payment, "payment 1 (INV-000001)".to_string(), d("-10")),
            (StatementKind::CreditNote, "CN-000002 (INV-000001)".to_string(), d("-50.01")),
        ]
    );
    assert_eq!((st.opening, st.closing), (Decimal::ZERO, Decimal::ZERO));
    let july = s.statement("ACME", date("2026-07-01"), date("2026-07-31")).await.unwrap();
    assert_eq!((july.opening, july.entries.len()), (Decimal::ZERO, 0), "the notes are in the opening balance");

    // Listed, loaded, audited; a credited invoice is not voided.
    let listed = s.list_credit_notes(&CreditNoteFilter { invoice_id: Some(id), ..Default::default() }).await.unwrap();
    assert_eq!(listed.iter().map(|n| n.number.as_str()).collect::<Vec<_>>(), ["CN-000001", "CN-000002"]);
    assert_eq!(
        s.list_credit_notes(&CreditNoteFilter { customer: Some("BETA".into()), ..Default::default() })
            .await
            .unwrap()
            .len(),
        0
    );
    assert_eq!(s.credit_note("CN-000002").await.unwrap().reason, "goodwill for the outage");
    assert!(matches!(s.credit_note("CN-9").await, Err(StoreError::NotFound(_))));
    let audit = s.audit(&AuditFilter { action: Some("credit_note.".into()), ..Default::default() }).await.unwrap();
    assert_eq!(audit.len(), 2);
    assert_eq!(
        (audit[0].entity_id.as_str(), audit[0].reason.as_deref()),
        ("CN-000002", Some("goodwill for the outage"))
    );
    let e = s.step_invoice(id, InvoiceStep::Void, "duplicate", None, &alice).await.unwrap_err();
    assert!(matches!(&e, StoreError::Conflict(m) if m.contains("credit notes")), "{e}");
}
store_test!(credit_notes_correct_issued_invoices => credit_notes_sqlite, credit_notes_postgres);

async fn credit_notes_respect_locks_and_race(s: Arc<dyn Store>) {
    let id = issued(&s).await;
    let (bob, alice) = (actor("bob", 7), actor("alice", 8));
    // Lock May (the invoice's period): a credit note posted in June still corrects it.
    let sup = may_supplier_invoice();
    s.add_supplier_invoice(&sup, &bob).await.unwrap();
    s.sign_off(p("2026-05"), &CloseConfig::default(), date("2026-06-08"), "", &alice).await.unwrap();
    let n = s.issue_credit_note(&note(id, "1.00", "rounding agreed"), "CN-", &alice).await.unwrap();
    assert_eq!(n.period, p("2026-05"));
    // The posting month locked: refused, naming the lock.
    quiet_month(&s, "2026-06", "P1", &bob).await;
    s.sign_off(p("2026-06"), &CloseConfig::default(), date("2026-07-08"), "quiet", &alice).await.unwrap();
    match s.issue_credit_note(&note(id, "1.00", "x"), "CN-", &alice).await {
        Err(StoreError::Locked { period, by }) => assert_eq!((period.as_str(), by.as_str()), ("2026-06", "alice")),
        other => panic!("expected Locked, got {other:?}"),
    }
    // July is open: two managers credit 60 of the 99.01 left at once; one wins, the other is told what is left.
    s.set_user("carol", billops_domain::Role::Manager, &actor("root", 1)).await.unwrap();
    let mut tasks = Vec::new();
    for who in ["alice", "carol"] {
        let s = s.clone();
        let by = on(who, "2026-07-02");
        tasks.push(tokio::spawn(async move { s.issue_credit_note(&note(id, "60", who), "CN-", &by).await }));
    }
    let mut outcomes = Vec::new();
    for t in tasks {
        outcomes.push(t.await.unwrap());
    }
    let won: Vec<_> = outcomes.iter().filter_map(|o| o.as_ref().ok()).collect();
    assert_eq!(won.len(), 1, "{outcomes:?}");
    assert_eq!(won[0].number, "CN-000002");
    let lost = outcomes.iter().find_map(|o| o.as_ref().err()).unwrap();
    assert!(lost.to_string().contains("39.01 still uncredited"), "{lost}");
    let all = s.list_credit_notes(&CreditNoteFilter::default()).await.unwrap();
    assert_eq!(all.iter().map(|n| n.amount).sum::<Decimal>(), d("61"));
}
store_test!(credit_notes_respect_locks_and_race => credit_notes_locks_sqlite, credit_notes_locks_postgres);

/// A payment dated inside a signed-off month is refused (the month's statement does not change after sign-off),
/// naming the first open day; nothing is recorded. Dated on an open day it is recorded as usual.
async fn payments_in_a_signed_off_month_are_refused(s: Arc<dyn Store>) {
    let _id = issued(&s).await;
    let (bob, alice) = (actor("bob", 7), actor("alice", 8));
    s.add_supplier_invoice(&may_supplier_invoice(), &bob).await.unwrap();
    s.sign_off(p("2026-05"), &CloseConfig::default(), date("2026-06-08"), "", &alice).await.unwrap();
    let pay = |day: &str| NewPayment {
        customer: "ACME".into(),
        amount: d("40"),
        received_on: date(day),
        invoice: Some("INV-000001".into()),
        reference: Some("wire 77".into()),
    };
    let before = s.balance("ACME", date("2026-08-01")).await.unwrap();
    let e = s.add_payment(&pay("2026-05-31"), &on("bob", "2026-06-10")).await.unwrap_err();
    assert!(
        matches!(&e, StoreError::Invalid(m) if m.contains("falls in 2026-05") && m.contains("2026-06-01 or later")),
        "{e}"
    );
    // two months signed off: the first open day is in the month after both
    quiet_month(&s, "2026-06", "P1", &bob).await;
    s.sign_off(p("2026-06"), &CloseConfig::default(), date("2026-07-08"), "quiet", &alice).await.unwrap();
    let e = s.add_payment(&pay("2026-05-31"), &on("bob", "2026-07-10")).await.unwrap_err();
    assert!(e.to_string().contains("2026-07-01 or later") && e.to_string().contains("value date 2026-05-31"), "{e}");
    let e = s.add_payment(&pay("2026-06-15"), &on("bob", "2026-07-10")).await.unwrap_err();
    assert!(e.to_string().contains("falls in 2026-06"), "{e}");
    assert_eq!(s.balance("ACME", date("2026-08-01")).await.unwrap(), before, "nothing was recorded");
    let paid = s.add_payment(&pay("2026-07-01"), &on("bob", "2026-07-10")).await.unwrap();
    assert_eq!(paid.amount, d("40"));
    let after = s.balance("ACME", date("2026-08-01")).await.unwrap();
    assert_eq!(before.balance - after.balance, d("40"));
}
store_test!(payments_in_a_signed_off_month_are_refused => payments_locked_sqlite, payments_locked_postgres);

/// Money typed by a person is never finer than the currency's minor unit: payments and credits finer than that are refused, naming the field and the currency (a yen has no cents), and nothing is written.
async fn hand_typed_money_is_never_finer_than_the_minor_unit(s: Arc<dyn Store>) {
    let _id = issued(&s).await;
    let bob = on("bob", "2026-06-10");
    let pay = |customer: &str, amount: &str| NewPayment {
        customer: customer.into(),
        amount: d(amount),
        received_on: date("2026-06-10"),
        invoice: None,
        reference: None,
    };
    let before = s.balance("ACME", date("2026-08-01")).await.unwrap();
    for amount in ["0.001", "0.00000000000000000001", "97975.649"] {
        match s.add_payment(&pay("ACME", amount), &bob).await {
            Err(StoreError::Invalid(m)) => assert!(m.contains("USD amounts have 2 decimal place(s) at most"), "{m}"),
            other => panic!("{amount}: expected Invalid, got {other:?}"),
        }
    }
    assert_eq!(s.balance("ACME", date("2026-08-01")).await.unwrap(), before, "nothing was recorded");
    s.add_payment(&pay("ACME", "10.50"), &bob).await.unwrap();
    let yen = billops_store::NewCustomer { code: "NIPPON".into(), name: "Nippon KK".into(), currency: "JPY".into() };
    s.add_customer(&yen, &bob).await.unwrap();
    let e = s.add_payment(&pay("NIPPON", "1.5"), &bob).await.unwrap_err();
    assert!(e.to_string().contains("JPY amounts have 0 decimal place(s)"), "{e}");
    s.add_payment(&pay("NIPPON", "1500"), &bob).await.unwrap();

    let e = s.propose_credit(&crate::month_end::credit("ACME", "12.345"), &bob).await.unwrap_err();
    assert!(e.to_string().contains("credit amount 12.345: USD amounts have 2"), "{e}");
    assert!(s.list_credits(&Default::default()).await.unwrap().is_empty(), "nothing was written");
}
store_test!(
    hand_typed_money_is_never_finer_than_the_minor_unit => typed_money_sqlite, typed_money_postgres
);
