//! `billops codes`: the account-code table (GL / cost-centre codes) that puts an account code on every
//! invoice line. Scopes: `account:ID` (most specific), `product:NAME`, `customer:CODE`; effective-dated.
use std::path::PathBuf;

use billops_domain::Role;
use billops_store::NewAccountCode;
use clap::Subcommand;

use super::month::{date, print};
use super::month_money::{field, read_csv};
use super::output::{OutputFormat, Table};
use super::{Ctx, Failure};

#[derive(Debug, Subcommand)]
pub enum CodesCmd {
    /// The account-code table, by scope and date.
    List {
        #[arg(long, value_enum, default_value_t)]
        format: OutputFormat,
    },
    /// Set the code of a scope (customer:CODE, product:NAME or account:ID) from a day on.
    Set {
        scope: String,
        code: String,
        /// In force from this day (YYYY-MM-DD).
        #[arg(long)]
        from: String,
    },
    /// Load a CSV with columns scope, code, from (YYYY-MM-DD). Every row is checked before any is written.
    Import { file: PathBuf },
}

pub async fn codes(ctx: &Ctx, c: CodesCmd) -> Result<u8, Failure> {
    let store = ctx.store.as_ref();
    match c {
        CodesCmd::List { format } => {
            let mut t = Table::new(&["scope", "code", "from", "to"]);
            for c in store.list_account_codes().await? {
                t.push(vec![c.scope, c.code, c.from.to_string(), c.to.map(|d| d.to_string()).unwrap_or_default()]);
            }
            print(&t, format)
        }
        CodesCmd::Set { scope, code, from } => {
            ctx.require(Role::Operator, "changing account codes").await?;
            let from = date(&from, "--from")?;
            store
                .set_account_code(&NewAccountCode { scope: scope.clone(), code: code.clone(), from }, &ctx.actor())
                .await?;
            outln!("account code of {scope} is {code} from {from}")?;
            Ok(0)
        }
        CodesCmd::Import { file } => {
            ctx.require(Role::Operator, "changing account codes").await?;
            let (h, recs) = read_csv(&file)?;
            let known: Vec<String> = store.list_customers().await?.into_iter().map(|c| c.code).collect();
            let mut rows = Vec::with_capacity(recs.len());
            for (line, r) in recs {
                let at = |col: &str| format!("{}:{line}: column {col}", file.display());
                let get = |col: &str| {
                    field(&h, &r, col)
                        .filter(|v| !v.is_empty())
                        .ok_or_else(|| Failure::user(format!("{}: missing", at(col))))
                };
                let scope = get("scope")?.to_string();
                let bad_scope = || {
                    Failure::user(format!(
                        "{}: {scope:?} is not customer:CODE, product:NAME or account:ID",
                        at("scope")
                    ))
                };
                let (kind, target) = scope.split_once(':').ok_or_else(bad_scope)?;
                if !matches!(kind, "customer" | "product" | "account") || target.trim().is_empty() {
                    return Err(bad_scope());
                }
                if kind == "customer" && !known.iter().any(|k| k == target) {
                    return Err(Failure::user(format!("{}: no customer {target}", at("scope"))));
                }
                let code = get("code")?.to_string();
                let from = date(get("from")?, &at("from"))?;
                billops_store::month_start("an account code", from)
                    .map_err(|e| Failure::user(format!("{}: {e}", at("from"))))?;
                rows.push(NewAccountCode { scope, code, from });
            }
            // one transaction: a row the store refuses (a locked period, not a month's first day) writes none
            store
                .set_account_codes(&rows, &ctx.actor())
                .await
                .map_err(|e| Failure::user(format!("{}: {e}; no account code was written", file.display())))?;
            outln!("{} account code(s) set", rows.len())?;
            Ok(0)
        }
    }
}
