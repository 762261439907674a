//! The Funding pane: the pipeline by stage, the due-soon list, an application's detail with its history,
//! and the typed forms behind `u` (submit), `e` (the next step) and `o` (the opportunity's state).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod console_common;
use console_common::*;

use billops::console::action::Effect;
use billops::console::input::FormKind;
use billops::console::pane::{PaneId, PaneWrite};
use billops::console::panes::funding::{FundingForm, Write};
use billops::console::state::{Mode, State, ViewKey};
use billops_domain::Role;
use billops_domain::funding::OpportunityState;
use billops_store::FundingChange;

fn funding(role: Role) -> State {
    let mut s = state(role);
    keys(&mut s, &["'", "f"]);
    assert_eq!(s.pane, PaneId::Funding);
    s
}

fn rows(s: &State, v: ViewKey) -> Vec<String> {
    s.view(v).unwrap().model.rows.iter().map(|r| r.id.clone()).collect()
}

fn select(s: &mut State, id: &str) {
    let v = s.current_view();
    keys(s, &["g"]);
    for _ in 0..10 {
        if s.selected_id(v).as_deref() == Some(id) {
            return;
        }
        keys(s, &["j"]);
    }
    panic!("row {id} not found in {v:?}");
}

fn writes(fx: &[Effect]) -> Vec<Write> {
    fx.iter()
        .filter_map(|e| match e {
            Effect::Write { op: PaneWrite::Funding(w), .. } => Some(w.clone()),
            _ => None,
        })
        .collect()
}

fn set_field(s: &mut State, name: &str, value: &str) {
    let Mode::Form(f) = &mut s.mode else { panic!("no form open") };
    f.fields.iter_mut().find(|x| x.name == name).unwrap().input.set(value);
}

fn snap(name: &str, s: &State) {
    insta::assert_snapshot!(format!("{name}_80x24"), screen(s, &theme(), 80, 24));
}

#[test]
fn pipeline_is_grouped_by_stage_and_due_soon_lists_lapsed_first() {
    let s = funding(Role::Operator);
    // Drafts first (newest first), then approved, then assigned.
    assert_eq!(rows(&s, ViewKey::Funding), ["4", "1", "2", "3"]);
    let mut s = s;
    keys(&mut s, &["v"]);
    assert_eq!(s.current_view(), ViewKey::FundingDue);
    // The lapsed claim (2026-06-01, two days ago) first, then the submissions due on the 8th and the 20th.
    assert_eq!(rows(&s, ViewKey::FundingDue), ["2:claim", "1:submission", "4:submission"]);
    let days: Vec<String> =
        s.view(ViewKey::FundingDue).unwrap().model.rows.iter().map(|r| r.cells[1].export_text()).collect();
    assert_eq!(days, ["-2", "5", "17"]);
    snap("funding_due", &s);
    keys(&mut s, &["v"]);
    assert_eq!(s.current_view(), ViewKey::Funding);
    snap("funding_pipeline", &s);
}

#[test]
fn enter_opens_the_detail_with_amounts_and_history_and_esc_goes_back() {
    let mut s = funding(Role::Viewer);
    select(&mut s, "3");
    keys(&mut s, &["enter"]);
    assert_eq!(s.panes.funding.detail, Some(3));
    assert_eq!(s.current_view(), ViewKey::FundingHistory);
    let what: Vec<String> =
        s.view(ViewKey::FundingHistory).unwrap().model.rows.iter().map(|r| r.cells[2].export_text()).collect();
    assert_eq!(
        what,
        [
            "drafted",
            "submitted",
            "approved 2500",
            "claim submitted 2500",
            "claim approved",
            "received 2500",
            "assigned to storefront, billing"
        ]
    );
    let text = screen(&s, &theme(), 80, 24);
    // amounts to the currency's minor unit with separators, as every pane shows them
    assert!(text.contains("requested 3,000.00") && text.contains("received 2,500.00"), "{text}");
    assert!(text.contains("storefront 1,500.00, billing 1,000.00"), "{text}");
    snap("funding_detail", &s);
    keys(&mut s, &["esc"]);
    assert_eq!(s.panes.funding.detail, None);
    assert_eq!(s.current_view(), ViewKey::Funding);
}

