//! The console's state: plain data, changed only by `update`, read by `ui::render`.
use std::collections::BTreeMap;

use billops_domain::{Period, User};
use chrono::{DateTime, Utc};

use super::input::{Form, Input};
use super::keys::Keymap;
use super::pane::{PaneId, Panes};
use super::table::{TableModel, ViewState};
use super::theme::Role;
use billops_store::{Balance, PeriodLock};

/// What a pane knows about its data. Shown as is: a spinner line, the table, or the error.
///
/// After a write (this console's or another's) the data is not dropped: it turns `Stale` and then
/// `Refreshing` while the reload is in flight, so the rows on screen stay what the keys act on (a key pressed
/// during a reload acts on the row the user sees; the store's version checks refuse a change made from an
/// old version). A period change drops it (`Idle`): the rows shown belong to another period.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Load<T> {
    #[default]
    Idle,
    Loading(u64),
    Ready(T),
    /// Something was written since it loaded: reload when shown (still what the screen shows).
    Stale(T),
    /// Reloading; the last data stays until the answer lands.
    Refreshing(u64, T),
    Failed(String),
}

impl<T> Load<T> {
    /// The data shown: loaded, or the last load while a newer one is wanted or on its way.
    pub fn ready(&self) -> Option<&T> {
        match self {
            Load::Ready(t) | Load::Stale(t) | Load::Refreshing(_, t) => Some(t),
            _ => None,
        }
    }
    pub fn waits_for(&self, req: u64) -> bool {
        matches!(self, Load::Loading(r) | Load::Refreshing(r, _) if *r == req)
    }
    /// Nothing loaded or on its way that is current: a load is wanted.
    pub fn is_idle(&self) -> bool {
        matches!(self, Load::Idle | Load::Stale(_))
    }
    /// A load `req` starts; the last data (if any) stays shown until it lands.
    pub fn start(&mut self, req: u64) {
        *self = match std::mem::replace(self, Load::Idle) {
            Load::Ready(t) | Load::Stale(t) | Load::Refreshing(_, t) => Load::Refreshing(req, t),
            _ => Load::Loading(req),
        };
    }
    /// Written since it loaded: keep it shown, reload when shown.
    pub fn stale(&mut self) {
        *self = match std::mem::replace(self, Load::Idle) {
            Load::Ready(t) | Load::Stale(t) | Load::Refreshing(_, t) => Load::Stale(t),
            _ => Load::Idle,
        };
    }
}

/// Every list the console shows; each has its own table model and view state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ViewKey {
    Customers,
    Onboarding,
    Services,
    CustomerAccounts,
    Accounts,
    Proposals,
    Payers,
    Costs,
    Batches,
    Issues,
    Quarantine,
    Audit,
    Close,
    Invoices,
    InvoiceLines,
    Generated,
    Credits,
    Recon,
    SupplierInvoices,
    Cases,
    /// Recon pane: the period's FX rate snapshots.
    FxRates,
    /// Recon pane: billops' invoices per customer beside the CloudHealth statements.
    ChStatements,
    Unreached,
    Statement,
    BookRules,
    PreviewRules,
    PreviewServices,
    SourceResources,
    SourceItems,
    /// Close pane: the period's variances (board item 5).
    Variances,
    /// Disputes pane: disputes, PPAs, SLA claims, requests.
    Disputes,
    Ppas,
    SlaClaims,
    Requests,
    /// Funding pane: the pipeline by stage, the deadlines due soon, one application's history.
    Funding,
    FundingDue,
    FundingHistory,
    /// Forecast pane: the rows of the level below the scope; the months of the chart.
    Forecast,
    ForecastMonths,
}

