#![allow(clippy::unwrap_used, clippy::expect_used)]
use chrono::{DateTime, TimeZone, Utc};
use proptest::prelude::*;
use rust_decimal::Decimal;

use super::tests::{Fixture, d, line};
use super::*;
use crate::party::{Role, User};
use crate::rating::{PriceBook, PriceRule, Pricing, RuleScope};
use crate::terms::Effective;

fn at(m: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 2, 8, 10, m, 0).unwrap()
}
fn op() -> User {
    User { name: "olga".into(), role: Role::Operator }
}
fn mgr() -> User {
    User { name: "max".into(), role: Role::Manager }
}
fn viewer() -> User {
    User { name: "vic".into(), role: Role::Viewer }
}

fn draft(cost: &str) -> Draft {
    Fixture::new(vec![line(1, "AmazonS3", ChargeCategory::Usage, cost)]).build().unwrap()
}

fn approved(id: &str, cost: &str) -> Invoice {
    let mut inv = Invoice::new(id, draft(cost)).unwrap();
    inv.act(InvoiceAction::Review, &op(), at(1), "").unwrap();
    inv.act(InvoiceAction::Approve, &mgr(), at(2), "").unwrap();
    inv
}

#[test]
fn happy_path_to_paid_with_gap_free_numbers() {
    let mut series = NumberSeries::new("INV-", 41, 6).unwrap();
    let mut inv = approved("i1", "100");
    assert_eq!(inv.issue(&mut series, &op(), at(3)).unwrap(), "INV-000041");
    assert_eq!((inv.status(), inv.number(), series.next_value()), (InvoiceStatus::Issued, Some("INV-000041"), 42));
    assert_eq!(inv.record_payment(d("40"), &op(), at(4)).unwrap(), InvoiceStatus::PartlyPaid);
    assert!(matches!(inv.record_payment(d("60.01"), &op(), at(5)), Err(InvoiceError::Overpayment { .. })));
    assert_eq!(inv.record_payment(d("60"), &op(), at(5)).unwrap(), InvoiceStatus::Paid);
    assert_eq!(inv.history().len(), 5);
    assert!(inv.act(InvoiceAction::Void, &mgr(), at(6), "mistake").is_err(), "paid invoices are not voided");
}

#[test]
fn refused_issues_do_not_consume_numbers() {
    let mut series = NumberSeries::new("INV-", 1, 4).unwrap();
    let mut inv = Invoice::new("i1", draft("10")).unwrap();
    assert!(matches!(inv.issue(&mut series, &op(), at(1)), Err(InvoiceError::BadTransition { .. })));
    let mut inv = approved("i2", "10");
    assert!(matches!(inv.issue(&mut series, &viewer(), at(1)), Err(InvoiceError::NotPermitted { .. })));
    assert_eq!(series.peek(), "INV-0001");
    inv.issue(&mut series, &op(), at(2)).unwrap();
    assert!(inv.issue(&mut series, &op(), at(3)).is_err(), "issued twice");
    assert_eq!(series.peek(), "INV-0002");
}

#[test]
fn roles_and_reasons_are_enforced() {
    let mut inv = Invoice::new("i1", draft("10")).unwrap();
    assert!(matches!(inv.act(InvoiceAction::Review, &viewer(), at(1), ""), Err(InvoiceError::NotPermitted { .. })));
    inv.act(InvoiceAction::Review, &op(), at(1), "").unwrap();
    let e = inv.act(InvoiceAction::Approve, &op(), at(2), "").unwrap_err();
    assert!(e.to_string().contains("olga"), "{e}");
    assert!(matches!(inv.act(InvoiceAction::Reopen, &op(), at(2), " "), Err(InvoiceError::ReasonRequired(_))));
    assert_eq!(inv.act(InvoiceAction::Reopen, &op(), at(2), "wrong tax").unwrap(), InvoiceStatus::Draft);
    assert!(inv.act(InvoiceAction::Issue { number: "X".into() }, &mgr(), at(3), "").is_err());
    assert!(inv.act(InvoiceAction::Payment { amount: d("1") }, &mgr(), at(3), "").is_err());
}

#[test]
fn issued_invoices_are_immutable_and_void_only_by_managers() {
    let mut series = NumberSeries::new("INV-", 1, 4).unwrap();
    let mut inv = approved("i1", "10");
    let diff = inv.regenerate(draft("12"), &op(), at(2)).unwrap();
    assert_eq!((diff.changed.len(), diff.total_delta()), (1, Some(d("2"))));
    assert_eq!(inv.status(), InvoiceStatus::Draft);
    inv.act(InvoiceAction::Review, &op(), at(3), "").unwrap();
    inv.act(InvoiceAction::Approve, &mgr(), at(4), "").unwrap();
    inv.issue(&mut series, &op(), at(5)).unwrap();
    assert!(matches!(inv.regenerate(draft("13"), &op(), at(6)), Err(InvoiceError::Immutable(n)) if n == "INV-0001"));
    assert_eq!(inv.act(InvoiceAction::Dispute, &op(), at(7), "wrong usage").unwrap(), InvoiceStatus::Disputed);
    assert!(inv.act(InvoiceAction::Void, &op(), at(8), "agreed").is_err());
    assert!(inv.act(InvoiceAction::Void, &mgr(), at(8), "").is_err());
    assert_eq!(inv.act(InvoiceAction::Void, &mgr(), at(8), "agreed with customer").unwrap(), InvoiceStatus::Void);
    assert!(inv.act(InvoiceAction::ResolveDispute, &mgr(), at(9), "").is_err());
}

