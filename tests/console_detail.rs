//! The exact value one key away (issue 16): Enter on a feed issue, a quarantined row, an audit entry, a credit
//! opens its detail (every field whole, amounts exact, the audit change as before/after fields), Esc goes back,
//! ↑/↓ move to the next record; an open invoice lists its payments beside its credit notes.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod console_common;
use console_common::*;

use billops::console::keys::Cmd;
use billops::console::state::{Load, State, ViewKey};
use billops_domain::Role as UserRole;

fn text(s: &State, w: u16, h: u16) -> String {
    screen(s, &theme(), w, h)
}

#[test]
fn a_feed_issue_and_a_quarantined_row_open_whole() {
    let mut s = state(UserRole::Operator);
    keys(&mut s, &["8", "v", "enter"]);
    assert_eq!(s.pane.pane().screen(&s), "row");
    let out = text(&s, 80, 24);
    assert!(out.contains("data-feed issue"), "{out}");
    // The issue's full reason and file path, cut in the list at 80 columns, are whole here.
    let issue = s.panes.imports.data.ready().unwrap().issues.iter().find(|i| out.contains(&format!("issue {} ", i.id)));
    let issue = issue.expect("the selected issue is shown");
    let words: String = out.split_whitespace().collect::<Vec<_>>().join(" ").replace("│ │", " ");
    for w in issue.issue.message.split_whitespace() {
        assert!(out.contains(w), "{w:?} of the reason is shown: {out}");
    }
    assert!(words.contains("reason"), "{out}");
    insta::assert_snapshot!("detail_issue_80x24", out);
    // Down moves to the next issue and the detail follows; Esc goes back to the list.
    let before = s.selected_id(ViewKey::Issues);
    keys(&mut s, &["down"]);
    assert_ne!(s.selected_id(ViewKey::Issues), before);
    assert_eq!(s.pane.pane().screen(&s), "row");
    keys(&mut s, &["esc"]);
    assert_eq!(s.pane.pane().screen(&s), "lists");
    // The quarantined row: where, every fault with its column and value, and the record as read.
    keys(&mut s, &["v", "enter"]);
    let out = text(&s, 80, 24);
    for needle in ["/data/cur/may-final.csv", "1842", "column 23 BilledCost: not a number", "\"12,5\"", "as read"] {
        assert!(out.contains(needle), "{needle}: {out}");
    }
    insta::assert_snapshot!("detail_quarantine_80x24", out);
}

