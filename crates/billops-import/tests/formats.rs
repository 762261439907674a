//! One test per format: AWS CUR legacy, CUR 2.0, FOCUS (1.0 column names), plus detection.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod common;

use billops_domain::{ChargeCategory, IssueKind, Severity, UNTAGGED};
use billops_import::{Format, detect};
use common::{assert_accounted, dec, quirk, read};

#[test]
fn detects_formats_case_insensitively() {
    assert_eq!(detect(&["\u{feff}identity/LineItemId", "LINEITEM/UNBLENDEDCOST"]), Some(Format::CurLegacy));
    assert_eq!(detect(&["line_item_unblended_cost"]), Some(Format::Cur2));
    assert_eq!(detect(&["BilledCost", "billingaccountid", "ChargePeriodStart "]), Some(Format::Focus));
    assert_eq!(detect(&["BilledCost", "BillingAccountId"]), None);
    assert_eq!(detect(&["Date", "Cost"]), None);
    assert_eq!(detect(&[]), None);
}

#[test]
fn cur_legacy_maps_every_line_item_type() {
    let (r, s) = read(&quirk("cur-legacy.csv"));
    assert_eq!(s.format, Format::CurLegacy);
    assert_eq!(s.rows, 13);
    assert_eq!(s.quarantined, 0);
    assert_accounted(&r, &s);
    let by_id = |rid: &str, line: u64| r.items.iter().find(|i| i.source_line == line && i.resource_id == rid).unwrap();

    let u = by_id("i-0001", 2);
    assert_eq!(u.period.to_string(), "2024-09");
    assert_eq!((u.payer.as_str(), u.payer_name.as_str()), ("111111111111", "Payer One"));
    assert_eq!((u.account.as_str(), u.account_name.as_str()), ("222222222222", "Shop Prod"));
    assert_eq!(u.usage_date.to_string(), "2024-09-01");
    assert_eq!((u.service.as_str(), u.usage_type.as_str()), ("AmazonEC2", "BoxUsage:m5.large"));
    assert_eq!((u.product.as_str(), u.component.as_str()), ("shop", "web"));
    assert_eq!(u.charge_category, ChargeCategory::Usage);
    assert_eq!((u.region.as_str(), u.currency.as_str(), u.invoice_id.as_str()), ("us-east-1", "USD", "INV-1"));
    assert_eq!((u.quantity, u.unit.as_str()), (Some(dec("1")), "Hrs"));
    // Net unblended wins when present.
    assert_eq!((u.billed, u.effective, u.list), (dec("9.50"), dec("9.50"), dec("12.00")));

    let ri = by_id("i-0002", 3);
    assert_eq!((ri.billed, ri.effective, ri.list), (dec("0"), dec("4.25"), dec("8")));
    let sp = by_id("i-0003", 4);
    assert_eq!((sp.billed, sp.effective, sp.list), (dec("3.00"), dec("2.10"), dec("3.40")));
    let neg = by_id("i-0003", 5);
    assert_eq!(
        (neg.charge_category, neg.billed, neg.effective, neg.list),
        (ChargeCategory::Usage, dec("-3"), dec("0"), dec("-3"))
    );

    let cats: Vec<(u64, ChargeCategory)> = r.items.iter().map(|i| (i.source_line, i.charge_category)).collect();
    use ChargeCategory::*;
    assert_eq!(
        cats,
        vec![
            (2, Usage),
            (3, Usage),
            (4, Usage),
            (5, Usage),
            (6, Purchase),
            (7, Purchase),
            (8, Tax),
            (9, Credit),
            (10, Refund),
            (11, Adjustment),
            (12, Adjustment),
            (13, Adjustment),
            (14, Purchase),
        ]
    );
    // Untagged lines say so; the unknown type keeps its cost and raises one warning naming it.
    assert_eq!(r.items[5].product, UNTAGGED);
    assert_eq!(r.items[11].billed, dec("7"));
    let unknown: Vec<_> =
        r.issues.iter().filter(|i| i.kind == IssueKind::BadValue && i.severity == Severity::Warning).collect();
    assert_eq!(unknown.len(), 1);
    assert!(unknown[0].message.contains("MysteryCharge (1)"), "{}", unknown[0].message);
    assert_eq!(unknown[0].column.as_deref(), Some("lineItem/LineItemType"));
    assert_eq!(unknown[0].line, Some(13));
    let missing = r.issues_of(IssueKind::MissingTags);
    assert_eq!(missing.len(), 1);
    assert!(missing[0].message.starts_with("9 rows"), "{}", missing[0].message);
    assert_eq!(missing[0].severity, Severity::Info);
    let total: rust_decimal::Decimal = r.items.iter().map(|i| i.billed).sum();
    assert_eq!(total, dec("179.98"));
}

