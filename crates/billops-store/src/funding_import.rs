//! Importing the funding pipeline from a CSV (parsed by the caller) in **one transaction**: every row is
//! checked and applied or nothing is written. A row without an id is a new application (in draft); a row
//! with an id brings in what the programme states — its dates (the claim due date is the programme's data)
//! and its opportunity's state — and must otherwise agree with the store (stage, status, amounts, version):
//! an export imported again changes nothing. A refusal names the file's line and the column.
use billops_domain::funding::{FundingDates, FundingInput, OpportunityState, Stage, Status};
use rust_decimal::Decimal;
use serde::Serialize;

use crate::db::Conn;
use crate::db::Tx;
use crate::funding::{FundingChange, add_in, load, set_opportunity_in, update_in};
use crate::{Actor, Result, StoreError};

/// One row of the pipeline file, parsed (columns left empty are `None`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FundingImportRow {
    /// The line in the file (for messages).
    pub line: u64,
    pub id: Option<i64>,
    pub input: FundingInput,
    pub opportunity_state: Option<OpportunityState>,
    pub stage: Option<Stage>,
    pub status: Option<Status>,
    pub approved: Option<Decimal>,
    pub claimed: Option<Decimal>,
    pub received: Option<Decimal>,
    pub version: Option<u32>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct FundingImportSummary {
    pub added: Vec<i64>,
    /// Applications whose dates or opportunity state changed.
    pub updated: Vec<i64>,
    pub unchanged: usize,
}

fn refuse(line: u64, column: &str, text: String) -> StoreError {
    StoreError::Invalid(format!("line {line}, column {column}: {text}; nothing was imported"))
}

fn differs<T: PartialEq + std::fmt::Display>(
    line: u64,
    column: &str,
    file: Option<T>,
    stored: Option<T>,
) -> Result<()> {
    match (file, stored) {
        (Some(f), s) if Some(&f) != s.as_ref() => {
            let s = s.map_or_else(|| "empty".to_string(), |s| s.to_string());
            Err(refuse(line, column, format!("the file says {f}, the store {s} (steps go through funding update)")))
        }
        _ => Ok(()),
    }
}

/// Check and apply every row inside `tx` (the caller commits).
pub(crate) async fn import_in(tx: &mut Tx, rows: &[FundingImportRow], by: &Actor) -> Result<FundingImportSummary> {
    let mut out = FundingImportSummary::default();
    for r in rows {
        let line = r.line;
        let at_line = |e: StoreError| match e {
            StoreError::Invalid(m) => refuse(line, "", m),
            StoreError::NotFound(m) => refuse(line, "customer", format!("{m} not found")),
            other => other,
        };
        let Some(id) = r.id else {
            if r.stage.is_some_and(|s| s != Stage::Draft)
                || r.status.is_some_and(|s| s != Status::PendingSubmission)
                || r.approved.is_some()
                || r.claimed.is_some()
                || r.received.is_some()
            {
                return Err(refuse(line, "id", "a new application (no id) starts as a draft with no amounts".into()));
            }
            let f = add_in(tx, &r.input, by).await.map_err(at_line)?;
            if let Some(st) = r.opportunity_state
                && st != f.opportunity_state
            {
                set_opportunity_in(tx, &r.input.opportunity, st, by).await.map_err(at_line)?;
            }
            out.added.push(f.id);
            continue;
        };
        let f = load(&mut Conn::Tx(tx), id).await.map_err(|_| refuse(line, "id", format!("no application {id}")))?;
        let a = &f.app;
        if let Some(v) = r.version
            && v != a.version
        {
            return Err(StoreError::Conflict(format!(
                "line {line}, column version: application {id} is at version {}, the file has {v} (changed \
                 meanwhile: export again); nothing was imported",
                a.version
            )));
        }
        let i = &r.input;
        differs(line, "customer", Some(&i.customer), Some(&a.input.customer))?;
        differs(line, "program", Some(&i.program), Some(&a.input.program))?;
        differs(line, "opportunity", Some(&i.opportunity), Some(&a.input.opportunity))?;
        differs(line, "currency", Some(&i.currency), Some(&a.input.currency))?;
        differs(line, "requested", Some(i.requested), Some(a.input.requested))?;
        differs(line, "stage", r.stage.map(|s| s.to_string()), Some(a.stage.to_string()))?;
        differs(line, "status", r.status.map(|s| s.to_string()), Some(a.status.to_string()))?;
        differs(line, "approved", r.approved, a.approved)?;
        differs(line, "claimed", r.claimed, a.claimed)?;
        differs(line, "received", r.received, a.received)?;
        let mut changed = false;
        let d = i.dates;
        let stored = a.input.dates;
        let new_dates = FundingDates {
            submit_by: d.submit_by.filter(|x| Some(*x) != stored.submit_by),
            project_start: d.project_start.filter(|x| Some(*x) != stored.project_start),
            project_end: d.project_end.filter(|x| Some(*x) != stored.project_end),
            claim_due: d.claim_due.filter(|x| Some(*x) != stored.claim_due),
        };
        if new_dates != FundingDates::default() {
            let change = FundingChange::Dates { dates: new_dates };
            update_in(tx, id, &change, Some(a.version), "imported", by).await.map_err(at_line)?;
            changed = true;
        }
        if let Some(st) = r.opportunity_state
            && st != f.opportunity_state
        {
            set_opportunity_in(tx, &a.input.opportunity, st, by).await.map_err(at_line)?;
            changed = true;
        }
        if changed {
            out.updated.push(id);
        } else {
            out.unchanged += 1;
        }
    }
    Ok(out)
}
