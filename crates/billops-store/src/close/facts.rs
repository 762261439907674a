//! The close board's facts, counted from the data (SPEC §2.7), never ticked by hand.
use std::collections::BTreeMap;

use billops_domain::close::{CloseConfig, CloseFacts, IssueCounts, TieOut, TieOutInput, tie_out};
use billops_domain::variance::unexplained;
use billops_domain::{Period, Severity};
use rust_decimal::Decimal;

use crate::close::close_error;
use crate::credits::unreached;
use crate::db::{Conn, Db, args, money_sum};
use crate::recon::cases;
use crate::{Result, recon, variance};

async fn count(c: &mut Conn<'_>, sql: &str, a: Vec<crate::db::Arg>) -> Result<u64> {
    let n: i64 = c.one(sql, a).await?.get(0)?;
    Ok(u64::try_from(n).unwrap_or(0))
}

/// One tie-out per payer and currency with data or a supplier invoice in the period; reconciliation cases explain the
/// supplier−import leg.
pub(crate) async fn tie_outs(c: &mut Conn<'_>, period: Period, tolerance: Decimal) -> Result<Vec<TieOut>> {
    let figures = recon::payer_figures(c, period).await?;
    let explained = cases::explained(c, period).await?;
    figures
        .into_iter()
        .map(|f| {
            let explained_supplier =
                explained.get(&(f.payer.clone(), f.currency.clone())).copied().unwrap_or(Decimal::ZERO);
            let input = TieOutInput {
                payer: f.payer,
                period,
                currency: f.currency,
                supplier_invoice: f.supplier_invoice,
                imported_billed: f.imported_billed,
                invoiced_at_cost: f.invoiced_at_cost,
                unassigned: f.unassigned,
                retained: Decimal::ZERO,
                explained_supplier,
                explained_allocation: Decimal::ZERO,
                tolerance,
            };
            tie_out(&input).map_err(close_error)
        })
        .collect()
}

/// Every fact of the board, one query after the other (inside sign-off's transaction).
pub(crate) async fn gather(c: &mut Conn<'_>, summary: bool, period: Period, cfg: &CloseConfig) -> Result<CloseFacts> {
    let mut facts = gather_counts(c, summary, period, cfg).await?;
    facts.variances_unexplained = variances(c, summary, period, cfg).await?;
    Ok(facts)
}

/// Flagged variances without a current explanation (the heaviest read of the board: both months' cost by
/// customer and service, from the summary when `summary`).
pub(crate) async fn variances(c: &mut Conn<'_>, summary: bool, period: Period, cfg: &CloseConfig) -> Result<u64> {
    Ok(unexplained(&variance::reviewed(c, summary, period, &cfg.variance).await?))
}

