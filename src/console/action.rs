//! The one `Action` enum `update` consumes, the `Effect`s it asks for, and the replies effects send back.
use std::path::PathBuf;

use billops_domain::close::TieOut;
use billops_domain::{CostBasis, Dim, Period};
use billops_store::{
    Balance, ChecklistItem, CostRow, Customer, ImportBatch, InvoiceStep, InvoiceSummary, LinkProposal, LinkedAccount,
    NewLinkProposal, PayerAccount, PeriodLock, StoredInvoice, StoredIssue, StoredQuarantine, SupplierInvoice,
};
use chrono::{DateTime, NaiveDate, Utc};
use crossterm::event::KeyEvent;

use super::keys::Cmd;
pub use super::pane::{PaneQuery, PaneReply, PaneWrite};

/// Everything that can happen to the console.
// Replies carry whole result sets; an action is moved once through the channel, so boxing buys nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone)]
pub enum Action {
    /// A key press (releases are dropped by the event loop). Mapped through the keymap in `update`.
    Key(KeyEvent),
    /// A command, as a bound key or the palette gives it.
    Cmd(Cmd),
    /// Pasted text (goes to the open input, if any).
    Paste(String),
    Resize(u16, u16),
    /// The clock moved (the loop sends it before drawing; render never reads the clock).
    Now(DateTime<Utc>),
    /// An effect finished. Stale replies (an older `req` than the slot waits for) are dropped.
    Reply {
        req: u64,
        result: Result<Reply, super::refusal::EffectError>,
    },
}

#[derive(Debug, Clone)]
pub enum Reply {
    Periods(Vec<Period>),
    Customers(CustomersData),
    CustomerDetail(DetailData),
    Accounts(AccountsData),
    Costs(CostsData),
    Imports(ImportsData),
    /// A pane's answer (panes in a folder: `panes/NAME/io.rs`).
    Pane(PaneReply),
    /// A write succeeded; the text says what happened.
    Written(String),
    Exported {
        path: PathBuf,
        rows: usize,
    },
    PathCompletions {
        input: String,
        candidates: Vec<String>,
    },
    ImportProgress(crate::ingest::Progress),
    /// The import finished: one line per file.
    ImportDone(Vec<String>),
    /// The locked (signed-off) periods.
    Locks(Vec<PeriodLock>),
    Close(Box<crate::month::close::CloseView>),
    Invoices(Vec<InvoiceSummary>),
    Invoice(Box<StoredInvoice>),
    /// Draft generation finished: one outcome per customer.
    Generated(Vec<crate::month::invoices::Generated>),
    Recon(ReconData),
    Balance(Balance),
    /// The month-end screens' answers (`ops`).
    Ledger(Box<super::ops::LedgerReply>),
    Variances(Box<crate::month::variance::VarianceView>),
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReconData {
    pub tie_outs: Vec<TieOut>,
    pub supplier_invoices: Vec<SupplierInvoice>,
    /// Supplier reconciliation cases of the period.
    pub cases: Vec<billops_store::ReconCase>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CustomersData {
    pub customers: Vec<Customer>,
    /// Cost by customer code in the period and the one before.
    pub cur: Vec<CostRow>,
    pub prev: Vec<CostRow>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DetailData {
    pub customer: Option<Customer>,
    pub accounts: Vec<LinkedAccount>,
    /// Cost by service for the period.
    pub services: Vec<CostRow>,
    /// Cost by period over the 12 periods ending with the current one (keys: `YYYY-MM`).
    pub history: Vec<CostRow>,
    pub onboarding: Vec<ChecklistItem>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AccountsData {
    pub payers: Vec<PayerAccount>,
    pub accounts: Vec<LinkedAccount>,
    pub proposals: Vec<LinkProposal>,
    pub customers: Vec<Customer>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CostsData {
    pub rows: Vec<CostRow>,
    pub prev: Vec<CostRow>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportsData {
    pub batches: Vec<ImportBatch>,
    pub issues: Vec<StoredIssue>,
    pub quarantine: Vec<StoredQuarantine>,
}

/// Work `update` asks for. The runner does it off the render path and answers with `Action::Reply`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    Periods {
        req: u64,
    },
    Customers {
        req: u64,
        period: Period,
        basis: CostBasis,
    },
    CustomerDetail {
        req: u64,
        code: String,
        period: Period,
        basis: CostBasis,
    },
    Accounts {
        req: u64,
    },
    Costs {
        req: u64,
        period: Period,
        filters: Vec<(Dim, String)>,
        by: Dim,
        basis: CostBasis,
    },
    Imports {
        req: u64,
    },
    /// A pane's read (panes in a folder: `panes/NAME/io.rs`).
    Pane {
        req: u64,
        q: PaneQuery,
    },
    Write {
        req: u64,
        op: WriteOp,
    },
    Import {
        req: u64,
        paths: Vec<PathBuf>,
    },
    CompletePath {
        req: u64,
        input: String,
    },
    Export {
        req: u64,
        pane: String,
        period: String,
        csv: String,
        rows: usize,
    },
    Locks {
        req: u64,
    },
    Close {
        req: u64,
        period: Period,
        today: NaiveDate,
    },
    Invoices {
        req: u64,
        period: Period,
    },
    Invoice {
        req: u64,
        id: i64,
    },
    Generate {
        req: u64,
        period: Period,
    },
    Recon {
        req: u64,
        period: Period,
    },
    Balance {
        req: u64,
        customer: String,
        today: NaiveDate,
    },
    /// Leave the event loop.
    Quit,
    /// A read of the month-end screens (`ops`).
    Ledger {
        req: u64,
        q: super::ops::LedgerQuery,
    },
    Variances {
        req: u64,
        period: Period,
    },
}

/// A change to the store. Only produced after the role check in `update`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WriteOp {
    Assign {
        account: String,
        customer: String,
        from: NaiveDate,
    },
    Propose(NewLinkProposal),
    Decide {
        id: i64,
        approve: bool,
        reason: String,
    },
    Tick {
        customer: String,
        item: String,
        done: bool,
    },
    Resolve {
        id: i64,
        note: String,
    },
    SignOff {
        period: Period,
        today: NaiveDate,
        note: String,
    },
    Reopen {
        period: Period,
        reason: String,
    },
    StepInvoice {
        id: i64,
        step: InvoiceStep,
        reason: String,
        version: i64,
    },
    IssueInvoice {
        id: i64,
    },
    DecideCredit {
        id: i64,
        approve: bool,
        reason: String,
        version: i64,
    },
    /// A month-end write (`ops`).
    Ledger(super::ops::LedgerWrite),
    /// A pane's write (panes in a folder: `panes/NAME/io.rs`).
    Pane(PaneWrite),
    /// Explain a variance for the Δ the operator saw (a moved Δ is refused by the store).
    ExplainVariance {
        period: Period,
        customer: String,
        service: String,
        driver: billops_domain::variance::Driver,
        text: String,
        delta: rust_decimal::Decimal,
    },
}
