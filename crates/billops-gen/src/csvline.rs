//! A small, fast CSV line builder (RFC 4180 quoting, `\n` line ends) and the timestamp texts the formats use.
use std::io::{self, Write};

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;

/// How timestamps are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeStyle {
    /// `2026-08-01T00:00:00Z` (CUR legacy, FOCUS).
    Iso,
    /// `2026-08-01 00:00:00` (CUR 2.0 data exports: no zone).
    Plain,
}

/// One CSV line being built.
#[derive(Debug, Default)]
pub struct Line {
    buf: Vec<u8>,
    fields: usize,
}

fn needs_quotes(s: &str) -> bool {
    s.bytes().any(|b| matches!(b, b',' | b'"' | b'\n' | b'\r'))
}

impl Line {
    pub fn new() -> Line {
        Line { buf: Vec::with_capacity(1024), fields: 0 }
    }

    fn sep(&mut self) {
        if self.fields > 0 {
            self.buf.push(b',');
        }
        self.fields += 1;
    }

    /// A text field, quoted when it has to be.
    pub fn text(&mut self, s: &str) {
        self.sep();
        if needs_quotes(s) {
            self.buf.push(b'"');
            for b in s.bytes() {
                if b == b'"' {
                    self.buf.push(b'"');
                }
                self.buf.push(b);
            }
            self.buf.push(b'"');
        } else {
            self.buf.extend_from_slice(s.as_bytes());
        }
    }

    pub fn empty(&mut self) {
        self.sep();
    }

    /// A decimal with all the digits of its scale (`2.50000` stays `2.50000`), as `Decimal`'s `Display`
    /// writes it, without going through the formatter.
    pub fn dec(&mut self, d: Decimal) {
        self.sep();
        push_decimal(&mut self.buf, d, 0);
    }

    pub fn opt_dec(&mut self, d: Option<Decimal>) {
        match d {
            Some(d) => self.dec(d),
            None => self.empty(),
        }
    }

    /// A decimal written with at least `scale` decimals (widening only; never rounds).
    pub fn dec_at(&mut self, d: Option<Decimal>, scale: u32) {
        self.sep();
        if let Some(d) = d {
            push_decimal(&mut self.buf, d, scale);
        }
    }

    pub fn hex(&mut self, v: u64) {
        self.sep();
        let _ = write!(self.buf, "{v:016x}");
    }

    /// A timestamp at midnight UTC.
    pub fn time(&mut self, d: NaiveDate, style: TimeStyle) {
        self.sep();
        push_date(&mut self.buf, d);
        match style {
            TimeStyle::Iso => self.buf.extend_from_slice(b"T00:00:00Z"),
            TimeStyle::Plain => self.buf.extend_from_slice(b" 00:00:00"),
        }
    }

    /// `start/end` as ISO timestamps (CUR `identity/TimeInterval`).
    pub fn interval(&mut self, start: NaiveDate, end: NaiveDate) {
        self.sep();
        push_date(&mut self.buf, start);
        self.buf.extend_from_slice(b"T00:00:00Z/");
        push_date(&mut self.buf, end);
        self.buf.extend_from_slice(b"T00:00:00Z");
    }

    /// Raw, already-valid CSV bytes as one field (used for pre-quoted JSON).
    pub fn raw(&mut self, bytes: &[u8]) {
        self.sep();
        self.buf.extend_from_slice(bytes);
    }

    /// Finish the line and write it; the builder is ready for the next line.
    pub fn flush_to(&mut self, out: &mut impl Write) -> io::Result<()> {
        self.buf.push(b'\n');
        out.write_all(&self.buf)?;
        self.buf.clear();
        self.fields = 0;
        Ok(())
    }
}

/// Digits of `d` with its own scale, padded with zeros to at least `min_scale` decimals.
fn push_decimal(buf: &mut Vec<u8>, d: Decimal, min_scale: u32) {
    let scale = usize::try_from(d.scale()).unwrap_or(0);
    let m = d.mantissa();
    if d.is_sign_negative() && m != 0 {
        buf.push(b'-');
    }
    // Digits, least significant first.
    let mut digits = [b'0'; 48];
    let mut n = 0;
    let mut v = m.unsigned_abs();
    loop {
        digits[n] = b'0' + u8::try_from(v % 10).unwrap_or(0);
        v /= 10;
        n += 1;
        if v == 0 || n == digits.len() {
            break;
        }
    }
    let n = n.max(scale + 1).min(digits.len());
    for i in (scale..n).rev() {
        buf.push(digits[i]);
    }
    let pad = usize::try_from(min_scale).unwrap_or(0).saturating_sub(scale);
    if scale > 0 || pad > 0 {
        buf.push(b'.');
        for i in (0..scale).rev() {
            buf.push(digits[i]);
        }
        buf.resize(buf.len() + pad, b'0');
    }
}

fn push_date(buf: &mut Vec<u8>, d: NaiveDate) {
    let y = u32::try_from(d.year()).unwrap_or(0);
    let digits = [y / 1000 % 10, y / 100 % 10, y / 10 % 10, y % 10];
    for x in digits {
        buf.push(b'0' + u8::try_from(x).unwrap_or(0));
    }
    buf.push(b'-');
    push2(buf, d.month());
    buf.push(b'-');
    push2(buf, d.day());
}

fn push2(buf: &mut Vec<u8>, v: u32) {
    buf.push(b'0' + u8::try_from(v / 10 % 10).unwrap_or(0));
    buf.push(b'0' + u8::try_from(v % 10).unwrap_or(0));
}

/// Write a header line.
pub fn header(out: &mut impl Write, columns: &[&str]) -> io::Result<()> {
    let mut line = Line::new();
    for c in columns {
        line.text(c);
    }
    line.flush_to(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_print_like_display() {
        for (m, s) in [(0i64, 0u32), (0, 3), (5, 0), (-5, 3), (123456789, 4), (-1, 15), (i64::MAX, 10), (250000, 5)] {
            let d = Decimal::new(m, s);
            let mut buf = Vec::new();
            push_decimal(&mut buf, d, 0);
            assert_eq!(String::from_utf8_lossy(&buf), d.to_string());
        }
        let big = Decimal::from_i128_with_scale(-123_456_789_012_345_678_901_234_567, 15);
        let mut buf = Vec::new();
        push_decimal(&mut buf, big, 0);
        assert_eq!(String::from_utf8_lossy(&buf), big.to_string());
        buf.clear();
        push_decimal(&mut buf, Decimal::new(5, 0), 3);
        assert_eq!(buf, b"5.000");
    }

    #[test]
    fn quotes_only_when_needed() {
        let mut l = Line::new();
        l.text("plain");
        l.text("{\"a\":\"b\",\"c\":1}");
        l.empty();
        l.dec(Decimal::new(250000, 5));
        l.dec_at(Some(Decimal::new(192, 3)), 10);
        l.time(NaiveDate::from_ymd_opt(2026, 8, 1).unwrap_or_default(), TimeStyle::Plain);
        let mut out = Vec::new();
        l.flush_to(&mut out).unwrap_or_default();
        assert_eq!(
            String::from_utf8_lossy(&out),
            "plain,\"{\"\"a\"\":\"\"b\"\",\"\"c\"\":1}\",,2.50000,0.1920000000,2026-08-01 00:00:00\n"
        );
    }
}
