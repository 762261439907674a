//! Funding amounts reconciled two ways, and the status text for the customer.
//!
//! - **With finance**: finance's own records (per application: approved, claimed, received, currency;
//!   what finance left empty is not compared) against ours; every difference listed, applications finance
//!   does not know (that have money recorded) and finance rows for applications we do not have included.
//! - **With invoices**: an application fulfilled in credits is followed into the customer's funding
//!   credits — a credit belongs to an application when it is a funding credit of the same programme for the
//!   same customer whose evidence names the application (`funding:ID`) or its partner opportunity — and each
//!   credit to the invoices it was applied to. Received ≠ credited, or credited but not on an invoice, is a
//!   difference.
use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Serialize;

use crate::credit::{Credit, CreditAction, CreditKind, CreditStatus, FundingProgram};
use crate::funding::{Application, DeadlineKind, Fulfilment, Stage, Status};

/// One row of finance's records.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FinanceRecord {
    /// The line of the file (for messages).
    pub line: u64,
    pub application: i64,
    pub currency: Option<String>,
    pub approved: Option<Decimal>,
    pub claimed: Option<Decimal>,
    pub received: Option<Decimal>,
}

/// One difference between finance and us (or between what was received and what reached invoices).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Difference {
    pub application: i64,
    pub customer: String,
    /// `approved`, `claimed`, `received`, `currency`, `unknown to finance`, `not in billops`, `credited`,
    /// `on invoices`.
    pub what: String,
    pub ours: String,
    pub theirs: String,
}

fn text(a: Option<Decimal>) -> String {
    a.map(|d| d.normalize().to_string()).unwrap_or_default()
}

/// Finance's records against the pipeline (`apps`: id and application).
pub fn against_finance(apps: &[(i64, &Application)], finance: &[FinanceRecord]) -> Vec<Difference> {
    let mut out = Vec::new();
    for r in finance {
        let Some((id, a)) = apps.iter().find(|(id, _)| *id == r.application) else {
            out.push(Difference {
                application: r.application,
                customer: String::new(),
                what: "not in billops".into(),
                ours: String::new(),
                theirs: format!("line {}", r.line),
            });
            continue;
        };
        let diff = |what: &str, ours: String, theirs: String| Difference {
            application: *id,
            customer: a.input.customer.clone(),
            what: what.into(),
            ours,
            theirs,
        };
        if let Some(c) = &r.currency
            && !c.eq_ignore_ascii_case(&a.input.currency)
        {
            out.push(diff("currency", a.input.currency.clone(), c.clone()));
        }
        for (what, ours, theirs) in [
            ("approved", a.approved, r.approved),
            ("claimed", a.claimed, r.claimed),
            ("received", a.received, r.received),
        ] {
            if theirs.is_some() && theirs.unwrap_or_default() != ours.unwrap_or_default() {
                out.push(diff(what, text(ours), text(theirs)));
            }
        }
    }
    for (id, a) in apps {
        let money = a.approved.is_some() || a.claimed.is_some() || a.received.is_some();
        if money && !finance.iter().any(|r| r.application == *id) {
            out.push(Difference {
                application: *id,
                customer: a.input.customer.clone(),
                what: "unknown to finance".into(),
                ours: format!("received {}", text(a.received)),
                theirs: String::new(),
            });
        }
    }
    out.sort_by(|x, y| x.application.cmp(&y.application).then(x.what.cmp(&y.what)));
    out
}

/// The credit kind a programme's credits carry.
pub fn program_kind(program: &str) -> CreditKind {
    match program.trim().to_ascii_uppercase().as_str() {
        "MAP" => CreditKind::Funding(FundingProgram::Map),
        "POC" => CreditKind::Funding(FundingProgram::Poc),
        _ => CreditKind::Funding(FundingProgram::Other(program.trim().to_string())),
    }
}

fn same_program(kind: &CreditKind, program: &str) -> bool {
    match (kind, program_kind(program)) {
        (CreditKind::Funding(FundingProgram::Other(a)), CreditKind::Funding(FundingProgram::Other(b))) => {
            a.eq_ignore_ascii_case(&b)
        }
        (k, p) => *k == p,
    }
}

/// Does this credit carry application `id`'s funding?
pub fn credit_of(id: i64, app: &Application, c: &Credit) -> bool {
    let ev = c.evidence().to_ascii_lowercase();
    let names_it =
        ev.split(|ch: char| ch.is_whitespace() || ch == ',' || ch == ';').any(|w| w == format!("funding:{id}"))
            || (!app.input.opportunity.trim().is_empty() && ev.contains(&app.input.opportunity.to_ascii_lowercase()));
    c.customer() == app.input.customer && same_program(c.kind(), &app.input.program) && names_it
}

/// One application followed to the customer's invoices.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CreditTrail {
    pub application: i64,
    pub customer: String,
    pub program: String,
    pub received: Decimal,
    /// Approved (or since used up / expired) credits carrying it.
    pub credited: Decimal,
    pub credits: Vec<String>,
    /// Invoice → amount applied (net of reversals).
    pub invoices: Vec<(String, Decimal)>,
    pub on_invoices: Decimal,
}

