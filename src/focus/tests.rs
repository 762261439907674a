#![allow(clippy::unwrap_used)]
use std::str::FromStr;

use billops_domain::credit::CreditKind;
use billops_domain::invoice::{Draft, InvoiceLine, InvoiceStatus, LineKind, Totals};
use billops_domain::money::RoundingRule;
use billops_domain::terms::Percent;
use chrono::{NaiveDate, TimeZone, Utc};

use super::*;

fn d(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

fn line(kind: LineKind, description: &str, amount: &str) -> InvoiceLine {
    InvoiceLine {
        kind,
        description: description.into(),
        account_code: Some("GL-4000-SECRET".into()),
        quantity: None,
        cost: d("123.456"),
        amount: d(amount),
        rule_ids: vec!["R7".into()],
        sources: vec![],
        fx: None,
    }
}

fn usage(service: &str, component: &str, amount: &str) -> InvoiceLine {
    let kind = LineKind::Usage { service: service.into(), product: "web".into(), component: component.into() };
    line(kind, &format!("{service} / web / {component}"), amount)
}

/// Charges over two services, a resource unit, a PPA correction, a discount, an SLA credit, tax, rounding and
/// a stripped supplier-tax row: 1000.004 + 200.333 + 50 − 10 − 62.0167 − 100 + 215.66406 + 0.00564 = 1293.99.
fn invoice() -> StoredInvoice {
    let mut ru = line(LineKind::ResourceUnit { ru_id: "vcpu".into(), rate: d("0.05") }, "vCPU: 1000 h", "50");
    ru.quantity = Some(d("1000"));
    let ppa = LineKind::Usage { service: PPA_SERVICE.into(), product: "PPA-3".into(), component: "reverse".into() };
    let charges = vec![
        usage("AmazonEC2", "compute", "1000.004"),
        usage("AmazonS3", "storage", "200.333"),
        ru,
        line(ppa, "PPA-3 reverse INV-000001 line 2", "-10"),
    ];
    let discounts = vec![line(LineKind::Discount { id: "D1".into() }, "Volume discount (5%)", "-62.0167")];
    let credit = LineKind::Credit { credit_id: "CR-3".into(), kind: CreditKind::SlaServiceCredit };
    let credits = vec![line(credit, "SLA service credit CR-3", "-100")];
    let stripped = vec![line(
        LineKind::Stripped { category: ChargeCategory::Tax, service: "AmazonEC2".into() },
        "AmazonEC2 supplier tax (not billed)",
        "0",
    )];
    let tax = vec![line(LineKind::Tax { rate: Percent::new(d("20")).unwrap() }, "Tax 20%", "215.66406")];
    let rounding = vec![line(LineKind::Rounding, "Rounding (HalfAwayFromZero)", "0.00564")];
    let period = Period::new(2026, 9).unwrap();
    let totals = Totals { total: d("1293.99"), ..Totals::default() };
    let draft = Draft {
        customer: "acme".into(),
        period,
        currency: "USD".into(),
        rounding_rule: RoundingRule::HalfAwayFromZero,
        tax_rate: Percent::new(d("20")).unwrap(),
        stripped,
        charges,
        discounts,
        credits,
        tax,
        rounding,
        credit_applications: vec![],
        totals,
    };
    StoredInvoice {
        id: 7,
        customer: "acme".into(),
        period,
        status: InvoiceStatus::Paid,
        number: Some("INV-000042".into()),
        currency: "USD".into(),
        total: d("1293.99"),
        cost: d("1400"),
        paid: d("1293.99"),
        version: 4,
        generated_at: Utc.with_ymd_and_hms(2026, 10, 2, 9, 0, 0).unwrap(),
        issued_on: NaiveDate::from_ymd_opt(2026, 10, 3),
        due_on: NaiveDate::from_ymd_opt(2026, 11, 3),
        draft,
        history: vec![],
    }
}

fn key(service: &str, component: &str) -> (String, String, String, String) {
    ("acme".into(), service.into(), "web".into(), component.into())
}

fn context() -> Context {
    let mut ctx = Context { issuer: "Northwind Cloud".into(), ..Context::default() };
    ctx.customers.insert("acme".into(), "Acme Corporation".into());
    ctx.account_names.insert("886139668841".into(), "acme-prod".into());
    let one = Behind {
        accounts: ["886139668841".to_string()].into(),
        providers: ["AWS".to_string()].into(),
        categories: [ChargeCategory::Usage].into(),
    };
    let two = Behind {
        accounts: ["886139668841".to_string(), "442792799298".to_string()].into(),
        providers: BTreeSet::new(),
        categories: [ChargeCategory::Usage, ChargeCategory::Refund].into(),
    };
    ctx.behind.insert(key("AmazonEC2", "compute"), one);
    ctx.behind.insert(key("AmazonS3", "storage"), two);
    ctx.units.insert("vcpu".into(), ("vCPU".into(), "vCPU-Hours".into()));
    ctx
}

fn col(rows: &[Row], column: &str) -> Vec<Option<String>> {
    rows.iter().map(|r| r.get(column)).collect()
}

#[test]
fn one_row_per_billed_line_adding_up_to_the_invoice_total() {
    let inv = invoice();
    let rows = rows(&inv, &context()).unwrap();
    assert_eq!(rows.len(), 8, "every line but the stripped supplier row");
    let sum: Decimal = rows.iter().map(|r| d(&r.get("BilledCost").unwrap())).sum();
    assert_eq!(sum, inv.total);
    for c in ["EffectiveCost", "ListCost", "ContractedCost"] {
        assert_eq!(col(&rows, c), col(&rows, "BilledCost"), "{c}");
    }
    let lines: Vec<String> = rows.iter().map(|r| r.get("x_InvoiceLine").unwrap()).collect();
    assert_eq!(lines, ["2", "3", "4", "5", "6", "7", "8", "9"], "numbered as the draft's lines, stripped first");
    for r in &rows {
        assert_eq!(r.get("InvoiceId").as_deref(), Some("INV-000042"));
        assert_eq!(r.get("InvoiceIssuerName").as_deref(), Some("Northwind Cloud"));
        assert_eq!(r.get("BillingAccountId").as_deref(), Some("acme"));
        assert_eq!(r.get("BillingAccountName").as_deref(), Some("Acme Corporation"));
        assert_eq!(r.get("BillingCurrency").as_deref(), Some("USD"));
        assert_eq!(r.get("BillingPeriodStart").as_deref(), Some("2026-09-01T00:00:00Z"));
        assert_eq!(r.get("BillingPeriodEnd").as_deref(), Some("2026-10-01T00:00:00Z"));
        assert_eq!(r.get("ChargePeriodStart"), r.get("BillingPeriodStart"));
        assert_eq!(r.get("ChargePeriodEnd"), r.get("BillingPeriodEnd"));
        assert!(r.values.keys().all(|k| COLUMNS.contains(k)), "only known columns");
        let text = format!("{r:?}");
        assert!(!text.contains("GL-4000") && !text.contains("R7") && !text.contains("123.456"), "nothing internal");
    }
}

#[test]
fn each_kind_of_line_is_its_focus_charge() {
    let rows = rows(&invoice(), &context()).unwrap();
    let get = |c: &str| col(&rows, c).into_iter().map(|v| v.unwrap_or_default()).collect::<Vec<_>>();
    assert_eq!(
        get("ChargeCategory"),
        ["Usage", "Usage", "Usage", "Adjustment", "Credit", "Credit", "Tax", "Adjustment"]
    );
    assert_eq!(get("ChargeClass"), ["", "", "", "Correction", "", "", "", ""]);
    assert_eq!(
        get("ChargeFrequency"),
        ["Usage-Based", "Usage-Based", "Usage-Based", "One-Time", "One-Time", "One-Time", "One-Time", "One-Time"]
    );
    assert_eq!(
        get("ServiceName"),
        ["AmazonEC2", "AmazonS3", "vCPU", PPA_SERVICE, "Invoice discount", "Credits", "Tax", "Rounding adjustment"]
    );
    assert_eq!(get("ServiceCategory"), ["Compute", "Storage", "Other", "Other", "Other", "Other", "Other", "Other"]);
    // FOCUS 1.0: usage that is not a correction has a SKU price, a pricing quantity, unit and category; tax none.
    assert_eq!(get("SkuPriceId"), ["AmazonEC2/web/compute", "AmazonS3/web/storage", "vcpu", "", "", "", "", ""]);
    assert_eq!(get("PricingQuantity"), ["1.0", "1.0", "1000.0", "", "", "", "", ""]);
    assert_eq!(get("PricingUnit"), ["Month", "Month", "vCPU-Hours", "", "", "", "", ""]);
    assert_eq!(get("PricingCategory"), ["Standard", "Standard", "Standard", "", "", "", "", ""]);
    assert_eq!(get("ContractedUnitPrice"), ["", "", "0.05", "", "", "", "", ""], "the RU rate gives its amount");
    // One linked account behind the EC2 line, two behind S3.
    assert_eq!(get("SubAccountId"), ["886139668841", "", "", "", "", "", "", ""]);
    assert_eq!(get("SubAccountName"), ["acme-prod", "", "", "", "", "", "", ""]);
    // EC2: its payer's import says AWS; S3: the name does; the rest: the invoice's one cloud.
    assert!(get("ProviderName").iter().all(|p| p == "AWS"), "{:?}", get("ProviderName"));
    assert_eq!(get("PublisherName"), get("ProviderName"));
    assert_eq!(get("BilledCost")[4..], ["-62.0167", "-100.00", "215.66406", "0.00564"]);
}

#[test]
fn invoice_level_rows_are_the_issuers_when_the_clouds_are_several_or_unknown() {
    let mut inv = invoice();
    inv.draft.charges[1] = usage("Virtual Machines", "vm", "200.333");
    let mut ctx = context();
    ctx.behind.insert(
        key("Virtual Machines", "vm"),
        Behind { providers: ["Microsoft".to_string()].into(), ..Behind::default() },
    );
    let rows = super::rows(&inv, &ctx).unwrap();
    let providers: Vec<String> = rows.iter().map(|r| r.get("ProviderName").unwrap()).collect();
    assert_eq!(providers[..2], ["AWS", "Microsoft"]);
    assert!(providers[2..].iter().all(|p| p == "Northwind Cloud"), "{providers:?}");

    let mut ctx = context();
    ctx.behind.clear();
    let mut inv = invoice();
    inv.draft.charges.retain(|l| matches!(l.kind, LineKind::ResourceUnit { .. }));
    let rows = super::rows(&inv, &ctx).unwrap();
    assert!(rows.iter().all(|r| r.get("ProviderName").as_deref() == Some("Northwind Cloud")));
}

#[test]
fn refused_currency_and_unnumbered_invoices() {
    let mut inv = invoice();
    inv.currency = "usd".into();
    let e = rows(&inv, &context()).unwrap_err();
    assert!(e.to_string().contains("INV-000042 is in \"usd\", which is not an ISO 4217 currency code"), "{e}");
    let mut inv = invoice();
    inv.number = None;
    assert_eq!(rows(&inv, &context()).unwrap_err(), FocusError::Unnumbered(7));
}

#[test]
fn amounts_are_plain_exact_and_never_look_integral() {
    assert_eq!(plain(d("100"), 2), "100.00");
    assert_eq!(plain(d("-100"), 1), "-100.0");
    assert_eq!(plain(d("1000.004000"), 2), "1000.004");
    assert_eq!(plain(d("0.000000000000001"), 2), "0.000000000000001");
    assert_eq!(plain(d("5"), 1), "5.0");
    assert_eq!(plain(Decimal::ZERO, 2), "0.00");
}

#[test]
fn csv_has_every_column_and_guards_text() {
    let mut inv = invoice();
    inv.draft.charges[0].description = "=HYPERLINK(\"x\")".into();
    let rows = rows(&inv, &context()).unwrap();
    let bytes = write_csv(&rows, Vec::new()).unwrap();
    let text = String::from_utf8(bytes).unwrap();
    let mut r = csv::Reader::from_reader(text.as_bytes());
    assert_eq!(r.headers().unwrap().iter().collect::<Vec<_>>(), COLUMNS);
    let records: Vec<csv::StringRecord> = r.records().map(Result::unwrap).collect();
    assert_eq!(records.len(), rows.len());
    let desc = COLUMNS.iter().position(|c| *c == "ChargeDescription").unwrap();
    assert_eq!(&records[0][desc], "'=HYPERLINK(\"x\")");
    let billed = COLUMNS.iter().position(|c| *c == "BilledCost").unwrap();
    assert_eq!(&records[3][billed], "-10.00", "a negative amount is a number, not guarded");
}
