//! `ChStatements`: CloudHealth customer statements (migration 0018), the second source of the customer tie-out.
//! A statement file is imported in one transaction, all or nothing: each row's CloudHealth customer is mapped
//! onto a billops customer (by code, then by name), and a row that matches none — or two — refuses the file,
//! every such row named with its file, line and column. The same file twice (its content hash) changes nothing.
//! A later statement of a customer and period replaces the current one (Estimated → Final, a corrected Final;
//! the replaced row is kept as history); an Estimated arriving after the Final does not replace it (said per
//! row); a row equal to the current statement changes nothing. A signed-off period's statements do not change.
use std::collections::{BTreeSet, HashMap};

use async_trait::async_trait;
use billops_domain::Period;
use billops_domain::close::{Invoiced, Statement, StatementStatus, StatementTie, statement_tie};
use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use serde::Serialize;

use crate::audit::{self, Audit};
use crate::close::locks;
use crate::db::{Conn, Row, Tx, args, money_args, money_cols, money_sum, parse_period, placeholders};
use crate::parties::role_in;
use crate::{Actor, Result, SqlStore, StoreError};

/// A statement file as read: its name (for messages and history), the blake3 of its content, and the header
/// name of the column that names the customer (for the refusal of a row that matches none).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChStatementFile {
    pub file_name: String,
    pub content_hash: String,
    pub customer_column: String,
}

/// One statement row as the file states it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewChStatement {
    pub line: u64,
    /// CloudHealth's customer id and name (at least one).
    pub customer_id: Option<String>,
    pub customer_name: Option<String>,
    pub period: Period,
    pub status: StatementStatus,
    pub total: Decimal,
    pub currency: String,
}

/// What one row did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ChChange {
    /// The customer's first statement for the period.
    Added,
    /// It replaced the current statement (kept as history), which was this.
    Replaced { was: StatementStatus, total: Decimal, currency: String },
    /// Equal to the current statement: nothing changed.
    Unchanged,
    /// An Estimated statement after the Final: the Final stays.
    KeptFinal,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChRowOutcome {
    pub line: u64,
    /// The billops customer the row was mapped to.
    pub customer: String,
    pub period: Period,
    pub status: StatementStatus,
    pub total: Decimal,
    pub currency: String,
    pub change: ChChange,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChImportOutcome {
    pub file_id: i64,
    pub rows: Vec<ChRowOutcome>,
}

/// A stored statement (current, or replaced when `replaced_at` is set).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StoredChStatement {
    pub id: i64,
    pub customer: String,
    /// The customer as CloudHealth names it.
    pub ch_customer: String,
    pub period: Period,
    pub status: StatementStatus,
    pub currency: String,
    pub total: Decimal,
    pub file_name: String,
    pub line: i64,
    pub imported_by: String,
    pub imported_at: DateTime<Utc>,
    pub replaced_at: Option<DateTime<Utc>>,
    pub replaced_by: Option<i64>,
}

#[async_trait]
pub trait ChStatements: Send + Sync {
    /// Import a statement file's rows in one transaction (operators; see the module doc for what is refused).
    async fn import_ch_statements(
        &self,
        file: &ChStatementFile,
        rows: &[NewChStatement],
        by: &Actor,
    ) -> Result<ChImportOutcome>;
    /// What [`ChStatements::import_ch_statements`] would do, or its refusal, with nothing written (the same
    /// transaction, rolled back): `billops cloudhealth statements import --dry-run`.
    async fn preview_ch_statements(
        &self,
        file: &ChStatementFile,
        rows: &[NewChStatement],
        by: &Actor,
    ) -> Result<ChImportOutcome>;
    /// Statements of a period (all periods when `None`), current ones only unless `history`; by period
    /// (newest first), customer, then oldest first.
    async fn ch_statements(&self, period: Option<Period>, history: bool) -> Result<Vec<StoredChStatement>>;
    /// The customer tie-out of a period: billops' non-void invoices per customer and currency beside the
    /// current CloudHealth statement.
    async fn statement_tie(&self, period: Period) -> Result<Vec<StatementTie>>;
}

fn status(s: &str) -> Result<StatementStatus> {
    s.parse().map_err(|e: String| StoreError::Invalid(format!("stored statement: {e}")))
}

