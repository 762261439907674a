//! `billops fx`: FX rate snapshots per currency pair and period (set, import, approve, list). A customer billed
//! in another currency than its cost is converted with the period's approved rate; without one, draft
//! generation refuses naming the pair and the period.
use std::path::{Path, PathBuf};

use billops_domain::Period;
use billops_domain::fx::{Pair, parse_rate};
use billops_store::NewFxRate;
use chrono::NaiveDate;
use clap::Subcommand;

use super::month::{period, print};
use super::output::{OutputFormat, Table};
use super::{Ctx, Failure};

#[derive(Debug, Subcommand)]
pub enum FxCmd {
    /// Enter a pair's rate for a period (one BASE is RATE QUOTE): it waits for a manager's approval; entering it
    /// again while the period is open replaces it (approved again); a signed-off period's rate is frozen.
    Set {
        /// The cost's currency (ISO 4217), e.g. EUR.
        base: String,
        /// The billing currency, e.g. USD.
        quote: String,
        #[arg(value_name = "YYYY-MM")]
        period: String,
        rate: String,
        /// Where the rate comes from (ECB, the contract, the supplier's invoice …).
        #[arg(long)]
        source: String,
        /// The rate's own date.
        #[arg(long, value_name = "YYYY-MM-DD")]
        date: String,
    },
    /// Import rates from CSV with a header `base,quote,period,rate,source,date`: every row or none; a bad row
    /// is named by line and column.
    Import { file: PathBuf },
    /// Approve a pair's rate for a period (a manager who did not enter it).
    Approve {
        base: String,
        quote: String,
        #[arg(value_name = "YYYY-MM")]
        period: String,
    },
    /// Rates (one period or all), with their status and who entered and approved them.
    List {
        #[arg(long, value_name = "YYYY-MM")]
        period: Option<String>,
        #[arg(long, value_enum, default_value_t)]
        format: OutputFormat,
    },
}

fn pair(base: &str, quote: &str) -> Result<Pair, Failure> {
    Pair::new(base, quote).map_err(|e| Failure::new(2, e.to_string()))
}

fn date(text: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").map_err(|e| format!("{text:?} is not a date YYYY-MM-DD ({e})"))
}

pub async fn fx(ctx: &Ctx, c: FxCmd) -> Result<u8, Failure> {
    let by = ctx.actor();
    match c {
        FxCmd::Set { base, quote, period: p, rate, source, date: d } => {
            let row = NewFxRate {
                pair: pair(&base, &quote)?,
                period: period(&p)?,
                rate: parse_rate(&rate).map_err(|e| Failure::new(2, e.to_string()))?,
                source,
                date: date(&d).map_err(|e| Failure::new(2, format!("--date: {e}")))?,
            };
            let r = ctx.store.set_fx_rate(&row, &by).await?;
            outln!(
                "{} {} for {}: {} ({}): {}, a manager approves it (`billops fx approve {} {} {}`)",
                r.pair(),
                r.rate,
                r.period,
                r.source,
                r.date,
                r.status,
                r.base,
                r.quote,
                r.period
            )?;
            Ok(0)
        }
        FxCmd::Import { file } => {
            let rows = read(&file)?;
            let n = ctx.store.import_fx_rates(&rows, &by).await?;
            outln!("{n} FX rate(s) from {} entered; a manager approves each", file.display())?;
            Ok(0)
        }
        FxCmd::Approve { base, quote, period: p } => {
            let r = ctx.store.approve_fx_rate(&pair(&base, &quote)?, period(&p)?, &by).await?;
            let who = r.approved_by.clone().unwrap_or_default();
            outln!("{} {} for {} approved by {who} (entered by {})", r.pair(), r.rate, r.period, r.entered_by)?;
            Ok(0)
        }
        FxCmd::List { period: p, format } => {
            let p: Option<Period> = p.as_deref().map(period).transpose()?;
            let mut t =
                Table::new(&["period", "pair", "rate", "source", "date", "status", "entered_by", "approved_by"])
                    .numeric("rate");
            for r in ctx.store.fx_rates(p).await? {
                t.push(vec![
                    r.period.to_string(),
                    r.pair(),
                    r.rate.to_string(),
                    r.source.clone(),
                    r.date.to_string(),
                    r.status.clone(),
                    r.entered_by.clone(),
                    r.approved_by.clone().unwrap_or_default(),
                ]);
            }
            print(&t, format)
        }
    }
}

/// The rows of an FX CSV, or the first bad one by file, line and column.
fn read(file: &Path) -> Result<Vec<NewFxRate>, Failure> {
    let name = file.display().to_string();
    let (mut r, headers) = super::output::csv_input(file)?;
    let col = |h: &str| super::output::csv_column(&headers, h);
    let cols = ["base", "quote", "period", "rate", "source", "date"].map(col);
    let [Some(bi), Some(qi), Some(pi), Some(ri), Some(si), Some(di)] = cols else {
        return Err(Failure::user(format!("{name}: line 1: the header needs base, quote, period, rate, source, date")));
    };
    let mut rows = Vec::new();
    for rec in r.records() {
        let rec = rec.map_err(|e| Failure::user(format!("{name}: {e}")))?;
        let line = rec.position().map(|p| p.line()).unwrap_or(0);
        let bad = |i: usize, why: String| {
            Failure::user(format!(
                "{name}: line {line}, column {} ({}): {why}; nothing was imported",
                i + 1,
                &headers[i]
            ))
        };
        let cell = |i: usize| rec.get(i).unwrap_or("").to_string();
        let pair = Pair::new(&cell(bi), &cell(qi)).map_err(|e| bad(bi, e.to_string()))?;
        let period: Period = cell(pi).parse().map_err(|e| bad(pi, format!("{e}")))?;
        let rate = parse_rate(&cell(ri)).map_err(|e| bad(ri, e.to_string()))?;
        let source = cell(si);
        if source.is_empty() {
            return Err(bad(si, "the source is required".into()));
        }
        let date = date(&cell(di)).map_err(|e| bad(di, e))?;
        rows.push(NewFxRate { pair, period, rate, source, date });
    }
    if rows.is_empty() {
        return Err(Failure::user(format!("{name}: no rates (a header and one row per pair and period)")));
    }
    Ok(rows)
}
