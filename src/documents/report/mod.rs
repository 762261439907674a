//! The month-end management report (SPEC §2.11, issue 12): what a manager reads once a period is billed.
//! [`build`] is pure (records in, [`Report`] out): totals billed and at cost per currency, margin by customer and
//! by service, credits and their sources, the variances over threshold with their explanations, and the open
//! items (disputes, supplier cases, unreached credits, invoices not issued, requests past or near their SLA).
//! [`html`] prints it as a self-contained page, [`csv`] as one CSV with a `section` column; [`load`] gathers the
//! records from a store (the one IO part).
//!
//! Decisions (written here and in `billops report month --help`):
//! - *Billed* is what the period's issued invoices say (issued, partly paid, paid, disputed; never drafts or
//!   void ones). Drafts, reviewed and approved invoices are listed as open items instead.
//! - *Net billed* is charges + discounts + credits, before tax; *margin* is net billed − cost of the invoiced
//!   lines, and the margin % is of net billed. Per service the margin is on the rated lines only (discounts and
//!   credits belong to a customer's invoice, not to a service), so the services add up to the charges.
//! - Amounts stay exact here; the renderers round each figure once, half away from zero, to the currency's minor
//!   unit. Imported (supplier) cost and variances are in the cost currency, which the supplier invoices name
//!   (USD when none is entered).
pub mod csv;
pub mod html;
pub mod load;

use std::collections::BTreeMap;

use billops_domain::Period;
use billops_domain::invoice::{InvoiceStatus, LineKind};
use billops_domain::variance::VarianceState;
use billops_store::disputes::DisputeRecord;
use billops_store::{PayerFigures, ReconCase, Result, StoreError, StoredCredit, StoredInvoice, UnreachedCredits};
use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use serde::Serialize;

use crate::month::variance::VarianceView;

/// An open request with its SLA standing in words (computed by [`load`], which has the calendar and the clock).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OpenRequest {
    pub id: i64,
    pub external_ref: Option<String>,
    pub customer: Option<String>,
    pub subject: String,
    pub standing: String,
}

/// Everything the report is built from.
#[derive(Debug, Clone)]
pub struct ReportInput {
    pub period: Period,
    pub generated_at: DateTime<Utc>,
    /// The issuer's name (`issuer.name`), printed in the header.
    pub issuer: String,
    /// Customer code → name.
    pub customers: BTreeMap<String, String>,
    /// Every invoice of the period, any status.
    pub invoices: Vec<StoredInvoice>,
    pub payers: Vec<PayerFigures>,
    /// The currency of imported cost and variances.
    pub cost_currency: String,
    pub variance: VarianceView,
    /// Every credit (for the evidence behind a credit line).
    pub credits: Vec<StoredCredit>,
    pub unreached: UnreachedCredits,
    /// Open disputes (any period).
    pub disputes: Vec<DisputeRecord>,
    /// Supplier reconciliation cases (any period; the open ones are reported).
    pub cases: Vec<ReconCase>,
    pub requests: Vec<OpenRequest>,
}

/// The figures of one currency.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct CurrencyTotals {
    pub currency: String,
    pub invoices: u64,
    pub cost: Decimal,
    pub charges: Decimal,
    pub discounts: Decimal,
    pub credits: Decimal,
    /// Charges + discounts + credits (before tax).
    pub net: Decimal,
    pub tax: Decimal,
    /// What the invoices total, tax and rounding included.
    pub billed: Decimal,
    pub margin: Decimal,
}

impl CurrencyTotals {
    pub fn margin_pct(&self) -> Option<Decimal> {
        pct(self.margin, self.net)
    }
}

/// `part / whole × 100`, none when the whole is zero.
pub fn pct(part: Decimal, whole: Decimal) -> Option<Decimal> {
    if whole.is_zero() { None } else { part.checked_mul(Decimal::ONE_HUNDRED)?.checked_div(whole) }
}

/// Margin of a customer or a service in one currency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MarginRow {
    pub currency: String,
    /// Customer code or service name.
    pub key: String,
    /// The customer's name (the service again for services).
    pub name: String,
    pub cost: Decimal,
    pub billed: Decimal,
    pub margin: Decimal,
}

