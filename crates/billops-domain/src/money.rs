//! Exact money. Amounts are `rust_decimal::Decimal`; every rounding goes through a named function with an
//! explicit rule. Parsing keeps every digit of the source or refuses the value: it never rounds silently.
use std::fmt;

use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};
use thiserror::Error;

/// A bare exact amount (currency carried alongside where it matters).
pub type Amount = Decimal;

/// Why a money/quantity text could not be taken exactly.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum DecimalParseError {
    #[error("empty value")]
    Empty,
    #[error("not a number")]
    NotANumber,
    #[error("more digits than can be kept exactly (28 significant digits, 28 decimal places at most)")]
    TooPrecise,
}

/// Parse a decimal as real exports write it: plain (`-12.50`), E-notation (`1.81E-8`, `5.64902E-05`),
/// leading `+`, surrounding blanks. Exact: the value is kept to the last digit or refused.
pub fn parse_decimal(text: &str) -> Result<Decimal, DecimalParseError> {
    let s = text.trim();
    if s.is_empty() {
        return Err(DecimalParseError::Empty);
    }
    let (negative, body) = match s.as_bytes()[0] {
        b'-' => (true, &s[1..]),
        b'+' => (false, &s[1..]),
        _ => (false, s),
    };
    let (mantissa, exponent) = match body.find(['e', 'E']) {
        Some(i) => {
            let exp: i32 = body[i + 1..].parse().map_err(|_| DecimalParseError::NotANumber)?;
            (&body[..i], exp)
        }
        None => (body, 0),
    };
    let (int_part, frac_part) = match mantissa.split_once('.') {
        Some((a, b)) => (a, b),
        None => (mantissa, ""),
    };
    if int_part.is_empty() && frac_part.is_empty() {
        return Err(DecimalParseError::NotANumber);
    }
    if !int_part.bytes().all(|b| b.is_ascii_digit()) || !frac_part.bytes().all(|b| b.is_ascii_digit()) {
        return Err(DecimalParseError::NotANumber);
    }
    // digits = int_part ++ frac_part, value = digits * 10^(exponent - frac_len)
    let mut digits: String = String::with_capacity(int_part.len() + frac_part.len());
    digits.push_str(int_part);
    digits.push_str(frac_part);
    let frac_len = i64::try_from(frac_part.len()).map_err(|_| DecimalParseError::TooPrecise)?;
    let mut scale: i64 = frac_len - i64::from(exponent);
    // Trailing zeros carry no value: drop them while the scale stays non-negative.
    while scale > 0 && digits.ends_with('0') {
        digits.pop();
        scale -= 1;
    }
    let trimmed = digits.trim_start_matches('0');
    if trimmed.is_empty() {
        return Ok(Decimal::ZERO);
    }
    let mut digits = trimmed.to_string();
    while scale < 0 {
        digits.push('0');
        scale += 1;
    }
    if digits.len() > 29 || scale > 28 {
        return Err(DecimalParseError::TooPrecise);
    }
    let mut m: i128 = digits.parse().map_err(|_| DecimalParseError::NotANumber)?;
    if negative {
        m = -m;
    }
    let scale = u32::try_from(scale).map_err(|_| DecimalParseError::TooPrecise)?;
    Decimal::try_from_i128_with_scale(m, scale).map_err(|_| DecimalParseError::TooPrecise)
}

/// The canonical text of an exact amount: no exponent, no trailing zeros, every digit.
pub fn canonical(d: Decimal) -> String {
    d.normalize().to_string()
}

/// How a document total is rounded to the currency's minor unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RoundingRule {
    /// Half away from zero: the default unless a contract says otherwise.
    #[default]
    HalfAwayFromZero,
    /// Half to even (banker's), when a contract asks for it.
    HalfEven,
    /// Toward zero (truncate).
    Down,
}

impl RoundingRule {
    fn strategy(self) -> RoundingStrategy {
        match self {
            RoundingRule::HalfAwayFromZero => RoundingStrategy::MidpointAwayFromZero,
            RoundingRule::HalfEven => RoundingStrategy::MidpointNearestEven,
            RoundingRule::Down => RoundingStrategy::ToZero,
        }
    }
}

mod iso4217;

/// Whether `code` is an ISO 4217 currency code in use (upper case, as FOCUS BillingCurrency asks).
pub fn is_iso4217(code: &str) -> bool {
    iso4217::CODES.binary_search(&code).is_ok()
}

