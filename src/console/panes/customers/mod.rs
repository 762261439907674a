//! Customers: the list with this and last period's cost, and a detail view (linked accounts, cost by service,
//! a 12-month sparkline, the onboarding checklist).
pub mod io;
mod state;
pub mod pricebook;
pub mod terms;
pub mod payments;
mod keys;
pub mod view;

pub use io::{detail_loaded, load, load_detail, loaded};
pub use keys::{back, open, open_selected, switch_focus, tick};
pub use view::{accounts_table, onboarding_table, services_table, table};

use crate::console::action::Effect;
use crate::console::state::{Load, ViewKey};
use crate::console::keys::Cmd;
use crate::console::pane::{Failure, Invalidate, KeyScope, Pane};
use crate::console::panes::{any, fail};
use crate::console::state::State as State_;

/// The pane's own state (a field of `State::panes`).
pub use state::CustomersPane as PaneState;
pub use state::{CustomersPane, Detail};

/// The customer list, a customer's detail, statement and price book.
pub struct Customers;

const CUST: &[Cmd] = &[
    Cmd::Open,
    Cmd::Back,
    Cmd::Tick,
    Cmd::Payment,
    Cmd::Statement,
    Cmd::Terms,
    Cmd::PriceBook,
    Cmd::NewRule,
    Cmd::SwitchView,
];

impl Pane for Customers {
    fn title(&self) -> &'static str {
        "Customers"
    }
    fn short(&self) -> &'static str {
        "Cust"
    }
    fn slug(&self) -> &'static str {
        "customers"
    }
    fn goto(&self) -> char {
        'u'
    }
    fn ensure(&self, s: &mut State_) -> Vec<Effect> {
        use crate::console::ops::CustomerScreen;
        let mut fx = if s.panes.customers.data.is_idle() { load(s) } else { Vec::new() };
        fx.extend(match &s.panes.customers.screen {
            Some(CustomerScreen::Statement(v)) if v.data.is_idle() => super::payments::load_statement(s),
            Some(CustomerScreen::Book(b)) if b.data.is_idle() => super::pricebook::load(s),
            _ => Vec::new(),
        });
        fx
    }
    fn invalidate(&self, s: &mut State_, _why: Invalidate) {
        use crate::console::ops::CustomerScreen;
        let period = s.period_or_now();
        let c = &mut s.panes.customers;
        c.data = Load::Idle;
        if let Some(d) = c.detail.as_mut() {
            d.data = Load::Idle;
        }
        match &mut c.screen {
            Some(CustomerScreen::Statement(v)) => v.data = Load::Idle,
            Some(CustomerScreen::Book(b)) => {
                b.data = Load::Idle;
                if b.period != period {
                    b.period = period;
                    b.pending = None;
                }
            }
            None => {}
        }
    }
    fn failed(&self, s: &mut State_, req: u64, e: &crate::console::refusal::EffectError) -> Failure {
        use crate::console::ops::CustomerScreen;
        let c = &mut s.panes.customers;
        let mut out = vec![fail(&mut c.data, req, e)];
        if let Some(d) = c.detail.as_mut() {
            out.push(fail(&mut d.data, req, e));
        }
        match &mut c.screen {
            Some(CustomerScreen::Statement(v)) => out.push(fail(&mut v.data, req, e)),
            Some(CustomerScreen::Book(b)) => {
                out.push(fail(&mut b.data, req, e));
                if let Some(p) = b.pending.as_mut() {
                    out.push(fail(&mut p.diff, req, e));
                }
            }
            None => {}
        }
        if c.terms == Some(req) {
            c.terms = None;
            s.error(format!("terms: {e}"));
            out.push(Failure::Shown);
        }
        any(out)
    }
    fn keys(&self) -> &'static [KeyScope] {
        &[
            KeyScope { screen: "list", cmds: CUST },
            KeyScope { screen: "detail", cmds: CUST },
            KeyScope { screen: "statement", cmds: CUST },
            KeyScope { screen: "price book", cmds: CUST },
        ]
    }
    fn screen(&self, s: &State_) -> &'static str {
        use crate::console::ops::CustomerScreen;
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
            Cmd::Tick => tick(s),
            Cmd::Payment => super::payments::payment(s),
            Cmd::Statement => super::payments::statement(s),
            Cmd::Terms => super::terms::open(s),
            Cmd::PriceBook => super::pricebook::open(s),
            Cmd::NewRule => super::pricebook::new_rule(s),
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
