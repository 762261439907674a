//! Key bindings are data: [`BINDINGS`] lists every bindable command with its serde name, default keys,
//! description and pane scope. The user's `keys.toml` patches it (`[keys] export = ["x", "ctrl-e"]`);
//! footer hints and `?` help are generated from the same table.
use std::collections::BTreeMap;
use std::path::Path;

use crossterm::event::KeyEvent;
use serde::{Deserialize, Serialize};

use super::pane::{KeyScope, PaneId};

/// A bindable command. The serde name is the name in `keys.toml` and in `?` help.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Cmd {
    Quit,
    Help,
    Palette,
    Filter,
    Export,
    Refresh,
    NextPane,
    GotoPane,
    PrevPane,
    PaneClose,
    PaneCustomers,
    PaneAccounts,
    PaneCosts,
    PaneInvoices,
    PaneCredits,
    PaneRecon,
    PaneImports,
    PaneAudit,
    Up,
    Down,
    PageUp,
    PageDown,
    Top,
    Bottom,
    Open,
    Back,
    PrevPeriod,
    NextPeriod,
    Sort,
    SwitchView,
    Tick,
    Edit,
    Propose,
    Approve,
    Reject,
    ToggleBasis,
    Import,
    Resolve,
    SignOff,
    Reopen,
    Generate,
    Review,
    Issue,
    Void,
    SupplierInvoice,
    FxRate,
    OpenCases,
    EditCase,
    Payment,
    Statement,
    Terms,
    PriceBook,
    NewRule,
    ApproveAll,
    ReviewAll,
    Explain,
    CreditNote,
    Document,
    Dispute,
    ForecastEvent,
    SetBudget,
    ForecastMeasure,
    ForecastGroup,
    MonthReport,
    FundingSubmit,
    FundingStep,
    FundingOpportunity,
    FundingAdd,
    NameAccount,
    TakeSuggestion,
    OnboardingEdit,
    OnboardingAdd,
    OnboardingRetire,
    AddCustomer,
    ProposeCredit,
    Settings,
    Messages,
    NewClaim,
    SubmitClaim,
    ClaimCredited,
    PassThrough,
    JumpInvoice,
    LateRows,
    Mark,
    MarkAll,
    ClearMarks,
}

/// Where a binding applies. Pane keys are not listed here: each pane's [`KeyScope`]s say which of its
/// screens answer them (`Pane::keys`), so a new pane never edits this table to claim a key.
///
/// [`KeyScope`]: super::pane::KeyScope
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Everywhere, always in the footer.
    Global,
    /// Everywhere (Esc still clears a filter), but in the footer only where the screen shown lists it.
    Screen,
    /// In the panes whose key scopes list the command.
    Pane,
}

impl Scope {
    /// Whether the binding of `cmd` is live in `pane` (some screen of it answers `cmd`).
    pub fn applies(self, cmd: Cmd, pane: PaneId) -> bool {
        match self {
            Scope::Global | Scope::Screen => true,
            Scope::Pane => pane.pane().answers(cmd),
        }
    }

    /// Whether the binding of `cmd` is live on the screen shown (`screen`: its key scope).
    pub fn applies_on(self, cmd: Cmd, screen: Option<&KeyScope>) -> bool {
        match self {
            Scope::Global | Scope::Screen => true,
            Scope::Pane => screen.is_some_and(|k| k.cmds.contains(&cmd)),
        }
    }
    fn overlaps(self, a: Cmd, other: Scope, b: Cmd) -> bool {
        match (self, other) {
            (Scope::Pane, Scope::Pane) => PaneId::ALL.iter().any(|p| p.pane().answers(a) && p.pane().answers(b)),
            _ => true,
        }
    }
}

pub struct Binding {
    pub cmd: Cmd,
    pub name: &'static str,
    pub keys: &'static [&'static str],
    pub scope: Scope,
    pub desc: &'static str,
    /// Short label for the footer; `None` keeps it out of the footer (still in `?` help).
    pub hint: Option<&'static str>,
}

macro_rules! b {
    ($cmd:ident, $name:literal, [$($k:literal),*], $scope:expr, $desc:literal, $hint:expr) => {
        Binding { cmd: Cmd::$cmd, name: $name, keys: &[$($k),*], scope: $scope, desc: $desc, hint: $hint }
    };
}

