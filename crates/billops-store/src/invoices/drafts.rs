//! Saving drafts as a run builds them, in one transaction (all or nothing): [`Run`] begins on its first draft
//! (the role checked once, each period's lock once), then per draft reads the customer's current invoice inside
//! the transaction (so a second draft of the same customer in one run sees the first), leaves an unchanged draft
//! alone, writes a new or regenerated invoice row at once and its lines a bounded number of rows at a time, one
//! audit row per written invoice. Nothing of a saved draft is kept after its [`Run::save`]: a run's memory does
//! not grow with its customers. The returned invoices are built from what was written (they equal what
//! [`super::invoices::load`] would read back). A store of one connection (`sqlite::memory:`) cannot read beside
//! an open transaction, so there [`Deferred`] holds the drafts and saves them at commit.
use std::collections::{BTreeSet, HashSet};

use async_trait::async_trait;
use billops_domain::Period;
use billops_domain::invoice::{Draft, diff_drafts};
use chrono::{DateTime, SubsecRound, Utc};
use rust_decimal::Decimal;

use crate::audit::{self, Audit};
use crate::close::locks;
use crate::db::{Arg, Db, Tx, args, insert_rows, json, money_args, money_cols, set_money};
use crate::invoices::{self, cost_of, domain, invoice_error, stored_at, stored_cols};
use crate::parties::user_in;
use crate::{Actor, Backend, DraftRun, DraftToSave, Result, SavedDraft, StoreError, StoredInvoice};

/// Encoded invoice lines held before they are written (about 0.7 KiB each: 5,000 ≈ 3.5 MiB, a few multi-row
/// INSERTs).
const FLUSH_ROWS: usize = 5_000;
/// Audit rows held before they are written.
const FLUSH_AUDITS: usize = 1_000;

/// [`crate::Invoices::save_drafts`]: a run over a slice of drafts.
pub(crate) async fn save_drafts(db: &Db, drafts: &[DraftToSave], by: &Actor) -> Result<Vec<SavedDraft>> {
    let mut run = Run::new(db.clone(), by.clone());
    let mut out = Vec::with_capacity(drafts.len());
    for d in drafts {
        out.push(run.save_ref(d).await?);
    }
    run.finish().await?;
    Ok(out)
}

/// The run [`crate::Invoices::draft_run`] gives: streaming, or deferred on a one-connection store.
pub(crate) fn begin(db: &Db, by: &Actor) -> Box<dyn DraftRun> {
    let one_connection = match db {
        Db::Sqlite(p) => p.options().get_max_connections() <= 1,
        Db::Pg(p) => p.options().get_max_connections() <= 1,
    };
    if one_connection {
        Box::new(Deferred { db: db.clone(), by: by.clone(), drafts: Vec::new() })
    } else {
        Box::new(Run::new(db.clone(), by.clone()))
    }
}

/// A run saved draft by draft in one transaction, begun on the first draft.
pub(crate) struct Run {
    db: Db,
    by: Actor,
    open: Option<Open>,
    /// A save failed: the transaction was rolled back, and the run refuses anything more (all or nothing, even
    /// for a caller that goes on after an error).
    failed: bool,
}

/// The run's transaction and what it holds between drafts: bounded, whatever the number of customers.
struct Open {
    tx: Tx,
    user: billops_domain::User,
    at: DateTime<Utc>,
    /// Periods whose lock was checked.
    periods: BTreeSet<Period>,
    /// Encoded lines and payer costs not yet written, and the invoices they belong to.
    lines: Vec<Vec<Arg>>,
    payers: Vec<Vec<Arg>>,
    pending: HashSet<i64>,
    /// Audit rows not yet written.
    audits: Vec<HeldAudit>,
    /// Whether anything was written (else the commit rolls back, as a run of unchanged drafts writes nothing).
    wrote: bool,
}

/// One written invoice's audit row, held until [`Open::flush_audits`]: its id, action, period, and the draft
/// totals before and after (encoded as `Audit::before` / `after` encode them).
struct HeldAudit {
    eid: String,
    action: &'static str,
    period: Period,
    before: Option<String>,
    after: Option<String>,
}

impl Run {
    fn new(db: Db, by: Actor) -> Run {
        Run { db, by, open: None, failed: false }
    }

    async fn open(&mut self) -> Result<&mut Open> {
        if self.failed {
            return Err(failed_earlier());
        }
        if self.open.is_none() {
            let mut tx = self.db.begin().await?;
            let user = user_in(&mut tx, &self.by).await?;
            if !user.role.can_write() {
                return Err(StoreError::Forbidden(format!("{} ({}) may not generate invoices", user.name, user.role)));
            }
            let at = stored_at_time(tx.backend(), self.by.at);
            self.open = Some(Open {
                tx,
                user,
                at,
                periods: BTreeSet::new(),
                lines: Vec::new(),
                payers: Vec::new(),
                pending: HashSet::new(),
                audits: Vec::new(),
                wrote: false,
            });
        }
        self.open.as_mut().ok_or_else(|| StoreError::Invalid("draft run not open".into()))
    }

