//! `billops export focus` on the demo store, through the real binary: invoices of 2026-09 generated, some
//! issued (one then paid, one voided), the rest left as drafts. The export's BilledCost adds up to the issued
//! invoices' totals exactly, every InvoiceId is an issued invoice's number, every BillingCurrency an ISO 4217
//! code; exit codes and the whole-or-nothing file. Then the FinOps Foundation's validator (PyPI focus-validator
//! 1.0.0, FOCUS 1.0) reads the file: every rule passes but the known ones below. Without the validator that
//! test says so and passes, unless BILLOPS_REQUIRE_FOCUS_VALIDATOR=1 (CI installs it; BILLOPS_FOCUS_VALIDATOR
//! names the executable, else `focus-validator` on PATH).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::str::FromStr;
use std::sync::OnceLock;

use common::{Demo, text};
use rust_decimal::Decimal;

/// ISO 4217 codes the test accepts (the test's own list, not billops's).
const ISO_4217: [&str; 30] = [
    "AUD", "BHD", "BRL", "CAD", "CHF", "CNY", "CZK", "DKK", "EUR", "GBP", "HKD", "HUF", "IDR", "ILS", "INR", "JPY",
    "KRW", "KWD", "MXN", "NOK", "NZD", "PLN", "SAR", "SEK", "SGD", "THB", "TRY", "USD", "ZAR", "AED",
];

struct Issued {
    demo: Demo,
    file: PathBuf,
    /// Invoice number → (currency, total) of the invoices that count: issued, paid, partly paid, disputed.
    invoices: BTreeMap<String, (String, Decimal)>,
}

/// The demo store with 2026-09's invoices generated; acme, aperture, bluth and cyberdyne issued, aperture
/// paid in full, cyberdyne voided; the export written once.
fn issued() -> &'static Issued {
    static ISSUED: OnceLock<Issued> = OnceLock::new();
    ISSUED.get_or_init(|| {
        let d = Demo::new();
        d.ok("alice", &["close", "set", "issuer.name", "Northwind Cloud Services Ltd"]);
        // bluth's invoice carries a discount, an approved credit and tax besides its charges and rounding.
        d.ok("alice", &["terms", "set", "bluth", "--tax", "20", "--discount", "5", "--from", "2026-09-01"]);
        let credit = ["--valid-from", "2026-09-01", "--valid-to", "2027-01-01", "--evidence", "ticket 42"];
        let propose = [&["credits", "propose", "bluth", "--kind", "goodwill", "--amount", "100"][..], &credit].concat();
        assert!(d.ok("bob", &propose).contains("credit CR-1 proposed"));
        d.ok("alice", &["credits", "approve", "CR-1", "--reason", "agreed on the call"]);
        d.ok("bob", &["invoices", "generate", "--period", "2026-09"]);
        let list = d.json("dave", &["invoices", "list", "--period", "2026-09", "--format", "json"]);
        let id_of = |code: &str| {
            let row = list.as_array().unwrap().iter().find(|i| i["customer"] == code).unwrap();
            row["id"].as_str().unwrap().to_string()
        };
        for code in ["acme", "aperture", "bluth", "cyberdyne"] {
            let id = id_of(code);
            d.ok("bob", &["invoices", "review", &id]);
            d.ok("alice", &["invoices", "approve", &id]);
            d.ok("alice", &["invoices", "issue", &id]);
        }
        let list = d.json("dave", &["invoices", "list", "--period", "2026-09", "--format", "json"]);
        let find = |code: &str| list.as_array().unwrap().iter().find(|i| i["customer"] == code).unwrap().clone();
        let aperture = find("aperture");
        let number = aperture["number"].as_str().unwrap();
        let total = aperture["total"].as_str().unwrap();
        d.ok("bob", &["payments", "add", "aperture", total, "--date", "2026-10-20", "--invoice", number]);
        d.ok("alice", &["invoices", "void", &id_of("cyberdyne"), "--reason", "issued to the wrong entity"]);

        let list = d.json("dave", &["invoices", "list", "--period", "2026-09", "--format", "json"]);
        let mut invoices = BTreeMap::new();
        let mut statuses = BTreeSet::new();
        for i in list.as_array().unwrap() {
            let status = i["status"].as_str().unwrap();
            statuses.insert(status.to_string());
            if ["issued", "partly_paid", "paid", "disputed"].contains(&status) {
                let total = Decimal::from_str(i["total"].as_str().unwrap()).unwrap();
                let number = i["number"].as_str().unwrap().to_string();
                invoices.insert(number, (i["currency"].as_str().unwrap().to_string(), total));
            }
        }
        assert_eq!(invoices.len(), 3, "{list}");
        for s in ["paid", "issued", "void", "draft"] {
            assert!(statuses.contains(s), "a {s} invoice in the month: {statuses:?}");
        }
        let file = d.dir.path().join("focus-2026-09.csv");
        let out = d.ok("dave", &["export", "focus", "--period", "2026-09", "--output", file.to_str().unwrap()]);
        assert!(out.contains("from 3 issued invoice(s) of 2026-09 written to"), "{out}");
        Issued { demo: d, file, invoices }
    })
}

