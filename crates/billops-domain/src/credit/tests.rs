#![allow(clippy::unwrap_used, clippy::expect_used)]
use std::str::FromStr;

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use proptest::prelude::*;
use rust_decimal::Decimal;

use super::*;
use crate::party::Role;
use crate::period::Period;

fn d(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}
fn day(y: i32, m: u32, dd: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, dd).unwrap()
}
fn at(h: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 2, 3, h, 0, 0).unwrap()
}
fn user(name: &str, role: Role) -> User {
    User { name: name.into(), role }
}
fn op() -> User {
    user("olga", Role::Operator)
}
fn mgr() -> User {
    user("max", Role::Manager)
}
fn mgr2() -> User {
    user("mia", Role::Manager)
}
fn jan() -> Period {
    Period::new(2026, 1).unwrap()
}

fn proposal(id: &str, amount: &str, end: NaiveDate, scope: CreditScope) -> CreditProposal {
    CreditProposal {
        id: id.into(),
        kind: CreditKind::Goodwill,
        customer: "acme".into(),
        amount: Money::new(d(amount), "USD"),
        scope,
        validity: DateRange { start: day(2026, 1, 1), end },
        evidence: "TICKET-1".into(),
        reason: "outage goodwill".into(),
    }
}

fn approved(id: &str, amount: &str, end: NaiveDate, scope: CreditScope, hour: u32) -> Credit {
    let mut c = Credit::propose(proposal(id, amount, end, scope), &op(), at(hour)).unwrap();
    c.approve(&mgr(), at(hour + 1), "ok", &ApprovalPolicy::new(d("1000")).unwrap()).unwrap();
    c
}

fn target(cap: &str, chargeable: Vec<(&str, &str, &str)>) -> ApplicationTarget {
    ApplicationTarget {
        customer: "acme".into(),
        currency: "USD".into(),
        period: jan(),
        chargeable: chargeable
            .into_iter()
            .map(|(a, s, x)| Chargeable { account: a.into(), service: s.into(), amount: d(x) })
            .collect(),
        cap: d(cap),
    }
}

#[test]
fn proposal_refuses_invalid_credits() {
    let p = || proposal("c1", "100", day(2026, 6, 1), CreditScope::all());
    assert!(matches!(Credit::propose(p(), &user("v", Role::Viewer), at(1)), Err(CreditError::NotPermitted { .. })));
    let mut x = p();
    x.amount.amount = Decimal::ZERO;
    assert!(Credit::propose(x, &op(), at(1)).is_err());
    let mut x = p();
    x.validity.end = x.validity.start;
    assert!(Credit::propose(x, &op(), at(1)).is_err());
    let mut x = p();
    x.evidence = " ".into();
    assert!(Credit::propose(x, &op(), at(1)).is_err());
    let mut x = p();
    x.reason = String::new();
    assert!(matches!(Credit::propose(x, &op(), at(1)), Err(CreditError::ReasonRequired(_))));
    let c = Credit::propose(p(), &op(), at(1)).unwrap();
    assert_eq!((c.status(), c.remaining(), c.events().len()), (CreditStatus::Proposed, d("100"), 1));
}

#[test]
fn maker_checker_above_threshold() {
    let policy = ApprovalPolicy::new(d("1000")).unwrap();
    let mut big =
        Credit::propose(proposal("big", "1000.01", day(2026, 6, 1), CreditScope::all()), &mgr(), at(1)).unwrap();
    assert!(matches!(big.approve(&mgr(), at(2), "fine", &policy), Err(CreditError::SameApprover { .. })));
    assert!(matches!(big.approve(&op(), at(2), "fine", &policy), Err(CreditError::NotPermitted { .. })));
    assert!(matches!(big.approve(&mgr2(), at(2), " ", &policy), Err(CreditError::ReasonRequired(_))));
    big.approve(&mgr2(), at(2), "checked memo", &policy).unwrap();
    assert_eq!(big.status(), CreditStatus::Approved);
    assert!(matches!(big.reject(&mgr2(), at(3), "changed mind"), Err(CreditError::WrongStatus { .. })));
    let last = big.events().last().unwrap();
    assert_eq!((last.by.as_str(), last.reason.as_str(), last.at), ("mia", "checked memo", at(2)));

    let mut small =
        Credit::propose(proposal("small", "1000", day(2026, 6, 1), CreditScope::all()), &mgr(), at(1)).unwrap();
    small.approve(&mgr(), at(2), "within my limit", &policy).unwrap();

    let mut rej = Credit::propose(proposal("rej", "5", day(2026, 6, 1), CreditScope::all()), &op(), at(1)).unwrap();
    assert!(rej.reject(&mgr(), at(2), "").is_err());
    rej.reject(&mgr(), at(2), "no evidence of outage").unwrap();
    assert_eq!(rej.status(), CreditStatus::Rejected);
    assert!(ApprovalPolicy::new(d("-1")).is_err());
}

