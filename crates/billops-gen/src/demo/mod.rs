//! The demo book written to a folder (committed as `fixtures/demo/`): customers, accounts, users, payers,
//! one cost file per payer-month and `manifest.json` with the exact totals an import must reproduce.
pub mod book;
pub mod manifest;
pub mod month;

use std::collections::BTreeMap;
use std::fs;
use std::io;
use std::path::Path;

use rust_decimal::Decimal;

use crate::compress::{gzip, zip_one};
use crate::csvline::{Line, header};
use crate::format::{FileFormat, RowWriter};
use crate::row::Row;
use book::{Book, CUSTOMERS, ESTIMATED, MOVE_ON, MOVE_TO, MOVED_ACCOUNT_NAME, PAYERS};
use manifest::{
    AccountMove, BadRow, CustomerPeriod, FileEntry, Manifest, PayerEntry, PeriodEntry, Rules, Totals, UNASSIGNED,
    UnassignedAccount, norm,
};
use month::{BAD_COST, bad_row_index, payer_month};

/// The payer and period (indexes) whose file carries the one bad row.
const BAD_FILE: (usize, usize) = (1, 1);
/// Date stamped on zip entries (the day the data was "delivered").
const ZIP_STAMP: (u16, u8, u8) = (2026, 11, 2);

/// What `write_demo` wrote.
#[derive(Debug, Clone)]
pub struct DemoSummary {
    pub manifest: Manifest,
    /// Every file written, with its size in bytes, in write order.
    pub written: Vec<(String, u64)>,
}

impl DemoSummary {
    pub fn total_bytes(&self) -> u64 {
        self.written.iter().map(|w| w.1).sum()
    }
}

fn csv_file(columns: &[&str], rows: &[Vec<String>]) -> io::Result<Vec<u8>> {
    let mut out = Vec::new();
    header(&mut out, columns)?;
    let mut line = Line::new();
    for r in rows {
        for f in r {
            line.text(f);
        }
        line.flush_to(&mut out)?;
    }
    Ok(out)
}

fn reference_files(book: &Book) -> io::Result<Vec<(&'static str, Vec<u8>)>> {
    let customers: Vec<Vec<String>> =
        CUSTOMERS.iter().map(|c| vec![c.code.to_string(), c.name.to_string(), "USD".to_string()]).collect();
    let accounts: Vec<Vec<String>> = book
        .assignments
        .iter()
        .map(|a| {
            let acct = &book.accounts[a.account];
            vec![
                acct.id.clone(),
                acct.name.clone(),
                PAYERS[acct.payer].id.to_string(),
                CUSTOMERS[a.customer].code.to_string(),
                a.from.to_string(),
            ]
        })
        .collect();
    let users: Vec<Vec<String>> =
        [("alice", "manager"), ("bob", "operator"), ("carol", "operator"), ("dave", "viewer")]
            .iter()
            .map(|(n, r)| vec![n.to_string(), r.to_string()])
            .collect();
    // General-ledger codes: one revenue code per customer, and the data-lake product its own code (wins over the customer code)
    let mut codes: Vec<Vec<String>> = CUSTOMERS
        .iter()
        .enumerate()
        .map(|(i, c)| vec![format!("customer:{}", c.code), format!("GL-4{:03}", 100 + i), "2026-01-01".to_string()])
        .collect();
    codes.push(vec!["product:data-lake".to_string(), "GL-4900".to_string(), "2026-01-01".to_string()]);
    let payers: Vec<Vec<String>> =
        PAYERS.iter().map(|p| vec![p.id.to_string(), p.name.to_string(), p.format.as_str().to_string()]).collect();
    Ok(vec![
        ("customers.csv", csv_file(&["code", "name", "currency"], &customers)?),
        (
            "accounts.csv",
            csv_file(&["account_id", "account_name", "payer_id", "customer_code", "from_date"], &accounts)?,
        ),
        ("users.csv", csv_file(&["name", "role"], &users)?),
        ("payers.csv", csv_file(&["payer_id", "payer_name", "format"], &payers)?),
        ("account_codes.csv", csv_file(&["scope", "code", "from"], &codes)?),
    ])
}

