//! Chargeback: resource-unit definitions and their effective-dated rates, and each customer's billing model
//! (resale or chargeback). Rates, like price rules, take effect on the first day of a month.
use std::collections::BTreeMap;
use std::str::FromStr;

use async_trait::async_trait;
use billops_domain::rating::{ResourceUnitSet, VolumeSelector};
use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;

use crate::audit::{self, Audit};
use crate::close::locks;
use crate::db::{Db, Row, Tx, args};
use crate::parties::{customer_id, user_in};
use crate::{
    Actor, BillingModel, CustomerBillingModel, NewResourceUnit, Result, RuRate, SqlStore, StoreError,
    StoredResourceUnit,
};

/// Refuse an effective-from date that is not the first day of a month. Rating is monthly: every line of a
/// period is rated with what is in force on the period's first day, so a rule or rate starting mid-month could
/// not be honoured exactly (it would silently apply from the next period); it is refused instead.
pub fn month_start(what: &str, from: NaiveDate) -> Result<()> {
    if from.day() == 1 {
        return Ok(());
    }
    let first = from.with_day(1).unwrap_or(from);
    let next = first.checked_add_months(chrono::Months::new(1)).unwrap_or(first);
    Err(StoreError::Invalid(format!(
        "{what} effective from {from}: it must start on the first day of a month (a period is billed with \
         what is in force on its first day); use {first} or {next}"
    )))
}

fn one_word(what: &str, s: &str) -> Result<String> {
    crate::fields::code(what, s)
}

fn dec(s: &str, what: &str) -> Result<Decimal> {
    Decimal::from_str(s).map_err(|e| StoreError::Invalid(format!("stored {what} {s:?}: {e}")))
}

const SELECT: &str = "SELECT id, code, name, unit, service, usage_type, region, source_unit, factor, created_by, \
                      created_at FROM resource_units";

fn unit_row(r: &Row) -> Result<(i64, StoredResourceUnit)> {
    Ok((
        r.get(0)?,
        StoredResourceUnit {
            id: r.get(1)?,
            name: r.get(2)?,
            unit: r.get(3)?,
            selector: VolumeSelector { service: r.get(4)?, usage_type: r.get(5)?, region: r.get(6)?, unit: r.get(7)? },
            factor: dec(&r.get::<String>(8)?, "factor")?,
            rates: Vec::new(),
            created_by: r.get(9)?,
            created_at: r.get(10)?,
        },
    ))
}

/// Every resource unit with its rates, in the order they are tried.
async fn load(tx: &mut Tx, code: Option<&str>) -> Result<Vec<StoredResourceUnit>> {
    let rows = match code {
        Some(c) => tx.all(&format!("{SELECT} WHERE code = $1"), args![c]).await?,
        None => tx.all(&format!("{SELECT} ORDER BY id"), vec![]).await?,
    };
    let mut units: Vec<(i64, StoredResourceUnit)> = rows.iter().map(unit_row).collect::<Result<_>>()?;
    let mut rates: BTreeMap<i64, Vec<RuRate>> = BTreeMap::new();
    let sql = match code {
        Some(_) => {
            "SELECT r.ru_id, r.valid_from, r.rate, r.set_by, r.set_at FROM resource_unit_rates r \
             JOIN resource_units u ON u.id = r.ru_id WHERE u.code = $1 ORDER BY r.ru_id, r.valid_from"
        }
        None => "SELECT ru_id, valid_from, rate, set_by, set_at FROM resource_unit_rates ORDER BY ru_id, valid_from",
    };
    let a = code.map(|c| args![c]).unwrap_or_default();
    for r in tx.all(sql, a).await? {
        let rate =
            RuRate { from: r.get(1)?, rate: dec(&r.get::<String>(2)?, "rate")?, set_by: r.get(3)?, set_at: r.get(4)? };
        rates.entry(r.get(0)?).or_default().push(rate);
    }
    for (id, u) in &mut units {
        u.rates = rates.remove(id).unwrap_or_default();
    }
    Ok(units.into_iter().map(|(_, u)| u).collect())
}

fn invalid(e: billops_domain::rating::RatingError) -> StoreError {
    StoreError::Invalid(e.to_string())
}

