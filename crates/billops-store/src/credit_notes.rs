//! Credit notes: the correction of an issued invoice, a document of its own gap-free series. The domain
//! (`billops_domain::credit_note`) decides (manager, issued invoice, amount within what is still uncredited,
//! reason); the store takes the invoice's row lock and the series' row lock first, so two managers crediting
//! the same invoice queue and the second sees the first's note, then writes the note and its audit record.
use async_trait::async_trait;
use billops_domain::Period;
use billops_domain::credit_note::{CreditNoteError, CreditNoteRequest, issue as decide};
use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use serde::Serialize;

use crate::audit::{self, Audit};
use crate::close::locks;
use crate::db::{Arg, Conn, Row, Tx, args, money_args, money_cols, money_sum, parse_period, placeholders};
use crate::parties::user_in;
use crate::{Actor, Result, SqlStore, StoreError, invoices};

/// A credit note to issue against invoice `invoice_id`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewCreditNote {
    pub invoice_id: i64,
    pub amount: Decimal,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CreditNote {
    pub id: i64,
    pub number: String,
    pub invoice_id: i64,
    pub invoice_number: String,
    pub customer: String,
    /// The period of the invoice it corrects.
    pub period: Period,
    pub currency: String,
    pub amount: Decimal,
    pub reason: String,
    pub issued_on: NaiveDate,
    pub issued_by: String,
    pub issued_at: DateTime<Utc>,
}

/// Which credit notes to list (all when empty); `period` is the corrected invoice's.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CreditNoteFilter {
    pub invoice_id: Option<i64>,
    pub customer: Option<String>,
    pub period: Option<Period>,
}

fn refused(e: CreditNoteError) -> StoreError {
    match e {
        CreditNoteError::NotPermitted { .. } => StoreError::Forbidden(e.to_string()),
        CreditNoteError::NotIssued(_) => StoreError::Conflict(e.to_string()),
        other => StoreError::Invalid(other.to_string()),
    }
}

fn select(b: crate::Backend) -> String {
    format!(
        "SELECT n.id, n.number, n.invoice_id, i.number, c.code, i.period, n.currency, n.reason, n.issued_on, \
         n.issued_by, n.issued_at, {} FROM credit_notes n JOIN invoices i ON i.id = n.invoice_id \
         JOIN customers c ON c.id = n.customer_id",
        money_cols(b, "amount").split(", ").map(|c| format!("n.{c}")).collect::<Vec<_>>().join(", ")
    )
}

fn row(r: &Row) -> Result<CreditNote> {
    let invoice_number: Option<String> = r.get(3)?;
    Ok(CreditNote {
        id: r.get(0)?,
        number: r.get(1)?,
        invoice_id: r.get(2)?,
        invoice_number: invoice_number.unwrap_or_default(),
        customer: r.get(4)?,
        period: parse_period(&r.get::<String>(5)?)?,
        currency: r.get(6)?,
        reason: r.get(7)?,
        issued_on: r.get(8)?,
        issued_by: r.get(9)?,
        issued_at: r.get(10)?,
        amount: r.money(11)?.0,
    })
}

/// Σ of the credit notes against one invoice.
pub(crate) async fn credited(c: &mut Conn<'_>, invoice_id: i64) -> Result<Decimal> {
    let sql = format!("SELECT {} FROM credit_notes WHERE invoice_id = $1", money_sum(c.backend(), "", "amount"));
    Ok(c.one(&sql, args![invoice_id]).await?.money(0)?.0)
}

pub(crate) async fn load(c: &mut Conn<'_>, number: &str) -> Result<CreditNote> {
    let sql = format!("{} WHERE n.number = $1", select(c.backend()));
    row(&c.opt(&sql, args![number]).await?.ok_or_else(|| StoreError::NotFound(format!("credit note {number}")))?)
}

/// Credit notes correcting issued invoices (managers, gap-free `CN-` numbers).
#[async_trait]
pub trait CreditNotes: Send + Sync {
    /// Correct an issued invoice with a credit note (managers): the next number of `series` (gap-free, taken
    /// in this transaction), for at most what the invoice still has uncredited, with a reason; posted on the
    /// day of `by.at` (refused when that month is locked; the invoice's own period may be locked). Audited.
    async fn issue_credit_note(&self, n: &NewCreditNote, series: &str, by: &Actor) -> Result<CreditNote>;
    async fn credit_note(&self, number: &str) -> Result<CreditNote>;
    async fn list_credit_notes(&self, filter: &CreditNoteFilter) -> Result<Vec<CreditNote>>;
}

