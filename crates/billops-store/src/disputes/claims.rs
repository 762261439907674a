//! SLA service-credit claims: assessed by the domain (tiers as data), moved draft → submitted → approved |
//! rejected → credited → passed through, each step on the stored record under its version.
use billops_domain::Money;
use billops_domain::credit::{CreditKind, CreditScope};
use billops_domain::sla::{
    Allocation, ClaimEvent, ClaimInput, ClaimStatus, SlaClaim, SlaError, SlaPolicy, allocate, assess_claim,
};
use billops_domain::text::{Code, FreeText};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::{ClaimChange, ClaimRecord, TrailEvent, claim_row, event, snake, writer};
use crate::NewCredit;
use crate::audit::{self, Audit};
use crate::credits;
use crate::db::{Conn, json, set_money, unjson};
use crate::db::{Db, Row, args, money_args, money_cols, placeholders};
use crate::{Actor, Result, StoreError};

#[derive(Serialize, Deserialize)]
struct Doc {
    claim: SlaClaim,
    events: Vec<TrailEvent>,
    credited: Option<Decimal>,
    allocations: Vec<Allocation>,
    #[serde(default)]
    credits: Vec<String>,
}

fn sla_error(e: SlaError) -> StoreError {
    match e {
        SlaError::BadTransition { .. } => StoreError::Conflict(e.to_string()),
        other => StoreError::Invalid(other.to_string()),
    }
}

const SELECT: &str = "SELECT id, version, record FROM sla_claims";

fn row(r: &Row) -> Result<ClaimRecord> {
    let doc: Doc = unjson(&r.get::<String>(2)?, "SLA claim")?;
    Ok(ClaimRecord {
        id: r.get(0)?,
        version: r.get(1)?,
        claim: doc.claim,
        events: doc.events,
        credited: doc.credited,
        allocations: doc.allocations,
        credits: doc.credits,
    })
}

pub(super) async fn load(c: &mut Conn<'_>, id: i64) -> Result<ClaimRecord> {
    let r = c.opt(&format!("{SELECT} WHERE id = $1"), args![id]).await?;
    row(&r.ok_or_else(|| StoreError::NotFound(format!("SLA claim {id}")))?)
}

pub(super) async fn list(db: &Db) -> Result<Vec<ClaimRecord>> {
    db.all(&format!("{SELECT} ORDER BY id DESC"), vec![]).await?.iter().map(row).collect()
}

pub(super) async fn add(db: &Db, policy: &SlaPolicy, input: &ClaimInput, by: &Actor) -> Result<ClaimRecord> {
    Code::new("service", &input.service)?;
    Code::new("region", &input.region)?;
    let claim = assess_claim(policy, input).map_err(sla_error)?;
    let mut tx = db.begin().await?;
    writer(&mut tx, by, "SLA claims").await?;
    let why = format!("assessed by {}: uptime {}%", policy.name(), claim.uptime);
    let doc = Doc {
        events: vec![event(by, "new", ClaimStatus::Draft, &why)?],
        claim,
        credited: None,
        allocations: Vec::new(),
        credits: Vec::new(),
    };
    let c = &doc.claim;
    let b = tx.backend();
    let mut a = args![c.service.as_str(), c.region.as_str(), c.cycle.to_string(), c.amount.currency.as_str()];
    a.extend(money_args(b, c.amount.amount)?);
    a.extend(args![snake(&c.status)?, c.deadline, json(&doc)?, by.name.as_str(), by.at]);
    let n = a.len();
    let sql = format!(
        "INSERT INTO sla_claims (service, region, cycle, currency, {}, status, deadline, record, created_by, \
         created_at, version, updated_by, updated_at) VALUES ({}, 1, ${}, ${}) RETURNING id",
        money_cols(b, "amount"),
        placeholders(1, n),
        n - 1,
        n
    );
    let id: i64 = tx.one(&sql, a).await?.get(0)?;
    let rec = load(&mut Conn::Tx(&mut tx), id).await?;
    let eid = id.to_string();
    audit::write(&mut tx, by, Audit::new("sla_claim.add", "sla_claim", &eid).after(&rec.claim).reason(&why)).await?;
    tx.commit().await?;
    Ok(rec)
}

