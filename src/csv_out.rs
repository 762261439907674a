//! The one CSV writer of billops: the CLI's `--format csv`, the console's `x` export, statements, invoice and
//! credit-note CSV all write through it. A text cell a spreadsheet would run as a formula (it begins with `=`,
//! `+`, `-`, `@`, tab or carriage return) is written with a leading `'`; numbers and dates are written as they
//! are (`-1.50` stays `-1.50`). JSON keeps the raw text. The rule lives in `billops_domain::text`.
use std::io::{self, Write};

use billops_domain::text::{csv_number, csv_text};

/// A cell, typed so that numbers are known to be numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cell<'a> {
    /// Anything a person or a cost file wrote: guarded.
    Text(&'a str),
    /// An amount, count or date billops formatted: written as is when it is a plain number (anything else in a
    /// number column is guarded like text).
    Number(&'a str),
}

impl Cell<'_> {
    fn safe(&self) -> std::borrow::Cow<'_, str> {
        match self {
            Cell::Text(s) => csv_text(s),
            Cell::Number(s) => csv_number(s),
        }
    }
}

/// A CSV writer whose every record goes through the formula guard.
pub struct CsvWriter<W: Write> {
    inner: csv::Writer<W>,
}

impl<W: Write> CsvWriter<W> {
    pub fn new(out: W) -> CsvWriter<W> {
        CsvWriter { inner: csv::Writer::from_writer(out) }
    }

    /// The header row (column names are text).
    pub fn header<S: AsRef<str>>(&mut self, names: &[S]) -> io::Result<()> {
        self.row(names.iter().map(|n| Cell::Text(n.as_ref())))
    }

    pub fn row<'a>(&mut self, cells: impl IntoIterator<Item = Cell<'a>>) -> io::Result<()> {
        let safe: Vec<_> = cells.into_iter().map(|c| c.safe().into_owned()).collect();
        self.inner.write_record(&safe).map_err(io::Error::from)
    }

    /// Flush and hand back the destination.
    pub fn finish(self) -> io::Result<W> {
        self.inner.into_inner().map_err(|e| e.into_error())
    }
}

/// Write a whole table into a string: `header`, then `rows` of typed cells.
pub fn to_string<'a, R>(header: &[&str], rows: impl IntoIterator<Item = R>) -> io::Result<String>
where
    R: IntoIterator<Item = Cell<'a>>,
{
    let mut w = CsvWriter::new(Vec::new());
    w.header(header)?;
    for r in rows {
        w.row(r)?;
    }
    String::from_utf8(w.finish()?).map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use Cell::{Number, Text};

    #[test]
    fn text_is_guarded_numbers_are_not_and_quoting_still_works() {
        let rows = vec![
            vec![Text("=HYPERLINK(\"http://evil\",\"x\")"), Number("-1.50")],
            vec![Text("-2+3"), Number("=1+1")],
            vec![Text("\tx,y"), Number("12.000000000000001")],
            vec![Text("ok"), Number("2024-09-01")],
        ];
        let s = to_string(&["name", "cost"], rows).unwrap();
        assert_eq!(
            s,
            "name,cost\n\"'=HYPERLINK(\"\"http://evil\"\",\"\"x\"\")\",-1.50\n'-2+3,'=1+1\n\"'\tx,y\",12.000000000000001\nok,2024-09-01\n"
        );
        let mut rd = csv::Reader::from_reader(s.as_bytes());
        let first = rd.records().next().unwrap().unwrap();
        assert_eq!(&first[0], "'=HYPERLINK(\"http://evil\",\"x\")");
    }
}
