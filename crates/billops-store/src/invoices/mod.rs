//! Invoices: drafts saved and regenerated, the domain state machine, gap-free numbers taken inside the
//! issuing transaction (the series row is locked first, so concurrent issuers queue), credits applied at issue.
pub(crate) mod drafts;

use async_trait::async_trait;
use billops_domain::User;
use billops_domain::invoice::{Draft, Invoice, InvoiceAction, InvoiceError, InvoiceStatus};
use chrono::Days;
use rust_decimal::Decimal;

use crate::audit::{self, Audit};
use crate::close::locks;
use crate::db::{Conn, Db, Row, Tx, args, json, money_args, money_cols, parse_period, placeholders, set_money, unjson};
use crate::parties::user_in;
use crate::{
    Actor, Backend, DraftToSave, InvoiceFilter, InvoiceStep, InvoiceSummary, Result, SavedDraft, SqlStore, StoreError,
    StoredInvoice, credits,
};

pub(crate) fn invoice_error(e: InvoiceError) -> StoreError {
    match e {
        InvoiceError::NotPermitted { .. } => StoreError::Forbidden(e.to_string()),
        InvoiceError::BadTransition { .. } | InvoiceError::Immutable(_) => StoreError::Conflict(e.to_string()),
        other => StoreError::Invalid(other.to_string()),
    }
}

fn status_of(s: &str) -> Result<InvoiceStatus> {
    unjson(&format!("\"{s}\""), "invoice status")
}

fn summary_cols(b: Backend) -> String {
    format!(
        "i.id, c.code, i.period, i.status, i.number, i.currency, {}, {}, {}, i.version",
        money_cols(b, "i.total"),
        money_cols(b, "i.cost"),
        money_cols(b, "i.paid")
    )
}

fn summary(r: &Row) -> Result<(InvoiceSummary, usize)> {
    let (total, i) = r.money(6)?;
    let (cost, i) = r.money(i)?;
    let (paid, i) = r.money(i)?;
    let s = InvoiceSummary {
        id: r.get(0)?,
        customer: r.get(1)?,
        period: parse_period(&r.get::<String>(2)?)?,
        status: status_of(&r.get::<String>(3)?)?,
        number: r.get(4)?,
        currency: r.get(5)?,
        total,
        cost,
        paid,
        version: r.get(i)?,
    };
    Ok((s, i + 1))
}

pub(crate) async fn load(c: &mut Conn<'_>, id: i64) -> Result<StoredInvoice> {
    let sql = format!(
        "SELECT {} FROM invoices i JOIN customers c ON c.id = i.customer_id WHERE i.id = $1",
        stored_cols(c.backend())
    );
    let r = c.opt(&sql, args![id]).await?.ok_or_else(|| StoreError::NotFound(format!("invoice {id}")))?;
    stored(&r)
}

/// The columns [`stored`] reads, from `invoices i JOIN customers c`.
pub(crate) fn stored_cols(b: Backend) -> String {
    format!("{}, i.generated_at, i.issued_on, i.due_on, i.draft_json, i.history_json", summary_cols(b))
}

/// A whole invoice from a row of [`stored_cols`]; returns it and the index of the next column.
pub(crate) fn stored_at(r: &Row) -> Result<(StoredInvoice, usize)> {
    let (s, i) = summary(r)?;
    let inv = StoredInvoice {
        id: s.id,
        customer: s.customer,
        period: s.period,
        status: s.status,
        number: s.number,
        currency: s.currency,
        total: s.total,
        cost: s.cost,
        paid: s.paid,
        version: s.version,
        generated_at: r.get(i)?,
        issued_on: r.get(i + 1)?,
        due_on: r.get(i + 2)?,
        draft: unjson(&r.get::<String>(i + 3)?, "invoice draft")?,
        history: unjson(&r.get::<String>(i + 4)?, "invoice history")?,
    };
    Ok((inv, i + 5))
}

