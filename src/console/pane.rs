//! What every pane must answer ([`Pane`]) and the macro that turns the one registration list in
//! `panes/mod.rs` into [`PaneId`], the panes' state ([`Panes`]) and the dispatch to each pane's code.
//!
//! The final shape of a pane (`panes/NAME/`, copy `panes/audit/`):
//!
//! ```text
//! mod.rs    pub struct Name; impl Pane for Name {
//!               fn meta(&self) -> &'static PaneMeta          // title, short, slug, goto letter
//!               fn slots(&self) -> &'static [Slot]            // its Load slots: where, by period?, how loaded
//!               fn keys(&self) -> &'static [KeyScope]         // one scope per screen (list, detail, form …)
//!               fn screen(&self, s) -> &'static str           // the screen shown now
//!               fn current_view(&self, s) -> ViewKey          // the list keys act on
//!               fn cmd(&self, s, c) -> Option<Vec<Effect>>    // its commands
//!               fn render(&self, f, area, s, theme)           // its body
//!               // ensure / invalidate / failed: defaults driven by `slots` (override to add to them)
//!               // export: default `None` (the current list as CSV); job_line: default none
//!           }
//!           pub use state::PaneState;
//! state.rs  PaneState (Default): a Load<T> per list, selection, open sub-screen
//! io.rs     Query / Reply / Write enums; run, write (async, in the runner), landed (where replies land),
//!           traits (what a refusal of each write means)
//! form.rs   Kind (its forms), refusal (who may submit), submit (a typed struct per form, read by field name)
//! keys.rs   what its commands do, per screen
//! view.rs   render + table models
//! ```
//!
//! A pane written against the earlier trait (title/short/slug/goto, ensure/invalidate/failed) adapts by
//! replacing the four names with `meta`, adding `slots` (its `Load`s; its own ensure/invalidate/failed may
//! stay as overrides), `io::traits` (`match *w {}` without writes) and `form` (`pane::no_forms` without forms).
//!
//! A new pane is one folder plus one line in `panes!`: the compiler then asks it for every duty below, and
//! every loop over the registry (reload on a period change or a write, a failed request, the tab line,
//! `'` + letter, `:pane NAME`, `?` help) includes it.
use ratatui::Frame;
use ratatui::layout::Rect;

use super::action::Effect;
use super::keys::Cmd;
use super::refusal::EffectError;
use super::state::{Load, State, ViewKey};
use super::theme::Theme;

pub use super::panes::{FormKind, PaneId, PaneQuery, PaneReply, PaneWrite, Panes};

/// Why a pane must forget what it holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Invalidate {
    /// `[`/`]`, `:period`, the cost basis: period-dependent data is stale, period-bound screens close.
    PeriodChanged,
    /// A write or an import elsewhere: whatever the store holds may have changed.
    Written,
}

/// Which kinds of record a pane shows: when another console or command writes one of them, the pane forgets
/// what it holds (`watch.rs`). The names are the store's audit entities (`invoice`, `payment` …).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shows {
    /// Anything written may change it (the default: the close board, balances, the audit log …).
    Everything,
    /// Only these kinds; a pane that narrows keeps its data (and its fitted forecast) when others change.
    Only(&'static [&'static str]),
}

impl Shows {
    /// Whether a write of `entities` (the audit entities of what changed) concerns the pane. Shared settings,
    /// locks and users concern every pane, and so does a kind the console does not know (a newer billops wrote
    /// it): better one reload too many than a screen that lies.
    pub fn touched_by(&self, entities: &[String]) -> bool {
        match self {
            Shows::Everything => true,
            Shows::Only(kinds) => entities.iter().any(|e| {
                kinds.contains(&e.as_str())
                    || super::watch::CONCERN_ALL.contains(&e.as_str())
                    || !super::watch::KNOWN.contains(&e.as_str())
            }),
        }
    }
}

/// What a pane did with a failed request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Failure {
    /// Not this pane's request.
    NotMine,
    /// A slot of this pane waited for it and now shows the error.
    Shown,
    /// The pane reported it itself (e.g. a job's message line); nothing more to do.
    Reported,
}

