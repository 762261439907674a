//! The Forecast pane's views from one fit: a drill or a switch never asks for a new fit (only a reload does);
//! cost ↔ usage volume (`u`: one line per unit, never added; the chart draws the selected row's unit; `x`
//! exports exactly the volume table shown); customers ↔ account codes (`c`: actual / forecast / budget per code,
//! a code's own budget, `B` sets one); and the Close pane's `m`, which writes the month's management report.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod console_common;
use console_common::*;

use std::sync::Arc;
use std::sync::atomic::Ordering;

use billops::console::action::{Action, Effect, PaneQuery, PaneWrite};
use billops::console::panes::forecast::Measure;
use billops::console::panes::forecast::io::{Query, Write};
use billops::console::state::{Mode, State, ViewKey};
use billops::console::{table, update};
use billops_domain::Role as UserRole;
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
    s.view(v).unwrap().model.rows.iter().map(|r| r.id.replace('\u{1f}', " | ")).collect()
}

fn fit_asked(fx: &[Effect]) -> bool {
    fx.iter().any(|e| matches!(e, Effect::Pane { q: PaneQuery::Forecast(Query::Fit), .. }))
}

fn fitted(s: &State) -> Arc<billops::plan::Planned> {
    s.panes.forecast.data.ready().cloned().flatten().expect("fitted")
}

#[test]
fn drills_and_switches_use_the_kept_fit_and_only_a_reload_fits_again() {
    let mut s = at(&[]);
    let first = fitted(&s);
    let before = console_common::forecast::FITS.load(Ordering::SeqCst);
    for k in ["enter", "down", "enter", "esc", "esc", "u", "enter", "esc", "c", "enter", "enter", "v", "u"] {
        let fx = keys(&mut s, &[k]);
        assert!(!fit_asked(&fx), "{k} asked for a fit: {fx:?}");
        assert!(Arc::ptr_eq(&first, &fitted(&s)), "{k} replaced the fit");
    }
    // The views were computed without a fit: by volume, the codes sort by name, so the first is `(no code)`
    // and its one customer INITECH.
    assert_eq!(s.panes.forecast.scope.code.as_deref(), Some("(no code)"));
    assert_eq!(s.panes.forecast.scope.customer.as_deref(), Some("INITECH"));
    assert_eq!(s.panes.forecast.shown.as_ref().unwrap().scope.customer.as_deref(), Some("INITECH"));
    // ctrl-r reloads: one fit, a new one.
    let fx = keys(&mut s, &["ctrl-r"]);
    assert!(fit_asked(&fx), "{fx:?}");
    assert!(!Arc::ptr_eq(&first, &fitted(&s)));
    assert_eq!(s.panes.forecast.scope.customer.as_deref(), Some("INITECH"), "the scope survives a reload");
    assert!(console_common::forecast::FITS.load(Ordering::SeqCst) > before);
}

#[test]
fn the_volume_view_keeps_units_apart_and_follows_the_selected_row() {
    let mut s = at(&["u"]);
    assert_eq!(s.panes.forecast.measure, Measure::Volume);
    assert_eq!(
        rows(&s, ViewKey::Forecast),
        ["ACME | GB-Mo", "ACME | Hrs", "GLOBEX | Hrs", "INITECH | Hrs"],
        "one row per customer and unit"
    );
    let v = s.panes.forecast.volume.as_ref().unwrap();
    let units: Vec<&str> = v.units.iter().map(|u| u.unit.as_str()).collect();
    assert_eq!(units, ["GB-Mo", "Hrs"], "the total is per unit: hours and GB-months are never added");
    let hrs = &v.units[1];
    let last = hrs.months.iter().find(|m| m.period.to_string() == "2026-04").unwrap();
    // ACME 700 + 10·29, GLOBEX 500, INITECH 100 + 29 (tenths in the fixture)
    assert_eq!(last.actual, Some(d("990") + d("500") + d("129")));
    let t = theme();
    let first = screen(&s, &t, 160, 48);
    assert!(first.contains("volume by month: GB-Mo"), "{first}");
    keys(&mut s, &["down"]);
    let second = screen(&s, &t, 160, 48);
    assert!(second.contains("volume by month: Hrs"), "the chart draws the selected row's unit");
    // INITECH's first month had a row without a quantity: said on its row.
    let initech = &s.view(ViewKey::Forecast).unwrap().model.rows[3];
    assert_eq!(initech.cells[5].text, "partial");
    // Drill: the customer's services, per unit.
    keys(&mut s, &["enter"]);
    assert_eq!(rows(&s, ViewKey::Forecast), ["compute | Hrs", "storage | GB-Mo"]);
    // `u` again: cost, same scope.
    keys(&mut s, &["u"]);
    assert_eq!(rows(&s, ViewKey::Forecast), ["compute | USD", "storage | USD", " | USD"]);
}

