//! Prior-period adjustments (PPAs): a correction of what a locked period billed, kept as its own record and
//! posted as credit-and-rebill in an open period — the original line reversed (−X), the re-rated line posted
//! (+Y), interest on the difference where the contract says so — never by editing the locked period.
//!
//! Re-rating ([`rerate`]) compares what was issued with what the corrected rates give, line by line, and
//! proposes one PPA per line that moved.
use std::collections::BTreeMap;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::credit::ApprovalPolicy;
use crate::invoice::{Draft, InvoiceLine, LineKind};
use crate::money::round_document;
use crate::period::Period;

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum PpaError {
    #[error("invalid PPA: {0}")]
    Invalid(String),
    #[error("a PPA that is {status:?} cannot {what}")]
    BadTransition { status: PpaStatus, what: &'static str },
    #[error("{by} proposed this PPA: another person must approve it (over the {threshold} threshold)")]
    MakerChecker { by: String, threshold: Decimal },
    #[error("cannot post in {period}: {why}")]
    PostingPeriod { period: Period, why: String },
    #[error("amount overflow")]
    Overflow,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PpaStatus {
    Proposed,
    Approved,
    Rejected,
    /// Its lines are on an invoice of the posting period.
    Posted,
}

/// What a PPA corrects: one issued line of a locked period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PpaInput {
    pub customer: String,
    pub currency: String,
    pub original_period: Period,
    pub original_invoice: String,
    pub original_line: u32,
    /// What the line billed.
    pub original: Decimal,
    /// What it should have billed.
    pub rerated: Decimal,
    /// Interest on the difference (from `interest::InterestRule`), when the contract charges it.
    pub interest: Decimal,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ppa {
    pub input: PpaInput,
    pub status: PpaStatus,
    pub proposer: String,
    pub approver: Option<String>,
    pub posting_period: Option<Period>,
    /// The invoice of the posting period that carries its lines.
    pub posted_on: Option<String>,
}

/// One line a PPA puts on the posting period's invoice; each names the original invoice and line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PostingLine {
    pub kind: PostingKind,
    pub amount: Decimal,
    pub text: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PostingKind {
    Reverse,
    Rebill,
    Interest,
}

impl Ppa {
    pub fn propose(input: PpaInput, by: &str) -> Result<Ppa, PpaError> {
        if input.rerated == input.original {
            return Err(PpaError::Invalid("the re-rated amount equals the original: nothing to adjust".into()));
        }
        if input.reason.trim().is_empty() {
            return Err(PpaError::Invalid("a PPA states its reason".into()));
        }
        if input.interest.is_sign_negative() && !input.interest.is_zero() && input.rerated > input.original {
            return Err(PpaError::Invalid("interest runs with the adjustment, not against it".into()));
        }
        Ok(Ppa {
            input,
            status: PpaStatus::Proposed,
            proposer: by.to_string(),
            approver: None,
            posting_period: None,
            posted_on: None,
        })
    }

    /// Re-rated − original.
    pub fn delta(&self) -> Result<Decimal, PpaError> {
        self.input.rerated.checked_sub(self.input.original).ok_or(PpaError::Overflow)
    }

    pub fn approve(&mut self, by: &str, policy: &ApprovalPolicy) -> Result<(), PpaError> {
        if self.status != PpaStatus::Proposed {
            return Err(PpaError::BadTransition { status: self.status, what: "be approved" });
        }
        if policy.needs_second_person(self.delta()?.abs()) && by == self.proposer {
            return Err(PpaError::MakerChecker { by: by.to_string(), threshold: policy.threshold() });
        }
        self.approver = Some(by.to_string());
        self.status = PpaStatus::Approved;
        Ok(())
    }

    pub fn reject(&mut self) -> Result<(), PpaError> {
        if self.status != PpaStatus::Proposed {
            return Err(PpaError::BadTransition { status: self.status, what: "be rejected" });
        }
        self.status = PpaStatus::Rejected;
        Ok(())
    }

    /// Post in `period` on `invoice`: an approved PPA only, in a period after the original one that is not
    /// locked (`locked` answers for a period).
    pub fn post(
        &mut self,
        period: Period,
        invoice: &str,
        locked: impl Fn(Period) -> bool,
    ) -> Result<Vec<PostingLine>, PpaError> {
        if self.status != PpaStatus::Approved {
            return Err(PpaError::BadTransition { status: self.status, what: "be posted" });
        }
        if period <= self.input.original_period {
            return Err(PpaError::PostingPeriod {
                period,
                why: format!("a PPA posts after the period it corrects ({})", self.input.original_period),
            });
        }
        if locked(period) {
            return Err(PpaError::PostingPeriod { period, why: "the period is locked".into() });
        }
        let lines = self.lines();
        self.posting_period = Some(period);
        self.posted_on = Some(invoice.to_string());
        self.status = PpaStatus::Posted;
        Ok(lines)
    }

    /// The credit-and-rebill lines: −original, +re-rated, and interest when there is any.
    pub fn lines(&self) -> Vec<PostingLine> {
        let i = &self.input;
        let of = format!("{} line {} ({})", i.original_invoice, i.original_line, i.original_period);
        let mut v = vec![
            PostingLine { kind: PostingKind::Reverse, amount: -i.original, text: format!("reversal of {of}") },
            PostingLine { kind: PostingKind::Rebill, amount: i.rerated, text: format!("re-rated {of}: {}", i.reason) },
        ];
        if !i.interest.is_zero() {
            v.push(PostingLine { kind: PostingKind::Interest, amount: i.interest, text: format!("interest on {of}") });
        }
        v
    }
}

/// A line that moved when re-rated.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineDelta {
    pub line: u32,
    pub issued: Decimal,
    pub rerated: Decimal,
    pub delta: Decimal,
}

/// What was issued vs what the corrected rates give, per line (a line missing on one side counts as 0);
/// only lines that moved are returned, in line order.
pub fn rerate(issued: &BTreeMap<u32, Decimal>, rerated: &BTreeMap<u32, Decimal>) -> Result<Vec<LineDelta>, PpaError> {
    let mut lines: Vec<u32> = issued.keys().chain(rerated.keys()).copied().collect();
    lines.sort_unstable();
    lines.dedup();
    let mut out = Vec::new();
    for line in lines {
        let a = issued.get(&line).copied().unwrap_or(Decimal::ZERO);
        let b = rerated.get(&line).copied().unwrap_or(Decimal::ZERO);
        let delta = b.checked_sub(a).ok_or(PpaError::Overflow)?;
        if !delta.is_zero() {
            out.push(LineDelta { line, issued: a, rerated: b, delta });
        }
    }
    Ok(out)
}

/// The service name PPA lines carry on a draft (their product is `PPA-<id>`, their component the posting kind).
pub const PPA_SERVICE: &str = "Prior-period adjustment";

fn kind_name(k: PostingKind) -> &'static str {
    match k {
        PostingKind::Reverse => "reverse",
        PostingKind::Rebill => "rebill",
        PostingKind::Interest => "interest",
    }
}

