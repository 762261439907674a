//! Partner funding applications and their partner opportunities: the store half of `billops_domain::funding`.
//!
//! An application is kept as its domain record (JSON: amounts as exact decimal strings, its whole history)
//! beside the columns lists filter and sort on (customer, programme, opportunity, stage, status, claim due
//! date, version). Every change runs the domain's transition inside the writing transaction against the row
//! as stored, then writes it back only if its version is still the one read: two people never overwrite each
//! other's update (the second gets [`StoreError::Conflict`]). Opportunities are their own versioned rows; a
//! submission reads the opportunity's state in the same transaction.
use async_trait::async_trait;
use billops_domain::funding::{Act, Application, FundingDates, FundingError, FundingInput, OpportunityState};
use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use serde::Serialize;

use crate::audit::{self, Audit};
use crate::db::{Conn, Row, Tx, args, json, unjson};
use crate::parties::user_in;
use crate::{Actor, Result, SqlStore, StoreError};

/// An application as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FundingRecord {
    pub id: i64,
    pub app: Application,
    pub opportunity_state: OpportunityState,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Opportunity {
    pub id: String,
    pub state: OpportunityState,
    pub version: i64,
    pub updated_by: String,
    pub updated_at: DateTime<Utc>,
}

/// One change to an application.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "change")]
pub enum FundingChange {
    Submit,
    ActionRequired,
    Resubmit,
    Approve {
        amount: Decimal,
    },
    Reject,
    Cancel,
    Claim {
        amount: Decimal,
    },
    ApproveClaim,
    Paid {
        amount: Decimal,
    },
    Assign {
        parts: Vec<(String, Decimal)>,
    },
    /// Dates as the programme states them (claim due date included); only the given ones change.
    Dates {
        dates: FundingDates,
    },
}

impl FundingChange {
    pub fn name(&self) -> &'static str {
        match self {
            FundingChange::Submit => "submit",
            FundingChange::ActionRequired => "action_required",
            FundingChange::Resubmit => "resubmit",
            FundingChange::Approve { .. } => "approve",
            FundingChange::Reject => "reject",
            FundingChange::Cancel => "cancel",
            FundingChange::Claim { .. } => "claim",
            FundingChange::ApproveClaim => "approve_claim",
            FundingChange::Paid { .. } => "paid",
            FundingChange::Assign { .. } => "assign",
            FundingChange::Dates { .. } => "dates",
        }
    }
}

/// The funding pipeline's part of the store.
#[async_trait]
pub trait FundingStore: Send + Sync {
    /// A new application in draft; its opportunity is recorded as pending when billops has not seen it.
    async fn add_funding(&self, input: &FundingInput, by: &Actor) -> Result<FundingRecord>;
    async fn funding(&self, id: i64) -> Result<FundingRecord>;
    /// Applications (of one customer when given), newest first.
    async fn list_funding(&self, customer: Option<&str>) -> Result<Vec<FundingRecord>>;
    /// Apply one change. `expected_version`: the version the person saw (a stale one is a `Conflict`);
    /// `None` takes the current one (scripts that just read it).
    async fn update_funding(
        &self,
        id: i64,
        change: &FundingChange,
        expected_version: Option<u32>,
        why: &str,
        by: &Actor,
    ) -> Result<FundingRecord>;
    /// Record the partner opportunity's validation state (created when new).
    async fn set_opportunity(&self, id: &str, state: OpportunityState, by: &Actor) -> Result<Opportunity>;
    async fn opportunities(&self) -> Result<Vec<Opportunity>>;
    /// Import the pipeline (see `funding_import`): every row or none, in one transaction.
    async fn import_funding(&self, rows: &[crate::FundingImportRow], by: &Actor)
    -> Result<crate::FundingImportSummary>;
}

pub(crate) fn funding_error(e: FundingError) -> StoreError {
    match e {
        FundingError::Stale { .. } => StoreError::Conflict(e.to_string()),
        other => StoreError::Invalid(other.to_string()),
    }
}

fn opp_state(s: &str) -> Result<OpportunityState> {
    serde_json::from_value(serde_json::Value::String(s.to_string()))
        .map_err(|_| StoreError::Invalid(format!("stored opportunity state {s:?}")))
}

fn snake<T: Serialize>(v: &T) -> Result<String> {
    match serde_json::to_value(v) {
        Ok(serde_json::Value::String(s)) => Ok(s),
        _ => Err(StoreError::Invalid("cannot encode a state".into())),
    }
}

const SELECT: &str = "SELECT f.id, f.record, COALESCE(o.state, 'pending') FROM funding_applications f \
                      LEFT JOIN funding_opportunities o ON o.id = f.opportunity";

fn row(r: &Row) -> Result<FundingRecord> {
    let record: String = r.get(1)?;
    Ok(FundingRecord {
        id: r.get(0)?,
        app: unjson(&record, "funding application")?,
        opportunity_state: opp_state(&r.get::<String>(2)?)?,
    })
}

