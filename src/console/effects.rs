//! The effect runner: store queries, writes, imports, exports and path completion, each in its own tokio
//! task, answering with `Action::Reply`. Nothing here touches the screen.
use std::path::{Path, PathBuf};
use std::sync::Arc;

use billops_domain::clock::Clock;
use billops_domain::{Dim, Period};
use billops_store::{AccountFilter, Actor, CostQuery, InvoiceFilter, InvoiceStep, IssueFilter, Store, StoreError};
use tokio::sync::mpsc::UnboundedSender;

use super::action::{
    AccountsData, Action, CostsData, CustomersData, DetailData, Effect, ImportsData, ReconData, Reply, WriteOp,
};
use super::refusal::EffectError;
use crate::month::{self, INVOICE_SERIES};

/// What effects need from the outside world.
#[derive(Clone)]
pub struct Runner {
    pub store: Arc<dyn Store>,
    pub clock: Arc<dyn Clock>,
    pub user: String,
    pub data_dir: PathBuf,
    pub tags: billops_import::TagConfig,
    pub tx: UnboundedSender<Action>,
}

fn e(err: StoreError) -> EffectError {
    EffectError::of_read(&err)
}

impl Runner {
    /// The month-end settings in force, read from the store on every use (another operator's change counts).
    pub(super) async fn settings(&self) -> Result<crate::month::CloseSettings, StoreError> {
        month::settings::load(self.store.as_ref()).await
    }

    pub(super) fn actor(&self) -> Actor {
        Actor { name: self.user.clone(), at: self.clock.now() }
    }

    /// Start an effect in the background. `Effect::Quit` is the loop's business and ignored here.
    pub fn spawn(&self, effect: Effect) {
        let me = self.clone();
        tokio::spawn(async move {
            if let Some((req, result)) = me.run(effect).await {
                let _ = me.tx.send(Action::Reply { req, result });
            }
        });
    }

    /// Run an effect to its reply (public for tests that drive the runner directly).
    pub async fn run(&self, effect: Effect) -> Option<(u64, Result<Reply, EffectError>)> {
        let st = &self.store;
        Some(match effect {
            Effect::Quit => return None,
            Effect::Periods { req } => (req, st.periods().await.map(Reply::Periods).map_err(e)),
            Effect::Customers { req, period, basis } => {
                let r = async {
                    let customers = st.list_customers().await.map_err(e)?;
                    let cur = st.costs(&CostQuery::period(period, vec![Dim::Customer], basis)).await.map_err(e)?;
                    let prev =
                        st.costs(&CostQuery::period(period.prev(), vec![Dim::Customer], basis)).await.map_err(e)?;
                    Ok(Reply::Customers(CustomersData { customers, cur, prev }))
                }
                .await;
                (req, r)
            }
            Effect::CustomerDetail { req, code, period, basis } => {
                let r = async {
                    let customer = st.customer(&code).await.map_err(e)?;
                    let filter = AccountFilter { customer: Some(code.clone()), ..AccountFilter::default() };
                    let accounts = st.list_accounts(&filter).await.map_err(e)?;
                    let by_cust = vec![(Dim::Customer, code.clone())];
                    let services = st
                        .costs(&CostQuery {
                            filters: by_cust.clone(),
                            ..CostQuery::period(period, vec![Dim::Service], basis)
                        })
                        .await
                        .map_err(e)?;
                    let first: Period = period.trailing(12).first().copied().unwrap_or(period);
                    let history = st
                        .costs(&CostQuery { from: first, to: period, filters: by_cust, by: vec![Dim::Period], basis })
                        .await
                        .map_err(e)?;
                    let onboarding = st.onboarding(&code).await.map_err(e)?;
                    Ok(Reply::CustomerDetail(DetailData {
                        customer: Some(customer),
                        accounts,
                        services,
                        history,
                        onboarding,
                    }))
                }
                .await;
                (req, r)
            }
            Effect::Accounts { req } => {
                let r = async {
                    Ok(Reply::Accounts(AccountsData {
                        payers: st.list_payers().await.map_err(e)?,
                        accounts: st.list_accounts(&AccountFilter::default()).await.map_err(e)?,
                        proposals: st.list_link_proposals(false).await.map_err(e)?,
                        customers: st.list_customers().await.map_err(e)?,
                    }))
                }
                .await;
                (req, r)
            }
            Effect::Costs { req, period, filters, by, basis } => {
                let r = async {
                    let q = CostQuery { filters, ..CostQuery::period(period, vec![by], basis) };
                    let rows = st.costs(&q).await.map_err(e)?;
                    let prev = st.costs(&CostQuery { from: period.prev(), to: period.prev(), ..q }).await.map_err(e)?;
                    Ok(Reply::Costs(CostsData { rows, prev }))
                }
                .await;
                (req, r)
            }
            Effect::Imports { req } => {
                let r = async {
                    Ok(Reply::Imports(ImportsData {
                        batches: st.list_batches().await.map_err(e)?,
                        issues: st.list_issues(&IssueFilter::default()).await.map_err(e)?,
                        quarantine: st.list_quarantine(None).await.map_err(e)?,
                    }))
                }
                .await;
                (req, r)
            }
            Effect::Pane { req, q } => (req, q.run(self).await.map(Reply::Pane)),
            Effect::Write { req, op } => {
                let typed = |err: StoreError| EffectError::of(&err, Some(&op));
                (req, self.write(op.clone()).await.map_err(typed).map(Reply::Written))
            }
            Effect::Locks { req } => (req, st.locked_periods().await.map(Reply::Locks).map_err(e)),
            Effect::Close { req, period, today } => (
                req,
                async {
                    let settings = month::settings::load(st.as_ref()).await?;
                    month::close::board(st.as_ref(), period, today, &settings).await
                }
                .await
                .map(|v| Reply::Close(Box::new(v)))
                .map_err(e),
            ),
            Effect::Invoices { req, period } => {
                let f = InvoiceFilter { period: Some(period), customer: None };
                (req, st.list_invoices(&f).await.map(Reply::Invoices).map_err(e))
            }
            Effect::Invoice { req, id } => (req, st.invoice(id).await.map(|i| Reply::Invoice(Box::new(i))).map_err(e)),
            Effect::Generate { req, period } => {
                let by = self.actor();
                let r = month::invoices::generate(st.as_ref(), period, None, &by).await;
                (req, r.map(Reply::Generated).map_err(e))
            }
            Effect::Recon { req, period } => {
                let r = async {
                    Ok(Reply::Recon(ReconData {
                        tie_outs: month::close::recon(st.as_ref(), period, &self.settings().await.map_err(e)?)
                            .await
                            .map_err(e)?,
                        supplier_invoices: st.list_supplier_invoices(Some(period)).await.map_err(e)?,
                        cases: st.list_cases(Some(period)).await.map_err(e)?,
                    }))
                }
                .await;
                (req, r)
            }
            Effect::Variances { req, period } => (
                req,
                async { month::variance::report(st.as_ref(), period, &self.settings().await?).await }
                    .await
                    .map(|v| Reply::Variances(Box::new(v)))
                    .map_err(e),
            ),
            Effect::Balance { req, customer, today } => {
                (req, st.balance(&customer, today).await.map(Reply::Balance).map_err(e))
            }
            Effect::Import { req, paths } => (req, Ok(self.import(req, paths).await)),
            Effect::CompletePath { req, input } => {
                let candidates = tokio::task::spawn_blocking({
                    let input = input.clone();
                    move || complete_path(&input)
                })
                .await
                .unwrap_or_default();
                (req, Ok(Reply::PathCompletions { input, candidates }))
            }
            Effect::Export { req, pane, period, csv, rows } => {
                let dir = self.data_dir.join("exports");
                let r = tokio::task::spawn_blocking(move || write_export(&dir, &pane, &period, &csv))
                    .await
                    .map_err(|err| err.to_string())
                    .and_then(|r| r)
                    .map(|path| Reply::Exported { path, rows })
                    .map_err(EffectError::failed);
                (req, r)
            }
            Effect::Ledger { req, q } => (req, self.ledger(q).await.map(|r| Reply::Ledger(Box::new(r)))),
        })
    }

