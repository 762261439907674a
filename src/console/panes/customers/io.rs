//! The Customers pane's reads (the list, a customer's detail, statement, terms, price book and a rule's
//! preview; writing a statement out) and writes (onboarding ticks, payments, terms, price rules).
use std::path::{Path, PathBuf};

use billops_domain::rating::{Pricing, RatingDiff, RuleScope};
use billops_domain::{CostBasis, Dim, Period};
use billops_store::{
    AccountFilter, CostQuery, CostRow, Customer, LinkedAccount, NewCustomer, NewPayment, OnboardingEntry,
    OnboardingUpdate, Statement, StoreError, StoredPriceRule,
};
use chrono::NaiveDate;

use super::view::*;
use crate::console::action::{Effect, PaneQuery};
use crate::console::effects::Runner;
use crate::console::refusal::{EffectError, WriteTraits};
use crate::console::state::{Load, State, ViewKey};
use crate::month::{self, terms::TermsPatch, terms::TermsView};

/// How many months the Customers list's sparkline covers (the period and the 11 before).
pub const SPARK_MONTHS: usize = 12;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Query {
    /// Every customer with its cost this period and the one before, and its cost per month over the 12
    /// months ending with the period (the list's sparkline).
    List { period: Period, basis: CostBasis },
    Detail { code: String, period: Period, basis: CostBasis },
    Statement { customer: String, from: NaiveDate, to: NaiveDate },
    /// Write the statement as CSV and JSON under the exports folder.
    ExportStatement { statement: Box<Statement>, disputed: Option<Box<month::statement::Disputed>> },
    Terms { customer: String, today: NaiveDate },
    /// The customer's rules and what each priced in the period.
    PriceBook { customer: String, period: Period },
    /// What adding `rule` (after the existing rules) would do to the period.
    PreviewRule { customer: String, period: Period, rule: NewRule },
}

