//! The month-end surfaces of issue 5 against a real store (SQLite in a temp dir): supplier invoices and
//! cases, payments, statements exported as CSV and JSON, terms, a price rule previewed then saved, bulk
//! review/approval with a refusal, an invoice line drilled to its source line items, and the writes a signed-off
//! period refuses.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod console_common;

use std::sync::Arc;

use billops::console::Cmd;
use billops::console::panes::customers::CustomerScreen;
use billops::console::state::{Mode, ViewKey};
use billops_domain::Role;
use billops_domain::close::CaseStatus;
use billops_store::{Actor, InvoiceFilter, InvoiceStep, Store, StoredInvoice};
use chrono::TimeZone;
use console_common::store::{Harness, d, seeded};
use console_common::type_text;

fn msg(h: &Harness) -> String {
    h.state.message.as_ref().map(|m| m.text.clone()).unwrap_or_default()
}

fn set_field(h: &mut Harness, text: &str) {
    if let Mode::Form(f) = &mut h.state.mode {
        f.focused().unwrap().input.set(text);
    }
}

fn setup_actor() -> Actor {
    Actor { name: "setup".into(), at: chrono::Utc.with_ymd_and_hms(2026, 6, 1, 8, 0, 0).unwrap() }
}

#[tokio::test]
async fn supplier_invoice_and_cases_through_the_console() {
    let (dir, store) = seeded().await;
    let mut h = Harness::new(store.clone(), Role::Manager, dir.path().into()).await;
    h.cmd(Cmd::PaneRecon).await;
    h.cmd(Cmd::SupplierInvoice).await;
    h.keys(&["down", "down"]).await;
    type_text(&mut h.state, "AWS-2026-05");
    h.keys(&["down"]).await;
    // The supplier bills about 10 more than was imported (typed to the cent, as the screen shows money): a
    // residual of 1,378.17 − 1,368.168333333333334.
    type_text(&mut h.state, "1,378.17");
    h.keys(&["enter"]).await;
    assert!(
        msg(&h).starts_with("supplier invoice AWS-2026-05 of payer 111111111111 for 2026-05 entered"),
        "{}",
        msg(&h)
    );
    let si = store.list_supplier_invoices(Some("2026-05".parse().unwrap())).await.unwrap();
    assert_eq!(si.len(), 1);
    assert_eq!(si[0].amount, d("1378.17"));
    assert_eq!(si[0].entered_by, "alice");
    // The same number again: the store's refusal is shown.
    h.cmd(Cmd::SupplierInvoice).await;
    h.keys(&["down", "down"]).await;
    type_text(&mut h.state, "AWS-2026-05");
    h.keys(&["down"]).await;
    type_text(&mut h.state, "1");
    h.keys(&["enter"]).await;
    assert!(msg(&h).contains("exists"), "{}", msg(&h));
    // `o` opens a case for the residual; `e` assigns it and waits for the credit note.
    h.cmd(Cmd::OpenCases).await;
    assert!(msg(&h).contains("1 case(s) opened"), "{}", msg(&h));
    assert_eq!(h.state.current_view(), ViewKey::Cases);
    let id = h.sel(ViewKey::Cases).unwrap();
    h.cmd(Cmd::EditCase).await;
    set_field(&mut h, "waiting_credit_note");
    h.keys(&["down"]).await;
    set_field(&mut h, "bob");
    h.keys(&["enter"]).await;
    assert!(msg(&h).contains("is waiting_credit_note"), "{}", msg(&h));
    let c = store.case(id.parse().unwrap()).await.unwrap();
    assert_eq!(
        (c.status, c.owner.as_deref(), c.residual),
        (CaseStatus::WaitingCreditNote, Some("bob"), d("10.001666666666666"))
    );
    // Writing off takes a manager: as an operator the store refuses it, in its words.
    store.set_user("alice", Role::Operator, &setup_actor()).await.unwrap();
    let mut o = Harness::new(store.clone(), Role::Operator, dir.path().into()).await;
    o.cmd(Cmd::PaneRecon).await;
    o.cmd(Cmd::EditCase).await;
    o.cmd(Cmd::EditCase).await;
    set_field(&mut o, "written_off");
    o.keys(&["enter"]).await;
    assert!(msg(&o).contains("write off a reconciliation case"), "{}", msg(&o));
    assert_eq!(store.case(id.parse().unwrap()).await.unwrap().status, CaseStatus::WaitingCreditNote);
}

