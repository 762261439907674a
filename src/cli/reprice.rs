//! `billops reprice`: re-rate an issued period with a price-book correction and compare, per customer and
//! line, with what was issued; `--propose` records each moved line as a PPA (one run, all or nothing) for a
//! second person to approve (`billops ppa approve`); approved, they post on the customer's next open draft.
//! `--late FILE` re-rates with late rows for the period (an import the period's lock refused) instead of, or
//! beside, a correction: the file is read, never written; the PPAs' reason names it and its content hash.
//! Exit codes as in `billops disputes` (2 bad input, 3 refused by a rule).
use billops_domain::money::canonical;
use clap::Args;

use super::disputes::{bad, interest_rate, ppa_table, refused};
use super::month::today;
use super::month::{period, print};
use super::output::{OutputFormat, Table};
use super::rating::RuleArgs;
use super::{Ctx, Failure};
use crate::month::late::{self, LateRows};
use crate::month::reprice::{Correction, reprice_with as run};

#[derive(Debug, Args)]
pub struct RepriceArgs {
    /// The issued period to re-rate (YYYY-MM).
    #[arg(long)]
    pub period: String,
    #[arg(long)]
    pub customer: Option<String>,
    /// The correction (one of --markup, --discount, --rate; optionally scoped), in force for the whole period.
    #[command(flatten)]
    pub rule: RuleArgs,
    /// Late rows for the period: cost files (as `billops import` reads them) whose rows for --period are rated
    /// beside what was billed. Rows of other periods are counted and left out.
    #[arg(long = "late", value_name = "FILE")]
    pub late: Vec<std::path::PathBuf>,
    /// Record the moved lines as PPAs (proposed; a second person approves).
    #[arg(long)]
    pub propose: bool,
    /// Why (required with --propose).
    #[arg(long, default_value = "")]
    pub reason: String,
    /// Interest on each PPA at this annual rate (prompt-payment rule, from the invoice's due date to today).
    #[arg(long)]
    pub interest_rate: Option<String>,
    #[arg(long, value_enum, default_value_t)]
    pub format: OutputFormat,
}

pub async fn reprice(ctx: &Ctx, a: RepriceArgs) -> Result<u8, Failure> {
    let p = period(&a.period).map_err(|f| bad(f.message))?;
    if a.rule.from.is_some() {
        return Err(bad("reprice corrects one whole period: --from does not apply"));
    }
    let has_rule = a.rule.markup.is_some() || a.rule.discount.is_some() || a.rule.rate.is_some();
    let fix = if has_rule || a.late.is_empty() {
        let (scope, pricing, _) = a.rule.parse().map_err(|f| bad(f.message))?;
        Some(Correction { scope, pricing })
    } else {
        None
    };
    let late = if a.late.is_empty() {
        LateRows::default()
    } else {
        let read = billops_import::ReadOptions { tags: ctx.config.tags.clone(), ..Default::default() };
        late::read(ctx.store.as_ref(), a.late.clone(), read, p).await.map_err(|e| bad(e.to_string()))?
    };
    let mut line = super::progress::ProgressLine::new("re-rating").terminal_only();
    let mut tell = |done: usize, total: usize| line.update(done as u64, total as u64, "customers");
    let preview = run(ctx.store.as_ref(), p, a.customer.as_deref(), fix.as_ref(), &late.by_customer, &mut tell)
        .await
        .map_err(refused)?;
    line.finish();
    if !a.propose {
        if a.format == OutputFormat::Json {
            return super::disputes::json_out(&preview);
        }
        let mut t =
            Table::new(&["customer", "invoice", "line", "description", "currency", "issued", "rerated", "delta"]);
        for n in ["issued", "rerated", "delta"] {
            t = t.numeric(n);
        }
        for l in &preview.lines {
            t.push(vec![
                l.customer.clone(),
                l.invoice.clone(),
                l.line.to_string(),
                l.description.clone(),
                l.currency.clone(),
                canonical(l.issued),
                canonical(l.rerated),
                canonical(l.delta),
            ]);
        }
        print(&t, a.format)?;
        if a.format == OutputFormat::Table {
            for f in &late.files {
                outln!(
                    "{}: {} row(s) for {p} re-rated{}{}",
                    f.file,
                    f.rows,
                    if f.other_periods > 0 {
                        format!(", {} row(s) of other months left out", f.other_periods)
                    } else {
                        String::new()
                    },
                    if f.quarantined > 0 {
                        format!(", {} row(s) quarantined (see `billops import` for their faults)", f.quarantined)
                    } else {
                        String::new()
                    }
                )?;
            }
            for (account, by_currency) in &late.unassigned {
                for (currency, cost) in by_currency {
                    outln!(
                        "account {account}: {} {currency} of late cost has no customer in {p} (nothing billed; \
                         assign the account from a date in an open month)",
                        canonical(*cost)
                    )?;
                }
            }
            if !preview.not_issued.is_empty() {
                outln!("not issued in {p} (nothing to adjust): {}", preview.not_issued.join(", "))?;
            }
            outln!(
                "{} line(s) move; run again with --propose --reason TEXT to record them as PPAs",
                preview.lines.len()
            )?;
        }
        return Ok(0);
    }
    if a.reason.trim().is_empty() {
        return Err(bad("--propose needs --reason (why the period is re-rated)"));
    }
    let run_id = format!("reprice {p} {}", ctx.actor().at.format("%Y-%m-%dT%H:%M:%S"));
    let reason = if late.files.is_empty() { a.reason.clone() } else { format!("{} ({})", a.reason, late.provenance()) };
    let pct = interest_rate(a.interest_rate.as_deref())?;
    let ppas = crate::month::reprice::ppas(ctx.store.as_ref(), &preview, &reason, &run_id, pct, today())
        .await
        .map_err(refused)?;
    let recorded = ctx.store.propose_ppas(&ppas, &ctx.actor()).await.map_err(refused)?;
    print(&ppa_table(&recorded), a.format)?;
    if a.format == OutputFormat::Table {
        outln!(
            "{} PPA(s) proposed ({run_id}); a second person approves them with `billops ppa approve ID`",
            recorded.len()
        )?;
    }
    Ok(0)
}
