//! Account linking with oversight (SPEC §2.2), the parts beyond the `Store` trait's link proposals:
//! an operator's assignment as a proposal (its payer as recorded), the stale-proposal rule and payer /
//! linked-account names (set one by one or from an account list, every change audited).
//!
//! The rules, wherever the change comes from (CLI, console, a script): managers assign directly (audited);
//! for an operator every change of assignment is a proposal; approving a proposal that a later assignment
//! of the same account overtook is refused as stale (it described an account that has moved since); the
//! proposer never decides their own proposal. On PostgreSQL the database enforces the first and the last
//! too (migration 0011: triggers).
use async_trait::async_trait;
use billops_domain::text::Name;
use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

use crate::audit::{self, Audit};
use crate::db::{Tx, args};
use crate::parties::role_in;
use crate::{Actor, LinkProposal, NewLinkProposal, Result, SqlStore, StoreError};

/// Which name is set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum NameTarget {
    Account,
    Payer,
}

impl NameTarget {
    fn table(self) -> &'static str {
        match self {
            NameTarget::Account => "linked_accounts",
            NameTarget::Payer => "payer_accounts",
        }
    }
    fn what(self) -> &'static str {
        match self {
            NameTarget::Account => "linked account",
            NameTarget::Payer => "payer",
        }
    }
}

/// One row of an account list (CSV) being imported: a line for messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NameRow {
    pub line: u64,
    pub target: NameTarget,
    pub id: String,
    pub name: String,
}

#[async_trait]
pub trait Linking: Send + Sync {
    /// An operator's (or anyone's) assignment as a proposal: the account's payer as billops records it.
    async fn propose_assignment(
        &self,
        account: &str,
        customer: &str,
        from: NaiveDate,
        by: &Actor,
    ) -> Result<LinkProposal>;
    /// Set a payer's or linked account's name (operators and managers; audited with before and after).
    async fn set_account_name(&self, target: NameTarget, id: &str, name: &str, by: &Actor) -> Result<()>;
    /// Names from an account list, all or none; returns how many changed.
    async fn import_account_names(&self, rows: &[NameRow], by: &Actor) -> Result<usize>;
}

/// Refuse approving `p` when an assignment of its account was made after `p` was proposed.
pub(crate) async fn refuse_if_overtaken(tx: &mut Tx, p: &LinkProposal) -> Result<()> {
    let rows = tx
        .all(
            "SELECT c.code, a.created_by, a.created_at FROM account_assignments a \
             JOIN customers c ON c.id = a.customer_id WHERE a.account = $1",
            args![p.account.as_str()],
        )
        .await?;
    for r in &rows {
        let at: DateTime<Utc> = r.get(2)?;
        if at > p.proposed_at {
            let (code, who): (String, String) = (r.get(0)?, r.get(1)?);
            return Err(StoreError::Conflict(format!(
                "stale: account {} was assigned to {code} by {who} at {} after proposal {} (→ {}) was made; \
                 reject it, and propose again if it still applies",
                p.account,
                at.format("%Y-%m-%d %H:%M"),
                p.id,
                p.customer
            )));
        }
    }
    Ok(())
}

async fn set_in(tx: &mut Tx, target: NameTarget, id: &str, name: &str, by: &Actor) -> Result<bool> {
    let table = target.table();
    let before: String = tx
        .opt(&format!("SELECT name FROM {table} WHERE id = $1"), args![id])
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("{} {id}", target.what())))?
        .get(0)?;
    if before == name {
        return Ok(false);
    }
    tx.exec(&format!("UPDATE {table} SET name = $1 WHERE id = $2"), args![name, id]).await?;
    let entity = if target == NameTarget::Account { "linked_account" } else { "payer_account" };
    audit::write(tx, by, Audit::new("account.name", entity, id).before(&before).after(&name)).await?;
    Ok(true)
}

async fn writer(tx: &mut Tx, by: &Actor) -> Result<()> {
    if !role_in(tx, &by.name).await?.can_write() {
        return Err(StoreError::Forbidden(format!("{} may not name accounts (viewer)", by.name)));
    }
    Ok(())
}

#[async_trait]
impl Linking for SqlStore {
    async fn propose_assignment(
        &self,
        account: &str,
        customer: &str,
        from: NaiveDate,
        by: &Actor,
    ) -> Result<LinkProposal> {
        let payer: String = self
            .db
            .opt("SELECT payer FROM linked_accounts WHERE id = $1", args![account.trim()])
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("linked account {account}")))?
            .get(0)?;
        let p = NewLinkProposal { account: account.trim().into(), payer, customer: customer.trim().into(), from };
        crate::accounts::Accounts::propose_link(self, &p, by).await
    }

    async fn set_account_name(&self, target: NameTarget, id: &str, name: &str, by: &Actor) -> Result<()> {
        let name = Name::new("name", name)?.into_string();
        let mut tx = self.db.begin().await?;
        writer(&mut tx, by).await?;
        set_in(&mut tx, target, id.trim(), &name, by).await?;
        tx.commit().await
    }

    async fn import_account_names(&self, rows: &[NameRow], by: &Actor) -> Result<usize> {
        let mut tx = self.db.begin().await?;
        writer(&mut tx, by).await?;
        let mut changed = 0;
        for r in rows {
            let at = |e: StoreError| match e {
                StoreError::Invalid(m) | StoreError::NotFound(m) => {
                    StoreError::Invalid(format!("line {}: {m}; nothing was imported", r.line))
                }
                other => other,
            };
            let name = Name::new("name", &r.name).map_err(|e| at(e.into()))?.into_string();
            if set_in(&mut tx, r.target, r.id.trim(), &name, by).await.map_err(at)? {
                changed += 1;
            }
        }
        tx.commit().await?;
        Ok(changed)
    }
}
