//! Hand-typed fields, checked with the domain's constructors (`billops_domain::text`: codes one word of at most
//! 64 characters, names at most 200, free text at most 2,000, no control characters) before any write, so the
//! CLI and the console get the same refusals, naming the field and the limit.
use billops_domain::text::{Code, FieldError, FreeText, Name};

use crate::{
    CaseUpdate, NewAccountCode, NewCredit, NewCreditNote, NewCustomer, NewExplanation, NewPayment, NewResourceUnit,
    NewSupplierInvoice, NewTerms, Result, StoreError,
};

impl From<FieldError> for StoreError {
    fn from(e: FieldError) -> StoreError {
        StoreError::Invalid(e.to_string())
    }
}

/// A code (customer, account code, resource unit id, …), trimmed.
pub(crate) fn code(field: &str, s: &str) -> Result<String> {
    Ok(Code::new(field, s)?.into_string())
}

/// Free text (a reason, a note; may be empty), trimmed.
pub(crate) fn text(field: &str, s: &str) -> Result<String> {
    Ok(FreeText::new(field, s)?.into_string())
}

/// Money typed by a person (a payment, a credit, a supplier invoice) is never finer than the currency's minor
/// unit: `0.001` USD or `1e-20` would leave a balance no one can pay.
pub(crate) fn minor_units(field: &str, amount: rust_decimal::Decimal, currency: &str) -> Result<()> {
    let dp = billops_domain::money::minor_units(currency);
    if amount.normalize().scale() > dp {
        return Err(StoreError::Invalid(format!(
            "{field} {amount}: {currency} amounts have {dp} decimal place(s) at most"
        )));
    }
    Ok(())
}

pub(crate) fn customer(c: &NewCustomer) -> Result<()> {
    Code::new("customer code", &c.code)?;
    Name::new("customer name", &c.name)?;
    Ok(())
}

pub(crate) fn account_code(c: &NewAccountCode) -> Result<()> {
    Name::new("account code scope", &c.scope)?;
    Code::new("account code", &c.code)?;
    Ok(())
}

pub(crate) fn credit(c: &NewCredit) -> Result<()> {
    FreeText::new("credit evidence", &c.evidence)?;
    FreeText::new("credit reason", &c.reason)?;
    Ok(())
}

pub(crate) fn credit_note(n: &NewCreditNote) -> Result<()> {
    FreeText::new("credit note reason", &n.reason)?;
    Ok(())
}

pub(crate) fn supplier_invoice(s: &NewSupplierInvoice) -> Result<()> {
    Name::new("supplier invoice number", &s.number)?;
    Ok(())
}

pub(crate) fn case_update(u: &CaseUpdate) -> Result<()> {
    if let Some(o) = u.owner.as_deref().filter(|o| !o.trim().is_empty()) {
        Name::new("case owner", o)?;
    }
    if let Some(n) = &u.note {
        FreeText::new("case note", n)?;
    }
    Ok(())
}

pub(crate) fn explanation(e: &NewExplanation) -> Result<()> {
    FreeText::new("explanation", &e.text)?;
    Ok(())
}

pub(crate) fn payment(p: &NewPayment) -> Result<()> {
    if let Some(r) = &p.reference {
        FreeText::new("payment reference", r)?;
    }
    Ok(())
}

/// A price rule's filters (service, product, usage type, region) are names.
pub(crate) fn rule_scope(scope: &billops_domain::rating::RuleScope) -> Result<()> {
    let fields = [
        ("rule service", &scope.service),
        ("rule product", &scope.product),
        ("rule usage type", &scope.usage_type),
        ("rule region", &scope.region),
    ];
    for (field, v) in fields {
        if let Some(v) = v.as_deref().filter(|v| !v.trim().is_empty()) {
            Name::new(field, v)?;
        }
    }
    Ok(())
}

/// The discount label is printed on the customer's invoices.
pub(crate) fn terms(t: &NewTerms) -> Result<()> {
    if let Some(d) = t.terms.discount.as_ref().filter(|d| !d.label.trim().is_empty()) {
        Name::new("discount label", &d.label)?;
    }
    Ok(())
}

pub(crate) fn resource_unit(ru: &NewResourceUnit) -> Result<()> {
    Code::new("resource unit id", &ru.id)?;
    if !ru.name.trim().is_empty() {
        Name::new("resource unit name", &ru.name)?;
    }
    if !ru.unit.trim().is_empty() {
        Name::new("resource unit unit", &ru.unit)?;
    }
    Ok(())
}
