//! The costs pane: what its keys do, per screen.
use billops_domain::Dim;
use crate::console::action::Effect;
use crate::console::state::{DRILL, Load, State, ViewKey};
use super::io::*;

/// Enter/→: drill into the selected row.
pub fn open(s: &mut State) -> Vec<Effect> {
    if s.panes.costs.path.len() + 1 >= DRILL.len() {
        s.info("resources are the last level");
        return Vec::new();
    }
    if s.panes.costs.data.ready().is_none() {
        return Vec::new();
    }
    let Some(key) = s.selected_id(ViewKey::Costs) else { return Vec::new() };
    let level = s.panes.costs.level();
    s.panes.costs.path.push((level, key));
    let v = s.view_mut(ViewKey::Costs);
    v.vs.filter.clear();
    v.vs.sort = None;
    v.vs.selected = 0;
    relevel(s)
}

/// Esc/←: up one level, selecting the row we came from. False at the top.
pub fn back(s: &mut State) -> (bool, Vec<Effect>) {
    match s.panes.costs.path.pop() {
        Some((_, key)) => {
            let v = s.view_mut(ViewKey::Costs);
            v.vs.filter.clear();
            v.vs.sort = None;
            v.vs.want = Some(key);
            (true, relevel(s))
        }
        None => (false, Vec::new()),
    }
}

/// `:costs CUSTOMER [PERIOD]`: jump to a customer's services.
pub fn goto_customer(s: &mut State, code: &str) -> Vec<Effect> {
    s.panes.costs.path = vec![(Dim::Customer, code.to_string())];
    s.view_mut(ViewKey::Costs).vs = Default::default();
    relevel(s)
}

/// Load another level: the rows shown are the old level's, so keys wait for the new ones (a reload after a
/// write keeps them, `Load::start`).
fn relevel(s: &mut State) -> Vec<Effect> {
    s.panes.costs.data = Load::Idle;
    load(s)
}
