//! Variances: the Close pane's second list (board item 5), from `month::variance::report`. Rows needing an
//! explanation (unexplained, stale) first, then explained, then the rest; `e` explains the selected row (a
//! driver picker and a text; the store refuses it when the Δ moved meanwhile), Enter drills into the
//! customer's service in Costs, `v` / Esc return to the board. A write reloads the board too.
use billops_domain::Dim;
use billops_domain::variance::{Driver, ReviewedVariance, VarianceKind, VarianceState};

use super::form::{ExplainForm, Kind};
use crate::console::action::{Effect, FormKind, PaneQuery};
use crate::console::input::{Complete, Field, Form};
use crate::console::pane::PaneId;
use crate::console::panes;
use crate::console::state::{Load, Mode, State, ViewKey};
use crate::console::table::{Cell, Column, Mark, Row, TableModel, fmt_money};
use crate::console::theme::Role;
use crate::month::variance::VarianceView;

pub fn load(s: &mut State) -> Vec<Effect> {
    let Some(period) = s.period else { return Vec::new() };
    let req = s.req();
    s.panes.close.variances.start(req);
    vec![Effect::Pane { req, q: PaneQuery::Close(super::io::Query::Variances { period }) }]
}

/// The variance list's slot loads only while it is shown.
pub fn load_if_shown(s: &mut State) -> Vec<Effect> {
    if s.pane_view.get(&PaneId::Close) == Some(&ViewKey::Variances) { load(s) } else { Vec::new() }
}

pub fn loaded(s: &mut State, req: u64, data: VarianceView) {
    if !s.panes.close.variances.waits_for(req) {
        return;
    }
    s.set_model(ViewKey::Variances, table(&data));
    s.panes.close.variances = Load::Ready(data);
}

/// Whether the Close pane shows the variance list.
pub fn shown(s: &State) -> bool {
    s.pane == PaneId::Close && s.current_view() == ViewKey::Variances
}

/// Show the variance list in the Close pane (loading it when it has no data).
pub fn show(s: &mut State) -> Vec<Effect> {
    s.pane = PaneId::Close;
    s.pane_view.insert(PaneId::Close, ViewKey::Variances);
    let mut fx = panes::ensure(s, PaneId::Close);
    if s.panes.close.variances.is_idle() {
        fx.extend(load(s));
    }
    fx
}

/// `v` in the Close pane: board ↔ variances.
pub fn switch_view(s: &mut State) -> Vec<Effect> {
    if shown(s) {
        s.pane_view.insert(PaneId::Close, ViewKey::Close);
        Vec::new()
    } else {
        show(s)
    }
}

/// Esc in the variance list: back to the board (a filter is cleared first). True when handled.
pub fn back(s: &mut State) -> bool {
    if !shown(s) || s.view(ViewKey::Variances).is_some_and(|v| !v.vs.filter.is_empty()) {
        return false;
    }
    s.pane_view.insert(PaneId::Close, ViewKey::Close);
    true
}

fn rank(st: VarianceState) -> u8 {
    match st {
        VarianceState::Unexplained | VarianceState::Stale => 0,
        VarianceState::Explained => 1,
        VarianceState::Unflagged => 2,
    }
}

pub fn state_cell(st: VarianceState) -> Cell {
    match st {
        VarianceState::Unexplained => Cell::text("unexplained").mark(Mark::Cross).role(Role::Error),
        VarianceState::Stale => Cell::text("stale").mark(Mark::Warn).role(Role::Warning),
        VarianceState::Explained => Cell::text("explained").mark(Mark::Check).role(Role::Approved),
        VarianceState::Unflagged => Cell::text("-").role(Role::Muted),
    }
}

/// The percentage cell: one decimal with a direction mark, `new` / `gone` for services without one.
pub fn pct_cell(r: &ReviewedVariance) -> Cell {
    let v = &r.variance;
    let (mark, role) =
        if v.delta.is_sign_negative() { (Mark::Down, Role::Decrease) } else { (Mark::Up, Role::Increase) };
    match (v.kind, v.pct) {
        (VarianceKind::New, _) => Cell::text("new").mark(Mark::Up).role(Role::Increase),
        (VarianceKind::Gone, _) => Cell::text("gone").mark(Mark::Down).role(Role::Decrease),
        (_, Some(p)) => {
            let shown = billops_domain::money::round_for_display(p, 1);
            let mut c = Cell { text: format!("{:.1}%", shown.abs()), num: Some(p), ..Cell::default() };
            c.exact = Some(billops_domain::money::canonical(p));
            if v.delta.is_zero() { c } else { c.mark(mark).role(role) }
        }
        (_, None) => Cell::text(""),
    }
}

/// The row id: customer and service (a service name never holds a tab).
pub fn row_id(customer: &str, service: &str) -> String {
    format!("{customer}\t{service}")
}

