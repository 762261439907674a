//! The Disputes pane (issue 10): its sub-views (disputes, PPAs, SLA claims, requests with time left), the keys
//! that open a dispute, move it on, decide a PPA and pause a request's clock (each a typed write), the refusal
//! of a viewer, the detail with the chain original line → PPA → new invoice line; renders at 80x24.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod console_common;

use billops::console::action::{Effect, PaneQuery, PaneWrite};
use billops::console::input::FormKind;
use billops::console::pane::PaneId;
use billops::console::panes::disputes::io::{Query, Step, Write};
use billops::console::panes::disputes::{ClaimStep, DisputeForm, NewClaim, Target};
use billops::console::state::{Mode, State, ViewKey};
use billops_domain::Role;
use billops_domain::dispute::ReasonCode;
use billops_store::disputes::TimerAction;
use console_common::*;

fn at_disputes(role: Role) -> State {
    let mut s = started(role);
    keys(&mut s, &["'", "s"]);
    assert_eq!(s.pane, PaneId::Disputes);
    s
}

fn written(fx: &[Effect]) -> Vec<Write> {
    fx.iter()
        .filter_map(|e| match e {
            Effect::Write { op: PaneWrite::Disputes(w), .. } => Some(w.clone()),
            _ => None,
        })
        .collect()
}

fn queried(fx: &[Effect]) -> Vec<Query> {
    fx.iter()
        .filter_map(|e| match e {
            Effect::Pane { q: PaneQuery::Disputes(q), .. } => Some(q.clone()),
            _ => None,
        })
        .collect()
}

fn snap(name: &str, s: &State) {
    insta::assert_snapshot!(format!("{name}_80x24"), screen(s, &theme(), 80, 24));
}

#[test]
fn sub_views_load_when_shown_and_show_time_left() {
    let mut s = started(Role::Operator);
    let fx = keys(&mut s, &["'", "s"]);
    assert_eq!(queried(&fx), [Query::Disputes], "only the list shown is read");
    let text = screen(&s, &theme(), 160, 48);
    assert!(text.contains("INV-000001") && text.contains("12h30m left") && text.contains("INC0012345"), "{text}");
    snap("disputes_list", &s);
    let fx = keys(&mut s, &["v"]);
    assert_eq!((s.current_view(), queried(&fx)), (ViewKey::Ppas, vec![Query::Ppas]));
    snap("disputes_ppas", &s);
    keys(&mut s, &["v"]);
    assert_eq!(s.current_view(), ViewKey::SlaClaims);
    assert!(screen(&s, &theme(), 160, 48).contains("2026-06-30"), "the claim's deadline");
    keys(&mut s, &["v"]);
    assert_eq!(s.current_view(), ViewKey::Requests);
    let text = screen(&s, &theme(), 160, 48);
    assert!(text.contains("WARNING 1h00m left") && text.contains("RITM0001"), "{text}");
    snap("disputes_requests", &s);
    let fx = keys(&mut s, &["v"]);
    assert_eq!(s.current_view(), ViewKey::Disputes);
    assert!(queried(&fx).is_empty(), "loaded lists are kept");
}

#[test]
fn opening_a_dispute_is_a_typed_write() {
    let mut s = at_disputes(Role::Operator);
    keys(&mut s, &["D"]);
    let Mode::Form(f) = &s.mode else { panic!("a form opens") };
    assert_eq!(f.kind, FormKind::Disputes(DisputeForm::Add));
    // Nothing typed: the invoice is asked for, nothing is written.
    let fx = keys(&mut s, &["enter"]);
    assert!(written(&fx).is_empty());
    let Mode::Form(f) = &s.mode else { panic!("the form stays open") };
    assert_eq!(f.error_field, Some("invoice"), "{:?}", f.error);
    type_text(&mut s, "INV-000001");
    keys(&mut s, &["tab"]);
    type_text(&mut s, "3");
    keys(&mut s, &["tab"]);
    type_text(&mut s, "40.00");
    keys(&mut s, &["tab", "tab"]);
    type_text(&mut s, "contract rate is lower");
    let fx = keys(&mut s, &["enter"]);
    assert_eq!(
        written(&fx),
        [Write::AddDispute {
            invoice: "INV-000001".into(),
            line: Some(3),
            amount: "40.00".into(),
            reason: ReasonCode::Pricing,
            evidence: "contract rate is lower".into(),
            external_ref: None,
        }]
    );
}

