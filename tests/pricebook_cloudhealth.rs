//! `billops pricebook import --cloudhealth FILE --customer CODE`: the fixture's mappable rules land in the
//! customer's price book in file order, the others are listed with why, exit 4; `--dry-run` adds nothing.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{Demo, text};

const FIXTURE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/cloudhealth/pricebook.xml");

#[test]
fn a_cloudhealth_price_book_imports_what_maps_and_lists_the_rest() {
    let d = Demo::empty(&["alice"]);
    d.ok("alice", &["customers", "add", "ACME", "Acme Corp"]);
    let args = ["pricebook", "import", "--cloudhealth", FIXTURE, "--customer", "ACME"];
    let dry = d.run("alice", &[&args[..], &["--dry-run"]].concat());
    assert_eq!(dry.status.code(), Some(4), "{}", text(&dry));
    let out = String::from_utf8(dry.stdout).unwrap();
    assert!(out.contains("would add") && out.contains("3 of 10 rule(s) would be added"), "{out}");
    assert!(
        d.ok("alice", &["pricebook", "list", "ACME", "--format", "csv"]).lines().count() <= 1,
        "dry run adds nothing"
    );

    let o = d.run("alice", &args);
    assert_eq!(o.status.code(), Some(4), "some rules did not map: {}", text(&o));
    let out = String::from_utf8(o.stdout).unwrap();
    assert!(out.contains("NOT MAPPED") && out.contains("billops rules have no such field"), "{out}");
    assert!(out.contains("3 of 10 rule(s) added to ACME's price book"), "{out}");
    let list = d.ok("alice", &["pricebook", "list", "ACME", "--format", "csv"]);
    let rows: Vec<&str> = list.lines().skip(1).collect();
    assert_eq!(rows.len(), 3, "{list}");
    assert!(rows[0].contains("eu-central-1") && rows[0].contains("2026-05-01"), "{list}");
    assert!(rows[1].contains("TimedStorage-ByteHrs"), "first match wins: file order kept: {list}");
    // not a price book: exit 1, naming the file
    let bad = d.run("alice", &["pricebook", "import", "--cloudhealth", "/dev/null", "--customer", "ACME"]);
    assert_eq!(bad.status.code(), Some(1), "{}", text(&bad));
    assert!(text(&bad).contains("not a CloudHealth price book"), "{}", text(&bad));
}

#[test]
fn a_rule_refused_midway_leaves_no_rule_of_the_file() {
    let d = Demo::empty(&["alice"]);
    d.ok("alice", &["customers", "add", "ACME", "Acme Corp"]);
    // the second rule starts in May, which is signed off: the July rule before it is not kept either
    let xml = d.dir.path().join("two.xml");
    std::fs::write(
        &xml,
        r#"<CHTBillingRules><RuleGroup startDate="2026-07-01" enabled="true">
             <BillingRule name="July" percentDiscount="2"><Product productName="AmazonEC2"/></BillingRule>
           </RuleGroup><RuleGroup startDate="2026-05-01" enabled="true">
             <BillingRule name="May" percentDiscount="3"><Product productName="AmazonS3"/></BillingRule>
           </RuleGroup></CHTBillingRules>"#,
    )
    .unwrap();
    d.quiet_month("alice", "2026-05");
    d.ok("alice", &["close", "signoff", "2026-05", "--note", "quiet month"]);
    let o = d.run("alice", &["pricebook", "import", "--cloudhealth", xml.to_str().unwrap(), "--customer", "ACME"]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    let t = text(&o);
    assert!(t.contains("2026-05 is locked") && t.contains("no rule of the file was added"), "{t}");
    let list = d.ok("alice", &["pricebook", "list", "ACME", "--format", "csv"]);
    assert!(list.lines().count() <= 1, "all or nothing: {list}");
}
