//! Payments, balances and statements. The balance look-up is a handful of indexed reads of one customer.
use async_trait::async_trait;
use billops_domain::invoice::InvoiceError;
use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::audit::{self, Audit};
use crate::db::{Arg, Conn, Db, Row, args, money_args, money_cols, money_sum, placeholders};
use crate::invoices::{invoice_error, load, write_state};
use crate::parties::{customer_id, user_in};
use crate::{
    Actor, Balance, NewPayment, Payment, Result, SqlStore, Statement, StatementEntry, StatementKind, StoreError,
};

trait OneRow {
    async fn one_row(&self, q: &str, a: Vec<Arg>) -> Result<Row>;
}

impl OneRow for Db {
    async fn one_row(&self, q: &str, a: Vec<Arg>) -> Result<Row> {
        self.opt(q, a).await?.ok_or_else(|| StoreError::NotFound("row".into()))
    }
}

/// Issued (not void) invoices count towards a balance.
const OWED: &str = "('issued', 'partly_paid', 'paid', 'disputed')";

async fn customer_row(db: &Db, code: &str) -> Result<(i64, String)> {
    let r = db
        .opt("SELECT id, currency FROM customers WHERE code = $1", args![code])
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("customer {code}")))?;
    Ok((r.get(0)?, r.get(1)?))
}

/// Payments, balances and statements.
#[async_trait]
pub trait Payments: Send + Sync {
    async fn add_payment(&self, p: &NewPayment, by: &Actor) -> Result<Payment>;
    async fn balance(&self, customer: &str, today: NaiveDate) -> Result<Balance>;
    async fn statement(&self, customer: &str, from: NaiveDate, to: NaiveDate) -> Result<Statement>;
    /// The payments recorded against one invoice, oldest first (an invoice's detail in the console).
    async fn invoice_payments(&self, invoice_id: i64) -> Result<Vec<Payment>>;
}