/// Minor-unit decimal places of an ISO 4217 currency (the standard's list of exponents; every other code in
/// use has 2). The one table: documents, typed amounts and rounding all ask it.
pub fn minor_units(currency: &str) -> u32 {
    match currency {
        "BIF" | "CLP" | "DJF" | "GNF" | "ISK" | "JPY" | "KMF" | "KRW" | "PYG" | "RWF" | "UGX" | "UYI" | "VND"
        | "VUV" | "XAF" | "XOF" | "XPF" => 0,
        "BHD" | "IQD" | "JOD" | "KWD" | "LYD" | "OMR" | "TND" => 3,
        "CLF" | "UYW" => 4,
        _ => 2,
    }
}

/// Money typed by a person: what the screen shows (`1,000.00`, `-12.5`), exact, and never finer than the
/// currency's minor unit (`0.001` USD is refused). E-notation is refused: no person types `4.6e5`.
pub fn parse_typed_amount(text: &str, currency: &str) -> Result<Decimal, String> {
    let t = text.trim();
    let value = parse_typed_number(t)?;
    let dp = minor_units(currency);
    if value.normalize().scale() > dp {
        return Err(format!("{t:?}: {currency} amounts have {dp} decimal place(s) at most"));
    }
    Ok(value)
}

/// A number typed by a person that is not an amount of a currency (a percentage, a unit rate): as the screen
/// shows it (`1,000.5`, `-12.5`), exact, any number of decimals; E-notation and misplaced separators refused.
/// [`parse_typed_amount`] is this plus the currency's minor unit.
pub fn parse_typed_number(text: &str) -> Result<Decimal, String> {
    let t = text.trim();
    if t.contains(['e', 'E']) {
        return Err(format!("{t:?}: write the amount in digits, as the screen shows it"));
    }
    let plain: String = t.chars().filter(|c| *c != ',').collect();
    if t.contains(',') {
        // Separators group thousands: 1,000 or 1,000,000.00, not 1,00.
        let int = plain.trim_start_matches(['-', '+']).split('.').next().unwrap_or("");
        let grouped = t.trim_start_matches(['-', '+']).split('.').next().unwrap_or("");
        let groups: Vec<&str> = grouped.split(',').collect();
        let ok = groups.first().is_some_and(|g| (1..=3).contains(&g.len()))
            && groups.iter().skip(1).all(|g| g.len() == 3)
            && !int.is_empty();
        if !ok {
            return Err(format!("{t:?}: thousands separators go every three digits"));
        }
    }
    parse_decimal(&plain).map_err(|e| format!("{t:?}: {e}"))
}

/// Round a document total once, to the currency's minor unit, by the named rule.
pub fn round_document(amount: Decimal, currency: &str, rule: RoundingRule) -> Decimal {
    amount.round_dp_with_strategy(minor_units(currency), rule.strategy())
}

/// Round one figure that must itself be stated in minor units (a claim amount, an allocation share, a
/// payment), by the named rule. Invoice documents still round once, with [`round_document`].
pub fn round_line(amount: Decimal, currency: &str, rule: RoundingRule) -> Decimal {
    amount.round_dp_with_strategy(minor_units(currency), rule.strategy())
}

/// Round an amount for display only (never stored): half away from zero at `dp` places.
pub fn round_for_display(amount: Decimal, dp: u32) -> Decimal {
    amount.round_dp_with_strategy(dp, RoundingStrategy::MidpointAwayFromZero)
}

/// An amount as people read it: rounded for display ([`round_for_display`], half away from zero) to `dp`
/// places, thousands grouped with `,` (`-1,234.57`; `1,235` at 0 places). Display only: what is stored,
/// sorted and exported keeps every digit. [`parse_typed_amount`] reads it back.
pub fn format_grouped(amount: Decimal, dp: u32) -> String {
    let r = round_for_display(amount, dp);
    let s = format!("{:.*}", dp as usize, r);
    let (sign, body) = s.strip_prefix('-').map_or(("", s.as_str()), |b| ("-", b));
    let (int, frac) = body.split_once('.').map_or((body, None), |(i, f)| (i, Some(f)));
    let mut grouped = String::with_capacity(int.len() + int.len() / 3 + 1);
    for (i, ch) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(ch);
    }
    let sign = if r.is_zero() { "" } else { sign };
    match frac {
        Some(f) => format!("{sign}{grouped}.{f}"),
        None => format!("{sign}{grouped}"),
    }
}