/// What moved a variance most on its service's main unit: `vol` (more or less usage) or `rate` (a different
/// cost per unit); empty when the volume cannot be read.
pub fn moved_by(v: &VarianceView, customer: &str, service: &str) -> Cell {
    match v.volume(customer, service) {
        Some(l) if l.split.by_volume.abs() >= l.split.by_rate.abs() => Cell::text("vol"),
        Some(_) => Cell::text("rate").role(Role::Warning),
        None => Cell::text(""),
    }
}

pub fn table(v: &VarianceView) -> TableModel {
    let mut rows: Vec<&ReviewedVariance> = v.rows.iter().collect();
    // Stable: within a rank, the store's order (largest |Δ| first).
    rows.sort_by_key(|r| rank(r.state));
    let rows = rows
        .into_iter()
        .map(|r| {
            let x = &r.variance;
            // No currency: variance reads the cost rollups without grouping by currency (docs/ARCHITECTURE.md,
            // "Currency is part of money": not yet per currency), so its amounts are shown to 2 places.
            Row {
                id: row_id(&x.customer, &x.service),
                cells: vec![
                    Cell::text(&x.customer),
                    Cell::text(&x.service),
                    Cell::money(x.prev),
                    Cell::money(x.cur),
                    Cell::money(x.delta),
                    pct_cell(r),
                    state_cell(r.state),
                    moved_by(v, &x.customer, &x.service),
                ],
                role: (!x.flagged).then_some(Role::Muted),
            }
        })
        .collect();
    TableModel {
        columns: vec![
            Column::text("customer", 10),
            Column::text("service", 16),
            Column::num("previous", 12),
            Column::num("current", 12),
            Column::num("delta", 12),
            Column::num("%", 7),
            Column::text("state", 13),
            // dropped before the names and states shrink (the detail below gives the split anyway)
            Column::optional("by", 4, 4),
        ],
        rows,
        total: None,
    }
}

/// The selected variance.
pub fn selected(s: &State) -> Option<&ReviewedVariance> {
    let id = s.selected_id(ViewKey::Variances)?;
    let (c, svc) = id.split_once('\t')?;
    s.panes.close.variances.ready()?.find(c, svc)
}

/// Enter: the customer's service in Costs (by product), to see what moved.
pub fn open(s: &mut State) -> Vec<Effect> {
    let Some(r) = selected(s) else { return Vec::new() };
    let (c, svc) = (r.variance.customer.clone(), r.variance.service.clone());
    s.panes.costs.path = vec![(Dim::Customer, c.clone()), (Dim::Service, svc.clone())];
    s.panes.costs.data = Load::Idle;
    s.pane = PaneId::Costs;
    let back = s.keymap.label(crate::console::Cmd::PaneClose);
    s.info(format!("{c} / {svc} by product, against the month before ({back} returns to the close board)"));
    panes::ensure(s, PaneId::Costs)
}

/// `e`: on the board, open the variance list; in the list, explain the selected variance.
pub fn explain(s: &mut State) -> Vec<Effect> {
    if !shown(s) {
        return show(s);
    }
    if let Some(why) = s.write_refusal() {
        s.warn(why);
        return Vec::new();
    }
    let Some(v) = s.panes.close.variances.ready() else {
        s.warn("the variances are still loading");
        return Vec::new();
    };
    let period = v.period;
    let Some(r) = selected(s) else {
        s.warn("no variance selected");
        return Vec::new();
    };
    let x = &r.variance;
    let driver = r.explanation.as_ref().map_or_else(|| Driver::suggested(x), |e| e.driver);
    let text = r.explanation.as_ref().map(|e| e.text.clone()).unwrap_or_default();
    let pct = match x.pct {
        Some(p) => format!(" ({}%)", billops_domain::money::round_for_display(p, 1)),
        None => format!(" ({})", if x.kind == VarianceKind::New { "new" } else { "gone" }),
    };
    let kind = FormKind::Close(Kind::Explain {
        period,
        customer: x.customer.clone(),
        service: x.service.clone(),
        delta: x.delta,
    });
    let title = format!("explain {} / {} {period}: Δ {}{pct}", x.customer, x.service, fmt_money(x.delta));
    s.mode = Mode::Form(Form::new(
        kind,
        title,
        vec![
            Field::new("driver (tab)", driver.as_str(), Complete::Drivers).named(ExplainForm::DRIVER),
            Field::new(ExplainForm::WHY, &text, Complete::None),
        ],
    ));
    Vec::new()
}

/// Driver names for the picker.
pub fn driver_names() -> Vec<String> {
    Driver::ALL.iter().map(|d| d.as_str().to_string()).collect()
}

/// The driver after `current` in the list (wrapping), for Tab on a complete driver name.
pub fn next_driver(current: &str) -> Option<String> {
    let d: Driver = current.parse().ok()?;
    let i = Driver::ALL.iter().position(|x| *x == d)?;
    Driver::ALL.get((i + 1) % Driver::ALL.len()).map(|d| d.as_str().to_string())
}
