//! FX rate snapshots: one rate per currency pair and billing period, entered or imported as data (source and
//! date), approved by a manager who did not enter it, frozen when the period is signed off. A draft billed in
//! one currency from cost in another converts each line with the period's approved rate and records it on the
//! line; without one it refuses, naming the pair and the period.
//!
//! Conversion is exact (`cost × rate`, every digit kept); the document is rounded once, to the billing
//! currency's minor unit, by the customer's rounding rule (`money::round_document`), like any other draft.
use std::collections::BTreeMap;
use std::fmt;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::money::{is_iso4217, parse_decimal};
use crate::period::Period;

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum FxError {
    #[error("{0:?} is not an ISO 4217 currency code (three capital letters in use, e.g. EUR)")]
    Currency(String),
    #[error("a rate converts between two currencies: {0}→{0} is not one")]
    SamePair(String),
    #[error("rate {0:?}: {1}")]
    Rate(String, String),
    #[error("the source of a rate is required (e.g. ECB, the contract, the supplier invoice)")]
    NoSource,
}

/// A pair `base→quote`: one `base` is `rate` `quote`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Pair {
    pub base: String,
    pub quote: String,
}

impl Pair {
    pub fn new(base: &str, quote: &str) -> Result<Pair, FxError> {
        let (base, quote) = (base.trim().to_ascii_uppercase(), quote.trim().to_ascii_uppercase());
        for c in [&base, &quote] {
            if !is_iso4217(c) {
                return Err(FxError::Currency(c.clone()));
            }
        }
        if base == quote {
            return Err(FxError::SamePair(base));
        }
        Ok(Pair { base, quote })
    }
}

impl fmt::Display for Pair {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}→{}", self.base, self.quote)
    }
}

/// A rate as entered: exact, positive, at most 12 decimal places.
pub fn parse_rate(text: &str) -> Result<Decimal, FxError> {
    let t = text.trim();
    let r = parse_decimal(t).map_err(|e| FxError::Rate(t.to_string(), e.to_string()))?;
    if r <= Decimal::ZERO {
        return Err(FxError::Rate(t.to_string(), "a rate is more than zero".into()));
    }
    if r.normalize().scale() > 12 {
        return Err(FxError::Rate(t.to_string(), "at most 12 decimal places".into()));
    }
    Ok(r.normalize())
}

/// The rate a converted invoice line used (recorded on the line).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct FxUsed {
    pub pair: Pair,
    pub rate: Decimal,
    pub source: String,
    pub date: NaiveDate,
}

impl fmt::Display for FxUsed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {} ({} {})", self.pair, self.rate.normalize(), self.source, self.date)
    }
}

/// One period's approved rates (what a draft run converts with).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FxTable {
    period: Option<Period>,
    rates: BTreeMap<Pair, FxUsed>,
}

impl FxTable {
    /// The approved rates of `period` (a later entry for the same pair replaces an earlier one).
    pub fn new(period: Period, rates: impl IntoIterator<Item = FxUsed>) -> FxTable {
        FxTable { period: Some(period), rates: rates.into_iter().map(|r| (r.pair.clone(), r)).collect() }
    }
    pub fn get(&self, base: &str, quote: &str) -> Option<&FxUsed> {
        self.rates.get(&Pair { base: base.to_string(), quote: quote.to_string() })
    }
    pub fn period(&self) -> Option<Period> {
        self.period
    }
}

/// `amount` in `base` expressed in the rate's quote currency, exactly (`None`: it overflows).
pub fn convert(amount: Decimal, rate: &FxUsed) -> Option<Decimal> {
    amount.checked_mul(rate.rate)
}

/// Amounts in several currencies brought into one: `total` in the target currency (its own amounts as they are,
/// others converted exactly with the table's approved rate); amounts without a rate are kept apart, unconverted,
/// never added.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InCurrency {
    pub total: Decimal,
    pub unconverted: BTreeMap<String, Decimal>,
    pub used: Vec<FxUsed>,
}

