//! The close board warns about requests past their SLA (issue 10): a warning on the invoices item naming each
//! breached request, never a blocker; a request within its SLA, paused or stopped in time adds nothing.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use billops::month::CloseSettings;
use billops::month::close::board;
use billops_domain::close::{CheckId, ItemStatus};
use billops_domain::request::SlaTarget;
use billops_domain::{Period, Role};
use billops_store::disputes::{NewRequest, RequestKind, TimerAction};
use billops_store::{Actor, NewCustomer};
use chrono::{NaiveDate, TimeZone, Utc};

fn on(day: u32, hour: u32) -> Actor {
    Actor { name: "bob".into(), at: Utc.with_ymd_and_hms(2026, 6, day, hour, 0, 0).unwrap() }
}

fn request(r#ref: &str, hours: i64) -> NewRequest {
    NewRequest {
        kind: RequestKind::CustomerQuery,
        external_ref: Some(r#ref.into()),
        customer: Some("ACME".into()),
        subject: "why is EC2 up?".into(),
        target: SlaTarget::hours(hours, 75).unwrap(),
        start: true,
    }
}

#[tokio::test]
async fn breached_requests_warn_on_the_close_board() {
    let dir = tempfile::tempdir().unwrap();
    let s = billops_store::open(&format!("sqlite:{}", dir.path().join("b.db").display())).await.unwrap();
    s.set_user("bob", Role::Operator, &on(1, 8)).await.unwrap();
    let c = NewCustomer { code: "ACME".into(), name: "Acme".into(), currency: "USD".into() };
    s.add_customer(&c, &on(1, 8)).await.unwrap();
    let period: Period = "2026-06".parse().unwrap();
    let today = NaiveDate::from_ymd_opt(2026, 6, 3).unwrap();
    let item = |b: &billops::month::close::CloseView| {
        b.board.items.iter().find(|i| i.check == CheckId::InvoicesApproved).cloned().unwrap()
    };
    let before = board(s.as_ref(), period, today, &CloseSettings::default()).await.unwrap();
    // Monday 09:00, 2 working hours: breached by Wednesday. Another of 40 hours is not; a third stopped in time.
    s.add_request(&request("RITM1", 2), &on(1, 9)).await.unwrap();
    s.add_request(&request("RITM2", 40), &on(1, 9)).await.unwrap();
    let third = s.add_request(&request("RITM3", 2), &on(1, 9)).await.unwrap();
    s.time_request(third.id, TimerAction::Stop, "answered", None, &on(1, 10)).await.unwrap();
    let after = board(s.as_ref(), period, today, &CloseSettings::default()).await.unwrap();
    let (was, now) = (item(&before), item(&after));
    assert!(now.problems.contains(&"1 request(s) past their SLA: #1 (RITM1)".to_string()), "{now:?}");
    assert_eq!(now.problems.len(), was.problems.len() + 1);
    assert_ne!(now.status, ItemStatus::Ok, "it warns");
    if was.status != ItemStatus::Blocker {
        assert_eq!(now.status, ItemStatus::Warning, "a warning, never a blocker");
    }
    assert_eq!(after.can_sign_off, before.can_sign_off, "breaches do not block sign-off");
}
