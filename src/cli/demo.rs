//! `billops demo`: build the demo store from the bundled, deterministic demo book (crates/billops-gen, the
//! same bytes as fixtures/demo/): customers, users, account mapping, then every data file imported.
use std::path::Path;
use std::sync::Arc;

use billops_domain::Role;
use billops_store::{Actor, NewAccountCode, NewCustomer, Store};
use chrono::NaiveDate;

use super::{Failure, mask};
use crate::config::{Paths, os_user};
use crate::ingest::{self, FileReport};

/// Create or reset the demo store; returns its URL. `db` names a store to fill instead of the default file.
pub async fn create(paths: &Paths, db: Option<&str>) -> Result<String, Failure> {
    let url = match db {
        Some(u) => u.to_string(),
        None => format!("sqlite:{}", paths.demo_store().display()),
    };
    let file = url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:"));
    if let Some(file) = file.filter(|f| *f != ":memory:") {
        for suffix in ["", "-wal", "-shm"] {
            let f = format!("{file}{suffix}");
            match std::fs::remove_file(&f) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(Failure::user(format!("cannot reset {f}: {e}"))),
            }
        }
    }
    let store = billops_store::open(&url).await.map_err(|e| Failure::user(format!("{}: {e}", mask(&url))))?;
    if !store.list_batches().await?.is_empty() {
        return Err(Failure::user(format!("{} already holds imports; the demo only fills an empty store", mask(&url))));
    }
    // The book is written where the operator can look at it (and where import messages point).
    let dir = paths.data_dir.join("demo-book");
    std::fs::create_dir_all(&dir)?;
    billops_gen::write_demo(&dir)?;
    let loaded = load(store.clone(), &dir).await;
    store.close().await;
    loaded?;
    Ok(mask(&url))
}

fn read_csv(path: &Path) -> Result<Vec<csv::StringRecord>, Failure> {
    let mut r = csv::Reader::from_path(path).map_err(|e| Failure::user(format!("{}: {e}", path.display())))?;
    r.records().map(|rec| rec.map_err(|e| Failure::user(format!("{}: {e}", path.display())))).collect()
}

async fn load(store: Arc<dyn Store>, dir: &Path) -> Result<(), Failure> {
    let me = os_user();
    let mut by = Actor { name: "demo".to_string(), at: chrono::Utc::now() };
    let mut manager = None;
    for rec in read_csv(&dir.join("users.csv"))? {
        let role: Role = rec.get(1).unwrap_or("viewer").parse().map_err(Failure::user)?;
        let name = rec.get(0).unwrap_or_default();
        store.set_user(name, role, &by).await?;
        if role == Role::Manager && manager.is_none() {
            manager = Some(name.to_string());
        }
    }
    // the book is set up by its first manager (the store checks roles on every write)
    if let Some(m) = manager {
        by.name = m;
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
