//! Disputes: opened on an issued invoice or line with a request whose SLA sets the due date; each transition
//! runs the domain's state machine on the stored record; settlement issues the credit note or proposes the
//! PPA in the same transaction.
use billops_domain::Money;
use billops_domain::credit::ApprovalPolicy;
use billops_domain::dispute::{Dispute, DisputeError, DisputeInput, DisputeStatus, DisputeTarget, Settlement};
use billops_domain::invoice::{InvoiceAction, InvoiceStatus};
use billops_domain::request::TimerState;
use billops_domain::text::{Code, FreeText, Name};

use super::{
    DisputeChange, DisputeFilter, DisputeRecord, NewDispute, NewPpa, NewRequest, RequestKind, TimerAction, claim_row,
    holidays, issued_line, ppa, refuse_locked_now, requests, snake, writer,
};
use crate::audit::{self, Audit};
use crate::db::{Conn, json, unjson};
use crate::db::{Db, Row, Tx, args, money_args, money_cols, placeholders};
use crate::parties::user_in;
use crate::{Actor, Result, StoreError};
use crate::{NewCreditNote, credit_notes, invoices};

fn dispute_error(e: DisputeError) -> StoreError {
    match e {
        DisputeError::MakerChecker { .. } => StoreError::Forbidden(e.to_string()),
        DisputeError::BadTransition { .. } => StoreError::Conflict(e.to_string()),
        DisputeError::Invalid(_) => StoreError::Invalid(e.to_string()),
    }
}

/// The invoice shows "disputed" while a dispute holds an amount on it: marked when the first one opens,
/// resolved (back to issued / partly paid / paid) when the last one is rejected or settled. Audited.
async fn mark_invoice(tx: &mut Tx, invoice_id: i64, dispute_id: i64, open: bool, by: &Actor, why: &str) -> Result<()> {
    let s = invoices::load(&mut Conn::Tx(tx), invoice_id).await?;
    let others: i64 = tx
        .one(
            "SELECT count(*) FROM disputes WHERE invoice_id = $1 AND id <> $2 \
             AND status IN ('open', 'researching', 'accepted')",
            args![invoice_id, dispute_id],
        )
        .await?
        .get(0)?;
    let action = match (open, s.status) {
        (true, InvoiceStatus::Issued | InvoiceStatus::PartlyPaid) => InvoiceAction::Dispute,
        (false, InvoiceStatus::Disputed) if others == 0 => InvoiceAction::ResolveDispute,
        _ => return Ok(()),
    };
    let user = user_in(tx, by).await?;
    let mut inv = invoices::domain(&s)?;
    let reason = if why.trim().is_empty() { format!("dispute {dispute_id}") } else { why.to_string() };
    inv.act(action, &user, by.at, &reason).map_err(invoices::invoice_error)?;
    invoices::write_state(tx, &s, &inv).await?;
    let eid = invoice_id.to_string();
    let name = if open { "invoice.dispute" } else { "invoice.resolve_dispute" };
    let a = Audit::new(name, "invoice", &eid).period(s.period).before(&s.status).after(&inv.status()).reason(&reason);
    audit::write(tx, by, a).await
}

const SELECT: &str = "SELECT d.id, d.version, d.invoice_id, i.number, i.period, d.request_id, d.record FROM disputes d \
                      JOIN invoices i ON i.id = d.invoice_id";

fn row(r: &Row) -> Result<DisputeRecord> {
    Ok(DisputeRecord {
        id: r.get(0)?,
        version: r.get(1)?,
        invoice_id: r.get(2)?,
        invoice_number: r.get(3)?,
        period: crate::db::parse_period(&r.get::<String>(4)?)?,
        request_id: r.get(5)?,
        dispute: unjson(&r.get::<String>(6)?, "dispute")?,
    })
}

pub(super) async fn load(c: &mut Conn<'_>, id: i64) -> Result<DisputeRecord> {
    let r = c.opt(&format!("{SELECT} WHERE d.id = $1"), args![id]).await?;
    row(&r.ok_or_else(|| StoreError::NotFound(format!("dispute {id}")))?)
}

