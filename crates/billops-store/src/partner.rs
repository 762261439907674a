//! Customer mapping from Azure partner fields (issue 13, migration 0019): the MCA/CSP export's
//! customerTenantId / customerName / resellerName kept per linked account (written by the import), a
//! customer's recorded Azure tenant id, the suggestions `billops_domain::partner::suggest` makes for the
//! unassigned accounts, and taking them in one transaction: new customers first, then the accounts through the
//! bulk path (`accounts_bulk::assign_all`: a manager's are assignments, an operator's link proposals).
//!
//! Accounts with an open link proposal are not suggested again: they wait on a manager's decision.
use std::collections::BTreeMap;

use async_trait::async_trait;
use billops_domain::Role;
use billops_domain::partner::{Basis, KnownCustomer, PartnerAccount, PartnerFields, Suggestion, suggest};
use billops_domain::text::Code;
use chrono::NaiveDate;
use serde::Serialize;

use crate::accounts_bulk::{BulkAssigned, BulkAssignment, assign_all_why};
use crate::audit::{self, Audit};
use crate::db::{Tx, args};
use crate::parties::{add_customer_in, role_in};
use crate::{Actor, NewCustomer, Result, SqlStore, StoreError};

/// What taking the suggestions did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct PartnerApplied {
    /// The suggestions taken (after `only`).
    pub taken: Vec<Suggestion>,
    /// New customers created, by code.
    pub created: Vec<String>,
    /// Customers whose Azure tenant id was recorded (a new customer's, or a manager's name match).
    pub tenants_recorded: Vec<String>,
    /// The assignments (manager) or link proposals (operator).
    pub mapped: BulkAssigned,
}

/// A linked account's partner fields as recorded (for a detail view).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AccountPartnerRow {
    pub account: String,
    pub fields: PartnerFields,
}

#[async_trait]
pub trait PartnerMapping: Send + Sync {
    /// For each unassigned linked account with partner fields (and no open link proposal), the customer
    /// suggested and why (tenant id, name, new), by account.
    async fn partner_suggestions(&self) -> Result<Vec<Suggestion>>;
    /// The partner fields recorded for every linked account that has any, by account.
    async fn account_partners(&self) -> Result<Vec<AccountPartnerRow>>;
    /// Customers' recorded Azure tenant ids: (code, tenant id), by code.
    async fn customer_tenants(&self) -> Result<Vec<(String, String)>>;
    /// Record a customer's Azure tenant id (`None` clears it). Operators record one where none is; changing
    /// or clearing one is a manager's; a tenant id is one customer's. Audited.
    async fn set_customer_tenant(&self, customer: &str, tenant: Option<&str>, by: &Actor) -> Result<()>;
    /// Take the suggestions (only those of `only`'s accounts when it is not empty; an account in it without a
    /// suggestion refuses all), effective `from`, in ONE transaction: new customers (in the currency of the
    /// account's cost) first, then the accounts through the bulk path. Viewers are refused.
    async fn apply_partner_suggestions(&self, only: &[String], from: NaiveDate, by: &Actor) -> Result<PartnerApplied>;
}

async fn suggestions_in(tx: &mut Tx) -> Result<Vec<Suggestion>> {
    let rows = tx
        .all(
            "SELECT l.id, l.name, l.payer, l.azure_customer_tenant_id, l.azure_customer_name, l.azure_reseller_name \
             FROM linked_accounts l \
             WHERE (l.azure_customer_tenant_id IS NOT NULL OR l.azure_customer_name IS NOT NULL) \
             AND NOT EXISTS (SELECT 1 FROM account_assignments a WHERE a.account = l.id AND a.valid_to IS NULL) \
             AND NOT EXISTS (SELECT 1 FROM link_proposals p WHERE p.account = l.id AND p.status = 'proposed') \
             ORDER BY l.id",
            vec![],
        )
        .await?;
    let accounts = rows
        .iter()
        .map(|r| {
            Ok(PartnerAccount {
                account: r.get(0)?,
                name: r.get(1)?,
                payer: r.get(2)?,
                fields: PartnerFields {
                    customer_tenant_id: r.get::<Option<String>>(3)?.unwrap_or_default(),
                    customer_name: r.get::<Option<String>>(4)?.unwrap_or_default(),
                    reseller_name: r.get::<Option<String>>(5)?.unwrap_or_default(),
                },
            })
        })
        .collect::<Result<Vec<_>>>()?;
    if accounts.is_empty() {
        return Ok(Vec::new());
    }
    let customers = tx
        .all("SELECT code, name, azure_tenant_id FROM customers ORDER BY code", vec![])
        .await?
        .iter()
        .map(|r| Ok(KnownCustomer { code: r.get(0)?, name: r.get(1)?, tenant_id: r.get(2)? }))
        .collect::<Result<Vec<_>>>()?;
    Ok(suggest(&accounts, &customers))
}

