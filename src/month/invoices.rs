//! Invoice drafts: rate the period's rating-grain charges (resource units for chargeback customers, then the
//! customer's price book) and build the draft in the domain's order of operations (the customer's terms:
//! discount, tax and rounding; credits included), then persist; exports.
use std::collections::{BTreeMap, BTreeSet};

use billops_domain::Period;
use billops_domain::credit::Credit;
use billops_domain::fx::FxTable;
use billops_domain::invoice::{DraftDiff, DraftRequest, InvoiceDiscount, InvoiceError, build_draft, diff_drafts};
use billops_domain::rating::{AccountCode, AccountCodeTable, CodeScope, PriceBook, ResourceUnitSet};
use billops_domain::terms::Effective;
use billops_store::{
    Actor, BillingModel, CustomerCharges, CustomerTerms, DraftToSave, PayerCost, Result, Store, StoreError,
    StoredInvoice,
};
use rust_decimal::Decimal;
use serde::Serialize;

use crate::csv_out::{self, Cell, Cell::Number, Cell::Text};

#[derive(Debug, Clone, Serialize)]
pub struct Generated {
    pub customer: String,
    pub invoice_id: i64,
    pub total: Decimal,
    /// The invoice's currency (the customer's): totals are shown to its minor unit.
    pub currency: String,
    /// created | regenerated | unchanged
    pub outcome: &'static str,
    pub diff: Option<DraftDiff>,
}

pub(crate) fn account_codes(codes: &[billops_store::AccountCode]) -> AccountCodeTable {
    let entries: Vec<AccountCode> = codes
        .iter()
        .filter_map(|c| {
            let (kind, value) = c.scope.split_once(':')?;
            let scope = match kind {
                "customer" => CodeScope::Customer(value.to_string()),
                "product" => CodeScope::Product { customer: None, product: value.to_string() },
                "account" => CodeScope::Account(value.to_string()),
                _ => return None,
            };
            let effective = Effective::new(c.from, c.to).ok()?;
            Some(AccountCode { scope, code: c.code.clone(), effective })
        })
        .collect();
    AccountCodeTable::new(entries).unwrap_or_default()
}

/// What every customer's draft of a run is rated with: account codes, resource units, chargeback customers,
/// the period's approved FX rates.
pub struct RunInputs {
    codes: AccountCodeTable,
    fx: FxTable,
    units: ResourceUnitSet,
    no_units: ResourceUnitSet,
    chargeback: BTreeSet<String>,
}

/// Read the run's shared inputs (account codes, resource units, billing models, `period`'s approved FX rates).
pub async fn run_inputs(store: &dyn Store, period: Period) -> Result<RunInputs> {
    let fx = store.fx_table(period).await?;
    let codes = account_codes(&store.list_account_codes().await?);
    let units = store.resource_unit_set().await?;
    let chargeback = store
        .billing_models()
        .await?
        .into_iter()
        .filter(|m| m.model == BillingModel::Chargeback)
        .map(|m| m.customer)
        .collect();
    Ok(RunInputs { codes, fx, units, no_units: ResourceUnitSet::default(), chargeback })
}

/// One customer's own inputs: price book, credits, and the terms in force on the period's first day.
pub struct CustomerInputs {
    book: PriceBook,
    credits: Vec<Credit>,
    terms: CustomerTerms,
    discounts: Vec<InvoiceDiscount>,
}

/// Read a customer's price book, credits and terms (discount, tax, rounding) for `period`.
pub async fn customer_inputs(store: &dyn Store, customer: &str, period: Period) -> Result<CustomerInputs> {
    let book = store.price_book(customer).await?;
    let credits = store.customer_credits(customer).await?;
    let terms = super::terms::for_period(store, customer, period).await?;
    let discounts = super::terms::discounts(&terms)?;
    Ok(CustomerInputs { book, credits, terms, discounts })
}

