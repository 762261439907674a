//! Credits: the approval queue (proposed first) with kind, amount, remaining balance and proposer;
//! `a` approve / `r` reject with a reason (managers). Maker-checker is the domain's rule: the proposer of a
//! credit above the threshold cannot approve it; the console says so before asking, the store enforces it.
//! `n` proposes a credit (`propose.rs`).
pub mod io;
mod state;
pub mod unreached;
pub mod propose;
mod keys;
pub mod form;
pub mod view;

pub use io::{load, loaded};
pub use keys::{decide, policy};
pub use view::{table};

use crate::console::action::Effect;
use crate::console::state::ViewKey;
use crate::console::keys::Cmd;
use crate::console::pane::{KeyScope, Pane, PaneMeta, Slot};
use crate::console::state::State as State_;

/// The pane's own state (a field of `State::panes`).
pub use state::CreditsPane as PaneState;
pub use state::{CreditsPane};

/// The credit approval queue and the unreached-credits cross-check.
pub struct Credits;

const QUEUE: &[Cmd] = &[Cmd::Open, Cmd::Approve, Cmd::Reject, Cmd::ProposeCredit, Cmd::SwitchView];
const UNREACHED: &[Cmd] = &[Cmd::Approve, Cmd::Reject, Cmd::ProposeCredit, Cmd::SwitchView];
/// One credit's detail: decide it there, or go back.
const CREDIT: &[Cmd] = &[Cmd::Approve, Cmd::Reject, Cmd::Back];

const META: PaneMeta = PaneMeta { title: "Credits", short: "Cred", slug: "credits", goto: 'r' };

const SLOTS: &[Slot] = &[
    Slot { at: |s| Some(&mut s.panes.credits.data), by_period: false, load },
    Slot { at: |s| Some(&mut s.panes.credits.unreached), by_period: true, load: super::unreached::load },
];

impl Pane for Credits {
    fn meta(&self) -> &'static PaneMeta {
        &META
    }
    fn slots(&self) -> &'static [Slot] {
        SLOTS
    }
    fn keys(&self) -> &'static [KeyScope] {
        &[
            KeyScope { screen: "queue", cmds: QUEUE },
            KeyScope { screen: "unreached", cmds: UNREACHED },
            KeyScope { screen: "credit", cmds: CREDIT },
        ]
    }
    fn screen(&self, s: &State_) -> &'static str {
        if self.current_view(s) == ViewKey::Unreached {
            "unreached"
        } else if s.panes.credits.detail.open {
            "credit"
        } else {
            "queue"
        }
    }
    fn page(&self, s: &mut State_, down: bool) -> bool {
        s.panes.credits.detail.page(down)
    }
    fn current_view(&self, s: &State_) -> ViewKey {
        s.pane_view.get(&crate::console::pane::PaneId::Credits).copied().unwrap_or(ViewKey::Credits)
    }
    fn cmd(&self, s: &mut State_, c: Cmd) -> Option<Vec<Effect>> {
        Some(match c {
            Cmd::Open => {
                if self.current_view(s) == ViewKey::Credits && s.selected_id(ViewKey::Credits).is_some() {
                    s.panes.credits.detail.open();
                }
                Vec::new()
            }
            Cmd::Back if s.panes.credits.detail.close() => Vec::new(),
            Cmd::Approve => decide(s, true),
            Cmd::Reject => decide(s, false),
            Cmd::ProposeCredit => propose::open(s),
            Cmd::SwitchView => {
                s.panes.credits.detail.close();
                super::unreached::switch_view(s);
                Vec::new()
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
        view::render(f, area, s, theme)
    }
}