impl ViewKey {
    pub fn title(self) -> &'static str {
        match self {
            ViewKey::Customers => "customers",
            ViewKey::Onboarding => "onboarding",
            ViewKey::Services => "services",
            ViewKey::CustomerAccounts => "accounts",
            ViewKey::Accounts => "accounts",
            ViewKey::Proposals => "proposals",
            ViewKey::Payers => "payers",
            ViewKey::Costs => "costs",
            ViewKey::Batches => "batches",
            ViewKey::Issues => "issues",
            ViewKey::Quarantine => "quarantine",
            ViewKey::Audit => "audit",
            ViewKey::Close => "close",
            ViewKey::Invoices => "invoices",
            ViewKey::InvoiceLines => "lines",
            ViewKey::Generated => "generated",
            ViewKey::Credits => "credits",
            ViewKey::Recon => "recon",
            ViewKey::SupplierInvoices => "supplier invoices",
            ViewKey::Cases => "cases",
            ViewKey::FxRates => "fx rates",
            ViewKey::ChStatements => "statements",
            ViewKey::Unreached => "unreached",
            ViewKey::Statement => "statement",
            ViewKey::BookRules => "rules",
            ViewKey::PreviewRules => "by rule",
            ViewKey::PreviewServices => "by service",
            ViewKey::SourceResources => "resources",
            ViewKey::SourceItems => "line items",
            ViewKey::Variances => "variances",
            ViewKey::Disputes => "disputes",
            ViewKey::Ppas => "PPAs",
            ViewKey::SlaClaims => "SLA claims",
            ViewKey::Requests => "requests",
            ViewKey::Funding => "pipeline",
            ViewKey::FundingDue => "due soon",
            ViewKey::FundingHistory => "history",
            ViewKey::Forecast => "rows",
            ViewKey::ForecastMonths => "months",
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct View {
    pub model: TableModel,
    pub vs: ViewState,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pub text: String,
    pub role: Role,
}

/// How many status messages the log keeps (`M` shows them whole, newest first).
pub const LOG_LEN: usize = 200;

/// A status message as the log keeps it: when it was said (the state's clock), whole.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Logged {
    pub at: DateTime<Utc>,
    pub text: String,
    pub role: Role,
}

#[derive(Debug, Clone)]
pub enum Mode {
    Normal,
    /// Editing the filter of a list; `before` is restored on Esc.
    Filter {
        input: Input,
        before: String,
    },
    Palette {
        input: Input,
        candidates: Vec<String>,
    },
    Help {
        scroll: u16,
    },
    /// `M`: the last status messages, whole and newest first; j/k scroll, any other key closes.
    Messages {
        scroll: u16,
    },
    Form(Form),
    /// The `:bal CUSTOMER` popup; any key closes it.
    Balance {
        customer: String,
        data: Load<Balance>,
    },
}

// Each pane's state lives in its folder (`panes/NAME/state.rs`); re-exported here under the old paths.
pub use super::panes::accounts::AccountsPane;
pub use super::panes::close::ClosePane;
pub use super::panes::costs::{CostsPane, DRILL};
pub use super::panes::credits::CreditsPane;
pub use super::panes::customers::{CustomersPane, Detail};
pub use super::panes::imports::{ImportJob, ImportsPane};
pub use super::panes::invoices::{InvoiceDetail, InvoicesPane};
pub use super::panes::recon::ReconPane;

/// How the console was started (from `ConsoleContext`), plus the parts `render` must not look up itself.
#[derive(Debug, Clone)]
pub struct Setup {
    pub user: User,
    pub read_only: bool,
    pub store_url: String,
    pub now: DateTime<Utc>,
    pub keymap: Keymap,
}

#[derive(Debug, Clone)]
pub struct State {
    pub user: User,
    pub read_only: bool,
    pub store_url: String,
    pub now: DateTime<Utc>,
    pub keymap: Keymap,
    pub pane: PaneId,
    pub mode: Mode,
    /// `'` was pressed: the next key may name a pane (`'` + letter).
    pub goto: bool,
    pub periods: Load<Vec<Period>>,
    pub period: Option<Period>,
    /// Every registered pane's own state (`panes!` in `panes/mod.rs`).
    pub panes: Panes,
    /// Signed-off periods (the status line marks a locked period).
    pub locks: Load<Vec<PeriodLock>>,
    /// Sub-list shown in panes with several (Accounts, Imports).
    pub pane_view: BTreeMap<PaneId, ViewKey>,
    pub views: BTreeMap<ViewKey, View>,
    pub message: Option<Message>,
    /// The last [`LOG_LEN`] status messages, oldest first (the message line shows only the newest, cut).
    pub log: std::collections::VecDeque<Logged>,
    /// Other writers: the store's change mark, polled while the console is open (`watch.rs`).
    pub watch: super::watch::Watch,
    pub size: (u16, u16),
    pub quit: bool,
    next_req: u64,
    /// Requests of writes and exports in flight (their replies are never stale).
    pub pending: Vec<u64>,
    /// The form whose write is in flight (reopened at the field if the store refuses a field).
    pub sent_form: Option<(u64, Form)>,
    /// Month-end settings from the store at start (shown, and for early maker-checker refusals; the runner
    /// reads them afresh for every write).
    pub settings: crate::month::CloseSettings,
}

impl State {
    pub fn new(setup: Setup) -> State {
        State {
            user: setup.user,
            read_only: setup.read_only,
            store_url: setup.store_url,
            now: setup.now,
            keymap: setup.keymap,
            pane: PaneId::ALL[0],
            mode: Mode::Normal,
            goto: false,
            periods: Load::Idle,
            period: None,
            panes: Panes::default(),
            locks: Load::Idle,
            pane_view: BTreeMap::new(),
            views: BTreeMap::new(),
            message: None,
            log: std::collections::VecDeque::new(),
            watch: super::watch::Watch::default(),
            size: (80, 24),
            quit: false,
            next_req: 0,
            pending: Vec::new(),
            sent_form: None,
            settings: crate::month::CloseSettings::default(),
        }
    }

