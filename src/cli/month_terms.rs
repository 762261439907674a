//! `billops terms`, `cases`, `credits unreached` and `recon --open-cases`: thin wrappers over
//! `crate::month::{terms, cases}`.
use billops_domain::close::CaseStatus;
use billops_domain::money::canonical;
use billops_store::{CaseUpdate, CustomerTerms};
use clap::Subcommand;

use super::month::{NOT_READY, amount, date, period, print, today};
use super::output::{OutputFormat, Table};
use super::{Ctx, Failure};
use crate::month::{self, terms::TermsPatch};

#[derive(Debug, Subcommand)]
pub enum TermsCmd {
    /// Set a customer's billing terms (flags not given keep the value in force).
    Set {
        customer: String,
        /// Tax rate in percent (10 = 10%).
        #[arg(long)]
        tax: Option<String>,
        /// Invoice-level discount in percent of the charges (0 removes it).
        #[arg(long)]
        discount: Option<String>,
        #[arg(long)]
        discount_label: Option<String>,
        /// half_away_from_zero (default), half_even or down.
        #[arg(long)]
        rounding: Option<String>,
        /// Payment terms: days from issue to due date.
        #[arg(long)]
        due_days: Option<i64>,
        /// In force from this day (YYYY-MM-DD; default: the day after the last locked period).
        #[arg(long)]
        from: Option<String>,
    },
    /// The terms in force today and their history.
    Show {
        customer: String,
        #[arg(long, value_enum, default_value_t)]
        format: OutputFormat,
    },
}

#[derive(Debug, Subcommand)]
pub enum CasesCmd {
    /// Supplier reconciliation cases.
    List {
        #[arg(long)]
        period: Option<String>,
        #[arg(long, value_enum, default_value_t)]
        format: OutputFormat,
    },
    /// Change a case: open → waiting_credit_note → resolved | written_off (writing off takes a manager).
    Update {
        id: i64,
        #[arg(long)]
        status: Option<String>,
        #[arg(long)]
        owner: Option<String>,
        /// The credit note expected from the supplier (positive when the supplier over-billed).
        #[arg(long)]
        expected: Option<String>,
        /// Credit notes received so far.
        #[arg(long)]
        received: Option<String>,
        #[arg(long)]
        note: Option<String>,
    },
}

fn terms_row(t: &CustomerTerms) -> [String; 5] {
    let (pct, label) = match &t.discount {
        Some(d) => (canonical(d.pct.value()), d.label.clone()),
        None => ("0".into(), String::new()),
    };
    let rounding = match t.rounding {
        billops_domain::money::RoundingRule::HalfAwayFromZero => "half_away_from_zero",
        billops_domain::money::RoundingRule::HalfEven => "half_even",
        billops_domain::money::RoundingRule::Down => "down",
    };
    [canonical(t.tax_rate.value()), pct, label, rounding.into(), t.due_days.to_string()]
}

fn json<T: serde::Serialize>(v: &T) -> Result<u8, Failure> {
    rawln!("{}", serde_json::to_string_pretty(v).map_err(|e| Failure::user(e.to_string()))?)?;
    Ok(0)
}

pub async fn terms(ctx: &Ctx, c: TermsCmd) -> Result<u8, Failure> {
    let store = ctx.store.as_ref();
    match c {
        TermsCmd::Set { customer, tax, discount, discount_label, rounding, due_days, from } => {
            let patch = TermsPatch {
                tax: tax.as_deref().map(|t| amount(t, "--tax")).transpose()?,
                discount: discount.as_deref().map(|d| amount(d, "--discount")).transpose()?,
                discount_label,
                rounding: rounding.as_deref().map(month::terms::parse_rounding).transpose()?,
                due_days,
            };
            let from = from.as_deref().map(|f| date(f, "--from")).transpose()?;
            let t = month::terms::set(store, &customer, &patch, from, &ctx.actor()).await?;
            let [tax, pct, label, rounding, due] = terms_row(&t.terms);
            let discount = if label.is_empty() { format!("{pct}%") } else { format!("{pct}% \"{label}\"") };
            outln!(
                "terms of {customer} from {}: tax {tax}%, discount {discount}, rounding {rounding}, due in {due} days",
                t.from
            )?;
            Ok(0)
        }
        TermsCmd::Show { customer, format } => {
            let view = month::terms::show(store, &customer, today()).await?;
            if format == OutputFormat::Json {
                return json(&view);
            }
            let mut t =
                Table::new(&["from", "tax_pct", "discount_pct", "discount_label", "rounding", "due_days", "set_by"])
                    .numeric("tax_pct")
                    .numeric("discount_pct")
                    .numeric("due_days");
            if view.history.is_empty() {
                let [a, b, c, d, e] = terms_row(&view.current);
                t.push(vec!["(default)".into(), a, b, c, d, e, String::new()]);
            }
            for h in &view.history {
                let [a, b, c, d, e] = terms_row(&h.terms);
                t.push(vec![h.from.to_string(), a, b, c, d, e, h.set_by.clone()]);
            }
            print(&t, format)
        }
    }
}

