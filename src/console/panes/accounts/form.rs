//! The accounts pane: its forms: checked, then turned into writes.
use billops_store::NewLinkProposal;
use chrono::NaiveDate;
use crate::console::action::WriteOp;
use crate::console::input::FormKind;
use crate::console::state::State;

/// Turn a submitted form into a write, or an error shown in the form.
pub fn submit(s: &mut State, kind: &FormKind, values: &[String]) -> Result<WriteOp, String> {
    let customers: Vec<String> = s
        .panes
        .accounts
        .data
        .ready()
        .map(|d| d.customers.iter().map(|c| c.code.clone()).collect())
        .or_else(|| s.panes.customers.data.ready().map(|d| d.customers.iter().map(|c| c.code.clone()).collect()))
        .unwrap_or_default();
    let check_customer = |c: &str| -> Result<String, String> {
        if c.is_empty() {
            return Err("customer: required".into());
        }
        if !customers.is_empty() && !customers.iter().any(|k| k == c) {
            return Err(format!("customer: no customer {c:?} (Tab completes)"));
        }
        Ok(c.to_string())
    };
    let date = |t: &str| -> Result<NaiveDate, String> {
        NaiveDate::parse_from_str(t, "%Y-%m-%d")
            .map_err(|_| format!("effective from: {t:?} is not a date (YYYY-MM-DD)"))
    };
    let get = |i: usize| values.get(i).cloned().unwrap_or_default();
    match kind {
        FormKind::Assign { account } => {
            Ok(WriteOp::Assign { account: account.clone(), customer: check_customer(&get(0))?, from: date(&get(1))? })
        }
        FormKind::Propose { account } => {
            let payer = get(0);
            if payer.is_empty() {
                return Err("payer: required".into());
            }
            Ok(WriteOp::Propose(NewLinkProposal {
                account: account.clone(),
                payer,
                customer: check_customer(&get(1))?,
                from: date(&get(2))?,
            }))
        }
        FormKind::Decide { id, approve } => {
            let reason = get(0);
            if !approve && reason.is_empty() {
                return Err("reason: required to reject".into());
            }
            Ok(WriteOp::Decide { id: *id, approve: *approve, reason })
        }
        FormKind::NameAccount { payer, id } => {
            let name = get(0);
            if name.is_empty() {
                return Err("name: required".into());
            }
            let w = super::io::Write::Name { payer: *payer, id: id.clone(), name };
            Ok(WriteOp::Pane(crate::console::pane::PaneWrite::Accounts(w)))
        }
        _ => Err("not an accounts form".into()),
    }
}
