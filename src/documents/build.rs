//! Stored records → [`Document`]: what the customer reads, nothing internal.
//!
//! An invoice groups its charges by service; each group, discount, credit and tax line is stated to the
//! currency's minor unit (half away from zero), and one "Rounding adjustment" line (only when not zero)
//! reconciles those printed amounts with the invoice total, which the draft rounded once from the exact
//! amounts: printed lines always add up to the printed total.
use std::collections::BTreeMap;

use billops_domain::credit::CreditKind;
use billops_domain::invoice::{InvoiceLine, LineKind};
use billops_domain::money::{RoundingRule, round_line};
use billops_store::{CreditNote, CustomerDetails, Statement, StoredInvoice};
use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::{Column, DocKind, Document, Note, Party, Row, TotalRow, money};
use crate::month::statement::{Disputed, RowKind, StatementRow};

/// The seller as printed on every document (shared settings `issuer.*`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Issuer {
    pub name: String,
    pub address: Vec<String>,
    pub tax_id: Option<String>,
    pub email: Option<String>,
    /// How to pay: bank, account, what to quote.
    pub payment: Vec<String>,
}

/// The buyer: code and name from the customer record, the rest from its document details.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CustomerInfo {
    pub code: String,
    pub name: String,
    pub details: CustomerDetails,
}

fn issuer_party(i: &Issuer) -> Party {
    let mut lines = i.address.clone();
    lines.extend(i.tax_id.iter().map(|t| format!("Tax ID {t}")));
    lines.extend(i.email.clone());
    let name =
        if i.name.trim().is_empty() { "(issuer name not set: billops close set issuer.name NAME)" } else { &i.name };
    Party { name: name.to_string(), lines }
}

fn customer_party(c: &CustomerInfo) -> Party {
    let mut lines = c.details.address_lines();
    lines.extend(c.details.tax_id.iter().map(|t| format!("Tax ID {t}")));
    lines.extend(c.details.billing_email.clone());
    Party { name: c.name.clone(), lines }
}

fn long_date(d: NaiveDate) -> String {
    d.format("%-d %B %Y").to_string()
}

fn period_text(p: billops_domain::Period) -> String {
    let last = p.end().pred_opt().unwrap_or(p.end());
    format!("{} ({} – {})", p.start().format("%B %Y"), p.start().format("%-d %b"), last.format("%-d %b %Y"))
}

fn round(d: Decimal, currency: &str) -> Decimal {
    round_line(d, currency, RoundingRule::HalfAwayFromZero)
}

fn sum(v: impl IntoIterator<Item = Decimal>) -> Decimal {
    v.into_iter().fold(Decimal::ZERO, |a, b| a.checked_add(b).unwrap_or(a))
}

fn credit_label(kind: &CreditKind, id: &str) -> String {
    let k = kind.to_string();
    let mut c = k.chars();
    let k = c.next().map(|f| f.to_uppercase().collect::<String>() + c.as_str()).unwrap_or_default();
    format!("{k} ({id})")
}

/// The service a charge line bills (what lines are grouped by).
fn service_of(l: &InvoiceLine) -> String {
    match &l.kind {
        LineKind::Usage { service, .. } => service.clone(),
        LineKind::ResourceUnit { ru_id, .. } => format!("Resource units: {ru_id}"),
        _ => l.description.clone(),
    }
}

/// An invoice's printed figures: service groups, discounts, credits, tax and the rounding adjustment, each to
/// the minor unit; they add up to `total` exactly.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvoiceFigures {
    pub services: Vec<(String, Decimal)>,
    pub discounts: Vec<(String, Decimal)>,
    pub credits: Vec<(String, Decimal)>,
    pub subtotal: Decimal,
    /// Rate, taxable amount, tax.
    pub tax: Vec<(String, Decimal, Decimal)>,
    pub rounding: Decimal,
    pub total: Decimal,
}

/// The figures of an invoice as printed (see the module doc for the rounding).
pub fn invoice_figures(inv: &StoredInvoice) -> InvoiceFigures {
    let cur = inv.currency.as_str();
    let d = &inv.draft;
    let mut order: Vec<String> = Vec::new();
    let mut groups: BTreeMap<String, Decimal> = BTreeMap::new();
    for l in &d.charges {
        let s = service_of(l);
        if !groups.contains_key(&s) {
            order.push(s.clone());
        }
        let e = groups.entry(s).or_insert(Decimal::ZERO);
        *e = e.checked_add(l.amount).unwrap_or(*e);
    }
    let services: Vec<(String, Decimal)> =
        order.into_iter().map(|s| (s.clone(), round(groups.get(&s).copied().unwrap_or_default(), cur))).collect();
    let discounts: Vec<(String, Decimal)> =
        d.discounts.iter().map(|l| (l.description.clone(), round(l.amount, cur))).collect();
    let credits: Vec<(String, Decimal)> = d
        .credits
        .iter()
        .map(|l| {
            let label = match &l.kind {
                LineKind::Credit { credit_id, kind } => credit_label(kind, credit_id),
                _ => l.description.clone(),
            };
            (label, round(l.amount, cur))
        })
        .collect();
    let subtotal = sum(services.iter().chain(&discounts).chain(&credits).map(|x| x.1));
    let rate = d.tax_rate.to_string();
    let tax_amount = round(sum(d.tax.iter().map(|l| l.amount)), cur);
    let tax = vec![(rate, round(d.totals.taxable, cur), tax_amount)];
    let printed = subtotal.checked_add(tax_amount).unwrap_or(subtotal);
    let rounding = inv.total.checked_sub(printed).unwrap_or(Decimal::ZERO);
    InvoiceFigures { services, discounts, credits, subtotal, tax, rounding, total: inv.total }
}

