//! `billops report month YYYY-MM`: the month-end management report (`crate::documents::report`) as a printable
//! HTML page or one CSV, to `--output FILE` or stdout.
use std::path::PathBuf;

use chrono::Utc;
use clap::{Subcommand, ValueEnum};

use super::month::period;
use super::{Ctx, Failure};
use crate::documents::report;

#[derive(Debug, Subcommand)]
pub enum ReportCmd {
    /// Annual (--fiscal-year) or biennial (--biennium) budget report per customer or account code: actuals to
    /// date, forecast for the rest, budget, difference (table, csv, json or a printable html document).
    Budget(super::budget::BudgetReportArgs),
    /// Month-end management report of a period: totals billed (issued invoices) and at cost, margin by customer
    /// and by service, credits and their sources, variances over threshold and their explanations, open items
    /// (disputes, supplier cases, unreached credits, invoices not issued, open requests).
    #[command(after_help = "Billed means the period's issued invoices (issued, partly paid, paid, disputed); \
        drafts, reviewed and approved invoices are open items. Net billed = charges + discounts + credits (before \
        tax); margin = net billed − cost of the invoiced lines, margin % of net billed; per service, margin is on \
        the rated charges (discounts and credits belong to an invoice, not a service). Amounts are rounded once, \
        half away from zero, to the currency's minor unit. Supplier cost and variances are in the currency of \
        the period's supplier invoices (USD when none is entered).\n\n\
        --format csv writes ONE file with a `section` column and a fixed header (section, currency, customer, \
        name, service, reference, invoice, kind, status, cost, billed, margin, pct, previous, current, delta, \
        by_volume, by_rate, amount, detail); each section fills the columns that apply:\n  \
        totals           per currency: kind = invoices|charges|discounts|credits|net_billed|tax|billed|cost|\
        margin|margin_pct, amount\n  \
        supply           per payer (reference): kind = supplier_invoice|imported_cost|invoiced_at_cost|\
        unassigned, amount\n  \
        customer_margin  customer, name, cost, billed (net), margin, pct\n  \
        service_margin   service, cost, billed (charges), margin, pct\n  \
        credit           customer, reference (credit id), invoice, kind (its source), amount, detail (evidence)\n  \
        supplier_credit  reference (account), service, customer, status passed_on|not_passed_on, amount, detail\n  \
        variance         customer, name, service, previous, current, delta, pct, by_volume and by_rate (on the \
        service's main usage unit, in reference), status, kind (driver), detail (explanation)\n  \
        open_item        kind, reference, customer (or payer), currency, amount, detail")]
    Month {
        /// Billing period YYYY-MM.
        period: String,
        /// html: a printable page (A4, print stylesheet); csv: one file, sections in a column.
        #[arg(long, value_enum, default_value_t)]
        format: ReportFormat,
        /// Write to FILE instead of stdout.
        #[arg(long, value_name = "FILE")]
        output: Option<PathBuf>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum)]
pub enum ReportFormat {
    #[default]
    Html,
    Csv,
}

pub async fn report(ctx: &Ctx, c: ReportCmd) -> Result<u8, Failure> {
    match c {
        ReportCmd::Budget(a) => super::budget::report_budget(ctx, a).await,
        ReportCmd::Month { period: p, format, output } => {
            let p = period(&p)?;
            let cfg = ctx.close_settings().await?;
            let r = report::load::report(ctx.store.as_ref(), p, Utc::now(), &cfg).await?;
            let text = match format {
                ReportFormat::Html => report::html::render(&r),
                ReportFormat::Csv => report::csv::render(&r).map_err(|e| Failure::user(e.to_string()))?,
            };
            super::documents::write_text(&text, output.as_deref())
        }
    }
}
