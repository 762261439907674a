//! Saving a whole run of generated drafts in one transaction: the role and the period locks checked once,
//! the customers and their current invoices read in a few queries, unchanged drafts left alone, the lines of
//! every written invoice inserted many rows per statement, one audit row per written invoice. The returned
//! invoices are built from what was written (they equal what [`super::invoices::load`] would read back).
use std::collections::{BTreeMap, BTreeSet, HashMap};

use billops_domain::Period;
use billops_domain::invoice::{Draft, diff_drafts};
use chrono::{DateTime, SubsecRound, Utc};
use rust_decimal::Decimal;

use crate::audit::{self, Audit};
use crate::close::locks;
use crate::db::{Arg, Db, Tx, args, insert_rows, json, money_args, money_cols, placeholders, set_money};
use crate::invoices::{self, cost_of, domain, invoice_error, stored_at, stored_cols};
use crate::parties::user_in;
use crate::{Actor, Backend, DraftToSave, Result, SavedDraft, StoreError, StoredInvoice};

/// Ids or codes per `IN (…)` list.
const IN_CHUNK: usize = 500;
/// Encoded invoice lines held before they are written.
const FLUSH_ROWS: usize = 20_000;

pub(crate) async fn save_drafts(db: &Db, drafts: &[DraftToSave], by: &Actor) -> Result<Vec<SavedDraft>> {
    if drafts.is_empty() {
        return Ok(Vec::new());
    }
    let mut tx = db.begin().await?;
    let user = user_in(&mut tx, by).await?;
    if !user.role.can_write() {
        return Err(StoreError::Forbidden(format!("{} ({}) may not generate invoices", user.name, user.role)));
    }
    let periods: BTreeSet<Period> = drafts.iter().map(|(d, _)| d.period).collect();
    for p in &periods {
        locks::refuse_locked(&mut tx, *p).await?;
    }
    let ids = customer_ids(&mut tx, drafts).await?;
    let mut current = existing(&mut tx, &periods, &ids).await?;
    let b = tx.backend();
    let at = stored_at_time(b, by.at);
    let mut out: Vec<SavedDraft> = Vec::with_capacity(drafts.len());
    let mut saved_here: HashMap<(i64, Period), usize> = HashMap::new();
    // the lines to write per invoice id, and the audit rows (id, draft, draft replaced) in order
    let mut written: BTreeMap<i64, &DraftToSave> = BTreeMap::new();
    let mut audits: Vec<(i64, &Draft, Option<Draft>)> = Vec::new();
    for item in drafts {
        let draft = &item.0;
        let cid =
            *ids.get(&draft.customer).ok_or_else(|| StoreError::NotFound(format!("customer {}", draft.customer)))?;
        let key = (cid, draft.period);
        // an invoice saved earlier in this batch (found in `out`, not copied) or one already in the store
        let earlier = saved_here.get(&key).map(|&i: &usize| &out[i]).map(|s: &SavedDraft| &s.invoice);
        let (saved, wrote) = match earlier.or_else(|| current.get(&key)) {
            Some(old) if diff_drafts(&old.draft, draft).is_empty() => {
                (SavedDraft { invoice: old.clone(), previous: Some(old.draft.clone()) }, false)
            }
            Some(old) => {
                let invoice = regenerate(&mut tx, old, draft, &user, by, at).await?;
                (SavedDraft { invoice, previous: Some(old.draft.clone()) }, true)
            }
            None => (SavedDraft { invoice: create(&mut tx, cid, draft, by, at).await?, previous: None }, true),
        };
        if wrote {
            written.insert(saved.invoice.id, item);
            audits.push((saved.invoice.id, draft, saved.previous.clone()));
        }
        current.remove(&key);
        saved_here.insert(key, out.len());
        out.push(saved);
    }
    if written.is_empty() {
        tx.rollback().await?;
        return Ok(out);
    }
    write_lines(&mut tx, &written).await?;
    let eids: Vec<String> = audits.iter().map(|(id, _, _)| id.to_string()).collect();
    let mut rows = Vec::with_capacity(audits.len());
    for ((_, draft, previous), eid) in audits.iter().zip(&eids) {
        let action = if previous.is_some() { "invoice.regenerate" } else { "invoice.generate" };
        let mut a = Audit::new(action, "invoice", eid).period(draft.period).after(&draft.totals);
        if let Some(p) = previous {
            a = a.before(&p.totals);
        }
        rows.push(a);
    }
    audit::write_many(&mut tx, by, rows).await?;
    tx.commit().await?;
    Ok(out)
}

