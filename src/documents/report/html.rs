//! The management report as one self-contained HTML page (no external resources), A4 portrait with a print
//! stylesheet: a header (title, period, generated date, issuer), key figures per currency, then one section per
//! topic with right-aligned amounts and total rows. Every text that came from data (names, services, evidence,
//! explanations) is escaped.
use std::fmt::Write as _;

use rust_decimal::Decimal;

use super::{MarginRow, Report};
use crate::documents::money;
use crate::month::invoices::html_escape as esc;

const STYLE: &str = r#"
:root { --ink: #1f2328; --muted: #59636e; --rule: #d0d7de; --accent: #0b3d91; --band: #f3f5f8; --neg: #b42318; }
* { box-sizing: border-box; }
body { margin: 0; background: #eef0f3; color: var(--ink);
       font: 9.5pt/1.4 "Helvetica Neue", Helvetica, Arial, "Liberation Sans", sans-serif; }
.page { width: 210mm; min-height: 297mm; margin: 12mm auto; padding: 14mm 14mm 18mm; background: #fff;
        box-shadow: 0 1px 4px rgba(0,0,0,.15); }
header { display: flex; justify-content: space-between; align-items: flex-end; gap: 10mm;
         border-bottom: 2px solid var(--accent); padding-bottom: 4mm; }
header h1 { margin: 0; font-size: 19pt; color: var(--accent); letter-spacing: .3px; }
header .period { font-size: 13pt; font-weight: 600; margin-top: 1mm; }
header .meta { text-align: right; color: var(--muted); font-size: 9pt; }
header .meta .issuer { color: var(--ink); font-weight: 700; font-size: 10.5pt; }
.cards { display: flex; flex-wrap: wrap; gap: 3mm; margin: 5mm 0 2mm; }
.card { flex: 1 1 28mm; border: 1px solid var(--rule); border-radius: 2mm; padding: 2.5mm 3mm; background: var(--band); }
.card .k { font-size: 7.5pt; text-transform: uppercase; letter-spacing: .6px; color: var(--muted); }
.card .v { font-size: 13pt; font-weight: 700; font-variant-numeric: tabular-nums; white-space: nowrap; }
.card .s { font-size: 8pt; color: var(--muted); }
section { margin-top: 6mm; break-inside: auto; }
section h2 { margin: 0 0 1mm; font-size: 11.5pt; color: var(--accent); border-bottom: 1px solid var(--rule);
             padding-bottom: 1mm; }
section h3 { margin: 3mm 0 1mm; font-size: 9.5pt; color: var(--ink); }
p.note { margin: 1mm 0 2mm; color: var(--muted); font-size: 8.5pt; }
table { width: 100%; border-collapse: collapse; }
th { background: var(--band); font-size: 7.5pt; text-transform: uppercase; letter-spacing: .5px; color: var(--muted);
     padding: 1.5mm 2mm; border-bottom: 1px solid var(--rule); text-align: left; font-weight: 600; }
td { padding: 1.2mm 2mm; border-bottom: 1px solid var(--rule); vertical-align: top; }
.num { text-align: right !important; white-space: nowrap; font-variant-numeric: tabular-nums; }
.neg { color: var(--neg); }
tr.total td { font-weight: 700; border-top: 1.5px solid var(--ink); border-bottom: none; }
tr.strong td { font-weight: 700; background: var(--band); }
td.muted, .empty { color: var(--muted); }
table.tight { font-size: 8.5pt; }
table.tight td, table.tight th { padding-left: 1.2mm; padding-right: 1.2mm; }
table.tight tr.main td { border-bottom: none; padding-bottom: .3mm; }
table.tight tr.sub td { padding-top: 0; padding-left: 4mm; font-size: 8pt; }
tr.main { break-after: avoid; page-break-after: avoid; }
.empty { font-style: italic; padding: 1mm 0; }
footer { margin-top: 10mm; padding-top: 2mm; border-top: 1px solid var(--rule); font-size: 7.5pt; color: var(--muted);
         display: flex; justify-content: space-between; }
@page { size: A4; margin: 12mm 12mm 14mm; }
@media print {
  body { background: #fff; }
  .page { width: auto; min-height: 0; margin: 0; padding: 0; box-shadow: none; }
  thead { display: table-header-group; }
  tr, .cards { break-inside: avoid; page-break-inside: avoid; }
  h2, h3 { break-after: avoid; page-break-after: avoid; }
}
"#;

/// A money cell (right-aligned, negative in red as well as with its minus sign).
fn m(amount: Decimal, currency: &str) -> String {
    let cls = if amount.is_sign_negative() && !amount.is_zero() { "num neg" } else { "num" };
    format!("<td class=\"{cls}\">{}</td>", esc(&money(amount, currency)))
}

/// A percentage to one decimal (half away from zero), or a dash.
pub fn pct_text(p: Option<Decimal>) -> String {
    match p {
        Some(p) => format!("{:.1}%", billops_domain::money::round_for_display(p, 1)),
        None => "–".into(),
    }
}

fn th(cols: &[&str]) -> String {
    let mut s = String::from("<thead><tr>");
    for c in cols {
        let (cls, t) = match c.strip_prefix('>') {
            Some(t) => (" class=\"num\"", t),
            None => ("", *c),
        };
        let _ = write!(s, "<th{cls}>{}</th>", esc(t));
    }
    s.push_str("</tr></thead>\n");
    s
}

fn td(text: &str) -> String {
    format!("<td>{}</td>", esc(text))
}

fn empty(s: &mut String, what: &str) {
    let _ = writeln!(s, "<p class=\"empty\">{}</p>", esc(what));
}

/// Margin rows grouped by currency, each group closed by its total row (`totals`, one per currency).
fn margins(s: &mut String, rows: &[MarginRow], totals: &[MarginRow], first: &str, with_code: bool, billed: &str) {
    if rows.is_empty() {
        return empty(s, "Nothing billed in the period.");
    }
    let mut cols = vec![first];
    if with_code {
        cols.push("Code");
    }
    cols.extend([">At cost", billed, ">Margin", ">Margin %"]);
    s.push_str("<table>");
    s.push_str(&th(&cols));
    s.push_str("<tbody>\n");
    for t in totals {
        let cur = &t.currency;
        for r in rows.iter().filter(|r| &r.currency == cur) {
            s.push_str("<tr>");
            s.push_str(&td(&r.name));
            if with_code {
                let _ = write!(s, "<td class=\"muted\">{}</td>", esc(&r.key));
            }
            let _ = writeln!(
                s,
                "{}{}{}<td class=\"num\">{}</td></tr>",
                m(r.cost, cur),
                m(r.billed, cur),
                m(r.margin, cur),
                pct_text(r.margin_pct())
            );
        }
        let span = if with_code { " colspan=\"2\"" } else { "" };
        let _ = writeln!(
            s,
            "<tr class=\"total\"><td{span}>Total {}</td>{}{}{}<td class=\"num\">{}</td></tr>",
            esc(cur),
            m(t.cost, cur),
            m(t.billed, cur),
            m(t.margin, cur),
            pct_text(t.margin_pct())
        );
    }
    s.push_str("</tbody></table>\n");
}

fn header(s: &mut String, r: &Report) {
    let title = format!("Month-end management report {}", r.period);
    let _ = write!(
        s,
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>{}</title>\n<style>{STYLE}</style>\
         </head>\n<body><div class=\"page\">\n<header><div><h1>Month-end management report</h1>\n\
         <div class=\"period\">{} <span class=\"muted\">({})</span></div></div>\n<div class=\"meta\">",
        esc(&title),
        r.period.start().format("%B %Y"),
        r.period
    );
    if !r.issuer.is_empty() {
        let _ = write!(s, "<div class=\"issuer\">{}</div>", esc(&r.issuer));
    }
    let _ = writeln!(s, "<div>Generated {}</div></div></header>", r.generated.format("%-d %B %Y"));
    // key figures, one band per currency
    for t in &r.totals {
        let c = &t.currency;
        let _ = writeln!(
            s,
            "<div class=\"cards\">\
             <div class=\"card\"><div class=\"k\">Billed {c}</div><div class=\"v\">{}</div><div class=\"s\">{} \
             invoice(s), incl. tax</div></div>\
             <div class=\"card\"><div class=\"k\">Net billed</div><div class=\"v\">{}</div><div class=\"s\">before \
             tax</div></div>\
             <div class=\"card\"><div class=\"k\">At cost</div><div class=\"v\">{}</div><div class=\"s\">invoiced \
             lines</div></div>\
             <div class=\"card\"><div class=\"k\">Margin</div><div class=\"v\">{}</div><div class=\"s\">{} of net \
             billed</div></div>\
             <div class=\"card\"><div class=\"k\">Credits</div><div class=\"v\">{}</div><div class=\"s\">applied \
             on invoices</div></div></div>",
            esc(&money(t.billed, c)),
            t.invoices,
            esc(&money(t.net, c)),
            esc(&money(t.cost, c)),
            esc(&money(t.margin, c)),
            pct_text(t.margin_pct()),
            esc(&money(t.credits, c)),
            c = esc(c),
        );
    }
    if r.totals.is_empty() {
        empty(s, "No invoice of the period has been issued yet.");
    }
}

fn totals(s: &mut String, r: &Report) {
    s.push_str("<section><h2>1. Totals billed and at cost</h2>\n");
    if r.totals.is_empty() {
        empty(s, "No issued invoices.");
    } else {
        let mut cols = vec![String::new()];
        cols.extend(r.totals.iter().map(|t| format!(">{}", t.currency)));
        let cols: Vec<&str> = cols.iter().map(String::as_str).collect();
        s.push_str("<table>");
        s.push_str(&th(&cols));
        s.push_str("<tbody>\n");
        let _ = write!(s, "<tr><td>Invoices issued</td>");
        for t in &r.totals {
            let _ = write!(s, "<td class=\"num\">{}</td>", t.invoices);
        }
        s.push_str("</tr>\n");
        type Get = fn(&super::CurrencyTotals) -> Decimal;
        let lines: [(&str, &str, Get); 8] = [
            ("", "Charges", |t| t.charges),
            ("", "Discounts", |t| t.discounts),
            ("", "Credits", |t| t.credits),
            ("total", "Net billed (before tax)", |t| t.net),
            ("", "Tax", |t| t.tax),
            ("strong", "Billed (invoice totals)", |t| t.billed),
            ("", "Cost of the invoiced lines", |t| t.cost),
            ("strong", "Margin (net billed − cost)", |t| t.margin),
        ];
        for (cls, label, get) in lines {
            let _ = write!(s, "<tr class=\"{cls}\"><td>{}</td>", esc(label));
            for t in &r.totals {
                s.push_str(&m(get(t), &t.currency));
            }
            s.push_str("</tr>\n");
        }
        s.push_str("<tr><td>Margin %</td>");
        for t in &r.totals {
            let _ = write!(s, "<td class=\"num\">{}</td>", pct_text(t.margin_pct()));
        }
        s.push_str("</tr>\n</tbody></table>\n");
    }
    s.push_str("<h3>Supplier cost imported, by payer and currency</h3>\n");
    s.push_str(
        "<p class=\"note\">The tie-out's figures: imported cost against the cost behind every invoice of the \
         period that is not void (drafts included) and the cost no customer is assigned.</p>\n",
    );
    if r.supply.is_empty() {
        empty(s, "No cost imported for the period.");
    } else {
        s.push_str("<table>");
        s.push_str(&th(&["Payer", ">Supplier invoice", ">Imported cost", ">On invoices at cost", ">Unassigned"]));
        s.push_str("<tbody>\n");
        for p in &r.supply {
            let cc = &p.currency;
            let si = p.supplier_invoice.map_or("<td class=\"num muted\">not entered</td>".into(), |a| m(a, cc));
            let _ = writeln!(
                s,
                "<tr>{}{si}{}{}{}</tr>",
                td(&p.payer),
                m(p.imported, cc),
                m(p.invoiced_at_cost, cc),
                m(p.unassigned, cc)
            );
        }
        for t in &r.supply_totals {
            let cc = &t.currency;
            let si = t.supplier_invoice.map_or("<td></td>".into(), |a| m(a, cc));
            let _ = writeln!(
                s,
                "<tr class=\"total\"><td>Total {}</td>{si}{}{}{}</tr>",
                esc(cc),
                m(t.imported, cc),
                m(t.invoiced_at_cost, cc),
                m(t.unassigned, cc)
            );
        }
        s.push_str("</tbody></table>\n");
    }
    s.push_str("</section>\n");
}

fn credits(s: &mut String, r: &Report) {
    s.push_str("<section><h2>4. Credits and their sources</h2>\n<h3>Credits applied on issued invoices</h3>\n");
    if r.credits.is_empty() {
        empty(s, "No credit was applied on the period's invoices.");
    } else {
        s.push_str("<table>");
        s.push_str(&th(&["Customer", "Invoice", "Credit", "Source", "Evidence", ">Amount"]));
        s.push_str("<tbody>\n");
        for c in &r.credits {
            let _ = writeln!(
                s,
                "<tr>{}{}{}{}{}{}</tr>",
                td(&c.customer),
                td(&c.invoice),
                td(&c.credit_id),
                td(&c.source),
                td(&c.evidence),
                m(c.amount, &c.currency)
            );
        }
        for (cur, t) in &r.credit_totals {
            let _ = writeln!(s, "<tr class=\"total\"><td colspan=\"5\">Total {}</td>{}</tr>", esc(cur), m(*t, cur));
        }
        s.push_str("</tbody></table>\n");
    }
    s.push_str("<h3>Supplier credits and refunds in the period's usage</h3>\n");
    if r.supplier_credits.is_empty() {
        empty(s, "None.");
    } else {
        s.push_str("<table>");
        s.push_str(&th(&["Payer", "Account", "Service", "Customer", ">Amount", "Passed on by"]));
        s.push_str("<tbody>\n");
        for c in &r.supplier_credits {
            let by =
                if c.passed_through_by.is_empty() { "NOT PASSED ON".into() } else { c.passed_through_by.join(", ") };
            let _ = writeln!(
                s,
                "<tr>{}{}{}{}{}{}</tr>",
                td(&c.payer),
                td(&c.account),
                td(&c.service),
                td(c.customer.as_deref().unwrap_or("(unassigned)")),
                m(c.amount, &c.currency),
                td(&by)
            );
        }
        s.push_str("</tbody></table>\n");
    }
    s.push_str("</section>\n");
}

fn variances(s: &mut String, r: &Report) {
    let cc = &r.cost_currency;
    let _ = writeln!(
        s,
        "<section><h2>5. Variances over threshold</h2>\n<p class=\"note\">Billed cost per customer and service, {} \
         ({}). By volume and by rate: the service's main usage unit, its change in volume at the old cost per \
         unit and its change in cost per unit on the new volume.</p>",
        esc(&r.variance_basis),
        esc(cc)
    );
    if r.variances.is_empty() {
        empty(s, "No variance reached the thresholds.");
    } else {
        s.push_str("<table class=\"tight\">");
        s.push_str(&th(&[
            "Customer",
            "Service",
            ">Previous",
            ">Current",
            ">Change",
            ">%",
            ">By volume",
            ">By rate",
            "Status",
        ]));
        s.push_str("<tbody>\n");
        for v in &r.variances {
            let split =
                |x: Option<Decimal>| x.map_or_else(|| "<td class=\"num muted\">–</td>".to_string(), |x| m(x, cc));
            let _ = writeln!(
                s,
                "<tr class=\"main\">{}{}{}{}{}<td class=\"num\">{}</td>{}{}{}</tr>",
                td(&v.name),
                td(&v.service),
                m(v.previous, cc),
                m(v.current, cc),
                m(v.delta, cc),
                esc(&v.pct),
                split(v.by_volume),
                split(v.by_rate),
                td(&v.state)
            );
            let why = if v.explanation.is_empty() {
                String::from("<span class=\"muted\">No explanation yet.</span>")
            } else {
                format!(
                    "<b>{}</b>: {} <span class=\"muted\">({})</span>",
                    esc(&v.driver),
                    esc(&v.explanation),
                    esc(&v.by)
                )
            };
            let unit = v
                .unit
                .as_deref()
                .map(|u| format!(" <span class=\"muted\">· main unit {}</span>", esc(u)))
                .unwrap_or_default();
            let _ = writeln!(s, "<tr class=\"sub\"><td colspan=\"9\">{why}{unit}</td></tr>");
        }
        s.push_str("</tbody></table>\n");
    }
    s.push_str("</section>\n");
}

fn open_items(s: &mut String, r: &Report) {
    let _ = writeln!(s, "<section><h2>6. Open items ({})</h2>", r.open_items.len());
    if r.open_items.is_empty() {
        empty(s, "Nothing open: no dispute, supplier case, unreached credit, unissued invoice or request.");
    } else {
        s.push_str("<table>");
        s.push_str(&th(&["Item", "Reference", "Customer / payer", ">Amount", "Detail"]));
        s.push_str("<tbody>\n");
        for o in &r.open_items {
            let amount = match &o.amount {
                Some((a, cur)) => format!("<td class=\"num\">{} {}</td>", esc(&money(*a, cur)), esc(cur)),
                None => "<td></td>".into(),
            };
            let _ =
                writeln!(s, "<tr>{}{}{}{amount}{}</tr>", td(&o.kind), td(&o.reference), td(&o.party), td(&o.detail));
        }
        s.push_str("</tbody></table>\n");
    }
    s.push_str("</section>\n");
}

/// The report as an HTML page.
pub fn render(r: &Report) -> String {
    let mut s = String::with_capacity(16 * 1024);
    header(&mut s, r);
    totals(&mut s, r);
    s.push_str("<section><h2>2. Margin by customer</h2>\n");
    margins(&mut s, &r.customers, &r.customer_totals, "Customer", true, ">Net billed");
    s.push_str(
        "</section>\n<section><h2>3. Margin by service</h2>\n<p class=\"note\">Rated charges before discounts \
                and credits, which belong to a customer's invoice rather than to a service.</p>\n",
    );
    margins(&mut s, &r.services, &r.service_totals, "Service", false, ">Charges");
    s.push_str("</section>\n");
    credits(&mut s, r);
    variances(&mut s, r);
    open_items(&mut s, r);
    let _ = writeln!(
        s,
        "<footer><span>{}</span><span>Month-end management report {} · generated {}</span></footer>\n</div></body></html>",
        esc(&r.issuer),
        r.period,
        r.generated
    );
    s
}
