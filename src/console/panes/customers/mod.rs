//! Customers: the list with this and last period's cost, and a detail view (linked accounts, cost by service,
//! a 12-month sparkline, the onboarding checklist: `onboarding.rs`); `c` adds a customer (`add.rs`).
pub mod add;
pub mod form;
pub mod io;
pub mod onboarding;
mod state;
pub mod pricebook;
pub mod terms;
pub mod payments;
mod keys;
pub mod view;

pub use io::{BookData, CustomersData, DetailData, NewRule, detail_loaded, load, load_detail, loaded};
pub use keys::{back, customer_in_view, open, open_selected, switch_focus};
pub use view::{accounts_table, services_table, table};

use crate::console::action::{Effect, PaneWrite};
use crate::documents::load::DocRef;
use crate::console::state::{Load, ViewKey};
use crate::console::keys::Cmd;
use crate::console::pane::{Failure, Invalidate, KeyScope, Pane, PaneMeta, Slot, fail_slots, invalidate_slots};
use crate::console::state::State as State_;

/// The pane's own state (a field of `State::panes`).
pub use state::CustomersPane as PaneState;
pub use state::{BookView, CustomerScreen, CustomersPane, Detail, PendingRule, StatementView};

/// The customer list, a customer's detail, statement and price book.
pub struct Customers;

/// A statement adds its PDF.
const STATEMENT: &[Cmd] = &[Cmd::Back, Cmd::Payment, Cmd::Statement, Cmd::Terms, Cmd::PriceBook, Cmd::Document];
/// The list (and the price book) add a new customer (manager).
const LIST: &[Cmd] = &[
    Cmd::Open,
    Cmd::Back,
    Cmd::Tick,
    Cmd::Payment,
    Cmd::Statement,
    Cmd::Terms,
    Cmd::PriceBook,
    Cmd::NewRule,
    Cmd::SwitchView,
    Cmd::AddCustomer,
];
/// A customer's detail: the onboarding checklist's keys.
const DETAIL: &[Cmd] = &[
    Cmd::Open,
    Cmd::Back,
    Cmd::Tick,
    Cmd::OnboardingEdit,
    Cmd::OnboardingAdd,
    Cmd::OnboardingRetire,
    Cmd::Payment,
    Cmd::Statement,
    Cmd::Terms,
    Cmd::PriceBook,
    Cmd::SwitchView,
];

const META: PaneMeta = PaneMeta { title: "Customers", short: "Cust", slug: "customers", goto: 'u' };

const SLOTS: &[Slot] = &[
    Slot { at: |s| Some(&mut s.panes.customers.data), by_period: true, load },
    Slot { at: |s| Some(&mut s.panes.customers.detail.as_mut()?.data), by_period: true, load: load_detail },
    Slot {
        at: |s| match s.panes.customers.screen.as_mut()? {
            CustomerScreen::Statement(v) => Some(&mut v.data),
            CustomerScreen::Book(_) => None,
        },
        by_period: true,
        load: payments::load_statement,
    },
    Slot {
        at: |s| match s.panes.customers.screen.as_mut()? {
            CustomerScreen::Book(b) => Some(&mut b.data),
            CustomerScreen::Statement(_) => None,
        },
        by_period: true,
        load: pricebook::load,
    },
];

impl Pane for Customers {
    fn meta(&self) -> &'static PaneMeta {
        &META
    }
    fn slots(&self) -> &'static [Slot] {
        SLOTS
    }
    fn invalidate(&self, s: &mut State_, why: Invalidate) {
        invalidate_slots(SLOTS, s, why);
        // The price book follows the period shown; a rule previewed for another period is dropped.
        let period = s.period_or_now();
        if let Some(CustomerScreen::Book(b)) = s.panes.customers.screen.as_mut()
            && b.period != period
        {
            b.period = period;
            b.pending = None;
        }
    }
    fn failed(&self, s: &mut State_, req: u64, e: &crate::console::refusal::EffectError) -> Failure {
        let mut out = fail_slots(SLOTS, s, req, e);
        let c = &mut s.panes.customers;
        // A previewed rule's diff is not a slot: it is asked for once and never reloaded.
        if let Some(CustomerScreen::Book(b)) = c.screen.as_mut()
            && let Some(p) = b.pending.as_mut()
            && p.diff.waits_for(req)
        {
            p.diff = Load::Failed(e.text.clone());
            out = Failure::Shown;
        }
        if c.terms == Some(req) {
            c.terms = None;
            s.error(format!("terms: {e}"));
            out = Failure::Shown;
        }
        out
    }
    fn keys(&self) -> &'static [KeyScope] {
        &[
            KeyScope { screen: "list", cmds: LIST },
            KeyScope { screen: "detail", cmds: DETAIL },
            KeyScope { screen: "statement", cmds: STATEMENT },
            KeyScope { screen: "price book", cmds: LIST },
        ]
    }
    fn screen(&self, s: &State_) -> &'static str {
        match (&s.panes.customers.screen, &s.panes.customers.detail) {
            (Some(CustomerScreen::Statement(_)), _) => "statement",
            (Some(CustomerScreen::Book(_)), _) => "price book",
            (None, Some(_)) => "detail",
            (None, None) => "list",
        }
    }
    fn current_view(&self, s: &State_) -> ViewKey {
        match (&s.panes.customers.screen, &s.panes.customers.detail) {
            (Some(scr), _) => scr.view(),
            (None, Some(d)) => d.focus,
            (None, None) => ViewKey::Customers,
        }
    }
    fn cmd(&self, s: &mut State_, c: Cmd) -> Option<Vec<Effect>> {
        Some(match c {
            Cmd::Open => open_selected(s),
            Cmd::Back => return back(s).then(Vec::new),
            Cmd::SwitchView => {
                if !super::pricebook::switch_focus(s) {
                    switch_focus(s);
                }
                Vec::new()
            }
            Cmd::Tick => onboarding::tick(s),
            Cmd::OnboardingEdit => onboarding::edit(s),
            Cmd::OnboardingAdd => onboarding::add_item(s),
            Cmd::OnboardingRetire => onboarding::retire(s),
            Cmd::AddCustomer => add::open(s),
            Cmd::Document => match &s.panes.customers.screen {
                Some(CustomerScreen::Statement(v)) => {
                    let doc = DocRef::Statement { customer: v.customer.clone(), from: v.from, to: v.to };
                    crate::console::panes::write(s, PaneWrite::Customers(io::Write::Document { doc }))
                }
                _ => Vec::new(),
            },
            Cmd::Payment => super::payments::payment(s),
            Cmd::Statement => super::payments::statement(s),
            Cmd::Terms => super::terms::open(s),
            Cmd::PriceBook => super::pricebook::open(s),
            Cmd::NewRule => super::pricebook::new_rule(s),
            _ => return None,
        })
    }
    fn export(&self, s: &mut State_) -> Option<Vec<Effect>> {
        payments::export_statement(s)
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
