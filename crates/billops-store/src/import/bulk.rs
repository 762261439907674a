//! Bulk writing of line items and rollups: multi-row INSERTs with persistent prepared statements on SQLite
//! (full chunks only: see [`Bulk::statement`]),
//! `COPY … FROM STDIN` (text format) on PostgreSQL. Only numbers, dates and periods are written here, so
//! the COPY text needs no escaping.
use std::collections::{HashMap, HashSet};
use std::io::Write as _;
use std::sync::Arc;

use billops_domain::Period;
use billops_domain::SplitDecimal;
use chrono::NaiveDate;
use sqlx::sqlite::SqliteArguments;
use sqlx::{Arguments as _, AssertSqlSafe, Encode, Sqlite, Type};

use super::dict::FastMap;
use super::state::{ItemRow, RollKey, Sums, TEXT_FIELDS, dec};
use crate::db::Tx;
use crate::{Result, StoreError};

/// Rows per SQLite INSERT statement (line items and rating rollups: 30 and 31 values a row, under SQLite's 32,766
/// binds). Each kept statement's program is ~0.5 MiB at 500 rows (1,000 held ~4 MiB over four statements for no
/// measured speed: issue 14).
const ITEM_ROWS_PER_STMT: usize = 500;
const ROLLUP_ROWS_PER_STMT: usize = 500;

const ITEM_COLS_SQLITE: &str = "batch_id, period, payer, account, customer_id, usage_date, service, product, \
    component, charge_category, region, usage_type, resource, unit, currency, invoice, quantity, \
    billed_int, billed_e9, billed_e18, billed_e28, effective_int, effective_e9, effective_e18, effective_e28, \
    list_int, list_e9, list_e18, list_e28, source_line";
/// The COPY statement for line items (PostgreSQL), fed by [`copy_text`].
pub(crate) const ITEM_COPY: &str = "COPY line_items (batch_id, period, payer, account, customer_id, usage_date, \
    service, product, component, charge_category, region, usage_type, resource, unit, currency, invoice, quantity, \
    billed, effective, list, source_line) FROM STDIN";

/// Line items as COPY text rows (columns of [`ITEM_COPY`]).
pub(crate) fn copy_text(batch: i64, rows: &[ItemRow], buf: &mut Vec<u8>) -> Result<()> {
    for r in rows {
        write!(buf, "{batch}\t{}\t{}\t{}\t{}\t{}", r.period, r.ids[0], r.ids[1], r.customer, r.usage_date)
            .map_err(io_err)?;
        for k in 2..TEXT_FIELDS {
            write!(buf, "\t{}", r.ids[k]).map_err(io_err)?;
        }
        match r.quantity {
            Some(q) => write!(buf, "\t{q}"),
            None => write!(buf, "\t\\N"),
        }
        .map_err(io_err)?;
        let (b, e, l) = (dec(r.billed)?, dec(r.effective)?, dec(r.list)?);
        writeln!(buf, "\t{b}\t{e}\t{l}\t{}", r.source_line).map_err(io_err)?;
    }
    Ok(())
}

/// The three rollup tables: without resource (drill-down), with it (resource reports), and at the rating grain
/// (usage type and unit, no resource; with the quantity sums).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Rollups {
    Cost,
    Resource,
    Rating,
}

