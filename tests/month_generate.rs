//! Draft generation over many customers (issue 14: bounded memory): `generate` builds and saves one customer
//! at a time inside one transaction; it must save exactly what the earlier path saved (every draft built first,
//! then one `save`), to the last digit, stay idempotent, and stay all or nothing.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod console_common;

use std::sync::Arc;

use billops::month::invoices::{self, Generated};
use billops_domain::rating::{Pricing, RuleScope};
use billops_domain::{Period, Role};
use billops_store::{Actor, ImportChunk, ImportMeta, InvoiceFilter, NewCustomer, Store};
use chrono::{NaiveDate, TimeZone, Utc};
use console_common::store::{d, item};

const CUSTOMERS: usize = 60;

fn by(name: &str) -> Actor {
    Actor { name: name.into(), at: Utc.with_ymd_and_hms(2026, 6, 2, 8, 0, 0).unwrap() }
}

fn may() -> Period {
    "2026-05".parse().unwrap()
}

/// A book of `CUSTOMERS` customers with 15-decimal costs over several services, a markup on every third;
/// `stranger`: one more customer, billed in EUR with no approved FX rate, between the others.
async fn book(dir: &std::path::Path, stranger: bool) -> Arc<dyn Store> {
    let store = billops_store::open(&format!("sqlite:{}", dir.join("b.db").display())).await.unwrap();
    let setup = by("setup");
    store.set_user("setup", Role::Manager, &setup).await.unwrap();
    store.set_user("bob", Role::Operator, &setup).await.unwrap();
    let mut codes: Vec<(String, String, &str)> =
        (0..CUSTOMERS).map(|i| (format!("C{i:03}"), format!("3000000{i:05}"), "USD")).collect();
    if stranger {
        codes.push(("C030X".into(), "399999999999".into(), "EUR"));
    }
    let mut items = Vec::new();
    for (n, (code, account, currency)) in codes.iter().enumerate() {
        let c = NewCustomer { code: code.clone(), name: format!("{code} Ltd"), currency: (*currency).into() };
        store.add_customer(&c, &setup).await.unwrap();
        if n % 3 == 0 {
            let markup = Pricing::markup(d("7.5")).unwrap();
            let from = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
            store.add_price_rule(code, RuleScope::any(), markup, from, &setup).await.unwrap();
        }
        for k in 0..12 {
            let service = ["AmazonEC2", "AmazonS3", "AmazonRDS"][k % 3];
            let cost = format!("{}.{:015}", n * 7 + k, (n * 7919 + k * 104_729) % 1_000_000_000_000_000);
            let resource = format!("r-{n}-{k}");
            items.push(item("2026-05", account, service, &format!("p{}", k % 4), &format!("c{k}"), &resource, &cost));
        }
    }
    let (tx, rx) = tokio::sync::mpsc::channel(4);
    let rows = items.len() as u64;
    tokio::spawn(async move {
        tx.send(ImportChunk::Items(items)).await.unwrap();
        tx.send(ImportChunk::End { content_hash: "book".into(), rows_read: rows }).await.unwrap();
    });
    let meta =
        ImportMeta { file_name: "book.csv".into(), format: "focus".into(), run_id: "r1".into(), by: setup.clone() };
    store.import(&meta, rx).await.unwrap();
    let from = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
    for (code, account, _) in &codes {
        store.assign_account(account, code, from, &setup).await.unwrap();
    }
    store
}

