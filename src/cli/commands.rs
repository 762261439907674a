//! One function per command. Each prints its answer and returns the exit code.
use std::path::PathBuf;
use std::sync::Arc;

use billops_domain::clock::SystemClock;
use billops_domain::money::canonical;
use billops_domain::{CostBasis, Dim, Period, Role, User};
use billops_store::{AccountFilter, Backend, CostQuery, IssueFilter, NewCustomer};
use chrono::NaiveDate;

use super::args::{AccountsCmd, CostsArgs, CustomersCmd, IssuesCmd, UsersCmd};
use super::month::print;
use super::out;
use super::output::{OutputFormat, Table};
use super::{Ctx, Failure, Which};
use crate::config::Paths;
use crate::ingest;

pub fn paths(paths: &Paths, url: &str, which: &Which) -> Result<(), Failure> {
    outln!("config dir:  {}", paths.config_dir.display())?;
    outln!("config file: {}", paths.config_file().display())?;
    outln!("data dir:    {}", paths.data_dir.display())?;
    outln!("store:       {}", billops_store::mask_url(url))?;
    outln!("demo store:  sqlite:{}", paths.demo_store().display())?;
    let log = match std::env::var_os("BILLOPS_LOG_FILE").filter(|v| !v.is_empty()) {
        Some(f) => PathBuf::from(f).display().to_string(),
        None if which.uses_data_dir() => paths.log_file().display().to_string(),
        None => "none (--db names the store; set BILLOPS_LOG_FILE for one)".to_string(),
    };
    outln!("log file:    {log}")?;
    outln!("exports:     {}", paths.exports_dir().display())?;
    Ok(())
}

/// `billops init`: create the store (the default one, or the one `--db` names) with every migration; one that
/// exists is left as it is (and brought up to date).
pub async fn init(url: &str, options: &billops_store::OpenOptions) -> Result<u8, Failure> {
    let existed =
        match billops_store::open_with(url, &billops_store::OpenOptions { create: false, ..options.clone() }).await {
            Ok(store) => {
                store.close().await;
                true
            }
            Err(billops_store::StoreError::NoStore(_)) => false,
            Err(e) => return Err(e.into()),
        };
    if !existed {
        billops_store::open_with(url, options).await?.close().await;
    }
    let shown = billops_store::mask_url(url);
    if url.starts_with("postgres") {
        outln!("store {shown} ready (migrations up to date)")?;
    } else if existed {
        outln!("store {shown} already exists; left as it is (migrations are up to date)")?;
    } else {
        outln!("created store {shown}")?;
    }
    Ok(0)
}

pub async fn console(ctx: &Ctx, read_only: bool, theme: Option<String>) -> Result<u8, Failure> {
    let role = ctx.role().await?;
    let theme = theme.or_else(|| ctx.config.ui.theme.clone());
    crate::console::check_config(&ctx.paths.config_dir, theme.as_deref()).map_err(Failure::user)?;
    let console_ctx = crate::console::ConsoleContext {
        store: ctx.store.clone(),
        user: User { name: ctx.user.clone(), role },
        // No identity: reads only.
        read_only: read_only || ctx.user.is_empty(),
        theme,
        config_dir: ctx.paths.config_dir.clone(),
        data_dir: ctx.paths.data_dir.clone(),
        clock: Arc::new(SystemClock),
        tags: ctx.config.tags.clone(),
        close: ctx.close_settings().await?,
    };
    crate::console::run(console_ctx).await.map_err(|e| Failure::user(format!("{e}")))?;
    Ok(0)
}

/// `billops migrate`: the back-fill an older store needs, with progress on stderr; resumable.
pub async fn migrate(ctx: &Ctx, open_url: &str, options: &billops_store::OpenOptions) -> Result<u8, Failure> {
    ctx.require(Role::Operator, "migrating the store").await?;
    let url = ctx.store.display_url();
    let mut line = super::progress::ProgressLine::new("migrating");
    let mut progress = |done: usize, total: usize| line.update(done as u64, total as u64, "import batches");
    let filled = billops_store::migrate(open_url, options, &mut progress).await?;
    if filled == 0 {
        outln!("the store {url} is up to date: nothing to migrate")?;
    } else {
        outln!(
            "migrated {url}: rollups (currency, rating, summary by customer and service) back-filled for {filled} import batch(es)"
        )?;
    }
    Ok(0)
}

