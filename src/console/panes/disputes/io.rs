//! The Disputes pane's reads and writes: the queries, their replies, the async fns that run them in the effect
//! runner (off the render path; time left is worked out there, with the runner's clock) and where replies land.
use billops_domain::dispute::{ReasonCode, Settlement};
use billops_domain::money::parse_typed_amount;
use billops_domain::request::SlaTarget;
use billops_store::disputes::{
    ClaimRecord, DisputeChange, DisputeFilter, DisputeRecord, NewDispute, PpaFilter, PpaRecord, RequestRecord,
    TimerAction,
};
use billops_store::{InvoiceFilter, StoreError};

use super::claims::{ClaimStep, NewClaim};
use super::form::LateRun;
use crate::month::late::LateRows;
use crate::month::reprice::Reprice;
use super::state::{Detail, Target, Timed};
use crate::console::action::{Effect, PaneQuery};
use crate::console::effects::Runner;
use crate::console::refusal::EffectError;
use crate::console::state::{Load, State, ViewKey};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Query {
    Disputes,
    Ppas,
    Claims,
    Requests,
    Detail(Target),
    /// Preview the re-rating of late rows.
    Late(LateRun),
}

#[derive(Debug, Clone)]
pub enum Reply {
    Disputes(Vec<Timed<DisputeRecord>>),
    Ppas(Vec<PpaRecord>),
    Claims(Vec<ClaimRecord>),
    Requests(Vec<Timed<RequestRecord>>),
    Detail(Target, Detail),
    /// The preview: how many issued lines move, and what it says.
    Late(LateRun, usize, String),
}

/// A step on a dispute (the reason is recorded).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    Research,
    Accept,
    Reject,
    SettleByCreditNote,
    SettleByPpa,
    Close,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Write {
    /// Open a dispute on an issued invoice (by number) or one of its lines.
    AddDispute {
        invoice: String,
        line: Option<u32>,
        amount: String,
        reason: ReasonCode,
        evidence: String,
        external_ref: Option<String>,
    },
    Dispute { id: i64, version: i64, step: Step, why: String },
    Ppa { id: i64, version: i64, approve: bool, why: String },
    Timer { id: i64, version: i64, action: TimerAction },
    /// Assess and record an SLA claim.
    AddClaim(NewClaim),
    /// A step on an SLA claim (`amount`: what the supplier credited).
    Claim { id: i64, version: i64, step: ClaimStep, amount: Option<rust_decimal::Decimal>, why: String },
    /// Propose the PPAs of a late-rows re-rating (worked out again from the file).
    ProposeLate(LateRun),
}

/// The working hours a dispute's request allows (its due date).
pub const DISPUTE_SLA_HOURS: i64 = 40;

pub async fn run(r: &Runner, q: Query) -> Result<Reply, EffectError> {
    let st = r.store.as_ref();
    let e = |err: StoreError| EffectError::of_read(&err);
    let now = r.clock.now();
    Ok(match q {
        Query::Disputes => {
            let cal = st.request_calendar().await.map_err(e)?;
            let mut out = Vec::new();
            for d in st.list_disputes(&DisputeFilter::default()).await.map_err(e)? {
                let left = match d.request_id {
                    Some(id) if d.dispute.holds_amount() => {
                        let q = st.request(id).await.map_err(e)?;
                        crate::month::requests::time_left(q.timer.standing(q.target, &cal, now))
                    }
                    _ => String::new(),
                };
                out.push((d, left));
            }
            Reply::Disputes(out)
        }
        Query::Ppas => Reply::Ppas(st.list_ppas(&PpaFilter::default()).await.map_err(e)?),
        Query::Claims => Reply::Claims(st.list_sla_claims().await.map_err(e)?),
        Query::Requests => {
            let cal = st.request_calendar().await.map_err(e)?;
            let rows = st.list_requests().await.map_err(e)?;
            Reply::Requests(
                rows.into_iter()
                    .map(|q| {
                        let left = crate::month::requests::time_left(q.timer.standing(q.target, &cal, now));
                        (q, left)
                    })
                    .collect(),
            )
        }
        Query::Detail(t) => {
            let d = detail(r, &t).await.map_err(e)?;
            Reply::Detail(t, d)
        }
        Query::Late(run) => {
            let (late, preview) = late_preview(r, &run).await.map_err(e)?;
            let said = late_summary(&run, &late, &preview);
            Reply::Late(run, preview.lines.len(), said)
        }
    })
}

