//! Month-end close: the checklist of SPEC §2.7 computed from facts, the countdown to the due day, manager
//! sign-off (which locks the period) and audited re-opening; plus the three-way tie-out.
use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::feed::Severity;
use crate::party::User;
use crate::period::Period;
use crate::variance::VarianceThresholds;

mod board;
mod calendar;
mod case;
mod statement;
#[cfg(test)]
mod tests;
mod tieout;

pub use board::evaluate;
pub use calendar::{BusinessCalendar, Countdown, DueKind, DueRule};
pub use case::CaseStatus;
pub use statement::{Invoiced, Statement, StatementStatus, StatementTie, StatementTieStatus, statement_tie};
pub use tieout::{TieOut, TieOutInput, TieOutStatus, per_currency, tie_out};

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum CloseError {
    #[error("invalid: {0}")]
    Invalid(String),
    #[error("{user} ({role}) may not {what}")]
    NotPermitted { user: String, role: String, what: &'static str },
    #[error("cannot sign off {period}: {blockers:?}")]
    Blocked { period: Period, blockers: Vec<String> },
    #[error("{0} is already locked")]
    AlreadyLocked(Period),
    #[error("{0} is not locked")]
    NotLocked(Period),
    #[error("a reason is required to re-open {0}")]
    ReasonRequired(Period),
    #[error("the board is for {board}, the period is {period}")]
    WrongPeriod { board: Period, period: Period },
    #[error("amount overflow")]
    Overflow,
}

/// The checklist items, in board order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CheckId {
    FinalData,
    AccountsAssigned,
    SupplierReconciled,
    CreditsApplied,
    VariancesExplained,
    InvoicesApproved,
    Onboarding,
    SignOff,
}

impl CheckId {
    pub const ALL: [CheckId; 8] = [
        CheckId::FinalData,
        CheckId::AccountsAssigned,
        CheckId::SupplierReconciled,
        CheckId::CreditsApplied,
        CheckId::VariancesExplained,
        CheckId::InvoicesApproved,
        CheckId::Onboarding,
        CheckId::SignOff,
    ];
    pub fn title(self) -> &'static str {
        match self {
            CheckId::FinalData => "Final data imported, no open feed issues",
            CheckId::AccountsAssigned => "Every linked account with cost assigned",
            CheckId::SupplierReconciled => "Supplier invoices entered and reconciled",
            CheckId::CreditsApplied => "Credits and discounts approved and applied",
            CheckId::VariancesExplained => "Variances over threshold explained",
            CheckId::InvoicesApproved => "Invoice drafts reviewed and approved",
            CheckId::Onboarding => "Onboarding checklists complete",
            CheckId::SignOff => "Manager sign-off (locks the period)",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemStatus {
    Ok,
    Warning,
    Blocker,
}

/// The pane or list that fixes a failing item (the console jumps there).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum JumpTarget {
    Imports,
    FeedIssues,
    UnassignedAccounts,
    SupplierInvoices,
    Recon,
    CreditQueue,
    InvoiceDrafts,
    Variances,
    Onboarding,
    CloseBoard,
}

/// Open feed issues by severity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct IssueCounts {
    pub info: u64,
    pub warning: u64,
    pub error: u64,
}

impl IssueCounts {
    pub fn at_or_above(&self, s: Severity) -> u64 {
        match s {
            Severity::Info => self.info + self.warning + self.error,
            Severity::Warning => self.warning + self.error,
            Severity::Error => self.error,
        }
    }
}

