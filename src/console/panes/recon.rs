//! Recon: the three-way tie-out per payer for the period (supplier invoice ↔ imported billed ↔ invoiced at
//! cost + unassigned + retained), both residuals and the status, from `ledger::close::recon`.
use billops_domain::close::TieOutStatus;
use rust_decimal::Decimal;

use crate::console::action::{Effect, ReconData};
use crate::console::state::{Load, State, ViewKey};
use crate::console::table::{Cell, Column, Mark, Row, TableModel};
use crate::console::theme::Role;

pub fn load(s: &mut State) -> Vec<Effect> {
    let Some(period) = s.period else { return Vec::new() };
    let req = s.req();
    s.panes.recon.data = Load::Loading(req);
    vec![Effect::Recon { req, period }]
}

pub fn loaded(s: &mut State, req: u64, data: ReconData) {
    if !s.panes.recon.data.waits_for(req) {
        return;
    }
    s.set_model(ViewKey::Recon, table(&data));
    super::supplier::loaded(s, &data);
    s.panes.recon.data = Load::Ready(data);
}

fn status_cell(st: TieOutStatus) -> Cell {
    match st {
        TieOutStatus::Tied => Cell::text("tied").mark(Mark::Check).role(Role::Approved),
        TieOutStatus::WithinTolerance => Cell::text("in tolerance").mark(Mark::Check).role(Role::Approved),
        TieOutStatus::Explained => Cell::text("explained").mark(Mark::Check).role(Role::Approved),
        TieOutStatus::Unreconciled => Cell::text("unreconciled").mark(Mark::Cross).role(Role::Error),
        TieOutStatus::MissingSupplierInvoice => Cell::text("no supplier inv").mark(Mark::Cross).role(Role::Error),
    }
}

/// The three-way residual: supplier invoice − allocated (both legs together); `None` without an invoice.
pub fn residual(t: &billops_domain::close::TieOut) -> Option<Decimal> {
    t.input.supplier_invoice.and_then(|s| s.checked_sub(t.allocated))
}

pub fn table(d: &ReconData) -> TableModel {
    let rows = d
        .tie_outs
        .iter()
        .map(|t| {
            let i = &t.input;
            let res = residual(t).map_or_else(
                || Cell::text("-").role(Role::Muted),
                |r| if r.is_zero() { Cell::money(r) } else { Cell::money(r).role(Role::Warning) },
            );
            Row {
                id: i.payer.clone(),
                cells: vec![
                    Cell::text(&i.payer),
                    i.supplier_invoice.map_or_else(|| Cell::text("-").role(Role::Muted), Cell::money),
                    Cell::money(i.imported_billed),
                    Cell::money(i.invoiced_at_cost),
                    Cell::money(i.unassigned),
                    res,
                    status_cell(t.status),
                ],
                role: None,
            }
        })
        .collect();
    TableModel {
        columns: vec![
            Column::text("payer", 12),
            Column::num("supplier", 8),
            Column::num("imported", 10),
            Column::num("at cost", 10),
            Column::num("unassign", 10),
            Column::num("residual", 8),
            Column::text("status", 18),
        ],
        rows,
        total: None,
    }
}

// ---- the pane's duties (registered in `panes!`) ----
pub use crate::console::pane::no_io as io;
use crate::console::keys::Cmd;
use crate::console::pane::{Failure, Invalidate, KeyScope, Pane};
use crate::console::panes::fail;
use crate::console::state::State as State_;

/// The pane's own state (a field of `State::panes`).
pub use crate::console::state::ReconPane as PaneState;

/// The supplier tie-out, supplier invoices and reconciliation cases.
pub struct Recon;

const RECON: &[Cmd] = &[Cmd::SupplierInvoice, Cmd::OpenCases, Cmd::EditCase, Cmd::SwitchView];

impl Pane for Recon {
    fn title(&self) -> &'static str {
        "Recon"
    }
    fn short(&self) -> &'static str {
        "Recon"
    }
    fn slug(&self) -> &'static str {
        "recon"
    }
    fn goto(&self) -> char {
        'e'
    }
    fn ensure(&self, s: &mut State_) -> Vec<Effect> {
        if s.panes.recon.data.is_idle() { load(s) } else { Vec::new() }
    }
    fn invalidate(&self, s: &mut State_, _why: Invalidate) {
        s.panes.recon.data = Load::Idle;
    }
    fn failed(&self, s: &mut State_, req: u64, e: &crate::console::refusal::EffectError) -> Failure {
        fail(&mut s.panes.recon.data, req, e)
    }
    fn keys(&self) -> &'static [KeyScope] {
        &[
            KeyScope { screen: "tie-out", cmds: RECON },
            KeyScope { screen: "supplier invoices", cmds: RECON },
            KeyScope { screen: "cases", cmds: RECON },
        ]
    }
    fn screen(&self, s: &State_) -> &'static str {
        match self.current_view(s) {
            ViewKey::SupplierInvoices => "supplier invoices",
            ViewKey::Cases => "cases",
            _ => "tie-out",
        }
    }
    fn current_view(&self, s: &State_) -> ViewKey {
        s.pane_view.get(&crate::console::pane::PaneId::Recon).copied().unwrap_or(ViewKey::Recon)
    }
    fn cmd(&self, s: &mut State_, c: Cmd) -> Option<Vec<Effect>> {
        Some(match c {
            Cmd::Open => Vec::new(),
            Cmd::SwitchView => {
                super::supplier::switch_view(s);
                Vec::new()
            }
            Cmd::SupplierInvoice => super::supplier::new_invoice(s),
            Cmd::OpenCases => super::supplier::open_cases(s),
            Cmd::EditCase => super::supplier::edit_case(s),
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
        crate::console::ui::ledger::recon(f, area, s, theme)
    }
}
