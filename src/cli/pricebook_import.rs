//! `billops pricebook import --cloudhealth FILE --customer CODE [--dry-run]`: a CloudHealth partner price book
//! into a customer's price book. Every rule is listed: the ones that map with the billops rule they become, the
//! others with every reason they do not (`billops_import::cloudhealth`). Rules are added in the file's order
//! after the customer's existing rules (first match wins); a rule starting in or before a signed-off month is
//! not added (the store refuses it; nothing is re-priced). Exit 0 when every rule was added, 4 when some could not
//! be mapped (the mapped ones are added, unless `--dry-run`).
use billops_import::cloudhealth::{map, parse};

use super::output::{OutputFormat, Table};
use super::{Ctx, Failure};
use crate::month::rating::{pricing_text, scope_text};

const NOT_ALL: u8 = 4;

pub async fn import(
    ctx: &Ctx,
    file: &std::path::Path,
    customer: &str,
    dry_run: bool,
    format: OutputFormat,
) -> Result<u8, Failure> {
    let text = std::fs::read_to_string(file).map_err(|e| Failure::user(format!("{}: {e}", file.display())))?;
    let rules = parse(&text).map_err(|e| Failure::user(format!("{}: {e}", file.display())))?;
    let (ok, bad) = map(&rules);
    ctx.store.customer(customer).await?;
    let mut t = Table::new(&["rule", "result", "pricing", "scope", "from", "why"]);
    let mut added = 0usize;
    for m in &ok {
        let result = if dry_run {
            "would add".to_string()
        } else {
            let r = ctx.store.add_price_rule(customer, m.scope.clone(), m.pricing, m.from, &ctx.actor()).await?;
            added += 1;
            format!("added as {}", r.rule.id())
        };
        t.push(vec![
            m.name.clone(),
            result,
            pricing_text(m.pricing),
            scope_text(&m.scope),
            m.from.to_string(),
            String::new(),
        ]);
    }
    for u in &bad {
        t.push(vec![
            u.name.clone(),
            "NOT MAPPED".into(),
            String::new(),
            String::new(),
            String::new(),
            u.why.join("; "),
        ]);
    }
    super::month::print(&t, format)?;
    if format == OutputFormat::Table {
        let what = if dry_run { "would be added" } else { "added" };
        outln!(
            "{} of {} rule(s) {what} to {customer}'s price book (after its existing rules); {} not mapped",
            if dry_run { ok.len() } else { added },
            rules.len(),
            bad.len()
        )?;
    }
    Ok(if bad.is_empty() { 0 } else { NOT_ALL })
}
