//! Requests with SLA timers: the timer and its trail as JSON, state and references as columns.
use billops_domain::request::{RequestTimer, SlaTarget, TimerState};
use billops_domain::text::{Code, FreeText, Name};
use serde::{Deserialize, Serialize};

use super::{NewRequest, RequestKind, RequestRecord, TimerAction, TrailEvent, claim_row, event, snake};
use crate::audit::{self, Audit};
use crate::db::{Conn, json, unjson};
use crate::db::{Db, Row, Tx, args};
use crate::{Actor, Result, StoreError};

#[derive(Serialize, Deserialize)]
struct Doc {
    target: SlaTarget,
    timer: RequestTimer,
    events: Vec<TrailEvent>,
}

const SELECT: &str = "SELECT r.id, r.version, r.kind, r.external_ref, c.code, r.subject, r.record FROM requests r \
                      LEFT JOIN customers c ON c.id = r.customer_id";

fn kind_of(s: &str) -> Result<RequestKind> {
    serde_json::from_value(serde_json::Value::String(s.to_string()))
        .map_err(|_| StoreError::Invalid(format!("stored request kind {s:?}")))
}

fn row(r: &Row) -> Result<RequestRecord> {
    let doc: Doc = unjson(&r.get::<String>(6)?, "request")?;
    Ok(RequestRecord {
        id: r.get(0)?,
        version: r.get(1)?,
        kind: kind_of(&r.get::<String>(2)?)?,
        external_ref: r.get(3)?,
        customer: r.get(4)?,
        subject: r.get(5)?,
        target: doc.target,
        timer: doc.timer,
        events: doc.events,
    })
}

pub(super) async fn load(c: &mut Conn<'_>, id: i64) -> Result<RequestRecord> {
    let r = c.opt(&format!("{SELECT} WHERE r.id = $1"), args![id]).await?;
    row(&r.ok_or_else(|| StoreError::NotFound(format!("request {id}")))?)
}

pub(super) async fn list(db: &Db) -> Result<Vec<RequestRecord>> {
    db.all(&format!("{SELECT} ORDER BY r.id DESC"), vec![]).await?.iter().map(row).collect()
}

fn state_name(t: &RequestTimer) -> &'static str {
    match t.state() {
        TimerState::NotStarted => "not_started",
        TimerState::Running(_) => "running",
        TimerState::Paused(_) => "paused",
        TimerState::Stopped(_) => "stopped",
    }
}

/// Insert a request (the caller checked the role); its timer starts at `by.at` when asked.
pub(crate) async fn add(tx: &mut Tx, r: &NewRequest, by: &Actor) -> Result<RequestRecord> {
    let subject = Name::new("request subject", &r.subject)?.into_string();
    if subject.is_empty() {
        return Err(StoreError::Invalid("a request needs a subject".into()));
    }
    let external = match &r.external_ref {
        Some(x) if !x.trim().is_empty() => Some(Code::new("external reference", x)?.into_string()),
        _ => None,
    };
    let customer_id = match &r.customer {
        Some(code) => Some(crate::parties::customer_id(tx, code).await?),
        None => None,
    };
    let mut timer = RequestTimer::default();
    let mut events = Vec::new();
    if r.start {
        timer.start(by.at).map_err(|e| StoreError::Invalid(e.to_string()))?;
        events.push(event(by, "not_started", "running", "opened")?);
    }
    let doc = Doc { target: r.target, timer, events };
    let id: i64 = tx
        .one(
            "INSERT INTO requests (kind, external_ref, customer_id, subject, state, version, record, created_by, \
             created_at, updated_by, updated_at) VALUES ($1, $2, $3, $4, $5, 1, $6, $7, $8, $7, $8) RETURNING id",
            args![
                snake(&r.kind)?,
                external,
                customer_id,
                subject.as_str(),
                state_name(&doc.timer),
                json(&doc)?,
                by.name.as_str(),
                by.at
            ],
        )
        .await?
        .get(0)?;
    let rec = load(&mut Conn::Tx(tx), id).await?;
    let eid = id.to_string();
    audit::write(tx, by, Audit::new("request.add", "request", &eid).after(&rec)).await?;
    Ok(rec)
}

/// Start, pause, resume or stop a request's timer at `by.at`.
pub(crate) async fn time(
    tx: &mut Tx,
    id: i64,
    action: TimerAction,
    why: &str,
    expected: Option<i64>,
    by: &Actor,
) -> Result<RequestRecord> {
    let why = FreeText::new("reason", why)?.into_string();
    let before = load(&mut Conn::Tx(tx), id).await?;
    claim_row(tx, "requests", id, expected.unwrap_or(before.version), &format!("request {id}")).await?;
    let mut timer = before.timer.clone();
    let r = match action {
        TimerAction::Start => timer.start(by.at),
        TimerAction::Pause => timer.pause(by.at),
        TimerAction::Resume => timer.resume(by.at),
        TimerAction::Stop => timer.stop(by.at),
    };
    r.map_err(|e| StoreError::Conflict(format!("request {id}: {e}")))?;
    let mut events = before.events.clone();
    events.push(event(by, state_name(&before.timer), state_name(&timer), &why)?);
    let doc = Doc { target: before.target, timer, events };
    tx.exec(
        "UPDATE requests SET state = $1, record = $2, updated_by = $3, updated_at = $4 WHERE id = $5",
        args![state_name(&doc.timer), json(&doc)?, by.name.as_str(), by.at, id],
    )
    .await?;
    let after = load(&mut Conn::Tx(tx), id).await?;
    let eid = id.to_string();
    let action = format!("request.{}", snake(&action)?);
    let a = Audit::new(&action, "request", &eid).before(&before).after(&after).reason(&why);
    audit::write(tx, by, a).await?;
    Ok(after)
}
