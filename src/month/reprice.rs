//! Re-rating a period that was issued (`billops reprice`): the period's charges rated again with a correction
//! to the price book (a rule put in front of the customer's rules for that period only, never saved), compared
//! line by line with what each customer's issued invoice billed. The result is a preview; proposed, each moved
//! line becomes a PPA that a second person approves and that posts on the next open draft.
//!
//! The same comparison takes late rows for the period ([`super::late`]): they are rated beside the charges the
//! period was billed on. A line the issued invoice does not have (a service billed for the first time by the late
//! rows) is reported as line 0 with nothing issued; proposed, a customer's new lines become one PPA on the whole
//! invoice (the store's line 0), its re-rated amount the invoice total plus their sum.
use std::collections::BTreeMap;

use billops_domain::Period;
use billops_domain::invoice::{DraftRequest, InvoiceStatus, LineKind, build_draft};
use billops_domain::ppa::{PPA_SERVICE, rerate};
use billops_domain::rating::{ChargeLine, LineRef, PriceBook, PriceRule, Pricing, ResourceUnitSet, RuleScope};
use billops_domain::terms::{Effective, Percent};
use billops_store::disputes::NewPpa;
use billops_store::{BillingModel, CustomerCharges, InvoiceFilter, Result, Store, StoreError};
use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Serialize;

/// The correction: a rule in force for the whole period, ahead of the customer's own rules.
#[derive(Debug, Clone)]
pub struct Correction {
    pub scope: RuleScope,
    pub pricing: Pricing,
}

/// One issued line whose amount moves.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RepriceLine {
    pub customer: String,
    pub invoice_id: i64,
    pub invoice: String,
    pub line: u32,
    pub description: String,
    pub currency: String,
    pub issued: Decimal,
    pub rerated: Decimal,
    pub delta: Decimal,
    /// The issued invoice's total (what a whole-invoice PPA for new lines starts from).
    pub invoice_total: Decimal,
}

/// The preview: moved lines, and customers with cost but no issued invoice (nothing to compare with).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Reprice {
    pub period: Option<Period>,
    pub lines: Vec<RepriceLine>,
    pub not_issued: Vec<String>,
}

fn is_rated(kind: &LineKind) -> bool {
    match kind {
        LineKind::Usage { service, .. } => service != PPA_SERVICE,
        LineKind::ResourceUnit { .. } => true,
        _ => false,
    }
}

/// Re-rate `period` with a correction, with late rows, or both, and compare with what was issued.
pub async fn reprice(
    store: &dyn Store,
    period: Period,
    customer: Option<&str>,
    fix: Option<&Correction>,
    late: &BTreeMap<String, Vec<ChargeLine>>,
) -> Result<Reprice> {
    reprice_with(store, period, customer, fix, late, &mut |_, _| {}).await
}

