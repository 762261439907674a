//! Onboarding checklists as data (SPEC §2.2). The item list is the shared `onboarding_checklist` table
//! (managers add and retire items, audited); each customer's entry per item keeps owner, due date, evidence
//! and who ticked it when. Items the data can tell are **computed**, never ticked by hand:
//! - `accounts_assigned`: the customer has an assigned account, no open link proposal, and no unassigned
//!   linked account under the payers of its accounts;
//! - `users_recorded`: at least one user and one organisation recorded for the customer (`customer_contacts`);
//! - `budget_exists`: at least one budget month recorded for the customer (`billops budget`, migration 0013).
//!
//! `Store::onboarding` / `tick_onboarding` (the Customers pane) read and write through this module.
use async_trait::async_trait;
use billops_domain::text::{Code, FreeText, Name};
use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

use crate::audit::{self, Audit};
use crate::db::Conn;
use crate::db::{Tx, args};
use crate::parties::{customer_id, role_in};
use crate::{Actor, Result, SqlStore, StoreError};

/// One item of the shared checklist.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChecklistDef {
    pub item: String,
    pub label: String,
    /// What computes it (`accounts_assigned`, `users_recorded`, `budget_exists`); `None`: ticked by hand.
    pub computed: Option<String>,
    pub position: i64,
    pub retired: bool,
}

/// One customer's state of one item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OnboardingEntry {
    pub item: String,
    pub label: String,
    pub computed: Option<String>,
    pub done: bool,
    pub owner: Option<String>,
    pub due: Option<NaiveDate>,
    pub evidence: Option<String>,
    pub by: Option<String>,
    pub at: Option<DateTime<Utc>>,
    /// For computed items: what the data says.
    pub note: String,
}

/// A change to one entry; `None` leaves a field as it is.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OnboardingUpdate {
    pub done: Option<bool>,
    pub owner: Option<String>,
    pub due: Option<Option<NaiveDate>>,
    pub evidence: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Contact {
    pub kind: String,
    pub name: String,
    pub detail: String,
    pub by: String,
    pub at: DateTime<Utc>,
}

#[async_trait]
pub trait OnboardingStore: Send + Sync {
    async fn checklist(&self, include_retired: bool) -> Result<Vec<ChecklistDef>>;
    /// Managers: a new hand-ticked item at the end of the list.
    async fn add_checklist_item(&self, item: &str, label: &str, by: &Actor) -> Result<ChecklistDef>;
    /// Managers: the item leaves the list (its history stays).
    async fn retire_checklist_item(&self, item: &str, by: &Actor) -> Result<()>;
    /// The customer's checklist: every current item, computed ones computed now.
    async fn onboarding_status(&self, customer: &str) -> Result<Vec<OnboardingEntry>>;
    /// Operators: tick, owner, due date, evidence (computed items take owner, due and evidence, never a tick).
    async fn update_onboarding(&self, customer: &str, item: &str, u: &OnboardingUpdate, by: &Actor) -> Result<()>;
    async fn add_contact(&self, customer: &str, kind: &str, name: &str, detail: &str, by: &Actor) -> Result<()>;
    async fn contacts(&self, customer: &str) -> Result<Vec<Contact>>;
}

const DEFS: &str = "SELECT item, label, computed, position, retired FROM onboarding_checklist";

fn def_row(r: &crate::db::Row) -> Result<ChecklistDef> {
    Ok(ChecklistDef { item: r.get(0)?, label: r.get(1)?, computed: r.get(2)?, position: r.get(3)?, retired: r.get(4)? })
}

pub(crate) async fn defs(c: &mut Conn<'_>, include_retired: bool) -> Result<Vec<ChecklistDef>> {
    let sql = if include_retired {
        format!("{DEFS} ORDER BY position")
    } else {
        format!("{DEFS} WHERE NOT retired ORDER BY position")
    };
    c.all(&sql, vec![]).await?.iter().map(def_row).collect()
}

async fn count(c: &mut Conn<'_>, sql: &str, cid: i64) -> Result<i64> {
    c.one(sql, args![cid]).await?.get(0)
}

