//! Prior-period adjustments: proposed against one issued line, decided by a manager (maker-checker above the
//! shared threshold), posted into an open period after the one they correct.
use billops_domain::Period;
use billops_domain::credit::ApprovalPolicy;
use billops_domain::ppa::{Ppa, PpaError, PpaInput, PpaStatus};
use billops_domain::text::FreeText;
use serde::{Deserialize, Serialize};

use super::{NewPpa, PpaFilter, PpaRecord, TrailEvent, claim_row, event, issued_line, manager, refuse_locked_now};
use super::{snake, writer};
use crate::audit::{self, Audit};
use crate::close::locks;
use crate::db::{Conn, json, unjson};
use crate::db::{Db, Row, Tx, args, money_args, money_cols, placeholders};
use crate::{Actor, Result, StoreError};

#[derive(Serialize, Deserialize)]
struct Doc {
    ppa: Ppa,
    events: Vec<TrailEvent>,
}

fn ppa_error(e: PpaError) -> StoreError {
    match e {
        PpaError::MakerChecker { .. } => StoreError::Forbidden(e.to_string()),
        PpaError::BadTransition { .. } => StoreError::Conflict(e.to_string()),
        other => StoreError::Invalid(other.to_string()),
    }
}

const SELECT: &str = "SELECT id, version, invoice_id, dispute_id, run, record FROM ppas";

fn row(r: &Row) -> Result<PpaRecord> {
    let doc: Doc = unjson(&r.get::<String>(5)?, "PPA")?;
    Ok(PpaRecord {
        id: r.get(0)?,
        version: r.get(1)?,
        original_invoice_id: r.get(2)?,
        dispute_id: r.get(3)?,
        run: r.get(4)?,
        ppa: doc.ppa,
        events: doc.events,
    })
}

pub(super) async fn load(c: &mut Conn<'_>, id: i64) -> Result<PpaRecord> {
    let r = c.opt(&format!("{SELECT} WHERE id = $1"), args![id]).await?;
    row(&r.ok_or_else(|| StoreError::NotFound(format!("PPA {id}")))?)
}

pub(super) async fn list(db: &Db, f: &PpaFilter) -> Result<Vec<PpaRecord>> {
    let mut sql = format!("{SELECT} WHERE 1 = 1");
    let mut a = Vec::new();
    if let Some(c) = &f.customer {
        a.push(c.into());
        sql.push_str(&format!(" AND customer_id = (SELECT id FROM customers WHERE code = ${})", a.len()));
    }
    if let Some(s) = f.status {
        a.push(snake(&s)?.into());
        sql.push_str(&format!(" AND status = ${}", a.len()));
    }
    if let Some(i) = f.invoice_id {
        a.push(i.into());
        sql.push_str(&format!(" AND invoice_id = ${}", a.len()));
    }
    sql.push_str(" ORDER BY id DESC");
    db.all(&sql, a).await?.iter().map(row).collect()
}

pub(super) async fn propose(tx: &mut Tx, p: &NewPpa, dispute: Option<i64>, by: &Actor) -> Result<PpaRecord> {
    let reason = FreeText::new("PPA reason", &p.reason)?.into_string();
    writer(tx, by, "PPAs").await?;
    refuse_locked_now(tx, by).await?;
    let (inv, original) = issued_line(tx, p.invoice_id, Some(p.line)).await?;
    let input = PpaInput {
        customer: inv.customer.clone(),
        currency: inv.currency.clone(),
        original_period: inv.period,
        original_invoice: inv.number.clone().unwrap_or_else(|| format!("#{}", inv.id)),
        original_line: p.line,
        original,
        rerated: p.rerated,
        interest: p.interest,
        reason: reason.clone(),
    };
    let ppa = Ppa::propose(input, &by.name).map_err(ppa_error)?;
    let delta = ppa.delta().map_err(ppa_error)?;
    let doc = Doc { ppa, events: vec![event(by, "new", PpaStatus::Proposed, &reason)?] };
    let b = tx.backend();
    let cid = crate::parties::customer_id(tx, &inv.customer).await?;
    let mut a = args![cid, inv.id, i64::from(p.line), inv.period.to_string(), inv.currency.as_str()];
    a.extend(money_args(b, delta)?);
    a.extend(args!["proposed", by.name.as_str(), dispute, p.run.clone(), json(&doc)?, by.at]);
    let sql = format!(
        "INSERT INTO ppas (customer_id, invoice_id, line, original_period, currency, {}, status, proposer, dispute_id, \
         run, record, created_at, version, updated_by, updated_at) VALUES ({}, 1, ${}, ${}) RETURNING id",
        money_cols(b, "delta"),
        placeholders(1, a.len()),
        a.len() - 4,
        a.len()
    );
    let id: i64 = tx.one(&sql, a).await?.get(0)?;
    let rec = load(&mut Conn::Tx(tx), id).await?;
    let eid = id.to_string();
    let au = Audit::new("ppa.propose", "ppa", &eid).period(inv.period).after(&rec.ppa).reason(&reason);
    audit::write(tx, by, au).await?;
    Ok(rec)
}

