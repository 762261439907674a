//! `billops` entry: parse, wire, dispatch. Errors return here; only `main` decides the exit code.
#[macro_use]
mod out;
mod account_map;
mod args;
mod budget;
mod ch_statements;
mod commands;
mod demo;
mod disputes;
mod documents;
mod export;
mod funding;
mod funding_io;
mod fx;
mod interest;
mod interest_terms;
mod linking;
mod month;
mod month_codes;
mod month_money;
mod month_terms;
mod month_variance;
mod onboarding;
pub mod output;
mod partner;
mod plan;
mod pricebook_import;
mod progress;
mod rating;
mod report;
mod reprice;
mod sla_claims;

use std::process::ExitCode;
use std::sync::Arc;

use billops_domain::Role;
use billops_store::{Actor, Store};
use clap::Parser;

pub use args::{Cli, Command};

use crate::config::{Config, Paths, os_user};

/// An error for the person at the keyboard: a message and an exit code, never a backtrace.
#[derive(Debug)]
pub struct Failure {
    pub code: u8,
    pub message: String,
}

impl Failure {
    pub fn new(code: u8, message: impl Into<String>) -> Failure {
        Failure { code, message: message.into() }
    }
    pub fn user(message: impl Into<String>) -> Failure {
        Failure::new(1, message)
    }
}

/// Exit code when the store's server cannot be reached (refused, no answer within `connect_timeout`).
pub const EXIT_UNREACHABLE: u8 = 5;
/// Exit code when no billops store is at the path named (missing, empty, not a store): only `billops init`,
/// `billops demo` and the default store create one.
pub const EXIT_NO_STORE: u8 = 6;
/// Exit code when the store was made by an older billops and needs `billops migrate` first.
pub const EXIT_NEEDS_MIGRATION: u8 = 7;

impl From<billops_store::StoreError> for Failure {
    fn from(e: billops_store::StoreError) -> Failure {
        use billops_store::StoreError;
        match e {
            StoreError::Unreachable(m) => Failure::new(EXIT_UNREACHABLE, m),
            StoreError::NoStore(m) if m.contains("no such file") || m.contains("empty") => Failure::new(
                EXIT_NO_STORE,
                format!("{m}: check the path (`billops --db sqlite:PATH init` creates a new store there)"),
            ),
            StoreError::NoStore(m) => Failure::new(EXIT_NO_STORE, m),
            StoreError::NeedsMigration(m) => Failure::new(EXIT_NEEDS_MIGRATION, m),
            other => Failure::user(billops_store::mask_url(&other.to_string())),
        }
    }
}

impl From<std::io::Error> for Failure {
    fn from(e: std::io::Error) -> Failure {
        Failure::user(e.to_string())
    }
}

/// What every command gets: the store, who is acting, paths and config.
pub struct Ctx {
    pub store: Arc<dyn Store>,
    /// Who is acting: the database login on PostgreSQL, the OS user on SQLite; empty when no identity could be
    /// resolved (reads only: the store refuses every write by an empty name).
    pub user: String,
    pub paths: Paths,
    pub config: Config,
}

impl Ctx {
    pub fn actor(&self) -> Actor {
        Actor { name: self.user.clone(), at: chrono::Utc::now() }
    }

    /// The acting user's role. A store with no users at all is in bootstrap: whoever runs is manager until
    /// the first user is added (so a fresh store can be set up); after that unknown users are viewers.
    /// No identity: a viewer. On PostgreSQL the role is capped by what the database grants the login.
    pub async fn role(&self) -> Result<Role, Failure> {
        if self.user.is_empty() {
            return Ok(Role::Viewer);
        }
        let role = match self.store.user_role(&self.user).await? {
            Some(role) => role,
            None if self.store.list_users().await?.is_empty() => Role::Manager,
            None => Role::Viewer,
        };
        Ok(match self.store.login_role().await? {
            Some(granted) => role.min(granted),
            None => role,
        })
    }

    /// The month-end settings in force (from the store, shared by every operator).
    pub async fn close_settings(&self) -> Result<crate::month::CloseSettings, Failure> {
        Ok(crate::month::settings::load(self.store.as_ref()).await?)
    }