impl Rollups {
    fn table(self) -> &'static str {
        match self {
            Rollups::Cost => "cost_rollups",
            Rollups::Resource => "resource_rollups",
            Rollups::Rating => "rating_rollups",
        }
    }
    fn sqlite_cols(self) -> &'static str {
        match self {
            Rollups::Cost => {
                "period, customer_id, service, product, component, account, payer, charge_category, \
                region, currency, batch_id, row_count, billed_int, billed_e9, billed_e18, billed_e28, effective_int, \
                effective_e9, effective_e18, effective_e28, list_int, list_e9, list_e18, list_e28"
            }
            Rollups::Resource => {
                "period, customer_id, service, product, component, account, payer, charge_category, \
                region, resource, currency, batch_id, row_count, billed_int, billed_e9, billed_e18, billed_e28, effective_int, \
                effective_e9, effective_e18, effective_e28, list_int, list_e9, list_e18, list_e28"
            }
            Rollups::Rating => {
                "period, customer_id, account, service, product, component, charge_category, region, \
                usage_type, unit, payer, currency, batch_id, row_count, billed_int, billed_e9, billed_e18, billed_e28, \
                effective_int, effective_e9, effective_e18, effective_e28, list_int, list_e9, list_e18, list_e28, \
                quantity_int, quantity_e9, quantity_e18, quantity_e28, no_quantity"
            }
        }
    }
    fn pg_copy(self) -> &'static str {
        match self {
            Rollups::Cost => {
                "COPY cost_rollups (period, customer_id, service, product, component, account, payer, \
                charge_category, region, currency, batch_id, row_count, billed, effective, list) FROM STDIN"
            }
            Rollups::Resource => {
                "COPY resource_rollups (period, customer_id, service, product, component, account, \
                payer, charge_category, region, resource, currency, batch_id, row_count, billed, effective, list) FROM STDIN"
            }
            Rollups::Rating => {
                "COPY rating_rollups (period, customer_id, account, service, product, component, \
                charge_category, region, usage_type, unit, payer, currency, batch_id, row_count, billed, effective, list, \
                quantity, no_quantity) FROM STDIN"
            }
        }
    }
    /// The key columns after `period`, in column order.
    fn keys(self, k: &RollKey) -> Vec<i64> {
        match self {
            Rollups::Cost => {
                vec![k.customer, k.service, k.product, k.component, k.account, k.payer, k.charge, k.region, k.currency]
            }
            Rollups::Resource => {
                vec![
                    k.customer,
                    k.service,
                    k.product,
                    k.component,
                    k.account,
                    k.payer,
                    k.charge,
                    k.region,
                    k.resource,
                    k.currency,
                ]
            }
            Rollups::Rating => vec![
                k.customer,
                k.account,
                k.service,
                k.product,
                k.component,
                k.charge,
                k.region,
                k.usage_type,
                k.unit,
                k.payer,
                k.currency,
            ],
        }
    }
    /// Values per row (SQLite).
    fn width(self) -> usize {
        match self {
            Rollups::Cost => 24,
            Rollups::Resource => 25,
            Rollups::Rating => 31,
        }
    }
}

/// Caches of one import: statement texts and the text form of periods and dates (bound without copying).
#[derive(Default)]
pub(crate) struct Bulk {
    statements: HashMap<(&'static str, usize), Arc<str>>,
    periods: HashMap<Period, Arc<str>>,
    dates: HashMap<NaiveDate, Arc<str>>,
    /// PostgreSQL: periods whose partitions this import has made sure of.
    partitions: HashSet<Period>,
}

/// PostgreSQL: make sure the partitions of the periods among `rows` exist (migration 0020's
/// `billops_period_partitions`: the owner's function, made on a period's first import) before rows are written
/// to them. The caller remembers the periods already seen in this import, so a period costs one call. Not inside a
/// COPY: the caller finishes its COPY first when [`unseen_periods`] says there is a new period. A signed-off
/// period is refused here ([`StoreError::Locked`]).
pub(crate) async fn make_partitions(conn: &mut sqlx::PgConnection, periods: &[Period]) -> Result<()> {
    for &p in periods {
        // A signed-off period's partitions refuse rows (migration 0020); say it as the import's lock check does,
        // before the first row reaches the server.
        let lock: Option<(String,)> = sqlx::query_as("SELECT locked_by FROM period_locks WHERE period = $1")
            .bind(p.to_string())
            .fetch_optional(&mut *conn)
            .await?;
        if let Some((by,)) = lock {
            return Err(StoreError::Locked { period: p.to_string(), by });
        }
        sqlx::query("SELECT billops_period_partitions($1)").bind(p.to_string()).execute(&mut *conn).await?;
    }
    Ok(())
}

/// The periods of `rows` not in `made`, each once.
pub(crate) fn unseen_periods(rows: &[ItemRow], made: &HashSet<Period>) -> Vec<Period> {
    let mut out: Vec<Period> = Vec::new();
    for r in rows {
        if !made.contains(&r.period) && !out.contains(&r.period) {
            out.push(r.period);
        }
    }
    out
}

/// `INSERT OR FAIL`, not `INSERT`: a multi-row INSERT that may abort on a constraint makes SQLite keep a statement
/// journal (a copy of every page the statement changes that existed before it) so that the abort can undo just
/// that statement; FAIL keeps the rows written before the failing one instead, and needs none. An import never
/// goes on after a failed statement (its transaction rolls back), so nothing changes but the journal: at 10M
/// rows it was half of what SQLite wrote, 18.8 of 36.9 GB (docs/PERFORMANCE.md, session 16).
fn values_sql(table: &str, cols: &str, per_row: usize, rows: usize) -> String {
    let row = format!("({})", vec!["?"; per_row].join(","));
    let mut s = String::with_capacity(rows * (row.len() + 1) + 200);
    s.push_str("INSERT OR FAIL INTO ");
    s.push_str(table);
    s.push_str(" (");
    s.push_str(cols);
    s.push_str(") VALUES ");
    for k in 0..rows {
        if k > 0 {
            s.push(',');
        }
        s.push_str(&row);
    }
    s
}

fn add<'q, T: Encode<'q, Sqlite> + Type<Sqlite> + 'q>(a: &mut SqliteArguments, v: T) -> Result<()> {
    a.add(v).map_err(|e| StoreError::Db(sqlx::Error::Encode(e)))
}

