//! The close pane: its queries and where their replies land.
use crate::console::action::Effect;
use crate::console::pane::PaneId;
use crate::console::panes;
use crate::console::state::{Load, State, ViewKey};
use crate::month::close::CloseView;
use super::view::*;
pub use crate::console::pane::no_io::{Query, Reply, Write, landed, run, write};

pub fn load(s: &mut State) -> Vec<Effect> {
    let Some(period) = s.period else { return Vec::new() };
    let req = s.req();
    s.panes.close.data = Load::Loading(req);
    let mut fx = vec![Effect::Close { req, period, today: s.today() }];
    if s.pane_view.get(&PaneId::Close) == Some(&ViewKey::Variances) {
        fx.extend(panes::variance::load(s));
    }
    fx
}

pub fn loaded(s: &mut State, req: u64, data: CloseView) {
    if !s.panes.close.data.waits_for(req) {
        return;
    }
    s.set_model(ViewKey::Close, table(&data));
    s.panes.close.data = Load::Ready(data);
}