/// (done, note) of a computed item for customer `cid`.
async fn compute(c: &mut Conn<'_>, kind: &str, cid: i64) -> Result<(bool, String)> {
    match kind {
        "accounts_assigned" => {
            let assigned =
                count(c, "SELECT count(*) FROM account_assignments WHERE customer_id = $1 AND valid_to IS NULL", cid)
                    .await?;
            let open =
                count(c, "SELECT count(*) FROM link_proposals WHERE customer_id = $1 AND status = 'proposed'", cid)
                    .await?;
            let unassigned = count(
                c,
                "SELECT count(*) FROM linked_accounts l WHERE l.payer IN (SELECT la.payer FROM linked_accounts la \
                 JOIN account_assignments a ON a.account = la.id AND a.valid_to IS NULL WHERE a.customer_id = $1) \
                 AND NOT EXISTS (SELECT 1 FROM account_assignments x WHERE x.account = l.id AND x.valid_to IS NULL)",
                cid,
            )
            .await?;
            let mut why = Vec::new();
            if assigned == 0 {
                why.push("no account assigned".to_string());
            }
            if open > 0 {
                why.push(format!("{open} link proposal(s) awaiting a manager"));
            }
            if unassigned > 0 {
                why.push(format!("{unassigned} unassigned account(s) under its payers"));
            }
            Ok(if why.is_empty() { (true, format!("{assigned} account(s) assigned")) } else { (false, why.join("; ")) })
        }
        "users_recorded" => {
            let users =
                count(c, "SELECT count(*) FROM customer_contacts WHERE customer_id = $1 AND kind = 'user'", cid)
                    .await?;
            let orgs = count(
                c,
                "SELECT count(*) FROM customer_contacts WHERE customer_id = $1 AND kind = 'organisation'",
                cid,
            )
            .await?;
            Ok((users > 0 && orgs > 0, format!("{users} user(s), {orgs} organisation(s) recorded")))
        }
        "budget_exists" => {
            let months = count(c, "SELECT count(*) FROM budgets WHERE customer_id = $1", cid).await?;
            Ok(if months > 0 {
                (true, format!("{months} budget month(s) recorded"))
            } else {
                (false, "no budget recorded (billops budget set / import)".into())
            })
        }
        other => Ok((false, format!("unknown computed item {other:?}"))),
    }
}

pub(crate) async fn status_of(c: &mut Conn<'_>, cid: i64) -> Result<Vec<OnboardingEntry>> {
    let defs = defs(c, false).await?;
    let rows = c
        .all(
            "SELECT item, done, done_by, done_at, owner, due, evidence FROM onboarding_items WHERE customer_id = $1",
            args![cid],
        )
        .await?;
    let mut out = Vec::with_capacity(defs.len());
    for d in defs {
        let stored = rows.iter().find(|r| r.get::<String>(0).is_ok_and(|i| i == d.item));
        let mut e = OnboardingEntry {
            item: d.item.clone(),
            label: d.label.clone(),
            computed: d.computed.clone(),
            done: false,
            owner: None,
            due: None,
            evidence: None,
            by: None,
            at: None,
            note: String::new(),
        };
        if let Some(r) = stored {
            e.done = r.get(1)?;
            e.by = r.get(2)?;
            e.at = r.get(3)?;
            e.owner = r.get(4)?;
            e.due = r.get(5)?;
            e.evidence = r.get(6)?;
        }
        if let Some(kind) = &d.computed {
            let (done, note) = compute(c, kind, cid).await?;
            (e.done, e.note, e.by, e.at) = (done, note, None, None);
        }
        out.push(e);
    }
    Ok(out)
}

/// Customers with cost in `period` whose checklist is not complete (the close board's count).
pub(crate) async fn incomplete_with_cost(c: &mut Conn<'_>, summary: bool, period: &str) -> Result<u64> {
    let ids = c.all(&crate::service_rollups::customers_with_cost(summary), args![period]).await?;
    let mut n = 0;
    for r in &ids {
        let cid: i64 = r.get(0)?;
        if status_of(c, cid).await?.iter().any(|e| !e.done) {
            n += 1;
        }
    }
    Ok(n)
}

