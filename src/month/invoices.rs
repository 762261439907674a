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
    Actor, BillingModel, CustomerCharges, CustomerTerms, DraftToSave, PayerCost, Result, SavedDraft, Store, StoreError,
    StoredInvoice,
};
use rust_decimal::Decimal;
use serde::Serialize;

use crate::csv_out::{self, Cell, Cell::Number, Cell::Text};

/// What a generation did for one customer: the summary a run returns and the Invoices pane keeps (no lines).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Generated {
    pub customer: String,
    pub invoice_id: i64,
    pub total: Decimal,
    /// The invoice's currency (the customer's): totals are shown to its minor unit.
    pub currency: String,
    /// created | regenerated | unchanged
    pub outcome: &'static str,
    /// A regeneration's change in counts and totals (its lines are told only as the run goes, [`generate_each`]).
    pub change: Option<Change>,
}

/// A regenerated draft against the one it replaced: lines added, removed, changed, and the two totals.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change {
    pub added: usize,
    pub removed: usize,
    pub changed: usize,
    pub old_total: Decimal,
    pub new_total: Decimal,
}

impl Change {
    pub fn of(d: &DraftDiff) -> Change {
        Change {
            added: d.added.len(),
            removed: d.removed.len(),
            changed: d.changed.len(),
            old_total: d.old_total,
            new_total: d.new_total,
        }
    }
}

/// What saving one draft did, and a regeneration's line diff.
fn outcome(saved: &SavedDraft) -> (Generated, Option<DraftDiff>) {
    let (outcome, diff) = match &saved.previous {
        None => ("created", None),
        Some(old) => {
            let d = diff_drafts(old, &saved.invoice.draft);
            if d.is_empty() { ("unchanged", None) } else { ("regenerated", Some(d)) }
        }
    };
    let g = Generated {
        customer: saved.invoice.customer.clone(),
        invoice_id: saved.invoice.id,
        total: saved.invoice.total,
        currency: saved.invoice.currency.clone(),
        outcome,
        change: diff.as_ref().map(Change::of),
    };
    (g, diff)
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

/// Save a run's drafts in one transaction (a failure saves none) and say what each did (what the month bench's
/// phases time as one step; [`generate`] saves as it builds instead).
pub async fn save(store: &dyn Store, drafts: &[DraftToSave], by: &Actor) -> Result<Vec<Generated>> {
    Ok(store.save_drafts(drafts, by).await?.iter().map(|s| outcome(s).0).collect())
}

/// Generate (or regenerate) the drafts of `period` for every customer with cost, or one customer:
/// [`run_inputs`], per customer its charges, [`customer_inputs`] and [`build`], each draft saved as it is built
/// in the one transaction of the run (all or nothing). Returns what each did.
pub async fn generate(store: &dyn Store, period: Period, customer: Option<&str>, by: &Actor) -> Result<Vec<Generated>> {
    generate_with(store, period, customer, by, &mut |_, _| {}).await
}

/// As [`generate`], telling `progress(done, total)` as each customer's draft is built.
pub async fn generate_with(
    store: &dyn Store,
    period: Period,
    customer: Option<&str>,
    by: &Actor,
    progress: &mut (dyn FnMut(usize, usize) + Send),
) -> Result<Vec<Generated>> {
    let mut out = Vec::new();
    generate_each(store, period, customer, by, progress, &mut |g, _| out.push(g.clone())).await?;
    Ok(out)
}

/// The generation itself: one customer at a time, its charges read, its draft built and saved inside the run's
/// transaction, then told to `each` (with a regeneration's line diff) and dropped, so memory does not grow with
/// the customers. `each` hears of a draft before the run commits: a later failure rolls every draft back, so
/// whatever it shows waits for `Ok`. Approved PPAs of the run's customers are posted first (each its own
/// transaction, as before: a failed run never loses or doubles one). Returns the number of drafts.
pub async fn generate_each(
    store: &dyn Store,
    period: Period,
    customer: Option<&str>,
    by: &Actor,
    progress: &mut (dyn FnMut(usize, usize) + Send),
    each: &mut (dyn FnMut(&Generated, Option<&DraftDiff>) + Send),
) -> Result<usize> {
    let run_in = run_inputs(store, period).await?;
    let charged = store.charged_customers(period).await?;
    // PPAs are posted only for customers with cost (one without gets no draft)
    let (customers, with_cost) = match customer {
        Some(c) => (vec![c.to_string()], charged.iter().any(|x| x == c)),
        None => (charged, true),
    };
    // posted before the run's transaction opens (on SQLite a second writer would wait for it)
    let posting: Vec<&str> = if with_cost { customers.iter().map(String::as_str).collect() } else { Vec::new() };
    let ppas = super::ppa_posting::post_due(store, &posting, period, by).await?;
    let mut run = store.draft_run(by);
    let mut n_drafts = 0;
    let mut tell = |saved: &SavedDraft| {
        let (g, diff) = outcome(saved);
        each(&g, diff.as_ref());
    };
    for (n, code) in customers.iter().enumerate() {
        progress(n, customers.len());
        for charges in store.charges(period, Some(code)).await? {
            let cust = customer_inputs(store, &charges.customer, period).await?;
            let (draft, payer_costs) = build(&run_in, &cust, &charges, period)?;
            drop(charges);
            // Approved prior-period adjustments post on the customer's next draft (credit-and-rebill lines).
            let posted = ppas.get(&draft.customer);
            let draft = super::ppa_posting::add_posted(draft, posted.map_or(&[][..], Vec::as_slice))?;
            if let Some(saved) = run.save((draft, payer_costs)).await? {
                tell(&saved);
            }
            n_drafts += 1;
        }
    }
    progress(customers.len(), customers.len());
    for saved in run.commit().await? {
        tell(&saved);
    }
    Ok(n_drafts)
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