#[test]
fn an_audit_entry_shows_its_change_field_by_field() {
    let mut s = state(UserRole::Viewer);
    keys(&mut s, &["9"]);
    let mut es = audit();
    es.push(billops_store::AuditEntry {
        id: 9,
        at: now(),
        who: "maria".into(),
        action: "terms.set".into(),
        entity: "customer".into(),
        entity_id: "ACME".into(),
        period: None,
        before: Some(r#"{"due_days":30,"tax_rate":"0.2","label":"EU VAT"}"#.into()),
        after: Some(r#"{"due_days":45,"tax_rate":"0.2","po":"PO-7"}"#.into()),
        reason: Some("renegotiated in the annual review, signed by the customer's CFO".into()),
    });
    s.set_model(ViewKey::Audit, billops::console::panes::audit::table(&es));
    s.panes.audit.data = Load::Ready(es);
    keys(&mut s, &["g", "enter"]);
    assert_eq!(s.pane.pane().screen(&s), "entry");
    let out = text(&s, 80, 24);
    for needle in [
        "audit entry 9",
        "due_days 30 → 45",
        "tax_rate 0.2 (unchanged)",
        "label    EU VAT → (none)",
        "po       PO-7",
        "signed by the customer's CFO",
    ] {
        assert!(out.contains(needle), "{needle}: {out}");
    }
    assert!(!out.contains("{\""), "no raw JSON: {out}");
    insta::assert_snapshot!("detail_audit_80x24", out);
    keys(&mut s, &["esc"]);
    assert_eq!(s.pane.pane().screen(&s), "log");
    // A change that is not an object is one `value` field; nothing at all says so.
    let c = billops::console::panes::audit::changes(Some("open"), Some("resolved"));
    assert_eq!(c, [("value".to_string(), "open → resolved".to_string())]);
    assert_eq!(billops::console::panes::audit::changes(Some("[]"), None), []);
}

#[test]
fn a_credit_shows_what_the_approver_approves() {
    let mut s = started(UserRole::Manager);
    keys(&mut s, &["6", "enter"]);
    assert_eq!(s.pane.pane().screen(&s), "credit");
    let out = text(&s, 80, 24);
    let id = s.selected_id(ViewKey::Credits).unwrap();
    let c = s.panes.credits.data.ready().unwrap().iter().find(|c| c.id.to_string() == id).unwrap().credit.clone();
    for needle in ["evidence", c.evidence(), "reason", &c.proposal().reason, "history", "proposed"] {
        assert!(out.contains(needle), "{needle}: {out}");
    }
    insta::assert_snapshot!("detail_credit_80x24", out);
    // The decision keys work from the detail (the footer says so).
    assert!(out.contains("a approve") && out.contains("r reject"), "{out}");
    let fx = billops::console::update(&mut s, billops::console::Action::Cmd(Cmd::Back));
    assert!(fx.is_empty());
    assert_eq!(s.pane.pane().screen(&s), "queue");
}

#[test]
fn an_invoice_lists_its_payments_beside_its_credit_notes() {
    let mut s = started(UserRole::Manager);
    keys(&mut s, &["5", "G", "enter"]);
    let inv = s.panes.invoices.detail.as_mut().unwrap();
    inv.payments = vec![billops_store::Payment {
        id: 12,
        customer: "UMBRELLA".into(),
        amount: d("1234.5"),
        received_on: chrono::NaiveDate::from_ymd_opt(2026, 6, 20).unwrap(),
        invoice: Some("INV-000007".into()),
        reference: Some("wire 7781".into()),
    }];
    let out = text(&s, 80, 24);
    for needle in ["CN-000001", "payment 12", "2026-06-20", "-1,234.50 USD", "wire 7781", "paid 1,234.50"] {
        assert!(out.contains(needle), "{needle}: {out}");
    }
}

#[test]
fn every_total_says_which_basis_it_is_on() {
    let mut s = started(UserRole::Manager);
    keys(&mut s, &["2"]);
    assert!(text(&s, 80, 24).contains("customers · at cost, billed basis"));
    keys(&mut s, &["4"]);
    assert!(text(&s, 80, 24).contains("[at cost, billed basis]"));
    keys(&mut s, &["b"]);
    assert!(text(&s, 80, 24).contains("[at cost, effective basis]"), "the basis follows the toggle");
    keys(&mut s, &["5"]);
    let out = text(&s, 80, 24);
    assert!(out.contains("at cost") && out.contains("total invoiced incl. tax"), "both, side by side: {out}");
    keys(&mut s, &["G", "enter"]);
    let out = text(&s, 80, 24);
    for needle in ["invoiced incl. tax 6,484.33 USD", "billed pre-tax 6,484.33", "total invoiced incl. tax"] {
        assert!(out.contains(needle), "{needle}: {out}");
    }
}

#[test]
fn the_message_log_keeps_what_the_line_cuts() {
    let mut s = state(UserRole::Operator);
    let long = "import refused: payer-842156730019-2026-08.csv.gz was already imported as batch 6 on 2026-06-02 \
                (the same content twice changes nothing); to replace estimated data import the final file";
    s.info("first message");
    s.warn(long);
    // The line shows what fits and says where the rest is.
    let out = text(&s, 80, 24);
    assert!(out.contains("… M reads all"), "{out}");
    keys(&mut s, &["M"]);
    assert!(matches!(s.mode, billops::console::state::Mode::Messages { .. }));
    let out = text(&s, 80, 24);
    let flat = out.replace('│', " ").split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(flat.contains("to replace estimated data import the final file"), "whole: {out}");
    let (newest, oldest) = (out.find("import refused").unwrap(), out.find("first message").unwrap());
    assert!(newest < oldest, "newest first: {out}");
    insta::assert_snapshot!("messages_80x24", out);
    keys(&mut s, &["j", "k"]);
    assert!(matches!(s.mode, billops::console::state::Mode::Messages { .. }), "j/k scroll");
    keys(&mut s, &["esc"]);
    assert!(matches!(s.mode, billops::console::state::Mode::Normal));
    // It keeps the last LOG_LEN, oldest dropped first.
    for i in 0..=billops::console::state::LOG_LEN {
        s.info(format!("message {i}"));
    }
    assert_eq!(s.log.len(), billops::console::state::LOG_LEN);
    assert_eq!(s.log.back().unwrap().text, format!("message {}", billops::console::state::LOG_LEN));
}

#[test]
fn the_footer_always_shows_help_and_quit_at_80_columns() {
    let mut s = started(UserRole::Manager);
    for pane in ["1", "2", "3", "4", "5", "6", "7", "8", "9", "'s", "'f", "'t"] {
        for k in pane.chars() {
            keys(&mut s, &[&k.to_string()]);
        }
        for screen in [&[][..], &["enter"][..]] {
            keys(&mut s, screen);
            let out = text(&s, 80, 24);
            let footer = out.lines().nth(23).unwrap();
            assert!(footer.trim_end().ends_with("? help  q quit"), "{pane}: {footer:?}");
        }
        keys(&mut s, &["esc", "esc"]);
    }
}

#[test]
fn a_correctable_refusal_keeps_the_form_and_what_was_typed() {
    use billops::console::action::{Action, Effect};
    use billops::console::refusal::{EffectError, Refusal};
    use billops::console::state::Mode;
    let send = |s: &mut State| {
        let mut s2 = std::mem::replace(s, state(UserRole::Operator));
        keys(&mut s2, &["7", "n", "down", "down"]);
        type_text(&mut s2, "AWS-05-B");
        keys(&mut s2, &["down"]);
        type_text(&mut s2, "100.00");
        let fx = billops::console::update(&mut s2, Action::Key(keys_of("enter")));
        *s = s2;
        fx.iter().find_map(|e| if let Effect::Write { req, .. } = e { Some(*req) } else { None }).unwrap()
    };
    // A clash (the supplier invoice number is taken) names no field: the form comes back, input kept, the
    // store's words under it.
    let mut s = started(UserRole::Operator);
    let req = send(&mut s);
    assert!(matches!(s.mode, Mode::Normal), "closed while the write is in flight");
    let e = EffectError { refusal: Refusal::Conflict, text: "supplier invoice AWS-05-B is already entered".into() };
    billops::console::update(&mut s, Action::Reply { req, result: Err(e) });
    let Mode::Form(f) = &s.mode else { panic!("the form is back: {:?} {:?} {:?}", s.mode, s.message, s.pending) };
    assert_eq!((f.get("number").as_str(), f.get("amount").as_str()), ("AWS-05-B", "100.00"));
    assert_eq!(f.error.as_deref(), Some("supplier invoice AWS-05-B is already entered"));
    assert!(text(&s, 80, 24).contains("already entered"));
    // A locked period is not fixed by editing: the form closes and the message line says why.
    let mut s = started(UserRole::Operator);
    let req = send(&mut s);
    let e = EffectError {
        refusal: Refusal::Locked { period: "2026-05".into(), by: "maria".into() },
        text: "locked".into(),
    };
    billops::console::update(&mut s, Action::Reply { req, result: Err(e) });
    assert!(matches!(s.mode, Mode::Normal));
    assert_eq!(s.message.as_ref().unwrap().text, "locked");
}

#[test]
fn an_enum_field_offers_its_values_and_tab_completes_one() {
    use billops::console::state::Mode;
    let mut s = started(UserRole::Manager);
    keys(&mut s, &["7", "v", "v", "e"]);
    let Mode::Form(f) = &s.mode else { panic!("the case form: {:?}", s.mode) };
    assert_eq!(f.fields[f.focus].name, "status");
    assert_eq!(f.candidates.len(), 4, "the values show as soon as the form opens on the field");
    let now = f.get("status");
    // Typing shows every value under the field; Tab completes what the letters typed start.
    keys(&mut s, &["ctrl-u"]);
    type_text(&mut s, "w");
    let Mode::Form(f) = &s.mode else { panic!() };
    assert_eq!(f.candidates, ["open", "waiting_credit_note", "resolved", "written_off"], "was {now}");
    keys(&mut s, &["tab"]);
    let Mode::Form(f) = &s.mode else { panic!() };
    assert_eq!(f.get("status"), "w", "two values start with w: Tab lists them, takes neither");
    assert!(text(&s, 80, 24).contains("waiting_credit_note"), "the values are on screen");
    type_text(&mut s, "r");
    keys(&mut s, &["tab"]);
    let Mode::Form(f) = &s.mode else { panic!() };
    assert_eq!(f.get("status"), "written_off", "w + r: one value, Tab completes it");
    keys(&mut s, &["tab"]);
    let Mode::Form(f) = &s.mode else { panic!() };
    assert_ne!(f.fields[f.focus].name, "status", "a whole value: Tab moves on");
}
