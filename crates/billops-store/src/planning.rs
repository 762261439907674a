//! Budgets and forecast events (issue 12): the planning records the Forecast pane, `billops budget` and
//! `billops forecast` read and write.
//!
//! - A budget is one exact amount per customer, scope and fiscal month. Scope `""` is the whole customer,
//!   `service:NAME` one service, `code:CODE` one account code. Setting it again replaces the amount; the audit
//!   log keeps the value before and after. Budgets are plans, not billing data: a signed-off month's budget may
//!   still be revised (the report says what it was compared against when it is read).
//! - A forecast event is the domain's [`ForecastEvent`] (decommission, capacity change, technology change) for
//!   one customer or every customer, recorded with who and when; retired, never deleted.
//!
//! Operators and managers write (viewers are refused here on SQLite and by the grants on PostgreSQL).
use async_trait::async_trait;
use billops_domain::Period;
use billops_domain::forecast::events::{EventKind, ForecastEvent};
use billops_domain::text::FreeText;
use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use serde::Serialize;

use crate::audit::{self, Audit};
use crate::db::{Row, Tx, args, money_args, money_cols, placeholders};
use crate::parties::{customer_id, role_in};
use crate::{Actor, Result, SqlStore, StoreError};

/// What a budget covers within a customer.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case", tag = "scope", content = "name")]
pub enum BudgetScope {
    Customer,
    Service(String),
    AccountCode(String),
}

impl BudgetScope {
    /// `""`, `service:NAME`, `code:CODE` (as stored and as typed on the command line).
    pub fn parse(text: &str) -> Result<BudgetScope> {
        let t = text.trim();
        if t.is_empty() || t.eq_ignore_ascii_case("customer") {
            return Ok(BudgetScope::Customer);
        }
        let named = |kind: &str, name: &str| -> Result<String> {
            let name = name.trim();
            if name.is_empty() {
                return Err(StoreError::Invalid(format!("budget scope {t:?}: {kind} needs a name")));
            }
            Ok(FreeText::new("scope", name)?.into_string())
        };
        match t.split_once(':') {
            Some(("service", n)) => Ok(BudgetScope::Service(named("service", n)?)),
            Some(("code", n)) => Ok(BudgetScope::AccountCode(named("code", n)?)),
            _ => {
                Err(StoreError::Invalid(format!("budget scope {t:?}: customer (or empty), service:NAME or code:CODE")))
            }
        }
    }
    pub fn key(&self) -> String {
        match self {
            BudgetScope::Customer => String::new(),
            BudgetScope::Service(s) => format!("service:{s}"),
            BudgetScope::AccountCode(c) => format!("code:{c}"),
        }
    }
    /// For lists: `customer`, `service:NAME`, `code:CODE`.
    pub fn label(&self) -> String {
        match self {
            BudgetScope::Customer => "customer".into(),
            other => other.key(),
        }
    }
}

/// One budget amount as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Budget {
    pub customer: String,
    pub scope: BudgetScope,
    pub period: Period,
    pub amount: Decimal,
    pub set_by: String,
    pub set_at: DateTime<Utc>,
}

/// One budget to set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewBudget {
    pub customer: String,
    pub scope: BudgetScope,
    pub period: Period,
    pub amount: Decimal,
}

/// A recorded forecast event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StoredEvent {
    pub id: i64,
    /// `None`: every customer.
    pub customer: Option<String>,
    pub event: ForecastEvent,
    pub retired: Option<(String, DateTime<Utc>)>,
}

#[async_trait]
pub trait Planning: Send + Sync {
    /// Set (or replace) budgets, all or none, audited each (operators and managers).
    async fn set_budgets(&self, rows: &[NewBudget], by: &Actor) -> Result<usize>;
    /// Budgets of one customer (or all) for months `from..=to`, by customer, scope, month.
    async fn budgets(&self, customer: Option<&str>, from: Period, to: Period) -> Result<Vec<Budget>>;
    /// Usage volumes (exact quantity per unit) of assigned customers for months `from..=to`, by month,
    /// customer, service and unit: the rolling view's volumes.
    async fn usage_volumes(&self, from: Period, to: Period) -> Result<Vec<crate::UsageVolume>>;
    /// Exact cost per month × customer × service (and currency) over `from..=to`: the rows of
    /// `costs(by [period, customer, service])` in no particular order, read for a whole book at once (the
    /// forecast's history; packed per month on SQLite).
    async fn monthly_costs(
        &self,
        from: Period,
        to: Period,
        basis: billops_domain::CostBasis,
    ) -> Result<Vec<crate::CostRow>>;
    /// Record an event for one customer (`None`: every customer).
    async fn add_forecast_event(
        &self,
        customer: Option<&str>,
        event: &ForecastEvent,
        by: &Actor,
    ) -> Result<StoredEvent>;
    /// Events in force for a customer (its own and every customer's); `None`: all of them. Retired ones too
    /// when `include_retired`.
    async fn forecast_events(&self, customer: Option<&str>, include_retired: bool) -> Result<Vec<StoredEvent>>;
    /// Retire an event (it stops adjusting forecasts; the record stays).
    async fn retire_forecast_event(&self, id: i64, by: &Actor) -> Result<StoredEvent>;
}

