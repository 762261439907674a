//! Supplier invoices and the per-payer figures of the three-way tie-out; CloudHealth customer statements and
//! the customer tie-out (`statements.rs`).
pub(crate) mod cases;
pub mod statements;

use std::collections::BTreeMap;

use async_trait::async_trait;
use billops_domain::Period;
use rust_decimal::Decimal;

use crate::audit::{self, Audit};
use crate::close::locks;
use crate::db::{Conn, Row, args, money_args, money_cols, money_sum, parse_period, placeholders};
use crate::parties::user_in;
use crate::{
    Actor, CaseUpdate, NewSupplierInvoice, OpenedCase, PayerFigures, ReconCase, Result, SqlStore, StoreError,
    SupplierInvoice,
};

fn select(b: crate::Backend) -> String {
    format!(
        "SELECT id, payer, period, number, currency, {}, {}, {}, entered_by, entered_at FROM supplier_invoices",
        money_cols(b, "amount"),
        money_cols(b, "tax"),
        money_cols(b, "credits")
    )
}

fn row(r: &Row) -> Result<SupplierInvoice> {
    let (amount, i) = r.money(5)?;
    let (tax, i) = r.money(i)?;
    let (credits, i) = r.money(i)?;
    Ok(SupplierInvoice {
        id: r.get(0)?,
        payer: r.get(1)?,
        period: parse_period(&r.get::<String>(2)?)?,
        number: r.get(3)?,
        currency: r.get(4)?,
        amount,
        tax,
        credits,
        entered_by: r.get(i)?,
        entered_at: r.get(i + 1)?,
    })
}

/// Per payer and currency: supplier invoices, imported billed cost, cost behind the (non-void) customer invoices
/// and the unassigned cost of the period. Two currencies are never added: a payer with cost (or a supplier
/// invoice) in two currencies has a row per currency, each tied out on its own.
pub(crate) async fn payer_figures(c: &mut Conn<'_>, period: Period) -> Result<Vec<PayerFigures>> {
    let b = c.backend();
    let p = period.to_string();
    let mut out: BTreeMap<(String, String), PayerFigures> = BTreeMap::new();
    fn entry<'a>(out: &'a mut BTreeMap<(String, String), PayerFigures>, r: &Row) -> Result<&'a mut PayerFigures> {
        let (payer, currency): (String, String) = (r.get(0)?, r.get::<Option<String>>(1)?.unwrap_or_default());
        Ok(out.entry((payer.clone(), currency.clone())).or_insert_with(|| PayerFigures {
            payer,
            currency,
            supplier_invoice: None,
            imported_billed: Decimal::ZERO,
            invoiced_at_cost: Decimal::ZERO,
            unassigned: Decimal::ZERO,
        }))
    }
    let billed = money_sum(b, "r.", "billed");
    let rollups = |only_unassigned: &str| {
        format!(
            "SELECT d.value, cur.value, {billed} FROM cost_rollups r JOIN dict d ON d.id = r.payer \
             LEFT JOIN dict cur ON cur.id = r.currency WHERE r.period = $1 {only_unassigned} \
             GROUP BY d.value, cur.value"
        )
    };
    for r in c.all(&rollups(""), args![p.as_str()]).await? {
        entry(&mut out, &r)?.imported_billed = r.money(2)?.0;
    }
    for r in c.all(&rollups("AND r.customer_id = 0"), args![p.as_str()]).await? {
        entry(&mut out, &r)?.unassigned = r.money(2)?.0;
    }
    let cost = money_sum(b, "c.", "cost");
    let invoiced = format!(
        "SELECT c.payer, c.currency, {cost} FROM invoice_payer_costs c JOIN invoices i ON i.id = c.invoice_id \
         WHERE i.period = $1 AND i.status <> 'void' GROUP BY c.payer, c.currency"
    );
    for r in c.all(&invoiced, args![p.as_str()]).await? {
        entry(&mut out, &r)?.invoiced_at_cost = r.money(2)?.0;
    }
    let amount = money_sum(b, "", "amount");
    let supplier =
        format!("SELECT payer, currency, {amount} FROM supplier_invoices WHERE period = $1 GROUP BY payer, currency");
    for r in c.all(&supplier, args![p.as_str()]).await? {
        entry(&mut out, &r)?.supplier_invoice = Some(r.money(2)?.0);
    }
    Ok(out.into_values().collect())
}