fn stored(r: &Row) -> Result<StoredInvoice> {
    stored_at(r).map(|s| s.0)
}

pub(crate) fn domain(s: &StoredInvoice) -> Result<Invoice> {
    Invoice::restore(s.id.to_string(), s.status, s.number.clone(), s.draft.clone(), s.paid, s.history.clone())
        .map_err(invoice_error)
}

/// Write the invoice's state back, refusing a stale version.
pub(crate) async fn write_state(tx: &mut Tx, s: &StoredInvoice, inv: &Invoice) -> Result<()> {
    let b = tx.backend();
    let mut a = args![inv.status().as_str(), inv.number(), json(&inv.history())?];
    a.extend(money_args(b, inv.paid())?);
    let n = a.len();
    a.extend(args![s.id, s.version]);
    let sql = format!(
        "UPDATE invoices SET status = $1, number = $2, history_json = $3, {}, version = version + 1 \
         WHERE id = ${} AND version = ${}",
        set_money(b, "paid", 4),
        n + 1,
        n + 2
    );
    if tx.exec(&sql, a).await? == 0 {
        return Err(StoreError::Conflict(format!("invoice {} changed meanwhile: reload and retry", s.id)));
    }
    Ok(())
}

/// Insert a new draft invoice row (version 1, nothing paid, stamped by `by`); its id and domain invoice.
pub(crate) async fn insert_new(tx: &mut Tx, cid: i64, draft: &Draft, by: &Actor) -> Result<(i64, Invoice)> {
    let b = tx.backend();
    let inv = Invoice::new("new", draft.clone()).map_err(invoice_error)?;
    let mut a = args![cid, draft.period.to_string(), inv.status().as_str(), draft.currency.as_str()];
    a.extend(money_args(b, draft.total())?);
    a.extend(money_args(b, cost_of(draft))?);
    a.extend(money_args(b, Decimal::ZERO)?);
    a.extend(args![json(draft)?, "[]", by.at, by.name.as_str(), by.at]);
    let sql = format!(
        "INSERT INTO invoices (customer_id, period, status, currency, {}, {}, {}, draft_json, history_json, \
         version, generated_at, updated_by, updated_at) VALUES ({}, 1, {}) RETURNING id",
        money_cols(b, "total"),
        money_cols(b, "cost"),
        money_cols(b, "paid"),
        placeholders(1, a.len() - 3),
        placeholders(a.len() - 2, 3)
    );
    let id: i64 = tx.one(&sql, a).await?.get(0)?;
    Ok((id, inv))
}

pub(crate) fn cost_of(d: &Draft) -> Decimal {
    d.totals.cost.checked_add(d.totals.stripped).unwrap_or(d.totals.cost)
}

async fn begin_change(db: &Db, id: i64, expected: Option<i64>, by: &Actor) -> Result<(Tx, StoredInvoice, User)> {
    begin(db, id, expected, false, by).await
}

/// `issuing`: an approved invoice of a locked month may still be issued when the shared setting
/// `issue_after_sign_off` is `true` (the month was signed off with its invoices approved, to be issued after).
async fn begin(
    db: &Db,
    id: i64,
    expected: Option<i64>,
    issuing: bool,
    by: &Actor,
) -> Result<(Tx, StoredInvoice, User)> {
    let mut tx = db.begin().await?;
    let user = user_in(&mut tx, by).await?;
    let s = load(&mut Conn::Tx(&mut tx), id).await?;
    if let Some(v) = expected
        && v != s.version
    {
        return Err(StoreError::Conflict(format!("invoice {id} changed meanwhile (version {v} → {})", s.version)));
    }
    if !(issuing && s.status == InvoiceStatus::Approved && issue_after_sign_off(&mut tx).await?) {
        locks::refuse_locked(&mut tx, s.period).await?;
    }
    Ok((tx, s, user))
}

