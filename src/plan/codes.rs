//! Account codes in the forecast (issue 12: budgets "per customer (and per service or account code)"):
//! customers are grouped by the account code they carry (none: [`NO_CODE`]). The budget of a code is the sum
//! of its `code:CODE` budgets when any is loaded, else of its customers' own budgets — the budget report's
//! rule, month by month. A `code:CODE` budget is stored under a customer (the store keys budgets by
//! customer); every customer's `code:CODE` rows count for the code, so it does not matter which one.
use std::collections::{BTreeMap, BTreeSet};

use billops_domain::Period;
use billops_store::{Budget, BudgetScope, Customer};
use rust_decimal::Decimal;

/// The group of customers that carry no account code.
pub const NO_CODE: &str = "(no code)";

/// Customer code → its account code (customers without one are left out: see [`code_of`]).
pub type Codes = BTreeMap<String, String>;

pub fn codes(customers: &[Customer]) -> Codes {
    customers.iter().filter_map(|c| Some((c.code.clone(), c.account_code.clone()?))).collect()
}

/// The account code a customer is grouped under.
pub fn code_of<'a>(codes: &'a Codes, customer: &str) -> &'a str {
    codes.get(customer).map_or(NO_CODE, String::as_str)
}

/// The customer a code's budget is recorded under from the console: the first (by code) carrying it.
pub fn holder<'a>(codes: &'a Codes, code: &str) -> Option<&'a str> {
    codes.iter().find(|(_, c)| c.as_str() == code).map(|(cust, _)| cust.as_str())
}

/// The budgets that count for `code`: its explicit `code:CODE` budgets when any exist, else those of
/// `customers` (the code's customers) at customer scope. (Each is in the currency of the customer it is
/// recorded under: the caller sums them per currency.)
pub fn code_budget<'a>(budgets: &'a [Budget], code: &str, customers: &BTreeSet<&str>) -> Vec<&'a Budget> {
    let explicit: Vec<&Budget> =
        budgets.iter().filter(|b| matches!(&b.scope, BudgetScope::AccountCode(c) if c == code)).collect();
    if !explicit.is_empty() && code != NO_CODE {
        return explicit;
    }
    budgets.iter().filter(|b| b.scope == BudgetScope::Customer && customers.contains(b.customer.as_str())).collect()
}

/// Budgets summed per month.
pub fn per_month<'a>(budgets: impl IntoIterator<Item = &'a Budget>) -> BTreeMap<Period, Decimal> {
    let mut out: BTreeMap<Period, Decimal> = BTreeMap::new();
    for b in budgets {
        *out.entry(b.period).or_default() += b.amount;
    }
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn b(customer: &str, scope: BudgetScope, m: &str, amount: i64) -> Budget {
        Budget {
            customer: customer.into(),
            scope,
            period: m.parse().unwrap(),
            amount: Decimal::from(amount),
            set_by: "t".into(),
            set_at: chrono::DateTime::UNIX_EPOCH,
        }
    }

    #[test]
    fn a_code_budget_wins_over_its_customers_else_their_budgets_add_up() {
        let budgets = vec![
            b("A", BudgetScope::Customer, "2026-05", 100),
            b("B", BudgetScope::Customer, "2026-05", 50),
            b("B", BudgetScope::AccountCode("GL-1".into()), "2026-06", 400),
            b("C", BudgetScope::AccountCode("GL-1".into()), "2026-06", 20),
        ];
        let two: BTreeSet<&str> = ["A", "B"].into_iter().collect();
        let gl1 = per_month(code_budget(&budgets, "GL-1", &two));
        assert_eq!(gl1.into_iter().collect::<Vec<_>>(), [("2026-06".parse().unwrap(), Decimal::from(420))]);
        let gl2 = per_month(code_budget(&budgets, "GL-2", &two));
        assert_eq!(gl2.values().copied().collect::<Vec<_>>(), [Decimal::from(150)]);
        let codes: Codes = [("B".to_string(), "GL-1".to_string()), ("A".to_string(), "GL-1".to_string())].into();
        assert_eq!((code_of(&codes, "A"), code_of(&codes, "Z")), ("GL-1", NO_CODE));
        assert_eq!(holder(&codes, "GL-1"), Some("A"));
    }
}