/// Build one customer's draft in the domain (no IO) and sum its supplier cost per payer. Chargeback customers
/// are rated by resource units first (unselected lines fall through to the price book); resale customers by
/// their price book only.
pub fn build(run: &RunInputs, cust: &CustomerInputs, charges: &CustomerCharges, period: Period) -> Result<DraftToSave> {
    let units = if run.chargeback.contains(&charges.customer) { &run.units } else { &run.no_units };
    let req = DraftRequest {
        customer: &charges.customer,
        period,
        currency: &charges.currency,
        lines: &charges.lines,
        price_book: &cust.book,
        resource_units: units,
        account_codes: &run.codes,
        discounts: &cust.discounts,
        credits: &cust.credits,
        tax_rate: cust.terms.tax_rate,
        rounding: cust.terms.rounding,
        fx: &run.fx,
    };
    let draft = build_draft(&req).map_err(|e| match e {
        InvoiceError::NoFxRate { pair, period } => StoreError::Invalid(format!(
            "{}: no approved FX rate {pair} for {period}: the customer is billed in {} and this cost is in {}; \
             enter the period's rate (`billops fx set {} {} {period} RATE --source SOURCE --date YYYY-MM-DD`) and \
             have another manager approve it (`billops fx approve {} {} {period}`); no draft was saved",
            charges.customer, pair.quote, pair.base, pair.base, pair.quote, pair.base, pair.quote
        )),
        e => StoreError::Invalid(format!("{}: {e}", charges.customer)),
    })?;
    // per payer and the cost's own currency: the tie-out never adds two currencies
    let mut payer_costs: BTreeMap<(&str, &str), Decimal> = BTreeMap::new();
    for (l, payer) in charges.lines.iter().zip(&charges.payers) {
        let currency = if l.currency.is_empty() { charges.currency.as_str() } else { l.currency.as_str() };
        let e = payer_costs.entry((payer.as_str(), currency)).or_insert(Decimal::ZERO);
        *e = e.checked_add(l.cost).ok_or_else(|| StoreError::Invalid("cost overflow".into()))?;
    }
    Ok((draft, payer_costs.into_iter().map(|((p, c), cost)| PayerCost::new(p, c, cost)).collect()))
}

/// Save a run's drafts in one transaction (a failure saves none) and say what each did.
pub async fn save(store: &dyn Store, drafts: &[DraftToSave], by: &Actor) -> Result<Vec<Generated>> {
    let saved = store.save_drafts(drafts, by).await?;
    let mut out = Vec::with_capacity(saved.len());
    for ((draft, _), saved) in drafts.iter().zip(saved) {
        let (outcome, diff) = match &saved.previous {
            None => ("created", None),
            Some(old) => {
                let d = diff_drafts(old, draft);
                if d.is_empty() { ("unchanged", None) } else { ("regenerated", Some(d)) }
            }
        };
        out.push(Generated {
            customer: draft.customer.clone(),
            invoice_id: saved.invoice.id,
            total: saved.invoice.total,
            currency: saved.invoice.currency.clone(),
            outcome,
            diff,
        });
    }
    Ok(out)
}

/// Generate (or regenerate) the drafts of `period` for every customer with cost, or one customer:
/// [`run_inputs`], the period's charges, per customer [`customer_inputs`] and [`build`], then one [`save`].
pub async fn generate(store: &dyn Store, period: Period, customer: Option<&str>, by: &Actor) -> Result<Vec<Generated>> {
    generate_with(store, period, customer, by, &mut |_, _| {}).await
}

