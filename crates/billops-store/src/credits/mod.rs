//! Credits: the domain `Credit` replayed from its stored proposal and events, decided by the domain
//! (maker-checker, managers only), written back under an optimistic `version`.
pub(crate) mod unreached;

use async_trait::async_trait;
use billops_domain::credit::{
    ApprovalPolicy, Credit, CreditApplication, CreditError, CreditEvent, CreditProposal, CreditStatus,
};
use billops_domain::{Money, Period, User};
use chrono::Days;
use serde::Serialize;

use crate::audit::{self, Audit};
use crate::close::locks;
use crate::db::{Conn, Db, Row, Tx, args, json, money_args, money_cols, placeholders, set_money, unjson};
use crate::parties::{customer_id, user_in};
use crate::{Actor, CreditFilter, NewCredit, Result, SqlStore, StoreError, StoredCredit, UnreachedCredits};

pub(crate) fn credit_error(e: CreditError) -> StoreError {
    match e {
        CreditError::NotPermitted { .. } | CreditError::SameApprover { .. } => StoreError::Forbidden(e.to_string()),
        CreditError::WrongStatus { .. } => StoreError::Conflict(e.to_string()),
        other => StoreError::Invalid(other.to_string()),
    }
}

fn status_str(s: CreditStatus) -> Result<String> {
    Ok(json(&s)?.trim_matches('"').to_string())
}

/// The numeric id of `CR-12` (or `12`).
pub fn parse_credit_id(s: &str) -> Option<i64> {
    s.trim().trim_start_matches("CR-").parse().ok()
}

const SELECT: &str = "SELECT id, version, proposal_json, events_json FROM credits";

fn row(r: &Row) -> Result<StoredCredit> {
    let proposal: CreditProposal = unjson(&r.get::<String>(2)?, "credit proposal")?;
    let events: Vec<CreditEvent> = unjson(&r.get::<String>(3)?, "credit events")?;
    let credit = Credit::replay(proposal, events).map_err(credit_error)?;
    Ok(StoredCredit { id: r.get(0)?, version: r.get(1)?, credit })
}

pub(crate) async fn load(c: &mut Conn<'_>, id: i64) -> Result<StoredCredit> {
    let r = c.opt(&format!("{SELECT} WHERE id = $1"), args![id]).await?;
    row(&r.ok_or_else(|| StoreError::NotFound(format!("credit CR-{id}")))?)
}

pub(crate) async fn list(db: &Db, f: &CreditFilter) -> Result<Vec<StoredCredit>> {
    let mut sql = format!("{SELECT} WHERE 1 = 1");
    let mut a = Vec::new();
    if let Some(c) = &f.customer {
        a.push(c.into());
        sql.push_str(&format!(" AND customer_id = (SELECT id FROM customers WHERE code = ${})", a.len()));
    }
    if f.open_only {
        sql.push_str(" AND status IN ('proposed', 'approved')");
    }
    sql.push_str(" ORDER BY id");
    db.all(&sql, a).await?.iter().map(row).collect()
}

/// Write a credit's state back; a moved version is a conflict.
async fn save(tx: &mut Tx, id: i64, version: i64, c: &Credit, decided: bool, by: &Actor) -> Result<()> {
    let b = tx.backend();
    let mut a = args![status_str(c.status())?, json(&c.events())?];
    a.extend(money_args(b, c.remaining())?);
    let n = a.len();
    a.extend(args![id, version]);
    let mut decided_sql = String::new();
    if decided {
        a.push(by.at.into());
        decided_sql = format!(", decided_at = ${}", n + 3);
    }
    let sql = format!(
        "UPDATE credits SET status = $1, events_json = $2, {}, version = version + 1{decided_sql} \
         WHERE id = ${} AND version = ${}",
        set_money(b, "remaining", 3),
        n + 1,
        n + 2
    );
    if tx.exec(&sql, a).await? == 0 {
        return Err(StoreError::Conflict(format!("credit CR-{id} changed meanwhile: reload and retry")));
    }
    Ok(())
}

