//! A SQLite store's file: created 0600 (folders 0700) only when asked; anything else at the path is left alone.
use std::io::Read;
use std::path::Path;

use sqlx::migrate::Migrator;
use sqlx::{Row, SqlitePool};

use crate::{Result, StoreError};

const SQLITE_HEADER: &[u8; 16] = b"SQLite format 3\0";

/// Check what is at `path` and, when `create`, make a missing store file (0600) and its folders (0700).
/// Never deletes or truncates anything. True when a non-empty file was there already.
pub(crate) fn prepare(path: &Path, create: bool) -> Result<bool> {
    let shown = path.display();
    match std::fs::metadata(path) {
        Ok(m) if m.is_dir() => Err(StoreError::NoStore(format!("{shown} is a folder, not a billops store"))),
        Ok(m) if m.len() == 0 && !create => {
            Err(StoreError::NoStore(format!("{shown} is an empty file, not a billops store")))
        }
        Ok(m) if m.len() > 0 => {
            let mut head = [0u8; 16];
            let read = std::fs::File::open(path).and_then(|mut f| f.read_exact(&mut head));
            match read {
                Ok(()) if &head == SQLITE_HEADER => Ok(true),
                Ok(()) => Err(not_a_store(path)),
                Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => Err(not_a_store(path)),
                Err(e) => Err(StoreError::NoStore(format!("cannot read {shown}: {e}"))),
            }
        }
        Ok(_) => Ok(false),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && create => create_file(path).map(|()| false),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            Err(StoreError::NoStore(format!("no billops store at {shown} (no such file)")))
        }
        Err(e) => Err(StoreError::NoStore(format!("cannot read {shown}: {e}"))),
    }
}

fn not_a_store(path: &Path) -> StoreError {
    StoreError::NoStore(format!(
        "{} is not a billops store (not a SQLite database); billops leaves it alone",
        path.display()
    ))
}

fn create_file(path: &Path) -> Result<()> {
    let cannot = |what: &Path, e: std::io::Error| StoreError::Invalid(format!("cannot create {}: {e}", what.display()));
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty() && !p.exists()) {
        let mut b = std::fs::DirBuilder::new();
        b.recursive(true);
        #[cfg(unix)]
        std::os::unix::fs::DirBuilderExt::mode(&mut b, 0o700);
        b.create(parent).map_err(|e| cannot(parent, e))?;
    }
    let mut o = std::fs::OpenOptions::new();
    o.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut o, 0o600);
    match o.open(path) {
        Ok(_) => Ok(()),
        // Another process made it first: both then open the same new store.
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(cannot(path, e)),
    }
}

/// A connection error that means "this file is not a database" becomes [`StoreError::NoStore`].
pub(crate) fn not_sqlite(path: &Path, e: sqlx::Error) -> StoreError {
    match &e {
        sqlx::Error::Database(d) if d.message().contains("not a database") => not_a_store(path),
        _ => StoreError::Db(e),
    }
}

/// A SQLite database with tables but no billops migrations belongs to another program: refuse, change nothing.
pub(crate) async fn refuse_foreign(pool: &SqlitePool, path: &Path) -> Result<()> {
    let rows = sqlx::query("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        .fetch_all(pool)
        .await
        .map_err(|e| not_sqlite(path, e))?;
    let names: Vec<String> = rows.iter().filter_map(|r| r.try_get::<String, _>(0).ok()).collect();
    if names.is_empty() || names.iter().any(|n| n == "_sqlx_migrations") {
        return Ok(());
    }
    let shown: Vec<&str> = names.iter().take(5).map(String::as_str).collect();
    Err(StoreError::NoStore(format!(
        "{} is a SQLite database of another program (tables {}{}), not a billops store; billops leaves it alone",
        path.display(),
        shown.join(", "),
        if names.len() > shown.len() { ", …" } else { "" }
    )))
}

/// The pool can read the file (a read-only open in a folder where no -shm can be made fails on first read).
pub(crate) async fn readable(pool: &SqlitePool) -> bool {
    sqlx::query("SELECT count(*) FROM sqlite_master").fetch_one(pool).await.is_ok()
}

/// Read-only opens apply no migrations: the store must already have all of them.
pub(crate) async fn require_migrated(pool: &SqlitePool, path: &Path, migrator: &Migrator) -> Result<()> {
    let newest = migrator.iter().map(|m| m.version).max().unwrap_or(0);
    let applied: Option<i64> = sqlx::query("SELECT max(version) FROM _sqlx_migrations WHERE success")
        .fetch_one(pool)
        .await
        .ok()
        .and_then(|r| r.try_get::<Option<i64>, _>(0).ok().flatten());
    match applied {
        None => Err(StoreError::NoStore(format!("no billops store at {} (an empty database)", path.display()))),
        Some(v) if v < newest => Err(StoreError::Invalid(format!(
            "{} was written by an older billops (migration {v}, this one needs {newest}): open it once without \
             --read-only to bring it up to date",
            path.display()
        ))),
        Some(_) => Ok(()),
    }
}
