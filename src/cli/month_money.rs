//! `billops credits`, `supplier`, `recon`, `payments`, `balance`, `statement`.
use billops_domain::close::TieOutStatus;
use billops_domain::credit::{ApprovalPolicy, CreditKind, CreditScope, FundingProgram};
use billops_domain::money::canonical;
use billops_store::{CreditFilter, NewCredit, NewPayment, NewSupplierInvoice};

use super::args::{CreditsCmd, PaymentsCmd, SupplierCmd};
use super::month::{NOT_READY, amount, date, period, print, today};
use super::output::{OutputFormat, Table};
use super::{Ctx, Failure};
use crate::month;

fn credit_id(s: &str) -> Result<i64, Failure> {
    s.trim().trim_start_matches("CR-").parse().map_err(|_| Failure::user(format!("credit id {s:?} (CR-N or N)")))
}

pub async fn credits(ctx: &Ctx, c: CreditsCmd) -> Result<u8, Failure> {
    let policy: ApprovalPolicy = ctx.close_settings().await?.approval_policy().map_err(Failure::user)?;
    match c {
        CreditsCmd::Propose { customer, kind, amount: a, service, account, valid_from, valid_to, evidence, reason } => {
            let kind = match kind.as_str() {
                "sla" => CreditKind::SlaServiceCredit,
                "promo" => CreditKind::SupplierPromotion,
                "funding" => CreditKind::Funding(FundingProgram::Map),
                "goodwill" => CreditKind::Goodwill,
                "ppa" => CreditKind::Ppa,
                other => return Err(Failure::user(format!("--kind {other:?}: sla, promo, funding, goodwill or ppa"))),
            };
            let currency = ctx.store.customer(&customer).await?.currency;
            let new = NewCredit {
                customer,
                kind,
                amount: typed(&a, "--amount", &currency)?,
                scope: CreditScope::new(account, service),
                valid_from: date(&valid_from, "--valid-from")?,
                valid_to: date(&valid_to, "--valid-to")?,
                evidence,
                reason,
            };
            let c = ctx.store.propose_credit(&new, &ctx.actor()).await?;
            outln!("credit {} proposed ({} {})", c.credit.id(), c.credit.amount(), c.credit.kind())?;
            Ok(0)
        }
        CreditsCmd::List { customer, format } => {
            let mut t =
                Table::new(&["id", "customer", "kind", "amount", "remaining", "status", "valid", "proposed_by"])
                    .numeric("amount")
                    .numeric("remaining");
            for s in ctx.store.list_credits(&CreditFilter { customer, open_only: false }).await? {
                let c = &s.credit;
                t.push(vec![
                    c.id().to_string(),
                    c.customer().to_string(),
                    c.kind().to_string(),
                    canonical(c.amount().amount),
                    canonical(c.remaining()),
                    format!("{:?}", c.status()).to_lowercase(),
                    format!("{}..{}", c.validity().start, c.validity().end),
                    c.proposed_by().to_string(),
                ]);
            }
            print(&t, format)
        }
        CreditsCmd::Approve { id, reason } | CreditsCmd::Reject { id, reason } if reason.trim().is_empty() => {
            Err(Failure::user(format!("credit {id}: --reason is required")))
        }
        CreditsCmd::Approve { id, reason } => {
            let s = ctx.store.decide_credit(credit_id(&id)?, true, &reason, policy, None, &ctx.actor()).await?;
            outln!("credit {} approved by {}", s.credit.id(), ctx.user)?;
            Ok(0)
        }
        CreditsCmd::Unreached { period: p, format } => super::month_terms::unreached(ctx, &p, format).await,
        CreditsCmd::Reject { id, reason } => {
            let s = ctx.store.decide_credit(credit_id(&id)?, false, &reason, policy, None, &ctx.actor()).await?;
            outln!("credit {} rejected by {}", s.credit.id(), ctx.user)?;
            Ok(0)
        }
    }
}

pub(super) fn read_csv(file: &std::path::Path) -> Result<(csv::StringRecord, Vec<(u64, csv::StringRecord)>), Failure> {
    let mut r = csv::Reader::from_path(file).map_err(|e| Failure::user(format!("{}: {e}", file.display())))?;
    let headers = r.headers().map_err(|e| Failure::user(format!("{}: {e}", file.display())))?.clone();
    let mut rows = Vec::new();
    for rec in r.records() {
        let rec = rec.map_err(|e| Failure::user(format!("{}: {e}", file.display())))?;
        // the line the record starts on (a quoted field may span lines)
        rows.push((rec.position().map_or(0, csv::Position::line), rec));
    }
    Ok((headers, rows))
}

pub(super) fn field<'a>(h: &csv::StringRecord, r: &'a csv::StringRecord, name: &str) -> Option<&'a str> {
    h.iter().position(|x| x.trim().eq_ignore_ascii_case(name)).and_then(|i| r.get(i)).map(str::trim)
}

