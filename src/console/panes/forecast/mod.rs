//! Forecast: the 18-month rolling view of cost and usage volume per customer (or account code) and service,
//! in total, as a line chart with the table beside it: actual months, the forecast with its band, the budget
//! and its alerts, and event markers. Enter drills (all customers → customer → service, or all account codes
//! → code → customer → service); Esc goes back; `c` switches customers ↔ account codes; `u` cost ↔ volume
//! (one line per unit: units are never added; the volumes are read and fitted when first shown); `v` switches the table between the rows of the level below and
//! the months shown (what `x` exports); `F` records a forecast event for the scope, `B` sets the scope's
//! budget for a month (a code's too). The book is fitted once per load (`state.rs`); every drill is computed
//! from that fit. The forecast rules are `crate::plan`'s (method per series, said).
pub mod form;
pub mod io;
mod keys;
mod state;
pub mod tables;
pub mod view;

pub use form::ForecastForm;
pub use state::{Measure, PaneState};

use crate::console::action::Effect;
use crate::console::keys::Cmd;
use crate::console::pane::{KeyScope, Pane, PaneId, PaneMeta, Slot, Shows};
use crate::console::state::{State, ViewKey};
use crate::console::theme::Theme;

/// The forecast and budget view.
pub struct Forecast;

const META: PaneMeta = PaneMeta { title: "Forecast", short: "Fcst", slug: "forecast", goto: 't' };

// Not period-bound: the view rolls from the newest month before this one; a write (an event, a budget, an
// import) reloads it.
// The volumes load only while the volume view is shown (their load asks for nothing otherwise).
const SLOTS: &[Slot] = &[
    Slot { at: |s| Some(&mut s.panes.forecast.data), by_period: false, load: io::load },
    Slot { at: |s| Some(&mut s.panes.forecast.volumes), by_period: false, load: io::load_volumes },
];

impl Pane for Forecast {
    fn meta(&self) -> &'static PaneMeta {
        &META
    }
    fn shows(&self) -> Shows {
        Shows::Only(&["import_batch", "linked_account", "customer", "account_code", "budget", "forecast_event", "fx_rate"])
    }
    fn slots(&self) -> &'static [Slot] {
        SLOTS
    }
    fn keys(&self) -> &'static [KeyScope] {
        keys::SCOPES
    }
    fn screen(&self, s: &State) -> &'static str {
        if self.current_view(s) == ViewKey::ForecastMonths { keys::MONTHS } else { keys::ROWS }
    }
    fn current_view(&self, s: &State) -> ViewKey {
        s.pane_view.get(&PaneId::Forecast).copied().unwrap_or(ViewKey::Forecast)
    }
    fn cmd(&self, s: &mut State, c: Cmd) -> Option<Vec<Effect>> {
        Some(match c {
            Cmd::Open if self.current_view(s) == ViewKey::Forecast => keys::open(s),
            Cmd::Open => Vec::new(),
            Cmd::Back => {
                let (done, fx) = keys::back(s);
                return done.then_some(fx);
            }
            Cmd::SwitchView => keys::switch(s),
            Cmd::ForecastMeasure => keys::measure(s),
            Cmd::ForecastGroup => keys::group(s),
            Cmd::ForecastEvent => {
                form::open_event(s);
                Vec::new()
            }
            Cmd::SetBudget => {
                form::open_budget(s);
                Vec::new()
            }
            _ => return None,
        })
    }
    fn render(&self, f: &mut ratatui::Frame, area: ratatui::layout::Rect, s: &State, theme: &Theme) {
        view::render(f, area, s, theme)
    }
}
