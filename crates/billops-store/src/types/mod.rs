//! Domain-typed rows and queries the store speaks.
pub mod billing;

use billops_domain::{CostBasis, Dim, FeedIssue, LineItem, Period, Quarantined, Role};
use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Who acts, and when (the caller's clock).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub name: String,
    pub at: DateTime<Utc>,
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("not found: {0}")]
    NotFound(String),
    #[error("conflict: {0}")]
    Conflict(String),
    #[error(
        "period {period} is locked (signed off by {by}): a manager re-opens it with `billops close reopen {period} --reason TEXT`; an issued invoice is corrected with `billops invoices credit-note ID`"
    )]
    Locked { period: String, by: String },
    #[error("already imported as batch {batch_id} ({file_name}, {at}); nothing changed")]
    AlreadyImported { batch_id: i64, file_name: String, at: DateTime<Utc> },
    #[error("not allowed: {0}")]
    Forbidden(String),
    #[error("{0}")]
    Invalid(String),
    #[error("import aborted before its end: nothing was written")]
    ImportAborted,
    #[error("database error: {0}")]
    Db(#[from] sqlx::Error),
    #[error("migration error: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// The server did not answer in time or refused the connection (one line: host, port, what to check).
    #[error("{0}")]
    Unreachable(String),
    /// No billops store at that path (missing, empty, not a SQLite file, or another program's database).
    #[error("{0}")]
    NoStore(String),
    /// The store was made by an older billops and needs `billops migrate` (a back-fill) before it is used.
    #[error("{0}")]
    NeedsMigration(String),
}

/// What kind of error a [`StoreError`] is, for callers that react to it (the console matches this, never the
/// message text). Additive: every variant maps to one kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    NotFound,
    /// The write clashes with what the store holds (a duplicate, a version that moved, a state that forbids it).
    Conflict,
    /// The period is signed off.
    Locked,
    AlreadyImported,
    /// The user's role or the maker-checker rule does not allow it.
    Forbidden,
    /// The input is not acceptable.
    Invalid,
    /// The store cannot be reached or is not there (exit 5 / 6 in the CLI).
    Unavailable,
    /// Not a refusal: the import stopped, the database or a migration failed.
    Internal,
}

impl StoreError {
    pub fn kind(&self) -> ErrorKind {
        match self {
            StoreError::NotFound(_) => ErrorKind::NotFound,
            StoreError::Conflict(_) => ErrorKind::Conflict,
            StoreError::Locked { .. } => ErrorKind::Locked,
            StoreError::AlreadyImported { .. } => ErrorKind::AlreadyImported,
            StoreError::Forbidden(_) => ErrorKind::Forbidden,
            StoreError::Invalid(_) => ErrorKind::Invalid,
            StoreError::Unreachable(_) | StoreError::NoStore(_) | StoreError::NeedsMigration(_) => {
                ErrorKind::Unavailable
            }
            StoreError::ImportAborted | StoreError::Db(_) | StoreError::Migrate(_) => ErrorKind::Internal,
        }
    }

