//! The budgets of an outlook's scope, per currency and month: a customer's or a service's, an account code's
//! (its own `code:CODE` budgets, else its customers'), or every code's when the book is grouped by code. Each
//! budget counts in its currency ([`Fitted::budget_currency`]).
use std::collections::{BTreeMap, BTreeSet};

use billops_domain::Period;
use billops_store::{Budget, BudgetScope};
use rust_decimal::Decimal;

use super::codes::{self, Codes, code_of};
use super::{Fitted, Scope};

/// Budgets per currency, per month.
pub(super) type Budgets = BTreeMap<String, BTreeMap<Period, Decimal>>;

fn add_budget(out: &mut Budgets, currency: &str, b: &Budget) {
    *out.entry(currency.to_string()).or_default().entry(b.period).or_default() += b.amount;
}

/// Budget per currency and month for a scope: customer-scope budgets of its customers, or one service's.
pub(super) fn budget_of<'b>(
    fitted: &Fitted,
    budgets: impl IntoIterator<Item = &'b Budget>,
    customers: &BTreeSet<&str>,
    service: Option<&str>,
) -> Budgets {
    let mut out = Budgets::new();
    for b in budgets.into_iter().filter(|b| customers.contains(b.customer.as_str())) {
        let wanted = match (&b.scope, service) {
            (BudgetScope::Customer, None) => true,
            (BudgetScope::Service(s), Some(w)) => s == w,
            _ => false,
        };
        if wanted {
            add_budget(&mut out, fitted.budget_currency(b), b);
        }
    }
    out
}

/// An account code's budget per currency and month: its own `code:CODE` budgets (each in the currency of the
/// customer it is recorded under) when any, else its customers' (see [`codes::code_budget`]).
pub(super) fn code_budget(fitted: &Fitted, budgets: &[Budget], code: &str, members: &BTreeSet<&str>) -> Budgets {
    let mut out = Budgets::new();
    for b in codes::code_budget(budgets, code, members) {
        add_budget(&mut out, fitted.budget_currency(b), b);
    }
    out
}

/// The budget per currency and month of a scope.
pub(super) fn scope_budget(
    fitted: &Fitted,
    budgets: &[Budget],
    codes: &Codes,
    customers: &BTreeSet<&str>,
    scope: &Scope,
) -> Budgets {
    match (&scope.customer, &scope.code) {
        (None, Some(code)) => code_budget(fitted, budgets, code, customers),
        (None, None) if scope.by_code => {
            let mut out = Budgets::new();
            for (code, members) in by_code(codes, customers) {
                for (cur, months) in code_budget(fitted, budgets, code, &members) {
                    let into = out.entry(cur).or_default();
                    for (p, v) in months {
                        *into.entry(p).or_default() += v;
                    }
                }
            }
            out
        }
        _ => budget_of(fitted, budgets, customers, scope.service.as_deref()),
    }
}

/// `customers` grouped by the account code they carry.
pub(super) fn by_code<'a>(codes: &'a Codes, customers: &BTreeSet<&'a str>) -> BTreeMap<&'a str, BTreeSet<&'a str>> {
    let mut out: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for c in customers {
        out.entry(code_of(codes, c)).or_default().insert(c);
    }
    out
}
