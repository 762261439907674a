//! The IO half of the management report: gather the period's records from the store, then [`super::build`].
use billops_domain::Period;
use billops_domain::request::{Standing, TimerState};
use billops_store::disputes::DisputeFilter;
use billops_store::{CreditFilter, InvoiceFilter, Result, Store};
use chrono::{DateTime, Utc};

use super::{OpenRequest, Report, ReportInput, build};
use crate::month::CloseSettings;

/// The cost currency: the one the period's supplier invoices are in (the first entered when they differ),
/// USD when none is entered.
async fn cost_currency(store: &dyn Store, period: Period) -> Result<String> {
    Ok(store.list_supplier_invoices(Some(period)).await?.into_iter().map(|s| s.currency).next().unwrap_or("USD".into()))
}

/// Requests still open (not stopped), with their SLA standing at `now`.
async fn requests(store: &dyn Store, now: DateTime<Utc>) -> Result<Vec<OpenRequest>> {
    let cal = store.request_calendar().await?;
    Ok(store
        .list_requests()
        .await?
        .into_iter()
        .filter(|r| !matches!(r.timer.state(), TimerState::Stopped(_)))
        .map(|r| {
            let s: Standing = r.timer.standing(r.target, &cal, now);
            OpenRequest {
                id: r.id,
                external_ref: r.external_ref,
                customer: r.customer,
                subject: r.subject,
                standing: crate::month::requests::time_left(s),
            }
        })
        .collect())
}

/// Everything the report of `period` is built from, as of `now`.
pub async fn input(store: &dyn Store, period: Period, now: DateTime<Utc>, cfg: &CloseSettings) -> Result<ReportInput> {
    let issuer = crate::documents::load::issuer(store).await?.name;
    let customers = store.list_customers().await?.into_iter().map(|c| (c.code, c.name)).collect();
    let mut invoices = Vec::new();
    for s in store.list_invoices(&InvoiceFilter { period: Some(period), customer: None }).await? {
        invoices.push(store.invoice(s.id).await?);
    }
    let open = DisputeFilter { open_only: true, ..Default::default() };
    Ok(ReportInput {
        period,
        generated_at: now,
        issuer,
        customers,
        invoices,
        payers: store.payer_figures(period).await?,
        cost_currency: cost_currency(store, period).await?,
        variance: crate::month::variance::report(store, period, cfg).await?,
        credits: store.list_credits(&CreditFilter::default()).await?,
        unreached: store.unreached_credits(period).await?,
        disputes: store.list_disputes(&open).await?,
        cases: store.list_cases(None).await?,
        requests: requests(store, now).await?,
    })
}

/// The management report of `period` as of `now`.
pub async fn report(store: &dyn Store, period: Period, now: DateTime<Utc>, cfg: &CloseSettings) -> Result<Report> {
    build(&input(store, period, now, cfg).await?)
}

/// Write the report's two forms beside each other in `dir`: `management-report-YYYY-MM.html` and `.csv`
/// (`-2`, `-3`, … when a pair of that name exists: an earlier run is never overwritten). Both texts are made
/// before any file is written. The console's Close pane (`m`) calls this; the CLI writes one form to
/// `--output`.
pub fn write_files(dir: &std::path::Path, r: &Report) -> std::io::Result<(std::path::PathBuf, std::path::PathBuf)> {
    use std::io::Write;
    let html = super::html::render(r);
    let csv = super::csv::render(r)?;
    std::fs::create_dir_all(dir)?;
    for n in 1..10_000u32 {
        let stem = if n == 1 {
            format!("management-report-{}", r.period)
        } else {
            format!("management-report-{}-{n}", r.period)
        };
        let (h, c) = (dir.join(format!("{stem}.html")), dir.join(format!("{stem}.csv")));
        if c.exists() {
            continue;
        }
        match std::fs::OpenOptions::new().write(true).create_new(true).open(&h) {
            Ok(mut f) => {
                f.write_all(html.as_bytes())?;
                std::fs::write(&c, csv.as_bytes())?;
                return Ok((h, c));
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
    }
    Err(std::io::Error::other(format!("{}: too many management reports", dir.display())))
}