#[test]
fn cur2_reads_json_tags_and_product_region() {
    let (r, s) = read(&quirk("cur2.csv"));
    assert_eq!(s.format, Format::Cur2);
    assert_eq!((s.rows, s.quarantined), (4, 0));
    assert_accounted(&r, &s);
    let a = &r.items[0];
    assert_eq!((a.product.as_str(), a.component.as_str(), a.region.as_str()), ("shop", "web", "eu-west-1"));
    assert_eq!((a.billed, a.effective, a.list), (dec("0.0156"), dec("0.0156"), dec("0.0156")));
    assert_eq!(a.quantity, Some(dec("1.5")));
    assert_eq!(a.usage_date.to_string(), "2024-09-05");
    let b = &r.items[1];
    // "user:Product" matches the configured "product"; component falls back to environment.
    assert_eq!((b.product.as_str(), b.component.as_str()), ("billing", "prod"));
    assert_eq!((b.billed, b.effective, b.list), (dec("0.09"), dec("0.061"), dec("0.096")));
    let c = &r.items[2];
    assert_eq!((c.product.as_str(), c.region.as_str()), (UNTAGGED, ""));
    assert_eq!((c.billed, c.effective), (dec("0"), dec("0.031")));
    assert_eq!(r.items[3].charge_category, ChargeCategory::Tax);
    assert_eq!(r.items[3].quantity, None);
}

#[test]
fn focus_1_0_columns_categories_and_fallbacks() {
    let (r, s) = read(&quirk("focus-1.0.csv"));
    assert_eq!(s.format, Format::Focus);
    assert_eq!((s.rows, s.quarantined), (6, 0));
    assert_accounted(&r, &s);
    let u = &r.items[0];
    assert_eq!((u.payer.as_str(), u.payer_name.as_str(), u.account.as_str()), ("B1", "Billing One", "S1"));
    assert_eq!((u.region.as_str(), u.usage_type.as_str(), u.resource_id.as_str()), ("westeurope", "SKU-1", "vm-1"));
    assert_eq!((u.quantity, u.unit.as_str()), (Some(dec("24")), "Hours"));
    assert_eq!((u.billed, u.effective, u.list, u.currency.as_str()), (dec("12.5"), dec("11"), dec("14"), "EUR"));
    assert_eq!((u.product.as_str(), u.component.as_str()), ("crm", "db"));
    assert_eq!(u.charge_category, ChargeCategory::Usage);
    let p = &r.items[1];
    // SkuId empty -> SkuPriceId; ConsumedQuantity empty -> PricingQuantity with its unit; missing costs -> billed.
    assert_eq!((p.charge_category, p.usage_type.as_str()), (ChargeCategory::Purchase, "PRICE-2"));
    assert_eq!((p.quantity, p.unit.as_str()), (Some(dec("3")), "Units"));
    assert_eq!((p.effective, p.list), (dec("30"), dec("30")));
    let cats: Vec<ChargeCategory> = r.items.iter().map(|i| i.charge_category).collect();
    use ChargeCategory::*;
    assert_eq!(cats, vec![Usage, Purchase, Refund, Credit, Adjustment, Tax]);
    assert_eq!(r.items[2].usage_date.to_string(), "2024-09-11");
    assert!(r.issues.iter().all(|i| i.severity != Severity::Error));
}
