//! Typed failures and typed forms: a store refusal reaches the console as a `Refusal` (never matched by its
//! text), and a form's complaint — its own check or the store's — is drawn beside the field it concerns.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod console_common;

use billops::console::action::{Action, Effect, PaneWrite};
use billops::console::input::Form;
use billops::console::panes::credit_notes::CreditNoteForm;
use billops::console::panes::{accounts, close, credits, invoices};
use billops::console::refusal::{EffectError, Refusal};
use billops::console::state::{Mode, State};
use billops::console::{Cmd, update};
use billops_domain::Role;
use billops_store::{InvoiceStep, NewCreditNote, StoreError};
use console_common::*;

fn note() -> PaneWrite {
    PaneWrite::Invoices(invoices::io::Write::CreditNote(NewCreditNote {
        invoice_id: 4,
        amount: d("5000"),
        reason: "x".into(),
    }))
}

#[test]
fn store_errors_become_refusals_by_kind_and_by_what_was_written() {
    let locked = StoreError::Locked { period: "2026-05".into(), by: "maria".into() };
    let e = EffectError::of(&locked, Some(&note()));
    assert_eq!(e.refusal, Refusal::Locked { period: "2026-05".into(), by: "maria".into() });
    assert_eq!(e.text, locked.to_string());

    let approve =
        PaneWrite::Credits(credits::io::Write::Decide { id: 3, approve: true, reason: "ok".into(), version: 1 });
    let e = EffectError::of(&StoreError::Forbidden("CR-3 proposed by alice".into()), Some(&approve));
    assert_eq!(e.refusal, Refusal::MakerChecker);
    assert!(e.starts_with("you proposed this credit: another manager must approve (CR-3"), "{e}");
    let reject =
        PaneWrite::Credits(credits::io::Write::Decide { id: 3, approve: false, reason: "no".into(), version: 1 });
    let e = EffectError::of(&StoreError::Forbidden("bob (operator) may not".into()), Some(&reject));
    assert_eq!(e.refusal, Refusal::Forbidden { needs: Some(Role::Manager) });

    let sign = PaneWrite::Close(close::io::Write::SignOff {
        period: p("2026-05"),
        today: now().date_naive(),
        note: String::new(),
    });
    let e = EffectError::of(&StoreError::Forbidden("viewer".into()), Some(&sign));
    assert_eq!(e.refusal, Refusal::Forbidden { needs: Some(Role::Manager) });
    let assign = PaneWrite::Accounts(accounts::io::Write::Assign {
        account: "1".into(),
        customer: "ACME".into(),
        from: now().date_naive(),
    });
    // Assigning directly is a manager's (an operator's assignment is a proposal, issue 11).
    let e = EffectError::of(&StoreError::Forbidden("viewer".into()), Some(&assign));
    assert_eq!(e.refusal, Refusal::Forbidden { needs: Some(Role::Manager) });
    let propose = PaneWrite::Accounts(accounts::io::Write::Propose(billops_store::NewLinkProposal {
        account: "1".into(),
        payer: "P".into(),
        customer: "ACME".into(),
        from: now().date_naive(),
    }));
    let e = EffectError::of(&StoreError::Forbidden("viewer".into()), Some(&propose));
    assert_eq!(e.refusal, Refusal::Forbidden { needs: Some(Role::Operator) });

    let step = PaneWrite::Invoices(invoices::io::Write::Step {
        id: 1,
        step: InvoiceStep::Review,
        reason: String::new(),
        version: 2,
    });
    let e = EffectError::of(&StoreError::Conflict("invoice 1 was reviewed by bob".into()), Some(&step));
    assert_eq!(e.refusal, Refusal::Stale);
    assert_eq!(e.text, "invoice 1 was reviewed by bob — someone changed it meanwhile: reloaded, check and retry");
    let e = EffectError::of(&StoreError::Conflict("cannot sign off 2026-05: 2 blockers".into()), Some(&sign));
    assert_eq!(e.refusal, Refusal::Conflict);
    assert_eq!(e.text, "conflict: cannot sign off 2026-05: 2 blockers");

    let e = EffectError::of(&StoreError::Invalid("more than remains (999.99)".into()), Some(&note()));
    assert_eq!(e.refusal, Refusal::Invalid { field: Some(CreditNoteForm::AMOUNT) });
    assert_eq!(e.field(), Some("amount"));
    let e = EffectError::of_read(&StoreError::NotFound("customer NOPE".into()));
    assert_eq!((e.field(), e.refusal), (None, Refusal::NotFound));
    assert_eq!(EffectError::of_read(&StoreError::ImportAborted).refusal, Refusal::Failed);
}

fn form(s: &State) -> &Form {
    match &s.mode {
        Mode::Form(f) => f,
        other => panic!("no form: {other:?}"),
    }
}

/// A manager on the Invoices pane with the credit-note form of issued invoice 4 open.
fn credit_note_form() -> State {
    let mut s = started(Role::Manager);
    drive_cmd(&mut s, Cmd::PaneInvoices);
    drive_cmd(&mut s, Cmd::Bottom);
    drive_cmd(&mut s, Cmd::CreditNote);
    // Typed, never pre-filled: the tests type the open amount.
    assert_eq!(form(&s).get(CreditNoteForm::AMOUNT), "");
    set(&mut s, CreditNoteForm::AMOUNT, "999.99");
    s
}

fn drive_cmd(s: &mut State, c: Cmd) -> Vec<Effect> {
    let fx = update(s, Action::Cmd(c));
    drive(s, fx)
}

