//! The funding pipeline in the store: no release without a validated opportunity (nothing changes), the
//! whole stage path with amounts, optimistic versioning (a stale update is a conflict), viewers refused,
//! every change audited.
use std::sync::Arc;

use billops_domain::Role;
use billops_domain::funding::{Fulfilment, FundingDates, FundingInput, OpportunityState, Stage, Status};
use billops_store::{AuditFilter, FundingChange, Store, StoreError};

use crate::parties::customer;
use crate::support::{actor, d, date};

fn input(opportunity: &str) -> FundingInput {
    FundingInput {
        customer: "ACME".into(),
        program: "MAP".into(),
        requested: d("5000"),
        currency: "USD".into(),
        fulfilment: Fulfilment::Credits,
        opportunity: opportunity.into(),
        dates: FundingDates { claim_due: Some(date("2026-09-30")), ..FundingDates::default() },
    }
}

async fn setup(s: &Arc<dyn Store>) {
    let root = actor("root", 1);
    s.set_user("root", Role::Manager, &root).await.unwrap();
    s.set_user("alice", Role::Manager, &root).await.unwrap();
    s.set_user("bob", Role::Operator, &root).await.unwrap();
    s.set_user("dave", Role::Viewer, &root).await.unwrap();
    s.add_customer(&customer("ACME"), &root).await.unwrap();
}

async fn funding_runs_from_draft_to_assigned(s: Arc<dyn Store>) {
    setup(&s).await;
    let bob = actor("bob", 2);
    let f = s.add_funding(&input("OPP-1"), &bob).await.unwrap();
    assert_eq!(
        (f.app.stage, f.app.status, f.opportunity_state),
        (Stage::Draft, Status::PendingSubmission, OpportunityState::Pending)
    );

    let refused = s.update_funding(f.id, &FundingChange::Submit, None, "", &bob).await.unwrap_err();
    assert!(matches!(refused, StoreError::Invalid(ref m) if m.contains("OPP-1")), "{refused}");
    assert_eq!(s.funding(f.id).await.unwrap(), f, "a refused submission changes nothing");

    s.set_opportunity("OPP-1", OpportunityState::Approved, &bob).await.unwrap();
    let f = s.update_funding(f.id, &FundingChange::Submit, Some(1), "released", &bob).await.unwrap();
    assert_eq!((f.app.stage, f.app.status, f.app.version), (Stage::Submitted, Status::InReview, 2));
    let steps = [
        FundingChange::Approve { amount: d("4000") },
        FundingChange::Claim { amount: d("4000") },
        FundingChange::ApproveClaim,
        FundingChange::Paid { amount: d("3900.50") },
        FundingChange::Assign { parts: vec![("migration".into(), d("3000")), ("training".into(), d("900.50"))] },
    ];
    let mut f = f;
    for step in &steps {
        f = s.update_funding(f.id, step, Some(f.app.version), "", &bob).await.unwrap();
    }
    assert_eq!(f.app.stage, Stage::AssignedToProject);
    assert_eq!(f.app.received, Some(d("3900.50")), "amounts kept exactly");
    assert_eq!(s.list_funding(Some("ACME")).await.unwrap().len(), 1);
    assert!(s.list_funding(Some("NOBODY")).await.unwrap().is_empty());

    let trail = s.audit(&AuditFilter::default()).await.unwrap();
    let actions: Vec<&str> = trail.iter().map(|e| e.action.as_str()).filter(|a| a.starts_with("funding.")).collect();
    for a in ["funding.add", "funding.opportunity", "funding.submit", "funding.approve", "funding.assign"] {
        assert!(actions.contains(&a), "{a} audited: {actions:?}");
    }
}
store_test!(funding_runs_from_draft_to_assigned => funding_path_sqlite, funding_path_postgres);

async fn funding_stale_updates_and_viewers_are_refused(s: Arc<dyn Store>) {
    setup(&s).await;
    let bob = actor("bob", 2);
    let f = s.add_funding(&input("OPP-2"), &bob).await.unwrap();
    let dates = FundingDates { claim_due: Some(date("2026-10-31")), ..FundingDates::default() };
    s.update_funding(f.id, &FundingChange::Dates { dates }, Some(1), "programme moved it", &actor("alice", 3))
        .await
        .unwrap();
    let stale = s.update_funding(f.id, &FundingChange::Cancel, Some(1), "", &bob).await.unwrap_err();
    assert!(matches!(stale, StoreError::Conflict(_)), "{stale}");
    let now = s.funding(f.id).await.unwrap();
    assert_eq!(now.app.input.dates.claim_due, Some(date("2026-10-31")));
    assert_eq!(now.app.status, Status::PendingSubmission, "the stale cancel wrote nothing");

    let viewer = s.update_funding(f.id, &FundingChange::Cancel, None, "", &actor("dave", 3)).await.unwrap_err();
    assert!(matches!(viewer, StoreError::Forbidden(_)), "{viewer}");
    assert!(matches!(s.add_funding(&input("OPP-3"), &actor("dave", 3)).await, Err(StoreError::Forbidden(_))));
    assert!(matches!(
        s.set_opportunity("OPP-2", OpportunityState::Approved, &actor("dave", 3)).await,
        Err(StoreError::Forbidden(_))
    ));
    let mut other = input("OPP-2");
    other.customer = "NOBODY".into();
    assert!(matches!(s.add_funding(&other, &bob).await, Err(StoreError::NotFound(_))));
    assert_eq!(s.opportunities().await.unwrap().len(), 1);
}
store_test!(funding_stale_updates_and_viewers_are_refused => funding_stale_sqlite, funding_stale_postgres);
