//! The Forecast pane: the chart and its tables at 80x24 and 160x48 (and without colour), drilling all
//! customers → customer → service and back, the months table exactly what the chart shows, and its forms
//! (a forecast event for the scope, a month's budget) checked field by field.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod console_common;
use console_common::*;

use billops::console::action::{Action, Effect, PaneWrite};
use billops::console::panes::forecast::io::Write;
use billops::console::state::{Mode, State, ViewKey};
use billops::console::update;
use billops_domain::Role as UserRole;
use billops_domain::forecast::events::{Change, EventKind};
use billops_store::BudgetScope;

fn at(k: &[&str]) -> State {
    let mut s = state(UserRole::Operator);
    keys(&mut s, &["'", "t"]);
    keys(&mut s, k);
    s
}

fn snap(name: &str, s: &State) {
    let t = theme();
    insta::assert_snapshot!(format!("{name}_80x24"), screen(s, &t, 80, 24));
    insta::assert_snapshot!(format!("{name}_160x48"), screen(s, &t, 160, 48));
}

fn rows(s: &State, v: ViewKey) -> Vec<String> {
    s.view(v).unwrap().model.rows.iter().map(|r| r.id.clone()).collect()
}

#[test]
fn the_chart_and_its_table_at_both_sizes_and_without_colour() {
    let s = at(&[]);
    snap("forecast_all", &s);
    snap("forecast_acme_months", &at(&["enter", "v"]));
    let text = screen(&s, &theme_no_color(), 80, 24);
    assert!(text.contains("cost by month"), "{text}");
    assert!(text.contains("ACME"), "{text}");
    insta::assert_snapshot!("forecast_no_color_80x24", text);
    // Tiny terminals never panic.
    for (w, h) in [(20, 6), (40, 10), (80, 12)] {
        screen(&s, &theme(), w, h);
    }
}

#[test]
fn enter_drills_customer_then_service_and_esc_comes_back_to_the_row() {
    let mut s = at(&[]);
    assert_eq!(rows(&s, ViewKey::Forecast), ["ACME", "GLOBEX", "INITECH"]);
    keys(&mut s, &["enter"]);
    assert_eq!(s.panes.forecast.scope.customer.as_deref(), Some("ACME"));
    assert_eq!(rows(&s, ViewKey::Forecast), ["compute", "storage"]);
    keys(&mut s, &["down", "enter"]);
    assert_eq!(s.panes.forecast.scope.service.as_deref(), Some("storage"));
    let o = s.panes.forecast.shown.as_ref().expect("not shown");
    assert_eq!(o.method, "trend with seasonality", "{}", o.why);
    keys(&mut s, &["esc"]);
    assert_eq!(s.panes.forecast.scope.service, None);
    assert_eq!(s.selected_id(ViewKey::Forecast).as_deref(), Some("storage"));
    keys(&mut s, &["esc"]);
    assert_eq!(s.panes.forecast.scope.customer, None);
    assert_eq!(s.selected_id(ViewKey::Forecast).as_deref(), Some("ACME"));
}

#[test]
fn the_months_table_is_the_chart_exactly_with_budget_and_alert() {
    let s = at(&["enter", "v"]);
    let o = s.panes.forecast.shown.as_ref().expect("not shown");
    let m = &s.view(ViewKey::ForecastMonths).unwrap().model;
    assert_eq!(m.rows.len(), o.months.len());
    assert_eq!(o.months.len(), 18 + 18, "18 actual months, 18 forecast");
    let may = m.rows.iter().find(|r| r.id == "2026-05").unwrap();
    assert_eq!(may.cells[1].text, "forecast");
    assert_eq!(may.cells[5].text, "3,000.00", "the budget of the month");
    // ACME forecasts ~3,900 a month against 3,000: over budget, said in the row.
    assert!(may.cells[6].text.starts_with("over"), "{:?}", may.cells[6]);
    let view = billops::console::panes::forecast::view::series(o);
    assert_eq!(view.actual.len() + view.forecast.len() - 1, o.months.len(), "one point per month");
}

#[test]
fn an_event_form_records_the_change_for_the_scope() {
    let mut s = at(&["enter"]);
    keys(&mut s, &["F"]);
    let Mode::Form(f) = &mut s.mode else { panic!("no form") };
    assert_eq!(f.get("from"), "2026-05", "defaults to the first forecast month");
    f.fields.iter_mut().find(|x| x.name == "change").unwrap().input.set("-20%");
    let fx = update(&mut s, Action::Key(keys_of("enter")));
    let writes = pane_writes(&fx);
    let [PaneWrite::Forecast(Write::Event { customer, event })] = writes.as_slice() else { panic!("{writes:?}") };
    assert_eq!(customer.as_deref(), Some("ACME"));
    assert_eq!(event.kind, EventKind::Capacity { service: None, change: Change::Percent { pct: d("-20") } });

    // A cut beyond 100 % is refused beside the change, nothing written.
    keys(&mut s, &["F"]);
    let Mode::Form(f) = &mut s.mode else { panic!("no form") };
    f.fields.iter_mut().find(|x| x.name == "change").unwrap().input.set("-150%");
    let fx = update(&mut s, Action::Key(keys_of("enter")));
    assert!(!fx.iter().any(|e| matches!(e, Effect::Write { .. })), "{fx:?}");
    let Mode::Form(f) = &s.mode else { panic!("form closed") };
    assert_eq!(f.error_field, Some("change"), "{:?}", f.error);
}

#[test]
fn a_budget_needs_a_customer_and_a_non_negative_amount() {
    let mut s = at(&[]);
    keys(&mut s, &["B"]);
    assert!(!matches!(s.mode, Mode::Form(_)), "no budget for every customer at once");
    keys(&mut s, &["enter", "down", "enter", "B"]);
    let Mode::Form(f) = &mut s.mode else { panic!("no form") };
    f.fields.iter_mut().find(|x| x.name == "amount").unwrap().input.set("-5");
    let fx = update(&mut s, Action::Key(keys_of("enter")));
    assert!(!fx.iter().any(|e| matches!(e, Effect::Write { .. })));
    let Mode::Form(f) = &mut s.mode else { panic!("form closed") };
    assert_eq!(f.error_field, Some("amount"));
    f.fields.iter_mut().find(|x| x.name == "amount").unwrap().input.set("1,250.50");
    let fx = update(&mut s, Action::Key(keys_of("enter")));
    let writes = pane_writes(&fx);
    let [PaneWrite::Forecast(Write::Budget(b))] = writes.as_slice() else { panic!("{writes:?}") };
    assert_eq!(
        (b.customer.as_str(), &b.scope, b.amount),
        ("ACME", &BudgetScope::Service("storage".into()), d("1250.50"))
    );
}

#[test]
fn a_viewer_cannot_open_the_forms() {
    let mut s = state(UserRole::Viewer);
    keys(&mut s, &["'", "t", "enter", "F"]);
    assert!(!matches!(s.mode, Mode::Form(_)));
}
