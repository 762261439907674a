//! Field-level parsing: null words, timestamps as exports write them, exact decimals.
use chrono::{NaiveDate, NaiveDateTime, NaiveTime, TimeDelta};
use rust_decimal::Decimal;

/// Null as exports write it: empty, `NULL`, `null`, `None`, `N/A` (any case, surrounding blanks ignored).
/// The trimmed text, or `None` when it is a null word.
pub(crate) fn present(s: &str) -> Option<&str> {
    let t = s.trim();
    let null = match t.len() {
        0 => true,
        3 => t.eq_ignore_ascii_case("n/a"),
        4 => t.eq_ignore_ascii_case("null") || t.eq_ignore_ascii_case("none"),
        _ => false,
    };
    if null { None } else { Some(t) }
}

/// Parse an exact decimal (plain or E-notation); the reason on failure.
pub(crate) fn decimal(s: &str) -> Result<Decimal, String> {
    let v = billops_domain::parse_decimal(s).map_err(|e| match e {
        billops_domain::DecimalParseError::TooPrecise => format!("not an exact number: {e}"),
        _ => "not a number".to_string(),
    })?;
    // The store sums amounts and quantities exactly in 64-bit integer parts; no real bill comes near this.
    if v.abs() >= Decimal::from(MAGNITUDE_LIMIT) {
        return Err(format!("{} is out of range (a cost or quantity must be below 10^18 in size)", s.trim()));
    }
    Ok(v)
}

/// Values of this size or more are refused (quarantined) rather than failing the whole file at the store.
const MAGNITUDE_LIMIT: i64 = 1_000_000_000_000_000_000;

fn digits(b: &[u8], at: usize, n: usize) -> Option<u32> {
    let part = b.get(at..at + n)?;
    let mut v: u32 = 0;
    for &c in part {
        if !c.is_ascii_digit() {
            return None;
        }
        v = v * 10 + u32::from(c - b'0');
    }
    Some(v)
}

/// Parse a timestamp into UTC. Accepted: `2024-09-01`, `2024-09-01T00:00:00Z`, `…00.000Z`,
/// `2024-09-01 00:00:00` (no zone = UTC, never local), `…T00:00Z` / `… 00:00` (no seconds),
/// offsets `+00:00`, `+0000`, `+00`, `-05:00`, and a trailing ` UTC`.
pub(crate) fn instant(s: &str) -> Option<NaiveDateTime> {
    let b = s.trim().as_bytes();
    let year = digits(b, 0, 4)?;
    if b.get(4) != Some(&b'-') || b.get(7) != Some(&b'-') {
        return None;
    }
    let month = digits(b, 5, 2)?;
    let day = digits(b, 8, 2)?;
    let date = NaiveDate::from_ymd_opt(i32::try_from(year).ok()?, month, day)?;
    if b.len() == 10 {
        return Some(date.and_time(NaiveTime::MIN));
    }
    if !matches!(b.get(10), Some(b'T' | b't' | b' ')) {
        return None;
    }
    let hour = digits(b, 11, 2)?;
    if b.get(13) != Some(&b':') {
        return None;
    }
    let minute = digits(b, 14, 2)?;
    let mut i = 16;
    let mut second = 0;
    let mut nanos: u32 = 0;
    if b.get(i) == Some(&b':') {
        second = digits(b, i + 1, 2)?;
        i += 3;
        if matches!(b.get(i), Some(b'.' | b',')) {
            i += 1;
            let start = i;
            while i < b.len() && b[i].is_ascii_digit() {
                if i - start < 9 {
                    nanos = nanos * 10 + u32::from(b[i] - b'0');
                }
                i += 1;
            }
            if i == start {
                return None;
            }
            for _ in (i - start)..9 {
                nanos *= 10;
            }
        }
    }
    let time = NaiveTime::from_hms_nano_opt(hour, minute, second, nanos)?;
    let local = date.and_time(time);
    let offset_minutes = zone(&b[i..])?;
    local.checked_sub_signed(TimeDelta::minutes(i64::from(offset_minutes)))
}

/// A US date as Azure's cost exports write it: `M/D/YYYY` or `M/D/YY` (padded or not), optionally followed
/// by a time (`1/5/2025 12:00:00 AM` is read as the date). Two-digit years are 2000–2099.
pub(crate) fn us_date(s: &str) -> Option<NaiveDate> {
    let t = s.trim();
    let date = t.split([' ', 'T']).next()?;
    let mut parts = date.split('/');
    let (m, d, y) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() {
        return None;
    }
    let num = |p: &str, max_len: usize| -> Option<u32> {
        (!p.is_empty() && p.len() <= max_len && p.bytes().all(|b| b.is_ascii_digit())).then(|| p.parse().ok())?
    };
    let (month, day) = (num(m, 2)?, num(d, 2)?);
    let year = match y.len() {
        2 => 2000 + num(y, 2)?,
        4 => num(y, 4)?,
        _ => return None,
    };
    NaiveDate::from_ymd_opt(i32::try_from(year).ok()?, month, day)
}