fn line(cells: &[&str]) -> Row {
    Row { cells: cells.iter().map(|c| c.to_string()).collect(), heading: false }
}

fn heading(t: &str) -> Row {
    Row { cells: vec![t.to_string(), String::new()], heading: true }
}

fn total(label: &str, amount: String, strong: bool) -> TotalRow {
    TotalRow { label: label.into(), amount, strong }
}

fn payment_note(issuer: &Issuer, number: &str) -> Note {
    let mut lines = issuer.payment.clone();
    if lines.is_empty() {
        lines.push("(payment instructions not set: billops close set issuer.payment TEXT)".into());
    }
    lines.push(format!("Please quote {number} with your payment."));
    Note { heading: "Payment instructions".into(), lines }
}

/// An invoice as the customer receives it.
pub fn invoice(inv: &StoredInvoice, customer: &CustomerInfo, issuer: &Issuer) -> Document {
    let cur = inv.currency.as_str();
    let f = invoice_figures(inv);
    let number = inv.number.clone().unwrap_or_else(|| format!("DRAFT-{}", inv.id));
    let mut facts = vec![("Invoice number".to_string(), number.clone())];
    match (inv.issued_on, inv.due_on) {
        (Some(issued), Some(due)) => {
            facts.push(("Invoice date".into(), long_date(issued)));
            facts.push(("Due date".into(), long_date(due)));
            let days = (due - issued).num_days();
            facts.push(("Payment terms".into(), format!("Net {days} days")));
        }
        _ => facts.push(("Invoice date".into(), "not issued (draft)".into())),
    }
    facts.push(("Billing period".into(), period_text(inv.period)));
    facts.push(("Customer".into(), customer.code.clone()));
    if let Some(po) = &customer.details.po_number {
        facts.push(("PO number".into(), po.clone()));
    }
    let mut rows = vec![heading("Services")];
    rows.extend(f.services.iter().map(|(s, a)| line(&[s, &money(*a, cur)])));
    if !f.discounts.is_empty() {
        rows.push(heading("Discounts"));
        rows.extend(f.discounts.iter().map(|(s, a)| line(&[s, &money(*a, cur)])));
    }
    if !f.credits.is_empty() {
        rows.push(heading("Credits"));
        rows.extend(f.credits.iter().map(|(s, a)| line(&[s, &money(*a, cur)])));
    }
    let mut totals = vec![total("Subtotal", money(f.subtotal, cur), false)];
    for (rate, _, tax) in &f.tax {
        totals.push(total(&format!("Tax {rate}"), money(*tax, cur), false));
    }
    if !f.rounding.is_zero() {
        totals.push(total("Rounding adjustment", money(f.rounding, cur), false));
    }
    totals.push(total(&format!("Total due ({cur})"), money(f.total, cur), true));
    Document {
        kind: DocKind::Invoice,
        draft: inv.number.is_none(),
        issuer: issuer_party(issuer),
        customer: customer_party(customer),
        facts,
        currency: cur.to_string(),
        columns: vec![Column::left("Description"), Column::right(&format!("Amount ({cur})"))],
        rows,
        totals,
        tax_summary: f.tax.iter().map(|(r, base, tax)| [r.clone(), money(*base, cur), money(*tax, cur)]).collect(),
        notes: vec![payment_note(issuer, &number)],
        number,
    }
}