fn select(b: crate::Backend) -> String {
    format!(
        "SELECT s.id, c.code, s.ch_customer, s.period, s.status, s.currency, {}, f.file_name, s.line, \
         s.imported_by, s.imported_at, s.replaced_at, s.replaced_by FROM ch_statements s \
         JOIN customers c ON c.id = s.customer_id JOIN ch_statement_files f ON f.id = s.file_id",
        money_cols(b, "s.total")
    )
}

fn row(r: &Row) -> Result<StoredChStatement> {
    let (total, i) = r.money(6)?;
    Ok(StoredChStatement {
        id: r.get(0)?,
        customer: r.get(1)?,
        ch_customer: r.get(2)?,
        period: parse_period(&r.get::<String>(3)?)?,
        status: status(&r.get::<String>(4)?)?,
        currency: r.get(5)?,
        total,
        file_name: r.get(i)?,
        line: r.get(i + 1)?,
        imported_by: r.get(i + 2)?,
        imported_at: r.get(i + 3)?,
        replaced_at: r.get(i + 4)?,
        replaced_by: r.get(i + 5)?,
    })
}

/// A count or line number as a bind value (saturating: no wrap).
fn count(n: impl TryInto<i64>) -> i64 {
    n.try_into().unwrap_or(i64::MAX)
}

/// A name as people type it: case and runs of blanks do not matter.
fn folded(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase()
}

/// The billops customers, looked up by code (exact, then in any case) and by name (in any case, blanks folded).
struct Customers {
    by_code: HashMap<String, (i64, String)>,
    by_code_folded: HashMap<String, Vec<(i64, String)>>,
    by_name: HashMap<String, Vec<(i64, String)>>,
}

impl Customers {
    async fn load(tx: &mut Tx) -> Result<Customers> {
        let mut c = Customers { by_code: HashMap::new(), by_code_folded: HashMap::new(), by_name: HashMap::new() };
        for r in tx.all("SELECT id, code, name FROM customers ORDER BY code", vec![]).await? {
            let (id, code, name): (i64, String, String) = (r.get(0)?, r.get(1)?, r.get(2)?);
            c.by_code.insert(code.clone(), (id, code.clone()));
            c.by_code_folded.entry(folded(&code)).or_default().push((id, code.clone()));
            c.by_name.entry(folded(&name)).or_default().push((id, code));
        }
        Ok(c)
    }

    /// The customer a row names: its id or name as a billops code, else its name as a billops name. `Err`: why
    /// none (or which several) match.
    fn find(&self, row: &NewChStatement) -> std::result::Result<(i64, String), String> {
        let refs: Vec<&str> =
            [row.customer_id.as_deref(), row.customer_name.as_deref()].into_iter().flatten().collect();
        for r in &refs {
            if let Some(c) = self.by_code.get(r.trim()) {
                return Ok(c.clone());
            }
        }
        for (what, map) in [("code", &self.by_code_folded), ("name", &self.by_name)] {
            for r in &refs {
                match map.get(&folded(r)).map(Vec::as_slice) {
                    Some([one]) => return Ok(one.clone()),
                    Some(many) if many.len() > 1 => {
                        let codes: Vec<&str> = many.iter().map(|(_, c)| c.as_str()).collect();
                        return Err(format!(
                            "matches {} billops customers by {what} ({}): put the billops code in the Customer ID \
                             column",
                            many.len(),
                            codes.join(", ")
                        ));
                    }
                    _ => {}
                }
            }
        }
        Err("matches no billops customer by code or name: add the customer (`billops customers add CODE NAME`) \
             or name it by its billops code"
            .into())
    }
}

async fn current(tx: &mut Tx, customer_id: i64, period: Period) -> Result<Option<(i64, StoredChStatement)>> {
    let sql = format!("{} WHERE s.customer_id = $1 AND s.period = $2 AND s.replaced_at IS NULL", select(tx.backend()));
    match tx.opt(&sql, args![customer_id, period.to_string()]).await? {
        Some(r) => {
            let s = row(&r)?;
            Ok(Some((s.id, s)))
        }
        None => Ok(None),
    }
}

