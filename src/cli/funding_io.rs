//! `billops funding import|export|reconcile|credits|status`: the pipeline as CSV both ways, finance's records
//! and the customers' invoices against it, and the per-application status text for the customer.
//!
//! - `export` writes what `list --format csv` shows (same columns, same order) plus the fulfilment and the
//!   other dates; `import FILE.csv` reads that shape back. A row without an id is a new application in
//!   draft; a row with an id brings in the programme's dates and the opportunity's state and must agree
//!   with the store on everything else (an export imported again changes nothing). One transaction: a bad
//!   row is named by line and column and nothing is written (exit 2 for a malformed file, the store's code
//!   for a refusal).
//! - `reconcile FINANCE.csv`: columns `application` (or `id`) and any of `approved`, `claimed`, `received`,
//!   `currency`; every difference listed (exit 0 either way; the list is the answer).
//! - `credits`: paid applications fulfilled in credits followed into the customer's funding credits
//!   (evidence naming `funding:ID` or the opportunity) and on to the invoices they were applied to.
//! - `status ID`: plain text to send to the customer (no internal names).
use std::path::Path;

use billops_domain::funding::{Fulfilment, FundingDates, FundingInput, OpportunityState, Stage, Status};
use billops_domain::funding_recon::{FinanceRecord, against_finance, against_invoices, status_text};
use billops_domain::money::{canonical, parse_typed_amount};
use billops_domain::text::Name;
use billops_store::{CreditFilter, FundingImportRow, FundingRecord};
use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::funding::list_table;
use super::month::{print, today};
use super::output::{OutputFormat, Table};
use super::{Ctx, Failure};

/// Exit code for a file that cannot be read as the expected CSV.
const BAD_FILE: u8 = 2;

fn snake<T: serde::Serialize>(v: &T) -> String {
    match serde_json::to_value(v) {
        Ok(serde_json::Value::String(s)) => s,
        _ => String::new(),
    }
}

fn from_snake<T: serde::de::DeserializeOwned>(s: &str) -> Option<T> {
    serde_json::from_value(serde_json::Value::String(s.trim().to_ascii_lowercase().replace([' ', '-'], "_"))).ok()
}

/// The export: the list's columns, then fulfilment and the other dates.
pub(super) fn export_table(rows: &[FundingRecord]) -> Table {
    let mut t = list_table(rows);
    for h in ["fulfilment", "submit_by", "project_start", "project_end"] {
        t.headers.push(h.into());
        t.numeric.push(false);
    }
    let date = |d: Option<NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
    for (row, f) in t.rows.iter_mut().zip(rows) {
        let d = f.app.input.dates;
        row.push(snake(&f.app.input.fulfilment));
        row.push(date(d.submit_by));
        row.push(date(d.project_start));
        row.push(date(d.project_end));
    }
    t
}

pub(super) async fn export(ctx: &Ctx, customer: Option<&str>) -> Result<u8, Failure> {
    let rows = ctx.store.list_funding(customer).await?;
    print(&export_table(&rows), OutputFormat::Csv)
}

/// A CSV file's columns by name (case-insensitive), and a reader of one record's cells.
struct Cols {
    file: String,
    names: Vec<String>,
}

impl Cols {
    fn at(&self, line: u64, col: &str, m: impl std::fmt::Display) -> Failure {
        Failure::new(BAD_FILE, format!("{}: line {line}, column {col}: {m}; nothing was imported", self.file))
    }
    fn get<'r>(&self, r: &'r csv::StringRecord, col: &str) -> Option<&'r str> {
        let i = self.names.iter().position(|n| n == col)?;
        r.get(i).map(str::trim).filter(|v| !v.is_empty())
    }
    fn need<'r>(&self, r: &'r csv::StringRecord, line: u64, col: &str) -> Result<&'r str, Failure> {
        self.get(r, col).ok_or_else(|| self.at(line, col, "required"))
    }
    fn date(&self, r: &csv::StringRecord, line: u64, col: &str) -> Result<Option<NaiveDate>, Failure> {
        self.get(r, col)
            .map(|v| {
                NaiveDate::parse_from_str(v, "%Y-%m-%d")
                    .map_err(|_| self.at(line, col, format!("{v:?} is not YYYY-MM-DD")))
            })
            .transpose()
    }
    fn money(&self, r: &csv::StringRecord, line: u64, col: &str, currency: &str) -> Result<Option<Decimal>, Failure> {
        self.get(r, col).map(|v| parse_typed_amount(v, currency).map_err(|e| self.at(line, col, e))).transpose()
    }
    fn parsed<T: serde::de::DeserializeOwned>(
        &self,
        r: &csv::StringRecord,
        line: u64,
        col: &str,
        all: &str,
    ) -> Result<Option<T>, Failure> {
        self.get(r, col)
            .map(|v| from_snake(v).ok_or_else(|| self.at(line, col, format!("{v:?} is not one of {all}"))))
            .transpose()
    }
    fn name(&self, r: &csv::StringRecord, line: u64, col: &str) -> Result<String, Failure> {
        let v = self.need(r, line, col)?;
        Name::new(col, v).map(Name::into_string).map_err(|e| self.at(line, col, e))
    }
}