/// The currency a new customer is created in: the one its account's cost is in. None, or several, is refused.
async fn currency_of(tx: &mut Tx, account: &str, code: &str) -> Result<String> {
    let rows = tx
        .all(
            "SELECT DISTINCT c.value FROM cost_rollups r JOIN dict a ON a.id = r.account \
             JOIN dict c ON c.id = r.currency WHERE a.value = $1 ORDER BY c.value",
            args![account],
        )
        .await?;
    let found: Vec<String> = rows.iter().map(|r| r.get(0)).collect::<Result<_>>()?;
    match found.as_slice() {
        [one] if !one.is_empty() => Ok(one.clone()),
        [] | [_] => Err(StoreError::Invalid(format!(
            "account {account} has no cost in a known currency, so new customer {code} has no currency: add it \
             by hand (billops customers add) and take the suggestion again"
        ))),
        many => Err(StoreError::Invalid(format!(
            "account {account} has cost in {}: say which currency new customer {code} bills in (billops customers \
             add) and take the suggestion again",
            many.join(" and ")
        ))),
    }
}

/// Record `tenant` for customer `code` inside a transaction (role checked by the caller); audited.
async fn record_tenant(tx: &mut Tx, code: &str, tenant: Option<&str>, by: &Actor) -> Result<()> {
    let before: Option<String> = tx
        .opt("SELECT azure_tenant_id FROM customers WHERE code = $1", args![code])
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("customer {code}")))?
        .get(0)?;
    if let Some(t) = tenant
        && let Some(r) = tx
            .opt("SELECT code FROM customers WHERE lower(azure_tenant_id) = lower($1) AND code <> $2", args![t, code])
            .await?
    {
        let other: String = r.get(0)?;
        return Err(StoreError::Conflict(format!("Azure tenant id {t} is recorded for customer {other} already")));
    }
    tx.exec("UPDATE customers SET azure_tenant_id = $1 WHERE code = $2", args![tenant, code]).await?;
    let a = Audit::new("customer.azure_tenant", "customer", code).before(&before).after(&tenant);
    audit::write(tx, by, a).await
}

#[async_trait]
impl PartnerMapping for SqlStore {
    async fn partner_suggestions(&self) -> Result<Vec<Suggestion>> {
        let mut tx = self.db.begin().await?;
        let out = suggestions_in(&mut tx).await?;
        tx.rollback().await?;
        Ok(out)
    }

    async fn account_partners(&self) -> Result<Vec<AccountPartnerRow>> {
        let rows = self
            .db
            .all(
                "SELECT id, azure_customer_tenant_id, azure_customer_name, azure_reseller_name FROM linked_accounts \
                 WHERE azure_customer_tenant_id IS NOT NULL OR azure_customer_name IS NOT NULL \
                 OR azure_reseller_name IS NOT NULL ORDER BY id",
                vec![],
            )
            .await?;
        rows.iter()
            .map(|r| {
                Ok(AccountPartnerRow {
                    account: r.get(0)?,
                    fields: PartnerFields {
                        customer_tenant_id: r.get::<Option<String>>(1)?.unwrap_or_default(),
                        customer_name: r.get::<Option<String>>(2)?.unwrap_or_default(),
                        reseller_name: r.get::<Option<String>>(3)?.unwrap_or_default(),
                    },
                })
            })
            .collect()
    }

    async fn customer_tenants(&self) -> Result<Vec<(String, String)>> {
        let rows = self
            .db
            .all("SELECT code, azure_tenant_id FROM customers WHERE azure_tenant_id IS NOT NULL ORDER BY code", vec![])
            .await?;
        rows.iter().map(|r| Ok((r.get(0)?, r.get(1)?))).collect()
    }