async fn manager(tx: &mut Tx, by: &Actor, what: &str) -> Result<()> {
    if !role_in(tx, &by.name).await?.can_approve() {
        return Err(StoreError::Forbidden(format!("{} may not {what}: the checklist is the managers'", by.name)));
    }
    Ok(())
}

async fn writer(tx: &mut Tx, by: &Actor) -> Result<()> {
    if !role_in(tx, &by.name).await?.can_write() {
        return Err(StoreError::Forbidden(format!("{} may not change onboarding (viewer)", by.name)));
    }
    Ok(())
}

/// Change one entry inside `tx` (the writer check done).
pub(crate) async fn update_in(tx: &mut Tx, code: &str, item: &str, u: &OnboardingUpdate, by: &Actor) -> Result<()> {
    let all = defs(&mut Conn::Tx(tx), false).await?;
    let Some(def) = all.iter().find(|d| d.item == item) else {
        let names: Vec<&str> = all.iter().map(|d| d.item.as_str()).collect();
        return Err(StoreError::Invalid(format!("unknown onboarding item {item:?} (one of {})", names.join(", "))));
    };
    if u.done.is_some() && def.computed.is_some() {
        return Err(StoreError::Invalid(format!(
            "onboarding item {item} is computed from the data and is never ticked by hand"
        )));
    }
    let owner = u.owner.as_deref().map(|o| Name::new("owner", o)).transpose()?.map(Name::into_string);
    let evidence = u.evidence.as_deref().map(|e| FreeText::new("evidence", e)).transpose()?.map(FreeText::into_string);
    let cid = customer_id(tx, code).await?;
    let before = status_of(&mut Conn::Tx(tx), cid).await?.into_iter().find(|e| e.item == item);
    tx.exec(
        "INSERT INTO onboarding_items (customer_id, item, done) VALUES ($1, $2, FALSE) \
         ON CONFLICT (customer_id, item) DO NOTHING",
        args![cid, item],
    )
    .await?;
    if let Some(done) = u.done {
        tx.exec(
            "UPDATE onboarding_items SET done = $1, done_by = $2, done_at = $3 WHERE customer_id = $4 AND item = $5",
            args![done, by.name.as_str(), by.at, cid, item],
        )
        .await?;
    }
    if let Some(o) = owner {
        let o = (!o.is_empty()).then_some(o);
        tx.exec("UPDATE onboarding_items SET owner = $1 WHERE customer_id = $2 AND item = $3", args![o, cid, item])
            .await?;
    }
    if let Some(d) = u.due {
        tx.exec("UPDATE onboarding_items SET due = $1 WHERE customer_id = $2 AND item = $3", args![d, cid, item])
            .await?;
    }
    if let Some(e) = evidence {
        tx.exec("UPDATE onboarding_items SET evidence = $1 WHERE customer_id = $2 AND item = $3", args![e, cid, item])
            .await?;
    }
    let after = status_of(&mut Conn::Tx(tx), cid).await?.into_iter().find(|e| e.item == item);
    let action = if u.done.is_some() { "onboarding.tick" } else { "onboarding.update" };
    let entity_id = format!("{code}:{item}");
    let mut a = Audit::new(action, "onboarding_item", &entity_id).after(&after);
    if let Some(b) = &before {
        a = a.before(b);
    }
    audit::write(tx, by, a).await
}

#[async_trait]
impl OnboardingStore for SqlStore {
    async fn checklist(&self, include_retired: bool) -> Result<Vec<ChecklistDef>> {
        defs(&mut Conn::Db(&self.db), include_retired).await
    }

