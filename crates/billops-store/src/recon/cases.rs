//! Supplier reconciliation cases: a payer's supplier−import residual over tolerance becomes a case (one open
//! case per payer and period), worked to resolved or written off. Open cases with an expected credit note,
//! resolved and written-off cases explain the residual in the tie-out (see `facts::tie_outs`).
use std::collections::BTreeMap;

use billops_domain::Period;
use billops_domain::close::{CaseStatus, TieOutInput, TieOutStatus};
use rust_decimal::Decimal;

use crate::audit::{self, Audit};
use crate::close::{close_error, facts, locks};
use crate::db::{Conn, Db, Row, Tx, args, money_args, money_cols, parse_period, placeholders, set_money};
use crate::parties::user_in;
use crate::{Actor, CaseUpdate, OpenedCase, ReconCase, Result, StoreError};

fn select(b: crate::Backend) -> String {
    format!(
        "SELECT id, payer, period, status, owner, note, version, opened_by, opened_at, updated_by, updated_at, {}, {}, \
         {}, currency FROM recon_cases",
        money_cols(b, "residual"),
        money_cols(b, "expected"),
        money_cols(b, "received")
    )
}

fn row(r: &Row) -> Result<ReconCase> {
    let (residual, i) = r.money(11)?;
    let (expected, i) = r.money(i)?;
    let (received, i) = r.money(i)?;
    let status: String = r.get(3)?;
    Ok(ReconCase {
        id: r.get(0)?,
        payer: r.get(1)?,
        currency: r.get(i)?,
        period: parse_period(&r.get::<String>(2)?)?,
        status: status.parse().map_err(StoreError::Invalid)?,
        owner: r.get(4)?,
        residual,
        expected,
        received,
        note: r.get(5)?,
        version: r.get(6)?,
        opened_by: r.get(7)?,
        opened_at: r.get(8)?,
        updated_by: r.get(9)?,
        updated_at: r.get(10)?,
    })
}

pub(crate) async fn load(c: &mut Conn<'_>, id: i64) -> Result<ReconCase> {
    let sql = format!("{} WHERE id = $1", select(c.backend()));
    row(&c.opt(&sql, args![id]).await?.ok_or_else(|| StoreError::NotFound(format!("case {id}")))?)
}

pub(crate) async fn list(c: &mut Conn<'_>, period: Option<Period>) -> Result<Vec<ReconCase>> {
    let b = c.backend();
    let rows = match period {
        Some(p) => c.all(&format!("{} WHERE period = $1 ORDER BY payer, id", select(b)), args![p.to_string()]).await?,
        None => c.all(&format!("{} ORDER BY period DESC, payer, id", select(b)), vec![]).await?,
    };
    rows.iter().map(row).collect()
}

/// Σ explained supplier−import residual per payer and currency for `period`.
pub(crate) async fn explained(c: &mut Conn<'_>, period: Period) -> Result<BTreeMap<(String, String), Decimal>> {
    let mut out: BTreeMap<(String, String), Decimal> = BTreeMap::new();
    for case in list(c, Some(period)).await? {
        let e = out.entry((case.payer.clone(), case.currency.clone())).or_insert(Decimal::ZERO);
        *e = e.checked_add(case.explains()).ok_or_else(|| StoreError::Invalid("amount overflow".into()))?;
    }
    Ok(out)
}

async fn insert(tx: &mut Tx, t: &TieOutInput, residual: Decimal, by: &Actor) -> Result<ReconCase> {
    let b = tx.backend();
    let mut a = args![t.payer.as_str(), t.currency.as_str(), t.period.to_string(), CaseStatus::Open.as_str(), "", 1i64];
    a.extend(args![by.name.as_str(), by.at, by.name.as_str(), by.at]);
    a.extend(money_args(b, residual)?);
    a.extend(money_args(b, Decimal::ZERO)?);
    a.extend(money_args(b, Decimal::ZERO)?);
    let sql = format!(
        "INSERT INTO recon_cases (payer, currency, period, status, note, version, opened_by, opened_at, updated_by, updated_at, \
         {}, {}, {}) VALUES ({}) RETURNING id",
        money_cols(b, "residual"),
        money_cols(b, "expected"),
        money_cols(b, "received"),
        placeholders(1, a.len())
    );
    let id: i64 = tx.one(&sql, a).await?.get(0)?;
    load(&mut Conn::Tx(tx), id).await
}