/// An amount of `currency` as people read it: to the currency's minor unit ([`minor_units`]: JPY 0, USD 2,
/// BHD 3), grouped, rounded for display half away from zero.
pub fn format_amount(amount: Decimal, currency: &str) -> String {
    format_grouped(amount, minor_units(currency))
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum MoneyError {
    #[error("currency mismatch: {0} and {1}")]
    CurrencyMismatch(String, String),
    #[error("amount overflow")]
    Overflow,
}

/// An exact amount in one currency. Arithmetic is checked: mixing currencies or overflowing is an error.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Money {
    pub amount: Decimal,
    pub currency: String,
}

impl Money {
    pub fn new(amount: Decimal, currency: impl Into<String>) -> Self {
        Money { amount, currency: currency.into() }
    }
    pub fn zero(currency: impl Into<String>) -> Self {
        Money::new(Decimal::ZERO, currency)
    }
    pub fn checked_add(&self, other: &Money) -> Result<Money, MoneyError> {
        self.same_currency(other)?;
        let amount = self.amount.checked_add(other.amount).ok_or(MoneyError::Overflow)?;
        Ok(Money::new(amount, self.currency.clone()))
    }
    pub fn checked_sub(&self, other: &Money) -> Result<Money, MoneyError> {
        self.same_currency(other)?;
        let amount = self.amount.checked_sub(other.amount).ok_or(MoneyError::Overflow)?;
        Ok(Money::new(amount, self.currency.clone()))
    }
    fn same_currency(&self, other: &Money) -> Result<(), MoneyError> {
        if self.currency == other.currency {
            Ok(())
        } else {
            Err(MoneyError::CurrencyMismatch(self.currency.clone(), other.currency.clone()))
        }
    }
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", canonical(self.amount), self.currency)
    }
}

/// An exact decimal split into integer parts so that a database with only 64-bit integer sums (SQLite) can
/// add amounts exactly in SQL: `value = int + e9·10⁻⁹ + e18·10⁻¹⁸ + e28·10⁻²⁸`, every part carrying the
/// value's sign. Each fractional part is below 10⁹ (10¹⁰ for `e28`) per row, so sums over billions of rows
/// stay inside i64; [`SplitDecimal::to_decimal`] puts a summed split back together exactly.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SplitDecimal {
    pub int: i64,
    pub e9: i64,
    pub e18: i64,
    pub e28: i64,
}

impl SplitDecimal {
    /// Split a decimal; `None` when its integer part does not fit i64 (beyond any real bill).
    pub fn from_decimal(d: Decimal) -> Option<SplitDecimal> {
        let whole = d.trunc();
        let frac = d.checked_sub(whole)?; // |frac| < 1, same sign as d
        let int = i64::try_from(whole.mantissa() / 10i128.checked_pow(whole.scale())?).ok()?;
        // frac = m / 10^s with |m| < 10^s, s <= 28: bring it to scale 28 exactly.
        let m28 = frac.mantissa().checked_mul(10i128.checked_pow(28 - frac.scale())?)?;
        let e9 = m28 / 10i128.pow(19);
        let rest = m28 % 10i128.pow(19);
        let e18 = rest / 10i128.pow(10);
        let e28 = rest % 10i128.pow(10);
        Some(SplitDecimal {
            int,
            e9: i64::try_from(e9).ok()?,
            e18: i64::try_from(e18).ok()?,
            e28: i64::try_from(e28).ok()?,
        })
    }

    /// Reassemble (possibly summed) parts exactly; `None` only past Decimal's range.
    pub fn to_decimal(self) -> Option<Decimal> {
        let frac = i128::from(self.e9)
            .checked_mul(10i128.pow(19))?
            .checked_add(i128::from(self.e18).checked_mul(10i128.pow(10))?)?
            .checked_add(i128::from(self.e28))?;
        // Summed fractional parts may exceed one unit: carry whole units into the integer part.
        let unit = 10i128.pow(28);
        let carry = frac / unit;
        let frac = frac % unit;
        let int = i128::from(self.int).checked_add(carry)?;
        let int = Decimal::try_from_i128_with_scale(int, 0).ok()?;
        let frac = Decimal::try_from_i128_with_scale(frac, 28).ok()?.normalize();
        int.checked_add(frac).map(|v| v.normalize())
    }

