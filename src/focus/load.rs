//! The IO half of the FOCUS export: the period's issued invoices and what the rows need around them, read
//! with the store's existing queries (no query of its own): customers, linked accounts, the period's imports
//! (which cloud each payer's data came from), the period's costs per customer × service × product × component ×
//! charge category × account × payer (which accounts and clouds are behind a usage line), resource units.
use std::collections::{BTreeMap, BTreeSet, HashMap};

use billops_domain::invoice::InvoiceStatus;
use billops_domain::{ChargeCategory, CostBasis, Dim, Period};
use billops_store::{AccountFilter, CostQuery, InvoiceFilter, Result, Store, StoreError};
use rust_decimal::Decimal;

use super::{Behind, Context, DEFAULT_ISSUER, Row, category, rows};

/// A period's export: its rows, and what an operator is told about it.
#[derive(Debug, Clone, Default)]
pub struct Export {
    pub rows: Vec<Row>,
    /// Issued invoices exported (issued, partly paid, paid or disputed).
    pub invoices: usize,
    /// Σ issued invoice totals per currency (what the rows' BilledCost adds up to).
    pub totals: BTreeMap<String, Decimal>,
    /// Invoices of the period not issued yet (draft, reviewed, approved): not exported.
    pub not_issued: usize,
    /// Void invoices of the period: not exported.
    pub void: usize,
}

/// Issued, and not void: what a customer was invoiced.
pub fn exported(status: InvoiceStatus) -> bool {
    status.is_issued() && status != InvoiceStatus::Void
}

/// The export of `period`: every line of every issued invoice, in invoice order.
pub async fn load(store: &dyn Store, period: Period) -> Result<Export> {
    let all = store.list_invoices(&InvoiceFilter { period: Some(period), customer: None }).await?;
    let mut out = Export {
        not_issued: all.iter().filter(|i| !i.status.is_issued()).count(),
        void: all.iter().filter(|i| i.status == InvoiceStatus::Void).count(),
        ..Export::default()
    };
    let issued: Vec<_> = all.iter().filter(|i| exported(i.status)).collect();
    if issued.is_empty() {
        return Ok(out);
    }
    let ctx = context(store, period).await?;
    for s in issued {
        let inv = store.invoice(s.id).await?;
        out.rows.extend(rows(&inv, &ctx).map_err(|e| StoreError::Invalid(e.to_string()))?);
        let total = out.totals.entry(inv.currency.clone()).or_insert(Decimal::ZERO);
        *total = total.checked_add(inv.total).ok_or_else(|| StoreError::Invalid("total overflow".into()))?;
        out.invoices += 1;
    }
    Ok(out)
}

async fn context(store: &dyn Store, period: Period) -> Result<Context> {
    let issuer = crate::documents::load::issuer(store).await?.name;
    let customers = store.list_customers().await?.into_iter().map(|c| (c.code, c.name)).collect();
    let account_names: HashMap<String, String> = store
        .list_accounts(&AccountFilter::default())
        .await?
        .into_iter()
        .filter(|a| !a.name.trim().is_empty())
        .map(|a| (a.id, a.name))
        .collect();
    // Each payer's cloud in this period, from the formats of its current imports.
    let mut clouds: HashMap<String, BTreeSet<String>> = HashMap::new();
    for b in store.list_batches().await? {
        let Some(cloud) = category::provider_of_format(&b.format) else { continue };
        for s in b.scopes.iter().filter(|s| s.period == period && s.replaced_by.is_none()) {
            clouds.entry(s.payer.clone()).or_default().insert(cloud.to_string());
        }
    }
    let by =
        vec![Dim::Customer, Dim::Service, Dim::Product, Dim::Component, Dim::ChargeCategory, Dim::Account, Dim::Payer];
    let mut behind: HashMap<(String, String, String, String), Behind> = HashMap::new();
    for row in store.costs(&CostQuery::period(period, by, CostBasis::Billed)).await? {
        let [customer, service, product, component, category, account, payer] = row.keys.as_slice() else {
            return Err(StoreError::Invalid(format!("cost row with {} keys, 7 asked", row.keys.len())));
        };
        let category: ChargeCategory = category.parse().map_err(StoreError::Invalid)?;
        if matches!(category, ChargeCategory::Tax | ChargeCategory::Credit) {
            continue; // stripped from usage: not behind any billed line
        }
        let b = behind.entry((customer.clone(), service.clone(), product.clone(), component.clone())).or_default();
        b.accounts.insert(account.clone());
        b.categories.insert(category);
        b.providers.extend(clouds.get(payer).into_iter().flatten().cloned());
    }
    let units = store
        .resource_unit_set()
        .await?
        .units()
        .iter()
        .map(|u| (u.id().to_string(), (u.name().to_string(), u.unit().to_string())))
        .collect();
    let issuer = if issuer.trim().is_empty() { DEFAULT_ISSUER.to_string() } else { issuer };
    Ok(Context { issuer, customers, account_names, behind, units })
}
