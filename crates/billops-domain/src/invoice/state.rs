//! The invoice state machine and gap-free numbering.
//!
//! draft → reviewed → approved → issued → (paid | partly paid | disputed | void). Before issue a draft can be
//! reopened or regenerated (back to draft). Once issued the lines never change: only payments, disputes and
//! voiding move it on; corrections are credit notes or PPAs.
use std::fmt;

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::{Draft, DraftDiff, InvoiceError, diff_drafts};
use crate::party::{Role, User};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InvoiceStatus {
    Draft,
    Reviewed,
    Approved,
    Issued,
    PartlyPaid,
    Paid,
    Disputed,
    Void,
}

impl InvoiceStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            InvoiceStatus::Draft => "draft",
            InvoiceStatus::Reviewed => "reviewed",
            InvoiceStatus::Approved => "approved",
            InvoiceStatus::Issued => "issued",
            InvoiceStatus::PartlyPaid => "partly_paid",
            InvoiceStatus::Paid => "paid",
            InvoiceStatus::Disputed => "disputed",
            InvoiceStatus::Void => "void",
        }
    }
    /// Issued or later: lines are immutable.
    pub fn is_issued(self) -> bool {
        self >= InvoiceStatus::Issued
    }
}

impl fmt::Display for InvoiceStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a person does to an invoice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InvoiceAction {
    Review,
    Approve,
    /// Back to draft before issue.
    Reopen,
    /// Replace the draft with a new generation (before issue; back to draft).
    Regenerate,
    Issue {
        number: String,
    },
    Payment {
        amount: Decimal,
    },
    Dispute,
    ResolveDispute,
    Void,
}

impl InvoiceAction {
    fn name(&self) -> &'static str {
        match self {
            InvoiceAction::Review => "review",
            InvoiceAction::Approve => "approve",
            InvoiceAction::Reopen => "reopen",
            InvoiceAction::Regenerate => "regenerate",
            InvoiceAction::Issue { .. } => "issue",
            InvoiceAction::Payment { .. } => "record a payment on",
            InvoiceAction::Dispute => "dispute",
            InvoiceAction::ResolveDispute => "resolve a dispute on",
            InvoiceAction::Void => "void",
        }
    }
    fn needs(&self) -> Role {
        match self {
            InvoiceAction::Approve | InvoiceAction::Void => Role::Manager,
            _ => Role::Operator,
        }
    }
}

fn settled(paid: Decimal, total: Decimal) -> InvoiceStatus {
    if paid >= total {
        InvoiceStatus::Paid
    } else if paid > Decimal::ZERO {
        InvoiceStatus::PartlyPaid
    } else {
        InvoiceStatus::Issued
    }
}

/// The pure transition: the status after `action` by `by`, given the amount paid to date *after* the
/// action (`paid`) against the invoice `total`.
pub fn next_status(
    from: InvoiceStatus,
    action: &InvoiceAction,
    by: &User,
    paid: Decimal,
    total: Decimal,
) -> Result<InvoiceStatus, InvoiceError> {
    use InvoiceAction as A;
    use InvoiceStatus as S;
    if by.role < action.needs() {
        return Err(InvoiceError::NotPermitted {
            user: by.name.clone(),
            role: by.role.to_string(),
            what: action.name(),
        });
    }
    let bad = || InvoiceError::BadTransition { from, action: action.name() };
    Ok(match (from, action) {
        (S::Draft, A::Review) => S::Reviewed,
        (S::Reviewed, A::Approve) => S::Approved,
        (S::Reviewed | S::Approved, A::Reopen) => S::Draft,
        (S::Draft | S::Reviewed | S::Approved, A::Regenerate) => S::Draft,
        (S::Approved, A::Issue { .. }) => S::Issued,
        (S::Issued | S::PartlyPaid, A::Payment { .. }) => settled(paid, total),
        (S::Disputed, A::Payment { .. }) if paid >= total => S::Paid,
        (S::Disputed, A::Payment { .. }) => S::Disputed,
        (S::Issued | S::PartlyPaid, A::Dispute) => S::Disputed,
        (S::Disputed, A::ResolveDispute) => settled(paid, total),
        (S::Issued | S::Disputed, A::Void) if paid.is_zero() => S::Void,
        _ => return Err(bad()),
    })
}

