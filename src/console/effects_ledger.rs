//! The runner's half for the month-end screens (`ops`): their reads, statement exports and writes. Like the
//! rest of the runner it answers with text or data and never touches the screen.
use std::path::{Path, PathBuf};

use billops_domain::money::canonical;
use billops_store::{InvoiceStep, Statement, StoreError};

use super::action::WriteOp;
use super::effects::Runner;
use super::ops::{BookData, LedgerQuery, LedgerReply, LedgerWrite};
use super::refusal::EffectError;
use crate::month;

fn e(err: StoreError) -> EffectError {
    EffectError::of_read(&err)
}

impl Runner {
    pub(super) async fn ledger(&self, q: LedgerQuery) -> Result<LedgerReply, EffectError> {
        let st = self.store.as_ref();
        Ok(match q {
            LedgerQuery::Statement { customer, from, to } => {
                LedgerReply::Statement(st.statement(&customer, from, to).await.map_err(e)?)
            }
            LedgerQuery::ExportStatement { statement } => {
                let dir = self.data_dir.join("exports");
                let (csv, json) = tokio::task::spawn_blocking(move || write_statement(&dir, &statement))
                    .await
                    .map_err(|err| err.to_string())
                    .and_then(|r| r)
                    .map_err(EffectError::failed)?;
                LedgerReply::StatementExported { csv, json }
            }
            LedgerQuery::Terms { customer, today } => {
                LedgerReply::Terms(month::terms::show(st, &customer, today).await.map_err(e)?)
            }
            LedgerQuery::PriceBook { customer, period } => {
                let (rules, usage) = month::rating::usage(st, &customer, period).await.map_err(e)?;
                LedgerReply::PriceBook(BookData { rules, usage })
            }
            LedgerQuery::PreviewRule { customer, period, rule } => LedgerReply::Preview(
                month::rating::preview_rule(st, &customer, period, rule.scope, rule.pricing, rule.from)
                    .await
                    .map_err(e)?,
            ),
            LedgerQuery::Sources { q } => LedgerReply::Sources(st.line_sources(&q).await.map_err(e)?),
            LedgerQuery::CreditNotes { invoice_id } => {
                let f = billops_store::CreditNoteFilter { invoice_id: Some(invoice_id), ..Default::default() };
                LedgerReply::CreditNotes(st.list_credit_notes(&f).await.map_err(e)?)
            }
        })
    }

    pub(super) async fn ledger_write(&self, w: LedgerWrite) -> Result<String, StoreError> {
        let st = self.store.as_ref();
        let by = self.actor();
        match w {
            LedgerWrite::SupplierInvoice(n) => {
                let x = st.add_supplier_invoice(&n, &by).await?;
                Ok(format!(
                    "supplier invoice {} of payer {} for {} entered: {} {} (tax {}, credits {})",
                    x.number,
                    x.payer,
                    x.period,
                    canonical(x.amount),
                    x.currency,
                    canonical(x.tax),
                    canonical(x.credits)
                ))
            }
            LedgerWrite::OpenCases { period } => {
                let out = month::cases::open(st, period, &by, &self.settings().await?).await?;
                let new = out.iter().filter(|o| o.created).count();
                Ok(if out.is_empty() {
                    format!("{period}: no payer has an unexplained residual: no case opened")
                } else {
                    format!("{period}: {new} case(s) opened, {} already open", out.len() - new)
                })
            }
            LedgerWrite::UpdateCase { id, update, version } => {
                let c = st.update_case(id, &update, Some(version), &by).await?;
                Ok(format!(
                    "case {id} ({} {}) is {}; expected {}, received {}",
                    c.payer,
                    c.period,
                    c.status,
                    canonical(c.expected),
                    canonical(c.received)
                ))
            }
            LedgerWrite::Payment(p) => {
                let x = st.add_payment(&p, &by).await?;
                let on = x.invoice.as_deref().map(|n| format!(" against {n}")).unwrap_or_default();
                Ok(format!(
                    "payment {} of {} from {} on {} recorded{on}",
                    x.id,
                    canonical(x.amount),
                    x.customer,
                    x.received_on
                ))
            }
            LedgerWrite::Bulk { step, invoices } => {
                let verb = if step == InvoiceStep::Approve { "approved" } else { "reviewed" };
                let mut refused = Vec::new();
                for (id, version, customer) in &invoices {
                    if let Err(err) = st.step_invoice(*id, step, "", Some(*version), &by).await {
                        let op = WriteOp::StepInvoice { id: *id, step, reason: String::new(), version: *version };
                        refused.push(format!("invoice {id} ({customer}): {}", EffectError::of(&err, Some(&op))));
                    }
                }
                let done = invoices.len() - refused.len();
                let head = format!("{verb} {done} of {} invoice(s)", invoices.len());
                if refused.is_empty() {
                    Ok(head)
                } else {
                    // Reported as a failure: the message line shows every refusal and the lists reload.
                    Err(StoreError::Invalid(format!("{head}; refused {}: {}", refused.len(), refused.join("; "))))
                }
            }
            LedgerWrite::Terms { customer, patch, from } => {
                let t = month::terms::set(st, &customer, &patch, Some(from), &by).await?;
                Ok(format!("terms of {customer} from {}: {}", t.from, crate::console::panes::terms::summary(&t.terms)))
            }
            LedgerWrite::AddRule { customer, rule } => {
                let r = st.add_price_rule(&customer, rule.scope, rule.pricing, rule.from, &by).await?;
                Ok(format!("rule {} added to {customer}'s price book (from {})", r.rule.id(), rule.from))
            }
            LedgerWrite::CreditNote(n) => {
                let x = month::credit_notes::issue(st, n.invoice_id, n.amount, &n.reason, &by).await?;
                let c = &x.note;
                Ok(format!(
                    "credit note {} issued on {} ({}): {} {}; {} still creditable",
                    c.number,
                    c.invoice_number,
                    c.customer,
                    canonical(c.amount),
                    c.currency,
                    canonical(x.still_creditable)
                ))
            }
        }
    }
}

/// Write `DIR/statement-<customer>-<from>-<to>-<n>.{csv,json}` with the first free `n`.
pub fn write_statement(dir: &Path, st: &Statement) -> Result<(PathBuf, PathBuf), String> {
    use std::io::Write;
    std::fs::create_dir_all(dir).map_err(|err| format!("{}: {err}", dir.display()))?;
    // both texts first: a statement that does not add up writes no file
    let json = month::statement::json(st).map_err(|err| err.to_string())?;
    let csv = month::statement::csv(st).map_err(|err| err.to_string())?;
    let safe: String =
        st.customer.chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' { c } else { '_' }).collect();
    for n in 1..100_000u32 {
        let stem = format!("statement-{safe}-{}-{}-{n}", st.from, st.to);
        let csv_path = dir.join(format!("{stem}.csv"));
        let json_path = dir.join(format!("{stem}.json"));
        match std::fs::OpenOptions::new().write(true).create_new(true).open(&csv_path) {
            Ok(mut f) => {
                f.write_all(csv.as_bytes()).map_err(|err| format!("{}: {err}", csv_path.display()))?;
                std::fs::write(&json_path, json.as_bytes()).map_err(|err| format!("{}: {err}", json_path.display()))?;
                return Ok((csv_path, json_path));
            }
            Err(err) if err.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(err) => return Err(format!("{}: {err}", csv_path.display())),
        }
    }
    Err(format!("{}: too many exports", dir.display()))
}
