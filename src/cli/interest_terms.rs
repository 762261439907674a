//! `billops interest-terms` and `billops sla-tiers`: per-contract interest terms (effective-dated, per customer)
//! and per-service SLA tiers, as data in the store. A PPA's interest follows the customer's terms unless
//! `--interest-rate` overrides them; an SLA claim is assessed by its service's tiers (`*`: the default).
//! Exit codes as in `billops disputes` (2 bad input, 3 refused by a rule).
use std::path::Path;

use billops_domain::interest::{Engine, InterestTerms};
use billops_domain::money::{Money, canonical, parse_decimal, parse_typed_amount};
use billops_domain::sla::SlaTier;
use billops_store::interest_terms::first_day;
use billops_store::{NewInterestTerms, StoredInterestTerms};
use clap::Subcommand;

use super::disputes::{bad, refused};
use super::interest::{date, percent, steps_table, terms, write_json, write_text};
use super::month::print;
use super::output::{OutputFormat, Table};
use super::{Ctx, Failure};

#[derive(Debug, Subcommand)]
pub enum InterestTermsCmd {
    /// Every customer's terms (or one customer's), by customer and date.
    List {
        #[arg(long)]
        customer: Option<String>,
        #[arg(long, value_enum, default_value_t)]
        format: OutputFormat,
    },
    /// Set a customer's terms from a date (closes its open-ended terms that started before). Managers.
    Set {
        #[arg(long)]
        customer: String,
        /// `prompt-payment`, `agency` or a contract terms file (TOML: basis, fixing, compounding, cap,
        /// waive_below, grace_days).
        #[arg(long, default_value = "prompt-payment")]
        rule: String,
        /// The annual rate in percent.
        #[arg(long)]
        rate: String,
        /// First day in effect (YYYY-MM-DD).
        #[arg(long)]
        from: String,
        /// First day no longer in effect (optional).
        #[arg(long)]
        to: Option<String>,
    },
    /// Load terms from CSV `customer,rule,rate,from,to` (`rule`: an engine name or a TOML file beside the CSV);
    /// all rows or none.
    Import { file: std::path::PathBuf },
    /// The interest on an amount by a customer's terms, step by step (table, csv or json).
    Compute {
        #[arg(long)]
        customer: String,
        #[arg(long, allow_hyphen_values = true)]
        principal: String,
        #[arg(long)]
        due: String,
        #[arg(long)]
        paid: String,
        #[arg(long, value_enum, default_value_t)]
        format: OutputFormat,
    },
}

#[derive(Debug, Subcommand)]
pub enum SlaTiersCmd {
    /// Every service's tiers (`*`: the default for services without their own).
    List {
        #[arg(long, value_enum, default_value_t)]
        format: OutputFormat,
    },
    /// Replace a service's tiers: `--tier 99.99:10 --tier 99.0:30 --tier 95.0:100` (uptime below : credit %).
    /// Managers.
    Set {
        #[arg(long)]
        service: String,
        #[arg(long = "tier", required = true)]
        tiers: Vec<String>,
    },
}

fn new_terms(
    customer: &str,
    rule: &str,
    rate: &str,
    from: &str,
    to: Option<&str>,
    base: &Path,
) -> Result<NewInterestTerms, Failure> {
    // A terms file named in a CSV is found beside the CSV.
    let engine = [Engine::PromptPayment, Engine::Agency].iter().any(|e| e.name() == rule);
    let rule =
        if engine || Path::new(rule).is_absolute() { rule.to_string() } else { base.join(rule).display().to_string() };
    let (name, t): (String, InterestTerms) = terms(&rule)?;
    Ok(NewInterestTerms {
        customer: customer.trim().to_string(),
        rule: name,
        terms: t,
        rate: percent(rate).map_err(|e| bad(format!("rate {rate:?}: {e}")))?,
        from: date(from, "from")?,
        to: to.filter(|t| !t.trim().is_empty()).map(|t| date(t, "to")).transpose()?,
    })
}

fn terms_table(rows: &[StoredInterestTerms]) -> Table {
    let mut t = Table::new(&["customer", "rule", "rate", "from", "to", "basis", "compounding", "grace_days", "set_by"])
        .numeric("rate");
    for r in rows {
        t.push(vec![
            r.customer.clone(),
            r.rule.clone(),
            canonical(r.rate.value()),
            r.from.to_string(),
            r.to.map(|d| d.to_string()).unwrap_or_default(),
            r.terms.basis.days().to_string(),
            format!("{:?}", r.terms.compounding).to_lowercase(),
            r.terms.grace_days.to_string(),
            r.set_by.clone(),
        ]);
    }
    t
}