/// Every fact but the variance count (left 0).
pub(crate) async fn gather_counts(
    c: &mut Conn<'_>,
    summary: bool,
    period: Period,
    cfg: &CloseConfig,
) -> Result<CloseFacts> {
    let p = period.to_string();
    let (start, end) = (period.start(), period.end());
    let payers_not_final: Vec<String> = c
        .all(
            "SELECT DISTINCT payer FROM batch_scopes WHERE period = $1 AND replaced_by IS NULL \
             AND status = 'estimated' ORDER BY payer",
            args![p.as_str()],
        )
        .await?
        .iter()
        .map(|r| r.get(0))
        .collect::<Result<_>>()?;

    let payers_final: Vec<String> = c
        .all(
            "SELECT DISTINCT payer FROM batch_scopes WHERE period = $1 AND replaced_by IS NULL \
             AND payer NOT IN (SELECT payer FROM batch_scopes WHERE period = $1 AND replaced_by IS NULL \
             AND status = 'estimated') ORDER BY payer",
            args![p.as_str()],
        )
        .await?
        .iter()
        .map(|r| r.get(0))
        .collect::<Result<_>>()?;
    // Expected: every payer with data the month before; missing: none of its data in this month.
    let payers_missing: Vec<String> = c
        .all(
            "SELECT DISTINCT payer FROM batch_scopes WHERE period = $1 AND replaced_by IS NULL \
             AND payer NOT IN (SELECT payer FROM batch_scopes WHERE period = $2 AND replaced_by IS NULL) \
             ORDER BY payer",
            args![period.prev().to_string(), p.as_str()],
        )
        .await?
        .iter()
        .map(|r| r.get(0))
        .collect::<Result<_>>()?;

    let mut open_issues = IssueCounts::default();
    for r in c
        .all(
            "SELECT severity, count(*) FROM feed_issues WHERE is_open AND period = $1 GROUP BY severity",
            args![p.as_str()],
        )
        .await?
    {
        let n = u64::try_from(r.get::<i64>(1)?).unwrap_or(0);
        match r.get::<String>(0)?.parse::<Severity>() {
            Ok(Severity::Error) => open_issues.error += n,
            Ok(Severity::Warning) => open_issues.warning += n,
            _ => open_issues.info += n,
        }
    }

    // per account and currency: an account counts once when it has cost in any currency, the cost per currency
    let sum = money_sum(c.backend(), "r.", "billed");
    let sql = format!(
        "SELECT r.account, cur.value, {sum} FROM cost_rollups r LEFT JOIN dict cur ON cur.id = r.currency \
         WHERE r.period = $1 AND r.customer_id = 0 GROUP BY r.account, cur.value"
    );
    let mut accounts = std::collections::BTreeSet::new();
    let mut unassigned_cost: BTreeMap<String, Decimal> = BTreeMap::new();
    for r in c.all(&sql, args![p.as_str()]).await? {
        let (v, _) = r.money(2)?;
        if !v.is_zero() {
            accounts.insert(r.get::<i64>(0)?);
            let e = unassigned_cost.entry(r.get::<Option<String>>(1)?.unwrap_or_default()).or_insert(Decimal::ZERO);
            *e = e.checked_add(v).ok_or_else(|| crate::StoreError::Invalid("amount overflow".into()))?;
        }
    }
    let unassigned_accounts_with_cost = u64::try_from(accounts.len()).unwrap_or(u64::MAX);

    let tie_outs = tie_outs(c, period, cfg.tie_out_tolerance).await?;
    let credits_awaiting_approval = count(
        c,
        "SELECT count(*) FROM credits WHERE status = 'proposed' AND valid_from < $1 AND valid_to > $2",
        args![end, start],
    )
    .await?;
    let credits_not_on_drafts = count(
        c,
        "SELECT count(*) FROM credits c JOIN invoices i ON i.customer_id = c.customer_id AND i.period = $1 \
         AND i.status IN ('draft', 'reviewed', 'approved') \
         WHERE c.status = 'approved' AND c.valid_from < $2 AND c.valid_to > $3 AND c.decided_at > i.generated_at",
        args![p.as_str(), end, start],
    )
    .await?;
    let with_cost = crate::service_rollups::customers_with_cost(summary);
    let customers_without_draft = count(
        c,
        &format!(
            "SELECT count(*) FROM ({with_cost}) x WHERE NOT EXISTS (SELECT 1 FROM invoices i \
             WHERE i.customer_id = x.customer_id AND i.period = $1 AND i.status <> 'void')"
        ),
        args![p.as_str()],
    )
    .await?;
    let drafts_not_approved = count(
        c,
        "SELECT count(*) FROM invoices WHERE period = $1 AND status IN ('draft', 'reviewed')",
        args![p.as_str()],
    )
    .await?;
    let customers_with_cost = count(c, &format!("SELECT count(*) FROM ({with_cost}) x"), args![p.as_str()]).await?;
    let invoices_approved_unissued =
        count(c, "SELECT count(*) FROM invoices WHERE period = $1 AND status = 'approved'", args![p.as_str()]).await?;
    let invoices_issued = count(
        c,
        "SELECT count(*) FROM invoices WHERE period = $1 AND status IN ('issued', 'partly_paid', 'paid', 'disputed')",
        args![p.as_str()],
    )
    .await?;
    // Every current checklist item, computed ones computed now (`onboarding.rs`).
    let onboarding_incomplete = crate::onboarding::incomplete_with_cost(c, summary, p.as_str()).await?;
    Ok(CloseFacts {
        period,
        payers_not_final,
        open_issues,
        unassigned_accounts_with_cost,
        unassigned_cost,
        tie_outs,
        credits_awaiting_approval,
        discounts_awaiting_approval: 0,
        credits_not_on_drafts,
        variances_unexplained: 0,
        customers_without_draft,
        drafts_not_approved,
        onboarding_incomplete,
        payers_final,
        payers_missing,
        customers_with_cost,
        invoices_approved_unissued,
        invoices_issued,
        supplier_credits_unreached: 0,
        supplier_credits_reached: 0,
        funding_credits_unused: 0,
    })
}

/// Facts with nothing counted (a base for [`with_unreached`]).
pub(crate) fn empty(period: Period) -> CloseFacts {
    CloseFacts {
        period,
        payers_not_final: Vec::new(),
        open_issues: IssueCounts::default(),
        unassigned_accounts_with_cost: 0,
        unassigned_cost: BTreeMap::new(),
        tie_outs: Vec::new(),
        credits_awaiting_approval: 0,
        discounts_awaiting_approval: 0,
        credits_not_on_drafts: 0,
        variances_unexplained: 0,
        customers_without_draft: 0,
        drafts_not_approved: 0,
        onboarding_incomplete: 0,
        payers_final: Vec::new(),
        payers_missing: Vec::new(),
        customers_with_cost: 0,
        invoices_approved_unissued: 0,
        invoices_issued: 0,
        supplier_credits_unreached: 0,
        supplier_credits_reached: 0,
        funding_credits_unused: 0,
    }
}

/// The credits cross-check's counts on the board (item 4): supplier credits reached / not, funding credits unused.
pub(crate) async fn with_unreached(db: &Db, facts: CloseFacts) -> Result<CloseFacts> {
    let u = unreached::unreached(db, facts.period).await?;
    let reached = u.supplier.iter().filter(|r| r.reached()).count();
    let n = |k: usize| u64::try_from(k).unwrap_or(u64::MAX);
    Ok(CloseFacts {
        supplier_credits_reached: n(reached),
        supplier_credits_unreached: n(u.supplier.len() - reached),
        funding_credits_unused: n(u.unapplied.len()),
        ..facts
    })
}
