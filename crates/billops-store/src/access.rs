//! Who is acting, and the roles the database itself enforces.
//!
//! - SQLite is single-user: the identity is the OS user the application passes in [`Actor`], the file's
//!   permissions are the boundary, and there are no database roles ([`Access::login`] is `None`).
//! - PostgreSQL: the identity is the authenticated login (`session_user`). The store's groups
//!   (`<prefix>_viewer ⊂ _operator ⊂ _manager`), table grants and the triggers guarding manager-only
//!   transitions are defined in `migrations/postgres/0008_access.sql`; this module creates the groups when the
//!   first login is added, maps logins to them, re-applies grants when the owner opens the store, and caps every
//!   role the store computes by the login's role ([`cap`]): a name passed by the application can narrow what
//!   the login may do, never widen it.
//! - Every write is audited, and the audit write refuses an actor without a name ([`require_identity`]): an
//!   unresolved identity can read but never write.
use async_trait::async_trait;
use billops_domain::Role;

use crate::db::{Db, Tx, args};
use crate::parties::upsert_user;
use crate::{Actor, Backend, Result, SqlStore, StoreError};

/// Identity and database roles (implemented by [`SqlStore`] on both backends).
#[async_trait]
pub trait Access: Send + Sync {
    /// The authenticated database login (PostgreSQL `session_user`); `None` on SQLite, where the OS user is the
    /// identity and the application names it.
    async fn login(&self) -> Result<Option<String>>;
    /// The role PostgreSQL grants the session's login in this store (`Viewer` when it is none of the store's);
    /// `None` on SQLite (no database roles: file permissions are the boundary).
    async fn login_role(&self) -> Result<Option<Role>>;
    /// PostgreSQL: create the login when missing (no password: the admin sets one) or map an existing one, put
    /// it in the store's group for `role` (creating the groups on first use, which needs CREATEROLE) and record
    /// it in `users`, audited; the store's owner is recorded as its first manager. SQLite: refused (single-user).
    async fn add_login(&self, login: &str, role: Role, by: &Actor) -> Result<()>;
    /// The prefix of the store's PostgreSQL groups, once created.
    async fn access_prefix(&self) -> Result<Option<String>>;
}

/// Refuse a write by an actor with no name (no identity could be resolved: cron, systemd, containers).
pub(crate) fn require_identity(name: &str) -> Result<()> {
    if name.trim().is_empty() {
        return Err(StoreError::Forbidden(
            "a write needs a known identity and none was resolved (reads still work)".to_string(),
        ));
    }
    Ok(())
}

fn parse_role(s: Option<String>) -> Result<Role> {
    match s {
        Some(s) => s.parse().map_err(StoreError::Invalid),
        None => Ok(Role::Viewer),
    }
}

/// `role` capped by what the session's login may do (PostgreSQL); unchanged on SQLite.
pub(crate) async fn cap(tx: &mut Tx, role: Role) -> Result<Role> {
    if tx.backend() != Backend::Postgres {
        return Ok(role);
    }
    let r: Option<String> = tx.one("SELECT billops_login_role()", vec![]).await?.get(0)?;
    Ok(role.min(parse_role(r)?))
}

/// Apply pending migrations. On PostgreSQL a login that may not create tables (every login but the owner)
/// cannot run sqlx's migrator at all (it creates its own table first), so an up-to-date store is left alone and
/// a store that needs an upgrade says who can do it.
pub(crate) async fn migrate_pg(pool: &sqlx::PgPool, migrator: &sqlx::migrate::Migrator) -> Result<()> {
    let exists: Option<String> =
        sqlx::query_scalar("SELECT to_regclass('_sqlx_migrations')::text").fetch_one(pool).await?;
    if exists.is_some() {
        let applied: Vec<i64> =
            sqlx::query_scalar("SELECT version FROM _sqlx_migrations WHERE success").fetch_all(pool).await?;
        let pending = migrator.iter().any(|m| !applied.contains(&m.version));
        if !pending {
            return Ok(());
        }
        let owns: bool = sqlx::query_scalar(
            "SELECT pg_has_role(session_user, c.relowner, 'MEMBER') FROM pg_class c \
             WHERE c.oid = '_sqlx_migrations'::regclass",
        )
        .fetch_one(pool)
        .await?;
        if !owns {
            let owner: String = sqlx::query_scalar(
                "SELECT pg_get_userbyid(relowner)::text FROM pg_class WHERE oid = '_sqlx_migrations'::regclass",
            )
            .fetch_one(pool)
            .await?;
            return Err(StoreError::Invalid(format!(
                "this store needs an upgrade that only its owner can apply: open it once as login {owner}"
            )));
        }
    }
    migrator.run(pool).await?;
    Ok(())
}