/// One audited change of an invoice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvoiceEvent {
    pub at: DateTime<Utc>,
    pub by: String,
    pub action: InvoiceAction,
    pub from: InvoiceStatus,
    pub to: InvoiceStatus,
    pub reason: String,
}

/// A gap-free number series (`INV-000123`): a number is taken only when an invoice is issued.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NumberSeries {
    prefix: String,
    next: u64,
    width: usize,
}

impl NumberSeries {
    /// `next` ≥ 1; `width` zero-pads the number (at most 20 digits).
    pub fn new(prefix: impl Into<String>, next: u64, width: usize) -> Result<NumberSeries, InvoiceError> {
        let prefix = prefix.into();
        if next == 0 || width > 20 || prefix.chars().any(char::is_whitespace) {
            return Err(InvoiceError::Invalid(format!("number series {prefix:?} from {next} width {width}")));
        }
        Ok(NumberSeries { prefix, next, width })
    }
    pub fn prefix(&self) -> &str {
        &self.prefix
    }
    /// The number the next issue will take.
    pub fn next_value(&self) -> u64 {
        self.next
    }
    pub fn format(&self, n: u64) -> String {
        format!("{}{:0width$}", self.prefix, n, width = self.width)
    }
    pub fn peek(&self) -> String {
        self.format(self.next)
    }
    /// Take the next number; only [`Invoice::issue`] calls this, after every check passed.
    pub(crate) fn take(&mut self) -> Result<String, InvoiceError> {
        let n = self.next;
        self.next = n.checked_add(1).ok_or_else(|| InvoiceError::SeriesExhausted(self.prefix.clone()))?;
        Ok(self.format(n))
    }
}

/// An invoice: its current draft (frozen once issued), status, number, payments and history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Invoice {
    id: String,
    status: InvoiceStatus,
    number: Option<String>,
    draft: Draft,
    paid: Decimal,
    history: Vec<InvoiceEvent>,
}

impl Invoice {
    pub fn new(id: impl Into<String>, draft: Draft) -> Result<Invoice, InvoiceError> {
        let id = id.into();
        if id.trim().is_empty() {
            return Err(InvoiceError::Invalid("invoice without id".into()));
        }
        Ok(Invoice { id, status: InvoiceStatus::Draft, number: None, draft, paid: Decimal::ZERO, history: Vec::new() })
    }

    /// Rebuild a stored invoice, checking that status, number and payments agree.
    pub fn restore(
        id: impl Into<String>,
        status: InvoiceStatus,
        number: Option<String>,
        draft: Draft,
        paid: Decimal,
        history: Vec<InvoiceEvent>,
    ) -> Result<Invoice, InvoiceError> {
        let mut inv = Invoice::new(id, draft)?;
        if status.is_issued() != number.is_some() {
            return Err(InvoiceError::Invalid(format!("invoice {} is {status} with number {number:?}", inv.id)));
        }
        if paid < Decimal::ZERO
            || (!paid.is_zero() && !status.is_issued())
            || paid > inv.draft.total().max(Decimal::ZERO)
        {
            return Err(InvoiceError::Invalid(format!("invoice {} is {status} with {paid} paid", inv.id)));
        }
        inv.status = status;
        inv.number = number;
        inv.paid = paid;
        inv.history = history;
        Ok(inv)
    }

