//! Azure cost details (EA new and old headers, MCA/CSP camelCase, legacy pay-as-you-go, localised headers,
//! actual and amortised views) and OCI cost reports, plus FOCUS without SubAccountId. Every total is checked
//! against an independent exact sum of the file's own cost column (read with the csv crate, not the reader).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod common;

use billops_domain::{ChargeCategory, IssueKind, UNTAGGED};
use billops_import::{Event, Format, ReadOptions, RefuseError, Source, View, detect, read_source_opts};
use common::{Read, dec, fixture};
use rust_decimal::Decimal;

fn src(rel: &str) -> Source {
    Source { path: fixture(rel), entry: None }
}

fn read_opts(
    rel: &str,
    view: Option<View>,
    payer: Option<&str>,
) -> Result<(Read, billops_import::ReadSummary), RefuseError> {
    let opts = ReadOptions { view, payer: payer.map(String::from), ..ReadOptions::default() };
    let mut r = Read::default();
    let summary = read_source_opts(&src(rel), &opts, None, &mut |_| {}, &mut |e| {
        match e {
            Event::Item(i) => r.items.push(i),
            Event::Bad(b) => r.bad.push(b),
            Event::Issue(i) => r.issues.push(i),
            Event::Partner(p) => r.partners.push(p),
        }
        true
    })?;
    Ok((r, summary))
}

fn actual(rel: &str) -> (Read, billops_import::ReadSummary) {
    read_opts(rel, Some(View::Actual), None).unwrap()
}

/// The exact sum of column `header` (matched case-insensitively, English name in parentheses allowed) over
/// rows as wide as the header, read independently of the importer.
fn column_sum(rel: &str, header: &str) -> Decimal {
    let mut rdr = csv::ReaderBuilder::new().flexible(true).from_path(fixture(rel)).unwrap();
    let names: Vec<String> = rdr.headers().unwrap().iter().map(|h| h.to_ascii_lowercase()).collect();
    let want = header.to_ascii_lowercase();
    let col = names
        .iter()
        .position(|h| *h == want || h.ends_with(&format!("({want})")))
        .unwrap_or_else(|| panic!("{header} not in {rel}"));
    let mut sum = Decimal::ZERO;
    for rec in rdr.records() {
        let rec = rec.unwrap();
        if rec.len() == names.len() {
            let v = rec.get(col).unwrap().trim();
            if !v.is_empty() {
                sum += Decimal::from_scientific(v).or_else(|_| v.parse()).unwrap();
            }
        }
    }
    sum
}

fn billed(r: &Read) -> Decimal {
    r.items.iter().map(|i| i.billed).sum()
}

#[test]
fn detects_azure_and_oci() {
    assert_eq!(detect(&["SubscriptionId", "Date", "MeterCategory", "CostInBillingCurrency"]), Some(Format::Azure));
    assert_eq!(detect(&["subscriptionId", "date", "meterCategory", "costInBillingCurrency"]), Some(Format::Azure));
    assert_eq!(detect(&["SubscriptionGuid", "Date", "MeterCategory", "Cost"]), Some(Format::Azure));
    assert_eq!(detect(&["SubscriptionGuid", "UsageDateTime", "PreTaxCost"]), Some(Format::AzurePayg));
    assert_eq!(detect(&["lineItem/referenceNo", "cost/myCost"]), Some(Format::Oci));
    assert_eq!(detect(&["MeterCategory", "Cost"]), None);
}

#[test]
fn azure_files_need_their_view() {
    let e = read_opts("azure/ea-actual.csv", None, None).unwrap_err();
    assert!(matches!(e, RefuseError::NeedsView { .. }), "{e}");
    assert!(e.to_string().contains("--view actual|amortized"), "{e}");
}