    pub fn req(&mut self) -> u64 {
        self.next_req += 1;
        self.next_req
    }

    pub fn view(&self, key: ViewKey) -> Option<&View> {
        self.views.get(&key)
    }

    pub fn view_mut(&mut self, key: ViewKey) -> &mut View {
        self.views.entry(key).or_default()
    }

    /// Replace a list's model and refilter it, keeping selection, filter and sort.
    pub fn set_model(&mut self, key: ViewKey, mut model: TableModel) {
        model.measure();
        let v = self.view_mut(key);
        v.model = model;
        let View { model, vs } = v;
        vs.rebuild(model);
    }

    /// The list keys act on in the current pane (its pane decides).
    pub fn current_view(&self) -> ViewKey {
        self.pane.pane().current_view(self)
    }

    pub fn selected_id(&self, key: ViewKey) -> Option<String> {
        self.view(key).and_then(|v| v.vs.selected_id(&v.model))
    }

    pub fn info(&mut self, text: impl Into<String>) {
        self.say(text.into(), Role::Info);
    }

    pub fn warn(&mut self, text: impl Into<String>) {
        self.say(text.into(), Role::Warning);
    }

    pub fn error(&mut self, text: impl Into<String>) {
        self.say(text.into(), Role::Error);
    }

    /// Show `text` on the message line and keep it in the log.
    fn say(&mut self, text: String, role: Role) {
        if self.log.len() >= LOG_LEN {
            self.log.pop_front();
        }
        self.log.push_back(Logged { at: self.now, text: text.clone(), role });
        self.message = Some(Message { text, role });
    }

    /// Why this user may not write, if not.
    pub fn write_refusal(&self) -> Option<String> {
        if self.read_only {
            Some("read-only: started with --read-only".into())
        } else if !self.user.role.can_write() {
            Some(format!("read-only: {} role (ask a manager for operator rights)", self.user.role))
        } else {
            None
        }
    }

    pub fn approve_refusal(&self) -> Option<String> {
        self.write_refusal().or_else(|| {
            (!self.user.role.can_approve())
                .then(|| format!("approvals need the manager role (you are {})", self.user.role))
        })
    }

    /// The lock of the period shown, if it is signed off.
    pub fn period_lock(&self) -> Option<&PeriodLock> {
        let p = self.period?;
        self.locks.ready().and_then(|ls| ls.iter().find(|l| l.period == p))
    }

    /// The date the clock shows (for due dates, balances, sign-off).
    pub fn today(&self) -> chrono::NaiveDate {
        self.now.date_naive()
    }

    /// The period shown (the newest with data, else the clock's month).
    pub fn period_or_now(&self) -> Period {
        self.period.unwrap_or_else(|| Period::of_date(self.now.date_naive()))
    }
}
