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

/// Row ids as `KEY | CUR` (a total row: ` | CUR`).
fn rows(s: &State, v: ViewKey) -> Vec<String> {
    s.view(v).unwrap().model.rows.iter().map(|r| r.id.replace('\u{1f}', " | ")).collect()
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
    assert_eq!(rows(&s, ViewKey::Forecast), ["ACME | USD", "GLOBEX | USD", "INITECH | USD", " | USD"]);
    keys(&mut s, &["enter"]);
    assert_eq!(s.panes.forecast.scope.customer.as_deref(), Some("ACME"));
    assert_eq!(rows(&s, ViewKey::Forecast), ["compute | USD", "storage | USD", " | USD"]);
    keys(&mut s, &["down", "enter"]);
    assert_eq!(s.panes.forecast.scope.service.as_deref(), Some("storage"));
    let o = s.panes.forecast.shown.as_ref().expect("not shown");
    assert_eq!(o.totals[0].method, "trend with seasonality", "{}", o.totals[0].why);
    keys(&mut s, &["esc"]);
    assert_eq!(s.panes.forecast.scope.service, None);
    assert_eq!(s.selected_id(ViewKey::Forecast).as_deref(), Some("storage\u{1f}USD"));
    keys(&mut s, &["esc"]);
    assert_eq!(s.panes.forecast.scope.customer, None);
    assert_eq!(s.selected_id(ViewKey::Forecast).as_deref(), Some("ACME\u{1f}USD"));
}

#[test]
fn the_months_table_is_the_chart_exactly_with_budget_and_alert() {
    let s = at(&["enter", "v"]);
    let o = s.panes.forecast.shown.as_ref().expect("not shown");
    let m = &s.view(ViewKey::ForecastMonths).unwrap().model;
    let [usd] = o.totals.as_slice() else { panic!("one currency: {:?}", o.totals) };
    assert_eq!(m.rows.len(), usd.months.len());
    assert_eq!(usd.months.len(), 18 + 18, "18 actual months, 18 forecast");
    let may = m.rows.iter().find(|r| r.id == "2026-05\u{1f}USD").unwrap();
    assert_eq!((may.cells[1].text.as_str(), may.cells[2].text.as_str()), ("USD", "forecast"));
    assert_eq!(may.cells[6].text, "3,000.00", "the budget of the month");
    // ACME forecasts ~3,900 a month against 3,000: over budget, said in the row.
    assert!(may.cells[7].text.starts_with("over"), "{:?}", may.cells[7]);
    let view = billops::console::panes::forecast::view::series(o, usd);
    assert_eq!(view.actual.len() + view.forecast.len() - 1, usd.months.len(), "one point per month");
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

/// The fixture in two currencies (ACME, USD, with `support` billed in EUR; HANSA a EUR customer), loaded as
/// a fit reply would land.
fn two_currencies() -> State {
    let mut s = at(&[]);
    let planned = std::sync::Arc::new(console_common::forecast::planned_two_currencies());
    s.panes.forecast.data = billops::console::state::Load::Ready(Some(planned));
    billops::console::panes::forecast::io::show(&mut s);
    s
}

#[test]
fn two_currencies_are_never_added_a_total_each_and_the_chart_draws_the_selected_rows() {
    let mut s = two_currencies();
    let o = s.panes.forecast.shown.as_ref().unwrap();
    let totals: Vec<(&str, rust_decimal::Decimal)> = o
        .totals
        .iter()
        .map(|t| (t.currency.as_str(), t.months.iter().find(|m| m.period == p("2026-04")).unwrap().amount()))
        .collect();
    // 2026-04: EUR = ACME's support 100 + HANSA 800; USD = ACME 3,160 + 645 + GLOBEX 1,200 + INITECH 590.
    assert_eq!(totals, [("EUR", d("900")), ("USD", d("5595"))], "never 6,495 of two currencies");
    assert_eq!(
        rows(&s, ViewKey::Forecast),
        ["ACME | USD", "GLOBEX | USD", "HANSA | EUR", "INITECH | USD", "ACME | EUR", " | EUR", " | USD"],
        "a row per customer and currency, then a total per currency"
    );
    let m = &s.view(ViewKey::Forecast).unwrap().model;
    let eur_total = m.rows.iter().find(|r| r.id == "\u{1f}EUR").unwrap();
    let cell = |i: usize| eur_total.cells[i].text.as_str();
    assert_eq!((cell(0), cell(1), cell(2)), ("total", "EUR", "900.00"));
    // HANSA's 700 EUR budget is on the EUR total only.
    let eur = o.totals.iter().find(|t| t.currency == "EUR").unwrap();
    let usd = o.totals.iter().find(|t| t.currency == "USD").unwrap();
    let budget = |t: &billops::plan::Total| t.months.iter().find(|m| m.period == p("2026-05")).unwrap().budget;
    assert_eq!((budget(eur), budget(usd)), (Some(d("700")), Some(d("3000"))));

    // The chart and header draw the selected row's currency: ACME's USD row first, then HANSA's EUR row.
    let t = theme();
    let first = screen(&s, &t, 160, 48);
    assert!(first.contains("cost by month, USD (1 of 2 currencies: the selected row's)"), "{first}");
    assert!(first.contains("all customers · USD · FY2026 outlook 62,030.00 · budget 6,000.00"), "{first}");
    keys(&mut s, &["down", "down"]);
    let hansa = screen(&s, &t, 160, 48);
    assert!(hansa.contains("cost by month, EUR (1 of 2"), "{hansa}");
    insta::assert_snapshot!("forecast_two_currencies_eur_160x48", hansa);
    insta::assert_snapshot!("forecast_two_currencies_eur_80x24", screen(&s, &t, 80, 24));
    // Enter on a total row drills nowhere; on ACME, its services each in their currency.
    keys(&mut s, &["G"]);
    keys(&mut s, &["enter"]);
    assert_eq!(s.panes.forecast.scope.customer, None, "a total row is not a customer");
    keys(&mut s, &["g", "enter"]);
    assert_eq!(s.panes.forecast.scope.customer.as_deref(), Some("ACME"));
    assert_eq!(rows(&s, ViewKey::Forecast), ["compute | USD", "storage | USD", "support | EUR", " | EUR", " | USD"]);

    // The months table: a run of months per currency, exported with its currency column.
    keys(&mut s, &["v"]);
    let v = s.view(ViewKey::ForecastMonths).unwrap();
    let csv = billops::console::table::to_csv(&v.model, &v.vs).unwrap();
    let mut lines = csv.lines();
    assert_eq!(lines.next().unwrap(), "month,cur,kind,amount,low,high,budget,alert");
    let lines: Vec<&str> = lines.collect();
    assert_eq!(lines.len(), 2 * 36, "36 months of each currency");
    assert!(lines.contains(&"2026-04,EUR,actual,100,,,,"), "{lines:?}");
    assert!(lines.iter().filter(|l| l.contains(",EUR,")).count() == 36, "{lines:?}");
    insta::assert_snapshot!("forecast_two_currencies_months_80x24", screen(&s, &t, 80, 24));
}
