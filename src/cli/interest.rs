//! `billops interest`: interest on a late amount, step by step, by a named engine or a contract's terms file.
//! Pure computation: no store is opened.
//!
//! The form `billops interest --principal 1500 --rate 6.5 --due 2026-01-01 --paid 2026-01-11 --format json` is
//! fixed (scripts and our checks use it): the JSON object's `interest` field is the amount charged, a JSON
//! number written with exactly its minor-unit digits (here `2.71`); every other amount is a string carrying
//! every digit.
use std::io::Write;
use std::path::{Path, PathBuf};

use billops_domain::interest::{Engine, InterestComputation, InterestRule, InterestTerms};
use billops_domain::money::{Money, canonical, parse_decimal, parse_typed_amount};
use billops_domain::terms::{Effective, EffectiveTable, Percent};
use chrono::NaiveDate;
use clap::Args;
use serde::Serialize;

use super::Failure;
use super::output::{OutputFormat, Table};

#[derive(Debug, Args)]
pub struct InterestArgs {
    /// The late amount (exact; `1500`, `1,500.00`).
    #[arg(long, allow_hyphen_values = true)]
    pub principal: String,
    /// Its currency (ISO 4217); the interest is rounded to its minor unit.
    #[arg(long, default_value = "USD")]
    pub currency: String,
    /// One annual rate in percent for all days (`6.5`).
    #[arg(long, conflicts_with = "rates", required_unless_present = "rates", allow_hyphen_values = true)]
    pub rate: Option<String>,
    /// An effective-dated rate table: CSV with columns `from,rate` (each rate in force from its date to the next).
    #[arg(long)]
    pub rates: Option<PathBuf>,
    /// The due date (YYYY-MM-DD); interest accrues from the day after.
    #[arg(long)]
    pub due: String,
    /// The payment date (YYYY-MM-DD), the last day of accrual.
    #[arg(long)]
    pub paid: String,
    /// `prompt-payment` (default: US Prompt Payment, 360-day year, 30-day compounding, one year, none under 1),
    /// `agency` (simple, actual/365, stepping rates, nothing within 30 days) or a contract terms file (TOML).
    #[arg(long, default_value = "prompt-payment")]
    pub rule: String,
    #[arg(long, value_enum, default_value_t)]
    pub format: OutputFormat,
}

pub fn interest(a: InterestArgs, out: &mut dyn Write) -> Result<u8, Failure> {
    let bad = |m: String| Failure::new(2, m);
    let currency = a.currency.trim().to_ascii_uppercase();
    if currency.len() != 3 || !currency.bytes().all(|b| b.is_ascii_uppercase()) {
        return Err(bad(format!("--currency {:?}: a three-letter ISO 4217 code, such as USD", a.currency)));
    }
    let principal = parse_typed_amount(&a.principal, &currency).map_err(|e| bad(format!("--principal {e}")))?;
    let due = date(&a.due, "--due")?;
    let paid = date(&a.paid, "--paid")?;
    let rates = match (&a.rate, &a.rates) {
        (Some(r), _) => EffectiveTable::constant(percent(r).map_err(|e| bad(format!("--rate {r:?}: {e}")))?),
        (None, Some(file)) => rate_table(file)?,
        (None, None) => return Err(bad("give --rate PCT or --rates FILE.csv".into())),
    };
    let (rule_name, terms) = terms(&a.rule)?;
    let rule = InterestRule::new(terms, rates).map_err(|e| bad(e.to_string()))?;
    let c = rule.compute(&Money::new(principal, currency), due, paid).map_err(|e| bad(e.to_string()))?;
    match a.format {
        OutputFormat::Json => write_json(&rule_name, rule.terms(), &c, out)?,
        OutputFormat::Csv => steps_table(&c, true).write(OutputFormat::Csv, out)?,
        OutputFormat::Table => write_text(&rule_name, rule.terms(), &c, out)?,
    }
    Ok(0)
}

pub(super) fn percent(text: &str) -> Result<Percent, String> {
    let value = parse_decimal(text.trim().trim_end_matches('%')).map_err(|e| e.to_string())?;
    Percent::new(value).map_err(|e| e.to_string())
}

pub(super) fn date(text: &str, flag: &str) -> Result<NaiveDate, Failure> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
        .map_err(|_| Failure::new(2, format!("{flag} {text:?}: a date as YYYY-MM-DD")))
}