/// A timestamp as the backend gives it back (PostgreSQL keeps microseconds).
fn stored_at_time(b: Backend, at: DateTime<Utc>) -> DateTime<Utc> {
    match b {
        Backend::Sqlite => at,
        Backend::Postgres => at.trunc_subsecs(6),
    }
}

async fn customer_ids(tx: &mut Tx, drafts: &[DraftToSave]) -> Result<HashMap<String, i64>> {
    let codes: BTreeSet<&str> = drafts.iter().map(|(d, _)| d.customer.as_str()).collect();
    let codes: Vec<&str> = codes.into_iter().collect();
    let mut ids = HashMap::with_capacity(codes.len());
    for chunk in codes.chunks(IN_CHUNK) {
        let sql = format!("SELECT code, id FROM customers WHERE code IN ({})", placeholders(1, chunk.len()));
        for r in tx.all(&sql, chunk.iter().map(|c| (*c).into()).collect()).await? {
            ids.insert(r.get::<String>(0)?, r.get::<i64>(1)?);
        }
    }
    Ok(ids)
}

/// The customers' current (not void, newest) invoice of each period.
async fn existing(
    tx: &mut Tx,
    periods: &BTreeSet<Period>,
    ids: &HashMap<String, i64>,
) -> Result<HashMap<(i64, Period), StoredInvoice>> {
    let cols = stored_cols(tx.backend());
    let cid_col = cols.split(", ").count();
    let mut cids: Vec<i64> = ids.values().copied().collect();
    cids.sort_unstable();
    let mut out = HashMap::new();
    for p in periods {
        for chunk in cids.chunks(IN_CHUNK) {
            let sql = format!(
                "SELECT {cols}, i.customer_id FROM invoices i JOIN customers c ON c.id = i.customer_id \
                 WHERE i.period = $1 AND i.status <> 'void' AND i.customer_id IN ({}) ORDER BY i.id DESC",
                placeholders(2, chunk.len())
            );
            let mut a: Vec<Arg> = args![p.to_string()];
            a.extend(chunk.iter().map(|c| Arg::from(*c)));
            for r in tx.all(&sql, a).await? {
                let cid: i64 = r.get(cid_col)?;
                if let std::collections::hash_map::Entry::Vacant(e) = out.entry((cid, *p)) {
                    e.insert(stored_at(&r)?.0);
                }
            }
        }
    }
    Ok(out)
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

/// Replace the lines and payer costs of the written invoices, many rows per statement.
async fn write_lines(tx: &mut Tx, written: &BTreeMap<i64, &DraftToSave>) -> Result<()> {
    let b = tx.backend();
    let ids: Vec<i64> = written.keys().copied().collect();
    for chunk in ids.chunks(IN_CHUNK) {
        let list = placeholders(1, chunk.len());
        let a: Vec<Arg> = chunk.iter().map(|i| Arg::from(*i)).collect();
        tx.exec(&format!("DELETE FROM invoice_lines WHERE invoice_id IN ({list})"), a.clone()).await?;
        tx.exec(&format!("DELETE FROM invoice_payer_costs WHERE invoice_id IN ({list})"), a).await?;
    }
    let mut lines: Vec<Vec<Arg>> = Vec::new();
    let mut payers: Vec<Vec<Arg>> = Vec::new();
    let cols = format!(
        "invoice_id, seq, section, kind_json, description, account_code, quantity, {}, {}, rule_ids",
        money_cols(b, "cost"),
        money_cols(b, "amount")
    );
    for (id, (draft, payer_costs)) in written {
        // written as they are encoded, a bounded number of rows at a time: a run's encoded lines together can
        // be several times the drafts' own size (400 customers × 1,000 lines held 256 MB)
        if lines.len() >= FLUSH_ROWS {
            insert_rows(tx, "invoice_lines", &cols, std::mem::take(&mut lines)).await?;
        }
        let mut seq = 0i64;
        for s in draft.sections() {
            let section = json(&s.step)?;
            for l in s.lines {
                let mut a = args![*id, seq, section.trim_matches('"'), json(&l.kind)?, l.description.as_str()];
                a.extend(args![l.account_code.clone(), l.quantity.map(|q| q.to_string())]);
                a.extend(money_args(b, l.cost)?);
                a.extend(money_args(b, l.amount)?);
                a.push(l.rule_ids.join(",").into());
                lines.push(a);
                seq += 1;
            }
        }
        for pc in payer_costs {
            let mut a = args![*id, pc.payer.as_str(), pc.currency.as_str()];
            a.extend(money_args(b, pc.cost)?);
            payers.push(a);
        }
    }
    insert_rows(tx, "invoice_lines", &cols, lines).await?;
    insert_rows(tx, "invoice_payer_costs", &format!("invoice_id, payer, currency, {}", money_cols(b, "cost")), payers)
        .await
}
