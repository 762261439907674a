//! `billops cloudhealth statements import FILE` / `list`, and `billops recon PERIOD --statements`: CloudHealth
//! customer statements as the second source of the tie-out (issue 13). The file is read by
//! `billops_import::cloudhealth_statements` (every faulty row named by file, line and column: the file is
//! refused whole), then imported by the store in one transaction (`ChStatements`). Exit codes of `import`:
//! 0 imported, 2 refused (a faulty row, a row naming no billops customer, a signed-off period, the same file
//! again: nothing changed), 1 the file cannot be read.
use std::path::{Path, PathBuf};

use billops_domain::close::StatementTieStatus;
use billops_domain::money::canonical;
use billops_store::{ChChange, ChStatementFile, NewChStatement, StoreError};
use clap::Subcommand;

use super::month::{NOT_READY, period, print};
use super::output::{OutputFormat, Table};
use super::{Ctx, Failure};

/// Exit code of a refused statement file (as `billops import`'s refused file).
const REFUSED: u8 = 2;

#[derive(Debug, Subcommand)]
pub enum CloudhealthCmd {
    /// CloudHealth customer statements (per customer and billing period, Estimated then Final).
    #[command(subcommand)]
    Statements(StatementsCmd),
}

#[derive(Debug, Subcommand)]
pub enum StatementsCmd {
    /// Import a statement export (CSV: Customer Name and/or Customer ID, Billing Period, Status
    /// Estimated|Final, Total, Currency). Each customer is matched to a billops customer by code, then by name;
    /// a row that matches none refuses the file (file, line, column). All or nothing; the same file twice
    /// changes nothing; a Final replaces an Estimated (kept in history). Exit 2 refused, 1 unreadable.
    Import {
        file: PathBuf,
        #[arg(long, value_enum, default_value_t)]
        format: OutputFormat,
        /// Read, validate and map the file as the import would and print what it would do; write nothing.
        /// Exit codes as the import's.
        #[arg(long)]
        dry_run: bool,
    },
    /// The current statements (of a period), or every version with --history.
    List {
        #[arg(long, value_name = "YYYY-MM")]
        period: Option<String>,
        #[arg(long)]
        history: bool,
        #[arg(long, value_enum, default_value_t)]
        format: OutputFormat,
    },
}

pub async fn cloudhealth(ctx: &Ctx, c: CloudhealthCmd) -> Result<u8, Failure> {
    match c {
        CloudhealthCmd::Statements(StatementsCmd::Import { file, format, dry_run }) => {
            import(ctx, &file, format, dry_run).await
        }
        CloudhealthCmd::Statements(StatementsCmd::List { period: p, history, format }) => {
            let p = p.as_deref().map(period).transpose()?;
            let mut t = Table::new(&[
                "customer",
                "period",
                "status",
                "total",
                "currency",
                "cloudhealth_customer",
                "file",
                "line",
                "imported_by",
                "replaced",
            ])
            .numeric("total");
            for s in ctx.store.ch_statements(p, history).await? {
                t.push(vec![
                    s.customer,
                    s.period.to_string(),
                    s.status.to_string(),
                    canonical(s.total),
                    s.currency,
                    s.ch_customer,
                    s.file_name,
                    s.line.to_string(),
                    s.imported_by,
                    s.replaced_at.map(|d| d.format("%Y-%m-%d %H:%M").to_string()).unwrap_or_default(),
                ]);
            }
            print(&t, format)
        }
    }
}

/// Read one statement file into the store's rows; a faulty row refuses it (2), an unreadable file is 1.
fn read_file(path: &Path) -> Result<(ChStatementFile, Vec<NewChStatement>), Failure> {
    if let Err(e) = std::fs::metadata(path) {
        return Err(Failure::user(format!("{}: {e}", path.display())));
    }
    crate::ingest::ch_statements(path).map_err(|m| Failure::new(REFUSED, m))
}

/// A store refusal of a statement file: refused (2) when the file is at fault, else as any store error.
pub fn refusal(name: &str, e: StoreError) -> Failure {
    match e {
        e @ (StoreError::Invalid(_) | StoreError::Locked { .. } | StoreError::AlreadyImported { .. }) => {
            Failure::new(REFUSED, format!("{name}: refused: {e}"))
        }
        e => Failure::from(e),
    }
}

