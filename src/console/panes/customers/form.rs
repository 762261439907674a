//! The Customers pane's forms (each a struct read by field name, beside its screen): a payment
//! (`payments::PaymentForm`), a statement's range (`payments::StatementForm`), terms (`terms::TermsForm`)
//! a new price rule (`pricebook::RuleForm`), a checklist item's owner / due / evidence and a new item
//! (`onboarding::{EditForm, AddItemForm}`) and a new customer (`add::AddCustomerForm`).
use super::io::Write;
use super::payments::{PaymentForm, StatementForm};
use super::pricebook::RuleForm;
use super::terms::TermsForm;
use crate::console::action::{Effect, PaneWrite};
use crate::console::input::{FieldError, Form};
use crate::console::panes::write;
use crate::console::state::State;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    Payment,
    Statement,
    /// `current`: the field values as loaded (unchanged terms are not saved again).
    Terms { customer: String, current: Vec<String> },
    NewRule { customer: String },
    /// Owner, due date, evidence of a checklist item (`current`: the three as shown).
    Onboarding { customer: String, item: String, current: Vec<String> },
    /// Managers: a new checklist item; retiring one (a confirmation).
    AddItem,
    RetireItem { item: String },
    /// Managers: a new customer.
    AddCustomer,
}

/// A statement is a read; the rest are an operator's writes.
pub fn refusal(s: &State, k: &Kind) -> Option<String> {
    match k {
        Kind::Statement => None,
        Kind::Payment | Kind::Terms { .. } | Kind::NewRule { .. } | Kind::Onboarding { .. } => s.write_refusal(),
        Kind::AddItem | Kind::RetireItem { .. } | Kind::AddCustomer => s.approve_refusal(),
    }
}

pub fn submit(s: &mut State, k: &Kind, f: &Form) -> Result<Vec<Effect>, FieldError> {
    match k {
        Kind::Payment => {
            let p = PaymentForm::read(s, f)?;
            Ok(write(s, PaneWrite::Customers(p.write())))
        }
        Kind::Statement => {
            let st = StatementForm::read(s, f)?;
            Ok(super::payments::open_statement(s, st))
        }
        Kind::Terms { customer, current } => {
            if TermsForm::texts(f) == *current {
                s.info(format!("terms of {customer} unchanged"));
                return Ok(Vec::new());
            }
            let t = TermsForm::read(f)?;
            Ok(write(s, PaneWrite::Customers(Write::Terms { customer: customer.clone(), patch: t.patch, from: t.from })))
        }
        Kind::NewRule { customer } => {
            let rule = RuleForm::read(f)?;
            super::pricebook::preview(s, customer, rule)
        }
        Kind::Onboarding { .. } | Kind::AddItem | Kind::RetireItem { .. } => super::onboarding::submit(s, k, f),
        Kind::AddCustomer => super::add::submit(s, f),
    }
}
