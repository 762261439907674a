//! Rating from the command line on the demo store, checked against the demo book's own line items (read with
//! billops-import, not through the store): a fixed unit rate scoped by usage type prices quantity × rate, a
//! chargeback customer gets resource-unit lines (volume × rate) with account codes, and `pricebook preview`
//! shows the same effect without saving. Bad input exits 1 with a message naming it.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::collections::{BTreeMap, BTreeSet};

use billops_domain::{ChargeCategory, LineItem, Period};
use billops_import::{Event, TagConfig, expand, read_source};
use billops_store::{Actor, NewAccountCode};
use chrono::NaiveDate;
use common::{Demo, text};
use rust_decimal::Decimal;

const PERIOD: &str = "2026-09";
const M6I: &str = "BoxUsage:m6i.xlarge";

fn d(s: &str) -> Decimal {
    s.parse().unwrap()
}

/// acme's line items of September 2026 from the demo book the store was built from (every acme account is
/// assigned from 2026-01-01), supplier tax and credits left out as invoices strip them.
fn acme_items(demo: &Demo) -> Vec<LineItem> {
    // `billops --db sqlite:DIR/demo.db demo` writes its book beside the store, not in the data dir.
    let book = demo.dir.path().join("demo-book");
    let accounts: BTreeSet<String> = std::fs::read_to_string(book.join("accounts.csv"))
        .unwrap()
        .lines()
        .filter(|l| l.split(',').nth(3) == Some("acme"))
        .map(|l| l.split(',').next().unwrap().to_string())
        .collect();
    assert_eq!(accounts.len(), 9);
    let period: Period = PERIOD.parse().unwrap();
    let files: Vec<_> = std::fs::read_dir(&book)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.file_name().unwrap().to_str().unwrap().starts_with("payer-"))
        .collect();
    let mut out = Vec::new();
    for src in expand(&files).unwrap() {
        read_source(&src, &TagConfig::default(), &mut |e| {
            if let Event::Item(it) = e
                && it.period == period
                && accounts.contains(&it.account)
                && !matches!(it.charge_category, ChargeCategory::Tax | ChargeCategory::Credit)
            {
                out.push(it);
            }
            true
        })
        .unwrap();
    }
    out
}

fn round2(x: Decimal) -> Decimal {
    billops_domain::money::round_document(x, "USD", billops_domain::money::RoundingRule::HalfAwayFromZero)
}

fn invoice_json(demo: &Demo, id: &str) -> serde_json::Value {
    demo.json("dave", &["invoices", "export", id, "--format", "json"])
}

fn dec(v: &serde_json::Value) -> Decimal {
    d(v.as_str().unwrap())
}