#[tokio::test]
async fn payment_statement_terms_and_price_rule() {
    let (dir, store) = seeded().await;
    let (mut h, _, inv) = issued_acme(&store, dir.path()).await;
    // `P` on the issued invoice: customer, open amount and number preset.
    h.cmd(Cmd::Payment).await;
    h.keys(&["down", "down", "down"]).await;
    type_text(&mut h.state, "wire 88");
    h.keys(&["enter"]).await;
    assert!(msg(&h).contains("recorded against INV-000001"), "{}", msg(&h));
    let b = store.balance("ACME", console_common::now().date_naive()).await.unwrap();
    assert_eq!(b.balance, d("0"));
    assert_eq!(b.last_payment, Some(inv.total));

    // The statement of ACME for May..today, shown then exported as CSV and JSON.
    h.cmd(Cmd::PaneCustomers).await;
    assert_eq!(h.sel(ViewKey::Customers).as_deref(), Some("ACME"));
    h.cmd(Cmd::Statement).await;
    h.keys(&["enter"]).await;
    let m = &h.state.view(ViewKey::Statement).unwrap().model;
    let kinds: Vec<&str> = m.rows.iter().map(|r| r.cells[1].text.as_str()).collect();
    assert_eq!(kinds, ["opening balance", "invoice", "payment", "closing balance"]);
    h.cmd(Cmd::Export).await;
    let csv_path = dir.path().join("exports/statement-ACME-2026-05-01-2026-06-03-1.csv");
    let json_path = dir.path().join("exports/statement-ACME-2026-05-01-2026-06-03-1.json");
    assert!(msg(&h).contains(&csv_path.display().to_string()) && msg(&h).contains("-1.json"), "{}", msg(&h));
    let csv = std::fs::read_to_string(&csv_path).unwrap();
    let total = billops_domain::money::canonical(inv.total);
    assert!(csv.starts_with("date,entry,reference,amount,balance,customer,currency\n"), "{csv}");
    assert!(csv.contains(&format!(",invoice,INV-000001,{total},{total},ACME,USD\n")), "{csv}");
    assert!(csv.contains(&format!(",payment,payment 1 wire 88 (INV-000001),-{total},0,ACME,USD\n")), "{csv}");
    let json: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&json_path).unwrap()).unwrap();
    assert_eq!(json["closing"].as_str().map(d), Some(d("0")));
    h.keys(&["esc"]).await;

    // Terms: looked up, changed, recorded from the period's first day.
    h.cmd(Cmd::Terms).await;
    set_field(&mut h, "10");
    h.keys(&["enter"]).await;
    assert!(msg(&h).starts_with("terms of ACME from 2026-05-01: tax 10%"), "{}", msg(&h));
    let t = store.terms_on("ACME", "2026-05-15".parse().unwrap()).await.unwrap().unwrap();
    assert_eq!(t.terms.tax_rate.value(), d("10"));

    // Price book: no rule yet (everything at cost); a markup on EC2 is previewed, then saved.
    h.cmd(Cmd::PriceBook).await;
    let rules = &h.state.view(ViewKey::BookRules).unwrap().model;
    assert_eq!(rules.rows.len(), 1, "only the at-cost row");
    h.cmd(Cmd::NewRule).await;
    h.keys(&["down"]).await;
    type_text(&mut h.state, "10");
    h.keys(&["down"]).await;
    type_text(&mut h.state, "AmazonEC2");
    h.keys(&["enter"]).await;
    assert!(store.list_price_rules("ACME").await.unwrap().is_empty(), "nothing saved by the preview");
    let Some(CustomerScreen::Book(b)) = &h.state.panes.customers.screen else { panic!() };
    let diff = b.pending.as_ref().unwrap().diff.ready().unwrap();
    assert_eq!(diff.delta(), Some(d("35.0833333333333334")), "10% of ACME's EC2 cost");
    h.cmd(Cmd::Open).await;
    assert!(msg(&h).contains("rule R1 added to ACME's price book"), "{}", msg(&h));
    assert_eq!(store.list_price_rules("ACME").await.unwrap().len(), 1);
    let rules = &h.state.view(ViewKey::BookRules).unwrap().model;
    assert_eq!(rules.rows[0].id, "R1");
    assert_eq!(rules.rows[0].cells[4].text, "2", "R1 priced ACME's two EC2 lines (web, db at the rollup grain)");
}

