//! The console's actions of issues 11 and 16, as state tests (and snapshots of their forms): the onboarding
//! checklist in the Customers pane, a new customer, a credit proposal and a shared setting from the console,
//! confirmed issuing (one, or every approved invoice), the confirmations' words, and the document key on an
//! invoice, a credit note and a statement. No store: the fixture answers reads, writes are looked at as typed.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod console_common;
use console_common::*;

use billops::console::action::PaneWrite;
use billops::console::input::Form;
use billops::console::keys::Cmd;
use billops::console::panes::{close, credits, customers, invoices};
use billops::console::state::{Mode, State};
use billops::documents::load::DocRef;
use billops_domain::Role;
use billops_store::OnboardingUpdate;
use chrono::NaiveDate;

fn msg(s: &State) -> String {
    s.message.as_ref().map(|m| m.text.clone()).unwrap_or_default()
}

fn form(s: &State) -> &Form {
    match &s.mode {
        Mode::Form(f) => f,
        other => panic!("no form: {other:?}"),
    }
}

/// Fill the form's fields in order (`None` leaves one as it is), starting at the first.
fn fill(s: &mut State, values: &[Option<&str>]) {
    if let Mode::Form(f) = &mut s.mode {
        f.focus = 0;
    }
    for (i, v) in values.iter().enumerate() {
        if let (Some(v), Mode::Form(f)) = (v, &mut s.mode) {
            f.focus = i;
            f.focused().unwrap().input.set(v);
        }
    }
}