pub(crate) async fn list_units(db: &Db) -> Result<Vec<StoredResourceUnit>> {
    // A read: a transaction only so that one code path loads units and rates consistently.
    let mut tx = db.begin().await?;
    let units = load(&mut tx, None).await?;
    tx.rollback().await?;
    Ok(units)
}

/// Chargeback: resource units, their effective-dated rates, and each customer's billing model.
#[async_trait]
pub trait Chargeback: Send + Sync {
    /// Define a resource unit (operators; `Conflict` when the id exists). Units are tried in the order added.
    async fn add_resource_unit(&self, ru: &NewResourceUnit, by: &Actor) -> Result<StoredResourceUnit>;
    /// Set a unit's rate from `from`, which must be a month's first day (the same date replaces). Refused in or
    /// before a locked period.
    async fn set_resource_unit_rate(
        &self,
        id: &str,
        rate: Decimal,
        from: NaiveDate,
        by: &Actor,
    ) -> Result<StoredResourceUnit>;
    async fn list_resource_units(&self) -> Result<Vec<StoredResourceUnit>>;
    /// Every resource unit as the domain set draft generation rates chargeback customers with.
    async fn resource_unit_set(&self) -> Result<ResourceUnitSet>;
    /// Set a customer's billing model (audited).
    async fn set_billing_model(&self, customer: &str, model: BillingModel, by: &Actor) -> Result<()>;
    /// Every customer's billing model (`resale` unless set), in code order.
    async fn billing_models(&self) -> Result<Vec<CustomerBillingModel>>;
}

