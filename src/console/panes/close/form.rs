//! The Close pane's forms, read by field name: the sign-off confirmation (a note), re-opening (a reason) and
//! a variance's explanation (driver, why) and a shared setting (`settings::SettingForm`).
use billops_domain::Period;
use billops_domain::variance::Driver;
use rust_decimal::Decimal;

use super::io::Write;
use crate::console::action::{Effect, PaneWrite};
use crate::console::input::{FieldError, Form};
use crate::console::panes::write;
use crate::console::state::State;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    /// The sign-off confirmation (a note is optional).
    SignOff { period: Period },
    Reopen { period: Period },
    /// Explain the variance of a customer's service for the Δ shown.
    Explain { period: Period, customer: String, service: String, delta: Decimal },
    /// A shared setting (`settings.rs`).
    Setting,
}

pub const NOTE: &str = "note";
pub const REASON: &str = "reason";

/// Signing off and re-opening take a manager; explaining an operator.
pub fn refusal(s: &State, k: &Kind) -> Option<String> {
    match k {
        Kind::SignOff { .. } | Kind::Reopen { .. } | Kind::Setting => s.approve_refusal(),
        Kind::Explain { .. } => s.write_refusal(),
    }
}

pub fn submit(s: &mut State, k: &Kind, f: &Form) -> Result<Vec<Effect>, FieldError> {
    let w = match k {
        Kind::Setting => return super::settings::submit(s, f),
        Kind::SignOff { period } => Write::SignOff { period: *period, today: s.today(), note: f.get(NOTE) },
        Kind::Reopen { period } => {
            let reason = f.get(REASON);
            if reason.is_empty() {
                return Err(FieldError::at(REASON, "reason: required to re-open a period"));
            }
            Write::Reopen { period: *period, reason }
        }
        Kind::Explain { period, customer, service, delta } => {
            let x = ExplainForm::read(f)?;
            Write::Explain {
                period: *period,
                customer: customer.clone(),
                service: service.clone(),
                driver: x.driver,
                text: x.why,
                delta: *delta,
            }
        }
    };
    Ok(write(s, PaneWrite::Close(w)))
}

/// A variance's explanation: what drove it and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExplainForm {
    pub driver: Driver,
    pub why: String,
}

impl ExplainForm {
    pub const DRIVER: &'static str = "driver";
    pub const WHY: &'static str = "why";

    pub fn read(f: &Form) -> Result<ExplainForm, FieldError> {
        let driver: Driver =
            f.get(Self::DRIVER).parse().map_err(|e| FieldError::at(Self::DRIVER, format!("driver: {e}")))?;
        let why = f.get(Self::WHY);
        if why.is_empty() {
            return Err(FieldError::at(Self::WHY, "why: required (what moved the cost?)"));
        }
        Ok(ExplainForm { driver, why })
    }
}
