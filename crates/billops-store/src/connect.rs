//! Opening a store from its URL: the backend is chosen here, once.
use std::path::PathBuf;
use std::str::FromStr;
use std::time::Duration;

use sqlx::ConnectOptions;
use sqlx::Connection;
use sqlx::migrate::Migrator;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};

use crate::db::Db;
mod files;
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

/// The URL (or key=value conninfo) with every password replaced by `***`, for status lines, errors and logs:
/// the user-info password (`user:pass@`, found even when the password holds `/`, `?` or `@`) and every
/// `password=` / `sslpassword=` parameter (`?password=`, `&password=`, `password=… host=…`, quoted or not).
pub fn mask_url(url: &str) -> String {
    mask_params(&mask_userinfo(url))
}

fn mask_userinfo(url: &str) -> String {
    let Some(scheme_end) = url.find("://") else {
        return url.to_string();
    };
    let head = &url[..scheme_end + 3];
    let after = &url[scheme_end + 3..];
    // The host starts after the last `@` before the query; a password holding `?` or `#` unencoded has no `@`
    // before the query, so then the first `@` anywhere ends the user info (unless a query parameter holds it).
    let query = after.find(['?', '#']).unwrap_or(after.len());
    let at = match after[..query].rfind('@') {
        Some(at) => Some(at),
        None => after.find('@').filter(|&at| !after[..at].contains('=')),
    };
    let Some(at) = at else {
        return url.to_string();
    };
    match after[..at].find(':') {
        Some(colon) => format!("{head}{}:***{}", &after[..colon], &after[at..]),
        None => url.to_string(),
    }
}

fn mask_params(text: &str) -> String {
    let lower = text.to_ascii_lowercase();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < text.len() {
        let key = ["sslpassword=", "password="].into_iter().find(|k| lower[i..].starts_with(k));
        let boundary = i == 0 || matches!(text.as_bytes()[i - 1], b'?' | b'&' | b';' | b' ' | b'\t');
        match key {
            Some(k) if boundary => {
                out.push_str(&text[i..i + k.len()]);
                let v = i + k.len();
                let rest = &text[v..];
                let len = if let Some(quoted) = rest.strip_prefix('\'') {
                    quoted.find('\'').map_or(rest.len(), |q| q + 2)
                } else {
                    rest.find(['&', '#', ' ', '\t', ';']).unwrap_or(rest.len())
                };
                out.push_str("***");
                i = v + len;
            }
            _ => {
                let ch = text[i..].chars().next().map_or(1, char::len_utf8);
                out.push_str(&text[i..i + ch]);
                i += ch;
            }
        }
    }
    out
}

/// How to open a store: [`crate::open`] uses the defaults (create a missing SQLite file, read-write, 5 s to reach
/// a server); the CLI creates a store only for `init`, `demo` and the default store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenOptions {
    /// Create a missing SQLite file (0600, its folders 0700). When false a missing or empty file is
    /// [`StoreError::NoStore`]: a mistyped path never becomes an empty store.
    pub create: bool,
    /// SQLite: open read-only (no migrations, no back-fill); a store in a folder that cannot be written is opened
    /// immutable. PostgreSQL: ignored here (the console disables its writes).
    pub read_only: bool,
    /// How long to wait for a PostgreSQL server (name lookup, TCP, TLS, login) before
    /// [`StoreError::Unreachable`].
    pub connect_timeout: Duration,
    /// Open a store made by an older billops that still needs `billops migrate` (its back-fill) without
    /// refusing it: only `billops migrate` itself does, to check the user's role before [`crate::migrate`].
    /// Otherwise such a store is refused with [`StoreError::NeedsMigration`]: an open never back-fills
    /// (minutes of writes with nothing on screen, and writes even for a viewer).
    pub needs_migration_ok: bool,
}

impl Default for OpenOptions {
    fn default() -> OpenOptions {
        OpenOptions {
            create: true,
            read_only: false,
            connect_timeout: Duration::from_secs(5),
            needs_migration_ok: false,
        }
    }
}