    async fn write(&self, op: WriteOp) -> Result<String, StoreError> {
        let st = &self.store;
        let by = self.actor();
        match op {
            WriteOp::Assign { account, customer, from } => {
                st.assign_account(&account, &customer, from, &by).await?;
                Ok(format!("account {account} assigned to {customer} from {from}"))
            }
            WriteOp::Propose(p) => {
                let lp = st.propose_link(&p, &by).await?;
                Ok(format!(
                    "proposal {} recorded: link {} to payer {} for {} (a manager approves)",
                    lp.id, p.account, p.payer, p.customer
                ))
            }
            WriteOp::Decide { id, approve, reason } => {
                let lp = st.decide_link(id, approve, &reason, &by).await?;
                Ok(format!("proposal {id} {}", lp.status))
            }
            WriteOp::Tick { customer, item, done } => {
                st.tick_onboarding(&customer, &item, done, &by).await?;
                Ok(format!("{customer}: {} {}", item.replace('_', " "), if done { "done" } else { "reopened" }))
            }
            WriteOp::Resolve { id, note } => {
                st.resolve_issue(id, &note, &by).await?;
                Ok(format!("issue {id} resolved"))
            }
            WriteOp::SignOff { period, today, note } => {
                month::close::sign_off(st.as_ref(), period, today, &note, &by, &self.settings().await?).await?;
                Ok(format!("{period} signed off by {}: the period is LOCKED", by.name))
            }
            WriteOp::Reopen { period, reason } => {
                month::close::reopen(st.as_ref(), period, &reason, &by).await?;
                Ok(format!("{period} re-opened by {}: {reason}", by.name))
            }
            WriteOp::StepInvoice { id, step, reason, version } => {
                let inv = st.step_invoice(id, step, &reason, Some(version), &by).await?;
                let verb = match step {
                    InvoiceStep::Review => "reviewed",
                    InvoiceStep::Approve => "approved",
                    InvoiceStep::Reopen => "re-opened",
                    InvoiceStep::Void => "voided",
                };
                Ok(format!("invoice {id} ({}) {verb}: now {}", inv.customer, inv.status))
            }
            WriteOp::IssueInvoice { id } => {
                // Payment days come from the customer's terms, as on the CLI.
                let due_days = month::terms::due_days(st.as_ref(), id, by.at.date_naive()).await?;
                let inv = st.issue_invoice(id, INVOICE_SERIES, due_days, &by).await?;
                Ok(format!(
                    "invoice {id} ({}) issued as {}, due {}",
                    inv.customer,
                    inv.number.unwrap_or_default(),
                    inv.due_on.map(|d| d.to_string()).unwrap_or_default()
                ))
            }
            WriteOp::ExplainVariance { period, customer, service, driver, text, delta } => {
                let e = billops_store::NewExplanation {
                    period,
                    customer: customer.clone(),
                    service: service.clone(),
                    driver,
                    text,
                    expected_delta: Some(delta),
                };
                month::variance::explain(st.as_ref(), &e, &by).await?;
                Ok(format!("{customer} / {service} {period} explained: {}", driver.label()))
            }
            WriteOp::DecideCredit { id, approve, reason, version } => {
                let policy = self.settings().await?.approval_policy().map_err(StoreError::Invalid)?;
                let c = st.decide_credit(id, approve, &reason, policy, Some(version), &by).await?;
                Ok(format!("credit {} {}", c.credit.id(), if approve { "approved" } else { "rejected" }))
            }
            WriteOp::Ledger(w) => self.ledger_write(w).await,
            WriteOp::Pane(w) => w.write(self).await,
        }
    }