/// The keys one screen of a pane answers (list, detail, form …). The footer shows the hinted ones of the
/// current screen and `?` lists them all; a key bound to a command no screen of the pane lists does nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeyScope {
    pub screen: &'static str,
    pub cmds: &'static [Cmd],
}

/// A pane's names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PaneMeta {
    pub title: &'static str,
    /// A short title for narrow tab lines.
    pub short: &'static str,
    /// Lower-case name: exports (`customers-2026-05-1.csv`) and `:pane NAME`.
    pub slug: &'static str,
    /// The letter that follows `'` (`goto_pane`) to jump here (unique, lower case).
    pub goto: char,
}

/// A `Load<T>` of any `T`, as the slot defaults see it.
pub trait LoadSlot {
    fn is_idle(&self) -> bool;
    fn waits_for(&self, req: u64) -> bool;
    fn forget(&mut self);
    fn stale(&mut self);
    fn fail(&mut self, text: &str);
}

impl<T> LoadSlot for Load<T> {
    fn is_idle(&self) -> bool {
        Load::is_idle(self)
    }
    fn waits_for(&self, req: u64) -> bool {
        Load::waits_for(self, req)
    }
    fn forget(&mut self) {
        *self = Load::Idle;
    }
    fn stale(&mut self) {
        Load::stale(self);
    }
    fn fail(&mut self, text: &str) {
        *self = Load::Failed(text.to_string());
    }
}

/// One thing a pane loads: where its `Load` is (`None`: not open now), whether it belongs to the period,
/// and the fn that loads it (sets it to `Loading(req)` and returns the effect).
pub struct Slot {
    pub at: fn(&mut State) -> Option<&mut dyn LoadSlot>,
    /// Forgotten on a period change too (else only after a write).
    pub by_period: bool,
    pub load: fn(&mut State) -> Vec<Effect>,
}

/// Load every open slot that has nothing and is not loading.
pub fn ensure_slots(slots: &[Slot], s: &mut State) -> Vec<Effect> {
    let mut fx = Vec::new();
    for slot in slots {
        if (slot.at)(s).is_some_and(|l| l.is_idle()) {
            fx.extend((slot.load)(s));
        }
    }
    fx
}

/// Forget what a period change may have changed (another period's rows are dropped); after a write keep the
/// rows shown but stale (they reload when shown, and keys act on them meanwhile).
pub fn invalidate_slots(slots: &[Slot], s: &mut State, why: Invalidate) {
    for slot in slots {
        let Some(l) = (slot.at)(s) else { continue };
        if slot.by_period && why == Invalidate::PeriodChanged {
            l.forget();
        } else if why == Invalidate::Written {
            l.stale();
        }
    }
}

/// The slot that waited for `req` shows the error.
pub fn fail_slots(slots: &[Slot], s: &mut State, req: u64, e: &EffectError) -> Failure {
    let mut out = Failure::NotMine;
    for slot in slots {
        if let Some(l) = (slot.at)(s)
            && l.waits_for(req)
        {
            l.fail(&e.text);
            out = Failure::Shown;
        }
    }
    out
}