pub async fn import(
    ctx: &Ctx,
    paths: Vec<PathBuf>,
    view: Option<String>,
    payer: Option<String>,
) -> Result<u8, Failure> {
    let view = view
        .map(|v| v.parse::<billops_import::View>())
        .transpose()
        .map_err(|e| Failure::new(2, format!("--view: {e}")))?;
    let payer = payer
        .map(|p| billops_domain::text::Code::new("--payer", &p))
        .transpose()
        .map_err(|e| Failure::new(2, e.to_string()))?;
    ctx.require(Role::Operator, "importing").await?;
    let read = billops_import::ReadOptions {
        tags: ctx.config.tags.clone(),
        view,
        payer: payer.map(|p| p.into_string()),
        ..Default::default()
    };
    let line = std::sync::Mutex::new(super::progress::ProgressLine::new("importing").terminal_only());
    let line = Arc::new(line);
    let shown = line.clone();
    let tell = move |p: ingest::Progress| {
        if let Ok(mut l) = shown.lock() {
            let what = if p.file_count > 1 {
                format!("rows of {} (file {} of {})", p.file_name, p.file_index + 1, p.file_count)
            } else {
                format!("rows of {}", p.file_name)
            };
            if p.done {
                l.finish();
            } else if p.total > 0 {
                // the size on disk is known: % and an ETA from the bytes read, the rows beside
                l.update(
                    p.bytes.min(p.total),
                    p.total,
                    &format!("bytes of {} ({})", p.file_name, billops_domain::text::counted(p.rows, "row", "rows")),
                );
            } else {
                l.count(p.rows, &what);
            }
        }
    };
    let run = ingest::import_run_with(ctx.store.clone(), paths, read, ctx.actor(), Arc::new(tell)).await;
    if let Ok(mut l) = line.lock() {
        l.finish();
    }
    for s in &run.skipped {
        outln!("{s}: skipped: not an importable file (.csv, .csv.gz, .gz, .zip)")?;
    }
    for report in &run.reports {
        outln!("{}", ingest::describe(report))?;
    }
    if run.reports.len() > 1 {
        outln!("{}", ingest::tally(&run.reports))?;
    }
    Ok(ingest::exit_code(&run.reports))
}

pub async fn costs(ctx: &Ctx, a: CostsArgs) -> Result<u8, Failure> {
    let period: Period = a.period.parse().map_err(|e| Failure::user(format!("--period: {e}")))?;
    let by = Dim::parse_list(&a.by).map_err(|e| Failure::user(format!("--by: {e}")))?;
    if by.is_empty() {
        return Err(Failure::user("--by: name at least one dimension"));
    }
    let basis: CostBasis = a.basis.parse().map_err(|e| Failure::user(format!("--basis: {e}")))?;
    let mut q = CostQuery::period(period, by.clone(), basis);
    if let Some(c) = a.customer {
        ctx.store.customer(&c).await?;
        q.filters.push((Dim::Customer, c));
    }
    let rows = ctx.store.costs(&q).await?;
    let mut headers: Vec<&str> = by.iter().map(|d| d.as_str()).collect();
    // one row per key and currency: two currencies are never added (currency last: scripts reading the columns
    // they read before still find them where they were)
    headers.extend(["cost", "currency"]);
    let mut table = Table::new(&headers).numeric("cost");
    for r in rows {
        let mut cells = r.keys;
        cells.push(canonical(r.cost));
        cells.push(r.currency);
        table.push(cells);
    }
    print(&table, a.format)
}

pub async fn customers(ctx: &Ctx, cmd: CustomersCmd) -> Result<u8, Failure> {
    match cmd {
        CustomersCmd::Add { code, name, currency } => {
            ctx.require(Role::Operator, "adding a customer").await?;
            let c = ctx.store.add_customer(&NewCustomer { code, name, currency }, &ctx.actor()).await?;
            outln!("added customer {} ({})", c.code, c.name)?;
            Ok(0)
        }
        CustomersCmd::Model { code, model } => super::rating::model(ctx, &code, model).await,
        CustomersCmd::Tenant { code, tenant_id, clear } => super::partner::tenant(ctx, &code, tenant_id, clear).await,
        CustomersCmd::Details { code, address, tax_id, po_number, email } => {
            let mut d = ctx.store.customer_details(&code).await?;
            let changed = address.is_some() || tax_id.is_some() || po_number.is_some() || email.is_some();
            if changed {
                d = billops_store::CustomerDetails {
                    address: address.or(d.address),
                    tax_id: tax_id.or(d.tax_id),
                    po_number: po_number.or(d.po_number),
                    billing_email: email.or(d.billing_email),
                };
                d = ctx.store.set_customer_details(&code, &d, &ctx.actor()).await?;
            }
            let lines = d.address_lines().join(" | ");
            outln!("address:   {lines}")?;
            outln!("tax id:    {}", d.tax_id.unwrap_or_default())?;
            outln!("PO number: {}", d.po_number.unwrap_or_default())?;
            outln!("e-mail:    {}", d.billing_email.unwrap_or_default())?;
            Ok(0)
        }
        CustomersCmd::List { format } => {
            let mut t = Table::new(&["code", "name", "currency", "status", "accounts"]).numeric("accounts");
            for c in ctx.store.list_customers().await? {
                t.push(vec![c.code, c.name, c.currency, c.status, c.account_count.to_string()]);
            }
            print(&t, format)
        }
    }
}

