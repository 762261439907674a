//! Invoice disputes: a record with a trail, never an edit. A dispute on an issued invoice (whole, or one line)
//! moves open → researching → accepted | rejected → settled; an accepted dispute settles through a credit
//! note or a prior-period adjustment, and above the maker-checker threshold the person who accepted it (the
//! proposer of the settlement) cannot also settle it.
use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::credit::ApprovalPolicy;
use crate::money::Money;

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum DisputeError {
    #[error("invalid dispute: {0}")]
    Invalid(String),
    #[error("a dispute that is {status} cannot {what}")]
    BadTransition { status: DisputeStatus, what: &'static str },
    #[error("{by} accepted this dispute: another person must settle it (over the {threshold} threshold)")]
    MakerChecker { by: String, threshold: Decimal },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DisputeStatus {
    Open,
    Researching,
    Accepted,
    Rejected,
    Settled,
}

impl std::fmt::Display for DisputeStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            DisputeStatus::Open => "open",
            DisputeStatus::Researching => "researching",
            DisputeStatus::Accepted => "accepted",
            DisputeStatus::Rejected => "rejected",
            DisputeStatus::Settled => "settled",
        })
    }
}

/// Why the customer disputes (reason codes are what reports group by).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReasonCode {
    Pricing,
    Usage,
    Duplicate,
    MissingCredit,
    Tax,
    Other,
}

/// What is disputed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "on")]
pub enum DisputeTarget {
    Invoice { invoice: String },
    Line { invoice: String, line: u32 },
}

/// How an accepted dispute is settled.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "by")]
pub enum Settlement {
    /// A credit note on the disputed invoice (its number once issued).
    CreditNote { number: Option<String> },
    /// A prior-period adjustment posted in the open period (its id once recorded).
    Ppa { id: Option<i64> },
    /// Rejected disputes close with no money moved.
    NoChange,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DisputeEvent {
    pub at: DateTime<Utc>,
    pub by: String,
    pub from: DisputeStatus,
    pub to: DisputeStatus,
    pub why: String,
}

/// What an operator enters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DisputeInput {
    pub customer: String,
    pub target: DisputeTarget,
    /// The amount disputed (positive, in the invoice's currency).
    pub amount: Money,
    /// What the disputed invoice or line amounts to: the dispute cannot exceed it.
    pub disputed_of: Money,
    pub reason: ReasonCode,
    pub evidence: String,
    /// External request reference (e.g. a ServiceNow number).
    pub external_ref: Option<String>,
    pub owner: String,
    /// Due by the request SLA.
    pub due: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dispute {
    pub input: DisputeInput,
    pub status: DisputeStatus,
    pub settlement: Option<Settlement>,
    pub history: Vec<DisputeEvent>,
}

impl Dispute {
    pub fn open(input: DisputeInput, by: &str, at: DateTime<Utc>) -> Result<Dispute, DisputeError> {
        let bad = |m: String| Err(DisputeError::Invalid(m));
        if input.amount.amount <= Decimal::ZERO {
            return bad(format!("the disputed amount must be positive, not {}", input.amount.amount));
        }
        if input.amount.currency != input.disputed_of.currency {
            return bad(format!("amount in {}, invoice in {}", input.amount.currency, input.disputed_of.currency));
        }
        if input.amount.amount > input.disputed_of.amount.abs() {
            return bad(format!(
                "{} disputed on {} of {}: more than the amount itself",
                input.amount.amount,
                target_text(&input.target),
                input.disputed_of.amount
            ));
        }
        if input.evidence.trim().is_empty() {
            return bad("a dispute needs an evidence note".into());
        }
        let event = DisputeEvent {
            at,
            by: by.to_string(),
            from: DisputeStatus::Open,
            to: DisputeStatus::Open,
            why: input.evidence.clone(),
        };
        Ok(Dispute { input, status: DisputeStatus::Open, settlement: None, history: vec![event] })
    }

    fn go(&mut self, to: DisputeStatus, by: &str, at: DateTime<Utc>, why: &str) {
        self.history.push(DisputeEvent { at, by: by.to_string(), from: self.status, to, why: why.to_string() });
        self.status = to;
    }