/// Every pane's duties. The impl lives in the pane's `mod.rs`; the registry hands out `&'static dyn Pane`.
pub trait Pane: Sync {
    /// Title, short title, slug and goto letter.
    fn meta(&self) -> &'static PaneMeta;
    /// What the pane loads (drives the defaults of `ensure`, `invalidate` and `failed`).
    fn slots(&self) -> &'static [Slot];
    /// Load what the pane shows and does not have yet (called whenever it is shown).
    fn ensure(&self, s: &mut State) -> Vec<Effect> {
        ensure_slots(self.slots(), s)
    }
    /// Forget what `why` may have changed (it reloads when shown).
    fn invalidate(&self, s: &mut State, why: Invalidate) {
        invalidate_slots(self.slots(), s, why)
    }
    /// The kinds of record whose change elsewhere makes the pane reload (`watch.rs`).
    fn shows(&self) -> Shows {
        Shows::Everything
    }
    /// A request failed: the slot that waited for it shows the error.
    fn failed(&self, s: &mut State, req: u64, e: &EffectError) -> Failure {
        fail_slots(self.slots(), s, req, e)
    }
    /// The key scopes of the pane's screens.
    fn keys(&self) -> &'static [KeyScope];
    /// The name of the screen shown now (one of [`Pane::keys`]).
    fn screen(&self, s: &State) -> &'static str;
    /// The list that keys (move, filter, sort, export) act on now.
    fn current_view(&self, s: &State) -> ViewKey;
    /// A command of this pane (one of its scopes, or open / back / switch view). `None`: not handled.
    fn cmd(&self, s: &mut State, c: Cmd) -> Option<Vec<Effect>>;
    /// Draw the pane's body: state in, frame out.
    fn render(&self, f: &mut Frame, area: Rect, s: &State, theme: &Theme);
    /// Draw the line of a job the pane runs (an import, draft generation) over the message line; true when it
    /// drew one.
    fn job_line(&self, _f: &mut Frame, _area: Rect, _s: &State, _theme: &Theme) -> bool {
        false
    }
    /// PgUp / PgDn on a screen that scrolls itself (a record's detail): true when the pane took it (else the
    /// current list moves a page).
    fn page(&self, _s: &mut State, _down: bool) -> bool {
        false
    }
    /// `x` where the pane exports something else than the current list as CSV (`None`: the list).
    fn export(&self, _s: &mut State) -> Option<Vec<Effect>> {
        None
    }
}

impl dyn Pane {
    pub fn title(&self) -> &'static str {
        self.meta().title
    }
    pub fn short(&self) -> &'static str {
        self.meta().short
    }
    pub fn slug(&self) -> &'static str {
        self.meta().slug
    }
    pub fn goto(&self) -> char {
        self.meta().goto
    }

    /// The scope of the screen shown now (the first scope if the name is unknown).
    pub fn scope(&self, s: &State) -> Option<&'static KeyScope> {
        let name = self.screen(s);
        let keys = self.keys();
        keys.iter().find(|k| k.screen == name).or_else(|| keys.first())
    }

    /// Whether any screen of the pane answers `c`.
    pub fn answers(&self, c: Cmd) -> bool {
        self.keys().iter().any(|k| k.cmds.contains(&c))
    }
}

