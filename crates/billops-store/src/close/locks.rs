//! Period locks: the checks every write that could change a signed-off period goes through.
use billops_domain::Period;
use chrono::NaiveDate;

use crate::db::{Db, Tx, args, parse_period};
use crate::{PeriodLock, Result, StoreError};

fn locked(period: String, by: String) -> StoreError {
    StoreError::Locked { period, by }
}

/// Refuse when `period` is locked.
pub(crate) async fn refuse_locked(tx: &mut Tx, period: Period) -> Result<()> {
    let p = period.to_string();
    match tx.opt("SELECT locked_by FROM period_locks WHERE period = $1", args![p.as_str()]).await? {
        Some(r) => Err(locked(p, r.get(0)?)),
        None => Ok(()),
    }
}

/// The import hook: refuse a file with rows in any locked period (called once, before commit).
pub(crate) async fn refuse_import(tx: &mut Tx, periods: impl Iterator<Item = Period>) -> Result<()> {
    let mut ps: Vec<Period> = periods.collect();
    ps.sort();
    ps.dedup();
    for p in ps {
        refuse_locked(tx, p).await?;
    }
    Ok(())
}

/// Refuse a change effective from `from` onward (an account assignment) when any locked period ends after
/// `from`: the change would move cost inside that period.
pub(crate) async fn refuse_from(tx: &mut Tx, from: NaiveDate) -> Result<()> {
    let p = Period::of_date(from).to_string();
    match tx
        .opt("SELECT period, locked_by FROM period_locks WHERE period >= $1 ORDER BY period LIMIT 1", args![p.as_str()])
        .await?
    {
        Some(r) => Err(locked(r.get(0)?, r.get(1)?)),
        None => Ok(()),
    }
}

/// A payment is dated when the money arrived; one dated inside a signed-off month would change that month's
/// statement after sign-off, so it is refused, naming the first open day to post it on (the value date goes in
/// its reference).
pub(crate) async fn refuse_payment_in_locked(tx: &mut Tx, received_on: NaiveDate) -> Result<()> {
    let mut period = Period::of_date(received_on);
    let first = period.to_string();
    let mut by: Option<String> = None;
    while let Some(r) =
        tx.opt("SELECT locked_by FROM period_locks WHERE period = $1", args![period.to_string()]).await?
    {
        by.get_or_insert(r.get(0)?);
        period = period.next();
    }
    match by {
        None => Ok(()),
        Some(by) => Err(StoreError::Invalid(format!(
            "a payment dated {received_on} falls in {first}, which is signed off (locked by {by}): a signed-off \
             month's statement does not change; record it dated {} or later (the first open day) with the value \
             date {received_on} in its reference",
            period.start()
        ))),
    }
}

pub(crate) async fn locked_periods(db: &Db) -> Result<Vec<PeriodLock>> {
    let rows = db.all("SELECT period, locked_by, locked_at FROM period_locks ORDER BY period DESC", vec![]).await?;
    rows.iter()
        .map(|r| {
            Ok(PeriodLock { period: parse_period(&r.get::<String>(0)?)?, locked_by: r.get(1)?, locked_at: r.get(2)? })
        })
        .collect()
}
