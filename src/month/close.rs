//! The close board of a period, sign-off and re-open.
use billops_domain::Period;
use billops_domain::close::{CloseBoard, CloseFacts, PeriodClose, TieOut, evaluate};
use billops_store::{Actor, Result, Store};
use chrono::NaiveDate;
use serde::Serialize;

use super::CloseSettings;

#[derive(Debug, Clone, Serialize)]
pub struct CloseView {
    pub board: CloseBoard,
    pub facts: CloseFacts,
    pub can_sign_off: bool,
    pub close: PeriodClose,
}

/// The board computed from the store's facts for `today`, judged by the configured settings.
pub async fn board(store: &dyn Store, period: Period, today: NaiveDate, cfg: &CloseSettings) -> Result<CloseView> {
    let facts = store.close_facts(period, &cfg.board).await?;
    let close = store.period_close(period).await?;
    let mut board = evaluate(&facts, &cfg.board, &close, today);
    super::requests::warn_on_board(store, today, &mut board).await?;
    Ok(CloseView { can_sign_off: board.can_sign_off(), board, facts, close })
}

pub async fn sign_off(
    store: &dyn Store,
    period: Period,
    today: NaiveDate,
    note: &str,
    by: &Actor,
    cfg: &CloseSettings,
) -> Result<PeriodClose> {
    store.sign_off(period, &cfg.board, today, note, by).await
}

pub async fn reopen(store: &dyn Store, period: Period, reason: &str, by: &Actor) -> Result<PeriodClose> {
    store.reopen(period, reason, by).await
}

/// The three-way tie-out per payer (within the configured tolerance).
pub async fn recon(store: &dyn Store, period: Period, cfg: &CloseSettings) -> Result<Vec<TieOut>> {
    Ok(store.close_facts(period, &cfg.board).await?.tie_outs)
}