#[tokio::test]
async fn bulk_steps_report_refusals_and_a_line_drills_to_its_sources() {
    let (dir, store) = seeded().await;
    let mut h = Harness::new(store.clone(), Role::Manager, dir.path().into()).await;
    h.cmd(Cmd::PaneInvoices).await;
    h.cmd(Cmd::Generate).await;
    h.cmd(Cmd::ReviewAll).await;
    h.keys(&["enter"]).await;
    assert_eq!(msg(&h), "reviewed 2 of 2 invoice(s)");
    // Someone re-opens GLOBEX's between the confirmation and the write: that one is refused, ACME's goes.
    h.cmd(Cmd::ApproveAll).await;
    let invs = store.list_invoices(&InvoiceFilter::default()).await.unwrap();
    let globex = invs.iter().find(|i| i.customer == "GLOBEX").unwrap().id;
    let by = Actor { name: "bob".into(), at: console_common::now() };
    store.set_user("bob", Role::Operator, &setup_actor()).await.unwrap();
    store.step_invoice(globex, InvoiceStep::Reopen, "late usage", None, &by).await.unwrap();
    h.keys(&["enter"]).await;
    let m = msg(&h);
    assert!(m.starts_with(&format!("approved 1 of 2 invoice(s); refused 1: invoice {globex} (GLOBEX):")), "{m}");
    let after = store.list_invoices(&InvoiceFilter::default()).await.unwrap();
    let status = |c: &str| after.iter().find(|i| i.customer == c).unwrap().status.to_string();
    assert_eq!((status("ACME"), status("GLOBEX")), ("approved".to_string(), "draft".to_string()));

    // ACME's invoice: its EC2 shop/web line drills to two resources and two raw line items.
    let acme = after.iter().find(|i| i.customer == "ACME").unwrap().id;
    while h.sel(ViewKey::Invoices) != Some(acme.to_string()) {
        h.cmd(Cmd::Down).await;
    }
    h.cmd(Cmd::Open).await;
    let lines = h.state.view(ViewKey::InvoiceLines).unwrap().model.clone();
    let web = lines.rows.iter().position(|r| r.cells[1].text == "AmazonEC2 / shop / web").unwrap();
    h.cmd(Cmd::Top).await;
    for _ in 0..web {
        h.cmd(Cmd::Down).await;
    }
    h.cmd(Cmd::Open).await;
    let res = &h.state.view(ViewKey::SourceResources).unwrap().model;
    let ids: Vec<&str> = res.rows.iter().map(|r| r.cells[0].text.as_str()).collect();
    assert_eq!(ids, ["i-1", "i-2"], "largest cost first");
    let items = &h.state.view(ViewKey::SourceItems).unwrap().model;
    assert_eq!(items.rows.len(), 2);
    assert_eq!(items.rows[0].cells[0].text, "seed.csv");
    assert_eq!(items.rows[0].cells[7].exact.as_deref(), Some("100.000000000000001"));

    // The credits cross-check loads for the period (nothing unreached in this book).
    h.cmd(Cmd::PaneCredits).await;
    h.cmd(Cmd::SwitchView).await;
    assert_eq!(h.state.current_view(), ViewKey::Unreached);
    assert!(h.state.panes.credits.unreached.ready().unwrap().all_reached());
}

