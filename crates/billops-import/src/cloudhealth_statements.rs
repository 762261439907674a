//! CloudHealth customer statements (issue 13): the reseller platform's per-customer statement of a billing
//! period, first Estimated then Final, exported as CSV — one row per customer and period with its total and
//! currency. Read here (pure: bytes in, rows and problems out); the store maps each row's customer onto a
//! billops customer and keeps the statements as a second source of the customer tie-out.
//!
//! Columns (names in any case, spaces or underscores; the first of each list found is used): customer —
//! `Customer ID` and/or `Customer Name` (`Customer`); `Billing Period` (`Statement Period`, `Period`):
//! `2026-05`, `2026-05-01` (a month's first day), `May 2026`; `Status` (`Statement Status`): `Estimated` or
//! `Final`; `Total` (`Total Amount`, `Statement Total`): an exact decimal; `Currency` (`Currency Code`): three
//! letters. A row with a fault is never dropped or guessed: every fault of every row is listed with its line and
//! column, and the file is refused whole.
use std::collections::HashMap;

use billops_domain::Period;
use billops_domain::close::StatementStatus;
use billops_domain::money::parse_decimal;
use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;

/// One statement as the file states it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatementRow {
    /// The line the row starts on (the header is line 1).
    pub line: u64,
    /// CloudHealth's customer id and name (at least one is set).
    pub customer_id: Option<String>,
    pub customer_name: Option<String>,
    pub period: Period,
    pub status: StatementStatus,
    pub total: Decimal,
    pub currency: String,
}

impl StatementRow {
    /// How the row names its customer (for messages): `name (id)`, the name, or the id.
    pub fn customer_text(&self) -> String {
        match (&self.customer_name, &self.customer_id) {
            (Some(n), Some(i)) => format!("{n} ({i})"),
            (Some(n), None) => n.clone(),
            (None, Some(i)) => i.clone(),
            (None, None) => String::new(),
        }
    }
}

/// A fault in one row: where, what the cell held, and why it is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowProblem {
    pub line: u64,
    pub column: String,
    pub value: String,
    pub why: String,
}

/// A statement file read: its rows, its faults (the file is refused when there is any), and the blake3 of its
/// content (the same file twice is recognised).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatementFile {
    pub rows: Vec<StatementRow>,
    pub problems: Vec<RowProblem>,
    pub content_hash: String,
    /// The header names of the customer columns found (`Customer Name`, `Customer ID`), for messages.
    pub customer_columns: Vec<String>,
}

const ID: &[&str] = &["customer id", "customer_id", "customerid"];
const NAME: &[&str] = &["customer name", "customer", "customer_name", "customername"];
const PERIOD: &[&str] = &["billing period", "statement period", "period", "billing_period"];
const STATUS: &[&str] = &["status", "statement status", "statement_status"];
const TOTAL: &[&str] = &["total", "total amount", "statement total", "total_amount", "statement_total"];
const CURRENCY: &[&str] = &["currency", "currency code", "currency_code"];