#[test]
fn fixed_unit_rate_by_usage_type_prices_quantity_times_rate() {
    let demo = Demo::new();
    let items = acme_items(&demo);
    let m6i: Vec<&LineItem> = items.iter().filter(|i| i.usage_type == M6I).collect();
    assert!(m6i.len() > 10 && m6i.iter().all(|i| i.quantity.is_some()), "the demo book has m6i hours");
    let hours: Decimal = m6i.iter().map(|i| i.quantity.unwrap()).sum();
    let m6i_cost: Decimal = m6i.iter().map(|i| i.billed).sum();
    let cost: Decimal = items.iter().map(|i| i.billed).sum();

    // preview first: nothing saved, the change is hours × 0.2 − their cost
    let rule = ["--rate", "0.2", "--usage-type", M6I];
    let preview = demo.ok("bob", &[&["pricebook", "preview", "acme", PERIOD][..], &rule[..]].concat());
    let want_change = (hours * d("0.2") - m6i_cost).normalize().to_string();
    assert!(
        preview.contains("preview (not saved): acme 2026-09, rule (new) = rate 0.2 per unit on usage_type="),
        "{preview}"
    );
    assert!(preview.contains(&format!("(change {want_change})")), "{preview}\nwant change {want_change}");
    assert!(preview.contains(&format!("total {} -> ", cost.normalize())), "{preview}");
    let json =
        demo.json("bob", &[&["pricebook", "preview", "acme", PERIOD, "--format", "json"][..], &rule[..]].concat());
    assert_eq!(dec(&json["new_total"]) - dec(&json["old_total"]), hours * d("0.2") - m6i_cost);
    let moved = json["by_rule"].as_array().unwrap().iter().find(|r| r["new_rule"] == "(new)").unwrap();
    assert_eq!(dec(&moved["new_price"]), hours * d("0.2"));
    assert_eq!(json["rule"]["scope"]["usage_type"], M6I);
    assert!(!demo.ok("dave", &["pricebook", "list", "acme"]).contains("rate 0.2"), "a preview saves nothing");

    // the rule, then the draft
    let o = demo.run("bob", &[&["pricebook", "add", "acme", "--from", "2026-09-15"][..], &rule[..]].concat());
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o).contains("effective from 2026-09-15") && text(&o).contains("use 2026-09-01"), "{}", text(&o));
    demo.ok("bob", &[&["pricebook", "add", "acme", "--from", "2026-09-01"][..], &rule[..]].concat());
    assert!(demo.ok("dave", &["pricebook", "list", "acme"]).contains("rate 0.2"));
    let out = demo.ok("bob", &["invoices", "generate", "--period", PERIOD, "--customer", "acme"]);
    assert!(out.contains("acme invoice 1: created"), "{out}");
    let inv = invoice_json(&demo, "1");
    let charges = inv["draft"]["charges"].as_array().unwrap();
    // lines are grouped by service / product / component: a group the rule priced may hold other lines too,
    // so compare margins (price − cost), which only the rule's lines have
    let margin: Decimal = charges.iter().map(|l| dec(&l["amount"]) - dec(&l["cost"])).sum();
    assert_eq!(margin, hours * d("0.2") - m6i_cost, "Σ quantity × rate replaces the m6i cost, exactly");
    let total: Decimal = charges.iter().map(|l| dec(&l["amount"])).sum();
    assert_eq!(total, cost - m6i_cost + hours * d("0.2"));
    for l in charges {
        let by_rule = l["rule_ids"].as_array().unwrap().contains(&"R1".into());
        let ec2 = l["description"].as_str().unwrap().starts_with("AmazonEC2 /");
        assert!(!by_rule || ec2, "only EC2 lines are priced by R1: {l}");
    }
    assert_eq!(dec(&inv["total"]), round2(cost - m6i_cost + hours * d("0.2")));

    // bad rule input
    let o = demo.run("bob", &["pricebook", "preview", "acme", PERIOD, "--rate", "1", "--markup", "2"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o).contains("exactly one of --markup, --discount or --rate"), "{}", text(&o));
    let o = demo.run("bob", &["pricebook", "preview", "acme", "2026-13", "--markup", "2"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o).contains("2026-13"), "{}", text(&o));
}