/// Every bindable command, in help order.
pub const BINDINGS: &[Binding] = &[
    b!(Open, "open", ["enter", "right", "l"], Scope::Screen, "drill in / open the selected row", Some("open")),
    b!(Back, "back", ["esc", "left", "h"], Scope::Screen, "back out one level / clear the filter", Some("back")),
    b!(Filter, "filter", ["/"], Scope::Global, "filter the current list (word, or column:word)", Some("filter")),
    b!(Help, "help", ["?"], Scope::Global, "help for this pane", Some("help")),
    b!(Palette, "palette", [":"], Scope::Global, "command palette (:cust, :costs, :period, :bal, :q)", Some("cmd")),
    b!(Sort, "sort", ["s"], Scope::Global, "cycle the sort column of the current list", Some("sort")),
    b!(Export, "export", ["x"], Scope::Global, "export the current list as CSV (same filter)", Some("export")),
    b!(PrevPeriod, "prev_period", ["["], Scope::Global, "previous period", Some("period")),
    b!(NextPeriod, "next_period", ["]"], Scope::Global, "next period", None),
    b!(Tick, "tick", ["space"], Scope::Pane, "tick / untick the onboarding item (operator)", Some("tick")),
    b!(
        Edit,
        "edit",
        ["e"],
        Scope::Pane,
        "assign the account to a customer (operator) — the marked ones when any are marked",
        Some("assign")
    ),
    b!(Propose, "propose", ["p"], Scope::Pane, "propose linking the account to a payer (operator)", Some("propose")),
    b!(SignOff, "sign_off", ["S"], Scope::Pane, "sign off the period and lock it (manager)", Some("sign off")),
    b!(Reopen, "reopen", ["R"], Scope::Pane, "re-open a locked period with a reason (manager)", Some("reopen")),
    b!(Generate, "generate", ["n"], Scope::Pane, "generate (new) invoice drafts for the period", Some("generate")),
    b!(Review, "review", ["w"], Scope::Pane, "mark the selected draft reviewed (operator)", Some("review")),
    b!(
        Approve,
        "approve",
        ["a"],
        Scope::Pane,
        "approve the selected proposal / invoice / credit (manager)",
        Some("approve")
    ),
    b!(Issue, "issue", ["I"], Scope::Pane, "issue the approved invoice with the next number", Some("issue")),
    b!(Void, "void", ["X"], Scope::Pane, "void an issued invoice with a reason (manager)", Some("void")),
    b!(Reject, "reject", ["r"], Scope::Pane, "reject the selected link proposal / credit (manager)", Some("reject")),
    b!(ToggleBasis, "toggle_basis", ["b"], Scope::Pane, "cost basis: billed / effective / list", Some("basis")),
    b!(Import, "import", ["i"], Scope::Pane, "import a file or folder (operator)", Some("import")),
    b!(Resolve, "resolve", ["r"], Scope::Pane, "resolve the selected issue with a note (operator)", Some("resolve")),
    b!(SwitchView, "switch_view", ["v"], Scope::Pane, "switch between the lists of this pane", Some("view")),
    b!(
        Explain,
        "explain",
        ["e"],
        Scope::Pane,
        "explain the selected variance: driver and text (operator)",
        Some("explain")
    ),
    b!(Quit, "quit", ["q", "ctrl-c"], Scope::Global, "quit", Some("quit")),
    b!(Messages, "messages", ["M"], Scope::Global, "the last status messages, whole (j/k scroll)", None),
    b!(NextPane, "next_pane", ["tab"], Scope::Global, "next pane", None),
    b!(GotoPane, "goto_pane", ["'"], Scope::Global, "then a pane's letter: go to that pane (listed below)", None),
    b!(PrevPane, "prev_pane", ["backtab"], Scope::Global, "previous pane", None),
    b!(PaneClose, "pane_close", ["1"], Scope::Global, "Close pane (month-end board)", None),
    b!(PaneCustomers, "pane_customers", ["2"], Scope::Global, "Customers pane", None),
    b!(PaneAccounts, "pane_accounts", ["3"], Scope::Global, "Accounts pane", None),
    b!(PaneCosts, "pane_costs", ["4"], Scope::Global, "Costs pane", None),
    b!(PaneInvoices, "pane_invoices", ["5"], Scope::Global, "Invoices pane", None),
    b!(PaneCredits, "pane_credits", ["6"], Scope::Global, "Credits pane (approval queue)", None),
    b!(PaneRecon, "pane_recon", ["7"], Scope::Global, "Recon pane (supplier tie-out)", None),
    b!(PaneImports, "pane_imports", ["8"], Scope::Global, "Imports pane", None),
    b!(PaneAudit, "pane_audit", ["9"], Scope::Global, "Audit pane", None),
    b!(Up, "up", ["up", "k"], Scope::Global, "move up", None),
    b!(Down, "down", ["down", "j"], Scope::Global, "move down", None),
    b!(PageUp, "page_up", ["pageup", "ctrl-b"], Scope::Global, "page up", None),
    b!(PageDown, "page_down", ["pagedown", "ctrl-f"], Scope::Global, "page down", None),
    b!(Top, "top", ["home", "g"], Scope::Global, "first row", None),
    b!(Bottom, "bottom", ["end", "G"], Scope::Global, "last row", None),
    b!(Refresh, "refresh", ["ctrl-r", "f5"], Scope::Global, "reload from the store", None),
    b!(
        SupplierInvoice,
        "supplier_invoice",
        ["n"],
        Scope::Pane,
        "enter a supplier invoice: payer, period, number, amount, tax, credits (operator)",
        Some("supplier inv")
    ),
    b!(
        FxRate,
        "fx_rate",
        ["f"],
        Scope::Pane,
        "propose the period's FX rate for a currency pair: rate, source, date (operator)",
        Some("propose rate")
    ),
    b!(
        OpenCases,
        "open_cases",
        ["o"],
        Scope::Pane,
        "open cases for payers with an unexplained residual (operator)",
        Some("open cases")
    ),
    b!(
        EditCase,
        "edit_case",
        ["e"],
        Scope::Pane,
        "change the selected case: status, owner, expected credit note, note (writing off: manager)",
        Some("case")
    ),
    b!(
        Payment,
        "payment",
        ["P"],
        Scope::Pane,
        "record a payment: customer, date, amount, reference, invoice (operator)",
        Some("pay")
    ),
    b!(
        Statement,
        "statement",
        ["t"],
        Scope::Pane,
        "the customer's statement for a date range (x exports CSV and JSON)",
        Some("stmt")
    ),
    b!(Terms, "terms", ["T"], Scope::Pane, "view / edit the customer's billing terms", None),
    b!(
        PriceBook,
        "price_book",
        ["B"],
        Scope::Pane,
        "the customer's price book: rules and what each priced in the period",
        None
    ),
    b!(NewRule, "new_rule", ["n"], Scope::Pane, "in the price book: add a rule, preview its effect, enter saves", None),
    b!(
        ApproveAll,
        "approve_all",
        ["A"],
        Scope::Pane,
        "approve every reviewed draft of the period, confirmed (manager)",
        None
    ),
    b!(ReviewAll, "review_all", ["W"], Scope::Pane, "mark every draft of the period reviewed, confirmed", None),
    b!(
        CreditNote,
        "credit_note",
        ["C"],
        Scope::Pane,
        "correct an issued invoice with a credit note: amount, reason (manager)",
        None
    ),
    b!(
        Document,
        "document",
        ["O"],
        Scope::Pane,
        "the open invoice / credit note / statement as the customer's PDF (exports folder, named by its number)",
        Some("pdf")
    ),
    b!(
        ForecastEvent,
        "forecast_event",
        ["F"],
        Scope::Pane,
        "record a forecast event for the scope (operator)",
        Some("event")
    ),
    b!(SetBudget, "set_budget", ["B"], Scope::Pane, "set the scope's budget for a month (operator)", Some("budget")),
    b!(
        ForecastMeasure,
        "forecast_measure",
        ["u"],
        Scope::Pane,
        "cost ↔ usage volume per unit (the chart draws the selected row's unit)",
        Some("volume")
    ),
    b!(ForecastGroup, "forecast_group", ["c"], Scope::Pane, "customers ↔ account codes at the top", Some("codes")),
    b!(
        MonthReport,
        "month_report",
        ["m"],
        Scope::Pane,
        "write the period's management report, HTML and CSV, to the exports folder",
        Some("report")
    ),
    b!(Dispute, "dispute", ["D"], Scope::Pane, "open a dispute on an issued invoice line (operator)", Some("dispute")),
    b!(FundingSubmit, "funding_submit", ["u"], Scope::Pane, "submit (opportunity approved)", Some("submit")),
    b!(FundingStep, "funding_step", ["e"], Scope::Pane, "move it on: step, amounts, dates", Some("update")),
    b!(FundingOpportunity, "funding_opportunity", ["o"], Scope::Pane, "the opportunity's state", Some("opportunity")),
    b!(FundingAdd, "funding_add", ["n"], Scope::Pane, "new funding application (operator)", Some("new")),
    b!(NameAccount, "name_account", ["N"], Scope::Pane, "name the account, or the payer in payers", None),
    b!(
        TakeSuggestion,
        "take_suggestion",
        ["t"],
        Scope::Pane,
        "take the account's suggested customer from Azure partner fields (manager: assign; operator: propose)",
        None
    ),
    b!(OnboardingEdit, "onboarding_edit", ["e"], Scope::Pane, "checklist item: owner, due date, evidence", None),
    b!(
        OnboardingAdd,
        "onboarding_add",
        ["a"],
        Scope::Pane,
        "add an item to every customer's checklist (manager)",
        None
    ),
    b!(
        OnboardingRetire,
        "onboarding_retire",
        ["X"],
        Scope::Pane,
        "retire the checklist item, confirmed (manager)",
        None
    ),
    b!(AddCustomer, "add_customer", ["c"], Scope::Pane, "add a customer: code, name, currency (manager)", Some("new")),
    b!(ProposeCredit, "propose_credit", ["n"], Scope::Pane, "propose a credit for a customer", Some("propose")),
    b!(Settings, "settings", ["="], Scope::Pane, "change a shared month-end setting (manager)", None),
    b!(NewClaim, "new_claim", ["n"], Scope::Pane, "assess an SLA claim (operator)", Some("new claim")),
    b!(SubmitClaim, "submit_claim", ["u"], Scope::Pane, "submit the SLA claim to the supplier", Some("submit")),
    b!(ClaimCredited, "claim_credited", ["c"], Scope::Pane, "the supplier's credit arrived", Some("credited")),
    b!(PassThrough, "pass_through", ["P"], Scope::Pane, "pass a credit on as customer credits", Some("pass through")),
    b!(JumpInvoice, "jump_invoice", ["i"], Scope::Pane, "open the invoice at the disputed line", Some("invoice")),
    b!(
        LateRows,
        "late_rows",
        ["L"],
        Scope::Pane,
        "late rows of a signed-off month (a cost file): preview the re-rating, then propose PPAs (operator)",
        Some("late rows")
    ),
    b!(Mark, "mark", ["space"], Scope::Pane, "mark / unmark the account (e assigns the marked ones)", Some("mark")),
    b!(MarkAll, "mark_all", ["*"], Scope::Pane, "mark every account the list shows (the filter applies)", None),
    b!(ClearMarks, "clear_marks", ["u"], Scope::Pane, "clear the marks", None),
];

