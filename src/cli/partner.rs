//! `billops accounts suggest [--period YYYY-MM] [--format …] [--apply [--only ACCOUNT…]]` and
//! `billops customers tenant CODE [TENANT_ID | --clear]`: customers suggested for unassigned accounts from the
//! Azure partner fields of an MCA/CSP export (customerTenantId, customerName, resellerName; issue 13). Each
//! suggestion says why: the customer's recorded tenant id, its name, or a new customer with a proposed code.
//! Nothing is assigned until `--apply`: a manager's suggestions become assignments (new customers created first),
//! an operator's link proposals, in one transaction; a viewer is refused. Exit 0 (also with nothing to suggest).
use billops_domain::Role;
use billops_store::StoreError;
use chrono::NaiveDate;

use super::month::{period, print};
use super::output::{OutputFormat, Table};
use super::{Ctx, Failure};

const NOTHING: &str = "nothing to suggest: no unassigned account has Azure partner fields (customerTenantId, \
                       customerName) without an open link proposal";

/// Where suggestions take effect: the period's first day, else the first day of the current month (as
/// `billops accounts assign`).
fn effective(p: Option<&str>) -> Result<NaiveDate, Failure> {
    Ok(match p {
        Some(p) => period(p)?.start(),
        None => super::account_map::this_month(),
    })
}

pub(super) async fn suggest(
    ctx: &Ctx,
    p: Option<String>,
    format: OutputFormat,
    apply: bool,
    only: Vec<String>,
) -> Result<u8, Failure> {
    let from = effective(p.as_deref())?;
    if apply {
        return take(ctx, from, &only).await;
    }
    let list = ctx.store.partner_suggestions().await?;
    let mut t = Table::new(&[
        "account",
        "name",
        "payer",
        "customer_tenant_id",
        "customer_name",
        "reseller_name",
        "suggested",
        "why",
        "suggestion",
        "from",
    ]);
    for s in &list {
        t.push(vec![
            s.account.clone(),
            s.account_name.clone(),
            s.payer.clone(),
            s.fields.customer_tenant_id.clone(),
            s.fields.customer_name.clone(),
            s.fields.reseller_name.clone(),
            s.customer.clone(),
            s.basis.as_str().to_string(),
            s.text(),
            from.to_string(),
        ]);
    }
    if list.is_empty() && format == OutputFormat::Table {
        outln!("{NOTHING}")?;
        return Ok(0);
    }
    print(&t, format)?;
    if format == OutputFormat::Table {
        outln!(
            "{}: take them with `billops accounts suggest --apply` (or --only ACCOUNT…): a manager assigns from \
             {from}, an operator's become link proposals",
            billops_domain::text::counted(list.len(), "suggestion", "suggestions")
        )?;
    }
    Ok(0)
}

async fn take(ctx: &Ctx, from: NaiveDate, only: &[String]) -> Result<u8, Failure> {
    ctx.require(Role::Operator, "taking account suggestions").await?;
    let done = ctx.store.apply_partner_suggestions(only, from, &ctx.actor()).await.map_err(|e| match e {
        StoreError::Invalid(m) => Failure::user(m),
        other => other.into(),
    })?;
    if done.taken.is_empty() {
        outln!("{NOTHING}")?;
        return Ok(0);
    }
    if !done.created.is_empty() {
        outln!("new customer(s) created: {}", done.created.join(", "))?;
    }
    for s in &done.taken {
        outln!("  {} ({}) → {}", s.account, s.account_name, s.text())?;
    }
    if done.mapped.proposed.is_empty() {
        outln!(
            "{} assigned from {from} in one transaction; cost moved in {} batch-period(s)",
            billops_domain::text::counted(done.mapped.assigned, "account", "accounts"),
            done.mapped.rebuilt
        )?;
    } else {
        let ids: Vec<String> = done.mapped.proposed.iter().map(i64::to_string).collect();
        outln!(
            "you are an operator: suggestions are proposals. {} recorded ({}); a manager approves each with \
             `billops accounts approve ID`",
            billops_domain::text::counted(ids.len(), "link proposal", "link proposals"),
            ids.join(", ")
        )?;
    }
    if !done.tenants_recorded.is_empty() {
        outln!("Azure tenant id recorded for: {}", done.tenants_recorded.join(", "))?;
    }
    Ok(0)
}

/// `billops customers tenant CODE [TENANT_ID | --clear]`: print, record or clear a customer's Azure tenant id.
pub(super) async fn tenant(ctx: &Ctx, code: &str, tenant: Option<String>, clear: bool) -> Result<u8, Failure> {
    if tenant.is_none() && !clear {
        ctx.store.customer(code).await?;
        let known = ctx.store.customer_tenants().await?;
        match known.iter().find(|(c, _)| c == code) {
            Some((_, t)) => outln!("{code}: Azure tenant id {t}")?,
            None => outln!("{code}: no Azure tenant id recorded")?,
        }
        return Ok(0);
    }
    ctx.require(Role::Operator, "recording a customer's Azure tenant id").await?;
    ctx.store.set_customer_tenant(code, tenant.as_deref(), &ctx.actor()).await.map_err(|e| match e {
        StoreError::Invalid(m) | StoreError::Conflict(m) => Failure::user(m),
        other => other.into(),
    })?;
    match tenant {
        Some(t) => outln!("{code}: Azure tenant id {t} recorded")?,
        None => outln!("{code}: Azure tenant id cleared")?,
    }
    Ok(0)
}
