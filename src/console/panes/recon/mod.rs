//! Recon: the three-way tie-out per payer for the period (supplier invoice ↔ imported billed ↔ invoiced at
//! cost + unassigned + retained), both residuals and the status, from `month::close::recon`; its other lists:
//! supplier invoices, cases, FX rates, and the customer tie-out against CloudHealth statements (`statements.rs`).
pub mod detail;
pub mod form;
pub mod fx;
mod fx_view;
pub mod io;
mod state;
pub mod statements;
pub mod supplier;
pub mod view;

pub use io::{ReconData, load, loaded};
pub use view::{residual, table};

use crate::console::action::Effect;
use crate::console::state::ViewKey;
use crate::console::keys::Cmd;
use crate::console::pane::{KeyScope, Pane, PaneMeta, Slot};
use crate::console::state::State as State_;

/// The pane's own state (a field of `State::panes`).
pub use state::ReconPane as PaneState;
pub use state::{ReconPane};

/// The supplier tie-out, supplier invoices and reconciliation cases.
pub struct Recon;

const RECON: &[Cmd] = &[Cmd::Open, Cmd::SupplierInvoice, Cmd::OpenCases, Cmd::EditCase, Cmd::SwitchView];
/// A row's detail: change its case, or go back.
const ROW: &[Cmd] = &[Cmd::Back, Cmd::EditCase, Cmd::SwitchView];
/// A statement row's detail: there is no case to change.
const STATEMENT_ROW: &[Cmd] = &[Cmd::Back, Cmd::SwitchView];
const FX: &[Cmd] = &[Cmd::FxRate, Cmd::Approve, Cmd::SwitchView];
/// The customer tie-out against CloudHealth statements: a row's detail, import a statement file, the next list.
const STATEMENTS: &[Cmd] = &[Cmd::Open, Cmd::Import, Cmd::SwitchView];

const META: PaneMeta = PaneMeta { title: "Recon", short: "Recon", slug: "recon", goto: 'e' };

const SLOTS: &[Slot] = &[Slot { at: |s| Some(&mut s.panes.recon.data), by_period: true, load }];

impl Pane for Recon {
    fn meta(&self) -> &'static PaneMeta {
        &META
    }
    fn slots(&self) -> &'static [Slot] {
        SLOTS
    }
    fn keys(&self) -> &'static [KeyScope] {
        &[
            KeyScope { screen: "tie-out", cmds: RECON },
            KeyScope { screen: "supplier invoices", cmds: RECON },
            KeyScope { screen: "cases", cmds: RECON },
            KeyScope { screen: "row", cmds: ROW },
            KeyScope { screen: "fx rates", cmds: FX },
            KeyScope { screen: "statements", cmds: STATEMENTS },
            KeyScope { screen: "statement", cmds: STATEMENT_ROW },
        ]
    }
    fn page(&self, s: &mut State_, down: bool) -> bool {
        s.panes.recon.detail.page(down)
    }
    fn screen(&self, s: &State_) -> &'static str {
        if s.panes.recon.detail.open {
            return if self.current_view(s) == ViewKey::ChStatements { "statement" } else { "row" };
        }
        match self.current_view(s) {
            ViewKey::SupplierInvoices => "supplier invoices",
            ViewKey::Cases => "cases",
            ViewKey::FxRates => "fx rates",
            ViewKey::ChStatements => "statements",
            _ => "tie-out",
        }
    }
    fn current_view(&self, s: &State_) -> ViewKey {
        s.pane_view.get(&crate::console::pane::PaneId::Recon).copied().unwrap_or(ViewKey::Recon)
    }
    fn cmd(&self, s: &mut State_, c: Cmd) -> Option<Vec<Effect>> {
        Some(match c {
            Cmd::Open => {
                if s.selected_id(self.current_view(s)).is_some() {
                    s.panes.recon.detail.open();
                }
                Vec::new()
            }
            Cmd::Back if s.panes.recon.detail.close() => Vec::new(),
            Cmd::SwitchView => {
                s.panes.recon.detail.close();
                super::supplier::switch_view(s);
                Vec::new()
            }
            Cmd::SupplierInvoice => super::supplier::new_invoice(s),
            Cmd::FxRate => fx::propose(s),
            Cmd::Import if self.current_view(s) == ViewKey::ChStatements => statements::start_import(s),
            Cmd::Approve => fx::approve(s),
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
        view::render(f, area, s, theme)
    }
}