pub async fn supplier(ctx: &Ctx, c: SupplierCmd) -> Result<u8, Failure> {
    match c {
        SupplierCmd::Add { payer, period: p, number, amount: a, tax, credits, currency } => {
            let s = NewSupplierInvoice {
                payer,
                period: period(&p)?,
                number,
                currency,
                amount: amount(&a, "--amount")?,
                tax: amount(&tax, "--tax")?,
                credits: amount(&credits, "--credits")?,
            };
            let s = ctx.store.add_supplier_invoice(&s, &ctx.actor()).await?;
            outln!("supplier invoice {} of payer {} for {} recorded ({})", s.number, s.payer, s.period, s.amount)?;
            Ok(0)
        }
        SupplierCmd::Import { file } => {
            let (h, rows) = read_csv(&file)?;
            let mut n = 0;
            for (line, r) in rows {
                let at = |col: &str| format!("{}:{line}: column {col}", file.display());
                let get = |col: &str| field(&h, &r, col).ok_or_else(|| Failure::user(format!("{}: missing", at(col))));
                let dec = |col: &str, dflt: &str| -> Result<rust_decimal::Decimal, Failure> {
                    let v = field(&h, &r, col).filter(|v| !v.is_empty()).unwrap_or(dflt);
                    amount(v, &at(col))
                };
                let s = NewSupplierInvoice {
                    payer: get("payer")?.to_string(),
                    period: period(get("period")?)
                        .map_err(|f| Failure::user(format!("{}: {}", at("period"), f.message)))?,
                    number: get("number")?.to_string(),
                    currency: field(&h, &r, "currency").filter(|v| !v.is_empty()).unwrap_or("USD").to_string(),
                    amount: dec("amount", "")?,
                    tax: dec("tax", "0")?,
                    credits: dec("credits", "0")?,
                };
                ctx.store
                    .add_supplier_invoice(&s, &ctx.actor())
                    .await
                    .map_err(|e| Failure::user(format!("{}:{line}: {e}", file.display())))?;
                n += 1;
            }
            outln!("{n} supplier invoice(s) imported")?;
            Ok(0)
        }
        SupplierCmd::List { period: p, format } => {
            let mut t = Table::new(&["payer", "period", "number", "amount", "tax", "credits"])
                .numeric("amount")
                .numeric("tax")
                .numeric("credits");
            for s in ctx.store.list_supplier_invoices(p.as_deref().map(period).transpose()?).await? {
                t.push(vec![
                    s.payer,
                    s.period.to_string(),
                    s.number,
                    canonical(s.amount),
                    canonical(s.tax),
                    canonical(s.credits),
                ]);
            }
            print(&t, format)
        }
    }
}

pub async fn recon(ctx: &Ctx, p: &str, format: OutputFormat) -> Result<u8, Failure> {
    let ties = month::close::recon(ctx.store.as_ref(), period(p)?, &ctx.close_settings().await?).await?;
    let opt = |d: Option<rust_decimal::Decimal>| d.map(canonical).unwrap_or_else(|| "-".into());
    let mut t = Table::new(&[
        "payer",
        "currency",
        "supplier_invoice",
        "imported_billed",
        "invoiced_at_cost",
        "unassigned",
        "retained",
        "supplier_residual",
        "allocation_residual",
        "tolerance",
        "status",
    ]);
    for col in [
        "supplier_invoice",
        "imported_billed",
        "invoiced_at_cost",
        "unassigned",
        "retained",
        "supplier_residual",
        "allocation_residual",
        "tolerance",
    ] {
        t = t.numeric(col);
    }
    let mut ok = true;
    for x in &ties {
        ok &= x.is_ok();
        let status = match x.status {
            TieOutStatus::Tied => "tied",
            TieOutStatus::WithinTolerance => "within tolerance",
            TieOutStatus::Explained => "explained",
            TieOutStatus::Unreconciled => "UNRECONCILED",
            TieOutStatus::MissingSupplierInvoice => "NO SUPPLIER INVOICE",
        };
        let i = &x.input;
        t.push(vec![
            i.payer.clone(),
            i.currency.clone(),
            opt(i.supplier_invoice),
            canonical(i.imported_billed),
            canonical(i.invoiced_at_cost),
            canonical(i.unassigned),
            canonical(i.retained),
            opt(x.supplier_residual),
            canonical(x.allocation_residual),
            canonical(i.tolerance),
            status.into(),
        ]);
    }
    print(&t, format)?;
    Ok(if ok { 0 } else { NOT_READY })
}

