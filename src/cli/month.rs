//! `billops close`, `pricebook`, `invoices`: thin wrappers over `crate::month` services.
use std::io::Write;

use billops_domain::close::ItemStatus;
use billops_domain::invoice::DraftDiff;
use billops_domain::{Period, parse_decimal};
use billops_store::{InvoiceFilter, InvoiceStep};
use chrono::{NaiveDate, Utc};

use super::args::{CloseCmd, InvoicesCmd, PricebookCmd};
use super::output::{OutputFormat, Table};
use super::rating::RuleArgs;
use super::{Ctx, Failure};
use crate::month::{self, INVOICE_SERIES};

/// Exit code of `close status` / `recon` when the period is not ready.
pub const NOT_READY: u8 = 4;

/// Print a table to stdout (a reader that stopped early, `| head`, is not an error: see `out::Stdout`).
pub(super) fn print(table: &Table, format: OutputFormat) -> Result<u8, Failure> {
    let mut out = super::out::Stdout;
    table.write(format, &mut out)?;
    out.flush()?;
    Ok(0)
}

pub(super) fn period(s: &str) -> Result<Period, Failure> {
    s.parse().map_err(|e| Failure::user(format!("period {s:?}: {e}")))
}

pub(super) fn date(s: &str, what: &str) -> Result<NaiveDate, Failure> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
        .map_err(|_| Failure::user(format!("{what}: {s:?} is not YYYY-MM-DD")))
}

pub(super) fn amount(s: &str, what: &str) -> Result<rust_decimal::Decimal, Failure> {
    parse_decimal(s).map_err(|e| Failure::user(format!("{what}: {e}")))
}

pub(super) fn today() -> NaiveDate {
    Utc::now().date_naive()
}

pub async fn close(ctx: &Ctx, c: CloseCmd) -> Result<u8, Failure> {
    match c {
        CloseCmd::Status { period: p, format } => {
            let view =
                month::close::board(ctx.store.as_ref(), period(&p)?, today(), &ctx.close_settings().await?).await?;
            if format == OutputFormat::Json {
                let s = serde_json::to_string_pretty(&view).map_err(|e| Failure::user(e.to_string()))?;
                outln!("{s}")?;
            } else {
                let b = &view.board;
                // ok items show what was counted (why they are ok), the others what is wrong
                let mut t = Table::new(&["#", "check", "status", "owner", "problems / basis"]);
                for (i, item) in b.items.iter().enumerate() {
                    let status = match item.status {
                        ItemStatus::Ok => "ok",
                        ItemStatus::Warning => "warning",
                        ItemStatus::Blocker => "BLOCKER",
                    };
                    t.push(vec![
                        (i + 1).to_string(),
                        item.title.clone(),
                        status.into(),
                        item.owner.clone().unwrap_or_else(|| "-".into()),
                        if item.status == ItemStatus::Ok { item.basis.clone() } else { item.problems.join("; ") },
                    ]);
                }
                print(&t, format)?;
                if format == OutputFormat::Table {
                    for (i, item) in b.items.iter().enumerate() {
                        if let Some(fix) = item.fix.as_ref().filter(|_| item.status != ItemStatus::Ok) {
                            outln!("fix {}: {fix}", i + 1)?;
                        }
                    }
                    let cd = &b.countdown;
                    outln!(
                        "due {} ({} business day(s) left){}",
                        cd.due,
                        cd.business_days_left,
                        if b.locked { "; LOCKED" } else { "" }
                    )?;
                    let verdict = match (b.locked, view.can_sign_off) {
                        (true, _) => "signed off and locked",
                        (false, true) => "ready for sign-off",
                        (false, false) => "not ready",
                    };
                    outln!("{verdict}")?;
                    for c in &view.funding_claims {
                        let when = if c.days_left < 0 { "lapsed" } else { "due" };
                        outln!(
                            "warning: funding claim of application {} ({} {}) {when} {} ({} day(s))",
                            c.application,
                            c.customer,
                            c.program,
                            c.claim_due,
                            c.days_left
                        )?;
                    }
                }
            }
            // A signed-off (locked) period is closed: done, not "not ready".
            Ok(if view.can_sign_off || view.board.locked { 0 } else { NOT_READY })
        }
        CloseCmd::Signoff { period: p, note } => {
            let p = period(&p)?;
            month::close::sign_off(ctx.store.as_ref(), p, today(), &note, &ctx.actor(), &ctx.close_settings().await?)
                .await?;
            outln!("{p} signed off by {} and locked", ctx.user)?;
            Ok(0)
        }
        CloseCmd::Reopen { period: p, reason } => {
            let p = period(&p)?;
            month::close::reopen(ctx.store.as_ref(), p, &reason, &ctx.actor()).await?;
            outln!("{p} re-opened by {}: {reason}", ctx.user)?;
            Ok(0)
        }
        CloseCmd::Settings { format } => {
            let view = month::settings::show(ctx.store.as_ref()).await?;
            if format == OutputFormat::Json {
                rawln!("{}", serde_json::to_string_pretty(&view).map_err(|e| Failure::user(e.to_string()))?)?;
                return Ok(0);
            }
            let mut t = Table::new(&["setting", "value", "set_by", "meaning"]);
            for v in view {
                let by = if v.default { "(default)".to_string() } else { v.set_by.unwrap_or_default() };
                t.push(vec![v.key.to_string(), v.value, by, v.meaning.to_string()]);
            }
            print(&t, format)
        }
        CloseCmd::Set { key, value } => {
            month::settings::set(ctx.store.as_ref(), &key, &value, &ctx.actor()).await?;
            outln!("setting {} = {} (set by {})", key.trim(), value.trim(), ctx.user)?;
            Ok(0)
        }
    }
}