/// The earlier path (`generate` before issue 14's streaming): each customer's charges read and its draft built,
/// all kept, then one save of them all.
async fn build_all_then_save(store: &dyn Store) -> Vec<Generated> {
    let run = invoices::run_inputs(store, may()).await.unwrap();
    let mut drafts = Vec::new();
    for code in store.charged_customers(may()).await.unwrap() {
        for charges in store.charges(may(), Some(&code)).await.unwrap() {
            let cust = invoices::customer_inputs(store, &charges.customer, may()).await.unwrap();
            drafts.push(invoices::build(&run, &cust, &charges, may()).unwrap());
        }
    }
    invoices::save(store, &drafts, &by("bob")).await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn streamed_generation_saves_what_building_all_first_saved() {
    let (a_dir, b_dir) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (a, b) = (book(a_dir.path(), false).await, book(b_dir.path(), false).await);
    let mut told = Vec::new();
    let streamed = invoices::generate_with(a.as_ref(), may(), None, &by("bob"), &mut |done, total| {
        told.push((done, total));
    })
    .await
    .unwrap();
    let batch = build_all_then_save(b.as_ref()).await;
    assert_eq!(streamed.len(), CUSTOMERS);
    assert_eq!(streamed, batch, "the same invoices, outcomes and totals");
    assert!(streamed.iter().all(|g| g.outcome == "created"));
    assert_eq!(told.first(), Some(&(0, CUSTOMERS)));
    assert_eq!(told.last(), Some(&(CUSTOMERS, CUSTOMERS)));
    for g in &streamed {
        let (x, y) = (a.invoice(g.invoice_id).await.unwrap(), b.invoice(g.invoice_id).await.unwrap());
        assert_eq!((&x.customer, &x.draft), (&y.customer, &y.draft), "the same draft, line for line");
        assert_eq!((x.total, x.cost), (y.total, y.cost), "{}: to the last digit", x.customer);
        assert_eq!(x.total, x.draft.total().normalize());
    }
    assert_eq!(a.payer_figures(may()).await.unwrap(), b.payer_figures(may()).await.unwrap());
    let cent = streamed.iter().find(|g| g.customer == "C003").unwrap();
    assert_eq!(cent.total, b.invoice(cent.invoice_id).await.unwrap().draft.total().normalize());

    // idempotent: a second run finds every draft unchanged and writes nothing
    let again = invoices::generate(a.as_ref(), may(), None, &by("bob")).await.unwrap();
    assert!(again.iter().all(|g| g.outcome == "unchanged" && g.change.is_none()), "{again:?}");
    assert_eq!(
        again.iter().map(|g| g.invoice_id).collect::<Vec<_>>(),
        streamed.iter().map(|g| g.invoice_id).collect::<Vec<_>>()
    );
    let versions = a.list_invoices(&InvoiceFilter::default()).await.unwrap();
    assert!(versions.iter().all(|i| i.version == 1), "nothing rewritten");

    // a changed price book regenerates that customer only; the summary keeps counts and totals, not lines
    let setup = by("setup");
    let from = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
    a.add_price_rule("C001", RuleScope::any(), Pricing::markup(d("10")).unwrap(), from, &setup).await.unwrap();
    let mut diffs = Vec::new();
    let n = invoices::generate_each(a.as_ref(), may(), None, &by("bob"), &mut |_, _| {}, &mut |g, diff| {
        diffs.push((g.clone(), diff.map(|d| d.changed.len())));
    })
    .await
    .unwrap();
    assert_eq!(n, CUSTOMERS);
    let regenerated: Vec<_> = diffs.iter().filter(|(g, _)| g.outcome == "regenerated").collect();
    assert_eq!(regenerated.len(), 1);
    let (g, changed) = regenerated[0];
    assert_eq!(
        (g.customer.as_str(), *changed),
        ("C001", Some(13)),
        "12 usage lines and the rounding line, told as the run goes"
    );
    let change = g.change.as_ref().unwrap();
    assert_eq!((change.added, change.removed, change.changed), (0, 0, 13));
    assert_eq!(change.new_total, g.total);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failure_in_the_middle_saves_no_draft() {
    let dir = tempfile::tempdir().unwrap();
    let store = book(dir.path(), true).await;
    let mut told = Vec::new();
    let err = invoices::generate_each(store.as_ref(), may(), None, &by("bob"), &mut |_, _| {}, &mut |g, _| {
        told.push(g.customer.clone());
    })
    .await
    .unwrap_err();
    assert!(err.to_string().contains("C030X: no approved FX rate USD→EUR for 2026-05"), "{err}");
    assert_eq!(told.len(), 31, "C000…C030 were saved inside the run before C030X failed");
    assert!(store.list_invoices(&InvoiceFilter::default()).await.unwrap().is_empty(), "rolled back: no draft");
    // the one customer alone fails the same way; the others alone are saved
    assert!(invoices::generate(store.as_ref(), may(), Some("C030X"), &by("bob")).await.is_err());
    let one = invoices::generate(store.as_ref(), may(), Some("C031"), &by("bob")).await.unwrap();
    assert_eq!((one.len(), one[0].outcome), (1, "created"));
}
