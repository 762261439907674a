//! Sign-off and re-open: the domain's `PeriodClose` decides, the store keeps its events and the lock.
use billops_domain::Period;
use billops_domain::close::{CloseAction, CloseConfig, CloseError, CloseEvent, CloseFacts, PeriodClose, evaluate};
use chrono::NaiveDate;

use crate::audit::{self, Audit};
use crate::db::{Db, Tx, args};
use crate::ledger::{Conn, facts, user_in};
use crate::{Actor, Result, StoreError};

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

pub(crate) async fn sign_off(
    db: &Db,
    period: Period,
    cfg: &CloseConfig,
    today: NaiveDate,
    note: &str,
    by: &Actor,
) -> Result<PeriodClose> {
    // The credits cross-check reads through the pool, just before the transaction (it lists every credit).
    let unreached = facts::with_unreached(db, facts::empty(period)).await?;
    let mut tx = db.begin().await?;
    let user = user_in(&mut tx, by).await?;
    let mut close = period_close(&mut Conn::Tx(&mut tx), period).await?;
    let facts = facts::gather(&mut Conn::Tx(&mut tx), period, cfg).await?;
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

pub(crate) async fn reopen(db: &Db, period: Period, reason: &str, by: &Actor) -> Result<PeriodClose> {
    let mut tx = db.begin().await?;
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
