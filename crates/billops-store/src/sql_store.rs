//! [`SqlStore`]: the one implementation of [`Store`], over SQLite or PostgreSQL.
//!
//! Design (see also `db.rs`): the store's rules are written once, against a small backend-neutral layer;
//! the backend shows only where it must (connection set-up, migrations, bulk loading, money columns). Both
//! backends therefore behave the same by construction, and the conformance suite runs on both.
use async_trait::async_trait;
use billops_domain::{Period, Role};
use chrono::NaiveDate;
use tokio::sync::mpsc::Receiver;

use crate::connect::{OpenOptions, Target, connect, mask_url, parse_url};
use crate::db::Db;
use crate::{
    AccountCode, AccountFilter, Actor, Assignment, AuditEntry, AuditFilter, Backend, ChecklistItem, CostQuery, CostRow,
    Customer, ImportBatch, ImportChunk, ImportMeta, ImportOutcome, IssueFilter, LinkProposal, LinkedAccount,
    NewAccountCode, NewCustomer, NewLinkProposal, PayerAccount, Result, Store, StoredIssue, StoredQuarantine, UserRow,
};
use crate::{accounts, audit, costs, feed, import, parties};

/// The billops store on SQLite (`sqlite:PATH`, `sqlite::memory:`) or PostgreSQL (`postgres://…`).
pub struct SqlStore {
    pub(crate) db: Db,
    url: String,
}

impl SqlStore {
    /// Connect, create the SQLite file (and its folder) when missing, apply migrations, and back-fill the rating
    /// rollups of batches imported before they existed.
    pub async fn open(url: &str) -> Result<SqlStore> {
        SqlStore::open_with(url, &OpenOptions::default()).await
    }

    /// [`SqlStore::open`] with explicit options: whether a missing SQLite file may be created, read-only, the
    /// connect timeout.
    pub async fn open_with(url: &str, options: &OpenOptions) -> Result<SqlStore> {
        let target = parse_url(url)?;
        let db = connect(&target, options).await?;
        // Stores older than migration 0004 have no rating rollups: `billops migrate` fills them, batch by batch.
        if !(options.read_only && matches!(target, Target::SqliteFile(_))) {
            if !options.needs_migration_ok {
                crate::rating_rollups::refuse_pending(&db).await?;
            }
            crate::access::refresh_grants(&db).await?;
        }
        let url = match target {
            Target::Postgres(u) => mask_url(&u),
            _ => url.trim().to_string(),
        };
        Ok(SqlStore { db, url })
    }

    /// `billops migrate`: open (applying schema migrations) and back-fill what an older billops left out,
    /// calling `progress(done, total)` after each import batch. Returns the batches filled.
    pub async fn migrate(
        url: &str,
        options: &OpenOptions,
        progress: &mut (dyn FnMut(usize, usize) + Send),
    ) -> Result<usize> {
        let target = parse_url(url)?;
        let db = connect(&target, options).await?;
        let filled = crate::rating_rollups::backfill(&db, progress).await?;
        crate::access::refresh_grants(&db).await?;
        match &db {
            Db::Sqlite(p) => p.close().await,
            Db::Pg(p) => p.close().await,
        }
        Ok(filled)
    }

    /// Close the pool (waits for connections to be returned).
    pub async fn close(&self) {
        match &self.db {
            Db::Sqlite(p) => p.close().await,
            Db::Pg(p) => p.close().await,
        }
    }
}

#[async_trait]
impl Store for SqlStore {
    fn backend(&self) -> Backend {
        self.db.backend()
    }
    fn display_url(&self) -> String {
        self.url.clone()
    }
    async fn close(&self) {
        SqlStore::close(self).await
    }

    async fn set_user(&self, name: &str, role: Role, by: &Actor) -> Result<()> {
        parties::set_user(&self.db, name, role, by).await
    }
    async fn user_role(&self, name: &str) -> Result<Option<Role>> {
        parties::user_role(&self.db, name).await
    }
    async fn list_users(&self) -> Result<Vec<UserRow>> {
        parties::list_users(&self.db).await
    }