pub(crate) async fn load(c: &mut Conn<'_>, id: i64) -> Result<FundingRecord> {
    let sql = format!("{SELECT} WHERE f.id = $1");
    row(&c.opt(&sql, args![id]).await?.ok_or_else(|| StoreError::NotFound(format!("funding application {id}")))?)
}

pub(crate) async fn opportunity(c: &mut Conn<'_>, id: &str) -> Result<Option<Opportunity>> {
    let r = c
        .opt("SELECT id, state, version, updated_by, updated_at FROM funding_opportunities WHERE id = $1", args![id])
        .await?;
    r.map(|r| opp_row(&r)).transpose()
}

fn opp_row(r: &Row) -> Result<Opportunity> {
    Ok(Opportunity {
        id: r.get(0)?,
        state: opp_state(&r.get::<String>(1)?)?,
        version: r.get(2)?,
        updated_by: r.get(3)?,
        updated_at: r.get(4)?,
    })
}

pub(crate) async fn writer(tx: &mut Tx, by: &Actor) -> Result<()> {
    if !user_in(tx, by).await?.role.can_write() {
        return Err(StoreError::Forbidden(format!("{} may not change funding applications (viewer)", by.name)));
    }
    Ok(())
}

async fn ensure_opportunity(tx: &mut Tx, id: &str, by: &Actor) -> Result<()> {
    if opportunity(&mut Conn::Tx(tx), id).await?.is_none() {
        tx.exec(
            "INSERT INTO funding_opportunities (id, state, version, updated_by, updated_at) VALUES ($1, $2, 1, $3, $4)",
            args![id, snake(&OpportunityState::Pending)?, by.name.as_str(), by.at],
        )
        .await?;
    }
    Ok(())
}

fn claim_due(app: &Application) -> Option<NaiveDate> {
    app.input.dates.claim_due
}

/// Add an application inside the caller's transaction (the writer check done).
pub(crate) async fn add_in(tx: &mut Tx, input: &FundingInput, by: &Actor) -> Result<FundingRecord> {
    let customer_id = crate::parties::customer_id(tx, &input.customer).await?;
    let app = Application::draft(input.clone(), &by.name, by.at).map_err(funding_error)?;
    ensure_opportunity(tx, &input.opportunity, by).await?;
    let a = args![
        customer_id,
        input.program.as_str(),
        input.opportunity.as_str(),
        input.currency.as_str(),
        snake(&app.stage)?,
        snake(&app.status)?,
        i64::from(app.version),
        claim_due(&app),
        json(&app)?,
        by.name.as_str(),
        by.at
    ];
    let id: i64 = tx
        .one(
            "INSERT INTO funding_applications (customer_id, program, opportunity, currency, stage, status, version, \
                 claim_due, record, created_by, created_at, updated_by, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $10, $11) RETURNING id",
            a,
        )
        .await?
        .get(0)?;
    let after = load(&mut Conn::Tx(tx), id).await?;
    let eid = id.to_string();
    audit::write(tx, by, Audit::new("funding.add", "funding_application", &eid).after(&after.app)).await?;
    Ok(after)
}

/// Apply one change inside the caller's transaction (the writer check done).
pub(crate) async fn update_in(
    tx: &mut Tx,
    id: i64,
    change: &FundingChange,
    expected_version: Option<u32>,
    why: &str,
    by: &Actor,
) -> Result<FundingRecord> {
    let before = load(&mut Conn::Tx(tx), id).await?;
    let mut app = before.app.clone();
    let act = Act { by: &by.name, at: by.at, why, version: expected_version.unwrap_or(app.version) };
    let r = match change {
        FundingChange::Submit => {
            let state = opportunity(&mut Conn::Tx(tx), &app.input.opportunity)
                .await?
                .map_or(OpportunityState::Pending, |o| o.state);
            app.submit(state, act)
        }
        FundingChange::ActionRequired => app.action_required(act),
        FundingChange::Resubmit => app.resubmit(act),
        FundingChange::Approve { amount } => app.approve(*amount, act),
        FundingChange::Reject => app.reject(act),
        FundingChange::Cancel => app.cancel(act),
        FundingChange::Claim { amount } => app.claim(*amount, act),
        FundingChange::ApproveClaim => app.approve_claim(act),
        FundingChange::Paid { amount } => app.paid(*amount, act),
        FundingChange::Assign { parts } => app.assign(parts.clone(), act),
        FundingChange::Dates { dates } => app.set_dates(*dates, act),
    };
    r.map_err(funding_error)?;
    let written = tx
        .exec(
            "UPDATE funding_applications SET stage = $1, status = $2, version = $3, claim_due = $4, record = $5, \
                 updated_by = $6, updated_at = $7 WHERE id = $8 AND version = $9",
            args![
                snake(&app.stage)?,
                snake(&app.status)?,
                i64::from(app.version),
                claim_due(&app),
                json(&app)?,
                by.name.as_str(),
                by.at,
                id,
                i64::from(before.app.version)
            ],
        )
        .await?;
    if written == 0 {
        return Err(StoreError::Conflict(format!("funding application {id} changed meanwhile: reload and retry")));
    }
    let after = load(&mut Conn::Tx(tx), id).await?;
    let eid = id.to_string();
    let action = format!("funding.{}", change.name());
    let a = Audit::new(&action, "funding_application", &eid).before(&before.app).after(&after.app).reason(why);
    audit::write(tx, by, a).await?;
    Ok(after)
}