    async fn set_customer_tenant(&self, customer: &str, tenant: Option<&str>, by: &Actor) -> Result<()> {
        let tenant = tenant.map(|t| Code::new("Azure tenant id", t).map(Code::into_string)).transpose()?;
        let mut tx = self.db.begin().await?;
        let role = role_in(&mut tx, &by.name).await?;
        if !role.can_write() {
            return Err(StoreError::Forbidden(format!("{} ({role}) may not record tenant ids (viewer)", by.name)));
        }
        let before: Option<String> = tx
            .opt("SELECT azure_tenant_id FROM customers WHERE code = $1", args![customer])
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("customer {customer}")))?
            .get(0)?;
        if before.as_deref() == tenant.as_deref() {
            return Ok(());
        }
        if before.is_some() && role != Role::Manager {
            return Err(StoreError::Forbidden(format!(
                "{} ({role}) may not change customer {customer}'s recorded Azure tenant id: a manager does",
                by.name
            )));
        }
        record_tenant(&mut tx, customer, tenant.as_deref(), by).await?;
        tx.commit().await
    }

    async fn apply_partner_suggestions(&self, only: &[String], from: NaiveDate, by: &Actor) -> Result<PartnerApplied> {
        let mut tx = self.db.begin().await?;
        let role = role_in(&mut tx, &by.name).await?;
        if !role.can_write() {
            return Err(StoreError::Forbidden(format!(
                "{} ({role}) may not take account suggestions: viewers read only",
                by.name
            )));
        }
        let all = suggestions_in(&mut tx).await?;
        let taken: Vec<Suggestion> = if only.is_empty() {
            all
        } else {
            let missing: Vec<&str> =
                only.iter().filter(|a| !all.iter().any(|s| &s.account == *a)).map(String::as_str).collect();
            if !missing.is_empty() {
                return Err(StoreError::Invalid(format!(
                    "no suggestion for account(s) {} (assigned already, proposed, or no partner fields: billops \
                     accounts suggest lists them); nothing was assigned",
                    missing.join(", ")
                )));
            }
            all.into_iter().filter(|s| only.contains(&s.account)).collect()
        };
        let mut out = PartnerApplied::default();
        if taken.is_empty() {
            tx.rollback().await?;
            return Ok(out);
        }
        // a signed-off month: refused before anything is created (the bulk path would refuse it row by row)
        crate::close::locks::refuse_from(&mut tx, from).await?;
        // new customers first, once each (several accounts may share one)
        let mut new: BTreeMap<&str, &Suggestion> = BTreeMap::new();
        for s in taken.iter().filter(|s| s.basis == Basis::New) {
            new.entry(s.customer.as_str()).or_insert(s);
        }
        for (code, s) in &new {
            let currency = currency_of(&mut tx, &s.account, code).await?;
            let c = NewCustomer { code: (*code).to_string(), name: s.customer_name.clone(), currency };
            add_customer_in(&mut tx, &c, by).await?;
            out.created.push((*code).to_string());
            if !s.fields.customer_tenant_id.trim().is_empty() {
                record_tenant(&mut tx, code, Some(s.fields.customer_tenant_id.trim()), by).await?;
                out.tenants_recorded.push((*code).to_string());
            }
        }
        // a manager's name match teaches the customer its tenant id (when it has none and no other has it)
        if role == Role::Manager {
            for s in taken.iter().filter(|s| s.basis == Basis::Name) {
                let t = s.fields.customer_tenant_id.trim();
                if t.is_empty() || out.tenants_recorded.contains(&s.customer) {
                    continue;
                }
                let has: Option<String> = tx
                    .one("SELECT azure_tenant_id FROM customers WHERE code = $1", args![s.customer.as_str()])
                    .await?
                    .get(0)?;
                let elsewhere = tx
                    .opt("SELECT code FROM customers WHERE lower(azure_tenant_id) = lower($1)", args![t])
                    .await?
                    .is_some();
                if has.is_none() && !elsewhere {
                    record_tenant(&mut tx, &s.customer, Some(t), by).await?;
                    out.tenants_recorded.push(s.customer.clone());
                }
            }
        }
        let rows: Vec<BulkAssignment> = taken
            .iter()
            .enumerate()
            .map(|(i, s)| BulkAssignment {
                account: s.account.clone(),
                customer: s.customer.clone(),
                from,
                line: u64::try_from(i + 1).unwrap_or(u64::MAX),
            })
            .collect();
        let basis = |r: &BulkAssignment| {
            let s = taken.iter().find(|s| s.account == r.account);
            format!("Azure partner fields: {}", s.map_or_else(String::new, Suggestion::text))
        };
        out.mapped = assign_all_why(&mut tx, &rows, by, &basis).await?;
        tx.commit().await?;
        out.taken = taken;
        Ok(out)
    }
}
