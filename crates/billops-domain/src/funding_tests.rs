#![allow(clippy::unwrap_used, clippy::expect_used)]
use chrono::{NaiveDate, TimeZone, Utc};
use proptest::prelude::*;
use rust_decimal::Decimal;

use super::*;

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}
fn usd(n: i64) -> Decimal {
    Decimal::from(n)
}
fn input() -> FundingInput {
    FundingInput {
        customer: "acme".into(),
        program: "MAP".into(),
        requested: usd(5000),
        currency: "USD".into(),
        fulfilment: Fulfilment::Credits,
        opportunity: "OPP-1".into(),
        dates: FundingDates {
            submit_by: Some(day(2026, 12, 10)),
            project_start: Some(day(2027, 1, 1)),
            project_end: Some(day(2027, 3, 31)),
            claim_due: Some(day(2027, 4, 30)),
        },
    }
}
fn act(app: &Application) -> Act<'static> {
    Act { by: "olga", at: Utc.with_ymd_and_hms(2026, 12, 4, 10, 0, 0).unwrap(), why: "", version: app.version }
}

#[test]
fn no_release_without_a_validated_opportunity() {
    let mut a = Application::draft(input(), "olga", act_time()).unwrap();
    for state in [OpportunityState::Pending, OpportunityState::Rejected, OpportunityState::Expired] {
        let before = a.clone();
        assert!(matches!(a.submit(state, act(&a)), Err(FundingError::OpportunityNotValidated { .. })));
        assert_eq!(a, before, "a refusal changes nothing");
    }
    a.submit(OpportunityState::Approved, act(&a)).unwrap();
    assert_eq!((a.stage, a.status), (Stage::Submitted, Status::InReview));
}

fn act_time() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 4, 10, 0, 0).unwrap()
}

#[test]
fn from_draft_to_assigned_with_stage_and_status_apart() {
    let mut a = Application::draft(input(), "olga", act_time()).unwrap();
    assert!(a.claim(usd(1), act(&a)).is_err(), "no claim before approval");
    a.submit(OpportunityState::Approved, act(&a)).unwrap();
    a.action_required(act(&a)).unwrap();
    assert_eq!((a.stage, a.status), (Stage::Submitted, Status::ActionRequired));
    a.resubmit(act(&a)).unwrap();
    assert!(matches!(a.approve(usd(6000), act(&a)), Err(FundingError::OverLimit { .. })));
    a.approve(usd(4000), act(&a)).unwrap();
    assert!(a.assign(vec![("p1".into(), usd(1))], act(&a)).is_err(), "no assignment before payment");
    assert!(matches!(a.claim(usd(4500), act(&a)), Err(FundingError::OverLimit { .. })));
    a.claim(usd(4000), act(&a)).unwrap();
    a.approve_claim(act(&a)).unwrap();
    assert!(a.paid(usd(4001), act(&a)).is_err());
    a.paid(usd(3900), act(&a)).unwrap();
    assert!(a.assign(vec![("migration".into(), usd(3000))], act(&a)).is_err(), "must reconcile to received");
    a.assign(vec![("migration".into(), usd(3000)), ("training".into(), usd(900))], act(&a)).unwrap();
    assert_eq!(a.stage, Stage::AssignedToProject);
    assert_eq!(a.status, Status::Approved);
    assert_eq!(a.history.len(), 9);
    assert_eq!(a.version, 9);
    assert!(!a.is_open());
}

#[test]
fn a_stale_update_is_refused() {
    let mut a = Application::draft(input(), "olga", act_time()).unwrap();
    let seen = act(&a);
    a.submit(OpportunityState::Approved, seen).unwrap();
    assert!(matches!(a.cancel(seen), Err(FundingError::Stale { expected: 1, actual: 2 })));
    a.cancel(act(&a)).unwrap();
    assert_eq!(a.status, Status::Cancelled);
    assert!(a.approve(usd(1), act(&a)).is_err());
}

#[test]
fn deadlines_follow_the_stage() {
    let mut a = Application::draft(input(), "olga", act_time()).unwrap();
    let due: Vec<DeadlineKind> = a.due_within(day(2026, 12, 4), 30).iter().map(|d| d.what).collect();
    assert_eq!(due, vec![DeadlineKind::Submission]);
    let lapsed = a.due_within(day(2026, 12, 12), 0);
    assert_eq!(lapsed[0].days_left, -2, "a lapsed submission still shows, negative");
    a.submit(OpportunityState::Approved, act(&a)).unwrap();
    a.approve(usd(5000), act(&a)).unwrap();
    let due: Vec<(DeadlineKind, i64)> =
        a.due_within(day(2027, 4, 1), 30).iter().map(|d| (d.what, d.days_left)).collect();
    assert_eq!(due, vec![(DeadlineKind::ProjectEnd, -1), (DeadlineKind::Claim, 29)]);
    a.claim(usd(5000), act(&a)).unwrap();
    let due: Vec<DeadlineKind> = a.due_within(day(2027, 4, 1), 30).iter().map(|d| d.what).collect();
    assert_eq!(due, vec![DeadlineKind::ProjectEnd]);
}

#[test]
fn refuses_applications_that_mean_nothing() {
    let mut i = input();
    i.requested = Decimal::ZERO;
    assert!(Application::draft(i, "olga", act_time()).is_err());
    let mut i = input();
    i.opportunity = " ".into();
    assert!(Application::draft(i, "olga", act_time()).is_err());
    let mut i = input();
    i.dates.project_end = Some(day(2026, 1, 1));
    assert!(Application::draft(i, "olga", act_time()).is_err());
}

proptest! {
    /// Whatever amounts are tried, an application that got through keeps requested ≥ approved ≥ claimed ≥
    /// received = Σ assigned.
    #[test]
    fn amounts_stay_ordered(approved in 1i64..10_000, claimed in 1i64..10_000, received in 1i64..10_000) {
        let mut a = Application::draft(input(), "olga", act_time()).unwrap();
        a.submit(OpportunityState::Approved, act(&a)).unwrap();
        let steps_ok = a.approve(usd(approved), act(&a)).is_ok()
            && a.claim(usd(claimed), act(&a)).is_ok()
            && a.approve_claim(act(&a)).is_ok()
            && a.paid(usd(received), act(&a)).is_ok()
            && a.assign(vec![("p".into(), usd(received))], act(&a)).is_ok();
        let get = |x: Option<Decimal>| x.unwrap_or_default();
        prop_assert!(a.input.requested >= get(a.approved));
        if a.claimed.is_some() { prop_assert!(get(a.approved) >= get(a.claimed)); }
        if a.received.is_some() { prop_assert!(get(a.claimed) >= get(a.received)); }
        if steps_ok {
            prop_assert_eq!(a.assigned.iter().map(|(_, x)| *x).sum::<Decimal>(), get(a.received));
        }
    }
}
