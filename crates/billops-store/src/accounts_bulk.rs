//! Bulk account mapping (`billops accounts assign --file map.csv`, multi-select in the Accounts pane): every row in
//! one transaction, all or nothing. A manager's rows are assignments; an operator's become link proposals (the
//! same rule as one assignment). Cost moves once per (batch, period): the line items of all the moved accounts are
//! updated in one statement per chunk of accounts (a `CASE` on the account and its start date) and their rollups
//! rebuilt together, instead of one scan of the batch per account.
use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::NaiveDate;
use serde::Serialize;

use crate::accounts::record_assignment;
use crate::db::{Arg, Tx, args, money_cols, money_sum};
use crate::parties::{customer_id, role_in};
use crate::rating_rollups::{self, Part};
use crate::{Actor, Result, StoreError};

/// Accounts per statement (three parameters each, well under both backends' limits).
const CHUNK: usize = 300;

/// One row of a mapping file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BulkAssignment {
    pub account: String,
    pub customer: String,
    pub from: NaiveDate,
    /// The row's line in its file (for messages).
    pub line: u64,
}

/// What a bulk mapping did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct BulkAssigned {
    /// Assignments made (a manager's rows).
    pub assigned: usize,
    /// Link proposals recorded (an operator's rows), by id.
    pub proposed: Vec<i64>,
    /// (batch, period) pairs whose line items and rollups moved.
    pub rebuilt: usize,
}

/// A row's failure, naming its line: the whole file is refused.
fn at(line: u64, e: StoreError) -> StoreError {
    match e {
        StoreError::Invalid(m) | StoreError::NotFound(m) | StoreError::Conflict(m) => {
            StoreError::Invalid(format!("line {line}: {m}; nothing was assigned"))
        }
        StoreError::Locked { period, by } => StoreError::Invalid(format!(
            "line {line}: period {period} is signed off (by {by}): an assignment from a date inside it would move \
             its cost; nothing was assigned"
        )),
        other => other,
    }
}

pub(crate) async fn assign_all(tx: &mut Tx, rows: &[BulkAssignment], by: &Actor) -> Result<BulkAssigned> {
    let role = role_in(tx, &by.name).await?;
    if !role.can_write() {
        return Err(StoreError::Forbidden(format!("{} ({role}) may not map accounts: viewers read only", by.name)));
    }
    let mut seen: HashMap<&str, u64> = HashMap::new();
    for r in rows {
        if let Some(first) = seen.insert(r.account.as_str(), r.line) {
            return Err(StoreError::Invalid(format!(
                "line {}: account {} is mapped on line {first} already; nothing was assigned",
                r.line, r.account
            )));
        }
    }
    let mut out = BulkAssigned::default();
    let mut moved: Vec<(&str, i64, NaiveDate)> = Vec::new();
    for r in rows {
        let payer = tx
            .opt("SELECT payer FROM linked_accounts WHERE id = $1", args![r.account.as_str()])
            .await?
            .ok_or_else(|| at(r.line, StoreError::NotFound(format!("linked account {}", r.account))))?;
        let cid = customer_id(tx, &r.customer).await.map_err(|e| at(r.line, e))?;
        if role == billops_domain::Role::Operator {
            let payer: String = payer.get(0)?;
            let id = crate::accounts::propose_in(tx, &r.account, &payer, cid, r.from, by)
                .await
                .map_err(|e| at(r.line, e))?;
            out.proposed.push(id);
        } else {
            let why = format!("mapping file line {}", r.line);
            record_assignment(tx, &r.account, cid, r.from, by, Some(&why)).await.map_err(|e| at(r.line, e))?;
            moved.push((r.account.as_str(), cid, r.from));
            out.assigned += 1;
        }
    }
    for chunk in moved.chunks(CHUNK) {
        out.rebuilt += relocate_many(tx, chunk).await?;
    }
    Ok(out)
}