#[test]
fn a_dispute_moves_on_with_a_reason_and_a_ppa_is_decided() {
    let mut s = at_disputes(Role::Manager);
    // The open dispute (first row): accept with a reason.
    keys(&mut s, &["a"]);
    let Mode::Form(f) = &s.mode else { panic!("a reason form opens") };
    assert_eq!(f.kind, FormKind::Disputes(DisputeForm::Dispute { id: 3, version: 1, step: Step::Accept }));
    type_text(&mut s, "rate confirmed");
    let fx = keys(&mut s, &["enter"]);
    assert_eq!(written(&fx), [Write::Dispute { id: 3, version: 1, step: Step::Accept, why: "rate confirmed".into() }]);
    // Settling needs an accepted dispute: refused before asking.
    keys(&mut s, &["p"]);
    assert!(matches!(s.mode, Mode::Normal));
    assert!(s.message.as_ref().unwrap().text.contains("is open: that step does not apply"));
    // A rejection without a reason is refused in the form.
    keys(&mut s, &["r"]);
    let fx = keys(&mut s, &["enter"]);
    assert!(written(&fx).is_empty());
    keys(&mut s, &["esc"]);

    // PPAs: approve bob's proposal.
    keys(&mut s, &["v", "a"]);
    let Mode::Form(f) = &s.mode else { panic!("a reason form opens") };
    assert_eq!(f.kind, FormKind::Disputes(DisputeForm::Ppa { id: 1, version: 1, approve: true }));
    let fx = keys(&mut s, &["enter"]);
    assert_eq!(written(&fx), [Write::Ppa { id: 1, version: 1, approve: true, why: String::new() }]);
}

#[test]
fn viewers_are_refused_and_requests_pause() {
    let mut s = at_disputes(Role::Viewer);
    keys(&mut s, &["D"]);
    assert!(matches!(s.mode, Mode::Normal), "a viewer gets no form");
    assert!(s.message.is_some());
    let mut s = at_disputes(Role::Operator);
    keys(&mut s, &["v", "v", "v"]);
    let fx = keys(&mut s, &["space"]);
    assert_eq!(written(&fx), [Write::Timer { id: 4, version: 1, action: TimerAction::Pause }]);
}

#[test]
fn the_detail_shows_the_trail_and_the_chain() {
    let mut s = at_disputes(Role::Operator);
    keys(&mut s, &["v"]);
    let fx = keys(&mut s, &["j", "enter"]);
    assert_eq!(queried(&fx), [Query::Detail(Target::Ppa(2))]);
    let text = screen(&s, &theme(), 80, 24);
    assert!(text.contains("original line → PPA → new invoice line"), "{text}");
    assert!(text.contains("PPA-2 reversal of INV-000001 line 3"), "{text}");
    snap("disputes_detail", &s);
    keys(&mut s, &["esc"]);
    assert!(s.panes.disputes.detail.is_none());
    assert_eq!(s.current_view(), ViewKey::Ppas);
}

