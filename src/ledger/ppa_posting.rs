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
