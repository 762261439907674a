//! CloudHealth partner price books: parsed with quick-xml, mapped onto billops rules, every rule that does not map
//! listed with every reason. The fixture is written for these tests (fixtures/cloudhealth/pricebook.xml).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use billops_domain::ChargeCategory;
use billops_domain::rating::{Pricing, RuleScope};
use billops_import::cloudhealth::{map, parse};
use chrono::NaiveDate;
use rust_decimal::Decimal;

fn fixture() -> String {
    std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../fixtures/cloudhealth/pricebook.xml")).unwrap()
}

fn d(s: &str) -> Decimal {
    s.parse().unwrap()
}

#[test]
fn rules_map_in_document_order_and_the_rest_say_why() {
    let rules = parse(&fixture()).unwrap();
    assert_eq!(rules.len(), 10);
    assert_eq!(rules[2].name, "Support & tax uplift", "entities unescaped");
    let (ok, bad) = map(&rules);
    let may = NaiveDate::from_ymd_opt(2026, 5, 1).unwrap();
    let got: Vec<(&str, RuleScope, Pricing, NaiveDate)> =
        ok.iter().map(|m| (m.name.as_str(), m.scope.clone(), m.pricing, m.from)).collect();
    assert_eq!(
        got,
        vec![
            (
                "EC2 t3 in Frankfurt at 7% off",
                RuleScope::any().service("AmazonEC2").region("eu-central-1").usage_type("EUC1-BoxUsage:t3.large"),
                Pricing::discount(d("7")).unwrap(),
                may
            ),
            (
                "S3 storage per GB-month",
                RuleScope::any()
                    .service("AmazonS3")
                    .usage_type("TimedStorage-ByteHrs")
                    .charge_category(ChargeCategory::Usage),
                Pricing::fixed_unit_rate(d("0.0215")).unwrap(),
                may
            ),
            (
                "Support & tax uplift",
                RuleScope::any().charge_category(ChargeCategory::Tax),
                Pricing::markup(d("3.5")).unwrap(),
                may
            ),
        ]
    );
    let why: Vec<(&str, String)> = bad.iter().map(|u| (u.name.as_str(), u.why.join(" | "))).collect();
    let expect = [
        ("RDS snapshots", "matches on operation (CreateDBSnapshot): billops rules have no such field"),
        ("Two regions at once", "2 region values (us-east-1, us-west-2): a billops rule matches one; split the rule"),
        ("Described lines", "matches on line-item description (Data Transfer): billops rules have no such field"),
        ("Nothing to charge", "no percentDiscount, percentIncrease or fixedRate"),
        ("Both ways", "more than one of percentDiscount, percentIncrease, fixedRate"),
    ];
    for (name, text) in expect {
        assert!(why.iter().any(|(n, w)| *n == name && w == text), "{name}: {why:?}");
    }
    // every reason of a rule, not the first
    let spring = &bad.iter().find(|u| u.name == "Spring promotion").unwrap().why;
    assert_eq!(spring.len(), 3, "{spring:?}");
    assert!(spring[0].contains("2026-03-15") && spring[0].contains("first day"), "{spring:?}");
    assert!(spring[1].contains("ends 2026-04-30"), "{spring:?}");
    assert!(spring[2].contains("percentDiscount 120") && spring[2].contains("over 100"), "{spring:?}");
    let draft = &bad.iter().find(|u| u.name == "Draft June rule").unwrap().why;
    assert_eq!(draft, &vec!["its rule group is disabled".to_string()]);
    assert_eq!(ok.len() + bad.len(), rules.len(), "every rule accounted for");
}

#[test]
fn what_is_not_a_price_book_is_refused_with_where() {
    assert!(parse("<html><body/></html>").unwrap_err().contains("not a CloudHealth price book"));
    let e = parse("<CHTBillingRules><RuleGroup></CHTBillingRules>").unwrap_err();
    assert!(e.contains("not well-formed XML"), "{e}");
    assert!(
        parse("<CHTBillingRules><BillingRule name='x'/></CHTBillingRules>")
            .unwrap_err()
            .contains("outside a RuleGroup")
    );
    assert_eq!(parse("<CHTBillingRules/>").unwrap(), vec![]);
}