fn add_money(a: &mut SqliteArguments, s: SplitDecimal) -> Result<()> {
    add(a, s.int)?;
    add(a, s.e9)?;
    add(a, s.e18)?;
    add(a, s.e28)
}

impl Bulk {
    /// A full chunk's statement text is kept (every chunk but a last one uses it); a shorter one is made for its
    /// one use. Keeping every size would keep a text per size here and a prepared program per size in the
    /// connection's statement cache (about a megabyte each for 1,000 rows: tens of MiB over an import).
    fn statement(
        &mut self,
        table: &'static str,
        cols: &'static str,
        per_row: usize,
        rows: usize,
        full: usize,
    ) -> Arc<str> {
        if rows != full {
            return values_sql(table, cols, per_row, rows).into();
        }
        self.statements.entry((table, rows)).or_insert_with(|| values_sql(table, cols, per_row, rows).into()).clone()
    }
    fn period(&mut self, p: Period) -> Arc<str> {
        self.periods.entry(p).or_insert_with(|| p.to_string().into()).clone()
    }
    fn date(&mut self, d: NaiveDate) -> Arc<str> {
        self.dates.entry(d).or_insert_with(|| d.format("%Y-%m-%d").to_string().into()).clone()
    }

    /// Write line items. The caller keeps any rows it wants to batch later; everything given is written.
    pub(crate) async fn items(&mut self, tx: &mut Tx, batch: i64, rows: &[ItemRow]) -> Result<()> {
        match tx {
            Tx::Sqlite(t) => {
                for chunk in rows.chunks(ITEM_ROWS_PER_STMT) {
                    let sql = self.statement("line_items", ITEM_COLS_SQLITE, 30, chunk.len(), ITEM_ROWS_PER_STMT);
                    let keep = chunk.len() == ITEM_ROWS_PER_STMT;
                    let mut a = SqliteArguments::default();
                    a.reserve(chunk.len() * 30, 0);
                    for r in chunk {
                        add(&mut a, batch)?;
                        add(&mut a, self.period(r.period))?;
                        add(&mut a, r.ids[0])?;
                        add(&mut a, r.ids[1])?;
                        add(&mut a, r.customer)?;
                        add(&mut a, self.date(r.usage_date))?;
                        for k in 2..TEXT_FIELDS {
                            add(&mut a, r.ids[k])?;
                        }
                        add(&mut a, r.quantity.map(|q| q.normalize().to_string()))?;
                        add_money(&mut a, r.billed)?;
                        add_money(&mut a, r.effective)?;
                        add_money(&mut a, r.list)?;
                        add(&mut a, r.source_line)?;
                    }
                    sqlx::query_with(AssertSqlSafe(sql), a).persistent(keep).execute(&mut **t).await?;
                }
                Ok(())
            }
            Tx::Pg(t) => {
                let new = unseen_periods(rows, &self.partitions);
                if !new.is_empty() {
                    make_partitions(t, &new).await?;
                    self.partitions.extend(new);
                }
                let mut buf: Vec<u8> = Vec::with_capacity(rows.len() * 160);
                copy_text(batch, rows, &mut buf)?;
                copy(t, ITEM_COPY, buf).await
            }
        }
    }

