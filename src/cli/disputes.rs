//! `billops disputes` and `billops ppa`: invoice disputes and prior-period adjustments.
//!
//! Exit codes (stable): 0 done; 1 not found or the store failed; 2 bad input (a value, an amount, a line the
//! invoice does not have); 3 refused by a rule (role, maker-checker, a locked period, a stale version or a
//! state that does not allow the step).
use billops_domain::dispute::{DisputeStatus, ReasonCode, Settlement, target_text};
use billops_domain::money::{canonical, parse_decimal, parse_typed_amount};
use billops_domain::ppa::PpaStatus;
use billops_domain::request::SlaTarget;
use billops_domain::terms::Percent;
use billops_store::disputes::{DisputeChange, DisputeFilter, DisputeRecord, NewDispute, NewPpa, PpaFilter, PpaRecord};
use billops_store::{InvoiceFilter, StoreError};
use clap::{Subcommand, ValueEnum};
use rust_decimal::Decimal;

use super::month::{print, today};
use super::output::{OutputFormat, Table};
use super::{Ctx, Failure};

/// Exit code of bad input.
pub const BAD_INPUT: u8 = 2;
/// Exit code of a write refused by a rule.
pub const REFUSED: u8 = 3;

/// A store error with this family's exit codes.
pub(super) fn refused(e: StoreError) -> Failure {
    match e {
        StoreError::Invalid(m) => Failure::new(BAD_INPUT, m),
        e @ (StoreError::Forbidden(_) | StoreError::Locked { .. } | StoreError::Conflict(_)) => {
            Failure::new(REFUSED, e.to_string())
        }
        other => Failure::from(other),
    }
}

pub(super) fn bad(m: impl Into<String>) -> Failure {
    Failure::new(BAD_INPUT, m)
}

pub(super) fn snake<T: serde::Serialize>(v: &T) -> String {
    match serde_json::to_value(v) {
        Ok(serde_json::Value::String(s)) => s,
        _ => String::new(),
    }
}

pub(super) fn json_out<T: serde::Serialize>(v: &T) -> Result<u8, Failure> {
    let s = serde_json::to_string_pretty(v).map_err(|e| Failure::user(e.to_string()))?;
    outln!("{s}")?;
    Ok(0)
}

