//! `billops sla-claims` and `billops requests`: SLA service-credit claims against the supplier (assessed from
//! imported usage, passed through to the affected customers) and requests with SLA timers. Exit codes as in
//! `billops disputes` (2 bad input, 3 refused by a rule).
use billops_domain::money::{Money, canonical, parse_decimal, parse_typed_amount};
use billops_domain::request::SlaTarget;
use billops_domain::sla::{ClaimInput, Share};
use billops_domain::{Period, Role};
use billops_store::disputes::{ClaimChange, ClaimRecord, NewRequest, RequestKind, RequestRecord, TimerAction};
use chrono::{DateTime, NaiveDateTime, Utc};
use clap::{Subcommand, ValueEnum};

use super::disputes::{bad, json_out, refused, snake, time_left};
use super::month::print;
use super::output::{OutputFormat, Table};
use super::{Ctx, Failure};

#[derive(Debug, Subcommand)]
pub enum SlaClaimsCmd {
    /// Claims, newest first, with their deadline.
    List {
        #[arg(long, value_enum, default_value_t)]
        format: OutputFormat,
    },
    /// One claim: the assessment, its trail and its pass-through.
    Show {
        id: i64,
        #[arg(long, value_enum, default_value_t)]
        format: OutputFormat,
    },
    /// Assess a claim: uptime → tier → the service's usage charges in the region for the incident's cycle.
    Add {
        #[arg(long)]
        service: String,
        #[arg(long)]
        region: String,
        /// Incident start and end, `YYYY-MM-DDTHH:MM` (UTC).
        #[arg(long)]
        start: String,
        #[arg(long)]
        end: String,
        /// Measured monthly uptime in percent.
        #[arg(long)]
        uptime: String,
        /// The affected charges, when not taken from imported usage.
        #[arg(long)]
        charges: Option<String>,
        #[arg(long, default_value = "USD")]
        currency: String,
    },
    /// draft → submitted (eligible and before the deadline).
    Submit(ClaimStep),
    Approve(ClaimStep),
    Reject(ClaimStep),
    /// The supplier's credit arrived.
    Credit {
        #[command(flatten)]
        step: ClaimStep,
        #[arg(long)]
        amount: String,
    },
    /// Pass the credit through to the affected customers (in proportion to their affected usage charges): one
    /// SLA service credit proposed per customer (one transaction), for a manager to approve in `billops credits`.
    PassThrough(ClaimStep),
}