pub(super) async fn list(db: &Db, f: &DisputeFilter) -> Result<Vec<DisputeRecord>> {
    let mut sql = format!("{SELECT} WHERE 1 = 1");
    let mut a = Vec::new();
    if let Some(c) = &f.customer {
        a.push(c.into());
        sql.push_str(&format!(" AND d.customer_id = (SELECT id FROM customers WHERE code = ${})", a.len()));
    }
    if let Some(i) = f.invoice_id {
        a.push(i.into());
        sql.push_str(&format!(" AND d.invoice_id = ${}", a.len()));
    }
    if f.open_only {
        sql.push_str(" AND d.status IN ('open', 'researching', 'accepted')");
    }
    sql.push_str(" ORDER BY d.id DESC");
    db.all(&sql, a).await?.iter().map(row).collect()
}

pub(super) async fn add(db: &Db, d: &NewDispute, by: &Actor) -> Result<DisputeRecord> {
    let evidence = FreeText::new("dispute evidence", &d.evidence)?.into_string();
    let external_ref = match &d.external_ref {
        Some(x) if !x.trim().is_empty() => Some(Code::new("external reference", x)?.into_string()),
        _ => None,
    };
    let owner = Name::new("dispute owner", d.owner.as_deref().unwrap_or(&by.name))?.into_string();
    let mut tx = db.begin().await?;
    writer(&mut tx, by, "disputes").await?;
    refuse_locked_now(&mut tx, by).await?;
    let (inv, of) = issued_line(&mut tx, d.invoice_id, d.line).await?;
    let label = inv.number.clone().unwrap_or_else(|| format!("#{}", inv.id));
    let target = match d.line {
        None | Some(0) => DisputeTarget::Invoice { invoice: label.clone() },
        Some(line) => DisputeTarget::Line { invoice: label.clone(), line },
    };
    let calendar = holidays(&mut Conn::Tx(&mut tx)).await?;
    let due = calendar.add_working(by.at, d.sla.within_seconds);
    let input = DisputeInput {
        customer: inv.customer.clone(),
        target: target.clone(),
        amount: Money::new(d.amount, inv.currency.clone()),
        disputed_of: Money::new(of, inv.currency.clone()),
        reason: d.reason,
        evidence,
        external_ref: external_ref.clone(),
        owner: owner.clone(),
        due,
    };
    let dispute = Dispute::open(input, &by.name, by.at).map_err(dispute_error)?;
    let req = NewRequest {
        kind: RequestKind::Dispute,
        external_ref: external_ref.clone(),
        customer: Some(inv.customer.clone()),
        subject: format!("dispute on {}", billops_domain::dispute::target_text(&target)),
        target: d.sla,
        start: true,
    };
    let request = requests::add(&mut tx, &req, by).await?;
    let b = tx.backend();
    let cid = crate::parties::customer_id(&mut tx, &inv.customer).await?;
    let line = d.line.filter(|l| *l > 0).map(i64::from);
    let mut a = args![cid, inv.id, line, inv.currency.as_str()];
    a.extend(money_args(b, d.amount)?);
    a.extend(args![
        snake(&dispute.status)?,
        due,
        external_ref,
        owner.as_str(),
        request.id,
        json(&dispute)?,
        by.name.as_str(),
        by.at
    ]);
    let n = a.len();
    let head = 4 + crate::db::money_arity(b) + 1;
    let sql = format!(
        "INSERT INTO disputes (customer_id, invoice_id, line, currency, {}, status, version, due_at, external_ref, \
         owner, request_id, record, created_by, created_at, updated_by, updated_at) \
         VALUES ({}, 1, {}, ${}, ${}) RETURNING id",
        money_cols(b, "amount"),
        placeholders(1, head),
        placeholders(head + 1, n - head),
        n - 1,
        n
    );
    let id: i64 = tx.one(&sql, a).await?.get(0)?;
    mark_invoice(&mut tx, inv.id, id, true, by, &d.evidence).await?;
    let rec = load(&mut Conn::Tx(&mut tx), id).await?;
    let eid = id.to_string();
    let au = Audit::new("dispute.add", "dispute", &eid).period(inv.period).after(&rec.dispute).reason(&d.evidence);
    audit::write(&mut tx, by, au).await?;
    tx.commit().await?;
    Ok(rec)
}

