//! The credits pane: its forms: checked, then turned into writes.
use crate::console::action::WriteOp;

pub fn submit(id: i64, approve: bool, version: i64, reason: &str) -> Result<WriteOp, String> {
    if reason.is_empty() {
        return Err(format!("reason: required to {}", if approve { "approve" } else { "reject" }));
    }
    Ok(WriteOp::DecideCredit { id, approve, reason: reason.to_string(), version })
}
