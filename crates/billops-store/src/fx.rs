//! `FxRates`: FX rate snapshots per currency pair and billing period (migration 0015). Entered or imported as
//! data (rate, source, date) by an operator, approved by a manager who did not enter them (maker-checker),
//! frozen when the period is signed off: a signed-off period's rate is never edited (a corrected rate is a
//! re-rating, posted as a PPA in the open period). Draft generation reads the period's approved rates
//! ([`FxRates::fx_table`]). The rate is exact decimal TEXT on both backends (never summed).
use async_trait::async_trait;
use billops_domain::Period;
use billops_domain::fx::{FxTable, FxUsed, Pair, parse_rate};
use billops_domain::text::FreeText;
use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use serde::Serialize;

use crate::audit::{self, Audit};
use crate::db::{Row, Tx, args, parse_period};
use crate::parties::role_in;
use crate::{Actor, Result, SqlStore, StoreError};

/// A rate as entered or imported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewFxRate {
    pub pair: Pair,
    pub period: Period,
    pub rate: Decimal,
    /// Where the rate comes from (ECB, the contract, the supplier's invoice …).
    pub source: String,
    /// The rate's own date (as the source publishes it).
    pub date: NaiveDate,
}

/// A stored rate: `proposed` until a manager approves it, then `approved` (what drafts convert with).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StoredFxRate {
    pub id: i64,
    pub base: String,
    pub quote: String,
    pub period: Period,
    pub rate: Decimal,
    pub source: String,
    pub date: NaiveDate,
    pub status: String,
    pub entered_by: String,
    pub entered_at: DateTime<Utc>,
    pub approved_by: Option<String>,
    pub approved_at: Option<DateTime<Utc>>,
}

impl StoredFxRate {
    pub fn pair(&self) -> String {
        format!("{}→{}", self.base, self.quote)
    }
}

#[async_trait]
pub trait FxRates: Send + Sync {
    /// Enter (or re-enter, while the period is open) a pair's rate for a period; it waits for approval.
    async fn set_fx_rate(&self, rate: &NewFxRate, by: &Actor) -> Result<StoredFxRate>;
    /// Enter several rates in one transaction: every row or none (a refused row names its number).
    async fn import_fx_rates(&self, rates: &[NewFxRate], by: &Actor) -> Result<usize>;
    /// A manager other than the one who entered it approves a pair's rate for a period.
    async fn approve_fx_rate(&self, pair: &Pair, period: Period, by: &Actor) -> Result<StoredFxRate>;
    /// Rates of one period, or all, by period (newest first), pair.
    async fn fx_rates(&self, period: Option<Period>) -> Result<Vec<StoredFxRate>>;
    /// The approved rates of a period: what a draft run converts with.
    async fn fx_table(&self, period: Period) -> Result<FxTable>;
}

const SELECT: &str = "SELECT id, base, quote, period, rate, source, rate_date, status, entered_by, entered_at, \
     approved_by, approved_at FROM fx_rates";

fn row(r: &Row) -> Result<StoredFxRate> {
    let rate: String = r.get(4)?;
    Ok(StoredFxRate {
        id: r.get(0)?,
        base: r.get(1)?,
        quote: r.get(2)?,
        period: parse_period(&r.get::<String>(3)?)?,
        rate: parse_rate(&rate).map_err(|e| StoreError::Invalid(format!("stored FX rate: {e}")))?,
        source: r.get(5)?,
        date: r.get(6)?,
        status: r.get(7)?,
        entered_by: r.get(8)?,
        entered_at: r.get(9)?,
        approved_by: r.get(10)?,
        approved_at: r.get(11)?,
    })
}

async fn one(tx: &mut Tx, pair: &Pair, period: Period) -> Result<Option<StoredFxRate>> {
    let sql = format!("{SELECT} WHERE base = $1 AND quote = $2 AND period = $3");
    tx.opt(&sql, args![pair.base.as_str(), pair.quote.as_str(), period.to_string()])
        .await?
        .as_ref()
        .map(row)
        .transpose()
}

/// A signed-off period's rate is frozen: the refusal names the way to correct what it billed.
async fn refuse_frozen(tx: &mut Tx, pair: &Pair, period: Period) -> Result<()> {
    let p = period.to_string();
    if let Some(r) = tx.opt("SELECT locked_by FROM period_locks WHERE period = $1", args![p.as_str()]).await? {
        let by: String = r.get(0)?;
        return Err(StoreError::Invalid(format!(
            "{p} is signed off (locked by {by}): its {pair} rate is frozen with the invoices that used it. A \
             corrected rate is a re-rating, never an edit: propose a prior-period adjustment on the issued line \
             (`billops ppa add --invoice N --line L --rerated AMOUNT --reason TEXT`), posted in the open period"
        )));
    }
    Ok(())
}

