//! A customer's statement as rows — opening balance, one row per entry with the running balance, closing
//! balance — and as CSV: the one shape the CLI (`billops statement`), the console's statement screen and its
//! export all use.
use std::io::Write;

use billops_domain::dispute::DisputeTarget;
use billops_domain::money::canonical;
use billops_store::disputes::DisputeFilter;
use billops_store::{Result, Statement, StatementKind, Store, StoreError};
use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Serialize;

use crate::csv_out::Cell::{Number, Text};
use crate::csv_out::CsvWriter;

/// Which row of a statement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowKind {
    Opening,
    Entry,
    Closing,
}

/// One row: on the opening and closing rows `amount` and `balance` are both that balance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatementRow {
    pub kind: RowKind,
    pub date: NaiveDate,
    /// "opening balance", "invoice", "payment", "credit note", "closing balance".
    pub entry: &'static str,
    pub reference: String,
    pub amount: Decimal,
    /// The balance after this row.
    pub balance: Decimal,
}

/// The name of an entry kind, as every statement shows it.
pub fn entry_name(k: &StatementKind) -> &'static str {
    match k {
        StatementKind::Invoice => "invoice",
        StatementKind::Payment => "payment",
        StatementKind::CreditNote => "credit note",
    }
}

/// The rows with the running balance. Refuses (never shows a wrong balance) when the balance overflows or the
/// entries do not add up to the closing balance.
pub fn rows(st: &Statement) -> Result<Vec<StatementRow>> {
    let edge = |kind, date, entry, balance| StatementRow {
        kind,
        date,
        entry,
        reference: String::new(),
        amount: balance,
        balance,
    };
    let mut out = Vec::with_capacity(st.entries.len() + 2);
    out.push(edge(RowKind::Opening, st.from, "opening balance", st.opening));
    let mut bal = st.opening;
    for e in &st.entries {
        bal = bal.checked_add(e.amount).ok_or_else(|| {
            StoreError::Invalid(format!(
                "statement of {}: the running balance overflows at {} {} {}",
                st.customer,
                e.date,
                entry_name(&e.kind),
                e.reference
            ))
        })?;
        out.push(StatementRow {
            kind: RowKind::Entry,
            date: e.date,
            entry: entry_name(&e.kind),
            reference: e.reference.clone(),
            amount: e.amount,
            balance: bal,
        });
    }
    if bal != st.closing {
        return Err(StoreError::Invalid(format!(
            "statement of {}: the entries add up to {} but the closing balance is {}",
            st.customer,
            canonical(bal),
            canonical(st.closing)
        )));
    }
    out.push(edge(RowKind::Closing, st.to, "closing balance", st.closing));
    Ok(out)
}

/// An open dispute as the customer's statement shows it (open, researching or accepted: not yet settled).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OpenDispute {
    pub id: i64,
    /// `INV-000001 line 3` or `INV-000001` (the whole invoice).
    pub reference: String,
    pub status: String,
    pub opened: NaiveDate,
    pub amount: Decimal,
}

/// What the customer disputes: held out of the overdue figure while open (the balance is unchanged: a dispute
/// moves no money until it is settled by a credit note or a PPA).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Disputed {
    pub disputes: Vec<OpenDispute>,
    /// The disputed amounts, summed exactly.
    pub total: Decimal,
    /// Overdue on `as_of`, the disputed amounts of overdue invoices held out.
    pub overdue: Decimal,
    pub as_of: NaiveDate,
}

