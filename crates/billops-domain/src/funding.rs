//! Partner funding applications (MAP, POC credits, MDF and other programmes, as data).
//!
//! Stage and status are kept apart: the **status** follows the partner programme's own states (pending
//! submission → in review → action required | approved | rejected | cancelled); the **stage** is where the
//! money is (draft → submitted → approved → claim submitted → claim approved → paid → assigned to a customer
//! project). No application is released (submitted) while its partner opportunity is not validated; no claim
//! before approval; no assignment before payment. Amounts keep requested ≥ approved ≥ claimed ≥ received, and
//! what is assigned to projects is exactly what was received. Every transition is an event with who, when
//! and why; the record's version moves with each, so a stale update is refused rather than overwriting.
use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use thiserror::Error;

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum FundingError {
    #[error("invalid funding application: {0}")]
    Invalid(String),
    #[error("opportunity {opportunity} is {state}: an application is released only once it is approved")]
    OpportunityNotValidated { opportunity: String, state: OpportunityState },
    #[error("an application at stage {stage} (status {status}) cannot {what}")]
    BadTransition { stage: Stage, status: Status, what: &'static str },
    #[error("{what}: {amount} is more than the {limit_name} {limit}")]
    OverLimit { what: &'static str, amount: Decimal, limit_name: &'static str, limit: Decimal },
    #[error("changed meanwhile: you had version {expected}, the application is at {actual}; reload and retry")]
    Stale { expected: u32, actual: u32 },
}

/// The partner opportunity's own validation state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OpportunityState {
    Pending,
    Approved,
    Rejected,
    Expired,
}

impl std::fmt::Display for OpportunityState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            OpportunityState::Pending => "pending",
            OpportunityState::Approved => "approved",
            OpportunityState::Rejected => "rejected",
            OpportunityState::Expired => "expired",
        })
    }
}

/// The programme's status of the application.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    PendingSubmission,
    InReview,
    ActionRequired,
    Approved,
    Rejected,
    Cancelled,
}

/// Where the money is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    Draft,
    Submitted,
    Approved,
    ClaimSubmitted,
    ClaimApproved,
    Paid,
    AssignedToProject,
}

macro_rules! display_snake {
    ($t:ty { $($v:ident => $s:literal),* $(,)? }) => {
        impl std::fmt::Display for $t {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(match self { $(Self::$v => $s),* })
            }
        }
    };
}
display_snake!(Status { PendingSubmission => "pending submission", InReview => "in review", ActionRequired => "action required", Approved => "approved", Rejected => "rejected", Cancelled => "cancelled" });
display_snake!(Stage { Draft => "draft", Submitted => "submitted", Approved => "approved", ClaimSubmitted => "claim submitted", ClaimApproved => "claim approved", Paid => "paid", AssignedToProject => "assigned to project" });

/// How the programme pays out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Fulfilment {
    Credits,
    Cash,
}

/// Dates that matter; the claim due date is the programme's data, never derived.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct FundingDates {
    pub submit_by: Option<NaiveDate>,
    pub project_start: Option<NaiveDate>,
    pub project_end: Option<NaiveDate>,
    pub claim_due: Option<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FundingEvent {
    pub at: DateTime<Utc>,
    pub by: String,
    pub what: String,
    pub why: String,
}

/// What an operator enters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FundingInput {
    pub customer: String,
    /// Programme name as data (`MAP`, `POC`, `MDF`, …).
    pub program: String,
    pub requested: Decimal,
    pub currency: String,
    pub fulfilment: Fulfilment,
    pub opportunity: String,
    pub dates: FundingDates,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Application {
    pub input: FundingInput,
    pub stage: Stage,
    pub status: Status,
    pub approved: Option<Decimal>,
    pub claimed: Option<Decimal>,
    pub received: Option<Decimal>,
    /// Customer project → amount assigned.
    pub assigned: Vec<(String, Decimal)>,
    pub version: u32,
    pub history: Vec<FundingEvent>,
}

/// Who acts, when, and why — every transition carries one.
#[derive(Debug, Clone, Copy)]
pub struct Act<'a> {
    pub by: &'a str,
    pub at: DateTime<Utc>,
    pub why: &'a str,
    /// The version the person saw.
    pub version: u32,
}