/// Enter on the form; the field its error is beside (and the error), if it stayed open.
fn submit(s: &mut State) -> (Vec<PaneWrite>, Option<(Option<&'static str>, String)>) {
    let fx = keys(s, &["enter"]);
    let err = match &s.mode {
        Mode::Form(f) => Some((f.error_field, f.error.clone().unwrap_or_default())),
        _ => None,
    };
    (writes(&fx), err)
}

fn acme_detail(role: Role) -> State {
    let mut s = state(role);
    press(&mut s, Cmd::Open);
    assert_eq!(s.panes.customers.detail.as_ref().unwrap().code, "ACME");
    s
}

#[test]
fn the_checklist_shows_owner_due_evidence_and_what_is_computed() {
    let s = acme_detail(Role::Operator);
    let m = &s.view(billops::console::state::ViewKey::Onboarding).unwrap().model;
    let names: Vec<&str> = m.columns.iter().map(|c| c.name).collect();
    assert_eq!(names, ["", "item", "due", "owner", "by", "evidence"]);
    let first = &m.rows[0].cells;
    assert_eq!(
        (first[1].text.as_str(), first[2].text.as_str(), first[3].text.as_str()),
        ("cost-history report subscription", "2026-06-15", "olivia")
    );
    assert_eq!(first[5].text, "CloudHealth subscription #4411");
    let users = m.rows.iter().find(|r| r.id == "users_and_organisations").unwrap();
    assert_eq!((users.cells[0].text.as_str(), users.cells[4].text.as_str()), ("open", "computed"));
    let screen = screen(&s, &theme(), 160, 48);
    assert!(screen.contains("owner olivia · due 2026-06-15"), "the selected item in full:\n{screen}");
    assert!(screen.contains("evidence: CloudHealth subscription #4411"), "{screen}");
}

#[test]
fn ticking_refuses_computed_items_and_viewers() {
    let mut s = acme_detail(Role::Operator);
    let fx = press(&mut s, Cmd::Tick);
    assert_eq!(
        writes(&fx),
        [PaneWrite::Customers(customers::io::Write::Tick {
            customer: "ACME".into(),
            item: "cost_history_report".into(),
            done: false
        })],
        "a done item is reopened"
    );
    keys(&mut s, &["j", "j", "j", "j", "j"]);
    assert_eq!(s.selected_id(billops::console::state::ViewKey::Onboarding).as_deref(), Some("users_and_organisations"));
    let fx = press(&mut s, Cmd::Tick);
    assert!(writes(&fx).is_empty());
    assert!(msg(&s).contains("computed from the data, never ticked by hand"), "{}", msg(&s));
    let mut v = acme_detail(Role::Viewer);
    let fx = press(&mut v, Cmd::Tick);
    assert!(writes(&fx).is_empty() && msg(&v).starts_with("read-only"), "{}", msg(&v));
    let fx = press(&mut v, Cmd::OnboardingEdit);
    assert!(writes(&fx).is_empty() && matches!(v.mode, Mode::Normal), "a viewer gets no form");
}

#[test]
fn owner_due_and_evidence_are_a_typed_form_that_sends_what_changed() {
    let mut s = acme_detail(Role::Operator);
    press(&mut s, Cmd::OnboardingEdit);
    let f = form(&s);
    assert!(f.title.starts_with("ACME: cost-history report subscription (ticked by hand)"), "{}", f.title);
    assert_eq!(
        (f.value(0), f.value(1), f.value(2)),
        ("olivia".into(), "2026-06-15".into(), "CloudHealth subscription #4411".into())
    );
    snap_form(&s, "onboarding_edit_form_80x24");
    fill(&mut s, &[None, Some("15/06/2026")]);
    let (w, err) = submit(&mut s);
    assert!(w.is_empty());
    assert_eq!(err.unwrap().0, Some("due"), "the refusal is beside the due date");
    fill(&mut s, &[None, Some("2026-06-30")]);
    let (w, err) = submit(&mut s);
    assert!(err.is_none());
    assert_eq!(
        w,
        [PaneWrite::Customers(customers::io::Write::Onboarding {
            customer: "ACME".into(),
            item: "cost_history_report".into(),
            update: OnboardingUpdate {
                done: None,
                owner: None,
                due: Some(Some(NaiveDate::from_ymd_opt(2026, 6, 30).unwrap())),
                evidence: None
            },
        })]
    );
    // clearing the owner and the due date; and an unchanged form writes nothing
    press(&mut s, Cmd::OnboardingEdit);
    fill(&mut s, &[Some(""), Some("")]);
    let (w, _) = submit(&mut s);
    assert!(matches!(&w[..], [PaneWrite::Customers(customers::io::Write::Onboarding { update, .. })]
        if update.owner.as_deref() == Some("") && update.due == Some(None) && update.evidence.is_none()));
    press(&mut s, Cmd::OnboardingEdit);
    let (w, err) = submit(&mut s);
    assert!(w.is_empty() && err.is_none() && msg(&s).contains("unchanged"), "{}", msg(&s));
}

#[test]
fn managers_add_and_retire_checklist_items() {
    let mut op = acme_detail(Role::Operator);
    for cmd in [Cmd::OnboardingAdd, Cmd::OnboardingRetire] {
        let fx = press(&mut op, cmd);
        assert!(writes(&fx).is_empty() && matches!(op.mode, Mode::Normal));
        assert!(msg(&op).contains("managers'"), "{}", msg(&op));
    }
    let mut s = acme_detail(Role::Manager);
    press(&mut s, Cmd::OnboardingAdd);
    let (w, err) = submit(&mut s);
    assert!(w.is_empty());
    assert_eq!(err.unwrap().0, Some("item key"));
    fill(&mut s, &[Some("tax form"), Some("Tax exemption form")]);
    let (_, err) = submit(&mut s);
    assert_eq!(err.unwrap().0, Some("item key"), "a key has no spaces");
    fill(&mut s, &[Some("tax_form"), Some("Tax exemption form")]);
    let (w, _) = submit(&mut s);
    assert_eq!(
        w,
        [PaneWrite::Customers(customers::io::Write::AddItem {
            item: "tax_form".into(),
            label: "Tax exemption form".into()
        })]
    );
    press(&mut s, Cmd::OnboardingRetire);
    assert!(form(&s).title.contains("EVERY customer's checklist"), "{}", form(&s).title);
    let fx = keys(&mut s, &["esc"]);
    assert!(writes(&fx).is_empty(), "esc retires nothing");
    press(&mut s, Cmd::OnboardingRetire);
    let (w, _) = submit(&mut s);
    assert_eq!(w, [PaneWrite::Customers(customers::io::Write::RetireItem { item: "cost_history_report".into() })]);
}

#[test]
fn a_manager_adds_a_customer_with_each_field_checked() {
    let mut op = state(Role::Operator);
    press(&mut op, Cmd::AddCustomer);
    assert!(matches!(op.mode, Mode::Normal) && msg(&op).contains("manager"), "{}", msg(&op));
    let mut s = state(Role::Manager);
    press(&mut s, Cmd::AddCustomer);
    assert_eq!(form(&s).value(2), "USD");
    fill(&mut s, &[Some("acme"), Some("Another Acme")]);
    let (w, err) = submit(&mut s);
    let (field, text) = err.unwrap();
    assert!(w.is_empty() && field == Some("code") && text.contains("ACME already exists"), "{text}");
    fill(&mut s, &[Some("NEWCO"), Some("New Co"), Some("US")]);
    assert_eq!(submit(&mut s).1.unwrap().0, Some("currency"));
    fill(&mut s, &[Some("NEWCO"), Some("New Co"), Some("eur")]);
    let (w, _) = submit(&mut s);
    assert_eq!(
        w,
        [PaneWrite::Customers(customers::io::Write::AddCustomer(billops_store::NewCustomer {
            code: "NEWCO".into(),
            name: "New Co".into(),
            currency: "EUR".into()
        }))]
    );
}

#[test]
fn a_credit_is_proposed_from_the_credits_pane() {
    let mut v = state(Role::Viewer);
    press(&mut v, Cmd::PaneCredits);
    press(&mut v, Cmd::ProposeCredit);
    assert!(matches!(v.mode, Mode::Normal) && msg(&v).starts_with("read-only"), "{}", msg(&v));
    let mut s = state(Role::Operator);
    press(&mut s, Cmd::PaneCredits);
    press(&mut s, Cmd::ProposeCredit);
    assert_eq!((form(&s).value(5), form(&s).value(6)), ("2026-05-01".into(), "2026-06-01".into()));
    fill(&mut s, &[Some("ACME"), Some("cash"), Some("100")]);
    assert_eq!(submit(&mut s).1.unwrap().0, Some("kind"));
    fill(&mut s, &[Some("ACME"), Some("sla"), Some("4.6e5")]);
    assert_eq!(submit(&mut s).1.unwrap().0, Some("amount"), "no person types e-notation");
    fill(&mut s, &[Some("ACME"), Some("sla"), Some("1,000.50"), None, None, None, Some("2026-04-01")]);
    assert_eq!(submit(&mut s).1.unwrap().0, Some("valid to"), "the end is after the start");
    fill(
        &mut s,
        &[Some("ACME"), Some("sla"), Some("1,000.50"), Some("AmazonEC2"), None, None, Some("2026-06-01"), Some("")],
    );
    assert_eq!(submit(&mut s).1.unwrap().0, Some("evidence"));
    fill(&mut s, &[None, None, None, None, None, None, None, Some("AWS case 1234")]);
    let (w, err) = submit(&mut s);
    assert!(err.is_none());
    let [PaneWrite::Credits(credits::io::Write::Propose(p))] = &w[..] else { panic!("{w:?}") };
    assert_eq!((p.customer.as_str(), p.amount.as_str(), p.evidence.as_str()), ("ACME", "1,000.50", "AWS case 1234"));
    assert_eq!(p.kind, billops_domain::credit::CreditKind::SlaServiceCredit);
    // the customer's currency decides the minor unit when the write runs
    let c = credits::propose::new_credit((**p).clone(), "USD").unwrap();
    assert_eq!(c.amount, d("1000.50"));
    assert!(
        credits::propose::new_credit(credits::propose::ProposeForm { amount: "1.005".into(), ..(**p).clone() }, "USD")
            .is_err()
    );
}

#[test]
fn a_manager_changes_a_shared_setting_from_the_board() {
    let mut op = started(Role::Operator);
    press(&mut op, Cmd::Settings);
    assert!(matches!(op.mode, Mode::Normal) && msg(&op).contains("managers'"), "{}", msg(&op));
    let mut s = started(Role::Manager);
    press(&mut s, Cmd::Settings);
    fill(&mut s, &[Some("issuer.nam"), Some("Northwind Cloud")]);
    let (_, err) = submit(&mut s);
    let (field, text) = err.unwrap();
    assert!(field == Some("key") && text.contains("issuer.name"), "the near keys are named: {text}");
    fill(&mut s, &[Some("issuer.name"), Some("Northwind Cloud")]);
    let (w, _) = submit(&mut s);
    assert_eq!(
        w,
        [PaneWrite::Close(close::io::Write::Setting { key: "issuer.name".into(), value: "Northwind Cloud".into() })]
    );
}

#[test]
fn issuing_is_confirmed_and_says_what_cannot_be_undone() {
    let mut s = state(Role::Operator);
    press(&mut s, Cmd::PaneInvoices);
    keys(&mut s, &["j", "j"]);
    press(&mut s, Cmd::Open);
    let fx = press(&mut s, Cmd::Issue);
    assert!(writes(&fx).is_empty());
    let title = form(&s).title.clone();
    assert!(title.starts_with("issue invoice 3 (INITECH, total 45.00 USD) with the next number?"), "{title}");
    assert!(title.contains("never change") && title.contains("credit note (C)"), "{title}");
    let fx = keys(&mut s, &["esc"]);
    assert!(writes(&fx).is_empty());
    press(&mut s, Cmd::Issue);
    let (w, _) = submit(&mut s);
    assert_eq!(w, [PaneWrite::Invoices(invoices::io::Write::Issue { id: 3 })]);
    // the list offers every approved invoice of the period, with their count and total
    press(&mut s, Cmd::Back);
    press(&mut s, Cmd::Issue);
    snap_form(&s, "issue_all_confirm_80x24");
    // void and sign-off say what they do
    keys(&mut s, &["esc"]);
    let mut m = state(Role::Manager);
    press(&mut m, Cmd::PaneInvoices);
    keys(&mut m, &["j", "j", "j"]);
    press(&mut m, Cmd::Void);
    assert!(form(&m).title.contains("cannot be undone"), "{}", form(&m).title);
}

#[test]
fn the_document_key_writes_an_invoice_a_credit_note_or_a_statement() {
    let mut s = state(Role::Viewer);
    press(&mut s, Cmd::PaneInvoices);
    keys(&mut s, &["j", "j"]);
    press(&mut s, Cmd::Open);
    let fx = press(&mut s, Cmd::Document);
    assert_eq!(writes(&fx), [PaneWrite::Invoices(invoices::io::Write::Document { doc: DocRef::Invoice(3) })]);
    press(&mut s, Cmd::Back);
    keys(&mut s, &["j"]);
    press(&mut s, Cmd::Open);
    // invoice 4 has a credit note: which document?
    press(&mut s, Cmd::Document);
    assert!(form(&s).title.contains("INV-000007, CN-000001"), "{}", form(&s).title);
    fill(&mut s, &[Some("INV-9")]);
    assert_eq!(submit(&mut s).1.unwrap().0, Some("document"));
    fill(&mut s, &[Some("cn-000001")]);
    let (w, _) = submit(&mut s);
    assert_eq!(w, [PaneWrite::Invoices(invoices::io::Write::Document { doc: DocRef::CreditNote("CN-000001".into()) })]);
    press(&mut s, Cmd::Document);
    let (w, _) = submit(&mut s);
    assert_eq!(w, [PaneWrite::Invoices(invoices::io::Write::Document { doc: DocRef::Invoice(4) })]);
    // a statement
    let mut c = state(Role::Viewer);
    press(&mut c, Cmd::Statement);
    keys(&mut c, &["enter"]);
    let fx = press(&mut c, Cmd::Document);
    let [PaneWrite::Customers(customers::io::Write::Document { doc: DocRef::Statement { customer, .. } })] =
        &writes(&fx)[..]
    else {
        panic!("{:?}", writes(&fx))
    };
    assert_eq!(customer, "ACME");
}

fn snap_form(s: &State, name: &str) {
    insta::assert_snapshot!(name, screen(s, &theme(), 80, 24));
}
