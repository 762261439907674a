//! Pure state tests of the month-end surfaces of issue 5 (supplier invoices and cases on Recon, payments and
//! statements, unreached credits, bulk review/approval, customer terms, price-book previews, invoice-line
//! sources): every key they add, through its default binding, against the fixture. The guard listing every
//! command is in `console_state.rs`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod console_common;

use billops::console::action::PaneQuery;
use billops::console::panes::credits::io::Query as CreditsQuery;
use console_common::*;

use billops::console::action::{Action, Effect, FormKind, PaneWrite};
use billops::console::keys::Cmd;
use billops::console::pane::PaneId;
use billops::console::panes::customers::CustomerScreen;
use billops::console::panes::customers::io::{NewRule, Query as CQ, Write as CW};
use billops::console::panes::invoices::{form::Kind as IF, io::Query as IQ, io::Write as IW};
use billops::console::panes::recon::{form::Kind as RF, io::Write as RW};
use billops::console::state::{Load, Mode, State, ViewKey};
use billops::console::update;
use billops_domain::Role;
use billops_domain::close::CaseStatus;
use billops_domain::rating::{Pricing, RuleScope};
use billops_store::{CaseUpdate, InvoiceStep, NewCreditNote, NewPayment, NewSupplierInvoice, SourceQuery};
use chrono::NaiveDate;

/// The month-end screens' reads among the effects (statements, terms, the price book, a line's sources …;
/// not the lists' loads).
fn queries(fx: &[Effect]) -> Vec<PaneQuery> {
    fx.iter()
        .filter_map(|e| match e {
            Effect::Pane {
                q:
                    q @ (PaneQuery::Customers(
                        CQ::Statement { .. }
                        | CQ::ExportStatement { .. }
                        | CQ::Terms { .. }
                        | CQ::PriceBook { .. }
                        | CQ::PreviewRule { .. },
                    )
                    | PaneQuery::Invoices(IQ::Sources { .. } | IQ::CreditNotes { .. })),
                ..
            } => Some(q.clone()),
            _ => None,
        })
        .collect()
}

/// The unreached-credits reads among the effects (the Credits pane's queries live in its `io.rs`).
fn pane_queries(fx: &[Effect]) -> Vec<PaneQuery> {
    fx.iter()
        .filter_map(|e| match e {
            Effect::Pane { q: q @ PaneQuery::Credits(CreditsQuery::Unreached { .. }), .. } => Some(q.clone()),
            _ => None,
        })
        .collect()
}

fn msg(s: &State) -> String {
    s.message.as_ref().map(|m| m.text.clone()).unwrap_or_default()
}

fn form(s: &State) -> &billops::console::input::Form {
    match &s.mode {
        Mode::Form(f) => f,
        other => panic!("no form: {other:?}"),
    }
}

