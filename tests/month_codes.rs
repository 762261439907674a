//! The account-code table from the command line on the demo store: the demo's codes (one per customer, one
//! for the data-lake product) land on every charge line of the drafts, the most specific scope winning; a
//! change from a later day does not touch earlier periods; bad input is refused with file, line and column.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{Demo, text};

/// (customer, description, account code) of every charge line of the period's drafts.
fn charge_codes(d: &Demo, period: &str) -> Vec<(String, String, String)> {
    let csv = d.ok("dave", &["invoices", "export", "--period", period, "--format", "csv"]);
    let mut r = csv::Reader::from_reader(csv.as_bytes());
    r.records()
        .map(Result::unwrap)
        .filter(|rec| &rec[3] == "Charges")
        .map(|rec| (rec[1].to_string(), rec[4].to_string(), rec[5].to_string()))
        .collect()
}

#[test]
fn codes_from_the_table_are_on_every_charge_line() {
    let d = Demo::new();
    let list = d.ok("dave", &["codes", "list"]);
    assert!(list.contains("customer:acme") && list.contains("GL-4100"), "{list}");
    assert!(list.contains("product:data-lake") && list.contains("GL-4900"), "{list}");

    d.ok("bob", &["invoices", "generate", "--period", "2026-09"]);
    let lines = charge_codes(&d, "2026-09");
    assert!(lines.len() > 100, "{} charge lines", lines.len());
    let lake: Vec<_> = lines.iter().filter(|(_, desc, _)| desc.contains("/ data-lake /")).collect();
    assert!(!lake.is_empty(), "the demo has data-lake lines");
    assert!(lake.iter().all(|(_, _, code)| code == "GL-4900"), "product scope wins over customer: {lake:?}");
    for (customer, desc, code) in lines.iter().filter(|(_, desc, _)| !desc.contains("/ data-lake /")) {
        assert!(code.starts_with("GL-41"), "{customer} {desc} has customer code, not {code:?}");
        if customer == "acme" {
            assert_eq!(code, "GL-4100", "{desc}");
        }
    }

    // a new code for acme from October leaves September's lines alone and prices October's
    let out = d.ok("bob", &["codes", "set", "customer:acme", "GL-4199", "--from", "2026-10-01"]);
    assert!(out.contains("account code of customer:acme is GL-4199 from 2026-10-01"), "{out}");
    d.ok("bob", &["invoices", "generate", "--period", "2026-09", "--customer", "acme"]);
    d.ok("bob", &["invoices", "generate", "--period", "2026-10", "--customer", "acme"]);
    let codes = |p: &str| -> Vec<String> {
        charge_codes(&d, p)
            .into_iter()
            .filter(|(c, desc, _)| c == "acme" && !desc.contains("/ data-lake /"))
            .map(|(_, _, code)| code)
            .collect()
    };
    let (sep, oct) = (codes("2026-09"), codes("2026-10"));
    assert!(!sep.is_empty() && sep.iter().all(|c| c == "GL-4100"), "{sep:?}");
    assert!(!oct.is_empty() && oct.iter().all(|c| c == "GL-4199"), "{oct:?}");
}

#[test]
fn bad_codes_are_refused_with_where() {
    let d = Demo::new();
    let o = d.run("bob", &["codes", "set", "cust:acme", "GL-1", "--from", "2026-10-01"]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(text(&o).contains("customer:CODE, product:NAME or account:ID"), "{}", text(&o));
    let o = d.run("bob", &["codes", "set", "customer:acme", "GL-1", "--from", "October"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o).contains("--from: \"October\" is not YYYY-MM-DD"), "{}", text(&o));
    let o = d.run("dave", &["codes", "set", "customer:acme", "GL-1", "--from", "2026-10-01"]);
    assert_eq!(o.status.code(), Some(1), "viewers do not change codes: {}", text(&o));
    let o = d.run("bob", &["codes", "set", "customer:acme", "GL-1", "--from", "2026-10-15"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o).contains("must start on the first day of a month"), "{}", text(&o));

    let file = d.dir.path().join("codes.csv");
    std::fs::write(&file, "scope,code,from\naccount:886139668841,CC-7,2026-10-01\ncustomer:nobody,GL-9,2026-10-01\n")
        .unwrap();
    let o = d.run("bob", &["codes", "import", file.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(text(&o).contains("codes.csv:3: column scope: no customer nobody"), "{}", text(&o));
    assert!(!d.ok("dave", &["codes", "list"]).contains("CC-7"), "nothing is written when a row is bad");

    std::fs::write(&file, "scope,code,from\naccount:886139668841,CC-7,2026-10-01\nproduct:web,CC-8,2026-13-01\n")
        .unwrap();
    let o = d.run("bob", &["codes", "import", file.to_str().unwrap()]);
    assert!(text(&o).contains("codes.csv:3: column from"), "{}", text(&o));

    // a row that does not start on a month's first day, after a good one: named by line, neither is written
    // (what only the store can refuse, a locked period, is all-or-nothing too: the store tests show it)
    std::fs::write(&file, "scope,code,from\naccount:886139668841,CC-7,2026-10-01\nproduct:web,CC-8,2026-10-15\n")
        .unwrap();
    let o = d.run("bob", &["codes", "import", file.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    let t = text(&o);
    assert!(t.contains("codes.csv:3: column from") && t.contains("must start on the first day of a month"), "{t}");
    assert!(!d.ok("dave", &["codes", "list"]).contains("CC-7"), "the good first row is not written either");

    std::fs::write(&file, "scope,code,from\naccount:886139668841,CC-7,2026-10-01\n").unwrap();
    assert!(d.ok("bob", &["codes", "import", file.to_str().unwrap()]).contains("1 account code(s) set"));
    assert!(d.ok("dave", &["codes", "list"]).contains("CC-7"));
}
