//! `billops onboarding CUSTOMER [--format table|csv|json]`: the customer's checklist (exit 0 when complete,
//! 4 when items are open, like `close status`). With `--item ITEM`: tick (`--done` / `--undone`, never a
//! computed item), `--owner`, `--due YYYY-MM-DD` (`--due none` clears), `--evidence TEXT`. `--add-user NAME`,
//! `--add-org NAME` (`--detail`) record who has access on the customer's side (the `users_recorded` item).
//! The shared list (managers, audited): `billops onboarding --checklist`, `--add-item ITEM --label TEXT`,
//! `--retire-item ITEM`.
use billops_store::OnboardingUpdate;
use chrono::NaiveDate;

use super::month::{NOT_READY, print};
use super::output::{OutputFormat, Table};
use super::{Ctx, Failure};

#[derive(Debug, clap::Args)]
pub struct OnboardingArgs {
    /// The customer (omit with --checklist, --add-item, --retire-item).
    customer: Option<String>,
    #[arg(long, value_enum, default_value_t)]
    format: OutputFormat,
    /// The item to change.
    #[arg(long)]
    item: Option<String>,
    #[arg(long, requires = "item", conflicts_with = "undone")]
    done: bool,
    #[arg(long, requires = "item")]
    undone: bool,
    #[arg(long, requires = "item")]
    owner: Option<String>,
    /// YYYY-MM-DD, or `none` to clear.
    #[arg(long, requires = "item")]
    due: Option<String>,
    #[arg(long, requires = "item")]
    evidence: Option<String>,
    #[arg(long)]
    add_user: Option<String>,
    #[arg(long)]
    add_org: Option<String>,
    #[arg(long, default_value = "")]
    detail: String,
    /// The shared checklist (every item, retired ones marked).
    #[arg(long)]
    checklist: bool,
    #[arg(long, requires = "label")]
    add_item: Option<String>,
    #[arg(long)]
    label: Option<String>,
    #[arg(long)]
    retire_item: Option<String>,
}

fn usage(m: &str) -> Failure {
    Failure::new(2, m.to_string())
}

pub async fn onboarding(ctx: &Ctx, a: OnboardingArgs) -> Result<u8, Failure> {
    let by = ctx.actor();
    if a.checklist {
        let mut t = Table::new(&["item", "label", "how", "position", "retired"]);
        for d in ctx.store.checklist(true).await? {
            let how = d.computed.map_or_else(|| "hand".to_string(), |c| format!("computed: {c}"));
            t.push(vec![d.item, d.label, how, d.position.to_string(), d.retired.to_string()]);
        }
        return print(&t, a.format);
    }
    if let Some(item) = &a.add_item {
        let label = a.label.as_deref().unwrap_or_default();
        let d = ctx.store.add_checklist_item(item, label, &by).await?;
        outln!("onboarding item {} added: {} (position {})", d.item, d.label, d.position)?;
        return Ok(0);
    }
    if let Some(item) = &a.retire_item {
        ctx.store.retire_checklist_item(item, &by).await?;
        outln!("onboarding item {item} retired")?;
        return Ok(0);
    }
    let Some(customer) = a.customer.as_deref() else {
        return Err(usage("onboarding: name a customer (or --checklist, --add-item, --retire-item)"));
    };
    if let Some(name) = &a.add_user {
        ctx.store.add_contact(customer, "user", name, &a.detail, &by).await?;
        outln!("{customer}: user {name} recorded")?;
        return Ok(0);
    }
    if let Some(name) = &a.add_org {
        ctx.store.add_contact(customer, "organisation", name, &a.detail, &by).await?;
        outln!("{customer}: organisation {name} recorded")?;
        return Ok(0);
    }
    if let Some(item) = &a.item {
        let due = match a.due.as_deref().map(str::trim) {
            None => None,
            Some("none") => Some(None),
            Some(d) => Some(Some(
                NaiveDate::parse_from_str(d, "%Y-%m-%d")
                    .map_err(|_| usage(&format!("--due {d:?}: YYYY-MM-DD or none")))?,
            )),
        };
        let done = if a.done {
            Some(true)
        } else if a.undone {
            Some(false)
        } else {
            None
        };
        let u = OnboardingUpdate { done, owner: a.owner.clone(), due, evidence: a.evidence.clone() };
        if u == OnboardingUpdate::default() {
            return Err(usage("--item: give --done, --undone, --owner, --due or --evidence"));
        }
        ctx.store.update_onboarding(customer, item, &u, &by).await?;
        outln!("{customer}: {item} updated")?;
        return Ok(0);
    }
    let entries = ctx.store.onboarding_status(customer).await?;
    let mut t = Table::new(&["item", "label", "state", "how", "owner", "due", "evidence", "by", "at", "note"]);
    for e in &entries {
        t.push(vec![
            e.item.clone(),
            e.label.clone(),
            if e.done { "done".into() } else { "open".into() },
            if e.computed.is_some() { "computed".into() } else { "hand".into() },
            e.owner.clone().unwrap_or_default(),
            e.due.map(|d| d.to_string()).unwrap_or_default(),
            e.evidence.clone().unwrap_or_default(),
            e.by.clone().unwrap_or_default(),
            e.at.map(|t| t.format("%Y-%m-%d %H:%M").to_string()).unwrap_or_default(),
            e.note.clone(),
        ]);
    }
    print(&t, a.format)?;
    let open = entries.iter().filter(|e| !e.done).count();
    if open > 0 {
        if a.format == OutputFormat::Table {
            outln!("{customer}: {open} onboarding item(s) open")?;
        }
        return Ok(NOT_READY);
    }
    Ok(0)
}