#[test]
fn ea_actual_maps_charge_types_us_dates_and_tags_without_braces() {
    let (r, s) = actual("azure/ea-actual.csv");
    assert_eq!((s.format, s.rows, s.quarantined), (Format::Azure, 6, 0));
    assert_eq!(billed(&r), column_sum("azure/ea-actual.csv", "CostInBillingCurrency"));
    let vm = &r.items[0];
    assert_eq!(vm.period.to_string(), "2025-05");
    assert_eq!((vm.payer.as_str(), vm.payer_name.as_str()), ("8611537", "Contoso EA"));
    assert_eq!((vm.account.as_str(), vm.account_name.as_str()), ("a1b2c3d4-0000-4000-8000-000000000001", "prod-sub"));
    assert_eq!(vm.usage_date.to_string(), "2025-05-01");
    assert_eq!((vm.service.as_str(), vm.usage_type.as_str()), ("Virtual Machines", "Dv3/DSv3 Series / D2s v3"));
    assert_eq!((vm.product.as_str(), vm.component.as_str()), ("shop", "web"));
    assert_eq!((vm.quantity, vm.unit.as_str()), (Some(dec("24")), "10 Hours"));
    assert_eq!((vm.region.as_str(), vm.currency.as_str()), ("eastus", "USD"));
    // List = PayGPrice × quantity; the actual view feeds billed cost only.
    assert_eq!((vm.billed, vm.list, vm.effective), (dec("2.304"), dec("2.4"), Decimal::ZERO));
    assert_eq!(r.items[1].component, "db");
    let kinds: Vec<ChargeCategory> = r.items.iter().map(|i| i.charge_category).collect();
    use ChargeCategory::*;
    assert_eq!(kinds, [Usage, Usage, Purchase, Usage, Refund, Adjustment]);
    // `5/31/25`: a two-digit year.
    assert_eq!(r.items[3].usage_date.to_string(), "2025-05-31");
    assert_eq!(r.items[2].product, UNTAGGED);
    let note = r.issues.iter().find(|i| i.kind == IssueKind::FileNote).unwrap();
    assert!(note.message.contains("actual view"), "{}", note.message);
}

#[test]
fn the_two_views_of_a_month_are_never_added_together() {
    let (a, _) = actual("azure/ea-actual.csv");
    let (m, _) = read_opts("azure/ea-actual.csv", Some(View::Amortized), None).unwrap();
    let total = column_sum("azure/ea-actual.csv", "CostInBillingCurrency");
    let sum = |r: &Read, f: fn(&billops_domain::LineItem) -> Decimal| r.items.iter().map(f).sum::<Decimal>();
    // Both imported: billed from the actual view, effective from the amortised one, each exactly once.
    assert_eq!(sum(&a, |i| i.billed) + sum(&m, |i| i.billed), total);
    assert_eq!(sum(&a, |i| i.effective) + sum(&m, |i| i.effective), total);
    assert_eq!(sum(&m, |i| i.list), Decimal::ZERO);
    assert!(m.items.iter().all(|i| i.quantity.is_none_or(|q| q.is_zero())));
}

#[test]
fn older_ea_headers_and_empty_billing_period() {
    let (r, s) = actual("azure/ea-legacy-headers.csv");
    assert_eq!((s.format, s.rows, s.quarantined), (Format::Azure, 2, 0));
    assert_eq!(billed(&r), column_sum("azure/ea-legacy-headers.csv", "Cost"));
    // An empty billing period start: the month of the usage date.
    assert_eq!(r.items[0].period.to_string(), "2025-06");
    assert_eq!(r.items[0].account, "b0000000-0000-4000-8000-000000000009");
    assert_eq!(r.items[0].currency, "EUR");
    assert_eq!(r.items[0].usage_type, "Data Transfer Out");
    assert_eq!(r.items[1].product, "billing");
    assert_eq!(r.items[1].resource_id.split('/').next_back(), Some("d"));
}

#[test]
fn mca_csp_camel_case() {
    let (r, s) = actual("azure/mca-csp.csv");
    assert_eq!((s.format, s.rows, s.quarantined), (Format::Azure, 2, 0));
    assert_eq!(billed(&r), column_sum("azure/mca-csp.csv", "costInBillingCurrency"));
    assert_eq!(r.items[0].payer, "ba-77:1234");
    assert_eq!(r.items[0].invoice_id, "G012345678");
    assert_eq!(r.items[0].list, dec("3.720"));
    assert_eq!(r.items[0].product, "portal");
}

#[test]
fn csp_partner_fields_are_read_once_per_subscription() {
    let (r, _) = actual("azure/csp-partners.csv");
    assert_eq!(r.items.len(), 5);
    let got: Vec<(&str, &str, &str, &str)> = r
        .partners
        .iter()
        .map(|p| {
            let f = &p.fields;
            (p.account.as_str(), f.customer_tenant_id.as_str(), f.customer_name.as_str(), f.reseller_name.as_str())
        })
        .collect();
    let contoso = "3f2a6c1e-0000-4000-8000-00000000c0de";
    let fabrikam = "9b1d0e7a-0000-4000-8000-0000000fab01";
    assert_eq!(
        got,
        vec![
            ("d0000000-0000-4000-8000-000000000001", contoso, "Contoso Retail", "Reseller One"),
            (
                "d0000000-0000-4000-8000-000000000002",
                "3F2A6C1E-0000-4000-8000-00000000C0DE",
                "Contoso Retail",
                "Reseller One"
            ),
            ("d0000000-0000-4000-8000-000000000003", fabrikam, "Fabrikam Health", "Reseller Two"),
            ("d0000000-0000-4000-8000-000000000004", fabrikam, "Fabrikam Health", "Reseller Two"),
        ],
        "one event per subscription: its second row repeats the fields"
    );
    // a file without partner columns sends none
    assert!(actual("azure/mca-csp.csv").0.partners.len() == 2, "mca-csp.csv carries the fields too");
    assert!(actual("azure/ea-actual.csv").0.partners.is_empty());
}