/// Serialise a payer-month and sum it exactly (bad row excluded).
fn file_entry(book: &Book, p: usize, k: usize, rows: &[Row<'_>]) -> io::Result<(FileEntry, Vec<u8>)> {
    let payer = &PAYERS[p];
    let period = book.periods[k];
    let stem = format!("payer-{}-{period}.csv", payer.id);
    let mut writer = RowWriter::new(payer.format, payer.tag_case);
    let mut csv = Vec::with_capacity(rows.len() * 400);
    writer.write_header(&mut csv)?;
    let index: BTreeMap<&str, usize> = book.accounts.iter().enumerate().map(|(i, a)| (a.id.as_str(), i)).collect();
    let (mut billed, mut unblended, mut bad) = (Decimal::ZERO, Decimal::ZERO, 0u64);
    let mut customers: BTreeMap<String, Decimal> = BTreeMap::new();
    for r in rows {
        writer.write_row(r, &mut csv)?;
        if r.bad.is_some() {
            bad += 1;
            continue;
        }
        let b = if payer.format == FileFormat::Focus { r.focus_billed() } else { r.net };
        billed += b;
        unblended += r.unblended;
        let owner = index.get(r.account_id).and_then(|&i| book.customer_on(i, r.start)).unwrap_or(UNASSIGNED);
        *customers.entry(owner.to_string()).or_default() += b;
    }
    let (name, entry, compression, bytes) = match payer.format {
        FileFormat::Cur => (format!("{stem}.zip"), Some(stem.clone()), "zip", zip_one(&stem, &csv, ZIP_STAMP)?),
        _ => (format!("{stem}.gz"), None, "gzip", gzip(&csv)?),
    };
    let entry = FileEntry {
        name,
        entry,
        format: payer.format,
        compression: compression.to_string(),
        payer_id: payer.id.to_string(),
        period,
        status: if k >= ESTIMATED { "estimated" } else { "final" }.to_string(),
        invoice_id: rows.first().map(|r| r.invoice_id.to_string()).unwrap_or_default(),
        rows: u64::try_from(rows.len()).unwrap_or(u64::MAX),
        bad_rows: bad,
        billed: norm(billed),
        unblended: (payer.format != FileFormat::Focus).then(|| norm(unblended)),
        customers: customers.into_iter().map(|(k, v)| (k, norm(v))).collect(),
        bytes: u64::try_from(bytes.len()).unwrap_or(u64::MAX),
        content_blake3: blake3::hash(&csv).to_hex().to_string(),
    };
    Ok((entry, bytes))
}

const RULES_BILLED: &str = "billed = lineItem/NetUnblendedCost (CUR), line_item_net_unblended_cost (CUR 2.0), \
BilledCost (FOCUS); the payer-US file has a 3% enterprise discount so net differs from unblended on Usage lines";
const RULES_CUSTOMER: &str = "a line belongs to the customer its linked account is assigned to on the line's \
usage/charge start date (UTC day; accounts.csv rows are effective from from_date until the next row of the \
same account); lines of accounts with no assignment count as (unassigned)";
const RULES_LINE: &str = "line numbers are 1-based in the decompressed CSV, the header being line 1";
const RULES_ESTIMATED: &str = "estimated periods have an empty invoice id in every row; final ones carry it";

const README: &str = "# Demo book (generated, do not edit)\n\n\
Written by `billops-gen demo --out fixtures/demo` (crate `billops-gen`); a test regenerates it and requires \
the bytes to match. `manifest.json` lists every file with its format, rows, the exact billed total per file, \
per period and per customer-period, the one bad row, the account that moves between customers and the \
unassigned account.\n\n\
- `customers.csv` code,name,currency\n\
- `accounts.csv` account_id,account_name,payer_id,customer_code,from_date (effective-dated; the unassigned \
account is deliberately missing)\n\
- `users.csv` name,role\n\
- `payers.csv` payer_id,payer_name,format\n\
- `account_codes.csv` scope,code,from (the account-code table: `customer:CODE`, `product:NAME` or \
`account:ID`, effective from the day given)\n\
- `payer-<id>-<YYYY-MM>.csv.zip|.csv.gz` one cost file per payer and month (CUR legacy zipped, CUR 2.0 and \
FOCUS 1.2 gzipped)\n";

/// Write the demo book into `dir` (created if missing). Byte-identical on every run and machine.
pub fn write_demo(dir: &Path) -> io::Result<DemoSummary> {
    fs::create_dir_all(dir)?;
    let book = book::build();
    let mut written = Vec::new();
    let mut put = |name: &str, bytes: &[u8]| -> io::Result<()> {
        fs::write(dir.join(name), bytes)?;
        written.push((name.to_string(), u64::try_from(bytes.len()).unwrap_or(u64::MAX)));
        Ok(())
    };
    for (name, bytes) in reference_files(&book)? {
        put(name, &bytes)?;
    }
    let mut files = Vec::new();
    let mut bad_rows = Vec::new();
    let mut totals = Totals::default();
    for (p, payer) in PAYERS.iter().enumerate() {
        for k in 0..book.periods.len() {
            let invoice = book.invoice_id(p, k);
            let mut rows = payer_month(&book, p, k, &invoice);
            let bad_index = if (p, k) == BAD_FILE { bad_row_index(&rows) } else { None };
            if let Some(i) = bad_index {
                rows[i].bad = Some(BAD_COST);
            }
            let (entry, bytes) = file_entry(&book, p, k, &rows)?;
            put(&entry.name, &bytes)?;
            if let Some(i) = bad_index {
                let cols = match payer.format {
                    FileFormat::Cur => vec!["lineItem/UnblendedCost", "lineItem/NetUnblendedCost"],
                    FileFormat::Cur2 => {
                        vec!["line_item_unblended_cost", "line_item_net_unblended_cost"]
                    }
                    FileFormat::Focus => vec!["BilledCost"],
                };
                bad_rows.push(BadRow {
                    file: entry.name.clone(),
                    entry: entry.entry.clone(),
                    line: u64::try_from(i).unwrap_or(0) + 2,
                    columns: cols.into_iter().map(String::from).collect(),
                    value: BAD_COST.to_string(),
                });
            }
            totals.add_file(&entry);
            files.push(entry);
        }
    }
    let manifest = assemble(&book, files, bad_rows, totals);
    put("manifest.json", manifest.to_json().as_bytes())?;
    put("README.md", README.as_bytes())?;
    Ok(DemoSummary { manifest, written })
}

fn assemble(book: &Book, files: Vec<FileEntry>, bad_rows: Vec<BadRow>, totals: Totals) -> Manifest {
    let moved = book.accounts.iter().find(|a| a.name == MOVED_ACCOUNT_NAME);
    let account_moves = moved
        .map(|a| AccountMove {
            account_id: a.id.clone(),
            account_name: a.name.clone(),
            from_customer: a.customer.map(|c| CUSTOMERS[c].code.to_string()).unwrap_or_default(),
            to_customer: MOVE_TO.to_string(),
            on: book::date(MOVE_ON),
        })
        .into_iter()
        .collect();
    let unassigned_accounts = book
        .accounts
        .iter()
        .filter(|a| a.customer.is_none())
        .map(|a| UnassignedAccount {
            account_id: a.id.clone(),
            account_name: a.name.clone(),
            payer_id: PAYERS[a.payer].id.to_string(),
        })
        .collect();
    let payers = PAYERS
        .iter()
        .map(|p| PayerEntry {
            id: p.id.to_string(),
            name: p.name.to_string(),
            format: p.format,
            tag_columns: match (p.format, p.tag_case) {
                (FileFormat::Cur, crate::format::TagCase::Capital) => {
                    vec!["resourceTags/user:Product".into(), "resourceTags/user:Component".into()]
                }
                (FileFormat::Cur, _) => vec!["resourceTags/user:product".into(), "resourceTags/user:component".into()],
                (FileFormat::Cur2, _) => vec!["resource_tags: user_product, user_component".into()],
                (FileFormat::Focus, _) => vec!["Tags: product, component".into()],
            },
        })
        .collect();
    let periods = totals
        .period
        .iter()
        .map(|(p, v)| PeriodEntry {
            period: *p,
            status: if book.periods.iter().position(|q| q == p).is_some_and(|i| i >= ESTIMATED) {
                "estimated"
            } else {
                "final"
            }
            .to_string(),
            billed: norm(*v),
        })
        .collect();
    let customer_periods = totals
        .customer_period
        .iter()
        .map(|((c, p), v)| CustomerPeriod { customer: c.clone(), period: *p, billed: norm(*v) })
        .collect();
    Manifest {
        format_version: 1,
        generator: "billops-gen demo".to_string(),
        currency: "USD".to_string(),
        rules: Rules {
            billed: RULES_BILLED.to_string(),
            customer: RULES_CUSTOMER.to_string(),
            line: RULES_LINE.to_string(),
            estimated: RULES_ESTIMATED.to_string(),
        },
        customers_file: "customers.csv".to_string(),
        accounts_file: "accounts.csv".to_string(),
        users_file: "users.csv".to_string(),
        payers_file: "payers.csv".to_string(),
        payers,
        periods,
        files,
        customer_periods,
        bad_rows,
        account_moves,
        unassigned_accounts,
        total_billed: norm(totals.total),
        total_rows: totals.rows,
    }
}
