//! Users and roles, customers, onboarding checklists, account codes.
use async_trait::async_trait;
use billops_domain::{Role, User};
use chrono::NaiveDate;
use serde::Serialize;

use crate::audit::{self, Audit};
use crate::db::{Db, Row, Tx, args};
use crate::{
    AccountCode, Actor, ChecklistItem, Customer, NewAccountCode, NewCustomer, Result, SqlStore, StoreError, UserRow,
};

/// A user's role inside a transaction. Unknown users are viewers, except while the store has no users at all
/// (bootstrap: whoever acts is a manager until the first user is added, the same rule the CLI applies).
/// On PostgreSQL the result is capped by the session login's role (see `access`); a blank name is refused.
pub(crate) async fn role_in(tx: &mut Tx, name: &str) -> Result<Role> {
    crate::access::require_identity(name)?;
    let role = match tx.opt("SELECT role FROM users WHERE name = $1", args![name]).await? {
        Some(r) => r.get::<String>(0)?.parse().map_err(StoreError::Invalid)?,
        None if tx.opt("SELECT name FROM users LIMIT 1", vec![]).await?.is_none() => Role::Manager,
        None => Role::Viewer,
    };
    crate::access::cap(tx, role).await
}

/// Insert or update a user's role in `tx`, audited (before and after; `reason` when given).
pub(crate) async fn upsert_user(tx: &mut Tx, name: &str, role: Role, by: &Actor, reason: Option<&str>) -> Result<()> {
    let before: Option<String> =
        tx.opt("SELECT role FROM users WHERE name = $1", args![name]).await?.map(|r| r.get(0)).transpose()?;
    tx.exec(
        "INSERT INTO users (name, role, updated_by, updated_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (name) DO UPDATE SET role = excluded.role, updated_by = excluded.updated_by, \
         updated_at = excluded.updated_at",
        args![name, role.as_str(), by.name.as_str(), by.at],
    )
    .await?;
    let mut a = Audit::new("user.set_role", "user", name).after(&role.as_str());
    if let Some(b) = &before {
        a = a.before(b);
    }
    if let Some(r) = reason {
        a = a.reason(r);
    }
    audit::write(tx, by, a).await
}

/// The acting user with the role the store knows (unknown users are viewers).
pub(crate) async fn user_in(tx: &mut Tx, by: &Actor) -> Result<User> {
    let role: Role = role_in(tx, &by.name).await?;
    Ok(User { name: by.name.clone(), role })
}

const CUSTOMER_SELECT: &str = "SELECT c.id, c.code, c.name, c.currency, c.status, c.account_code, \
     (SELECT count(*) FROM account_assignments a WHERE a.customer_id = c.id AND a.valid_to IS NULL) \
     FROM customers c";

fn customer_row(r: &Row) -> Result<Customer> {
    Ok(Customer {
        id: r.get(0)?,
        code: r.get(1)?,
        name: r.get(2)?,
        currency: r.get(3)?,
        status: r.get(4)?,
        account_code: r.get(5)?,
        account_count: r.get(6)?,
    })
}

/// Add a customer inside a transaction (checked, audited): codes that differ only in case are refused.
pub(crate) async fn add_customer_in(tx: &mut Tx, c: &NewCustomer, by: &Actor) -> Result<Customer> {
    crate::fields::customer(c)?;
    let code = c.code.trim();
    let currency = c.currency.trim();
    if currency.len() != 3 || !currency.bytes().all(|b| b.is_ascii_uppercase()) {
        return Err(StoreError::Invalid(format!("currency {:?} is not an ISO 4217 code (e.g. USD)", c.currency)));
    }
    // codes that differ only in case are one customer to a person (`acme` and `ACME`): refused
    let folded = code.to_lowercase();
    for r in tx.all("SELECT code FROM customers", vec![]).await? {
        let existing: String = r.get(0)?;
        if existing.to_lowercase() == folded {
            return Err(StoreError::Conflict(if existing == code {
                format!("customer {code} already exists")
            } else {
                format!("customer {existing} already exists (codes differ only in case: {code})")
            }));
        }
    }
    tx.exec(
        "INSERT INTO customers (code, name, currency, status, account_code, created_by, created_at) \
         VALUES ($1, $2, $3, 'active', NULL, $4, $5)",
        args![code, c.name.trim(), currency, by.name.as_str(), by.at],
    )
    .await?;
    let sql = format!("{CUSTOMER_SELECT} WHERE c.code = $1");
    let created = customer_row(&tx.one(&sql, args![code]).await?)?;
    audit::write(tx, by, Audit::new("customer.add", "customer", code).after(&created)).await?;
    Ok(created)
}