/// The screen line after the one holding `label`.
fn line_after(text: &str, label: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let i = lines.iter().position(|l| l.contains(label)).unwrap_or_else(|| panic!("no {label:?} in\n{text}"));
    lines[i + 1].to_string()
}

#[test]
fn a_form_check_is_shown_beside_its_field() {
    let mut s = credit_note_form();
    let fx = update(&mut s, Action::Key(keys_of("enter")));
    assert!(fx.is_empty());
    assert_eq!(form(&s).error_field, Some(CreditNoteForm::REASON));
    let text = screen(&s, &theme_no_color(), 80, 24);
    assert!(line_after(&text, "reason:").contains("reason: required for a credit note"), "{text}");
    // Typing clears it.
    type_text(&mut s, "RDS billed twice");
    assert!(form(&s).error.is_none() && form(&s).error_field.is_none());
}

#[test]
fn a_store_refusal_about_a_field_reopens_the_form_there_and_others_do_not() {
    let mut s = credit_note_form();
    keys(&mut s, &["down"]);
    type_text(&mut s, "RDS billed twice");
    let fx = update(&mut s, Action::Key(keys_of("enter")));
    let req = fx.iter().find_map(|e| if let Effect::Write { req, .. } = e { Some(*req) } else { None }).unwrap();
    assert!(matches!(s.mode, Mode::Normal), "the form closes while the write is in flight");
    let refusal = EffectError {
        refusal: Refusal::Invalid { field: Some(CreditNoteForm::AMOUNT) },
        text: "credit note of 999.99 exceeds what remains uncredited (500.00)".into(),
    };
    let fx = update(&mut s, Action::Reply { req, result: Err(refusal) });
    assert!(fx.iter().any(|e| is_query(e, "Invoices", "List")), "reloads what the store holds");
    drive(&mut s, fx);
    let f = form(&s);
    assert_eq!(f.error_field, Some(CreditNoteForm::AMOUNT));
    assert_eq!(f.get(CreditNoteForm::REASON), "RDS billed twice", "what was typed is kept");
    let text = screen(&s, &theme_no_color(), 80, 24);
    assert!(line_after(&text, "amount:").contains("exceeds what remains"), "{text}");
    insta::assert_snapshot!("credit_note_refused_beside_amount", text);

    // A refusal that concerns no field (the period is locked): the message line, no form.
    let mut s = credit_note_form();
    keys(&mut s, &["down"]);
    type_text(&mut s, "RDS billed twice");
    let fx = update(&mut s, Action::Key(keys_of("enter")));
    let req = fx.iter().find_map(|e| if let Effect::Write { req, .. } = e { Some(*req) } else { None }).unwrap();
    let locked = StoreError::Locked { period: "2026-05".into(), by: "maria".into() };
    update(&mut s, Action::Reply { req, result: Err(EffectError::of(&locked, Some(&note()))) });
    assert!(matches!(s.mode, Mode::Normal));
    assert!(s.message.as_ref().unwrap().text.contains("is locked"));
}

/// Set the named field of the open form (as typing would).
fn set(s: &mut State, name: &str, text: &str) {
    let Mode::Form(f) = &mut s.mode else { panic!("no form") };
    let field = f.fields.iter_mut().find(|x| x.name == name).unwrap_or_else(|| panic!("no field {name}"));
    field.input.set(text);
}

/// Submit the open form: it stays open with its error beside `field`.
fn refused_at(s: &mut State, field: &str, text: &str) {
    let fx = update(s, Action::Key(keys_of("enter")));
    assert!(!fx.iter().any(|e| matches!(e, Effect::Write { .. })), "{fx:?}");
    let f = form(s);
    assert_eq!(f.error_field, Some(field), "{:?}", f.error);
    assert!(f.error.as_deref().is_some_and(|e| e.contains(text)), "{:?}", f.error);
}

#[test]
fn every_typed_form_puts_its_check_beside_the_field() {
    // Recon: a supplier invoice (number required, amount a number) and a case (status one of four).
    let mut s = started(Role::Operator);
    drive_cmd(&mut s, Cmd::PaneRecon);
    drive_cmd(&mut s, Cmd::SupplierInvoice);
    refused_at(&mut s, "number", "number: required");
    set(&mut s, "number", "AWS-05-B");
    set(&mut s, "amount", "12,5");
    refused_at(&mut s, "amount", "amount:");
    set(&mut s, "amount", "100");
    set(&mut s, "currency", "");
    refused_at(&mut s, "currency", "currency: required");

    // Customers: a statement whose range runs backwards or is not a date.
    let mut s = state(Role::Operator);
    drive_cmd(&mut s, Cmd::Statement);
    set(&mut s, "customer", "ACME");
    set(&mut s, "to", "2020-01-01");
    refused_at(&mut s, "to", "is before");
    set(&mut s, "to", "someday");
    refused_at(&mut s, "to", "is not YYYY-MM-DD");

    // Accounts: assigning to a customer that does not exist.
    let mut s = started(Role::Operator);
    drive_cmd(&mut s, Cmd::PaneAccounts);
    drive_cmd(&mut s, Cmd::Edit);
    set(&mut s, "customer", "NOPE");
    refused_at(&mut s, "customer", "no customer \"NOPE\"");
    set(&mut s, "customer", "ACME");
    set(&mut s, "effective from", "May");
    refused_at(&mut s, "effective from", "is not a date");

    // Imports: resolving an issue needs a note.
    let mut s = started(Role::Operator);
    drive_cmd(&mut s, Cmd::PaneImports);
    drive_cmd(&mut s, Cmd::Resolve);
    drive_cmd(&mut s, Cmd::Resolve);
    refused_at(&mut s, "note", "note: say how it was resolved");
}
