//! The Recon pane's forms, each a struct read by field name and checked field by field: a supplier invoice
//! and a case update.
use billops_domain::Period;
use billops_domain::close::CaseStatus;
use billops_store::{CaseUpdate, NewSupplierInvoice};
use rust_decimal::Decimal;

use super::io::Write;
use crate::console::action::{Effect, PaneWrite};
use crate::console::input::{FieldError, Form, parse_amount, parse_money};
use crate::console::panes::write;
use crate::console::state::State;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    SupplierInvoice,
    UpdateCase { id: i64, version: i64 },
    FxRate { period: Period },
    /// A CloudHealth statement file to import.
    ChStatements,
}

pub fn refusal(s: &State, _k: &Kind) -> Option<String> {
    s.write_refusal()
}

pub fn submit(s: &mut State, k: &Kind, f: &Form) -> Result<Vec<Effect>, FieldError> {
    match k {
        Kind::FxRate { period } => {
            let n = super::fx::FxForm::read(f, *period)?;
            Ok(write(s, PaneWrite::Recon(Write::FxRate(n.rate))))
        }
        Kind::ChStatements => {
            let path = f.get(super::statements::PATH).trim().to_string();
            if path.is_empty() {
                return Err(FieldError::at(super::statements::PATH, "the statement file (CSV) to import"));
            }
            Ok(write(s, PaneWrite::Recon(Write::ChStatements { path })))
        }
        Kind::SupplierInvoice => {
            let n = SupplierInvoiceForm::read(f)?;
            Ok(write(s, PaneWrite::Recon(Write::SupplierInvoice(n.into_new()))))
        }
        Kind::UpdateCase { id, version } => {
            let (id, version) = (*id, *version);
            let Some(c) = s.panes.recon.data.ready().and_then(|d| d.cases.iter().find(|c| c.id == id).cloned()) else {
                return Err(format!("case {id} is no longer listed: reload (ctrl-r)").into());
            };
            let form = CaseForm::read(f)?;
            let owner = form.owner;
            let u = CaseUpdate {
                status: (form.status != c.status).then_some(form.status),
                owner: (Some(owner.as_str()) != c.owner.as_deref() && !(owner.is_empty() && c.owner.is_none()))
                    .then_some(owner),
                expected: (form.expected != c.expected).then_some(form.expected),
                received: (form.received != c.received).then_some(form.received),
                note: (form.note != c.note).then_some(form.note),
            };
            if u == CaseUpdate::default() {
                s.info(format!("case {id}: nothing changed"));
                return Ok(Vec::new());
            }
            Ok(write(s, PaneWrite::Recon(Write::UpdateCase { id, update: u, version })))
        }
    }
}

/// A supplier invoice as entered (tax and credits default to zero).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SupplierInvoiceForm {
    pub payer: String,
    pub period: Period,
    pub number: String,
    pub amount: Decimal,
    pub tax: Decimal,
    pub credits: Decimal,
    pub currency: String,
}

impl SupplierInvoiceForm {
    pub const PAYER: &'static str = "payer";
    pub const PERIOD: &'static str = "period";
    pub const NUMBER: &'static str = "number";
    pub const AMOUNT: &'static str = "amount";
    pub const TAX: &'static str = "tax";
    pub const CREDITS: &'static str = "credits";
    pub const CURRENCY: &'static str = "currency";

    pub fn read(f: &Form) -> Result<SupplierInvoiceForm, FieldError> {
        let required = |name: &'static str| {
            let v = f.get(name);
            if v.is_empty() { Err(FieldError::at(name, format!("{name}: required"))) } else { Ok(v) }
        };
        let currency = required(Self::CURRENCY)?.to_uppercase();
        let or_zero = |name: &'static str| {
            let v = f.get(name);
            if v.is_empty() {
                Ok(Decimal::ZERO)
            } else {
                parse_money(&v, &currency, name).map_err(|e| FieldError::at(name, e))
            }
        };
        let payer = required(Self::PAYER)?;
        let period: Period =
            required(Self::PERIOD)?.parse().map_err(|e| FieldError::at(Self::PERIOD, format!("period: {e}")))?;
        let number = required(Self::NUMBER)?;
        let amount =
            parse_money(&required(Self::AMOUNT)?, &currency, "amount").map_err(|e| FieldError::at(Self::AMOUNT, e))?;
        let (tax, credits) = (or_zero(Self::TAX)?, or_zero(Self::CREDITS)?);
        Ok(SupplierInvoiceForm { payer, period, number, amount, tax, credits, currency })
    }

    pub fn into_new(self) -> NewSupplierInvoice {
        NewSupplierInvoice {
            payer: self.payer,
            period: self.period,
            number: self.number,
            currency: self.currency,
            amount: self.amount,
            tax: self.tax,
            credits: self.credits,
        }
    }
}

/// A case as edited (status: open, waiting_credit_note, resolved, written_off).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseForm {
    pub status: CaseStatus,
    pub owner: String,
    pub expected: Decimal,
    pub received: Decimal,
    pub note: String,
}

impl CaseForm {
    pub const STATUS: &'static str = "status";
    pub const OWNER: &'static str = "owner";
    pub const EXPECTED: &'static str = "expected credit";
    pub const RECEIVED: &'static str = "received";
    pub const NOTE: &'static str = "note";

    pub fn read(f: &Form) -> Result<CaseForm, FieldError> {
        let status: CaseStatus = f.get(Self::STATUS).parse().map_err(|e: String| {
            FieldError::at(Self::STATUS, format!("status: {e} (open, waiting_credit_note, resolved, written_off)"))
        })?;
        let money = |name: &'static str| parse_amount(&f.get(name), name).map_err(|e| FieldError::at(name, e));
        Ok(CaseForm {
            status,
            expected: money(Self::EXPECTED)?,
            received: money(Self::RECEIVED)?,
            owner: f.get(Self::OWNER),
            note: f.get(Self::NOTE),
        })
    }
}