    /// Save one draft: created, regenerated, or left as it is when unchanged. A failure rolls the run back.
    async fn save_ref(&mut self, item: &DraftToSave) -> Result<SavedDraft> {
        let saved = self.save_in(item).await;
        if saved.is_err() {
            // dropping the transaction rolls it back
            self.open = None;
            self.failed = true;
        }
        saved
    }

    async fn save_in(&mut self, item: &DraftToSave) -> Result<SavedDraft> {
        let by = self.by.clone();
        let o = self.open().await?;
        let draft = &item.0;
        if o.periods.insert(draft.period) {
            locks::refuse_locked(&mut o.tx, draft.period).await?;
        }
        let cid = crate::parties::customer_id(&mut o.tx, &draft.customer).await?;
        let saved = match current(&mut o.tx, cid, draft.period).await? {
            Some(old) if diff_drafts(&old.draft, draft).is_empty() => {
                let previous = Some(old.draft.clone());
                return Ok(SavedDraft { invoice: old, previous });
            }
            Some(old) => {
                if o.pending.contains(&old.id) {
                    // its lines from earlier in this run are still held: write them before they are replaced
                    o.flush_lines().await?;
                }
                let invoice = regenerate(&mut o.tx, &old, draft, &o.user, &by, o.at).await?;
                for table in ["invoice_lines", "invoice_payer_costs"] {
                    o.tx.exec(&format!("DELETE FROM {table} WHERE invoice_id = $1"), args![invoice.id]).await?;
                }
                SavedDraft { invoice, previous: Some(old.draft) }
            }
            None => SavedDraft { invoice: create(&mut o.tx, cid, draft, &by, o.at).await?, previous: None },
        };
        o.wrote = true;
        o.encode(saved.invoice.id, item)?;
        let action = if saved.previous.is_some() { "invoice.regenerate" } else { "invoice.generate" };
        // as `Audit::before` / `after` encode them
        let before = saved.previous.as_ref().and_then(|p| serde_json::to_string(&p.totals).ok());
        let after = serde_json::to_string(&draft.totals).ok();
        o.audits.push(HeldAudit { eid: saved.invoice.id.to_string(), action, period: draft.period, before, after });
        if o.lines.len() >= FLUSH_ROWS {
            o.flush_lines().await?;
        }
        if o.audits.len() >= FLUSH_AUDITS {
            o.flush_audits(&by).await?;
        }
        Ok(saved)
    }

    /// Write what is held and commit (a run that wrote nothing rolls back).
    async fn finish(self) -> Result<()> {
        if self.failed {
            return Err(failed_earlier());
        }
        let Some(mut o) = self.open else { return Ok(()) };
        if !o.wrote {
            o.tx.rollback().await?;
            return Ok(());
        }
        o.flush_lines().await?;
        o.flush_audits(&self.by).await?;
        o.tx.commit().await?;
        Ok(())
    }
}

#[async_trait]
impl DraftRun for Run {
    async fn save(&mut self, draft: DraftToSave) -> Result<Option<SavedDraft>> {
        self.save_ref(&draft).await.map(Some)
    }
    async fn commit(self: Box<Self>) -> Result<Vec<SavedDraft>> {
        self.finish().await?;
        Ok(Vec::new())
    }
}

/// A run on a store of one connection: the month layer reads between drafts, which an open transaction would
/// hold off, so the drafts are kept and saved together at commit (the store itself is in memory there).
struct Deferred {
    db: Db,
    by: Actor,
    drafts: Vec<DraftToSave>,
}

#[async_trait]
impl DraftRun for Deferred {
    async fn save(&mut self, draft: DraftToSave) -> Result<Option<SavedDraft>> {
        self.drafts.push(draft);
        Ok(None)
    }
    async fn commit(self: Box<Self>) -> Result<Vec<SavedDraft>> {
        save_drafts(&self.db, &self.drafts, &self.by).await
    }
}

impl Open {
    /// The draft's lines and payer costs as rows to insert, held until [`Open::flush_lines`].
    fn encode(&mut self, id: i64, (draft, payer_costs): &DraftToSave) -> Result<()> {
        let b = self.tx.backend();
        let mut seq = 0i64;
        for s in draft.sections() {
            let section = json(&s.step)?;
            for l in s.lines {
                let mut a = args![id, seq, section.trim_matches('"'), json(&l.kind)?, l.description.as_str()];
                a.extend(args![l.account_code.clone(), l.quantity.map(|q| q.to_string())]);
                a.extend(money_args(b, l.cost)?);
                a.extend(money_args(b, l.amount)?);
                a.push(l.rule_ids.join(",").into());
                self.lines.push(a);
                seq += 1;
            }
        }
        for pc in payer_costs {
            let mut a = args![id, pc.payer.as_str(), pc.currency.as_str()];
            a.extend(money_args(b, pc.cost)?);
            self.payers.push(a);
        }
        self.pending.insert(id);
        Ok(())
    }

