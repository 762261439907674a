//! `billops funding`: the partner funding pipeline.
//!
//! Fixed forms (scripts and our checks use them): `funding add CUSTOMER --program MAP --amount 5000
//! --opportunity OPP-1`; `funding list --format csv` (first column the application id, then the opportunity
//! and its state, the stage and the status); `funding opportunity OPP-1 --state approved`; `funding submit ID`
//! (exit 1 and nothing changed while the opportunity is not approved).
use billops_domain::funding::{DeadlineKind, Fulfilment, FundingDates, FundingInput, OpportunityState};
use billops_domain::money::{canonical, parse_typed_amount};
use billops_store::{FundingChange, FundingRecord};
use clap::{Subcommand, ValueEnum};
use rust_decimal::Decimal;

use super::month::{date, print, today};
use super::output::{OutputFormat, Table};
use super::{Ctx, Failure};

#[derive(Debug, Subcommand)]
pub enum FundingCmd {
    /// A new application in draft (its opportunity is recorded as pending when new).
    Add {
        customer: String,
        /// Programme (MAP, POC, MDF, …).
        #[arg(long)]
        program: String,
        /// Requested amount (as the screen shows it: 5000, 5,000.00).
        #[arg(long)]
        amount: String,
        /// The linked partner opportunity.
        #[arg(long)]
        opportunity: String,
        /// Currency (default: the customer's).
        #[arg(long)]
        currency: Option<String>,
        #[arg(long, value_enum, default_value_t = FulfilmentArg::Credits)]
        fulfilment: FulfilmentArg,
        #[command(flatten)]
        dates: DateArgs,
    },
    /// Applications, newest first.
    List {
        #[arg(long)]
        customer: Option<String>,
        #[arg(long, value_enum, default_value_t)]
        format: OutputFormat,
    },
    /// One application with its amounts and history.
    Show {
        id: i64,
        #[arg(long, value_enum, default_value_t)]
        format: OutputFormat,
    },
    /// Deadlines (submission, claim, project end) within the next N days, lapsed ones included.
    Due {
        #[arg(long, default_value_t = 30)]
        days: i64,
        #[arg(long, value_enum, default_value_t)]
        format: OutputFormat,
    },
    /// Record a partner opportunity's validation state.
    Opportunity {
        id: String,
        #[arg(long, value_enum)]
        state: OppStateArg,
    },
    /// Release an application to the programme (only once its opportunity is approved).
    Submit {
        id: i64,
        /// The version you saw (a changed application is refused); default: the current one.
        #[arg(long)]
        version: Option<u32>,
        #[arg(long, default_value = "")]
        why: String,
    },
    /// Move an application on: action-required, resubmit, approve --amount, reject, cancel, claim --amount,
    /// claim-approved, paid --amount, assign --project NAME=AMOUNT…, dates --claim-due ….
    Update {
        id: i64,
        #[arg(value_enum)]
        action: UpdateAction,
        #[arg(long)]
        amount: Option<String>,
        /// For assign: NAME=AMOUNT, repeated; the parts add up to what was received.
        #[arg(long = "project")]
        projects: Vec<String>,
        #[command(flatten)]
        dates: DateArgs,
        #[arg(long)]
        version: Option<u32>,
        #[arg(long, default_value = "")]
        why: String,
    },
    /// Read a pipeline CSV (export's columns): new rows are added as drafts, known ones bring in dates and
    /// opportunity states; every row or none (a bad one named by line and column).
    Import { file: std::path::PathBuf },
    /// The pipeline as CSV: `list --format csv`'s columns, then fulfilment and the other dates.
    Export {
        #[arg(long)]
        customer: Option<String>,
    },
    /// Finance's records (CSV: application, approved, claimed, received, currency) against billops.
    Reconcile {
        file: std::path::PathBuf,
        #[arg(long, value_enum, default_value_t)]
        format: OutputFormat,
    },
    /// Paid funding fulfilled in credits, followed to the customer's credits and the invoices they reached.
    Credits {
        #[arg(long, value_enum, default_value_t)]
        format: OutputFormat,
    },
    /// The application's status as text for the customer.
    Status { id: i64 },
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum FulfilmentArg {
    Credits,
    Cash,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum OppStateArg {
    Pending,
    Approved,
    Rejected,
    Expired,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum UpdateAction {
    ActionRequired,
    Resubmit,
    Approve,
    Reject,
    Cancel,
    Claim,
    ClaimApproved,
    Paid,
    Assign,
    Dates,
}

#[derive(Debug, Clone, Default, clap::Args)]
pub struct DateArgs {
    #[arg(long)]
    submit_by: Option<String>,
    #[arg(long)]
    project_start: Option<String>,
    #[arg(long)]
    project_end: Option<String>,
    /// The programme's claim due date (data from the programme, never derived).
    #[arg(long)]
    claim_due: Option<String>,
}

impl DateArgs {
    fn parse(&self) -> Result<FundingDates, Failure> {
        let one = |v: &Option<String>, what: &str| v.as_deref().map(|s| date(s, what)).transpose();
        Ok(FundingDates {
            submit_by: one(&self.submit_by, "--submit-by")?,
            project_start: one(&self.project_start, "--project-start")?,
            project_end: one(&self.project_end, "--project-end")?,
            claim_due: one(&self.claim_due, "--claim-due")?,
        })
    }
}

fn typed(text: &str, currency: &str, what: &str) -> Result<Decimal, Failure> {
    parse_typed_amount(text, currency).map_err(|e| Failure::user(format!("{what} {e}")))
}

pub async fn funding(ctx: &Ctx, c: FundingCmd) -> Result<u8, Failure> {
    match c {
        FundingCmd::Add { customer, program, amount, opportunity, currency, fulfilment, dates } => {
            let currency = match currency {
                Some(c) => c.trim().to_ascii_uppercase(),
                None => ctx.store.customer(&customer).await?.currency,
            };
            let input = FundingInput {
                customer,
                program: program.trim().to_string(),
                requested: typed(&amount, &currency, "--amount")?,
                currency,
                fulfilment: match fulfilment {
                    FulfilmentArg::Credits => Fulfilment::Credits,
                    FulfilmentArg::Cash => Fulfilment::Cash,
                },
                opportunity: opportunity.trim().to_string(),
                dates: dates.parse()?,
            };
            let f = ctx.store.add_funding(&input, &ctx.actor()).await?;
            outln!(
                "funding application {} added: {} {} {} for {}, opportunity {} ({})",
                f.id,
                f.app.input.program,
                canonical(f.app.input.requested),
                f.app.input.currency,
                f.app.input.customer,
                f.app.input.opportunity,
                snake(&f.opportunity_state)
            )?;
            Ok(0)
        }
        FundingCmd::Import { file } => super::funding_io::import(ctx, &file).await,
        FundingCmd::Export { customer } => super::funding_io::export(ctx, customer.as_deref()).await,
        FundingCmd::Reconcile { file, format } => super::funding_io::reconcile(ctx, &file, format).await,
        FundingCmd::Credits { format } => super::funding_io::credits(ctx, format).await,
        FundingCmd::Status { id } => super::funding_io::status(ctx, id).await,
        FundingCmd::List { customer, format } => {
            let rows = ctx.store.list_funding(customer.as_deref()).await?;
            print(&list_table(&rows), format)
        }
        FundingCmd::Show { id, format } => {
            let f = ctx.store.funding(id).await?;
            if format == OutputFormat::Json {
                let s = serde_json::to_string_pretty(&f).map_err(|e| Failure::user(e.to_string()))?;
                outln!("{s}")?;
                return Ok(0);
            }
            print(&list_table(std::slice::from_ref(&f)), format)?;
            if format == OutputFormat::Table {
                outln!("")?;
                let mut t = Table::new(&["at", "by", "what", "why"]);
                for e in &f.app.history {
                    t.push(vec![
                        e.at.format("%Y-%m-%d %H:%M").to_string(),
                        e.by.clone(),
                        e.what.clone(),
                        e.why.clone(),
                    ]);
                }
                print(&t, format)?;
            }
            Ok(0)
        }
        FundingCmd::Due { days, format } => {
            let today = today();
            let mut t = Table::new(&["id", "customer", "program", "deadline", "date", "days_left", "stage"])
                .numeric("days_left");
            for f in ctx.store.list_funding(None).await? {
                for d in f.app.due_within(today, days) {
                    let what = match d.what {
                        DeadlineKind::Submission => "submission",
                        DeadlineKind::Claim => "claim",
                        DeadlineKind::ProjectEnd => "project end",
                    };
                    t.push(vec![
                        f.id.to_string(),
                        f.app.input.customer.clone(),
                        f.app.input.program.clone(),
                        what.into(),
                        d.date.to_string(),
                        d.days_left.to_string(),
                        f.app.stage.to_string(),
                    ]);
                }
            }
            t.rows.sort_by(|a, b| a[4].cmp(&b[4]));
            print(&t, format)
        }
        FundingCmd::Opportunity { id, state } => {
            let state = match state {
                OppStateArg::Pending => OpportunityState::Pending,
                OppStateArg::Approved => OpportunityState::Approved,
                OppStateArg::Rejected => OpportunityState::Rejected,
                OppStateArg::Expired => OpportunityState::Expired,
            };
            let o = ctx.store.set_opportunity(id.trim(), state, &ctx.actor()).await?;
            outln!("opportunity {} is {} (version {})", o.id, snake(&o.state), o.version)?;
            Ok(0)
        }
        FundingCmd::Submit { id, version, why } => {
            let f = ctx.store.update_funding(id, &FundingChange::Submit, version, &why, &ctx.actor()).await?;
            outln!("funding application {} submitted: {} / {}", f.id, f.app.stage, f.app.status)?;
            Ok(0)
        }
        FundingCmd::Update { id, action, amount, projects, dates, version, why } => {
            let current = ctx.store.funding(id).await?;
            let currency = current.app.input.currency.clone();
            let need_amount = || -> Result<Decimal, Failure> {
                let a = amount.as_deref().ok_or_else(|| Failure::user("this step needs --amount"))?;
                typed(a, &currency, "--amount")
            };
            let change = match action {
                UpdateAction::ActionRequired => FundingChange::ActionRequired,
                UpdateAction::Resubmit => FundingChange::Resubmit,
                UpdateAction::Approve => FundingChange::Approve { amount: need_amount()? },
                UpdateAction::Reject => FundingChange::Reject,
                UpdateAction::Cancel => FundingChange::Cancel,
                UpdateAction::Claim => FundingChange::Claim { amount: need_amount()? },
                UpdateAction::ClaimApproved => FundingChange::ApproveClaim,
                UpdateAction::Paid => FundingChange::Paid { amount: need_amount()? },
                UpdateAction::Assign => {
                    let mut parts = Vec::new();
                    for p in &projects {
                        let (name, a) =
                            p.split_once('=').ok_or_else(|| Failure::user(format!("--project {p:?}: NAME=AMOUNT")))?;
                        parts.push((name.trim().to_string(), typed(a, &currency, "--project")?));
                    }
                    FundingChange::Assign { parts }
                }
                UpdateAction::Dates => FundingChange::Dates { dates: dates.parse()? },
            };
            let f = ctx.store.update_funding(id, &change, version, &why, &ctx.actor()).await?;
            outln!("funding application {}: {} / {} (version {})", f.id, f.app.stage, f.app.status, f.app.version)?;
            Ok(0)
        }
    }
}

fn snake<T: serde::Serialize>(v: &T) -> String {
    match serde_json::to_value(v) {
        Ok(serde_json::Value::String(s)) => s,
        _ => String::new(),
    }
}

fn amount_text(a: Option<Decimal>) -> String {
    a.map(canonical).unwrap_or_default()
}

/// The pipeline as a table (the CSV export's columns).
pub(super) fn list_table(rows: &[FundingRecord]) -> Table {
    let mut t = Table::new(&[
        "id",
        "customer",
        "program",
        "opportunity",
        "opportunity_state",
        "stage",
        "status",
        "requested",
        "approved",
        "claimed",
        "received",
        "currency",
        "claim_due",
        "version",
    ]);
    for name in ["requested", "approved", "claimed", "received"] {
        t = t.numeric(name);
    }
    for f in rows {
        let a = &f.app;
        t.push(vec![
            f.id.to_string(),
            a.input.customer.clone(),
            a.input.program.clone(),
            a.input.opportunity.clone(),
            snake(&f.opportunity_state),
            snake(&a.stage),
            snake(&a.status),
            canonical(a.input.requested),
            amount_text(a.approved),
            amount_text(a.claimed),
            amount_text(a.received),
            a.input.currency.clone(),
            a.input.dates.claim_due.map(|d| d.to_string()).unwrap_or_default(),
            a.version.to_string(),
        ]);
    }
    t
}
