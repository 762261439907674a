//! `billops accounts propose|approve|reject|proposals|name`: linking with oversight from the command line,
//! and `accounts assign` by an operator (a proposal, said so). Managers assign directly (audited); an
//! approval of a proposal that a later assignment overtook is refused as stale; nobody decides their own.
//!
//! `accounts name ID NAME [--payer]` sets one name; `accounts name --file LIST.csv` reads an account list
//! (the demo book's `accounts.csv` shape: `account_id` or `account`, `account_name` or `name`, and optionally
//! `payer_id` with `payer_name`): every name or none, a bad row named by line.
use std::path::Path;

use billops_domain::Role;
use billops_store::{NameRow, NameTarget, NewLinkProposal};
use chrono::NaiveDate;
use clap::Subcommand;

use super::month::print;
use super::output::{OutputFormat, Table};
use super::{Ctx, Failure};

#[derive(Debug, Subcommand)]
pub enum LinkCmd {
    /// Propose linking an account to a customer (with --payer: to that payer too); a manager approves.
    Propose {
        account: String,
        customer: String,
        /// The payer, for an account billops has not seen under it yet (default: its recorded payer).
        #[arg(long)]
        payer: Option<String>,
        /// Effective date YYYY-MM-DD (default: the first day of the current month).
        #[arg(long)]
        from: Option<String>,
    },
    /// Approve a link proposal (managers; not your own; refused when a later assignment overtook it).
    Approve {
        id: i64,
        #[arg(long, default_value = "")]
        reason: String,
    },
    /// Reject a link proposal (managers; not your own), with a reason.
    Reject {
        id: i64,
        #[arg(long)]
        reason: String,
    },
    /// Link proposals (open ones unless --all).
    Proposals {
        #[arg(long)]
        all: bool,
        #[arg(long, value_enum, default_value_t)]
        format: OutputFormat,
    },
    /// Name a linked account (or with --payer a payer), or read names from an account list (--file).
    Name {
        id: Option<String>,
        name: Option<String>,
        #[arg(long)]
        payer: bool,
        #[arg(long, conflicts_with_all = ["id", "name", "payer"])]
        file: Option<std::path::PathBuf>,
    },
}

pub(super) fn first_of_month(from: Option<&str>) -> Result<NaiveDate, Failure> {
    match from {
        Some(s) => NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
            .map_err(|_| Failure::new(2, format!("--from: not a date (YYYY-MM-DD): {s:?}"))),
        None => Ok(super::account_map::this_month()),
    }
}

/// `accounts assign` by an operator: the assignment becomes a proposal, and the output says so.
pub(super) async fn assign_as_operator(
    ctx: &Ctx,
    account: &str,
    customer: &str,
    from: NaiveDate,
) -> Result<u8, Failure> {
    let p = ctx.store.propose_assignment(account, customer, from, &ctx.actor()).await?;
    outln!(
        "you are an operator: assignments are proposals. proposal {} recorded: account {} to {} from {} \
         (a manager approves it: billops accounts approve {})",
        p.id,
        p.account,
        p.customer,
        p.from,
        p.id
    )?;
    Ok(0)
}