impl Application {
    pub fn draft(input: FundingInput, by: &str, at: DateTime<Utc>) -> Result<Application, FundingError> {
        if input.requested <= Decimal::ZERO {
            return Err(FundingError::Invalid(format!("requested amount must be positive, not {}", input.requested)));
        }
        if input.program.trim().is_empty() || input.opportunity.trim().is_empty() {
            return Err(FundingError::Invalid("a programme and a partner opportunity are required".into()));
        }
        if let (Some(s), Some(e)) = (input.dates.project_start, input.dates.project_end)
            && e < s
        {
            return Err(FundingError::Invalid(format!("project ends ({e}) before it starts ({s})")));
        }
        let event = FundingEvent { at, by: by.into(), what: "drafted".into(), why: String::new() };
        Ok(Application {
            input,
            stage: Stage::Draft,
            status: Status::PendingSubmission,
            approved: None,
            claimed: None,
            received: None,
            assigned: Vec::new(),
            version: 1,
            history: vec![event],
        })
    }

    fn refuse(&self, what: &'static str) -> FundingError {
        FundingError::BadTransition { stage: self.stage, status: self.status, what }
    }

    /// Called after [`Self::check_version`] and the change: the event, and the next version.
    fn record(&mut self, act: Act<'_>, what: String) -> Result<(), FundingError> {
        self.history.push(FundingEvent { at: act.at, by: act.by.into(), what, why: act.why.into() });
        self.version += 1;
        Ok(())
    }

    fn check_version(&self, act: Act<'_>) -> Result<(), FundingError> {
        if act.version != self.version {
            return Err(FundingError::Stale { expected: act.version, actual: self.version });
        }
        Ok(())
    }

    /// Release to the programme: only from draft, only with a validated (approved) opportunity.
    pub fn submit(&mut self, opportunity: OpportunityState, act: Act<'_>) -> Result<(), FundingError> {
        self.check_version(act)?;
        if self.stage != Stage::Draft || self.status != Status::PendingSubmission {
            return Err(self.refuse("be submitted"));
        }
        if opportunity != OpportunityState::Approved {
            return Err(FundingError::OpportunityNotValidated {
                opportunity: self.input.opportunity.clone(),
                state: opportunity,
            });
        }
        self.stage = Stage::Submitted;
        self.status = Status::InReview;
        self.record(act, "submitted".into())
    }

    /// The programme asks for more (status only; the stage stays).
    pub fn action_required(&mut self, act: Act<'_>) -> Result<(), FundingError> {
        self.check_version(act)?;
        if self.status != Status::InReview {
            return Err(self.refuse("need action"));
        }
        self.status = Status::ActionRequired;
        self.record(act, "action required".into())
    }

    /// Answered the programme's request: back in review.
    pub fn resubmit(&mut self, act: Act<'_>) -> Result<(), FundingError> {
        self.check_version(act)?;
        if self.status != Status::ActionRequired {
            return Err(self.refuse("be resubmitted"));
        }
        self.status = Status::InReview;
        self.record(act, "resubmitted".into())
    }

    pub fn approve(&mut self, amount: Decimal, act: Act<'_>) -> Result<(), FundingError> {
        self.check_version(act)?;
        if self.stage != Stage::Submitted || !matches!(self.status, Status::InReview | Status::ActionRequired) {
            return Err(self.refuse("be approved"));
        }
        positive(amount, "approved amount")?;
        at_most(amount, "approved amount", self.input.requested, "requested")?;
        self.stage = Stage::Approved;
        self.status = Status::Approved;
        self.approved = Some(amount);
        self.record(act, format!("approved {amount}"))
    }

    pub fn reject(&mut self, act: Act<'_>) -> Result<(), FundingError> {
        self.check_version(act)?;
        if self.stage != Stage::Submitted || !matches!(self.status, Status::InReview | Status::ActionRequired) {
            return Err(self.refuse("be rejected"));
        }
        self.status = Status::Rejected;
        self.record(act, "rejected".into())
    }

    /// Withdrawn before any money moved.
    pub fn cancel(&mut self, act: Act<'_>) -> Result<(), FundingError> {
        self.check_version(act)?;
        if self.stage > Stage::Submitted || matches!(self.status, Status::Rejected | Status::Cancelled) {
            return Err(self.refuse("be cancelled"));
        }
        self.status = Status::Cancelled;
        self.record(act, "cancelled".into())
    }

    pub fn claim(&mut self, amount: Decimal, act: Act<'_>) -> Result<(), FundingError> {
        self.check_version(act)?;
        if self.stage != Stage::Approved {
            return Err(self.refuse("be claimed (a claim comes after approval)"));
        }
        positive(amount, "claimed amount")?;
        at_most(amount, "claimed amount", self.approved.unwrap_or_default(), "approved")?;
        self.stage = Stage::ClaimSubmitted;
        self.claimed = Some(amount);
        self.record(act, format!("claim submitted {amount}"))
    }

    pub fn approve_claim(&mut self, act: Act<'_>) -> Result<(), FundingError> {
        self.check_version(act)?;
        if self.stage != Stage::ClaimSubmitted {
            return Err(self.refuse("have its claim approved"));
        }
        self.stage = Stage::ClaimApproved;
        self.record(act, "claim approved".into())
    }

