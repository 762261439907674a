//! `billops pricebook import --cloudhealth FILE --customer CODE [--dry-run]`: a CloudHealth partner price book
//! into a customer's price book. Every rule is listed: the ones that map with the billops rule they become, the
//! others with every reason they do not (`billops_import::cloudhealth`). Rules are added in the file's order
//! after the customer's existing rules (first match wins), all in one transaction: a rule the store refuses (one
//! starting in or before a signed-off month: nothing is re-priced) refuses the import, and no rule of the file is
//! added. Exit 0 when every rule was added, 4 when some could not be mapped (the mapped ones are added, unless
//! `--dry-run`), 1 when the store refused the rules (none added).
use billops_import::cloudhealth::{map, parse};
use billops_store::NewPriceRule;

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
    let added = if dry_run {
        Vec::new()
    } else {
        let new: Vec<NewPriceRule> =
            ok.iter().map(|m| NewPriceRule { scope: m.scope.clone(), pricing: m.pricing, from: m.from }).collect();
        // one transaction: every mapped rule or none
        ctx.store.add_price_rules(customer, &new, &ctx.actor()).await.map_err(|e| {
            let f = Failure::from(e);
            let msg =
                format!("{}: {}; no rule of the file was added to {customer}'s price book", file.display(), f.message);
            Failure::new(f.code, msg)
        })?
    };
    for (i, m) in ok.iter().enumerate() {
        let result = match added.get(i) {
            Some(r) => format!("added as {}", r.rule.id()),
            None => "would add".to_string(),
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
            if dry_run { ok.len() } else { added.len() },
            rules.len(),
            bad.len()
        )?;
    }
    Ok(if bad.is_empty() { 0 } else { NOT_ALL })
}
