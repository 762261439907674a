//! [`SqlStore`]: the one implementation of [`Store`], over SQLite or PostgreSQL.
//!
//! Design (see also `db.rs`): the store's rules are written once, against a small backend-neutral layer;
//! the backend shows only where it must (connection set-up, migrations, bulk loading, money columns). Both
//! backends therefore behave the same by construction, and the conformance suite runs on both.
use async_trait::async_trait;

use crate::connect::{OpenOptions, Target, connect, mask_url, parse_url};
use crate::db::Db;
use crate::{Backend, Result, Store};

/// The billops store on SQLite (`sqlite:PATH`, `sqlite::memory:`) or PostgreSQL (`postgres://…`).
pub struct SqlStore {
    pub(crate) db: Db,
    url: String,
    /// Cost reads may use `service_rollups` (built for every batch; see `service_rollups::ready`).
    pub(crate) summary: bool,
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
                crate::rollup_currency::refuse_pending(&db).await?;
                crate::service_rollups::refuse_pending(&db).await?;
            }
            crate::access::refresh_grants(&db).await?;
        }
        let url = match target {
            Target::Postgres(u) => mask_url(&u),
            _ => url.trim().to_string(),
        };
        let summary = crate::service_rollups::ready(&db).await;
        Ok(SqlStore { db, url, summary })
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
        // Currency first: a batch the rating back-fill builds afterwards gets its currency from its line items.
        let filled = crate::rollup_currency::backfill(&db, progress).await?;
        let filled = filled.max(crate::rating_rollups::backfill(&db, progress).await?);
        // After the currency: a summary is aggregated from the cost rollups as they are then.
        let filled = filled.max(crate::service_rollups::backfill(&db, progress).await?);
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
}

/// The refusal of a store whose import batches wait for a back-fill (`what`: how many need what), naming the
/// command that does it.
pub(crate) fn needs_backfill(what: &str) -> crate::StoreError {
    crate::StoreError::NeedsMigration(format!(
        "this store was made by an older billops: {what} before it can be used; an operator runs `billops migrate` \
         (it shows progress and can be interrupted and run again); nothing was changed"
    ))
}

/// The transaction of one batch of a `billops migrate` back-fill. On PostgreSQL it holds `account_assignments` and
/// `batch_scopes` in SHARE mode (a re-assignment or a replacing import waits for it, then sees it) and sets
/// `billops.backfill`, which lets the owner's back-fill through a signed-off period's read-only triggers
/// (migrations 0020, 0021).
pub(crate) async fn backfill_tx(db: &Db) -> Result<crate::db::Tx> {
    let mut tx = db.begin().await?;
    if tx.backend() == Backend::Postgres {
        tx.exec("LOCK TABLE account_assignments, batch_scopes IN SHARE MODE", vec![]).await?;
        tx.exec("SELECT set_config('billops.backfill', 'on', true)", vec![]).await?;
    }
    Ok(tx)
}