fn read(path: &Path) -> (Vec<String>, Vec<BTreeMap<String, String>>) {
    let mut r = csv::Reader::from_path(path).unwrap();
    let headers: Vec<String> = r.headers().unwrap().iter().map(str::to_string).collect();
    let rows =
        r.records().map(|rec| headers.iter().cloned().zip(rec.unwrap().iter().map(str::to_string)).collect()).collect();
    (headers, rows)
}

#[test]
fn billed_cost_adds_up_to_the_issued_invoices_and_ids_are_their_numbers() {
    let x = issued();
    let (headers, rows) = read(&x.file);
    assert!(rows.len() > 3, "{} rows", rows.len());
    // Σ BilledCost per currency = Σ issued invoice totals per currency, exactly (no float anywhere).
    let mut billed: BTreeMap<String, Decimal> = BTreeMap::new();
    let mut per_invoice: BTreeMap<String, Decimal> = BTreeMap::new();
    for r in &rows {
        let amount = Decimal::from_str(&r["BilledCost"]).unwrap();
        *billed.entry(r["BillingCurrency"].clone()).or_default() += amount;
        *per_invoice.entry(r["InvoiceId"].clone()).or_default() += amount;
        assert!(ISO_4217.contains(&r["BillingCurrency"].as_str()), "{}", r["BillingCurrency"]);
        assert!(r["BilledCost"].contains('.'), "a decimal point: {}", r["BilledCost"]);
        assert_eq!(r["InvoiceIssuerName"], "Northwind Cloud Services Ltd");
        assert_eq!(r["ProviderName"], "AWS", "the demo's clouds are all AWS");
    }
    let mut want: BTreeMap<String, Decimal> = BTreeMap::new();
    for (currency, total) in x.invoices.values() {
        *want.entry(currency.clone()).or_default() += *total;
    }
    assert_eq!(billed, want);
    let categories: BTreeSet<&str> = rows.iter().map(|r| r["ChargeCategory"].as_str()).collect();
    assert_eq!(
        categories,
        BTreeSet::from(["Adjustment", "Credit", "Tax", "Usage"]),
        "charges, discount and credit, tax, rounding"
    );
    let ids: BTreeSet<&String> = per_invoice.keys().collect();
    assert_eq!(ids, x.invoices.keys().collect::<BTreeSet<_>>(), "InvoiceId = the issued invoices' numbers");
    for (number, sum) in &per_invoice {
        assert_eq!(*sum, x.invoices[number].1, "{number}: its rows add up to its total");
    }
    // Published FOCUS 1.0 names, never the pre-release ones.
    for name in ["ProviderName", "PublisherName", "InvoiceIssuerName", "ResourceId", "ChargeCategory", "InvoiceId"] {
        assert!(headers.iter().any(|h| h == name), "{name}");
    }
    for old in ["Provider", "Publisher", "InvoiceIssuer", "ResourceID", "ChargeType"] {
        assert!(!headers.iter().any(|h| h == old), "{old}");
    }
}

