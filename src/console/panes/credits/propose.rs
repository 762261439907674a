//! `n` on the Credits pane: propose a credit, as `billops credits propose` does (customer, kind, amount,
//! service / account scope, validity, evidence, reason). Every field is checked where it is typed; the amount
//! is read as the screen shows amounts (`1,000.00`) and refused finer than the customer's currency allows
//! (the store says so at the amount). The proposal then waits in the queue for a manager (maker-checker).
use billops_domain::credit::{CreditKind, CreditScope, FundingProgram};
use billops_domain::money::parse_typed_amount;
use billops_store::NewCredit;
use chrono::NaiveDate;

use super::form::Kind;
use super::io::Write;
use crate::console::action::{Effect, FormKind, PaneWrite};
use crate::console::input::{Complete, Field, FieldError, Form, parse_date};
use crate::console::panes::write;
use crate::console::state::{Mode, State};

/// The kinds a person types, as the CLI's `--kind`.
pub const KINDS: [&str; 5] = ["sla", "promo", "funding", "goodwill", "ppa"];

pub fn kind_of(text: &str) -> Option<CreditKind> {
    Some(match text.trim().to_ascii_lowercase().as_str() {
        "sla" => CreditKind::SlaServiceCredit,
        "promo" => CreditKind::SupplierPromotion,
        "funding" => CreditKind::Funding(FundingProgram::Map),
        "goodwill" => CreditKind::Goodwill,
        "ppa" => CreditKind::Ppa,
        _ => return None,
    })
}

/// `n`: the proposal form (operator; a manager approves it in this queue).
pub fn open(s: &mut State) -> Vec<Effect> {
    if let Some(why) = s.write_refusal() {
        s.warn(why);
        return Vec::new();
    }
    let period = s.period_or_now();
    let (from, to) = (period.start().to_string(), period.next().start().to_string());
    s.mode = Mode::Form(Form::new(
        FormKind::Credits(Kind::Propose),
        format!("propose a credit (kind: {}; valid to is exclusive; a manager approves it)", KINDS.join("|")),
        vec![
            Field::new(ProposeForm::CUSTOMER, "", Complete::Customers),
            Field::new(ProposeForm::KIND, "", Complete::None),
            Field::new(ProposeForm::AMOUNT, "", Complete::None),
            Field::new(ProposeForm::SERVICE, "", Complete::None),
            Field::new(ProposeForm::ACCOUNT, "", Complete::None),
            Field::new(ProposeForm::FROM, &from, Complete::None),
            Field::new(ProposeForm::TO, &to, Complete::None),
            Field::new(ProposeForm::EVIDENCE, "", Complete::None),
            Field::new(ProposeForm::REASON, "proposed from the console", Complete::None),
        ],
    ));
    Vec::new()
}

/// The proposal, read by field name. The amount stays text until the customer's currency is known (in the
/// write), after its form is checked here.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProposeForm {
    pub customer: String,
    pub kind: CreditKind,
    pub amount: String,
    pub scope: CreditScope,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub evidence: String,
    pub reason: String,
}

impl ProposeForm {
    pub const CUSTOMER: &'static str = "customer";
    pub const KIND: &'static str = "kind";
    pub const AMOUNT: &'static str = "amount";
    pub const SERVICE: &'static str = "service (optional)";
    pub const ACCOUNT: &'static str = "account (optional)";
    pub const FROM: &'static str = "valid from";
    pub const TO: &'static str = "valid to";
    pub const EVIDENCE: &'static str = "evidence";
    pub const REASON: &'static str = "reason";

    pub fn read(f: &Form) -> Result<ProposeForm, FieldError> {
        let customer = f.get(Self::CUSTOMER);
        if customer.is_empty() {
            return Err(FieldError::at(Self::CUSTOMER, "customer: required (Tab completes)"));
        }
        let kind_text = f.get(Self::KIND);
        let kind = kind_of(&kind_text)
            .ok_or_else(|| FieldError::at(Self::KIND, format!("kind: {kind_text:?} is not one of {}", KINDS.join(", "))))?;
        let amount = f.get(Self::AMOUNT);
        // the number's form now (3 places, the finest minor unit); the customer's own minor unit in the write
        match parse_typed_amount(&amount, "BHD") {
            Ok(v) if v > rust_decimal::Decimal::ZERO => {}
            Ok(_) => return Err(FieldError::at(Self::AMOUNT, format!("amount: a credit is positive, not {amount:?}"))),
            Err(e) => return Err(FieldError::at(Self::AMOUNT, format!("amount: {e}"))),
        }
        let opt = |n: &str| Some(f.get(n)).filter(|v| !v.is_empty());
        let scope = CreditScope::new(opt(Self::ACCOUNT), opt(Self::SERVICE));
        let from = parse_date(&f.get(Self::FROM), Self::FROM).map_err(|e| FieldError::at(Self::FROM, e))?;
        let to = parse_date(&f.get(Self::TO), Self::TO).map_err(|e| FieldError::at(Self::TO, e))?;
        if to <= from {
            return Err(FieldError::at(Self::TO, format!("valid to: {to} is not after valid from {from} (exclusive end)")));
        }
        let evidence = f.get(Self::EVIDENCE);
        if evidence.is_empty() {
            return Err(FieldError::at(Self::EVIDENCE, "evidence: required (what the approver checks: a case, a mail)"));
        }
        let reason = f.get(Self::REASON);
        Ok(ProposeForm { customer, kind, amount, scope, from, to, evidence, reason })
    }
}

pub fn submit(s: &mut State, f: &Form) -> Result<Vec<Effect>, FieldError> {
    let p = ProposeForm::read(f)?;
    Ok(write(s, PaneWrite::Credits(Write::Propose(Box::new(p)))))
}

/// The store's proposal, the amount read in the customer's currency (finer than its minor unit: refused).
pub fn new_credit(p: ProposeForm, currency: &str) -> Result<NewCredit, String> {
    let amount = parse_typed_amount(&p.amount, currency).map_err(|e| format!("amount {e}"))?;
    Ok(NewCredit {
        customer: p.customer,
        kind: p.kind,
        amount,
        scope: p.scope,
        valid_from: p.from,
        valid_to: p.to,
        evidence: p.evidence,
        reason: p.reason,
    })
}