pub fn binding(cmd: Cmd) -> Option<&'static Binding> {
    BINDINGS.iter().find(|b| b.cmd == cmd)
}

pub use super::chord::{Chord, KeyCodeKey, parse_chord};

/// The effective bindings: defaults patched by the user's file.
#[derive(Debug, Clone)]
pub struct Keymap {
    /// Per command, its chords (in the order given).
    pub by_cmd: BTreeMap<Cmd, Vec<Chord>>,
}

impl Default for Keymap {
    fn default() -> Self {
        let mut by_cmd = BTreeMap::new();
        for b in BINDINGS {
            by_cmd.insert(b.cmd, b.keys.iter().filter_map(|k| parse_chord(k).ok()).collect());
        }
        Keymap { by_cmd }
    }
}

impl Keymap {
    /// The command a key means in `pane`: a pane-scoped binding wins over a global one.
    /// The command a key press means on the screen shown (`screen`: its key scope, `Pane::scope`): a pane
    /// key only where that screen lists it, else a global one.
    pub fn lookup(&self, screen: Option<&KeyScope>, ev: &KeyEvent) -> Option<Cmd> {
        let chord = Chord::from_event(ev)?;
        let mut global = None;
        for b in BINDINGS {
            if !b.scope.applies_on(b.cmd, screen) {
                continue;
            }
            if self.by_cmd.get(&b.cmd).is_some_and(|cs| cs.contains(&chord)) {
                match b.scope {
                    Scope::Pane => return Some(b.cmd),
                    Scope::Global | Scope::Screen => global = global.or(Some(b.cmd)),
                }
            }
        }
        global
    }