/// The shared setting `issue_after_sign_off` (checked by the app before it is stored: `true` or `false`).
async fn issue_after_sign_off(tx: &mut Tx) -> Result<bool> {
    let v = tx.opt("SELECT value FROM settings WHERE key = 'issue_after_sign_off'", vec![]).await?;
    Ok(match v {
        Some(r) => r.get::<String>(0)?.trim().eq_ignore_ascii_case("true"),
        None => false,
    })
}

/// A run of drafts being saved in one transaction ([`Invoices::draft_run`]).
#[async_trait]
pub trait DraftRun: Send {
    /// Save one draft (a new invoice, the regeneration of the customer's unissued one, or nothing when it is
    /// unchanged) inside the run's transaction and say what it did; `None` when the store holds the run's
    /// drafts until [`DraftRun::commit`] (a store of one connection, `sqlite::memory:`, which cannot read beside
    /// an open transaction).
    async fn save(&mut self, draft: DraftToSave) -> Result<Option<SavedDraft>>;
    /// Commit the run; returns what the drafts held until now did (empty when each `save` said it).
    async fn commit(self: Box<Self>) -> Result<Vec<SavedDraft>>;
}

/// Invoices: saved drafts, review/approve/void steps, issue with gap-free numbers.
#[async_trait]
pub trait Invoices: Send + Sync {
    /// Persist a generated draft: a new invoice, or the regeneration of the customer's unissued one
    /// (unchanged drafts are left as they are). `payer_costs`: supplier cost behind the draft per payer and currency.
    async fn save_draft(&self, draft: &Draft, payer_costs: &[crate::PayerCost], by: &Actor) -> Result<SavedDraft>;
    /// [`Invoices::save_draft`] for many drafts in one transaction (all or nothing), results in input order:
    /// the role and period locks checked once, unchanged drafts left as they are, one audit row per
    /// written invoice.
    async fn save_drafts(&self, drafts: &[DraftToSave], by: &Actor) -> Result<Vec<SavedDraft>>;
    /// A run of drafts saved as they are built, in one transaction: [`DraftRun::save`] each, then
    /// [`DraftRun::commit`]; dropped without a commit (a failure on the way), none of them is saved. Same rules
    /// and results as [`Invoices::save_drafts`], without holding the run's drafts: what a generation over many
    /// customers uses. The transaction begins with the first draft.
    fn draft_run(&self, by: &Actor) -> Box<dyn DraftRun>;
    async fn invoice(&self, id: i64) -> Result<StoredInvoice>;
    async fn list_invoices(&self, filter: &InvoiceFilter) -> Result<Vec<InvoiceSummary>>;
    async fn step_invoice(
        &self,
        id: i64,
        step: InvoiceStep,
        reason: &str,
        expected_version: Option<i64>,
        by: &Actor,
    ) -> Result<StoredInvoice>;
    /// Issue: the next number of `series` (gap-free, taken in this transaction), due date `due_days` after
    /// issue, and the draft's credit applications recorded on the credits.
    async fn issue_invoice(&self, id: i64, series: &str, due_days: i64, by: &Actor) -> Result<StoredInvoice>;
}