/// Move the line items of `moved` (account, customer id, from) to their customers and rebuild the rollups of
/// every (batch, period) holding them; returns how many (batch, period) pairs were rebuilt.
async fn relocate_many(tx: &mut Tx, moved: &[(&str, i64, NaiveDate)]) -> Result<usize> {
    // accounts never imported have no dict id and no cost to move
    let mut ids: BTreeMap<i64, (i64, NaiveDate)> = BTreeMap::new();
    for (account, cid, from) in moved {
        if let Some(r) = tx.opt("SELECT id FROM dict WHERE value = $1", args![*account]).await? {
            ids.insert(r.get(0)?, (*cid, *from));
        }
    }
    let Some(earliest) = ids.values().map(|v| v.1).min() else { return Ok(0) };
    let accounts: Vec<i64> = ids.keys().copied().collect();
    let list = |first: usize| (0..accounts.len()).map(|i| format!("${}", i + first)).collect::<Vec<_>>().join(", ");
    let mut a = args![earliest];
    a.extend(accounts.iter().map(|&id| Arg::from(id)));
    let scopes = tx
        .all(
            &format!(
                "SELECT DISTINCT s.batch_id, s.period, b.first_item_id, b.last_item_id \
                 FROM batch_scopes s JOIN import_batches b ON b.id = s.batch_id \
                 WHERE s.replaced_by IS NULL AND s.last_day >= $1 AND EXISTS (SELECT 1 FROM cost_rollups r \
                   WHERE r.period = s.period AND r.batch_id = s.batch_id AND r.account IN ({})) \
                 ORDER BY s.batch_id, s.period",
                list(2)
            ),
            a,
        )
        .await?;
    let b = tx.backend();
    let money = [money_cols(b, "billed"), money_cols(b, "effective"), money_cols(b, "list")].join(", ");
    let sums = [money_sum(b, "", "billed"), money_sum(b, "", "effective"), money_sum(b, "", "list")].join(", ");
    let keys = "period, customer_id, service, product, component, account, payer, charge_category, region, currency";
    // $1..$4: lo, hi, batch, period; then the accounts
    let in_list = list(5);
    let rebuild = |table: &str, keys: &str| {
        format!(
            "INSERT INTO {table} ({keys}, batch_id, row_count, {money}) SELECT {keys}, batch_id, count(*), {sums} \
             FROM line_items WHERE id BETWEEN $1 AND $2 AND batch_id = $3 AND period = $4 AND account IN ({in_list}) \
             GROUP BY {keys}, batch_id"
        )
    };
    let (rebuild_cost, rebuild_resource) =
        (rebuild("cost_rollups", keys), rebuild("resource_rollups", &format!("{keys}, resource")));
    // the CASE: for account i (parameter 5 + i), its start date and customer follow the account list
    let n = accounts.len();
    let cases: Vec<String> = (0..n)
        .map(|i| format!("WHEN account = ${} AND usage_date >= ${} THEN ${}", 5 + i, 5 + n + 2 * i, 6 + n + 2 * i))
        .collect();
    let update = format!(
        "UPDATE line_items SET customer_id = CASE {} ELSE customer_id END \
         WHERE id BETWEEN $1 AND $2 AND batch_id = $3 AND period = $4 AND account IN ({in_list})",
        cases.join(" ")
    );
    let mut done: BTreeSet<(i64, String)> = BTreeSet::new();
    for r in &scopes {
        let (batch, period, lo, hi): (i64, String, i64, i64) = (r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?);
        if !done.insert((batch, period.clone())) {
            continue;
        }
        let scope = |extra: bool| {
            let mut a = args![lo, hi, batch, period.as_str()];
            a.extend(accounts.iter().map(|&id| Arg::from(id)));
            if extra {
                for (cid, from) in ids.values() {
                    a.push(Arg::from(*from));
                    a.push(Arg::from(*cid));
                }
            }
            a
        };
        tx.exec(&update, scope(true)).await?;
        for table in ["cost_rollups", "resource_rollups", "rating_rollups"] {
            let sql = format!("DELETE FROM {table} WHERE period = $1 AND batch_id = $2 AND account IN ({})", list(3));
            let mut a = args![period.as_str(), batch];
            a.extend(accounts.iter().map(|&id| Arg::from(id)));
            tx.exec(&sql, a).await?;
        }
        tx.exec(&rebuild_cost, scope(false)).await?;
        tx.exec(&rebuild_resource, scope(false)).await?;
        if rating_rollups::built(tx, batch).await? {
            rating_rollups::rebuild(tx, batch, lo, hi, Part::Accounts { period: &period, accounts: &accounts }).await?;
        }
    }
    Ok(done.len())
}
