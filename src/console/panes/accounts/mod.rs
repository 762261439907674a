//! Accounts: linked accounts (unassigned first), payers, and link proposals; assign, propose, approve, reject.
pub mod io;
mod state;
mod keys;
pub mod form;
pub mod marks;
pub mod view;
pub mod suggest;

pub use io::{AccountsData, load, loaded};
pub use keys::{VIEWS, customer_codes, decide, edit, payer_ids, propose, switch_view};
pub use view::{accounts_table, payers_table, proposals_table};

use crate::console::action::Effect;
use crate::console::pane::PaneId;
use crate::console::state::ViewKey;
use crate::console::keys::Cmd;
use crate::console::pane::{Failure, KeyScope, Pane, PaneMeta, Slot, Shows};
use crate::console::state::State as State_;

/// The pane's own state (a field of `State::panes`).
pub use state::AccountsPane as PaneState;
pub use state::{AccountsPane};

/// Linked accounts, link proposals and payers.
pub struct Accounts;

const ACCT: &[Cmd] = &[
    Cmd::Open,
    Cmd::Back,
    Cmd::Edit,
    Cmd::Propose,
    Cmd::Approve,
    Cmd::Reject,
    Cmd::SwitchView,
    Cmd::NameAccount,
    Cmd::TakeSuggestion,
];

/// The accounts list: the list keys and the marks (`marks.rs`).
const MARKS: &[Cmd] = &[
    Cmd::Open,
    Cmd::Back,
    Cmd::Edit,
    Cmd::Propose,
    Cmd::Approve,
    Cmd::Reject,
    Cmd::SwitchView,
    Cmd::NameAccount,
    Cmd::Mark,
    Cmd::MarkAll,
    Cmd::ClearMarks,
    Cmd::TakeSuggestion,
];

/// A proposal's or a payer's detail: decide it, or go back.
const ROW: &[Cmd] = &[Cmd::Back, Cmd::Approve, Cmd::Reject, Cmd::SwitchView];

const META: PaneMeta = PaneMeta { title: "Accounts", short: "Accts", slug: "accounts", goto: 'a' };

// Not period-bound (accounts, payers and proposals are the same in every period).
const SLOTS: &[Slot] = &[Slot { at: |s| Some(&mut s.panes.accounts.data), by_period: false, load }];

impl Pane for Accounts {
    fn meta(&self) -> &'static PaneMeta {
        &META
    }
    fn shows(&self) -> Shows {
        Shows::Only(&["linked_account", "payer_account", "link_proposal", "import_batch", "customer"])
    }
    fn slots(&self) -> &'static [Slot] {
        SLOTS
    }
    fn failed(&self, s: &mut State_, req: u64, e: &crate::console::refusal::EffectError) -> Failure {
        marks::refused(s, req);
        crate::console::pane::fail_slots(SLOTS, s, req, e)
    }
    fn keys(&self) -> &'static [KeyScope] {
        &[
            KeyScope { screen: "lists", cmds: ACCT },
            KeyScope { screen: "accounts", cmds: MARKS },
            KeyScope { screen: "row", cmds: ROW },
        ]
    }
    fn screen(&self, s: &State_) -> &'static str {
        if s.panes.accounts.detail.open {
            "row"
        } else if self.current_view(s) == ViewKey::Accounts {
            "accounts"
        } else {
            "lists"
        }
    }
    fn page(&self, s: &mut State_, down: bool) -> bool {
        s.panes.accounts.detail.page(down)
    }
    fn current_view(&self, s: &State_) -> ViewKey {
        s.pane_view.get(&PaneId::Accounts).copied().unwrap_or(ViewKey::Accounts)
    }
    fn cmd(&self, s: &mut State_, c: Cmd) -> Option<Vec<Effect>> {
        Some(match c {
            Cmd::Open if self.current_view(s) == ViewKey::Accounts => edit(s),
            Cmd::Open => {
                if s.selected_id(self.current_view(s)).is_some() {
                    s.panes.accounts.detail.open();
                }
                Vec::new()
            }
            Cmd::Back if s.panes.accounts.detail.close() => Vec::new(),
            Cmd::SwitchView => {
                s.panes.accounts.detail.close();
                switch_view(s);
                Vec::new()
            }
            Cmd::Edit if !s.panes.accounts.marks.is_empty() => marks::assign(s),
            Cmd::Edit => edit(s),
            Cmd::Mark => marks::toggle(s),
            Cmd::MarkAll => marks::mark_shown(s),
            Cmd::ClearMarks => marks::clear(s),
            Cmd::Propose => propose(s),
            Cmd::Approve => decide(s, true),
            Cmd::Reject => decide(s, false),
            Cmd::NameAccount => keys::name(s),
            Cmd::TakeSuggestion => suggest::take(s),
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
