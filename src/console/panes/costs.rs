//! Costs: drill customer → service → product → component → resource, against the previous period.
use std::collections::HashMap;

use billops_domain::Dim;
use rust_decimal::Decimal;

use crate::console::action::{CostsData, Effect};
use crate::console::state::{DRILL, Load, State, ViewKey};
use crate::console::table::{Cell, Column, Row, TableModel, change_cell};
use crate::console::theme::Role;

pub fn load(s: &mut State) -> Vec<Effect> {
    let Some(period) = s.period else { return Vec::new() };
    let req = s.req();
    s.panes.costs.data = Load::Loading(req);
    vec![Effect::Costs { req, period, filters: s.panes.costs.path.clone(), by: s.panes.costs.level(), basis: s.panes.costs.basis }]
}

pub fn loaded(s: &mut State, req: u64, data: CostsData) {
    if !s.panes.costs.data.waits_for(req) {
        return;
    }
    s.set_model(ViewKey::Costs, table(s.panes.costs.level(), &data));
    s.panes.costs.data = Load::Ready(data);
}

/// Exact sum of the rows; `None` on overflow (never in practice).
pub fn total(rows: &[billops_store::CostRow]) -> Option<Decimal> {
    rows.iter().try_fold(Decimal::ZERO, |acc, r| acc.checked_add(r.cost))
}

pub fn table(level: Dim, d: &CostsData) -> TableModel {
    let mut prev: HashMap<&str, Decimal> = HashMap::new();
    for r in &d.prev {
        if let Some(k) = r.keys.first() {
            let e = prev.entry(k.as_str()).or_default();
            *e = e.checked_add(r.cost).unwrap_or(*e);
        }
    }
    let mut rows: Vec<Row> = Vec::with_capacity(d.rows.len());
    let mut seen: std::collections::HashSet<&str> = std::collections::HashSet::new();
    for r in &d.rows {
        let k = r.keys.first().map_or("", String::as_str);
        seen.insert(k);
        let before = prev.get(k).copied();
        rows.push(Row {
            id: k.to_string(),
            cells: vec![
                name_cell(k),
                Cell::money(r.cost),
                before.map_or_else(|| Cell::text("-").role(Role::Muted), Cell::money),
                change_cell(r.cost, before),
            ],
            role: None,
        });
    }
    // Cost that went away this period still shows (at zero), so nothing disappears silently.
    let mut gone: Vec<(&str, Decimal)> =
        prev.iter().filter(|(k, _)| !seen.contains(*k)).map(|(k, v)| (*k, *v)).collect();
    gone.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    for (k, v) in gone {
        rows.push(Row {
            id: k.to_string(),
            cells: vec![name_cell(k), Cell::money(Decimal::ZERO), Cell::money(v), change_cell(Decimal::ZERO, Some(v))],
            role: Some(Role::Muted),
        });
    }
    let cur_total = total(&d.rows).unwrap_or_default();
    let prev_total = total(&d.prev).unwrap_or_default();
    TableModel {
        columns: vec![
            Column::text(level.as_str(), 24),
            Column::num("cost", 14),
            Column::num("previous", 14),
            Column::num("change", 9),
        ],
        rows,
        total: Some(vec![
            Cell::text("total").role(Role::Total),
            Cell::money(cur_total).role(Role::Total),
            Cell::money(prev_total).role(Role::Total),
            change_cell(cur_total, Some(prev_total)),
        ]),
    }
}

fn name_cell(k: &str) -> Cell {
    if k.starts_with('(') { Cell::text(k).role(Role::Warning) } else { Cell::text(k) }
}

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
    load(s)
}

/// Esc/←: up one level, selecting the row we came from. False at the top.
pub fn back(s: &mut State) -> (bool, Vec<Effect>) {
    match s.panes.costs.path.pop() {
        Some((_, key)) => {
            let v = s.view_mut(ViewKey::Costs);
            v.vs.filter.clear();
            v.vs.sort = None;
            v.vs.want = Some(key);
            (true, load(s))
        }
        None => (false, Vec::new()),
    }
}

/// `:costs CUSTOMER [PERIOD]`: jump to a customer's services.
pub fn goto_customer(s: &mut State, code: &str) -> Vec<Effect> {
    s.panes.costs.path = vec![(Dim::Customer, code.to_string())];
    s.view_mut(ViewKey::Costs).vs = Default::default();
    load(s)
}

pub fn breadcrumb(s: &State) -> Vec<String> {
    let mut v = vec!["all customers".to_string()];
    v.extend(s.panes.costs.path.iter().map(|(d, k)| format!("{d} {k}")));
    v
}

// ---- the pane's duties (registered in `panes!`) ----
pub use crate::console::pane::no_io as io;
use crate::console::keys::Cmd;
use crate::console::pane::{Failure, Invalidate, KeyScope, Pane};
use crate::console::panes::fail;
use crate::console::state::State as State_;

/// The pane's own state (a field of `State::panes`).
pub use crate::console::state::CostsPane as PaneState;

/// The cost drill-down.
pub struct Costs;

impl Pane for Costs {
    fn title(&self) -> &'static str {
        "Costs"
    }
    fn short(&self) -> &'static str {
        "Costs"
    }
    fn slug(&self) -> &'static str {
        "costs"
    }
    fn goto(&self) -> char {
        'o'
    }
    fn ensure(&self, s: &mut State_) -> Vec<Effect> {
        if s.panes.costs.data.is_idle() { load(s) } else { Vec::new() }
    }
    fn invalidate(&self, s: &mut State_, _why: Invalidate) {
        s.panes.costs.data = Load::Idle;
    }
    fn failed(&self, s: &mut State_, req: u64, e: &crate::console::refusal::EffectError) -> Failure {
        fail(&mut s.panes.costs.data, req, e)
    }
    fn keys(&self) -> &'static [KeyScope] {
        &[KeyScope { screen: "drill", cmds: &[Cmd::Open, Cmd::Back, Cmd::ToggleBasis] }]
    }
    fn screen(&self, _s: &State_) -> &'static str {
        "drill"
    }
    fn current_view(&self, _s: &State_) -> ViewKey {
        ViewKey::Costs
    }
    fn cmd(&self, s: &mut State_, c: Cmd) -> Option<Vec<Effect>> {
        Some(match c {
            Cmd::Open => open(s),
            Cmd::Back => {
                let (done, fx) = back(s);
                return done.then_some(fx);
            }
            Cmd::ToggleBasis => {
                s.panes.costs.basis = s.panes.costs.basis.next();
                s.info(format!("cost basis: {}", s.panes.costs.basis));
                crate::console::panes::period_changed(s)
            }
            _ => return None,
        })
    }
    fn render(
        &self,
        f: &mut ratatui::Frame,
        area: ratatui::layout::Rect,
        s: &State_,
        theme: &crate::console::theme::Theme,
    ) {
        crate::console::ui::panes::costs(f, area, s, theme)
    }
}