async fn writer(tx: &mut Tx, by: &Actor, what: &str) -> Result<()> {
    if !role_in(tx, &by.name).await?.can_write() {
        return Err(StoreError::Forbidden(format!("{} may not change {what} (viewer)", by.name)));
    }
    Ok(())
}

fn period(text: &str) -> Result<Period> {
    text.parse().map_err(|e| StoreError::Invalid(format!("stored period {text:?}: {e}")))
}

fn budget_row(r: &Row) -> Result<Budget> {
    let scope: String = r.get(1)?;
    let (amount, next) = r.money(3)?;
    Ok(Budget {
        customer: r.get(0)?,
        scope: BudgetScope::parse(&scope)?,
        period: period(&r.get::<String>(2)?)?,
        amount,
        set_by: r.get(next)?,
        set_at: r.get(next + 1)?,
    })
}

const EVENT_SELECT: &str = "SELECT e.id, c.code, e.from_period, e.kind, e.note, e.created_by, e.created_at, \
     e.retired_by, e.retired_at FROM forecast_events e LEFT JOIN customers c ON c.id = e.customer_id";

fn event_row(r: &Row) -> Result<StoredEvent> {
    let kind: String = r.get(3)?;
    let kind: EventKind =
        serde_json::from_str(&kind).map_err(|e| StoreError::Invalid(format!("stored forecast event: {e}")))?;
    let retired = match (r.get::<Option<String>>(7)?, r.get::<Option<DateTime<Utc>>>(8)?) {
        (Some(b), Some(a)) => Some((b, a)),
        _ => None,
    };
    Ok(StoredEvent {
        id: r.get(0)?,
        customer: r.get(1)?,
        event: ForecastEvent {
            from: period(&r.get::<String>(2)?)?,
            kind,
            note: r.get(4)?,
            by: r.get(5)?,
            at: r.get(6)?,
        },
        retired,
    })
}

async fn event_in(tx: &mut Tx, id: i64) -> Result<StoredEvent> {
    match tx.opt(&format!("{EVENT_SELECT} WHERE e.id = $1"), args![id]).await? {
        Some(r) => event_row(&r),
        None => Err(StoreError::NotFound(format!("forecast event {id}"))),
    }
}

#[async_trait]
impl Planning for SqlStore {
    async fn set_budgets(&self, rows: &[NewBudget], by: &Actor) -> Result<usize> {
        let b = self.db.backend();
        let mut tx = self.db.begin().await?;
        writer(&mut tx, by, "budgets").await?;
        for (n, row) in rows.iter().enumerate() {
            if row.amount.is_sign_negative() && !row.amount.is_zero() {
                return Err(StoreError::Invalid(format!(
                    "budget {} {} {}: {} is negative",
                    row.customer,
                    row.scope.label(),
                    row.period,
                    row.amount
                )));
            }
            let cid = customer_id(&mut tx, &row.customer).await.map_err(|e| {
                if rows.len() > 1 { StoreError::Invalid(format!("budget row {}: {e}", n + 1)) } else { e }
            })?;
            let key = row.scope.key();
            let p = row.period.to_string();
            let sel = format!(
                "SELECT {} FROM budgets WHERE customer_id = $1 AND scope = $2 AND period = $3",
                money_cols(b, "amount")
            );
            let before = match tx.opt(&sel, args![cid, key.as_str(), p.as_str()]).await? {
                Some(r) => Some(r.money(0)?.0),
                None => None,
            };
            let amount = row.amount.normalize();
            if before == Some(amount) {
                continue;
            }
            let mut a = args![cid, key.as_str(), p.as_str()];
            a.extend(money_args(b, amount)?);
            let money = money_cols(b, "amount");
            let n_money = money.split(", ").count();
            a.push(by.name.as_str().into());
            a.push(by.at.into());
            let set: Vec<String> = money.split(", ").map(|c| format!("{c} = excluded.{c}")).collect();
            tx.exec(
                &format!(
                    "INSERT INTO budgets (customer_id, scope, period, {money}, set_by, set_at) VALUES ($1, $2, $3, {}) \
                     ON CONFLICT (customer_id, scope, period) DO UPDATE SET {}, set_by = excluded.set_by, \
                     set_at = excluded.set_at",
                    placeholders(4, n_money + 2),
                    set.join(", ")
                ),
                a,
            )
            .await?;
            let id = format!("{}/{}/{}", row.customer, row.scope.label(), row.period);
            audit::write(
                &mut tx,
                by,
                Audit::new("budget.set", "budget", &id).period(row.period).before(&before).after(&amount),
            )
            .await?;
        }
        tx.commit().await?;
        Ok(rows.len())
    }