/// What the store counts for a period; the board is computed from these, never ticked by hand.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CloseFacts {
    pub period: Period,
    /// Payers whose data for the period is missing or still estimated.
    pub payers_not_final: Vec<String>,
    pub open_issues: IssueCounts,
    pub unassigned_accounts_with_cost: u64,
    /// Unassigned cost per currency (two currencies are never added).
    pub unassigned_cost: BTreeMap<String, Decimal>,
    /// One per payer and currency with data in the period.
    pub tie_outs: Vec<TieOut>,
    pub credits_awaiting_approval: u64,
    pub discounts_awaiting_approval: u64,
    /// Approved, valid credits with a balance that the current drafts do not reflect (drafts are stale).
    pub credits_not_on_drafts: u64,
    pub variances_unexplained: u64,
    pub customers_without_draft: u64,
    pub drafts_not_approved: u64,
    pub onboarding_incomplete: u64,
    /// Payers whose data for the period is all final (the evidence behind a ✓ on item 1).
    #[serde(default)]
    pub payers_final: Vec<String>,
    /// Payers with data the month before and none in this one (expected, not arrived).
    #[serde(default)]
    pub payers_missing: Vec<String>,
    /// Customers with cost in the period.
    #[serde(default)]
    pub customers_with_cost: u64,
    /// Approved invoices not issued yet: issuing is part of the month.
    #[serde(default)]
    pub invoices_approved_unissued: u64,
    #[serde(default)]
    pub invoices_issued: u64,
    /// Supplier credits / refunds of the period that no customer credit passes through.
    #[serde(default)]
    pub supplier_credits_unreached: u64,
    #[serde(default)]
    pub supplier_credits_reached: u64,
    /// Approved funding / promotional credits that no issued invoice has used.
    #[serde(default)]
    pub funding_credits_unused: u64,
}

/// How the board judges facts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CloseConfig {
    pub due: DueRule,
    pub calendar: BusinessCalendar,
    /// Open feed issues at or above this severity block; lower ones (warning and up) warn.
    pub issue_threshold: Severity,
    /// Incomplete onboarding blocks instead of warning.
    pub onboarding_blocks: bool,
    pub owners: BTreeMap<CheckId, String>,
    /// Largest unexplained tie-out residual accepted per payer and leg.
    #[serde(default = "default_tolerance")]
    pub tie_out_tolerance: Decimal,
    /// When a period-on-period variance needs an explanation (item 5).
    #[serde(default)]
    pub variance: VarianceThresholds,
    /// Invoices are issued after sign-off: approved, unissued invoices do not block, and issuing a locked
    /// month's approved invoices is allowed (setting `issue_after_sign_off`).
    #[serde(default)]
    pub issue_after_sign_off: bool,
    /// Unreached supplier and funding credits block sign-off (`true`, the default) or only warn (setting
    /// `unreached_credits` = block | warn).
    #[serde(default = "default_true")]
    pub unreached_credits_block: bool,
}

fn default_true() -> bool {
    true
}

fn default_tolerance() -> Decimal {
    Decimal::new(1, 2)
}

impl Default for CloseConfig {
    /// Due the 10th (calendar day), weekends only, errors block, onboarding warns, tie-outs within a cent,
    /// variances of 10 % and 1,000 explained.
    fn default() -> Self {
        CloseConfig {
            due: DueRule::default(),
            calendar: BusinessCalendar::default(),
            issue_threshold: Severity::Error,
            onboarding_blocks: false,
            owners: BTreeMap::new(),
            tie_out_tolerance: default_tolerance(),
            variance: VarianceThresholds::default(),
            issue_after_sign_off: false,
            unreached_credits_block: true,
        }
    }
}

/// One row of the board.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CloseItem {
    pub check: CheckId,
    pub title: String,
    pub owner: Option<String>,
    pub status: ItemStatus,
    /// What blocks (or warns), one line each.
    pub problems: Vec<String>,
    pub jump: JumpTarget,
    /// What was counted, whatever the status ("3 payers, all final"): a ✓ says why it is one, so a vacuous
    /// pass is visible.
    #[serde(default)]
    pub basis: String,
    /// The command (or console key) that fixes the item when it is not ok.
    #[serde(default)]
    pub fix: Option<String>,
}

/// The board for one period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CloseBoard {
    pub period: Period,
    pub items: Vec<CloseItem>,
    pub countdown: Countdown,
    pub locked: bool,
}

