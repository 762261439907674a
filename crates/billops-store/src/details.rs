//! What a customer document prints about the customer beyond its code and name: postal address, tax id,
//! purchase-order number, billing e-mail (columns of `customers`, migration 0012). Operators set them
//! (audited, before/after); every value is checked hand-typed text.
use async_trait::async_trait;
use billops_domain::text::Name;
use serde::{Deserialize, Serialize};

use crate::audit::{self, Audit};
use crate::db::{Row, args};
use crate::parties::user_in;
use crate::{Actor, Result, SqlStore, StoreError};

/// A customer's document details; `None` where not given.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerDetails {
    /// Postal address, one line per address line (stored newline-separated).
    pub address: Option<String>,
    pub tax_id: Option<String>,
    pub po_number: Option<String>,
    pub billing_email: Option<String>,
}

impl CustomerDetails {
    /// The address as lines (blank lines dropped).
    pub fn address_lines(&self) -> Vec<String> {
        self.address
            .as_deref()
            .unwrap_or("")
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(str::to_string)
            .collect()
    }
}

#[async_trait]
pub trait CustomerDetailsStore: Send + Sync {
    async fn customer_details(&self, code: &str) -> Result<CustomerDetails>;
    /// Replace a customer's details (operators; audited). Empty values are stored as absent.
    async fn set_customer_details(&self, code: &str, d: &CustomerDetails, by: &Actor) -> Result<CustomerDetails>;
}

fn row(r: &Row) -> Result<CustomerDetails> {
    Ok(CustomerDetails { address: r.get(0)?, tax_id: r.get(1)?, po_number: r.get(2)?, billing_email: r.get(3)? })
}

const SELECT: &str = "SELECT address, tax_id, po_number, billing_email FROM customers WHERE code = $1";

/// Each value checked (an address: free text, a line each; the others: a name), trimmed, empty → `None`.
fn checked(d: &CustomerDetails) -> Result<CustomerDetails> {
    let name = |field: &str, v: &Option<String>| -> Result<Option<String>> {
        match v.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            None => Ok(None),
            Some(s) => Ok(Some(Name::new(field, s)?.as_str().to_string())),
        }
    };
    let address = match d.address.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => None,
        Some(a) => {
            let lines: Vec<String> = a
                .split(['\n', '|'])
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(|l| Name::new("address line", l).map(|n| n.as_str().to_string()))
                .collect::<std::result::Result<_, _>>()?;
            if lines.len() > 8 {
                return Err(StoreError::Invalid(format!("address: {} lines, 8 at most", lines.len())));
            }
            Some(lines.join("\n"))
        }
    };
    Ok(CustomerDetails {
        address,
        tax_id: name("tax id", &d.tax_id)?,
        po_number: name("PO number", &d.po_number)?,
        billing_email: name("billing e-mail", &d.billing_email)?,
    })
}

#[async_trait]
impl CustomerDetailsStore for SqlStore {
    async fn customer_details(&self, code: &str) -> Result<CustomerDetails> {
        match self.db.opt(SELECT, args![code]).await? {
            Some(r) => row(&r),
            None => Err(StoreError::NotFound(format!("customer {code}"))),
        }
    }

    async fn set_customer_details(&self, code: &str, d: &CustomerDetails, by: &Actor) -> Result<CustomerDetails> {
        let new = checked(d)?;
        let mut tx = self.db.begin().await?;
        let user = user_in(&mut tx, by).await?;
        if !user.role.can_write() {
            return Err(StoreError::Forbidden(format!(
                "{} ({}) may not change customer details: operators and managers do",
                user.name, user.role
            )));
        }
        let before = match tx.opt(SELECT, args![code]).await? {
            Some(r) => row(&r)?,
            None => return Err(StoreError::NotFound(format!("customer {code}"))),
        };
        tx.exec(
            "UPDATE customers SET address = $1, tax_id = $2, po_number = $3, billing_email = $4 WHERE code = $5",
            args![new.address.clone(), new.tax_id.clone(), new.po_number.clone(), new.billing_email.clone(), code],
        )
        .await?;
        let a = Audit::new("customer.details", "customer", code).before(&before).after(&new);
        audit::write(&mut tx, by, a).await?;
        tx.commit().await?;
        Ok(new)
    }
}
