//! The month-end management report (issue 12): the pure builder (billed, cost and margin per currency,
//! customer and service; credits and their sources; flagged variances and their explanations; open items), its
//! HTML (hostile names escaped; checked as a picture by headless Chromium, which skips without the tool unless
//! BILLOPS_REQUIRE_DOC_TOOLS=1) and CSV (one file, a `section` column), and `billops report month` on a demo.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::collections::BTreeMap;
use std::process::Command;
use std::str::FromStr;

use billops::documents::report::{self, OpenRequest, ReportInput};
use billops::month::variance::{VarianceView, VolumeLine};
use billops_domain::credit::{Credit, CreditKind, CreditProposal, CreditScope};
use billops_domain::invoice::{Draft, InvoiceLine, InvoiceStatus, LineKind, Totals};
use billops_domain::money::{Money, RoundingRule};
use billops_domain::terms::Percent;
use billops_domain::variance::volume::{UnitFigures, split};
use billops_domain::variance::{Driver, Explanation, ServiceCost, VarianceThresholds, compare, review};
use billops_domain::{ChargeCategory, DateRange, Period, Role, User};
use billops_store::{PayerFigures, StoredCredit, StoredInvoice, SupplierCreditRow, UnreachedCredits};
use chrono::{NaiveDate, TimeZone, Utc};
use rust_decimal::Decimal;

