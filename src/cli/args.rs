//! The command line. These forms are stable: scripts and our own checks depend on them.
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use super::output::OutputFormat;

#[derive(Debug, Parser)]
#[command(name = "billops", version, about = "Keyboard-driven console for cloud billing operations")]
pub struct Cli {
    /// Store URL: sqlite:PATH or postgres://… (default: the embedded SQLite store in the data dir).
    #[arg(long, global = true, env = "BILLOPS_DATABASE_URL", hide_env_values = true)]
    pub db: Option<String>,
    /// Open the demo store (created from the bundled demo book on first use).
    #[arg(long)]
    pub demo: bool,
    /// Disable every write in the console.
    #[arg(long)]
    pub read_only: bool,
    /// Console theme: dark, light, high-contrast, monochrome or a file stem in the config dir's themes/.
    #[arg(long)]
    pub theme: Option<String>,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Import cost-and-usage files (CUR, CUR 2.0, FOCUS; .csv, .gz, .zip; files or folders).
    /// Exit 0 clean, 3 rows quarantined, 2 a file refused, 1 other errors.
    Import {
        #[arg(required = true)]
        paths: Vec<PathBuf>,
    },
    /// Exact cost report for a period.
    Costs(CostsArgs),
    /// Customers.
    #[command(subcommand)]
    Customers(CustomersCmd),
    /// Payer and linked accounts.
    #[command(subcommand)]
    Accounts(AccountsCmd),
    /// Data-feed issues and quarantined rows.
    #[command(subcommand)]
    Issues(IssuesCmd),
    /// Users and roles.
    #[command(subcommand)]
    Users(UsersCmd),
    /// Create (or reset) the demo store and print where it is.
    Demo,
    /// Print where billops keeps its config, data, logs and store.
    Paths,
}

#[derive(Debug, Args)]
pub struct CostsArgs {
    /// Billing period YYYY-MM.
    #[arg(long)]
    pub period: String,
    /// Only this customer (code).
    #[arg(long)]
    pub customer: Option<String>,
    /// Comma list of period,payer,account,customer,service,product,component,charge_category,region,resource.
    #[arg(long, default_value = "customer")]
    pub by: String,
    /// billed, effective or list.
    #[arg(long, default_value = "billed")]
    pub basis: String,
    #[arg(long, value_enum, default_value_t)]
    pub format: OutputFormat,
}

#[derive(Debug, Subcommand)]
pub enum CustomersCmd {
    /// Add a customer.
    Add {
        code: String,
        name: String,
        #[arg(long, default_value = "USD")]
        currency: String,
    },
    /// List customers.
    List {
        #[arg(long, value_enum, default_value_t)]
        format: OutputFormat,
    },
}

#[derive(Debug, Subcommand)]
pub enum AccountsCmd {
    /// List linked accounts.
    List {
        /// Only accounts with no customer.
        #[arg(long)]
        unassigned: bool,
        #[arg(long, value_enum, default_value_t)]
        format: OutputFormat,
    },
    /// Assign a linked account to a customer from a date (default: the first day of the current month).
    Assign {
        account: String,
        customer: String,
        /// Effective date YYYY-MM-DD (inclusive).
        #[arg(long)]
        from: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum IssuesCmd {
    /// Feed issues (open ones unless --all) and quarantined rows.
    List {
        #[arg(long)]
        all: bool,
        #[arg(long, value_enum, default_value_t)]
        format: OutputFormat,
    },
}

#[derive(Debug, Subcommand)]
pub enum UsersCmd {
    /// Add or change a user's role (viewer, operator, manager).
    Add {
        name: String,
        #[arg(long)]
        role: String,
    },
    /// List users.
    List {
        #[arg(long, value_enum, default_value_t)]
        format: OutputFormat,
    },
}