/// `prompt-payment`, `agency`, or a TOML terms file.
pub(super) fn terms(rule: &str) -> Result<(String, InterestTerms), Failure> {
    for engine in [Engine::PromptPayment, Engine::Agency] {
        if rule == engine.name() {
            return Ok((engine.name().to_string(), engine.terms()));
        }
    }
    let path = Path::new(rule);
    let text = std::fs::read_to_string(path).map_err(|e| {
        Failure::new(2, format!("--rule {rule:?}: not prompt-payment, agency or a readable terms file ({e})"))
    })?;
    let terms: InterestTerms = toml::from_str(&text)
        .map_err(|e| Failure::new(2, format!("{}: {}", path.display(), e.to_string().trim_end())))?;
    Ok((path.display().to_string(), terms))
}

/// A rate table from CSV `from,rate`: each rate in force from its date until the next row's.
fn rate_table(file: &Path) -> Result<EffectiveTable<Percent>, Failure> {
    let at = |line: u64, m: String| Failure::new(2, format!("{}:{line}: {m}", file.display()));
    let mut reader = csv::Reader::from_path(file).map_err(|e| Failure::new(2, format!("{}: {e}", file.display())))?;
    let headers = reader.headers().map_err(|e| at(1, e.to_string()))?.clone();
    let col = |name: &str| headers.iter().position(|h| h.trim().eq_ignore_ascii_case(name));
    let (Some(from_col), Some(rate_col)) = (col("from"), col("rate")) else {
        return Err(at(1, "the header must name the columns from,rate".into()));
    };
    let mut rows: Vec<(NaiveDate, Percent)> = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| at(e.position().map_or(0, |p| p.line()), e.to_string()))?;
        let line = record.position().map_or(0, |p| p.line());
        let from_text = record.get(from_col).unwrap_or("");
        let from = NaiveDate::parse_from_str(from_text.trim(), "%Y-%m-%d")
            .map_err(|_| at(line, format!("from {from_text:?}: a date as YYYY-MM-DD")))?;
        let rate_text = record.get(rate_col).unwrap_or("");
        let rate = percent(rate_text).map_err(|e| at(line, format!("rate {rate_text:?}: {e}")))?;
        rows.push((from, rate));
    }
    rows.sort_by_key(|(from, _)| *from);
    let mut entries = Vec::with_capacity(rows.len());
    for (i, (from, rate)) in rows.iter().enumerate() {
        let until = rows.get(i + 1).map(|(next, _)| *next);
        let span =
            Effective::new(*from, until).map_err(|e| Failure::new(2, format!("{}: {from}: {e}", file.display())))?;
        entries.push((span, *rate));
    }
    EffectiveTable::new(entries).map_err(|e| Failure::new(2, format!("{}: {e}", file.display())))
}

pub(super) fn steps_table(c: &InterestComputation, totals: bool) -> Table {
    let mut t = Table::new(&["step", "from", "through", "days", "annual_rate", "base", "interest", "new_base"])
        .numeric("days")
        .numeric("annual_rate")
        .numeric("base")
        .numeric("interest")
        .numeric("new_base");
    for (i, s) in c.steps.iter().enumerate() {
        t.push(vec![
            (i + 1).to_string(),
            s.from.to_string(),
            s.through.to_string(),
            s.days.to_string(),
            canonical(s.annual_rate.value()),
            canonical(s.base),
            canonical(s.interest),
            s.new_base.map(canonical).unwrap_or_default(),
        ]);
    }
    if totals {
        let blank = || vec![String::new(); 5];
        let mut accrued = vec!["accrued".to_string()];
        accrued.extend(blank());
        accrued.extend([canonical(c.accrued), String::new()]);
        let mut charged = vec!["charged".to_string()];
        charged.extend(blank());
        charged.extend([c.interest.amount.to_string(), String::new()]);
        t.push(accrued);
        t.push(charged);
    }
    t
}