    pub async fn require(&self, needed: Role, what: &str) -> Result<(), Failure> {
        if self.user.is_empty() {
            return Err(Failure::new(1, format!("{what} needs a known user: {NO_IDENTITY}")));
        }
        let role = self.role().await?;
        if role >= needed {
            Ok(())
        } else {
            Err(Failure::new(
                1,
                format!(
                    "{what} needs the {needed} role; {} is {role} (a manager runs `billops users add {} --role {needed}`)",
                    self.user, self.user
                ),
            ))
        }
    }
}

/// Why a process without an identity may not write.
pub const NO_IDENTITY: &str = "no identity could be resolved (BILLOPS_USER, USER, LOGNAME and USERNAME are all \
     unset, as under cron, systemd or in a container); reads work, writes are refused: set BILLOPS_USER or USER";

/// Who is acting: on PostgreSQL the authenticated login (`BILLOPS_USER` is ignored: it could only pretend);
/// on SQLite the OS user (`BILLOPS_USER` first); empty when unresolved.
pub async fn resolve_user(store: &dyn Store) -> Result<String, Failure> {
    if let Some(login) = store.login().await? {
        return Ok(login);
    }
    Ok(os_user().unwrap_or_default())
}

pub fn main() -> ExitCode {
    // Readable reports for real bugs; the console chains its terminal-restoring hook on top of this one.
    let _ = color_eyre::install();
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => ExitCode::from(code),
        Err(f) => {
            out::err_line(&format!("billops: {}", f.message));
            ExitCode::from(f.code)
        }
    }
}

fn run(cli: Cli) -> Result<u8, Failure> {
    let paths = Paths::discover().map_err(Failure::user)?;
    let config = Config::load(&paths.config_file()).map_err(Failure::user)?;
    let which = which_store(&cli, &config);
    let _log_guard = init_logging(&paths, &which);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure::user(format!("cannot start the runtime: {e}")))?;
    runtime.block_on(dispatch(cli, paths, config, which))
}

/// Which store a run uses. Only the data dir's own stores (and the config file's) write under the data dir.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Which {
    /// `--db` / `BILLOPS_DATABASE_URL`.
    Named(String),
    /// `--demo` without `--db`: the demo's own file in the data dir.
    OwnDemo,
    /// `[store] url` in config.toml.
    Configured(String),
    /// The default SQLite file in the data dir (created on first use).
    Default,
}

/// `--db`/`BILLOPS_DATABASE_URL`, else `--demo`, else the config file, else the default SQLite file.
fn which_store(cli: &Cli, config: &Config) -> Which {
    match (&cli.db, cli.demo, &config.store.url) {
        (Some(db), _, _) => Which::Named(db.clone()),
        (None, true, _) => Which::OwnDemo,
        (None, false, Some(url)) => Which::Configured(url.clone()),
        (None, false, None) => Which::Default,
    }
}

impl Which {
    pub fn url(&self, paths: &Paths) -> String {
        match self {
            Which::Named(u) | Which::Configured(u) => u.clone(),
            Which::OwnDemo => format!("sqlite:{}", paths.demo_store().display()),
            Which::Default => format!("sqlite:{}", paths.default_store().display()),
        }
    }
    /// Whether this run may write under the data dir (log file, default store, demo book).
    pub fn uses_data_dir(&self) -> bool {
        !matches!(self, Which::Named(_))
    }
}