pub async fn cases(ctx: &Ctx, c: CasesCmd) -> Result<u8, Failure> {
    let store = ctx.store.as_ref();
    match c {
        CasesCmd::List { period: p, format } => {
            let list = month::cases::list(store, p.as_deref().map(period).transpose()?).await?;
            if format == OutputFormat::Json {
                return json(&list);
            }
            let mut t =
                Table::new(&["id", "payer", "period", "status", "owner", "residual", "expected", "received", "note"])
                    .numeric("residual")
                    .numeric("expected")
                    .numeric("received");
            for x in list {
                t.push(vec![
                    x.id.to_string(),
                    x.payer,
                    x.period.to_string(),
                    x.status.to_string(),
                    x.owner.unwrap_or_default(),
                    canonical(x.residual),
                    canonical(x.expected),
                    canonical(x.received),
                    x.note,
                ]);
            }
            print(&t, format)
        }
        CasesCmd::Update { id, status, owner, expected, received, note } => {
            let u = CaseUpdate {
                status: status.as_deref().map(str::parse::<CaseStatus>).transpose().map_err(Failure::user)?,
                owner,
                expected: expected.as_deref().map(|a| amount(a, "--expected")).transpose()?,
                received: received.as_deref().map(|a| amount(a, "--received")).transpose()?,
                note,
            };
            let x = month::cases::update(store, id, &u, &ctx.actor()).await?;
            outln!(
                "case {} ({} {}) is {}; expected {}, received {}",
                x.id,
                x.payer,
                x.period,
                x.status,
                canonical(x.expected),
                canonical(x.received)
            )?;
            Ok(0)
        }
    }
}

/// `recon P --open-cases`: open the cases first (printed), then the tie-out as usual.
pub async fn open_cases(ctx: &Ctx, p: &str) -> Result<(), Failure> {
    for o in month::cases::open(ctx.store.as_ref(), period(p)?, &ctx.actor(), &ctx.close_settings().await?).await? {
        let what = if o.created { "opened" } else { "already open" };
        outln!(
            "case {} for payer {} {}: {what} (residual {})",
            o.case.id,
            o.case.payer,
            o.case.period,
            canonical(o.case.residual)
        )?;
    }
    Ok(())
}

/// `credits unreached --period P`: exit 0 when everything reached a customer invoice, 4 otherwise.
pub async fn unreached(ctx: &Ctx, p: &str, format: OutputFormat) -> Result<u8, Failure> {
    let view = month::cases::unreached(ctx.store.as_ref(), period(p)?).await?;
    let code = if view.all_reached() { 0 } else { NOT_READY };
    if format == OutputFormat::Json {
        json(&view)?;
        return Ok(code);
    }
    let mut t = Table::new(&[
        "what",
        "payer",
        "account",
        "service",
        "customer",
        "id",
        "currency",
        "amount",
        "remaining",
        "reached",
    ])
    .numeric("amount")
    .numeric("remaining");
    for s in &view.supplier {
        t.push(vec![
            format!("supplier {}", s.charge_category),
            s.payer.clone(),
            s.account.clone(),
            s.service.clone(),
            s.customer.clone().unwrap_or_else(|| "(unassigned)".into()),
            s.passed_through_by.join(" "),
            s.currency.clone(),
            canonical(s.amount),
            String::new(),
            if s.reached() { "yes".into() } else { "NO".into() },
        ]);
    }
    for c in &view.unapplied {
        let reached = match c.on_draft {
            Some(id) => format!("NO (on draft invoice {id})"),
            None => "NO".into(),
        };
        t.push(vec![
            c.kind.to_string(),
            String::new(),
            String::new(),
            String::new(),
            c.customer.clone(),
            c.id.clone(),
            c.currency.clone(),
            canonical(c.amount),
            canonical(c.remaining),
            reached,
        ]);
    }
    print(&t, format)?;
    Ok(code)
}