pub(super) async fn decide(
    db: &Db,
    id: i64,
    approve: bool,
    why: &str,
    policy: ApprovalPolicy,
    expected: Option<i64>,
    by: &Actor,
) -> Result<PpaRecord> {
    let why = FreeText::new("reason", why)?.into_string();
    let mut tx = db.begin().await?;
    let what = if approve { "approve PPAs" } else { "reject PPAs" };
    manager(&mut tx, by, what).await?;
    refuse_locked_now(&mut tx, by).await?;
    let before = load(&mut Conn::Tx(&mut tx), id).await?;
    claim_row(&mut tx, "ppas", id, expected.unwrap_or(before.version), &format!("PPA {id}")).await?;
    let mut ppa = before.ppa.clone();
    if approve {
        ppa.approve(&by.name, &policy).map_err(ppa_error)?;
    } else {
        if why.is_empty() {
            return Err(StoreError::Invalid("a rejected PPA says why".into()));
        }
        ppa.reject().map_err(ppa_error)?;
    }
    let mut events = before.events.clone();
    events.push(event(by, before.ppa.status, ppa.status, &why)?);
    let doc = Doc { ppa, events };
    tx.exec(
        "UPDATE ppas SET status = $1, approver = $2, record = $3, updated_by = $4, updated_at = $5 WHERE id = $6",
        args![snake(&doc.ppa.status)?, doc.ppa.approver.clone(), json(&doc)?, by.name.as_str(), by.at, id],
    )
    .await?;
    let after = load(&mut Conn::Tx(&mut tx), id).await?;
    let eid = id.to_string();
    let action = if approve { "ppa.approve" } else { "ppa.reject" };
    let a = Audit::new(action, "ppa", &eid)
        .period(after.ppa.input.original_period)
        .before(&before.ppa.status)
        .after(&after.ppa)
        .reason(&why);
    audit::write(&mut tx, by, a).await?;
    tx.commit().await?;
    Ok(after)
}

pub(super) async fn post(db: &Db, customer: &str, period: Period, by: &Actor) -> Result<Vec<PpaRecord>> {
    let mut tx = db.begin().await?;
    writer(&mut tx, by, "PPAs").await?;
    locks::refuse_locked(&mut tx, period).await?;
    let cid = crate::parties::customer_id(&mut tx, customer).await?;
    let p = period.to_string();
    let waiting = tx
        .all(
            &format!("{SELECT} WHERE customer_id = $1 AND status = 'approved' AND original_period < $2 ORDER BY id"),
            args![cid, p.as_str()],
        )
        .await?;
    let waiting = waiting.iter().map(row).collect::<Result<Vec<_>>>()?;
    for before in waiting {
        claim_row(&mut tx, "ppas", before.id, before.version, &format!("PPA {}", before.id)).await?;
        let mut ppa = before.ppa.clone();
        ppa.post(period, &format!("{customer} {period}"), |_| false).map_err(ppa_error)?;
        let mut events = before.events.clone();
        let why = format!("posted on the {period} invoice");
        events.push(event(by, before.ppa.status, ppa.status, &why)?);
        let doc = Doc { ppa, events };
        tx.exec(
            "UPDATE ppas SET status = 'posted', posting_period = $1, record = $2, updated_by = $3, updated_at = $4 \
             WHERE id = $5",
            args![p.as_str(), json(&doc)?, by.name.as_str(), by.at, before.id],
        )
        .await?;
        let eid = before.id.to_string();
        let a =
            Audit::new("ppa.post", "ppa", &eid).period(period).before(&before.ppa.status).after(&doc.ppa).reason(&why);
        audit::write(&mut tx, by, a).await?;
    }
    let posted = tx
        .all(
            &format!("{SELECT} WHERE customer_id = $1 AND status = 'posted' AND posting_period = $2 ORDER BY id"),
            args![cid, p.as_str()],
        )
        .await?;
    let posted = posted.iter().map(row).collect::<Result<Vec<_>>>()?;
    tx.commit().await?;
    Ok(posted)
}