/// A date from an ISO timestamp or, where `us` allows it, a US `M/D/YYYY` date.
pub(crate) fn date_of(s: &str, us: bool) -> Option<NaiveDate> {
    instant(s).map(|t| t.date()).or_else(|| if us { us_date(s) } else { None })
}

/// Minutes east of UTC for a zone suffix; `None` when the suffix is not a zone.
fn zone(rest: &[u8]) -> Option<i32> {
    let rest = match rest.first() {
        Some(b' ') => &rest[1..],
        _ => rest,
    };
    match rest {
        [] | [b'Z' | b'z'] => Some(0),
        r if r.eq_ignore_ascii_case(b"UTC") || r.eq_ignore_ascii_case(b"GMT") => Some(0),
        [sign @ (b'+' | b'-'), tail @ ..] => {
            let h = digits(tail, 0, 2)?;
            let m = match tail.len() {
                2 => 0,
                4 => digits(tail, 2, 2)?,
                5 if tail[2] == b':' => digits(tail, 3, 2)?,
                _ => return None,
            };
            if h > 23 || m > 59 {
                return None;
            }
            let total = i32::try_from(h * 60 + m).ok()?;
            Some(if *sign == b'-' { -total } else { total })
        }
        _ => None,
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn at(s: &str) -> String {
        instant(s).map(|d| d.format("%Y-%m-%d %H:%M:%S%.f").to_string()).unwrap_or_else(|| "-".into())
    }

    #[test]
    fn timestamps() {
        assert_eq!(at("2024-09-01T00:00:00Z"), "2024-09-01 00:00:00");
        assert_eq!(at("2024-09-01T00:00:00.000Z"), "2024-09-01 00:00:00");
        assert_eq!(at("2024-09-01 13:04:05"), "2024-09-01 13:04:05");
        assert_eq!(at("2024-09-01T00:00Z"), "2024-09-01 00:00:00");
        assert_eq!(at("2024-09-01 00:00"), "2024-09-01 00:00:00");
        assert_eq!(at("2024-09-01T00:00:00+00:00"), "2024-09-01 00:00:00");
        assert_eq!(at("2024-09-01T01:30:00+02:00"), "2024-08-31 23:30:00");
        assert_eq!(at("2024-08-31T22:00:00-0300"), "2024-09-01 01:00:00");
        assert_eq!(at("2024-09-01"), "2024-09-01 00:00:00");
        assert_eq!(at(" 2024-09-30T23:59:59Z "), "2024-09-30 23:59:59");
        assert_eq!(at("2024-09-01T00:00:00.123456789123Z"), "2024-09-01 00:00:00.123456789");
        for bad in ["", "2024-9-01", "2024-09-31", "2024-09-01T", "2024-09-01T25:00", "2024-09-01T00:00:00+5", "x"] {
            assert_eq!(at(bad), "-", "{bad}");
        }
    }

    #[test]
    fn numbers_beyond_exact_sums_are_refused() {
        assert_eq!(decimal("999999999999999999.5").unwrap().to_string(), "999999999999999999.5");
        assert_eq!(decimal("-1E17").unwrap(), Decimal::from(-100_000_000_000_000_000i64));
        for big in ["1000000000000000000", "-1E18", "9.9E27"] {
            assert!(decimal(big).unwrap_err().contains("out of range"), "{big}");
        }
    }

    #[test]
    fn us_dates() {
        let d = |s: &str| us_date(s).map(|d| d.to_string()).unwrap_or_else(|| "-".into());
        assert_eq!(d("5/1/2025"), "2025-05-01");
        assert_eq!(d("05/01/2025"), "2025-05-01");
        assert_eq!(d("12/31/24"), "2024-12-31");
        assert_eq!(d("1/5/2025 12:00:00 AM"), "2025-01-05");
        for bad in ["", "2025-05-01", "13/1/2025", "2/30/2025", "1/1/225", "a/b/c", "1/1/2025/1", "1//2025"] {
            assert_eq!(d(bad), "-", "{bad}");
        }
        assert_eq!(date_of("2025-05-01T00:00:00Z", false).map(|d| d.to_string()).as_deref(), Some("2025-05-01"));
        assert_eq!(date_of("5/1/2025", false), None);
        assert_eq!(date_of("5/1/2025", true).map(|d| d.to_string()).as_deref(), Some("2025-05-01"));
    }

    #[test]
    fn nulls() {
        for n in ["", " ", "NULL", "null", "None", "N/A", "n/a", "NONE"] {
            assert!(present(n).is_none(), "{n}");
        }
        assert_eq!(present("0"), Some("0"));
        assert_eq!(present(" a "), Some("a"));
    }
}
