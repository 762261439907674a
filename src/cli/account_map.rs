//! `billops accounts assign --file map.csv`: many accounts mapped in one transaction. The header is
//! `account,customer,from` (this form is fixed: scripts use it); `from` is a date (YYYY-MM-DD) or empty for the
//! first day of the current month. A bad row refuses the whole file, naming file, line and column. A manager's
//! rows are assigned at once (cost moves once per batch and period); an operator's become link proposals.
use std::path::Path;

use billops_domain::Role;
use billops_store::BulkAssignment;
use chrono::{Datelike, NaiveDate, Utc};

use super::{Ctx, Failure};

/// The first day of the current month: where an assignment without a date starts.
pub(super) fn this_month() -> NaiveDate {
    let today = Utc::now().date_naive();
    today.with_day(1).unwrap_or(today)
}

/// The rows of a mapping file, or the first bad one by file, line and column.
fn read(file: &Path) -> Result<Vec<BulkAssignment>, Failure> {
    let name = file.display().to_string();
    let (mut r, headers) = super::output::csv_input(file)?;
    let col = |h: &str| super::output::csv_column(&headers, h);
    let (Some(ai), Some(ci), Some(fi)) = (col("account"), col("customer"), col("from")) else {
        return Err(Failure::user(format!("{name}: line 1: the header must be account,customer,from")));
    };
    let default_from = this_month();
    let mut rows = Vec::new();
    for rec in r.records() {
        let rec = rec.map_err(|e| Failure::user(format!("{name}: {e}")))?;
        let line = rec.position().map_or(0, |p| p.line());
        let bad = |i: usize, why: &str| {
            Failure::user(format!(
                "{name}: line {line}, column {} ({}): {why}; nothing was assigned",
                i + 1,
                &headers[i]
            ))
        };
        let cell = |i: usize| rec.get(i).unwrap_or("").to_string();
        let (account, customer, from) = (cell(ai), cell(ci), cell(fi));
        if account.is_empty() {
            return Err(bad(ai, "empty"));
        }
        if customer.is_empty() {
            return Err(bad(ci, "empty"));
        }
        let from = if from.is_empty() {
            default_from
        } else {
            NaiveDate::parse_from_str(&from, "%Y-%m-%d").map_err(|_| bad(fi, "not a date (YYYY-MM-DD)"))?
        };
        rows.push(BulkAssignment { account, customer, from, line });
    }
    if rows.is_empty() {
        return Err(Failure::user(format!("{name}: no rows under the header account,customer,from")));
    }
    Ok(rows)
}

pub(super) async fn assign_file(ctx: &Ctx, file: &Path) -> Result<u8, Failure> {
    let rows = read(file)?;
    ctx.require(Role::Operator, "mapping accounts").await?;
    let name = file.display();
    // One transaction with no count to show: a terminal sees the seconds go by (26 s for 1,000 accounts on a
    // 10M-row month, docs/PERFORMANCE.md).
    let wait =
        super::progress::ProgressLine::new(format!("{name}: mapping {} account(s) in one transaction", rows.len()));
    let done = wait.waiting(ctx.store.assign_accounts(&rows, &ctx.actor())).await.map_err(|e| match e {
        billops_store::StoreError::Invalid(m) => Failure::user(format!("{name}: {m}")),
        other => other.into(),
    })?;
    if done.proposed.is_empty() {
        outln!(
            "{name}: {} account(s) assigned in one transaction; cost moved in {} batch-period(s)",
            done.assigned,
            done.rebuilt
        )?;
    } else {
        let first = done.proposed.first().copied().unwrap_or_default();
        let last = done.proposed.last().copied().unwrap_or_default();
        outln!(
            "you are an operator: assignments are proposals. {name}: {} link proposal(s) recorded ({first}..{last}); \
             a manager approves each with `billops accounts approve ID`",
            done.proposed.len()
        )?;
    }
    Ok(0)
}
