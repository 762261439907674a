//! The customer tie-out against CloudHealth customer statements (issue 13): per customer and currency, what
//! billops invoiced for the period beside the total of the reseller platform's statement, the difference and
//! the statement's status. An Estimated statement is flagged as not final; amounts in two currencies are never
//! compared or added (a customer invoiced in USD with a EUR statement has two rows, each with one side).
use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// A CloudHealth statement is first Estimated, then Final.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StatementStatus {
    Estimated,
    Final,
}

impl StatementStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            StatementStatus::Estimated => "estimated",
            StatementStatus::Final => "final",
        }
    }
}

impl fmt::Display for StatementStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for StatementStatus {
    type Err = String;
    /// `Estimated` or `Final`, any case, spaces around ignored.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "estimated" => Ok(StatementStatus::Estimated),
            "final" => Ok(StatementStatus::Final),
            _ => Err(format!("{s:?} is not a statement status (Estimated or Final)")),
        }
    }
}

/// How one customer and currency compares.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StatementTieStatus {
    /// A Final statement equal to what billops invoiced.
    Matches,
    /// A Final statement that differs from what billops invoiced.
    Differs,
    /// The statement is Estimated: compared, but not final.
    Estimated,
    /// billops invoiced the customer in this currency; no statement in it.
    NoStatement,
    /// A statement in this currency; billops invoiced nothing in it.
    NotInvoiced,
}

impl StatementTieStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            StatementTieStatus::Matches => "matches",
            StatementTieStatus::Differs => "differs",
            StatementTieStatus::Estimated => "estimated, not final",
            StatementTieStatus::NoStatement => "no statement",
            StatementTieStatus::NotInvoiced => "not invoiced",
        }
    }
    /// Only a Final statement equal to the invoices is settled.
    pub fn is_ok(self) -> bool {
        self == StatementTieStatus::Matches
    }
}

/// billops' invoices of a customer in one currency for the period (void ones left out).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Invoiced {
    pub customer: String,
    pub currency: String,
    pub total: Decimal,
    pub invoices: u32,
}

/// A customer's current statement for the period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Statement {
    pub customer: String,
    pub currency: String,
    pub total: Decimal,
    pub status: StatementStatus,
}

/// One row of the statement tie-out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatementTie {
    pub customer: String,
    pub currency: String,
    /// Σ invoice totals (`None`: no invoice in this currency).
    pub invoiced: Option<Decimal>,
    pub invoices: u32,
    /// The statement's total (`None`: no statement in this currency).
    pub statement: Option<Decimal>,
    pub statement_status: Option<StatementStatus>,
    /// billops − CloudHealth, only when both are in this currency.
    pub difference: Option<Decimal>,
    pub status: StatementTieStatus,
}

/// Pair invoices and statements by customer and currency (sorted by customer, then currency). A difference
/// that overflows is left out (`None`) and reads as `differs`.
pub fn statement_tie(invoiced: &[Invoiced], statements: &[Statement]) -> Vec<StatementTie> {
    type Side<'a> = (Option<&'a Invoiced>, Option<&'a Statement>);
    let mut by: BTreeMap<(&str, &str), Side<'_>> = BTreeMap::new();
    for i in invoiced {
        by.entry((i.customer.as_str(), i.currency.as_str())).or_default().0 = Some(i);
    }
    for s in statements {
        by.entry((s.customer.as_str(), s.currency.as_str())).or_default().1 = Some(s);
    }
    by.into_iter()
        .map(|((customer, currency), (i, s))| {
            let difference = match (i, s) {
                (Some(i), Some(s)) => i.total.checked_sub(s.total),
                _ => None,
            };
            let status = match (i, s) {
                (_, None) => StatementTieStatus::NoStatement,
                (None, Some(_)) => StatementTieStatus::NotInvoiced,
                (Some(_), Some(s)) if s.status == StatementStatus::Estimated => StatementTieStatus::Estimated,
                (Some(_), Some(_)) if difference.is_some_and(|d| d.is_zero()) => StatementTieStatus::Matches,
                (Some(_), Some(_)) => StatementTieStatus::Differs,
            };
            StatementTie {
                customer: customer.to_string(),
                currency: currency.to_string(),
                invoiced: i.map(|i| i.total),
                invoices: i.map_or(0, |i| i.invoices),
                statement: s.map(|s| s.total),
                statement_status: s.map(|s| s.status),
                difference,
                status,
            }
        })
        .collect()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        Decimal::from_str_exact(s).unwrap()
    }
    fn inv(c: &str, cur: &str, t: &str) -> Invoiced {
        Invoiced { customer: c.into(), currency: cur.into(), total: d(t), invoices: 1 }
    }
    fn st(c: &str, cur: &str, t: &str, status: StatementStatus) -> Statement {
        Statement { customer: c.into(), currency: cur.into(), total: d(t), status }
    }

    #[test]
    fn statuses_parse_in_any_case_and_nothing_else() {
        assert_eq!(" Final ".parse::<StatementStatus>(), Ok(StatementStatus::Final));
        assert_eq!("ESTIMATED".parse::<StatementStatus>(), Ok(StatementStatus::Estimated));
        assert!("Draft".parse::<StatementStatus>().unwrap_err().contains("Estimated or Final"));
    }

    #[test]
    fn customers_and_currencies_pair_and_never_mix() {
        use StatementStatus::{Estimated, Final};
        let ties = statement_tie(
            &[
                inv("ACME", "USD", "100.00"),
                inv("BETA", "USD", "50.10"),
                inv("GAMMA", "USD", "7"),
                inv("DELTA", "USD", "1"),
            ],
            &[
                st("ACME", "USD", "100.000", Final),
                st("BETA", "USD", "50.00", Final),
                st("GAMMA", "EUR", "7", Final),
                st("DELTA", "USD", "3", Estimated),
            ],
        );
        let got: Vec<_> =
            ties.iter().map(|t| (t.customer.as_str(), t.currency.as_str(), t.difference, t.status)).collect();
        assert_eq!(
            got,
            [
                ("ACME", "USD", Some(d("0")), StatementTieStatus::Matches),
                ("BETA", "USD", Some(d("0.10")), StatementTieStatus::Differs),
                ("DELTA", "USD", Some(d("-2")), StatementTieStatus::Estimated),
                ("GAMMA", "EUR", None, StatementTieStatus::NotInvoiced),
                ("GAMMA", "USD", None, StatementTieStatus::NoStatement),
            ]
        );
        assert!(ties[0].status.is_ok() && !ties[2].status.is_ok(), "an estimate is never settled");
        assert_eq!((ties[3].invoiced, ties[3].statement), (None, Some(d("7"))));
    }
}