#[test]
fn chargeback_customer_gets_resource_unit_lines_with_account_codes() {
    let demo = Demo::new();
    let items = acme_items(&demo);
    // the unit: every BoxUsage line (any instance type, any region prefix-free usage type), 4 vCPU per hour
    let boxes: Vec<&LineItem> = items.iter().filter(|i| i.usage_type.starts_with("BoxUsage:")).collect();
    assert!(!boxes.is_empty());
    let prod = "886139668841"; // acme-prod
    let volume = |pred: &dyn Fn(&&&LineItem) -> bool| -> Decimal {
        boxes.iter().filter(pred).map(|i| i.quantity.unwrap() * d("4")).sum()
    };
    let prod_volume = volume(&|i| i.account == prod);
    let other_volume = volume(&|i| i.account != prod);
    assert!(prod_volume > Decimal::ZERO && other_volume > Decimal::ZERO);

    // bad input first
    let o = demo.run("bob", &["ru", "add", "vcpu", "--name", "vCPU hours", "--unit", "vCPU-hour", "--factor", "4"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o).contains("selects nothing"), "{}", text(&o));
    let o = demo.run("bob", &["ru", "add", "vcpu", "--name", "x", "--unit", "u", "--service", "S", "--factor", "abc"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o).contains("--factor"), "{}", text(&o));
    let o = demo.run("bob", &["customers", "model", "acme", "retail"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o).contains("use resale or chargeback"), "{}", text(&o));

    let add = ["ru", "add", "vcpu", "--name", "vCPU hours", "--unit", "vCPU-hour", "--usage-type", "BoxUsage:*"];
    demo.ok("bob", &[&add[..], &["--factor", "4"]].concat());
    let o = demo.run("bob", &["ru", "rate", "vcpu", "0.03", "--from", "2026-09-02"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o).contains("effective from 2026-09-02"), "{}", text(&o));
    demo.ok("bob", &["ru", "rate", "vcpu", "0.025", "--from", "2026-08-01"]);
    demo.ok("bob", &["ru", "rate", "vcpu", "0.03", "--from", "2026-09-01"]);
    let list = demo.ok("dave", &["ru", "list"]);
    assert!(
        list.contains("usage_type=BoxUsage:*") && list.contains("0.025 from 2026-08-01; 0.03 from 2026-09-01"),
        "{list}"
    );
    let json = demo.json("dave", &["ru", "list", "--format", "json"]);
    assert_eq!(json[0]["rates"][1]["rate"], "0.03");
    assert!(demo.ok("dave", &["customers", "model", "acme"]).contains("acme is billed by resale"));
    demo.ok("bob", &["customers", "model", "acme", "chargeback"]);
    assert!(demo.ok("dave", &["customers", "model", "acme"]).contains("acme is billed by chargeback"));

    // account codes: acme-prod has its own, the rest of acme the customer's
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let s = billops_store::open(&demo.db).await.unwrap();
        let by = Actor { name: "alice".into(), at: chrono::Utc::now() };
        let from = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
        for (scope, code) in [("customer:acme", "GL-ACME"), (&*format!("account:{prod}"), "GL-PROD")] {
            let c = NewAccountCode { scope: scope.to_string(), code: code.to_string(), from };
            s.set_account_code(&c, &by).await.unwrap();
        }
        s.close().await;
    });

    demo.ok("bob", &["invoices", "generate", "--period", PERIOD]);
    let list = demo.ok("dave", &["invoices", "list", "--period", PERIOD, "--format", "json"]);
    let list: serde_json::Value = serde_json::from_str(&list).unwrap();
    let id =
        list.as_array().unwrap().iter().find(|i| i["customer"] == "acme").unwrap()["id"].as_str().unwrap().to_string();
    let inv = invoice_json(&demo, &id);
    let mut ru: BTreeMap<String, (Decimal, Decimal)> = BTreeMap::new();
    let mut usage_codes = BTreeSet::new();
    for l in inv["draft"]["charges"].as_array().unwrap() {
        let code = l["account_code"].as_str().unwrap().to_string();
        match l["kind"].get("resource_unit") {
            Some(k) => {
                assert_eq!((k["ru_id"].as_str(), dec(&k["rate"])), (Some("vcpu"), d("0.03")), "September's rate");
                assert!(l["rule_ids"].as_array().unwrap().is_empty());
                ru.insert(code, (dec(&l["quantity"]), dec(&l["amount"])));
            }
            None => {
                usage_codes.insert(code);
            }
        }
    }
    assert_eq!(ru["GL-PROD"], (prod_volume, prod_volume * d("0.03")), "acme-prod: volume × rate");
    // the demo's code table gives the data-lake product its own code (GL-4900) on acme's other accounts
    let (lake_v, lake_a) = ru["GL-4900"];
    let (rest_v, rest_a) = ru["GL-ACME"];
    assert_eq!(ru.len(), 3, "{ru:?}");
    assert_eq!((lake_v + rest_v, lake_a + rest_a), (other_volume, other_volume * d("0.03")), "the other accounts");
    assert_eq!(rest_a, rest_v * d("0.03"));
    let codes = BTreeSet::from(["GL-ACME".to_string(), "GL-PROD".to_string(), "GL-4900".to_string()]);
    assert_eq!(usage_codes, codes, "codes on every line");
    let others: Decimal = items.iter().filter(|i| !i.usage_type.starts_with("BoxUsage:")).map(|i| i.billed).sum();
    let want = round2(others + (prod_volume + other_volume) * d("0.03"));
    assert_eq!(dec(&inv["total"]), want, "unselected lines fall through to the (empty) price book at cost");

    // a resale customer is not rated by resource units
    let globex = list.as_array().unwrap().iter().find(|i| i["customer"] == "globex").unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let g = invoice_json(&demo, &globex);
    assert!(g["draft"]["charges"].as_array().unwrap().iter().all(|l| l["kind"].get("resource_unit").is_none()));
}