fn norm(h: &str) -> String {
    h.trim()
        .trim_start_matches('\u{feff}')
        .to_ascii_lowercase()
        .replace('_', " ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

fn find(headers: &[String], names: &[&str]) -> Option<usize> {
    names.iter().find_map(|n| headers.iter().position(|h| *h == norm(n)))
}

/// A billing period as a statement writes it: `2026-05`, `2026-05-01`, `2026/05`, `May 2026`, `May-2026`.
pub fn parse_period(s: &str) -> Result<Period, String> {
    let t = s.trim();
    if let Ok(p) = t.replace('/', "-").parse::<Period>() {
        return Ok(p);
    }
    if let Ok(d) = NaiveDate::parse_from_str(t, "%Y-%m-%d") {
        return if d.day() == 1 {
            Ok(Period::of_date(d))
        } else {
            Err(format!("{t:?} is not a month's first day: a billing period is a calendar month (YYYY-MM)"))
        };
    }
    for f in ["%d %B %Y", "%d %b %Y"] {
        if let Ok(d) = NaiveDate::parse_from_str(&format!("1 {}", t.replace('-', " ")), f) {
            return Ok(Period::of_date(d));
        }
    }
    Err(format!("{t:?} is not a billing period (YYYY-MM, YYYY-MM-01 or \"May 2026\")"))
}

/// Read a statement file's bytes (UTF-8 CSV with a header row). `Err` when the file itself is not a statement
/// export (not CSV, a required column missing); faults of rows are listed in [`StatementFile::problems`].
pub fn parse(bytes: &[u8]) -> Result<StatementFile, String> {
    let content_hash = blake3::hash(bytes).to_hex().to_string();
    let mut r = csv::ReaderBuilder::new().flexible(true).from_reader(bytes);
    let raw: Vec<String> =
        r.headers().map_err(|e| format!("not a CSV file: {e}"))?.iter().map(str::to_string).collect();
    let headers: Vec<String> = raw.iter().map(|h| norm(h)).collect();
    let (id, name) = (find(&headers, ID), find(&headers, NAME));
    let col = |names: &[&str], what: &str| {
        find(&headers, names).ok_or_else(|| {
            format!(
                "not a CloudHealth customer statement export: no {what} column (expected one of {}; the header \
                 has {})",
                names.join(", "),
                raw.join(", ")
            )
        })
    };
    if id.is_none() && name.is_none() {
        col(NAME, "customer (Customer Name or Customer ID)")?;
    }
    let (period, status, total, currency) =
        (col(PERIOD, "billing period")?, col(STATUS, "status")?, col(TOTAL, "total")?, col(CURRENCY, "currency")?);
    let customer_columns: Vec<String> = [name, id].into_iter().flatten().map(|i| raw[i].trim().to_string()).collect();
    let (mut rows, mut problems) = (Vec::new(), Vec::new());
    let mut seen: HashMap<(String, Period), u64> = HashMap::new();
    for rec in r.records() {
        let rec = rec.map_err(|e| format!("not a CSV file: {e}"))?;
        let line = rec.position().map_or(0, csv::Position::line);
        if rec.iter().all(|c| c.trim().is_empty()) {
            continue; // a blank line carries no statement
        }
        if rec.len() != raw.len() {
            let why =
                format!("the row has {} fields, the header {}: nothing is shifted or guessed", rec.len(), raw.len());
            problems.push(RowProblem { line, column: "(row)".into(), value: String::new(), why });
            continue;
        }
        let cell = |i: usize| rec.get(i).unwrap_or("").trim().to_string();
        // every fault of the row: (column index, why)
        let mut faults: Vec<(usize, String)> = Vec::new();
        let opt = |i: Option<usize>| i.map(cell).filter(|v| !v.is_empty());
        let (cid, cname) = (opt(id), opt(name));
        let at_customer = name.or(id).unwrap_or(0);
        if cid.is_none() && cname.is_none() {
            faults.push((at_customer, "no customer: the customer name or id is empty".into()));
        }
        let p = parse_period(&cell(period)).map_err(|why| faults.push((period, why))).ok();
        let st = cell(status).parse::<StatementStatus>().map_err(|why| faults.push((status, why))).ok();
        let t = parse_decimal(&cell(total)).map_err(|e| faults.push((total, format!("not an exact amount: {e}")))).ok();
        let cur = cell(currency).to_ascii_uppercase();
        if !(cur.len() == 3 && cur.chars().all(|c| c.is_ascii_uppercase())) {
            faults.push((currency, "not a currency code (three letters, ISO 4217)".into()));
        }
        if let Some(p) = p {
            let key = (cname.clone().or_else(|| cid.clone()).unwrap_or_default().to_lowercase(), p);
            if let Some(first) = seen.get(&key) {
                faults.push((
                    at_customer,
                    format!("a second statement for this customer and {p} (the first is on line {first})"),
                ));
            } else if !key.0.is_empty() {
                seen.insert(key, line);
            }
        }
        let (Some(p), Some(st), Some(t), true) = (p, st, t, faults.is_empty()) else {
            problems.extend(faults.into_iter().map(|(i, why)| RowProblem {
                line,
                column: raw[i].trim().to_string(),
                value: cell(i),
                why,
            }));
            continue;
        };
        rows.push(StatementRow {
            line,
            customer_id: cid,
            customer_name: cname,
            period: p,
            status: st,
            total: t,
            currency: cur,
        });
    }
    Ok(StatementFile { rows, problems, content_hash, customer_columns })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn periods_as_statements_write_them() {
        for s in ["2026-05", "2026/05", "2026-05-01", "May 2026", "may-2026", "September 2026"] {
            assert!(parse_period(s).is_ok(), "{s}");
        }
        assert_eq!(parse_period("Sep 2026").unwrap().to_string(), "2026-09");
        assert!(parse_period("2026-05-31").unwrap_err().contains("first day"));
        assert!(parse_period("Q2 2026").is_err());
    }
}