    async fn add_customer(&self, c: &NewCustomer, by: &Actor) -> Result<Customer> {
        parties::add_customer(&self.db, c, by).await
    }
    async fn list_customers(&self) -> Result<Vec<Customer>> {
        parties::list_customers(&self.db).await
    }
    async fn customer(&self, code: &str) -> Result<Customer> {
        parties::customer(&self.db, code).await
    }

    async fn list_payers(&self) -> Result<Vec<PayerAccount>> {
        accounts::list_payers(&self.db).await
    }
    async fn list_accounts(&self, filter: &AccountFilter) -> Result<Vec<LinkedAccount>> {
        accounts::list_accounts(&self.db, filter).await
    }
    async fn assign_account(&self, account: &str, customer: &str, from: NaiveDate, by: &Actor) -> Result<()> {
        accounts::assign_account(&self.db, account, customer, from, by).await
    }
    async fn assignments(&self, account: &str) -> Result<Vec<Assignment>> {
        accounts::assignments(&self.db, account).await
    }
    async fn propose_link(&self, p: &NewLinkProposal, by: &Actor) -> Result<LinkProposal> {
        accounts::propose_link(&self.db, p, by).await
    }
    async fn list_link_proposals(&self, open_only: bool) -> Result<Vec<LinkProposal>> {
        accounts::list_link_proposals(&self.db, open_only).await
    }
    async fn decide_link(&self, id: i64, approve: bool, reason: &str, by: &Actor) -> Result<LinkProposal> {
        crate::fields::text("reason", reason)?;
        accounts::decide_link(&self.db, id, approve, reason, by).await
    }

    async fn onboarding(&self, customer: &str) -> Result<Vec<ChecklistItem>> {
        parties::onboarding(&self.db, customer).await
    }
    async fn tick_onboarding(&self, customer: &str, item: &str, done: bool, by: &Actor) -> Result<()> {
        parties::tick_onboarding(&self.db, customer, item, done, by).await
    }
    async fn set_account_code(&self, code: &NewAccountCode, by: &Actor) -> Result<()> {
        parties::set_account_code(&self.db, code, by).await
    }
    async fn list_account_codes(&self) -> Result<Vec<AccountCode>> {
        parties::list_account_codes(&self.db).await
    }
    async fn set_account_codes(&self, codes: &[NewAccountCode], by: &Actor) -> Result<()> {
        parties::set_account_codes(&self.db, codes, by).await
    }

    async fn import(&self, meta: &ImportMeta, rx: Receiver<ImportChunk>) -> Result<ImportOutcome> {
        import::run(&self.db, meta, rx).await
    }
    async fn find_batch_by_hash(&self, content_hash: &str) -> Result<Option<ImportBatch>> {
        feed::find_batch_by_hash(&self.db, content_hash).await
    }
    async fn list_batches(&self) -> Result<Vec<ImportBatch>> {
        feed::list_batches(&self.db).await
    }
    async fn list_issues(&self, filter: &IssueFilter) -> Result<Vec<StoredIssue>> {
        feed::list_issues(&self.db, filter).await
    }
    async fn resolve_issue(&self, id: i64, note: &str, by: &Actor) -> Result<()> {
        crate::fields::text("note", note)?;
        feed::resolve_issue(&self.db, id, note, by).await
    }
    async fn list_quarantine(&self, batch: Option<i64>) -> Result<Vec<StoredQuarantine>> {
        feed::list_quarantine(&self.db, batch).await
    }

    async fn costs(&self, q: &CostQuery) -> Result<Vec<CostRow>> {
        costs::costs(&self.db, q).await
    }
    async fn periods(&self) -> Result<Vec<Period>> {
        feed::periods(&self.db).await
    }

    async fn audit(&self, filter: &AuditFilter) -> Result<Vec<AuditEntry>> {
        audit::list(&self.db, filter).await
    }
}