pub async fn pricebook(ctx: &Ctx, c: PricebookCmd) -> Result<u8, Failure> {
    match c {
        PricebookCmd::Add {
            customer,
            markup,
            discount,
            rate,
            service,
            product,
            region,
            charge_category,
            from,
            usage_type,
        } => {
            let rule = RuleArgs { markup, discount, rate, service, product, usage_type, region, charge_category, from };
            super::rating::add_rule(ctx, &customer, rule).await
        }
        PricebookCmd::Import { cloudhealth, customer, dry_run, format } => {
            super::pricebook_import::import(ctx, &cloudhealth, &customer, dry_run, format).await
        }
        PricebookCmd::Preview { customer, period, rule, format } => {
            super::rating::preview(ctx, &customer, &period, rule, format).await
        }
        PricebookCmd::List { customer, format } => {
            let mut t = Table::new(&["rule", "pricing", "scope", "from"]);
            for r in ctx.store.list_price_rules(&customer).await? {
                let pricing = month::rating::pricing_text(r.rule.pricing());
                let scope = serde_json::to_string(r.rule.scope()).unwrap_or_default();
                t.push(vec![r.rule.id().to_string(), pricing, scope, r.rule.effective().from().to_string()]);
            }
            print(&t, format)
        }
    }
}

pub async fn invoices(ctx: &Ctx, c: InvoicesCmd) -> Result<u8, Failure> {
    let store = ctx.store.as_ref();
    let by = ctx.actor();
    let step = |id: i64, s: InvoiceStep, reason: String| async move {
        let inv = ctx.store.step_invoice(id, s, &reason, None, &ctx.actor()).await?;
        outln!("invoice {id} is {}", inv.status)?;
        Ok::<u8, Failure>(0)
    };
    match c {
        InvoicesCmd::Generate { period: p, customer } => {
            let mut line = super::progress::ProgressLine::new("building drafts").terminal_only();
            let mut tell = |done: usize, total: usize| line.update(done as u64, total as u64, "customers");
            // each draft's lines held (spilled to a temporary file past 1 MiB) and printed once the run committed
            let mut spool = super::out::Spool::default();
            let mut each = |g: &month::invoices::Generated, diff: Option<&DraftDiff>| {
                spool.line(format_args!("{} invoice {}: {} total {}", g.customer, g.invoice_id, g.outcome, g.total));
                if let Some(d) = diff {
                    for l in &d.added {
                        spool.line(format_args!("  + {} {}", l.description, l.amount.normalize()));
                    }
                    for l in &d.removed {
                        spool.line(format_args!("  - {} {}", l.description, l.amount.normalize()));
                    }
                    for ch in &d.changed {
                        spool.line(format_args!(
                            "  ~ {} {} -> {}",
                            ch.new.description,
                            ch.old.amount.normalize(),
                            ch.new.amount.normalize()
                        ));
                    }
                    spool.line(format_args!("  total {} -> {}", d.old_total, d.new_total));
                }
            };
            let p = period(&p)?;
            let n = month::invoices::generate_each(store, p, customer.as_deref(), &by, &mut tell, &mut each).await?;
            line.finish();
            spool.print()?;
            outln!("{n} draft(s)")?;
            Ok(0)
        }
        InvoicesCmd::List { period: p, format } => {
            let filter = InvoiceFilter { period: p.as_deref().map(period).transpose()?, customer: None };
            let mut t =
                Table::new(&["id", "customer", "period", "status", "number", "currency", "total"]).numeric("total");
            for i in store.list_invoices(&filter).await? {
                t.push(vec![
                    i.id.to_string(),
                    i.customer,
                    i.period.to_string(),
                    i.status.to_string(),
                    i.number.unwrap_or_default(),
                    i.currency,
                    i.total.to_string(),
                ]);
            }
            print(&t, format)
        }
        InvoicesCmd::Show { id } => {
            let inv = store.invoice(id).await?;
            outln!(
                "invoice {id} {} {} {} {}",
                inv.customer,
                inv.period,
                inv.status,
                inv.number.as_deref().unwrap_or("(unnumbered)")
            )?;
            for sec in inv.draft.sections() {
                for l in sec.lines {
                    let rules =
                        if l.rule_ids.is_empty() { String::new() } else { format!(" [{}]", l.rule_ids.join(",")) };
                    outln!("  {:<10} {:<50} {:>16}{rules}", sec.step.title(), l.description, l.amount.normalize())?;
                }
            }
            outln!("  total {} {}", inv.total, inv.currency)?;
            Ok(0)
        }
        InvoicesCmd::Review { id } => step(id, InvoiceStep::Review, String::new()).await,
        InvoicesCmd::Approve { id } => step(id, InvoiceStep::Approve, String::new()).await,
        InvoicesCmd::Void { id, reason } => step(id, InvoiceStep::Void, reason).await,
        InvoicesCmd::Issue { id } => {
            let due = month::terms::due_days(store, id, today()).await?;
            let inv = store.issue_invoice(id, INVOICE_SERIES, due, &by).await?;
            outln!("invoice {id} issued as {}", inv.number.unwrap_or_default())?;
            Ok(0)
        }
        InvoicesCmd::Export { id, period: p, format, output } => {
            if let Some(f) = crate::documents::Format::parse(&format) {
                let Some(id) = id.filter(|_| p.is_none()) else {
                    return Err(Failure::user(format!("--format {format}: give one invoice ID (not --period)")));
                };
                let r = crate::documents::load::DocRef::Invoice(id);
                return super::documents::export(ctx, &r, f, output.as_deref()).await;
            }
            let ids: Vec<i64> = match (id, p) {
                (Some(id), None) => vec![id],
                (None, Some(p)) => {
                    let f = InvoiceFilter { period: Some(period(&p)?), customer: None };
                    store.list_invoices(&f).await?.into_iter().map(|i| i.id).collect()
                }
                _ => return Err(Failure::user("give an invoice ID or --period")),
            };
            let mut text = String::new();
            for id in ids {
                let inv = store.invoice(id).await?;
                text.push_str(&month::invoices::export(&inv, &format)?);
            }
            super::documents::write_text(&text, output.as_deref())
        }
        InvoicesCmd::CreditNote { id, amount: a, reason } => {
            let currency = store.invoice(id).await?.currency;
            let a = billops_domain::money::parse_typed_amount(&a, &currency)
                .map_err(|e| Failure::user(format!("--amount {e}")))?;
            let x = month::credit_notes::issue(store, id, a, &reason, &by).await?;
            let n = &x.note;
            outln!(
                "credit note {} for {} ({}): {} {}; {} still creditable",
                n.number,
                n.invoice_number,
                n.customer,
                n.amount,
                n.currency,
                x.still_creditable
            )?;
            Ok(0)
        }
        InvoicesCmd::CreditNotes { invoice, period: p, format } => {
            let f = billops_store::CreditNoteFilter {
                invoice_id: invoice,
                customer: None,
                period: p.as_deref().map(period).transpose()?,
            };
            let mut t = Table::new(&[
                "number",
                "invoice",
                "customer",
                "period",
                "issued_on",
                "currency",
                "amount",
                "reason",
                "by",
            ])
            .numeric("amount");
            for n in store.list_credit_notes(&f).await? {
                t.push(vec![
                    n.number,
                    n.invoice_number,
                    n.customer,
                    n.period.to_string(),
                    n.issued_on.to_string(),
                    n.currency,
                    n.amount.normalize().to_string(),
                    n.reason,
                    n.issued_by,
                ]);
            }
            print(&t, format)
        }
        InvoicesCmd::ExportCreditNote { number, format, output } => {
            if let Some(f) = crate::documents::Format::parse(&format) {
                let r = crate::documents::load::DocRef::CreditNote(number);
                return super::documents::export(ctx, &r, f, output.as_deref()).await;
            }
            let text = month::credit_notes::export(&store.credit_note(&number).await?, &format)?;
            super::documents::write_text(&text, output.as_deref())
        }
    }
}