/// Record an opportunity's state inside the caller's transaction (the writer check done).
pub(crate) async fn set_opportunity_in(
    tx: &mut Tx,
    id: &str,
    state: OpportunityState,
    by: &Actor,
) -> Result<Opportunity> {
    if id.trim().is_empty() {
        return Err(StoreError::Invalid("an opportunity id is required".into()));
    }
    let before = opportunity(&mut Conn::Tx(tx), id).await?;
    match &before {
        None => {
            tx.exec(
                "INSERT INTO funding_opportunities (id, state, version, updated_by, updated_at) \
                     VALUES ($1, $2, 1, $3, $4)",
                args![id, snake(&state)?, by.name.as_str(), by.at],
            )
            .await?;
        }
        Some(o) => {
            let n = tx
                .exec(
                    "UPDATE funding_opportunities SET state = $1, version = version + 1, updated_by = $2, \
                         updated_at = $3 WHERE id = $4 AND version = $5",
                    args![snake(&state)?, by.name.as_str(), by.at, id, o.version],
                )
                .await?;
            if n == 0 {
                return Err(StoreError::Conflict(format!("opportunity {id} changed meanwhile: reload and retry")));
            }
        }
    }
    let after =
        opportunity(&mut Conn::Tx(tx), id).await?.ok_or_else(|| StoreError::NotFound(format!("opportunity {id}")))?;
    let mut a = Audit::new("funding.opportunity", "funding_opportunity", id).after(&after);
    if let Some(b) = &before {
        a = a.before(b);
    }
    audit::write(tx, by, a).await?;
    Ok(after)
}

#[async_trait]
impl FundingStore for SqlStore {
    async fn add_funding(&self, input: &FundingInput, by: &Actor) -> Result<FundingRecord> {
        let mut tx = self.db.begin().await?;
        writer(&mut tx, by).await?;
        let after = add_in(&mut tx, input, by).await?;
        tx.commit().await?;
        Ok(after)
    }

    async fn funding(&self, id: i64) -> Result<FundingRecord> {
        load(&mut Conn::Db(&self.db), id).await
    }

    async fn list_funding(&self, customer: Option<&str>) -> Result<Vec<FundingRecord>> {
        let rows = match customer {
            Some(code) => {
                let sql =
                    format!("{SELECT} JOIN customers c ON c.id = f.customer_id WHERE c.code = $1 ORDER BY f.id DESC");
                self.db.all(&sql, args![code]).await?
            }
            None => self.db.all(&format!("{SELECT} ORDER BY f.id DESC"), vec![]).await?,
        };
        rows.iter().map(row).collect()
    }

    async fn update_funding(
        &self,
        id: i64,
        change: &FundingChange,
        expected_version: Option<u32>,
        why: &str,
        by: &Actor,
    ) -> Result<FundingRecord> {
        let mut tx = self.db.begin().await?;
        writer(&mut tx, by).await?;
        let after = update_in(&mut tx, id, change, expected_version, why, by).await?;
        tx.commit().await?;
        Ok(after)
    }

    async fn set_opportunity(&self, id: &str, state: OpportunityState, by: &Actor) -> Result<Opportunity> {
        let mut tx = self.db.begin().await?;
        writer(&mut tx, by).await?;
        let after = set_opportunity_in(&mut tx, id, state, by).await?;
        tx.commit().await?;
        Ok(after)
    }

    async fn import_funding(
        &self,
        rows: &[crate::FundingImportRow],
        by: &Actor,
    ) -> Result<crate::FundingImportSummary> {
        let mut tx = self.db.begin().await?;
        writer(&mut tx, by).await?;
        let out = crate::funding_import::import_in(&mut tx, rows, by).await?;
        tx.commit().await?;
        Ok(out)
    }

    async fn opportunities(&self) -> Result<Vec<Opportunity>> {
        let rows = self
            .db
            .all("SELECT id, state, version, updated_by, updated_at FROM funding_opportunities ORDER BY id", vec![])
            .await?;
        rows.iter().map(opp_row).collect()
    }
}
