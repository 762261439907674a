//! Credit notes from the command line, on the demo store: a manager corrects an issued invoice in the CN
//! series (an operator may not), never beyond what is uncredited; listed and exported like invoices; balance
//! and statement count them.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{Demo, text};
use rust_decimal::Decimal;

#[test]
fn credit_notes_correct_an_issued_invoice() {
    let d = Demo::new();
    d.ok("bob", &["invoices", "generate", "--period", "2026-09", "--customer", "acme"]);
    let o = d.run("alice", &["invoices", "credit-note", "1", "--amount", "100", "--reason", "early"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o).contains("only an issued invoice takes a credit note; this one is draft"), "{}", text(&o));
    d.ok("bob", &["invoices", "review", "1"]);
    d.ok("alice", &["invoices", "approve", "1"]);
    assert!(d.ok("alice", &["invoices", "issue", "1"]).contains("INV-000001"));
    let json = d.json("dave", &["invoices", "export", "1", "--format", "json"]);
    let total: Decimal = json["total"].as_str().unwrap().parse().unwrap();

    let o = d.run("bob", &["invoices", "credit-note", "1", "--amount", "100", "--reason", "rate"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o).contains("a manager does"), "{}", text(&o));
    let out =
        d.ok("alice", &["invoices", "credit-note", "1", "--amount", "100.00", "--reason", "EC2 rate applied twice"]);
    let left = total - Decimal::from(100);
    assert!(
        out.contains("credit note CN-000001 for INV-000001 (acme): 100 USD")
            && out.contains(&format!("{left} still creditable")),
        "{out}"
    );
    let too_much = (left + Decimal::new(1, 2)).to_string();
    let o = d.run("alice", &["invoices", "credit-note", "1", "--amount", &too_much, "--reason", "rest"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o).contains(&format!("more than the {left} still uncredited")), "{}", text(&o));

    let list = d.ok("dave", &["invoices", "credit-notes", "--invoice", "1", "--format", "csv"]);
    assert!(list.starts_with("number,invoice,customer,period,issued_on,currency,amount,reason,by\n"), "{list}");
    assert!(
        list.contains("CN-000001,INV-000001,acme,2026-09,") && list.contains(",USD,100,EC2 rate applied twice,alice"),
        "{list}"
    );
    let csv = d.ok("dave", &["invoices", "export-credit-note", "CN-000001"]);
    assert!(csv.contains("CN-000001,INV-000001,acme,2026-09,"), "{csv}");
    let v = d.json("dave", &["invoices", "export-credit-note", "CN-000001", "--format", "json"]);
    assert_eq!(
        (v["amount"].as_str(), v["invoice_number"].as_str()),
        (Some("100"), Some("INV-000001")),
        "amounts are strings"
    );
    let html = d.ok("dave", &["invoices", "export-credit-note", "CN-000001", "--format", "html"]);
    assert!(html.contains("<h1>Credit note CN-000001</h1>") && html.contains("corrects invoice INV-000001"), "{html}");

    let bal = d.json("dave", &["balance", "acme", "--format", "json"]);
    assert_eq!(bal["balance"].as_str().unwrap().parse::<Decimal>().unwrap(), left);
    let st = d.ok("dave", &["statement", "acme", "--from", "2026-01-01", "--to", "2099-12-31", "--format", "csv"]);
    assert!(st.contains("credit note") && st.contains("CN-000001 (INV-000001)") && st.contains("-100"), "{st}");
    // The rest, in full: nothing is owed and nothing more can be credited.
    let out =
        d.ok("alice", &["invoices", "credit-note", "1", "--amount", &left.to_string(), "--reason", "contract ended"]);
    assert!(out.contains("CN-000002") && out.contains("0 still creditable"), "{out}");
    let bal = d.json("dave", &["balance", "acme", "--format", "json"]);
    assert_eq!(bal["balance"].as_str().unwrap().parse::<Decimal>().unwrap(), Decimal::ZERO);
}
