//! The budget report as a printable page (self-contained HTML, A4 landscape when printed). Pure.
use billops_domain::CostBasis;
use billops_domain::forecast::fiscal::Alert;
use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::report::{BudgetReport, By, Line};
use crate::month::invoices::html_escape as esc;

const STYLE: &str = r#"
:root { --ink: #1f2328; --muted: #59636e; --rule: #d0d7de; --accent: #0b3d91; --band: #f3f5f8;
        --over: #b42318; --near: #9a6700; }
* { box-sizing: border-box; }
body { margin: 0; background: #eef0f3; color: var(--ink);
       font: 10.5pt/1.45 "Helvetica Neue", Helvetica, Arial, "Liberation Sans", sans-serif; }
.page { width: 297mm; margin: 12mm auto; padding: 14mm 16mm; background: #fff; box-shadow: 0 1px 4px rgba(0,0,0,.15); }
header { display: flex; justify-content: space-between; align-items: flex-end;
         border-bottom: 2px solid var(--accent); padding-bottom: 5mm; margin-bottom: 6mm; }
h1 { margin: 0; font-size: 20pt; color: var(--accent); }
.sub { color: var(--muted); }
table { width: 100%; border-collapse: collapse; }
th { background: var(--band); font-size: 8.5pt; text-transform: uppercase; letter-spacing: .6px; color: var(--muted);
     padding: 2mm 2.5mm; border-bottom: 1px solid var(--rule); text-align: left; }
td { padding: 1.8mm 2.5mm; border-bottom: 1px solid var(--rule); }
.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
tr.total td { font-weight: 700; border-top: 2px solid var(--ink); border-bottom: none; }
.over { color: var(--over); font-weight: 700; }
.near { color: var(--near); font-weight: 600; }
.notes { margin-top: 8mm; color: var(--muted); font-size: 9pt; }
@page { size: A4 landscape; margin: 12mm; }
@media print { body { background: #fff; } .page { width: auto; margin: 0; padding: 0; box-shadow: none; }
  thead { display: table-header-group; } tr { break-inside: avoid; } }
"#;

/// Thousands separators, two places (display only; the CSV carries the same figures without separators).
fn money(d: Decimal) -> String {
    let s = d.round_dp(2).abs().to_string();
    let (int, frac) = s.split_once('.').unwrap_or((&s, ""));
    let mut grouped = String::new();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    let frac = format!("{frac:0<2}");
    let sign = if d.round_dp(2).is_sign_negative() && !d.round_dp(2).is_zero() { "−" } else { "" };
    format!("{sign}{grouped}.{frac}")
}

fn alert(a: Option<Alert>) -> String {
    match a {
        Some(Alert::Over { pct }) => format!("<span class=\"over\">over budget ({pct}%)</span>"),
        Some(Alert::Near { pct }) => format!("<span class=\"near\">near budget ({pct}%)</span>"),
        None => String::new(),
    }
}

fn row(l: &Line, class: &str) -> String {
    format!(
        "<tr class=\"{class}\"><td>{}</td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>\
         <td class=\"num\">{}</td><td class=\"num\">{}</td><td>{}</td></tr>\n",
        esc(&l.key),
        esc(&l.currency),
        money(l.actual_to_date),
        money(l.forecast_rest),
        money(l.outlook),
        money(l.budget),
        money(l.difference),
        alert(l.alert)
    )
}

pub fn budget_report(r: &BudgetReport, basis: CostBasis, today: NaiveDate) -> String {
    let who = if r.by == By::Code { "Account code" } else { "Customer" };
    let kind = if r.title.contains('–') { "Biennial budget report" } else { "Annual budget report" };
    let mut body = String::new();
    for l in &r.lines {
        body.push_str(&row(l, ""));
    }
    // One total per currency: amounts in two currencies are never added.
    for t in &r.totals {
        body.push_str(&row(t, "total"));
    }
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{kind} {title}</title>\
         <style>{STYLE}</style></head>\n<body><div class=\"page\">\n<header><div><h1>{kind} · {title}</h1>\
         <div class=\"sub\">{first} to {last} · actuals to {la}, forecast after · {basis} cost</div></div>\
         <div class=\"sub\">prepared {today}</div></header>\n<table><thead><tr><th>{who}</th><th>Currency</th>\
         <th class=\"num\">Actual to date</th><th class=\"num\">Forecast, rest</th><th class=\"num\">Outlook</th>\
         <th class=\"num\">Budget</th><th class=\"num\">Difference</th><th>Alert</th></tr></thead>\n<tbody>\n{body}\
         </tbody></table>\n<p class=\"notes\">Outlook = actual to date + forecast for the rest of the span. \
         Difference = outlook − budget (positive: over budget). Forecasts per customer and service from monthly \
         history, adjusted by the recorded forecast events; amounts rounded to the cent for display.</p>\n\
         </div></body></html>\n",
        title = esc(&r.title),
        first = r.first,
        last = r.last,
        la = r.last_actual,
        basis = basis,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_groups_thousands_and_keeps_the_sign() {
        assert_eq!(money(Decimal::new(123456789, 2)), "1,234,567.89");
        assert_eq!(money(Decimal::new(-5, 1)), "−0.50");
        assert_eq!(money(Decimal::ZERO), "0.00");
        assert_eq!(money(Decimal::new(100, 0)), "100.00");
    }
}
