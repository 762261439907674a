//! `billops variance`: the period's variances per customer × service against the month before, flagged by the
//! variance thresholds (store settings `variance_pct`, `variance_abs`), and `variance explain` to record why one moved.
use billops_domain::money::{canonical, round_for_display};
use billops_domain::variance::{Driver, ReviewedVariance, VarianceKind};
use billops_store::NewExplanation;
use clap::{Args, Subcommand};

use super::month::{NOT_READY, amount, period, print};
use super::output::{OutputFormat, Table};
use super::{Ctx, Failure};
use crate::month;

/// `billops variance YYYY-MM [--all] [--format …]` or `billops variance explain …`.
#[derive(Debug, Args)]
#[command(
    args_conflicts_with_subcommands = true,
    subcommand_negates_reqs = true,
    after_help = "Volume and unit rate: each row also reads the service's main usage unit (the one with the largest \
        cost in either month; units cannot be added), its volume before and now, and splits that unit's change: \
        by_volume = (volume now − before) × cost per unit before, by_rate = the rest (the change in cost per unit \
        on the new volume); the two add up to the unit's change exactly. Empty when no unit of the service has a \
        quantity on every row. --ru: chargeback customers' resource units, volume and rate as billed on the \
        invoices (any status but void) of both months, split the same way."
)]
pub struct VarianceArgs {
    #[command(subcommand)]
    pub cmd: Option<VarianceCmd>,
    /// Billing period YYYY-MM (compared with the month before).
    #[arg(required = true)]
    pub period: Option<String>,
    /// Every customer × service with cost in either month, not only the flagged ones.
    #[arg(long)]
    pub all: bool,
    /// Chargeback customers' resource units instead (volume and rate billed on the invoices of both months).
    #[arg(long)]
    pub ru: bool,
    #[arg(long, value_enum, default_value_t)]
    pub format: OutputFormat,
}

#[derive(Debug, Subcommand)]
pub enum VarianceCmd {
    /// Explain why a customer's cost on a service moved (operator; replaces an earlier explanation).
    Explain {
        period: String,
        customer: String,
        service: String,
        /// usage_growth, usage_decline, new_service, decommission, price_change, one_off, data_correction,
        /// credit or other.
        #[arg(long)]
        driver: String,
        #[arg(long)]
        text: String,
        /// The Δ you looked at: refused when the data has moved since (default: the current Δ).
        #[arg(long)]
        delta: Option<String>,
    },
}

/// The percentage as shown: one decimal, or what the service did when it has none.
pub fn pct_text(r: &ReviewedVariance) -> String {
    match (r.variance.kind, r.variance.pct) {
        (VarianceKind::New, _) => "new".into(),
        (VarianceKind::Gone, _) => "gone".into(),
        (_, Some(p)) => format!("{}%", round_for_display(p, 1)),
        (_, None) => "-".into(),
    }
}

pub async fn variance(ctx: &Ctx, a: VarianceArgs) -> Result<u8, Failure> {
    match a.cmd {
        Some(VarianceCmd::Explain { period: p, customer, service, driver, text, delta }) => {
            let driver: Driver = driver
                .parse()
                .map_err(|e: billops_domain::variance::VarianceError| Failure::user(format!("--driver: {e}")))?;
            let e = NewExplanation {
                period: period(&p)?,
                customer,
                service,
                driver,
                text,
                expected_delta: delta.as_deref().map(|d| amount(d, "--delta")).transpose()?,
            };
            let saved = month::variance::explain(ctx.store.as_ref(), &e, &ctx.actor()).await?;
            outln!(
                "variance of {} / {} in {} (Δ {}) explained by {}: {}",
                saved.customer,
                saved.service,
                saved.period,
                canonical(saved.explanation.delta),
                saved.explanation.by,
                saved.explanation.driver
            )?;
            Ok(0)
        }
        None => report(ctx, a.period.as_deref().unwrap_or_default(), a.all, a.ru, a.format).await,
    }
}

fn opt(d: Option<rust_decimal::Decimal>) -> String {
    d.map(canonical).unwrap_or_default()
}

fn pct(d: Option<rust_decimal::Decimal>) -> String {
    d.map(|p| round_for_display(p, 1).to_string()).unwrap_or_default()
}