    async fn usage_volumes(&self, from: Period, to: Period) -> Result<Vec<crate::UsageVolume>> {
        crate::plan_volumes::usage_volumes(&mut crate::db::Conn::Db(&self.db), from, to).await
    }
    async fn monthly_costs(
        &self,
        from: Period,
        to: Period,
        basis: billops_domain::CostBasis,
    ) -> Result<Vec<crate::CostRow>> {
        if from > to {
            return Err(StoreError::Invalid(format!("period range {from}..{to} runs backwards")));
        }
        match self.db.backend() {
            crate::Backend::Sqlite => {
                crate::plan_costs::packed(&mut crate::db::Conn::Db(&self.db), self.summary, from, to, basis).await
            }
            crate::Backend::Postgres => {
                use billops_domain::Dim;
                let by = vec![Dim::Period, Dim::Customer, Dim::Service];
                crate::Costs::costs(self, &crate::CostQuery { from, to, filters: Vec::new(), by, basis }).await
            }
        }
    }

    async fn budgets(&self, customer: Option<&str>, from: Period, to: Period) -> Result<Vec<Budget>> {
        let b = self.db.backend();
        let mut sql = format!(
            "SELECT c.code, g.scope, g.period, {}, g.set_by, g.set_at FROM budgets g \
             JOIN customers c ON c.id = g.customer_id WHERE g.period BETWEEN $1 AND $2",
            money_cols(b, "amount").split(", ").map(|c| format!("g.{c}")).collect::<Vec<_>>().join(", ")
        );
        let mut a = args![from.to_string(), to.to_string()];
        if let Some(c) = customer {
            sql.push_str(" AND c.code = $3");
            a.push(c.into());
        }
        sql.push_str(" ORDER BY c.code, g.scope, g.period");
        self.db.all(&sql, a).await?.iter().map(budget_row).collect()
    }

    async fn add_forecast_event(
        &self,
        customer: Option<&str>,
        event: &ForecastEvent,
        by: &Actor,
    ) -> Result<StoredEvent> {
        let note = FreeText::new("note", &event.note)?.into_string();
        let kind = serde_json::to_string(&event.kind).map_err(|e| StoreError::Invalid(e.to_string()))?;
        let mut tx = self.db.begin().await?;
        writer(&mut tx, by, "forecast events").await?;
        let cid = match customer {
            Some(c) => Some(customer_id(&mut tx, c).await?),
            None => None,
        };
        let id: i64 = tx
            .one(
                "INSERT INTO forecast_events (customer_id, from_period, kind, note, created_by, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
                args![cid, event.from.to_string(), kind.as_str(), note.as_str(), by.name.as_str(), by.at],
            )
            .await?
            .get(0)?;
        let stored = event_in(&mut tx, id).await?;
        audit::write(
            &mut tx,
            by,
            Audit::new("forecast_event.add", "forecast_event", &id.to_string())
                .period(event.from)
                .after(&stored.event.label()),
        )
        .await?;
        tx.commit().await?;
        Ok(stored)
    }

    async fn forecast_events(&self, customer: Option<&str>, include_retired: bool) -> Result<Vec<StoredEvent>> {
        let mut wh = Vec::new();
        let mut a = Vec::new();
        if let Some(c) = customer {
            a.push(c.into());
            wh.push("(e.customer_id IS NULL OR c.code = $1)".to_string());
        }
        if !include_retired {
            wh.push("e.retired_at IS NULL".to_string());
        }
        let mut sql = EVENT_SELECT.to_string();
        if !wh.is_empty() {
            sql.push_str(&format!(" WHERE {}", wh.join(" AND ")));
        }
        sql.push_str(" ORDER BY e.from_period, e.id");
        self.db.all(&sql, a).await?.iter().map(event_row).collect()
    }

    async fn retire_forecast_event(&self, id: i64, by: &Actor) -> Result<StoredEvent> {
        let mut tx = self.db.begin().await?;
        writer(&mut tx, by, "forecast events").await?;
        let before = event_in(&mut tx, id).await?;
        if before.retired.is_some() {
            return Err(StoreError::Conflict(format!("forecast event {id} is already retired")));
        }
        tx.exec(
            "UPDATE forecast_events SET retired_by = $1, retired_at = $2 WHERE id = $3 AND retired_at IS NULL",
            args![by.name.as_str(), by.at, id],
        )
        .await?;
        let after = event_in(&mut tx, id).await?;
        audit::write(
            &mut tx,
            by,
            Audit::new("forecast_event.retire", "forecast_event", &id.to_string())
                .period(before.event.from)
                .before(&before.event.label()),
        )
        .await?;
        tx.commit().await?;
        Ok(after)
    }
}
