//! The billops store: one [`Store`] trait with domain-typed methods and one error type; a SQLite and a
//! PostgreSQL backend chosen once from the URL ([`open`]). (Interface fixed by the lead; see docs/ARCHITECTURE.md.)
//!
//! How it is built:
//! - [`SqlStore`] implements the trait once, over a thin backend-neutral layer (`db.rs`: typed binds, `$n`
//!   placeholders, rows read by index). Only connection set-up, bulk loading and money columns differ per
//!   backend. Migrations live in `migrations/sqlite` and `migrations/postgres`, same versions and names.
//! - Money: NUMERIC on PostgreSQL; on SQLite four INTEGER columns per amount
//!   ([`billops_domain::SplitDecimal`]) so SQL `sum()` is exact. Quantities: NUMERIC / exact decimal TEXT
//!   (never summed in SQL).
//! - Line items are narrow (dictionary ids for repeated text, `customer_id` resolved at import, 0 when
//!   unassigned) and have no secondary index: each batch's rows are found by id range. Reports read only
//!   rollups (exact sums per batch and period): `cost_rollups` by every dimension but resource, keyed for
//!   drill-down, and `resource_rollups` with resource too, for resource reports.
//! - Imports run in one transaction: SQLite multi-row INSERTs with cached prepared statements (WAL,
//!   synchronous=NORMAL), PostgreSQL `COPY`. Timestamps always come from the caller's [`Actor`].
#![forbid(unsafe_code)]
#![deny(clippy::float_arithmetic)]

mod access;
mod accounts;
mod audit;
mod connect;
mod costs;
mod db;
mod feed;
mod fields;
pub mod funding;
mod funding_import;
mod import;
pub mod ledger;
pub mod linking;
mod onboarding;
mod parties;
mod rating_rollups;
mod sql_store;
mod types;

pub use access::Access;
pub use connect::{OpenOptions, mask_url};
pub use funding::{FundingChange, FundingRecord, FundingStore, Opportunity};
pub use funding_import::{FundingImportRow, FundingImportSummary};
pub use ledger::{CreditNote, CreditNoteFilter, NewCreditNote, NewExplanation, ServiceCosts, StoredExplanation};
pub use ledger::{Ledger, types::*};
pub use ledger::{LineSources, ResourceSource, SourceItem, SourceQuery};
pub use linking::{Linking, NameRow, NameTarget};
pub use onboarding::{ChecklistDef, Contact, OnboardingEntry, OnboardingStore, OnboardingUpdate};
pub use sql_store::SqlStore;
pub use types::*;

use std::sync::Arc;

use async_trait::async_trait;
use billops_domain::{Period, Role};
use chrono::NaiveDate;

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// Everything the rest of billops asks of a store. Every write takes the [`Actor`] (who and when: the
/// clock is the caller's) and is audited in the same transaction.
#[async_trait]
pub trait Store: Ledger + Access + FundingStore + Linking + OnboardingStore + Send + Sync {
    fn backend(&self) -> Backend;
    /// The URL with any password masked, for status lines and `billops paths`.
    fn display_url(&self) -> String;
    /// Close the store: wait for connections to be returned and close them (SQLite folds its WAL back into
    /// the database file, so a copied file holds every write). Further use fails.
    async fn close(&self);

    // ---- users and roles
    async fn set_user(&self, name: &str, role: Role, by: &Actor) -> Result<()>;
    /// The role of a user; `None` when unknown (callers treat unknown users as viewers).
    async fn user_role(&self, name: &str) -> Result<Option<Role>>;
    async fn list_users(&self) -> Result<Vec<UserRow>>;

    // ---- customers
    async fn add_customer(&self, c: &NewCustomer, by: &Actor) -> Result<Customer>;
    async fn list_customers(&self) -> Result<Vec<Customer>>;
    async fn customer(&self, code: &str) -> Result<Customer>;

