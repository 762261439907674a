//! The Funding pane's fixture: four applications at different stages (built with the domain's own
//! transitions, as the store would hold them), dated around the fixture clock (2026-06-03).
use billops_domain::funding::{Act, Application, Fulfilment, FundingDates, FundingInput, OpportunityState};
use billops_store::FundingRecord;
use chrono::NaiveDate;

use super::{d, now};

fn date(s: &str) -> Option<NaiveDate> {
    Some(NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap())
}

fn input(customer: &str, program: &str, amount: &str, opp: &str, dates: FundingDates) -> FundingInput {
    FundingInput {
        customer: customer.into(),
        program: program.into(),
        requested: d(amount),
        currency: "USD".into(),
        fulfilment: Fulfilment::Credits,
        opportunity: opp.into(),
        dates,
    }
}

fn act(app: &Application, by: &'static str, why: &'static str) -> Act<'static> {
    Act { by, at: now(), why, version: app.version }
}

pub fn records() -> Vec<FundingRecord> {
    // 1: a draft whose opportunity is still pending, submission due in 5 days.
    let a1 = Application::draft(
        input("ACME", "MAP", "5000", "OPP-1", FundingDates { submit_by: date("2026-06-08"), ..Default::default() }),
        "alice",
        now(),
    )
    .unwrap();
    // 2: approved for 4000, the claim due date lapsed two days ago.
    let mut a2 = Application::draft(
        input("GLOBEX", "POC", "4000", "OPP-2", FundingDates { claim_due: date("2026-06-01"), ..Default::default() }),
        "alice",
        now(),
    )
    .unwrap();
    a2.submit(OpportunityState::Approved, act(&a2, "alice", "")).unwrap();
    a2.approve(d("4000"), act(&a2, "bob", "programme approved in full")).unwrap();
    // 3: paid and assigned to two projects.
    let mut a3 =
        Application::draft(input("ACME", "MDF", "3000", "OPP-3", FundingDates::default()), "bob", now()).unwrap();
    a3.submit(OpportunityState::Approved, act(&a3, "bob", "")).unwrap();
    a3.approve(d("2500"), act(&a3, "bob", "")).unwrap();
    a3.claim(d("2500"), act(&a3, "bob", "")).unwrap();
    a3.approve_claim(act(&a3, "bob", "")).unwrap();
    a3.paid(d("2500"), act(&a3, "bob", "")).unwrap();
    a3.assign(vec![("storefront".into(), d("1500")), ("billing".into(), d("1000"))], act(&a3, "bob", "")).unwrap();
    // 4: a draft with an approved opportunity, ready to submit.
    let a4 = Application::draft(
        input(
            "INITECH",
            "MAP",
            "1200.50",
            "OPP-4",
            FundingDates { submit_by: date("2026-06-20"), ..Default::default() },
        ),
        "alice",
        now(),
    )
    .unwrap();
    vec![
        FundingRecord { id: 4, app: a4, opportunity_state: OpportunityState::Approved },
        FundingRecord { id: 3, app: a3, opportunity_state: OpportunityState::Approved },
        FundingRecord { id: 2, app: a2, opportunity_state: OpportunityState::Approved },
        FundingRecord { id: 1, app: a1, opportunity_state: OpportunityState::Pending },
    ]
}