/// Put PPAs posted in a draft's period on the draft as credit-and-rebill lines in its charges (each naming the
/// original invoice and line), then recompute tax on the new taxable amount and the document rounding, once.
/// Credits the draft planned stay as they are. The draft is unchanged when `ppas` is empty.
pub fn add_to_draft(draft: &mut Draft, ppas: &[(i64, &Ppa)]) -> Result<(), PpaError> {
    let mut added = Decimal::ZERO;
    for (id, p) in ppas {
        if p.status != PpaStatus::Posted || p.posting_period != Some(draft.period) {
            return Err(PpaError::Invalid(format!("PPA {id} is not posted in {}", draft.period)));
        }
        if p.input.customer != draft.customer || p.input.currency != draft.currency {
            return Err(PpaError::Invalid(format!(
                "PPA {id} is for {} in {}, the draft for {} in {}",
                p.input.customer, p.input.currency, draft.customer, draft.currency
            )));
        }
        for l in p.lines() {
            added = added.checked_add(l.amount).ok_or(PpaError::Overflow)?;
            draft.charges.push(InvoiceLine {
                kind: LineKind::Usage {
                    service: PPA_SERVICE.to_string(),
                    product: format!("PPA-{id}"),
                    component: kind_name(l.kind).to_string(),
                },
                description: format!("PPA-{id} {}", l.text),
                account_code: None,
                quantity: None,
                cost: Decimal::ZERO,
                amount: l.amount,
                rule_ids: Vec::new(),
                sources: Vec::new(),
                fx: None,
            });
        }
    }
    if ppas.is_empty() {
        return Ok(());
    }
    let t = &mut draft.totals;
    t.charges = t.charges.checked_add(added).ok_or(PpaError::Overflow)?;
    t.taxable = t.taxable.checked_add(added).ok_or(PpaError::Overflow)?;
    t.tax = if draft.tax_rate.is_zero() {
        Decimal::ZERO
    } else {
        draft.tax_rate.of(t.taxable).ok_or(PpaError::Overflow)?
    };
    for l in &mut draft.tax {
        l.amount = t.tax;
    }
    t.unrounded = t.taxable.checked_add(t.tax).ok_or(PpaError::Overflow)?;
    t.total = round_document(t.unrounded, &draft.currency, draft.rounding_rule);
    t.rounding = t.total.checked_sub(t.unrounded).ok_or(PpaError::Overflow)?;
    let code = draft.rounding.first().and_then(|l| l.account_code.clone());
    draft.rounding.clear();
    if !t.rounding.is_zero() {
        draft.rounding.push(InvoiceLine {
            kind: LineKind::Rounding,
            description: format!("Rounding ({:?})", draft.rounding_rule),
            account_code: code,
            quantity: None,
            cost: Decimal::ZERO,
            amount: t.rounding,
            rule_ids: Vec::new(),
            sources: Vec::new(),
            fx: None,
        });
    }
    Ok(())
}

#[cfg(test)]
#[path = "ppa_tests.rs"]
mod tests;