fn open(file: &Path) -> Result<(csv::Reader<std::fs::File>, Cols), Failure> {
    let shown = file.display().to_string();
    let mut rd = csv::Reader::from_path(file).map_err(|e| Failure::new(BAD_FILE, format!("{shown}: {e}")))?;
    let names = rd
        .headers()
        .map_err(|e| Failure::new(BAD_FILE, format!("{shown}: line 1: {e}")))?
        .iter()
        .map(|h| h.trim().to_ascii_lowercase())
        .collect();
    Ok((rd, Cols { file: shown, names }))
}

fn records(rd: &mut csv::Reader<std::fs::File>, cols: &Cols) -> Result<Vec<(u64, csv::StringRecord)>, Failure> {
    let mut out = Vec::new();
    for r in rd.records() {
        let r = r.map_err(|e| {
            let line = e.position().map_or(0, |p| p.line());
            Failure::new(BAD_FILE, format!("{}: line {line}: {e}; nothing was imported", cols.file))
        })?;
        let line = r.position().map_or(0, |p| p.line());
        out.push((line, r));
    }
    Ok(out)
}

pub(super) async fn import(ctx: &Ctx, file: &Path) -> Result<u8, Failure> {
    let (mut rd, cols) = open(file)?;
    for need in ["customer", "program", "requested", "opportunity"] {
        if !cols.names.iter().any(|n| n == need) {
            return Err(cols.at(1, need, "the header must name it"));
        }
    }
    let mut rows = Vec::new();
    for (line, r) in records(&mut rd, &cols)? {
        let customer = cols.name(&r, line, "customer")?;
        let currency = match cols.get(&r, "currency") {
            Some(c) => c.to_ascii_uppercase(),
            None => ctx.store.customer(&customer).await.map_err(|e| cols.at(line, "customer", e))?.currency,
        };
        let id = cols
            .get(&r, "id")
            .map(|v| v.parse::<i64>().map_err(|_| cols.at(line, "id", format!("{v:?} is not an application id"))))
            .transpose()?;
        let version = cols
            .get(&r, "version")
            .map(|v| v.parse::<u32>().map_err(|_| cols.at(line, "version", format!("{v:?} is not a version"))))
            .transpose()?;
        let requested =
            cols.money(&r, line, "requested", &currency)?.ok_or_else(|| cols.at(line, "requested", "required"))?;
        let fulfilment: Option<Fulfilment> = cols.parsed(&r, line, "fulfilment", "credits, cash")?;
        let input = FundingInput {
            customer,
            program: cols.name(&r, line, "program")?,
            requested,
            currency: currency.clone(),
            fulfilment: fulfilment.unwrap_or(Fulfilment::Credits),
            opportunity: cols.name(&r, line, "opportunity")?,
            dates: FundingDates {
                submit_by: cols.date(&r, line, "submit_by")?,
                project_start: cols.date(&r, line, "project_start")?,
                project_end: cols.date(&r, line, "project_end")?,
                claim_due: cols.date(&r, line, "claim_due")?,
            },
        };
        let stages = "draft, submitted, approved, claim_submitted, claim_approved, paid, assigned_to_project";
        let statuses = "pending_submission, in_review, action_required, approved, rejected, cancelled";
        rows.push(FundingImportRow {
            line,
            id,
            input,
            opportunity_state: cols.parsed::<OpportunityState>(
                &r,
                line,
                "opportunity_state",
                "pending, approved, rejected, expired",
            )?,
            stage: cols.parsed::<Stage>(&r, line, "stage", stages)?,
            status: cols.parsed::<Status>(&r, line, "status", statuses)?,
            approved: cols.money(&r, line, "approved", &currency)?,
            claimed: cols.money(&r, line, "claimed", &currency)?,
            received: cols.money(&r, line, "received", &currency)?,
            version,
        });
    }
    let s = ctx.store.import_funding(&rows, &ctx.actor()).await?;
    let ids = |v: &[i64]| v.iter().map(i64::to_string).collect::<Vec<_>>().join(" ");
    outln!(
        "{}: {} added ({}), {} updated ({}), {} unchanged",
        cols.file,
        s.added.len(),
        ids(&s.added),
        s.updated.len(),
        ids(&s.updated),
        s.unchanged
    )?;
    Ok(0)
}