pub async fn link(ctx: &Ctx, c: LinkCmd) -> Result<u8, Failure> {
    match c {
        LinkCmd::Propose { account, customer, payer, from } => {
            ctx.require(Role::Operator, "proposing an account link").await?;
            let from = first_of_month(from.as_deref())?;
            let by = ctx.actor();
            let p = match payer {
                Some(payer) => {
                    let np = NewLinkProposal { account, payer, customer, from };
                    ctx.store.propose_link(&np, &by).await?
                }
                None => ctx.store.propose_assignment(&account, &customer, from, &by).await?,
            };
            outln!(
                "proposal {} recorded: account {} (payer {}) to {} from {} (a manager approves)",
                p.id,
                p.account,
                p.payer,
                p.customer,
                p.from
            )?;
            Ok(0)
        }
        LinkCmd::Approve { id, reason } => decide(ctx, id, true, &reason).await,
        LinkCmd::Reject { id, reason } => decide(ctx, id, false, &reason).await,
        LinkCmd::Proposals { all, format } => {
            let mut t = Table::new(&[
                "id",
                "account",
                "payer",
                "customer",
                "from",
                "status",
                "proposed_by",
                "proposed_at",
                "decided_by",
                "reason",
            ]);
            for p in ctx.store.list_link_proposals(!all).await? {
                t.push(vec![
                    p.id.to_string(),
                    p.account,
                    p.payer,
                    p.customer,
                    p.from.to_string(),
                    p.status,
                    p.proposed_by,
                    p.proposed_at.format("%Y-%m-%d %H:%M").to_string(),
                    p.decided_by.unwrap_or_default(),
                    p.reason.unwrap_or_default(),
                ]);
            }
            print(&t, format)
        }
        LinkCmd::Name { id, name, payer, file } => {
            ctx.require(Role::Operator, "naming accounts").await?;
            if let Some(file) = file {
                let rows = name_rows(&file)?;
                let n = ctx.store.import_account_names(&rows, &ctx.actor()).await?;
                outln!("{}: {n} name(s) changed, {} unchanged", file.display(), rows.len() - n)?;
                return Ok(0);
            }
            let (Some(id), Some(name)) = (id, name) else {
                return Err(Failure::new(2, "accounts name: give ID NAME (or --file LIST.csv)"));
            };
            let target = if payer { NameTarget::Payer } else { NameTarget::Account };
            ctx.store.set_account_name(target, &id, &name, &ctx.actor()).await?;
            let what = if payer { "payer" } else { "linked account" };
            outln!("{what} {id} is named {:?}", name.trim())?;
            Ok(0)
        }
    }
}

async fn decide(ctx: &Ctx, id: i64, approve: bool, reason: &str) -> Result<u8, Failure> {
    ctx.require(Role::Manager, if approve { "approving a link proposal" } else { "rejecting a link proposal" }).await?;
    if !approve && reason.trim().is_empty() {
        return Err(Failure::new(2, "--reason: required to reject"));
    }
    let p = ctx.store.decide_link(id, approve, reason, &ctx.actor()).await?;
    outln!("proposal {id} {}: account {} to {} from {}", p.status, p.account, p.customer, p.from)?;
    Ok(0)
}

fn name_rows(file: &Path) -> Result<Vec<NameRow>, Failure> {
    let shown = file.display().to_string();
    let bad = |line: u64, m: String| Failure::new(2, format!("{shown}: line {line}: {m}; nothing was imported"));
    let mut rd = csv::Reader::from_path(file).map_err(|e| Failure::new(2, format!("{shown}: {e}")))?;
    let names: Vec<String> =
        rd.headers().map_err(|e| bad(1, e.to_string()))?.iter().map(|h| h.trim().to_ascii_lowercase()).collect();
    let col = |opts: &[&str]| opts.iter().find_map(|o| names.iter().position(|n| n == o));
    let account = col(&["account_id", "account"]);
    let account_name = col(&["account_name", "name"]);
    let payer = col(&["payer_id", "payer"]);
    let payer_name = col(&["payer_name"]);
    if account.zip(account_name).is_none() && payer.zip(payer_name).is_none() {
        return Err(bad(1, "the header must name account_id and account_name (and/or payer_id and payer_name)".into()));
    }
    let mut out = Vec::new();
    for r in rd.records() {
        let r = r.map_err(|e| bad(e.position().map_or(0, |p| p.line()), e.to_string()))?;
        let line = r.position().map_or(0, |p| p.line());
        let cell = |i: Option<usize>| i.and_then(|i| r.get(i)).map(str::trim).filter(|v| !v.is_empty());
        for (target, id, name) in [
            (NameTarget::Account, cell(account), cell(account_name)),
            (NameTarget::Payer, cell(payer), cell(payer_name)),
        ] {
            match (id, name) {
                (Some(id), Some(name)) => out.push(NameRow { line, target, id: id.into(), name: name.into() }),
                (None, Some(_)) => return Err(bad(line, "a name without its id".into())),
                _ => {}
            }
        }
    }
    Ok(out)
}