    pub fn keys_of(&self, cmd: Cmd) -> &[Chord] {
        self.by_cmd.get(&cmd).map_or(&[], Vec::as_slice)
    }

    /// `ctrl-c/q`-style text of a command's keys.
    pub fn label(&self, cmd: Cmd) -> String {
        self.keys_of(cmd).iter().map(ToString::to_string).collect::<Vec<_>>().join("/")
    }

    /// Patch the defaults with a `keys.toml` text. `file` names it in errors.
    pub fn from_toml(text: &str, file: &Path) -> Result<Keymap, String> {
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct KeysFile {
            #[serde(default)]
            keys: BTreeMap<String, toml::Value>,
        }
        let f = file.display();
        let parsed: KeysFile = toml::from_str(text).map_err(|e| format!("{f}: {}", e.message().trim()))?;
        let mut map = Keymap::default();
        for (name, value) in parsed.keys {
            let b = BINDINGS.iter().find(|b| b.name == name).ok_or_else(|| {
                format!("{f}: key `keys.{name}`: unknown action (see `?` in the console for the names)")
            })?;
            let list: Vec<String> = match value {
                toml::Value::String(s) => vec![s],
                toml::Value::Array(a) => a
                    .into_iter()
                    .map(|v| match v {
                        toml::Value::String(s) => Ok(s),
                        other => Err(format!("{f}: key `keys.{name}`: expected key strings, found {other}")),
                    })
                    .collect::<Result<_, _>>()?,
                other => return Err(format!("{f}: key `keys.{name}`: expected a key string or a list, found {other}")),
            };
            let chords = list
                .iter()
                .map(|k| parse_chord(k).map_err(|e| format!("{f}: key `keys.{name}`: {e}")))
                .collect::<Result<_, _>>()?;
            map.by_cmd.insert(b.cmd, chords);
        }
        map.check_conflicts().map_err(|e| format!("{f}: {e}"))?;
        Ok(map)
    }

