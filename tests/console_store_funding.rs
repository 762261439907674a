//! The Funding pane against a real store (SQLite in a temp dir): `n` adds an application in the customer's
//! currency, `o` and `u` release it, `e` moves it on; a form left open while someone else moved the
//! application is refused as changed meanwhile, and nothing is overwritten.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod console_common;

use billops::console::state::Mode;
use billops_domain::Role;
use billops_domain::funding::Stage;
use billops_store::{Actor, FundingChange};
use chrono::{TimeZone, Utc};
use console_common::store::{Harness, seeded};

fn set(h: &mut Harness, name: &str, value: &str) {
    let Mode::Form(f) = &mut h.state.mode else { panic!("no form open") };
    f.fields.iter_mut().find(|x| x.name == name).unwrap().input.set(value);
}

fn message(h: &Harness) -> String {
    h.state.message.as_ref().map(|m| m.text.clone()).unwrap_or_default()
}

#[tokio::test]
async fn add_release_and_a_stale_form_is_refused() {
    let (dir, store) = seeded().await;
    let mut h = Harness::new(store.clone(), Role::Manager, dir.path().into()).await;
    h.keys(&["'", "f", "n"]).await;
    set(&mut h, "customer", "ACME");
    set(&mut h, "amount", "5,000.00");
    set(&mut h, "opportunity", "OPP-1");
    h.keys(&["enter"]).await;
    assert!(message(&h).contains("funding application 1 added: MAP 5,000.00 USD for ACME"), "{}", message(&h));
    assert_eq!(h.sel(billops::console::state::ViewKey::Funding).as_deref(), Some("1"));

    h.keys(&["o", "enter"]).await;
    assert!(message(&h).contains("opportunity OPP-1 is approved"), "{}", message(&h));
    h.keys(&["u", "enter"]).await;
    assert!(message(&h).contains("submitted / in review"), "{}", message(&h));

    // The approve form is open at version 2; meanwhile someone records the programme's dates (version 3).
    h.keys(&["e"]).await;
    let other = Actor { name: "alice".into(), at: Utc.with_ymd_and_hms(2026, 6, 3, 10, 0, 0).unwrap() };
    let dates = billops_domain::funding::FundingDates::default();
    let dates =
        billops_domain::funding::FundingDates { claim_due: chrono::NaiveDate::from_ymd_opt(2026, 9, 30), ..dates };
    store.update_funding(1, &FundingChange::Dates { dates }, None, "programme portal", &other).await.unwrap();
    h.keys(&["enter"]).await;
    assert!(message(&h).contains("someone changed it meanwhile: reloaded"), "{}", message(&h));
    let f = store.funding(1).await.unwrap();
    assert_eq!((f.app.stage, f.app.version), (Stage::Submitted, 3), "the stale approval wrote nothing");
    // Reloaded: the next try carries the new version.
    h.keys(&["e", "enter"]).await;
    assert!(message(&h).contains("approved / approved (version 4)"), "{}", message(&h));
}

#[tokio::test]
async fn accounts_and_payers_are_named_from_the_accounts_pane() {
    let (dir, store) = seeded().await;
    let mut h = Harness::new(store.clone(), Role::Operator, dir.path().into()).await;
    h.cmd(billops::console::Cmd::PaneAccounts).await;
    let account = h.sel(billops::console::state::ViewKey::Accounts).unwrap();
    h.keys(&["N"]).await;
    {
        let Mode::Form(f) = &h.state.mode else { panic!("no form") };
        assert!(f.title.contains(&format!("name linked account {account}")), "{}", f.title);
    }
    set(&mut h, "name", "mystery sandbox");
    h.keys(&["enter"]).await;
    assert!(message(&h).contains("named \"mystery sandbox\""), "{}", message(&h));
    let accts = store.list_accounts(&Default::default()).await.unwrap();
    assert_eq!(accts.iter().find(|a| a.id == account).unwrap().name, "mystery sandbox");

    h.keys(&["v", "v"]).await;
    let payer = h.sel(billops::console::state::ViewKey::Payers).unwrap();
    h.keys(&["N"]).await;
    set(&mut h, "name", "Payer One");
    h.keys(&["enter"]).await;
    assert!(message(&h).contains(&format!("payer {payer} named")), "{}", message(&h));
    assert_eq!(store.list_payers().await.unwrap().iter().find(|p| p.id == payer).unwrap().name, "Payer One");
}
