//! Sign-off and re-open: the domain's `PeriodClose` decides, the store keeps its events and the lock.
pub(crate) mod facts;
pub(crate) mod locks;

use async_trait::async_trait;
use billops_domain::Period;
use billops_domain::close::{CloseAction, CloseConfig, CloseError, CloseEvent, CloseFacts, PeriodClose, evaluate};
use chrono::NaiveDate;

use crate::audit::{self, Audit};
use crate::db::{Conn, Tx, args};
use crate::parties::user_in;
use crate::{Actor, PeriodLock, Result, SqlStore, StoreError};

pub(crate) fn close_error(e: CloseError) -> StoreError {
    match e {
        CloseError::NotPermitted { .. } => StoreError::Forbidden(e.to_string()),
        CloseError::Blocked { period, blockers } => {
            StoreError::Conflict(format!("cannot sign off {period}: {}", blockers.join("; ")))
        }
        CloseError::AlreadyLocked(_) | CloseError::NotLocked(_) => StoreError::Conflict(e.to_string()),
        other => StoreError::Invalid(other.to_string()),
    }
}

pub(crate) async fn period_close(c: &mut Conn<'_>, period: Period) -> Result<PeriodClose> {
    let rows = c
        .all(
            "SELECT action, by_user, at, reason FROM period_close_events WHERE period = $1 ORDER BY id",
            args![period.to_string()],
        )
        .await?;
    let mut events = Vec::with_capacity(rows.len());
    for r in &rows {
        let action = match r.get::<String>(0)?.as_str() {
            "sign_off" => CloseAction::SignOff,
            _ => CloseAction::Reopen,
        };
        events.push(CloseEvent { at: r.get(2)?, by: r.get(1)?, action, reason: r.get(3)? });
    }
    PeriodClose::replay(period, events).map_err(close_error)
}

async fn record(tx: &mut Tx, period: Period, action: &str, reason: &str, by: &Actor) -> Result<()> {
    tx.exec(
        "INSERT INTO period_close_events (period, action, by_user, at, reason) VALUES ($1, $2, $3, $4, $5)",
        args![period.to_string(), action, by.name.as_str(), by.at, reason],
    )
    .await?;
    Ok(())
}

/// Month-end close: the board's facts, sign-off and re-open, period locks.
#[async_trait]
pub trait Close: Send + Sync {
    /// A period's sign-off history (locked when the last event is a sign-off).
    async fn period_close(&self, period: Period) -> Result<PeriodClose>;
    async fn locked_periods(&self) -> Result<Vec<PeriodLock>>;
    /// The facts the close board is computed from, judged by `cfg` (the tie-out tolerance per payer, the
    /// variance thresholds).
    async fn close_facts(&self, period: Period, cfg: &CloseConfig) -> Result<CloseFacts>;
    /// Manager sign-off: recomputes the facts and the board inside the transaction and locks the period only
    /// when nothing blocks (`Forbidden` for non-managers, `Conflict` with the blockers otherwise).
    async fn sign_off(
        &self,
        period: Period,
        cfg: &CloseConfig,
        today: NaiveDate,
        note: &str,
        by: &Actor,
    ) -> Result<PeriodClose>;
    /// Manager re-open with a reason.
    async fn reopen(&self, period: Period, reason: &str, by: &Actor) -> Result<PeriodClose>;
}

#[async_trait]
impl Close for SqlStore {
    async fn period_close(&self, period: Period) -> Result<PeriodClose> {
        period_close(&mut Conn::Db(&self.db), period).await
    }
    async fn locked_periods(&self) -> Result<Vec<PeriodLock>> {
        locks::locked_periods(&self.db).await
    }
    async fn close_facts(&self, period: Period, cfg: &CloseConfig) -> Result<CloseFacts> {
        // Outside a transaction the variance count (both months' rollups) runs beside the other counts, on
        // another pooled connection.
        let (mut a, mut b) = (Conn::Db(&self.db), Conn::Db(&self.db));
        let (facts, variances) = tokio::join!(
            facts::gather_counts(&mut a, self.summary, period, cfg),
            facts::variances(&mut b, self.summary, period, cfg)
        );
        facts::with_unreached(&self.db, CloseFacts { variances_unexplained: variances?, ..facts? }).await
    }
    async fn sign_off(
        &self,
        period: Period,
        cfg: &CloseConfig,
        today: NaiveDate,
        note: &str,
        by: &Actor,
    ) -> Result<PeriodClose> {
        crate::fields::text("sign-off note", note)?;
        // The credits cross-check reads through the pool, just before the transaction (it lists every credit).
        let unreached = facts::with_unreached(&self.db, facts::empty(period)).await?;
        let mut tx = self.db.begin().await?;
        let user = user_in(&mut tx, by).await?;
        let mut close = period_close(&mut Conn::Tx(&mut tx), period).await?;
        let facts = facts::gather(&mut Conn::Tx(&mut tx), self.summary, period, cfg).await?;
        let facts = CloseFacts {
            supplier_credits_reached: unreached.supplier_credits_reached,
            supplier_credits_unreached: unreached.supplier_credits_unreached,
            funding_credits_unused: unreached.funding_credits_unused,
            ..facts
        };
        let board = evaluate(&facts, cfg, &close, today);
        close.sign_off(&board, &user, by.at, note).map_err(close_error)?;
        record(&mut tx, period, "sign_off", note, by).await?;
        tx.exec(
            "INSERT INTO period_locks (period, locked_by, locked_at, reason) VALUES ($1, $2, $3, $4)",
            args![period.to_string(), by.name.as_str(), by.at, note],
        )
        .await?;
        let eid = period.to_string();
        let a = Audit::new("close.sign_off", "period", &eid).period(period).after(&facts).reason(note);
        audit::write(&mut tx, by, a).await?;
        tx.commit().await?;
        Ok(close)
    }
    async fn reopen(&self, period: Period, reason: &str, by: &Actor) -> Result<PeriodClose> {
        crate::fields::text("re-open reason", reason)?;
        let mut tx = self.db.begin().await?;
        let user = user_in(&mut tx, by).await?;
        let mut close = period_close(&mut Conn::Tx(&mut tx), period).await?;
        let before = close.locked_by().cloned();
        close.reopen(&user, by.at, reason).map_err(close_error)?;
        record(&mut tx, period, "reopen", reason, by).await?;
        tx.exec("DELETE FROM period_locks WHERE period = $1", args![period.to_string()]).await?;
        let eid = period.to_string();
        let a = Audit::new("close.reopen", "period", &eid).period(period).before(&before).reason(reason);
        audit::write(&mut tx, by, a).await?;
        tx.commit().await?;
        Ok(close)
    }
}
