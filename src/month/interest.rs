//! Interest on a prior-period adjustment: by an explicit annual rate (the prompt-payment rule; the CLI's
//! `--interest-rate` override), else by the customer's contract terms (`InterestTermsStore`), else none. One
//! function for the CLI (`disputes settle`, `ppa add`, `reprice`) and the console's settlement.
use billops_domain::interest::{InterestComputation, InterestRule};
use billops_domain::money::Money;
use billops_domain::terms::{EffectiveTable, Percent};
use billops_store::interest_terms::first_day;
use billops_store::{Result, Store, StoreError};
use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Serialize;

/// The interest of one adjustment: the rule's name and the step-by-step computation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PpaInterest {
    pub rule: String,
    pub computation: InterestComputation,
    /// The amount with the delta's sign (it runs with the adjustment).
    pub amount: Decimal,
}

/// Interest on `delta` of invoice `invoice` from its due date to `today`. `rate`: an explicit annual rate (the
/// prompt-payment rule); `None`: the customer's terms, or no interest when it has none.
pub async fn ppa_interest(
    store: &dyn Store,
    invoice: i64,
    delta: Decimal,
    rate: Option<Percent>,
    today: NaiveDate,
) -> Result<Option<PpaInterest>> {
    let inv = store.invoice(invoice).await?;
    let due: NaiveDate = inv.due_on.or(inv.issued_on).unwrap_or(inv.period.end());
    let bad = |e: billops_domain::interest::InterestError| StoreError::Invalid(format!("interest: {e}"));
    let (rule, interest) = match rate {
        Some(pct) => {
            let name = format!("prompt-payment at {}% (given)", pct.value().normalize());
            (name, InterestRule::prompt_payment(EffectiveTable::constant(pct)).map_err(bad)?)
        }
        None => match store.customer_interest(&inv.customer, first_day(due)).await? {
            Some(ci) => (format!("{}'s terms: {}", inv.customer, ci.rule), ci.interest),
            None => return Ok(None),
        },
    };
    let c = interest.compute(&Money::new(delta.abs(), inv.currency.clone()), due, today).map_err(bad)?;
    let amount = if delta.is_sign_negative() { -c.interest.amount } else { c.interest.amount };
    Ok(Some(PpaInterest { rule, computation: c, amount }))
}
