//! Importing the funding pipeline: one transaction (a bad row anywhere leaves nothing written, named by
//! line and column), new rows added as drafts, known rows bring in dates and opportunity states, an export
//! imported again changes nothing, a stale version is a conflict.
use std::sync::Arc;

use billops_domain::Role;
use billops_domain::funding::{Fulfilment, FundingDates, FundingInput, OpportunityState, Stage, Status};
use billops_store::{FundingImportRow, Store, StoreError};

use crate::parties::customer;
use crate::support::{actor, d, date};

fn row(line: u64, id: Option<i64>, opp: &str) -> FundingImportRow {
    FundingImportRow {
        line,
        id,
        input: FundingInput {
            customer: "ACME".into(),
            program: "MAP".into(),
            requested: d("5000"),
            currency: "USD".into(),
            fulfilment: Fulfilment::Credits,
            opportunity: opp.into(),
            dates: FundingDates::default(),
        },
        opportunity_state: None,
        stage: None,
        status: None,
        approved: None,
        claimed: None,
        received: None,
        version: None,
    }
}

async fn funding_import_is_atomic_and_round_trips(s: Arc<dyn Store>) {
    let root = actor("root", 1);
    s.set_user("root", Role::Manager, &root).await.unwrap();
    s.set_user("bob", Role::Operator, &root).await.unwrap();
    s.set_user("dave", Role::Viewer, &root).await.unwrap();
    s.add_customer(&customer("ACME"), &root).await.unwrap();
    let bob = actor("bob", 2);

    // A bad third row: nothing of the first two is written.
    let mut bad = row(4, None, "OPP-9");
    bad.input.customer = "NOBODY".into();
    let e = s.import_funding(&[row(2, None, "OPP-1"), row(3, None, "OPP-2"), bad], &bob).await.unwrap_err();
    assert!(matches!(e, StoreError::Invalid(ref m) if m.contains("line 4")), "{e}");
    assert!(s.list_funding(None).await.unwrap().is_empty(), "nothing half-written");
    assert!(s.opportunities().await.unwrap().is_empty());

    let mut first = row(2, None, "OPP-1");
    first.opportunity_state = Some(OpportunityState::Approved);
    first.input.dates.claim_due = Some(date("2026-09-30"));
    let sum = s.import_funding(&[first, row(3, None, "OPP-2")], &bob).await.unwrap();
    assert_eq!(sum.added.len(), 2);
    let all = s.list_funding(None).await.unwrap();
    let one = all.iter().find(|f| f.app.input.opportunity == "OPP-1").unwrap();
    assert_eq!(one.opportunity_state, OpportunityState::Approved);
    assert_eq!(one.app.input.dates.claim_due, Some(date("2026-09-30")));

    // The same rows with their ids, stages and versions (an export): nothing changes.
    let again: Vec<FundingImportRow> = all
        .iter()
        .enumerate()
        .map(|(i, f)| FundingImportRow {
            line: i as u64 + 2,
            id: Some(f.id),
            input: f.app.input.clone(),
            opportunity_state: Some(f.opportunity_state),
            stage: Some(f.app.stage),
            status: Some(f.app.status),
            approved: None,
            claimed: None,
            received: None,
            version: Some(f.app.version),
        })
        .collect();
    let sum = s.import_funding(&again, &bob).await.unwrap();
    assert_eq!((sum.added.len(), sum.updated.len(), sum.unchanged), (0, 0, 2));
    assert_eq!(s.list_funding(None).await.unwrap(), all);

    // The programme's new claim due date comes in; a stage the store does not hold is refused by column.
    let mut moved = again[0].clone();
    moved.input.dates.claim_due = Some(date("2026-12-31"));
    let mut wrong = again[1].clone();
    wrong.stage = Some(Stage::Paid);
    let e = s.import_funding(&[moved.clone(), wrong], &bob).await.unwrap_err();
    assert!(matches!(e, StoreError::Invalid(ref m) if m.contains("line 3, column stage")), "{e}");
    assert_eq!(s.list_funding(None).await.unwrap(), all, "the good row before it was not kept");
    let sum = s.import_funding(&[moved.clone()], &bob).await.unwrap();
    assert_eq!(sum.updated, [moved.id.unwrap()]);
    let f = s.funding(moved.id.unwrap()).await.unwrap();
    assert_eq!((f.app.input.dates.claim_due, f.app.status), (Some(date("2026-12-31")), Status::PendingSubmission));

    // The old version again: stale.
    let e = s.import_funding(&[moved], &bob).await.unwrap_err();
    assert!(matches!(e, StoreError::Conflict(ref m) if m.contains("line 2")), "{e}");
    // Viewers import nothing.
    let e = s.import_funding(&[row(2, None, "OPP-5")], &actor("dave", 3)).await.unwrap_err();
    assert!(matches!(e, StoreError::Forbidden(_)), "{e}");
}
store_test!(funding_import_is_atomic_and_round_trips => funding_import_sqlite, funding_import_postgres);