#[derive(Debug, clap::Args)]
pub struct ClaimStep {
    pub id: i64,
    #[arg(long, default_value = "")]
    pub why: String,
    #[arg(long)]
    pub version: Option<i64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum KindArg {
    CustomerQuery,
    Dispute,
    SupplierCase,
    Ticket,
}

#[derive(Debug, Subcommand)]
pub enum RequestsCmd {
    /// Requests, newest first, with the time left on the business calendar.
    List {
        #[arg(long, value_enum, default_value_t)]
        format: OutputFormat,
    },
    Show {
        id: i64,
        #[arg(long, value_enum, default_value_t)]
        format: OutputFormat,
    },
    /// Open a request (its timer starts now unless --no-start).
    Add {
        #[arg(long, value_enum)]
        kind: KindArg,
        #[arg(long)]
        subject: String,
        #[arg(long = "ref")]
        external_ref: Option<String>,
        #[arg(long)]
        customer: Option<String>,
        /// Working hours allowed.
        #[arg(long, default_value_t = 16)]
        sla_hours: i64,
        /// Warn once this share of the time has passed.
        #[arg(long, default_value_t = 75)]
        warn_percent: u32,
        #[arg(long)]
        no_start: bool,
    },
    Start(ClaimStep),
    Pause(ClaimStep),
    Resume(ClaimStep),
    Stop(ClaimStep),
}

fn instant(s: &str, what: &str) -> Result<DateTime<Utc>, Failure> {
    NaiveDateTime::parse_from_str(s.trim(), "%Y-%m-%dT%H:%M")
        .map(|t| t.and_utc())
        .map_err(|_| bad(format!("{what}: {s:?} is not YYYY-MM-DDTHH:MM (UTC)")))
}

/// Usage charges of `service` in `region` for `cycle` per customer (`month::sla_claims::affected`).
async fn affected(ctx: &Ctx, cycle: Period, service: &str, region: &str) -> Result<Vec<Share>, Failure> {
    Ok(crate::month::sla_claims::affected(ctx.store.as_ref(), cycle, service, region).await?)
}

pub async fn sla_claims(ctx: &Ctx, c: SlaClaimsCmd) -> Result<u8, Failure> {
    let step = |change: ClaimChange, s: ClaimStep| async move {
        let r = ctx.store.update_sla_claim(s.id, &change, &s.why, s.version, &ctx.actor()).await;
        let c = r.map_err(refused)?;
        outln!("SLA claim {}: {} (version {})", c.id, snake(&c.claim.status), c.version)?;
        Ok::<ClaimRecord, Failure>(c)
    };
    match c {
        SlaClaimsCmd::List { format } => print(&claim_table(&ctx.store.list_sla_claims().await?), format),
        SlaClaimsCmd::Show { id, format } => {
            let c = ctx.store.sla_claim(id).await?;
            if format == OutputFormat::Json {
                return json_out(&c);
            }
            print(&claim_table(std::slice::from_ref(&c)), format)?;
            let mut t = Table::new(&["customer", "affected", "amount"]).numeric("affected").numeric("amount");
            for a in &c.allocations {
                t.push(vec![a.customer.clone(), canonical(a.affected), canonical(a.amount)]);
            }
            if !c.allocations.is_empty() {
                print(&t, format)?;
            }
            Ok(0)
        }
        SlaClaimsCmd::Add { service, region, start, end, uptime, charges, currency } => {
            let start = instant(&start, "--start")?;
            let end = instant(&end, "--end")?;
            let uptime =
                parse_decimal(uptime.trim().trim_end_matches('%')).map_err(|e| bad(format!("--uptime {e}")))?;
            let currency = currency.trim().to_ascii_uppercase();
            let base = match charges {
                Some(c) => parse_typed_amount(&c, &currency).map_err(|e| bad(format!("--charges {e}")))?,
                None => {
                    let cycle = Period::of_date(start.date_naive());
                    affected(ctx, cycle, &service, &region).await?.iter().map(|s| s.affected).sum()
                }
            };
            let input = ClaimInput {
                service,
                region,
                incident_start: start,
                incident_end: end,
                uptime,
                affected_charges: Money::new(base, currency),
            };
            let c = ctx.store.add_sla_claim(&input, &ctx.actor()).await.map_err(refused)?;
            let tier = c.claim.tier.map(|t| t.credit.to_string()).unwrap_or_else(|| "none (SLA met)".into());
            outln!(
                "SLA claim {}: uptime {}% → tier {tier} of {} = {} {}{}, deadline {}",
                c.id,
                c.claim.uptime,
                canonical(c.claim.affected_charges.amount),
                canonical(c.claim.amount.amount),
                c.claim.amount.currency,
                if c.claim.eligible { "" } else { " (not eligible)" },
                c.claim.deadline
            )?;
            Ok(0)
        }
        SlaClaimsCmd::Submit(s) => step(ClaimChange::Submit, s).await.map(|_| 0),
        SlaClaimsCmd::Approve(s) => step(ClaimChange::Approve, s).await.map(|_| 0),
        SlaClaimsCmd::Reject(s) => step(ClaimChange::Reject, s).await.map(|_| 0),
        SlaClaimsCmd::Credit { step: s, amount } => {
            let cur = ctx.store.sla_claim(s.id).await?.claim.amount.currency;
            let amount = parse_typed_amount(&amount, &cur).map_err(|e| bad(format!("--amount {e}")))?;
            step(ClaimChange::Credit { amount }, s).await.map(|_| 0)
        }
        SlaClaimsCmd::PassThrough(s) => {
            ctx.require(Role::Operator, "passing an SLA credit through").await?;
            let before = ctx.store.sla_claim(s.id).await?;
            let shares = affected(ctx, before.claim.cycle, &before.claim.service, &before.claim.region).await?;
            let c = step(ClaimChange::PassThrough { shares }, s).await?;
            for (a, id) in c.allocations.iter().filter(|a| !a.amount.is_zero()).zip(&c.credits) {
                outln!("  credit {id} proposed for {}: {}", a.customer, canonical(a.amount))?;
            }
            Ok(0)
        }
    }
}

fn claim_table(rows: &[ClaimRecord]) -> Table {
    let mut t = Table::new(&[
        "id", "service", "region", "cycle", "uptime", "tier", "affected", "amount", "credited", "currency", "status",
        "deadline", "version",
    ]);
    for n in ["uptime", "affected", "amount", "credited"] {
        t = t.numeric(n);
    }
    for r in rows {
        let c = &r.claim;
        t.push(vec![
            r.id.to_string(),
            c.service.clone(),
            c.region.clone(),
            c.cycle.to_string(),
            c.uptime.to_string(),
            c.tier.map(|t| t.credit.to_string()).unwrap_or_default(),
            canonical(c.affected_charges.amount),
            canonical(c.amount.amount),
            r.credited.map(canonical).unwrap_or_default(),
            c.amount.currency.clone(),
            snake(&c.status),
            c.deadline.to_string(),
            r.version.to_string(),
        ]);
    }
    t
}

pub async fn requests(ctx: &Ctx, c: RequestsCmd) -> Result<u8, Failure> {
    let time = |action: TimerAction, s: ClaimStep| async move {
        let r = ctx.store.time_request(s.id, action, &s.why, s.version, &ctx.actor()).await.map_err(refused)?;
        outln!("request {}: {} (version {})", r.id, snake(&action), r.version)?;
        Ok::<u8, Failure>(0)
    };
    match c {
        RequestsCmd::List { format } => {
            let rows = ctx.store.list_requests().await?;
            print(&request_table(ctx, &rows).await?, format)
        }
        RequestsCmd::Show { id, format } => {
            let r = ctx.store.request(id).await?;
            if format == OutputFormat::Json {
                return json_out(&r);
            }
            print(&request_table(ctx, std::slice::from_ref(&r)).await?, format)?;
            let mut t = Table::new(&["at", "by", "from", "to", "why"]);
            for e in &r.events {
                let at = e.at.format("%Y-%m-%d %H:%M").to_string();
                t.push(vec![at, e.by.clone(), e.from.clone(), e.to.clone(), e.why.clone()]);
            }
            print(&t, format)
        }
        RequestsCmd::Add { kind, subject, external_ref, customer, sla_hours, warn_percent, no_start } => {
            let target = SlaTarget::hours(sla_hours, warn_percent).map_err(|e| bad(e.to_string()))?;
            let kind = match kind {
                KindArg::CustomerQuery => RequestKind::CustomerQuery,
                KindArg::Dispute => RequestKind::Dispute,
                KindArg::SupplierCase => RequestKind::SupplierCase,
                KindArg::Ticket => RequestKind::Ticket,
            };
            let n = NewRequest { kind, external_ref, customer, subject, target, start: !no_start };
            let r = ctx.store.add_request(&n, &ctx.actor()).await.map_err(refused)?;
            outln!("request {} opened ({}), {} working hours", r.id, snake(&r.kind), sla_hours)?;
            Ok(0)
        }
        RequestsCmd::Start(s) => time(TimerAction::Start, s).await,
        RequestsCmd::Pause(s) => time(TimerAction::Pause, s).await,
        RequestsCmd::Resume(s) => time(TimerAction::Resume, s).await,
        RequestsCmd::Stop(s) => time(TimerAction::Stop, s).await,
    }
}

async fn request_table(ctx: &Ctx, rows: &[RequestRecord]) -> Result<Table, Failure> {
    let cal = ctx.store.request_calendar().await?;
    let now = Utc::now();
    let mut t =
        Table::new(&["id", "kind", "external_ref", "customer", "subject", "state", "due", "time_left", "version"]);
    for r in rows {
        let due = r.timer.due_at(r.target, &cal, now).map(|t| t.format("%Y-%m-%d %H:%M").to_string());
        t.push(vec![
            r.id.to_string(),
            snake(&r.kind),
            r.external_ref.clone().unwrap_or_default(),
            r.customer.clone().unwrap_or_default(),
            r.subject.clone(),
            request_state(r),
            due.unwrap_or_default(),
            time_left(r.timer.standing(r.target, &cal, now)),
            r.version.to_string(),
        ]);
    }
    Ok(t)
}

fn request_state(r: &RequestRecord) -> String {
    crate::month::requests::timer_state(&r.timer).into()
}
