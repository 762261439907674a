//! The close pane: its forms: checked, then turned into writes.
use crate::console::action::WriteOp;
use crate::console::input::FormKind;
use crate::console::state::State;

pub fn submit(s: &State, kind: &FormKind, values: &[String]) -> Result<WriteOp, String> {
    let first = values.first().cloned().unwrap_or_default();
    match kind {
        FormKind::SignOff { period } => Ok(WriteOp::SignOff { period: *period, today: s.today(), note: first }),
        FormKind::Reopen { period } => {
            if first.is_empty() {
                return Err("reason: required to re-open a period".into());
            }
            Ok(WriteOp::Reopen { period: *period, reason: first })
        }
        _ => Err("not a close form".into()),
    }
}