pub(super) async fn reconcile(ctx: &Ctx, file: &Path, format: OutputFormat) -> Result<u8, Failure> {
    let (mut rd, cols) = open(file)?;
    let app_col = if cols.names.iter().any(|n| n == "application") { "application" } else { "id" };
    if !cols.names.iter().any(|n| n == app_col) {
        return Err(cols.at(1, "application", "the header must name the application (or id) column"));
    }
    let mut finance = Vec::new();
    for (line, r) in records(&mut rd, &cols)? {
        let v = cols.need(&r, line, app_col)?;
        let application =
            v.parse::<i64>().map_err(|_| cols.at(line, app_col, format!("{v:?} is not an application id")))?;
        let currency = cols.get(&r, "currency").map(str::to_ascii_uppercase);
        let cur = currency.clone().unwrap_or_else(|| "USD".into());
        finance.push(FinanceRecord {
            line,
            application,
            approved: cols.money(&r, line, "approved", &cur)?,
            claimed: cols.money(&r, line, "claimed", &cur)?,
            received: cols.money(&r, line, "received", &cur)?,
            currency,
        });
    }
    let all = ctx.store.list_funding(None).await?;
    let apps: Vec<(i64, &billops_domain::funding::Application)> = all.iter().map(|f| (f.id, &f.app)).collect();
    let diffs = against_finance(&apps, &finance);
    let mut t = Table::new(&["application", "customer", "what", "billops", "finance"]);
    for d in &diffs {
        t.push(vec![d.application.to_string(), d.customer.clone(), d.what.clone(), d.ours.clone(), d.theirs.clone()]);
    }
    if diffs.is_empty() && format == OutputFormat::Table {
        outln!("{}: finance agrees with billops on {} application(s)", cols.file, finance.len())?;
        return Ok(0);
    }
    print(&t, format)
}

pub(super) async fn credits(ctx: &Ctx, format: OutputFormat) -> Result<u8, Failure> {
    let all = ctx.store.list_funding(None).await?;
    let stored = ctx.store.list_credits(&CreditFilter::default()).await?;
    let credits: Vec<&billops_domain::credit::Credit> = stored.iter().map(|c| &c.credit).collect();
    let apps: Vec<(i64, &billops_domain::funding::Application)> = all.iter().map(|f| (f.id, &f.app)).collect();
    let mut t = Table::new(&[
        "application",
        "customer",
        "program",
        "received",
        "credited",
        "on_invoices",
        "credits",
        "invoices",
        "reconciled",
    ]);
    for n in ["received", "credited", "on_invoices"] {
        t = t.numeric(n);
    }
    for tr in against_invoices(&apps, &credits) {
        let inv: Vec<String> = tr.invoices.iter().map(|(i, a)| format!("{i}={}", canonical(*a))).collect();
        let diffs = tr.differences();
        t.push(vec![
            tr.application.to_string(),
            tr.customer.clone(),
            tr.program.clone(),
            canonical(tr.received),
            canonical(tr.credited),
            canonical(tr.on_invoices),
            tr.credits.join(" "),
            inv.join(" "),
            if diffs.is_empty() {
                "yes".into()
            } else {
                diffs.iter().map(|d| d.what.clone()).collect::<Vec<_>>().join(", ")
            },
        ]);
    }
    print(&t, format)
}

pub(super) async fn status(ctx: &Ctx, id: i64) -> Result<u8, Failure> {
    let f = ctx.store.funding(id).await?;
    for line in status_text(f.id, &f.app, today()).lines() {
        outln!("{line}")?;
    }
    Ok(0)
}
