#![allow(clippy::unwrap_used, clippy::expect_used)]
use chrono::{TimeZone, Utc};
use rust_decimal::Decimal;

use super::*;

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 4, 10, 0, 0).unwrap()
}
fn usd(cents: i64) -> Money {
    Money::new(Decimal::new(cents, 2), "USD")
}
fn input(amount: i64) -> DisputeInput {
    DisputeInput {
        customer: "acme".into(),
        target: DisputeTarget::Line { invoice: "INV-000042".into(), line: 3 },
        amount: usd(amount),
        disputed_of: usd(120_000),
        reason: ReasonCode::Pricing,
        evidence: "contract says 12% markup on EC2".into(),
        external_ref: Some("INC0012345".into()),
        owner: "olga".into(),
        due: None,
    }
}
fn policy(t: i64) -> ApprovalPolicy {
    ApprovalPolicy::new(Decimal::from(t)).unwrap()
}

#[test]
fn a_dispute_runs_open_researching_accepted_settled_with_a_trail() {
    let mut d = Dispute::open(input(3_000), "olga", now()).unwrap();
    assert!(d.holds_amount());
    d.research("olga", now(), "asked the supplier").unwrap();
    d.accept("olga", now(), "markup was wrong").unwrap();
    assert_eq!(d.accepted_by(), Some("olga"));
    d.settle(Settlement::Ppa { id: None }, "olga", now(), &policy(500)).unwrap();
    assert_eq!(d.status, DisputeStatus::Settled);
    assert!(!d.holds_amount());
    let trail: Vec<DisputeStatus> = d.history.iter().map(|e| e.to).collect();
    assert_eq!(
        trail,
        vec![DisputeStatus::Open, DisputeStatus::Researching, DisputeStatus::Accepted, DisputeStatus::Settled]
    );
}

#[test]
fn above_the_threshold_the_acceptor_cannot_settle() {
    let mut d = Dispute::open(input(90_000), "olga", now()).unwrap();
    d.accept("olga", now(), "agreed").unwrap();
    assert!(matches!(
        d.settle(Settlement::CreditNote { number: None }, "olga", now(), &policy(500)),
        Err(DisputeError::MakerChecker { .. })
    ));
    assert_eq!(d.status, DisputeStatus::Accepted, "a refusal changes nothing");
    d.settle(Settlement::CreditNote { number: None }, "max", now(), &policy(500)).unwrap();
    assert_eq!(d.history.last().map(|e| e.by.as_str()), Some("max"));
}

#[test]
fn rejection_needs_a_reason_and_moves_no_money() {
    let mut d = Dispute::open(input(3_000), "olga", now()).unwrap();
    assert!(d.reject("olga", now(), "  ").is_err());
    d.reject("olga", now(), "usage confirmed by CloudTrail").unwrap();
    assert!(!d.holds_amount());
    assert!(d.settle(Settlement::CreditNote { number: None }, "max", now(), &policy(0)).is_err());
    d.settle(Settlement::NoChange, "olga", now(), &policy(0)).unwrap();
    assert!(d.research("olga", now(), "again").is_err());
    assert!(d.accept("olga", now(), "again").is_err());
}

#[test]
fn refuses_disputes_that_mean_nothing() {
    assert!(Dispute::open(input(0), "olga", now()).is_err());
    assert!(Dispute::open(input(130_000), "olga", now()).is_err(), "more than the line");
    let mut eur = input(100);
    eur.amount = Money::new(Decimal::ONE, "EUR");
    assert!(Dispute::open(eur, "olga", now()).is_err());
    let mut bare = input(100);
    bare.evidence = String::new();
    assert!(Dispute::open(bare, "olga", now()).is_err());
}

#[test]
fn held_disputes_leave_the_overdue_figure() {
    let open = Dispute::open(input(30_000), "olga", now()).unwrap();
    let mut rejected = Dispute::open(input(10_000), "olga", now()).unwrap();
    rejected.reject("olga", now(), "no").unwrap();
    let open_amount = Decimal::new(100_000, 2);
    assert_eq!(overdue_less_disputed(open_amount, &[open.clone(), rejected]), Decimal::new(70_000, 2));
    assert_eq!(overdue_less_disputed(Decimal::new(10_000, 2), &[open]), Decimal::ZERO, "never below zero");
}
