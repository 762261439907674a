//! `billops budget set|list|import` and `billops report budget --fiscal-year|--biennium` (issue 12): budgets
//! per customer, service or account code and fiscal month, and the annual / biennial report drawn from them and
//! the forecast (the argument types live with `billops forecast` in `plan.rs`).
use std::path::PathBuf;

use billops_domain::Period;
use billops_store::{BudgetScope, NewBudget};

use super::month::{period, print, today};
use super::output::{OutputFormat, Table};
use super::plan::{exact, load, shown};
use super::{Ctx, Failure};
use crate::plan::alert_text;
use crate::plan::report::{self, By};

#[derive(Debug, clap::Subcommand)]
pub enum BudgetCmd {
    /// Set one month's budget (replaces the amount; audited with the value before).
    Set {
        customer: String,
        #[arg(value_name = "YYYY-MM")]
        period: String,
        amount: String,
        /// customer (default), service:NAME or code:CODE.
        #[arg(long, default_value = "")]
        scope: String,
    },
    /// Budgets for a range of months (default: the fiscal year of this month).
    List {
        customer: Option<String>,
        #[arg(long, value_name = "YYYY-MM")]
        from: Option<String>,
        #[arg(long, value_name = "YYYY-MM")]
        to: Option<String>,
        #[arg(long, value_enum, default_value_t)]
        format: OutputFormat,
    },
    /// Import budgets from CSV with a header `customer,scope,period,amount` (scope may be empty); all rows or
    /// none: a bad row is named by line and column and nothing is written.
    Import { file: PathBuf },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, Default)]
pub enum ReportFormat {
    #[default]
    Table,
    Csv,
    Json,
    Html,
}

#[derive(Debug, clap::Args)]
pub struct BudgetReportArgs {
    /// The fiscal year (named by the calendar year it ends in; setting fiscal_start_month).
    #[arg(long, value_name = "FY", conflicts_with = "biennium", required_unless_present = "biennium")]
    fiscal_year: Option<i32>,
    /// The biennium starting with fiscal year FY (two fiscal years, as an appropriations request asks).
    #[arg(long, value_name = "FY")]
    biennium: Option<i32>,
    #[arg(long, value_enum, default_value_t)]
    by: By,
    #[arg(long, value_name = "YYYY-MM")]
    as_of: Option<String>,
    #[arg(long, default_value = "billed")]
    basis: String,
    #[arg(long, value_enum, default_value_t)]
    format: ReportFormat,
    /// Write to a file instead of stdout.
    #[arg(long)]
    output: Option<PathBuf>,
}

pub async fn budget(ctx: &Ctx, c: BudgetCmd) -> Result<u8, Failure> {
    let by = ctx.actor();
    match c {
        BudgetCmd::Set { customer, period: p, amount, scope } => {
            let row = NewBudget {
                customer,
                scope: BudgetScope::parse(&scope)?,
                period: period(&p)?,
                amount: exact("amount", &amount)?,
            };
            ctx.store.set_budgets(std::slice::from_ref(&row), &by).await?;
            outln!("budget {} {} {}: {}", row.customer, row.scope.label(), row.period, row.amount)?;
            Ok(0)
        }
        BudgetCmd::List { customer, from, to, format } => {
            let settings = crate::month::settings::load(ctx.store.as_ref()).await?.plan;
            let fy = settings.fiscal.months(settings.fiscal.year_of(Period::of_date(today())));
            let from = match from {
                Some(f) => period(&f)?,
                None => fy.first().copied().unwrap_or_else(|| Period::of_date(today())),
            };
            let to = match to {
                Some(t) => period(&t)?,
                None => fy.last().copied().unwrap_or(from),
            };
            let mut t = Table::new(&["customer", "scope", "period", "amount", "set_by", "set_at"]).numeric("amount");
            for b in ctx.store.budgets(customer.as_deref(), from, to).await? {
                t.push(vec![
                    b.customer,
                    b.scope.label(),
                    b.period.to_string(),
                    b.amount.to_string(),
                    b.set_by,
                    b.set_at.format("%Y-%m-%d %H:%M").to_string(),
                ]);
            }
            print(&t, format)
        }
        BudgetCmd::Import { file } => {
            let rows = read_budgets(&file)?;
            let n = ctx.store.set_budgets(&rows, &by).await?;
            outln!("{n} budget row(s) from {}", file.display())?;
            Ok(0)
        }
    }
}