async fn set_in(tx: &mut Tx, r: &NewFxRate, by: &Actor) -> Result<StoredFxRate> {
    if r.rate <= Decimal::ZERO {
        return Err(StoreError::Invalid(format!("{} rate {}: a rate is more than zero", r.pair, r.rate)));
    }
    let source = FreeText::new("source", &r.source).map_err(|e| StoreError::Invalid(e.to_string()))?;
    if source.as_str().trim().is_empty() {
        return Err(StoreError::Invalid(format!("{} rate for {}: the source is required", r.pair, r.period)));
    }
    refuse_frozen(tx, &r.pair, r.period).await?;
    let before = one(tx, &r.pair, r.period).await?;
    let rate = r.rate.normalize().to_string();
    let p = r.period.to_string();
    if let Some(b) = &before
        && b.rate == r.rate.normalize()
        && b.source == source.as_str()
        && b.date == r.date
    {
        return Ok(b.clone());
    }
    tx.exec(
        "INSERT INTO fx_rates (base, quote, period, rate, source, rate_date, status, entered_by, entered_at) \
         VALUES ($1, $2, $3, $4, $5, $6, 'proposed', $7, $8) ON CONFLICT (base, quote, period) DO UPDATE SET \
         rate = excluded.rate, source = excluded.source, rate_date = excluded.rate_date, status = 'proposed', \
         entered_by = excluded.entered_by, entered_at = excluded.entered_at, approved_by = NULL, approved_at = NULL",
        args![
            r.pair.base.as_str(),
            r.pair.quote.as_str(),
            p.as_str(),
            rate.as_str(),
            source.as_str(),
            r.date,
            by.name.as_str(),
            by.at
        ],
    )
    .await?;
    let after = one(tx, &r.pair, r.period).await?.ok_or_else(|| StoreError::NotFound(format!("{} rate", r.pair)))?;
    let id = format!("{}/{p}", r.pair);
    let a = Audit::new("fx.set", "fx_rate", &id).period(r.period).before(&before).after(&after);
    audit::write(tx, by, a).await?;
    Ok(after)
}

async fn writer(tx: &mut Tx, by: &Actor) -> Result<()> {
    if !role_in(tx, &by.name).await?.can_write() {
        return Err(StoreError::Forbidden(format!("{} may not enter FX rates (viewer)", by.name)));
    }
    Ok(())
}

#[async_trait]
impl FxRates for SqlStore {
    async fn set_fx_rate(&self, rate: &NewFxRate, by: &Actor) -> Result<StoredFxRate> {
        let mut tx = self.db.begin().await?;
        writer(&mut tx, by).await?;
        let r = set_in(&mut tx, rate, by).await?;
        tx.commit().await?;
        Ok(r)
    }

    async fn import_fx_rates(&self, rates: &[NewFxRate], by: &Actor) -> Result<usize> {
        let mut tx = self.db.begin().await?;
        writer(&mut tx, by).await?;
        for (n, r) in rates.iter().enumerate() {
            set_in(&mut tx, r, by).await.map_err(|e| match e {
                StoreError::Invalid(m) => StoreError::Invalid(format!("row {}: {m}; nothing was imported", n + 1)),
                e => e,
            })?;
        }
        tx.commit().await?;
        Ok(rates.len())
    }

    async fn approve_fx_rate(&self, pair: &Pair, period: Period, by: &Actor) -> Result<StoredFxRate> {
        let mut tx = self.db.begin().await?;
        let role = role_in(&mut tx, &by.name).await?;
        if !role.can_approve() {
            return Err(StoreError::Forbidden(format!("{} ({role}) may not approve FX rates (manager)", by.name)));
        }
        refuse_frozen(&mut tx, pair, period).await?;
        let Some(before) = one(&mut tx, pair, period).await? else {
            return Err(StoreError::NotFound(format!(
                "no {pair} rate for {period}: enter one first (`billops fx set {} {} {period} RATE --source S \
                 --date YYYY-MM-DD`)",
                pair.base, pair.quote
            )));
        };
        if before.status == "approved" {
            return Ok(before);
        }
        if before.entered_by == by.name {
            return Err(StoreError::Forbidden(format!(
                "{} entered the {pair} rate for {period}: another manager approves it (maker-checker)",
                by.name
            )));
        }
        tx.exec(
            "UPDATE fx_rates SET status = 'approved', approved_by = $1, approved_at = $2 WHERE id = $3",
            args![by.name.as_str(), by.at, before.id],
        )
        .await?;
        let after = one(&mut tx, pair, period).await?.ok_or_else(|| StoreError::NotFound(format!("{pair} rate")))?;
        let id = format!("{pair}/{period}");
        audit::write(
            &mut tx,
            by,
            Audit::new("fx.approve", "fx_rate", &id).period(period).before(&before).after(&after),
        )
        .await?;
        tx.commit().await?;
        Ok(after)
    }

    async fn fx_rates(&self, period: Option<Period>) -> Result<Vec<StoredFxRate>> {
        let rows = match period {
            Some(p) => {
                let sql = format!("{SELECT} WHERE period = $1 ORDER BY period DESC, base, quote");
                self.db.all(&sql, args![p.to_string()]).await?
            }
            None => self.db.all(&format!("{SELECT} ORDER BY period DESC, base, quote"), vec![]).await?,
        };
        rows.iter().map(row).collect()
    }

    async fn fx_table(&self, period: Period) -> Result<FxTable> {
        let rates = self.fx_rates(Some(period)).await?;
        let used = rates.into_iter().filter(|r| r.status == "approved").map(|r| {
            let pair = Pair { base: r.base, quote: r.quote };
            FxUsed { pair, rate: r.rate, source: r.source, date: r.date }
        });
        Ok(FxTable::new(period, used.collect::<Vec<_>>()))
    }
}
