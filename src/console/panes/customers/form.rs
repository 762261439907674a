//! The Customers pane's forms (each a struct read by field name, beside its screen): a payment
//! (`payments::PaymentForm`), a statement's range (`payments::StatementForm`), terms (`terms::TermsForm`)
//! and a new price rule (`pricebook::RuleForm`).
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
}

/// A statement is a read; the rest are an operator's writes.
pub fn refusal(s: &State, k: &Kind) -> Option<String> {
    match k {
        Kind::Statement => None,
        Kind::Payment | Kind::Terms { .. } | Kind::NewRule { .. } => s.write_refusal(),
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
    }
}
