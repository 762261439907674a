//! The board: each checklist item judged from the facts, with what was counted (`basis`: why a ✓ is one) and
//! the command that fixes it (`fix`: every refusal names something that exists).
use chrono::NaiveDate;

use super::{
    CheckId, CloseBoard, CloseConfig, CloseFacts, CloseItem, Countdown, ItemStatus, JumpTarget, PeriodClose, TieOut,
    TieOutStatus,
};
use crate::feed::Severity;
use crate::text::counted as plural;

struct Judged {
    blockers: Vec<String>,
    warnings: Vec<String>,
    basis: String,
    fix: Option<String>,
    jump: JumpTarget,
}

impl Judged {
    fn new(jump: JumpTarget, basis: String) -> Judged {
        Judged { blockers: Vec::new(), warnings: Vec::new(), basis, fix: None, jump }
    }
    fn fix(mut self, fix: impl Into<String>) -> Judged {
        self.fix = Some(fix.into());
        self
    }
    fn item(self, check: CheckId, cfg: &CloseConfig) -> CloseItem {
        let (status, problems) = if !self.blockers.is_empty() {
            (ItemStatus::Blocker, self.blockers)
        } else if !self.warnings.is_empty() {
            (ItemStatus::Warning, self.warnings)
        } else {
            (ItemStatus::Ok, Vec::new())
        };
        CloseItem {
            check,
            title: check.title().into(),
            owner: cfg.owners.get(&check).cloned(),
            status,
            problems,
            jump: self.jump,
            basis: self.basis,
            fix: if status == ItemStatus::Ok { None } else { self.fix },
        }
    }
}

fn count(n: u64, what: &str) -> Option<String> {
    (n > 0).then(|| format!("{n} {what}"))
}

fn final_data(f: &CloseFacts, cfg: &CloseConfig) -> Judged {
    let th = cfg.issue_threshold;
    let payers = f.payers_final.len() + f.payers_not_final.len();
    let basis = if payers == 0 {
        "no data imported".to_string()
    } else if f.payers_not_final.is_empty() {
        format!("{}, all final", plural(payers, "payer", "payers"))
    } else {
        format!("{} of {} final", f.payers_final.len(), plural(payers, "payer", "payers"))
    };
    let issues = f.open_issues.at_or_above(Severity::Warning);
    let basis = if issues == 0 { format!("{basis}; no open feed issues") } else { basis };
    let data_fix = "billops import FILE… (the payer's final cost-and-usage file)";
    let mut j = Judged::new(JumpTarget::Imports, basis);
    if payers == 0 && f.payers_missing.is_empty() {
        j.blockers.push(format!("no data imported for {}: an empty month is not ready", f.period));
        return j.fix(data_fix);
    }
    if !f.payers_not_final.is_empty() {
        j.blockers.push(format!("no final data for payer(s) {}", f.payers_not_final.join(", ")));
    }
    if !f.payers_missing.is_empty() {
        j.blockers.push(format!(
            "no data for payer(s) {} (they had data in {})",
            f.payers_missing.join(", "),
            f.period.prev()
        ));
    }
    if !j.blockers.is_empty() {
        return j.fix(data_fix);
    }
    j.jump = JumpTarget::FeedIssues;
    j.blockers.extend(count(f.open_issues.at_or_above(th), &format!("open feed issue(s) at {th} or above")));
    let below = issues.saturating_sub(f.open_issues.at_or_above(th));
    j.warnings.extend(count(below, "open feed issue(s) below the threshold"));
    j.fix("billops issues list (then re-import the corrected file)")
}

fn accounts(f: &CloseFacts) -> Judged {
    let basis = if f.unassigned_accounts_with_cost == 0 {
        format!("every account with cost assigned ({} customer(s) with cost)", f.customers_with_cost)
    } else {
        format!("{} customer(s) with cost", f.customers_with_cost)
    };
    let mut j = Judged::new(JumpTarget::UnassignedAccounts, basis);
    j.blockers.extend(count(
        f.unassigned_accounts_with_cost,
        &format!("unassigned account(s) with cost {}", super::per_currency(&f.unassigned_cost)),
    ));
    j.fix(format!(
        "billops accounts list --unassigned, then billops accounts assign ACCOUNT CUSTOMER --from {}",
        f.period.start()
    ))
}

