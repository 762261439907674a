//! The management report as ONE CSV: every row carries its `section`, and each section fills the columns that
//! apply to it (the others are empty), so a spreadsheet filters or pivots it by section. Amounts are plain
//! numbers rounded once, half away from zero, to the currency's minor unit (as the HTML prints them); `pct` is
//! a percentage to one decimal. Sections, in order (also in `billops report month --help`):
//!
//! - `totals`: per currency, `kind` names the measure (invoices, charges, discounts, credits, net_billed, tax,
//!   billed, cost, margin, margin_pct) and `amount` holds it.
//! - `supply`: per payer (`reference`), `kind` = supplier_invoice | imported_cost | invoiced_at_cost |
//!   unassigned, in the cost currency.
//! - `customer_margin`, `service_margin`: cost, billed (net of tax; charges for services), margin, pct.
//! - `credit`: a credit applied on an issued invoice: credit id (`reference`), invoice, source (`kind`),
//!   evidence (`detail`), amount.
//! - `supplier_credit`: a supplier credit or refund in the usage: account (`reference`), service, customer,
//!   `status` passed_on | not_passed_on, `detail` the payer and the customer credits passing it on.
//! - `variance`: flagged variances: previous, current, delta, pct (`new`/`gone` for a service without one),
//!   by_volume and by_rate on the service's main usage unit (`reference`), `status` explained | unexplained |
//!   stale, `kind` the driver, `detail` the explanation.
//! - `open_item`: `kind` (dispute, supplier case, unreached supplier credit, unused credit, invoice not issued,
//!   request), reference, customer or payer, amount, detail.
use rust_decimal::Decimal;

use super::Report;
use crate::csv_out::{Cell, CsvWriter};
use billops_domain::money::{RoundingRule, minor_units, round_for_display, round_line};

pub const HEADER: [&str; 20] = [
    "section",
    "currency",
    "customer",
    "name",
    "service",
    "reference",
    "invoice",
    "kind",
    "status",
    "cost",
    "billed",
    "margin",
    "pct",
    "previous",
    "current",
    "delta",
    "by_volume",
    "by_rate",
    "amount",
    "detail",
];

/// A row being filled by column name.
struct Row([String; 20]);

impl Row {
    fn new(section: &str, currency: &str) -> Row {
        let mut r = Row(Default::default());
        r.0[0] = section.into();
        r.0[1] = currency.into();
        r
    }
    fn set(mut self, col: &str, v: impl Into<String>) -> Row {
        if let Some(i) = HEADER.iter().position(|h| *h == col) {
            self.0[i] = v.into();
        }
        self
    }
    fn money(self, col: &str, amount: Decimal) -> Row {
        let cur = self.0[1].clone();
        self.set(col, plain(amount, &cur))
    }
}

/// An amount to the currency's minor unit, no separators: `-1234.57`.
pub fn plain(amount: Decimal, currency: &str) -> String {
    let r = round_line(amount, currency, RoundingRule::HalfAwayFromZero);
    let r = if r.is_zero() { Decimal::ZERO } else { r };
    format!("{:.*}", minor_units(currency) as usize, r)
}

fn pct(p: Option<Decimal>) -> String {
    p.map(|p| format!("{:.1}", round_for_display(p, 1))).unwrap_or_default()
}

/// Columns holding billops' own numbers (written as numbers; everything else is guarded text).
fn numeric(i: usize) -> bool {
    (9..=18).contains(&i)
}