#[async_trait]
impl Chargeback for SqlStore {
    async fn add_resource_unit(&self, ru: &NewResourceUnit, by: &Actor) -> Result<StoredResourceUnit> {
        crate::fields::resource_unit(ru)?;
        let id = one_word("resource unit id", &ru.id)?;
        let (name, unit) = (ru.name.trim(), ru.unit.trim());
        if name.is_empty() || unit.is_empty() {
            return Err(StoreError::Invalid(format!("resource unit {id} needs a name and a unit")));
        }
        let clean = |v: &Option<String>| v.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(str::to_string);
        let selector = VolumeSelector {
            service: clean(&ru.selector.service),
            usage_type: clean(&ru.selector.usage_type),
            region: clean(&ru.selector.region),
            unit: clean(&ru.selector.unit),
        };
        if selector == VolumeSelector::default() {
            return Err(StoreError::Invalid(format!(
                "resource unit {id} selects nothing in particular: give a service, usage type, region or source unit"
            )));
        }
        let stored = StoredResourceUnit {
            id: id.clone(),
            name: name.to_string(),
            unit: unit.to_string(),
            selector,
            factor: ru.factor.normalize(),
            rates: Vec::new(),
            created_by: by.name.clone(),
            created_at: by.at,
        };
        stored.to_domain().map_err(invalid)?; // factor positive, id non-empty
        let mut tx = self.db.begin().await?;
        if !user_in(&mut tx, by).await?.role.can_write() {
            return Err(StoreError::Forbidden(format!("{} may not change resource units", by.name)));
        }
        if tx.opt("SELECT id FROM resource_units WHERE code = $1", args![id.as_str()]).await?.is_some() {
            return Err(StoreError::Conflict(format!("resource unit {id} already exists")));
        }
        let s = &stored.selector;
        tx.exec(
            "INSERT INTO resource_units (code, name, unit, service, usage_type, region, source_unit, factor, created_by, \
             created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
            args![
                id.as_str(),
                stored.name.as_str(),
                stored.unit.as_str(),
                s.service.clone(),
                s.usage_type.clone(),
                s.region.clone(),
                s.unit.clone(),
                stored.factor.to_string(),
                by.name.as_str(),
                by.at
            ],
        )
        .await?;
        audit::write(&mut tx, by, Audit::new("ru.add", "resource_unit", &id).after(&stored)).await?;
        tx.commit().await?;
        Ok(stored)
    }
    /// Set a rate from `from` (a month's first day; the same date replaces, audited before/after). Refused in or
    /// before a locked period: the rate would change what that period was billed on.
    async fn set_resource_unit_rate(
        &self,
        code: &str,
        rate: Decimal,
        from: NaiveDate,
        by: &Actor,
    ) -> Result<StoredResourceUnit> {
        month_start(&format!("resource unit {code} rate"), from)?;
        if rate.is_sign_negative() && !rate.is_zero() {
            return Err(StoreError::Invalid(format!("resource unit {code}: negative rate {rate}")));
        }
        let mut tx = self.db.begin().await?;
        if !user_in(&mut tx, by).await?.role.can_write() {
            return Err(StoreError::Forbidden(format!("{} may not change resource-unit rates", by.name)));
        }
        let Some(row) = tx.opt("SELECT id FROM resource_units WHERE code = $1", args![code]).await? else {
            return Err(StoreError::NotFound(format!("resource unit {code}")));
        };
        let ru: i64 = row.get(0)?;
        locks::refuse_from(&mut tx, from).await?;
        let before = load(&mut tx, Some(code)).await?.into_iter().next();
        tx.exec("DELETE FROM resource_unit_rates WHERE ru_id = $1 AND valid_from = $2", args![ru, from]).await?;
        tx.exec(
            "INSERT INTO resource_unit_rates (ru_id, valid_from, rate, set_by, set_at) VALUES ($1, $2, $3, $4, $5)",
            args![ru, from, rate.normalize().to_string(), by.name.as_str(), by.at],
        )
        .await?;
        let after = load(&mut tx, Some(code)).await?.into_iter().next();
        let after = after.ok_or_else(|| StoreError::NotFound(format!("resource unit {code}")))?;
        after.to_domain().map_err(invalid)?;
        let mut a = Audit::new("ru.rate", "resource_unit", code).after(&after);
        if let Some(b) = &before {
            a = a.before(b);
        }
        audit::write(&mut tx, by, a).await?;
        tx.commit().await?;
        Ok(after)
    }
    async fn list_resource_units(&self) -> Result<Vec<StoredResourceUnit>> {
        list_units(&self.db).await
    }
    async fn resource_unit_set(&self) -> Result<ResourceUnitSet> {
        let units =
            list_units(&self.db).await?.iter().map(StoredResourceUnit::to_domain).collect::<Result<Vec<_>, _>>();
        ResourceUnitSet::new(units.map_err(invalid)?).map_err(invalid)
    }
    async fn set_billing_model(&self, customer: &str, model: BillingModel, by: &Actor) -> Result<()> {
        let mut tx = self.db.begin().await?;
        if !user_in(&mut tx, by).await?.role.can_write() {
            return Err(StoreError::Forbidden(format!("{} may not change billing models", by.name)));
        }
        let cid = customer_id(&mut tx, customer).await?;
        let before =
            match tx.opt("SELECT model FROM customer_billing_models WHERE customer_id = $1", args![cid]).await? {
                Some(r) => BillingModel::from_str(&r.get::<String>(0)?).map_err(StoreError::Invalid)?,
                None => BillingModel::default(),
            };
        tx.exec(
            "INSERT INTO customer_billing_models (customer_id, model, set_by, set_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (customer_id) DO UPDATE SET model = excluded.model, set_by = excluded.set_by, \
             set_at = excluded.set_at",
            args![cid, model.as_str(), by.name.as_str(), by.at],
        )
        .await?;
        let a = Audit::new("customer.billing_model", "customer", customer).before(&before).after(&model);
        audit::write(&mut tx, by, a).await?;
        tx.commit().await
    }
    /// Every customer's billing model, in code order.
    async fn billing_models(&self) -> Result<Vec<CustomerBillingModel>> {
        let rows = self
            .db
            .all(
                "SELECT c.code, m.model FROM customers c LEFT JOIN customer_billing_models m ON m.customer_id = c.id \
                 ORDER BY c.code",
                vec![],
            )
            .await?;
        rows.iter()
            .map(|r| {
                let model = match r.get::<Option<String>>(1)? {
                    Some(m) => BillingModel::from_str(&m).map_err(StoreError::Invalid)?,
                    None => BillingModel::default(),
                };
                Ok(CustomerBillingModel { customer: r.get(0)?, model })
            })
            .collect()
    }
}