/// The registration list: `panes! { Close(close), Customers(customers), … }`. Each `Id(module)` needs
/// `module::Id` (a unit struct implementing [`Pane`]), `module::PaneState` (the pane's state, `Default`),
/// `module::io` with `Query`, `Reply`, `Write`, `run`, `write`, `landed` and `traits` (see
/// `panes/audit/io.rs`) and `module::form` with `Kind`, `refusal` and `submit` (`pane::no_forms` for none).
macro_rules! panes {
    ($($id:ident($m:ident)),* $(,)?) => {
        $(pub mod $m;)*

        /// The registered panes, in tab order (digits 1–9 follow it). Generated by `panes!`.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum PaneId {
            $($id),*
        }

        impl PaneId {
            /// Display order; the console opens on the first.
            pub const ALL: &'static [PaneId] = &[$(PaneId::$id),*];

            /// The pane's impl of its duties.
            pub fn pane(self) -> &'static dyn $crate::console::pane::Pane {
                match self {
                    $(PaneId::$id => &$m::$id),*
                }
            }
        }

        /// Every pane's own state, one field per registered pane (named like its module).
        #[derive(Debug, Clone, Default)]
        pub struct Panes {
            $(pub $m: $m::PaneState),*
        }

        /// A pane's read, as `Effect::Pane` carries it (each pane's `io::Query`).
        #[derive(Debug, Clone, PartialEq, Eq)]
        pub enum PaneQuery {
            $($id($m::io::Query)),*
        }

        /// A pane's answer, as `Reply::Pane` carries it (each pane's `io::Reply`).
        #[derive(Debug, Clone)]
        pub enum PaneReply {
            $($id($m::io::Reply)),*
        }

        /// A pane's write, as `Effect::Write` carries it (each pane's `io::Write`).
        #[derive(Debug, Clone, PartialEq, Eq)]
        pub enum PaneWrite {
            $($id($m::io::Write)),*
        }

        /// What an open form submits (each pane's `form::Kind`).
        #[derive(Debug, Clone, PartialEq, Eq)]
        pub enum FormKind {
            $($id($m::form::Kind)),*
        }

        impl PaneQuery {
            /// Run the read in the effect runner.
            pub async fn run(
                self,
                r: &$crate::console::effects::Runner,
            ) -> Result<PaneReply, $crate::console::refusal::EffectError> {
                match self {
                    $(PaneQuery::$id(q) => $m::io::run(r, q).await.map(PaneReply::$id)),*
                }
            }
        }

        impl PaneReply {
            /// Land the answer in its pane (stale answers are dropped there).
            pub fn land(self, s: &mut $crate::console::state::State, req: u64) -> Vec<$crate::console::action::Effect> {
                match self {
                    $(PaneReply::$id(r) => $m::io::landed(s, req, r)),*
                }
            }
        }

        impl PaneWrite {
            /// Do the write in the effect runner; the text says what happened.
            pub async fn write(self, r: &$crate::console::effects::Runner) -> Result<String, billops_store::StoreError> {
                match self {
                    $(PaneWrite::$id(w) => $m::io::write(r, w).await),*
                }
            }

            /// What a refusal of this write means (the role it needs, versioned, the field it concerns).
            pub fn traits(&self) -> $crate::console::refusal::WriteTraits {
                match self {
                    $(PaneWrite::$id(w) => $m::io::traits(w)),*
                }
            }
        }

        impl FormKind {
            /// Why the user may not submit it (`None`: they may).
            pub fn refusal(&self, s: &$crate::console::state::State) -> Option<String> {
                match self {
                    $(FormKind::$id(k) => $m::form::refusal(s, k)),*
                }
            }

            /// The submitted form: its effects, or the error shown beside the field it concerns.
            pub fn submit(
                &self,
                s: &mut $crate::console::state::State,
                f: &$crate::console::input::Form,
            ) -> Result<Vec<$crate::console::action::Effect>, $crate::console::input::FieldError> {
                match self {
                    $(FormKind::$id(k) => $m::form::submit(s, k, f)),*
                }
            }
        }
    };
}
pub(crate) use panes;

impl PaneId {
    pub fn title(self) -> &'static str {
        self.pane().title()
    }

    /// A short title for narrow terminals (the tab line at 80 columns).
    pub fn short(self) -> &'static str {
        self.pane().short()
    }

    /// Lower-case name used in exports (`customers-2026-05-1.csv`) and the palette (`:pane costs`).
    pub fn slug(self) -> &'static str {
        self.pane().slug()
    }

    pub fn index(self) -> usize {
        PaneId::ALL.iter().position(|p| *p == self).unwrap_or(0)
    }

    pub fn next(self) -> PaneId {
        PaneId::ALL[(self.index() + 1) % PaneId::ALL.len()]
    }

    pub fn prev(self) -> PaneId {
        PaneId::ALL[(self.index() + PaneId::ALL.len() - 1) % PaneId::ALL.len()]
    }

    pub fn from_slug(s: &str) -> Option<PaneId> {
        let s = s.trim().to_ascii_lowercase();
        PaneId::ALL.iter().copied().find(|p| p.slug() == s || (s.len() >= 2 && p.slug().starts_with(&s)))
    }

    /// The pane `'` + `c` jumps to.
    pub fn from_goto(c: char) -> Option<PaneId> {
        PaneId::ALL.iter().copied().find(|p| p.pane().goto() == c)
    }
}

/// `form` of a pane without forms.
pub mod no_forms {
    use crate::console::action::Effect;
    use crate::console::input::{FieldError, Form};
    use crate::console::state::State;

    #[derive(Debug, Clone, PartialEq, Eq)]
    pub enum Kind {}

    pub fn refusal(_s: &State, k: &Kind) -> Option<String> {
        match *k {}
    }
    pub fn submit(_s: &mut State, k: &Kind, _f: &Form) -> Result<Vec<Effect>, FieldError> {
        match *k {}
    }
}
