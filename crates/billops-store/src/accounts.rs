//! Payer and linked accounts, effective-dated assignment to customers, and the linking workflow.
use async_trait::async_trait;
use chrono::NaiveDate;
use serde::Serialize;

use crate::accounts_bulk::{BulkAssigned, BulkAssignment};
use crate::audit::{self, Audit};
use crate::db::{Row, Tx, args};
use crate::parties::{close_and_replace, customer_id, role_in};
use crate::{
    AccountFilter, Actor, Assignment, LinkProposal, LinkedAccount, NewLinkProposal, PayerAccount, Result, SqlStore,
    StoreError,
};

const ASSIGNMENT_SELECT: &str = "SELECT a.account, c.code, a.valid_from, a.valid_to FROM account_assignments a \
     JOIN customers c ON c.id = a.customer_id WHERE a.account = $1 ORDER BY a.valid_from";

fn assignment_row(r: &Row) -> Result<Assignment> {
    Ok(Assignment { account: r.get(0)?, customer: r.get(1)?, from: r.get(2)?, to: r.get(3)? })
}

#[derive(Serialize)]
struct AssignState<'a> {
    customer: &'a str,
    from: NaiveDate,
}

/// Assign inside a transaction: close/replace assignments, move the account's cost on and after `from` to the
/// customer (its rollups; line items resolve their customer when read), resolve its open "unassigned" issues, audit.
async fn assign_in(
    tx: &mut Tx,
    account: &str,
    cid: i64,
    from: NaiveDate,
    by: &Actor,
    reason: Option<&str>,
) -> Result<()> {
    let was = record_assignment(tx, account, cid, from, by, reason).await?;
    crate::accounts_bulk::relocate_many(tx, &[crate::accounts_bulk::Move { account, cid, from, was }]).await.map(|_| ())
}

/// The assignment itself, without moving cost (the bulk path moves many accounts' cost at once): refuse a
/// locked period, close/replace the assignments, resolve the account's open "unassigned" issues, audit.
/// Returns the customers the account's rollups may carry before it ([`customers_before`]).
pub(crate) async fn record_assignment(
    tx: &mut Tx,
    account: &str,
    cid: i64,
    from: NaiveDate,
    by: &Actor,
    reason: Option<&str>,
) -> Result<Vec<i64>> {
    // Period locks (close): no assignment change that would move cost inside a signed-off period.
    crate::close::locks::refuse_from(tx, from).await?;
    let was = customers_before(tx, account).await?;
    let before: Vec<Assignment> =
        tx.all(ASSIGNMENT_SELECT, args![account]).await?.iter().map(assignment_row).collect::<Result<_>>()?;
    close_and_replace(tx, "account_assignments", "account", account, from).await?;
    tx.exec(
        "INSERT INTO account_assignments (account, customer_id, valid_from, valid_to, created_by, created_at) \
         VALUES ($1, $2, $3, NULL, $4, $5)",
        args![account, cid, from, by.name.as_str(), by.at],
    )
    .await?;
    let code: String = tx.one("SELECT code FROM customers WHERE id = $1", args![cid]).await?.get(0)?;
    let note = format!("assigned to {code} from {from}");
    tx.exec(
        "UPDATE feed_issues SET is_open = FALSE, resolved_by = $1, resolved_at = $2, note = $3 \
         WHERE kind = 'unassigned_account' AND account = $4 AND is_open",
        args![by.name.as_str(), by.at, note, account],
    )
    .await?;
    let mut a = Audit::new("account.assign", "linked_account", account)
        .before(&before)
        .after(&AssignState { customer: &code, from });
    if let Some(r) = reason {
        a = a.reason(r);
    }
    audit::write(tx, by, a).await?;
    Ok(was)
}

