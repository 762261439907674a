//! PPA posting on the next draft: an approved prior-period adjustment lands on the customer's draft of a later
//! open period as credit-and-rebill lines (reversal −X, re-rated +Y, interest when the PPA carries it), each
//! naming the original invoice and line. Called from draft generation ([`super::invoices::generate`]).
//!
//! Posting marks the PPA posted in the draft's period (its own transaction per customer, before the run's drafts
//! are saved: [`post_due`], then [`add_posted`] per draft); a regeneration of that period's draft finds it posted there and puts the same lines on again, so a failed
//! save or a later regeneration never loses or doubles an adjustment.
use std::collections::{HashMap, HashSet};

use billops_domain::Period;
use billops_domain::invoice::Draft;
use billops_domain::ppa::{PpaStatus, add_to_draft};
use billops_store::disputes::{PpaFilter, PpaRecord};
use billops_store::{Actor, Result, Store, StoreError};

/// Post the due PPAs of a run's `customers` (those with cost) for `period`, each customer in its own
/// transaction as before, all before the run's drafts are saved: a customer with an approved PPA of an earlier
/// period, or one already posted in `period`. Returns the PPAs posted in `period` per customer (what
/// [`add_posted`] puts on its draft); customers with none are left out.
pub async fn post_due(
    store: &dyn Store,
    customers: &[&str],
    period: Period,
    by: &Actor,
) -> Result<HashMap<String, Vec<PpaRecord>>> {
    let mut out = HashMap::new();
    let all = store.list_ppas(&PpaFilter::default()).await?;
    let due: HashSet<&str> = all
        .iter()
        .filter(|r| match r.ppa.status {
            PpaStatus::Approved => r.ppa.input.original_period < period,
            PpaStatus::Posted => r.ppa.posting_period == Some(period),
            PpaStatus::Proposed | PpaStatus::Rejected => false,
        })
        .map(|r| r.ppa.input.customer.as_str())
        .collect();
    for c in customers.iter().filter(|c| due.contains(**c)) {
        let posted = store.post_ppas(c, period, by).await?;
        out.insert((*c).to_string(), posted);
    }
    Ok(out)
}

/// `draft` with the PPAs posted on its period on it (unchanged when there are none).
pub fn add_posted(mut draft: Draft, posted: &[PpaRecord]) -> Result<Draft> {
    if posted.is_empty() {
        return Ok(draft);
    }
    let refs: Vec<(i64, &billops_domain::ppa::Ppa)> = posted.iter().map(|r| (r.id, &r.ppa)).collect();
    add_to_draft(&mut draft, &refs).map_err(|e| StoreError::Invalid(format!("{}: {e}", draft.customer)))?;
    Ok(draft)
}

/// One step of a PPA's chain: the original line, then its lines where they landed (or would land).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ChainStep {
    /// `original`, `posted` (on the posting period's invoice) or the PPA's status while not posted.
    pub step: String,
    pub invoice: String,
    pub period: String,
    pub line: String,
    pub description: String,
    pub amount: rust_decimal::Decimal,
    /// The PPA's currency (the customer's invoices'): the amount is shown to its minor unit.
    pub currency: String,
}

/// The chain original line → PPA → the new invoice's lines.
pub async fn chain(store: &dyn Store, r: &billops_store::disputes::PpaRecord) -> Result<Vec<ChainStep>> {
    let i = &r.ppa.input;
    let orig = store.invoice(r.original_invoice_id).await?;
    let n = usize::try_from(i.original_line).unwrap_or(0);
    let desc = match n {
        0 => "whole invoice".to_string(),
        n => orig.draft.lines().nth(n - 1).map(|l| l.description.clone()).unwrap_or_default(),
    };
    let mut out = vec![ChainStep {
        step: "original".into(),
        invoice: i.original_invoice.clone(),
        period: i.original_period.to_string(),
        line: i.original_line.to_string(),
        description: desc,
        amount: i.original,
        currency: i.currency.clone(),
    }];
    let landed = match r.ppa.posting_period {
        Some(p) => {
            let f = billops_store::InvoiceFilter { period: Some(p), customer: Some(i.customer.clone()) };
            let void = billops_domain::invoice::InvoiceStatus::Void;
            store.list_invoices(&f).await?.into_iter().find(|s| s.status != void)
        }
        None => None,
    };
    let tag = format!("PPA-{} ", r.id);
    match landed {
        Some(s) => {
            let inv = store.invoice(s.id).await?;
            let label = inv.number.clone().unwrap_or_else(|| format!("draft #{}", inv.id));
            for (n, l) in inv.draft.lines().enumerate().filter(|(_, l)| l.description.starts_with(&tag)) {
                out.push(ChainStep {
                    step: "posted".into(),
                    invoice: label.clone(),
                    period: inv.period.to_string(),
                    line: (n + 1).to_string(),
                    description: l.description.clone(),
                    amount: l.amount,
                    currency: i.currency.clone(),
                });
            }
        }
        None => {
            let status = serde_json::to_value(r.ppa.status).ok().and_then(|v| v.as_str().map(str::to_string));
            for l in r.ppa.lines() {
                out.push(ChainStep {
                    step: status.clone().unwrap_or_default(),
                    invoice: String::new(),
                    period: String::new(),
                    line: String::new(),
                    description: l.text.clone(),
                    amount: l.amount,
                    currency: i.currency.clone(),
                });
            }
        }
    }
    Ok(out)
}
