//! Credits: proposal, maker-checker approval, application to invoices, carry-over and expiry.
//!
//! Every change is a [`CreditEvent`] with who, when and why; a credit's state is the fold of its events
//! ([`Credit::replay`]), so what the store keeps and what the domain checks cannot drift.
use std::collections::BTreeSet;
use std::fmt;

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::money::Money;
use crate::party::User;
use crate::period::DateRange;

mod apply;
#[cfg(test)]
mod tests;

pub use apply::{ApplicationTarget, Chargeable, CreditApplication, application_order, plan_applications};

pub type CreditId = String;

/// Partner funding programmes.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FundingProgram {
    /// Migration Acceleration Program.
    Map,
    /// Proof-of-concept credits.
    Poc,
    Other(String),
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CreditKind {
    /// A supplier promotional credit passed through to the customer.
    SupplierPromotion,
    /// An SLA service credit passed through (see `sla`).
    SlaServiceCredit,
    Funding(FundingProgram),
    Goodwill,
    /// A prior-period adjustment in the customer's favour.
    Ppa,
}

impl fmt::Display for CreditKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CreditKind::SupplierPromotion => f.write_str("supplier promotion"),
            CreditKind::SlaServiceCredit => f.write_str("SLA service credit"),
            CreditKind::Funding(FundingProgram::Map) => f.write_str("funding (MAP)"),
            CreditKind::Funding(FundingProgram::Poc) => f.write_str("funding (POC)"),
            CreditKind::Funding(FundingProgram::Other(p)) => write!(f, "funding ({p})"),
            CreditKind::Goodwill => f.write_str("goodwill"),
            CreditKind::Ppa => f.write_str("PPA"),
        }
    }
}

/// Which charges a credit may reduce. An empty set means "all" for that dimension.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct CreditScope {
    accounts: BTreeSet<String>,
    services: BTreeSet<String>,
}