#[derive(Debug, Clone)]
pub enum Reply {
    List(CustomersData),
    Detail(DetailData),
    /// The statement and the customer's open disputes (held out of its overdue figure) as of today.
    Statement(Statement, Box<month::statement::Disputed>),
    StatementExported { csv: PathBuf, json: PathBuf },
    Terms(TermsView),
    PriceBook(BookData),
    Preview(RatingDiff),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Write {
    Tick { customer: String, item: String, done: bool },
    /// Owner, due date, evidence of one checklist item (only what changed).
    Onboarding { customer: String, item: String, update: OnboardingUpdate },
    /// Managers: a new hand-ticked item of the shared checklist, or one retired.
    AddItem { item: String, label: String },
    RetireItem { item: String },
    /// Managers: a new customer.
    AddCustomer(NewCustomer),
    /// The customer's PDF of a statement under the exports folder.
    Document { doc: crate::documents::load::DocRef },
    Payment(NewPayment),
    Terms { customer: String, patch: TermsPatch, from: NaiveDate },
    AddRule { customer: String, rule: NewRule },
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CustomersData {
    pub customers: Vec<Customer>,
    /// Cost by customer code in the period and the one before.
    pub cur: Vec<CostRow>,
    pub prev: Vec<CostRow>,
    /// Cost by customer code and period over the 12 periods ending with the current one (keys: code,
    /// `YYYY-MM`): one exact grouped sum over the rollups.
    pub history: Vec<CostRow>,
    /// Those 12 periods, oldest first: the sparkline's axis (a month without cost draws as a gap).
    pub months: Vec<Period>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DetailData {
    pub customer: Option<Customer>,
    pub accounts: Vec<LinkedAccount>,
    /// Cost by service for the period.
    pub services: Vec<CostRow>,
    /// Cost by period over the 12 periods ending with the current one (keys: `YYYY-MM`).
    pub history: Vec<CostRow>,
    /// Every current item of the shared checklist, with owner, due date, evidence; computed ones computed.
    pub onboarding: Vec<OnboardingEntry>,
}

/// A price rule as entered (the store gives it its id).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewRule {
    pub scope: RuleScope,
    pub pricing: Pricing,
    pub from: NaiveDate,
}

/// A customer's price book and what its rules priced in a period (`usage`: the book against itself, so its
/// `by_rule` says which rule priced which lines).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BookData {
    pub rules: Vec<StoredPriceRule>,
    pub usage: RatingDiff,
}

pub async fn run(r: &Runner, q: Query) -> Result<Reply, EffectError> {
    let st = r.store.as_ref();
    let e = |err: StoreError| EffectError::of_read(&err);
    Ok(match q {
        Query::List { period, basis } => {
            let customers = st.list_customers().await.map_err(e)?;
            let cur = st.costs(&CostQuery::period(period, vec![Dim::Customer], basis)).await.map_err(e)?;
            let prev = st.costs(&CostQuery::period(period.prev(), vec![Dim::Customer], basis)).await.map_err(e)?;
            let months = period.trailing(SPARK_MONTHS);
            let first: Period = months.first().copied().unwrap_or(period);
            let by = vec![Dim::Customer, Dim::Period];
            let history =
                st.costs(&CostQuery { from: first, to: period, filters: vec![], by, basis }).await.map_err(e)?;
            Reply::List(CustomersData { customers, cur, prev, history, months })
        }
        Query::Detail { code, period, basis } => {
            let customer = st.customer(&code).await.map_err(e)?;
            let filter = AccountFilter { customer: Some(code.clone()), ..AccountFilter::default() };
            let accounts = st.list_accounts(&filter).await.map_err(e)?;
            let by_cust = vec![(Dim::Customer, code.clone())];
            let by_service = CostQuery { filters: by_cust.clone(), ..CostQuery::period(period, vec![Dim::Service], basis) };
            let services = st.costs(&by_service).await.map_err(e)?;
            let first: Period = period.trailing(12).first().copied().unwrap_or(period);
            let history = st
                .costs(&CostQuery { from: first, to: period, filters: by_cust, by: vec![Dim::Period], basis })
                .await
                .map_err(e)?;
            let onboarding = st.onboarding_status(&code).await.map_err(e)?;
            Reply::Detail(DetailData { customer: Some(customer), accounts, services, history, onboarding })
        }
        Query::Statement { customer, from, to } => {
            let stmt = st.statement(&customer, from, to).await.map_err(e)?;
            let today = r.clock.now().date_naive();
            let disputed = month::statement::disputed(st, &customer, today).await.map_err(e)?;
            Reply::Statement(stmt, Box::new(disputed))
        }
        Query::ExportStatement { statement, disputed } => {
            let dir = r.data_dir.join("exports");
            let (csv, json) = tokio::task::spawn_blocking(move || write_statement(&dir, &statement, disputed.as_deref()))
                .await
                .map_err(|err| err.to_string())
                .and_then(|r| r)
                .map_err(EffectError::failed)?;
            Reply::StatementExported { csv, json }
        }
        Query::Terms { customer, today } => Reply::Terms(month::terms::show(st, &customer, today).await.map_err(e)?),
        Query::PriceBook { customer, period } => {
            let (rules, usage) = month::rating::usage(st, &customer, period).await.map_err(e)?;
            Reply::PriceBook(BookData { rules, usage })
        }
        Query::PreviewRule { customer, period, rule } => Reply::Preview(
            month::rating::preview_rule(st, &customer, period, rule.scope, rule.pricing, rule.from)
                .await
                .map_err(e)?,
        ),
    })
}

pub async fn write(r: &Runner, w: Write) -> Result<String, StoreError> {
    let (st, by) = (r.store.as_ref(), r.actor());
    match w {
        Write::Tick { customer, item, done } => {
            let u = OnboardingUpdate { done: Some(done), ..OnboardingUpdate::default() };
            st.update_onboarding(&customer, &item, &u, &by).await?;
            Ok(format!("{customer}: {} {}", item.replace('_', " "), if done { "done" } else { "reopened" }))
        }
        Write::Onboarding { customer, item, update } => {
            st.update_onboarding(&customer, &item, &update, &by).await?;
            let mut what = Vec::new();
            if let Some(o) = &update.owner {
                what.push(if o.is_empty() { "owner cleared".to_string() } else { format!("owner {o}") });
            }
            if let Some(d) = update.due {
                what.push(d.map_or("due date cleared".to_string(), |d| format!("due {d}")));
            }
            if update.evidence.is_some() {
                what.push("evidence recorded".to_string());
            }
            Ok(format!("{customer}: {} — {}", item.replace('_', " "), what.join(", ")))
        }
        Write::AddItem { item, label } => {
            let d = st.add_checklist_item(&item, &label, &by).await?;
            Ok(format!("onboarding item {} ({}) added to every customer's checklist", d.item, d.label))
        }
        Write::RetireItem { item } => {
            st.retire_checklist_item(&item, &by).await?;
            Ok(format!("onboarding item {item} retired from every customer's checklist (history kept)"))
        }
        Write::Document { doc } => {
            let path = crate::documents::load::write_pdf(st, &doc, by.at.date_naive(), &r.data_dir.join("exports")).await?;
            Ok(format!("wrote {}", path.display()))
        }
        Write::AddCustomer(c) => {
            let x = st.add_customer(&c, &by).await?;
            Ok(format!("customer {} ({}, {}) added", x.code, x.name, x.currency))
        }
        Write::Payment(p) => {
            let x = st.add_payment(&p, &by).await?;
            let on = x.invoice.as_deref().map(|n| format!(" against {n}")).unwrap_or_default();
            // Recorded already: the message does not fail for want of the currency (then 2 places).
            let cur = st.customer(&x.customer).await.map(|c| c.currency).unwrap_or_default();
            let amount = if cur.is_empty() {
                crate::console::table::fmt_money(x.amount)
            } else {
                format!("{} {cur}", crate::console::table::fmt_money_in(x.amount, &cur))
            };
            Ok(format!("payment {} of {amount} from {} on {} recorded{on}", x.id, x.customer, x.received_on))
        }
        Write::Terms { customer, patch, from } => {
            let t = month::terms::set(st, &customer, &patch, Some(from), &by).await?;
            Ok(format!("terms of {customer} from {}: {}", t.from, super::terms::summary(&t.terms)))
        }
        Write::AddRule { customer, rule } => {
            let x = st.add_price_rule(&customer, rule.scope, rule.pricing, rule.from, &by).await?;
            Ok(format!("rule {} added to {customer}'s price book (from {})", x.rule.id(), rule.from))
        }
    }
}

pub fn traits(w: &Write) -> WriteTraits {
    match w {
        Write::Payment(_) => WriteTraits::OPERATOR.field(super::payments::PaymentForm::AMOUNT),
        Write::Onboarding { .. } => WriteTraits::OPERATOR.field(super::onboarding::EditForm::EVIDENCE),
        Write::AddItem { .. } => WriteTraits::MANAGER.field(super::onboarding::AddItemForm::ITEM),
        Write::RetireItem { .. } => WriteTraits::MANAGER,
        Write::Document { .. } => WriteTraits { needs: billops_domain::Role::Viewer, ..WriteTraits::OPERATOR },
        Write::AddCustomer(_) => WriteTraits::MANAGER.field(super::add::AddCustomerForm::CODE),
        Write::Tick { .. } | Write::Terms { .. } | Write::AddRule { .. } => WriteTraits::OPERATOR,
    }
}

/// Write `DIR/statement-<customer>-<from>-<to>-<n>.{csv,json}` with the first free `n`.
/// With `disputed`: its open disputes too (the CLI's `statement --format csv|json`).
pub fn write_statement(
    dir: &Path,
    st: &Statement,
    disputed: Option<&month::statement::Disputed>,
) -> Result<(PathBuf, PathBuf), String> {
    use std::io::Write;
    std::fs::create_dir_all(dir).map_err(|err| format!("{}: {err}", dir.display()))?;
    // both texts first: a statement that does not add up writes no file
    let json = match disputed {
        Some(d) => month::statement::json_with(st, d),
        None => month::statement::json(st),
    };
    let json = json.map_err(|err| err.to_string())?;
    let csv = month::statement::csv_with(st, disputed).map_err(|err| err.to_string())?;
    let safe: String =
        st.customer.chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' { c } else { '_' }).collect();
    for n in 1..100_000u32 {
        let stem = format!("statement-{safe}-{}-{}-{n}", st.from, st.to);
        let csv_path = dir.join(format!("{stem}.csv"));
        let json_path = dir.join(format!("{stem}.json"));
        match std::fs::OpenOptions::new().write(true).create_new(true).open(&csv_path) {
            Ok(mut f) => {
                f.write_all(csv.as_bytes()).map_err(|err| format!("{}: {err}", csv_path.display()))?;
                std::fs::write(&json_path, json.as_bytes()).map_err(|err| format!("{}: {err}", json_path.display()))?;
                return Ok((csv_path, json_path));
            }
            Err(err) if err.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(err) => return Err(format!("{}: {err}", csv_path.display())),
        }
    }
    Err(format!("{}: too many exports", dir.display()))
}

/// The list.
pub fn load(s: &mut State) -> Vec<Effect> {
    let Some(period) = s.period else { return Vec::new() };
    let req = s.req();
    s.panes.customers.data.start(req);
    vec![Effect::Pane { req, q: PaneQuery::Customers(Query::List { period, basis: s.panes.costs.basis }) }]
}

/// The open customer's detail.
pub fn load_detail(s: &mut State) -> Vec<Effect> {
    let Some(period) = s.period else { return Vec::new() };
    let req = s.req();
    let basis = s.panes.costs.basis;
    let Some(d) = s.panes.customers.detail.as_mut() else { return Vec::new() };
    d.data.start(req);
    vec![Effect::Pane { req, q: PaneQuery::Customers(Query::Detail { code: d.code.clone(), period, basis }) }]
}

pub fn landed(s: &mut State, req: u64, r: Reply) -> Vec<Effect> {
    match r {
        Reply::List(d) => loaded(s, req, d),
        Reply::Detail(d) => detail_loaded(s, req, d),
        Reply::Statement(st, disputed) => super::payments::statement_loaded(s, req, st, *disputed),
        Reply::StatementExported { csv, json } => {
            if s.pending.contains(&req) {
                s.pending.retain(|r| *r != req);
                s.info(format!("statement exported to {} and {}", csv.display(), json.display()));
            }
        }
        Reply::Terms(t) => super::terms::loaded(s, req, t),
        Reply::PriceBook(b) => super::pricebook::loaded(s, req, b),
        Reply::Preview(d) => super::pricebook::preview_loaded(s, req, d),
    }
    Vec::new()
}

pub fn loaded(s: &mut State, req: u64, data: CustomersData) {
    if !s.panes.customers.data.waits_for(req) {
        return;
    }
    s.set_model(ViewKey::Customers, table(&data));
    s.panes.customers.data = Load::Ready(data);
}

pub fn detail_loaded(s: &mut State, req: u64, data: DetailData) {
    let Some(d) = s.panes.customers.detail.as_mut() else { return };
    if !d.data.waits_for(req) {
        return;
    }
    d.data = Load::Ready(data.clone());
    s.set_model(ViewKey::Onboarding, super::onboarding::table(&data));
    s.set_model(ViewKey::Services, services_table(&data));
    s.set_model(ViewKey::CustomerAccounts, accounts_table(&data));
}