/// 2026-05 signed off on the real store: the console's month-end writes into it are refused with the store's
/// lock message (supplier invoice, terms from its first day); a payment received in it is still recorded (cash
/// comes in after a close; the store does not lock payments).
#[tokio::test]
async fn month_end_writes_into_a_locked_period_show_the_lock() {
    let (dir, store) = seeded().await;
    let may: billops_domain::Period = "2026-05".parse().unwrap();
    let alice = Actor { name: "alice".into(), at: console_common::now() };
    // Make May signable: the stray account assigned, the supplier's invoice as imported, drafts approved.
    let from = chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
    store.assign_account("399999999999", "GLOBEX", from, &setup_actor()).await.unwrap();
    let si = billops_store::NewSupplierInvoice {
        payer: "111111111111".into(),
        period: may,
        number: "AWS-2026-05".into(),
        currency: "USD".into(),
        amount: d("1368.168333333333334"),
        tax: d("0"),
        credits: d("0"),
    };
    store.add_supplier_invoice(&si, &alice).await.unwrap();
    billops::month::invoices::generate(store.as_ref(), may, None, &alice).await.unwrap();
    for inv in store.list_invoices(&InvoiceFilter::default()).await.unwrap() {
        store.step_invoice(inv.id, InvoiceStep::Review, "", None, &alice).await.unwrap();
        store.step_invoice(inv.id, InvoiceStep::Approve, "", None, &alice).await.unwrap();
        // issuing is part of the month: an approved, unissued invoice blocks sign-off
        store.issue_invoice(inv.id, billops::month::INVOICE_SERIES, 30, &alice).await.unwrap();
    }
    let cfg = billops::month::settings::load(store.as_ref()).await.unwrap();
    for v in billops::month::variance::report(store.as_ref(), may, &cfg).await.unwrap().flagged() {
        let e = billops_store::NewExplanation {
            period: may,
            customer: v.variance.customer.clone(),
            service: v.variance.service.clone(),
            driver: billops_domain::variance::Driver::UsageGrowth,
            text: "more shop traffic".into(),
            expected_delta: None,
        };
        store.explain_variance(&e, &alice).await.unwrap();
    }
    let today = console_common::now().date_naive();
    let board = billops::month::close::board(store.as_ref(), may, today, &cfg).await.unwrap();
    assert!(board.can_sign_off, "{:?}", board.board.blockers());
    billops::month::close::sign_off(store.as_ref(), may, today, "closed", &alice, &cfg).await.unwrap();
    let lock = "period 2026-05 is locked (signed off by alice)";

    let mut h = Harness::new(store.clone(), Role::Manager, dir.path().into()).await;
    // A supplier invoice for May.
    h.cmd(Cmd::PaneRecon).await;
    h.cmd(Cmd::SupplierInvoice).await;
    h.keys(&["down", "down"]).await;
    type_text(&mut h.state, "AWS-2026-05-B");
    h.keys(&["down"]).await;
    type_text(&mut h.state, "1");
    h.keys(&["enter"]).await;
    assert!(msg(&h).contains(lock), "{}", msg(&h));
    assert_eq!(store.list_supplier_invoices(Some(may)).await.unwrap().len(), 1, "nothing written");

    // Terms of ACME in force from May's first day.
    h.cmd(Cmd::PaneCustomers).await;
    assert_eq!(h.sel(ViewKey::Customers).as_deref(), Some("ACME"));
    h.cmd(Cmd::Terms).await;
    let Mode::Form(f) = &h.state.mode else { panic!("terms form: {:?}", h.state.mode) };
    assert_eq!(f.value(5), "2026-05-01", "in force from the period in view");
    set_field(&mut h, "10");
    h.keys(&["enter"]).await;
    assert!(msg(&h).contains(lock), "{}", msg(&h));
    assert!(store.list_terms("ACME").await.unwrap().is_empty(), "nothing written");

    // A payment dated on a day of signed-off May would change May's statement: refused, naming the first open day.
    h.cmd(Cmd::Payment).await;
    h.keys(&["down"]).await;
    set_field(&mut h, "2026-05-20");
    h.keys(&["down"]).await;
    set_field(&mut h, "25");
    h.keys(&["down"]).await;
    type_text(&mut h.state, "wire 7");
    h.keys(&["enter"]).await;
    assert!(msg(&h).contains("falls in 2026-05") && msg(&h).contains("2026-06-01 or later"), "{}", msg(&h));
    let st = store.statement("ACME", may.start(), may.end()).await.unwrap();
    assert!(!st.entries.iter().any(|e| e.amount == d("-25")), "nothing written: {st:?}");
}