#[derive(Serialize)]
struct Decision<'a> {
    status: CreditStatus,
    by: &'a str,
}

/// Record a just-issued invoice's planned applications on its credits.
pub(crate) async fn apply_for_invoice(
    tx: &mut Tx,
    apps: &[CreditApplication],
    invoice: &str,
    user: &User,
    by: &Actor,
) -> Result<()> {
    for app in apps {
        let Some(id) = parse_credit_id(&app.credit_id) else { continue };
        let mut s = load(&mut Conn::Tx(tx), id).await?;
        s.credit.apply(app, invoice, user, by.at).map_err(credit_error)?;
        save(tx, id, s.version, &s.credit, false, by).await?;
        let a = Audit::new("credit.apply", "credit", &app.credit_id).after(app).reason(invoice);
        audit::write(tx, by, a).await?;
    }
    Ok(())
}

/// Give back what a voided invoice took from its credits.
pub(crate) async fn reverse_for_invoice(
    tx: &mut Tx,
    apps: &[CreditApplication],
    invoice: &str,
    user: &User,
    by: &Actor,
    reason: &str,
) -> Result<()> {
    for app in apps {
        let Some(id) = parse_credit_id(&app.credit_id) else { continue };
        let mut s = load(&mut Conn::Tx(tx), id).await?;
        let amount = s.credit.reverse(invoice, user, by.at, reason).map_err(credit_error)?;
        save(tx, id, s.version, &s.credit, false, by).await?;
        let a = Audit::new("credit.reverse", "credit", &app.credit_id).after(&amount).reason(invoice);
        audit::write(tx, by, a).await?;
    }
    Ok(())
}

/// Customer credits (maker-checker, optimistic versions) and the credits no invoice has reached.
#[async_trait]
pub trait Credits: Send + Sync {
    async fn propose_credit(&self, c: &NewCredit, by: &Actor) -> Result<StoredCredit>;
    async fn credit(&self, id: i64) -> Result<StoredCredit>;
    async fn list_credits(&self, filter: &CreditFilter) -> Result<Vec<StoredCredit>>;
    /// Approve or reject (managers; maker-checker by `policy`). A `version` that moved, or a credit decided
    /// meanwhile, is `Conflict`.
    async fn decide_credit(
        &self,
        id: i64,
        approve: bool,
        reason: &str,
        policy: ApprovalPolicy,
        expected_version: Option<i64>,
        by: &Actor,
    ) -> Result<StoredCredit>;
    /// The customer's credits as domain objects (for draft building).
    async fn customer_credits(&self, customer: &str) -> Result<Vec<Credit>>;
    /// Supplier credits of the period and whether a customer credit passes them through; approved funding
    /// and promotional credits no issued invoice has used.
    async fn unreached_credits(&self, period: Period) -> Result<UnreachedCredits>;
}