#[async_trait]
impl CreditNotes for SqlStore {
    /// Issue a credit note: manager; posted on the day of `by.at`, so refused when that month is locked (the
    /// corrected invoice's period may be locked: the note does not change it).
    async fn issue_credit_note(&self, n: &NewCreditNote, series: &str, by: &Actor) -> Result<CreditNote> {
        let mut tx = self.db.begin().await?;
        let note = issue_in(&mut tx, n, series, by).await?;
        tx.commit().await?;
        Ok(note)
    }
    async fn credit_note(&self, number: &str) -> Result<CreditNote> {
        load(&mut Conn::Db(&self.db), number).await
    }
    async fn list_credit_notes(&self, f: &CreditNoteFilter) -> Result<Vec<CreditNote>> {
        let mut sql = format!("{} WHERE 1 = 1", select(self.db.backend()));
        let mut a: Vec<Arg> = Vec::new();
        if let Some(id) = f.invoice_id {
            a.push(id.into());
            sql.push_str(&format!(" AND n.invoice_id = ${}", a.len()));
        }
        if let Some(code) = &f.customer {
            a.push(code.into());
            sql.push_str(&format!(" AND c.code = ${}", a.len()));
        }
        if let Some(p) = f.period {
            a.push(p.to_string().into());
            sql.push_str(&format!(" AND i.period = ${}", a.len()));
        }
        sql.push_str(" ORDER BY n.id");
        self.db.all(&sql, a).await?.iter().map(row).collect()
    }
}

/// Issue a credit note inside the caller's transaction (the trait method, and a dispute settled by one).
pub(crate) async fn issue_in(tx: &mut Tx, n: &NewCreditNote, series: &str, by: &Actor) -> Result<CreditNote> {
    crate::fields::credit_note(n)?;
    let user = user_in(tx, by).await?;
    let issued_on = by.at.date_naive();
    locks::refuse_locked(tx, Period::of_date(issued_on)).await?;
    // The invoice's row first (two notes on one invoice queue here), then the series.
    if tx.exec("UPDATE invoices SET version = version WHERE id = $1", args![n.invoice_id]).await? == 0 {
        return Err(StoreError::NotFound(format!("invoice {}", n.invoice_id)));
    }
    let mut numbers = crate::series::lock(tx, series).await?;
    let inv = invoices::load(&mut Conn::Tx(tx), n.invoice_id).await?;
    let already = credited(&mut Conn::Tx(tx), n.invoice_id).await?;
    let req = CreditNoteRequest {
        invoice_status: inv.status,
        invoice_total: inv.total,
        credited: already,
        currency: &inv.currency,
        amount: n.amount,
        reason: &n.reason,
    };
    let issued = decide(&req, &mut numbers, &user).map_err(refused)?;
    crate::series::advance(tx, &numbers).await?;
    let b = tx.backend();
    let cid: i64 = tx.one("SELECT customer_id FROM invoices WHERE id = $1", args![n.invoice_id]).await?.get(0)?;
    let mut a = args![issued.number.as_str(), n.invoice_id, cid, inv.currency.as_str(), n.reason.trim()];
    a.extend(args![issued_on, by.name.as_str(), by.at]);
    a.extend(money_args(b, issued.amount)?);
    let sql = format!(
        "INSERT INTO credit_notes (number, invoice_id, customer_id, currency, reason, issued_on, issued_by, \
         issued_at, {}) VALUES ({})",
        money_cols(b, "amount"),
        placeholders(1, a.len())
    );
    tx.exec(&sql, a).await?;
    let note = load(&mut Conn::Tx(tx), &issued.number).await?;
    let a = Audit::new("credit_note.issue", "credit_note", &note.number)
        .period(inv.period)
        .after(&note)
        .reason(n.reason.trim());
    audit::write(tx, by, a).await?;
    Ok(note)
}
