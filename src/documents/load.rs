//! The IO half: gather a document's records from the store (issuer settings, customer details, the invoice,
//! credit note or statement), then build it with the pure builders. The CLI calls [`document`]; the console
//! calls the same from a pane's `io.rs` (a key on an invoice, a credit note, a statement) and writes
//! [`super::render`]'s bytes to [`super::file_name`].
use std::collections::BTreeMap;

use billops_store::{Result, Store, StoreError};
use chrono::NaiveDate;

use super::Document;
use super::build::{self, CustomerInfo, Issuer};
use crate::month::settings::ISSUER_KEYS;

/// Which document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DocRef {
    /// An invoice by id (a draft prints with a DRAFT mark).
    Invoice(i64),
    /// A credit note by number (`CN-000001`).
    CreditNote(String),
    /// A customer's statement between two days (inclusive).
    Statement { customer: String, from: NaiveDate, to: NaiveDate },
}

fn split(v: Option<&String>) -> Vec<String> {
    v.map(|s| s.split('|').map(str::trim).filter(|l| !l.is_empty()).map(str::to_string).collect()).unwrap_or_default()
}

/// The issuer from the shared settings `issuer.*`.
pub async fn issuer(store: &dyn Store) -> Result<Issuer> {
    let values: BTreeMap<String, String> = store
        .settings()
        .await?
        .into_iter()
        .filter(|s| ISSUER_KEYS.iter().any(|(k, _)| *k == s.key))
        .map(|s| (s.key, s.value))
        .collect();
    let one = |k: &str| values.get(k).map(|v| v.trim().to_string()).filter(|v| !v.is_empty());
    Ok(Issuer {
        name: one("issuer.name").unwrap_or_default(),
        address: split(values.get("issuer.address")),
        tax_id: one("issuer.tax_id"),
        email: one("issuer.email"),
        payment: split(values.get("issuer.payment")),
    })
}

pub async fn customer(store: &dyn Store, code: &str) -> Result<CustomerInfo> {
    let c = store.customer(code).await?;
    let details = store.customer_details(code).await?;
    Ok(CustomerInfo { code: c.code, name: c.name, details })
}

/// The document `r` refers to, as of `today` (a statement's date).
pub async fn document(store: &dyn Store, r: &DocRef, today: NaiveDate) -> Result<Document> {
    let issuer = issuer(store).await?;
    match r {
        DocRef::Invoice(id) => {
            let inv = store.invoice(*id).await?;
            let c = customer(store, &inv.customer).await?;
            Ok(build::invoice(&inv, &c, &issuer))
        }
        DocRef::CreditNote(number) => {
            let n = store.credit_note(number).await?;
            let inv = store.invoice(n.invoice_id).await.ok();
            let c = customer(store, &n.customer).await?;
            Ok(build::credit_note(&n, inv.as_ref(), &c, &issuer))
        }
        DocRef::Statement { customer: code, from, to } => {
            if from > to {
                return Err(StoreError::Invalid(format!("statement from {from} is after {to}")));
            }
            let st = store.statement(code, *from, *to).await?;
            let rows = crate::month::statement::rows(&st)?;
            let c = customer(store, code).await?;
            let disputed = crate::month::statement::disputed(store, code, today).await?;
            Ok(build::statement(&st, &rows, &disputed, today, &c, &issuer))
        }
    }
}

/// Write the customer's PDF of `r` into `dir` (created when missing) under [`super::file_name`] (it carries
/// the document's number); what the console's document keys call. Returns the path written.
pub async fn write_pdf(
    store: &dyn Store,
    r: &DocRef,
    today: NaiveDate,
    dir: &std::path::Path,
) -> Result<std::path::PathBuf> {
    use super::Format;
    let doc = document(store, r, today).await?;
    let bytes = super::render(&doc, Format::Pdf);
    let path = dir.join(super::file_name(&doc, Format::Pdf));
    let (d, p) = (dir.to_path_buf(), path.clone());
    tokio::task::spawn_blocking(move || std::fs::create_dir_all(&d).and_then(|()| std::fs::write(&p, bytes)))
        .await
        .map_err(|e| StoreError::Invalid(format!("writing the document failed: {e}")))?
        .map_err(|e| StoreError::Invalid(format!("cannot write {}: {e}", path.display())))?;
    Ok(path)
}