#[test]
fn enter_on_the_open_application_shows_the_exact_amounts() {
    let mut s = funding(Role::Viewer);
    // a requested amount finer than a cent (as a CSV may carry it)
    if let billops::console::state::Load::Ready(apps) = &mut s.panes.funding.data {
        apps.iter_mut().find(|f| f.id == 3).unwrap().app.input.requested = d("3000.125");
    }
    select(&mut s, "3");
    keys(&mut s, &["enter"]);
    let text = screen(&s, &theme(), 80, 24);
    assert!(text.contains("requested 3,000.13 "), "rounded half away from zero for display: {text}");
    assert!(!text.contains("3000.125"), "{text}");
    keys(&mut s, &["enter"]);
    assert!(s.panes.funding.whole.open, "Enter on the application: it whole");
    let text = screen(&s, &theme(), 80, 24);
    assert!(text.contains("3,000.13 USD (exactly 3000.125)"), "{text}");
    assert!(text.contains("2,500.00 USD") && text.contains("assigned to projects"), "{text}");
    snap("funding_whole", &s);
    // esc: back to the application, then to the list
    keys(&mut s, &["esc"]);
    assert!(!s.panes.funding.whole.open);
    assert_eq!(s.panes.funding.detail, Some(3));
    keys(&mut s, &["esc"]);
    assert_eq!(s.panes.funding.detail, None);
}

#[test]
fn due_rows_open_their_application() {
    let mut s = funding(Role::Operator);
    keys(&mut s, &["v"]);
    select(&mut s, "2:claim");
    keys(&mut s, &["enter"]);
    assert_eq!(s.panes.funding.detail, Some(2));
}

#[test]
fn submit_is_refused_at_once_while_the_opportunity_is_not_approved() {
    let mut s = funding(Role::Operator);
    select(&mut s, "1");
    let fx = keys(&mut s, &["u"]);
    assert!(matches!(s.mode, Mode::Normal));
    assert!(writes(&fx).is_empty());
    let m = s.message.clone().unwrap().text;
    assert!(m.contains("OPP-1 is pending"), "{m}");
}

#[test]
fn submit_sends_the_version_shown() {
    let mut s = funding(Role::Operator);
    select(&mut s, "4");
    keys(&mut s, &["u"]);
    let Mode::Form(f) = &s.mode else { panic!("no form") };
    assert_eq!(f.kind, FormKind::Funding(FundingForm::Submit { id: 4, version: 1 }));
    type_text(&mut s, "customer signed");
    let fx = keys(&mut s, &["enter"]);
    assert_eq!(
        writes(&fx),
        [Write::Change { id: 4, change: FundingChange::Submit, version: 1, why: "customer signed".into() }]
    );
}

#[test]
fn the_step_form_suggests_the_next_step_and_checks_its_fields() {
    let mut s = funding(Role::Operator);
    select(&mut s, "2");
    keys(&mut s, &["e"]);
    {
        let Mode::Form(f) = &s.mode else { panic!("no form") };
        assert_eq!(f.get("step"), "claim");
        assert_eq!(f.get("amount"), "4000");
    }
    snap("funding_step_form", &s);
    // A typed amount that is not money stays in the form, beside its field.
    set_field(&mut s, "amount", "4,00x");
    let fx = keys(&mut s, &["enter"]);
    assert!(writes(&fx).is_empty());
    let Mode::Form(f) = &s.mode else { panic!("the form closed") };
    assert_eq!(f.error_field, Some("amount"));
    // An unknown step is named.
    set_field(&mut s, "amount", "3,999.50");
    set_field(&mut s, "step", "teleport");
    keys(&mut s, &["enter"]);
    let Mode::Form(f) = &s.mode else { panic!("the form closed") };
    assert_eq!(f.error_field, Some("step"));
    set_field(&mut s, "step", "claim");
    let fx = keys(&mut s, &["enter"]);
    assert_eq!(
        writes(&fx),
        [Write::Change {
            id: 2,
            change: FundingChange::Claim { amount: d("3999.50") },
            version: 3,
            why: String::new()
        }]
    );
}

#[test]
fn assign_and_dates_are_typed() {
    let mut s = funding(Role::Operator);
    select(&mut s, "2");
    keys(&mut s, &["e"]);
    set_field(&mut s, "step", "assign");
    set_field(&mut s, "projects", "storefront=1500, billing");
    keys(&mut s, &["enter"]);
    let Mode::Form(f) = &s.mode else { panic!("the form closed") };
    assert_eq!(f.error_field, Some("projects"));
    set_field(&mut s, "step", "dates");
    set_field(&mut s, "claim due", "2026-13-01");
    keys(&mut s, &["enter"]);
    let Mode::Form(f) = &s.mode else { panic!("the form closed") };
    assert_eq!(f.error_field, Some("claim due"));
    set_field(&mut s, "claim due", "2026-07-31");
    let fx = keys(&mut s, &["enter"]);
    let w = writes(&fx);
    let [Write::Change { change: FundingChange::Dates { dates }, .. }] = w.as_slice() else { panic!("{w:?}") };
    assert_eq!(dates.claim_due.unwrap().to_string(), "2026-07-31");
    assert_eq!(dates.submit_by, None);
}