fn supplier(f: &CloseFacts) -> Judged {
    let missing = f.tie_outs.iter().any(|t| t.status == TieOutStatus::MissingSupplierInvoice);
    let ok = f.tie_outs.iter().filter(|t| t.is_ok()).count();
    let basis = if f.tie_outs.is_empty() {
        "no payer to tie out".to_string()
    } else {
        let payers: std::collections::BTreeSet<&str> = f.tie_outs.iter().map(|t| t.input.payer.as_str()).collect();
        if payers.len() == f.tie_outs.len() {
            format!("{ok} of {} tied out within tolerance", plural(f.tie_outs.len(), "payer", "payers"))
        } else {
            // a payer billed in two currencies is tied out once per currency
            format!("{ok} of {} tie-outs (payer × currency) within tolerance", f.tie_outs.len())
        }
    };
    let mut j = Judged::new(if missing { JumpTarget::SupplierInvoices } else { JumpTarget::Recon }, basis);
    j.blockers = f.tie_outs.iter().filter(|t| !t.is_ok()).map(TieOut::summary).collect();
    // A residual explained (by a case awaiting its credit note, a timing difference) does not block, but shows.
    j.warnings = f.tie_outs.iter().filter(|t| t.status == TieOutStatus::Explained).map(TieOut::summary).collect();
    if missing {
        j.fix(format!("billops supplier add PAYER {} --number NUMBER --amount AMOUNT", f.period))
    } else {
        j.fix(format!("billops recon {} and billops cases (open, update)", f.period))
    }
}

fn credits(f: &CloseFacts, cfg: &CloseConfig) -> Judged {
    let pending = f.credits_awaiting_approval + f.discounts_awaiting_approval;
    let unreached = f.supplier_credits_unreached + f.funding_credits_unused;
    let basis = format!(
        "{} awaiting approval; {} of {} supplier credit(s) passed through; {} funding credit(s) unused",
        pending,
        f.supplier_credits_reached,
        f.supplier_credits_reached + f.supplier_credits_unreached,
        f.funding_credits_unused
    );
    let jump = if pending + unreached > 0 { JumpTarget::CreditQueue } else { JumpTarget::InvoiceDrafts };
    let mut j = Judged::new(jump, basis);
    j.blockers.extend(count(f.credits_awaiting_approval, "credit(s) awaiting approval"));
    j.blockers.extend(count(f.discounts_awaiting_approval, "discount(s) awaiting approval"));
    j.blockers.extend(count(f.credits_not_on_drafts, "approved credit(s) not on the drafts: regenerate"));
    let gone: Vec<String> = [
        count(f.supplier_credits_unreached, "supplier credit(s) not passed on to a customer"),
        count(f.funding_credits_unused, "funding/promotional credit(s) not used on an issued invoice"),
    ]
    .into_iter()
    .flatten()
    .collect();
    if cfg.unreached_credits_block {
        j.blockers.extend(gone);
    } else {
        j.warnings.extend(gone);
    }
    let p = f.period;
    if pending > 0 {
        j.fix("billops credits list, then billops credits approve ID --reason TEXT (manager)")
    } else if f.credits_not_on_drafts > 0 {
        j.fix(format!("billops invoices generate --period {p}"))
    } else {
        j.fix(format!(
            "billops credits unreached --period {p}, then billops credits propose CUSTOMER --kind sla|promo … \
             and billops invoices generate --period {p}"
        ))
    }
}

fn variances(f: &CloseFacts, cfg: &CloseConfig) -> Judged {
    let basis = format!(
        "compared with {} at {}% and {}; {} unexplained",
        f.period.prev(),
        cfg.variance.pct().value().normalize(),
        cfg.variance.abs().normalize(),
        f.variances_unexplained
    );
    let mut j = Judged::new(JumpTarget::Variances, basis);
    j.blockers.extend(count(f.variances_unexplained, "variance(s) over threshold without explanation"));
    j.fix(format!("billops variance {}, then billops variance explain …", f.period))
}