pub(crate) async fn connect(target: &Target, o: &OpenOptions) -> Result<Db> {
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
            let existed = files::prepare(path, o.create && !o.read_only)?;
            if o.read_only {
                return connect_sqlite_read_only(path).await;
            }
            if existed {
                // Look before setting WAL (which rewrites the header): another program's database is left as is.
                let look = SqlitePoolOptions::new()
                    .max_connections(1)
                    .connect_with(SqliteConnectOptions::new().filename(path).read_only(true))
                    .await
                    .map_err(|e| files::not_sqlite(path, e))?;
                let verdict = files::refuse_foreign(&look, path).await;
                look.close().await;
                verdict?;
            }
            let mut opts = SqliteConnectOptions::new()
                .filename(path)
                .create_if_missing(false)
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal);
            if !existed {
                // Before WAL writes the header: a store's page size is fixed when it is made.
                opts = opts.page_size(SQLITE_PAGE_SIZE);
            }
            let pool = SqlitePoolOptions::new()
                .max_connections(4)
                .connect_with(sqlite_tuning(opts))
                .await
                .map_err(|e| files::not_sqlite(path, e))?;
            SQLITE_MIGRATIONS.run(&pool).await?;
            Ok(Db::Sqlite(pool))
        }
        Target::Postgres(url) => {
            let opts = PgConnectOptions::from_str(url)
                .map_err(|e| StoreError::Invalid(format!("store URL {}: {}", mask_url(url), mask_url(&e.to_string()))))?
                .disable_statement_logging();
            probe_pg(url, &opts, o.connect_timeout).await?;
            let pool = PgPoolOptions::new()
                .max_connections(5)
                .acquire_timeout(Duration::from_secs(30).max(o.connect_timeout))
                .connect_with(opts)
                .await?;
            crate::access::migrate_pg(&pool, &PG_MIGRATIONS).await?;
            Ok(Db::Pg(pool))
        }
    }
}

/// One connection attempt bounded by `timeout` before the pool is made: the pool itself retries a refused
/// connection until its acquire timeout (30 s) and then reports only that it timed out.
async fn probe_pg(url: &str, opts: &PgConnectOptions, timeout: Duration) -> Result<()> {
    let place = format!("{}:{}", opts.get_host(), opts.get_port());
    let unreachable = |why: String| {
        StoreError::Unreachable(format!(
            "cannot reach the PostgreSQL server at {place} ({why}; store {}): check that the server is running, \
             the host name and port, and that no firewall is in the way (connect_timeout in config.toml's [store] \
             sets the wait)",
            mask_url(url)
        ))
    };
    match tokio::time::timeout(timeout, opts.connect()).await {
        Err(_) => Err(unreachable(format!("no answer within {} s", timeout.as_secs_f64()))),
        Ok(Err(sqlx::Error::Io(e))) => Err(unreachable(e.to_string())),
        Ok(Err(e @ (sqlx::Error::Tls(_) | sqlx::Error::PoolTimedOut))) => Err(unreachable(e.to_string())),
        Ok(Err(e)) => Err(StoreError::Invalid(format!(
            "the PostgreSQL server at {place} refused it: {}",
            mask_url(&e.to_string())
        ))),
        Ok(Ok(conn)) => {
            let _ = conn.close().await;
            Ok(())
        }
    }
}

/// Read-only: nothing is written, so no migrations; a store in a folder that cannot be written (no -shm can be
/// made) is opened immutable.
async fn connect_sqlite_read_only(path: &std::path::Path) -> Result<Db> {
    let opts = SqliteConnectOptions::new().filename(path).read_only(true);
    let pool = match SqlitePoolOptions::new().max_connections(4).connect_with(sqlite_tuning(opts.clone())).await {
        Ok(pool) if files::readable(&pool).await => pool,
        _ => SqlitePoolOptions::new()
            .max_connections(4)
            .connect_with(sqlite_tuning(opts.immutable(true)))
            .await
            .map_err(|e| files::not_sqlite(path, e))?,
    };
    files::refuse_foreign(&pool, path).await?;
    files::require_migrated(&pool, path, &SQLITE_MIGRATIONS).await?;
    Ok(Db::Sqlite(pool))
}

