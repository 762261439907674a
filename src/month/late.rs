//! Late rows for a signed-off month. An import with rows in a locked period is refused whole (the month's cost
//! data does not change after sign-off); the refusal offers this instead: `billops reprice --period P --late FILE`
//! reads the file without writing it, takes its rows for P, puts them beside the charges P was billed on, rates
//! each affected customer again and compares with the issued invoice. Proposed, the differences become PPAs
//! (maker-checker, posted on the next open draft) whose reason names the file and its content hash: the file is
//! the record of the late rows, the PPAs carry their money.
//!
//! Rows are summed on the way in at the rating grain plus the usage day (an account's customer is resolved on the
//! day, like the import does), so memory grows with distinct keys, not with rows.
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use billops_domain::rating::{ChargeLine, LineRef};
use billops_domain::{ChargeCategory, LineItem, Period};
use billops_import::{Event, ReadOptions};
use billops_store::{Result, Store, StoreError};
use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Serialize;

/// The grain late rows are summed at before their accounts are resolved.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Key {
    account: String,
    day: NaiveDate,
    service: String,
    product: String,
    component: String,
    category: ChargeCategory,
    region: String,
    usage_type: String,
    unit: String,
    currency: String,
}

#[derive(Debug, Clone, Default)]
struct Sum {
    cost: Decimal,
    quantity: Decimal,
    /// Some row of the key had no quantity: the line has none (as the store's charges read).
    no_quantity: bool,
}

/// One file read for the re-rating.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LateFile {
    pub file: String,
    pub content_hash: String,
    /// Rows of the period taken.
    pub rows: u64,
    /// Rows of other periods (not part of this re-rating: they import as usual from a file without the
    /// signed-off month's rows).
    pub other_periods: u64,
    /// Rows the reader quarantined (their faults as `billops import` reports them); not re-rated.
    pub quarantined: u64,
}

/// The late rows of one period, ready to rate: per customer, and what could not be placed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct LateRows {
    pub files: Vec<LateFile>,
    /// Per customer code: charge lines in the store's rating shape (dated the period's first day).
    #[serde(skip)]
    pub by_customer: BTreeMap<String, Vec<ChargeLine>>,
    /// Accounts with late cost and no customer on the day (cost per account and currency): they bill no one.
    pub unassigned: BTreeMap<String, BTreeMap<String, Decimal>>,
}

impl LateRows {
    /// What a PPA's reason says of where its rows came from.
    pub fn provenance(&self) -> String {
        let files: Vec<String> = self
            .files
            .iter()
            .map(|f| format!("{} (blake3 {})", f.file, &f.content_hash[..16.min(f.content_hash.len())]))
            .collect();
        format!("late rows from {}", files.join(", "))
    }
}

/// Read `paths` for `period`'s rows and place them by customer (assignments from the store, on the usage day).
pub async fn read(store: &dyn Store, paths: Vec<PathBuf>, opts: ReadOptions, period: Period) -> Result<LateRows> {
    let (files, sums) = tokio::task::spawn_blocking(move || read_files(&paths, &opts, period))
        .await
        .map_err(|e| StoreError::Invalid(format!("reading the late rows stopped: {e}")))??;
    let mut out = LateRows { files, ..LateRows::default() };
    let accounts: BTreeSet<&str> = sums.keys().map(|k| k.account.as_str()).collect();
    let mut history = BTreeMap::new();
    for a in accounts {
        history.insert(a.to_string(), store.assignments(a).await?);
    }
    // (customer, rating key without day) → sum
    let mut placed: BTreeMap<(String, Key), Sum> = BTreeMap::new();
    for (k, s) in sums {
        let customer = history.get(&k.account).and_then(|v| {
            v.iter().find(|a| a.from <= k.day && a.to.is_none_or(|t| k.day < t)).map(|a| a.customer.clone())
        });
        let Some(customer) = customer else {
            let e = out.unassigned.entry(k.account.clone()).or_default().entry(k.currency.clone()).or_default();
            *e = e.checked_add(s.cost).ok_or_else(overflow)?;
            continue;
        };
        let key = Key { day: period.start(), ..k };
        let e = placed.entry((customer, key)).or_default();
        e.cost = e.cost.checked_add(s.cost).ok_or_else(overflow)?;
        e.quantity = e.quantity.checked_add(s.quantity).ok_or_else(overflow)?;
        e.no_quantity |= s.no_quantity;
    }
    for ((customer, k), s) in placed {
        let lines = out.by_customer.entry(customer).or_default();
        let n = i64::try_from(lines.len()).unwrap_or(i64::MAX);
        lines.push(ChargeLine {
            source: LineRef(n),
            account: k.account,
            usage_date: period.start(),
            service: k.service,
            product: k.product,
            component: k.component,
            usage_type: k.usage_type,
            region: k.region,
            charge_category: k.category,
            quantity: (!s.no_quantity).then_some(s.quantity),
            unit: k.unit,
            cost: s.cost,
            currency: k.currency,
        });
    }
    Ok(out)
}

fn overflow() -> StoreError {
    StoreError::Invalid("late cost sum overflows".into())
}

fn read_files(paths: &[PathBuf], opts: &ReadOptions, period: Period) -> Result<(Vec<LateFile>, BTreeMap<Key, Sum>)> {
    let listing = billops_import::expand_listing(paths).map_err(|e| StoreError::Invalid(e.to_string()))?;
    if listing.sources.is_empty() {
        return Err(StoreError::Invalid(
            "no importable files (a .csv, .csv.gz or .gz file, or a .zip holding one)".into(),
        ));
    }
    let mut sums: BTreeMap<Key, Sum> = BTreeMap::new();
    let mut files = Vec::new();
    for src in &listing.sources {
        let (mut rows, mut other, mut failed) = (0u64, 0u64, None);
        let mut sink = |ev: Event| -> bool {
            let Event::Item(it) = ev else { return true };
            if it.period != period {
                other += 1;
                return true;
            }
            rows += 1;
            if let Err(e) = add(&mut sums, &it) {
                failed = Some(e);
                return false;
            }
            true
        };
        let summary = billops_import::read_source_opts(src, opts, None, &mut |_| {}, &mut sink);
        if let Some(e) = failed {
            return Err(e);
        }
        let summary = summary.map_err(|e| StoreError::Invalid(format!("{}: {e}", src.display_name())))?;
        files.push(LateFile {
            file: src.display_name(),
            content_hash: summary.content_hash,
            rows,
            other_periods: other,
            quarantined: summary.quarantined,
        });
    }
    Ok((files, sums))
}

fn add(sums: &mut BTreeMap<Key, Sum>, it: &LineItem) -> Result<()> {
    let key = Key {
        account: it.account.clone(),
        day: it.usage_date,
        service: it.service.clone(),
        product: it.product.clone(),
        component: it.component.clone(),
        category: it.charge_category,
        region: it.region.clone(),
        usage_type: it.usage_type.clone(),
        unit: it.unit.clone(),
        currency: it.currency.clone(),
    };
    let s = sums.entry(key).or_default();
    s.cost = s.cost.checked_add(it.billed).ok_or_else(overflow)?;
    match it.quantity {
        Some(q) => s.quantity = s.quantity.checked_add(q).ok_or_else(overflow)?,
        None => s.no_quantity = true,
    }
    Ok(())
}
