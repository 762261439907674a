//! Disputes, prior-period adjustments (PPAs), SLA service-credit claims and requests with SLA timers: the store
//! half of `billops_domain::{dispute, ppa, sla, request}`.
//!
//! Like funding, each record is kept as its domain record (JSON: amounts as exact decimal strings, its whole
//! history) beside the columns lists filter, sort and sum on (money columns per backend). Every change runs the
//! domain's transition inside the writing transaction against the row as stored and claims the row by its
//! version first (`UPDATE … SET version = version + 1 WHERE id = $1 AND version = $2`): a stale version, or a
//! second settlement racing the first, is [`StoreError::Conflict`] — one wins. Every transition is audited.
//!
//! Locked periods: no dispute or PPA write is dated inside a signed-off month (`by.at`), a PPA posts only into
//! an open period after the one it corrects, and a dispute settled by a credit note issues it on an open day;
//! the locked period itself is never written.
//!
//! Invoice lines are numbered from 1 in the invoice's order ([`billops_domain::invoice::Draft::lines`]);
//! line 0 of a PPA means the whole invoice.
use async_trait::async_trait;
use billops_domain::credit::ApprovalPolicy;
use billops_domain::dispute::{Dispute, ReasonCode};
use billops_domain::ppa::{Ppa, PpaStatus};
use billops_domain::request::{BusinessCalendar, RequestTimer, SlaTarget};
use billops_domain::sla::{Allocation, ClaimInput, SlaClaim};
use billops_domain::{Period, Role};
use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::StoredInvoice;
use crate::close::locks;
use crate::db::Conn;
use crate::db::{Tx, args};
use crate::invoices;
use crate::parties::user_in;
use crate::{Actor, Result, SqlStore, StoreError};

mod claims;
mod dispute;
mod ppa;
mod requests;

/// One step of a record's trail: who, when, from what to what, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrailEvent {
    pub at: DateTime<Utc>,
    pub by: String,
    pub from: String,
    pub to: String,
    pub why: String,
}

/// A dispute as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DisputeRecord {
    pub id: i64,
    pub version: i64,
    pub invoice_id: i64,
    pub invoice_number: Option<String>,
    /// The period of the disputed invoice.
    pub period: Period,
    /// The request whose SLA sets the due date.
    pub request_id: Option<i64>,
    pub dispute: Dispute,
}

/// What an operator enters to open a dispute.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewDispute {
    pub invoice_id: i64,
    /// `None`: the whole invoice.
    pub line: Option<u32>,
    pub amount: Decimal,
    pub reason: ReasonCode,
    pub evidence: String,
    pub external_ref: Option<String>,
    /// Defaults to the person opening it.
    pub owner: Option<String>,
    /// The SLA of the request opened with it (due date = when the timer breaches).
    pub sla: SlaTarget,
}

/// One change to a dispute.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "change")]
pub enum DisputeChange {
    Research,
    Accept,
    Reject,
    /// Settle an accepted dispute by a credit note of the disputed amount on the invoice (managers).
    SettleByCreditNote {
        series: String,
    },
    /// Settle an accepted dispute by a PPA of −amount on the disputed line (interest as the contract says).
    SettleByPpa {
        interest: Decimal,
    },
    /// Close a rejected dispute (no money moves).
    Close,
}

impl DisputeChange {
    pub fn name(&self) -> &'static str {
        match self {
            DisputeChange::Research => "research",
            DisputeChange::Accept => "accept",
            DisputeChange::Reject => "reject",
            DisputeChange::SettleByCreditNote { .. } => "settle_credit_note",
            DisputeChange::SettleByPpa { .. } => "settle_ppa",
            DisputeChange::Close => "close",
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DisputeFilter {
    pub customer: Option<String>,
    pub invoice_id: Option<i64>,
    /// Only open, researching or accepted ones.
    pub open_only: bool,
}

/// A PPA as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PpaRecord {
    pub id: i64,
    pub version: i64,
    pub original_invoice_id: i64,
    pub dispute_id: Option<i64>,
    /// The re-rating run that proposed it.
    pub run: Option<String>,
    pub ppa: Ppa,
    pub events: Vec<TrailEvent>,
}

/// A PPA to propose: one issued line re-rated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewPpa {
    pub invoice_id: i64,
    /// 0: the whole invoice.
    pub line: u32,
    pub rerated: Decimal,
    pub interest: Decimal,
    pub reason: String,
    pub run: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PpaFilter {
    pub customer: Option<String>,
    pub status: Option<PpaStatus>,
    pub invoice_id: Option<i64>,
}

/// An SLA claim as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ClaimRecord {
    pub id: i64,
    pub version: i64,
    pub claim: SlaClaim,
    pub events: Vec<TrailEvent>,
    /// What the supplier credited.
    pub credited: Option<Decimal>,
    /// Its pass-through to the affected customers.
    pub allocations: Vec<Allocation>,
    /// The SLA service credits proposed by the pass-through (`CR-…`), one per customer with a share.
    pub credits: Vec<String>,
}