/// Resource units: volume, rate, and what each moved.
fn ru_table(view: &month::variance::VarianceView, format: OutputFormat) -> Result<u8, Failure> {
    let mut t = Table::new(&[
        "customer",
        "ru",
        "volume_prev",
        "volume_cur",
        "volume_pct",
        "rate_prev",
        "rate_cur",
        "rate_pct",
        "charge_prev",
        "charge_cur",
        "by_volume",
        "by_rate",
    ]);
    for c in ["volume_prev", "volume_cur", "volume_pct", "rate_prev", "rate_cur", "rate_pct"] {
        t = t.numeric(c);
    }
    for c in ["charge_prev", "charge_cur", "by_volume", "by_rate"] {
        t = t.numeric(c);
    }
    for u in &view.resource_units {
        let (f, x) = (&u.figures, &u.split);
        t.push(vec![
            u.customer.clone(),
            u.ru.clone(),
            canonical(f.prev_qty),
            canonical(f.cur_qty),
            pct(x.qty_pct),
            opt(x.prev_rate),
            opt(x.cur_rate),
            pct(x.rate_pct),
            canonical(f.prev_cost),
            canonical(f.cur_cost),
            canonical(x.by_volume),
            canonical(x.by_rate),
        ]);
    }
    print(&t, format)
}

/// Exit 0 when no flagged variance is unexplained (or stale), 4 otherwise.
async fn report(ctx: &Ctx, p: &str, all: bool, ru: bool, format: OutputFormat) -> Result<u8, Failure> {
    let mut view = month::variance::report(ctx.store.as_ref(), period(p)?, &ctx.close_settings().await?).await?;
    let code = if view.unexplained == 0 { 0 } else { NOT_READY };
    if ru && format != OutputFormat::Json {
        ru_table(&view, format)?;
        return Ok(code);
    }
    if !all {
        view.rows.retain(|r| r.variance.flagged);
    }
    if format == OutputFormat::Json {
        rawln!("{}", serde_json::to_string_pretty(&view).map_err(|e| Failure::user(e.to_string()))?)?;
        return Ok(code);
    }
    let mut t = Table::new(&[
        "customer",
        "service",
        "previous",
        "current",
        "delta",
        "pct",
        "rows_prev",
        "rows_cur",
        "unit",
        "volume_prev",
        "volume_cur",
        "volume_pct",
        "rate_pct",
        "by_volume",
        "by_rate",
        "state",
        "driver",
        "explanation",
        "by",
    ])
    .numeric("previous")
    .numeric("current")
    .numeric("delta")
    .numeric("pct")
    .numeric("rows_prev")
    .numeric("rows_cur")
    .numeric("volume_prev")
    .numeric("volume_cur")
    .numeric("volume_pct")
    .numeric("rate_pct")
    .numeric("by_volume")
    .numeric("by_rate");
    for r in &view.rows {
        let v = &r.variance;
        let e = r.explanation.as_ref();
        let vol = view.volume(&v.customer, &v.service);
        let f = |g: &dyn Fn(&month::variance::VolumeLine) -> String| vol.map(g).unwrap_or_default();
        t.push(vec![
            v.customer.clone(),
            v.service.clone(),
            canonical(v.prev),
            canonical(v.cur),
            canonical(v.delta),
            pct_text(r),
            v.prev_rows.to_string(),
            v.cur_rows.to_string(),
            f(&|l| l.unit.clone()),
            f(&|l| canonical(l.figures.prev_qty)),
            f(&|l| canonical(l.figures.cur_qty)),
            f(&|l| pct(l.split.qty_pct)),
            f(&|l| pct(l.split.rate_pct)),
            f(&|l| canonical(l.split.by_volume)),
            f(&|l| canonical(l.split.by_rate)),
            r.state.to_string(),
            e.map(|e| e.driver.to_string()).unwrap_or_default(),
            e.map(|e| e.text.clone()).unwrap_or_default(),
            e.map(|e| format!("{} {}", e.by, e.at.format("%Y-%m-%d"))).unwrap_or_default(),
        ]);
    }
    print(&t, format)?;
    if format == OutputFormat::Table {
        let flagged = view.flagged().count();
        if view.baseline {
            outln!(
                "{} vs {}: {flagged} flagged ({}), {} without a current explanation",
                view.period,
                view.previous,
                view.thresholds,
                view.unexplained
            )?;
        } else {
            outln!("{} vs {}: nothing to compare (a month without data)", view.period, view.previous)?;
        }
    }
    Ok(code)
}