    pub fn paid(&mut self, amount: Decimal, act: Act<'_>) -> Result<(), FundingError> {
        self.check_version(act)?;
        if self.stage != Stage::ClaimApproved {
            return Err(self.refuse("be paid (payment follows an approved claim)"));
        }
        positive(amount, "received amount")?;
        at_most(amount, "received amount", self.claimed.unwrap_or_default(), "claimed")?;
        self.stage = Stage::Paid;
        self.received = Some(amount);
        self.record(act, format!("received {amount}"))
    }

    /// Assign what was received to customer projects: the parts add up to exactly what was received.
    pub fn assign(&mut self, parts: Vec<(String, Decimal)>, act: Act<'_>) -> Result<(), FundingError> {
        self.check_version(act)?;
        if self.stage != Stage::Paid {
            return Err(self.refuse("be assigned (assignment follows payment)"));
        }
        let received = self.received.unwrap_or_default();
        let total: Decimal = parts.iter().map(|(_, a)| *a).sum();
        if parts.is_empty() || parts.iter().any(|(p, a)| p.trim().is_empty() || *a <= Decimal::ZERO) {
            return Err(FundingError::Invalid("each project needs a name and a positive amount".into()));
        }
        if total != received {
            return Err(FundingError::Invalid(format!(
                "projects get {total} in all, but {received} was received: they must reconcile"
            )));
        }
        let names: Vec<&str> = parts.iter().map(|(p, _)| p.as_str()).collect();
        let what = format!("assigned to {}", names.join(", "));
        self.stage = Stage::AssignedToProject;
        self.assigned = parts;
        self.record(act, what)
    }

    /// Dates as the programme states them: the given ones replace the recorded ones.
    pub fn set_dates(&mut self, dates: FundingDates, act: Act<'_>) -> Result<(), FundingError> {
        self.check_version(act)?;
        let d = &mut self.input.dates;
        let merged = FundingDates {
            submit_by: dates.submit_by.or(d.submit_by),
            project_start: dates.project_start.or(d.project_start),
            project_end: dates.project_end.or(d.project_end),
            claim_due: dates.claim_due.or(d.claim_due),
        };
        if let (Some(s), Some(e)) = (merged.project_start, merged.project_end)
            && e < s
        {
            return Err(FundingError::Invalid(format!("project ends ({e}) before it starts ({s})")));
        }
        *d = merged;
        let shown = |x: Option<NaiveDate>| x.map_or("-".to_string(), |d| d.to_string());
        let what = format!(
            "dates: submit by {}, project {} to {}, claim due {}",
            shown(merged.submit_by),
            shown(merged.project_start),
            shown(merged.project_end),
            shown(merged.claim_due)
        );
        self.record(act, what)
    }

    /// Is the application still open work (not rejected, cancelled or finished)?
    pub fn is_open(&self) -> bool {
        !matches!(self.status, Status::Rejected | Status::Cancelled) && self.stage != Stage::AssignedToProject
    }

    /// The deadlines still ahead of this application's stage, within `days` of `today` (or already past).
    pub fn due_within(&self, today: NaiveDate, days: i64) -> Vec<Deadline> {
        if !self.is_open() {
            return Vec::new();
        }
        let d = self.input.dates;
        let mut out = Vec::new();
        let mut push = |what: DeadlineKind, date: Option<NaiveDate>| {
            if let Some(date) = date
                && (date - today).num_days() <= days
            {
                out.push(Deadline { what, date, days_left: (date - today).num_days() });
            }
        };
        if self.stage == Stage::Draft {
            push(DeadlineKind::Submission, d.submit_by);
        }
        if self.stage < Stage::ClaimSubmitted {
            push(DeadlineKind::Claim, d.claim_due);
        }
        if self.stage < Stage::Paid {
            push(DeadlineKind::ProjectEnd, d.project_end);
        }
        out.sort_by_key(|x| x.date);
        out
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeadlineKind {
    Submission,
    Claim,
    ProjectEnd,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Deadline {
    pub what: DeadlineKind,
    pub date: NaiveDate,
    /// Negative: lapsed.
    pub days_left: i64,
}

fn positive(amount: Decimal, what: &'static str) -> Result<(), FundingError> {
    if amount <= Decimal::ZERO {
        return Err(FundingError::Invalid(format!("{what} must be positive, not {amount}")));
    }
    Ok(())
}

fn at_most(amount: Decimal, what: &'static str, limit: Decimal, limit_name: &'static str) -> Result<(), FundingError> {
    if amount > limit {
        return Err(FundingError::OverLimit { what, amount, limit_name, limit });
    }
    Ok(())
}

#[cfg(test)]
#[path = "funding_tests.rs"]
mod tests;
