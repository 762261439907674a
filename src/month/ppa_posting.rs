//! PPA posting on the next draft: an approved prior-period adjustment lands on the customer's draft of a later
//! open period as credit-and-rebill lines (reversal −X, re-rated +Y, interest when the PPA carries it), each
//! naming the original invoice and line. Called from draft generation ([`super::invoices::generate`]).
//!
//! Posting marks the PPA posted in the draft's period (its own transaction, before the drafts are saved); a
//! regeneration of that period's draft finds it posted there and puts the same lines on again, so a failed
//! save or a later regeneration never loses or doubles an adjustment.
use billops_domain::invoice::Draft;
use billops_domain::ppa::{PpaStatus, add_to_draft};
use billops_store::disputes::PpaFilter;
use billops_store::{Actor, Result, Store, StoreError};

/// `draft` with the customer's PPAs for its period on it (unchanged, and nothing written, when there are none).
pub async fn with_ppas(store: &dyn Store, mut draft: Draft, by: &Actor) -> Result<Draft> {
    let filter = PpaFilter { customer: Some(draft.customer.clone()), ..PpaFilter::default() };
    let due = store.list_ppas(&filter).await?.iter().any(|r| match r.ppa.status {
        PpaStatus::Approved => r.ppa.input.original_period < draft.period,
        PpaStatus::Posted => r.ppa.posting_period == Some(draft.period),
        PpaStatus::Proposed | PpaStatus::Rejected => false,
    });
    if !due {
        return Ok(draft);
    }
    let posted = store.post_ppas(&draft.customer, draft.period, by).await?;
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
