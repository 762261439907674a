//! Customer documents (issue 16): the pure builders (lines grouped by service to the minor unit, the rounding
//! line reconciling them with the total, credits and discounts named as a customer reads them, no internal
//! rows), and the documents checked as pictures: the HTML rendered by headless Chromium, the PDF by pdftoppm,
//! their text read back (DOM text, pdftotext) for what a reader checks — number, total, due date, no internal
//! rows. Without the tools the picture test says so and passes, unless BILLOPS_REQUIRE_DOC_TOOLS=1 (CI).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::path::Path;
use std::process::Command;
use std::str::FromStr;

use billops::documents::build::invoice_figures;
use billops::documents::{self, CustomerInfo, Format, Issuer};
use billops_domain::credit::CreditKind;
use billops_domain::invoice::{Draft, InvoiceLine, InvoiceStatus, LineKind, Totals};
use billops_domain::money::RoundingRule;
use billops_domain::terms::Percent;
use billops_domain::{ChargeCategory, Period};
use billops_store::{CreditNote, CustomerDetails, StoredInvoice};
use chrono::{NaiveDate, TimeZone, Utc};
use rust_decimal::Decimal;

fn d(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn line(kind: LineKind, description: &str, amount: &str) -> InvoiceLine {
    InvoiceLine {
        kind,
        description: description.into(),
        account_code: Some("GL-4000-SECRET".into()),
        quantity: None,
        cost: d("0"),
        amount: d(amount),
        rule_ids: vec!["R7".into()],
        sources: vec![],
        fx: None,
    }
}

fn usage(service: &str, component: &str, amount: &str) -> InvoiceLine {
    let kind = LineKind::Usage { service: service.into(), product: "(untagged)".into(), component: component.into() };
    line(kind, &format!("{service} {component}"), amount)
}

/// An issued invoice with sub-cent lines over two services, a discount, an SLA credit, 20 % tax and a
/// stripped supplier-tax row (internal: never printed).
pub fn invoice() -> StoredInvoice {
    let charges = vec![
        usage("AmazonEC2", "compute", "1000.004"),
        usage("AmazonS3", "storage", "200.333"),
        usage("AmazonEC2", "ebs", "300.004"),
    ];
    let discounts = vec![line(LineKind::Discount { id: "D1".into() }, "Volume discount (5%)", "-75.017")];
    let credit = LineKind::Credit { credit_id: "CR-3".into(), kind: CreditKind::SlaServiceCredit };
    let credits = vec![line(credit, "SLA service credit credit CR-3", "-100")];
    let stripped = vec![line(
        LineKind::Stripped { category: ChargeCategory::Tax, service: "AmazonEC2".into() },
        "supplier tax (not billed)",
        "0",
    )];
    // charges 1500.341, discounts -75.017, credits -100: taxable 1325.324, tax 265.0648, unrounded 1590.3888
    let tax = vec![line(LineKind::Tax { rate: Percent::new(d("20")).unwrap() }, "Tax 20%", "265.0648")];
    let rounding = vec![line(LineKind::Rounding, "Rounding (HalfAwayFromZero)", "0.0012")];
    let totals = Totals {
        stripped: d("0"),
        cost: d("1400"),
        charges: d("1500.341"),
        discounts: d("-75.017"),
        credits: d("-100"),
        taxable: d("1325.324"),
        tax: d("265.0648"),
        unrounded: d("1590.3888"),
        rounding: d("0.0012"),
        total: d("1590.39"),
    };
    let draft = Draft {
        customer: "acme".into(),
        period: Period::new(2026, 10).unwrap(),
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
        period: Period::new(2026, 10).unwrap(),
        status: InvoiceStatus::Issued,
        number: Some("INV-000042".into()),
        currency: "USD".into(),
        total: d("1590.39"),
        cost: d("1400"),
        paid: d("0"),
        version: 4,
        generated_at: Utc.with_ymd_and_hms(2026, 11, 2, 9, 0, 0).unwrap(),
        issued_on: Some(day("2026-11-03")),
        due_on: Some(day("2026-12-03")),
        draft,
        history: vec![],
    }
}

pub fn customer() -> CustomerInfo {
    CustomerInfo {
        code: "acme".into(),
        name: "Acme Corporation".into(),
        details: CustomerDetails {
            address: Some("42 Industrial Road\nSpringfield 12345".into()),
            tax_id: Some("US-98-7654321".into()),
            po_number: Some("PO-4471".into()),
            billing_email: Some("ap@acme.example".into()),
        },
    }
}

pub fn issuer() -> Issuer {
    Issuer {
        name: "Northwind Cloud Services Ltd".into(),
        address: vec!["1 Harbour Way".into(), "Bristol BS1 5TY".into()],
        tax_id: Some("GB 123 4567 89".into()),
        email: Some("billing@northwind.example".into()),
        payment: vec!["IBAN GB29 NWBK 6016 1331 9268 19".into()],
    }
}

/// What no customer document may show.
const INTERNAL: [&str; 7] =
    ["GL-4000-SECRET", "supplier tax", "not billed", "credit credit", "HalfAwayFromZero", "R7", "Rounding ("];

#[test]
fn invoice_lines_are_grouped_by_service_to_the_minor_unit_and_reconcile_to_the_total() {
    let inv = invoice();
    let f = invoice_figures(&inv);
    assert_eq!(f.services, vec![("AmazonEC2".to_string(), d("1300.01")), ("AmazonS3".to_string(), d("200.33"))]);
    assert_eq!(f.discounts, vec![("Volume discount (5%)".to_string(), d("-75.02"))]);
    assert_eq!(f.credits, vec![("SLA service credit (CR-3)".to_string(), d("-100"))]);
    assert_eq!(f.subtotal, d("1325.32"));
    assert_eq!(f.tax, vec![("20%".to_string(), d("1325.32"), d("265.06"))]);
    // 1325.32 + 265.06 = 1590.38 printed; the total rounded once from the exact amounts is 1590.39
    assert_eq!(f.rounding, d("0.01"));
    let printed: Decimal =
        f.services.iter().chain(&f.discounts).chain(&f.credits).map(|x| x.1).sum::<Decimal>() + f.tax[0].2 + f.rounding;
    assert_eq!(printed, inv.total, "the printed lines add up to the printed total");

    let doc = documents::invoice(&inv, &customer(), &issuer());
    let text = serde_json::to_string(&doc).unwrap();
    for bad in INTERNAL {
        assert!(!text.contains(bad), "{bad} in {text}");
    }
    let fact = |k: &str| doc.facts.iter().find(|(l, _)| l == k).map(|(_, v)| v.clone());
    assert_eq!(fact("Due date").as_deref(), Some("3 December 2026"));
    assert_eq!(fact("Payment terms").as_deref(), Some("Net 30 days"));
    assert_eq!(fact("PO number").as_deref(), Some("PO-4471"));
    let totals: Vec<(&str, &str)> = doc.totals.iter().map(|t| (t.label.as_str(), t.amount.as_str())).collect();
    assert_eq!(
        totals,
        [
            ("Subtotal", "1,325.32"),
            ("Tax 20%", "265.06"),
            ("Rounding adjustment", "0.01"),
            ("Total due (USD)", "1,590.39")
        ]
    );
    assert_eq!(documents::file_name(&doc, Format::Pdf), "INV-000042.pdf");
    assert!(doc.customer.lines.contains(&"Tax ID US-98-7654321".to_string()));
    assert!(!doc.draft);

    // a draft prints as one, numbered by id
    let draft = StoredInvoice { number: None, issued_on: None, due_on: None, status: InvoiceStatus::Approved, ..inv };
    let doc = documents::invoice(&draft, &customer(), &issuer());
    assert!(doc.draft && doc.number == "DRAFT-7", "{}", doc.number);
}

fn credit_note() -> CreditNote {
    CreditNote {
        id: 1,
        number: "CN-000003".into(),
        invoice_id: 7,
        invoice_number: "INV-000042".into(),
        customer: "acme".into(),
        period: Period::new(2026, 10).unwrap(),
        currency: "USD".into(),
        amount: d("120"),
        reason: "EC2 rate applied twice".into(),
        issued_on: day("2026-11-20"),
        issued_by: "alice".into(),
        issued_at: Utc.with_ymd_and_hms(2026, 11, 20, 9, 0, 0).unwrap(),
    }
}

#[test]
fn a_credit_note_says_what_it_corrects_and_its_tax_share() {
    let inv = invoice();
    let doc = documents::credit_note(&credit_note(), Some(&inv), &customer(), &issuer());
    assert_eq!(doc.heading(), "Credit note CN-000003");
    let text = serde_json::to_string(&doc).unwrap();
    assert!(text.contains("INV-000042") && text.contains("EC2 rate applied twice"), "{text}");
    // 120 × 265.0648 / 1590.39 = 20.0002… → 20.00 tax in the credit
    assert_eq!(doc.tax_summary, vec![["20%".to_string(), "-100.00".to_string(), "-20.00".to_string()]]);
    assert_eq!(doc.totals.last().unwrap().amount, "-120.00");
}

fn tool(name: &str) -> Option<String> {
    let dirs = std::env::var("PATH").unwrap_or_default();
    std::env::split_paths(&dirs).map(|d| d.join(name)).find(|p| p.is_file()).map(|p| p.display().to_string())
}

/// Chromium and poppler, or a reason to skip (a failure when BILLOPS_REQUIRE_DOC_TOOLS=1).
fn tools() -> Option<(String, String, String)> {
    let chromium = tool("chromium").or_else(|| tool("chromium-browser")).or_else(|| tool("google-chrome"));
    let found = (chromium, tool("pdftoppm"), tool("pdftotext"));
    match found {
        (Some(c), Some(p), Some(t)) => Some((c, p, t)),
        missing => {
            let why = format!("document picture test skipped: chromium, pdftoppm, pdftotext found: {missing:?}");
            if std::env::var("BILLOPS_REQUIRE_DOC_TOOLS").as_deref() == Ok("1") {
                panic!("{why} (BILLOPS_REQUIRE_DOC_TOOLS=1: install chromium poppler-utils)");
            }
            // straight to stderr (not eprintln!, which the test harness captures): the skip shows in the log
            let _ = std::io::Write::write_all(&mut std::io::stderr(), format!("{why}\n").as_bytes());
            None
        }
    }
}

/// PNG width and height from its IHDR, and whether it has more than one colour (a blank page has one).
fn png_facts(path: &Path) -> (u32, u32) {
    let b = std::fs::read(path).unwrap();
    assert_eq!(&b[..8], b"\x89PNG\r\n\x1a\n", "{} is a PNG", path.display());
    let be = |i: usize| u32::from_be_bytes([b[i], b[i + 1], b[i + 2], b[i + 3]]);
    (be(16), be(20))
}

fn run(cmd: &mut Command) -> String {
    let o = cmd.output().unwrap();
    assert!(o.status.success(), "{cmd:?}: {}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8_lossy(&o.stdout).to_string()
}

/// What a reader checks on every rendering: the number, the total, the due date; no internal rows.
fn reads_like_an_invoice(text: &str, what: &str) {
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    for want in
        ["INV-000042", "1,590.39", "3 December 2026", "Acme Corporation", "Northwind Cloud Services Ltd", "PO-4471"]
    {
        assert!(flat.contains(want), "{what}: {want} not visible in {flat}");
    }
    for bad in INTERNAL {
        assert!(!flat.contains(bad), "{what}: {bad} visible in {flat}");
    }
}

#[test]
fn documents_checked_as_pictures() {
    let Some((chromium, pdftoppm, pdftotext)) = tools() else { return };
    let dir = tempfile::tempdir().unwrap();
    let doc = documents::invoice(&invoice(), &customer(), &issuer());

    // HTML: the DOM's text as Chromium lays it out, and a screenshot of the page that is not blank
    let html = dir.path().join(documents::file_name(&doc, Format::Html));
    std::fs::write(&html, documents::render(&doc, Format::Html)).unwrap();
    let url = format!("file://{}", html.display());
    let common = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--hide-scrollbars"];
    let profile = format!("--user-data-dir={}", dir.path().join("profile").display());
    let dom = run(Command::new(&chromium).args(common).arg(&profile).arg("--dump-dom").arg(&url));
    let visible = dom.split("<body>").nth(1).unwrap_or(&dom);
    let stripped: String = {
        let mut out = String::new();
        let mut tag = false;
        for c in visible.chars() {
            match c {
                '<' => tag = true,
                '>' => {
                    tag = false;
                    out.push(' ');
                }
                _ if !tag => out.push(c),
                _ => {}
            }
        }
        out.replace("&amp;", "&")
    };
    reads_like_an_invoice(&stripped, "HTML DOM");
    let png = dir.path().join("invoice.png");
    run(Command::new(&chromium)
        .args(common)
        .arg(&profile)
        .arg(format!("--screenshot={}", png.display()))
        .arg("--window-size=1240,1754")
        .arg(&url));
    assert_eq!(png_facts(&png), (1240, 1754), "the screenshot has the asked size");
    let size = std::fs::metadata(&png).unwrap().len();
    assert!(size > 20_000, "a page with text compresses to more than a blank one: {size} bytes");

    // PDF: page 1 as a picture (pdftoppm), its text as a reader sees it (pdftotext)
    let pdf = dir.path().join(documents::file_name(&doc, Format::Pdf));
    let bytes = documents::render(&doc, Format::Pdf);
    assert!(bytes.starts_with(b"%PDF-"), "a PDF");
    std::fs::write(&pdf, &bytes).unwrap();
    let text = run(Command::new(&pdftotext).arg("-layout").arg(&pdf).arg("-"));
    reads_like_an_invoice(&text, "PDF text");
    assert!(text.contains("page 1 of 1"), "{text}");
    let base = dir.path().join("page");
    run(Command::new(&pdftoppm).args(["-png", "-r", "72", "-f", "1", "-l", "1"]).arg(&pdf).arg(&base));
    let page = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| {
            p.file_name().unwrap().to_string_lossy().starts_with("page") && p.extension().is_some_and(|e| e == "png")
        })
        .expect("pdftoppm wrote page 1");
    assert_eq!(png_facts(&page), (595, 842), "A4 at 72 dpi");
    assert!(std::fs::metadata(&page).unwrap().len() > 10_000, "page 1 is not blank");

    // a long invoice continues on a second page with the header again
    let mut long = invoice();
    long.draft.charges = (0..50).map(|i| usage(&format!("Service{i:02}"), "x", "1")).collect::<Vec<_>>();
    let doc = documents::invoice(&long, &customer(), &issuer());
    let pdf2 = dir.path().join("long.pdf");
    std::fs::write(&pdf2, documents::render(&doc, Format::Pdf)).unwrap();
    let text = run(Command::new(&pdftotext).arg("-layout").arg(&pdf2).arg("-"));
    assert!(text.contains("page 1 of 3") && text.contains("page 3 of 3") && text.contains("Service49"), "{text}");
    assert_eq!(text.matches("DESCRIPTION").count(), 2, "the table header again on the page the rows continue on");
}

#[test]
fn invoices_credit_notes_and_statements_export_from_the_cli() {
    let d = common::Demo::new();
    d.ok("bob", &["invoices", "generate", "--period", "2026-09", "--customer", "acme"]);
    d.ok("bob", &["invoices", "review", "1"]);
    d.ok("alice", &["invoices", "approve", "1"]);
    d.ok("alice", &["invoices", "issue", "1"]);
    d.ok("alice", &["close", "set", "issuer.name", "Northwind Cloud Services Ltd"]);
    d.ok("alice", &["close", "set", "issuer.payment", "IBAN GB29 NWBK 6016 1331 9268 19|BIC NWBKGB2L"]);
    let out = d.ok(
        "bob",
        &[
            "customers",
            "details",
            "acme",
            "--address",
            "42 Industrial Road|Springfield 12345",
            "--po-number",
            "PO-4471",
        ],
    );
    assert!(out.contains("42 Industrial Road | Springfield 12345") && out.contains("PO-4471"), "{out}");

    // a PDF goes to a file (named with the number, as the hint says), HTML to a file or stdout
    let o = d.run("dave", &["invoices", "export", "1", "--format", "pdf"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(common::text(&o).contains("--output INV-000001.pdf"), "{}", common::text(&o));
    let pdf = d.dir.path().join("INV-000001.pdf");
    let out = d.ok("dave", &["invoices", "export", "1", "--format", "pdf", "--output", pdf.to_str().unwrap()]);
    assert!(out.contains("Invoice INV-000001 written to"), "{out}");
    assert!(std::fs::read(&pdf).unwrap().starts_with(b"%PDF-"));
    let html = d.ok("dave", &["invoices", "export", "1", "--format", "html"]);
    assert!(html.contains("<h1>Invoice INV-000001</h1>") && html.contains("@media print"), "{html}");
    assert!(html.contains("PO-4471") && html.contains("Northwind Cloud Services Ltd") && html.contains("Due date"));
    for bad in ["not billed", "Rounding (", "credit credit"] {
        assert!(!html.contains(bad), "{bad}: {html}");
    }
    // the internal exports keep every row
    assert!(d.ok("dave", &["invoices", "export", "1", "--format", "csv"]).contains("account_code"));
    let o = d.run("dave", &["invoices", "export", "--period", "2026-09", "--format", "pdf", "--output", "x.pdf"]);
    assert_eq!(o.status.code(), Some(1), "one invoice per document");

    d.ok("alice", &["invoices", "credit-note", "1", "--amount", "100", "--reason", "EC2 rate applied twice"]);
    let cn = d.dir.path().join("CN-000001.html");
    d.ok(
        "dave",
        &["invoices", "export-credit-note", "CN-000001", "--format", "html", "--output", cn.to_str().unwrap()],
    );
    let text = std::fs::read_to_string(&cn).unwrap();
    assert!(text.contains("<h1>Credit note CN-000001</h1>") && text.contains("EC2 rate applied twice"), "{text}");
    let st = d.dir.path().join("statement.pdf");
    let args = ["statement", "acme", "--from", "2026-01-01", "--to", "2099-12-31", "--format", "pdf", "--output"];
    let out = d.ok("dave", &[&args[..], &[st.to_str().unwrap()]].concat());
    assert!(out.contains("Statement statement-acme-2099-12-31 written"), "{out}");
    if let Some(pdftotext) = tool("pdftotext") {
        let text = run(Command::new(pdftotext).arg("-layout").arg(&st).arg("-"));
        assert!(text.contains("INV-000001") && text.contains("CN-000001") && text.contains("Balance due"), "{text}");
    }
}