pub(crate) async fn customer(db: &Db, code: &str) -> Result<Customer> {
    let sql = format!("{CUSTOMER_SELECT} WHERE c.code = $1");
    match db.opt(&sql, args![code]).await? {
        Some(r) => customer_row(&r),
        None => Err(StoreError::NotFound(format!("customer {code}"))),
    }
}

/// The id of customer `code` inside a transaction.
pub(crate) async fn customer_id(tx: &mut Tx, code: &str) -> Result<i64> {
    match tx.opt("SELECT id FROM customers WHERE code = $1", args![code]).await? {
        Some(r) => r.get(0),
        None => Err(StoreError::NotFound(format!("customer {code}"))),
    }
}

#[derive(Serialize)]
struct CodeState<'a> {
    code: &'a str,
    from: NaiveDate,
}

/// Set every code in ONE transaction, in order: any refusal (scope, empty code, role, unknown customer, a
/// locked period, not a month's first day) writes none of them.
pub(crate) async fn set_account_codes(db: &Db, codes: &[NewAccountCode], by: &Actor) -> Result<()> {
    for c in codes {
        code_scope(c)?;
    }
    let mut tx = db.begin().await?;
    let role = role_in(&mut tx, &by.name).await?;
    if !role.can_write() {
        return Err(StoreError::Forbidden(format!("{} ({role}) may not change account codes", by.name)));
    }
    for c in codes {
        write_account_code(&mut tx, c, by).await?;
    }
    tx.commit().await
}

/// The checked `(kind, target)` of a code's scope.
fn code_scope(c: &NewAccountCode) -> Result<(&str, &str)> {
    crate::fields::account_code(c)?;
    let scope = c.scope.trim();
    let (kind, target) = scope.split_once(':').unwrap_or(("", ""));
    if !matches!(kind, "customer" | "product" | "account") || target.trim().is_empty() {
        return Err(StoreError::Invalid(format!(
            "account code scope {scope:?} must be customer:CODE, product:NAME or account:ID"
        )));
    }
    if c.code.trim().is_empty() {
        return Err(StoreError::Invalid(format!("account code for {scope} is empty")));
    }
    Ok((kind, target))
}

async fn write_account_code(tx: &mut Tx, c: &NewAccountCode, by: &Actor) -> Result<()> {
    let (kind, target) = code_scope(c)?;
    let scope = c.scope.trim();
    if kind == "customer" {
        customer_id(tx, target).await?;
    }
    // a code from inside a locked period would change the codes on its invoices; drafts take the codes in force
    // on the period's first day, so a code starts on one
    crate::close::locks::refuse_from(tx, c.from).await?;
    crate::rating::month_start("an account code", c.from)?;
    let before = codes_in(tx, scope).await?;
    close_and_replace(tx, "account_codes", "scope", scope, c.from).await?;
    tx.exec(
        "INSERT INTO account_codes (scope, code, valid_from, valid_to, created_by, created_at) \
         VALUES ($1, $2, $3, NULL, $4, $5)",
        args![scope, c.code.trim(), c.from, by.name.as_str(), by.at],
    )
    .await?;
    if kind == "customer" {
        tx.exec("UPDATE customers SET account_code = $1 WHERE code = $2", args![c.code.trim(), target]).await?;
    }
    let a = Audit::new("account_code.set", "account_code", scope)
        .before(&before)
        .after(&CodeState { code: c.code.trim(), from: c.from });
    audit::write(tx, by, a).await
}

async fn codes_in(tx: &mut Tx, scope: &str) -> Result<Vec<AccountCode>> {
    let rows = tx
        .all(
            "SELECT scope, code, valid_from, valid_to FROM account_codes WHERE scope = $1 ORDER BY valid_from",
            args![scope],
        )
        .await?;
    rows.iter().map(code_row).collect()
}

fn code_row(r: &Row) -> Result<AccountCode> {
    Ok(AccountCode { scope: r.get(0)?, code: r.get(1)?, from: r.get(2)?, to: r.get(3)? })
}

/// Effective dating, half-open: rows of `key = value` starting on or after `from` are replaced, the row in
/// force at `from` is closed at `from`. The caller then inserts the new open-ended row.
/// (`table`/`key` are fixed identifiers from this crate, never input.)
pub(crate) async fn close_and_replace(
    tx: &mut Tx,
    table: &'static str,
    key: &'static str,
    value: &str,
    from: NaiveDate,
) -> Result<()> {
    let del = format!("DELETE FROM {table} WHERE {key} = $1 AND valid_from >= $2");
    tx.exec(&del, args![value, from]).await?;
    let close = format!(
        "UPDATE {table} SET valid_to = $2 WHERE {key} = $1 AND valid_from < $2 AND (valid_to IS NULL OR valid_to > $2)"
    );
    tx.exec(&close, args![value, from]).await?;
    Ok(())
}