async fn import(tx: &mut Tx, file: &ChStatementFile, rows: &[NewChStatement], by: &Actor) -> Result<ChImportOutcome> {
    if !role_in(tx, &by.name).await?.can_write() {
        return Err(StoreError::Forbidden(format!("{} may not import CloudHealth statements (viewer)", by.name)));
    }
    if let Some(r) = tx
        .opt(
            "SELECT id, file_name, imported_at FROM ch_statement_files WHERE content_hash = $1",
            args![file.content_hash.as_str()],
        )
        .await?
    {
        return Err(StoreError::AlreadyImported { batch_id: r.get(0)?, file_name: r.get(1)?, at: r.get(2)? });
    }
    let customers = Customers::load(tx).await?;
    let mut mapped = Vec::with_capacity(rows.len());
    let mut faults = Vec::new();
    let mut seen: HashMap<(i64, Period), u64> = HashMap::new();
    for r in rows {
        match customers.find(r) {
            Ok((cid, code)) => {
                if let Some(first) = seen.insert((cid, r.period), r.line) {
                    faults.push(format!(
                        "{}:{}: column {}: a second statement of {code} for {} (the first is on line {first})",
                        file.file_name, r.line, file.customer_column, r.period
                    ));
                }
                mapped.push((r, (cid, code)))
            }
            Err(why) => {
                let value = r.customer_name.as_deref().or(r.customer_id.as_deref()).unwrap_or("");
                faults.push(format!("{}:{}: column {}: {value:?} {why}", file.file_name, r.line, file.customer_column));
            }
        }
    }
    if !faults.is_empty() {
        return Err(StoreError::Invalid(format!(
            "{} refused, nothing imported: {} of {} row(s) name no billops customer or one twice\n{}",
            file.file_name,
            faults.len(),
            rows.len(),
            faults.join("\n")
        )));
    }
    let periods: BTreeSet<Period> = rows.iter().map(|r| r.period).collect();
    locks::refuse_import(tx, periods.into_iter()).await?;
    let file_id: i64 = tx
        .one(
            "INSERT INTO ch_statement_files (file_name, content_hash, statements, imported_by, imported_at) \
             VALUES ($1, $2, $3, $4, $5) RETURNING id",
            args![file.file_name.as_str(), file.content_hash.as_str(), count(rows.len()), by.name.as_str(), by.at],
        )
        .await?
        .get(0)?;
    let b = tx.backend();
    let mut out = Vec::with_capacity(rows.len());
    let mut audits: Vec<(String, Period, Option<StoredChStatement>, StoredChStatement)> = Vec::new();
    for (r, (cid, code)) in mapped {
        let before = current(tx, cid, r.period).await?;
        let change = match &before {
            None => ChChange::Added,
            Some((_, s)) if s.status == StatementStatus::Final && r.status == StatementStatus::Estimated => {
                ChChange::KeptFinal
            }
            Some((_, s)) if s.status == r.status && s.total == r.total && s.currency == r.currency => {
                ChChange::Unchanged
            }
            Some((_, s)) => ChChange::Replaced { was: s.status, total: s.total, currency: s.currency.clone() },
        };
        if matches!(change, ChChange::Added | ChChange::Replaced { .. }) {
            if let Some((old, _)) = &before {
                tx.exec("UPDATE ch_statements SET replaced_at = $1 WHERE id = $2", args![by.at, *old]).await?;
            }
            let ch = r.customer_name.clone().or_else(|| r.customer_id.clone()).unwrap_or_default();
            let mut a = args![
                file_id,
                count(r.line),
                cid,
                ch.as_str(),
                r.period.to_string(),
                r.status.as_str(),
                r.currency.as_str()
            ];
            a.extend(money_args(b, r.total)?);
            a.extend(args![by.name.as_str(), by.at]);
            let sql = format!(
                "INSERT INTO ch_statements (file_id, line, customer_id, ch_customer, period, status, currency, {}, \
                 imported_by, imported_at) VALUES ({}) RETURNING id",
                money_cols(b, "total"),
                placeholders(1, a.len())
            );
            let id: i64 = tx.one(&sql, a).await?.get(0)?;
            if let Some((old, _)) = &before {
                tx.exec("UPDATE ch_statements SET replaced_by = $1 WHERE id = $2", args![id, *old]).await?;
            }
            let (_, after) = current(tx, cid, r.period)
                .await?
                .ok_or_else(|| StoreError::NotFound(format!("statement of {code} for {}", r.period)))?;
            audits.push((format!("{code}/{}", r.period), r.period, before.map(|(_, s)| s), after));
        }
        out.push(ChRowOutcome {
            line: r.line,
            customer: code,
            period: r.period,
            status: r.status,
            total: r.total,
            currency: r.currency.clone(),
            change,
        });
    }
    let file_audit = file_id.to_string();
    let mut rows_audit = vec![Audit::new("cloudhealth.statements.import", "ch_statement_file", &file_audit).after(&(
        &file.file_name,
        &file.content_hash,
        rows.len(),
    ))];
    for (id, period, before, after) in &audits {
        let a = Audit::new("cloudhealth.statement", "ch_statement", id).period(*period).after(after);
        rows_audit.push(match before {
            Some(b) => a.before(b),
            None => a,
        });
    }
    audit::write_many(tx, by, rows_audit).await?;
    Ok(ChImportOutcome { file_id, rows: out })
}