/// As [`generate`], telling `progress(done, total)` after each customer's draft is built.
pub async fn generate_with(
    store: &dyn Store,
    period: Period,
    customer: Option<&str>,
    by: &Actor,
    progress: &mut (dyn FnMut(usize, usize) + Send),
) -> Result<Vec<Generated>> {
    let run = run_inputs(store, period).await?;
    // One customer's charges at a time (a period's rating rollups for every customer can be hundreds of MB on a
    // store with many resources); only the drafts, far smaller, are kept for the one all-or-nothing save.
    let customers = match customer {
        Some(c) => vec![c.to_string()],
        None => store.charged_customers(period).await?,
    };
    let mut drafts = Vec::with_capacity(customers.len());
    for (n, code) in customers.iter().enumerate() {
        progress(n, customers.len());
        for charges in store.charges(period, Some(code)).await? {
            let cust = customer_inputs(store, &charges.customer, period).await?;
            let (draft, payer_costs) = build(&run, &cust, &charges, period)?;
            // Approved prior-period adjustments post on the customer's next draft (credit-and-rebill lines).
            let draft = super::ppa_posting::with_ppas(store, draft, by).await?;
            drafts.push((draft, payer_costs));
        }
    }
    progress(customers.len(), customers.len());
    save(store, &drafts, by).await
}

/// Text for HTML: markup characters escaped, control characters (ESC, BEL, …) replaced by U+FFFD so a document
/// never carries a terminal sequence from a cost file.
pub(crate) fn html_escape(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { '\u{fffd}' } else { c })
        .collect::<String>()
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// An invoice CSV row, typed: cost and amount are numbers.
fn typed(r: [&str; 9]) -> Vec<Cell<'_>> {
    r.into_iter().enumerate().map(|(i, c)| if matches!(i, 6 | 7) { Number(c) } else { Text(c) }).collect()
}

/// One invoice as CSV (one row per line), JSON (the stored invoice, amounts as strings) or printable HTML.
pub fn export(inv: &StoredInvoice, format: &str) -> Result<String> {
    let number = inv.number.clone().unwrap_or_else(|| format!("draft-{}", inv.id));
    match format {
        "json" => serde_json::to_string_pretty(inv).map_err(|e| StoreError::Invalid(e.to_string())),
        "csv" => {
            let header =
                ["invoice", "customer", "period", "section", "description", "account_code", "cost", "amount", "rules"];
            let period = inv.period.to_string();
            let mut rows: Vec<[String; 9]> = Vec::new();
            for sec in inv.draft.sections() {
                for l in sec.lines {
                    rows.push([
                        number.clone(),
                        inv.customer.clone(),
                        period.clone(),
                        sec.step.title().to_string(),
                        l.description.clone(),
                        l.account_code.clone().unwrap_or_default(),
                        l.cost.normalize().to_string(),
                        l.amount.normalize().to_string(),
                        l.rule_ids.join(" "),
                    ]);
                }
            }
            let total = inv.total.to_string();
            let mut all: Vec<Vec<Cell>> = rows.iter().map(|r| typed(r.each_ref().map(String::as_str))).collect();
            all.push(typed([&number, &inv.customer, &period, "Total", "", "", "", &total, ""]));
            csv_out::to_string(&header, all).map_err(|e| StoreError::Invalid(format!("invoice CSV: {e}")))
        }
        "html" => {
            let mut s = format!(
                "<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>Invoice {n}</title></head><body>\n\
                 <h1>Invoice {n}</h1>\n<p>Customer {c} &middot; period {p} &middot; status {st}</p>\n<table>\n\
                 <tr><th>Section</th><th>Description</th><th>Account code</th><th>Amount ({cur})</th></tr>\n",
                n = html_escape(&number),
                c = html_escape(&inv.customer),
                p = inv.period,
                st = inv.status,
                cur = html_escape(&inv.currency)
            );
            for sec in inv.draft.sections() {
                for l in sec.lines {
                    s.push_str(&format!(
                        "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n",
                        sec.step.title(),
                        html_escape(&l.description),
                        html_escape(l.account_code.as_deref().unwrap_or("")),
                        l.amount.normalize()
                    ));
                }
            }
            s.push_str(&format!(
                "<tr><th colspan=\"3\">Total</th><th>{}</th></tr>\n</table></body></html>\n",
                inv.total
            ));
            Ok(s)
        }
        other => Err(StoreError::Invalid(format!("unknown format {other:?} (csv, json or html)"))),
    }
}