#[test]
fn order_is_soonest_expiry_then_smallest_scope_then_oldest() {
    let acct = CreditScope::new(["111".to_string()], []);
    let acct_svc = CreditScope::new(["111".to_string()], ["AmazonEC2".to_string()]);
    let credits = vec![
        approved("late", "10", day(2026, 9, 1), CreditScope::all(), 1),
        approved("soon-all-new", "10", day(2026, 3, 1), CreditScope::all(), 5),
        approved("soon-all-old", "10", day(2026, 3, 1), CreditScope::all(), 3),
        approved("soon-acct", "10", day(2026, 3, 1), acct, 7),
        approved("soon-acct-svc", "10", day(2026, 3, 1), acct_svc, 9),
    ];
    let t = target("1000", vec![("111", "AmazonEC2", "1000")]);
    let ids: Vec<&str> = application_order(&credits, &t).iter().map(|c| c.id()).collect();
    assert_eq!(ids, ["soon-acct-svc", "soon-acct", "soon-all-old", "soon-all-new", "late"]);
}

#[test]
fn plan_respects_scope_cap_and_carries_the_rest_over() {
    let s3_only = CreditScope::new([], ["AmazonS3".to_string()]);
    let credits = vec![
        approved("s3", "80", day(2026, 3, 1), s3_only, 1),
        approved("any", "500", day(2026, 4, 1), CreditScope::all(), 2),
    ];
    let mut old = Credit::propose(
        CreditProposal {
            validity: DateRange { start: day(2025, 6, 1), end: day(2026, 1, 1) },
            ..proposal("ended-before-jan", "50", day(2026, 1, 1), CreditScope::all())
        },
        &op(),
        at(3),
    )
    .unwrap();
    old.approve(&mgr(), at(4), "ok", &ApprovalPolicy::new(d("1000")).unwrap()).unwrap();
    let credits = [credits, vec![old]].concat();
    let t = target("120", vec![("111", "AmazonS3", "30"), ("111", "AmazonEC2", "100"), ("222", "AmazonEC2", "-40")]);
    let plan = plan_applications(&credits, &t).unwrap();
    assert_eq!(plan.len(), 2);
    assert_eq!((plan[0].credit_id.as_str(), plan[0].amount, plan[0].balance_after), ("s3", d("30"), d("50")));
    assert_eq!((plan[1].credit_id.as_str(), plan[1].amount, plan[1].balance_after), ("any", d("90"), d("410")));
    assert_eq!(plan[1].allocations, vec![("111".to_string(), "AmazonEC2".to_string(), d("90"))]);
    // Proposed-only, other-customer and other-currency credits are never planned.
    let mut other = proposal("usd-other", "10", day(2026, 6, 1), CreditScope::all());
    other.customer = "globex".into();
    let pending =
        Credit::propose(proposal("pending", "10", day(2026, 6, 1), CreditScope::all()), &op(), at(1)).unwrap();
    let foreign = Credit::propose(other, &op(), at(1)).unwrap();
    assert!(plan_applications(&[pending, foreign], &t).unwrap().is_empty());
}

#[test]
fn apply_expire_reverse_and_replay() {
    let mut c = approved("c", "100", day(2026, 3, 1), CreditScope::all(), 1);
    let t = target("60", vec![("111", "AmazonEC2", "60")]);
    let plan = plan_applications(std::slice::from_ref(&c), &t).unwrap();
    assert!(matches!(
        c.apply(&plan[0], "INV-1", &user("v", Role::Viewer), at(5)),
        Err(CreditError::NotPermitted { .. })
    ));
    c.apply(&plan[0], "INV-1", &op(), at(5)).unwrap();
    assert_eq!((c.remaining(), c.applied_to("INV-1").unwrap()), (d("40"), d("60")));
    assert!(c.apply(&plan[0], "INV-2", &op(), at(6)).is_err(), "60 > 40 remaining");
    assert_eq!(c.reverse("INV-1", &op(), at(7), "invoice voided").unwrap(), d("60"));
    assert_eq!(c.remaining(), d("100"));
    assert!(c.reverse("INV-1", &op(), at(8), "again").is_err());
    assert_eq!(c.expire_if_due(day(2026, 2, 28), "system", at(9)).unwrap(), None);
    assert_eq!(c.expire_if_due(day(2026, 3, 1), "system", at(9)).unwrap(), Some(d("100")));
    assert_eq!((c.status(), c.remaining()), (CreditStatus::Expired, Decimal::ZERO));
    let back = Credit::replay(c.proposal().clone(), c.events().to_vec()).unwrap();
    assert_eq!(back, c);
    let mut bad = c.events().to_vec();
    bad.swap(0, 1);
    assert!(Credit::replay(c.proposal().clone(), bad).is_err());
}