    pub(crate) async fn rollups(
        &mut self,
        tx: &mut Tx,
        batch: i64,
        which: Rollups,
        rollups: &FastMap<RollKey, Sums>,
    ) -> Result<()> {
        let mut all: Vec<(&RollKey, &Sums)> = rollups.iter().collect();
        // In (about) the tables' key order: the B-tree inserts then touch neighbouring pages, not the whole tree.
        all.sort_unstable_by_key(|(k, _)| (k.period, k.customer, k.service, k.product, k.component, k.account));
        let width = which.width();
        match tx {
            Tx::Sqlite(t) => {
                for chunk in all.chunks(ROLLUP_ROWS_PER_STMT) {
                    let sql =
                        self.statement(which.table(), which.sqlite_cols(), width, chunk.len(), ROLLUP_ROWS_PER_STMT);
                    let keep = chunk.len() == ROLLUP_ROWS_PER_STMT;
                    let mut a = SqliteArguments::default();
                    a.reserve(chunk.len() * width, 0);
                    for (k, s) in chunk {
                        add(&mut a, self.period(k.period))?;
                        for v in which.keys(k) {
                            add(&mut a, v)?;
                        }
                        add(&mut a, batch)?;
                        add(&mut a, s.rows)?;
                        add_money(&mut a, s.billed)?;
                        add_money(&mut a, s.effective)?;
                        add_money(&mut a, s.list)?;
                        if which == Rollups::Rating {
                            add_money(&mut a, s.quantity)?;
                            add(&mut a, s.no_quantity)?;
                        }
                    }
                    sqlx::query_with(AssertSqlSafe(sql), a).persistent(keep).execute(&mut **t).await?;
                }
                Ok(())
            }
            Tx::Pg(t) => {
                let mut buf: Vec<u8> = Vec::with_capacity(all.len() * 140);
                for (k, s) in all {
                    write!(buf, "{}", k.period).map_err(io_err)?;
                    for v in which.keys(k) {
                        write!(buf, "\t{v}").map_err(io_err)?;
                    }
                    let (b, e, l) = (dec(s.billed)?, dec(s.effective)?, dec(s.list)?);
                    write!(buf, "\t{batch}\t{}\t{b}\t{e}\t{l}", s.rows).map_err(io_err)?;
                    if which == Rollups::Rating {
                        write!(buf, "\t{}\t{}", dec(s.quantity)?, s.no_quantity).map_err(io_err)?;
                    }
                    buf.push(b'\n');
                }
                copy(t, which.pg_copy(), buf).await
            }
        }
    }
}

fn io_err(e: std::io::Error) -> StoreError {
    StoreError::Invalid(format!("encoding COPY data: {e}"))
}

async fn copy(t: &mut sqlx::Transaction<'static, sqlx::Postgres>, statement: &str, buf: Vec<u8>) -> Result<()> {
    if buf.is_empty() {
        return Ok(());
    }
    let conn: &mut sqlx::PgConnection = t;
    let mut c = conn.copy_in_raw(statement).await?;
    if let Err(e) = c.send(buf).await {
        c.abort(e.to_string()).await?;
        return Err(e.into());
    }
    c.finish().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_statement_has_one_bind_per_value() {
        let s = values_sql("t", "a, b", 2, 3);
        assert_eq!(s, "INSERT OR FAIL INTO t (a, b) VALUES (?,?),(?,?),(?,?)");
    }
}