impl CreditTrail {
    pub fn differences(&self) -> Vec<Difference> {
        let d = |what: &str, ours: Decimal, theirs: Decimal| Difference {
            application: self.application,
            customer: self.customer.clone(),
            what: what.into(),
            ours: ours.normalize().to_string(),
            theirs: theirs.normalize().to_string(),
        };
        let mut out = Vec::new();
        if self.credited != self.received {
            out.push(d("credited", self.received, self.credited));
        }
        if self.on_invoices != self.credited {
            out.push(d("on invoices", self.credited, self.on_invoices));
        }
        out
    }
}

/// Applications fulfilled in credits that money reached (paid or assigned), followed into `credits`.
pub fn against_invoices(apps: &[(i64, &Application)], credits: &[&Credit]) -> Vec<CreditTrail> {
    let mut out = Vec::new();
    for (id, a) in apps {
        if a.input.fulfilment != Fulfilment::Credits || a.stage < Stage::Paid {
            continue;
        }
        let mine: Vec<&&Credit> = credits
            .iter()
            .filter(|c| credit_of(*id, a, c))
            .filter(|c| !matches!(c.status(), CreditStatus::Proposed | CreditStatus::Rejected))
            .collect();
        let mut invoices: Vec<(String, Decimal)> = Vec::new();
        for c in &mine {
            for e in c.events() {
                let (inv, amt) = match &e.action {
                    CreditAction::Applied { invoice, amount } => (invoice, *amount),
                    CreditAction::Reversed { invoice, amount } => (invoice, -*amount),
                    _ => continue,
                };
                match invoices.iter_mut().find(|(i, _)| i == inv) {
                    Some((_, x)) => *x += amt,
                    None => invoices.push((inv.clone(), amt)),
                }
            }
        }
        invoices.retain(|(_, x)| !x.is_zero());
        out.push(CreditTrail {
            application: *id,
            customer: a.input.customer.clone(),
            program: a.input.program.clone(),
            received: a.received.unwrap_or_default(),
            credited: mine.iter().map(|c| c.amount().amount).sum(),
            credits: mine.iter().map(|c| c.id().to_string()).collect(),
            on_invoices: invoices.iter().map(|(_, x)| *x).sum(),
            invoices,
        });
    }
    out
}

/// The status of one application in words for the customer: where it is, the amounts so far, what comes
/// next and by when. No internal names (who did what) — the history stays in billops.
pub fn status_text(id: i64, a: &Application, today: NaiveDate) -> String {
    let i = &a.input;
    // Padded to the currency's minor unit (typed amounts are never finer, so nothing is rounded).
    let minor = crate::money::minor_units(&i.currency);
    let amount = |d: Decimal| {
        let shown = if d.scale() <= minor { format!("{d:.0$}", minor as usize) } else { crate::money::canonical(d) };
        format!("{shown} {}", i.currency)
    };
    let mut out = vec![
        format!("{} funding application {id} for {} (partner opportunity {})", i.program, i.customer, i.opportunity),
        format!("Status as of {today}: {} (programme status: {}).", a.stage, a.status),
        format!("Requested: {}.", amount(i.requested)),
    ];
    if let Some(x) = a.approved {
        out.push(format!("Approved by the programme: {}.", amount(x)));
    }
    if let Some(x) = a.claimed {
        out.push(format!("Claimed: {}.", amount(x)));
    }
    if let Some(x) = a.received {
        let how = if i.fulfilment == Fulfilment::Credits { "as credits" } else { "in cash" };
        out.push(format!("Received {how}: {}.", amount(x)));
    }
    for (p, x) in &a.assigned {
        out.push(format!("Assigned to your project {p}: {}.", amount(*x)));
    }
    if let (Some(s), Some(e)) = (i.dates.project_start, i.dates.project_end) {
        out.push(format!("Project: {s} to {e}."));
    }
    let next = match (a.stage, a.status) {
        (_, Status::Rejected) => "The programme declined this application.".to_string(),
        (_, Status::Cancelled) => "This application was withdrawn.".to_string(),
        (_, Status::ActionRequired) => "The programme asked for more information; we are answering it.".into(),
        (Stage::Draft, _) => "Next: we submit the application to the programme.".into(),
        (Stage::Submitted, _) => "Next: the programme reviews the application.".into(),
        (Stage::Approved, _) => "Next: we submit the claim once the project milestones are met.".into(),
        (Stage::ClaimSubmitted, _) => "Next: the programme reviews the claim.".into(),
        (Stage::ClaimApproved, _) => "Next: the programme pays out.".into(),
        (Stage::Paid, _) => "Next: we assign the funds to your projects.".into(),
        (Stage::AssignedToProject, _) => "Complete: the funds are assigned to your projects.".into(),
    };
    out.push(next);
    for d in a.due_within(today, 366) {
        let what = match d.what {
            DeadlineKind::Submission => "submission deadline",
            DeadlineKind::Claim => "claim due",
            DeadlineKind::ProjectEnd => "project end",
        };
        let when = if d.days_left < 0 { "passed on" } else { "on" };
        out.push(format!("Upcoming: {what} {when} {}.", d.date));
    }
    out.join("\n")
}

#[cfg(test)]
#[path = "funding_recon_tests.rs"]
mod tests;