/// Page size of a SQLite store billops makes, bytes (SQLite's default is 4096). An import's transaction is one
/// long write whose pages reach the WAL before the commit, and every page it reads or rewrites is looked up in
/// the WAL's index, which grows with the pages written: with 16 KiB pages a 30M-row import writes a quarter of the
/// frames and its mapped WAL index (counted in its RSS) is smaller (a fresh store's 30M import peaked 6–10 MiB
/// lower, session 14); a 10M import into a store with customers and a month in it peaked at 91–92 MiB against
/// 93 MiB with 4 KiB pages (session 15; session 14's "16 MiB more" compared two different builds). A store made
/// with another page size keeps it.
pub(crate) const SQLITE_PAGE_SIZE: u32 = 16_384;

/// SQLite page cache per connection, KiB (`BILLOPS_SQLITE_CACHE_KIB` overrides it, for measuring).
pub(crate) const SQLITE_CACHE_KIB: u32 = 8_192;

fn sqlite_tuning(opts: SqliteConnectOptions) -> SqliteConnectOptions {
    opts.foreign_keys(true)
        .busy_timeout(Duration::from_secs(30))
        // 8 MiB per connection (a console holds up to four: the first drill step reads the small summary and the
        // rest a customer's rollups by key; 16 MiB each kept the console over its 150 MB after `n`); an import
        // lowers its own (`import::run`)
        .pragma(
            "cache_size",
            format!("-{}", crate::import::budget_from_env("BILLOPS_SQLITE_CACHE_KIB", 64, SQLITE_CACHE_KIB)),
        )
        // Sorts and temporary tables past the cache spill to files: a GROUP BY over a month's line items (a
        // mid-month re-assignment of many accounts, a back-fill) held 1.1 GB in memory on 10M rows.
        .pragma("temp_store", "file")
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

    #[test]
    fn every_password_form_is_masked() {
        let cases = [
            // user-info, with characters a careless password holds unencoded
            ("postgresql://bob:s3cret@db:5432/billing", "postgresql://bob:***@db:5432/billing"),
            ("postgres://bob:a/b@db/x", "postgres://bob:***@db/x"),
            ("postgres://bob:a?b@db/x", "postgres://bob:***@db/x"),
            ("postgres://bob:a#b@db/x", "postgres://bob:***@db/x"),
            ("postgres://bob:%40x@db/x", "postgres://bob:***@db/x"),
            // a password and an `@` in a query parameter: only the password goes
            (
                "postgres://bob:s3cret@127.0.0.1:1/x?application_name=a:b@c",
                "postgres://bob:***@127.0.0.1:1/x?application_name=a:b@c",
            ),
            // query parameters, first and later, any case, sslpassword too
            ("postgres://bob@db/x?password=s3cret", "postgres://bob@db/x?password=***"),
            (
                "postgres://db/x?sslmode=require&password=s3cret&application_name=a",
                "postgres://db/x?sslmode=require&password=***&application_name=a",
            ),
            ("postgres://db/x?PASSWORD=s3cret", "postgres://db/x?PASSWORD=***"),
            ("postgres://db/x?sslpassword=k3y", "postgres://db/x?sslpassword=***"),
            ("postgres://u:p@db/x?password=q", "postgres://u:***@db/x?password=***"),
            // key=value conninfo, plain and quoted
            ("host=db user=bob password=s3cret dbname=x", "host=db user=bob password=*** dbname=x"),
            ("host=db password='s3 cret' dbname=x", "host=db password=*** dbname=x"),
            ("password=s3cret", "password=***"),
        ];
        for (url, want) in cases {
            assert_eq!(mask_url(url), want, "{url}");
            assert!(!mask_url(url).contains("s3cret") && !mask_url(url).contains("s3 cret"), "{url}");
        }
    }

    #[test]
    fn what_is_not_a_password_is_left_alone() {
        // An `@` and a `:` in a query parameter are not user info (the CLI's old masker garbled this one).
        for url in [
            "postgres://bob@127.0.0.1:1/x?application_name=a:b@c",
            "postgres://127.0.0.1:1/x?application_name=a:b@c",
            "postgres://bob@db/x?passwords_file=keep",
            "postgres://db/x?mypassword=keep",
            "sqlite:/data/password=notes.db",
        ] {
            assert_eq!(mask_url(url), url);
        }
    }
}