#[async_trait]
impl Invoices for SqlStore {
    async fn save_draft(&self, draft: &Draft, payer_costs: &[crate::PayerCost], by: &Actor) -> Result<SavedDraft> {
        let batch = [(draft.clone(), payer_costs.to_vec())];
        let mut saved = drafts::save_drafts(&self.db, &batch, by).await?;
        saved.pop().ok_or_else(|| StoreError::Invalid("saving a draft returned nothing".into()))
    }
    async fn save_drafts(&self, drafts: &[DraftToSave], by: &Actor) -> Result<Vec<SavedDraft>> {
        drafts::save_drafts(&self.db, drafts, by).await
    }
    fn draft_run(&self, by: &Actor) -> Box<dyn DraftRun> {
        drafts::begin(&self.db, by)
    }
    async fn invoice(&self, id: i64) -> Result<StoredInvoice> {
        load(&mut Conn::Db(&self.db), id).await
    }
    async fn list_invoices(&self, f: &InvoiceFilter) -> Result<Vec<InvoiceSummary>> {
        let mut sql = format!(
            "SELECT {} FROM invoices i JOIN customers c ON c.id = i.customer_id WHERE 1 = 1",
            summary_cols(self.db.backend())
        );
        let mut a = Vec::new();
        if let Some(p) = f.period {
            a.push(p.to_string().into());
            sql.push_str(&format!(" AND i.period = ${}", a.len()));
        }
        if let Some(c) = &f.customer {
            a.push(c.into());
            sql.push_str(&format!(" AND c.code = ${}", a.len()));
        }
        sql.push_str(" ORDER BY i.period, c.code, i.id");
        self.db.all(&sql, a).await?.iter().map(|r| summary(r).map(|s| s.0)).collect()
    }
    async fn step_invoice(
        &self,
        id: i64,
        step: InvoiceStep,
        reason: &str,
        expected: Option<i64>,
        by: &Actor,
    ) -> Result<StoredInvoice> {
        crate::fields::text("reason", reason)?;
        let (mut tx, s, user) = begin_change(&self.db, id, expected, by).await?;
        if step == InvoiceStep::Void && !super::credit_notes::credited(&mut Conn::Tx(&mut tx), id).await?.is_zero() {
            return Err(StoreError::Conflict(format!(
                "invoice {id} has credit notes: credit what is left instead of voiding it"
            )));
        }
        let mut inv = domain(&s)?;
        let action = match step {
            InvoiceStep::Review => InvoiceAction::Review,
            InvoiceStep::Approve => InvoiceAction::Approve,
            InvoiceStep::Reopen => InvoiceAction::Reopen,
            InvoiceStep::Void => InvoiceAction::Void,
        };
        inv.act(action, &user, by.at, reason).map_err(invoice_error)?;
        write_state(&mut tx, &s, &inv).await?;
        if step == InvoiceStep::Void
            && let Some(number) = &s.number
        {
            credits::reverse_for_invoice(&mut tx, s.draft.credit_applications.as_slice(), number, &user, by, reason)
                .await?;
        }
        let after = load(&mut Conn::Tx(&mut tx), id).await?;
        let name = format!("invoice.{}", json(&step)?.trim_matches('"'));
        let eid = id.to_string();
        let a = Audit::new(&name, "invoice", &eid).period(s.period).before(&s.status).after(&after.status);
        audit::write(&mut tx, by, if reason.is_empty() { a } else { a.reason(reason) }).await?;
        tx.commit().await?;
        Ok(after)
    }
    async fn issue_invoice(&self, id: i64, series: &str, due_days: i64, by: &Actor) -> Result<StoredInvoice> {
        let (mut tx, s, user) = begin(&self.db, id, None, true, by).await?;
        let mut numbers = crate::series::lock(&mut tx, series).await?;
        let mut inv = domain(&s)?;
        let number = inv.issue(&mut numbers, &user, by.at).map_err(invoice_error)?;
        crate::series::advance(&mut tx, &numbers).await?;
        write_state(&mut tx, &s, &inv).await?;
        let issued = by.at.date_naive();
        let due = issued.checked_add_days(Days::new(u64::try_from(due_days.max(0)).unwrap_or(0))).unwrap_or(issued);
        tx.exec("UPDATE invoices SET issued_on = $1, due_on = $2 WHERE id = $3", args![issued, due, id]).await?;
        credits::apply_for_invoice(&mut tx, &s.draft.credit_applications, &number, &user, by).await?;
        let after = load(&mut Conn::Tx(&mut tx), id).await?;
        let eid = id.to_string();
        let a = Audit::new("invoice.issue", "invoice", &eid).period(s.period).after(&number);
        audit::write(&mut tx, by, a).await?;
        tx.commit().await?;
        Ok(after)
    }
}
