//! Where `billops::ledger::invoices::generate` spends its time: the same store calls and domain steps in the
//! same order (list_account_codes, resource units and billing models, charges, then per customer price_book,
//! customer_credits, build_draft (resource units for chargeback customers),
//! then one save_drafts for the whole run), each timed and summed. Diagnosis only: `generate` itself is what
//! the figures time.
use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use billops_domain::Period;
use billops_domain::invoice::{DraftRequest, build_draft};
use billops_domain::money::RoundingRule;
use billops_domain::rating::{AccountCodeTable, ResourceUnitSet};
use billops_domain::terms::Percent;
use billops_store::Actor;
use rust_decimal::Decimal;

/// One phase: name, total time, calls.
pub type Phase = (&'static str, Duration, usize);

/// (phase, total time, calls) for one full pass over the period; `lines` is the charge-line count.
pub async fn run(url: &str, period: Period, by: &Actor) -> (Vec<Phase>, usize) {
    let store = billops_store::open(url).await.unwrap();
    let mut out: Vec<Phase> = Vec::new();
    let t = Instant::now();
    let codes = store.list_account_codes().await.unwrap();
    out.push(("list_account_codes", t.elapsed(), 1));
    assert!(codes.is_empty(), "the bench store has account codes: this breakdown assumes none");
    let codes = AccountCodeTable::default();
    let t = Instant::now();
    let rus = store.resource_unit_set().await.unwrap();
    let chargeback: std::collections::BTreeSet<String> = store
        .billing_models()
        .await
        .unwrap()
        .into_iter()
        .filter(|m| m.model == billops_store::BillingModel::Chargeback)
        .map(|m| m.customer)
        .collect();
    out.push(("resource_unit_set + billing_models", t.elapsed(), 2));
    let no_rus = ResourceUnitSet::default();
    let t = Instant::now();
    let all = store.charges(period, None).await.unwrap();
    out.push(("charges (one query, every customer)", t.elapsed(), 1));
    let lines = all.iter().map(|c| c.lines.len()).sum();
    let zero = Percent::new(Decimal::ZERO).unwrap();
    let (mut book_t, mut cred_t, mut draft_t) = (Duration::ZERO, Duration::ZERO, Duration::ZERO);
    let mut drafts = Vec::with_capacity(all.len());
    for charges in &all {
        let t = Instant::now();
        let book = store.price_book(&charges.customer).await.unwrap();
        book_t += t.elapsed();
        let t = Instant::now();
        let credits = store.customer_credits(&charges.customer).await.unwrap();
        cred_t += t.elapsed();
        let t = Instant::now();
        let req = DraftRequest {
            customer: &charges.customer,
            period,
            currency: &charges.currency,
            lines: &charges.lines,
            price_book: &book,
            resource_units: if chargeback.contains(&charges.customer) { &rus } else { &no_rus },
            account_codes: &codes,
            discounts: &[],
            credits: &credits,
            tax_rate: zero,
            rounding: RoundingRule::HalfAwayFromZero,
        };
        let draft = build_draft(&req).unwrap();
        let mut payer_costs: BTreeMap<String, Decimal> = BTreeMap::new();
        for (l, payer) in charges.lines.iter().zip(&charges.payers) {
            *payer_costs.entry(payer.clone()).or_insert(Decimal::ZERO) += l.cost;
        }
        drafts.push((draft, payer_costs.into_iter().collect()));
        draft_t += t.elapsed();
    }
    let t = Instant::now();
    store.save_drafts(&drafts, by).await.unwrap();
    let save_t = t.elapsed();
    let n = all.len();
    out.push(("price_book (per customer)", book_t, n));
    out.push(("customer_credits (per customer)", cred_t, n));
    out.push(("build_draft + payer sums (CPU, no store)", draft_t, n));
    out.push(("save_drafts (one call, every customer)", save_t, 1));
    store.close().await;
    (out, lines)
}