#[test]
fn refuses_to_overwrite_bad_periods_and_months_with_nothing_issued() {
    let x = issued();
    let d = &x.demo;
    let file = x.file.to_str().unwrap();
    let before = std::fs::read(&x.file).unwrap();
    let o = d.run("dave", &["export", "focus", "--period", "2026-09", "--output", file]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(text(&o).contains("exists: give --force to replace it"), "{}", text(&o));
    assert_eq!(std::fs::read(&x.file).unwrap(), before, "untouched");

    let copy = d.dir.path().join("again.csv");
    std::fs::write(&copy, "old").unwrap();
    d.ok("dave", &["export", "focus", "--period", "2026-09", "--output", copy.to_str().unwrap(), "--force"]);
    assert_eq!(std::fs::read(&copy).unwrap(), before, "replaced, same bytes");

    let o = d.run("dave", &["export", "focus", "--period", "2026-13", "--output", "x.csv"]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(text(&o).contains("period \"2026-13\""), "{}", text(&o));

    let none = d.dir.path().join("none.csv");
    let o = d.run("dave", &["export", "focus", "--period", "2026-08", "--output", none.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(4), "{}", text(&o));
    assert!(text(&o).contains("no invoice of 2026-08 is issued"), "{}", text(&o));
    assert!(!none.exists(), "nothing written");
    let leftovers: Vec<_> = std::fs::read_dir(d.dir.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().contains(".billops-export-"))
        .collect();
    assert!(leftovers.is_empty(), "no temporary file left behind");
}

/// Rules of focus-validator 1.0.0's FOCUS 1.0 set that fail on this correct FOCUS 1.0 file, each for a reason
/// outside the data (measured; docs/FOCUS.md). Any other failing rule fails the test.
const KNOWN_FAILURES: [(&str, &str); 6] = [
    // The rule set checks pre-release column names: FOCUS 1.0 published ProviderName, PublisherName,
    // InvoiceIssuerName and ResourceId, which the file has.
    ("Provider_Required", "pre-release name of ProviderName"),
    ("Publisher_Required", "pre-release name of PublisherName"),
    ("InvoiceIssuer_Required", "pre-release name of InvoiceIssuerName"),
    ("ResourceID_Required", "pre-release name of ResourceId"),
    // Its SQL reads the pre-release column ChargeType (FOCUS 1.0: ChargeCategory): a KeyError on any file.
    ("SkuPriceId_Nullable", "reads ChargeType, the pre-release ChargeCategory"),
    // Crashes with FileNotFoundError whatever the data (its currency list is not in the package): the ISO 4217
    // check is the other test's.
    ("BillingCurrency_IsCurrencyCode", "crashes: FileNotFoundError"),
];

/// The validator reads the CSV with pandas' type guessing: a column whose values are all digits (real cloud
/// account ids) is taken for numbers and fails `*_IsString`, though the values are FOCUS strings. Allowed only
/// when every value of that column is digits.
const DIGIT_ID_RULES: [(&str, &str); 2] =
    [("SubAccountId_IsString", "SubAccountId"), ("BillingAccountId_IsString", "BillingAccountId")];

fn validator() -> Option<String> {
    let named = std::env::var("BILLOPS_FOCUS_VALIDATOR").ok().filter(|v| !v.is_empty());
    let on_path = || {
        let dirs = std::env::var_os("PATH")?;
        std::env::split_paths(&dirs).map(|d| d.join("focus-validator")).find(|p| p.is_file())
    };
    match named.or_else(|| on_path().map(|p| p.display().to_string())) {
        Some(v) => Some(v),
        None => {
            let why = "FOCUS validator test skipped: no focus-validator (BILLOPS_FOCUS_VALIDATOR unset, none on PATH)";
            if std::env::var("BILLOPS_REQUIRE_FOCUS_VALIDATOR").as_deref() == Ok("1") {
                panic!(
                    "{why} (BILLOPS_REQUIRE_FOCUS_VALIDATOR=1: pip install focus-validator==1.0.0 'multimethod<1.11')"
                );
            }
            // straight to stderr (eprintln! is captured by the harness): the skip shows in the log
            let _ = std::io::Write::write_all(&mut std::io::stderr(), format!("{why}\n").as_bytes());
            None
        }
    }
}

/// The rules the validator reports failed, from its report (it exits 0 either way).
fn failed_rules(validator: &str, file: &Path) -> BTreeSet<String> {
    let o = Command::new(validator)
        .args(["--data-file", file.to_str().unwrap(), "--validate-version", "1.0"])
        .output()
        .unwrap();
    let report = format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr));
    assert!(o.status.success(), "the validator ran: {report}");
    let verdict = report.contains("Validation failed!") || report.contains("Validation succeeded.");
    assert!(verdict, "a verdict in the report: {report}");
    let failed: BTreeSet<String> =
        report.lines().filter_map(|l| l.trim_end().strip_suffix(" failed:")).map(str::to_string).collect();
    assert_eq!(report.contains("Validation failed!"), !failed.is_empty(), "{report}");
    failed
}

/// The failed rules that are not explained by [`KNOWN_FAILURES`] or [`DIGIT_ID_RULES`].
fn unexplained(failed: &BTreeSet<String>, file: &Path) -> BTreeSet<String> {
    let (_, rows) = read(file);
    let all_digits = |column: &str| {
        let values: Vec<&String> = rows.iter().map(|r| &r[column]).filter(|v| !v.is_empty()).collect();
        !values.is_empty() && values.iter().all(|v| v.bytes().all(|b| b.is_ascii_digit()))
    };
    failed
        .iter()
        .filter(|rule| !KNOWN_FAILURES.iter().any(|(k, _)| k == rule))
        .filter(|rule| !DIGIT_ID_RULES.iter().any(|(r, column)| r == rule && all_digits(column)))
        .cloned()
        .collect()
}

#[test]
fn the_focus_validator_passes_every_rule_but_the_known_ones() {
    let Some(v) = validator() else { return };
    let x = issued();
    let failed = failed_rules(&v, &x.file);
    assert_eq!(unexplained(&failed, &x.file), BTreeSet::new(), "rules failed: {failed:?}");

    // The check catches a real problem: a ChargeFrequency FOCUS does not allow fails its rule, and the test.
    let (_, rows) = read(&x.file);
    let broken = x.demo.dir.path().join("broken.csv");
    let text = std::fs::read_to_string(&x.file).unwrap().replacen(",Usage-Based,", ",Sometimes,", 1);
    assert!(rows.iter().any(|r| r["ChargeFrequency"] == "Usage-Based"));
    std::fs::write(&broken, text).unwrap();
    let failed = failed_rules(&v, &broken);
    assert!(unexplained(&failed, &broken).contains("ChargeFrequency_Enum"), "{failed:?}");
}