    /// Part-wise checked sum (what SQL `sum()` does per column).
    pub fn checked_add(self, o: SplitDecimal) -> Option<SplitDecimal> {
        Some(SplitDecimal {
            int: self.int.checked_add(o.int)?,
            e9: self.e9.checked_add(o.e9)?,
            e18: self.e18.checked_add(o.e18)?,
            e28: self.e28.checked_add(o.e28)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap_or_default()
    }

    #[test]
    fn typed_amounts_accept_what_the_screen_shows_and_nothing_finer() {
        assert_eq!(parse_typed_amount("1,000.00", "USD"), Ok(d("1000")));
        assert_eq!(parse_typed_amount("-12.5", "USD"), Ok(d("-12.5")));
        assert_eq!(parse_typed_amount("1,234,567.89", "USD"), Ok(d("1234567.89")));
        assert_eq!(parse_typed_amount("1500", "JPY"), Ok(d("1500")));
        assert!(parse_typed_amount("0.001", "USD").is_err());
        assert!(parse_typed_amount("1e-20", "USD").is_err());
        assert!(parse_typed_amount("4.6158142e5", "USD").is_err());
        assert!(parse_typed_amount("1.5", "JPY").is_err());
        assert_eq!(parse_typed_amount("1.125", "BHD"), Ok(d("1.125")));
        assert!(parse_typed_amount("1,00", "USD").is_err());
        assert!(parse_typed_amount("$12", "USD").is_err());
        assert!(parse_typed_amount("", "USD").is_err());
    }

    #[test]
    fn parses_plain_and_e_notation_exactly() {
        assert_eq!(parse_decimal("1.81E-8"), Ok(d("0.0000000181")));
        assert_eq!(parse_decimal("5.64902E-05"), Ok(d("0.0000564902")));
        assert_eq!(parse_decimal(" -12.50 "), Ok(d("-12.5")));
        assert_eq!(parse_decimal("+3"), Ok(d("3")));
        assert_eq!(parse_decimal("1E3"), Ok(d("1000")));
        assert_eq!(parse_decimal(".5"), Ok(d("0.5")));
        assert_eq!(parse_decimal("36.43540560000000"), Ok(d("36.4354056")));
        assert_eq!(parse_decimal("0.000000000000000000000000000"), Ok(Decimal::ZERO));
        assert_eq!(parse_decimal("12345.1000000000000000000000000000"), Ok(d("12345.1")));
    }

    #[test]
    fn refuses_what_it_cannot_keep() {
        assert_eq!(parse_decimal(""), Err(DecimalParseError::Empty));
        assert_eq!(parse_decimal("abc"), Err(DecimalParseError::NotANumber));
        assert_eq!(parse_decimal("1.2.3"), Err(DecimalParseError::NotANumber));
        assert_eq!(parse_decimal("-"), Err(DecimalParseError::NotANumber));
        assert_eq!(parse_decimal("1e"), Err(DecimalParseError::NotANumber));
        assert_eq!(parse_decimal("1.0000000000000000000000000000001"), Err(DecimalParseError::TooPrecise));
    }

    #[test]
    fn document_rounding_is_half_away_from_zero_by_default() {
        assert_eq!(round_document(d("2.345"), "USD", RoundingRule::default()), d("2.35"));
        assert_eq!(round_document(d("-2.345"), "USD", RoundingRule::default()), d("-2.35"));
        assert_eq!(round_document(d("2.345"), "USD", RoundingRule::HalfEven), d("2.34"));
        assert_eq!(round_document(d("2.5"), "JPY", RoundingRule::default()), d("3"));
    }

    #[test]
    fn minor_units_follow_iso_4217_and_rounding_uses_them() {
        for (c, dp) in [("JPY", 0), ("KRW", 0), ("USD", 2), ("EUR", 2), ("GBP", 2), ("BHD", 3), ("KWD", 3)] {
            assert_eq!(minor_units(c), dp, "{c}");
        }
        let rule = RoundingRule::default();
        assert_eq!(round_document(d("1234.5"), "KRW", rule), d("1235"));
        assert_eq!(round_document(d("-1234.5"), "JPY", rule), d("-1235"));
        assert_eq!(round_document(d("10.0045"), "KWD", rule), d("10.005"));
        assert_eq!(round_document(d("10.0044999"), "BHD", rule), d("10.004"));
        assert_eq!(round_document(d("39.245"), "USD", rule), d("39.25"));
        assert_eq!(round_document(d("39.2449"), "EUR", rule), d("39.24"));
    }

    #[test]
    fn money_refuses_mixed_currencies() {
        let a = Money::new(d("1"), "USD");
        let b = Money::new(d("1"), "EUR");
        assert!(matches!(a.checked_add(&b), Err(MoneyError::CurrencyMismatch(_, _))));
        assert_eq!(a.checked_add(&a).map(|m| m.amount), Ok(d("2")));
    }

    #[test]
    fn split_round_trips_and_sums_exactly() {
        for s in [
            "0",
            "1.5",
            "-1.5",
            "63519.851716344548750",
            "-0.0000000000000000000000000001",
            "123456789.123456789123456789",
        ] {
            let v = d(s);
            let sp = SplitDecimal::from_decimal(v);
            assert_eq!(sp.and_then(SplitDecimal::to_decimal), Some(v), "{s}");
        }
        let a = SplitDecimal::from_decimal(d("0.999999999999999999")).unwrap_or_default();
        let b = SplitDecimal::from_decimal(d("-2.000000000000000001")).unwrap_or_default();
        assert_eq!(a.checked_add(b).and_then(SplitDecimal::to_decimal), Some(d("-1.000000000000000002")));
    }

    proptest::proptest! {
        #[test]
        fn split_sum_equals_decimal_sum(xs in proptest::collection::vec((-10_000_000_000i64..10_000_000_000i64, 0u32..16), 0..200)) {
            let mut dec = Decimal::ZERO;
            let mut split = SplitDecimal::default();
            for (m, scale) in xs {
                let v = Decimal::new(m, scale);
                dec += v;
                split = split.checked_add(SplitDecimal::from_decimal(v).unwrap_or_default()).unwrap_or_default();
            }
            proptest::prop_assert_eq!(split.to_decimal(), Some(dec));
        }
    }
}

#[cfg(test)]
mod iso_tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        parse_decimal(s).unwrap_or_default()
    }

