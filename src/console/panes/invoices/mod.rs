//! Invoices: the period's invoices; `n` generates drafts (the per-customer outcome shows under the list);
//! Enter opens one with its six sections in the order of operations; `w` review, `a` approve, `I` issue
//! (confirmed; on the list every approved invoice), `X` void (reason), `O` the PDF (it or a credit note).
//! The store enforces roles, versions and locks; its refusals land on the message line.
pub mod io;
mod state;
pub mod credit_notes;
pub mod bulk;
pub mod document;
pub mod issue;
pub mod sources;
mod keys;
pub mod form;
pub mod view;

pub use io::{detail_loaded, load, load_detail, loaded};
pub use issue::issue;
pub use keys::{back, generate, generated, open, step, void};
pub use view::{generated_table, lines_table, status_cell, table};

use billops_store::InvoiceStep;
use crate::console::action::Effect;
use crate::console::state::ViewKey;
use crate::console::keys::Cmd;
use crate::console::pane::{Failure, Invalidate, KeyScope, Pane, PaneMeta, Slot, fail_slots, invalidate_slots};
use crate::console::state::State as State_;

/// The pane's own state (a field of `State::panes`).
pub use state::InvoicesPane as PaneState;
pub use state::{InvoiceDetail, InvoicesPane, SourcesView};

/// The period's invoices, one invoice's detail and a line's sources.
pub struct Invoices;

const INV: &[Cmd] = &[
    Cmd::Open,
    Cmd::Back,
    Cmd::Generate,
    Cmd::Review,
    Cmd::Approve,
    Cmd::Issue,
    Cmd::Void,
    Cmd::Payment,
    Cmd::ApproveAll,
    Cmd::ReviewAll,
    Cmd::CreditNote,
];
/// An open invoice adds the customer document.
const OPEN: &[Cmd] = &[
    Cmd::Open,
    Cmd::Back,
    Cmd::Generate,
    Cmd::Review,
    Cmd::Approve,
    Cmd::Issue,
    Cmd::Void,
    Cmd::Payment,
    Cmd::ApproveAll,
    Cmd::ReviewAll,
    Cmd::CreditNote,
    Cmd::Document,
];
const SOURCES: &[Cmd] = &[
    Cmd::Open,
    Cmd::Back,
    Cmd::Generate,
    Cmd::Review,
    Cmd::Approve,
    Cmd::Issue,
    Cmd::Void,
    Cmd::Payment,
    Cmd::ApproveAll,
    Cmd::ReviewAll,
    Cmd::CreditNote,
    Cmd::SwitchView,
];

const META: PaneMeta = PaneMeta { title: "Invoices", short: "Inv", slug: "invoices", goto: 'i' };

const SLOTS: &[Slot] = &[
    Slot { at: |s| Some(&mut s.panes.invoices.data), by_period: true, load },
    Slot { at: |s| Some(&mut s.panes.invoices.detail.as_mut()?.data), by_period: true, load: io::load_invoice },
    Slot {
        at: |s| Some(&mut s.panes.invoices.detail.as_mut()?.credit_notes),
        by_period: true,
        load: super::credit_notes::load,
    },
    Slot { at: |s| Some(&mut s.panes.invoices.sources.as_mut()?.data), by_period: true, load: super::sources::load },
];

impl Pane for Invoices {
    fn meta(&self) -> &'static PaneMeta {
        &META
    }
    fn slots(&self) -> &'static [Slot] {
        SLOTS
    }
    fn invalidate(&self, s: &mut State_, why: Invalidate) {
        invalidate_slots(SLOTS, s, why);
        if why == Invalidate::PeriodChanged {
            let i = &mut s.panes.invoices;
            i.detail = None;
            i.sources = None;
            i.generated = None;
        }
    }
    fn failed(&self, s: &mut State_, req: u64, e: &crate::console::refusal::EffectError) -> Failure {
        let out = fail_slots(SLOTS, s, req, e);
        if s.panes.invoices.job == Some(req) {
            s.panes.invoices.job = None;
            s.error(format!("draft generation failed: {e}"));
            return Failure::Reported;
        }
        out
    }
    fn keys(&self) -> &'static [KeyScope] {
        &[
            KeyScope { screen: "list", cmds: INV },
            KeyScope { screen: "invoice", cmds: OPEN },
            KeyScope { screen: "sources", cmds: SOURCES },
        ]
    }
    fn screen(&self, s: &State_) -> &'static str {
        match (&s.panes.invoices.sources, &s.panes.invoices.detail) {
            (Some(_), _) => "sources",
            (None, Some(_)) => "invoice",
            (None, None) => "list",
        }
    }
    fn current_view(&self, s: &State_) -> ViewKey {
        match (&s.panes.invoices.sources, &s.panes.invoices.detail) {
            (Some(src), _) => src.focus,
            (None, Some(_)) => ViewKey::InvoiceLines,
            (None, None) => ViewKey::Invoices,
        }
    }
    fn cmd(&self, s: &mut State_, c: Cmd) -> Option<Vec<Effect>> {
        Some(match c {
            Cmd::Open => open(s),
            Cmd::Back => return back(s).then(Vec::new),
            Cmd::SwitchView => {
                super::sources::switch_focus(s);
                Vec::new()
            }
            Cmd::Generate => generate(s),
            Cmd::Review => step(s, InvoiceStep::Review),
            Cmd::Approve => step(s, InvoiceStep::Approve),
            Cmd::Issue => issue(s),
            Cmd::Void => void(s),
            Cmd::Payment => super::payments::payment(s),
            Cmd::ApproveAll => super::bulk::all(s, InvoiceStep::Approve),
            Cmd::ReviewAll => super::bulk::all(s, InvoiceStep::Review),
            Cmd::CreditNote => super::credit_notes::open(s),
            Cmd::Document => document::open(s),
            _ => return None,
        })
    }
    fn job_line(
        &self,
        f: &mut ratatui::Frame,
        area: ratatui::layout::Rect,
        s: &State_,
        theme: &crate::console::theme::Theme,
    ) -> bool {
        view::job_line(f, area, s, theme)
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