fn rows(r: &Report) -> Vec<Row> {
    let mut out = Vec::new();
    for t in &r.totals {
        let c = &t.currency;
        out.push(Row::new("totals", c).set("kind", "invoices").set("amount", t.invoices.to_string()));
        for (k, v) in [
            ("charges", t.charges),
            ("discounts", t.discounts),
            ("credits", t.credits),
            ("net_billed", t.net),
            ("tax", t.tax),
            ("billed", t.billed),
            ("cost", t.cost),
            ("margin", t.margin),
        ] {
            out.push(Row::new("totals", c).set("kind", k).money("amount", v));
        }
        out.push(Row::new("totals", c).set("kind", "margin_pct").set("amount", pct(t.margin_pct())));
    }
    let cc = &r.cost_currency;
    for p in &r.supply {
        let mut measures =
            vec![("imported_cost", p.imported), ("invoiced_at_cost", p.invoiced_at_cost), ("unassigned", p.unassigned)];
        if let Some(si) = p.supplier_invoice {
            measures.insert(0, ("supplier_invoice", si));
        }
        for (k, v) in measures {
            out.push(
                Row::new("supply", &p.currency).set("reference", p.payer.as_str()).set("kind", k).money("amount", v),
            );
        }
    }
    for (section, rows) in [("customer_margin", &r.customers), ("service_margin", &r.services)] {
        for m in rows {
            let row = Row::new(section, &m.currency);
            let row = if section == "customer_margin" {
                row.set("customer", m.key.as_str()).set("name", m.name.as_str())
            } else {
                row.set("service", m.key.as_str())
            };
            out.push(
                row.money("cost", m.cost)
                    .money("billed", m.billed)
                    .money("margin", m.margin)
                    .set("pct", pct(m.margin_pct())),
            );
        }
    }
    for c in &r.credits {
        out.push(
            Row::new("credit", &c.currency)
                .set("customer", c.customer.as_str())
                .set("reference", c.credit_id.as_str())
                .set("invoice", c.invoice.as_str())
                .set("kind", c.source.as_str())
                .money("amount", c.amount)
                .set("detail", c.evidence.as_str()),
        );
    }
    for s in &r.supplier_credits {
        let passed = if s.passed_through_by.is_empty() { "not_passed_on" } else { "passed_on" };
        out.push(
            Row::new("supplier_credit", &s.currency)
                .set("customer", s.customer.clone().unwrap_or_default())
                .set("service", s.service.as_str())
                .set("reference", s.account.as_str())
                .set("status", passed)
                .money("amount", s.amount)
                .set(
                    "detail",
                    match s.passed_through_by.is_empty() {
                        true => format!("payer {}", s.payer),
                        false => format!("payer {}; passed on by {}", s.payer, s.passed_through_by.join(" ")),
                    },
                ),
        );
    }
    for v in &r.variances {
        out.push(
            Row::new("variance", cc)
                .set("customer", v.customer.as_str())
                .set("name", v.name.as_str())
                .set("service", v.service.as_str())
                .set("status", v.state.as_str())
                .set("kind", v.driver.as_str())
                .money("previous", v.previous)
                .money("current", v.current)
                .money("delta", v.delta)
                .set("by_volume", v.by_volume.map(|x| plain(x, cc)).unwrap_or_default())
                .set("by_rate", v.by_rate.map(|x| plain(x, cc)).unwrap_or_default())
                .set("reference", v.unit.clone().unwrap_or_default())
                .set("pct", v.pct.trim_end_matches('%'))
                .set("detail", v.explanation.as_str()),
        );
    }
    for o in &r.open_items {
        let (amount, cur) = match &o.amount {
            Some((a, c)) => (plain(*a, c), c.as_str()),
            None => (String::new(), ""),
        };
        out.push(
            Row::new("open_item", cur)
                .set("kind", o.kind.as_str())
                .set("reference", o.reference.as_str())
                .set("customer", o.party.as_str())
                .set("amount", amount)
                .set("detail", o.detail.as_str()),
        );
    }
    out
}

/// The report as CSV text.
pub fn render(r: &Report) -> std::io::Result<String> {
    let mut w = CsvWriter::new(Vec::new());
    w.header(&HEADER)?;
    for row in rows(r) {
        w.row(row.0.iter().enumerate().map(|(i, v)| if numeric(i) { Cell::Number(v) } else { Cell::Text(v) }))?;
    }
    String::from_utf8(w.finish()?).map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e))
}
