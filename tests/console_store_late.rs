//! Late rows of an issued month through the console against a real store: Disputes pane, PPAs view, `L` with the
//! cost file → the preview (read off the render path) → confirmed → the PPA is in the store, its reason naming
//! the file.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod console_common;

use billops::console::state::Mode;
use billops_domain::Role;
use billops_store::disputes::PpaFilter;
use billops_store::{Actor, InvoiceStep};
use console_common::store::{Harness, seeded};
use console_common::type_text;

const LATE: &str =
    "BillingAccountId,BillingAccountName,SubAccountId,SubAccountName,BillingPeriodStart,BillingPeriodEnd,\
ChargePeriodStart,ChargePeriodEnd,ChargeCategory,ServiceName,RegionId,SkuId,ResourceId,ConsumedQuantity,ConsumedUnit,\
BilledCost,EffectiveCost,ListCost,BillingCurrency,InvoiceId,Tags
111111111111,Payer A,300000000001,acct,2026-05-01T00:00:00Z,2026-06-01T00:00:00Z,2026-05-20T00:00:00Z,\
2026-05-21T00:00:00Z,Usage,AmazonRDS,us-east-1,SKU9,db-late,2,Hrs,40.25,40.25,40.25,USD,INV-1,
";

#[tokio::test]
async fn late_rows_become_proposed_ppas_from_the_disputes_pane() {
    let (dir, store) = seeded().await;
    let by = |name: &str| Actor { name: name.into(), at: console_common::now() };
    store.set_user("bob", Role::Operator, &by("setup")).await.unwrap();
    let g = billops::month::invoices::generate(store.as_ref(), "2026-05".parse().unwrap(), Some("ACME"), &by("bob"))
        .await
        .unwrap();
    let id = g[0].invoice_id;
    store.step_invoice(id, InvoiceStep::Review, "", None, &by("bob")).await.unwrap();
    store.step_invoice(id, InvoiceStep::Approve, "", None, &by("setup")).await.unwrap();
    store.issue_invoice(id, "INV", 30, &by("setup")).await.unwrap();
    let file = dir.path().join("late-may.csv");
    std::fs::write(&file, LATE).unwrap();

    let mut h = Harness::new(store.clone(), Role::Manager, dir.path().into()).await;
    h.keys(&["'", "s", "v", "L"]).await;
    h.keys(&["backspace"; 7]).await;
    type_text(&mut h.state, "2026-05");
    h.keys(&["down"]).await;
    type_text(&mut h.state, file.to_str().unwrap());
    h.keys(&["down"]).await;
    type_text(&mut h.state, "late RDS rows");
    h.keys(&["enter"]).await;
    let Mode::Form(f) = &h.state.mode else { panic!("a confirmation: {:?}", h.state.message) };
    assert!(f.title.contains("1 row(s) for 2026-05; 1 line(s) move on 1 issued invoice(s)"), "{}", f.title);
    assert!(store.list_ppas(&PpaFilter::default()).await.unwrap().is_empty(), "a preview writes nothing");
    h.keys(&["enter"]).await;
    let said = h.state.message.as_ref().map(|m| m.text.clone()).unwrap_or_default();
    assert!(said.starts_with("1 PPA(s) proposed from the late rows of 2026-05"), "{said}");
    let ppas = store.list_ppas(&PpaFilter::default()).await.unwrap();
    assert_eq!(ppas.len(), 1);
    let p = &ppas[0].ppa;
    assert_eq!((p.input.original_line, p.proposer.as_str()), (0, "alice"), "the whole invoice, by the console's user");
    assert!(p.input.reason.starts_with("late RDS rows (late rows from ") && p.input.reason.contains("late-may.csv"));
    assert!(p.input.rerated - p.input.original >= "40.25".parse().unwrap(), "at cost or above: {p:?}");
}