impl MarginRow {
    pub fn margin_pct(&self) -> Option<Decimal> {
        pct(self.margin, self.billed)
    }
}

/// A credit applied on an issued invoice, and where it came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CreditLine {
    pub currency: String,
    pub customer: String,
    pub invoice: String,
    pub credit_id: String,
    /// The credit type: supplier promotion, SLA service credit, funding (MAP), goodwill, PPA.
    pub source: String,
    /// The evidence recorded with the credit (credit memo, claim id, funding approval).
    pub evidence: String,
    /// Negative: what it took off the invoice.
    pub amount: Decimal,
}

/// A supplier credit or refund found in the period's usage, and the customer credits passing it on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SupplierCredit {
    pub payer: String,
    pub account: String,
    pub service: String,
    pub customer: Option<String>,
    pub amount: Decimal,
    pub currency: String,
    pub passed_through_by: Vec<String>,
}

/// One payer's supply side: imported cost against what was invoiced at cost.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SupplyRow {
    pub payer: String,
    /// Every figure of the row is in this currency (a payer billed in two has two rows).
    pub currency: String,
    pub supplier_invoice: Option<Decimal>,
    pub imported: Decimal,
    pub invoiced_at_cost: Decimal,
    pub unassigned: Decimal,
}

/// A flagged variance and its explanation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VarianceLine {
    pub customer: String,
    pub name: String,
    pub service: String,
    pub previous: Decimal,
    pub current: Decimal,
    pub delta: Decimal,
    /// `new`, `gone` or `12.5%`.
    pub pct: String,
    /// explained, unexplained, stale.
    pub state: String,
    pub driver: String,
    pub explanation: String,
    pub by: String,
    /// The service's main usage unit, and what its volume and its cost per unit moved (none when the volume
    /// cannot be read).
    pub unit: Option<String>,
    pub by_volume: Option<Decimal>,
    pub by_rate: Option<Decimal>,
}

/// Something still open at month end.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OpenItem {
    /// dispute, supplier case, unreached supplier credit, unused credit, invoice not issued, request.
    pub kind: String,
    pub reference: String,
    /// Customer code or payer.
    pub party: String,
    /// Amount and currency, when the item has one.
    pub amount: Option<(Decimal, String)>,
    pub detail: String,
}

/// The management report of one period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Report {
    pub period: Period,
    pub generated: NaiveDate,
    pub issuer: String,
    pub cost_currency: String,
    pub totals: Vec<CurrencyTotals>,
    pub supply: Vec<SupplyRow>,
    /// The payers added up per currency (`supplier_invoice` only over the payers that have one): two
    /// currencies are never added.
    pub supply_totals: Vec<SupplyRow>,
    pub customers: Vec<MarginRow>,
    /// One per currency.
    pub customer_totals: Vec<MarginRow>,
    pub services: Vec<MarginRow>,
    pub service_totals: Vec<MarginRow>,
    pub credits: Vec<CreditLine>,
    /// Credits applied, per currency.
    pub credit_totals: Vec<(String, Decimal)>,
    pub supplier_credits: Vec<SupplierCredit>,
    /// "10% and 1,000 against 2026-09", or why nothing was compared.
    pub variance_basis: String,
    pub variances: Vec<VarianceLine>,
    pub open_items: Vec<OpenItem>,
}

/// Whether an invoice counts as billed.
pub fn billed(status: InvoiceStatus) -> bool {
    matches!(status, InvoiceStatus::Issued | InvoiceStatus::PartlyPaid | InvoiceStatus::Paid | InvoiceStatus::Disputed)
}

fn overflow() -> StoreError {
    StoreError::Invalid("a management report sum overflows".into())
}

/// `a += b`, exactly; overflow is an error (Decimal's 28 digits hold any real month).
fn add(a: &mut Decimal, b: Decimal) -> Result<()> {
    *a = a.checked_add(b).ok_or_else(overflow)?;
    Ok(())
}

fn sub(a: Decimal, b: Decimal) -> Result<Decimal> {
    a.checked_sub(b).ok_or_else(overflow)
}