fn d(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

fn sep() -> Period {
    Period::new(2026, 9).unwrap()
}

const HOSTILE: &str = "<script>alert(1)</script> \"Evil\" & Co";
const HOSTILE_SERVICE: &str = "=cmd|\"&<b>";

fn line(kind: LineKind, cost: &str, amount: &str) -> InvoiceLine {
    InvoiceLine {
        kind,
        description: "x".into(),
        account_code: None,
        quantity: None,
        cost: d(cost),
        amount: d(amount),
        rule_ids: vec![],
        sources: vec![],
        fx: None,
    }
}

fn usage(service: &str, cost: &str, amount: &str) -> InvoiceLine {
    let kind = LineKind::Usage { service: service.into(), product: "p".into(), component: "c".into() };
    line(kind, cost, amount)
}

/// An invoice from its charges, one credit line and a tax rate; totals computed here from exact amounts.
fn invoice(
    id: i64,
    customer: &str,
    currency: &str,
    status: InvoiceStatus,
    charges: Vec<InvoiceLine>,
    credit: &str,
) -> StoredInvoice {
    let cost: Decimal = charges.iter().map(|l| l.cost).sum();
    let sum: Decimal = charges.iter().map(|l| l.amount).sum();
    let credits = if credit == "0" {
        vec![]
    } else {
        let kind = LineKind::Credit { credit_id: "CR-1".into(), kind: CreditKind::SlaServiceCredit };
        vec![line(kind, "0", credit)]
    };
    let taxable = sum + d(credit);
    let tax = taxable * d("0.1");
    let total = billops_domain::money::round_line(taxable + tax, currency, RoundingRule::HalfAwayFromZero);
    let totals = Totals {
        stripped: Decimal::ZERO,
        cost,
        charges: sum,
        discounts: Decimal::ZERO,
        credits: d(credit),
        taxable,
        tax,
        unrounded: taxable + tax,
        rounding: total - (taxable + tax),
        total,
    };
    let draft = Draft {
        customer: customer.into(),
        period: sep(),
        currency: currency.into(),
        rounding_rule: RoundingRule::HalfAwayFromZero,
        tax_rate: Percent::new(d("10")).unwrap(),
        stripped: vec![],
        charges,
        discounts: vec![],
        credits,
        tax: vec![],
        rounding: vec![],
        credit_applications: vec![],
        totals,
    };
    StoredInvoice {
        id,
        customer: customer.into(),
        period: sep(),
        status,
        number: (status != InvoiceStatus::Draft).then(|| format!("INV-{id:06}")),
        currency: currency.into(),
        total,
        cost,
        paid: Decimal::ZERO,
        version: 1,
        generated_at: Utc.with_ymd_and_hms(2026, 10, 2, 9, 0, 0).unwrap(),
        issued_on: None,
        due_on: None,
        draft,
        history: vec![],
    }
}

fn input() -> ReportInput {
    let at = Utc.with_ymd_and_hms(2026, 10, 6, 12, 0, 0).unwrap();
    let invoices = vec![
        // charges 1000.004 + 500.001 at cost 1200; credit -100: net 1400.005, margin 200.005
        invoice(
            1,
            "acme",
            "USD",
            InvoiceStatus::Issued,
            vec![usage("AmazonEC2", "800", "1000.004"), usage(HOSTILE_SERVICE, "400", "500.001")],
            "-100",
        ),
        // paid: counts as billed
        invoice(2, "evil", "USD", InvoiceStatus::Paid, vec![usage("AmazonEC2", "90", "100")], "0"),
        // JPY: no minor unit
        invoice(3, "tokyo", "JPY", InvoiceStatus::Issued, vec![usage("AmazonS3", "10000", "12345.6")], "0"),
        // not billed: a draft is an open item, a void one is nothing
        invoice(4, "acme", "USD", InvoiceStatus::Draft, vec![usage("AmazonEC2", "1", "2")], "0"),
        invoice(5, "acme", "USD", InvoiceStatus::Void, vec![usage("AmazonEC2", "1000000", "1000000")], "0"),
    ];
    let costs = vec![
        ServiceCost {
            customer: "evil".into(),
            service: "AmazonEC2".into(),
            prev: d("10000"),
            cur: d("15000"),
            prev_rows: 3,
            cur_rows: 4,
        },
        ServiceCost {
            customer: "acme".into(),
            service: "AmazonEC2".into(),
            prev: d("800"),
            cur: d("800"),
            prev_rows: 1,
            cur_rows: 1,
        },
    ];
    let th = VarianceThresholds::default();
    let variances = compare(&costs, &th, true).unwrap();
    let why = Explanation::new(Driver::UsageGrowth, "New <b>batch</b> cluster", "bob", at, d("5000")).unwrap();
    let explained = BTreeMap::from([(("evil".to_string(), "AmazonEC2".to_string()), why)]);
    let rows = review(variances, &explained);
    let variance = VarianceView {
        period: sep(),
        previous: sep().prev(),
        baseline: true,
        thresholds: th,
        unexplained: 0,
        rows,
        volumes: vec![{
            let figures =
                UnitFigures { prev_qty: d("100"), cur_qty: d("150"), prev_cost: d("10000"), cur_cost: d("15000") };
            VolumeLine {
                customer: "evil".into(),
                service: "AmazonEC2".into(),
                unit: "Hrs".into(),
                units: 1,
                split: split(&figures).unwrap(),
                figures,
            }
        }],
        resource_units: vec![],
    };
    let proposal = CreditProposal {
        id: "CR-1".into(),
        kind: CreditKind::SlaServiceCredit,
        customer: "acme".into(),
        amount: Money { amount: d("100"), currency: "USD".into() },
        scope: CreditScope::default(),
        validity: DateRange {
            start: NaiveDate::from_ymd_opt(2026, 9, 1).unwrap(),
            end: NaiveDate::from_ymd_opt(2026, 12, 1).unwrap(),
        },
        evidence: "AWS SLA claim 4471".into(),
        reason: "EC2 outage".into(),
    };
    let alice = User { name: "alice".into(), role: Role::Manager };
    let credit = Credit::propose(proposal, &alice, at).unwrap();
    ReportInput {
        period: sep(),
        generated_at: at,
        issuer: "Northwind Cloud".into(),
        customers: BTreeMap::from([
            ("acme".into(), "Acme Corporation".into()),
            ("evil".into(), HOSTILE.into()),
            ("tokyo".into(), "Tokyo KK".into()),
        ]),
        invoices,
        payers: vec![
            PayerFigures {
                payer: "111122223333".into(),
                currency: "USD".into(),
                supplier_invoice: Some(d("1290")),
                imported_billed: d("1290"),
                invoiced_at_cost: d("1290"),
                unassigned: d("0"),
            },
            // the same payer's cost in another currency: its own row and total, never added to USD
            PayerFigures {
                payer: "111122223333".into(),
                currency: "EUR".into(),
                supplier_invoice: None,
                imported_billed: d("40"),
                invoiced_at_cost: d("0"),
                unassigned: d("40"),
            },
        ],
        cost_currency: "USD".into(),
        variance,
        credits: vec![StoredCredit { id: 1, version: 1, credit }],
        unreached: UnreachedCredits {
            period: sep(),
            supplier: vec![SupplierCreditRow {
                payer: "111122223333".into(),
                account: "444455556666".into(),
                service: "AmazonEC2".into(),
                charge_category: ChargeCategory::Credit,
                customer: Some("acme".into()),
                amount: d("-37.5"),
                currency: "USD".into(),
                passed_through_by: vec![],
            }],
            unapplied: vec![],
        },
        disputes: vec![],
        cases: vec![],
        requests: vec![OpenRequest {
            id: 9,
            external_ref: Some("INC0012".into()),
            customer: Some("evil".into()),
            subject: "Why did EC2 go up?".into(),
            standing: "BREACHED 2h15m over".into(),
        }],
    }
}

#[test]
fn the_report_adds_up_billed_cost_and_margin_per_currency_customer_and_service() {
    let r = report::build(&input()).unwrap();
    assert_eq!(r.totals.len(), 2, "JPY and USD never added: {:?}", r.totals);
    let jpy = &r.totals[0];
    assert_eq!((jpy.currency.as_str(), jpy.invoices, jpy.cost, jpy.net), ("JPY", 1, d("10000"), d("12345.6")));
    let usd = &r.totals[1];
    assert_eq!(usd.invoices, 2, "issued and paid, not the draft or the void one");
    assert_eq!(usd.cost, d("1290"));
    assert_eq!(usd.charges, d("1600.005"));
    assert_eq!(usd.credits, d("-100"));
    assert_eq!(usd.net, d("1500.005"));
    assert_eq!(usd.margin, d("210.005"), "net billed − cost, exact");
    assert_eq!(usd.billed, d("1540.01") + d("110"));
    // by customer: names, largest billed first
    let acme = r.customers.iter().find(|c| c.key == "acme").unwrap();
    assert_eq!(
        (acme.name.as_str(), acme.cost, acme.billed, acme.margin),
        ("Acme Corporation", d("1200"), d("1400.005"), d("200.005"))
    );
    assert_eq!(
        r.customers.iter().filter(|c| c.currency == "USD").map(|c| c.key.as_str()).collect::<Vec<_>>(),
        ["acme", "evil"]
    );
    // by service: charges only (the credit belongs to the invoice), added across customers of one currency
    let ec2 = r.services.iter().find(|s| s.key == "AmazonEC2").unwrap();
    assert_eq!((ec2.cost, ec2.billed, ec2.margin), (d("890"), d("1100.004"), d("210.004")));
    // total rows per currency, computed in the model (the renderers only print)
    let t: Vec<(&str, Decimal, Decimal)> =
        r.customer_totals.iter().map(|t| (t.currency.as_str(), t.billed, t.margin)).collect();
    assert_eq!(t, [("JPY", d("12345.6"), d("2345.6")), ("USD", d("1500.005"), d("210.005"))]);
    let usd_services = r.service_totals.iter().find(|t| t.currency == "USD").unwrap();
    assert_eq!((usd_services.cost, usd_services.billed), (d("1290"), d("1600.005")), "the charges, before the credit");
    assert_eq!(r.credit_totals, [("USD".to_string(), d("-100"))]);
    let totals: Vec<_> =
        r.supply_totals.iter().map(|t| (t.currency.as_str(), t.imported, t.unassigned, t.supplier_invoice)).collect();
    assert_eq!(totals, [("EUR", d("40"), d("40"), None), ("USD", d("1290"), d("0"), Some(d("1290")))]);
    // credits and their sources: the credit's type and evidence
    assert_eq!(r.credits.len(), 1);
    let c = &r.credits[0];
    assert_eq!(
        (c.customer.as_str(), c.invoice.as_str(), c.source.as_str(), c.evidence.as_str(), c.amount),
        ("acme", "INV-000001", "SLA service credit", "AWS SLA claim 4471", d("-100"))
    );
    // variances: only the flagged one, with its explanation
    assert_eq!(r.variances.len(), 1);
    let v = &r.variances[0];
    assert_eq!(
        (v.customer.as_str(), v.pct.as_str(), v.state.as_str(), v.driver.as_str()),
        ("evil", "50.0%", "explained", "usage growth")
    );
    // open items: the draft, the unreached supplier credit, the request
    let kinds: Vec<&str> = r.open_items.iter().map(|o| o.kind.as_str()).collect();
    assert_eq!(kinds, ["invoice not issued", "unreached supplier credit", "request"]);
    assert_eq!(r.open_items[0].amount, Some((d("2.2"), "USD".into())));
}

#[test]
fn a_sum_beyond_decimal_range_is_refused_not_wrapped() {
    let mut i = input();
    let mut big = i.invoices[1].clone();
    big.draft.totals.charges = Decimal::MAX;
    i.invoices[0].draft.totals.charges = Decimal::MAX;
    i.invoices.push(big);
    let e = report::build(&i).unwrap_err();
    assert!(e.to_string().contains("overflows"), "{e}");
}

#[test]
fn the_html_escapes_every_name_and_prints_money_to_the_minor_unit() {
    let html = report::html::render(&report::build(&input()).unwrap());
    for bad in ["<script>", "<b>batch", "\"Evil\"", "|\"&<b>"] {
        assert!(!html.contains(bad), "{bad} unescaped");
    }
    for good in [
        "&lt;script&gt;alert(1)&lt;/script&gt; &quot;Evil&quot; &amp; Co",
        "=cmd|&quot;&amp;&lt;b&gt;",
        "New &lt;b&gt;batch&lt;/b&gt; cluster",
    ] {
        assert!(html.contains(good), "{good} missing");
    }
    for figure in ["1,500.01", "210.01", "1,650.01", "12,346", "10,000", "-100.00", "14.0%", "5,000.00"] {
        assert!(html.contains(figure), "{figure} missing");
    }
    assert!(html.contains("September 2026") && html.contains("Generated 6 October 2026"), "title block");
    assert!(!html.contains("1,000,000"), "a void invoice is not billed");
}

#[test]
fn the_csv_is_one_file_with_a_section_column() {
    let text = report::csv::render(&report::build(&input()).unwrap()).unwrap();
    let mut rd = csv::Reader::from_reader(text.as_bytes());
    assert_eq!(rd.headers().unwrap().iter().collect::<Vec<_>>(), report::csv::HEADER);
    let rows: Vec<csv::StringRecord> = rd.records().map(Result::unwrap).collect();
    let get = |section: &str, col: &str, pick: &dyn Fn(&csv::StringRecord) -> bool| -> String {
        let i = report::csv::HEADER.iter().position(|h| *h == col).unwrap();
        rows.iter().find(|r| &r[0] == section && pick(r)).map(|r| r[i].to_string()).unwrap_or_default()
    };
    assert_eq!(get("totals", "amount", &|r| &r[1] == "USD" && &r[7] == "margin"), "210.01");
    assert_eq!(get("totals", "amount", &|r| &r[1] == "JPY" && &r[7] == "net_billed"), "12346");
    assert_eq!(get("customer_margin", "margin", &|r| &r[2] == "acme"), "200.01");
    assert_eq!(get("customer_margin", "pct", &|r| &r[2] == "acme"), "14.3");
    assert_eq!(get("credit", "detail", &|_| true), "AWS SLA claim 4471");
    assert_eq!(get("supplier_credit", "status", &|_| true), "not_passed_on");
    assert_eq!(get("variance", "delta", &|_| true), "5000.00");
    // 100 → 150 hours at the same 100 an hour: all of it by volume
    assert_eq!(get("variance", "by_volume", &|_| true), "5000.00");
    assert_eq!(get("variance", "by_rate", &|_| true), "0.00");
    assert_eq!(get("variance", "reference", &|_| true), "Hrs");
    assert_eq!(get("open_item", "kind", &|r| &r[5] == "request 9 (INC0012)"), "request");
    // a service that looks like a formula is written as text
    assert_eq!(get("service_margin", "service", &|r| r[4].contains("cmd")), "'=cmd|\"&<b>");
    let sections: Vec<&str> = rows.iter().map(|r| r.get(0).unwrap()).collect();
    let mut order = sections.clone();
    order.dedup();
    assert_eq!(
        order,
        ["totals", "supply", "customer_margin", "service_margin", "credit", "supplier_credit", "variance", "open_item"]
    );
}

/// What the Close pane's `m` writes: both forms, named by the period, beside each other; a second run never
/// overwrites the first.
#[test]
fn the_console_writes_both_forms_named_by_the_period_and_never_over_an_earlier_run() {
    let r = report::build(&input()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let (html, csv) = report::load::write_files(dir.path(), &r).unwrap();
    assert_eq!(html.file_name().unwrap(), "management-report-2026-09.html");
    assert_eq!(csv.file_name().unwrap(), "management-report-2026-09.csv");
    assert_eq!(std::fs::read_to_string(&html).unwrap(), report::html::render(&r));
    assert_eq!(std::fs::read_to_string(&csv).unwrap(), report::csv::render(&r).unwrap());
    let (again, again_csv) = report::load::write_files(dir.path(), &r).unwrap();
    assert_eq!(again.file_name().unwrap(), "management-report-2026-09-2.html");
    assert_eq!(again_csv.file_name().unwrap(), "management-report-2026-09-2.csv");
    assert_eq!(std::fs::read_to_string(&html).unwrap(), report::html::render(&r), "the first is untouched");
}

fn tool(name: &str) -> Option<String> {
    let dirs = std::env::var("PATH").unwrap_or_default();
    std::env::split_paths(&dirs).map(|d| d.join(name)).find(|p| p.is_file()).map(|p| p.display().to_string())
}

fn chromium() -> Option<String> {
    let found = tool("chromium").or_else(|| tool("chromium-browser")).or_else(|| tool("google-chrome"));
    if found.is_none() {
        let why = "report picture test skipped: no chromium";
        if std::env::var("BILLOPS_REQUIRE_DOC_TOOLS").as_deref() == Ok("1") {
            panic!("{why} (BILLOPS_REQUIRE_DOC_TOOLS=1: install chromium)");
        }
        let _ = std::io::Write::write_all(&mut std::io::stderr(), format!("{why}\n").as_bytes());
    }
    found
}

fn run(cmd: &mut Command) -> String {
    let o = cmd.output().unwrap();
    assert!(o.status.success(), "{cmd:?}: {}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8_lossy(&o.stdout).to_string()
}

#[test]
fn the_report_checked_as_a_picture() {
    let Some(chromium) = chromium() else { return };
    let dir = tempfile::tempdir().unwrap();
    let html = dir.path().join("report.html");
    std::fs::write(&html, report::html::render(&report::build(&input()).unwrap())).unwrap();
    let url = format!("file://{}", html.display());
    let common = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--hide-scrollbars"];
    let profile = format!("--user-data-dir={}", dir.path().join("profile").display());
    // the DOM as Chromium built it: no script element came from a name, the figures are there
    let dom = run(Command::new(&chromium).args(common).arg(&profile).arg("--dump-dom").arg(&url));
    assert!(!dom.contains("<script"), "a name became markup");
    let body = dom.split("<body>").nth(1).unwrap_or(&dom);
    let mut text = String::new();
    let mut tag = false;
    for c in body.chars() {
        match c {
            '<' => tag = true,
            '>' => {
                tag = false;
                text.push(' ');
            }
            _ if !tag => text.push(c),
            _ => {}
        }
    }
    let flat = text.replace("&amp;", "&").split_whitespace().collect::<Vec<_>>().join(" ");
    for want in [
        "Month-end management report",
        "September 2026",
        "1,650.01",
        "1,500.01",
        "12,346",
        "Margin by customer",
        "Acme Corporation",
        "AWS SLA claim 4471",
        "Open items (3)",
        "INC0012",
    ] {
        assert!(flat.contains(want), "{want} not visible in {flat}");
    }
    let png = dir.path().join("report.png");
    run(Command::new(&chromium)
        .args(common)
        .arg(&profile)
        .arg(format!("--screenshot={}", png.display()))
        .arg("--window-size=1240,1754")
        .arg(&url));
    let b = std::fs::read(&png).unwrap();
    assert_eq!(&b[..8], b"\x89PNG\r\n\x1a\n", "a PNG");
    let be = |i: usize| u32::from_be_bytes([b[i], b[i + 1], b[i + 2], b[i + 3]]);
    assert_eq!((be(16), be(20)), (1240, 1754), "the screenshot has the asked size");
    assert!(b.len() > 20_000, "a page with text compresses to more than a blank one: {} bytes", b.len());
}

#[test]
fn report_month_from_the_cli() {
    let d = common::Demo::new();
    d.ok("bob", &["invoices", "generate", "--period", "2026-09", "--customer", "acme"]);
    d.ok("bob", &["invoices", "generate", "--period", "2026-09", "--customer", "globex"]);
    d.ok("bob", &["invoices", "review", "1"]);
    d.ok("alice", &["invoices", "approve", "1"]);
    d.ok("alice", &["invoices", "issue", "1"]);
    let list = d.json("bob", &["invoices", "list", "--period", "2026-09", "--format", "json"]);
    let first = list.as_array().and_then(|a| a.iter().find(|i| i["id"] == "1")).expect("invoice 1 listed");
    let total = Decimal::from_str(first["total"].as_str().unwrap_or(&first["total"].to_string())).unwrap();
    let printed = billops::documents::money(total, "USD");

    // HTML to stdout by default
    let html = d.ok("bob", &["report", "month", "2026-09"]);
    assert!(html.starts_with("<!doctype html>") && html.contains("Month-end management report"), "{html:.200}");
    assert!(html.contains(&printed), "the issued invoice's total {printed}");
    assert!(html.contains("invoice not issued"), "the globex draft is an open item");

    // CSV to a file
    let out = d.dir.path().join("report.csv");
    let said = d.ok("bob", &["report", "month", "2026-09", "--format", "csv", "--output", out.to_str().unwrap()]);
    assert!(said.contains("written to"), "{said}");
    let csv = std::fs::read_to_string(&out).unwrap();
    assert!(csv.starts_with("section,currency,"), "{csv:.200}");
    let billed = format!("totals,USD,,,,,,billed,,,,,,,,,,,{},", printed.replace(',', ""));
    assert!(csv.contains(&billed), "{billed} in {csv:.600}");
    assert!(csv.lines().any(|l| l.starts_with("customer_margin,USD,acme,")), "{csv:.600}");

    // a bad period and a bad format are refused
    let o = d.run("bob", &["report", "month", "2026-13"]);
    assert!(!o.status.success() && common::text(&o).contains("2026-13"), "{}", common::text(&o));
    let o = d.run("bob", &["report", "month", "2026-09", "--format", "pdf"]);
    assert!(!o.status.success() && common::text(&o).contains("pdf"), "{}", common::text(&o));
}