#[test]
fn an_sla_claim_is_assessed_in_a_typed_form() {
    let mut s = at_disputes(Role::Operator);
    keys(&mut s, &["v", "v"]);
    assert_eq!(s.current_view(), ViewKey::SlaClaims);
    snap("disputes_claims", &s);
    keys(&mut s, &["n"]);
    let Mode::Form(f) = &s.mode else { panic!("a form opens") };
    assert_eq!(f.kind, FormKind::Disputes(DisputeForm::NewClaim));
    let fx = keys(&mut s, &["enter"]);
    assert!(written(&fx).is_empty());
    let Mode::Form(f) = &s.mode else { panic!("the form stays open") };
    assert_eq!(f.error_field, Some("service"), "{:?}", f.error);
    for (text, next) in [
        ("AmazonEC2", true),
        ("us-east-1", true),
        ("2026-04-03T01:00", true),
        ("2026-04-03T00:00", true),
        ("98.5", false),
    ] {
        type_text(&mut s, text);
        if next {
            keys(&mut s, &["tab"]);
        }
    }
    // The incident ends before it starts: said beside the field.
    let fx = keys(&mut s, &["enter"]);
    assert!(written(&fx).is_empty());
    let Mode::Form(f) = &s.mode else { panic!("the form stays open") };
    assert_eq!(f.error_field, Some("end"), "{:?}", f.error);
    keys(&mut s, &["shift-tab"]);
    for _ in 0..16 {
        keys(&mut s, &["backspace"]);
    }
    type_text(&mut s, "2026-04-03T09:00");
    let fx = keys(&mut s, &["enter"]);
    let start = chrono::NaiveDate::from_ymd_opt(2026, 4, 3).unwrap().and_hms_opt(1, 0, 0).unwrap().and_utc();
    assert_eq!(
        written(&fx),
        [Write::AddClaim(NewClaim {
            service: "AmazonEC2".into(),
            region: "us-east-1".into(),
            start,
            end: start + chrono::Duration::hours(8),
            uptime: d("98.5"),
            charges: None,
            currency: "USD".into(),
        })]
    );
}

#[test]
fn sla_claim_steps_follow_its_status_and_role() {
    let mut s = at_disputes(Role::Operator);
    keys(&mut s, &["v", "v"]);
    // The first row is credited: submitting it does not apply.
    keys(&mut s, &["u"]);
    assert!(matches!(s.mode, Mode::Normal));
    assert!(s.message.as_ref().unwrap().text.contains("SLA claim 4 is credited: submit needs a draft claim"));
    // The draft (last row): submit with a reason.
    keys(&mut s, &["G", "u"]);
    let Mode::Form(f) = &s.mode else { panic!("a reason form opens") };
    assert_eq!(
        f.kind,
        FormKind::Disputes(DisputeForm::Claim { id: 1, version: 1, step: ClaimStep::Submit, currency: "USD".into() })
    );
    type_text(&mut s, "case 1234");
    let fx = keys(&mut s, &["enter"]);
    assert_eq!(
        written(&fx),
        [Write::Claim { id: 1, version: 1, step: ClaimStep::Submit, amount: None, why: "case 1234".into() }]
    );
    // The supplier's answer is a manager's to record.
    keys(&mut s, &["k", "a"]);
    assert!(matches!(s.mode, Mode::Normal), "an operator gets no form");
    assert!(s.message.as_ref().unwrap().text.contains("manager"));

    let mut s = at_disputes(Role::Manager);
    keys(&mut s, &["v", "v", "j", "j", "r"]);
    // A denial says why.
    let fx = keys(&mut s, &["enter"]);
    assert!(written(&fx).is_empty());
    let Mode::Form(f) = &s.mode else { panic!("the form stays open") };
    assert_eq!(f.error_field, Some("reason"));
    keys(&mut s, &["esc", "a", "enter"]);
    let Mode::Normal = &s.mode else { panic!("approved") };
    // Approved (row 2): the credited amount, preset to the claim, must be positive.
    keys(&mut s, &["k", "c"]);
    let Mode::Form(f) = &s.mode else { panic!("the credited form opens") };
    assert_eq!(f.get("amount"), "300");
    for _ in 0..3 {
        keys(&mut s, &["backspace"]);
    }
    type_text(&mut s, "-5");
    let fx = keys(&mut s, &["enter"]);
    assert!(written(&fx).is_empty());
    for _ in 0..2 {
        keys(&mut s, &["backspace"]);
    }
    type_text(&mut s, "290.00");
    let fx = keys(&mut s, &["enter"]);
    assert_eq!(
        written(&fx),
        [Write::Claim { id: 3, version: 3, step: ClaimStep::Credited, amount: Some(d("290.00")), why: String::new() }]
    );
    // Credited (first row): pass it through.
    keys(&mut s, &["g", "P"]);
    let Mode::Form(f) = &s.mode else { panic!("the pass-through form opens") };
    assert!(f.title.contains("pass SLA claim 4 through: 290.00 USD"), "{}", f.title);
    let fx = keys(&mut s, &["enter"]);
    assert_eq!(
        written(&fx),
        [Write::Claim { id: 4, version: 4, step: ClaimStep::PassThrough, amount: None, why: String::new() }]
    );
}