fn margin_rows(
    map: BTreeMap<(String, String), (Decimal, Decimal)>,
    names: &BTreeMap<String, String>,
) -> Result<Vec<MarginRow>> {
    let mut rows = Vec::with_capacity(map.len());
    for ((currency, key), (cost, billed)) in map {
        rows.push(MarginRow {
            name: names.get(&key).cloned().unwrap_or_else(|| key.clone()),
            margin: sub(billed, cost)?,
            currency,
            key,
            cost,
            billed,
        });
    }
    // by currency, then the largest billed first (what a manager reads first)
    rows.sort_by(|a, b| a.currency.cmp(&b.currency).then(b.billed.cmp(&a.billed)).then(a.key.cmp(&b.key)));
    Ok(rows)
}

/// One total row per currency of margin `rows` (key and name `Total`).
fn margin_totals(rows: &[MarginRow]) -> Result<Vec<MarginRow>> {
    let mut out: Vec<MarginRow> = Vec::new();
    for r in rows {
        if out.last().is_none_or(|t| t.currency != r.currency) {
            out.push(MarginRow {
                currency: r.currency.clone(),
                key: "Total".into(),
                name: "Total".into(),
                cost: Decimal::ZERO,
                billed: Decimal::ZERO,
                margin: Decimal::ZERO,
            });
        }
        if let Some(t) = out.last_mut() {
            add(&mut t.cost, r.cost)?;
            add(&mut t.billed, r.billed)?;
            add(&mut t.margin, r.margin)?;
        }
    }
    Ok(out)
}

fn service_of(kind: &LineKind, description: &str) -> Option<String> {
    match kind {
        LineKind::Usage { service, .. } => Some(service.clone()),
        LineKind::ResourceUnit { .. } => Some(description.to_string()),
        _ => None,
    }
}