#[async_trait]
impl Payments for SqlStore {
    async fn add_payment(&self, p: &NewPayment, by: &Actor) -> Result<Payment> {
        crate::fields::payment(p)?;
        if p.amount <= Decimal::ZERO {
            return Err(StoreError::Invalid(format!("a payment must be positive, not {}", p.amount)));
        }
        let mut tx = self.db.begin().await?;
        let user = user_in(&mut tx, by).await?;
        if !user.role.can_write() {
            return Err(StoreError::Forbidden(format!("{} ({}) may not record payments", user.name, user.role)));
        }
        let cid = customer_id(&mut tx, &p.customer).await?;
        let currency: String = tx.one("SELECT currency FROM customers WHERE id = $1", args![cid]).await?.get(0)?;
        crate::fields::minor_units("payment amount", p.amount, &currency)?;
        crate::close::locks::refuse_payment_in_locked(&mut tx, p.received_on).await?;
        let mut invoice_id: Option<i64> = None;
        if let Some(number) = &p.invoice {
            let r = tx
                .opt("SELECT id FROM invoices WHERE number = $1 AND customer_id = $2", args![number.as_str(), cid])
                .await?
                .ok_or_else(|| StoreError::NotFound(format!("invoice {number} of customer {}", p.customer)))?;
            let id: i64 = r.get(0)?;
            let s = load(&mut Conn::Tx(&mut tx), id).await?;
            // Credit notes lower what is owed on the invoice (its own state follows payments only).
            let credited = crate::credit_notes::credited(&mut Conn::Tx(&mut tx), id).await?;
            let owed = s.total.checked_sub(s.paid).and_then(|x| x.checked_sub(credited)).unwrap_or(Decimal::ZERO);
            if !credited.is_zero() && p.amount > owed {
                return Err(StoreError::Invalid(format!(
                    "payment {} is more than the {owed} still owed on {number} after its credit notes",
                    p.amount
                )));
            }
            let mut inv = billops_domain::invoice::Invoice::restore(
                s.id.to_string(),
                s.status,
                s.number.clone(),
                s.draft.clone(),
                s.paid,
                s.history.clone(),
            )
            .map_err(invoice_error)?;
            inv.record_payment(p.amount, &user, by.at).map_err(|e| match e {
                InvoiceError::Overpayment { .. } => StoreError::Invalid(e.to_string()),
                other => invoice_error(other),
            })?;
            write_state(&mut tx, &s, &inv).await?;
            invoice_id = Some(id);
        }
        let b = tx.backend();
        let mut a = args![cid];
        a.extend(money_args(b, p.amount)?);
        a.extend(args![p.received_on, invoice_id, p.reference.clone(), by.name.as_str(), by.at]);
        let sql = format!(
            "INSERT INTO payments (customer_id, {}, received_on, invoice_id, reference, created_by, created_at) \
             VALUES ({}) RETURNING id",
            money_cols(b, "amount"),
            placeholders(1, a.len())
        );
        let id: i64 = tx.one(&sql, a).await?.get(0)?;
        let payment = Payment {
            id,
            customer: p.customer.clone(),
            amount: p.amount,
            received_on: p.received_on,
            invoice: p.invoice.clone(),
            reference: p.reference.clone(),
        };
        audit::write(&mut tx, by, Audit::new("payment.add", "payment", &id.to_string()).after(&payment)).await?;
        tx.commit().await?;
        Ok(payment)
    }
    async fn balance(&self, customer: &str, today: NaiveDate) -> Result<Balance> {
        let (cid, currency) = customer_row(&self.db, customer).await?;
        let b = self.db.backend();
        let (total, paid) = (money_sum(b, "", "total"), money_sum(b, "", "paid"));
        let inv = self
            .db
            .one_row(&format!("SELECT {total} FROM invoices WHERE customer_id = $1 AND status IN {OWED}"), args![cid])
            .await?;
        let (invoiced, _) = inv.money(0)?;
        let notes = self
            .db
            .one_row(
                &format!("SELECT {} FROM credit_notes WHERE customer_id = $1", money_sum(b, "", "amount")),
                args![cid],
            )
            .await?
            .money(0)?
            .0;
        let od_notes = self
            .db
            .one_row(
                &format!(
                    "SELECT {} FROM credit_notes n JOIN invoices i ON i.id = n.invoice_id WHERE i.customer_id = $1 \
                     AND i.due_on < $2 AND i.status IN ('issued', 'partly_paid', 'disputed')",
                    money_sum(b, "n.", "amount")
                ),
                args![cid, today],
            )
            .await?
            .money(0)?
            .0;
        let overdue_row = self
            .db
            .one_row(
                &format!(
                    "SELECT {total}, {paid} FROM invoices WHERE customer_id = $1 AND due_on < $2 \
                     AND status IN ('issued', 'partly_paid', 'disputed')"
                ),
                args![cid, today],
            )
            .await?;
        let (od_total, i) = overdue_row.money(0)?;
        let (od_paid, _) = overdue_row.money(i)?;
        let od_disputed = crate::disputes::held_overdue(&self.db, b, cid, today).await?;
        let last_inv = self
            .db
            .opt(
                &format!(
                    "SELECT number, issued_on FROM invoices WHERE customer_id = $1 AND status IN {OWED} \
                     ORDER BY issued_on DESC, id DESC LIMIT 1"
                ),
                args![cid],
            )
            .await?;
        let pay = self
            .db
            .one_row(&format!("SELECT {} FROM payments WHERE customer_id = $1", money_sum(b, "", "amount")), args![cid])
            .await?;
        let (payments, _) = pay.money(0)?;
        let last_pay = self.db
            .opt(
                &format!(
                    "SELECT {}, received_on FROM payments WHERE customer_id = $1 ORDER BY received_on DESC, id DESC LIMIT 1",
                    money_cols(b, "amount")
                ),
                args![cid],
            )
            .await?;
        let (last_payment, last_payment_on) = match &last_pay {
            Some(r) => {
                let (amount, i) = r.money(0)?;
                (Some(amount), Some(r.get(i)?))
            }
            None => (None, None),
        };
        let overflow = || StoreError::Invalid("balance overflow".into());
        Ok(Balance {
            customer: customer.to_string(),
            currency,
            balance: invoiced.checked_sub(payments).and_then(|x| x.checked_sub(notes)).ok_or_else(overflow)?,
            overdue: od_total
                .checked_sub(od_paid)
                .and_then(|x| x.checked_sub(od_notes))
                .and_then(|x| x.checked_sub(od_disputed))
                .ok_or_else(overflow)?
                .max(Decimal::ZERO),
            last_invoice: last_inv.as_ref().map(|r| r.get(0)).transpose()?,
            last_invoice_on: last_inv.as_ref().map(|r| r.get(1)).transpose()?,
            last_payment,
            last_payment_on,
        })
    }
    async fn statement(&self, customer: &str, from: NaiveDate, to: NaiveDate) -> Result<Statement> {
        let (cid, currency) = customer_row(&self.db, customer).await?;
        let b = self.db.backend();
        let before_inv = self
            .db
            .one_row(
                &format!(
                    "SELECT {} FROM invoices WHERE customer_id = $1 AND status IN {OWED} AND issued_on < $2",
                    money_sum(b, "", "total")
                ),
                args![cid, from],
            )
            .await?
            .money(0)?
            .0;
        let before_pay = self
            .db
            .one_row(
                &format!(
                    "SELECT {} FROM payments WHERE customer_id = $1 AND received_on < $2",
                    money_sum(b, "", "amount")
                ),
                args![cid, from],
            )
            .await?
            .money(0)?
            .0;
        let before_notes = self
            .db
            .one_row(
                &format!(
                    "SELECT {} FROM credit_notes WHERE customer_id = $1 AND issued_on < $2",
                    money_sum(b, "", "amount")
                ),
                args![cid, from],
            )
            .await?
            .money(0)?
            .0;
        let overflow = || StoreError::Invalid("statement overflow".into());
        let opening =
            before_inv.checked_sub(before_pay).and_then(|x| x.checked_sub(before_notes)).ok_or_else(overflow)?;
        let mut entries = Vec::new();
        let invs = self
            .db
            .all(
                &format!(
                    "SELECT issued_on, number, {} FROM invoices WHERE customer_id = $1 AND status IN {OWED} \
                     AND issued_on >= $2 AND issued_on <= $3 ORDER BY issued_on, id",
                    money_cols(b, "total")
                ),
                args![cid, from, to],
            )
            .await?;
        for r in &invs {
            let number: Option<String> = r.get(1)?;
            entries.push(StatementEntry {
                date: r.get(0)?,
                kind: StatementKind::Invoice,
                reference: number.unwrap_or_default(),
                amount: r.money(2)?.0,
            });
        }
        let pays = self
            .db
            .all(
                &format!(
                    "SELECT p.received_on, p.id, p.reference, i.number, {} FROM payments p \
                     LEFT JOIN invoices i ON i.id = p.invoice_id WHERE p.customer_id = $1 \
                     AND p.received_on >= $2 AND p.received_on <= $3 ORDER BY p.received_on, p.id",
                    money_cols(b, "p.amount")
                ),
                args![cid, from, to],
            )
            .await?;
        for r in &pays {
            let id: i64 = r.get(1)?;
            let reference: Option<String> = r.get(2)?;
            let invoice: Option<String> = r.get(3)?;
            let label = match (reference, invoice) {
                (Some(x), Some(i)) => format!("payment {id} {x} ({i})"),
                (Some(x), None) => format!("payment {id} {x}"),
                (None, Some(i)) => format!("payment {id} ({i})"),
                (None, None) => format!("payment {id}"),
            };
            entries.push(StatementEntry {
                date: r.get(0)?,
                kind: StatementKind::Payment,
                reference: label,
                amount: -r.money(4)?.0,
            });
        }
        let notes = self.db
            .all(
                &format!(
                    "SELECT n.issued_on, n.number, i.number, {} FROM credit_notes n JOIN invoices i ON i.id = n.invoice_id \
                     WHERE n.customer_id = $1 AND n.issued_on >= $2 AND n.issued_on <= $3 ORDER BY n.issued_on, n.id",
                    money_cols(b, "n.amount")
                ),
                args![cid, from, to],
            )
            .await?;
        for r in &notes {
            let (number, invoice): (String, Option<String>) = (r.get(1)?, r.get(2)?);
            entries.push(StatementEntry {
                date: r.get(0)?,
                kind: StatementKind::CreditNote,
                reference: format!("{number} ({})", invoice.unwrap_or_default()),
                amount: -r.money(3)?.0,
            });
        }
        entries.sort_by_key(|e| e.date);
        let mut closing = opening;
        for e in &entries {
            closing = closing.checked_add(e.amount).ok_or_else(overflow)?;
        }
        Ok(Statement { customer: customer.to_string(), currency, from, to, opening, entries, closing })
    }

    async fn invoice_payments(&self, invoice_id: i64) -> Result<Vec<Payment>> {
        let rows = self
            .db
            .all(
                &format!(
                    "SELECT p.id, c.code, p.received_on, i.number, p.reference, {} FROM payments p \
                     JOIN customers c ON c.id = p.customer_id JOIN invoices i ON i.id = p.invoice_id \
                     WHERE p.invoice_id = $1 ORDER BY p.received_on, p.id",
                    money_cols(self.db.backend(), "p.amount")
                ),
                args![invoice_id],
            )
            .await?;
        rows.iter()
            .map(|r| {
                Ok(Payment {
                    id: r.get(0)?,
                    customer: r.get(1)?,
                    received_on: r.get(2)?,
                    invoice: r.get(3)?,
                    reference: r.get(4)?,
                    amount: r.money(5)?.0,
                })
            })
            .collect()
    }
}
