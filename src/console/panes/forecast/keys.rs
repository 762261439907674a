//! The Forecast pane's keys: Enter drills all customers → customer → service (or, grouped by account code,
//! all codes → code → customer → service), Esc goes back up; `c` switches the top between customers and
//! account codes; `u` switches what is measured, cost or usage volume per unit; `v` switches the table between
//! the rows of the level below and the months shown in the chart; `F` records a forecast event for the scope,
//! `B` sets the scope's budget for a month (both operators). Moving the selection chooses the currency the
//! chart draws (the selected row's: a customer's, a total's, a month's). Every drill and switch is computed from the fit
//! kept in the pane's state: only a reload (a write, `ctrl-r`) reads and fits again.
use super::state::Measure;
use super::tables::split_id;
use crate::console::action::Effect;
use crate::console::keys::Cmd;
use crate::console::pane::{KeyScope, PaneId};
use crate::console::state::{State, ViewKey};

pub const ROWS: &str = "rows";
pub const MONTHS: &str = "months";
pub const VIEWS: [ViewKey; 2] = [ViewKey::Forecast, ViewKey::ForecastMonths];

const ROW_CMDS: &[Cmd] =
    &[Cmd::Open, Cmd::Back, Cmd::SwitchView, Cmd::ForecastMeasure, Cmd::ForecastGroup, Cmd::ForecastEvent, Cmd::SetBudget];
const MONTH_CMDS: &[Cmd] =
    &[Cmd::Back, Cmd::SwitchView, Cmd::ForecastMeasure, Cmd::ForecastGroup, Cmd::ForecastEvent, Cmd::SetBudget];

pub const SCOPES: &[KeyScope] =
    &[KeyScope { screen: ROWS, cmds: ROW_CMDS }, KeyScope { screen: MONTHS, cmds: MONTH_CMDS }];

fn reset(s: &mut State) {
    for v in VIEWS {
        let v = s.view_mut(v);
        v.vs.filter.clear();
        v.vs.sort = None;
        v.vs.selected = 0;
    }
}

/// Enter: the selected account code, customer, then service. No effect: the view comes from the kept fit.
pub fn open(s: &mut State) -> Vec<Effect> {
    if s.panes.forecast.scope.service.is_some() {
        s.info("a service is the last level");
        return Vec::new();
    }
    let Some(id) = s.selected_id(ViewKey::Forecast) else { return Vec::new() };
    let key = split_id(&id).0.to_string();
    if key.is_empty() {
        s.info("a total row: its currency is the one the chart draws; enter on a row above drills in");
        return Vec::new();
    }
    let scope = &mut s.panes.forecast.scope;
    if scope.by_code && scope.code.is_none() {
        scope.code = Some(key);
    } else if scope.customer.is_none() {
        scope.customer = Some(key);
    } else {
        scope.service = Some(key);
    }
    reset(s);
    super::io::show(s);
    Vec::new()
}

/// Esc: up one level, selecting the row we came from. False at the top.
pub fn back(s: &mut State) -> (bool, Vec<Effect>) {
    let scope = &mut s.panes.forecast.scope;
    let came_from = if let Some(svc) = scope.service.take() {
        svc
    } else if let Some(c) = scope.customer.take() {
        c
    } else if let Some(c) = scope.code.take() {
        c
    } else {
        return (false, Vec::new());
    };
    reset(s);
    super::io::show(s);
    want(s, &came_from);
    (true, Vec::new())
}

/// Select the row of `key` (its first unit in the volume table).
fn want(s: &mut State, key: &str) {
    let id = s.view(ViewKey::Forecast).and_then(|v| v.model.rows.iter().find(|r| split_id(&r.id).0 == key));
    let Some(id) = id.map(|r| r.id.clone()) else { return };
    let v = s.view_mut(ViewKey::Forecast);
    v.vs.want = Some(id);
    let crate::console::state::View { model, vs } = v;
    vs.rebuild(model);
}

pub fn switch(s: &mut State) -> Vec<Effect> {
    let now = s.pane_view.get(&PaneId::Forecast).copied().unwrap_or(ViewKey::Forecast);
    let i = VIEWS.iter().position(|v| *v == now).unwrap_or(0);
    s.pane_view.insert(PaneId::Forecast, VIEWS[(i + 1) % VIEWS.len()]);
    Vec::new()
}

/// `u`: cost ↔ usage volume, same scope and table (the first switch to volume reads and fits the volumes).
pub fn measure(s: &mut State) -> Vec<Effect> {
    let f = &mut s.panes.forecast;
    f.measure = match f.measure {
        Measure::Cost => Measure::Volume,
        Measure::Volume => Measure::Cost,
    };
    let word = if f.measure == Measure::Volume { "usage volume per unit (units are never added)" } else { "cost" };
    let fx = super::io::load_volumes(s);
    super::io::show(s);
    s.info(format!("forecast: {word}"));
    fx
}

/// `c`: the top of the view by customers ↔ by account codes (from anywhere: back to the top of the other).
pub fn group(s: &mut State) -> Vec<Effect> {
    let by_code = !s.panes.forecast.scope.by_code;
    s.panes.forecast.scope = crate::plan::Scope { by_code, ..Default::default() };
    reset(s);
    super::io::show(s);
    s.info(if by_code { "forecast by account code" } else { "forecast by customer" });
    Vec::new()
}