    async fn add_checklist_item(&self, item: &str, label: &str, by: &Actor) -> Result<ChecklistDef> {
        let item = Code::new("item", item)?.into_string().to_ascii_lowercase();
        let label = Name::new("label", label)?.into_string();
        let mut tx = self.db.begin().await?;
        manager(&mut tx, by, "add onboarding items").await?;
        if tx.opt("SELECT item FROM onboarding_checklist WHERE item = $1", args![item.as_str()]).await?.is_some() {
            return Err(StoreError::Conflict(format!("onboarding item {item} exists (retired items stay retired)")));
        }
        let pos: i64 =
            tx.one("SELECT COALESCE(max(position), 0) + 1 FROM onboarding_checklist", vec![]).await?.get(0)?;
        tx.exec(
            "INSERT INTO onboarding_checklist (item, label, computed, position, retired, updated_by, updated_at) \
             VALUES ($1, $2, NULL, $3, FALSE, $4, $5)",
            args![item.as_str(), label.as_str(), pos, by.name.as_str(), by.at],
        )
        .await?;
        let d = ChecklistDef { item: item.clone(), label, computed: None, position: pos, retired: false };
        audit::write(&mut tx, by, Audit::new("onboarding.item_add", "onboarding_checklist", &item).after(&d)).await?;
        tx.commit().await?;
        Ok(d)
    }

    async fn retire_checklist_item(&self, item: &str, by: &Actor) -> Result<()> {
        let mut tx = self.db.begin().await?;
        manager(&mut tx, by, "retire onboarding items").await?;
        let n = tx
            .exec(
                "UPDATE onboarding_checklist SET retired = TRUE, updated_by = $1, updated_at = $2 \
                 WHERE item = $3 AND NOT retired",
                args![by.name.as_str(), by.at, item],
            )
            .await?;
        if n == 0 {
            return Err(StoreError::NotFound(format!("onboarding item {item} (current)")));
        }
        audit::write(&mut tx, by, Audit::new("onboarding.item_retire", "onboarding_checklist", item).after(&true))
            .await?;
        tx.commit().await
    }

    async fn onboarding_status(&self, customer: &str) -> Result<Vec<OnboardingEntry>> {
        let c = crate::parties::customer(&self.db, customer).await?;
        status_of(&mut Conn::Db(&self.db), c.id).await
    }

    async fn update_onboarding(&self, customer: &str, item: &str, u: &OnboardingUpdate, by: &Actor) -> Result<()> {
        let mut tx = self.db.begin().await?;
        writer(&mut tx, by).await?;
        update_in(&mut tx, customer, item, u, by).await?;
        tx.commit().await
    }

    async fn add_contact(&self, customer: &str, kind: &str, name: &str, detail: &str, by: &Actor) -> Result<()> {
        let kind = match kind.trim().to_ascii_lowercase().as_str() {
            "user" => "user",
            "organisation" | "organization" | "org" => "organisation",
            other => return Err(StoreError::Invalid(format!("contact kind {other:?}: user or organisation"))),
        };
        let name = Name::new("name", name)?.into_string();
        let detail = FreeText::new("detail", detail)?.into_string();
        let mut tx = self.db.begin().await?;
        writer(&mut tx, by).await?;
        let cid = customer_id(&mut tx, customer).await?;
        tx.exec(
            "INSERT INTO customer_contacts (customer_id, kind, name, detail, created_by, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (customer_id, kind, name) DO UPDATE SET detail = excluded.detail",
            args![cid, kind, name.as_str(), detail.as_str(), by.name.as_str(), by.at],
        )
        .await?;
        let id = format!("{customer}:{kind}:{name}");
        audit::write(&mut tx, by, Audit::new("customer.contact", "customer_contact", &id).after(&detail)).await?;
        tx.commit().await
    }

    async fn contacts(&self, customer: &str) -> Result<Vec<Contact>> {
        let c = crate::parties::customer(&self.db, customer).await?;
        let rows = self
            .db
            .all(
                "SELECT kind, name, detail, created_by, created_at FROM customer_contacts WHERE customer_id = $1 \
                 ORDER BY kind, name",
                args![c.id],
            )
            .await?;
        rows.iter()
            .map(|r| Ok(Contact { kind: r.get(0)?, name: r.get(1)?, detail: r.get(2)?, by: r.get(3)?, at: r.get(4)? }))
            .collect()
    }
}