pub async fn interest_terms(ctx: &Ctx, c: InterestTermsCmd) -> Result<u8, Failure> {
    match c {
        InterestTermsCmd::List { customer, format } => {
            print(&terms_table(&ctx.store.interest_terms(customer.as_deref()).await?), format)
        }
        InterestTermsCmd::Set { customer, rule, rate, from, to } => {
            let row = new_terms(&customer, &rule, &rate, &from, to.as_deref(), Path::new(""))?;
            ctx.store.set_interest_terms(std::slice::from_ref(&row), &ctx.actor()).await.map_err(refused)?;
            outln!("{}: {} at {}% from {}", row.customer, row.rule, canonical(row.rate.value()), row.from)?;
            Ok(0)
        }
        InterestTermsCmd::Import { file } => {
            let at = |line: u64, m: String| bad(format!("{}:{line}: {m}", file.display()));
            let mut rd = csv::Reader::from_path(&file).map_err(|e| bad(format!("{}: {e}", file.display())))?;
            let h = rd.headers().map_err(|e| at(1, e.to_string()))?.clone();
            let col = |n: &str| h.iter().position(|x| x.trim().eq_ignore_ascii_case(n));
            let (Some(c), Some(ru), Some(ra), Some(f)) = (col("customer"), col("rule"), col("rate"), col("from"))
            else {
                return Err(at(1, "the header must name customer,rule,rate,from (and optionally to)".into()));
            };
            let base = file.parent().unwrap_or(Path::new(".")).to_path_buf();
            let base = if base.as_os_str().is_empty() { Path::new(".").to_path_buf() } else { base };
            let mut rows = Vec::new();
            for rec in rd.records() {
                let rec = rec.map_err(|e| at(e.position().map_or(0, |p| p.line()), e.to_string()))?;
                let line = rec.position().map_or(0, |p| p.line());
                let get = |i: usize| rec.get(i).unwrap_or("").trim().to_string();
                let to = col("to").map(get);
                let row = new_terms(&get(c), &get(ru), &get(ra), &get(f), to.as_deref(), &base)
                    .map_err(|e| at(line, e.message.clone()))?;
                rows.push(row);
            }
            let n = ctx.store.set_interest_terms(&rows, &ctx.actor()).await.map_err(refused)?;
            outln!("{n} interest terms loaded from {}", file.display())?;
            Ok(0)
        }
        InterestTermsCmd::Compute { customer, principal, due, paid, format } => {
            let due = date(&due, "--due")?;
            let paid = date(&paid, "--paid")?;
            let cur = ctx.store.customer(&customer).await?.currency;
            let principal = parse_typed_amount(&principal, &cur).map_err(|e| bad(format!("--principal {e}")))?;
            let Some(ci) = ctx.store.customer_interest(&customer, first_day(due)).await? else {
                return Err(bad(format!("{customer} has no interest terms (billops interest-terms set)")));
            };
            let c = ci.interest.compute(&Money::new(principal, cur), due, paid).map_err(|e| bad(e.to_string()))?;
            let rule = format!("{customer}'s terms: {}", ci.rule);
            let out = &mut super::out::Stdout;
            match format {
                OutputFormat::Json => write_json(&rule, ci.interest.terms(), &c, out)?,
                OutputFormat::Csv => steps_table(&c, true).write(OutputFormat::Csv, out)?,
                OutputFormat::Table => write_text(&rule, ci.interest.terms(), &c, out)?,
            }
            Ok(0)
        }
    }
}

pub async fn sla_tiers(ctx: &Ctx, c: SlaTiersCmd) -> Result<u8, Failure> {
    match c {
        SlaTiersCmd::List { format } => {
            let mut t = Table::new(&["service", "uptime_below", "credit"]).numeric("uptime_below").numeric("credit");
            for (service, tier) in ctx.store.sla_tiers().await? {
                t.push(vec![service, canonical(tier.below), canonical(tier.credit.value())]);
            }
            print(&t, format)
        }
        SlaTiersCmd::Set { service, tiers } => {
            let mut out = Vec::with_capacity(tiers.len());
            for t in &tiers {
                let parsed = t.split_once(':').and_then(|(b, c)| {
                    let below = parse_decimal(b.trim().trim_end_matches('%')).ok()?;
                    Some(SlaTier { below, credit: percent(c).ok()? })
                });
                out.push(parsed.ok_or_else(|| bad(format!("--tier {t:?}: UPTIME_BELOW:CREDIT_PCT, such as 99.0:30")))?);
            }
            ctx.store.set_sla_tiers(&service, &out, &ctx.actor()).await.map_err(refused)?;
            outln!("{service}: {} SLA tiers set", out.len())?;
            Ok(0)
        }
    }
}
