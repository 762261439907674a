//! Billing terms, the credits cross-check and supplier reconciliation cases from the command line, on the demo
//! store: terms flow into drafts (discount, tax and rounding lines; exact total) and the due date; unreached
//! supplier and funding credits; cases opened from the tie-out, worked, and turning the board's blocker into a
//! warning.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::str::FromStr;

use rust_decimal::{Decimal, RoundingStrategy};

mod common;

use common::{Demo, text};

fn dec(v: &serde_json::Value) -> Decimal {
    Decimal::from_str(v.as_str().expect("amounts are strings")).unwrap()
}

#[test]
fn terms_flow_into_drafts_and_due_dates() {
    let d = Demo::new();
    assert!(d.ok("dave", &["terms", "show", "acme"]).contains("(default)"));
    let set = ["terms", "set", "acme", "--tax", "10", "--discount", "5", "--discount-label", "volume"];
    let o = d.run("dave", &set);
    assert_eq!(o.status.code(), Some(1), "viewers do not set terms: {}", text(&o));
    let out = d.ok("bob", &set);
    assert!(out.contains("tax 10%, discount 5% \"volume\", rounding half_away_from_zero, due in 30 days"), "{out}");
    let out = d.ok("bob", &["terms", "set", "acme", "--rounding", "half_even", "--due-days", "45"]);
    assert!(
        out.contains("tax 10%, discount 5% \"volume\", rounding half_even, due in 45 days"),
        "flags not given are kept: {out}"
    );
    let o = d.run("bob", &["terms", "set", "acme", "--rounding", "sideways"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o).contains("half_away_from_zero, half_even or down"), "{}", text(&o));
    let o = d.run("bob", &["terms", "set", "nobody", "--tax", "1"]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    let v = d.json("dave", &["terms", "show", "acme", "--format", "json"]);
    assert_eq!((v["current"]["due_days"].as_i64(), v["history"].as_array().unwrap().len()), (Some(45), 1), "{v}");

    d.ok("bob", &["invoices", "generate", "--period", "2026-09", "--customer", "acme"]);
    let show = d.ok("dave", &["invoices", "show", "1"]);
    assert!(show.contains("Discounts  volume (5%)"), "{show}");
    assert!(show.contains("Tax        Tax 10%"), "{show}");
    assert!(show.contains("Rounding   Rounding (HalfEven)"), "{show}");

    // the total is exact: charges − 5%, + 10% tax, rounded once half-even to cents
    let v = d.json("dave", &["invoices", "export", "1", "--format", "json"]);
    let draft = &v["draft"];
    let charges: Decimal = draft["charges"].as_array().unwrap().iter().map(|l| dec(&l["amount"])).sum();
    let discount = dec(&draft["discounts"][0]["amount"]);
    assert_eq!(discount, -(charges * Decimal::from(5) / Decimal::ONE_HUNDRED));
    assert!(draft["credits"].as_array().unwrap().is_empty());
    let taxable = charges + discount;
    let tax = dec(&draft["tax"][0]["amount"]);
    assert_eq!(tax, taxable * Decimal::from(10) / Decimal::ONE_HUNDRED);
    let unrounded = taxable + tax;
    let total = unrounded.round_dp_with_strategy(2, RoundingStrategy::MidpointNearestEven);
    assert_eq!(dec(&v["total"]), total);
    assert_eq!(dec(&draft["rounding"][0]["amount"]), total - unrounded);
    assert_eq!(draft["rounding_rule"], "half_even");

    // issue: due 45 days after issue
    d.ok("bob", &["invoices", "review", "1"]);
    d.ok("alice", &["invoices", "approve", "1"]);
    d.ok("alice", &["invoices", "issue", "1"]);
    let v = d.json("dave", &["invoices", "export", "1", "--format", "json"]);
    let day = |k: &str| chrono::NaiveDate::parse_from_str(v[k].as_str().unwrap(), "%Y-%m-%d").unwrap();
    assert_eq!((day("due_on") - day("issued_on")).num_days(), 45, "{v}");
}

#[test]
fn unreached_credits_and_reconciliation_cases() {
    let d = Demo::new();
    let o = d.run("dave", &["credits", "unreached", "--period", "2026-09"]);
    assert_eq!(o.status.code(), Some(4), "supplier credits not passed through: {}", text(&o));
    let t = text(&o);
    assert!(t.contains("supplier credit") && t.contains("piedpiper") && t.contains("NO"), "{t}");

    let propose = [
        "credits",
        "propose",
        "piedpiper",
        "--kind",
        "promo",
        "--amount",
        "3728.99",
        "--account",
        "688268322686",
        "--service",
        "AmazonEC2",
        "--valid-from",
        "2026-09-01",
        "--valid-to",
        "2026-12-01",
        "--evidence",
        "AWS promo memo",
    ];
    assert!(d.ok("bob", &propose).contains("CR-1"));
    d.ok("alice", &["credits", "approve", "CR-1", "--reason", "pass through"]);
    let o = d.run("dave", &["credits", "unreached", "--period", "2026-09", "--format", "json"]);
    assert_eq!(o.status.code(), Some(4), "the other supplier credits are still unreached");
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let row = v["supplier"].as_array().unwrap().iter().find(|r| r["customer"] == "piedpiper").unwrap().clone();
    assert_eq!(row["passed_through_by"], serde_json::json!(["CR-1"]), "{v}");
    assert_eq!(v["unapplied"][0]["id"], "CR-1", "approved but on no issued invoice: {v}");

    // cases: payer 953067412205 billed 2.5 more than imported; the other payers tie exactly
    d.ok("bob", &["invoices", "generate", "--period", "2026-09"]);
    let recon = String::from_utf8(d.run("dave", &["recon", "2026-09", "--format", "csv"]).stdout).unwrap();
    let imported = |payer: &str| -> Decimal {
        let l = recon.lines().find(|l| l.starts_with(payer)).unwrap();
        Decimal::from_str(l.split(',').nth(3).unwrap()).unwrap() // payer, currency, supplier_invoice, imported
    };
    for (payer, extra) in [("731245098812", "0"), ("842156730019", "0"), ("953067412205", "2.5")] {
        let amount = (imported(payer) + Decimal::from_str(extra).unwrap()).to_string();
        d.ok("bob", &["supplier", "add", payer, "2026-09", "--number", &format!("S-{payer}"), "--amount", &amount]);
    }
    let o = d.run("bob", &["recon", "2026-09", "--open-cases"]);
    assert_eq!(o.status.code(), Some(4), "a case without an expected credit note explains nothing yet");
    let out = text(&o);
    assert!(out.contains("case 1 for payer 953067412205 2026-09: opened (residual 2.5)"), "{out}");
    assert_eq!(out.matches("case ").count(), 1, "one case, for the payer over tolerance: {out}");
    let o = d.run("bob", &["recon", "2026-09", "--open-cases"]);
    assert!(text(&o).contains("case 1 for payer 953067412205 2026-09: already open"), "{}", text(&o));
    let list = d.ok("dave", &["cases", "list", "--period", "2026-09", "--format", "csv"]);
    assert!(list.contains("1,953067412205,2026-09,open,,2.5,0,0,"), "{list}");

    let board = |d: &Demo| -> String {
        let o = d.run("dave", &["close", "status", "2026-09", "--format", "json"]);
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        let item = v["board"]["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["check"] == "supplier_reconciled")
            .unwrap()
            .clone();
        item["status"].as_str().unwrap().to_string()
    };
    assert_eq!(board(&d), "blocker");
    assert_eq!(d.run("dave", &["cases", "update", "1", "--status", "resolved"]).status.code(), Some(1), "viewer");
    let o = d.run("bob", &["cases", "update", "1", "--status", "bogus"]);
    assert!(text(&o).contains("case status \"bogus\""), "{}", text(&o));
    let out = d.ok(
        "bob",
        &[
            "cases",
            "update",
            "1",
            "--status",
            "waiting_credit_note",
            "--owner",
            "bob",
            "--expected",
            "2.5",
            "--note",
            "AWS support case 42",
        ],
    );
    assert!(out.contains("case 1 (953067412205 2026-09) is waiting_credit_note; expected 2.5, received 0"), "{out}");
    assert_eq!(board(&d), "warning", "an expected credit note explains the residual");
    assert_eq!(d.run("dave", &["recon", "2026-09"]).status.code(), Some(0), "explained is reconciled");
    let o = d.run("bob", &["cases", "update", "1", "--status", "written_off"]);
    assert_eq!(o.status.code(), Some(1), "writing off takes a manager: {}", text(&o));
    d.ok("alice", &["cases", "update", "1", "--status", "written_off", "--note", "below chase threshold"]);
    let list = d.ok("dave", &["cases", "list", "--format", "csv"]);
    assert!(list.contains("1,953067412205,2026-09,written_off,bob,2.5,2.5,0,below chase threshold"), "{list}");
}