    /// Write the held lines and payer costs, many rows per statement.
    async fn flush_lines(&mut self) -> Result<()> {
        let b = self.tx.backend();
        let cols = format!(
            "invoice_id, seq, section, kind_json, description, account_code, quantity, {}, {}, rule_ids",
            money_cols(b, "cost"),
            money_cols(b, "amount")
        );
        insert_rows(&mut self.tx, "invoice_lines", &cols, std::mem::take(&mut self.lines)).await?;
        let cols = format!("invoice_id, payer, currency, {}", money_cols(b, "cost"));
        insert_rows(&mut self.tx, "invoice_payer_costs", &cols, std::mem::take(&mut self.payers)).await?;
        self.pending.clear();
        Ok(())
    }

    /// Write the held audit rows (one per written invoice, in the order written).
    async fn flush_audits(&mut self, by: &Actor) -> Result<()> {
        if self.audits.is_empty() {
            return Ok(());
        }
        let held = std::mem::take(&mut self.audits);
        let rows = held
            .iter()
            .map(|h| Audit {
                before: h.before.clone(),
                after: h.after.clone(),
                ..Audit::new(h.action, "invoice", &h.eid).period(h.period)
            })
            .collect();
        audit::write_many(&mut self.tx, by, rows).await
    }
}

fn failed_earlier() -> StoreError {
    StoreError::Conflict("a draft of this run was refused: the run was rolled back and saves nothing more".into())
}

/// A timestamp as the backend gives it back (PostgreSQL keeps microseconds).
fn stored_at_time(b: Backend, at: DateTime<Utc>) -> DateTime<Utc> {
    match b {
        Backend::Sqlite => at,
        Backend::Postgres => at.trunc_subsecs(6),
    }
}

/// The customer's current (not void, newest) invoice of the period, as this transaction sees it.
async fn current(tx: &mut Tx, cid: i64, period: Period) -> Result<Option<StoredInvoice>> {
    let sql = format!(
        "SELECT {} FROM invoices i JOIN customers c ON c.id = i.customer_id \
         WHERE i.customer_id = $1 AND i.period = $2 AND i.status <> 'void' ORDER BY i.id DESC LIMIT 1",
        stored_cols(tx.backend())
    );
    match tx.opt(&sql, args![cid, period.to_string()]).await? {
        Some(r) => Ok(Some(stored_at(&r)?.0)),
        None => Ok(None),
    }
}

async fn regenerate(
    tx: &mut Tx,
    old: &StoredInvoice,
    draft: &Draft,
    user: &billops_domain::User,
    by: &Actor,
    at: DateTime<Utc>,
) -> Result<StoredInvoice> {
    let b = tx.backend();
    let mut inv = domain(old)?;
    inv.regenerate(draft.clone(), user, by.at).map_err(invoice_error)?;
    let mut a = args![inv.status().as_str(), inv.number(), json(&inv.history())?];
    let paid_at = a.len() + 1;
    a.extend(money_args(b, inv.paid())?);
    a.extend(args![json(draft)?, by.at, by.name.as_str(), by.at]);
    let total_at = a.len() + 1;
    a.extend(money_args(b, draft.total())?);
    let cost_at = a.len() + 1;
    a.extend(money_args(b, cost_of(draft))?);
    let n = a.len();
    a.extend(args![old.id, old.version]);
    let sql = format!(
        "UPDATE invoices SET status = $1, number = $2, history_json = $3, {}, draft_json = ${}, generated_at = ${}, \
         updated_by = ${}, updated_at = ${}, {}, {}, version = version + 1 WHERE id = ${} AND version = ${}",
        set_money(b, "paid", paid_at),
        total_at - 4,
        total_at - 3,
        total_at - 2,
        total_at - 1,
        set_money(b, "total", total_at),
        set_money(b, "cost", cost_at),
        n + 1,
        n + 2
    );
    if tx.exec(&sql, a).await? == 0 {
        return Err(StoreError::Conflict(format!("invoice {} changed meanwhile: reload and retry", old.id)));
    }
    Ok(StoredInvoice {
        status: inv.status(),
        number: inv.number().map(str::to_string),
        total: draft.total().normalize(),
        cost: cost_of(draft).normalize(),
        paid: inv.paid().normalize(),
        version: old.version + 1,
        generated_at: at,
        draft: draft.clone(),
        history: inv.history().to_vec(),
        ..old.clone()
    })
}

async fn create(tx: &mut Tx, cid: i64, draft: &Draft, by: &Actor, at: DateTime<Utc>) -> Result<StoredInvoice> {
    let (id, inv) = invoices::insert_new(tx, cid, draft, by).await?;
    Ok(StoredInvoice {
        id,
        customer: draft.customer.clone(),
        period: draft.period,
        status: inv.status(),
        number: None,
        currency: draft.currency.clone(),
        total: draft.total().normalize(),
        cost: cost_of(draft).normalize(),
        paid: Decimal::ZERO,
        version: 1,
        generated_at: at,
        issued_on: None,
        due_on: None,
        draft: draft.clone(),
        history: Vec::new(),
    })
}