#[test]
fn exhausted_when_fully_used() {
    let mut c = approved("c", "50", day(2026, 3, 1), CreditScope::all(), 1);
    let plan = plan_applications(std::slice::from_ref(&c), &target("80", vec![("1", "S", "80")])).unwrap();
    c.apply(&plan[0], "INV-9", &op(), at(4)).unwrap();
    assert_eq!((c.status(), c.remaining()), (CreditStatus::Exhausted, Decimal::ZERO));
    assert!(plan_applications(std::slice::from_ref(&c), &target("80", vec![("1", "S", "80")])).unwrap().is_empty());
}

fn arb_credit() -> impl Strategy<Value = (i64, u32, usize, usize, u32)> {
    // amount cents, expiry month, account scope, service scope, proposal hour
    (1i64..1_000_000, 2u32..12, 0usize..3, 0usize..3, 0u32..20)
}

proptest! {
    #[test]
    fn applications_stay_within_invoice_balances_and_scopes(
        specs in proptest::collection::vec(arb_credit(), 0..8),
        buckets in proptest::collection::vec((0usize..2, 0usize..2, -100_000i64..1_000_000), 0..8),
        cap in -1000i64..2_000_000,
    ) {
        let accounts = ["111", "222"];
        let services = ["AmazonEC2", "AmazonS3"];
        let credits: Vec<Credit> = specs.iter().enumerate().map(|(i, (cents, month, a, s, h))| {
            let scope = CreditScope::new(
                accounts.get(*a).map(|x| x.to_string()),
                services.get(*s).map(|x| x.to_string()),
            );
            let amount = Decimal::new(*cents, 2).to_string();
            approved(&format!("c{i}"), &amount, day(2026, *month, 1), scope, *h)
        }).collect();
        let t = ApplicationTarget {
            customer: "acme".into(),
            currency: "USD".into(),
            period: jan(),
            chargeable: buckets.iter().map(|(a, s, c)| Chargeable {
                account: accounts[*a].into(), service: services[*s].into(), amount: Decimal::new(*c, 2),
            }).collect(),
            cap: Decimal::new(cap, 2),
        };
        let plan = plan_applications(&credits, &t).unwrap();
        let applied: Decimal = plan.iter().map(|a| a.amount).sum();
        prop_assert!(applied <= t.cap.max(Decimal::ZERO));
        let positive_charges: Decimal = {
            let mut m = std::collections::BTreeMap::new();
            for c in &t.chargeable { *m.entry((c.account.clone(), c.service.clone())).or_insert(Decimal::ZERO) += c.amount; }
            m.values().map(|v| v.max(&Decimal::ZERO)).copied().sum()
        };
        prop_assert!(applied <= positive_charges);
        let mut ids = std::collections::BTreeSet::new();
        for a in &plan {
            prop_assert!(ids.insert(a.credit_id.clone()), "a credit is planned once");
            prop_assert!(a.amount > Decimal::ZERO);
            prop_assert!(a.balance_after >= Decimal::ZERO);
            prop_assert_eq!(a.balance_before - a.amount, a.balance_after);
            let c = credits.iter().find(|c| c.id() == a.credit_id).unwrap();
            prop_assert_eq!(a.balance_before, c.remaining());
            for (acc, svc, x) in &a.allocations {
                prop_assert!(c.scope().covers(acc, svc));
                prop_assert!(*x > Decimal::ZERO);
            }
        }
        // Recording the plan conserves balances: remaining after + applied = remaining before.
        let before: Decimal = credits.iter().map(|c| c.remaining()).sum();
        let mut after = credits.clone();
        for a in &plan {
            let c = after.iter_mut().find(|c| c.id() == a.credit_id).unwrap();
            c.apply(a, "INV-P", &op(), at(23)).unwrap();
        }
        let rest: Decimal = after.iter().map(|c| c.remaining()).sum();
        prop_assert_eq!(rest + applied, before);
    }
}
