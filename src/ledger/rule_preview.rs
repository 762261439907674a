//! A customer's price book against a period: which rule priced what, and what adding a rule would change
//! (the domain's `rating::preview` over the period's charges, old book vs the book with the rule appended —
//! new rules are tried after the existing ones, as the store orders them).
use billops_domain::Period;
use billops_domain::rating::{PriceBook, PriceRule, Pricing, RatingDiff, RuleScope, preview};
use billops_domain::terms::Effective;
use billops_store::{Result, Store, StoreError, StoredPriceRule};
use chrono::NaiveDate;

/// The id the previewed rule carries until the store gives it one.
pub const PREVIEW_RULE_ID: &str = "(new)";

fn rating(e: billops_domain::rating::RatingError) -> StoreError {
    StoreError::Invalid(e.to_string())
}

async fn lines(store: &dyn Store, customer: &str, period: Period) -> Result<Vec<billops_domain::rating::ChargeLine>> {
    Ok(store.charges(period, Some(customer)).await?.into_iter().flat_map(|c| c.lines).collect())
}

/// The stored rules and what each priced in `period` (`by_rule` of the book against itself).
pub async fn usage(store: &dyn Store, customer: &str, period: Period) -> Result<(Vec<StoredPriceRule>, RatingDiff)> {
    let rules = store.list_price_rules(customer).await?;
    let book = PriceBook::new(customer, rules.iter().map(|r| r.rule.clone()).collect()).map_err(rating)?;
    let diff = preview(&book, &book, &lines(store, customer, period).await?).map_err(rating)?;
    Ok((rules, diff))
}

/// What adding a rule (scope, pricing, effective from `from`) after the existing ones would do to `period`.
pub async fn add_rule(
    store: &dyn Store,
    customer: &str,
    period: Period,
    scope: RuleScope,
    pricing: Pricing,
    from: NaiveDate,
) -> Result<RatingDiff> {
    let old = store.price_book(customer).await?;
    let rule = PriceRule::new(PREVIEW_RULE_ID, scope, pricing, Effective::starting(from)).map_err(rating)?;
    let mut rules = old.rules().to_vec();
    rules.push(rule);
    let new = PriceBook::new(customer, rules).map_err(rating)?;
    preview(&old, &new, &lines(store, customer, period).await?).map_err(rating)
}
