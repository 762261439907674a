//! `c` on the Customers pane: a manager adds a customer (code, name, currency), as `billops customers add`
//! does. The form checks each field where it is typed (a code that differs only in case from an existing
//! one is refused at the code); the store decides the role and the duplicates again.
use billops_domain::text::{Code, Name};
use billops_store::NewCustomer;

use super::form::Kind;
use super::io::Write;
use crate::console::action::{Effect, FormKind, PaneWrite};
use crate::console::input::{Complete, Field, FieldError, Form};
use crate::console::panes::write;
use crate::console::state::{Mode, State};

/// `c`: the new-customer form (manager).
pub fn open(s: &mut State) -> Vec<Effect> {
    if let Some(why) = s.approve_refusal() {
        s.warn(format!("{why}: customers are added by a manager"));
        return Vec::new();
    }
    s.mode = Mode::Form(Form::new(
        FormKind::Customers(Kind::AddCustomer),
        "new customer (manager): code, name, billing currency",
        vec![
            Field::new(AddCustomerForm::CODE, "", Complete::None),
            Field::new(AddCustomerForm::NAME, "", Complete::None),
            Field::new(AddCustomerForm::CURRENCY, "USD", Complete::None),
        ],
    ));
    Vec::new()
}

/// The form, read by field name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AddCustomerForm(pub NewCustomer);

impl AddCustomerForm {
    pub const CODE: &'static str = "code";
    pub const NAME: &'static str = "name";
    pub const CURRENCY: &'static str = "currency";

    /// `existing`: the codes the list holds (a code equal to one of them but for case is refused).
    pub fn read(f: &Form, existing: &[String]) -> Result<AddCustomerForm, FieldError> {
        let code = f.get(Self::CODE);
        if code.is_empty() {
            return Err(FieldError::at(Self::CODE, "code: required (e.g. ACME)"));
        }
        Code::new("code", &code).map_err(|e| FieldError::at(Self::CODE, e.to_string()))?;
        if let Some(c) = existing.iter().find(|c| c.to_lowercase() == code.to_lowercase()) {
            let why = if *c == code { "" } else { " (codes that differ only in case are one customer)" };
            return Err(FieldError::at(Self::CODE, format!("code: customer {c} already exists{why}")));
        }
        let name = f.get(Self::NAME);
        if name.is_empty() {
            return Err(FieldError::at(Self::NAME, "name: required"));
        }
        Name::new("name", &name).map_err(|e| FieldError::at(Self::NAME, e.to_string()))?;
        let currency = f.get(Self::CURRENCY).to_ascii_uppercase();
        if currency.len() != 3 || !currency.bytes().all(|b| b.is_ascii_uppercase()) {
            return Err(FieldError::at(Self::CURRENCY, format!("currency: {currency:?} is not an ISO 4217 code (USD)")));
        }
        Ok(AddCustomerForm(NewCustomer { code, name, currency }))
    }
}

pub fn submit(s: &mut State, f: &Form) -> Result<Vec<Effect>, FieldError> {
    let existing: Vec<String> = s
        .panes
        .customers
        .data
        .ready()
        .map(|d| d.customers.iter().map(|c| c.code.clone()).collect())
        .unwrap_or_default();
    let form = AddCustomerForm::read(f, &existing)?;
    Ok(write(s, PaneWrite::Customers(Write::AddCustomer(form.0))))
}