/// The report of `input.period`. Refuses only a sum beyond Decimal's range.
pub fn build(input: &ReportInput) -> Result<Report> {
    let mut totals: BTreeMap<String, CurrencyTotals> = BTreeMap::new();
    let mut by_customer = BTreeMap::new();
    let mut by_service = BTreeMap::new();
    let mut credits = Vec::new();
    let evidence: BTreeMap<&str, &str> = input.credits.iter().map(|c| (c.credit.id(), c.credit.evidence())).collect();
    let mut open_items = Vec::new();
    for inv in &input.invoices {
        if !billed(inv.status) {
            if inv.status != InvoiceStatus::Void {
                open_items.push(OpenItem {
                    kind: "invoice not issued".into(),
                    reference: format!("invoice {}", inv.id),
                    party: inv.customer.clone(),
                    amount: Some((inv.total, inv.currency.clone())),
                    detail: format!("{} since {}", inv.status.as_str(), inv.generated_at.format("%Y-%m-%d")),
                });
            }
            continue;
        }
        let t = &inv.draft.totals;
        let cur = inv.currency.clone();
        let ct =
            totals.entry(cur.clone()).or_insert_with(|| CurrencyTotals { currency: cur.clone(), ..Default::default() });
        ct.invoices += 1;
        add(&mut ct.cost, t.cost)?;
        add(&mut ct.charges, t.charges)?;
        add(&mut ct.discounts, t.discounts)?;
        add(&mut ct.credits, t.credits)?;
        add(&mut ct.net, t.taxable)?;
        add(&mut ct.tax, t.tax)?;
        add(&mut ct.billed, inv.total)?;
        let c: &mut (Decimal, Decimal) = by_customer.entry((cur.clone(), inv.customer.clone())).or_default();
        add(&mut c.0, t.cost)?;
        add(&mut c.1, t.taxable)?;
        for l in &inv.draft.charges {
            if let Some(s) = service_of(&l.kind, &l.description) {
                let e: &mut (Decimal, Decimal) = by_service.entry((cur.clone(), s)).or_default();
                add(&mut e.0, l.cost)?;
                add(&mut e.1, l.amount)?;
            }
        }
        for l in &inv.draft.credits {
            if let LineKind::Credit { credit_id, kind } = &l.kind {
                credits.push(CreditLine {
                    currency: cur.clone(),
                    customer: inv.customer.clone(),
                    invoice: inv.number.clone().unwrap_or_else(|| format!("invoice {}", inv.id)),
                    credit_id: credit_id.clone(),
                    source: kind.to_string(),
                    evidence: evidence.get(credit_id.as_str()).map(|e| e.to_string()).unwrap_or_default(),
                    amount: l.amount,
                });
            }
        }
    }
    for t in totals.values_mut() {
        t.margin = sub(t.net, t.cost)?;
    }
    let mut credit_totals: Vec<(String, Decimal)> = Vec::new();
    for c in &credits {
        match credit_totals.iter_mut().find(|(cur, _)| *cur == c.currency) {
            Some((_, t)) => add(t, c.amount)?,
            None => credit_totals.push((c.currency.clone(), c.amount)),
        }
    }
    credit_totals.sort();
    credits.sort_by(|a, b| {
        (&a.currency, &a.customer, &a.invoice, &a.credit_id).cmp(&(&b.currency, &b.customer, &b.invoice, &b.credit_id))
    });

    let no_names = BTreeMap::new();
    let supply: Vec<SupplyRow> = input
        .payers
        .iter()
        .map(|p| SupplyRow {
            payer: p.payer.clone(),
            currency: p.currency.clone(),
            supplier_invoice: p.supplier_invoice,
            imported: p.imported_billed,
            invoiced_at_cost: p.invoiced_at_cost,
            unassigned: p.unassigned,
        })
        .collect();
    let mut by_currency: BTreeMap<String, SupplyRow> = BTreeMap::new();
    for p in &supply {
        let t = by_currency.entry(p.currency.clone()).or_insert_with(|| SupplyRow {
            payer: "Total".into(),
            currency: p.currency.clone(),
            supplier_invoice: None,
            imported: Decimal::ZERO,
            invoiced_at_cost: Decimal::ZERO,
            unassigned: Decimal::ZERO,
        });
        add(&mut t.imported, p.imported)?;
        add(&mut t.invoiced_at_cost, p.invoiced_at_cost)?;
        add(&mut t.unassigned, p.unassigned)?;
        if let Some(si) = p.supplier_invoice {
            add(t.supplier_invoice.get_or_insert(Decimal::ZERO), si)?;
        }
    }
    let supply_totals: Vec<SupplyRow> = by_currency.into_values().collect();
    let supplier_credits = input
        .unreached
        .supplier
        .iter()
        .map(|s| SupplierCredit {
            payer: s.payer.clone(),
            account: s.account.clone(),
            service: s.service.clone(),
            customer: s.customer.clone(),
            amount: s.amount,
            currency: if s.currency.is_empty() { input.cost_currency.clone() } else { s.currency.clone() },
            passed_through_by: s.passed_through_by.clone(),
        })
        .collect();

    let v = &input.variance;
    let variance_basis = if v.baseline {
        format!("{} against {}, flagged at {}", v.period, v.previous, v.thresholds)
    } else {
        format!("{} against {}: nothing compared (a month without data)", v.period, v.previous)
    };
    let variances = v
        .flagged()
        .map(|r| {
            let e = r.explanation.as_ref();
            let vol = v.volume(&r.variance.customer, &r.variance.service);
            VarianceLine {
                unit: vol.map(|l| l.unit.clone()),
                by_volume: vol.map(|l| l.split.by_volume),
                by_rate: vol.map(|l| l.split.by_rate),
                customer: r.variance.customer.clone(),
                name: input.customers.get(&r.variance.customer).cloned().unwrap_or_else(|| r.variance.customer.clone()),
                service: r.variance.service.clone(),
                previous: r.variance.prev,
                current: r.variance.cur,
                delta: r.variance.delta,
                pct: variance_pct(&r.variance),
                state: match r.state {
                    VarianceState::Stale => "stale (data moved)".into(),
                    s => s.to_string(),
                },
                driver: e.map(|e| e.driver.label().to_string()).unwrap_or_default(),
                explanation: e.map(|e| e.text.clone()).unwrap_or_default(),
                by: e.map(|e| format!("{} {}", e.by, e.at.format("%Y-%m-%d"))).unwrap_or_default(),
            }
        })
        .collect();

    open_items.extend(open_items_of(input));
    let customers = margin_rows(by_customer, &input.customers)?;
    let services = margin_rows(by_service, &no_names)?;
    Ok(Report {
        period: input.period,
        generated: input.generated_at.date_naive(),
        issuer: input.issuer.clone(),
        cost_currency: input.cost_currency.clone(),
        totals: totals.into_values().collect(),
        supply,
        supply_totals,
        customer_totals: margin_totals(&customers)?,
        service_totals: margin_totals(&services)?,
        customers,
        services,
        credits,
        credit_totals,
        supplier_credits,
        variance_basis,
        variances,
        open_items,
    })
}