#[tokio::test]
async fn credit_note_through_the_console() {
    let (dir, store) = seeded().await;
    let (mut h, acme, inv) = issued_acme(&store, dir.path()).await;
    // Open it: no credit notes yet; `C` names all of it as the most, and the amount is typed.
    h.cmd(Cmd::Open).await;
    let detail = h.state.panes.invoices.detail.as_ref().unwrap();
    assert_eq!(detail.credit_notes.ready().map(Vec::len), Some(0));
    h.cmd(Cmd::CreditNote).await;
    let Mode::Form(f) = &h.state.mode else { panic!("credit-note form: {:?}", h.state.mode) };
    assert_eq!(f.value(0), "");
    assert!(f.title.contains(&format!("{} USD at most", billops_domain::money::canonical(inv.total))), "{}", f.title);
    // Credit part of it, with a reason.
    set_field(&mut h, "100");
    h.keys(&["down"]).await;
    type_text(&mut h.state, "shop web billed twice");
    h.keys(&["enter"]).await;
    let left = billops_domain::money::format_amount(inv.total - d("100"), "USD");
    assert_eq!(
        msg(&h),
        format!("credit note CN-000001 issued on INV-000001 (ACME): 100.00 USD; {left} still creditable"),
    );
    let filter = billops_store::CreditNoteFilter { invoice_id: Some(acme), ..Default::default() };
    let notes = store.list_credit_notes(&filter).await.unwrap();
    assert_eq!(notes.len(), 1);
    assert_eq!((notes[0].number.as_str(), notes[0].amount), ("CN-000001", d("100")));
    assert_eq!((notes[0].reason.as_str(), notes[0].issued_by.as_str()), ("shop web billed twice", "alice"));
    // The open invoice reloaded with its note; the form now names what is still uncredited.
    let shown = h.state.panes.invoices.detail.as_ref().unwrap().credit_notes.ready().unwrap();
    assert_eq!(shown.iter().map(|n| n.number.as_str()).collect::<Vec<_>>(), ["CN-000001"]);
    h.cmd(Cmd::CreditNote).await;
    let Mode::Form(f) = &h.state.mode else { panic!("credit-note form: {:?}", h.state.mode) };
    assert!(f.title.contains(&format!("uncredited {left} USD at most")), "{}", f.title);
    // More than remains: the store refuses, in its words, and writes nothing.
    set_field(&mut h, &billops_domain::money::canonical(inv.total));
    h.keys(&["down"]).await;
    type_text(&mut h.state, "all of it again");
    h.keys(&["enter"]).await;
    assert!(msg(&h).contains(&format!("more than the {left} still uncredited")), "{}", msg(&h));
    assert_eq!(store.list_credit_notes(&filter).await.unwrap().len(), 1, "nothing written");
    // Issue 9: the refusal concerns the amount, so the form reopens with the store's words beside it.
    let Mode::Form(f) = &h.state.mode else { panic!("credit-note form reopened: {:?}", h.state.mode) };
    assert_eq!(f.error_field, Some("amount"));
    assert!(f.error.as_deref().unwrap_or_default().contains("still uncredited"), "{:?}", f.error);
}

/// A manager's console on the seeded store with ACME's drafts generated and its invoice issued (from the store)
/// and selected on the Invoices pane: the harness, the invoice id and the issued invoice.
async fn issued_acme(store: &Arc<dyn Store>, dir: &std::path::Path) -> (Harness, i64, StoredInvoice) {
    let mut h = Harness::new(store.clone(), Role::Manager, dir.into()).await;
    h.cmd(Cmd::PaneInvoices).await;
    h.cmd(Cmd::Generate).await;
    let invs = store.list_invoices(&InvoiceFilter::default()).await.unwrap();
    let acme = invs.iter().find(|i| i.customer == "ACME").unwrap().id;
    let by = Actor { name: "alice".into(), at: console_common::now() };
    store.step_invoice(acme, InvoiceStep::Review, "", None, &by).await.unwrap();
    store.step_invoice(acme, InvoiceStep::Approve, "", None, &by).await.unwrap();
    let inv = store.issue_invoice(acme, "INV-", 30, &by).await.unwrap();
    h.keys(&["ctrl-r"]).await;
    while h.sel(ViewKey::Invoices) != Some(acme.to_string()) {
        h.cmd(Cmd::Down).await;
    }
    (h, acme, inv)
}