fn volumes_asked(fx: &[Effect]) -> bool {
    fx.iter().any(|e| matches!(e, Effect::Pane { q: PaneQuery::Forecast(Query::Volumes(_)), .. }))
}

#[test]
fn opening_the_pane_fits_cost_only_and_the_first_u_fits_the_volumes_once() {
    let mut s = state(UserRole::Operator);
    let fx = keys(&mut s, &["'", "t"]);
    assert!(!volumes_asked(&fx), "opening the pane reads and fits no volume: {fx:?}");
    assert!(s.panes.forecast.volumes.is_idle());
    // The first `u` asks for the kept fit's volumes (answered by the harness) …
    let fx = keys(&mut s, &["u"]);
    let asked: Vec<&Query> = fx
        .iter()
        .filter_map(|e| match e {
            Effect::Pane { q: PaneQuery::Forecast(q), .. } => Some(q),
            _ => None,
        })
        .collect();
    let [Query::Volumes(kept)] = asked.as_slice() else { panic!("{fx:?}") };
    assert!(Arc::ptr_eq(&kept.0, &fitted(&s)), "for the fit shown");
    assert!(s.panes.forecast.volumes.ready().is_some());
    // … and keeps them: back to cost and to volume again, a drill: nothing asked.
    for k in ["u", "u", "enter", "esc"] {
        let fx = keys(&mut s, &[k]);
        assert!(!volumes_asked(&fx) && !fit_asked(&fx), "{k}: {fx:?}");
    }
    // A reload refits the cost and, the volume view being shown, its volumes for the new fit.
    let fx = keys(&mut s, &["ctrl-r"]);
    assert!(fit_asked(&fx), "{fx:?}");
    assert!(s.panes.forecast.volumes.ready().is_some(), "volumes of the new fit");
    let volumes = s.panes.forecast.volume.as_ref().unwrap();
    assert_eq!(volumes.units.len(), 2);
}

#[test]
fn the_volume_header_says_volume_per_unit_and_shows_no_cost_figure() {
    let s = at(&["u"]);
    let t = theme();
    let cost = screen(&at(&[]), &t, 160, 48);
    let head = |text: &str| text.lines().skip(1).take(3).collect::<Vec<_>>().join("\n");
    assert!(head(&cost).contains("outlook"), "{cost}");
    let text = screen(&s, &t, 160, 48);
    let h = head(&text);
    assert!(h.contains("usage volume per unit, units never added"), "{h}");
    assert!(h.contains("units never added: GB-Mo, Hrs"), "{h}");
    assert!(!h.contains("outlook") && !h.contains("budget"), "no cost figure in the volume header: {h}");
    // The second line is the charted unit's figures: GB-Mo first (ACME's storage only), 10000 + 200·29 tenths.
    assert!(h.contains("GB-Mo: actual 2026-04 1,580.00 · next 18 31,860.00"), "{h}");
    let narrow = screen(&s, &t, 80, 24);
    assert!(head(&narrow).contains("units never added: GB-Mo, Hrs"), "the units fit at 80 wide: {narrow}");
}

#[test]
fn the_volume_export_is_the_volume_table_shown_exactly() {
    let s = at(&["u", "v"]);
    let v = s.view(ViewKey::ForecastMonths).unwrap();
    let csv = table::to_csv(&v.model, &v.vs).unwrap();
    let mut lines = csv.lines();
    assert_eq!(lines.next().unwrap(), "month,kind,unit,quantity,low,high,complete");
    let rows: Vec<&str> = lines.collect();
    let units = s.panes.forecast.volume.as_ref().unwrap().units.len();
    let months = s.panes.forecast.shown.as_ref().unwrap().totals[0].months.len();
    assert_eq!(rows.len(), units * months, "every month of every unit, nothing else");
    assert!(rows.contains(&"2026-04,actual,Hrs,1619,,,"), "exact quantity: {rows:?}");
    let fx = keys(&mut at(&["u", "v"]), &["x"]);
    let exported = fx.iter().find_map(|e| match e {
        Effect::Export { csv, pane, .. } => Some((pane.clone(), csv.clone())),
        _ => None,
    });
    assert_eq!(exported, Some(("forecast-months".to_string(), csv)));
}

