//! Credit notes: the correction of an issued invoice (SPEC §2.4), issued by a manager in the `CN-` series;
//! exported like invoices (CSV, JSON, printable HTML).
use billops_domain::credit_note::remaining;
use billops_store::{Actor, CreditNote, CreditNoteFilter, NewCreditNote, Result, Store, StoreError};
use rust_decimal::Decimal;
use serde::Serialize;

use super::CREDIT_NOTE_SERIES;
use super::invoices::html_escape;
use crate::csv_out::{self, Cell::Number, Cell::Text};

/// An issued credit note and what its invoice can still be credited.
#[derive(Debug, Clone, Serialize)]
pub struct Issued {
    pub note: CreditNote,
    pub invoice_total: Decimal,
    pub still_creditable: Decimal,
}

/// Issue a credit note against invoice `invoice_id` (the store checks role, amount, locks and numbers).
pub async fn issue(store: &dyn Store, invoice_id: i64, amount: Decimal, reason: &str, by: &Actor) -> Result<Issued> {
    let n = NewCreditNote { invoice_id, amount, reason: reason.to_string() };
    let note = store.issue_credit_note(&n, CREDIT_NOTE_SERIES, by).await?;
    let invoice_total = store.invoice(invoice_id).await?.total;
    let f = CreditNoteFilter { invoice_id: Some(invoice_id), ..CreditNoteFilter::default() };
    let credited: Decimal = store.list_credit_notes(&f).await?.iter().map(|n| n.amount).sum();
    Ok(Issued { note, invoice_total, still_creditable: remaining(invoice_total, credited) })
}

/// One credit note as CSV (one row), JSON (amounts as strings) or printable HTML.
pub fn export(n: &CreditNote, format: &str) -> Result<String> {
    match format {
        "json" => serde_json::to_string_pretty(n).map_err(|e| StoreError::Invalid(e.to_string())),
        "csv" => {
            let header = ["credit_note", "invoice", "customer", "period", "issued_on", "currency", "amount", "reason"];
            let (period, issued, amount) =
                (n.period.to_string(), n.issued_on.to_string(), n.amount.normalize().to_string());
            let row = [
                Text(&n.number),
                Text(&n.invoice_number),
                Text(&n.customer),
                Text(&period),
                Number(&issued),
                Text(&n.currency),
                Number(&amount),
                Text(&n.reason),
            ];
            csv_out::to_string(&header, [row]).map_err(|e| StoreError::Invalid(format!("credit note CSV: {e}")))
        }
        "html" => Ok(format!(
            "<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>Credit note {n}</title></head><body>\n\
             <h1>Credit note {n}</h1>\n<p>Customer {c} &middot; issued {d} &middot; corrects invoice {i} \
             (period {p})</p>\n<table>\n<tr><th>Reason</th><th>Amount ({cur})</th></tr>\n\
             <tr><td>{r}</td><td>-{a}</td></tr>\n</table></body></html>\n",
            n = html_escape(&n.number),
            c = html_escape(&n.customer),
            d = n.issued_on,
            i = html_escape(&n.invoice_number),
            p = n.period,
            cur = html_escape(&n.currency),
            r = html_escape(&n.reason),
            a = n.amount.normalize()
        )),
        other => Err(StoreError::Invalid(format!("unknown format {other:?} (csv, json or html)"))),
    }
}