impl InCurrency {
    /// The warning for what could not be converted (`None` when everything was): each amount with its currency
    /// and the missing pair.
    pub fn warning(&self, target: &str) -> Option<String> {
        if self.unconverted.is_empty() {
            return None;
        }
        let parts: Vec<String> = self
            .unconverted
            .iter()
            .map(|(c, v)| format!("{} {c} (no approved {c}→{target} rate)", v.normalize()))
            .collect();
        Some(format!("not converted, left out: {}", parts.join(", ")))
    }
}

/// Sum `amounts` (currency, amount) in `target` with the period's approved rates in `fx`.
pub fn in_currency<'a>(
    amounts: impl IntoIterator<Item = (&'a str, Decimal)>,
    target: &str,
    fx: &FxTable,
) -> Option<InCurrency> {
    let mut out = InCurrency::default();
    for (cur, v) in amounts {
        if cur == target || cur.is_empty() {
            out.total = out.total.checked_add(v)?;
        } else if let Some(rate) = fx.get(cur, target) {
            out.total = out.total.checked_add(convert(v, rate)?)?;
            if !out.used.contains(rate) {
                out.used.push(rate.clone());
            }
        } else {
            let e = out.unconverted.entry(cur.to_string()).or_insert(Decimal::ZERO);
            *e = e.checked_add(v)?;
        }
    }
    Some(out)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn pairs_are_iso_codes_and_two_of_them() {
        assert_eq!(Pair::new("eur", " USD").unwrap().to_string(), "EUR→USD");
        assert_eq!(Pair::new("EUR", "EUR"), Err(FxError::SamePair("EUR".into())));
        assert!(matches!(Pair::new("EURO", "USD"), Err(FxError::Currency(_))));
        assert!(matches!(Pair::new("XXY", "USD"), Err(FxError::Currency(_))));
    }

    #[test]
    fn rates_are_exact_positive_and_not_too_fine() {
        assert_eq!(parse_rate("1.0850").unwrap().to_string(), "1.085");
        assert!(parse_rate("0").is_err());
        assert!(parse_rate("-1.1").is_err());
        assert!(parse_rate("abc").is_err());
        assert!(parse_rate("1.0000000000001").is_err());
    }

    #[test]
    fn conversion_keeps_every_digit() {
        let used = FxUsed {
            pair: Pair::new("EUR", "USD").unwrap(),
            rate: parse_rate("1.085").unwrap(),
            source: "ECB".into(),
            date: NaiveDate::from_ymd_opt(2024, 9, 30).unwrap(),
        };
        let got = convert("36.123456789012345".parse().unwrap(), &used).unwrap();
        assert_eq!(got.to_string(), "39.193950616078394325");
        let table = FxTable::new("2024-09".parse().unwrap(), [used.clone()]);
        assert_eq!(table.get("EUR", "USD"), Some(&used));
        assert_eq!(table.get("USD", "EUR"), None);
        assert_eq!(used.to_string(), "EUR→USD 1.085 (ECB 2024-09-30)");
    }

    #[test]
    fn amounts_in_other_currencies_convert_only_with_an_approved_rate() {
        let d = |x: &str| x.parse::<Decimal>().unwrap();
        let used = FxUsed {
            pair: Pair::new("EUR", "USD").unwrap(),
            rate: d("1.1"),
            source: "ECB".into(),
            date: NaiveDate::from_ymd_opt(2024, 9, 30).unwrap(),
        };
        let table = FxTable::new("2024-09".parse().unwrap(), [used.clone()]);
        let got = in_currency([("USD", d("100")), ("EUR", d("10")), ("GBP", d("5")), ("GBP", d("2.5"))], "USD", &table)
            .unwrap();
        assert_eq!(got.total, d("111.0"));
        assert_eq!(got.used, vec![used]);
        assert_eq!(got.unconverted.get("GBP"), Some(&d("7.5")));
        assert_eq!(got.warning("USD").unwrap(), "not converted, left out: 7.5 GBP (no approved GBP→USD rate)");
        let none = in_currency([("USD", d("1"))], "USD", &FxTable::default()).unwrap();
        assert_eq!((none.total, none.warning("USD")), (d("1"), None));
    }
}
