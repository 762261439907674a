//! The Forecast pane's keys: Enter drills all customers → customer → service, Esc goes back up; `v` switches
//! the table between the rows of the level below and the months shown in the chart; `F` records a forecast
//! event for the scope, `B` sets the scope's budget for a month (both operators).
use crate::console::action::Effect;
use crate::console::keys::Cmd;
use crate::console::pane::{KeyScope, PaneId};
use crate::console::state::{State, ViewKey};

pub const ROWS: &str = "rows";
pub const MONTHS: &str = "months";
pub const VIEWS: [ViewKey; 2] = [ViewKey::Forecast, ViewKey::ForecastMonths];

pub const SCOPES: &[KeyScope] = &[
    KeyScope { screen: ROWS, cmds: &[Cmd::Open, Cmd::Back, Cmd::SwitchView, Cmd::ForecastEvent, Cmd::SetBudget] },
    KeyScope { screen: MONTHS, cmds: &[Cmd::Back, Cmd::SwitchView, Cmd::ForecastEvent, Cmd::SetBudget] },
];

fn reset(s: &mut State) {
    for v in VIEWS {
        let v = s.view_mut(v);
        v.vs.filter.clear();
        v.vs.sort = None;
        v.vs.selected = 0;
    }
}

/// Enter: the selected customer, then the selected service.
pub fn open(s: &mut State) -> Vec<Effect> {
    if s.panes.forecast.scope.service.is_some() {
        s.info("a service is the last level");
        return Vec::new();
    }
    let Some(key) = s.selected_id(ViewKey::Forecast) else { return Vec::new() };
    let scope = &mut s.panes.forecast.scope;
    if scope.customer.is_none() {
        scope.customer = Some(key);
    } else {
        scope.service = Some(key);
    }
    reset(s);
    super::io::load(s)
}

/// Esc: up one level, selecting the row we came from. False at the top.
pub fn back(s: &mut State) -> (bool, Vec<Effect>) {
    let scope = &mut s.panes.forecast.scope;
    let came_from = if let Some(svc) = scope.service.take() {
        svc
    } else if let Some(c) = scope.customer.take() {
        c
    } else {
        return (false, Vec::new());
    };
    reset(s);
    s.view_mut(ViewKey::Forecast).vs.want = Some(came_from);
    (true, super::io::load(s))
}

pub fn switch(s: &mut State) -> Vec<Effect> {
    let now = s.pane_view.get(&PaneId::Forecast).copied().unwrap_or(ViewKey::Forecast);
    let i = VIEWS.iter().position(|v| *v == now).unwrap_or(0);
    s.pane_view.insert(PaneId::Forecast, VIEWS[(i + 1) % VIEWS.len()]);
    Vec::new()
}