pub(super) async fn update(
    db: &Db,
    id: i64,
    change: &ClaimChange,
    why: &str,
    expected: Option<i64>,
    by: &Actor,
) -> Result<ClaimRecord> {
    let why = FreeText::new("reason", why)?.into_string();
    let mut tx = db.begin().await?;
    writer(&mut tx, by, "SLA claims").await?;
    let before = load(&mut Conn::Tx(&mut tx), id).await?;
    claim_row(&mut tx, "sla_claims", id, expected.unwrap_or(before.version), &format!("SLA claim {id}")).await?;
    let mut doc = Doc {
        claim: before.claim.clone(),
        events: before.events.clone(),
        credited: before.credited,
        allocations: before.allocations.clone(),
        credits: before.credits.clone(),
    };
    let from = doc.claim.status;
    let ev = match change {
        ClaimChange::Submit => ClaimEvent::Submit,
        ClaimChange::Approve => ClaimEvent::Approve,
        ClaimChange::Reject => ClaimEvent::Reject,
        ClaimChange::Credit { .. } => ClaimEvent::Credit,
        ClaimChange::PassThrough { .. } => ClaimEvent::PassThrough,
    };
    // the state machine first: a step out of order is a conflict whatever its data
    let to = from.next(ev).map_err(sla_error)?;
    match change {
        ClaimChange::Submit => {
            if !doc.claim.eligible {
                return Err(StoreError::Invalid(format!(
                    "SLA claim {id} is not eligible (SLA met or {} at or under the minimum): nothing to submit",
                    doc.claim.amount
                )));
            }
            if doc.claim.is_past_deadline(by.at.date_naive()) {
                return Err(StoreError::Invalid(format!(
                    "SLA claim {id} was due by {}: the supplier no longer accepts it",
                    doc.claim.deadline
                )));
            }
        }
        // The supplier's answer is recorded by a manager (it decides what is passed on to customers).
        ClaimChange::Approve | ClaimChange::Reject => {
            super::manager(&mut tx, by, "record the supplier's decision on an SLA claim").await?
        }
        ClaimChange::Credit { amount } => {
            if *amount <= Decimal::ZERO {
                return Err(StoreError::Invalid(format!("a supplier credit of {amount}: must be positive")));
            }
            doc.credited = Some(*amount);
        }
        ClaimChange::PassThrough { shares } => {
            let credited = doc.credited.unwrap_or(doc.claim.amount.amount);
            let money = Money::new(credited, doc.claim.amount.currency.clone());
            doc.allocations = allocate(&money, shares).map_err(sla_error)?;
            // Supplier credits are not transferable between accounts: each customer gets its own credit.
            let c = &doc.claim;
            let (from, to) = (c.cycle.next().start(), c.cycle.next().next().next().start());
            for a in doc.allocations.iter().filter(|a| !a.amount.is_zero()) {
                let n = NewCredit {
                    customer: a.customer.clone(),
                    kind: CreditKind::SlaServiceCredit,
                    amount: a.amount,
                    scope: CreditScope::new(Vec::<String>::new(), [c.service.clone()]),
                    valid_from: from,
                    valid_to: to,
                    evidence: format!("SLA claim {id}: {} {} {}", c.service, c.region, c.cycle),
                    reason: "SLA service credit passed through".into(),
                };
                let cr = credits::propose_in(&mut tx, &n, by).await?;
                doc.credits.push(cr.credit.id().to_string());
            }
        }
    }
    doc.claim.status = to;
    doc.events.push(event(by, from, doc.claim.status, &why)?);
    let b = tx.backend();
    let amount = doc.credited.unwrap_or(doc.claim.amount.amount);
    let mut a = args![snake(&doc.claim.status)?, json(&doc)?, by.name.as_str(), by.at, id];
    a.extend(money_args(b, amount)?);
    let sql = format!(
        "UPDATE sla_claims SET status = $1, record = $2, updated_by = $3, updated_at = $4, {} WHERE id = $5",
        set_money(b, "amount", 6)
    );
    tx.exec(&sql, a).await?;
    let after = load(&mut Conn::Tx(&mut tx), id).await?;
    let eid = id.to_string();
    let action = format!("sla_claim.{}", change.name());
    let a = Audit::new(&action, "sla_claim", &eid).before(&from).after(&after).reason(&why);
    audit::write(&mut tx, by, a).await?;
    tx.commit().await?;
    Ok(after)
}