    pub fn research(&mut self, by: &str, at: DateTime<Utc>, why: &str) -> Result<(), DisputeError> {
        if self.status != DisputeStatus::Open {
            return Err(DisputeError::BadTransition { status: self.status, what: "move to researching" });
        }
        self.go(DisputeStatus::Researching, by, at, why);
        Ok(())
    }

    pub fn accept(&mut self, by: &str, at: DateTime<Utc>, why: &str) -> Result<(), DisputeError> {
        self.decide(DisputeStatus::Accepted, by, at, why, "be accepted")
    }

    /// Rejecting records why (required).
    pub fn reject(&mut self, by: &str, at: DateTime<Utc>, why: &str) -> Result<(), DisputeError> {
        if why.trim().is_empty() {
            return Err(DisputeError::Invalid("a rejection says why".into()));
        }
        self.decide(DisputeStatus::Rejected, by, at, why, "be rejected")
    }

    fn decide(
        &mut self,
        to: DisputeStatus,
        by: &str,
        at: DateTime<Utc>,
        why: &str,
        what: &'static str,
    ) -> Result<(), DisputeError> {
        if !matches!(self.status, DisputeStatus::Open | DisputeStatus::Researching) {
            return Err(DisputeError::BadTransition { status: self.status, what });
        }
        self.go(to, by, at, why);
        Ok(())
    }

    /// Who accepted (the proposer of the settlement).
    pub fn accepted_by(&self) -> Option<&str> {
        self.history.iter().rev().find(|e| e.to == DisputeStatus::Accepted).map(|e| e.by.as_str())
    }

    /// Settle: an accepted dispute through a credit note or a PPA (maker-checker above the threshold), a
    /// rejected one with no change.
    pub fn settle(
        &mut self,
        how: Settlement,
        by: &str,
        at: DateTime<Utc>,
        policy: &ApprovalPolicy,
    ) -> Result<(), DisputeError> {
        match (self.status, &how) {
            (DisputeStatus::Accepted, Settlement::CreditNote { .. } | Settlement::Ppa { .. }) => {
                if policy.needs_second_person(self.input.amount.amount) && self.accepted_by() == Some(by) {
                    return Err(DisputeError::MakerChecker { by: by.to_string(), threshold: policy.threshold() });
                }
            }
            (DisputeStatus::Rejected, Settlement::NoChange) => {}
            (DisputeStatus::Accepted, Settlement::NoChange) => {
                return Err(DisputeError::Invalid("an accepted dispute settles by a credit note or a PPA".into()));
            }
            (DisputeStatus::Rejected, _) => {
                return Err(DisputeError::Invalid("a rejected dispute moves no money".into()));
            }
            (status, _) => return Err(DisputeError::BadTransition { status, what: "be settled" }),
        }
        let why = match &how {
            Settlement::CreditNote { .. } => "settled by credit note",
            Settlement::Ppa { .. } => "settled by prior-period adjustment",
            Settlement::NoChange => "closed after rejection",
        };
        self.settlement = Some(how);
        self.go(DisputeStatus::Settled, by, at, why);
        Ok(())
    }

    /// While a dispute is undecided or accepted but unsettled, its amount is held out of the overdue figure.
    pub fn holds_amount(&self) -> bool {
        matches!(self.status, DisputeStatus::Open | DisputeStatus::Researching | DisputeStatus::Accepted)
    }
}

pub fn target_text(t: &DisputeTarget) -> String {
    match t {
        DisputeTarget::Invoice { invoice } => format!("invoice {invoice}"),
        DisputeTarget::Line { invoice, line } => format!("invoice {invoice} line {line}"),
    }
}

/// The overdue amount of an invoice once disputed amounts that are still held are set aside (never below 0).
pub fn overdue_less_disputed(open_amount: Decimal, disputes: &[Dispute]) -> Decimal {
    let held: Decimal = disputes.iter().filter(|d| d.holds_amount()).map(|d| d.input.amount.amount).sum();
    (open_amount - held).max(Decimal::ZERO)
}

#[cfg(test)]
#[path = "dispute_tests.rs"]
mod tests;