/// The rows' hand-checkable fields (currency code, customer names), before any transaction.
fn check_rows(rows: &[NewChStatement]) -> Result<()> {
    for r in rows {
        crate::fields::code("statement currency", &r.currency)?;
        for c in [&r.customer_id, &r.customer_name].into_iter().flatten() {
            billops_domain::text::Name::new("CloudHealth customer", c)?;
        }
    }
    Ok(())
}

#[async_trait]
impl ChStatements for SqlStore {
    async fn import_ch_statements(
        &self,
        file: &ChStatementFile,
        rows: &[NewChStatement],
        by: &Actor,
    ) -> Result<ChImportOutcome> {
        check_rows(rows)?;
        let mut tx = self.db.begin().await?;
        let out = import(&mut tx, file, rows, by).await?;
        tx.commit().await?;
        Ok(out)
    }

    async fn preview_ch_statements(
        &self,
        file: &ChStatementFile,
        rows: &[NewChStatement],
        by: &Actor,
    ) -> Result<ChImportOutcome> {
        check_rows(rows)?;
        let mut tx = self.db.begin().await?;
        let out = import(&mut tx, file, rows, by).await;
        tx.rollback().await?;
        out
    }

    async fn ch_statements(&self, period: Option<Period>, history: bool) -> Result<Vec<StoredChStatement>> {
        let b = self.db.backend();
        let current = if history { "" } else { " AND s.replaced_at IS NULL" };
        let order = " ORDER BY s.period DESC, c.code, s.id";
        let rows = match period {
            Some(p) => {
                let sql = format!("{} WHERE s.period = $1{current}{order}", select(b));
                self.db.all(&sql, args![p.to_string()]).await?
            }
            None => self.db.all(&format!("{} WHERE 1 = 1{current}{order}", select(b)), vec![]).await?,
        };
        rows.iter().map(row).collect()
    }

    async fn statement_tie(&self, period: Period) -> Result<Vec<StatementTie>> {
        let b = self.db.backend();
        let p = period.to_string();
        let total = money_sum(b, "i.", "total");
        let sql = format!(
            "SELECT c.code, i.currency, count(*), {total} FROM invoices i JOIN customers c ON c.id = i.customer_id \
             WHERE i.period = $1 AND i.status <> 'void' GROUP BY c.code, i.currency"
        );
        let mut invoiced = Vec::new();
        for r in Conn::Db(&self.db).all(&sql, args![p.as_str()]).await? {
            let n: i64 = r.get(2)?;
            invoiced.push(Invoiced {
                customer: r.get(0)?,
                currency: r.get(1)?,
                total: r.money(3)?.0,
                invoices: u32::try_from(n).unwrap_or(u32::MAX),
            });
        }
        let statements: Vec<Statement> = self
            .ch_statements(Some(period), false)
            .await?
            .into_iter()
            .map(|s| Statement { customer: s.customer, currency: s.currency, total: s.total, status: s.status })
            .collect();
        Ok(statement_tie(&invoiced, &statements))
    }
}