    // ---- payers and linked accounts
    async fn list_payers(&self) -> Result<Vec<PayerAccount>>;
    async fn list_accounts(&self, filter: &AccountFilter) -> Result<Vec<LinkedAccount>>;
    /// Assign `account` to `customer` from `from` (inclusive) onward; the assignment in force before `from`
    /// is closed at `from`. Line items and rollups on and after `from` move to the new customer.
    async fn assign_account(&self, account: &str, customer: &str, from: NaiveDate, by: &Actor) -> Result<()>;
    async fn assignments(&self, account: &str) -> Result<Vec<Assignment>>;
    async fn propose_link(&self, p: &NewLinkProposal, by: &Actor) -> Result<LinkProposal>;
    async fn list_link_proposals(&self, open_only: bool) -> Result<Vec<LinkProposal>>;
    /// A manager approves (the link and assignment take effect) or rejects a proposal.
    async fn decide_link(&self, id: i64, approve: bool, reason: &str, by: &Actor) -> Result<LinkProposal>;

    // ---- onboarding checklist and account codes
    async fn onboarding(&self, customer: &str) -> Result<Vec<ChecklistItem>>;
    async fn tick_onboarding(&self, customer: &str, item: &str, done: bool, by: &Actor) -> Result<()>;
    async fn set_account_code(&self, code: &NewAccountCode, by: &Actor) -> Result<()>;
    async fn list_account_codes(&self) -> Result<Vec<AccountCode>>;
    /// [`Store::set_account_code`] for many, in order, in ONE transaction: a refusal of any writes none.
    async fn set_account_codes(&self, codes: &[NewAccountCode], by: &Actor) -> Result<()>;

    // ---- imports
    /// Write one source's rows in ONE transaction, consuming chunks until [`ImportChunk::End`]. If the
    /// channel closes without `End` (the reader failed or the process is stopping) nothing is written.
    /// Refuses (and writes nothing) when the content hash was imported before. Replaces older batches'
    /// data for the same payer and period from other runs (estimated → final), and says so.
    async fn import(&self, meta: &ImportMeta, rx: tokio::sync::mpsc::Receiver<ImportChunk>) -> Result<ImportOutcome>;
    async fn find_batch_by_hash(&self, content_hash: &str) -> Result<Option<ImportBatch>>;
    async fn list_batches(&self) -> Result<Vec<ImportBatch>>;
    async fn list_issues(&self, filter: &IssueFilter) -> Result<Vec<StoredIssue>>;
    async fn resolve_issue(&self, id: i64, note: &str, by: &Actor) -> Result<()>;
    async fn list_quarantine(&self, batch: Option<i64>) -> Result<Vec<StoredQuarantine>>;

    // ---- costs
    /// Sum cost by the query's dimensions, exactly. Rows sorted by cost descending, then keys.
    async fn costs(&self, q: &CostQuery) -> Result<Vec<CostRow>>;
    /// Periods that have line items, newest first.
    async fn periods(&self) -> Result<Vec<Period>>;

    // ---- audit
    async fn audit(&self, filter: &AuditFilter) -> Result<Vec<AuditEntry>>;
}

/// Open the store named by `url` (`sqlite:PATH`, `sqlite://PATH`, `sqlite::memory:`, `postgres://…`,
/// `postgresql://…`) and apply migrations. A SQLite file and its parent folder are created when missing.
pub async fn open(url: &str) -> Result<Arc<dyn Store>> {
    Ok(Arc::new(SqlStore::open(url).await?))
}

/// [`open`] with [`OpenOptions`]: `create: false` makes a missing SQLite file [`StoreError::NoStore`] instead
/// of a new empty store; an unreachable server is [`StoreError::Unreachable`] after `connect_timeout`.
pub async fn open_with(url: &str, options: &OpenOptions) -> Result<Arc<dyn Store>> {
    Ok(Arc::new(SqlStore::open_with(url, options).await?))
}

/// Migration versions and names per backend, for the lockstep test.
pub fn migration_names(backend: Backend) -> Vec<(i64, String)> {
    let migrator = match backend {
        Backend::Sqlite => &connect::SQLITE_MIGRATIONS,
        Backend::Postgres => &connect::PG_MIGRATIONS,
    };
    migrator.iter().map(|m| (m.version, m.description.to_string())).collect()
}