/// As [`reprice`], telling `progress(done, total)` after each customer is re-rated (the CLI's progress line).
pub async fn reprice_with(
    store: &dyn Store,
    period: Period,
    customer: Option<&str>,
    fix: Option<&Correction>,
    late: &BTreeMap<String, Vec<ChargeLine>>,
    progress: &mut (dyn FnMut(usize, usize) + Send),
) -> Result<Reprice> {
    let invalid = |e: &dyn std::fmt::Display| StoreError::Invalid(e.to_string());
    let codes = super::invoices::account_codes(&store.list_account_codes().await?);
    let rus = store.resource_unit_set().await?;
    let no_rus = ResourceUnitSet::default();
    let models = store.billing_models().await?;
    let effective = Effective::new(period.start(), Some(period.next().start())).map_err(|e| invalid(&e))?;
    let correction = fix
        .map(|fix| PriceRule::new("reprice-correction", fix.scope.clone(), fix.pricing, effective))
        .transpose()
        .map_err(|e| invalid(&e))?;
    let mut out = Reprice { period: Some(period), ..Reprice::default() };
    // the period's own rates: a signed-off period's are frozen with it
    let fx = store.fx_table(period).await?;
    // Who is re-rated: with a correction every customer billed in the period, and in any case those with late
    // rows (one billed nothing may still have an issued invoice); one customer's charges read at a time.
    let mut customers: std::collections::BTreeSet<String> = late.keys().cloned().collect();
    if correction.is_some() {
        match customer {
            Some(c) => {
                customers.insert(c.to_string());
            }
            None => customers.extend(store.charged_customers(period).await?),
        }
    }
    customers.retain(|c| customer.is_none_or(|x| x == c.as_str()));
    for (done, code) in customers.iter().enumerate() {
        progress(done, customers.len());
        for mut charges in store.charges(period, Some(code)).await? {
            let extra = late.get(&charges.customer);
            if let Some(extra) = extra {
                add_late(&mut charges, extra);
            }
            let f = InvoiceFilter { period: Some(period), customer: Some(charges.customer.clone()) };
            let issued = store
                .list_invoices(&f)
                .await?
                .into_iter()
                .find(|i| i.status.is_issued() && i.status != InvoiceStatus::Void);
            let Some(issued) = issued else {
                out.not_issued.push(charges.customer.clone());
                continue;
            };
            let inv = store.invoice(issued.id).await?;
            let chargeback =
                models.iter().any(|m| m.customer == charges.customer && m.model == BillingModel::Chargeback);
            let mut rules: Vec<PriceRule> = correction.iter().cloned().collect();
            rules.extend(store.price_book(&charges.customer).await?.rules().iter().cloned());
            let book = PriceBook::new(&charges.customer, rules).map_err(|e| invalid(&e))?;
            let req = DraftRequest {
                customer: &charges.customer,
                period,
                currency: &charges.currency,
                lines: &charges.lines,
                price_book: &book,
                resource_units: if chargeback { &rus } else { &no_rus },
                account_codes: &codes,
                discounts: &[],
                credits: &[],
                tax_rate: inv.draft.tax_rate,
                rounding: inv.draft.rounding_rule,
                fx: &fx,
            };
            let draft = build_draft(&req).map_err(|e| StoreError::Invalid(format!("{}: {e}", charges.customer)))?;
            let fresh: BTreeMap<(&LineKind, &Option<String>), Decimal> =
                draft.charges.iter().map(|l| ((&l.kind, &l.account_code), l.amount)).collect();
            let (mut was, mut now, mut text) = (BTreeMap::new(), BTreeMap::new(), BTreeMap::new());
            for (n, l) in inv.draft.lines().enumerate().filter(|(_, l)| is_rated(&l.kind)) {
                let n = u32::try_from(n + 1).map_err(|e| invalid(&e))?;
                was.insert(n, l.amount);
                now.insert(n, fresh.get(&(&l.kind, &l.account_code)).copied().unwrap_or(Decimal::ZERO));
                text.insert(n, l.description.clone());
            }
            let mut new_lines: Vec<(String, Decimal)> = Vec::new();
            for l in &draft.charges {
                let known = inv.draft.lines().any(|i| i.kind == l.kind && i.account_code == l.account_code);
                if !known && !l.amount.is_zero() {
                    new_lines.push((format!("new: {}", l.description), l.amount));
                }
            }
            for d in rerate(&was, &now).map_err(|e| invalid(&e))? {
                out.lines.push(RepriceLine {
                    customer: charges.customer.clone(),
                    invoice_id: inv.id,
                    invoice: inv.number.clone().unwrap_or_default(),
                    line: d.line,
                    description: text.get(&d.line).cloned().unwrap_or_default(),
                    currency: inv.currency.clone(),
                    issued: d.issued,
                    rerated: d.rerated,
                    delta: d.delta,
                    invoice_total: inv.total,
                });
            }
            for (description, amount) in new_lines {
                out.lines.push(RepriceLine {
                    customer: charges.customer.clone(),
                    invoice_id: inv.id,
                    invoice: inv.number.clone().unwrap_or_default(),
                    line: 0,
                    description,
                    currency: inv.currency.clone(),
                    issued: Decimal::ZERO,
                    rerated: amount,
                    delta: amount,
                    invoice_total: inv.total,
                });
            }
        }
    }
    progress(customers.len(), customers.len());
    Ok(out)
}

/// Put late lines beside a customer's billed charges (their sources numbered after the billed ones; a line with
/// no currency is in the customer's, as the store reads it).
fn add_late(charges: &mut CustomerCharges, extra: &[ChargeLine]) {
    let base = i64::try_from(charges.lines.len()).unwrap_or(i64::MAX);
    for (n, l) in extra.iter().enumerate() {
        let mut l = l.clone();
        l.source = LineRef(base.saturating_add(i64::try_from(n).unwrap_or(i64::MAX)));
        if l.currency.is_empty() {
            l.currency.clone_from(&charges.currency);
        }
        charges.lines.push(l);
    }
}

/// The PPAs a preview proposes: one per moved issued line, and per invoice one whole-invoice PPA (the store's
/// line 0) for the lines it did not have, re-rated to its total plus their sum. Interest on each by the
/// customer's contract terms, or at `rate` (the prompt-payment rule) when given.
pub async fn ppas(
    store: &dyn Store,
    preview: &Reprice,
    reason: &str,
    run: &str,
    rate: Option<Percent>,
    today: NaiveDate,
) -> Result<Vec<NewPpa>> {
    let overflow = || StoreError::Invalid("re-rated sum overflows".into());
    let interest = |invoice: i64, delta: Decimal| async move {
        let i = super::interest::ppa_interest(store, invoice, delta, rate, today).await?;
        Ok::<Decimal, StoreError>(i.map_or(Decimal::ZERO, |i| i.amount))
    };
    let mut out = Vec::with_capacity(preview.lines.len());
    let mut new: BTreeMap<i64, (Decimal, Decimal)> = BTreeMap::new();
    for l in preview.lines.iter().filter(|l| l.line == 0) {
        let e = new.entry(l.invoice_id).or_insert((l.invoice_total, Decimal::ZERO));
        e.1 = e.1.checked_add(l.delta).ok_or_else(overflow)?;
    }
    for (invoice_id, (total, delta)) in new {
        out.push(NewPpa {
            invoice_id,
            line: 0,
            rerated: total.checked_add(delta).ok_or_else(overflow)?,
            interest: interest(invoice_id, delta).await?,
            reason: reason.to_string(),
            run: Some(run.to_string()),
        });
    }
    for l in preview.lines.iter().filter(|l| l.line != 0) {
        out.push(NewPpa {
            invoice_id: l.invoice_id,
            line: l.line,
            rerated: l.rerated,
            interest: interest(l.invoice_id, l.delta).await?,
            reason: reason.to_string(),
            run: Some(run.to_string()),
        });
    }
    Ok(out)
}
