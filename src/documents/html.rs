//! A document as one self-contained HTML page (no external resources) with a print stylesheet: A4, the
//! header and parties on top, the lines, totals, tax summary and payment instructions; table headers repeat on
//! every printed page and rows are not split.
use super::{Align, Document};
use crate::month::invoices::html_escape as esc;

const STYLE: &str = r#"
:root { --ink: #1f2328; --muted: #59636e; --rule: #d0d7de; --accent: #0b3d91; --band: #f3f5f8; }
* { box-sizing: border-box; }
body { margin: 0; background: #eef0f3; color: var(--ink);
       font: 10.5pt/1.45 "Helvetica Neue", Helvetica, Arial, "Liberation Sans", sans-serif; }
.page { width: 210mm; min-height: 297mm; margin: 12mm auto; padding: 16mm 16mm 20mm; background: #fff;
        box-shadow: 0 1px 4px rgba(0,0,0,.15); position: relative; }
header { display: flex; justify-content: space-between; align-items: flex-start; gap: 12mm;
         border-bottom: 2px solid var(--accent); padding-bottom: 6mm; }
.issuer .name { font-size: 15pt; font-weight: 700; color: var(--accent); }
.party .line, .issuer .line { color: var(--muted); font-size: 9.5pt; }
.title { text-align: right; }
.title h1 { margin: 0; font-size: 22pt; letter-spacing: .5px; color: var(--accent); font-weight: 700; }
.title .number { font-size: 12pt; font-weight: 600; }
.draft { display: inline-block; margin-top: 2mm; padding: 1mm 3mm; border: 1.5px solid #b42318; color: #b42318;
         font-weight: 700; letter-spacing: 1px; }
.meta { display: flex; justify-content: space-between; gap: 12mm; margin: 7mm 0 8mm; }
.party h2, .facts h2, section h2 { margin: 0 0 1.5mm; font-size: 8.5pt; text-transform: uppercase;
         letter-spacing: .8px; color: var(--muted); font-weight: 600; }
.party { min-width: 70mm; }
.party .name { font-weight: 700; font-size: 11pt; }
.facts table { border-collapse: collapse; }
.facts td { padding: .6mm 0 .6mm 6mm; vertical-align: top; }
.facts td.k { color: var(--muted); padding-left: 0; white-space: nowrap; }
.facts td.v { font-weight: 600; text-align: right; }
table.lines { width: 100%; border-collapse: collapse; }
table.lines th { background: var(--band); font-size: 8.5pt; text-transform: uppercase; letter-spacing: .6px;
         color: var(--muted); padding: 2mm 2.5mm; border-bottom: 1px solid var(--rule); text-align: left; }
table.lines td { padding: 1.8mm 2.5mm; border-bottom: 1px solid var(--rule); vertical-align: top; }
table.lines tr.heading td { font-weight: 700; padding-top: 3.5mm; border-bottom: none; color: var(--accent); }
.num { text-align: right !important; white-space: nowrap; font-variant-numeric: tabular-nums; }
.summary { display: flex; justify-content: space-between; align-items: flex-start; gap: 12mm; margin-top: 6mm; }
table.totals { border-collapse: collapse; min-width: 75mm; margin-left: auto; }
table.totals td { padding: 1.2mm 2.5mm; }
table.totals tr.strong td { font-weight: 700; font-size: 12pt; border-top: 2px solid var(--ink);
         padding-top: 2mm; }
table.tax { border-collapse: collapse; font-size: 9.5pt; }
table.tax th { text-align: left; color: var(--muted); font-weight: 600; padding: 1mm 3mm 1mm 0;
         border-bottom: 1px solid var(--rule); }
table.tax td { padding: 1mm 3mm 1mm 0; }
section.notes { margin-top: 9mm; padding-top: 4mm; border-top: 1px solid var(--rule); }
section.notes p { margin: .5mm 0; }
footer { position: absolute; left: 16mm; right: 16mm; bottom: 10mm; font-size: 8pt; color: var(--muted);
         display: flex; justify-content: space-between; }
@page { size: A4; margin: 14mm 14mm 16mm; }
@media print {
  body { background: #fff; }
  .page { width: auto; min-height: 0; margin: 0; padding: 0; box-shadow: none; }
  footer { position: static; margin-top: 10mm; }
  thead { display: table-header-group; }
  tr, .summary, section.notes { break-inside: avoid; page-break-inside: avoid; }
}
"#;

/// The document as an HTML page.
pub fn render(doc: &Document) -> String {
    let mut s = String::with_capacity(8 * 1024);
    let heading = esc(&doc.heading());
    s.push_str(&format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>{heading}</title>\n\
         <style>{STYLE}</style></head>\n<body><div class=\"page\">\n<header>\n<div class=\"issuer\">\
         <div class=\"name\">{}</div>\n",
        esc(&doc.issuer.name)
    ));
    for l in &doc.issuer.lines {
        s.push_str(&format!("<div class=\"line\">{}</div>\n", esc(l)));
    }
    s.push_str(&format!("</div>\n<div class=\"title\"><h1>{heading}</h1>\n",));
    if doc.draft {
        s.push_str("<div class=\"draft\">DRAFT · NOT ISSUED</div>\n");
    }
    s.push_str("</div>\n</header>\n<div class=\"meta\">\n<div class=\"party\">\n");
    let to = if doc.kind == super::DocKind::Statement { "Statement for" } else { "Bill to" };
    s.push_str(&format!("<h2>{to}</h2><div class=\"name\">{}</div>\n", esc(&doc.customer.name)));
    for l in &doc.customer.lines {
        s.push_str(&format!("<div class=\"line\">{}</div>\n", esc(l)));
    }
    s.push_str("</div>\n<div class=\"facts\"><table>\n");
    for (k, v) in &doc.facts {
        s.push_str(&format!("<tr><td class=\"k\">{}</td><td class=\"v\">{}</td></tr>\n", esc(k), esc(v)));
    }
    s.push_str("</table></div>\n</div>\n<table class=\"lines\"><thead><tr>");
    let class = |a: Align| if a == Align::Right { " class=\"num\"" } else { "" };
    for c in &doc.columns {
        s.push_str(&format!("<th{}>{}</th>", class(c.align), esc(&c.title)));
    }
    s.push_str("</tr></thead>\n<tbody>\n");
    let ncol = doc.columns.len();
    for r in &doc.rows {
        if r.heading {
            let t = r.cells.first().map(String::as_str).unwrap_or("");
            s.push_str(&format!("<tr class=\"heading\"><td colspan=\"{ncol}\">{}</td></tr>\n", esc(t)));
            continue;
        }
        s.push_str("<tr>");
        for (i, c) in doc.columns.iter().enumerate() {
            let v = r.cells.get(i).map(String::as_str).unwrap_or("");
            s.push_str(&format!("<td{}>{}</td>", class(c.align), esc(v)));
        }
        s.push_str("</tr>\n");
    }
    s.push_str("</tbody></table>\n<div class=\"summary\">\n<div>");
    if !doc.tax_summary.is_empty() {
        s.push_str(
            "<section><h2>Tax summary</h2><table class=\"tax\"><tr><th>Rate</th><th class=\"num\">Taxable \
             amount</th><th class=\"num\">Tax</th></tr>\n",
        );
        for [rate, base, tax] in &doc.tax_summary {
            s.push_str(&format!(
                "<tr><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>\n",
                esc(rate),
                esc(base),
                esc(tax)
            ));
        }
        s.push_str("</table></section>");
    }
    s.push_str("</div>\n<table class=\"totals\">\n");
    for t in &doc.totals {
        let cls = if t.strong { " class=\"strong\"" } else { "" };
        s.push_str(&format!("<tr{cls}><td>{}</td><td class=\"num\">{}</td></tr>\n", esc(&t.label), esc(&t.amount)));
    }
    s.push_str("</table>\n</div>\n");
    for n in &doc.notes {
        s.push_str(&format!("<section class=\"notes\"><h2>{}</h2>\n", esc(&n.heading)));
        for l in &n.lines {
            s.push_str(&format!("<p>{}</p>\n", esc(l)));
        }
        s.push_str("</section>\n");
    }
    s.push_str(&format!(
        "<footer><span>{}</span><span>{heading}</span></footer>\n</div></body></html>\n",
        esc(&doc.issuer.name)
    ));
    s
}