pub async fn accounts(ctx: &Ctx, cmd: AccountsCmd) -> Result<u8, Failure> {
    match cmd {
        AccountsCmd::List { unassigned, format } => {
            let filter = AccountFilter { unassigned_only: unassigned, ..AccountFilter::default() };
            let mut t = Table::new(&["account", "name", "payer", "customer", "first_seen"]);
            for a in ctx.store.list_accounts(&filter).await? {
                t.push(vec![
                    a.id,
                    a.name,
                    a.payer,
                    a.customer.unwrap_or_default(),
                    a.first_seen.format("%Y-%m-%d").to_string(),
                ]);
            }
            print(&t, format)
        }
        AccountsCmd::Assign { file: Some(file), .. } => super::account_map::assign_file(ctx, &file).await,
        AccountsCmd::Assign { account, customer, from, file: None } => {
            let (Some(account), Some(customer)) = (account, customer) else {
                return Err(Failure::user("give ACCOUNT CUSTOMER, or --file map.csv"));
            };
            ctx.require(Role::Operator, "assigning an account").await?;
            let from = match from {
                Some(s) => NaiveDate::parse_from_str(&s, "%Y-%m-%d")
                    .map_err(|_| Failure::user(format!("--from: not a date (YYYY-MM-DD): {s:?}")))?,
                None => super::account_map::this_month(),
            };
            if ctx.role().await? == Role::Operator {
                return super::linking::assign_as_operator(ctx, &account, &customer, from).await;
            }
            ctx.store.assign_account(&account, &customer, from, &ctx.actor()).await?;
            outln!("account {account} assigned to {customer} from {from}")?;
            Ok(0)
        }
        AccountsCmd::Suggest { period, format, apply, only } => {
            super::partner::suggest(ctx, period, format, apply, only).await
        }
        AccountsCmd::Link(c) => super::linking::link(ctx, c).await,
    }
}

pub async fn issues(ctx: &Ctx, cmd: IssuesCmd) -> Result<u8, Failure> {
    let IssuesCmd::List { all, format } = cmd;
    let mut t = Table::new(&["id", "status", "severity", "kind", "file", "line", "column", "message"]);
    for i in ctx.store.list_issues(&IssueFilter { open_only: !all, batch: None }).await? {
        t.push(vec![
            format!("I{}", i.id),
            if i.open { "open".into() } else { "resolved".into() },
            i.issue.severity.to_string(),
            i.issue.kind.to_string(),
            i.issue.file.unwrap_or_default(),
            i.issue.line.map(|l| l.to_string()).unwrap_or_default(),
            i.issue.column.unwrap_or_default(),
            i.issue.message,
        ]);
    }
    for q in ctx.store.list_quarantine(None).await? {
        t.push(vec![
            format!("Q{}", q.id),
            "quarantined".into(),
            "error".into(),
            "quarantined_row".into(),
            q.row.file.clone(),
            q.row.line.to_string(),
            format!("{} {}", q.row.column, q.row.column_name).trim().to_string(),
            format!("{} (value {:?})", q.row.reason, q.row.value),
        ]);
    }
    print(&t, format)
}

/// Said wherever SQLite users are shown or changed.
const SQLITE_SINGLE_USER: &str = "note: a SQLite store is single-user: the OS user is the identity and the file's \
     permissions are the boundary (roles here guard against mistakes, not people); use PostgreSQL for a team";

pub async fn users(ctx: &Ctx, cmd: UsersCmd) -> Result<u8, Failure> {
    match cmd {
        UsersCmd::Add { name, role } => {
            let role: Role = role.parse().map_err(Failure::user)?;
            ctx.require(Role::Manager, "changing users").await?;
            if ctx.store.backend() == Backend::Postgres {
                // The login is the identity: create or map it and put it in the store's PostgreSQL group.
                ctx.store.add_login(&name, role, &ctx.actor()).await?;
                outln!("login {name} is {role} (PostgreSQL enforces it)")?;
                outln!(
                    "{name} connects with their own password: a PostgreSQL admin sets it (psql: \\password {name})"
                )?;
            } else {
                ctx.store.set_user(&name, role, &ctx.actor()).await?;
                outln!("user {name} is {role}")?;
                out::err_line(SQLITE_SINGLE_USER);
            }
            Ok(0)
        }
        UsersCmd::List { format } => {
            let mut t = Table::new(&["name", "role"]);
            for u in ctx.store.list_users().await? {
                t.push(vec![u.name, u.role.to_string()]);
            }
            if ctx.store.backend() == Backend::Sqlite && format == OutputFormat::Table {
                out::err_line(SQLITE_SINGLE_USER);
            }
            print(&t, format)
        }
    }
}