fn date(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

/// Replace the focused field's text.
fn set_field(s: &mut State, text: &str) {
    if let Mode::Form(f) = &mut s.mode {
        f.focused().unwrap().input.set(text);
    }
}

/// A write refused by the store: the reply carries its message, which the message line shows.
fn refuse(s: &mut State, fx: &[Effect], why: &str) -> Vec<Effect> {
    let req = fx
        .iter()
        .find_map(|e| match e {
            Effect::Write { req, .. } => Some(*req),
            _ => None,
        })
        .unwrap();
    update(s, Action::Reply { req, result: Err(why.into()) })
}

#[test]
fn supplier_invoice_entered_on_recon() {
    let mut s = started(Role::Operator);
    press(&mut s, Cmd::PaneRecon);
    // `n` presets the payer of the selected tie-out and the period.
    press(&mut s, Cmd::SupplierInvoice);
    let f = form(&s);
    assert_eq!(f.kind, FormKind::Recon(RF::SupplierInvoice));
    assert_eq!((f.value(0).as_str(), f.value(1).as_str(), f.value(6).as_str()), ("111111111111", "2026-05", "USD"));
    keys(&mut s, &["down", "down"]);
    type_text(&mut s, "AWS-05-B");
    keys(&mut s, &["down"]);
    type_text(&mut s, "12,5");
    let fx = keys(&mut s, &["enter"]);
    assert!(writes(&fx).is_empty());
    assert!(form(&s).error.as_ref().unwrap().starts_with("amount:"), "{:?}", form(&s).error);
    // Money as the screen shows it, to the currency's minor unit: finer or E-notation is refused at the field.
    for bad in ["15412.407333333333334", "1.5412407e4"] {
        set_field(&mut s, bad);
        let fx = keys(&mut s, &["enter"]);
        assert!(writes(&fx).is_empty(), "{bad}");
        assert!(form(&s).error.as_ref().unwrap().starts_with("amount:"), "{:?}", form(&s).error);
    }
    assert!(form(&s).error.as_ref().unwrap().contains("digits"), "{:?}", form(&s).error);
    set_field(&mut s, "15,412.41");
    keys(&mut s, &["down"]);
    set_field(&mut s, "1.5");
    let fx = keys(&mut s, &["enter"]);
    assert_eq!(
        writes(&fx),
        [PaneWrite::Recon(RW::SupplierInvoice(NewSupplierInvoice {
            payer: "111111111111".into(),
            period: p("2026-05"),
            number: "AWS-05-B".into(),
            currency: "USD".into(),
            amount: d("15412.41"),
            tax: d("1.5"),
            credits: d("0"),
        }))]
    );
    // The store's refusal (a locked period) lands on the message line, and the lists reload.
    press(&mut s, Cmd::SupplierInvoice);
    keys(&mut s, &["down", "down"]);
    type_text(&mut s, "X-1");
    keys(&mut s, &["down"]);
    type_text(&mut s, "1");
    let fx = update(&mut s, Action::Key(keys_of("enter")));
    let why = "period 2026-05 is locked (signed off by maria): corrections go through adjustments";
    let fx = refuse(&mut s, &fx, why);
    assert_eq!(msg(&s), why);
    assert!(fx.iter().any(|e| is_query(e, "Recon", "Period")), "reloads what the store holds");
    // The supplier invoices list (`v`).
    drive(&mut s, fx);
    press(&mut s, Cmd::SwitchView);
    assert_eq!(s.current_view(), ViewKey::SupplierInvoices);
    let m = &s.view(ViewKey::SupplierInvoices).unwrap().model;
    assert_eq!(m.rows[0].cells[1].text, "AWS-2026-05-A");
    // Viewers get no form.
    let mut v = started(Role::Viewer);
    press(&mut v, Cmd::PaneRecon);
    press(&mut v, Cmd::SupplierInvoice);
    assert!(matches!(v.mode, Mode::Normal) && msg(&v).starts_with("read-only"), "{}", msg(&v));
}

#[test]
fn cases_open_for_residuals_and_change() {
    let mut s = started(Role::Operator);
    press(&mut s, Cmd::PaneRecon);
    // `e` outside the cases list shows it first.
    let fx = press(&mut s, Cmd::EditCase);
    assert!(writes(&fx).is_empty() && matches!(s.mode, Mode::Normal));
    assert_eq!(s.current_view(), ViewKey::Cases);
    let m = &s.view(ViewKey::Cases).unwrap().model;
    assert_eq!(m.rows.iter().map(|r| r.id.as_str()).collect::<Vec<_>>(), ["2", "1"], "open cases first");
    assert_eq!(m.rows[0].cells[2].text, "open");
    // Change the open case: owner and status; unchanged fields are left out of the update.
    press(&mut s, Cmd::EditCase);
    let f = form(&s);
    assert_eq!((f.value(0).as_str(), f.value(1).as_str(), f.value(2).as_str()), ("open", "bob", "12.5"));
    set_field(&mut s, "waiting");
    keys(&mut s, &["down"]);
    set_field(&mut s, "alice");
    let fx = keys(&mut s, &["enter"]);
    let want = CaseUpdate {
        status: Some(CaseStatus::WaitingCreditNote),
        owner: Some("alice".into()),
        ..CaseUpdate::default()
    };
    assert_eq!(writes(&fx), [PaneWrite::Recon(RW::UpdateCase { id: 2, update: want, version: 2 })]);
    // A bad status stays in the form; nothing changed writes nothing.
    press(&mut s, Cmd::EditCase);
    set_field(&mut s, "closed");
    let fx = keys(&mut s, &["enter"]);
    assert!(writes(&fx).is_empty() && form(&s).error.as_ref().unwrap().starts_with("status:"));
    set_field(&mut s, "open");
    let fx = keys(&mut s, &["enter"]);
    assert!(writes(&fx).is_empty() && msg(&s).contains("nothing changed"));
    // Writing off takes a manager: the store decides, its words are shown.
    press(&mut s, Cmd::EditCase);
    set_field(&mut s, "written_off");
    let fx = update(&mut s, Action::Key(keys_of("enter")));
    assert!(matches!(&writes(&fx)[..], [PaneWrite::Recon(RW::UpdateCase { update, .. })]
        if update.status == Some(CaseStatus::WrittenOff)));
    refuse(&mut s, &fx, "not allowed: alice (operator) may not write off a reconciliation case");
    assert!(msg(&s).contains("may not write off"));
    // `o` opens cases for the period's residuals and shows the cases (from the tie-out: cases → FX rates →
    // statements → tie-out).
    press(&mut s, Cmd::SwitchView);
    assert_eq!(s.current_view(), ViewKey::FxRates);
    press(&mut s, Cmd::SwitchView);
    assert_eq!(s.current_view(), ViewKey::ChStatements);
    press(&mut s, Cmd::SwitchView);
    let fx = press(&mut s, Cmd::OpenCases);
    assert_eq!(writes(&fx), [PaneWrite::Recon(RW::OpenCases { period: p("2026-05") })]);
    assert_eq!(s.current_view(), ViewKey::Cases);
}

#[test]
fn payments_recorded_from_customers_and_invoices() {
    let mut s = state(Role::Operator);
    let first = s.selected_id(ViewKey::Customers).unwrap();
    press(&mut s, Cmd::Payment);
    let f = form(&s);
    assert_eq!((f.value(0), f.value(1)), (first.clone(), "2026-06-03".to_string()));
    keys(&mut s, &["down", "down"]);
    type_text(&mut s, "-5");
    let fx = keys(&mut s, &["enter"]);
    assert!(writes(&fx).is_empty() && form(&s).error.as_ref().unwrap().contains("must be positive"));
    set_field(&mut s, "250.50");
    keys(&mut s, &["down"]);
    type_text(&mut s, "wire 88");
    let fx = keys(&mut s, &["enter"]);
    assert_eq!(
        writes(&fx),
        [PaneWrite::Customers(CW::Payment(NewPayment {
            customer: first,
            amount: d("250.50"),
            received_on: date("2026-06-03"),
            invoice: None,
            reference: Some("wire 88".into()),
        }))]
    );
    // An unknown customer is caught in the form.
    press(&mut s, Cmd::Payment);
    set_field(&mut s, "NOPE");
    keys(&mut s, &["down", "down"]);
    type_text(&mut s, "1");
    let fx = keys(&mut s, &["enter"]);
    assert!(writes(&fx).is_empty() && form(&s).error.as_ref().unwrap().contains("no customer"));
    keys(&mut s, &["esc"]);
    // On an issued invoice: customer, open amount and number preset.
    press(&mut s, Cmd::PaneInvoices);
    keys(&mut s, &["G"]);
    press(&mut s, Cmd::Payment);
    let f = form(&s);
    assert_eq!((f.value(0).as_str(), f.value(2).as_str(), f.value(4).as_str()), ("UMBRELLA", "999.99", "INV-000007"));
    let fx = keys(&mut s, &["enter"]);
    assert!(matches!(&writes(&fx)[..], [PaneWrite::Customers(CW::Payment(p))]
        if p.invoice.as_deref() == Some("INV-000007") && p.amount == d("999.99")));
    // Viewers get no form.
    let mut v = state(Role::Viewer);
    press(&mut v, Cmd::Payment);
    assert!(matches!(v.mode, Mode::Normal) && msg(&v).starts_with("read-only"));
}

#[test]
fn statement_for_a_range_shown_and_exported() {
    // A viewer may read statements.
    let mut s = state(Role::Viewer);
    keys(&mut s, &["/", "A", "C", "M", "E", "enter"]);
    press(&mut s, Cmd::Statement);
    let f = form(&s);
    assert_eq!((f.value(0).as_str(), f.value(1).as_str(), f.value(2).as_str()), ("ACME", "2026-05-01", "2026-06-03"));
    keys(&mut s, &["down"]);
    set_field(&mut s, "2026-07-01");
    let fx = keys(&mut s, &["enter"]);
    assert!(queries(&fx).is_empty() && form(&s).error.as_ref().unwrap().starts_with("to:"));
    set_field(&mut s, "2026-04-01");
    let fx = keys(&mut s, &["enter"]);
    assert_eq!(
        queries(&fx),
        [PaneQuery::Customers(CQ::Statement {
            customer: "ACME".into(),
            from: date("2026-04-01"),
            to: date("2026-06-03")
        })]
    );
    assert_eq!(s.current_view(), ViewKey::Statement);
    let m = &s.view(ViewKey::Statement).unwrap().model;
    let entries: Vec<&str> = m.rows.iter().map(|r| r.cells[1].text.as_str()).collect();
    // The open dispute under the closing balance (not in it), then the amount in dispute beside the overdue
    // figure it is held out of.
    assert_eq!(entries, ["opening balance", "invoice", "payment", "closing balance", "open dispute", "in dispute"]);
    assert_eq!(m.rows[2].cells[4].num, Some(d("6984.32")), "running balance");
    assert_eq!((m.rows[4].cells[2].text.as_str(), m.rows[4].cells[3].num), ("INV-000001 line 3 (open)", Some(d("40"))));
    assert_eq!(m.rows[4].cells[4].text, "", "a dispute is not in the balance");
    assert!(m.rows[5].cells[2].text.contains("overdue 160.00 less disputes"), "{:?}", m.rows[5].cells);
    // `x` writes CSV and JSON (with the disputes) and names both files.
    let fx = press(&mut s, Cmd::Export);
    assert!(matches!(
        &queries(&fx)[..],
        [PaneQuery::Customers(CQ::ExportStatement { disputed: Some(d), .. })] if d.disputes.len() == 1
    ));
    let m = msg(&s);
    assert!(m.contains("statement-ACME-2026-04-01-2026-06-03-1.csv") && m.contains("-1.json"), "{m}");
    // Esc closes the statement.
    press(&mut s, Cmd::Back);
    assert!(s.panes.customers.screen.is_none());
    assert_eq!(s.current_view(), ViewKey::Customers);
}

#[test]
fn unreached_credits_from_the_credits_pane() {
    let mut s = started(Role::Manager);
    let fx = press(&mut s, Cmd::PaneCredits);
    assert_eq!(pane_queries(&fx), [PaneQuery::Credits(CreditsQuery::Unreached { period: p("2026-05") })]);
    press(&mut s, Cmd::SwitchView);
    assert_eq!(s.current_view(), ViewKey::Unreached);
    let m = &s.view(ViewKey::Unreached).unwrap().model;
    let reached: Vec<&str> = m.rows.iter().map(|r| r.cells[0].text.as_str()).collect();
    assert_eq!(reached, ["by CR-2", "no", "draft 1"]);
    // Approving acts on the credits list only.
    let fx = press(&mut s, Cmd::Approve);
    assert!(fx.is_empty() && msg(&s).contains("credits list"));
    // Another period reloads the cross-check.
    let fx = press(&mut s, Cmd::PrevPeriod);
    assert!(pane_queries(&fx).contains(&PaneQuery::Credits(CreditsQuery::Unreached { period: p("2026-04") })));
    press(&mut s, Cmd::SwitchView);
    assert_eq!(s.current_view(), ViewKey::Credits);
}

#[test]
fn bulk_review_and_approve_with_confirmation() {
    let mut s = started(Role::Manager);
    press(&mut s, Cmd::PaneInvoices);
    press(&mut s, Cmd::ApproveAll);
    let f = form(&s);
    assert!(f.title.starts_with("approve all 1 reviewed invoice(s) of 2026-05 (GLOBEX)"), "{}", f.title);
    let fx = keys(&mut s, &["esc"]);
    assert!(writes(&fx).is_empty() && matches!(s.mode, Mode::Normal));
    press(&mut s, Cmd::ApproveAll);
    let fx = update(&mut s, Action::Key(keys_of("enter")));
    let w = writes(&fx);
    assert_eq!(
        w,
        [PaneWrite::Invoices(IW::Bulk { step: InvoiceStep::Approve, invoices: vec![(2, 3, "GLOBEX".into())] })]
    );
    // Individual refusals come back counted, each with the store's words.
    let why =
        "approved 0 of 1 invoice(s); refused 1: invoice 2 (GLOBEX): period 2026-05 is locked (signed off by maria)";
    let fx = refuse(&mut s, &fx, why);
    assert_eq!(msg(&s), why);
    assert!(fx.iter().any(|e| is_query(e, "Invoices", "List")));
    drive(&mut s, fx);
    let fx = press(&mut s, Cmd::ReviewAll);
    assert!(writes(&fx).is_empty());
    let fx = keys(&mut s, &["enter"]);
    assert_eq!(
        writes(&fx),
        [PaneWrite::Invoices(IW::Bulk { step: InvoiceStep::Review, invoices: vec![(1, 3, "ACME".into())] })]
    );
    // Approving takes a manager; an operator may review all.
    let mut o = started(Role::Operator);
    press(&mut o, Cmd::PaneInvoices);
    press(&mut o, Cmd::ApproveAll);
    assert!(matches!(o.mode, Mode::Normal) && msg(&o).contains("manager"));
    press(&mut o, Cmd::ReviewAll);
    assert!(matches!(o.mode, Mode::Form(_)));
}

#[test]
fn customer_terms_viewed_and_edited() {
    let mut s = state(Role::Operator);
    keys(&mut s, &["/", "A", "C", "M", "E", "enter", "enter"]);
    let fx = press(&mut s, Cmd::Terms);
    assert_eq!(queries(&fx), [PaneQuery::Customers(CQ::Terms { customer: "ACME".into(), today: date("2026-06-03") })]);
    let f = form(&s);
    assert!(f.title.starts_with("terms of ACME (since 2026-01-01 by maria, 1 change(s))"), "{}", f.title);
    let vals: Vec<String> = (0..6).map(|i| f.value(i)).collect();
    assert_eq!(vals, ["8.25", "2", "loyalty", "half_away_from_zero", "45", "2026-05-01"]);
    // Enter on unchanged terms saves nothing.
    let fx = keys(&mut s, &["enter"]);
    assert!(writes(&fx).is_empty() && msg(&s).contains("unchanged"));
    press(&mut s, Cmd::Terms);
    set_field(&mut s, "10");
    keys(&mut s, &["down", "down", "down"]);
    set_field(&mut s, "sideways");
    let fx = keys(&mut s, &["enter"]);
    assert!(writes(&fx).is_empty() && form(&s).error.as_ref().unwrap().starts_with("rounding:"));
    set_field(&mut s, "half_even");
    let fx = keys(&mut s, &["enter"]);
    let [PaneWrite::Customers(CW::Terms { customer, patch, from })] = &writes(&fx)[..] else { panic!("{fx:?}") };
    assert_eq!((customer.as_str(), *from), ("ACME", date("2026-05-01")));
    assert_eq!((patch.tax, patch.discount, patch.due_days), (Some(d("10")), Some(d("2")), Some(45)));
    assert_eq!(patch.rounding, Some(billops_domain::money::RoundingRule::HalfEven));
    // A viewer sees the terms and is refused on save.
    let mut v = state(Role::Viewer);
    press(&mut v, Cmd::Terms);
    assert!(form(&v).title.ends_with("(read-only)"));
    set_field(&mut v, "1");
    let fx = keys(&mut v, &["enter"]);
    assert!(writes(&fx).is_empty() && msg(&v).starts_with("read-only"));
}

#[test]
fn price_book_rules_preview_then_save() {
    let mut s = state(Role::Operator);
    // `n` needs the price book open.
    press(&mut s, Cmd::NewRule);
    assert!(msg(&s).contains("price book first"));
    keys(&mut s, &["/", "A", "C", "M", "E", "enter"]);
    let fx = press(&mut s, Cmd::PriceBook);
    assert_eq!(queries(&fx), [PaneQuery::Customers(CQ::PriceBook { customer: "ACME".into(), period: p("2026-05") })]);
    assert_eq!(s.current_view(), ViewKey::BookRules);
    let m = &s.view(ViewKey::BookRules).unwrap().model;
    let priced: Vec<(&str, &str)> = m.rows.iter().map(|r| (r.id.as_str(), r.cells[4].text.as_str())).collect();
    assert_eq!(priced, [("R1", "4"), ("R2", "1"), ("(none)", "1")], "which rule priced how many lines");
    assert_eq!(m.rows[2].cells[5].num, Some(d("312.44")), "S3 passes through at cost");
    // A markup on S3: previewed, nothing saved yet.
    press(&mut s, Cmd::NewRule);
    keys(&mut s, &["down"]);
    type_text(&mut s, "10");
    keys(&mut s, &["down"]);
    type_text(&mut s, "AmazonS3");
    let fx = keys(&mut s, &["enter"]);
    assert!(writes(&fx).is_empty(), "a preview first");
    let rule = NewRule {
        scope: RuleScope::any().service("AmazonS3"),
        pricing: Pricing::markup(d("10")).unwrap(),
        from: date("2026-05-01"),
    };
    assert_eq!(
        queries(&fx),
        [PaneQuery::Customers(CQ::PreviewRule { customer: "ACME".into(), period: p("2026-05"), rule: rule.clone() })]
    );
    let Some(CustomerScreen::Book(b)) = &s.panes.customers.screen else { panic!() };
    let diff = b.pending.as_ref().unwrap().diff.ready().unwrap();
    assert_eq!(diff.delta(), Some(d("31.244")));
    assert_eq!(diff.changed_lines, 1);
    let by_rule = &s.view(ViewKey::PreviewRules).unwrap().model;
    let moved: Vec<&str> = by_rule.rows.iter().map(|r| r.cells[0].text.as_str()).collect();
    assert_eq!(moved, ["at cost → (new)", "R1 → R1", "R2 → R2"]);
    press(&mut s, Cmd::SwitchView);
    assert_eq!(s.current_view(), ViewKey::PreviewServices);
    // Esc discards the preview (the book stays open); enter on a new preview saves the rule.
    press(&mut s, Cmd::Back);
    assert_eq!(s.current_view(), ViewKey::BookRules);
    assert!(msg(&s).contains("discarded"));
    press(&mut s, Cmd::NewRule);
    keys(&mut s, &["down"]);
    type_text(&mut s, "10");
    keys(&mut s, &["down"]);
    type_text(&mut s, "AmazonS3");
    keys(&mut s, &["enter"]);
    let fx = press(&mut s, Cmd::Open);
    assert_eq!(writes(&fx), [PaneWrite::Customers(CW::AddRule { customer: "ACME".into(), rule })]);
    press(&mut s, Cmd::Back);
    assert!(s.panes.customers.screen.is_none());
    // Bad pricing stays in the form; viewers may look but not add.
    press(&mut s, Cmd::PriceBook);
    press(&mut s, Cmd::NewRule);
    set_field(&mut s, "surcharge");
    keys(&mut s, &["down"]);
    type_text(&mut s, "5");
    let fx = keys(&mut s, &["enter"]);
    assert!(queries(&fx).is_empty() && form(&s).error.as_ref().unwrap().starts_with("pricing:"));
    let mut v = state(Role::Viewer);
    press(&mut v, Cmd::PriceBook);
    assert!(v.panes.customers.screen.is_some());
    press(&mut v, Cmd::NewRule);
    assert!(matches!(v.mode, Mode::Normal) && msg(&v).starts_with("read-only"));
}

#[test]
fn invoice_line_drills_to_its_source_lines() {
    let mut s = started(Role::Viewer);
    press(&mut s, Cmd::PaneInvoices);
    press(&mut s, Cmd::Open);
    // s0 heading, s0l0 the stripped tax line, s1 heading, s1l0 EC2 storefront web.
    keys(&mut s, &["j"]);
    let fx = press(&mut s, Cmd::Open);
    assert!(queries(&fx).is_empty() && msg(&s).contains("not a usage line"), "{}", msg(&s));
    keys(&mut s, &["j", "j"]);
    let fx = press(&mut s, Cmd::Open);
    let q = SourceQuery {
        customer: "ACME".into(),
        period: p("2026-05"),
        service: "AmazonEC2".into(),
        product: "storefront".into(),
        component: "web".into(),
        limit: 50,
    };
    assert_eq!(queries(&fx), [PaneQuery::Invoices(IQ::Sources { q })]);
    assert_eq!(s.current_view(), ViewKey::SourceResources);
    assert_eq!(s.view(ViewKey::SourceResources).unwrap().model.rows.len(), 2);
    press(&mut s, Cmd::SwitchView);
    assert_eq!(s.current_view(), ViewKey::SourceItems);
    let items = &s.view(ViewKey::SourceItems).unwrap().model;
    assert_eq!(items.rows[0].cells[0].text, "may-final.csv");
    assert_eq!(items.rows[0].cells[1].text, "2");
    assert_eq!(items.rows[0].cells[7].exact.as_deref(), Some("38.842741935483871"), "exact cost");
    // Esc back to the invoice, again to the list.
    press(&mut s, Cmd::Back);
    assert_eq!(s.current_view(), ViewKey::InvoiceLines);
    press(&mut s, Cmd::Back);
    assert_eq!(s.current_view(), ViewKey::Invoices);
    // A failed look-up shows in its slot.
    press(&mut s, Cmd::Open);
    keys(&mut s, &["j", "j", "j"]);
    let fx = update(&mut s, Action::Key(keys_of("enter")));
    let Some(Effect::Pane { req, .. }) = fx.first() else { panic!("{fx:?}") };
    update(&mut s, Action::Reply { req: *req, result: Err("database error: gone".into()) });
    assert!(matches!(&s.panes.invoices.sources.as_ref().unwrap().data, Load::Failed(e) if e.contains("gone")));
    assert_eq!(s.pane, PaneId::Invoices);
}

#[test]
fn credit_note_on_an_issued_invoice() {
    // A manager on the issued invoice 4 in the list: the form names the open amount as the most (the list does
    // not carry what is credited; the store refuses more than remains).
    let mut s = started(Role::Manager);
    press(&mut s, Cmd::PaneInvoices);
    press(&mut s, Cmd::Bottom);
    assert_eq!(s.selected_id(ViewKey::Invoices).as_deref(), Some("4"));
    let fx = press(&mut s, Cmd::CreditNote);
    assert!(fx.is_empty(), "{fx:?}");
    let f = form(&s);
    assert_eq!(f.kind, FormKind::Invoices(IF::CreditNote { id: 4 }));
    assert!(f.title.contains("INV-000007") && f.title.contains("UMBRELLA"), "{}", f.title);
    // The amount is typed, never pre-filled (issue 16); the title says the most it can be.
    assert_eq!((f.value(0).as_str(), f.value(1).as_str()), ("", ""));
    assert!(f.title.contains("open 999.99 USD at most"), "{}", f.title);
    set_field(&mut s, "999.99");
    // The reason is required; the amount must be a positive number.
    let fx = update(&mut s, Action::Key(keys_of("enter")));
    assert!(writes(&fx).is_empty());
    assert!(form(&s).error.as_deref().unwrap().contains("reason"), "{:?}", form(&s).error);
    set_field(&mut s, "-5");
    keys(&mut s, &["down"]);
    type_text(&mut s, "RDS billed twice");
    let fx = update(&mut s, Action::Key(keys_of("enter")));
    assert!(writes(&fx).is_empty() && form(&s).error.as_deref().unwrap().contains("positive"));
    keys(&mut s, &["up"]);
    // Finer than a cent, or E-notation, is refused at the amount; `1,000.00` as the screen shows it is taken.
    for bad in ["250.005", "2.5e2"] {
        set_field(&mut s, bad);
        let fx = update(&mut s, Action::Key(keys_of("enter")));
        assert!(writes(&fx).is_empty() && form(&s).error.as_deref().unwrap().starts_with("amount:"), "{bad}");
    }
    set_field(&mut s, "250.00");
    let fx = update(&mut s, Action::Key(keys_of("enter")));
    let note = NewCreditNote { invoice_id: 4, amount: d("250.00"), reason: "RDS billed twice".into() };
    assert_eq!(writes(&fx), [PaneWrite::Invoices(IW::CreditNote(note))]);
    assert!(matches!(s.mode, Mode::Normal));
    // The store's refusal lands on the message line and the lists reload.
    let why = "invalid: 7000 is more than the 6234.33 still uncredited on the invoice";
    let fx = refuse(&mut s, &fx, why);
    assert_eq!(msg(&s), why);
    assert!(fx.iter().any(|e| is_query(e, "Invoices", "List")));
    drive(&mut s, fx);
    // The open invoice loads its credit notes with it; the form then names what is still uncredited.
    let fx = press(&mut s, Cmd::Open);
    assert_eq!(queries(&fx), [PaneQuery::Invoices(IQ::CreditNotes { invoice_id: 4 })]);
    let d4 = s.panes.invoices.detail.as_ref().unwrap();
    assert_eq!(d4.credit_notes.ready().unwrap()[0].number, "CN-000001");
    press(&mut s, Cmd::CreditNote);
    assert_eq!(form(&s).value(0), "", "typed, never pre-filled");
    assert!(
        form(&s).title.contains("uncredited 6,234.33 USD at most"),
        "6,484.33 − 250.00 credited: {}",
        form(&s).title
    );
    keys(&mut s, &["esc"]);
    // A payment of it pre-fills what is open after payments and the credit note (999.99 − 250.00).
    press(&mut s, Cmd::Payment);
    assert_eq!(form(&s).get("amount"), "749.99", "{}", form(&s).title);
    keys(&mut s, &["esc"]);
    // A draft takes no credit note.
    press(&mut s, Cmd::Back);
    press(&mut s, Cmd::Top);
    let fx = press(&mut s, Cmd::CreditNote);
    assert!(fx.is_empty() && matches!(s.mode, Mode::Normal));
    assert!(msg(&s).contains("is draft") && msg(&s).contains("only an issued invoice"), "{}", msg(&s));
    // Operators and viewers are refused before any form; so is a manager in read-only mode.
    for role in [Role::Operator, Role::Viewer] {
        let mut o = started(role);
        press(&mut o, Cmd::PaneInvoices);
        press(&mut o, Cmd::Bottom);
        let fx = press(&mut o, Cmd::CreditNote);
        assert!(fx.is_empty() && matches!(o.mode, Mode::Normal));
        assert!(msg(&o).contains("manager") || msg(&o).contains("read-only"), "{role:?}: {}", msg(&o));
    }
    let mut r = started(Role::Manager);
    r.read_only = true;
    press(&mut r, Cmd::PaneInvoices);
    press(&mut r, Cmd::Bottom);
    press(&mut r, Cmd::CreditNote);
    assert!(matches!(r.mode, Mode::Normal) && msg(&r).contains("read-only"), "{}", msg(&r));
}