#[test]
fn a_dispute_and_a_ppa_open_their_invoice_at_the_line() {
    let mut s = at_disputes(Role::Viewer);
    // The open dispute is on INV-000001 (2026-04) line 3: the first charge after one stripped line.
    let fx = keys(&mut s, &["i"]);
    assert_eq!(s.pane, PaneId::Invoices);
    assert_eq!(s.period, Some(p("2026-04")));
    assert!(fx.iter().any(|e| is_query(e, "Invoices", "Invoice")), "the invoice is read");
    let d = s.panes.invoices.detail.as_ref().expect("the invoice is open");
    assert_eq!(d.id, 1);
    assert!(d.data.ready().is_some());
    assert_eq!(s.selected_id(ViewKey::InvoiceLines).as_deref(), Some("s1l1"));
    assert!(s.message.as_ref().unwrap().text.contains("invoice INV-000001 line 3 (2026-04)"));
    // A PPA: its original invoice and line.
    keys(&mut s, &["'", "s", "v"]);
    keys(&mut s, &["i"]);
    assert_eq!((s.pane, s.panes.invoices.detail.as_ref().map(|d| d.id)), (PaneId::Invoices, Some(1)));
    assert_eq!(s.selected_id(ViewKey::InvoiceLines).as_deref(), Some("s1l1"));
}

#[test]
fn details_show_the_interest_steps_and_the_claim_assessment() {
    let mut s = at_disputes(Role::Viewer);
    keys(&mut s, &["v", "j", "enter"]);
    let text = screen(&s, &theme(), 100, 40);
    assert!(text.contains("interest, step by step") && text.contains("ACME's terms: prompt-payment"), "{text}");
    keys(&mut s, &["esc", "v"]);
    let fx = keys(&mut s, &["enter"]);
    assert_eq!(queried(&fx), [Query::Detail(Target::Claim(4))]);
    let text = screen(&s, &theme(), 80, 24);
    assert!(text.contains("SLA claim 4: AmazonEC2") && text.contains("assessment and pass-through"), "{text}");
}

#[test]
fn late_rows_are_previewed_then_proposed_as_ppas() {
    use billops::console::panes::disputes::form::LateRun;
    let mut s = at_disputes(Role::Viewer);
    keys(&mut s, &["v", "L"]);
    assert!(matches!(s.mode, Mode::Normal), "a viewer gets no form");

    let mut s = at_disputes(Role::Operator);
    keys(&mut s, &["v", "L"]);
    let Mode::Form(f) = &s.mode else { panic!("a form opens") };
    assert_eq!(f.kind, FormKind::Disputes(DisputeForm::Late));
    assert!(screen(&s, &theme(), 80, 24).contains("signed-off month"));
    // No file: said at the field, nothing read.
    let fx = keys(&mut s, &["enter"]);
    assert!(queried(&fx).is_empty());
    let Mode::Form(f) = &s.mode else { panic!("the form stays open") };
    assert_eq!(f.error_field, Some("file"), "{:?}", f.error);
    // Down to the file (Tab there completes a path)
    keys(&mut s, &["down"]);
    type_text(&mut s, "/data/late-may.csv");
    keys(&mut s, &["down"]);
    type_text(&mut s, "late EU rows");
    let period = s.period_or_now();
    let run = LateRun { period, file: "/data/late-may.csv".into(), reason: "late EU rows".into() };
    let fx = keys(&mut s, &["enter"]);
    assert_eq!(queried(&fx), [Query::Late(run.clone())], "the preview is read off the render path");
    assert!(written(&fx).is_empty(), "a preview writes nothing");
    // The preview lands as a confirmation that says what moves.
    let Mode::Form(f) = &s.mode else { panic!("the preview asks before proposing") };
    assert_eq!(f.kind, FormKind::Disputes(DisputeForm::LatePropose(run.clone())));
    assert!(f.title.contains("2 line(s) move on 1 issued invoice(s), Δ 125.50 USD"), "{}", f.title);
    assert!(f.title.contains("propose them as PPAs?"), "{}", f.title);
    let fx = keys(&mut s, &["enter"]);
    assert_eq!(written(&fx), [Write::ProposeLate(run)]);
}