#[test]
fn disputes_resolve_by_what_was_paid() {
    use InvoiceAction as A;
    use InvoiceStatus as S;
    let m = &mgr();
    assert_eq!(next_status(S::Disputed, &A::ResolveDispute, m, d("0"), d("10")).unwrap(), S::Issued);
    assert_eq!(next_status(S::Disputed, &A::ResolveDispute, m, d("4"), d("10")).unwrap(), S::PartlyPaid);
    assert_eq!(next_status(S::Disputed, &A::ResolveDispute, m, d("10"), d("10")).unwrap(), S::Paid);
    assert_eq!(next_status(S::Disputed, &A::Payment { amount: d("4") }, m, d("4"), d("10")).unwrap(), S::Disputed);
    assert_eq!(next_status(S::PartlyPaid, &A::Dispute, m, d("4"), d("10")).unwrap(), S::Disputed);
    assert!(next_status(S::PartlyPaid, &A::Void, m, d("4"), d("10")).is_err());
    assert!(next_status(S::Paid, &A::Dispute, m, d("10"), d("10")).is_err());
}

#[test]
fn restore_checks_consistency_and_series_validates() {
    assert!(Invoice::restore("i", InvoiceStatus::Issued, None, draft("1"), Decimal::ZERO, vec![]).is_err());
    assert!(Invoice::restore("i", InvoiceStatus::Draft, Some("N".into()), draft("1"), Decimal::ZERO, vec![]).is_err());
    assert!(Invoice::restore("i", InvoiceStatus::Draft, None, draft("1"), d("1"), vec![]).is_err());
    assert!(Invoice::restore("i", InvoiceStatus::PartlyPaid, Some("N".into()), draft("10"), d("4"), vec![]).is_ok());
    assert!(NumberSeries::new("INV-", 0, 4).is_err());
    assert!(NumberSeries::new("IN V", 1, 4).is_err());
    assert_eq!(NumberSeries::new("", 7, 0).unwrap().peek(), "7");
}

#[test]
fn regeneration_diff_lists_added_removed_changed() {
    let mut f = Fixture::new(vec![
        line(1, "AmazonEC2", ChargeCategory::Usage, "10"),
        line(2, "AmazonS3", ChargeCategory::Usage, "5"),
    ]);
    let old = f.build().unwrap();
    let r = PriceRule::new(
        "ec2",
        RuleScope::any().service("AmazonEC2"),
        Pricing::markup(d("20")).unwrap(),
        Effective::always(),
    )
    .unwrap();
    f.book = PriceBook::new("acme", vec![r]).unwrap();
    f.lines = vec![line(1, "AmazonEC2", ChargeCategory::Usage, "10"), line(3, "AmazonRDS", ChargeCategory::Usage, "1")];
    let new = f.build().unwrap();
    let diff = diff_drafts(&old, &new);
    assert_eq!(diff.changed.len(), 1);
    assert_eq!(diff.changed[0].delta(), Some(d("1")));
    assert_eq!(diff.removed.len(), 1);
    assert!(matches!(&diff.removed[0].kind, LineKind::Usage { service, .. } if service == "AmazonS3"));
    assert!(matches!(&diff.added[0].kind, LineKind::Usage { service, .. } if service == "AmazonRDS"));
    assert_eq!(diff.total_delta(), Some(d("-3")));
    assert!(diff_drafts(&new, &new).is_empty());
}

fn arb_action() -> impl Strategy<Value = (usize, usize, i64)> {
    (0usize..9, 0usize..3, 1i64..12_000)
}

proptest! {
    #[test]
    fn any_action_sequence_keeps_numbering_gap_free(actions in proptest::collection::vec(arb_action(), 0..40)) {
        let mut series = NumberSeries::new("INV-", 1, 3).unwrap();
        let mut invs: Vec<Invoice> = (0..3).map(|i| Invoice::new(format!("i{i}"), draft("100")).unwrap()).collect();
        let users = [viewer(), op(), mgr()];
        for (a, who, n) in actions {
            let inv = &mut invs[n as usize % 3];
            let u = &users[who];
            let before = inv.clone();
            let was_issued = inv.status().is_issued();
            let res = match a {
                0 => inv.act(InvoiceAction::Review, u, at(1), "r").map(|_| ()),
                1 => inv.act(InvoiceAction::Approve, u, at(1), "r").map(|_| ()),
                2 => inv.act(InvoiceAction::Reopen, u, at(1), "r").map(|_| ()),
                3 => inv.issue(&mut series, u, at(1)).map(|_| ()),
                4 => inv.record_payment(Decimal::new(n, 2), u, at(1)).map(|_| ()),
                5 => inv.act(InvoiceAction::Dispute, u, at(1), "r").map(|_| ()),
                6 => inv.act(InvoiceAction::ResolveDispute, u, at(1), "r").map(|_| ()),
                7 => inv.act(InvoiceAction::Void, u, at(1), "r").map(|_| ()),
                _ => inv.regenerate(draft("90"), u, at(1)).map(|_| ()),
            };
            if res.is_err() {
                prop_assert_eq!(&*inv, &before, "a refused action changes nothing");
            }
            if was_issued {
                prop_assert!(inv.status().is_issued());
                prop_assert_eq!(inv.draft(), before.draft());
            }
            prop_assert!(inv.paid() <= inv.draft().total());
        }
        let mut numbers: Vec<&str> = invs.iter().filter_map(|i| i.number()).collect();
        numbers.sort();
        let want: Vec<String> = (1..series.next_value()).map(|n| series.format(n)).collect();
        prop_assert_eq!(numbers, want.iter().map(String::as_str).collect::<Vec<_>>());
        for i in &invs {
            prop_assert_eq!(i.status().is_issued(), i.number().is_some());
        }
    }
}
