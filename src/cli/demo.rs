//! `billops demo`: build the demo store from the bundled, deterministic demo book (crates/billops-gen, the
//! same bytes as fixtures/demo/): customers, users, account mapping, then every data file imported.
use std::path::{Path, PathBuf};
use std::sync::Arc;

use billops_domain::Role;
use billops_store::{Actor, AuditFilter, NewAccountCode, NewCustomer, Store, mask_url};
use chrono::NaiveDate;

use super::{Failure, open_options};
use crate::config::{Config, Paths, os_user};
use crate::ingest::{self, FileReport};

/// Where the demo goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum At {
    /// The demo's own file in the data dir (`billops paths`): reset on every `billops demo`, its book in
    /// the data dir's `demo-book/`.
    Own,
    /// A store named by `--db`: filled only when new or empty, never deleted; the book is written beside a
    /// SQLite file (`NAME-book/`) or, for PostgreSQL, in a temporary folder removed afterwards.
    Named(String),
}

/// What building the demo did.
#[derive(Debug)]
pub enum Built {
    /// The demo store is ready at this (masked) URL.
    Ready(String),
    /// The named store already holds something; nothing was changed. Says what it holds.
    Occupied(String),
}

/// Build the demo store. Only the demo's own path is ever deleted (and the reset says so first); a store named
/// by `--db`/`BILLOPS_DATABASE_URL` that holds anything, or any file that is not a store, is left alone
/// whatever the caller's role.
pub async fn create(paths: &Paths, at: &At, config: &Config) -> Result<Built, Failure> {
    let url = match at {
        At::Own => {
            reset_own(paths)?;
            format!("sqlite:{}", paths.demo_store().display())
        }
        At::Named(u) => u.clone(),
    };
    let store = billops_store::open_with(&url, &open_options(config, true, false)).await?;
    if let Some(held) = holds(store.as_ref()).await? {
        store.close().await;
        return Ok(Built::Occupied(format!(
            "{} already holds {held}; the demo fills only a new or empty store and never deletes one \
             (name a new path: billops --db sqlite:NEW.db demo)",
            mask_url(&url)
        )));
    }
    let (dir, _temp) = book_dir(paths, at)?;
    let written = std::fs::create_dir_all(&dir).and_then(|()| billops_gen::write_demo(&dir).map(|_| ()));
    let loaded = match written {
        Ok(()) => load(store.clone(), &dir).await,
        Err(e) => Err(Failure::user(format!("cannot write the demo book to {}: {e}", dir.display()))),
    };
    store.close().await;
    loaded?;
    Ok(Built::Ready(mask_url(&url)))
}

/// Delete the demo's own store file (and its -wal/-shm), saying what is deleted.
fn reset_own(paths: &Paths) -> Result<(), Failure> {
    let file = paths.demo_store();
    for suffix in ["", "-wal", "-shm"] {
        let f = PathBuf::from(format!("{}{suffix}", file.display()));
        if !f.exists() {
            continue;
        }
        eprintln!("billops: resetting the demo store: deleting {}", f.display());
        match std::fs::remove_file(&f) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(Failure::user(format!("cannot reset {}: {e}", f.display()))),
        }
    }
    crate::config::private_dir(&paths.data_dir)
        .map_err(|e| Failure::user(format!("cannot create {}: {e}", paths.data_dir.display())))
}

/// What a store already holds, if anything (users, customers, imports or any audited change).
async fn holds(store: &dyn Store) -> Result<Option<String>, Failure> {
    let mut held = Vec::new();
    let count = |n: usize, what: &str| format!("{n} {what}{}", if n == 1 { "" } else { "s" });
    let users = store.list_users().await?.len();
    let customers = store.list_customers().await?.len();
    let imports = store.list_batches().await?.len();
    for (n, what) in [(users, "user"), (customers, "customer"), (imports, "import")] {
        if n > 0 {
            held.push(count(n, what));
        }
    }
    if held.is_empty() && !store.audit(&AuditFilter { limit: Some(1), ..AuditFilter::default() }).await?.is_empty() {
        held.push("audited changes".to_string());
    }
    Ok(if held.is_empty() { None } else { Some(held.join(", ")) })
}