/// Read the late rows of `run` and re-rate them against what was issued (nothing written).
async fn late_preview(r: &Runner, run: &LateRun) -> Result<(LateRows, Reprice), StoreError> {
    let opts = billops_import::ReadOptions { tags: r.tags.clone(), ..Default::default() };
    let path = std::path::PathBuf::from(run.file.trim());
    let late = crate::month::late::read(r.store.as_ref(), vec![path], opts, run.period).await?;
    let preview = crate::month::reprice::reprice(r.store.as_ref(), run.period, None, None, &late.by_customer).await?;
    Ok((late, preview))
}

/// The preview in one sentence: rows taken, lines that move and by how much per currency, what bills no one.
fn late_summary(run: &LateRun, late: &LateRows, preview: &Reprice) -> String {
    let rows: u64 = late.files.iter().map(|f| f.rows).sum();
    let other: u64 = late.files.iter().map(|f| f.other_periods).sum();
    let mut delta: std::collections::BTreeMap<&str, rust_decimal::Decimal> = Default::default();
    for l in &preview.lines {
        let d = delta.entry(l.currency.as_str()).or_default();
        *d = d.checked_add(l.delta).unwrap_or(*d);
    }
    let invoices: std::collections::BTreeSet<i64> = preview.lines.iter().map(|l| l.invoice_id).collect();
    let sums: Vec<String> =
        delta.iter().map(|(c, d)| format!("{} {c}", crate::documents::money(*d, c))).collect();
    let mut said = format!("{}: {rows} row(s) for {}", run.file, run.period);
    if other > 0 {
        said.push_str(&format!(" ({other} of other months left out)"));
    }
    if preview.lines.is_empty() {
        said.push_str("; no issued line moves");
    } else {
        said.push_str(&format!(
            "; {} line(s) move on {} issued invoice(s), Δ {}",
            preview.lines.len(),
            invoices.len(),
            sums.join(" + ")
        ));
    }
    if !late.unassigned.is_empty() {
        let accounts: Vec<&str> = late.unassigned.keys().map(String::as_str).collect();
        said.push_str(&format!("; no customer for account(s) {} (nothing billed)", accounts.join(", ")));
    }
    if !preview.not_issued.is_empty() {
        said.push_str(&format!("; not issued (nothing to adjust): {}", preview.not_issued.join(", ")));
    }
    said
}

/// Submit the late-rows form: ask for the preview (off the render path).
pub fn preview_late(s: &mut State, run: LateRun) -> Vec<Effect> {
    let (req, fx) = query(s, Query::Late(run));
    s.panes.disputes.late = Some(req);
    s.info("reading the late rows and re-rating…");
    fx
}

async fn detail(r: &Runner, t: &Target) -> Result<Detail, StoreError> {
    let st = r.store.as_ref();
    let at = |t: chrono::DateTime<chrono::Utc>| t.format("%Y-%m-%d %H:%M").to_string();
    match t {
        Target::Dispute(id) => {
            let d = st.dispute(*id).await?;
            let trail = d
                .dispute
                .history
                .iter()
                .map(|e| [at(e.at), e.by.clone(), format!("{} → {}", e.from, e.to), e.why.clone()])
                .collect();
            let chain = match &d.dispute.settlement {
                Some(Settlement::Ppa { id: Some(p) }) => {
                    crate::month::ppa_posting::chain(st, &st.ppa(*p).await?).await?
                }
                _ => Vec::new(),
            };
            let target = billops_domain::dispute::target_text(&d.dispute.input.target);
            Ok(Detail { title: format!("dispute {id}: {target} ({})", d.dispute.status), trail, chain, extra: None })
        }
        Target::Ppa(id) => {
            let p = st.ppa(*id).await?;
            let trail = p.events.iter().map(|e| [at(e.at), e.by.clone(), format!("{} → {}", e.from, e.to), e.why.clone()]).collect();
            let chain = crate::month::ppa_posting::chain(st, &p).await?;
            let i = &p.ppa.input;
            let title = format!("PPA {id}: {} line {} ({})", i.original_invoice, i.original_line, i.original_period);
            let extra = Some(super::view::interest_lines(st, &p).await?);
            Ok(Detail { title, trail, chain, extra })
        }
        Target::Claim(id) => {
            let c = st.sla_claim(*id).await?;
            let trail = c.events.iter().map(|e| [at(e.at), e.by.clone(), format!("{} → {}", e.from, e.to), e.why.clone()]).collect();
            let title = format!("SLA claim {id}: {} {} {}", c.claim.service, c.claim.region, c.claim.cycle);
            Ok(Detail { title, trail, chain: Vec::new(), extra: Some(super::view::claim_lines(&c)) })
        }
        Target::Request(id) => {
            let q = st.request(*id).await?;
            let cal = st.request_calendar().await?;
            let trail = q.events.iter().map(|e| [at(e.at), e.by.clone(), format!("{} → {}", e.from, e.to), e.why.clone()]).collect();
            let left = crate::month::requests::time_left(q.timer.standing(q.target, &cal, r.clock.now()));
            let lines = vec![
                format!("subject: {}", q.subject),
                format!("customer: {}", q.customer.as_deref().unwrap_or("-")),
                format!("external reference: {}", q.external_ref.as_deref().unwrap_or("-")),
                format!("clock: {} · time left: {left}", crate::month::requests::timer_state(&q.timer)),
            ];
            let title = format!("request {id}: {}", super::view::snake(&q.kind));
            Ok(Detail { title, trail, chain: Vec::new(), extra: Some(("the request".into(), lines)) })
        }
    }
}