    /// Two commands whose scopes overlap may not share a key.
    pub fn check_conflicts(&self) -> Result<(), String> {
        for (i, a) in BINDINGS.iter().enumerate() {
            for b in &BINDINGS[i + 1..] {
                if !a.scope.overlaps(a.cmd, b.scope, b.cmd) {
                    continue;
                }
                for c in self.keys_of(a.cmd) {
                    if self.keys_of(b.cmd).contains(c) {
                        return Err(format!(
                            "key `keys.{}`: {:?} is also bound to `{}` in the same pane",
                            if self.is_default(a.cmd) { b.name } else { a.name },
                            c.to_string(),
                            if self.is_default(a.cmd) { a.name } else { b.name },
                        ));
                    }
                }
            }
        }
        Ok(())
    }

    fn is_default(&self, cmd: Cmd) -> bool {
        let d = Keymap::default();
        d.by_cmd.get(&cmd) == self.by_cmd.get(&cmd)
    }

    /// Load `CONFIG_DIR/keys.toml` if present.
    pub fn load(config_dir: &Path) -> Result<Keymap, String> {
        let path = config_dir.join("keys.toml");
        if !path.is_file() {
            return Ok(Keymap::default());
        }
        let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        Keymap::from_toml(&text, &path)
    }
}

#[cfg(test)]
#[path = "keys_tests.rs"]
mod tests;