pub async fn payments(ctx: &Ctx, c: PaymentsCmd) -> Result<u8, Failure> {
    let rows = match c {
        PaymentsCmd::Add { customer, amount: a, date: d, invoice, reference } => {
            let currency = ctx.store.customer(&customer).await?.currency;
            vec![NewPayment {
                customer,
                amount: typed(&a, "AMOUNT", &currency)?,
                received_on: date(&d, "--date")?,
                invoice,
                reference,
            }]
        }
        PaymentsCmd::Import { file } => {
            let (h, recs) = read_csv(&file)?;
            let mut v = Vec::new();
            let mut currencies: std::collections::HashMap<String, String> = std::collections::HashMap::new();
            for (line, r) in recs {
                let at = |col: &str| format!("{}:{line}: column {col}", file.display());
                let get = |col: &str| field(&h, &r, col).ok_or_else(|| Failure::user(format!("{}: missing", at(col))));
                let customer = get("customer")?.to_string();
                let currency = match currencies.get(&customer) {
                    Some(c) => c.clone(),
                    None => {
                        let c = ctx.store.customer(&customer).await?.currency;
                        currencies.insert(customer.clone(), c.clone());
                        c
                    }
                };
                v.push(NewPayment {
                    amount: typed(get("amount")?, &at("amount"), &currency)?,
                    customer,
                    received_on: date(get("date")?, &at("date"))?,
                    invoice: field(&h, &r, "invoice").filter(|s| !s.is_empty()).map(str::to_string),
                    reference: Some(format!("{}:{line}", file.display())),
                });
            }
            v
        }
    };
    for p in &rows {
        let saved = ctx.store.add_payment(p, &ctx.actor()).await?;
        outln!("payment {} of {} from {} recorded", saved.id, canonical(saved.amount), saved.customer)?;
    }
    Ok(0)
}

pub async fn balance(ctx: &Ctx, customer: &str, format: OutputFormat) -> Result<u8, Failure> {
    let b = ctx.store.balance(customer, today()).await?;
    if format == OutputFormat::Json {
        rawln!("{}", serde_json::to_string(&b).map_err(|e| Failure::user(e.to_string()))?)?;
        return Ok(0);
    }
    let mut t = Table::new(&[
        "customer",
        "currency",
        "balance",
        "overdue",
        "last_invoice",
        "last_invoice_on",
        "last_payment",
        "last_payment_on",
    ])
    .numeric("balance")
    .numeric("overdue")
    .numeric("last_payment");
    t.push(vec![
        b.customer,
        b.currency,
        canonical(b.balance),
        canonical(b.overdue),
        b.last_invoice.unwrap_or_default(),
        b.last_invoice_on.map(|d| d.to_string()).unwrap_or_default(),
        b.last_payment.map(canonical).unwrap_or_default(),
        b.last_payment_on.map(|d| d.to_string()).unwrap_or_default(),
    ]);
    print(&t, format)
}

pub async fn statement(ctx: &Ctx, customer: &str, from: &str, to: &str, format: OutputFormat) -> Result<u8, Failure> {
    let s = ctx.store.statement(customer, date(from, "--from")?, date(to, "--to")?).await?;
    // Open disputes show beside the balance, their amounts held out of the overdue figure (as of today).
    let disputed = month::statement::disputed(ctx.store.as_ref(), customer, ctx.actor().at.date_naive()).await?;
    match format {
        OutputFormat::Json => rawln!("{}", month::statement::json_with(&s, &disputed)?)?,
        OutputFormat::Csv => super::out::raw(&month::statement::csv_with(&s, Some(&disputed))?)?,
        OutputFormat::Table => {
            // the CSV's columns, less the customer and currency the command was given
            let mut t =
                Table::new(&["date", "entry", "reference", "amount", "balance"]).numeric("amount").numeric("balance");
            for r in month::statement::rows(&s)? {
                t.push(vec![
                    r.date.to_string(),
                    r.entry.into(),
                    r.reference,
                    canonical(r.amount),
                    canonical(r.balance),
                ]);
            }
            print(&t, format)?;
            if !disputed.disputes.is_empty() {
                let mut t = Table::new(&["dispute", "opened", "reference", "status", "amount"]).numeric("amount");
                for d in &disputed.disputes {
                    let row = [d.id.to_string(), d.opened.to_string(), d.reference.clone(), d.status.clone()];
                    t.push(row.into_iter().chain([canonical(d.amount)]).collect());
                }
                outln!("\nopen disputes (not overdue while open):")?;
                print(&t, format)?;
            }
            outln!(
                "disputed {} {}; overdue on {} (disputed amounts held out) {} {}",
                canonical(disputed.total),
                s.currency,
                disputed.as_of,
                canonical(disputed.overdue),
                s.currency
            )?;
            return Ok(0);
        }
    }
    Ok(0)
}

/// Money typed by a person: what the screen shows (`1,000.00`), exact, never finer than the currency's minor
/// unit and never in E-notation (`billops_domain::money::parse_typed_amount`).
fn typed(text: &str, what: &str, currency: &str) -> Result<rust_decimal::Decimal, Failure> {
    billops_domain::money::parse_typed_amount(text, currency).map_err(|e| Failure::user(format!("{what} {e}")))
}