/// The rows of a budget CSV, or the first bad one by file, line and column.
fn read_budgets(file: &std::path::Path) -> Result<Vec<NewBudget>, Failure> {
    let name = file.display().to_string();
    let (mut r, headers) = super::output::csv_input(file)?;
    let col = |h: &str| super::output::csv_column(&headers, h);
    let (Some(ci), Some(pi), Some(ai)) = (col("customer"), col("period"), col("amount")) else {
        return Err(Failure::user(format!("{name}: line 1: the header needs customer, period, amount (and scope)")));
    };
    let si = col("scope");
    let mut rows = Vec::new();
    for rec in r.records() {
        let rec = rec.map_err(|e| Failure::user(format!("{name}: {e}")))?;
        let line = rec.position().map(|p| p.line()).unwrap_or(0);
        let bad = |i: usize, why: String| {
            Failure::user(format!("{name}: line {line}, column {} ({}): {why}", i + 1, &headers[i]))
        };
        let cell = |i: usize| rec.get(i).unwrap_or("").to_string();
        let customer = cell(ci);
        if customer.is_empty() {
            return Err(bad(ci, "empty".into()));
        }
        let scope = match si {
            Some(i) => BudgetScope::parse(&cell(i)).map_err(|e| bad(i, e.to_string()))?,
            None => BudgetScope::Customer,
        };
        let p: Period = cell(pi).parse().map_err(|e| bad(pi, format!("{e}")))?;
        let amount = billops_domain::parse_decimal(&cell(ai)).map_err(|e| bad(ai, e.to_string()))?;
        rows.push(NewBudget { customer, scope, period: p, amount });
    }
    if rows.is_empty() {
        return Err(Failure::user(format!("{name}: no budget rows")));
    }
    Ok(rows)
}

pub async fn report_budget(ctx: &Ctx, a: BudgetReportArgs) -> Result<u8, Failure> {
    let inputs = load(ctx, a.as_of.as_deref(), &a.basis).await?;
    let cal = inputs.frame.fiscal;
    let (months, title) = match (a.fiscal_year, a.biennium) {
        (Some(fy), _) => (cal.months(fy), format!("FY{fy}")),
        (None, Some(fy)) => (cal.biennium(fy), format!("FY{fy}–FY{}", fy + 1)),
        (None, None) => return Err(Failure::user("--fiscal-year FY or --biennium FY")),
    };
    let r = report::build(&inputs, &months, title, a.by);
    let text = match a.format {
        ReportFormat::Html => crate::plan::html::budget_report(&r, inputs.basis, today()),
        f => {
            let mut t = Table::new(&[
                if a.by == By::Code { "account_code" } else { "customer" },
                "currency",
                "actual_to_date",
                "forecast_rest",
                "outlook",
                "budget",
                "difference",
                "alert",
            ]);
            for c in ["actual_to_date", "forecast_rest", "outlook", "budget", "difference"] {
                t = t.numeric(c);
            }
            let of = match f {
                ReportFormat::Csv => OutputFormat::Csv,
                ReportFormat::Json => OutputFormat::Json,
                _ => OutputFormat::Table,
            };
            let m = shown(of);
            for l in r.lines.iter().chain(&r.totals) {
                t.push(vec![
                    l.key.clone(),
                    l.currency.clone(),
                    m(l.actual_to_date),
                    m(l.forecast_rest),
                    m(l.outlook),
                    m(l.budget),
                    m(l.difference),
                    alert_text(l.alert),
                ]);
            }
            let mut out = Vec::new();
            t.write(of, &mut out)?;
            let mut s = String::from_utf8_lossy(&out).into_owned();
            if f == ReportFormat::Table {
                s.push_str(&format!(
                    "{} {}..{}: actuals to {} ({} basis), forecast after\n",
                    r.title, r.first, r.last, r.last_actual, inputs.basis
                ));
            }
            s
        }
    };
    super::documents::write_text(&text, a.output.as_deref())
}
