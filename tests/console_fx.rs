//! The Recon pane's FX-rates list (issue 13): the period's rate snapshots, proposing a rate (form, refusals kept
//! beside their field), approving (a manager who did not enter it), a signed-off period read-only; snapshots at
//! 80x24 and 160x48.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod console_common;
use console_common::*;

use billops::console::action::Action;
use billops::console::keys::parse_chord;
use billops::console::pane::PaneWrite;
use billops::console::panes::recon;
use billops::console::state::{Load, Mode, State, ViewKey};
use billops_domain::Role;
use billops_store::PeriodLock;
use chrono::{TimeZone, Utc};

/// The FX list of May (Recon, `v` three times), as `role`.
fn fx_list(role: Role) -> State {
    let mut s = started(role);
    keys(&mut s, &["7", "v", "v", "v"]);
    assert_eq!(s.current_view(), ViewKey::FxRates);
    s
}

fn lock_may(s: &mut State) {
    let period = s.period.unwrap();
    s.locks = Load::Ready(vec![PeriodLock {
        period,
        locked_by: "bob".into(),
        locked_at: Utc.with_ymd_and_hms(2026, 6, 8, 9, 0, 0).unwrap(),
    }]);
}

fn snap(name: &str, s: &State) {
    let t = theme();
    insta::assert_snapshot!(format!("{name}_80x24"), screen(s, &t, 80, 24));
    insta::assert_snapshot!(format!("{name}_160x48"), screen(s, &t, 160, 48));
}

#[test]
fn the_list_shows_pair_rate_source_date_status_and_who() {
    let s = fx_list(Role::Operator);
    let m = &s.view(ViewKey::FxRates).unwrap().model;
    let row: Vec<String> = m.rows[1].cells.iter().map(|c| c.text.clone()).collect();
    assert_eq!(row, ["EUR→USD", "1.0875", "ECB", "2026-05-31", "approved", "olivia", "bob"]);
    assert_eq!(m.rows[2].cells[4].text, "proposed");
    assert_eq!(m.rows[2].cells[6].text, "-");
    snap("fx_rates", &s);
}

#[test]
fn an_operator_proposes_a_rate_and_a_refusal_stays_in_the_form() {
    let mut s = fx_list(Role::Operator);
    keys(&mut s, &["f"]);
    let Mode::Form(f) = &s.mode else { panic!("a form: {:?}", s.message) };
    // the pair preset from the selected rate, the date the period's last day
    assert_eq!((f.value(0), f.value(1), f.value(4)), ("CHF".into(), "USD".into(), "2026-05-31".into()));
    // a bad rate is refused beside its field, nothing is written
    keys(&mut s, &["down", "down"]);
    type_text(&mut s, "-1.2");
    let fx = keys(&mut s, &["enter"]);
    assert!(writes(&fx).is_empty());
    let Mode::Form(f) = &s.mode else { panic!("the form stays open") };
    assert_eq!(f.error_field, Some(recon::fx::FxForm::RATE), "{:?}", f.error);
    snap("fx_form_refused", &s);
    // corrected, with a source
    keys(&mut s, &["ctrl-u"]);
    type_text(&mut s, "1.09");
    keys(&mut s, &["down"]);
    type_text(&mut s, "ECB");
    let fx = keys(&mut s, &["enter"]);
    let w = writes(&fx);
    let [PaneWrite::Recon(recon::io::Write::FxRate(r))] = w.as_slice() else { panic!("{w:?}") };
    assert_eq!((r.pair.to_string(), r.rate.to_string(), r.source.as_str()), ("CHF→USD".into(), "1.09".into(), "ECB"));
    assert_eq!(r.period.to_string(), "2026-05");
}

#[test]
fn a_store_refusal_of_the_source_reopens_the_form_beside_it() {
    let mut s = fx_list(Role::Operator);
    keys(&mut s, &["f", "down", "down"]);
    type_text(&mut s, "1.09");
    keys(&mut s, &["down"]);
    type_text(&mut s, "ECB");
    // enter, without the fixture answering the write: the store refuses the source
    let fx = billops::console::update(&mut s, Action::Key(parse_chord("enter").unwrap().to_event()));
    let req = fx
        .iter()
        .find_map(|e| match e {
            billops::console::action::Effect::Write { req, .. } => Some(*req),
            _ => None,
        })
        .expect("a write");
    let err = billops::console::refusal::EffectError::of(
        &billops_store::StoreError::Invalid("source: control characters are not allowed".into()),
        Some(&writes(&fx)[0]),
    );
    let _ = billops::console::update(&mut s, Action::Reply { req, result: Err(err) });
    let Mode::Form(f) = &s.mode else { panic!("the form reopens: {:?}", s.message) };
    assert_eq!(f.error_field, Some(recon::fx::FxForm::SOURCE));
}

#[test]
fn a_manager_approves_anothers_rate_but_never_their_own() {
    let mut s = fx_list(Role::Manager);
    // row 0: CHF entered by alice (this user)
    let fx = keys(&mut s, &["a"]);
    assert!(writes(&fx).is_empty());
    assert!(s.message.as_ref().unwrap().text.contains("another manager approves it"), "{:?}", s.message);
    // row 2: GBP by olivia
    let fx = keys(&mut s, &["down", "down", "a"]);
    let w = writes(&fx);
    let [PaneWrite::Recon(recon::io::Write::ApproveFx { pair, period })] = w.as_slice() else { panic!("{w:?}") };
    assert_eq!((pair.to_string(), period.to_string()), ("GBP→USD".into(), "2026-05".into()));
    // an operator may not approve
    let mut s = fx_list(Role::Operator);
    let fx = keys(&mut s, &["down", "down", "a"]);
    assert!(writes(&fx).is_empty());
    assert!(s.message.as_ref().unwrap().text.contains("manager"), "{:?}", s.message);
}

#[test]
fn a_signed_off_period_is_read_only() {
    let mut s = fx_list(Role::Manager);
    lock_may(&mut s);
    for k in ["f", "a"] {
        let fx = keys(&mut s, &[k]);
        assert!(writes(&fx).is_empty() && !matches!(s.mode, Mode::Form(_)), "{k}");
        assert!(s.message.as_ref().unwrap().text.contains("frozen"), "{k}: {:?}", s.message);
    }
    snap("fx_rates_locked", &s);
}