impl CloseBoard {
    /// Sign-off is possible when no item blocks and the period is not locked already.
    pub fn can_sign_off(&self) -> bool {
        !self.locked && self.items.iter().all(|i| i.status != ItemStatus::Blocker)
    }
    /// Every blocking problem, each with the command that fixes its item.
    pub fn blockers(&self) -> Vec<String> {
        self.items
            .iter()
            .filter(|i| i.status == ItemStatus::Blocker)
            .flat_map(|i| {
                i.problems.iter().map(move |p| match &i.fix {
                    Some(fix) => format!("{p} (fix: {fix})"),
                    None => p.clone(),
                })
            })
            .collect()
    }
    /// The next item after `from` (wrapping) that is not ok: keyboard stepping through the board.
    pub fn next_failing(&self, from: Option<usize>) -> Option<usize> {
        let n = self.items.len();
        let start = from.map_or(0, |i| i + 1);
        (0..n).map(|k| (start + k) % n.max(1)).find(|&i| self.items.get(i).is_some_and(|x| x.status != ItemStatus::Ok))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CloseAction {
    SignOff,
    Reopen,
}

/// One audited sign-off or re-opening.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CloseEvent {
    pub at: DateTime<Utc>,
    pub by: String,
    pub action: CloseAction,
    pub reason: String,
}

/// A period's lock: signed off (locked) or open, with its history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PeriodClose {
    period: Period,
    events: Vec<CloseEvent>,
}

impl PeriodClose {
    pub fn new(period: Period) -> PeriodClose {
        PeriodClose { period, events: Vec::new() }
    }
    /// Rebuild from stored events: sign-off and re-open must alternate, starting with a sign-off.
    pub fn replay(period: Period, events: Vec<CloseEvent>) -> Result<PeriodClose, CloseError> {
        for (i, e) in events.iter().enumerate() {
            let want = if i % 2 == 0 { CloseAction::SignOff } else { CloseAction::Reopen };
            if e.action != want {
                return Err(CloseError::Invalid(format!("{period}: event {i} is {:?}, expected {want:?}", e.action)));
            }
        }
        Ok(PeriodClose { period, events })
    }
    pub fn period(&self) -> Period {
        self.period
    }
    pub fn is_locked(&self) -> bool {
        self.locked_by().is_some()
    }
    /// The sign-off that holds the lock.
    pub fn locked_by(&self) -> Option<&CloseEvent> {
        self.events.last().filter(|e| e.action == CloseAction::SignOff)
    }
    pub fn events(&self) -> &[CloseEvent] {
        &self.events
    }

    fn manager(by: &User, what: &'static str) -> Result<(), CloseError> {
        if by.role.can_approve() {
            Ok(())
        } else {
            Err(CloseError::NotPermitted { user: by.name.clone(), role: by.role.to_string(), what })
        }
    }

    /// Manager sign-off: locks the period when the board has no blocker.
    pub fn sign_off(&mut self, board: &CloseBoard, by: &User, at: DateTime<Utc>, note: &str) -> Result<(), CloseError> {
        Self::manager(by, "sign off a period")?;
        if board.period != self.period {
            return Err(CloseError::WrongPeriod { board: board.period, period: self.period });
        }
        if self.is_locked() {
            return Err(CloseError::AlreadyLocked(self.period));
        }
        if !board.can_sign_off() {
            return Err(CloseError::Blocked { period: self.period, blockers: board.blockers() });
        }
        self.events.push(CloseEvent { at, by: by.name.clone(), action: CloseAction::SignOff, reason: note.into() });
        Ok(())
    }

    /// Re-open a locked period: manager only, with a reason (audited).
    pub fn reopen(&mut self, by: &User, at: DateTime<Utc>, reason: &str) -> Result<(), CloseError> {
        Self::manager(by, "re-open a period")?;
        if !self.is_locked() {
            return Err(CloseError::NotLocked(self.period));
        }
        if reason.trim().is_empty() {
            return Err(CloseError::ReasonRequired(self.period));
        }
        self.events.push(CloseEvent { at, by: by.name.clone(), action: CloseAction::Reopen, reason: reason.into() });
        Ok(())
    }
}
