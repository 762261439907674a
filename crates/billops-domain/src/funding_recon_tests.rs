#![allow(clippy::unwrap_used, clippy::expect_used)]
use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use rust_decimal::Decimal;

use super::*;
use crate::Role;
use crate::credit::{ApprovalPolicy, CreditApplication, CreditProposal, CreditScope};
use crate::funding::{Act, FundingDates, FundingInput, OpportunityState};
use crate::money::Money;
use crate::party::User;
use crate::period::DateRange;

fn at() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 6, 1, 9, 0, 0).unwrap()
}
fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}
fn n(s: &str) -> Decimal {
    s.parse().unwrap()
}
fn app(customer: &str, opp: &str) -> Application {
    let input = FundingInput {
        customer: customer.into(),
        program: "MAP".into(),
        requested: n("5000"),
        currency: "USD".into(),
        fulfilment: Fulfilment::Credits,
        opportunity: opp.into(),
        dates: FundingDates { claim_due: Some(day("2026-07-01")), ..FundingDates::default() },
    };
    Application::draft(input, "olga", at()).unwrap()
}
fn step(a: &Application) -> Act<'static> {
    Act { by: "olga", at: at(), why: "", version: a.version }
}
fn paid(customer: &str, opp: &str, received: &str) -> Application {
    let mut a = app(customer, opp);
    a.submit(OpportunityState::Approved, step(&a)).unwrap();
    a.approve(n("4000"), step(&a)).unwrap();
    a.claim(n("4000"), step(&a)).unwrap();
    a.approve_claim(step(&a)).unwrap();
    a.paid(n(received), step(&a)).unwrap();
    a
}
fn credit(id: &str, customer: &str, amount: &str, evidence: &str) -> Credit {
    let p = CreditProposal {
        id: id.into(),
        kind: program_kind("map"),
        customer: customer.into(),
        amount: Money::new(n(amount), "USD"),
        scope: CreditScope::all(),
        validity: DateRange { start: day("2026-06-01"), end: day("2026-12-31") },
        evidence: evidence.into(),
        reason: "funding".into(),
    };
    let olga = User { name: "olga".into(), role: Role::Operator };
    let mgr = User { name: "mia".into(), role: Role::Manager };
    let mut c = Credit::propose(p, &olga, at()).unwrap();
    c.approve(&mgr, at(), "ok", &ApprovalPolicy::new(n("1000000")).unwrap()).unwrap();
    c
}
fn applied(c: &mut Credit, invoice: &str, amount: &str) {
    let a = CreditApplication {
        credit_id: c.id().to_string(),
        kind: c.kind().clone(),
        amount: n(amount),
        balance_before: c.remaining(),
        balance_after: c.remaining() - n(amount),
        allocations: vec![],
    };
    let olga = User { name: "olga".into(), role: Role::Operator };
    c.apply(&a, invoice, &olga, at()).unwrap();
}

#[test]
fn finance_differences_are_listed_each_way() {
    let a1 = paid("ACME", "OPP-1", "3900.50");
    let a2 = app("ACME", "OPP-2");
    let a3 = paid("GLOBEX", "OPP-3", "4000");
    let apps = [(1, &a1), (2, &a2), (3, &a3)];
    let rec = |line, application, received: Option<&str>| FinanceRecord {
        line,
        application,
        currency: None,
        approved: Some(n("4000")),
        claimed: None,
        received: received.map(n),
    };
    // Finance agrees on 1 (3900.5 = 3900.50), has 9 that we do not, lacks 3.
    let d = against_finance(&apps, &[rec(2, 1, Some("3900.5")), rec(3, 9, Some("10"))]);
    let what: Vec<(i64, &str)> = d.iter().map(|x| (x.application, x.what.as_str())).collect();
    assert_eq!(what, [(3, "unknown to finance"), (9, "not in billops")]);
    // A different received amount and currency on 1.
    let mut r = rec(2, 1, Some("3900.49"));
    r.currency = Some("EUR".into());
    let d = against_finance(&apps[..1], &[r]);
    let what: Vec<(&str, &str, &str)> =
        d.iter().map(|x| (x.what.as_str(), x.ours.as_str(), x.theirs.as_str())).collect();
    assert_eq!(what, [("currency", "USD", "EUR"), ("received", "3900.5", "3900.49")]);
    // A draft with no money is not expected in finance's file.
    assert!(against_finance(&apps[1..2], &[]).is_empty());
}

#[test]
fn received_funding_is_followed_through_credits_to_invoices() {
    let a = paid("ACME", "OPP-1", "4000");
    let mut c1 = credit("C-1", "ACME", "3000", "MAP approval funding:1");
    applied(&mut c1, "INV-7", "2000");
    let c2 = credit("C-2", "ACME", "1000", "partner opportunity OPP-1");
    let other = credit("C-3", "GLOBEX", "1000", "funding:1"); // another customer's
    let unrelated = credit("C-4", "ACME", "1000", "funding:12"); // another application
    let trails = against_invoices(&[(1, &a)], &[&c1, &c2, &other, &unrelated]);
    assert_eq!(trails.len(), 1);
    let t = &trails[0];
    assert_eq!(t.credits, ["C-1", "C-2"]);
    assert_eq!((t.received, t.credited, t.on_invoices), (n("4000"), n("4000"), n("2000")));
    assert_eq!(t.invoices, [("INV-7".to_string(), n("2000"))]);
    let d = t.differences();
    assert_eq!(d.len(), 1);
    assert_eq!((d[0].what.as_str(), d[0].ours.as_str(), d[0].theirs.as_str()), ("on invoices", "4000", "2000"));
    // Not yet paid: nothing to follow.
    assert!(against_invoices(&[(2, &app("ACME", "OPP-2"))], &[&c1]).is_empty());
}

#[test]
fn the_customer_text_says_where_it_is_and_what_comes_next() {
    let a = paid("ACME", "OPP-1", "3900.50");
    let t = status_text(1, &a, day("2026-06-03"));
    assert!(t.starts_with("MAP funding application 1 for ACME (partner opportunity OPP-1)"), "{t}");
    assert!(t.contains("Received as credits: 3900.50 USD."), "{t}");
    assert!(t.contains("Next: we assign the funds to your projects."), "{t}");
    assert!(!t.contains("olga"), "no internal names: {t}");
    let d = app("ACME", "OPP-2");
    let t = status_text(2, &d, day("2026-06-03"));
    assert!(t.contains("Upcoming: claim due on 2026-07-01."), "{t}");
}
