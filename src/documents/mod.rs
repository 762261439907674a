//! Customer documents: invoices, credit notes and statements as a billing team sends them (issue 16). Pure
//! functions, data in and bytes out: a builder turns stored records into a [`Document`] (what the customer
//! reads: parties, dates, lines to the minor unit, totals, tax summary, payment instructions — never internal
//! rows such as supplier tax not billed, GL codes or rule ids), and [`render`] writes it as HTML (with a print
//! stylesheet) or PDF. [`load`] gathers the records from a store (the one IO part), for the CLI and the console:
//! the console calls [`load::document`] in a pane's `io.rs` and writes [`render`]'s bytes to
//! [`file_name`] (which carries the document number).
pub mod build;
pub mod html;
pub mod load;
pub mod pdf;
pub mod report;

use billops_domain::money::{RoundingRule, minor_units, round_line};
use rust_decimal::Decimal;
use serde::Serialize;

pub use build::{CustomerInfo, Issuer, credit_note, invoice, statement};

/// Which document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DocKind {
    Invoice,
    CreditNote,
    Statement,
}

impl DocKind {
    pub fn title(self) -> &'static str {
        match self {
            DocKind::Invoice => "Invoice",
            DocKind::CreditNote => "Credit note",
            DocKind::Statement => "Statement",
        }
    }
}

/// The seller or the buyer as printed: a name and lines under it (address, tax id, e-mail).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Party {
    pub name: String,
    pub lines: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Align {
    Left,
    Right,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Column {
    pub title: String,
    pub align: Align,
}

impl Column {
    pub fn left(t: &str) -> Column {
        Column { title: t.into(), align: Align::Left }
    }
    pub fn right(t: &str) -> Column {
        Column { title: t.into(), align: Align::Right }
    }
}

/// A table row: a section heading (first cell only) or a line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Row {
    pub cells: Vec<String>,
    pub heading: bool,
}

/// A line of the totals block (label, amount as printed); `strong` for the amount due.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TotalRow {
    pub label: String,
    pub amount: String,
    pub strong: bool,
}

/// A block of text under a heading (payment instructions, the reason of a credit note).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Note {
    pub heading: String,
    pub lines: Vec<String>,
}

/// A customer document, ready to render: every amount already formatted to the currency's minor unit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Document {
    pub kind: DocKind,
    pub number: String,
    /// Not issued yet: printed with a DRAFT mark, not to be sent.
    pub draft: bool,
    pub issuer: Party,
    pub customer: Party,
    /// Label → value: dates, terms, period, PO number, customer code.
    pub facts: Vec<(String, String)>,
    pub currency: String,
    pub columns: Vec<Column>,
    pub rows: Vec<Row>,
    pub totals: Vec<TotalRow>,
    /// Rate, taxable amount, tax (empty: no tax summary).
    pub tax_summary: Vec<[String; 3]>,
    pub notes: Vec<Note>,
}

impl Document {
    /// "Invoice INV-000001".
    pub fn heading(&self) -> String {
        format!("{} {}", self.kind.title(), self.number)
    }
}

/// The formats a customer receives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Html,
    Pdf,
}

impl Format {
    pub fn parse(s: &str) -> Option<Format> {
        match s.trim().to_ascii_lowercase().as_str() {
            "html" => Some(Format::Html),
            "pdf" => Some(Format::Pdf),
            _ => None,
        }
    }
    pub fn extension(self) -> &'static str {
        match self {
            Format::Html => "html",
            Format::Pdf => "pdf",
        }
    }
}

/// The document as bytes in `format`.
pub fn render(doc: &Document, format: Format) -> Vec<u8> {
    match format {
        Format::Html => html::render(doc).into_bytes(),
        Format::Pdf => pdf::render(doc),
    }
}

/// A file name that carries the document number: `INV-000001.pdf`, `statement-acme-2026-10-31.html`.
pub fn file_name(doc: &Document, format: Format) -> String {
    let safe: String = doc
        .number
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') { c } else { '_' })
        .collect();
    format!("{safe}.{}", format.extension())
}

/// An amount to the currency's minor unit (rounded half away from zero, the named rule of documents), with
/// thousands separators: `-1,234.57`, `12,000` (JPY).
pub fn money(amount: Decimal, currency: &str) -> String {
    let dp = minor_units(currency);
    let r = round_line(amount, currency, RoundingRule::HalfAwayFromZero);
    let s = format!("{:.*}", dp as usize, r.abs());
    let (int, frac) = s.split_once('.').map_or((s.as_str(), None), |(i, f)| (i, Some(f)));
    let mut grouped = String::with_capacity(int.len() + int.len() / 3 + 1);
    for (i, ch) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(ch);
    }
    let sign = if r.is_sign_negative() && !r.is_zero() { "-" } else { "" };
    match frac {
        Some(f) => format!("{sign}{grouped}.{f}"),
        None => format!("{sign}{grouped}"),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use std::str::FromStr;

    #[test]
    fn money_is_printed_to_the_minor_unit_with_separators() {
        let d = |s: &str| Decimal::from_str(s).unwrap();
        assert_eq!(money(d("4933.49362715765808"), "USD"), "4,933.49");
        assert_eq!(money(d("-2.552540960842416"), "USD"), "-2.55");
        assert_eq!(money(d("-0.001"), "USD"), "0.00");
        assert_eq!(money(d("1234567.5"), "JPY"), "1,234,568");
        assert_eq!(money(d("1.0005"), "BHD"), "1.001");
        assert_eq!(money(d("999.995"), "USD"), "1,000.00");
    }
}