/// Where the demo's data files go: the data dir for the own demo, beside a named SQLite file, else a temporary
/// folder (returned too, so it is removed when dropped).
fn book_dir(paths: &Paths, at: &At) -> Result<(PathBuf, Option<tempfile::TempDir>), Failure> {
    let sqlite_file = match at {
        At::Own => return Ok((paths.data_dir.join("demo-book"), None)),
        At::Named(u) => u.strip_prefix("sqlite://").or_else(|| u.strip_prefix("sqlite:")).filter(|f| *f != ":memory:"),
    };
    match sqlite_file {
        Some(file) => {
            let file = Path::new(file);
            let stem = file.file_stem().and_then(|s| s.to_str()).unwrap_or("demo");
            Ok((file.with_file_name(format!("{stem}-book")), None))
        }
        None => {
            let temp = tempfile::Builder::new()
                .prefix("billops-demo-book-")
                .tempdir()
                .map_err(|e| Failure::user(format!("cannot make a temporary folder for the demo book: {e}")))?;
            Ok((temp.path().to_path_buf(), Some(temp)))
        }
    }
}

fn read_csv(path: &Path) -> Result<Vec<csv::StringRecord>, Failure> {
    let mut r = csv::Reader::from_path(path).map_err(|e| Failure::user(format!("{}: {e}", path.display())))?;
    r.records().map(|rec| rec.map_err(|e| Failure::user(format!("{}: {e}", path.display())))).collect()
}

/// The demo book's seller (`issuer.*` shared settings), printed on its customer documents.
const DEMO_ISSUER: [(&str, &str); 5] = [
    ("issuer.name", "Northwind Cloud Services Ltd"),
    ("issuer.address", "1 Harbour Way|Bristol BS1 4XX|United Kingdom"),
    ("issuer.tax_id", "GB 123 4567 89"),
    ("issuer.email", "billing@northwind-cloud.example"),
    ("issuer.payment", "Example Bank plc|IBAN GB00 EXMP 0000 0000 0000 00|Reference: the invoice number"),
];

async fn load(store: Arc<dyn Store>, dir: &Path) -> Result<(), Failure> {
    let me = os_user();
    let mut by = Actor { name: "demo".to_string(), at: chrono::Utc::now() };
    let mut users = Vec::new();
    for rec in read_csv(&dir.join("users.csv"))? {
        let role: Role = rec.get(1).unwrap_or("viewer").parse().map_err(Failure::user)?;
        users.push((rec.get(0).unwrap_or_default().to_string(), role));
    }
    // The book is set up by its first manager (the store checks roles on every write, and only a manager sets
    // users' roles): recorded first, while the store has no users, then it records the others.
    users.sort_by_key(|(_, r)| *r != Role::Manager);
    for (name, role) in &users {
        store.set_user(name, *role, &by).await?;
        if *role == Role::Manager && by.name == "demo" {
            by.name = name.clone();
        }
    }
    // The person running the demo may act as its manager; a process with no identity is never made one.
    if let Some(me) = me
        && store.user_role(&me).await?.is_none()
    {
        store.set_user(&me, Role::Manager, &by).await?;
    }
    for rec in read_csv(&dir.join("customers.csv"))? {
        let c = NewCustomer {
            code: rec.get(0).unwrap_or_default().to_string(),
            name: rec.get(1).unwrap_or_default().to_string(),
            currency: rec.get(2).unwrap_or("USD").to_string(),
        };
        store.add_customer(&c, &by).await?;
    }
    // The seller's details, so the demo's invoices, credit notes and statements carry an issuer.
    for (key, value) in DEMO_ISSUER {
        crate::month::settings::set(store.as_ref(), key, value, &by).await?;
    }
    let mut data: Vec<_> = std::fs::read_dir(dir)?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.starts_with("payer-")))
        .collect();
    data.sort();
    for file in data {
        let reports =
            ingest::import_paths(store.clone(), vec![file], Default::default(), by.clone(), Arc::new(|_| {})).await;
        for r in &reports {
            if let FileReport::Refused { reason, .. } | FileReport::Failed { reason, .. } = r {
                return Err(Failure::user(format!("demo import failed: {reason}")));
            }
        }
    }
    let codes = dir.join("account_codes.csv");
    if codes.exists() {
        for rec in read_csv(&codes)? {
            let from = NaiveDate::parse_from_str(rec.get(2).unwrap_or_default(), "%Y-%m-%d")
                .map_err(|e| Failure::user(format!("account_codes.csv: {e}")))?;
            let code = NewAccountCode {
                scope: rec.get(0).unwrap_or_default().to_string(),
                code: rec.get(1).unwrap_or_default().to_string(),
                from,
            };
            store.set_account_code(&code, &by).await?;
        }
    }
    for rec in read_csv(&dir.join("accounts.csv"))? {
        let from = NaiveDate::parse_from_str(rec.get(4).unwrap_or_default(), "%Y-%m-%d")
            .map_err(|e| Failure::user(format!("accounts.csv: {e}")))?;
        store.assign_account(rec.get(0).unwrap_or_default(), rec.get(3).unwrap_or_default(), from, &by).await?;
    }
    Ok(())
}
