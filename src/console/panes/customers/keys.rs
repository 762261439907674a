//! The customers pane: what its keys do, per screen.
use std::collections::HashMap;
use rust_decimal::Decimal;
use super::io::*;
use super::state::CustomerScreen;
use crate::console::action::Effect;
use crate::console::state::{Detail, Load, State, ViewKey};

/// Cost per first key with its currency; a key with cost in two currencies has no single amount (`None`,
/// currency `*`): two currencies are never added.
pub(super) fn by_key(rows: &[billops_store::CostRow]) -> HashMap<&str, (&str, Option<Decimal>)> {
    let mut m: HashMap<&str, (&str, Option<Decimal>)> = HashMap::new();
    for r in rows {
        if let Some(k) = r.keys.first() {
            let e = m.entry(k.as_str()).or_insert((r.currency.as_str(), Some(Decimal::ZERO)));
            if e.0 != r.currency {
                *e = ("*", None);
            } else if let Some(v) = &mut e.1 {
                *v = v.checked_add(r.cost).unwrap_or(*v);
            }
        }
    }
    m
}

/// Open the detail of `code` (Enter on the list, or `:cust CODE`).
pub fn open(s: &mut State, code: String) -> Vec<Effect> {
    s.panes.customers.detail = Some(Detail { code, data: Load::Idle, focus: ViewKey::Onboarding });
    for k in [ViewKey::Onboarding, ViewKey::Services, ViewKey::CustomerAccounts] {
        s.views.remove(&k);
    }
    load_detail(s)
}

pub fn open_selected(s: &mut State) -> Vec<Effect> {
    if s.panes.customers.screen.is_some() {
        return super::pricebook::confirm(s);
    }
    if s.panes.customers.detail.is_some() {
        return Vec::new();
    }
    match s.selected_id(ViewKey::Customers) {
        Some(code) => open(s, code),
        None => Vec::new(),
    }
}

/// Esc in the detail closes it; true when it did.
pub fn back(s: &mut State) -> bool {
    if close_screen(s) {
        return true;
    }
    match s.panes.customers.detail.take() {
        Some(d) => {
            s.view_mut(ViewKey::Customers).vs.want = Some(d.code);
            let v = s.view_mut(ViewKey::Customers);
            let crate::console::state::View { model, vs } = v;
            vs.rebuild(model);
            true
        }
        None => false,
    }
}

pub fn switch_focus(s: &mut State) {
    if let Some(d) = s.panes.customers.detail.as_mut() {
        d.focus = match d.focus {
            ViewKey::Onboarding => ViewKey::Services,
            ViewKey::Services => ViewKey::CustomerAccounts,
            _ => ViewKey::Onboarding,
        };
    }
}

/// Esc on a screen: discard a previewed rule, else close the screen. True when it did something.
fn close_screen(s: &mut State) -> bool {
    if let Some(CustomerScreen::Book(b)) = s.panes.customers.screen.as_mut()
        && b.pending.take().is_some()
    {
        s.info("rule discarded: nothing saved");
        return true;
    }
    s.panes.customers.screen.take().is_some()
}

/// The customer the pane shows: its open screen, the open detail, else the selected row.
pub fn customer_in_view(s: &State) -> Option<String> {
    match &s.panes.customers.screen {
        Some(CustomerScreen::Statement(v)) => Some(v.customer.clone()),
        Some(CustomerScreen::Book(b)) => Some(b.customer.clone()),
        None => match &s.panes.customers.detail {
            Some(d) => Some(d.code.clone()),
            None => s.selected_id(ViewKey::Customers),
        },
    }
}