pub(super) use crate::month::requests::time_left;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReasonArg {
    Pricing,
    Usage,
    Duplicate,
    MissingCredit,
    Tax,
    Other,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SettleBy {
    CreditNote,
    Ppa,
}

#[derive(Debug, Subcommand)]
pub enum DisputesCmd {
    /// Disputes, newest first, with the time left on their request SLA.
    List {
        #[arg(long)]
        customer: Option<String>,
        /// Only open, researching or accepted ones.
        #[arg(long)]
        open: bool,
        #[arg(long, value_enum, default_value_t)]
        format: OutputFormat,
    },
    /// One dispute and its trail (who, when, why).
    Show {
        id: i64,
        #[arg(long, value_enum, default_value_t)]
        format: OutputFormat,
    },
    /// Dispute an issued invoice (or one line: numbered from 1 as `invoices show` lists them).
    Add {
        /// Invoice number (INV-000001) or id.
        #[arg(long)]
        invoice: String,
        #[arg(long)]
        line: Option<u32>,
        #[arg(long)]
        amount: String,
        #[arg(long, value_enum)]
        reason: ReasonArg,
        #[arg(long)]
        evidence: String,
        /// External request reference (e.g. a ServiceNow number).
        #[arg(long = "ref")]
        external_ref: Option<String>,
        #[arg(long)]
        owner: Option<String>,
        /// The request SLA in working hours (due date = when it breaches).
        #[arg(long, default_value_t = 40)]
        sla_hours: i64,
    },
    /// open → researching.
    Research(Step),
    /// Accept (the customer is right).
    Accept(Step),
    /// Reject (says why).
    Reject(Step),
    /// Settle an accepted dispute by a credit note (a manager) or a PPA; above the maker-checker threshold not
    /// by the person who accepted it.
    Settle {
        id: i64,
        #[arg(long = "by", value_enum)]
        how: SettleBy,
        /// PPA interest at this annual rate (prompt-payment rule, from the invoice's due date to today).
        #[arg(long)]
        interest_rate: Option<String>,
        #[arg(long)]
        version: Option<i64>,
        #[arg(long, default_value = "")]
        why: String,
    },
    /// Close a rejected dispute.
    Close(Step),
}

#[derive(Debug, clap::Args)]
pub struct Step {
    pub id: i64,
    #[arg(long, default_value = "")]
    pub why: String,
    /// The version you saw (a changed record is refused, exit 3); default: the current one.
    #[arg(long)]
    pub version: Option<i64>,
}

#[derive(Debug, Subcommand)]
pub enum PpaCmd {
    /// PPAs, newest first.
    List {
        #[arg(long)]
        customer: Option<String>,
        #[arg(long, value_enum)]
        status: Option<PpaStatusArg>,
        #[arg(long, value_enum, default_value_t)]
        format: OutputFormat,
    },
    /// One PPA: the chain original line → PPA → the posting period's invoice lines.
    Show {
        id: i64,
        #[arg(long, value_enum, default_value_t)]
        format: OutputFormat,
    },
    /// Propose a PPA on an issued line: what it should have billed.
    Add {
        #[arg(long)]
        invoice: String,
        /// 0: the whole invoice.
        #[arg(long)]
        line: u32,
        #[arg(long, allow_hyphen_values = true)]
        rerated: String,
        #[arg(long)]
        reason: String,
        #[arg(long)]
        interest_rate: Option<String>,
    },
    /// Approve (a manager other than the proposer above the threshold).
    Approve(Step),
    /// Reject (says why).
    Reject(Step),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PpaStatusArg {
    Proposed,
    Approved,
    Rejected,
    Posted,
}

/// An invoice by number or id.
pub(super) async fn invoice_id(ctx: &Ctx, s: &str) -> Result<i64, Failure> {
    if let Ok(id) = s.trim().parse::<i64>() {
        return Ok(id);
    }
    let all = ctx.store.list_invoices(&InvoiceFilter::default()).await?;
    all.iter()
        .find(|i| i.number.as_deref() == Some(s.trim()))
        .map(|i| i.id)
        .ok_or_else(|| Failure::user(format!("no invoice numbered {s:?}")))
}

/// Interest on a PPA's delta (`month::interest::ppa_interest`): at `rate` by the prompt-payment rule when given
/// (`--interest-rate`, an explicit override), else by the customer's interest terms, else none; from the
/// original invoice's due date to today, with the delta's sign.
/// `--interest-rate`: a percentage such as 6.5 (a trailing % allowed).
pub(super) fn interest_rate(rate: Option<&str>) -> Result<Option<Percent>, Failure> {
    rate.map(|rate| {
        parse_decimal(rate.trim().trim_end_matches('%'))
            .ok()
            .and_then(|v| Percent::new(v).ok())
            .ok_or_else(|| bad(format!("--interest-rate {rate:?}: a percentage such as 6.5")))
    })
    .transpose()
}

pub(super) async fn ppa_interest(
    ctx: &Ctx,
    invoice: i64,
    delta: Decimal,
    rate: Option<&str>,
) -> Result<Decimal, Failure> {
    let pct = interest_rate(rate)?;
    let i = crate::month::interest::ppa_interest(ctx.store.as_ref(), invoice, delta, pct, today())
        .await
        .map_err(refused)?;
    Ok(i.map_or(Decimal::ZERO, |i| i.amount))
}

fn reason(r: ReasonArg) -> ReasonCode {
    match r {
        ReasonArg::Pricing => ReasonCode::Pricing,
        ReasonArg::Usage => ReasonCode::Usage,
        ReasonArg::Duplicate => ReasonCode::Duplicate,
        ReasonArg::MissingCredit => ReasonCode::MissingCredit,
        ReasonArg::Tax => ReasonCode::Tax,
        ReasonArg::Other => ReasonCode::Other,
    }
}

pub async fn disputes(ctx: &Ctx, c: DisputesCmd) -> Result<u8, Failure> {
    let policy = ctx.close_settings().await?.approval_policy().map_err(Failure::user)?;
    let step = |change: DisputeChange, s: Step| async move {
        let r = ctx.store.update_dispute(s.id, &change, &s.why, policy, s.version, &ctx.actor()).await;
        let d = r.map_err(refused)?;
        outln!("dispute {}: {} (version {})", d.id, d.dispute.status, d.version)?;
        Ok::<u8, Failure>(0)
    };
    match c {
        DisputesCmd::List { customer, open, format } => {
            let f = DisputeFilter { customer, open_only: open, ..DisputeFilter::default() };
            let rows = ctx.store.list_disputes(&f).await?;
            print(&dispute_table(ctx, &rows).await?, format)
        }
        DisputesCmd::Show { id, format } => {
            let d = ctx.store.dispute(id).await?;
            if format == OutputFormat::Json {
                return json_out(&d);
            }
            print(&dispute_table(ctx, std::slice::from_ref(&d)).await?, format)?;
            let mut t = Table::new(&["at", "by", "from", "to", "why"]);
            for e in &d.dispute.history {
                let at = e.at.format("%Y-%m-%d %H:%M").to_string();
                t.push(vec![at, e.by.clone(), e.from.to_string(), e.to.to_string(), e.why.clone()]);
            }
            if format == OutputFormat::Table {
                outln!("")?;
                if let Some(s) = &d.dispute.settlement {
                    outln!("settled by: {}", settlement_text(s))?;
                }
            }
            print(&t, format)
        }
        DisputesCmd::Add { invoice, line, amount, reason: r, evidence, external_ref, owner, sla_hours } => {
            let invoice_id = invoice_id(ctx, &invoice).await?;
            let currency = ctx.store.invoice(invoice_id).await?.currency;
            let amount = parse_typed_amount(&amount, &currency).map_err(|e| bad(format!("--amount {e}")))?;
            let sla = SlaTarget::hours(sla_hours, 75).map_err(|e| bad(format!("--sla-hours: {e}")))?;
            let n = NewDispute { invoice_id, line, amount, reason: reason(r), evidence, external_ref, owner, sla };
            let d = ctx.store.add_dispute(&n, &ctx.actor()).await.map_err(refused)?;
            let due = d.dispute.input.due.map(|t| t.format("%Y-%m-%d %H:%M UTC").to_string()).unwrap_or_default();
            outln!(
                "dispute {} opened on {}: {} {} ({}), due {due}",
                d.id,
                target_text(&d.dispute.input.target),
                canonical(d.dispute.input.amount.amount),
                d.dispute.input.amount.currency,
                snake(&d.dispute.input.reason)
            )?;
            Ok(0)
        }
        DisputesCmd::Research(s) => step(DisputeChange::Research, s).await,
        DisputesCmd::Accept(s) => step(DisputeChange::Accept, s).await,
        DisputesCmd::Reject(s) => step(DisputeChange::Reject, s).await,
        DisputesCmd::Close(s) => step(DisputeChange::Close, s).await,
        DisputesCmd::Settle { id, how, interest_rate, version, why } => {
            let change = match how {
                SettleBy::CreditNote => {
                    DisputeChange::SettleByCreditNote { series: crate::month::CREDIT_NOTE_SERIES.into() }
                }
                SettleBy::Ppa => {
                    let d = ctx.store.dispute(id).await?;
                    let delta = -d.dispute.input.amount.amount;
                    DisputeChange::SettleByPpa {
                        interest: ppa_interest(ctx, d.invoice_id, delta, interest_rate.as_deref()).await?,
                    }
                }
            };
            let r = ctx.store.update_dispute(id, &change, &why, policy, version, &ctx.actor()).await;
            let d = r.map_err(refused)?;
            let how = d.dispute.settlement.as_ref().map(settlement_text).unwrap_or_default();
            outln!("dispute {} settled by {how}", d.id)?;
            Ok(0)
        }
    }
}

fn settlement_text(s: &Settlement) -> String {
    match s {
        Settlement::CreditNote { number } => format!("credit note {}", number.as_deref().unwrap_or("?")),
        Settlement::Ppa { id } => format!("PPA {}", id.map(|i| i.to_string()).unwrap_or_default()),
        Settlement::NoChange => "no change (rejected)".into(),
    }
}

async fn dispute_table(ctx: &Ctx, rows: &[DisputeRecord]) -> Result<Table, Failure> {
    let cal = ctx.store.request_calendar().await?;
    let now = chrono::Utc::now();
    let mut t = Table::new(&[
        "id",
        "invoice",
        "line",
        "customer",
        "period",
        "amount",
        "currency",
        "reason",
        "status",
        "owner",
        "external_ref",
        "due",
        "time_left",
        "version",
    ])
    .numeric("amount");
    for d in rows {
        let i = &d.dispute.input;
        let line = match &i.target {
            billops_domain::dispute::DisputeTarget::Line { line, .. } => line.to_string(),
            billops_domain::dispute::DisputeTarget::Invoice { .. } => String::new(),
        };
        let left = match d.request_id {
            Some(rid) => {
                let r = ctx.store.request(rid).await?;
                time_left(r.timer.standing(r.target, &cal, now))
            }
            None => String::new(),
        };
        t.push(vec![
            d.id.to_string(),
            d.invoice_number.clone().unwrap_or_default(),
            line,
            i.customer.clone(),
            d.period.to_string(),
            canonical(i.amount.amount),
            i.amount.currency.clone(),
            snake(&i.reason),
            d.dispute.status.to_string(),
            i.owner.clone(),
            i.external_ref.clone().unwrap_or_default(),
            i.due.map(|t| t.format("%Y-%m-%d %H:%M").to_string()).unwrap_or_default(),
            if d.dispute.status == DisputeStatus::Settled { String::new() } else { left },
            d.version.to_string(),
        ]);
    }
    Ok(t)
}

pub async fn ppa(ctx: &Ctx, c: PpaCmd) -> Result<u8, Failure> {
    let policy = ctx.close_settings().await?.approval_policy().map_err(Failure::user)?;
    match c {
        PpaCmd::List { customer, status, format } => {
            let status = status.map(|s| match s {
                PpaStatusArg::Proposed => PpaStatus::Proposed,
                PpaStatusArg::Approved => PpaStatus::Approved,
                PpaStatusArg::Rejected => PpaStatus::Rejected,
                PpaStatusArg::Posted => PpaStatus::Posted,
            });
            let rows = ctx.store.list_ppas(&PpaFilter { customer, status, invoice_id: None }).await?;
            print(&ppa_table(&rows), format)
        }
        PpaCmd::Show { id, format } => {
            let r = ctx.store.ppa(id).await?;
            let chain = chain(ctx, &r).await?;
            if format == OutputFormat::Json {
                return json_out(&serde_json::json!({ "ppa": r, "chain": chain.rows }));
            }
            print(&ppa_table(std::slice::from_ref(&r)), format)?;
            if format == OutputFormat::Table {
                outln!("")?;
            }
            print(&chain, format)
        }
        PpaCmd::Add { invoice, line, rerated, reason, interest_rate } => {
            let invoice_id = invoice_id(ctx, &invoice).await?;
            let inv = ctx.store.invoice(invoice_id).await?;
            let rerated = parse_typed_amount(&rerated, &inv.currency).map_err(|e| bad(format!("--rerated {e}")))?;
            let original = if line == 0 {
                inv.total
            } else {
                let idx = usize::try_from(line).unwrap_or(usize::MAX).saturating_sub(1);
                inv.draft.lines().nth(idx).map(|l| l.amount).ok_or_else(|| bad(format!("no line {line}")))?
            };
            let interest = ppa_interest(ctx, invoice_id, rerated - original, interest_rate.as_deref()).await?;
            let n = NewPpa { invoice_id, line, rerated, interest, reason, run: None };
            let r = ctx.store.propose_ppas(&[n], &ctx.actor()).await.map_err(refused)?;
            for p in r {
                outln!(
                    "PPA {} proposed: {} line {} {} → {} (delta {}, interest {})",
                    p.id,
                    p.ppa.input.original_invoice,
                    p.ppa.input.original_line,
                    canonical(p.ppa.input.original),
                    canonical(p.ppa.input.rerated),
                    canonical(p.ppa.input.rerated - p.ppa.input.original),
                    canonical(p.ppa.input.interest)
                )?;
            }
            Ok(0)
        }
        PpaCmd::Approve(s) => {
            let r = ctx.store.decide_ppa(s.id, true, &s.why, policy, s.version, &ctx.actor()).await;
            let p = r.map_err(refused)?;
            outln!("PPA {} approved by {}", p.id, p.ppa.approver.unwrap_or_default())?;
            Ok(0)
        }
        PpaCmd::Reject(s) => {
            let r = ctx.store.decide_ppa(s.id, false, &s.why, policy, s.version, &ctx.actor()).await;
            let p = r.map_err(refused)?;
            outln!("PPA {} rejected", p.id)?;
            Ok(0)
        }
    }
}

pub(super) fn ppa_table(rows: &[PpaRecord]) -> Table {
    let mut t = Table::new(&[
        "id",
        "customer",
        "original_period",
        "invoice",
        "line",
        "original",
        "rerated",
        "delta",
        "interest",
        "currency",
        "status",
        "proposer",
        "approver",
        "posting_period",
        "dispute",
        "reason",
        "version",
    ]);
    for n in ["original", "rerated", "delta", "interest"] {
        t = t.numeric(n);
    }
    for r in rows {
        let i = &r.ppa.input;
        t.push(vec![
            r.id.to_string(),
            i.customer.clone(),
            i.original_period.to_string(),
            i.original_invoice.clone(),
            i.original_line.to_string(),
            canonical(i.original),
            canonical(i.rerated),
            canonical(i.rerated - i.original),
            canonical(i.interest),
            i.currency.clone(),
            snake(&r.ppa.status),
            r.ppa.proposer.clone(),
            r.ppa.approver.clone().unwrap_or_default(),
            r.ppa.posting_period.map(|p| p.to_string()).unwrap_or_default(),
            r.dispute_id.map(|d| d.to_string()).unwrap_or_default(),
            i.reason.clone(),
            r.version.to_string(),
        ]);
    }
    t
}

/// The chain: the original line, the PPA's posting lines, and where they landed (the posting period's invoice).
async fn chain(ctx: &Ctx, r: &PpaRecord) -> Result<Table, Failure> {
    let mut t = Table::new(&["step", "invoice", "period", "line", "description", "amount"]).numeric("amount");
    for c in crate::month::ppa_posting::chain(ctx.store.as_ref(), r).await? {
        t.push(vec![c.step, c.invoice, c.period, c.line, c.description, canonical(c.amount)]);
    }
    Ok(t)
}