fn invoices(f: &CloseFacts, cfg: &CloseConfig) -> Judged {
    let basis = format!(
        "{} customer(s) with cost; {} issued, {} approved not issued, {} not approved",
        f.customers_with_cost, f.invoices_issued, f.invoices_approved_unissued, f.drafts_not_approved
    );
    let mut j = Judged::new(JumpTarget::InvoiceDrafts, basis);
    j.blockers.extend(count(f.customers_without_draft, "customer(s) with cost but no draft"));
    j.blockers.extend(count(f.drafts_not_approved, "draft(s) not yet approved"));
    let unissued = f.invoices_approved_unissued;
    if cfg.issue_after_sign_off {
        j.warnings.extend(count(unissued, "approved invoice(s) to issue after sign-off"));
    } else {
        j.blockers.extend(count(unissued, "approved invoice(s) not issued: issuing is part of the month"));
    }
    let p = f.period;
    if f.customers_without_draft > 0 {
        j.fix(format!("billops invoices generate --period {p}"))
    } else if f.drafts_not_approved > 0 {
        j.fix(format!("billops invoices list --period {p}, then billops invoices review ID and approve ID"))
    } else {
        j.fix(format!("billops invoices list --period {p}, then billops invoices issue ID (manager)"))
    }
}

fn onboarding(f: &CloseFacts, cfg: &CloseConfig) -> Judged {
    let done = f.customers_with_cost.saturating_sub(f.onboarding_incomplete);
    let basis = format!("{done} of {} customer(s) with cost onboarded", f.customers_with_cost);
    let mut j = Judged::new(JumpTarget::Onboarding, basis);
    let o = count(f.onboarding_incomplete, "customer(s) with incomplete onboarding");
    if cfg.onboarding_blocks {
        j.blockers.extend(o);
    } else {
        j.warnings.extend(o);
    }
    j.fix("console: Customers, space ticks an onboarding item")
}

fn sign_off(f: &CloseFacts, close: &PeriodClose, today: NaiveDate) -> Judged {
    let p = f.period;
    match close.locked_by() {
        Some(e) => Judged::new(JumpTarget::CloseBoard, format!("signed off by {} at {}", e.by, e.at)),
        None if today < p.end() => {
            let mut j = Judged::new(JumpTarget::CloseBoard, format!("today is {today}"));
            j.blockers.push(format!("{p} has not ended: it can be signed off from {}", p.end()));
            j.fix(format!("billops close signoff {p} on or after {}", p.end()))
        }
        None => {
            let mut j = Judged::new(JumpTarget::CloseBoard, format!("{p} ended {}", p.end()));
            j.warnings.push("awaiting manager sign-off".into());
            j.fix(format!("billops close signoff {p} (manager)"))
        }
    }
}

/// Compute the board from facts, the period's close record and today's date.
pub fn evaluate(facts: &CloseFacts, cfg: &CloseConfig, close: &PeriodClose, today: NaiveDate) -> CloseBoard {
    let f = facts;
    let mut items = vec![
        final_data(f, cfg).item(CheckId::FinalData, cfg),
        accounts(f).item(CheckId::AccountsAssigned, cfg),
        supplier(f).item(CheckId::SupplierReconciled, cfg),
        credits(f, cfg).item(CheckId::CreditsApplied, cfg),
        variances(f, cfg).item(CheckId::VariancesExplained, cfg),
        invoices(f, cfg).item(CheckId::InvoicesApproved, cfg),
        onboarding(f, cfg).item(CheckId::Onboarding, cfg),
        sign_off(f, close, today).item(CheckId::SignOff, cfg),
    ];
    // The signed-off line keeps its history as its one "problem" line, as before.
    if let Some(last) = items.last_mut()
        && last.status == ItemStatus::Ok
    {
        last.problems = vec![last.basis.clone()];
    }
    CloseBoard {
        period: facts.period,
        items,
        countdown: Countdown::new(facts.period, &cfg.due, &cfg.calendar, today),
        locked: close.is_locked(),
    }
}