/// What a refusal of each write means: disputes and timers are an operator's, versioned; deciding a PPA is
/// a manager's and above the threshold a second person's.
pub fn traits(w: &Write) -> crate::console::refusal::WriteTraits {
    use crate::console::refusal::WriteTraits;
    match w {
        Write::AddDispute { .. } => WriteTraits::OPERATOR,
        Write::Dispute { step, .. } => WriteTraits {
            maker_checker: matches!(step, Step::SettleByCreditNote | Step::SettleByPpa),
            ..WriteTraits::OPERATOR.versioned()
        },
        Write::Timer { .. } => WriteTraits::OPERATOR.versioned(),
        Write::Ppa { approve, .. } => WriteTraits { maker_checker: *approve, ..WriteTraits::MANAGER.versioned() },
        Write::AddClaim(_) => WriteTraits::OPERATOR,
        Write::Claim { step, .. } if step.needs_manager() => WriteTraits::MANAGER.versioned(),
        Write::Claim { .. } => WriteTraits::OPERATOR.versioned(),
        Write::ProposeLate(_) => WriteTraits::OPERATOR,
    }
}

pub async fn write(r: &Runner, w: Write) -> Result<String, StoreError> {
    let st = r.store.as_ref();
    let by = r.actor();
    match w {
        Write::AddDispute { invoice, line, amount, reason, evidence, external_ref } => {
            let all = st.list_invoices(&InvoiceFilter::default()).await?;
            let inv = all
                .iter()
                .find(|i| i.number.as_deref() == Some(invoice.trim()) || i.id.to_string() == invoice.trim())
                .ok_or_else(|| StoreError::Invalid(format!("invoice: no issued invoice {invoice:?}")))?;
            let amount = parse_typed_amount(&amount, &inv.currency).map_err(|e| StoreError::Invalid(format!("amount: {e}")))?;
            let sla = SlaTarget::hours(DISPUTE_SLA_HOURS, 75).map_err(|e| StoreError::Invalid(e.to_string()))?;
            let n = NewDispute { invoice_id: inv.id, line, amount, reason, evidence, external_ref, owner: None, sla };
            let d = st.add_dispute(&n, &by).await?;
            Ok(format!("dispute {} opened on {}", d.id, billops_domain::dispute::target_text(&d.dispute.input.target)))
        }
        Write::Dispute { id, version, step, why } => {
            let policy = r.settings().await?.approval_policy().map_err(StoreError::Invalid)?;
            let change = match step {
                Step::Research => DisputeChange::Research,
                Step::Accept => DisputeChange::Accept,
                Step::Reject => DisputeChange::Reject,
                Step::Close => DisputeChange::Close,
                Step::SettleByCreditNote => {
                    DisputeChange::SettleByCreditNote { series: crate::month::CREDIT_NOTE_SERIES.into() }
                }
                Step::SettleByPpa => DisputeChange::SettleByPpa { interest: rust_decimal::Decimal::ZERO },
            };
            // A PPA carries interest by the customer's contract terms (none without terms).
            let (change, said) = match change {
                DisputeChange::SettleByPpa { .. } => {
                    let d = st.dispute(id).await?;
                    let delta = -d.dispute.input.amount.amount;
                    let today = r.clock.now().date_naive();
                    match crate::month::interest::ppa_interest(st, d.invoice_id, delta, None, today).await? {
                        Some(i) => {
                            let said = format!(", interest {} by {}", i.amount, i.rule);
                            (DisputeChange::SettleByPpa { interest: i.amount }, said)
                        }
                        None => (change, ", no interest terms".to_string()),
                    }
                }
                other => (other, String::new()),
            };
            let d = st.update_dispute(id, &change, &why, policy, Some(version), &by).await?;
            Ok(format!("dispute {id} {}{said}", d.dispute.status))
        }
        Write::Ppa { id, version, approve, why } => {
            let policy = r.settings().await?.approval_policy().map_err(StoreError::Invalid)?;
            let p = st.decide_ppa(id, approve, &why, policy, Some(version), &by).await?;
            Ok(format!("PPA {id} {}", if p.ppa.approver.is_some() { "approved" } else { "rejected" }))
        }
        Write::Timer { id, version, action } => {
            let q = st.time_request(id, action, "", Some(version), &by).await?;
            Ok(format!("request {id}: {}", crate::month::requests::timer_state(&q.timer)))
        }
        Write::AddClaim(n) => super::claims::add_claim(r, n).await,
        Write::Claim { id, version, step, amount, why } => {
            super::claims::step_claim(r, id, version, step, amount, &why).await
        }
        Write::ProposeLate(run) => {
            let (late, preview) = late_preview(r, &run).await?;
            let reason = format!("{} ({})", run.reason, late.provenance());
            let id = format!("reprice {} {}", run.period, by.at.format("%Y-%m-%dT%H:%M:%S"));
            let today = r.clock.now().date_naive();
            let ppas = crate::month::reprice::ppas(st, &preview, &reason, &id, None, today).await?;
            if ppas.is_empty() {
                return Err(StoreError::Invalid("no issued line moves: nothing to propose".into()));
            }
            let recorded = st.propose_ppas(&ppas, &by).await?;
            Ok(format!(
                "{} PPA(s) proposed from the late rows of {} ({id}); another person approves them (a)",
                recorded.len(),
                run.period
            ))
        }
    }
}