/// What a row did, in words.
pub fn change_text(c: &ChChange) -> String {
    match c {
        ChChange::Added => "added".into(),
        ChChange::Replaced { was, total, currency } => format!("replaced the {was} {} {currency}", canonical(*total)),
        ChChange::Unchanged => "unchanged".into(),
        ChChange::KeptFinal => "not imported: the Final statement stays".into(),
    }
}

/// What a row would do, in words (`--dry-run`).
fn would_text(c: &ChChange) -> String {
    match c {
        ChChange::Added => "would be added".into(),
        ChChange::Replaced { was, total, currency } => {
            format!("would replace the {was} {} {currency}", canonical(*total))
        }
        ChChange::Unchanged => "unchanged".into(),
        ChChange::KeptFinal => "would not be imported: the Final statement stays".into(),
    }
}

async fn import(ctx: &Ctx, path: &Path, format: OutputFormat, dry_run: bool) -> Result<u8, Failure> {
    let (file, rows) = read_file(path)?;
    let by = ctx.actor();
    let out = if dry_run {
        ctx.store.preview_ch_statements(&file, &rows, &by).await
    } else {
        ctx.store.import_ch_statements(&file, &rows, &by).await
    }
    .map_err(|e| refusal(&file.file_name, e))?;
    let change = if dry_run { would_text } else { change_text };
    let mut t = Table::new(&["line", "customer", "period", "status", "total", "currency", "result"]).numeric("total");
    for r in &out.rows {
        t.push(vec![
            r.line.to_string(),
            r.customer.clone(),
            r.period.to_string(),
            r.status.to_string(),
            canonical(r.total),
            r.currency.clone(),
            change(&r.change),
        ]);
    }
    print(&t, format)?;
    if format == OutputFormat::Table {
        let n = |f: fn(&ChChange) -> bool| out.rows.iter().filter(|r| f(&r.change)).count();
        outln!(
            "{}{}: {} statement(s): {} added, {} replaced, {} unchanged, {} estimated after a final (not imported)",
            if dry_run { "dry run, nothing written: " } else { "" },
            file.file_name,
            out.rows.len(),
            n(|c| matches!(c, ChChange::Added)),
            n(|c| matches!(c, ChChange::Replaced { .. })),
            n(|c| matches!(c, ChChange::Unchanged)),
            n(|c| matches!(c, ChChange::KeptFinal))
        )?;
    }
    Ok(0)
}

/// `billops recon PERIOD --statements`: per customer and currency, billops' invoices beside the CloudHealth
/// statement. Exit 0 when every row is a Final statement equal to the invoices, 4 otherwise.
pub async fn tie(ctx: &Ctx, p: &str, format: OutputFormat) -> Result<u8, Failure> {
    let ties = ctx.store.statement_tie(period(p)?).await?;
    let opt = |d: Option<rust_decimal::Decimal>| d.map(canonical).unwrap_or_else(|| "-".into());
    let mut t = Table::new(&[
        "customer",
        "currency",
        "invoiced",
        "invoices",
        "cloudhealth",
        "statement",
        "difference",
        "status",
    ])
    .numeric("invoiced")
    .numeric("cloudhealth")
    .numeric("difference");
    for x in &ties {
        t.push(vec![
            x.customer.clone(),
            x.currency.clone(),
            opt(x.invoiced),
            x.invoices.to_string(),
            opt(x.statement),
            x.statement_status.map(|s| s.to_string()).unwrap_or_else(|| "-".into()),
            opt(x.difference),
            x.status.as_str().to_string(),
        ]);
    }
    print(&t, format)?;
    if format == OutputFormat::Table {
        if ties.is_empty() {
            outln!("no invoices and no CloudHealth statements for {p}")?;
        } else if ties.iter().any(|x| x.status == StatementTieStatus::Estimated) {
            outln!("an estimated statement is not final: compare again when CloudHealth's Final arrives")?;
        }
    }
    Ok(if ties.iter().all(|x| x.status.is_ok()) { 0 } else { NOT_READY })
}
