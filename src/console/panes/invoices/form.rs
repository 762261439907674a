//! The invoices pane: its forms: checked, then turned into writes.
use billops_store::InvoiceStep;
use crate::console::action::WriteOp;

pub fn submit_void(id: i64, version: i64, reason: &str) -> Result<WriteOp, String> {
    if reason.is_empty() {
        return Err("reason: required to void an invoice".into());
    }
    Ok(WriteOp::StepInvoice { id, step: InvoiceStep::Void, reason: reason.to_string(), version })
}