impl CreditScope {
    /// Every account and service of the customer.
    pub fn all() -> CreditScope {
        CreditScope::default()
    }
    pub fn new(accounts: impl IntoIterator<Item = String>, services: impl IntoIterator<Item = String>) -> CreditScope {
        let clean = |it: &mut dyn Iterator<Item = String>| -> BTreeSet<String> {
            it.map(|s| s.trim().to_string()).filter(|s| !s.is_empty()).collect()
        };
        CreditScope { accounts: clean(&mut accounts.into_iter()), services: clean(&mut services.into_iter()) }
    }
    pub fn accounts(&self) -> &BTreeSet<String> {
        &self.accounts
    }
    pub fn services(&self) -> &BTreeSet<String> {
        &self.services
    }
    pub fn covers(&self, account: &str, service: &str) -> bool {
        (self.accounts.is_empty() || self.accounts.contains(account))
            && (self.services.is_empty() || self.services.contains(service))
    }
    /// Ordering key for "smallest scope first": fewer unrestricted dimensions, then fewer listed items.
    pub fn breadth(&self) -> (u8, usize) {
        let open = u8::from(self.accounts.is_empty()) + u8::from(self.services.is_empty());
        (open, self.accounts.len() + self.services.len())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CreditStatus {
    Proposed,
    Approved,
    Rejected,
    /// Fully used.
    Exhausted,
    /// Validity ended with a balance left (forfeited).
    Expired,
}

/// What happened to a credit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CreditAction {
    Proposed,
    Approved,
    Rejected,
    Applied {
        invoice: String,
        amount: Decimal,
    },
    /// An application undone (its invoice voided before payment).
    Reversed {
        invoice: String,
        amount: Decimal,
    },
    Expired {
        forfeited: Decimal,
    },
}

/// One audited change: who, when, what, why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreditEvent {
    pub at: DateTime<Utc>,
    pub by: String,
    pub action: CreditAction,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum CreditError {
    #[error("invalid credit: {0}")]
    Invalid(String),
    #[error("{user} ({role}) may not {what}")]
    NotPermitted { user: String, role: String, what: &'static str },
    #[error("maker-checker: {user} proposed credit {id} over the threshold and cannot approve it")]
    SameApprover { id: CreditId, user: String },
    #[error("credit {id} is {status:?}: cannot {what}")]
    WrongStatus { id: CreditId, status: CreditStatus, what: &'static str },
    #[error("a reason is required to {0}")]
    ReasonRequired(&'static str),
    #[error("credit {id}: {amount} exceeds the remaining balance {remaining}")]
    InsufficientBalance { id: CreditId, amount: Decimal, remaining: Decimal },
    #[error("credit {id}: nothing applied to invoice {invoice} to reverse {amount}")]
    NothingToReverse { id: CreditId, invoice: String, amount: Decimal },
    #[error("amount overflow")]
    Overflow,
}

/// Maker-checker configuration: a credit strictly above `threshold` needs an approver other than its proposer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApprovalPolicy {
    threshold: Decimal,
}

impl ApprovalPolicy {
    pub fn new(threshold: Decimal) -> Result<ApprovalPolicy, CreditError> {
        if threshold < Decimal::ZERO {
            return Err(CreditError::Invalid(format!("negative approval threshold {threshold}")));
        }
        Ok(ApprovalPolicy { threshold })
    }
    pub fn threshold(&self) -> Decimal {
        self.threshold
    }
    pub fn needs_second_person(&self, amount: Decimal) -> bool {
        amount > self.threshold
    }
}

/// What an operator proposes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreditProposal {
    pub id: CreditId,
    pub kind: CreditKind,
    pub customer: String,
    pub amount: Money,
    pub scope: CreditScope,
    pub validity: DateRange,
    /// Source evidence: supplier credit memo, SLA claim id, funding approval, ticket.
    pub evidence: String,
    pub reason: String,
}

/// A credit with its balance and history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Credit {
    proposal: CreditProposal,
    proposed_by: String,
    proposed_at: DateTime<Utc>,
    status: CreditStatus,
    remaining: Decimal,
    events: Vec<CreditEvent>,
}

fn need_reason(reason: &str, what: &'static str) -> Result<(), CreditError> {
    if reason.trim().is_empty() { Err(CreditError::ReasonRequired(what)) } else { Ok(()) }
}

impl Credit {
    /// Propose a credit (operator or manager). Refuses a non-positive amount, an empty validity, a missing
    /// id, customer, currency, evidence or reason.
    pub fn propose(p: CreditProposal, by: &User, at: DateTime<Utc>) -> Result<Credit, CreditError> {
        if !by.role.can_write() {
            return Err(CreditError::NotPermitted {
                user: by.name.clone(),
                role: by.role.to_string(),
                what: "propose credits",
            });
        }
        let bad = |m: &str| Err(CreditError::Invalid(format!("{}: {m}", p.id)));
        if p.id.trim().is_empty() {
            return Err(CreditError::Invalid("empty credit id".into()));
        }
        if p.customer.trim().is_empty() {
            return bad("no customer");
        }
        if p.amount.currency.trim().is_empty() {
            return bad("no currency");
        }
        if p.amount.amount <= Decimal::ZERO {
            return bad("amount must be positive");
        }
        if p.validity.end <= p.validity.start {
            return bad("empty validity");
        }
        if p.evidence.trim().is_empty() {
            return bad("evidence is required");
        }
        need_reason(&p.reason, "propose a credit")?;
        let event = CreditEvent { at, by: by.name.clone(), action: CreditAction::Proposed, reason: p.reason.clone() };
        Ok(Credit {
            remaining: p.amount.amount,
            proposal: p,
            proposed_by: by.name.clone(),
            proposed_at: at,
            status: CreditStatus::Proposed,
            events: vec![event],
        })
    }