/// A credit note: what it corrects, why, how much (tax included, as the corrected invoice charged it).
pub fn credit_note(n: &CreditNote, inv: Option<&StoredInvoice>, customer: &CustomerInfo, issuer: &Issuer) -> Document {
    let cur = n.currency.as_str();
    let mut facts = vec![
        ("Credit note number".to_string(), n.number.clone()),
        ("Date".into(), long_date(n.issued_on)),
        ("Corrects invoice".into(), n.invoice_number.clone()),
    ];
    if let Some(issued) = inv.and_then(|i| i.issued_on) {
        facts.push(("Invoice date".into(), long_date(issued)));
    }
    facts.push(("Billing period".into(), period_text(n.period)));
    facts.push(("Customer".into(), customer.code.clone()));
    if let Some(po) = &customer.details.po_number {
        facts.push(("PO number".into(), po.clone()));
    }
    let credited = -n.amount;
    let rows = vec![line(&[&format!("Credit on invoice {}: {}", n.invoice_number, n.reason), &money(credited, cur)])];
    let mut totals = vec![total(&format!("Total credited ({cur})"), money(credited, cur), true)];
    let mut tax_summary = Vec::new();
    if let Some(i) = inv.filter(|i| !i.draft.totals.tax.is_zero() && !i.total.is_zero()) {
        // the tax share of the credit, as the invoice charged it: credit × tax ÷ total, to the minor unit
        let share = n.amount.checked_mul(i.draft.totals.tax).and_then(|x| x.checked_div(i.total)).unwrap_or_default();
        let share = round(share, cur);
        let base = n.amount.checked_sub(share).unwrap_or(n.amount);
        tax_summary.push([i.draft.tax_rate.to_string(), money(-base, cur), money(-share, cur)]);
        totals.insert(0, total("of which tax", money(-share, cur), false));
    }
    Document {
        kind: DocKind::CreditNote,
        number: n.number.clone(),
        draft: false,
        issuer: issuer_party(issuer),
        customer: customer_party(customer),
        facts,
        currency: cur.to_string(),
        columns: vec![Column::left("Description"), Column::right(&format!("Amount ({cur})"))],
        rows,
        totals,
        tax_summary,
        notes: vec![Note {
            heading: "About this credit note".into(),
            lines: vec![
                format!("Reason: {}", n.reason),
                format!(
                    "This credit note corrects invoice {} and lowers what is due on it by {} {cur}; nothing is to be \
                     paid for it.",
                    n.invoice_number,
                    money(n.amount, cur)
                ),
            ],
        }],
    }
}

/// A statement: opening balance, every invoice, payment and credit note with the running balance, the balance
/// due. `rows` are [`crate::month::statement::rows`] of `st`.
pub fn statement(
    st: &Statement,
    rows: &[StatementRow],
    disputed: &Disputed,
    today: NaiveDate,
    customer: &CustomerInfo,
    issuer: &Issuer,
) -> Document {
    let cur = st.currency.as_str();
    let number = format!("statement-{}-{}", st.customer, st.to);
    let facts = vec![
        ("Statement date".to_string(), long_date(today)),
        ("Period".into(), format!("{} – {}", long_date(st.from), long_date(st.to))),
        ("Customer".into(), customer.code.clone()),
    ];
    let table: Vec<Row> = rows
        .iter()
        .map(|r| {
            let date = r.date.format("%Y-%m-%d").to_string();
            match r.kind {
                RowKind::Entry => {
                    line(&[&date, &capital(r.entry), &r.reference, &money(r.amount, cur), &money(r.balance, cur)])
                }
                _ => line(&[&date, &capital(r.entry), "", "", &money(r.balance, cur)]),
            }
        })
        .collect();
    Document {
        kind: DocKind::Statement,
        draft: false,
        issuer: issuer_party(issuer),
        customer: customer_party(customer),
        facts,
        currency: cur.to_string(),
        columns: vec![
            Column::left("Date"),
            Column::left("Entry"),
            Column::left("Reference"),
            Column::right(&format!("Amount ({cur})")),
            Column::right(&format!("Balance ({cur})")),
        ],
        rows: table,
        totals: statement_totals(st, disputed),
        tax_summary: Vec::new(),
        notes: dispute_note(disputed, cur)
            .into_iter()
            .chain([payment_note(issuer, &format!("customer {}", st.customer))])
            .collect(),
        number,
    }
}

/// Opening balance and balance due; with open disputes, the amount in dispute and the overdue figure they are
/// held out of.
fn statement_totals(st: &Statement, d: &Disputed) -> Vec<TotalRow> {
    let cur = st.currency.as_str();
    let mut t = vec![total("Opening balance", money(st.opening, cur), false)];
    if !d.disputes.is_empty() {
        t.push(total("In dispute (not overdue while open)", money(d.total, cur), false));
        t.push(total(&format!("Overdue on {}", long_date(d.as_of)), money(d.overdue, cur), false));
    }
    t.push(total(&format!("Balance due ({cur})"), money(st.closing, cur), true));
    t
}

/// The open disputes, one line each (none: no note).
fn dispute_note(d: &Disputed, cur: &str) -> Option<Note> {
    (!d.disputes.is_empty()).then(|| Note {
        heading: "Open disputes".into(),
        lines: d
            .disputes
            .iter()
            .map(|x| format!("{} opened {}: {} ({})", x.reference, long_date(x.opened), money(x.amount, cur), x.status))
            .collect(),
    })
}

fn capital(s: &str) -> String {
    let mut c = s.chars();
    c.next().map(|f| f.to_uppercase().collect::<String>() + c.as_str()).unwrap_or_default()
}
