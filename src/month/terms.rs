//! Customer billing terms: set (a patch over the terms in force), show, and the terms a period's draft or an
//! issue uses (defaults when none were set: no tax, no discount, half away from zero, 30 days).
use billops_domain::Period;
use billops_domain::invoice::InvoiceDiscount;
use billops_domain::money::RoundingRule;
use billops_domain::terms::Percent;
use billops_store::{Actor, CustomerTerms, NewTerms, Result, Store, StoreError, StoredTerms, TermsDiscount};
use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Serialize;

/// The id of the terms' discount line on a draft.
pub const TERMS_DISCOUNT_ID: &str = "terms";

/// What `terms set` changes; `None` keeps the value in force.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TermsPatch {
    pub tax: Option<Decimal>,
    /// Zero removes the discount.
    pub discount: Option<Decimal>,
    pub discount_label: Option<String>,
    pub rounding: Option<RoundingRule>,
    pub due_days: Option<i64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct TermsView {
    pub customer: String,
    /// In force on `on` (defaults when nothing was set).
    pub current: CustomerTerms,
    pub on: NaiveDate,
    /// Every entry, oldest first.
    pub history: Vec<StoredTerms>,
}

fn pct(d: Decimal, what: &str) -> Result<Percent> {
    Percent::new(d).map_err(|e| StoreError::Invalid(format!("{what}: {e}")))
}

/// `half_away_from_zero` (default), `half_even` or `down`.
pub fn parse_rounding(s: &str) -> Result<RoundingRule> {
    match s.trim() {
        "half_away_from_zero" | "half-away-from-zero" => Ok(RoundingRule::HalfAwayFromZero),
        "half_even" | "half-even" => Ok(RoundingRule::HalfEven),
        "down" => Ok(RoundingRule::Down),
        other => Err(StoreError::Invalid(format!("rounding {other:?}: half_away_from_zero, half_even or down"))),
    }
}

/// The default start of new terms: the day after the last locked period (terms never change a locked
/// period), or 2000-01-01 when nothing is locked.
pub async fn default_from(store: &dyn Store) -> Result<NaiveDate> {
    let floor = NaiveDate::from_ymd_opt(2000, 1, 1).unwrap_or_default();
    Ok(store.locked_periods().await?.iter().map(|l| l.period.end()).max().unwrap_or(floor).max(floor))
}

/// The terms in force on `day` (defaults when none).
pub async fn on(store: &dyn Store, customer: &str, day: NaiveDate) -> Result<CustomerTerms> {
    Ok(store.terms_on(customer, day).await?.map(|t| t.terms).unwrap_or_default())
}

/// The terms a period's draft is built with: those in force on its first day.
pub async fn for_period(store: &dyn Store, customer: &str, period: Period) -> Result<CustomerTerms> {
    on(store, customer, period.start()).await
}

/// The draft discounts of a customer's terms (none, or the one terms discount).
pub fn discounts(t: &CustomerTerms) -> Result<Vec<InvoiceDiscount>> {
    match &t.discount {
        Some(d) if !d.pct.is_zero() => {
            let label = if d.label.trim().is_empty() { "Discount" } else { d.label.as_str() };
            let x = InvoiceDiscount::new(TERMS_DISCOUNT_ID, label, d.pct.value())
                .map_err(|e| StoreError::Invalid(e.to_string()))?;
            Ok(vec![x])
        }
        _ => Ok(Vec::new()),
    }
}

/// Apply `patch` over the terms in force on `from` (default: [`default_from`]) and record them from then on.
pub async fn set(
    store: &dyn Store,
    customer: &str,
    patch: &TermsPatch,
    from: Option<NaiveDate>,
    by: &Actor,
) -> Result<StoredTerms> {
    let from = match from {
        Some(f) => f,
        None => default_from(store).await?,
    };
    let mut t = on(store, customer, from).await?;
    if let Some(x) = patch.tax {
        t.tax_rate = pct(x, "--tax")?;
    }
    match (patch.discount, &patch.discount_label) {
        (Some(x), _) if x.is_zero() => t.discount = None,
        (Some(x), label) => {
            let label = label.clone().or_else(|| t.discount.as_ref().map(|d| d.label.clone())).unwrap_or_default();
            t.discount = Some(TermsDiscount { pct: pct(x, "--discount")?, label });
        }
        (None, Some(label)) => match &mut t.discount {
            Some(d) => d.label = label.clone(),
            None => return Err(StoreError::Invalid("--discount-label needs a discount (--discount)".into())),
        },
        (None, None) => {}
    }
    if let Some(r) = patch.rounding {
        t.rounding = r;
    }
    if let Some(d) = patch.due_days {
        t.due_days = d;
    }
    store.set_terms(&NewTerms { customer: customer.to_string(), from, terms: t }, by).await
}

pub async fn show(store: &dyn Store, customer: &str, today: NaiveDate) -> Result<TermsView> {
    let history = store.list_terms(customer).await?;
    let current = history.iter().rev().find(|t| t.from <= today).map(|t| t.terms.clone()).unwrap_or_default();
    Ok(TermsView { customer: customer.to_string(), current, on: today, history })
}

/// Payment days for issuing invoice `id` on `today` (the customer's terms then in force).
pub async fn due_days(store: &dyn Store, id: i64, today: NaiveDate) -> Result<i64> {
    let inv = store.invoice(id).await?;
    let day = today.max(inv.period.start());
    Ok(on(store, &inv.customer, day).await?.due_days)
}
