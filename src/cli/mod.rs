//! `billops` entry: parse, wire, dispatch. Errors return here; only `main` decides the exit code.
#[macro_use]
mod out;
mod args;
mod commands;
mod demo;
mod month;
mod month_codes;
mod month_money;
mod month_terms;
mod month_variance;
pub mod output;
mod rating;

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

impl From<billops_store::StoreError> for Failure {
    fn from(e: billops_store::StoreError) -> Failure {
        Failure::user(e.to_string())
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
    pub async fn role(&self) -> Result<Role, Failure> {
        if let Some(role) = self.store.user_role(&self.user).await? {
            return Ok(role);
        }
        if self.store.list_users().await?.is_empty() { Ok(Role::Manager) } else { Ok(Role::Viewer) }
    }

    /// The month-end settings in force (from the store, shared by every operator).
    pub async fn close_settings(&self) -> Result<crate::ledger::CloseSettings, Failure> {
        Ok(crate::ledger::settings::load(self.store.as_ref()).await?)
    }

    pub async fn require(&self, needed: Role, what: &str) -> Result<(), Failure> {
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
    let _log_guard = init_logging(&paths);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure::user(format!("cannot start the runtime: {e}")))?;
    runtime.block_on(dispatch(cli, paths, config))
}

/// Logs go to a file in the data dir, never to the terminal the UI owns.
fn init_logging(paths: &Paths) -> Option<tracing_appender::non_blocking::WorkerGuard> {
    std::fs::create_dir_all(&paths.data_dir).ok()?;
    let appender = tracing_appender::rolling::never(&paths.data_dir, "billops.log");
    let (writer, guard) = tracing_appender::non_blocking(appender);
    let filter = tracing_subscriber::EnvFilter::try_from_env("BILLOPS_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    tracing_subscriber::fmt().with_writer(writer).with_ansi(false).with_env_filter(filter).try_init().ok()?;
    Some(guard)
}

/// `--db`/`BILLOPS_DATABASE_URL`, else `--demo`, else the config file, else the default SQLite file.
fn store_url(cli: &Cli, paths: &Paths, config: &Config) -> String {
    if let Some(db) = &cli.db {
        return db.clone();
    }
    if cli.demo {
        return format!("sqlite:{}", paths.demo_store().display());
    }
    if let Some(url) = &config.store.url {
        return url.clone();
    }
    format!("sqlite:{}", paths.default_store().display())
}

async fn open_store(url: &str) -> Result<Arc<dyn Store>, Failure> {
    billops_store::open(url).await.map_err(|e| Failure::user(format!("cannot open store {}: {e}", mask(url))))
}

/// A URL with its password replaced, for messages.
pub fn mask(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let creds = &url[s + 3..at];
            match creds.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..s + 3], &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

async fn dispatch(cli: Cli, paths: Paths, config: Config) -> Result<u8, Failure> {
    let url = store_url(&cli, &paths, &config);
    match &cli.command {
        Some(Command::Paths) => {
            commands::paths(&paths, &url)?;
            return Ok(0);
        }
        Some(Command::Demo) => {
            let at = demo::create(&paths, cli.db.as_deref()).await?;
            outln!("demo store ready: {at}")?;
            outln!("open it with: billops --db {at}")?;
            return Ok(0);
        }
        _ => {}
    }
    let own_demo = cli.demo && cli.db.is_none();
    if own_demo && !paths.demo_store().exists() {
        demo::create(&paths, None).await?;
    }
    let store = match open_store(&url).await {
        // The demo store is disposable: one left by an older billops (its migrations differ) is rebuilt.
        Err(f) if own_demo => {
            tracing::warn!("rebuilding the demo store: {}", f.message);
            demo::create(&paths, None).await?;
            open_store(&url).await?
        }
        other => other?,
    };
    let ctx = Ctx { store, user: os_user(), paths, config };
    let result = run_command(&ctx, cli).await;
    ctx.store.close().await;
    result
}

async fn run_command(ctx: &Ctx, cli: Cli) -> Result<u8, Failure> {
    match cli.command {
        None => commands::console(ctx, cli.read_only, cli.theme).await,
        Some(Command::Import { paths }) => commands::import(ctx, paths).await,
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
        Some(Command::Recon { period, open_cases, format }) => {
            if open_cases {
                month_terms::open_cases(ctx, &period).await?;
            }
            month_money::recon(ctx, &period, format).await
        }
        Some(Command::Terms(c)) => month_terms::terms(ctx, c).await,
        Some(Command::Cases(c)) => month_terms::cases(ctx, c).await,
        Some(Command::Payments(c)) => month_money::payments(ctx, c).await,
        Some(Command::Balance { customer, format }) => month_money::balance(ctx, &customer, format).await,
        Some(Command::Statement { customer, from, to, format }) => {
            month_money::statement(ctx, &customer, &from, &to, format).await
        }
        Some(Command::Codes(c)) => month_codes::codes(ctx, c).await,
        Some(Command::Paths | Command::Demo) => Ok(0),
        Some(Command::Ru(c)) => rating::ru(ctx, c).await,
        Some(Command::Variance(a)) => month_variance::variance(ctx, a).await,
    }
}

#[cfg(test)]
mod tests {
    use super::mask;

    #[test]
    fn masks_passwords() {
        assert_eq!(mask("postgres://bob:secret@db:5432/billing"), "postgres://bob:***@db:5432/billing");
        assert_eq!(mask("sqlite:/tmp/x.db"), "sqlite:/tmp/x.db");
    }
}