/// Every customer id the account's rollups can carry now: the customers of its assignments, and 0 (unassigned)
/// when some day of data falls outside them. Rollups always agree with the assignments (an import resolves each
/// row's customer through them, and every change of them goes through [`record_assignment`] and then moves the
/// cost), so a move needs to read only these customers' rollups: both keys start (period, customer_id).
async fn customers_before(tx: &mut Tx, account: &str) -> Result<Vec<i64>> {
    let rows = tx
        .all(
            "SELECT customer_id, valid_from, valid_to FROM account_assignments WHERE account = $1 ORDER BY valid_from",
            args![account],
        )
        .await?;
    let mut ids = Vec::with_capacity(rows.len() + 1);
    let mut spans: Vec<(NaiveDate, Option<NaiveDate>)> = Vec::with_capacity(rows.len());
    for r in &rows {
        ids.push(r.get::<i64>(0)?);
        spans.push((r.get(1)?, r.get(2)?));
    }
    // Covered without a gap from the first assignment on, and open-ended at the last?
    let chained = spans.windows(2).all(|w| w[0].1 == Some(w[1].0)) && spans.last().is_some_and(|s| s.1.is_none());
    let first_day: Option<NaiveDate> = tx.one("SELECT min(first_day) FROM batch_scopes", vec![]).await?.get(0)?;
    let covered = chained && spans.first().is_some_and(|s| first_day.is_none_or(|d| s.0 <= d));
    if !covered {
        ids.push(0);
    }
    ids.sort_unstable();
    ids.dedup();
    Ok(ids)
}

/// Record a link proposal inside a transaction (the caller checked the role): refused now when its date is in a
/// signed-off period (it could never be approved); audited. Returns its id.
pub(crate) async fn propose_in(
    tx: &mut Tx,
    account: &str,
    payer: &str,
    cid: i64,
    from: NaiveDate,
    by: &Actor,
) -> Result<i64> {
    crate::close::locks::refuse_from(tx, from).await?;
    let id: i64 = tx
        .one(
            "INSERT INTO link_proposals (account, payer, customer_id, valid_from, status, proposed_by, proposed_at) \
             VALUES ($1, $2, $3, $4, 'proposed', $5, $6) RETURNING id",
            args![account, payer, cid, from, by.name.as_str(), by.at],
        )
        .await?
        .get(0)?;
    let sql = format!("{PROPOSAL_SELECT} WHERE p.id = $1");
    let created = proposal_row(&tx.one(&sql, args![id]).await?)?;
    audit::write(tx, by, Audit::new("link.propose", "link_proposal", &id.to_string()).after(&created)).await?;
    Ok(id)
}

const PROPOSAL_SELECT: &str = "SELECT p.id, p.account, p.payer, c.code, p.valid_from, p.status, p.proposed_by, \
     p.proposed_at, p.decided_by, p.decided_at, p.reason FROM link_proposals p JOIN customers c ON c.id = p.customer_id";

fn proposal_row(r: &Row) -> Result<LinkProposal> {
    Ok(LinkProposal {
        id: r.get(0)?,
        account: r.get(1)?,
        payer: r.get(2)?,
        customer: r.get(3)?,
        from: r.get(4)?,
        status: r.get(5)?,
        proposed_by: r.get(6)?,
        proposed_at: r.get(7)?,
        decided_by: r.get(8)?,
        decided_at: r.get(9)?,
        reason: r.get(10)?,
    })
}

/// Payer and linked accounts, their effective-dated assignment to customers, link proposals.
#[async_trait]
pub trait Accounts: Send + Sync {
    async fn list_payers(&self) -> Result<Vec<PayerAccount>>;
    async fn list_accounts(&self, filter: &AccountFilter) -> Result<Vec<LinkedAccount>>;
    /// Assign `account` to `customer` from `from` (inclusive) onward; the assignment in force before `from`
    /// is closed at `from`. Line items and rollups on and after `from` move to the new customer.
    async fn assign_account(&self, account: &str, customer: &str, from: NaiveDate, by: &Actor) -> Result<()>;
    async fn assignments(&self, account: &str) -> Result<Vec<Assignment>>;
    async fn propose_link(&self, p: &NewLinkProposal, by: &Actor) -> Result<LinkProposal>;
    /// Map many accounts at once, all or nothing (see `accounts_bulk`): a manager's rows are assignments, an
    /// operator's link proposals; a row's failure names its line.
    async fn assign_accounts(&self, rows: &[BulkAssignment], by: &Actor) -> Result<BulkAssigned>;
    async fn list_link_proposals(&self, open_only: bool) -> Result<Vec<LinkProposal>>;
    /// A manager approves (the link and assignment take effect) or rejects a proposal.
    async fn decide_link(&self, id: i64, approve: bool, reason: &str, by: &Actor) -> Result<LinkProposal>;
}

