//! Tables for the CLI: one shape, three renderings (aligned table, CSV, JSON). Amounts are exact decimal
//! strings in every format (JSON too: strings, so no reader turns them into floats).
use std::io::Write;

use billops_domain::text::visible;
use clap::ValueEnum;

use crate::csv_out::{Cell, CsvWriter};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum)]
pub enum OutputFormat {
    #[default]
    Table,
    Csv,
    Json,
}

/// A header and rows of text cells. `numeric[i]` right-aligns column i in table form.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Table {
    pub headers: Vec<String>,
    pub numeric: Vec<bool>,
    pub rows: Vec<Vec<String>>,
}

impl Table {
    pub fn new(headers: &[&str]) -> Table {
        Table {
            headers: headers.iter().map(|h| h.to_string()).collect(),
            numeric: vec![false; headers.len()],
            rows: Vec::new(),
        }
    }
    pub fn numeric(mut self, col: &str) -> Table {
        if let Some(i) = self.headers.iter().position(|h| h == col) {
            self.numeric[i] = true;
        }
        self
    }
    pub fn push(&mut self, row: Vec<String>) {
        self.rows.push(row);
    }

    pub fn write(&self, format: OutputFormat, out: &mut dyn Write) -> std::io::Result<()> {
        match format {
            OutputFormat::Table => self.write_table(out),
            OutputFormat::Csv => self.write_csv(out),
            OutputFormat::Json => self.write_json(out),
        }
    }

    /// The aligned table for a terminal: control characters and direction overrides shown as escapes
    /// (`\x1b`), never written raw, so a hostile tag cannot clear, recolour or retitle the operator's screen.
    fn write_table(&self, out: &mut dyn Write) -> std::io::Result<()> {
        let shown = |cells: &[String]| -> Vec<String> { cells.iter().map(|c| visible(c).into_owned()).collect() };
        let headers = shown(&self.headers);
        let rows: Vec<Vec<String>> = self.rows.iter().map(|r| shown(r)).collect();
        let mut widths: Vec<usize> = headers.iter().map(|h| h.chars().count()).collect();
        for row in &rows {
            for (w, cell) in widths.iter_mut().zip(row) {
                *w = (*w).max(cell.chars().count());
            }
        }
        let line = |cells: &[String], out: &mut dyn Write| -> std::io::Result<()> {
            let mut parts = Vec::with_capacity(cells.len());
            for (i, cell) in cells.iter().enumerate() {
                let w = widths.get(i).copied().unwrap_or(0);
                if self.numeric.get(i).copied().unwrap_or(false) {
                    parts.push(format!("{cell:>w$}"));
                } else {
                    parts.push(format!("{cell:<w$}"));
                }
            }
            writeln!(out, "{}", parts.join("  ").trim_end())
        };
        line(&headers, out)?;
        let rule: Vec<String> = widths.iter().map(|w| "-".repeat(*w)).collect();
        writeln!(out, "{}", rule.join("  "))?;
        for row in &rows {
            line(row, out)?;
        }
        Ok(())
    }

    /// CSV through the one guarded writer: cells of numeric columns are numbers, the rest text.
    fn write_csv(&self, out: &mut dyn Write) -> std::io::Result<()> {
        let mut w = CsvWriter::new(out);
        w.header(&self.headers)?;
        for row in &self.rows {
            w.row(row.iter().enumerate().map(|(i, cell)| {
                if self.numeric.get(i).copied().unwrap_or(false) { Cell::Number(cell) } else { Cell::Text(cell) }
            }))?;
        }
        w.finish()?.flush()
    }

    fn write_json(&self, out: &mut dyn Write) -> std::io::Result<()> {
        let rows: Vec<serde_json::Map<String, serde_json::Value>> = self
            .rows
            .iter()
            .map(|row| {
                self.headers.iter().zip(row).map(|(h, v)| (h.clone(), serde_json::Value::String(v.clone()))).collect()
            })
            .collect();
        serde_json::to_writer_pretty(&mut *out, &rows)?;
        writeln!(out)
    }
}

/// An input CSV (cells trimmed) and its header row, or a message naming the file.
pub fn csv_input(file: &std::path::Path) -> Result<(csv::Reader<std::fs::File>, csv::StringRecord), super::Failure> {
    let name = file.display();
    let fail = |e: csv::Error| super::Failure::user(format!("{name}: {e}"));
    let mut r = csv::ReaderBuilder::new().trim(csv::Trim::All).from_path(file).map_err(fail)?;
    let headers = r.headers().map_err(fail)?.clone();
    Ok((r, headers))
}

/// The position of a header column, in any case.
pub fn csv_column(headers: &csv::StringRecord, name: &str) -> Option<usize> {
    headers.iter().position(|x| x.eq_ignore_ascii_case(name))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn sample() -> Table {
        let mut t = Table::new(&["service", "cost"]).numeric("cost");
        t.push(vec!["AmazonEC2".into(), "12.000000000000001".into()]);
        t.push(vec!["a,b".into(), "-1.5".into()]);
        t
    }

    fn render(f: OutputFormat) -> String {
        let mut buf = Vec::new();
        sample().write(f, &mut buf).unwrap();
        String::from_utf8(buf).unwrap()
    }

    #[test]
    fn renders_three_ways_exactly() {
        assert_eq!(render(OutputFormat::Csv), "service,cost\nAmazonEC2,12.000000000000001\n\"a,b\",-1.5\n");
        assert_eq!(
            render(OutputFormat::Table),
            "service                  cost\n---------  ------------------\nAmazonEC2  12.000000000000001\na,b                      -1.5\n"
        );
        let json: serde_json::Value = serde_json::from_str(&render(OutputFormat::Json)).unwrap();
        assert_eq!(json[0]["cost"], "12.000000000000001");
    }

    #[test]
    fn hostile_cells_are_guarded_in_csv_visible_in_tables_raw_in_json() {
        let mut t = Table::new(&["tag", "cost"]).numeric("cost");
        t.push(vec!["=1+1".into(), "-1.50".into()]);
        t.push(vec!["crm\u{1b}[2J\u{7}".into(), "=2+2".into()]);
        let out = |f| {
            let mut buf = Vec::new();
            t.write(f, &mut buf).unwrap();
            String::from_utf8(buf).unwrap()
        };
        assert_eq!(out(OutputFormat::Csv), "tag,cost\n'=1+1,-1.50\ncrm\u{1b}[2J\u{7},'=2+2\n");
        assert_eq!(
            out(OutputFormat::Table),
            "tag              cost\n--------------  -----\n=1+1            -1.50\ncrm\\x1b[2J\\x07   =2+2\n"
        );
        let json: serde_json::Value = serde_json::from_str(&out(OutputFormat::Json)).unwrap();
        assert_eq!(json[1]["tag"], "crm\u{1b}[2J\u{7}");
    }
}
