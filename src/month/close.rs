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
    /// Funding claims due within [`CLAIM_WARNING_DAYS`] (or lapsed) of open applications: warnings beside
    /// the board (they never block a sign-off).
    pub funding_claims: Vec<ClaimWarning>,
}

/// How far ahead the board warns of funding claims about to lapse.
pub const CLAIM_WARNING_DAYS: i64 = 14;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ClaimWarning {
    pub application: i64,
    pub customer: String,
    pub program: String,
    pub claim_due: NaiveDate,
    /// Negative: lapsed.
    pub days_left: i64,
}

async fn claim_warnings(store: &dyn Store, today: NaiveDate) -> Result<Vec<ClaimWarning>> {
    let mut out = Vec::new();
    for f in store.list_funding(None).await? {
        for d in f.app.due_within(today, CLAIM_WARNING_DAYS) {
            if d.what == billops_domain::funding::DeadlineKind::Claim {
                out.push(ClaimWarning {
                    application: f.id,
                    customer: f.app.input.customer.clone(),
                    program: f.app.input.program.clone(),
                    claim_due: d.date,
                    days_left: d.days_left,
                });
            }
        }
    }
    out.sort_by_key(|c| (c.claim_due, c.application));
    Ok(out)
}

/// The board computed from the store's facts for `today`, judged by the configured settings.
pub async fn board(store: &dyn Store, period: Period, today: NaiveDate, cfg: &CloseSettings) -> Result<CloseView> {
    let facts = store.close_facts(period, &cfg.board).await?;
    let close = store.period_close(period).await?;
    let mut board = evaluate(&facts, &cfg.board, &close, today);
    super::requests::warn_on_board(store, today, &mut board).await?;
    crate::plan::warn_on_board(store, period, &cfg.plan, &mut board).await?;
    let funding_claims = claim_warnings(store, today).await?;
    Ok(CloseView { can_sign_off: board.can_sign_off(), board, facts, close, funding_claims })
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