/// After migrations: when the owner opens a store whose groups exist and a table is not granted yet (added by a
/// later migration), grant them; an up-to-date store is only read.
pub(crate) async fn refresh_grants(db: &Db) -> Result<()> {
    if db.backend() != Backend::Postgres {
        return Ok(());
    }
    let owner_with_groups = db
        .opt(
            "SELECT 1 FROM store_access s, pg_class c WHERE c.oid = 'store_access'::regclass \
             AND pg_has_role(session_user, c.relowner, 'MEMBER') \
             AND CASE WHEN EXISTS (SELECT 1 FROM pg_roles WHERE rolname = s.prefix || '_viewer') \
                 THEN EXISTS (SELECT 1 FROM pg_tables t WHERE t.schemaname = current_schema() \
                     AND NOT has_table_privilege(s.prefix || '_viewer', format('%I.%I', t.schemaname, t.tablename), \
                     'SELECT')) \
                 ELSE false END",
            vec![],
        )
        .await?;
    if owner_with_groups.is_some() {
        db.exec("SELECT billops_apply_grants()", vec![]).await?;
    }
    Ok(())
}

#[async_trait]
impl Access for SqlStore {
    async fn login(&self) -> Result<Option<String>> {
        if self.db.backend() != Backend::Postgres {
            return Ok(None);
        }
        let r = self.db.opt("SELECT session_user::text", vec![]).await?;
        r.map(|r| r.get(0)).transpose()
    }

    async fn login_role(&self) -> Result<Option<Role>> {
        if self.db.backend() != Backend::Postgres {
            return Ok(None);
        }
        let r = self.db.opt("SELECT billops_login_role()", vec![]).await?;
        let r: Option<String> = match r {
            Some(r) => r.get(0)?,
            None => None,
        };
        parse_role(r).map(Some)
    }

    async fn add_login(&self, login: &str, role: Role, by: &Actor) -> Result<()> {
        if self.db.backend() != Backend::Postgres {
            return Err(StoreError::Invalid(
                "a SQLite store is single-user: its file's permissions are the boundary, so there are no logins \
                 to add (use a PostgreSQL store for a team)"
                    .to_string(),
            ));
        }
        require_identity(&by.name)?;
        let login = login.trim();
        if login.is_empty() {
            return Err(StoreError::Invalid("a login needs a name".into()));
        }
        let mut tx = self.db.begin().await?;
        let mine = crate::parties::role_in(&mut tx, &by.name).await?;
        if !mine.can_approve() {
            return Err(StoreError::Forbidden(format!("{} ({mine}) may not add users", by.name)));
        }
        let owner: String = tx
            .one("SELECT pg_get_userbyid(relowner)::text FROM pg_class WHERE oid = 'store_access'::regclass", vec![])
            .await?
            .get(0)?;
        let has_groups = tx.opt("SELECT prefix FROM store_access WHERE id = 1", vec![]).await?.is_some();
        if !has_groups {
            tx.exec("SELECT billops_setup_groups()", vec![]).await.map_err(|e| {
                privilege_hint(e, &format!("creating the store's roles needs CREATEROLE: run this as login {owner}"))
            })?;
        }
        tx.exec("SELECT billops_map_login($1, $2)", args![login, role.as_str()]).await.map_err(|e| {
            privilege_hint(e, &format!("adding a login needs CREATEROLE on the store's owner, login {owner}"))
        })?;
        // The owner is the store's first manager, on record.
        let owner_known = tx.opt("SELECT 1 FROM users WHERE name = $1", args![owner.as_str()]).await?.is_some();
        if !owner_known && owner != login {
            upsert_user(&mut tx, &owner, Role::Manager, by, Some("PostgreSQL login")).await?;
        }
        upsert_user(&mut tx, login, role, by, Some("PostgreSQL login")).await?;
        tx.commit().await
    }

    async fn access_prefix(&self) -> Result<Option<String>> {
        if self.db.backend() != Backend::Postgres {
            return Ok(None);
        }
        let r = self.db.opt("SELECT prefix FROM store_access WHERE id = 1", vec![]).await?;
        r.map(|r| r.get(0)).transpose()
    }
}

/// A PostgreSQL "insufficient privilege" error as [`StoreError::Forbidden`] with what to do.
fn privilege_hint(e: StoreError, hint: &str) -> StoreError {
    if let StoreError::Db(sqlx::Error::Database(d)) = &e
        && d.code().as_deref() == Some("42501")
    {
        return StoreError::Forbidden(format!("{} ({hint})", d.message()));
    }
    e
}