/// Users and roles, customers, onboarding checklists and account codes.
#[async_trait]
pub trait Parties: Send + Sync {
    async fn set_user(&self, name: &str, role: Role, by: &Actor) -> Result<()>;
    /// The role of a user; `None` when unknown (callers treat unknown users as viewers).
    async fn user_role(&self, name: &str) -> Result<Option<Role>>;
    async fn list_users(&self) -> Result<Vec<UserRow>>;
    async fn add_customer(&self, c: &NewCustomer, by: &Actor) -> Result<Customer>;
    async fn list_customers(&self) -> Result<Vec<Customer>>;
    async fn customer(&self, code: &str) -> Result<Customer>;
    async fn onboarding(&self, customer: &str) -> Result<Vec<ChecklistItem>>;
    async fn tick_onboarding(&self, customer: &str, item: &str, done: bool, by: &Actor) -> Result<()>;
    async fn set_account_code(&self, code: &NewAccountCode, by: &Actor) -> Result<()>;
    async fn list_account_codes(&self) -> Result<Vec<AccountCode>>;
    /// [`Parties::set_account_code`] for many, in order, in ONE transaction: a refusal of any writes none.
    async fn set_account_codes(&self, codes: &[NewAccountCode], by: &Actor) -> Result<()>;
}

#[async_trait]
impl Parties for SqlStore {
    async fn set_user(&self, name: &str, role: Role, by: &Actor) -> Result<()> {
        let name = name.trim();
        if name.is_empty() {
            return Err(StoreError::Invalid("a user needs a name".into()));
        }
        let mut tx = self.db.begin().await?;
        // users and roles are the managers' (while the store has no users, whoever acts is one)
        let mine = role_in(&mut tx, &by.name).await?;
        if !mine.can_approve() {
            return Err(StoreError::Forbidden(format!(
                "{} ({mine}) may not set users' roles: a manager does",
                by.name
            )));
        }
        upsert_user(&mut tx, name, role, by, None).await?;
        tx.commit().await
    }
    async fn user_role(&self, name: &str) -> Result<Option<Role>> {
        let row = self.db.opt("SELECT role FROM users WHERE name = $1", args![name]).await?;
        match row {
            None => Ok(None),
            Some(r) => {
                let s: String = r.get(0)?;
                s.parse().map(Some).map_err(StoreError::Invalid)
            }
        }
    }
    async fn list_users(&self) -> Result<Vec<UserRow>> {
        let rows = self.db.all("SELECT name, role FROM users ORDER BY name", vec![]).await?;
        rows.iter()
            .map(|r| Ok(UserRow { name: r.get(0)?, role: r.get::<String>(1)?.parse().map_err(StoreError::Invalid)? }))
            .collect()
    }
    async fn add_customer(&self, c: &NewCustomer, by: &Actor) -> Result<Customer> {
        let mut tx = self.db.begin().await?;
        let created = add_customer_in(&mut tx, c, by).await?;
        tx.commit().await?;
        Ok(created)
    }
    async fn list_customers(&self) -> Result<Vec<Customer>> {
        let sql = format!("{CUSTOMER_SELECT} ORDER BY c.code");
        self.db.all(&sql, vec![]).await?.iter().map(customer_row).collect()
    }
    async fn customer(&self, code: &str) -> Result<Customer> {
        customer(&self.db, code).await
    }
    async fn onboarding(&self, code: &str) -> Result<Vec<ChecklistItem>> {
        // The checklist is data (`onboarding.rs`): current items only, computed ones computed now.
        let c = customer(&self.db, code).await?;
        let entries = crate::onboarding::status_of(&mut crate::db::Conn::Db(&self.db), c.id).await?;
        Ok(entries.into_iter().map(|e| ChecklistItem { item: e.item, done: e.done, by: e.by, at: e.at }).collect())
    }
    async fn tick_onboarding(&self, code: &str, item: &str, done: bool, by: &Actor) -> Result<()> {
        let mut tx = self.db.begin().await?;
        let u = crate::onboarding::OnboardingUpdate { done: Some(done), ..Default::default() };
        crate::onboarding::update_in(&mut tx, code, item, &u, by).await?;
        tx.commit().await
    }
    async fn set_account_code(&self, c: &NewAccountCode, by: &Actor) -> Result<()> {
        set_account_codes(&self.db, std::slice::from_ref(c), by).await
    }
    async fn list_account_codes(&self) -> Result<Vec<AccountCode>> {
        let rows = self
            .db
            .all("SELECT scope, code, valid_from, valid_to FROM account_codes ORDER BY scope, valid_from", vec![])
            .await?;
        rows.iter().map(code_row).collect()
    }
    async fn set_account_codes(&self, codes: &[NewAccountCode], by: &Actor) -> Result<()> {
        set_account_codes(&self.db, codes, by).await
    }
}
