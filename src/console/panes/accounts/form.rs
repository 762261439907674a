//! The Accounts pane's forms, each a struct read by field name and checked field by field.
use billops_store::NewLinkProposal;
use chrono::NaiveDate;

use super::io::Write;
use crate::console::action::{Effect, PaneWrite};
use crate::console::input::{FieldError, Form};
use crate::console::panes::write;
use crate::console::state::State;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    Assign { account: String },
    Propose { account: String },
    Decide { id: i64, approve: bool },
    /// Name a linked account, or a payer (`payer: true`).
    NameAccount { payer: bool, id: String },
    /// The marked accounts: customer and day (`marks.rs`), then the confirmation.
    AssignMarked { accounts: Vec<String> },
    ConfirmMarked { accounts: Vec<String>, customer: String, from: NaiveDate },
}

pub const CUSTOMER: &str = "customer";
pub const PAYER: &str = "payer";
pub const FROM: &str = "effective from";
pub const REASON: &str = "reason";
pub const NAME: &str = "name";

/// Deciding a proposal takes a manager; assigning and proposing an operator.
pub fn refusal(s: &State, k: &Kind) -> Option<String> {
    match k {
        Kind::Decide { .. } => s.approve_refusal(),
        Kind::Assign { .. }
        | Kind::Propose { .. }
        | Kind::NameAccount { .. }
        | Kind::AssignMarked { .. }
        | Kind::ConfirmMarked { .. } => s.write_refusal(),
    }
}

pub fn submit(s: &mut State, k: &Kind, f: &Form) -> Result<Vec<Effect>, FieldError> {
    let w = match k {
        Kind::AssignMarked { accounts } => return super::marks::confirm(s, accounts, f),
        Kind::ConfirmMarked { accounts, customer, from } => return Ok(super::marks::send(s, accounts, customer, *from)),
        Kind::Assign { account } => {
            let a = AssignForm::read(s, f)?;
            Write::Assign { account: account.clone(), customer: a.customer, from: a.from }
        }
        Kind::Propose { account } => {
            let p = ProposeForm::read(s, f)?;
            Write::Propose(NewLinkProposal { account: account.clone(), payer: p.payer, customer: p.customer, from: p.from })
        }
        Kind::Decide { id, approve } => {
            let reason = f.get(REASON);
            if !approve && reason.is_empty() {
                return Err(FieldError::at(REASON, "reason: required to reject"));
            }
            Write::Decide { id: *id, approve: *approve, reason }
        }
        Kind::NameAccount { payer, id } => {
            let name = f.get(NAME);
            if name.trim().is_empty() {
                return Err(FieldError::at(NAME, "name: required"));
            }
            Write::Name { payer: *payer, id: id.clone(), name: name.trim().to_string() }
        }
    };
    Ok(write(s, PaneWrite::Accounts(w)))
}

/// The customer code, checked against the known customers (when any are loaded).
fn customer(s: &State, c: &str) -> Result<String, FieldError> {
    if c.is_empty() {
        return Err(FieldError::at(CUSTOMER, "customer: required"));
    }
    let customers = super::customer_codes(s);
    if !customers.is_empty() && !customers.iter().any(|k| k == c) {
        return Err(FieldError::at(CUSTOMER, format!("customer: no customer {c:?} (Tab completes)")));
    }
    Ok(c.to_string())
}

fn from(t: &str) -> Result<NaiveDate, FieldError> {
    NaiveDate::parse_from_str(t, "%Y-%m-%d")
        .map_err(|_| FieldError::at(FROM, format!("effective from: {t:?} is not a date (YYYY-MM-DD)")))
}

/// Assign an account to a customer from a day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssignForm {
    pub customer: String,
    pub from: NaiveDate,
}

impl AssignForm {
    pub fn read(s: &State, f: &Form) -> Result<AssignForm, FieldError> {
        Ok(AssignForm { customer: customer(s, &f.get(CUSTOMER))?, from: from(&f.get(FROM))? })
    }
}

/// Propose linking an account to a payer for a customer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProposeForm {
    pub payer: String,
    pub customer: String,
    pub from: NaiveDate,
}

impl ProposeForm {
    pub fn read(s: &State, f: &Form) -> Result<ProposeForm, FieldError> {
        let payer = f.get(PAYER);
        if payer.is_empty() {
            return Err(FieldError::at(PAYER, "payer: required"));
        }
        Ok(ProposeForm { payer, customer: customer(s, &f.get(CUSTOMER))?, from: from(&f.get(FROM))? })
    }
}
