//! The command line. These forms are stable: scripts and our own checks depend on them.
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use super::output::OutputFormat;

#[derive(Debug, Parser)]
#[command(
    name = "billops",
    version,
    about = "Keyboard-driven console for cloud billing operations",
    after_help = "Exit codes on every command: 5 the store is unreachable (after [store] connect_timeout, default 5 s), \
                  6 no billops store at that path (only `init`, `demo` and the default store create one), 1 other \
                  errors; commands list their own (2, 3, 4)."
)]
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
    /// Import cost-and-usage files (AWS CUR, CUR 2.0, FOCUS, Azure cost details, OCI cost reports; .csv, .gz,
    /// .zip; files or folders). Exit 1 a file failed, else 2 a file refused (even when others quarantined
    /// rows), else 3 rows quarantined, else 0.
    Import {
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Which cost view an Azure file is (its actual and amortized exports have the same columns):
        /// actual feeds billed cost, amortized effective cost.
        #[arg(long, value_name = "actual|amortized")]
        view: Option<String>,
        /// The payer (billing account) for files that name none (Azure's pay-as-you-go export); without it
        /// each subscription is its own payer.
        #[arg(long, value_name = "ID")]
        payer: Option<String>,
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
    /// Month-end close: `status` exits 0 when the period can be signed off or is signed off (locked), 4 when not ready.
    #[command(subcommand)]
    Close(CloseCmd),
    /// Customer price books (rules apply in order, first match wins).
    #[command(subcommand)]
    Pricebook(PricebookCmd),
    /// Invoice drafts, review/approve/issue/void, exports.
    #[command(subcommand)]
    Invoices(InvoicesCmd),
    /// Credits (maker-checker approval).
    #[command(subcommand)]
    Credits(CreditsCmd),
    /// Supplier invoices.
    #[command(subcommand)]
    Supplier(SupplierCmd),
    /// Partner funding applications (MAP, POC, MDF, …): draft → submitted → approved → claim → paid → assigned.
    #[command(subcommand)]
    Funding(super::funding::FundingCmd),
    /// A customer's onboarding checklist (exit 4 while items are open); the shared item list (managers).
    Onboarding(super::onboarding::OnboardingArgs),
    /// Forecasts: the 18-month rolling view per customer and service, with the method used and why; events.
    Forecast(super::plan::ForecastArgs),
    /// Budgets per customer (or service, account code) and fiscal month: set, list, import CSV.
    #[command(subcommand)]
    Budget(super::budget::BudgetCmd),
    /// FX rate snapshots per currency pair and period: set, import CSV, approve (maker-checker), list.
    #[command(subcommand)]
    Fx(super::fx::FxCmd),
    /// Interest on a late amount, step by step (default: US Prompt Payment). Exit 2 on bad input.
    Interest(super::interest::InterestArgs),
    /// Per-contract interest terms (effective-dated, per customer): list, set, import CSV, compute.
    #[command(subcommand)]
    InterestTerms(super::interest_terms::InterestTermsCmd),
    /// SLA service-credit tiers per supplier service (`*`: the default): list, set.
    #[command(subcommand)]
    SlaTiers(super::interest_terms::SlaTiersCmd),
    /// Invoice disputes: open → researching → accepted | rejected → settled (credit note or PPA).
    #[command(subcommand)]
    Disputes(super::disputes::DisputesCmd),
    /// Prior-period adjustments: proposed, approved by a second person, posted on the next open draft.
    #[command(subcommand)]
    Ppa(super::disputes::PpaCmd),
    /// Re-rate an issued period with a price-book correction: preview per customer and line, --propose PPAs.
    Reprice(super::reprice::RepriceArgs),
    /// SLA service-credit claims against the supplier and their pass-through to customers.
    #[command(subcommand)]
    SlaClaims(super::sla_claims::SlaClaimsCmd),
    /// Requests with SLA timers (business calendar): start, pause, resume, stop; time left.
    #[command(subcommand)]
    Requests(super::sla_claims::RequestsCmd),
    /// Three-way tie-out per payer for a period (exit 0 all tied or within tolerance, 4 otherwise); with
    /// --statements the customer tie-out against CloudHealth statements instead.
    Recon {
        period: String,
        /// First open a reconciliation case per payer whose supplier residual exceeds the tolerance.
        #[arg(long, conflicts_with = "statements")]
        open_cases: bool,
        /// Per customer and currency: billops' invoices beside the CloudHealth statement, the difference and
        /// the statement's status (exit 0 when every one is Final and equal, 4 otherwise; an Estimated one is
        /// not final). Import statements with `billops cloudhealth statements import FILE`.
        #[arg(long)]
        statements: bool,
        #[arg(long, value_enum, default_value_t)]
        format: OutputFormat,
    },
    /// CloudHealth customer statements: import (CSV), list; the tie-out is `billops recon PERIOD --statements`.
    #[command(subcommand)]
    Cloudhealth(super::ch_statements::CloudhealthCmd),
    /// Supplier reconciliation cases (open ones with an expected credit note explain the residual).
    #[command(subcommand)]
    Cases(super::month_terms::CasesCmd),
    /// Customer billing terms: tax rate, invoice discount, rounding rule, payment days.
    #[command(subcommand)]
    Terms(super::month_terms::TermsCmd),
    /// Payments received.
    #[command(subcommand)]
    Payments(PaymentsCmd),
    /// A customer's balance, overdue amount, last invoice and payment.
    Balance {
        customer: String,
        #[arg(long, value_enum, default_value_t)]
        format: OutputFormat,
    },
    /// A customer statement between two dates (inclusive): table, csv or json, or the customer's document as
    /// html or pdf (pdf needs --output).
    Statement {
        customer: String,
        #[arg(long)]
        from: String,
        #[arg(long)]
        to: String,
        #[arg(long, value_enum, default_value_t)]
        format: StatementFormat,
        /// Write to this file instead of stdout (html, pdf).
        #[arg(long)]
        output: Option<PathBuf>,
    },
    /// The account-code table: GL / cost-centre codes by customer, product or account, effective-dated.
    #[command(subcommand)]
    Codes(super::month_codes::CodesCmd),
    /// Create (or reset) the demo store and print where it is. With --db it fills only a new or empty store
    /// (never deletes one); its data files are written beside a SQLite store (NAME-book/).
    Demo,
    /// Create a new empty store (the default one, or the one --db names) and print where it is. Other commands
    /// never create a store at a path that does not exist (exit 6).
    Init,
    /// Print where billops keeps its config, data, logs and store.
    Paths,
    /// Bring a store made by an older billops up to date (builds what it lacks, with progress; operators).
    /// Other commands refuse such a store (exit 7) and name this one.
    Migrate,
    /// Resource units for chargeback customers: definitions (which lines, factor) and rates from a month's
    /// first day.
    #[command(subcommand)]
    Ru(super::rating::RuCmd),
    /// Exports for other tools: `export focus --period YYYY-MM --output FILE.csv` (FinOps FOCUS 1.0 of the
    /// period's issued invoices; exit 4 when none is issued).
    #[command(subcommand)]
    Export(super::export::ExportCmd),
    /// Variance per customer × service against the month before (exit 0 when every flagged variance is
    /// explained, 4 otherwise); `variance explain` records why one moved.
    Variance(super::month_variance::VarianceArgs),
    /// Reports: `report month YYYY-MM [--format html|csv] [--output FILE]` (management report), `report budget
    /// --fiscal-year FY | --biennium FY` (annual / biennial budget report).
    #[command(subcommand)]
    Report(super::report::ReportCmd),
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
    /// A customer's details printed on its documents; with any option, change them (operators; `""` clears one).
    Details {
        code: String,
        /// Postal address, lines separated by |.
        #[arg(long)]
        address: Option<String>,
        #[arg(long)]
        tax_id: Option<String>,
        #[arg(long)]
        po_number: Option<String>,
        #[arg(long)]
        email: Option<String>,
    },
    /// Set a customer's billing model, resale (price book, the default) or chargeback (resource units, then
    /// the price book); without MODEL, print it.
    Model { code: String, model: Option<String> },
    /// A customer's Azure tenant id (what `billops accounts suggest` matches an export's customerTenantId
    /// against): print it; record one (operators, where none is); change or --clear it (managers). Audited.
    Tenant {
        code: String,
        #[arg(conflicts_with = "clear")]
        tenant_id: Option<String>,
        #[arg(long)]
        clear: bool,
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
    /// Assign a linked account to a customer from a date (default: the first day of the current month), or
    /// many from a file (`--file map.csv`, header `account,customer,from`; all or nothing, one transaction).
    Assign {
        #[arg(required_unless_present = "file")]
        account: Option<String>,
        #[arg(required_unless_present = "file")]
        customer: Option<String>,
        /// Effective date YYYY-MM-DD (inclusive).
        #[arg(long, conflicts_with = "file")]
        from: Option<String>,
        /// A mapping file: header `account,customer,from` (from YYYY-MM-DD; empty: the first day of the current
        /// month). A manager's rows are assigned, an operator's become link proposals.
        #[arg(long, value_name = "FILE", conflicts_with_all = ["account", "customer"])]
        file: Option<std::path::PathBuf>,
    },
    /// Customers suggested for unassigned accounts from an Azure MCA/CSP export's partner fields
    /// (customerTenantId, customerName, resellerName): the customer whose recorded tenant id matches, else the
    /// one whose name matches (case and blanks folded), else a new customer with a proposed code; each says why.
    /// Nothing is assigned without --apply: then a manager's become assignments (new customers created first),
    /// an operator's link proposals, all in one transaction; a viewer is refused. Effective from the first day
    /// of --period (default: the current month).
    Suggest {
        #[arg(long, value_name = "YYYY-MM")]
        period: Option<String>,
        #[arg(long, value_enum, default_value_t)]
        format: OutputFormat,
        /// Take the suggestions.
        #[arg(long)]
        apply: bool,
        /// Only these accounts' suggestions (with --apply); an account without one refuses all.
        #[arg(long, value_name = "ACCOUNT", num_args = 1.., requires = "apply")]
        only: Vec<String>,
    },
    #[command(flatten)]
    Link(super::linking::LinkCmd),
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

#[derive(Debug, Subcommand)]
pub enum CloseCmd {
    /// The close board of a period: exit 0 when it can be signed off or is already signed off, 4 when not ready.
    Status {
        period: String,
        #[arg(long, value_enum, default_value_t)]
        format: OutputFormat,
    },
    /// Manager sign-off: locks the period.
    Signoff {
        period: String,
        #[arg(long, default_value = "")]
        note: String,
    },
    /// Manager re-open with a reason.
    Reopen {
        period: String,
        #[arg(long)]
        reason: String,
    },
    /// The month-end settings every operator shares (due day, tolerances, thresholds), kept in the store.
    Settings {
        #[arg(long, value_enum, default_value_t)]
        format: OutputFormat,
    },
    /// Change one month-end setting (managers; audited): due_day, business_days, tie_out_tolerance,
    /// variance_pct, variance_abs, credit_approval_threshold.
    Set { key: String, value: String },
}

#[derive(Debug, Subcommand)]
pub enum PricebookCmd {
    /// Add a rule: one of --markup, --discount or --rate (per unit), optionally scoped; it applies from a
    /// month's first day.
    Add {
        customer: String,
        #[arg(long)]
        markup: Option<String>,
        #[arg(long)]
        discount: Option<String>,
        #[arg(long)]
        rate: Option<String>,
        #[arg(long)]
        service: Option<String>,
        #[arg(long)]
        product: Option<String>,
        #[arg(long)]
        region: Option<String>,
        #[arg(long)]
        charge_category: Option<String>,
        /// Effective from a month's first day, YYYY-MM-01 (default 2000-01-01).
        #[arg(long)]
        from: Option<String>,
        /// Usage type (CUR) or SKU id (FOCUS), exactly.
        #[arg(long)]
        usage_type: Option<String>,
    },
    List {
        customer: String,
        #[arg(long, value_enum, default_value_t)]
        format: OutputFormat,
    },
    /// Import a CloudHealth partner price book (XML) into a customer's price book: each rule that maps is
    /// added after the customer's rules (file order kept: first match wins), each one that does not is listed
    /// with why; the mapped rules are written in one transaction (all or none: a rule the store refuses, e.g.
    /// one starting in a signed-off month, leaves none, exit 1). Exit 4 when some did not map.
    Import {
        /// The CloudHealth price book XML.
        #[arg(long, value_name = "FILE")]
        cloudhealth: std::path::PathBuf,
        #[arg(long)]
        customer: String,
        /// List what would be added, add nothing.
        #[arg(long)]
        dry_run: bool,
        #[arg(long, value_enum, default_value_t)]
        format: OutputFormat,
    },
    /// What adding a rule would do to a customer's period (per rule and per service), without saving it.
    Preview {
        customer: String,
        /// Billing period YYYY-MM.
        period: String,
        #[command(flatten)]
        rule: super::rating::RuleArgs,
        #[arg(long, value_enum, default_value_t)]
        format: OutputFormat,
    },
}

#[derive(Debug, Subcommand)]
pub enum InvoicesCmd {
    /// Rate the period and create or regenerate drafts (prints what changed).
    Generate {
        #[arg(long)]
        period: String,
        #[arg(long)]
        customer: Option<String>,
    },
    List {
        #[arg(long)]
        period: Option<String>,
        #[arg(long, value_enum, default_value_t)]
        format: OutputFormat,
    },
    Show {
        id: i64,
    },
    Review {
        id: i64,
    },
    Approve {
        id: i64,
    },
    Issue {
        id: i64,
    },
    Void {
        id: i64,
        #[arg(long)]
        reason: String,
    },
    /// Export one invoice (ID) or every invoice of --period: csv or json (internal: every line, GL codes, rules),
    /// or the customer's document as html or pdf (one ID; pdf needs --output).
    Export {
        id: Option<i64>,
        #[arg(long)]
        period: Option<String>,
        #[arg(long, default_value = "csv")]
        format: String,
        /// Write to this file instead of stdout.
        #[arg(long)]
        output: Option<PathBuf>,
    },
    /// Correct an issued invoice with a credit note (manager): part or all of what is not credited yet.
    CreditNote {
        id: i64,
        #[arg(long)]
        amount: String,
        #[arg(long)]
        reason: String,
    },
    /// Credit notes (of one invoice, or of the invoices of a period).
    CreditNotes {
        #[arg(long)]
        invoice: Option<i64>,
        #[arg(long)]
        period: Option<String>,
        #[arg(long, value_enum, default_value_t)]
        format: OutputFormat,
    },
    /// Export one credit note (CN-000001) as csv or json, or the customer's document as html or pdf (pdf needs
    /// --output).
    ExportCreditNote {
        number: String,
        #[arg(long, default_value = "csv")]
        format: String,
        /// Write to this file instead of stdout.
        #[arg(long)]
        output: Option<PathBuf>,
    },
}

#[derive(Debug, Subcommand)]
pub enum CreditsCmd {
    Propose {
        customer: String,
        /// sla, promo, funding, goodwill or ppa.
        #[arg(long)]
        kind: String,
        #[arg(long)]
        amount: String,
        #[arg(long)]
        service: Option<String>,
        #[arg(long)]
        account: Option<String>,
        #[arg(long)]
        valid_from: String,
        /// Exclusive end date.
        #[arg(long)]
        valid_to: String,
        #[arg(long)]
        evidence: String,
        #[arg(long, default_value = "proposed from the CLI")]
        reason: String,
    },
    List {
        #[arg(long)]
        customer: Option<String>,
        #[arg(long, value_enum, default_value_t)]
        format: OutputFormat,
    },
    Approve {
        id: String,
        #[arg(long)]
        reason: String,
    },
    Reject {
        id: String,
        #[arg(long)]
        reason: String,
    },
    /// Supplier credits not passed through and funding/promo credits not on any issued invoice (exit 4 if any).
    Unreached {
        #[arg(long)]
        period: String,
        #[arg(long, value_enum, default_value_t)]
        format: OutputFormat,
    },
}

#[derive(Debug, Subcommand)]
pub enum SupplierCmd {
    Add {
        payer: String,
        period: String,
        #[arg(long)]
        number: String,
        #[arg(long)]
        amount: String,
        #[arg(long, default_value = "0")]
        tax: String,
        #[arg(long, default_value = "0")]
        credits: String,
        #[arg(long, default_value = "USD")]
        currency: String,
    },
    /// CSV with header payer,period,number,amount[,tax,credits,currency].
    Import { file: PathBuf },
    List {
        #[arg(long)]
        period: Option<String>,
        #[arg(long, value_enum, default_value_t)]
        format: OutputFormat,
    },
}

#[derive(Debug, Subcommand)]
pub enum PaymentsCmd {
    Add {
        customer: String,
        amount: String,
        #[arg(long)]
        date: String,
        /// Invoice number the payment settles.
        #[arg(long)]
        invoice: Option<String>,
        /// Free text kept with the payment (bank reference; the value date when it is posted later).
        #[arg(long)]
        reference: Option<String>,
    },
    /// CSV with header customer,amount,date[,invoice].
    Import { file: PathBuf },
}

/// `billops statement --format`: the lists' formats and the customer document's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum StatementFormat {
    #[default]
    Table,
    Csv,
    Json,
    Html,
    Pdf,
}
