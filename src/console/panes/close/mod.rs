//! Close: the month-end board of the period (SPEC §2.7) computed by `month::close::board`; Enter on a
//! failing item jumps to the list that fixes it; `S` signs off (manager, confirmed), `R` re-opens (reason),
//! `=` changes a shared setting (manager, `settings.rs`), `m` writes the period's management report (HTML and
//! CSV) to the exports folder (`report.rs`).
pub mod io;
pub mod item;
mod state;
pub mod variance;
pub mod report;
pub mod settings;
mod keys;
pub mod form;
pub mod view;

pub use io::{load, loaded};
pub use keys::{jump_pane, open, reopen, sign_off};
pub use view::{status_cell, table};

use crate::console::action::Effect;
use crate::console::pane::PaneId;
use crate::console::panes;
use crate::console::state::ViewKey;
use crate::console::keys::Cmd;
use crate::console::pane::{KeyScope, Pane, PaneMeta, Slot};
use crate::console::state::State as State_;

/// The pane's own state (a field of `State::panes`).
pub use state::ClosePane as PaneState;
pub use state::{ClosePane};

/// The month-end board and its variance list.
pub struct Close;

const BOARD: &[Cmd] =
    &[Cmd::Open, Cmd::Back, Cmd::SignOff, Cmd::Reopen, Cmd::Explain, Cmd::Settings, Cmd::SwitchView, Cmd::MonthReport];
/// An item's detail: Enter goes where it is fixed, Esc back to the board; sign-off and settings stay.
const ITEM: &[Cmd] = &[Cmd::Open, Cmd::Back, Cmd::SignOff, Cmd::Reopen, Cmd::Settings];

const META: PaneMeta = PaneMeta { title: "Close", short: "Close", slug: "close", goto: 'c' };

const SLOTS: &[Slot] = &[
    Slot { at: |s| Some(&mut s.panes.close.data), by_period: true, load },
    Slot { at: |s| Some(&mut s.panes.close.variances), by_period: true, load: variance::load_if_shown },
];

impl Pane for Close {
    fn meta(&self) -> &'static PaneMeta {
        &META
    }
    fn slots(&self) -> &'static [Slot] {
        SLOTS
    }
    fn keys(&self) -> &'static [KeyScope] {
        &[
            KeyScope { screen: "board", cmds: BOARD },
            KeyScope { screen: "variances", cmds: BOARD },
            KeyScope { screen: "item", cmds: ITEM },
        ]
    }
    fn screen(&self, s: &State_) -> &'static str {
        if self.current_view(s) == ViewKey::Variances {
            "variances"
        } else if s.panes.close.detail.open {
            "item"
        } else {
            "board"
        }
    }
    fn page(&self, s: &mut State_, down: bool) -> bool {
        self.current_view(s) != ViewKey::Variances && s.panes.close.detail.page(down)
    }
    fn current_view(&self, s: &State_) -> ViewKey {
        s.pane_view.get(&PaneId::Close).copied().unwrap_or(ViewKey::Close)
    }
    fn cmd(&self, s: &mut State_, c: Cmd) -> Option<Vec<Effect>> {
        Some(match c {
            Cmd::Open => open(s),
            Cmd::Back if s.panes.close.detail.close() => Vec::new(),
            Cmd::Back => return panes::variance::back(s).then(Vec::new),
            Cmd::SwitchView => {
                s.panes.close.detail.close();
                panes::variance::switch_view(s)
            }
            Cmd::SignOff => sign_off(s),
            Cmd::Reopen => reopen(s),
            Cmd::Explain => panes::variance::explain(s),
            Cmd::Settings => settings::open(s),
            Cmd::MonthReport => report::request(s),
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