    #[test]
    fn amounts_read_as_people_read_them_per_currency() {
        assert_eq!(format_amount(d("4933.49362715765808"), "USD"), "4,933.49");
        assert_eq!(format_amount(d("-2.552540960842416"), "EUR"), "-2.55");
        assert_eq!(format_amount(d("1234567.5"), "JPY"), "1,234,568");
        assert_eq!(format_amount(d("1234.5675"), "BHD"), "1,234.568");
        assert_eq!(format_amount(d("-0.004"), "USD"), "0.00", "no negative zero");
        assert_eq!(format_amount(d("0.005"), "USD"), "0.01", "half away from zero");
        assert_eq!(format_amount(d("999999.995"), "USD"), "1,000,000.00");
        assert_eq!(format_grouped(d("100"), 0), "100");
    }

    #[test]
    fn what_the_screen_shows_is_what_a_person_may_type() {
        for (v, cur) in [("1234567.891", "USD"), ("-98225.65", "USD"), ("1234567", "JPY"), ("12.345", "KWD")] {
            let shown = format_amount(d(v), cur);
            let back = parse_typed_amount(&shown, cur);
            assert_eq!(back, Ok(round_for_display(d(v), minor_units(cur))), "{shown}");
        }
        assert!(parse_typed_amount("4.6158142e5", "USD").is_err());
        assert!(parse_typed_amount("0.001", "USD").is_err());
        assert!(parse_typed_amount("1.5", "JPY").is_err());
        assert!(parse_typed_amount("1,00.00", "USD").is_err());
    }

    #[test]
    fn iso_4217_codes_are_sorted_and_known() {
        assert!(iso4217::CODES.windows(2).all(|w| w[0] < w[1]), "sorted, no duplicates (binary search)");
        for c in ["USD", "EUR", "JPY", "BHD", "GBP", "CHF", "XOF", "ZWG"] {
            assert!(is_iso4217(c), "{c}");
        }
        for c in ["usd", "US", "USDX", "XTS", "XXX", "XAU", "HRK", "", "EURO"] {
            assert!(!is_iso4217(c), "{c}");
        }
    }
}