    async fn import(&self, req: u64, paths: Vec<PathBuf>) -> Reply {
        let tx = self.tx.clone();
        let progress: Arc<dyn Fn(crate::ingest::Progress) + Send + Sync> = Arc::new(move |p| {
            let _ = tx.send(Action::Reply { req, result: Ok(Reply::ImportProgress(p)) });
        });
        let reports =
            crate::ingest::import_paths(self.store.clone(), paths, self.tags.clone(), self.actor(), progress).await;
        let lines = reports
            .into_iter()
            .map(|r| match r {
                crate::ingest::FileReport::Imported { file, format, outcome } => format!(
                    "imported {} ({format}): batch {}, {} rows, {} issues",
                    super::panes::imports::short_name(&file),
                    outcome.batch.id,
                    outcome.batch.rows,
                    outcome.issues_raised
                ),
                crate::ingest::FileReport::Refused { file, reason } => {
                    format!("refused {}: {reason}", super::panes::imports::short_name(&file))
                }
                crate::ingest::FileReport::Failed { file, reason } => {
                    format!("failed {}: {reason}", super::panes::imports::short_name(&file))
                }
            })
            .collect::<Vec<_>>();
        let lines = if lines.is_empty() { vec!["failed: no files found".to_string()] } else { lines };
        Reply::ImportDone(lines)
    }
}

/// File-system completion of a typed path: entries of its folder starting with its last part
/// (folders end with `/`). `~/` expands to the home folder.
pub fn complete_path(input: &str) -> Vec<String> {
    let expanded = match input.strip_prefix("~/") {
        Some(rest) => {
            std::env::var_os("HOME").map(|h| format!("{}/{rest}", h.to_string_lossy())).unwrap_or(input.to_string())
        }
        None => input.to_string(),
    };
    let (dir, stem) = match expanded.rfind('/') {
        Some(i) => (&expanded[..=i], &expanded[i + 1..]),
        None => ("", expanded.as_str()),
    };
    let read_dir = if dir.is_empty() { Path::new(".") } else { Path::new(dir) };
    let Ok(entries) = std::fs::read_dir(read_dir) else { return Vec::new() };
    let mut out: Vec<String> = entries
        .filter_map(Result::ok)
        .filter_map(|en| {
            let name = en.file_name().to_string_lossy().to_string();
            if !name.starts_with(stem) || (name.starts_with('.') && !stem.starts_with('.')) {
                return None;
            }
            let is_dir = en.file_type().map(|t| t.is_dir()).unwrap_or(false);
            Some(format!("{dir}{name}{}", if is_dir { "/" } else { "" }))
        })
        .collect();
    out.sort();
    out.truncate(200);
    out
}

/// Write `DIR/<pane>-<period>-<n>.csv` with the first free `n`.
pub fn write_export(dir: &Path, pane: &str, period: &str, csv: &str) -> Result<PathBuf, String> {
    std::fs::create_dir_all(dir).map_err(|err| format!("{}: {err}", dir.display()))?;
    for n in 1..100_000u32 {
        let path = dir.join(format!("{pane}-{period}-{n}.csv"));
        match std::fs::OpenOptions::new().write(true).create_new(true).open(&path) {
            Ok(mut f) => {
                use std::io::Write;
                f.write_all(csv.as_bytes()).map_err(|err| format!("{}: {err}", path.display()))?;
                return Ok(path);
            }
            Err(err) if err.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(err) => return Err(format!("{}: {err}", path.display())),
        }
    }
    Err(format!("{}: too many exports", dir.display()))
}
