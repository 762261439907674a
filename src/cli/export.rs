//! `billops export focus --period YYYY-MM --output FILE.csv`: the FinOps FOCUS 1.0 file of what customers were
//! invoiced in a period (`crate::focus`). The form is fixed: scripts and our checks use it.
use std::io::Write;
use std::path::{Path, PathBuf};

use clap::{Args, Subcommand};

use super::month::period;
use super::{Ctx, Failure};
use crate::focus;

/// Exit code of `export focus` when the period has no issued invoice (nothing is written).
pub const NOTHING_ISSUED: u8 = 4;

#[derive(Debug, Subcommand)]
pub enum ExportCmd {
    /// FinOps FOCUS 1.0 CSV of what customers were invoiced for a period, one row per invoice line.
    ///
    /// The rated, customer-facing data: one row per line of each invoice issued for the
    /// period (issued, partly paid, paid, disputed; never drafts or void ones), as the customer was invoiced —
    /// charges, discounts, credits, PPA corrections (ChargeClass Correction), tax and the rounding line — so
    /// BilledCost adds up to the issued invoices' totals. InvoiceId is the invoice number, InvoiceIssuerName
    /// the shared setting issuer.name (else "billops"), ProviderName the cloud behind the line. Credit notes
    /// are documents of their own and not rows (`billops invoices credit-notes --period`).
    /// The file is written whole or not at all (a temporary file beside it, renamed); an existing FILE is
    /// refused unless --force. Exit 0 written; 4 no invoice of the period is issued (nothing written); 1 a bad
    /// period, an existing FILE, an invoice in a currency that is not ISO 4217, or another error.
    Focus(FocusArgs),
}

#[derive(Debug, Args)]
pub struct FocusArgs {
    /// Billing period YYYY-MM.
    #[arg(long, value_name = "YYYY-MM")]
    pub period: String,
    /// The CSV file to write.
    #[arg(long, value_name = "FILE")]
    pub output: PathBuf,
    /// Replace FILE if it exists.
    #[arg(long)]
    pub force: bool,
}

pub async fn export(ctx: &Ctx, c: ExportCmd) -> Result<u8, Failure> {
    match c {
        ExportCmd::Focus(a) => focus_export(ctx, a).await,
    }
}

async fn focus_export(ctx: &Ctx, a: FocusArgs) -> Result<u8, Failure> {
    let p = period(&a.period)?;
    if !a.force && a.output.exists() {
        return Err(Failure::user(format!("{} exists: give --force to replace it", a.output.display())));
    }
    let x = focus::load(ctx.store.as_ref(), p).await?;
    let skipped = |x: &focus::load::Export| {
        let mut s = Vec::new();
        if x.not_issued > 0 {
            s.push(format!("{} not issued yet", x.not_issued));
        }
        if x.void > 0 {
            s.push(format!("{} void", x.void));
        }
        s
    };
    if x.invoices == 0 {
        let why = skipped(&x);
        let why = if why.is_empty() { String::new() } else { format!(" ({})", why.join(", ")) };
        super::out::err_line(&format!(
            "billops: no invoice of {p} is issued{why}: nothing written to {}",
            a.output.display()
        ));
        return Ok(NOTHING_ISSUED);
    }
    write_whole(&a.output, a.force, |w| focus::write_csv(&x.rows, w).map(|_| ()))?;
    let totals: Vec<String> = x.totals.iter().map(|(cur, t)| format!("{cur} {t}")).collect();
    outln!(
        "FOCUS 1.0: {} row(s) from {} issued invoice(s) of {p} written to {}; BilledCost {}",
        x.rows.len(),
        x.invoices,
        a.output.display(),
        totals.join(", ")
    )?;
    let why = skipped(&x);
    if !why.is_empty() {
        super::out::err_line(&format!("billops: note: invoices of {p} not in the export: {}", why.join(", ")));
    }
    Ok(0)
}

/// Write `path` whole or not at all: into a temporary file in the same folder, flushed to disk, then renamed
/// over it (`replace`) or linked in place only if nothing is there (a file that appeared meanwhile is not
/// overwritten). A failure leaves no partial file behind.
fn write_whole(
    path: &Path,
    replace: bool,
    write: impl FnOnce(&mut std::io::BufWriter<&std::fs::File>) -> std::io::Result<()>,
) -> Result<(), Failure> {
    let shown = path.display();
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let fail = |e: std::io::Error| Failure::user(format!("{shown}: {e}"));
    let tmp = tempfile::Builder::new().prefix(".billops-export-").suffix(".tmp").tempfile_in(dir).map_err(fail)?;
    {
        let mut w = std::io::BufWriter::new(tmp.as_file());
        write(&mut w).map_err(fail)?;
        w.flush().map_err(fail)?;
    }
    tmp.as_file().sync_all().map_err(fail)?;
    let persisted = if replace { tmp.persist(path) } else { tmp.persist_noclobber(path) };
    persisted.map_err(|e| match e.error.kind() {
        std::io::ErrorKind::AlreadyExists => Failure::user(format!("{shown} exists: give --force to replace it")),
        _ => fail(e.error),
    })?;
    Ok(())
}
