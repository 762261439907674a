//! The credits cross-check (SPEC §2.5): supplier credits in the imported data that no customer credit passes
//! through, and approved funding / promotional credits that no issued invoice has used.
use std::collections::{BTreeMap, HashMap};

use billops_domain::credit::{CreditKind, CreditStatus};
use billops_domain::{ChargeCategory, Period};
use rust_decimal::Decimal;

use crate::db::{Conn, Db, args, money_sum};
use crate::rating::price_book::dict_values;
use crate::{CreditFilter, Result, SupplierCreditRow, UnappliedCredit, UnreachedCredits, credits, invoices};

fn passes_through(k: &CreditKind) -> bool {
    matches!(k, CreditKind::SupplierPromotion | CreditKind::SlaServiceCredit)
}

fn funding_or_promo(k: &CreditKind) -> bool {
    matches!(k, CreditKind::Funding(_) | CreditKind::SupplierPromotion)
}

pub(crate) async fn unreached(db: &Db, period: Period) -> Result<UnreachedCredits> {
    let (start, end) = (period.start(), period.end());
    let mut codes: HashMap<i64, String> = HashMap::new();
    for r in db.all("SELECT id, code FROM customers", vec![]).await? {
        codes.insert(r.get(0)?, r.get(1)?);
    }
    let all = credits::list(db, &CreditFilter::default()).await?;

    // (a) supplier credits and refunds by payer, account and service
    let keys = "customer_id, payer, account, service, charge_category, currency";
    let sum = money_sum(db.backend(), "", "billed");
    let sql = format!(
        "SELECT {keys}, {sum} FROM cost_rollups WHERE period = $1 AND charge_category IN \
         (SELECT id FROM dict WHERE value IN ('credit', 'refund')) GROUP BY {keys}"
    );
    let rows = db.all(&sql, args![period.to_string()]).await?;
    let mut ids: Vec<i64> = Vec::new();
    for r in &rows {
        for k in 1..6 {
            ids.push(r.get(k)?);
        }
    }
    ids.sort_unstable();
    ids.dedup();
    let dict = dict_values(db, ids).await?;
    let text = |id: i64| dict.get(&id).cloned().unwrap_or_default();
    let mut supplier = Vec::with_capacity(rows.len());
    for r in &rows {
        let cid: i64 = r.get(0)?;
        let customer = codes.get(&cid).cloned();
        let (account, service) = (text(r.get(2)?), text(r.get(3)?));
        let passed_through_by = all
            .iter()
            .map(|s| &s.credit)
            .filter(|c| {
                customer.as_deref() == Some(c.customer())
                    && passes_through(c.kind())
                    && matches!(c.status(), CreditStatus::Approved | CreditStatus::Exhausted)
                    && c.validity().start < end
                    && c.validity().end > start
                    && c.scope().covers(&account, &service)
            })
            .map(|c| c.id().to_string())
            .collect();
        supplier.push(SupplierCreditRow {
            payer: text(r.get(1)?),
            account,
            service,
            charge_category: text(r.get(4)?).parse().unwrap_or(ChargeCategory::Credit),
            customer,
            amount: r.money(6)?.0,
            currency: text(r.get(5)?),
            passed_through_by,
        });
    }
    supplier.sort_by(|a, b| {
        (&a.payer, &a.account, &a.service, a.charge_category, &a.currency).cmp(&(
            &b.payer,
            &b.account,
            &b.service,
            b.charge_category,
            &b.currency,
        ))
    });

    // (b) funding and promotional credits with nothing applied to an issued invoice
    let mut planned: BTreeMap<String, i64> = BTreeMap::new();
    let open = db
        .all(
            "SELECT id FROM invoices WHERE period = $1 AND status IN ('draft', 'reviewed', 'approved') ORDER BY id",
            args![period.to_string()],
        )
        .await?;
    for r in &open {
        let inv = invoices::load(&mut Conn::Db(db), r.get(0)?).await?;
        for a in &inv.draft.credit_applications {
            planned.entry(a.credit_id.clone()).or_insert(inv.id);
        }
    }
    let unapplied = all
        .iter()
        .map(|s| &s.credit)
        .filter(|c| {
            funding_or_promo(c.kind())
                && c.status() == CreditStatus::Approved
                && c.remaining() > Decimal::ZERO
                && c.remaining() == c.amount().amount
                && c.validity().start < end
        })
        .map(|c| UnappliedCredit {
            id: c.id().to_string(),
            customer: c.customer().to_string(),
            kind: c.kind().clone(),
            amount: c.amount().amount,
            remaining: c.remaining(),
            currency: c.amount().currency.clone(),
            valid_from: c.validity().start,
            valid_to: c.validity().end,
            on_draft: planned.get(c.id()).copied(),
        })
        .collect();
    Ok(UnreachedCredits { period, supplier, unapplied })
}
