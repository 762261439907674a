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

/// Rows of `table` in the store at `url` (the invoice lines are written for SQL readers; no store call reads
/// them back).
async fn rows(url: &str, table: &str) -> i64 {
    use sqlx::Connection;
    let sql = sqlx::AssertSqlSafe(format!("SELECT count(*) FROM {table}"));
    if url.starts_with("sqlite:") {
        let mut c = sqlx::SqliteConnection::connect(url).await.unwrap();
        sqlx::query_scalar(sql).fetch_one(&mut c).await.unwrap()
    } else {
        let mut c = sqlx::PgConnection::connect(url).await.unwrap();
        sqlx::query_scalar(sql).fetch_one(&mut c).await.unwrap()
    }
}

/// A draft run (what `generate` streams into): many customers, lines past what it holds before writing, a
/// customer twice in one run; every stored draft and total is the one built, to the last digit, the lines and
/// payer costs all written once; a failure in the middle leaves nothing; a second run finds all unchanged.
async fn draft_run_streams_all_or_nothing(url: String) {
    let s = billops_store::open(&url).await.unwrap();
    let codes: Vec<(String, String)> = (0..40).map(|i| (format!("C{i:02}"), format!("A{i:02}"))).collect();
    let pairs: Vec<(&str, &str)> = codes.iter().map(|(c, a)| (c.as_str(), a.as_str())).collect();
    setup(&s, &pairs).await;
    let (bob, vic) = (actor("bob", 5), actor("vic", 5));
    s.set_user("vic", Role::Viewer, &actor("root", 1)).await.unwrap();
    let mut drafts = Vec::new();
    for (i, (code, _)) in codes.iter().enumerate() {
        let mut d = draft_of(&s, code).await;
        if i % 5 == 0 {
            // 8 customers × 3,000 lines: several times what the run holds (5,000) before it writes
            let line = d.0.charges[0].clone();
            d.0.charges = vec![line; 3000];
        }
        drafts.push(d);
    }

    // refused before anything is written: a viewer, then a customer the store does not know in the middle
    let mut run = s.draft_run(&vic);
    assert!(matches!(run.save(drafts[0].clone()).await, Err(StoreError::Forbidden(_))));
    drop(run);
    let mut run = s.draft_run(&bob);
    for d in &drafts[..25] {
        assert!(run.save(d.clone()).await.unwrap().is_some(), "saved as it goes");
    }
    let mut stranger = drafts[1].clone();
    stranger.0.customer = "NOBODY".into();
    assert!(matches!(run.save(stranger).await, Err(StoreError::NotFound(_))));
    // a caller that goes on after the error saves nothing either
    assert!(matches!(run.save(drafts[30].clone()).await, Err(StoreError::Conflict(_))));
    assert!(run.commit().await.is_err(), "a failed run does not commit");
    assert!(s.list_invoices(&Default::default()).await.unwrap().is_empty(), "a failed run saves no draft");
    assert_eq!(audits(&s, "invoice.generate").await, 0);
    assert_eq!((rows(&url, "invoice_lines").await, rows(&url, "invoice_payer_costs").await), (0, 0));

    // the whole run, C07 again at the end with one line more (regenerated inside the run)
    let mut c07 = drafts[7].clone();
    c07.0.charges.push(c07.0.charges[0].clone());
    let mut saved = Vec::new();
    let mut run = s.draft_run(&bob);
    for d in drafts.iter().cloned().chain([c07.clone()]) {
        saved.push(run.save(d).await.unwrap().unwrap());
    }
    assert!(run.commit().await.unwrap().is_empty(), "each save said what it did");
    let last: Vec<SavedDraft> = saved.iter().enumerate().filter(|(i, _)| *i != 7).map(|(_, x)| x.clone()).collect();
    assert_stored(&s, &last).await;
    assert_eq!(saved[40].previous.as_ref(), Some(&drafts[7].0), "the second C07 replaced the first");
    assert_eq!(saved[40].invoice.id, saved[7].invoice.id);
    let mut lines = 0;
    let mut payer_rows = 0;
    let mut at_cost = Decimal::ZERO;
    for (i, d) in drafts.iter().enumerate() {
        let d = if i == 7 { &c07 } else { d };
        let stored = s.invoice(saved[i].invoice.id).await.unwrap();
        assert_eq!((&stored.customer, &stored.draft), (&d.0.customer, &d.0), "the draft as built");
        assert_eq!(stored.total, d.0.total().normalize(), "{}: total to the last digit", stored.customer);
        lines += d.0.lines().count() as i64;
        payer_rows += d.1.len() as i64;
        at_cost += d.1.iter().map(|pc| pc.cost).sum::<Decimal>();
    }
    assert_eq!(rows(&url, "invoice_lines").await, lines, "every line written once");
    assert_eq!(rows(&url, "invoice_payer_costs").await, payer_rows);
    let figures = s.payer_figures(p("2026-05")).await.unwrap();
    assert_eq!(figures.iter().map(|f| f.invoiced_at_cost).sum::<Decimal>(), at_cost);
    assert_eq!((audits(&s, "invoice.generate").await, audits(&s, "invoice.regenerate").await), (40, 1));

    // the same drafts again: all unchanged, nothing written
    let mut run = s.draft_run(&bob);
    for (i, d) in drafts.iter().enumerate() {
        let d = if i == 7 { c07.clone() } else { d.clone() };
        let again = run.save(d).await.unwrap().unwrap();
        assert_eq!(again.invoice, s.invoice(saved[i].invoice.id).await.unwrap(), "unchanged: left as it was");
    }
    run.commit().await.unwrap();
    assert_eq!((audits(&s, "invoice.generate").await, audits(&s, "invoice.regenerate").await), (40, 1));
    assert_eq!(rows(&url, "invoice_lines").await, lines);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn draft_run_streams_all_or_nothing_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    draft_run_streams_all_or_nothing(format!("sqlite:{}", dir.path().join("billops.db").display())).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn draft_run_streams_all_or_nothing_postgres() {
    crate::support::run_pg_url("draft_run_streams_all_or_nothing_postgres", |url| {
        draft_run_streams_all_or_nothing(url)
    })
    .await;
}

/// A store of one connection (in memory) holds a run's drafts and saves them at commit: the same outcomes,
/// and nothing when the run is dropped.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn draft_run_in_memory_saves_at_commit() {
    let s = billops_store::open("sqlite::memory:").await.unwrap();
    setup(&s, &[("ACME", "A1"), ("BETA", "B1")]).await;
    let bob = actor("bob", 5);
    let (acme, beta) = (draft_of(&s, "ACME").await, draft_of(&s, "BETA").await);
    let mut run = s.draft_run(&bob);
    assert!(run.save(acme.clone()).await.unwrap().is_none(), "held until commit");
    drop(run);
    assert!(s.list_invoices(&Default::default()).await.unwrap().is_empty());
    let mut run = s.draft_run(&bob);
    run.save(acme.clone()).await.unwrap();
    // the month layer reads between drafts: the one connection is free
    assert_eq!(s.charges(p("2026-05"), Some("BETA")).await.unwrap().len(), 1);
    run.save(beta.clone()).await.unwrap();
    let saved = run.commit().await.unwrap();
    assert_eq!(saved.len(), 2);
    assert_eq!((&saved[0].invoice.draft, &saved[1].invoice.draft), (&acme.0, &beta.0));
    assert_stored(&s, &saved).await;
}