/// Supplier invoices, tie-out figures per payer, and reconciliation cases.
#[async_trait]
pub trait SupplierRecon: Send + Sync {
    async fn add_supplier_invoice(&self, s: &NewSupplierInvoice, by: &Actor) -> Result<SupplierInvoice>;
    async fn list_supplier_invoices(&self, period: Option<Period>) -> Result<Vec<SupplierInvoice>>;
    async fn payer_figures(&self, period: Period) -> Result<Vec<PayerFigures>>;
    /// Supplier reconciliation cases of a period (all periods when `None`), by payer.
    async fn list_cases(&self, period: Option<Period>) -> Result<Vec<ReconCase>>;
    async fn case(&self, id: i64) -> Result<ReconCase>;
    /// Open a case for every payer whose supplier−import residual is unexplained beyond `tolerance`; a payer
    /// with an open case for the period keeps it (`created: false`). Operators; refused in a locked period.
    async fn open_cases(&self, period: Period, tolerance: Decimal, by: &Actor) -> Result<Vec<OpenedCase>>;
    /// Update a case (status open → waiting_credit_note → resolved | written_off; writing off takes a manager).
    async fn update_case(
        &self,
        id: i64,
        update: &CaseUpdate,
        expected_version: Option<i64>,
        by: &Actor,
    ) -> Result<ReconCase>;
}

#[async_trait]
impl SupplierRecon for SqlStore {
    async fn add_supplier_invoice(&self, s: &NewSupplierInvoice, by: &Actor) -> Result<SupplierInvoice> {
        crate::fields::supplier_invoice(s)?;
        if s.payer.trim().is_empty() || s.number.trim().is_empty() {
            return Err(StoreError::Invalid("a supplier invoice needs a payer and a number".into()));
        }
        let mut tx = self.db.begin().await?;
        if !user_in(&mut tx, by).await?.role.can_write() {
            return Err(StoreError::Forbidden(format!("{} may not enter supplier invoices", by.name)));
        }
        locks::refuse_locked(&mut tx, s.period).await?;
        let b = tx.backend();
        if tx
            .opt(
                "SELECT id FROM supplier_invoices WHERE payer = $1 AND number = $2",
                args![s.payer.trim(), s.number.trim()],
            )
            .await?
            .is_some()
        {
            return Err(StoreError::Conflict(format!("supplier invoice {} of payer {} exists", s.number, s.payer)));
        }
        let cols = [money_cols(b, "amount"), money_cols(b, "tax"), money_cols(b, "credits")].join(", ");
        let mut a = args![s.payer.trim(), s.period.to_string(), s.number.trim(), s.currency.as_str()];
        a.extend(money_args(b, s.amount)?);
        a.extend(money_args(b, s.tax)?);
        a.extend(money_args(b, s.credits)?);
        a.extend(args![by.name.as_str(), by.at]);
        let sql = format!(
            "INSERT INTO supplier_invoices (payer, period, number, currency, {cols}, entered_by, entered_at) \
             VALUES ({}) RETURNING id",
            placeholders(1, a.len())
        );
        let id: i64 = tx.one(&sql, a).await?.get(0)?;
        let created = row(&tx.one(&format!("{} WHERE id = $1", select(b)), args![id]).await?)?;
        let eid = id.to_string();
        let a = Audit::new("supplier_invoice.add", "supplier_invoice", &eid).period(s.period).after(&created);
        audit::write(&mut tx, by, a).await?;
        tx.commit().await?;
        Ok(created)
    }
    async fn list_supplier_invoices(&self, period: Option<Period>) -> Result<Vec<SupplierInvoice>> {
        let b = self.db.backend();
        let rows = match period {
            Some(p) => {
                self.db
                    .all(&format!("{} WHERE period = $1 ORDER BY payer, id", select(b)), args![p.to_string()])
                    .await?
            }
            None => self.db.all(&format!("{} ORDER BY period DESC, payer, id", select(b)), vec![]).await?,
        };
        rows.iter().map(row).collect()
    }
    async fn payer_figures(&self, period: Period) -> Result<Vec<PayerFigures>> {
        payer_figures(&mut Conn::Db(&self.db), period).await
    }
    async fn list_cases(&self, period: Option<Period>) -> Result<Vec<ReconCase>> {
        cases::list(&mut Conn::Db(&self.db), period).await
    }
    async fn case(&self, id: i64) -> Result<ReconCase> {
        cases::load(&mut Conn::Db(&self.db), id).await
    }
    async fn open_cases(&self, period: Period, tolerance: Decimal, by: &Actor) -> Result<Vec<OpenedCase>> {
        cases::open_for_period(&self.db, period, tolerance, by).await
    }
    async fn update_case(
        &self,
        id: i64,
        update: &CaseUpdate,
        expected_version: Option<i64>,
        by: &Actor,
    ) -> Result<ReconCase> {
        crate::fields::case_update(update)?;
        cases::update(&self.db, id, update, expected_version, by).await
    }
}