#[async_trait]
impl Accounts for SqlStore {
    async fn list_payers(&self) -> Result<Vec<PayerAccount>> {
        let rows = self
            .db
            .all(
                "SELECT p.id, p.name, (SELECT count(*) FROM linked_accounts l WHERE l.payer = p.id) \
                 FROM payer_accounts p ORDER BY p.id",
                vec![],
            )
            .await?;
        rows.iter().map(|r| Ok(PayerAccount { id: r.get(0)?, name: r.get(1)?, account_count: r.get(2)? })).collect()
    }
    async fn list_accounts(&self, f: &AccountFilter) -> Result<Vec<LinkedAccount>> {
        let mut sql = String::from(
            "SELECT l.id, l.name, l.payer, c.code, l.first_seen FROM linked_accounts l \
             LEFT JOIN account_assignments a ON a.account = l.id AND a.valid_to IS NULL \
             LEFT JOIN customers c ON c.id = a.customer_id WHERE 1 = 1",
        );
        let mut a = Vec::new();
        if f.unassigned_only {
            sql.push_str(" AND a.id IS NULL");
        }
        if let Some(p) = &f.payer {
            a.push(p.into());
            sql.push_str(&format!(" AND l.payer = ${}", a.len()));
        }
        if let Some(c) = &f.customer {
            a.push(c.into());
            sql.push_str(&format!(" AND c.code = ${}", a.len()));
        }
        sql.push_str(" ORDER BY l.id");
        let rows = self.db.all(&sql, a).await?;
        rows.iter()
            .map(|r| {
                Ok(LinkedAccount {
                    id: r.get(0)?,
                    name: r.get(1)?,
                    payer: r.get(2)?,
                    customer: r.get(3)?,
                    first_seen: r.get(4)?,
                })
            })
            .collect()
    }
    async fn assign_account(&self, account: &str, customer: &str, from: NaiveDate, by: &Actor) -> Result<()> {
        let mut tx = self.db.begin().await?;
        // Moving an account moves revenue: managers assign directly (audited), operators propose.
        let role = role_in(&mut tx, &by.name).await?;
        if !role.can_write() {
            return Err(StoreError::Forbidden(format!(
                "{} ({role}) may not assign accounts: viewers read only",
                by.name
            )));
        }
        if role == billops_domain::Role::Operator {
            return Err(StoreError::Forbidden(format!(
                "{} ({role}) may not assign accounts directly: operators propose the assignment \
                 (billops accounts propose, p in the Accounts pane) and a manager approves it",
                by.name
            )));
        }
        if tx.opt("SELECT id FROM linked_accounts WHERE id = $1", args![account]).await?.is_none() {
            return Err(StoreError::NotFound(format!("linked account {account}")));
        }
        let cid = customer_id(&mut tx, customer).await?;
        assign_in(&mut tx, account, cid, from, by, None).await?;
        tx.commit().await
    }
    async fn assignments(&self, account: &str) -> Result<Vec<Assignment>> {
        self.db.all(ASSIGNMENT_SELECT, args![account]).await?.iter().map(assignment_row).collect()
    }
    async fn propose_link(&self, p: &NewLinkProposal, by: &Actor) -> Result<LinkProposal> {
        let (account, payer) = (p.account.trim(), p.payer.trim());
        if account.is_empty() || payer.is_empty() {
            return Err(StoreError::Invalid("a link proposal needs an account and a payer".into()));
        }
        let mut tx = self.db.begin().await?;
        if !role_in(&mut tx, &by.name).await?.can_write() {
            return Err(StoreError::Forbidden(format!("{} may not propose account links (viewer)", by.name)));
        }
        let cid = customer_id(&mut tx, &p.customer).await?;
        let id = propose_in(&mut tx, account, payer, cid, p.from, by).await?;
        let sql = format!("{PROPOSAL_SELECT} WHERE p.id = $1");
        let created = proposal_row(&tx.one(&sql, args![id]).await?)?;
        tx.commit().await?;
        Ok(created)
    }
    async fn assign_accounts(&self, rows: &[BulkAssignment], by: &Actor) -> Result<BulkAssigned> {
        let mut tx = self.db.begin().await?;
        let out = crate::accounts_bulk::assign_all(&mut tx, rows, by).await?;
        tx.commit().await?;
        Ok(out)
    }
    async fn list_link_proposals(&self, open_only: bool) -> Result<Vec<LinkProposal>> {
        let sql = if open_only {
            format!("{PROPOSAL_SELECT} WHERE p.status = 'proposed' ORDER BY p.id")
        } else {
            format!("{PROPOSAL_SELECT} ORDER BY p.id")
        };
        self.db.all(&sql, vec![]).await?.iter().map(proposal_row).collect()
    }
    async fn decide_link(&self, id: i64, approve: bool, reason: &str, by: &Actor) -> Result<LinkProposal> {
        crate::fields::text("reason", reason)?;
        let mut tx = self.db.begin().await?;
        let sql = format!("{PROPOSAL_SELECT} WHERE p.id = $1");
        let Some(row) = tx.opt(&sql, args![id]).await? else {
            return Err(StoreError::NotFound(format!("link proposal {id}")));
        };
        let p = proposal_row(&row)?;
        if p.status != "proposed" {
            return Err(StoreError::Conflict(format!("link proposal {id} was already {}", p.status)));
        }
        if !role_in(&mut tx, &by.name).await?.can_approve() {
            return Err(StoreError::Forbidden(format!(
                "{} is not a manager: only a manager decides account links",
                by.name
            )));
        }
        if by.name == p.proposed_by {
            return Err(StoreError::Forbidden(format!("{} proposed link {id} and cannot also decide it", by.name)));
        }
        if approve {
            crate::linking::refuse_if_overtaken(&mut tx, &p).await?;
            tx.exec(
                "INSERT INTO payer_accounts (id, name, first_seen) VALUES ($1, $1, $2) ON CONFLICT (id) DO NOTHING",
                args![p.payer.as_str(), by.at],
            )
            .await?;
            tx.exec(
                "INSERT INTO linked_accounts (id, name, payer, first_seen) VALUES ($1, $1, $2, $3) \
                 ON CONFLICT (id) DO UPDATE SET payer = excluded.payer",
                args![p.account.as_str(), p.payer.as_str(), by.at],
            )
            .await?;
            let cid = customer_id(&mut tx, &p.customer).await?;
            let why = format!("link proposal {id}");
            assign_in(&mut tx, &p.account, cid, p.from, by, Some(&why)).await?;
        }
        let status = if approve { "approved" } else { "rejected" };
        tx.exec(
            "UPDATE link_proposals SET status = $1, decided_by = $2, decided_at = $3, reason = $4 WHERE id = $5",
            args![status, by.name.as_str(), by.at, reason, id],
        )
        .await?;
        let decided = proposal_row(&tx.one(&sql, args![id]).await?)?;
        let action = if approve { "link.approve" } else { "link.reject" };
        let entity_id = id.to_string();
        let a = Audit::new(action, "link_proposal", &entity_id).before(&p).after(&decided).reason(reason);
        audit::write(&mut tx, by, a).await?;
        tx.commit().await?;
        Ok(decided)
    }
}