pub(super) fn write_text(
    rule: &str,
    terms: &InterestTerms,
    c: &InterestComputation,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    writeln!(out, "rule: {rule} ({})", describe(terms))?;
    writeln!(
        out,
        "principal {} {}, due {}, paid {} ({} days late)",
        canonical(c.principal.amount),
        c.principal.currency,
        c.due,
        c.paid,
        c.days_late
    )?;
    match c.accrual {
        Some((from, through)) => {
            let capped = if c.capped { " (stopped at the cap)" } else { "" };
            writeln!(out, "accrues {from} through {through}{capped}")?;
            writeln!(out)?;
            steps_table(c, false).write(OutputFormat::Table, out)?;
            writeln!(out)?;
        }
        None if c.within_grace => writeln!(out, "paid within the {} days of grace: no interest", terms.grace_days)?,
        None => writeln!(out, "paid on or before the due date: no interest")?,
    }
    writeln!(out, "accrued {} (exact)", canonical(c.accrued))?;
    if c.waived {
        writeln!(out, "waived: under the minimum of {}", canonical(terms.waive_below))?;
    }
    writeln!(out, "interest {} {}", c.interest.amount, c.interest.currency)
}

fn describe(t: &InterestTerms) -> String {
    use billops_domain::interest::{Cap, Compounding, RateFixing};
    let fixing = match t.fixing {
        RateFixing::AtStart => "rate fixed on the first day",
        RateFixing::Stepping => "rate stepping with the table",
    };
    let compounding = match t.compounding {
        Compounding::None => "simple".to_string(),
        Compounding::EveryDays(n) => format!("compounded every {n} days"),
        Compounding::EveryMonths(n) => format!("compounded every {n} month(s)"),
    };
    let cap = match t.cap {
        None => "no cap".to_string(),
        Some(Cap::Days(n)) => format!("at most {n} days"),
        Some(Cap::Months(n)) => format!("at most {n} months"),
    };
    format!(
        "{}-day year, {fixing}, {compounding}, {cap}, waived under {}, grace {} days",
        t.basis.days(),
        canonical(t.waive_below),
        t.grace_days
    )
}

#[derive(Serialize)]
struct Step {
    from: NaiveDate,
    through: NaiveDate,
    days: i64,
    annual_rate: String,
    base: String,
    interest: String,
    new_base: Option<String>,
}

#[derive(Serialize)]
struct Report<'a> {
    rule: &'a str,
    terms: &'a InterestTerms,
    principal: String,
    currency: &'a str,
    due: NaiveDate,
    paid: NaiveDate,
    days_late: i64,
    within_grace: bool,
    accrual_from: Option<NaiveDate>,
    accrual_through: Option<NaiveDate>,
    capped: bool,
    steps: Vec<Step>,
    accrued: String,
    waived: bool,
    /// The amount charged: a JSON number with exactly its minor-unit digits (no float on the way).
    interest: Box<serde_json::value::RawValue>,
}

pub(super) fn write_json(
    rule: &str,
    terms: &InterestTerms,
    c: &InterestComputation,
    out: &mut dyn Write,
) -> Result<(), Failure> {
    let interest = serde_json::value::RawValue::from_string(c.interest.amount.to_string())
        .map_err(|e| Failure::user(format!("interest amount as JSON: {e}")))?;
    let report = Report {
        rule,
        terms,
        principal: canonical(c.principal.amount),
        currency: &c.principal.currency,
        due: c.due,
        paid: c.paid,
        days_late: c.days_late,
        within_grace: c.within_grace,
        accrual_from: c.accrual.map(|(f, _)| f),
        accrual_through: c.accrual.map(|(_, t)| t),
        capped: c.capped,
        steps: c
            .steps
            .iter()
            .map(|s| Step {
                from: s.from,
                through: s.through,
                days: s.days,
                annual_rate: canonical(s.annual_rate.value()),
                base: canonical(s.base),
                interest: canonical(s.interest),
                new_base: s.new_base.map(canonical),
            })
            .collect(),
        accrued: canonical(c.accrued),
        waived: c.waived,
        interest,
    };
    serde_json::to_writer_pretty(&mut *out, &report).map_err(|e| Failure::user(e.to_string()))?;
    writeln!(out)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use rust_decimal::Decimal;

    #[test]
    fn amounts_accept_what_the_screen_shows() {
        assert_eq!(parse_typed_amount("1,500.00", "USD").unwrap(), Decimal::new(1500, 0));
        assert!(parse_typed_amount("12$", "USD").is_err());
        assert_eq!(percent("6.5%").unwrap().value(), Decimal::new(65, 1));
        assert!(percent("-1").is_err());
    }
}
