//! Who a line item belongs to: the customer its account was assigned to on the item's usage day, resolved
//! through `account_assignments` whenever line items are read (`usage_date` in `[valid_from, valid_to)`, customer
//! 0 when no assignment covers the day — the rule the import applies, `import::state`).
//!
//! `line_items.customer_id` is the customer when the row was imported and is **not maintained** after: an
//! assignment re-points the rollups (cost, resource, rating) of the moved accounts and never rewrites line items,
//! so mapping 1,000 accounts costs the rollup rows of those accounts, not the line items behind them
//! (`accounts_bulk`). Every read of line items that needs a customer goes through [`owned_items`].
use crate::db::{Arg, Tx, money_cols, money_sum};
use crate::{Backend, Result};

/// A derived table `owned` of the line items matching `filter` (a condition on `line_items`' own columns,
/// unqualified; binds as the caller numbers them) with the same columns as `line_items`, `customer_id` resolved
/// through the assignments. Queries written against `line_items` run unchanged against it.
pub(crate) fn owned_items(backend: Backend, filter: &str) -> String {
    let money = ["billed", "effective", "list"]
        .iter()
        .map(|m| money_cols(backend, m).split(", ").map(|c| format!("li.{c}")).collect::<Vec<_>>().join(", "))
        .collect::<Vec<_>>()
        .join(", ");
    format!(
        "(SELECT li.id, li.batch_id, li.period, li.payer, li.account, coalesce(m.owner_cid, 0) AS customer_id, \
           li.usage_date, li.service, li.product, li.component, li.charge_category, li.region, li.usage_type, \
           li.resource, li.unit, li.currency, li.invoice, li.quantity, {money}, li.source_line \
         FROM line_items li LEFT JOIN (SELECT d.id AS owner_acc, a.customer_id AS owner_cid, \
             a.valid_from AS owner_from, a.valid_to AS owner_to \
           FROM account_assignments a JOIN dict d ON d.value = a.account) m \
           ON m.owner_acc = li.account AND li.usage_date >= m.owner_from \
           AND (m.owner_to IS NULL OR li.usage_date < m.owner_to) \
         WHERE {filter}) AS owned"
    )
}

/// Insert the cost and resource rollups of the line items matching `filter` (as in [`owned_items`]; `binds` gives
/// its values, once per statement), grouped at the rollups' grain with each item's resolved customer. The caller
/// deletes what they replace, and rebuilds rating rollups (`rating_rollups::rebuild`) where the batch has them.
pub(crate) async fn rebuild_cost_rollups(
    tx: &mut Tx,
    filter: &str,
    binds: &(dyn Fn() -> Vec<Arg> + Sync),
) -> Result<()> {
    let b = tx.backend();
    let money = [money_cols(b, "billed"), money_cols(b, "effective"), money_cols(b, "list")].join(", ");
    let sums = [money_sum(b, "", "billed"), money_sum(b, "", "effective"), money_sum(b, "", "list")].join(", ");
    let keys = "period, customer_id, service, product, component, account, payer, charge_category, region, currency";
    let items = owned_items(b, filter);
    for (table, keys) in [("cost_rollups", keys.to_string()), ("resource_rollups", format!("{keys}, resource"))] {
        let sql = format!(
            "INSERT INTO {table} ({keys}, batch_id, row_count, {money}) SELECT {keys}, batch_id, count(*), {sums} \
             FROM {items} GROUP BY {keys}, batch_id"
        );
        tx.exec(&sql, binds()).await?;
    }
    Ok(())
}
