//! The billops store: [`Store`], the supertrait of one trait per aggregate (parties, accounts, imports, costs,
//! price books, chargeback, terms, invoices, credits, credit notes, payments, close, settings, supplier recon,
//! variance, audit, access, funding; all in [`prelude`]), with domain-typed methods and one error type; a SQLite
//! and a PostgreSQL backend chosen once from the URL ([`open`]). See docs/ARCHITECTURE.md.
//!
//! How it is built:
//! - [`SqlStore`] implements each trait once, in the aggregate's module beside its SQL, over a thin
//!   backend-neutral layer (`db.rs`: typed binds, `$n` placeholders, rows read by index). Only connection
//!   set-up, bulk loading and money columns differ per backend. Migrations live in `migrations/sqlite` and
//!   `migrations/postgres`, same versions and names.
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
mod accounts_bulk;
mod audit;
mod close;
mod connect;
mod costs;
mod credit_notes;
mod credits;
mod db;
pub mod details;
pub mod disputes;
mod fields;
pub mod funding;
mod funding_import;
pub mod fx;
mod import;
pub mod interest_terms;
mod invoices;
pub mod linking;
mod moved_rollups;
mod onboarding;
mod owners;
mod parties;
pub mod partner;
mod payments;
mod plan_costs;
mod plan_volumes;
pub mod planning;
mod rating;
mod rating_rollups;
mod recon;
mod rollup_currency;
mod series;
mod service_rollups;
mod settings;
mod sql_store;
mod terms;
mod types;
mod variance;
mod variance_volumes;

pub use access::Access;
pub use accounts::Accounts;
pub use accounts_bulk::{BulkAssigned, BulkAssignment};
pub use audit::{AuditTrail, CHANGE_CHANNEL, ChangeListener, Changes, Heard};
pub use close::Close;
pub use connect::{OpenOptions, mask_url};
pub use costs::Costs;
pub use costs::sources::{LineSources, ResourceSource, SourceItem, SourceQuery};
pub use credit_notes::{CreditNote, CreditNoteFilter, CreditNotes, NewCreditNote};
pub use credits::Credits;
pub use details::{CustomerDetails, CustomerDetailsStore};
pub use disputes::DisputeStore;
pub use funding::{FundingChange, FundingRecord, FundingStore, Opportunity};
pub use funding_import::{FundingImportRow, FundingImportSummary};
pub use fx::{FxRates, NewFxRate, StoredFxRate};
pub use import::batches::Imports;
pub use interest_terms::{CustomerInterest, InterestTermsStore, NewInterestTerms, StoredInterestTerms};
pub use invoices::{DraftRun, Invoices};
pub use linking::{Linking, NameRow, NameTarget};
pub use onboarding::{ChecklistDef, Contact, OnboardingEntry, OnboardingStore, OnboardingUpdate};
pub use parties::Parties;
pub use partner::{AccountPartnerRow, PartnerApplied, PartnerMapping};
pub use payments::Payments;
pub use plan_volumes::UsageVolume;
pub use planning::{Budget, BudgetScope, NewBudget, Planning, StoredEvent};
pub use rating::{Chargeback, NewPriceRule, PriceBooks, month_start};
pub use recon::SupplierRecon;
pub use recon::statements::{
    ChChange, ChImportOutcome, ChRowOutcome, ChStatementFile, ChStatements, NewChStatement, StoredChStatement,
};
pub use settings::Settings;
pub use sql_store::SqlStore;
pub use terms::Terms;
pub use types::billing::*;
pub use types::*;
pub use variance::{NewExplanation, ServiceCosts, StoredExplanation, VarianceReview};
pub use variance_volumes::ServiceVolume;

use std::sync::Arc;

use async_trait::async_trait;

/// Every store trait, for callers holding a concrete store or naming a method by its trait (through
/// `Arc<dyn Store>` every method is there already):
///
/// ```no_run
/// use billops_store::prelude::*;
///
/// # async fn f() -> billops_store::Result<()> {
/// let store = billops_store::SqlStore::open("sqlite::memory:").await?;
/// let customers = store.list_customers().await?; // Parties
/// let invoices = store.list_invoices(&Default::default()).await?; // Invoices
/// # Ok(())
/// # }
/// ```
pub mod prelude {
    pub use crate::{
        Access, Accounts, AuditTrail, ChStatements, Chargeback, Close, Costs, CreditNotes, Credits,
        CustomerDetailsStore, FundingStore, FxRates, Imports, InterestTermsStore, Invoices, Parties, PartnerMapping,
        Payments, Planning, PriceBooks, Settings, Store, SupplierRecon, Terms, VarianceReview,
    };
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// Everything the rest of billops asks of a store: one trait per aggregate, each declared beside its SQL for
/// both backends (a new aggregate adds its own trait and module, then one bound here and one line in
/// [`prelude`]). Every write takes the [`Actor`] (who and when: the clock is the caller's) and is audited in
/// the same transaction.
#[async_trait]
pub trait Store:
    Parties
    + Accounts
    + Imports
    + Costs
    + AuditTrail
    + PriceBooks
    + Chargeback
    + Terms
    + Invoices
    + Credits
    + CreditNotes
    + Payments
    + Close
    + Settings
    + SupplierRecon
    + VarianceReview
    + Access
    + FundingStore
    + CustomerDetailsStore
    + DisputeStore
    + Linking
    + OnboardingStore
    + Planning
    + InterestTermsStore
    + FxRates
    + ChStatements
    + PartnerMapping
    + Send
    + Sync
{
    fn backend(&self) -> Backend;
    /// The URL with any password masked, for status lines and `billops paths`.
    fn display_url(&self) -> String;
    /// Close the store: wait for connections to be returned and close them (SQLite folds its WAL back into
    /// the database file, so a copied file holds every write). Further use fails.
    async fn close(&self);
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

/// `billops migrate`: open `url` and back-fill what a store made by an older billops lacks, with
/// `progress(done, total)` per import batch; the batches filled. Other opens refuse such a store
/// ([`StoreError::NeedsMigration`]).
pub async fn migrate(
    url: &str,
    options: &OpenOptions,
    progress: &mut (dyn FnMut(usize, usize) + Send),
) -> Result<usize> {
    SqlStore::migrate(url, options, progress).await
}

/// Migration versions and names per backend, for the lockstep test.
pub fn migration_names(backend: Backend) -> Vec<(i64, String)> {
    let migrator = match backend {
        Backend::Sqlite => &connect::SQLITE_MIGRATIONS,
        Backend::Postgres => &connect::PG_MIGRATIONS,
    };
    migrator.iter().map(|m| (m.version, m.description.to_string())).collect()
}