#[test]
fn the_opportunity_form_records_its_state() {
    let mut s = funding(Role::Operator);
    select(&mut s, "1");
    keys(&mut s, &["o"]);
    {
        let Mode::Form(f) = &s.mode else { panic!("no form") };
        assert_eq!(f.get("state"), "approved");
    }
    let fx = keys(&mut s, &["enter"]);
    assert_eq!(writes(&fx), [Write::Opportunity { id: "OPP-1".into(), state: OpportunityState::Approved }]);
}

#[test]
fn viewers_read_but_do_not_write() {
    let mut s = funding(Role::Viewer);
    for k in ["u", "e", "o"] {
        select(&mut s, "4");
        let fx = keys(&mut s, &[k]);
        assert!(matches!(s.mode, Mode::Normal), "{k}");
        assert!(writes(&fx).is_empty());
        assert!(s.message.clone().unwrap().text.contains("read-only"), "{k}");
    }
}

#[test]
fn n_adds_an_application_in_the_customers_currency_unless_one_is_given() {
    let mut s = funding(Role::Operator);
    keys(&mut s, &["n"]);
    let Mode::Form(f) = &s.mode else { panic!("no form") };
    assert_eq!(f.kind, FormKind::Funding(FundingForm::Add));
    // Nothing typed: the customer is named.
    let fx = keys(&mut s, &["enter"]);
    assert!(writes(&fx).is_empty());
    let Mode::Form(f) = &s.mode else { panic!("the form closed") };
    assert_eq!(f.error_field, Some("customer"));
    set_field(&mut s, "customer", "ACME");
    set_field(&mut s, "amount", "2,500.00");
    set_field(&mut s, "opportunity", "OPP-9");
    set_field(&mut s, "claim due", "2026-09-30");
    let fx = keys(&mut s, &["enter"]);
    let w = writes(&fx);
    let [Write::Add { input, amount, currency }] = w.as_slice() else { panic!("{w:?}") };
    assert_eq!((input.customer.as_str(), input.program.as_str(), input.opportunity.as_str()), ("ACME", "MAP", "OPP-9"));
    assert_eq!((amount.as_str(), currency.as_deref()), ("2,500.00", None));
    assert_eq!(input.dates.claim_due.unwrap().to_string(), "2026-09-30");
    // With a currency the amount is checked at once (no finer than its minor unit).
    keys(&mut s, &["n"]);
    set_field(&mut s, "customer", "ACME");
    set_field(&mut s, "amount", "10.001");
    set_field(&mut s, "currency", "usd");
    set_field(&mut s, "opportunity", "OPP-9");
    keys(&mut s, &["enter"]);
    let Mode::Form(f) = &s.mode else { panic!("the form closed") };
    assert_eq!(f.error_field, Some("amount"));
}

#[test]
fn keys_act_on_the_rows_shown_while_a_write_reloads_them() {
    use billops::console::action::{Action, Reply};
    use billops::console::state::Load;
    let mut s = funding(Role::Operator);
    select(&mut s, "1");
    // A write of this console lands: every pane reloads; the answer for this one is still on its way.
    s.pending.push(999);
    let fx = billops::console::update(&mut s, Action::Reply { req: 999, result: Ok(Reply::Written("done".into())) });
    assert!(fx.iter().any(|e| is_query(e, "Funding", "Pipeline")), "the pane reloads: {fx:?}");
    assert!(matches!(s.panes.funding.data, Load::Refreshing(..)), "the rows shown stay: {:?}", s.panes.funding.data);
    // The key acts on the row the user sees, not 'no funding application selected'.
    keys(&mut s, &["e"]);
    let Mode::Form(f) = &s.mode else { panic!("the step form: {:?}", s.message) };
    assert!(f.title.starts_with("application 1 "), "{}", f.title);
    keys(&mut s, &["esc"]);
    let text = screen(&s, &theme(), 80, 24);
    assert!(text.contains("loading…"), "the title says a reload is on its way: {text}");
    assert!(text.lines().any(|l| l.contains("OPP-1")), "and the rows stay on screen: {text}");
    // The answer lands: fresh data, same selection.
    drive(&mut s, fx);
    assert!(matches!(s.panes.funding.data, Load::Ready(_)));
    assert_eq!(s.selected_id(ViewKey::Funding).as_deref(), Some("1"));
}
