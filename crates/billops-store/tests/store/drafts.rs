//! `save_drafts`: a run of drafts in one transaction gives what `save_draft` one by one gives (created,
//! regenerated, unchanged; the returned invoice is the stored one), audited once per written invoice, and
//! saves nothing when one draft is refused.
use std::sync::Arc;

use billops_domain::Role;
use billops_domain::rating::{Pricing, RuleScope};
use billops_store::{AuditFilter, InvoiceStep, SavedDraft, Store, StoreError};
use rust_decimal::Decimal;

use crate::month_end::{draft_of, setup};
use crate::support::{actor, d, date, p};

async fn assert_stored(s: &Arc<dyn Store>, saved: &[SavedDraft]) {
    for sd in saved {
        assert_eq!(sd.invoice, s.invoice(sd.invoice.id).await.unwrap(), "returned = stored");
    }
}

async fn audits(s: &Arc<dyn Store>, action: &str) -> usize {
    let f = AuditFilter { who: None, action: Some(action.into()), period: None, limit: None };
    s.audit(&f).await.unwrap().len()
}

async fn batch_equals_one_by_one(s: Arc<dyn Store>) {
    setup(&s, &[("ACME", "A1"), ("BETA", "B1"), ("GAMMA", "G1")]).await;
    let (bob, alice) = (actor("bob", 5), actor("alice", 6));
    s.set_user("vic", Role::Viewer, &actor("root", 1)).await.unwrap();
    assert!(s.save_drafts(&[], &actor("vic", 5)).await.unwrap().is_empty(), "nothing to save, nothing checked");
    let acme = draft_of(&s, "ACME").await;
    assert!(matches!(
        s.save_drafts(std::slice::from_ref(&acme), &actor("vic", 5)).await,
        Err(StoreError::Forbidden(_))
    ));

    let one = s.save_draft(&acme.0, &acme.1, &bob).await.unwrap();
    let mut beta = draft_of(&s, "BETA").await;
    // many lines: more rows than one multi-row INSERT takes on either backend
    let line = beta.0.charges[0].clone();
    beta.0.charges = vec![line; 3000];
    let run = vec![acme.clone(), beta.clone(), draft_of(&s, "GAMMA").await];
    let saved = s.save_drafts(&run, &bob).await.unwrap();
    assert_eq!(saved.len(), 3);
    assert_eq!(saved[0].invoice, one.invoice, "unchanged: left as it was");
    assert_eq!(saved[0].previous.as_ref(), Some(&acme.0));
    assert!(saved[1].previous.is_none() && saved[2].previous.is_none(), "created");
    assert_eq!(saved[1].invoice.draft.charges.len(), 3000);
    assert_eq!((saved[2].invoice.customer.as_str(), saved[2].invoice.version), ("GAMMA", 1));
    assert_eq!(saved[2].invoice.total, d("100.01"));
    assert_stored(&s, &saved).await;
    assert_eq!(audits(&s, "invoice.generate").await, 3, "ACME once (save_draft), BETA and GAMMA once each");
    let figures = s.payer_figures(p("2026-05")).await.unwrap();
    assert_eq!(figures[0].invoiced_at_cost, d("300.015"), "payer costs written for every invoice");

    s.add_price_rule("ACME", RuleScope::any(), Pricing::markup(d("10")).unwrap(), date("2026-01-01"), &bob)
        .await
        .unwrap();
    s.step_invoice(one.invoice.id, InvoiceStep::Review, "", None, &bob).await.unwrap();
    let again = vec![draft_of(&s, "ACME").await, beta.clone()];
    let saved = s.save_drafts(&again, &alice).await.unwrap();
    assert_eq!(saved[0].invoice.id, one.invoice.id, "regenerated in place");
    assert_eq!(saved[0].invoice.version, one.invoice.version + 2, "reviewed, then regenerated");
    assert_eq!(saved[0].invoice.total, d("110.01"));
    assert_eq!(saved[0].previous.as_ref(), Some(&acme.0));
    assert_eq!(saved[1].previous.as_ref(), Some(&beta.0), "unchanged");
    assert_stored(&s, &saved).await;
    assert_eq!(audits(&s, "invoice.regenerate").await, 1);

    // one refused draft (an issued invoice is immutable) saves none of the run
    let id = saved[0].invoice.id;
    assert_eq!(saved[0].invoice.status.as_str(), "draft", "regeneration sends a reviewed invoice back to draft");
    s.step_invoice(id, InvoiceStep::Review, "", None, &bob).await.unwrap();
    s.step_invoice(id, InvoiceStep::Approve, "", None, &alice).await.unwrap();
    let issued = s.issue_invoice(id, "INV-", 30, &alice).await.unwrap();
    let mut gamma = draft_of(&s, "GAMMA").await;
    gamma.0.charges[0].amount += Decimal::ONE;
    let mut acme = draft_of(&s, "ACME").await;
    acme.0.charges[0].amount += Decimal::ONE;
    let err = s.save_drafts(&[gamma, acme], &bob).await.unwrap_err();
    assert!(matches!(err, StoreError::Conflict(_)), "{err}");
    let gamma_now = s.invoice(s.save_drafts(&[draft_of(&s, "GAMMA").await], &bob).await.unwrap()[0].invoice.id);
    assert_eq!(gamma_now.await.unwrap().version, 1, "GAMMA was not regenerated");
    assert_eq!(s.invoice(id).await.unwrap(), issued);
}
store_test!(batch_equals_one_by_one => batch_equals_one_by_one_sqlite, batch_equals_one_by_one_postgres);