    /// The refusal's own words, without the kind's prefix (`conflict: `, `not allowed: `, `not found: `).
    pub fn detail(&self) -> String {
        match self {
            StoreError::NotFound(m) | StoreError::Conflict(m) | StoreError::Forbidden(m) | StoreError::Invalid(m) => {
                m.clone()
            }
            other => other.to_string(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UserRow {
    pub name: String,
    pub role: Role,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewCustomer {
    pub code: String,
    pub name: String,
    pub currency: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Customer {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub currency: String,
    pub status: String,
    pub account_code: Option<String>,
    /// Linked accounts assigned to this customer today (the latest assignment of each account).
    pub account_count: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PayerAccount {
    pub id: String,
    pub name: String,
    pub account_count: i64,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AccountFilter {
    pub unassigned_only: bool,
    pub payer: Option<String>,
    pub customer: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LinkedAccount {
    pub id: String,
    pub name: String,
    pub payer: String,
    /// The customer of the account's latest assignment; `None` when unassigned.
    pub customer: Option<String>,
    pub first_seen: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Assignment {
    pub account: String,
    pub customer: String,
    pub from: NaiveDate,
    /// Exclusive end; `None` while in force.
    pub to: Option<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewLinkProposal {
    pub account: String,
    pub payer: String,
    pub customer: String,
    pub from: NaiveDate,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LinkProposal {
    pub id: i64,
    pub account: String,
    pub payer: String,
    pub customer: String,
    pub from: NaiveDate,
    pub status: String, // proposed | approved | rejected
    pub proposed_by: String,
    pub proposed_at: DateTime<Utc>,
    pub decided_by: Option<String>,
    pub decided_at: Option<DateTime<Utc>>,
    pub reason: Option<String>,
}

/// The onboarding checklist items of SPEC §2.2, in display order.
pub const ONBOARDING_ITEMS: [&str; 8] = [
    "cost_history_report",
    "rightsizing_report",
    "security_report",
    "health_check_report",
    "budgets_and_policies",
    "users_and_organisations",
    "account_on_cost_platform",
    "account_assigned",
];

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChecklistItem {
    pub item: String,
    pub done: bool,
    pub by: Option<String>,
    pub at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAccountCode {
    /// What the code applies to: `customer:CODE`, `product:NAME` or `account:ID`.
    pub scope: String,
    pub code: String,
    pub from: NaiveDate,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AccountCode {
    pub scope: String,
    pub code: String,
    pub from: NaiveDate,
    pub to: Option<NaiveDate>,
}

/// Describes one source being imported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportMeta {
    pub file_name: String,
    pub format: String,
    /// One `billops import` invocation (or console import): files of one run never replace each other
    /// (CUR delivers a month in several parts); a later run's file replaces an earlier run's data.
    pub run_id: String,
    pub by: Actor,
}

/// What the reader sends to [`crate::Imports::import`], in order, ending with `End`.
#[derive(Debug, Clone)]
pub enum ImportChunk {
    Items(Vec<LineItem>),
    Quarantined(Vec<Quarantined>),
    Issues(Vec<FeedIssue>),
    /// Azure partner fields per subscription (kept with the linked account; a later one for an account wins).
    Partners(Vec<billops_domain::partner::AccountPartner>),
    End {
        content_hash: String,
        rows_read: u64,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BatchStatus {
    /// Some rows carry no invoice id: the supplier has not finalised the month.
    Estimated,
    /// Every row carries an invoice id.
    Final,
}

/// The part of a batch for one payer and period: the unit of replacement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BatchScope {
    pub payer: String,
    pub period: Period,
    pub rows: i64,
    pub billed: Decimal,
    pub effective: Decimal,
    pub list: Decimal,
    pub status: BatchStatus,
    /// Set when a later batch replaced this scope's data.
    pub replaced_by: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ImportBatch {
    pub id: i64,
    pub file_name: String,
    pub content_hash: String,
    pub format: String,
    pub run_id: String,
    pub rows: i64,
    pub quarantined: i64,
    pub scopes: Vec<BatchScope>,
    pub imported_by: String,
    pub imported_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Replacement {
    pub old_batch: i64,
    pub old_file: String,
    pub payer: String,
    pub period: Period,
    pub old_rows: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ImportOutcome {
    pub batch: ImportBatch,
    pub replaced: Vec<Replacement>,
    /// Linked accounts seen for the first time (recorded unassigned, raised as issues).
    pub new_accounts: Vec<String>,
    pub issues_raised: i64,
    /// Unassigned linked accounts (of this file) with Azure partner fields: `billops accounts suggest` has a
    /// customer for them.
    pub partner_unassigned: usize,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IssueFilter {
    pub open_only: bool,
    pub batch: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StoredIssue {
    pub id: i64,
    pub batch_id: Option<i64>,
    pub issue: FeedIssue,
    pub open: bool,
    pub created_at: DateTime<Utc>,
    pub resolved_by: Option<String>,
    pub resolved_at: Option<DateTime<Utc>>,
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StoredQuarantine {
    pub id: i64,
    pub batch_id: i64,
    pub row: Quarantined,
}

/// The customer key of cost on accounts with no customer for the day.
pub const UNASSIGNED: &str = "(unassigned)";

/// An exact cost report. `customer` values are customer codes ([`UNASSIGNED`] where none).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CostQuery {
    /// Inclusive range of periods.
    pub from: Period,
    pub to: Period,
    /// Equality filters, all of which must hold.
    pub filters: Vec<(Dim, String)>,
    pub by: Vec<Dim>,
    pub basis: CostBasis,
}

impl CostQuery {
    pub fn period(p: Period, by: Vec<Dim>, basis: CostBasis) -> CostQuery {
        CostQuery { from: p, to: p, filters: Vec::new(), by, basis }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CostRow {
    /// One value per `by` dimension, in order (`period` as `YYYY-MM`).
    pub keys: Vec<String>,
    /// The currency of `cost` (as the source file gave it; empty when it gave none).
    pub currency: String,
    pub cost: Decimal,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditFilter {
    pub who: Option<String>,
    /// Substring of the action (e.g. `assign`).
    pub action: Option<String>,
    pub period: Option<Period>,
    pub limit: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditEntry {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub who: String,
    pub action: String,
    pub entity: String,
    pub entity_id: String,
    pub period: Option<Period>,
    pub before: Option<String>,
    pub after: Option<String>,
    pub reason: Option<String>,
}
