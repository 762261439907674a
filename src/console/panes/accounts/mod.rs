//! Accounts: linked accounts (unassigned first), payers, and link proposals; assign, propose, approve, reject.
pub mod io;
mod state;
mod keys;
mod form;
pub mod view;

pub use io::{load, loaded};
pub use keys::{VIEWS, customer_codes, decide, edit, payer_ids, propose, switch_view};
pub use form::{submit};
pub use view::{accounts_table, payers_table, proposals_table};

use crate::console::action::Effect;
use crate::console::pane::PaneId;
use crate::console::state::{Load, ViewKey};
use crate::console::keys::Cmd;
use crate::console::pane::{Failure, Invalidate, KeyScope, Pane};
use crate::console::panes::fail;
use crate::console::state::State as State_;

/// The pane's own state (a field of `State::panes`).
pub use state::AccountsPane as PaneState;
pub use state::{AccountsPane};

/// Linked accounts, link proposals and payers.
pub struct Accounts;

const ACCT: &[Cmd] =
    &[Cmd::Open, Cmd::Back, Cmd::Edit, Cmd::Propose, Cmd::Approve, Cmd::Reject, Cmd::SwitchView, Cmd::NameAccount];

impl Pane for Accounts {
    fn title(&self) -> &'static str {
        "Accounts"
    }
    fn short(&self) -> &'static str {
        "Accts"
    }
    fn slug(&self) -> &'static str {
        "accounts"
    }
    fn goto(&self) -> char {
        'a'
    }
    fn ensure(&self, s: &mut State_) -> Vec<Effect> {
        if s.panes.accounts.data.is_idle() { load(s) } else { Vec::new() }
    }
    fn invalidate(&self, s: &mut State_, why: Invalidate) {
        if why == Invalidate::Written {
            s.panes.accounts.data = Load::Idle;
        }
    }
    fn failed(&self, s: &mut State_, req: u64, e: &crate::console::refusal::EffectError) -> Failure {
        fail(&mut s.panes.accounts.data, req, e)
    }
    fn keys(&self) -> &'static [KeyScope] {
        &[KeyScope { screen: "lists", cmds: ACCT }]
    }
    fn screen(&self, _s: &State_) -> &'static str {
        "lists"
    }
    fn current_view(&self, s: &State_) -> ViewKey {
        s.pane_view.get(&PaneId::Accounts).copied().unwrap_or(ViewKey::Accounts)
    }
    fn cmd(&self, s: &mut State_, c: Cmd) -> Option<Vec<Effect>> {
        Some(match c {
            Cmd::Open if self.current_view(s) == ViewKey::Accounts => edit(s),
            Cmd::Open => Vec::new(),
            Cmd::SwitchView => {
                switch_view(s);
                Vec::new()
            }
            Cmd::Edit => edit(s),
            Cmd::Propose => propose(s),
            Cmd::Approve => decide(s, true),
            Cmd::Reject => decide(s, false),
            Cmd::NameAccount => keys::name(s),
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