/// `new`, `gone`, or the change in percent to one decimal.
fn variance_pct(v: &billops_domain::variance::Variance) -> String {
    use billops_domain::variance::VarianceKind;
    match (v.kind, v.pct) {
        (VarianceKind::New, _) => "new".into(),
        (VarianceKind::Gone, _) => "gone".into(),
        (_, Some(p)) => format!("{:.1}%", billops_domain::money::round_for_display(p, 1)),
        (_, None) => "-".into(),
    }
}

/// A serde name (`missing_credit`) in words.
fn words<T: Serialize>(v: &T) -> String {
    serde_json::to_value(v).ok().and_then(|v| v.as_str().map(|s| s.replace('_', " "))).unwrap_or_default()
}

/// Disputes, open supplier cases, unreached supplier credits, unused credits, requests.
fn open_items_of(input: &ReportInput) -> Vec<OpenItem> {
    let mut out = Vec::new();
    for d in input.disputes.iter().filter(|d| d.dispute.holds_amount()) {
        let i = &d.dispute.input;
        let due = i.due.map(|t| format!(", due {}", t.format("%Y-%m-%d"))).unwrap_or_default();
        out.push(OpenItem {
            kind: "dispute".into(),
            reference: format!("dispute {}", d.id),
            party: i.customer.clone(),
            amount: Some((i.amount.amount, i.amount.currency.clone())),
            detail: format!(
                "{} of {} ({}){due}, owner {}",
                d.dispute.status,
                billops_domain::dispute::target_text(&i.target),
                words(&i.reason),
                i.owner
            ),
        });
    }
    for c in input.cases.iter().filter(|c| c.status.is_open()) {
        out.push(OpenItem {
            kind: "supplier case".into(),
            reference: format!("case {} ({})", c.id, c.period),
            party: c.payer.clone(),
            amount: Some((c.residual, c.currency.clone())),
            detail: format!(
                "{}; credit note expected {}, received {}; owner {}",
                c.status.as_str(),
                crate::documents::money(c.expected, &c.currency),
                crate::documents::money(c.received, &c.currency),
                c.owner.as_deref().unwrap_or("nobody")
            ),
        });
    }
    for s in input.unreached.supplier.iter().filter(|s| !s.reached()) {
        out.push(OpenItem {
            kind: "unreached supplier credit".into(),
            reference: format!("{} / {}", s.account, s.service),
            party: s.customer.clone().unwrap_or_else(|| format!("payer {} (unassigned)", s.payer)),
            amount: Some((
                s.amount,
                if s.currency.is_empty() { input.cost_currency.clone() } else { s.currency.clone() },
            )),
            detail: format!("{}: no customer credit passes it on", s.charge_category),
        });
    }
    let currency: BTreeMap<&str, &str> =
        input.credits.iter().map(|c| (c.credit.id(), c.credit.amount().currency.as_str())).collect();
    for u in &input.unreached.unapplied {
        let cur = if u.currency.is_empty() {
            currency.get(u.id.as_str()).map_or(input.cost_currency.clone(), |c| c.to_string())
        } else {
            u.currency.clone()
        };
        let on = u.on_draft.map(|i| format!("; planned on draft invoice {i}")).unwrap_or_default();
        out.push(OpenItem {
            kind: "unused credit".into(),
            reference: u.id.clone(),
            party: u.customer.clone(),
            amount: Some((u.remaining, cur)),
            detail: format!("{} valid {} to {} (exclusive){on}", u.kind, u.valid_from, u.valid_to),
        });
    }
    for r in &input.requests {
        out.push(OpenItem {
            kind: "request".into(),
            reference: match &r.external_ref {
                Some(x) => format!("request {} ({x})", r.id),
                None => format!("request {}", r.id),
            },
            party: r.customer.clone().unwrap_or_default(),
            amount: None,
            detail: format!("{}: {}", r.subject, r.standing),
        });
    }
    out
}