    /// Rebuild a credit from its stored proposal and events (the first being `Proposed`), checking that the
    /// history is consistent. Authorisation was checked when each event was recorded.
    pub fn replay(p: CreditProposal, events: Vec<CreditEvent>) -> Result<Credit, CreditError> {
        let mut it = events.into_iter();
        let first = it.next().ok_or_else(|| CreditError::Invalid(format!("{}: no history", p.id)))?;
        if first.action != CreditAction::Proposed {
            return Err(CreditError::Invalid(format!("{}: history must start with the proposal", p.id)));
        }
        let mut c = Credit {
            remaining: p.amount.amount,
            proposal: p,
            proposed_by: first.by.clone(),
            proposed_at: first.at,
            status: CreditStatus::Proposed,
            events: vec![first],
        };
        for e in it {
            c.record(e)?;
        }
        Ok(c)
    }

    /// The state change of one event, with structural checks only.
    fn record(&mut self, e: CreditEvent) -> Result<(), CreditError> {
        let wrong = |what| CreditError::WrongStatus { id: self.proposal.id.clone(), status: self.status, what };
        match &e.action {
            CreditAction::Proposed => return Err(wrong("be proposed twice")),
            CreditAction::Approved | CreditAction::Rejected if self.status != CreditStatus::Proposed => {
                return Err(wrong("be decided again"));
            }
            CreditAction::Approved => self.status = CreditStatus::Approved,
            CreditAction::Rejected => self.status = CreditStatus::Rejected,
            CreditAction::Applied { amount, .. } => {
                if self.status != CreditStatus::Approved {
                    return Err(wrong("be applied"));
                }
                if *amount <= Decimal::ZERO || *amount > self.remaining {
                    return Err(CreditError::InsufficientBalance {
                        id: self.proposal.id.clone(),
                        amount: *amount,
                        remaining: self.remaining,
                    });
                }
                self.remaining = self.remaining.checked_sub(*amount).ok_or(CreditError::Overflow)?;
                if self.remaining.is_zero() {
                    self.status = CreditStatus::Exhausted;
                }
            }
            CreditAction::Reversed { invoice, amount } => {
                if !matches!(self.status, CreditStatus::Approved | CreditStatus::Exhausted) {
                    return Err(wrong("be reversed"));
                }
                if *amount <= Decimal::ZERO || *amount > self.applied_to(invoice)? {
                    return Err(CreditError::NothingToReverse {
                        id: self.proposal.id.clone(),
                        invoice: invoice.clone(),
                        amount: *amount,
                    });
                }
                self.remaining = self.remaining.checked_add(*amount).ok_or(CreditError::Overflow)?;
                if self.status == CreditStatus::Exhausted {
                    self.status = CreditStatus::Approved;
                }
            }
            CreditAction::Expired { forfeited } => {
                if self.status != CreditStatus::Approved || *forfeited != self.remaining {
                    return Err(wrong("expire"));
                }
                self.remaining = Decimal::ZERO;
                self.status = CreditStatus::Expired;
            }
        }
        self.events.push(e);
        Ok(())
    }

    /// Approve: managers only, with a reason; above the policy threshold the proposer cannot approve.
    pub fn approve(
        &mut self,
        by: &User,
        at: DateTime<Utc>,
        reason: &str,
        policy: &ApprovalPolicy,
    ) -> Result<(), CreditError> {
        self.decide(by, reason, "approve credits")?;
        if policy.needs_second_person(self.proposal.amount.amount) && by.name == self.proposed_by {
            return Err(CreditError::SameApprover { id: self.proposal.id.clone(), user: by.name.clone() });
        }
        self.record(CreditEvent { at, by: by.name.clone(), action: CreditAction::Approved, reason: reason.into() })
    }

    /// Reject: managers only, with a reason.
    pub fn reject(&mut self, by: &User, at: DateTime<Utc>, reason: &str) -> Result<(), CreditError> {
        self.decide(by, reason, "reject credits")?;
        self.record(CreditEvent { at, by: by.name.clone(), action: CreditAction::Rejected, reason: reason.into() })
    }

    fn decide(&self, by: &User, reason: &str, what: &'static str) -> Result<(), CreditError> {
        if !by.role.can_approve() {
            return Err(CreditError::NotPermitted { user: by.name.clone(), role: by.role.to_string(), what });
        }
        need_reason(reason, what)
    }