    fn step(
        &mut self,
        action: InvoiceAction,
        by: &User,
        at: DateTime<Utc>,
        reason: &str,
        paid: Decimal,
    ) -> Result<InvoiceStatus, InvoiceError> {
        let to = next_status(self.status, &action, by, paid, self.draft.total())?;
        self.history.push(InvoiceEvent {
            at,
            by: by.name.clone(),
            action,
            from: self.status,
            to,
            reason: reason.into(),
        });
        self.status = to;
        Ok(to)
    }

    /// Review, approve, reopen, dispute, resolve or void. Void and reopen need a reason.
    pub fn act(
        &mut self,
        action: InvoiceAction,
        by: &User,
        at: DateTime<Utc>,
        reason: &str,
    ) -> Result<InvoiceStatus, InvoiceError> {
        match action {
            InvoiceAction::Issue { .. } | InvoiceAction::Payment { .. } | InvoiceAction::Regenerate => {
                return Err(InvoiceError::Invalid(format!("use the dedicated call to {}", action.name())));
            }
            InvoiceAction::Void | InvoiceAction::Reopen | InvoiceAction::Dispute if reason.trim().is_empty() => {
                return Err(InvoiceError::ReasonRequired(action.name()));
            }
            _ => {}
        }
        self.step(action, by, at, reason, self.paid)
    }

    /// Replace the draft with a new generation: only before issue; the invoice returns to draft.
    pub fn regenerate(&mut self, draft: Draft, by: &User, at: DateTime<Utc>) -> Result<DraftDiff, InvoiceError> {
        if self.status.is_issued() {
            return Err(InvoiceError::Immutable(self.number.clone().unwrap_or_else(|| self.id.clone())));
        }
        if draft.customer != self.draft.customer || draft.period != self.draft.period {
            return Err(InvoiceError::Invalid("a regenerated draft must be for the same customer and period".into()));
        }
        let diff = diff_drafts(&self.draft, &draft);
        self.step(InvoiceAction::Regenerate, by, at, "", self.paid)?;
        self.draft = draft;
        Ok(diff)
    }

    /// Issue an approved invoice, taking the next number of the series only when everything else passed.
    pub fn issue(&mut self, series: &mut NumberSeries, by: &User, at: DateTime<Utc>) -> Result<String, InvoiceError> {
        let probe = InvoiceAction::Issue { number: series.peek() };
        next_status(self.status, &probe, by, self.paid, self.draft.total())?;
        let number = series.take()?;
        self.step(InvoiceAction::Issue { number: number.clone() }, by, at, "", self.paid)?;
        self.number = Some(number.clone());
        Ok(number)
    }

    /// Record a payment against an issued invoice; more than is outstanding is refused (the excess is
    /// unapplied cash, kept by the caller).
    pub fn record_payment(
        &mut self,
        amount: Decimal,
        by: &User,
        at: DateTime<Utc>,
    ) -> Result<InvoiceStatus, InvoiceError> {
        if amount <= Decimal::ZERO {
            return Err(InvoiceError::Invalid(format!("payment must be positive, not {amount}")));
        }
        let outstanding = self.outstanding()?;
        if amount > outstanding {
            return Err(InvoiceError::Overpayment { amount, outstanding });
        }
        let paid = self.paid.checked_add(amount).ok_or(InvoiceError::Overflow)?;
        let to = self.step(InvoiceAction::Payment { amount }, by, at, "", paid)?;
        self.paid = paid;
        Ok(to)
    }

    pub fn outstanding(&self) -> Result<Decimal, InvoiceError> {
        self.draft.total().checked_sub(self.paid).ok_or(InvoiceError::Overflow)
    }
    pub fn id(&self) -> &str {
        &self.id
    }
    pub fn status(&self) -> InvoiceStatus {
        self.status
    }
    pub fn number(&self) -> Option<&str> {
        self.number.as_deref()
    }
    pub fn draft(&self) -> &Draft {
        &self.draft
    }
    pub fn paid(&self) -> Decimal {
        self.paid
    }
    pub fn history(&self) -> &[InvoiceEvent] {
        &self.history
    }
}