pub(super) async fn update(
    db: &Db,
    id: i64,
    change: &DisputeChange,
    why: &str,
    policy: ApprovalPolicy,
    expected: Option<i64>,
    by: &Actor,
) -> Result<DisputeRecord> {
    let why = FreeText::new("reason", why)?.into_string();
    let mut tx = db.begin().await?;
    writer(&mut tx, by, "disputes").await?;
    refuse_locked_now(&mut tx, by).await?;
    let before = load(&mut Conn::Tx(&mut tx), id).await?;
    claim_row(&mut tx, "disputes", id, expected.unwrap_or(before.version), &format!("dispute {id}")).await?;
    let mut d = before.dispute.clone();
    match change {
        DisputeChange::Research => d.research(&by.name, by.at, &why).map_err(dispute_error)?,
        DisputeChange::Accept => d.accept(&by.name, by.at, &why).map_err(dispute_error)?,
        DisputeChange::Reject => d.reject(&by.name, by.at, &why).map_err(dispute_error)?,
        DisputeChange::Close => d.settle(Settlement::NoChange, &by.name, by.at, &policy).map_err(dispute_error)?,
        DisputeChange::SettleByCreditNote { series } => {
            // the domain decides first (state, maker-checker), then the note is issued in this transaction
            d.settle(Settlement::CreditNote { number: None }, &by.name, by.at, &policy).map_err(dispute_error)?;
            let reason = if why.is_empty() { format!("dispute {id} accepted") } else { why.clone() };
            let n = NewCreditNote { invoice_id: before.invoice_id, amount: d.input.amount.amount, reason };
            let note = credit_notes::issue_in(&mut tx, &n, series, by).await?;
            d.settlement = Some(Settlement::CreditNote { number: Some(note.number) });
        }
        DisputeChange::SettleByPpa { interest } => {
            d.settle(Settlement::Ppa { id: None }, &by.name, by.at, &policy).map_err(dispute_error)?;
            let line = match &d.input.target {
                DisputeTarget::Line { line, .. } => *line,
                DisputeTarget::Invoice { .. } => 0,
            };
            let original = d.input.disputed_of.amount;
            let rerated = original
                .checked_sub(d.input.amount.amount)
                .ok_or_else(|| StoreError::Invalid("amount overflow".into()))?;
            let reason = if why.is_empty() { format!("dispute {id} accepted") } else { why.clone() };
            let p = NewPpa { invoice_id: before.invoice_id, line, rerated, interest: *interest, reason, run: None };
            let rec = ppa::propose(&mut tx, &p, Some(id), by).await?;
            d.settlement = Some(Settlement::Ppa { id: Some(rec.id) });
        }
    }
    tx.exec(
        "UPDATE disputes SET status = $1, record = $2, updated_by = $3, updated_at = $4 WHERE id = $5",
        args![snake(&d.status)?, json(&d)?, by.name.as_str(), by.at, id],
    )
    .await?;
    if matches!(d.status, DisputeStatus::Rejected | DisputeStatus::Settled) && before.dispute.holds_amount() {
        mark_invoice(&mut tx, before.invoice_id, id, false, by, &why).await?;
    }
    // A decision answers the customer: the request's clock stops.
    if matches!(d.status, DisputeStatus::Accepted | DisputeStatus::Rejected)
        && let Some(rid) = before.request_id
    {
        let r = requests::load(&mut Conn::Tx(&mut tx), rid).await?;
        if matches!(r.timer.state(), TimerState::Running(_) | TimerState::Paused(_)) {
            requests::time(&mut tx, rid, TimerAction::Stop, &format!("dispute {id} {}", d.status), None, by).await?;
        }
    }
    let after = load(&mut Conn::Tx(&mut tx), id).await?;
    let eid = id.to_string();
    let action = format!("dispute.{}", change.name());
    let a = Audit::new(&action, "dispute", &eid)
        .period(before.period)
        .before(&before.dispute.status)
        .after(&after.dispute)
        .reason(&why);
    audit::write(&mut tx, by, a).await?;
    tx.commit().await?;
    Ok(after)
}