/// The customer's open disputes and its overdue figure on `today` (the statement's date).
pub async fn disputed(store: &dyn Store, customer: &str, today: NaiveDate) -> Result<Disputed> {
    let filter = DisputeFilter { customer: Some(customer.to_string()), invoice_id: None, open_only: true };
    let mut disputes: Vec<OpenDispute> = store
        .list_disputes(&filter)
        .await?
        .into_iter()
        .filter(|d| d.dispute.holds_amount())
        .map(|d| {
            let i = &d.dispute.input;
            let reference = match &i.target {
                DisputeTarget::Line { invoice, line } => format!("{invoice} line {line}"),
                DisputeTarget::Invoice { invoice } => invoice.clone(),
            };
            let opened = d.dispute.history.first().map_or(today, |e| e.at.date_naive());
            OpenDispute { id: d.id, reference, status: d.dispute.status.to_string(), opened, amount: i.amount.amount }
        })
        .collect();
    disputes.sort_by_key(|d| d.id);
    let total = disputes
        .iter()
        .try_fold(Decimal::ZERO, |a, d| a.checked_add(d.amount))
        .ok_or_else(|| StoreError::Invalid(format!("statement of {customer}: the disputed amounts overflow")))?;
    let overdue = store.balance(customer, today).await?.overdue;
    Ok(Disputed { disputes, total, overdue, as_of: today })
}

/// The entry name of an open dispute's CSV row (after the closing balance; its balance cell is empty: a
/// dispute is not in the balance).
pub const DISPUTE_ENTRY: &str = "open dispute";

/// The CSV columns: the CLI's first four, then the running balance, the customer and the currency.
pub const CSV_HEADER: [&str; 7] = ["date", "entry", "reference", "amount", "balance", "customer", "currency"];

/// Write the statement as CSV (exact amounts, [`CSV_HEADER`]) through the one guarded writer.
pub fn write_csv(st: &Statement, out: impl Write) -> Result<()> {
    write_csv_with(st, None, out)
}

/// The statement's CSV, then one row per open dispute ([`DISPUTE_ENTRY`], the reference and status, the amount).
pub fn write_csv_with(st: &Statement, disputed: Option<&Disputed>, out: impl Write) -> Result<()> {
    let rows = rows(st)?;
    let err = |e: std::io::Error| StoreError::Invalid(format!("statement CSV: {e}"));
    let mut w = CsvWriter::new(out);
    w.header(&CSV_HEADER).map_err(err)?;
    for r in &rows {
        let date = r.date.to_string();
        let (amount, balance) = (canonical(r.amount), canonical(r.balance));
        w.row([
            Number(&date),
            Text(r.entry),
            Text(&r.reference),
            Number(&amount),
            Number(&balance),
            Text(&st.customer),
            Text(&st.currency),
        ])
        .map_err(err)?;
    }
    for d in disputed.map_or(&[][..], |d| d.disputes.as_slice()) {
        let (date, amount, reference) =
            (d.opened.to_string(), canonical(d.amount), format!("{} ({})", d.reference, d.status));
        w.row([
            Number(&date),
            Text(DISPUTE_ENTRY),
            Text(&reference),
            Number(&amount),
            Text(""),
            Text(&st.customer),
            Text(&st.currency),
        ])
        .map_err(err)?;
    }
    w.finish().map(drop).map_err(err)
}

/// The statement as CSV text.
pub fn csv(st: &Statement) -> Result<String> {
    csv_with(st, None)
}

/// The statement as CSV text, with its open disputes.
pub fn csv_with(st: &Statement, disputed: Option<&Disputed>) -> Result<String> {
    let mut buf = Vec::new();
    write_csv_with(st, disputed, &mut buf)?;
    String::from_utf8(buf).map_err(|e| StoreError::Invalid(format!("statement CSV: {e}")))
}

/// The statement as JSON (amounts as strings), as the CLI prints it and the console exports it.
pub fn json(st: &Statement) -> Result<String> {
    serde_json::to_string_pretty(st).map_err(|e| StoreError::Invalid(format!("statement JSON: {e}")))
}