/// Logs go to a file (0600, in a 0700 data dir), never to the terminal the UI owns: `billops.log` in the data
/// dir, except when `--db` names the store (a run keeps to its own paths): then `BILLOPS_LOG_FILE`, if set.
fn init_logging(paths: &Paths, which: &Which) -> Option<tracing_appender::non_blocking::WorkerGuard> {
    let file = match std::env::var_os("BILLOPS_LOG_FILE").filter(|v| !v.is_empty()) {
        Some(f) => std::path::PathBuf::from(f),
        None if which.uses_data_dir() => {
            crate::config::private_dir(&paths.data_dir).ok()?;
            paths.log_file()
        }
        None => return None,
    };
    let file = crate::config::private_file(&file).ok()?;
    let (writer, guard) = tracing_appender::non_blocking(file);
    let filter = tracing_subscriber::EnvFilter::try_from_env("BILLOPS_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    tracing_subscriber::fmt().with_writer(writer).with_ansi(false).with_env_filter(filter).try_init().ok()?;
    Some(guard)
}

/// How a run opens its store: `create` only for `init`, `demo` and the default store.
pub fn open_options(config: &Config, create: bool, read_only: bool) -> billops_store::OpenOptions {
    billops_store::OpenOptions {
        create,
        read_only,
        connect_timeout: config.store.connect_timeout(),
        ..billops_store::OpenOptions::default()
    }
}

async fn open_store(url: &str, options: &billops_store::OpenOptions) -> Result<Arc<dyn Store>, Failure> {
    let opened = billops_store::open_with(url, options).await;
    if let Err(e) = &opened {
        // Logged masked, like every URL billops shows.
        tracing::warn!(store = %billops_store::mask_url(url), "cannot open the store: {}", billops_store::mask_url(&e.to_string()));
    }
    opened.map_err(|e| match e {
        billops_store::StoreError::Unreachable(_)
        | billops_store::StoreError::NoStore(_)
        | billops_store::StoreError::NeedsMigration(_) => Failure::from(e),
        other => Failure::user(format!(
            "cannot open store {}: {}",
            billops_store::mask_url(url),
            billops_store::mask_url(&other.to_string())
        )),
    })
}

async fn dispatch(cli: Cli, paths: Paths, config: Config, which: Which) -> Result<u8, Failure> {
    let url = which.url(&paths);
    match &cli.command {
        Some(Command::Paths) => {
            commands::paths(&paths, &url, &which)?;
            return Ok(0);
        }
        Some(Command::Interest(_)) => {
            let Some(Command::Interest(a)) = cli.command else { return Ok(0) };
            return interest::interest(a, &mut out::Stdout);
        }
        Some(Command::Demo) => {
            let at = match &which {
                Which::Named(u) => demo::At::Named(u.clone()),
                _ => demo::At::Own,
            };
            let url = match demo::create(&paths, &at, &config).await? {
                demo::Built::Ready(url) => url,
                demo::Built::Occupied(why) => return Err(Failure::user(why)),
            };
            outln!("demo store ready: {url}")?;
            outln!("open it with: billops --db {url}")?;
            return Ok(0);
        }
        Some(Command::Init) => return commands::init(&url, &open_options(&config, true, false)).await,
        _ => {}
    }
    if cli.command.is_none() && url.starts_with("postgres") && std::io::IsTerminal::is_terminal(&std::io::stderr()) {
        // The console takes the screen only once the store is open: until then, say what it waits for.
        eprintln!(
            "billops: connecting to {} (up to {} s)…",
            billops_store::mask_url(&url),
            config.store.connect_timeout().as_secs()
        );
    }
    let mut options = open_options(&config, which == Which::Default, cli.read_only);
    options.needs_migration_ok = matches!(cli.command, Some(Command::Migrate));
    let store = match &which {
        Which::OwnDemo => open_own_demo(&paths, &config, &url, &options).await?,
        Which::Named(u) if cli.demo => {
            // `--demo --db X`: the demo is built at X when X is new or empty; otherwise X opens as it is.
            if let demo::Built::Occupied(why) = demo::create(&paths, &demo::At::Named(u.clone()), &config).await? {
                eprintln!("billops: --demo ignored: {why}; opening it as it is");
            }
            open_store(&url, &options).await?
        }
        _ => open_store(&url, &options).await?,
    };
    let user = resolve_user(store.as_ref()).await?;
    let ctx = Ctx { store, user, paths, config };
    if matches!(cli.command, Some(Command::Migrate)) {
        let result = commands::migrate(&ctx, &url, &options).await;
        ctx.store.close().await;
        return result;
    }
    let result = run_command(&ctx, cli).await;
    ctx.store.close().await;
    result
}

/// `--demo`: the demo's own store, built on first use; one this billops cannot open (an older billops's, a
/// left-over file) is rebuilt: it is the demo's own path, and the reset says what it deletes.
async fn open_own_demo(
    paths: &Paths,
    config: &Config,
    url: &str,
    options: &billops_store::OpenOptions,
) -> Result<Arc<dyn Store>, Failure> {
    if !paths.demo_store().exists() {
        eprintln!("billops: building the demo store (first use)…");
        demo::create(paths, &demo::At::Own, config).await?;
    }
    match open_store(url, options).await {
        Err(f) => {
            tracing::warn!("rebuilding the demo store: {}", f.message);
            eprintln!("billops: the demo store cannot be opened ({}); rebuilding it", f.message);
            demo::create(paths, &demo::At::Own, config).await?;
            open_store(url, options).await
        }
        ok => ok,
    }
}

async fn run_command(ctx: &Ctx, cli: Cli) -> Result<u8, Failure> {
    match cli.command {
        None => commands::console(ctx, cli.read_only, cli.theme).await,
        Some(Command::Import { paths, view, payer }) => commands::import(ctx, paths, view, payer).await,
        Some(Command::Costs(a)) => commands::costs(ctx, a).await,
        Some(Command::Customers(c)) => commands::customers(ctx, c).await,
        Some(Command::Accounts(c)) => commands::accounts(ctx, c).await,
        Some(Command::Issues(c)) => commands::issues(ctx, c).await,
        Some(Command::Users(c)) => commands::users(ctx, c).await,
        Some(Command::Close(c)) => month::close(ctx, c).await,
        Some(Command::Pricebook(c)) => month::pricebook(ctx, c).await,
        Some(Command::Invoices(c)) => month::invoices(ctx, c).await,
        Some(Command::Credits(c)) => month_money::credits(ctx, c).await,
        Some(Command::Supplier(c)) => month_money::supplier(ctx, c).await,
        Some(Command::Recon { period, statements: true, format, .. }) => ch_statements::tie(ctx, &period, format).await,
        Some(Command::Cloudhealth(c)) => ch_statements::cloudhealth(ctx, c).await,
        Some(Command::Recon { period, open_cases, format, .. }) => {
            if open_cases {
                month_terms::open_cases(ctx, &period).await?;
            }
            month_money::recon(ctx, &period, format).await
        }
        Some(Command::Terms(c)) => month_terms::terms(ctx, c).await,
        Some(Command::Cases(c)) => month_terms::cases(ctx, c).await,
        Some(Command::Payments(c)) => month_money::payments(ctx, c).await,
        Some(Command::Balance { customer, format }) => month_money::balance(ctx, &customer, format).await,
        Some(Command::Statement { customer, from, to, format, output }) => {
            use args::StatementFormat as F;
            let list = match format {
                F::Table => output::OutputFormat::Table,
                F::Csv => output::OutputFormat::Csv,
                F::Json => output::OutputFormat::Json,
                F::Html | F::Pdf => {
                    let f =
                        if format == F::Pdf { crate::documents::Format::Pdf } else { crate::documents::Format::Html };
                    let from = month::date(&from, "--from")?;
                    let to = month::date(&to, "--to")?;
                    let r = crate::documents::load::DocRef::Statement { customer, from, to };
                    return documents::export(ctx, &r, f, output.as_deref()).await;
                }
            };
            month_money::statement(ctx, &customer, &from, &to, list).await
        }
        Some(Command::Codes(c)) => month_codes::codes(ctx, c).await,
        Some(Command::Paths | Command::Demo | Command::Init | Command::Interest(_)) => Ok(0),
        Some(Command::Migrate) => Ok(0), // run above, with the URL and options it reopens with
        Some(Command::Ru(c)) => rating::ru(ctx, c).await,
        Some(Command::Variance(a)) => month_variance::variance(ctx, a).await,
        Some(Command::Export(c)) => export::export(ctx, c).await,
        Some(Command::Report(c)) => report::report(ctx, c).await,
        Some(Command::Funding(c)) => funding::funding(ctx, c).await,
        Some(Command::Disputes(c)) => disputes::disputes(ctx, c).await,
        Some(Command::Ppa(c)) => disputes::ppa(ctx, c).await,
        Some(Command::Reprice(a)) => reprice::reprice(ctx, a).await,
        Some(Command::SlaClaims(c)) => sla_claims::sla_claims(ctx, c).await,
        Some(Command::InterestTerms(c)) => interest_terms::interest_terms(ctx, c).await,
        Some(Command::SlaTiers(c)) => interest_terms::sla_tiers(ctx, c).await,
        Some(Command::Requests(c)) => sla_claims::requests(ctx, c).await,
        Some(Command::Onboarding(a)) => onboarding::onboarding(ctx, a).await,
        Some(Command::Forecast(a)) => plan::forecast(ctx, a).await,
        Some(Command::Budget(c)) => budget::budget(ctx, c).await,
        Some(Command::Fx(c)) => fx::fx(ctx, c).await,
    }
}