fn query(s: &mut State, q: Query) -> (u64, Vec<Effect>) {
    let req = s.req();
    (req, vec![Effect::Pane { req, q: PaneQuery::Disputes(q) }])
}

pub fn load(s: &mut State, v: ViewKey) -> Vec<Effect> {
    let q = match v {
        ViewKey::Ppas => Query::Ppas,
        ViewKey::SlaClaims => Query::Claims,
        ViewKey::Requests => Query::Requests,
        _ => Query::Disputes,
    };
    let (req, fx) = query(s, q.clone());
    let p = &mut s.panes.disputes;
    match q {
        Query::Ppas => p.ppas.start(req),
        Query::Claims => p.claims.start(req),
        Query::Requests => p.requests.start(req),
        _ => p.disputes.start(req),
    }
    fx
}

pub fn load_detail(s: &mut State, t: Target) -> Vec<Effect> {
    let (req, fx) = query(s, Query::Detail(t.clone()));
    s.panes.disputes.detail = Some((t, Load::Loading(req)));
    fx
}

/// A reply arrived (stale ones are dropped).
pub fn landed(s: &mut State, req: u64, r: Reply) -> Vec<Effect> {
    let p = &mut s.panes.disputes;
    match r {
        Reply::Disputes(d) if p.disputes.waits_for(req) => {
            s.set_model(ViewKey::Disputes, super::view::disputes(&d));
            s.panes.disputes.disputes = Load::Ready(d);
        }
        Reply::Ppas(d) if p.ppas.waits_for(req) => {
            s.set_model(ViewKey::Ppas, super::view::ppas(&d));
            s.panes.disputes.ppas = Load::Ready(d);
        }
        Reply::Claims(d) if p.claims.waits_for(req) => {
            s.set_model(ViewKey::SlaClaims, super::view::claims(&d));
            s.panes.disputes.claims = Load::Ready(d);
        }
        Reply::Requests(d) if p.requests.waits_for(req) => {
            s.set_model(ViewKey::Requests, super::view::requests(&d));
            s.panes.disputes.requests = Load::Ready(d);
        }
        Reply::Late(run, moves, said) if p.late == Some(req) => {
            p.late = None;
            if moves == 0 {
                s.warn(said);
            } else {
                let title = format!("{said}. propose them as PPAs? another person approves each; enter proposes, esc cancels");
                s.mode = crate::console::state::Mode::Form(crate::console::input::Form::new(
                    crate::console::action::FormKind::Disputes(super::form::DisputeForm::LatePropose(run)),
                    title,
                    Vec::new(),
                ));
            }
        }
        Reply::Detail(t, d) => {
            if let Some((open, slot)) = &mut p.detail
                && *open == t
                && slot.waits_for(req)
            {
                *slot = Load::Ready(d);
            }
        }
        _ => {}
    }
    Vec::new()
}