/// One case per payer whose unexplained supplier−import residual exceeds `tolerance` (or whose supplier
/// invoice leg is otherwise unreconciled); a payer with an open case for the period keeps it (idempotent).
pub(crate) async fn open_for_period(
    db: &Db,
    period: Period,
    tolerance: Decimal,
    by: &Actor,
) -> Result<Vec<OpenedCase>> {
    let mut tx = db.begin().await?;
    if !user_in(&mut tx, by).await?.role.can_write() {
        return Err(StoreError::Forbidden(format!("{} may not open reconciliation cases", by.name)));
    }
    locks::refuse_locked(&mut tx, period).await?;
    let ties = facts::tie_outs(&mut Conn::Tx(&mut tx), period, tolerance).await?;
    let open: Vec<ReconCase> =
        list(&mut Conn::Tx(&mut tx), Some(period)).await?.into_iter().filter(|c| c.status.is_open()).collect();
    let mut out = Vec::new();
    for t in ties {
        if t.status != TieOutStatus::Unreconciled {
            continue;
        }
        let (Some(residual), Some(unexplained)) = (t.supplier_residual, t.unexplained_supplier) else { continue };
        if let Some(c) = open.iter().find(|c| c.payer == t.input.payer && c.currency == t.input.currency) {
            out.push(OpenedCase { case: c.clone(), created: false });
            continue;
        }
        if unexplained.abs() <= tolerance {
            continue; // the supplier leg is fine; the allocation leg is not a supplier discrepancy
        }
        let case = insert(&mut tx, &t.input, residual, by).await?;
        let eid = case.id.to_string();
        let a = Audit::new("case.open", "recon_case", &eid).period(period).after(&case);
        audit::write(&mut tx, by, a).await?;
        out.push(OpenedCase { case, created: true });
    }
    tx.commit().await?;
    Ok(out)
}

/// Change a case (status by the domain's rules, owner, expected and received credit notes, note).
pub(crate) async fn update(
    db: &Db,
    id: i64,
    u: &CaseUpdate,
    expected_version: Option<i64>,
    by: &Actor,
) -> Result<ReconCase> {
    let mut tx = db.begin().await?;
    let user = user_in(&mut tx, by).await?;
    let before = load(&mut Conn::Tx(&mut tx), id).await?;
    locks::refuse_locked(&mut tx, before.period).await?;
    if let Some(v) = expected_version
        && v != before.version
    {
        return Err(StoreError::Conflict(format!(
            "case {id} was changed meanwhile (version {}): reload",
            before.version
        )));
    }
    let to = u.status.unwrap_or(before.status);
    before.status.check_move(to, &user).map_err(close_error)?;
    let mut residual = before.residual;
    if to == CaseStatus::WrittenOff && before.status != to {
        // Write off what is outstanding now.
        let figures = crate::recon::payer_figures(&mut Conn::Tx(&mut tx), before.period).await?;
        if let Some(f) = figures.iter().find(|f| f.payer == before.payer && f.currency == before.currency)
            && let Some(s) = f.supplier_invoice
        {
            residual = s.checked_sub(f.imported_billed).ok_or_else(|| StoreError::Invalid("amount overflow".into()))?;
        }
    }
    let b = tx.backend();
    let owner = u.owner.clone().or(before.owner.clone()).filter(|o| !o.trim().is_empty());
    let note = u.note.clone().unwrap_or(before.note.clone());
    let mut a = args![to.as_str(), owner, note, by.name.as_str(), by.at];
    let n = a.len();
    a.extend(money_args(b, residual)?);
    let k = a.len();
    a.extend(money_args(b, u.expected.unwrap_or(before.expected))?);
    let m = a.len();
    a.extend(money_args(b, u.received.unwrap_or(before.received))?);
    let last = a.len();
    a.extend(args![id, before.version]);
    let sql = format!(
        "UPDATE recon_cases SET status = $1, owner = $2, note = $3, updated_by = $4, updated_at = $5, {}, {}, {}, \
         version = version + 1 WHERE id = ${} AND version = ${}",
        set_money(b, "residual", n + 1),
        set_money(b, "expected", k + 1),
        set_money(b, "received", m + 1),
        last + 1,
        last + 2
    );
    if tx.exec(&sql, a).await? == 0 {
        return Err(StoreError::Conflict(format!("case {id} changed meanwhile: reload and retry")));
    }
    let after = load(&mut Conn::Tx(&mut tx), id).await?;
    let eid = id.to_string();
    let action = if before.status == after.status { "case.update" } else { "case.status" };
    let a = Audit::new(action, "recon_case", &eid).period(after.period).before(&before).after(&after);
    audit::write(&mut tx, by, a).await?;
    tx.commit().await?;
    Ok(after)
}