/// One change to an SLA claim.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "change")]
pub enum ClaimChange {
    Submit,
    Approve,
    Reject,
    /// The supplier's credit arrived (its amount).
    Credit {
        amount: Decimal,
    },
    /// Pass the credited amount through to the customers in proportion to their affected charges: one SLA
    /// service credit proposed each (in the same transaction; a manager approves it, maker-checker as every
    /// credit), valid for the two months after the claim's cycle.
    PassThrough {
        shares: Vec<billops_domain::sla::Share>,
    },
}

impl ClaimChange {
    pub fn name(&self) -> &'static str {
        match self {
            ClaimChange::Submit => "submit",
            ClaimChange::Approve => "approve",
            ClaimChange::Reject => "reject",
            ClaimChange::Credit { .. } => "credit",
            ClaimChange::PassThrough { .. } => "pass_through",
        }
    }
}

/// What a request is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RequestKind {
    CustomerQuery,
    Dispute,
    SupplierCase,
    Ticket,
}

/// A request as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RequestRecord {
    pub id: i64,
    pub version: i64,
    pub kind: RequestKind,
    pub external_ref: Option<String>,
    pub customer: Option<String>,
    pub subject: String,
    pub target: SlaTarget,
    pub timer: RequestTimer,
    pub events: Vec<TrailEvent>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewRequest {
    pub kind: RequestKind,
    pub external_ref: Option<String>,
    pub customer: Option<String>,
    pub subject: String,
    pub target: SlaTarget,
    /// Start the timer now.
    pub start: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TimerAction {
    Start,
    Pause,
    Resume,
    Stop,
}

/// The settings key holding the request calendar's holidays (`YYYY-MM-DD` separated by commas or spaces).
pub const HOLIDAYS_SETTING: &str = "request_holidays";

/// Disputes, PPAs, SLA claims and requests. Writes: operators (PPA decisions: managers; a credit-note
/// settlement: managers, as every credit note).
#[async_trait]
pub trait DisputeStore: Send + Sync {
    /// Open a dispute on an issued invoice (or one line) and its request (timer started now).
    async fn add_dispute(&self, d: &NewDispute, by: &Actor) -> Result<DisputeRecord>;
    async fn dispute(&self, id: i64) -> Result<DisputeRecord>;
    /// Newest first.
    async fn list_disputes(&self, filter: &DisputeFilter) -> Result<Vec<DisputeRecord>>;
    /// One transition. `why` is recorded (a rejection needs it). Above `policy`'s threshold the person who
    /// accepted cannot settle.
    async fn update_dispute(
        &self,
        id: i64,
        change: &DisputeChange,
        why: &str,
        policy: ApprovalPolicy,
        expected_version: Option<i64>,
        by: &Actor,
    ) -> Result<DisputeRecord>;

    /// Propose PPAs (all or none, one transaction).
    async fn propose_ppas(&self, ppas: &[NewPpa], by: &Actor) -> Result<Vec<PpaRecord>>;
    async fn ppa(&self, id: i64) -> Result<PpaRecord>;
    async fn list_ppas(&self, filter: &PpaFilter) -> Result<Vec<PpaRecord>>;
    /// A manager approves (maker-checker above the threshold) or rejects.
    async fn decide_ppa(
        &self,
        id: i64,
        approve: bool,
        why: &str,
        policy: ApprovalPolicy,
        expected_version: Option<i64>,
        by: &Actor,
    ) -> Result<PpaRecord>;
    /// Post the customer's approved PPAs of earlier periods into `period` (refused when it is locked) and
    /// return every PPA posted there, for the period's draft.
    async fn post_ppas(&self, customer: &str, period: Period, by: &Actor) -> Result<Vec<PpaRecord>>;

    /// Assess and record a claim under the service's SLA tiers (`InterestTermsStore::sla_policy`), as a draft.
    async fn add_sla_claim(&self, input: &ClaimInput, by: &Actor) -> Result<ClaimRecord>;
    async fn sla_claim(&self, id: i64) -> Result<ClaimRecord>;
    async fn list_sla_claims(&self) -> Result<Vec<ClaimRecord>>;
    async fn update_sla_claim(
        &self,
        id: i64,
        change: &ClaimChange,
        why: &str,
        expected_version: Option<i64>,
        by: &Actor,
    ) -> Result<ClaimRecord>;

    async fn add_request(&self, r: &NewRequest, by: &Actor) -> Result<RequestRecord>;
    async fn request(&self, id: i64) -> Result<RequestRecord>;
    async fn list_requests(&self) -> Result<Vec<RequestRecord>>;
    async fn time_request(
        &self,
        id: i64,
        action: TimerAction,
        why: &str,
        expected_version: Option<i64>,
        by: &Actor,
    ) -> Result<RequestRecord>;
    /// Working hours 09:00–17:00 UTC, Monday to Friday, minus the holidays in the [`HOLIDAYS_SETTING`].
    async fn request_calendar(&self) -> Result<BusinessCalendar>;
}

// ---- helpers shared by the submodules

fn snake<T: Serialize>(v: &T) -> Result<String> {
    match serde_json::to_value(v) {
        Ok(serde_json::Value::String(s)) => Ok(s),
        _ => Err(StoreError::Invalid("cannot encode a state".into())),
    }
}

fn event(by: &Actor, from: impl Serialize, to: impl Serialize, why: &str) -> Result<TrailEvent> {
    Ok(TrailEvent { at: by.at, by: by.name.clone(), from: snake(&from)?, to: snake(&to)?, why: why.to_string() })
}

async fn writer(tx: &mut Tx, by: &Actor, what: &str) -> Result<billops_domain::User> {
    let user = user_in(tx, by).await?;
    if !user.role.can_write() {
        return Err(StoreError::Forbidden(format!("{} may not change {what} (viewer)", by.name)));
    }
    Ok(user)
}

async fn manager(tx: &mut Tx, by: &Actor, what: &str) -> Result<()> {
    let user = user_in(tx, by).await?;
    if user.role != Role::Manager {
        return Err(StoreError::Forbidden(format!("{} may not {what} (needs manager, is {})", by.name, user.role)));
    }
    Ok(())
}

/// Refuse a write dated inside a signed-off month.
async fn refuse_locked_now(tx: &mut Tx, by: &Actor) -> Result<()> {
    locks::refuse_locked(tx, Period::of_date(by.at.date_naive())).await
}

/// Claim a row by its version (the first write of a change): a stale or concurrent change gets `Conflict`.
async fn claim_row(tx: &mut Tx, table: &str, id: i64, version: i64, what: &str) -> Result<()> {
    let sql = format!("UPDATE {table} SET version = version + 1 WHERE id = $1 AND version = $2");
    if tx.exec(&sql, args![id, version]).await? == 0 {
        return Err(StoreError::Conflict(format!("{what} changed meanwhile (version {version} is stale): reload")));
    }
    Ok(())
}

/// The issued invoice and the amount of one of its lines (`None`/0: the whole invoice).
async fn issued_line(tx: &mut Tx, invoice_id: i64, line: Option<u32>) -> Result<(StoredInvoice, Decimal)> {
    let inv = invoices::load(&mut Conn::Tx(tx), invoice_id).await?;
    if !inv.status.is_issued() || inv.status == billops_domain::invoice::InvoiceStatus::Void {
        return Err(StoreError::Invalid(format!(
            "invoice {invoice_id} is {}: only an issued invoice can be disputed or adjusted",
            inv.status
        )));
    }
    let amount = match line {
        None | Some(0) => inv.total,
        Some(n) => {
            let idx = usize::try_from(n).map_err(|_| StoreError::Invalid(format!("line {n}")))?;
            match inv.draft.lines().nth(idx.saturating_sub(1)) {
                Some(l) => l.amount,
                None => {
                    let count = inv.draft.lines().count();
                    return Err(StoreError::Invalid(format!(
                        "invoice {invoice_id} has {count} lines: there is no line {n}"
                    )));
                }
            }
        }
    };
    Ok((inv, amount))
}

async fn holidays(c: &mut Conn<'_>) -> Result<BusinessCalendar> {
    let mut days = Vec::new();
    if let Some(r) = c.opt("SELECT value FROM settings WHERE key = $1", args![HOLIDAYS_SETTING]).await? {
        let v: String = r.get(0)?;
        for d in v.split(|c: char| c == ',' || c.is_whitespace()).filter(|s| !s.is_empty()) {
            let day = NaiveDate::parse_from_str(d, "%Y-%m-%d")
                .map_err(|_| StoreError::Invalid(format!("{HOLIDAYS_SETTING}: {d:?} is not a date (YYYY-MM-DD)")))?;
            days.push(day);
        }
    }
    let nine = NaiveTime::from_hms_opt(9, 0, 0).unwrap_or(NaiveTime::MIN);
    let five = NaiveTime::from_hms_opt(17, 0, 0).unwrap_or(NaiveTime::MIN);
    BusinessCalendar::new(0, nine, five, [true, true, true, true, true, false, false], days)
        .map_err(|e| StoreError::Invalid(e.to_string()))
}

/// What open, researching or accepted disputes hold out of a customer's overdue figure: their amounts on
/// invoices due before `today` that are still owed (the balance's overdue query).
pub(crate) async fn held_overdue(
    db: &crate::db::Db,
    b: crate::Backend,
    customer_id: i64,
    today: NaiveDate,
) -> Result<Decimal> {
    let sql = format!(
        "SELECT {} FROM disputes d JOIN invoices i ON i.id = d.invoice_id WHERE d.customer_id = $1 \
         AND d.status IN ('open', 'researching', 'accepted') AND i.due_on < $2 \
         AND i.status IN ('issued', 'partly_paid', 'disputed')",
        crate::db::money_sum(b, "d.", "amount")
    );
    let row = db.opt(&sql, args![customer_id, today]).await?;
    Ok(row.map(|r| r.money(0).map(|m| m.0)).transpose()?.unwrap_or(Decimal::ZERO))
}

#[async_trait]
impl DisputeStore for SqlStore {
    async fn add_dispute(&self, d: &NewDispute, by: &Actor) -> Result<DisputeRecord> {
        dispute::add(&self.db, d, by).await
    }
    async fn dispute(&self, id: i64) -> Result<DisputeRecord> {
        dispute::load(&mut Conn::Db(&self.db), id).await
    }
    async fn list_disputes(&self, filter: &DisputeFilter) -> Result<Vec<DisputeRecord>> {
        dispute::list(&self.db, filter).await
    }
    async fn update_dispute(
        &self,
        id: i64,
        change: &DisputeChange,
        why: &str,
        policy: ApprovalPolicy,
        expected_version: Option<i64>,
        by: &Actor,
    ) -> Result<DisputeRecord> {
        dispute::update(&self.db, id, change, why, policy, expected_version, by).await
    }

    async fn propose_ppas(&self, ppas: &[NewPpa], by: &Actor) -> Result<Vec<PpaRecord>> {
        let mut tx = self.db.begin().await?;
        let mut out = Vec::with_capacity(ppas.len());
        for p in ppas {
            out.push(ppa::propose(&mut tx, p, None, by).await?);
        }
        tx.commit().await?;
        Ok(out)
    }
    async fn ppa(&self, id: i64) -> Result<PpaRecord> {
        ppa::load(&mut Conn::Db(&self.db), id).await
    }
    async fn list_ppas(&self, filter: &PpaFilter) -> Result<Vec<PpaRecord>> {
        ppa::list(&self.db, filter).await
    }
    async fn decide_ppa(
        &self,
        id: i64,
        approve: bool,
        why: &str,
        policy: ApprovalPolicy,
        expected_version: Option<i64>,
        by: &Actor,
    ) -> Result<PpaRecord> {
        ppa::decide(&self.db, id, approve, why, policy, expected_version, by).await
    }
    async fn post_ppas(&self, customer: &str, period: Period, by: &Actor) -> Result<Vec<PpaRecord>> {
        ppa::post(&self.db, customer, period, by).await
    }

    async fn add_sla_claim(&self, input: &ClaimInput, by: &Actor) -> Result<ClaimRecord> {
        let policy = crate::InterestTermsStore::sla_policy(self, &input.service).await?;
        claims::add(&self.db, &policy, input, by).await
    }
    async fn sla_claim(&self, id: i64) -> Result<ClaimRecord> {
        claims::load(&mut Conn::Db(&self.db), id).await
    }
    async fn list_sla_claims(&self) -> Result<Vec<ClaimRecord>> {
        claims::list(&self.db).await
    }
    async fn update_sla_claim(
        &self,
        id: i64,
        change: &ClaimChange,
        why: &str,
        expected_version: Option<i64>,
        by: &Actor,
    ) -> Result<ClaimRecord> {
        claims::update(&self.db, id, change, why, expected_version, by).await
    }

    async fn add_request(&self, r: &NewRequest, by: &Actor) -> Result<RequestRecord> {
        let mut tx = self.db.begin().await?;
        writer(&mut tx, by, "requests").await?;
        let rec = requests::add(&mut tx, r, by).await?;
        tx.commit().await?;
        Ok(rec)
    }
    async fn request(&self, id: i64) -> Result<RequestRecord> {
        requests::load(&mut Conn::Db(&self.db), id).await
    }
    async fn list_requests(&self) -> Result<Vec<RequestRecord>> {
        requests::list(&self.db).await
    }
    async fn time_request(
        &self,
        id: i64,
        action: TimerAction,
        why: &str,
        expected_version: Option<i64>,
        by: &Actor,
    ) -> Result<RequestRecord> {
        let mut tx = self.db.begin().await?;
        writer(&mut tx, by, "requests").await?;
        let rec = requests::time(&mut tx, id, action, why, expected_version, by).await?;
        tx.commit().await?;
        Ok(rec)
    }
    async fn request_calendar(&self) -> Result<BusinessCalendar> {
        holidays(&mut Conn::Db(&self.db)).await
    }
}
