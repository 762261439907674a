//! Rating services: a customer's price book against a period (which rule priced what) and the preview of a
//! price-rule change (what adding a rule would do, before it is saved), for the CLI and the console alike.
use billops_domain::Period;
use billops_domain::line_item::ChargeCategory;
use billops_domain::rating::{
    ChargeLine, PriceBook, PriceRule, Pricing, RatingDiff, ResourceUnitSet, RuleScope, preview,
};
use billops_domain::terms::Effective;
use billops_store::{BillingModel, Result, Store, StoreError, StoredPriceRule};
use chrono::NaiveDate;

/// The id the previewed rule goes by (stored rules are `R<n>`).
pub const PREVIEW_RULE: &str = "(new)";

/// A rule's pricing as the CLI and the console show it: `markup 10%`, `discount 5%`, `rate 0.2 per unit`.
pub fn pricing_text(p: Pricing) -> String {
    match p {
        Pricing::Markup(x) => format!("markup {x}"),
        Pricing::Discount(x) => format!("discount {x}"),
        Pricing::FixedUnitRate(r) => format!("rate {} per unit", r.normalize()),
    }
}

/// A rule's scope as the CLI and the console show it: `key=value` by the scope's field names
/// (`service= product= usage_type= region= charge_category=`), or `every line`.
pub fn scope_text(sc: &RuleScope) -> String {
    let parts: Vec<String> = [
        sc.service.as_ref().map(|v| format!("service={v}")),
        sc.product.as_ref().map(|v| format!("product={v}")),
        sc.usage_type.as_ref().map(|v| format!("usage_type={v}")),
        sc.region.as_ref().map(|v| format!("region={v}")),
        sc.charge_category.map(|v| format!("charge_category={v}")),
    ]
    .into_iter()
    .flatten()
    .collect();
    if parts.is_empty() { "every line".into() } else { parts.join(" ") }
}

fn invalid(e: billops_domain::rating::RatingError) -> StoreError {
    StoreError::Invalid(e.to_string())
}

/// Rate `customer`'s lines of `period` under its price book and under the book with a rule added at the end
/// (where `pricebook add` puts it), effective from `from` (a month's first day, as `add` requires). Only the
/// lines the price book prices are compared: supplier tax and credits are stripped from invoices, and for a
/// chargeback customer the lines a resource unit selects are charged by it, not by the book.
pub async fn preview_rule(
    store: &dyn Store,
    customer: &str,
    period: Period,
    scope: RuleScope,
    pricing: Pricing,
    from: NaiveDate,
) -> Result<RatingDiff> {
    billops_store::month_start("price rule", from)?;
    let old = store.price_book(customer).await?;
    let rule = PriceRule::new(PREVIEW_RULE, scope, pricing, Effective::starting(from)).map_err(invalid)?;
    let mut rules = old.rules().to_vec();
    rules.push(rule);
    let new = PriceBook::new(customer, rules).map_err(invalid)?;
    let lines = priced_lines(store, customer, period).await?;
    preview(&old, &new, &lines).map_err(|e| StoreError::Invalid(format!("{customer} {period}: {e}")))
}

/// The lines of `customer`'s `period` the price book prices: not the supplier tax and credits invoices strip,
/// and for a chargeback customer not the lines a resource unit charges.
pub async fn priced_lines(store: &dyn Store, customer: &str, period: Period) -> Result<Vec<ChargeLine>> {
    let chargeback =
        store.billing_models().await?.iter().any(|m| m.customer == customer && m.model == BillingModel::Chargeback);
    let units = if chargeback { store.resource_unit_set().await? } else { ResourceUnitSet::default() };
    let mut lines = Vec::new();
    for c in store.charges(period, Some(customer)).await? {
        for l in c.lines {
            if matches!(l.charge_category, ChargeCategory::Tax | ChargeCategory::Credit) {
                continue;
            }
            if units.units().iter().any(|u| u.selector().matches(&l)) {
                continue;
            }
            lines.push(l);
        }
    }
    Ok(lines)
}

/// The stored rules and what each priced in `period` (`by_rule` of the book against itself), over the same
/// lines as [`preview_rule`].
pub async fn usage(store: &dyn Store, customer: &str, period: Period) -> Result<(Vec<StoredPriceRule>, RatingDiff)> {
    let rules = store.list_price_rules(customer).await?;
    let book = PriceBook::new(customer, rules.iter().map(|r| r.rule.clone()).collect()).map_err(invalid)?;
    let lines = priced_lines(store, customer, period).await?;
    let diff = preview(&book, &book, &lines).map_err(|e| StoreError::Invalid(format!("{customer} {period}: {e}")))?;
    Ok((rules, diff))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn rule_text_is_one_for_cli_and_console() {
        let d = |s: &str| billops_domain::parse_decimal(s).unwrap();
        assert_eq!(pricing_text(Pricing::fixed_unit_rate(d("0.20")).unwrap()), "rate 0.2 per unit");
        assert_eq!(pricing_text(Pricing::markup(d("10")).unwrap()), "markup 10%");
        assert_eq!(pricing_text(Pricing::discount(d("2.50")).unwrap()), "discount 2.5%");
        assert_eq!(scope_text(&RuleScope::any()), "every line");
        let mut sc = RuleScope::any();
        sc.service = Some("EC2".into());
        sc.region = Some("eu-west-1".into());
        sc.charge_category = Some(ChargeCategory::Usage);
        assert_eq!(scope_text(&sc), format!("service=EC2 region=eu-west-1 charge_category={}", ChargeCategory::Usage));
    }
}