#[async_trait]
impl Credits for SqlStore {
    async fn propose_credit(&self, c: &NewCredit, by: &Actor) -> Result<StoredCredit> {
        let mut tx = self.db.begin().await?;
        let s = propose_in(&mut tx, c, by).await?;
        tx.commit().await?;
        Ok(s)
    }
    async fn credit(&self, id: i64) -> Result<StoredCredit> {
        load(&mut Conn::Db(&self.db), id).await
    }
    async fn list_credits(&self, filter: &CreditFilter) -> Result<Vec<StoredCredit>> {
        list(&self.db, filter).await
    }
    async fn decide_credit(
        &self,
        id: i64,
        approve: bool,
        reason: &str,
        policy: ApprovalPolicy,
        expected: Option<i64>,
        by: &Actor,
    ) -> Result<StoredCredit> {
        crate::fields::text("reason", reason)?;
        let mut tx = self.db.begin().await?;
        let user = user_in(&mut tx, by).await?;
        let mut s = load(&mut Conn::Tx(&mut tx), id).await?;
        if let Some(v) = expected
            && v != s.version
        {
            return Err(StoreError::Conflict(format!(
                "credit CR-{id} was changed meanwhile (now {:?}, version {}): reload",
                s.credit.status(),
                s.version
            )));
        }
        let before = s.credit.status();
        if before != CreditStatus::Proposed {
            return Err(StoreError::Conflict(format!("credit CR-{id} was already decided: {before:?}")));
        }
        if approve {
            s.credit.approve(&user, by.at, reason, &policy).map_err(credit_error)?;
        } else {
            s.credit.reject(&user, by.at, reason).map_err(credit_error)?;
        }
        save(&mut tx, id, s.version, &s.credit, true, by).await?;
        let action = if approve { "credit.approve" } else { "credit.reject" };
        let after = Decision { status: s.credit.status(), by: &by.name };
        let eid = format!("CR-{id}");
        let a = Audit::new(action, "credit", &eid).before(&before).after(&after).reason(reason);
        audit::write(&mut tx, by, a).await?;
        tx.commit().await?;
        s.version += 1;
        Ok(s)
    }
    async fn customer_credits(&self, customer: &str) -> Result<Vec<Credit>> {
        let f = CreditFilter { customer: Some(customer.to_string()), open_only: true };
        Ok(list(&self.db, &f).await?.into_iter().map(|s| s.credit).collect())
    }
    async fn unreached_credits(&self, period: Period) -> Result<UnreachedCredits> {
        unreached::unreached(&self.db, period).await
    }
}

/// Propose a credit inside the caller's transaction (the trait method, and an SLA claim passed through).
pub(crate) async fn propose_in(tx: &mut Tx, c: &NewCredit, by: &Actor) -> Result<StoredCredit> {
    crate::fields::credit(c)?;
    let user = user_in(tx, by).await?;
    let cid = customer_id(tx, &c.customer).await?;
    let currency: String = tx.one("SELECT currency FROM customers WHERE id = $1", args![cid]).await?.get(0)?;
    crate::fields::minor_units("credit amount", c.amount, &currency)?;
    if let Some(last) = c.valid_to.checked_sub_days(Days::new(1))
        && c.valid_to > c.valid_from
    {
        locks::refuse_locked(tx, Period::of_date(last)).await?;
    }
    let b = tx.backend();
    let mut a = args![cid, json(&c.kind)?, "proposed", currency.as_str()];
    a.extend(money_args(b, c.amount)?);
    a.extend(money_args(b, c.amount)?);
    a.extend(args![c.valid_from, c.valid_to, "{}", "[]", by.name.as_str(), by.at]);
    let sql = format!(
        "INSERT INTO credits (customer_id, kind, status, currency, {}, {}, valid_from, valid_to, proposal_json, \
         events_json, proposed_by, proposed_at, version) VALUES ({}, 1) RETURNING id",
        money_cols(b, "amount"),
        money_cols(b, "remaining"),
        placeholders(1, a.len())
    );
    let id: i64 = tx.one(&sql, a).await?.get(0)?;
    let proposal = CreditProposal {
        id: format!("CR-{id}"),
        kind: c.kind.clone(),
        customer: c.customer.clone(),
        amount: Money::new(c.amount, currency),
        scope: c.scope.clone(),
        validity: billops_domain::DateRange { start: c.valid_from, end: c.valid_to },
        evidence: c.evidence.clone(),
        reason: c.reason.clone(),
    };
    let credit = Credit::propose(proposal.clone(), &user, by.at).map_err(credit_error)?;
    tx.exec(
        "UPDATE credits SET proposal_json = $1, events_json = $2 WHERE id = $3",
        args![json(&proposal)?, json(&credit.events())?, id],
    )
    .await?;
    let eid = format!("CR-{id}");
    let a = Audit::new("credit.propose", "credit", &eid).after(&proposal).reason(&c.reason);
    audit::write(tx, by, a).await?;
    Ok(StoredCredit { id, version: 1, credit })
}
