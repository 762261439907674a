//! Currency is part of money, end to end with the real binary: a FOCUS file billed in EUR, its account assigned
//! to a USD customer. `costs` shows the currency and never adds two; `invoices generate` refuses without an
//! approved EUR→USD rate, naming the pair and the period; after `fx set` and another manager's `fx approve` it
//! bills the converted amount, rounded once to the cent (half away from zero), and the line shows the rate.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{Demo, text};

const EUR_FILE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/quirks/focus-1.0.csv");

#[test]
fn eur_cost_for_a_usd_customer_needs_an_approved_rate_and_bills_the_converted_amount() {
    let e = Demo::empty(&["maria", "omar"]);
    e.ok("maria", &["import", EUR_FILE]);
    e.ok("maria", &["customers", "add", "ACME", "Acme", "--currency", "USD"]);
    e.ok("maria", &["accounts", "assign", "S1", "ACME", "--from", "2024-09-01"]);

    // costs: a currency column, the EUR amounts as they are
    let csv = e.ok("maria", &["costs", "--period", "2024-09", "--by", "customer", "--format", "csv"]);
    assert_eq!(csv.lines().next(), Some("customer,cost,currency"), "{csv}");
    assert!(csv.lines().any(|l| l.starts_with("ACME,") && l.ends_with(",EUR")), "{csv}");
    assert!(!csv.contains(",USD"), "no cost is stamped with the customer's currency: {csv}");

    // no rate: refused, naming the pair and the period; nothing saved
    let o = e.run("maria", &["invoices", "generate", "--period", "2024-09"]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    let t = text(&o);
    assert!(t.contains("EUR→USD") && t.contains("2024-09") && t.contains("billops fx set"), "{t}");
    assert!(!t.contains("panicked"), "{t}");
    assert!(!e.ok("maria", &["invoices", "list"]).contains("ACME"), "no draft saved");

    // a proposed rate is not used; the one who entered it cannot approve it
    e.ok("maria", &["fx", "set", "EUR", "USD", "2024-09", "1.0850", "--source", "ECB", "--date", "2024-09-30"]);
    assert_eq!(e.run("maria", &["invoices", "generate", "--period", "2024-09"]).status.code(), Some(1));
    let o = e.run("maria", &["fx", "approve", "EUR", "USD", "2024-09"]);
    assert!(!o.status.success() && text(&o).contains("another manager"), "{}", text(&o));
    e.ok("omar", &["fx", "approve", "EUR", "USD", "2024-09"]);
    let list = e.ok("maria", &["fx", "list", "--format", "csv"]);
    assert!(list.contains("2024-09,EUR→USD,1.085,ECB,2024-09-30,approved,maria,omar"), "{list}");

    // billed: effective cost 39.25 EUR × 1.085 = 42.58625 USD → 42.59 (half away from zero, once)
    let out = e.ok("maria", &["invoices", "generate", "--period", "2024-09"]);
    assert!(out.contains("42.59"), "{out}");
    let inv = e.ok("maria", &["invoices", "list", "--format", "csv"]);
    assert!(inv.lines().any(|l| l.contains("ACME") && l.contains("USD") && l.contains("42.59")), "{inv}");
    let id = inv.lines().nth(1).unwrap().split(',').next().unwrap().to_string();
    let json = e.ok("maria", &["invoices", "export", &id, "--format", "json"]);
    assert!(json.contains("\"base\": \"EUR\"") && json.contains("\"rate\": \"1.085\""), "the line records the rate");
    let show = e.ok("maria", &["invoices", "show", &id]);
    assert!(show.contains("[EUR→USD 1.085 (ECB 2024-09-30)]"), "the line shows the rate: {show}");

    // bad input: a clear message and a non-zero exit
    for bad in [
        vec!["fx", "set", "EUR", "EUR", "2024-09", "1", "--source", "x", "--date", "2024-09-30"],
        vec!["fx", "set", "EURO", "USD", "2024-09", "1", "--source", "x", "--date", "2024-09-30"],
        vec!["fx", "set", "EUR", "USD", "2024-09", "-1", "--source", "x", "--date", "2024-09-30"],
        vec!["fx", "set", "EUR", "USD", "2024-09", "1.1", "--source", "x", "--date", "30/09/2024"],
    ] {
        let o = e.run("maria", &bad);
        assert!(!o.status.success() && !text(&o).contains("panicked"), "{bad:?}: {}", text(&o));
    }
}

#[test]
fn fx_import_is_every_row_or_none() {
    let e = Demo::empty(&["maria", "omar"]);
    let f = e.dir.path().join("rates.csv");
    std::fs::write(&f, "base,quote,period,rate,source,date\nEUR,USD,2024-09,1.085,ECB,2024-09-30\nGBP,USD,2024-09,abc,ECB,2024-09-30\n")
        .unwrap();
    let o = e.run("maria", &["fx", "import", f.to_str().unwrap()]);
    assert!(!o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("line 3") && text(&o).contains("rate"), "{}", text(&o));
    assert!(!e.ok("maria", &["fx", "list"]).contains("EUR"), "nothing imported");
    std::fs::write(&f, "base,quote,period,rate,source,date\nEUR,USD,2024-09,1.085,ECB,2024-09-30\nGBP,USD,2024-09,1.27,ECB,2024-09-30\n")
        .unwrap();
    assert!(e.ok("maria", &["fx", "import", f.to_str().unwrap()]).contains("2 FX rate(s)"));
    let list = e.ok("maria", &["fx", "list", "--period", "2024-09", "--format", "csv"]);
    assert_eq!(list.lines().filter(|l| l.contains(",proposed,")).count(), 2, "{list}");
}