#[test]
fn pascal_case_and_localised_partner_fields() {
    let dir = tempfile::tempdir().unwrap();
    let body = "BillingAccountId,SubscriptionId,SubscriptionName,Date,MeterCategory,CostInBillingCurrency,\
                BillingCurrencyCode,ChargeType,Kunden-Mandanten-ID (CustomerTenantId),Kundenname (CustomerName),\
                ResellerName\n\
                BA1,s-1,one,6/1/2025,Storage,1.5,EUR,Usage,t-1,Kunde Eins,\n\
                BA1,s-1,one,6/2/2025,Storage,2.5,EUR,Usage,,,Handel GmbH\n\
                BA1,s-2,two,6/2/2025,Storage,2.5,EUR,Usage,,,\n";
    let path = write(&dir, "pascal.csv", body);
    let opts = ReadOptions { view: Some(View::Actual), ..ReadOptions::default() };
    let mut partners = Vec::new();
    read_source_opts(&Source { path: path.into(), entry: None }, &opts, None, &mut |_| {}, &mut |e| {
        if let Event::Partner(p) = e {
            partners.push(p);
        }
        true
    })
    .unwrap();
    let fields: Vec<(&str, &str, &str, &str)> = partners
        .iter()
        .map(|p| {
            let f = &p.fields;
            (p.account.as_str(), f.customer_tenant_id.as_str(), f.customer_name.as_str(), f.reseller_name.as_str())
        })
        .collect();
    assert_eq!(
        fields,
        vec![("s-1", "t-1", "Kunde Eins", ""), ("s-1", "t-1", "Kunde Eins", "Handel GmbH")],
        "a later row adds the reseller (empty values keep what was given); a subscription without fields sends none"
    );
}

#[test]
fn pay_as_you_go_payer_is_named_or_each_subscription() {
    let (r, s) = actual("azure/payg.csv");
    assert_eq!((s.format, s.rows, s.quarantined), (Format::AzurePayg, 2, 0));
    assert_eq!(billed(&r), column_sum("azure/payg.csv", "PreTaxCost"));
    assert_eq!(r.items[0].payer, r.items[0].account);
    assert_ne!(r.items[0].payer, r.items[1].payer);
    assert!(r.issues.iter().any(|i| i.kind == IssueKind::FileNote && i.message.contains("its own payer")));
    assert_eq!(r.items[1].quantity, Some(dec("1000000")));
    assert_eq!(r.items[1].product, "ingest");

    let (r, _) = read_opts("azure/payg.csv", Some(View::Actual), Some("EA-PAYG")).unwrap();
    assert!(r.items.iter().all(|i| i.payer == "EA-PAYG"));
    assert!(r.issues.iter().any(|i| i.kind == IssueKind::FileNote && i.message.contains("EA-PAYG")));
}

#[test]
fn localised_headers_and_ragged_rows() {
    let (r, s) = actual("azure/localised.csv");
    assert_eq!((s.format, s.rows, s.quarantined), (Format::Azure, 3, 2));
    assert_eq!(r.items.len(), 1);
    let i = &r.items[0];
    assert_eq!((i.payer.as_str(), i.account_name.as_str()), ("DE-4711", "de-sub"));
    assert_eq!((i.billed, i.currency.as_str(), i.product.as_str()), (dec("1.9968"), "EUR", "erp"));
    // Rows shorter or longer than the header are quarantined whole with their line, never shifted.
    let lines: Vec<u64> = r.bad.iter().map(|b| b.line).collect();
    assert_eq!(lines, [3, 4]);
    assert!(r.bad.iter().all(|b| b.reason.contains("fields, the header has 13")));
}

