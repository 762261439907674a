//! Opening a store from its URL: the backend is chosen here, once.
use std::path::PathBuf;
use std::str::FromStr;
use std::time::Duration;

use sqlx::ConnectOptions;
use sqlx::migrate::Migrator;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};

use crate::db::Db;
use crate::{Result, StoreError};

pub(crate) static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("./migrations/sqlite");
pub(crate) static PG_MIGRATIONS: Migrator = sqlx::migrate!("./migrations/postgres");

/// What a store URL names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Target {
    SqliteMemory,
    SqliteFile(PathBuf),
    Postgres(String),
}

pub(crate) fn parse_url(url: &str) -> Result<Target> {
    let u = url.trim();
    if u.starts_with("postgres://") || u.starts_with("postgresql://") {
        return Ok(Target::Postgres(u.to_string()));
    }
    let rest = u.strip_prefix("sqlite://").or_else(|| u.strip_prefix("sqlite:")).ok_or_else(|| {
        StoreError::Invalid(format!("unsupported store URL {:?} (sqlite:PATH or postgres://…)", mask_url(u)))
    })?;
    if rest == ":memory:" {
        return Ok(Target::SqliteMemory);
    }
    if rest.is_empty() {
        return Err(StoreError::Invalid(format!("store URL {u:?} names no file")));
    }
    Ok(Target::SqliteFile(PathBuf::from(rest)))
}

/// The URL with any password replaced by `***` (for status lines and logs).
pub fn mask_url(url: &str) -> String {
    let Some(scheme_end) = url.find("://") else {
        return url.to_string();
    };
    let after = &url[scheme_end + 3..];
    let authority_end = after.find(['/', '?']).unwrap_or(after.len());
    let authority = &after[..authority_end];
    let Some(at) = authority.rfind('@') else {
        return url.to_string();
    };
    let userinfo = &authority[..at];
    match userinfo.find(':') {
        Some(colon) => format!("{}{}:***{}", &url[..scheme_end + 3], &userinfo[..colon], &after[at..]),
        None => url.to_string(),
    }
}

pub(crate) async fn connect(target: &Target) -> Result<Db> {
    match target {
        Target::SqliteMemory => {
            let opts = SqliteConnectOptions::from_str("sqlite::memory:")?;
            let opts = sqlite_tuning(opts);
            // One connection that never closes: an in-memory database lives as long as its connection.
            let pool = SqlitePoolOptions::new()
                .max_connections(1)
                .min_connections(1)
                .idle_timeout(None)
                .max_lifetime(None)
                .connect_with(opts)
                .await?;
            SQLITE_MIGRATIONS.run(&pool).await?;
            Ok(Db::Sqlite(pool))
        }
        Target::SqliteFile(path) => {
            if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
                tokio::fs::create_dir_all(parent)
                    .await
                    .map_err(|e| StoreError::Invalid(format!("cannot create folder {}: {e}", parent.display())))?;
            }
            let opts = SqliteConnectOptions::new()
                .filename(path)
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal);
            let pool = SqlitePoolOptions::new().max_connections(4).connect_with(sqlite_tuning(opts)).await?;
            SQLITE_MIGRATIONS.run(&pool).await?;
            Ok(Db::Sqlite(pool))
        }
        Target::Postgres(url) => {
            let opts = PgConnectOptions::from_str(url)?.disable_statement_logging();
            let pool = PgPoolOptions::new()
                .max_connections(5)
                .acquire_timeout(Duration::from_secs(30))
                .connect_with(opts)
                .await?;
            crate::access::migrate_pg(&pool, &PG_MIGRATIONS).await?;
            Ok(Db::Pg(pool))
        }
    }
}

fn sqlite_tuning(opts: SqliteConnectOptions) -> SqliteConnectOptions {
    opts.foreign_keys(true)
        .busy_timeout(Duration::from_secs(30))
        .pragma("cache_size", "-16384") // 16 MiB per connection: imports append, drill-downs read rollups
        .pragma("temp_store", "memory")
        .disable_statement_logging()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_name_their_backend() {
        assert_eq!(parse_url("sqlite::memory:").ok(), Some(Target::SqliteMemory));
        assert_eq!(parse_url("sqlite:/tmp/a.db").ok(), Some(Target::SqliteFile("/tmp/a.db".into())));
        assert_eq!(parse_url("sqlite://rel/a.db").ok(), Some(Target::SqliteFile("rel/a.db".into())));
        assert_eq!(parse_url("sqlite:///abs/a.db").ok(), Some(Target::SqliteFile("/abs/a.db".into())));
        assert!(matches!(parse_url("postgresql://u@h/db"), Ok(Target::Postgres(_))));
        assert!(parse_url("mysql://x").is_err());
        assert!(parse_url("sqlite:").is_err());
    }

    #[test]
    fn passwords_are_masked() {
        assert_eq!(mask_url("postgres://bill:secret@127.0.0.1:5432/db"), "postgres://bill:***@127.0.0.1:5432/db");
        assert_eq!(mask_url("postgres://bill@host/db"), "postgres://bill@host/db");
        assert_eq!(mask_url("postgres://u:p@ss@host/db"), "postgres://u:***@host/db");
        assert_eq!(mask_url("sqlite:/tmp/x.db"), "sqlite:/tmp/x.db");
    }
}