    /// Record an application planned by [`plan_applications`] against an issued invoice.
    pub fn apply(
        &mut self,
        app: &CreditApplication,
        invoice: &str,
        by: &User,
        at: DateTime<Utc>,
    ) -> Result<(), CreditError> {
        if !by.role.can_write() {
            return Err(CreditError::NotPermitted {
                user: by.name.clone(),
                role: by.role.to_string(),
                what: "apply credits",
            });
        }
        if app.credit_id != self.proposal.id {
            return Err(CreditError::Invalid(format!(
                "application of {} recorded on {}",
                app.credit_id, self.proposal.id
            )));
        }
        let reason = format!("applied to invoice {invoice}");
        let action = CreditAction::Applied { invoice: invoice.into(), amount: app.amount };
        self.record(CreditEvent { at, by: by.name.clone(), action, reason })
    }

    /// Give back what was applied to a voided invoice.
    pub fn reverse(
        &mut self,
        invoice: &str,
        by: &User,
        at: DateTime<Utc>,
        reason: &str,
    ) -> Result<Decimal, CreditError> {
        if !by.role.can_write() {
            return Err(CreditError::NotPermitted {
                user: by.name.clone(),
                role: by.role.to_string(),
                what: "reverse credits",
            });
        }
        need_reason(reason, "reverse a credit application")?;
        let amount = self.applied_to(invoice)?;
        let action = CreditAction::Reversed { invoice: invoice.into(), amount };
        self.record(CreditEvent { at, by: by.name.clone(), action, reason: reason.into() })?;
        Ok(amount)
    }

    /// Expire the balance once the validity has ended (`today` ≥ end). Returns what was forfeited.
    pub fn expire_if_due(
        &mut self,
        today: NaiveDate,
        by: &str,
        at: DateTime<Utc>,
    ) -> Result<Option<Decimal>, CreditError> {
        if self.status != CreditStatus::Approved || today < self.proposal.validity.end || self.remaining.is_zero() {
            return Ok(None);
        }
        let forfeited = self.remaining;
        let reason = format!("validity ended {}", self.proposal.validity.end);
        self.record(CreditEvent { at, by: by.into(), action: CreditAction::Expired { forfeited }, reason })?;
        Ok(Some(forfeited))
    }

    /// Net amount currently applied to one invoice.
    pub fn applied_to(&self, invoice: &str) -> Result<Decimal, CreditError> {
        self.events.iter().try_fold(Decimal::ZERO, |acc, e| {
            match &e.action {
                CreditAction::Applied { invoice: i, amount } if i == invoice => acc.checked_add(*amount),
                CreditAction::Reversed { invoice: i, amount } if i == invoice => acc.checked_sub(*amount),
                _ => Some(acc),
            }
            .ok_or(CreditError::Overflow)
        })
    }

    pub fn id(&self) -> &str {
        &self.proposal.id
    }
    pub fn kind(&self) -> &CreditKind {
        &self.proposal.kind
    }
    pub fn customer(&self) -> &str {
        &self.proposal.customer
    }
    pub fn amount(&self) -> &Money {
        &self.proposal.amount
    }
    pub fn currency(&self) -> &str {
        &self.proposal.amount.currency
    }
    pub fn scope(&self) -> &CreditScope {
        &self.proposal.scope
    }
    pub fn validity(&self) -> DateRange {
        self.proposal.validity
    }
    pub fn evidence(&self) -> &str {
        &self.proposal.evidence
    }
    pub fn proposal(&self) -> &CreditProposal {
        &self.proposal
    }
    pub fn proposed_by(&self) -> &str {
        &self.proposed_by
    }
    pub fn proposed_at(&self) -> DateTime<Utc> {
        self.proposed_at
    }
    pub fn status(&self) -> CreditStatus {
        self.status
    }
    pub fn remaining(&self) -> Decimal {
        self.remaining
    }
    pub fn events(&self) -> &[CreditEvent] {
        &self.events
    }
}