#[test]
fn oci_cost_report() {
    let (r, s) = read_opts("oci/cost-report.csv", None, None).unwrap();
    assert_eq!((s.format, s.rows, s.quarantined), (Format::Oci, 4, 0));
    assert_eq!(billed(&r), column_sum("oci/cost-report.csv", "cost/myCost"));
    let i = &r.items[0];
    assert_eq!(i.period.to_string(), "2025-05");
    assert_eq!(
        (i.payer.as_str(), i.account.as_str(), i.account_name.as_str()),
        ("ocid1.tenancy.oc1..aaaa", "ocid1.compartment.oc1..prod", "prod")
    );
    assert_eq!((i.service.as_str(), i.usage_type.as_str()), ("COMPUTE", "B93113 / Compute - Standard - E4 - OCPU"));
    assert_eq!((i.region.as_str(), i.resource_id.as_str()), ("us-ashburn-1", "ocid1.instance.oc1.iad.x1"));
    assert_eq!((i.quantity, i.unit.as_str()), (Some(dec("2")), "OCPU Hours"));
    // `tags/Finance.Product`: the key after the namespace dot.
    assert_eq!((i.product.as_str(), i.component.as_str()), ("webshop", "api"));
    assert_eq!(r.items[2].product, UNTAGGED);
    let c = r.issues.iter().find(|i| i.kind == IssueKind::Correction).unwrap();
    assert!(c.message.contains("1 correction row") && c.message.contains("line 5 corrects ref-1"), "{}", c.message);
    assert_eq!(c.line, Some(5));
}

#[test]
fn focus_without_sub_account_uses_the_billing_account() {
    let (r, s) = read_opts("quirks/focus-no-subaccount.csv", None, None).unwrap();
    assert_eq!((s.format, s.rows, s.quarantined), (Format::Focus, 2, 0));
    assert!(r.items.iter().all(|i| i.account == "saas-acct-1" && i.account_name == "Snowy SaaS"));
    assert_eq!(billed(&r), dec("13.25"));
}

#[test]
fn focus_missing_a_required_column_names_it() {
    let e = read_opts("quirks/focus-missing-billedcost.csv", None, None).unwrap_err();
    assert!(matches!(e, RefuseError::MissingColumns { format: Format::Focus, .. }), "{e}");
    assert!(e.to_string().contains("BilledCost"), "{e}");
}

#[test]
fn unknown_files_do_not_claim_cloudhealth() {
    let e = read_opts("quirks/unknown_header.csv", None, None).unwrap_err();
    let text = e.to_string();
    assert!(!text.contains("CloudHealth") && text.contains("Azure") && text.contains("OCI"), "{text}");
}

fn write(dir: &tempfile::TempDir, name: &str, body: &str) -> String {
    let p = dir.path().join(name);
    std::fs::write(&p, body).unwrap();
    p.display().to_string()
}

fn read_path(path: &str) -> (Read, billops_import::ReadSummary) {
    let mut r = Read::default();
    let s = read_source_opts(
        &Source { path: path.into(), entry: None },
        &ReadOptions::default(),
        None,
        &mut |_| {},
        &mut |e| {
            match e {
                Event::Item(i) => r.items.push(i),
                Event::Bad(b) => r.bad.push(b),
                Event::Issue(i) => r.issues.push(i),
                Event::Partner(p) => r.partners.push(p),
            }
            true
        },
    )
    .unwrap();
    (r, s)
}

#[test]
fn a_quarantined_row_lists_all_of_its_faults() {
    let dir = tempfile::tempdir().unwrap();
    let f = write(
        &dir,
        "f.csv",
        "BillingAccountId,SubAccountId,BillingPeriodStart,ChargePeriodStart,ChargeCategory,BilledCost,EffectiveCost,ListCost\n\
         a,b,2025-05-01,not-a-date,Usage,x1,2,zz\n",
    );
    let (r, s) = read_path(&f);
    assert_eq!(s.quarantined, 1);
    let b = &r.bad[0];
    assert_eq!((b.column, b.column_name.as_str()), (4, "ChargePeriodStart"));
    for part in ["3 faults", "ChargePeriodStart (column 4)", "BilledCost (column 6)", "ListCost (column 8)"] {
        assert!(b.reason.contains(part), "{part}: {}", b.reason);
    }
}

#[test]
fn header_only_and_missing_cost_columns_are_said() {
    let dir = tempfile::tempdir().unwrap();
    let f = write(&dir, "h.csv", "BillingAccountId,SubAccountId,BillingPeriodStart,ChargePeriodStart,BilledCost\n");
    let (r, s) = read_path(&f);
    assert_eq!(s.rows, 0);
    let notes: Vec<&str> =
        r.issues.iter().filter(|i| i.kind == IssueKind::FileNote).map(|i| i.message.as_str()).collect();
    assert!(notes.iter().any(|n| n.contains("header and no rows")), "{notes:?}");
    assert!(notes.iter().any(|n| n.contains("no effective-cost column")), "{notes:?}");
    assert!(notes.iter().any(|n| n.contains("no list-cost column")), "{notes:?}");
}