/// The statement as JSON with a `disputed` object beside its fields (the open disputes, their total and the
/// overdue figure they are held out of).
pub fn json_with(st: &Statement, disputed: &Disputed) -> Result<String> {
    let err = |e: serde_json::Error| StoreError::Invalid(format!("statement JSON: {e}"));
    let mut v = serde_json::to_value(st).map_err(err)?;
    if let serde_json::Value::Object(m) = &mut v {
        m.insert("disputed".into(), serde_json::to_value(disputed).map_err(err)?);
    }
    serde_json::to_string_pretty(&v).map_err(err)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use billops_store::StatementEntry;

    use super::*;

    fn d(s: &str) -> Decimal {
        billops_domain::parse_decimal(s).unwrap()
    }

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn st(opening: Decimal, amounts: &[Decimal], closing: Decimal) -> Statement {
        let kinds = [StatementKind::Invoice, StatementKind::Payment, StatementKind::CreditNote];
        Statement {
            customer: "ACME, Inc".into(),
            currency: "USD".into(),
            from: day("2026-05-01"),
            to: day("2026-05-31"),
            opening,
            entries: amounts
                .iter()
                .enumerate()
                .map(|(i, a)| StatementEntry {
                    date: day("2026-05-10"),
                    kind: kinds[i % 3].clone(),
                    reference: format!("ref \"{i}\""),
                    amount: *a,
                })
                .collect(),
            closing,
        }
    }

    #[test]
    fn running_balance_and_csv() {
        let s = st(d("10.5"), &[d("100.25"), d("-60"), d("-0.000000001")], d("50.749999999"));
        let r = rows(&s).unwrap();
        let bal: Vec<(&str, String)> = r.iter().map(|r| (r.entry, canonical(r.balance))).collect();
        assert_eq!(
            bal,
            [
                ("opening balance", "10.5".to_string()),
                ("invoice", "110.75".to_string()),
                ("payment", "50.75".to_string()),
                ("credit note", "50.749999999".to_string()),
                ("closing balance", "50.749999999".to_string()),
            ]
        );
        assert_eq!((r[0].kind, r[4].kind, r[1].kind), (RowKind::Opening, RowKind::Closing, RowKind::Entry));
        let text = csv(&s).unwrap();
        let mut lines = text.lines();
        assert_eq!(lines.next(), Some("date,entry,reference,amount,balance,customer,currency"));
        assert_eq!(lines.next(), Some("2026-05-01,opening balance,,10.5,10.5,\"ACME, Inc\",USD"));
        assert_eq!(lines.next(), Some("2026-05-10,invoice,\"ref \"\"0\"\"\",100.25,110.75,\"ACME, Inc\",USD"));
        // read back: every cell as written
        let mut rd = csv::Reader::from_reader(text.as_bytes());
        let recs: Vec<csv::StringRecord> = rd.records().map(Result::unwrap).collect();
        assert_eq!(recs.len(), 5);
        assert_eq!(&recs[3][2], "ref \"2\"");
        assert_eq!(&recs[4][4], "50.749999999");
    }

    #[test]
    fn csv_guards_text_that_would_run_as_a_formula_and_keeps_negative_amounts() {
        let mut s = st(d("0"), &[d("5"), d("-1.50")], d("3.50"));
        s.entries[1].reference = "=HYPERLINK(\"http://evil\",\"x\")".into();
        s.customer = "-2+3".into();
        let text = csv(&s).unwrap();
        let mut rd = csv::Reader::from_reader(text.as_bytes());
        let recs: Vec<csv::StringRecord> = rd.records().map(Result::unwrap).collect();
        assert_eq!(&recs[2][2], "'=HYPERLINK(\"http://evil\",\"x\")");
        assert_eq!((&recs[2][3], &recs[2][4]), ("-1.5", "3.5"), "amounts never altered");
        assert_eq!(&recs[2][5], "'-2+3");
        assert_eq!(&recs[0][0], "2026-05-01", "dates never altered");
        assert!(json(&s).unwrap().contains("\"=HYPERLINK("), "JSON keeps the raw text");
    }

    #[test]
    fn overflow_and_mismatch_are_refused() {
        let s = st(Decimal::MAX, &[d("1")], Decimal::MAX);
        let e = rows(&s).unwrap_err().to_string();
        assert!(e.contains("overflows") && e.contains("invoice"), "{e}");
        assert!(csv(&s).is_err(), "no CSV with a wrong balance");
        let s = st(d("1"), &[d("2")], d("4"));
        let e = rows(&s).unwrap_err().to_string();
        assert!(e.contains("add up to 3") && e.contains("closing balance is 4"), "{e}");
    }
}