#[test]
fn account_codes_group_customers_with_the_codes_own_budget() {
    let mut s = at(&["c"]);
    assert!(s.panes.forecast.scope.by_code);
    assert_eq!(
        rows(&s, ViewKey::Forecast),
        ["GL-4100 | USD", "(no code) | USD", " | USD"],
        "by the next 18 months' cost"
    );
    let m = &s.view(ViewKey::Forecast).unwrap().model;
    assert_eq!(m.columns[0].name, "account code");
    let o = s.panes.forecast.shown.as_ref().unwrap();
    let gl = o.children.iter().find(|c| c.key == "GL-4100").unwrap();
    assert_eq!(gl.fy_budget, Some(d("4500")), "the code's own budget, not its customers' 6,000");
    keys(&mut s, &["enter"]);
    assert_eq!(s.panes.forecast.scope.code.as_deref(), Some("GL-4100"));
    assert_eq!(rows(&s, ViewKey::Forecast), ["ACME | USD", "GLOBEX | USD", " | USD"]);
    let o = s.panes.forecast.shown.as_ref().unwrap();
    let may = o.totals[0].months.iter().find(|m| m.period.to_string() == "2026-05").unwrap();
    assert_eq!(may.budget, Some(d("4500")));
    // B: the code's budget, recorded under its first customer.
    keys(&mut s, &["B"]);
    let Mode::Form(f) = &mut s.mode else { panic!("no form: {:?}", s.message) };
    f.fields.iter_mut().find(|x| x.name == "amount").unwrap().input.set("9,000");
    let fx = update(&mut s, Action::Key(keys_of("enter")));
    let writes = pane_writes(&fx);
    let [PaneWrite::Forecast(Write::Budget(b))] = writes.as_slice() else { panic!("{writes:?}") };
    assert_eq!(
        (b.customer.as_str(), &b.scope, b.amount),
        ("ACME", &BudgetScope::AccountCode("GL-4100".into()), d("9000"))
    );
    // Esc: back to the codes, on the row we came from; `c` again: customers.
    keys(&mut s, &["esc"]);
    assert_eq!(s.selected_id(ViewKey::Forecast).as_deref(), Some("GL-4100\u{1f}USD"));
    keys(&mut s, &["c"]);
    assert_eq!(rows(&s, ViewKey::Forecast), ["ACME | USD", "GLOBEX | USD", "INITECH | USD", " | USD"]);
}

#[test]
fn customers_without_a_code_take_no_code_budget() {
    let mut s = at(&["c", "down", "enter"]);
    assert_eq!(s.panes.forecast.scope.code.as_deref(), Some("(no code)"));
    keys(&mut s, &["B"]);
    assert!(!matches!(s.mode, Mode::Form(_)));
    assert!(s.message.as_ref().unwrap().text.contains("no customer carries"), "{:?}", s.message);
}

#[test]
fn the_new_views_at_both_sizes_and_without_colour() {
    snap("forecast_volume", &at(&["u"]));
    snap("forecast_volume_months", &at(&["u", "enter", "v"]));
    snap("forecast_codes", &at(&["c"]));
    let text = screen(&at(&["u"]), &theme_no_color(), 80, 24);
    assert!(text.contains("volume by month"), "{text}");
    insta::assert_snapshot!("forecast_volume_no_color_80x24", text);
    let text = screen(&at(&["c"]), &theme_no_color(), 80, 24);
    assert!(text.contains("GL-4100"), "{text}");
    insta::assert_snapshot!("forecast_codes_no_color_80x24", text);
    for (w, h) in [(20, 6), (40, 10)] {
        screen(&at(&["u"]), &theme(), w, h);
    }
}

#[test]
fn m_on_the_close_pane_writes_the_management_report_and_names_both_files() {
    let mut s = started(UserRole::Viewer);
    let period = s.period.unwrap();
    let fx = keys(&mut s, &["m"]);
    assert!(
        fx.iter().any(|e| matches!(e, Effect::Pane { q: PaneQuery::Close(billops::console::panes::close::io::Query::Report { period: p }), .. } if *p == period)),
        "{fx:?}"
    );
    let text = s.message.as_ref().unwrap().text.clone();
    assert!(text.contains(&format!("management report {period} written")), "{text}");
    assert!(text.contains(&format!("management-report-{period}.html")) && text.ends_with(".csv"), "{text}");
    assert!(s.pending.is_empty());
}
