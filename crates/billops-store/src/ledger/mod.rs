//! The month-end ledger: period locks (enforced here on every write that would change a locked period),
//! price books, invoices with gap-free numbers, credits with maker-checker and optimistic versions,
//! supplier invoices and tie-out figures, payments and balances.
//!
//! The rules are the domain's (`billops_domain::{close, invoice, credit, rating}`): the store loads the
//! domain object, lets it decide (role from the `users` table inside the same transaction), and writes the
//! result, audited, in that transaction. Stale writes (a `version` that moved) are `StoreError::Conflict`.
pub(crate) mod cases;
pub(crate) mod close;
pub(crate) mod credit_notes;
pub(crate) mod credits;
pub(crate) mod drafts;
pub(crate) mod facts;
pub(crate) mod invoices;
pub(crate) mod locks;
pub(crate) mod payments;
pub(crate) mod pricing;
pub(crate) mod rating;
pub(crate) mod settings;
pub(crate) mod sources;
pub(crate) mod supplier;
pub(crate) mod terms;
pub mod types;
pub(crate) mod unreached;
pub(crate) mod variance;

use async_trait::async_trait;
use billops_domain::close::{CloseConfig, CloseFacts, PeriodClose};
use billops_domain::credit::{ApprovalPolicy, Credit};
use billops_domain::invoice::Draft;
use billops_domain::rating::{PriceBook, Pricing, ResourceUnitSet, RuleScope};
use billops_domain::{Period, Role, User};
use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::db::{Arg, Db, Row, Tx};
use crate::{Actor, Result, SqlStore, StoreError};
pub use credit_notes::{CreditNote, CreditNoteFilter, NewCreditNote};
pub use rating::month_start;
pub use sources::{LineSources, ResourceSource, SourceItem, SourceQuery};
pub use types::*;
pub use variance::{NewExplanation, ServiceCosts, StoredExplanation};

/// The month-end part of the store (implemented by [`SqlStore`] on both backends).
#[async_trait]
pub trait Ledger: Send + Sync {
    // ---- close and locks
    /// A period's sign-off history (locked when the last event is a sign-off).
    async fn period_close(&self, period: Period) -> Result<PeriodClose>;
    async fn locked_periods(&self) -> Result<Vec<PeriodLock>>;
    /// The facts the close board is computed from, judged by `cfg` (the tie-out tolerance per payer, the
    /// variance thresholds).
    async fn close_facts(&self, period: Period, cfg: &CloseConfig) -> Result<CloseFacts>;
    /// Manager sign-off: recomputes the facts and the board inside the transaction and locks the period only
    /// when nothing blocks (`Forbidden` for non-managers, `Conflict` with the blockers otherwise).
    async fn sign_off(
        &self,
        period: Period,
        cfg: &CloseConfig,
        today: NaiveDate,
        note: &str,
        by: &Actor,
    ) -> Result<PeriodClose>;
    /// Manager re-open with a reason.
    async fn reopen(&self, period: Period, reason: &str, by: &Actor) -> Result<PeriodClose>;

    // ---- price books and rating input
    async fn add_price_rule(
        &self,
        customer: &str,
        scope: RuleScope,
        pricing: Pricing,
        from: NaiveDate,
        by: &Actor,
    ) -> Result<StoredPriceRule>;
    async fn list_price_rules(&self, customer: &str) -> Result<Vec<StoredPriceRule>>;
    async fn price_book(&self, customer: &str) -> Result<PriceBook>;
    /// Billed cost of the period per customer at the rollup grain (assigned cost only), customers in code order.
    async fn charges(&self, period: Period, customer: Option<&str>) -> Result<Vec<CustomerCharges>>;

    // ---- invoices
    /// Persist a generated draft: a new invoice, or the regeneration of the customer's unissued one
    /// (unchanged drafts are left as they are). `payer_costs`: supplier cost behind the draft per payer.
    async fn save_draft(&self, draft: &Draft, payer_costs: &[(String, Decimal)], by: &Actor) -> Result<SavedDraft>;
    /// [`Ledger::save_draft`] for many drafts in one transaction (all or nothing), results in input order:
    /// the role and period locks checked once, unchanged drafts left as they are, one audit row per
    /// written invoice.
    async fn save_drafts(&self, drafts: &[DraftToSave], by: &Actor) -> Result<Vec<SavedDraft>>;
    async fn invoice(&self, id: i64) -> Result<StoredInvoice>;
    async fn list_invoices(&self, filter: &InvoiceFilter) -> Result<Vec<InvoiceSummary>>;
    async fn step_invoice(
        &self,
        id: i64,
        step: InvoiceStep,
        reason: &str,
        expected_version: Option<i64>,
        by: &Actor,
    ) -> Result<StoredInvoice>;
    /// Issue: the next number of `series` (gap-free, taken in this transaction), due date `due_days` after
    /// issue, and the draft's credit applications recorded on the credits.
    async fn issue_invoice(&self, id: i64, series: &str, due_days: i64, by: &Actor) -> Result<StoredInvoice>;

    // ---- credits
    async fn propose_credit(&self, c: &NewCredit, by: &Actor) -> Result<StoredCredit>;
    async fn credit(&self, id: i64) -> Result<StoredCredit>;
    async fn list_credits(&self, filter: &CreditFilter) -> Result<Vec<StoredCredit>>;
    /// Approve or reject (managers; maker-checker by `policy`). A `version` that moved, or a credit decided
    /// meanwhile, is `Conflict`.
    async fn decide_credit(
        &self,
        id: i64,
        approve: bool,
        reason: &str,
        policy: ApprovalPolicy,
        expected_version: Option<i64>,
        by: &Actor,
    ) -> Result<StoredCredit>;
    /// The customer's credits as domain objects (for draft building).
    async fn customer_credits(&self, customer: &str) -> Result<Vec<Credit>>;

    // ---- supplier invoices and tie-out
    async fn add_supplier_invoice(&self, s: &NewSupplierInvoice, by: &Actor) -> Result<SupplierInvoice>;
    async fn list_supplier_invoices(&self, period: Option<Period>) -> Result<Vec<SupplierInvoice>>;
    async fn payer_figures(&self, period: Period) -> Result<Vec<PayerFigures>>;

    /// Supplier reconciliation cases of a period (all periods when `None`), by payer.
    async fn list_cases(&self, period: Option<Period>) -> Result<Vec<ReconCase>>;
    async fn case(&self, id: i64) -> Result<ReconCase>;
    /// Open a case for every payer whose supplier−import residual is unexplained beyond `tolerance`; a payer
    /// with an open case for the period keeps it (`created: false`). Operators; refused in a locked period.
    async fn open_cases(&self, period: Period, tolerance: Decimal, by: &Actor) -> Result<Vec<OpenedCase>>;
    /// Update a case (status open → waiting_credit_note → resolved | written_off; writing off takes a manager).
    async fn update_case(
        &self,
        id: i64,
        update: &CaseUpdate,
        expected_version: Option<i64>,
        by: &Actor,
    ) -> Result<ReconCase>;

    // ---- billing terms
    /// Record a customer's terms from `t.from` (same date: replaced). Refused in or before a locked period.
    async fn set_terms(&self, t: &NewTerms, by: &Actor) -> Result<StoredTerms>;
    /// Every entry of a customer's terms, oldest first.
    async fn list_terms(&self, customer: &str) -> Result<Vec<StoredTerms>>;
    /// The entry in force on `day`, if any (callers default to [`CustomerTerms::default`]).
    async fn terms_on(&self, customer: &str, day: NaiveDate) -> Result<Option<StoredTerms>>;

    // ---- credits cross-check
    /// Supplier credits of the period and whether a customer credit passes them through; approved funding
    /// and promotional credits no issued invoice has used.
    async fn unreached_credits(&self, period: Period) -> Result<UnreachedCredits>;

    // ---- payments and balances
    async fn add_payment(&self, p: &NewPayment, by: &Actor) -> Result<Payment>;
    async fn balance(&self, customer: &str, today: NaiveDate) -> Result<Balance>;
    async fn statement(&self, customer: &str, from: NaiveDate, to: NaiveDate) -> Result<Statement>;

    // ---- chargeback: resource units and billing models
    /// Define a resource unit (operators; `Conflict` when the id exists). Units are tried in the order added.
    async fn add_resource_unit(&self, ru: &NewResourceUnit, by: &Actor) -> Result<StoredResourceUnit>;
    /// Set a unit's rate from `from`, which must be a month's first day (the same date replaces). Refused in or
    /// before a locked period.
    async fn set_resource_unit_rate(
        &self,
        id: &str,
        rate: Decimal,
        from: NaiveDate,
        by: &Actor,
    ) -> Result<StoredResourceUnit>;
    async fn list_resource_units(&self) -> Result<Vec<StoredResourceUnit>>;
    /// Every resource unit as the domain set draft generation rates chargeback customers with.
    async fn resource_unit_set(&self) -> Result<ResourceUnitSet>;
    /// Set a customer's billing model (audited).
    async fn set_billing_model(&self, customer: &str, model: BillingModel, by: &Actor) -> Result<()>;
    /// Every customer's billing model (`resale` unless set), in code order.
    async fn billing_models(&self) -> Result<Vec<CustomerBillingModel>>;
    // ---- variance
    /// Billed cost per assigned customer × service of `period` and the month before (exact sums, line counts).
    async fn service_costs(&self, period: Period) -> Result<ServiceCosts>;
    /// Record the explanation of a customer's variance on a service for the Δ the data gives now, replacing
    /// an earlier one. Operators; refused in a locked period (`Locked`); a Δ other than `expected_delta` is a
    /// `Conflict`; audited.
    async fn explain_variance(&self, e: &NewExplanation, by: &Actor) -> Result<StoredExplanation>;
    /// The explanations recorded for `period`, by customer and service.
    async fn list_explanations(&self, period: Period) -> Result<Vec<StoredExplanation>>;
    // ---- drill from an invoice line to its sources
    /// The resource breakdown and the first `q.limit` raw line items (file, line, account, date, usage type,
    /// cost) of a customer's usage in a period for one service / product / component.
    async fn line_sources(&self, q: &SourceQuery) -> Result<LineSources>;

    // ---- shared settings
    /// Every stored setting, by key (absent keys take the application's defaults).
    async fn settings(&self) -> Result<Vec<StoredSetting>>;
    /// Set one (managers only; audited with the value before and after). The caller checks the value.
    async fn set_setting(&self, key: &str, value: &str, by: &Actor) -> Result<StoredSetting>;

    // ---- credit notes
    /// Correct an issued invoice with a credit note (managers): the next number of `series` (gap-free, taken
    /// in this transaction), for at most what the invoice still has uncredited, with a reason; posted on the
    /// day of `by.at` (refused when that month is locked; the invoice's own period may be locked). Audited.
    async fn issue_credit_note(&self, n: &NewCreditNote, series: &str, by: &Actor) -> Result<CreditNote>;
    async fn credit_note(&self, number: &str) -> Result<CreditNote>;
    async fn list_credit_notes(&self, filter: &CreditNoteFilter) -> Result<Vec<CreditNote>>;
}

/// Read through the pool or inside a transaction with the same code.
pub(crate) enum Conn<'a> {
    Db(&'a Db),
    Tx(&'a mut Tx),
}

impl Conn<'_> {
    pub(crate) fn backend(&self) -> crate::Backend {
        match self {
            Conn::Db(d) => d.backend(),
            Conn::Tx(t) => t.backend(),
        }
    }
    pub(crate) async fn all(&mut self, q: &str, a: Vec<Arg>) -> Result<Vec<Row>> {
        match self {
            Conn::Db(d) => d.all(q, a).await,
            Conn::Tx(t) => t.all(q, a).await,
        }
    }
    pub(crate) async fn opt(&mut self, q: &str, a: Vec<Arg>) -> Result<Option<Row>> {
        match self {
            Conn::Db(d) => d.opt(q, a).await,
            Conn::Tx(t) => t.opt(q, a).await,
        }
    }
    pub(crate) async fn one(&mut self, q: &str, a: Vec<Arg>) -> Result<Row> {
        self.opt(q, a).await?.ok_or_else(|| StoreError::NotFound("row".into()))
    }
}

/// The acting user with the role the store knows (unknown users are viewers).
pub(crate) async fn user_in(tx: &mut Tx, by: &Actor) -> Result<User> {
    let role: Role = crate::parties::role_in(tx, &by.name).await?;
    Ok(User { name: by.name.clone(), role })
}

pub(crate) fn json<T: serde::Serialize>(v: &T) -> Result<String> {
    serde_json::to_string(v).map_err(|e| StoreError::Invalid(format!("cannot encode: {e}")))
}

pub(crate) fn unjson<T: serde::de::DeserializeOwned>(s: &str, what: &str) -> Result<T> {
    serde_json::from_str(s).map_err(|e| StoreError::Invalid(format!("stored {what} unreadable: {e}")))
}

pub(crate) fn parse_period(s: &str) -> Result<Period> {
    s.parse().map_err(|e| StoreError::Invalid(format!("stored period {s:?}: {e}")))
}

#[async_trait]
impl Ledger for SqlStore {
    async fn period_close(&self, period: Period) -> Result<PeriodClose> {
        close::period_close(&mut Conn::Db(&self.db), period).await
    }
    async fn locked_periods(&self) -> Result<Vec<PeriodLock>> {
        locks::locked_periods(&self.db).await
    }
    async fn close_facts(&self, period: Period, cfg: &CloseConfig) -> Result<CloseFacts> {
        // Outside a transaction the variance count (both months' rollups) runs beside the other counts, on
        // another pooled connection.
        let (mut a, mut b) = (Conn::Db(&self.db), Conn::Db(&self.db));
        let (facts, variances) =
            tokio::join!(facts::gather_counts(&mut a, period, cfg), facts::variances(&mut b, period, cfg));
        facts::with_unreached(&self.db, CloseFacts { variances_unexplained: variances?, ..facts? }).await
    }
    async fn sign_off(
        &self,
        period: Period,
        cfg: &CloseConfig,
        today: NaiveDate,
        note: &str,
        by: &Actor,
    ) -> Result<PeriodClose> {
        crate::fields::text("sign-off note", note)?;
        close::sign_off(&self.db, period, cfg, today, note, by).await
    }
    async fn reopen(&self, period: Period, reason: &str, by: &Actor) -> Result<PeriodClose> {
        crate::fields::text("re-open reason", reason)?;
        close::reopen(&self.db, period, reason, by).await
    }

    async fn add_price_rule(
        &self,
        customer: &str,
        scope: RuleScope,
        pricing: Pricing,
        from: NaiveDate,
        by: &Actor,
    ) -> Result<StoredPriceRule> {
        crate::fields::rule_scope(&scope)?;
        pricing::add_rule(&self.db, customer, scope, pricing, from, by).await
    }
    async fn list_price_rules(&self, customer: &str) -> Result<Vec<StoredPriceRule>> {
        pricing::list_rules(&self.db, customer).await
    }
    async fn price_book(&self, customer: &str) -> Result<PriceBook> {
        pricing::price_book(&self.db, customer).await
    }
    async fn charges(&self, period: Period, customer: Option<&str>) -> Result<Vec<CustomerCharges>> {
        pricing::charges(&self.db, period, customer).await
    }

    async fn save_draft(&self, draft: &Draft, payer_costs: &[(String, Decimal)], by: &Actor) -> Result<SavedDraft> {
        let batch = [(draft.clone(), payer_costs.to_vec())];
        let mut saved = drafts::save_drafts(&self.db, &batch, by).await?;
        saved.pop().ok_or_else(|| StoreError::Invalid("saving a draft returned nothing".into()))
    }
    async fn save_drafts(&self, drafts: &[DraftToSave], by: &Actor) -> Result<Vec<SavedDraft>> {
        drafts::save_drafts(&self.db, drafts, by).await
    }
    async fn invoice(&self, id: i64) -> Result<StoredInvoice> {
        invoices::load(&mut Conn::Db(&self.db), id).await
    }
    async fn list_invoices(&self, filter: &InvoiceFilter) -> Result<Vec<InvoiceSummary>> {
        invoices::list(&self.db, filter).await
    }
    async fn step_invoice(
        &self,
        id: i64,
        step: InvoiceStep,
        reason: &str,
        expected_version: Option<i64>,
        by: &Actor,
    ) -> Result<StoredInvoice> {
        crate::fields::text("reason", reason)?;
        invoices::step(&self.db, id, step, reason, expected_version, by).await
    }
    async fn issue_invoice(&self, id: i64, series: &str, due_days: i64, by: &Actor) -> Result<StoredInvoice> {
        invoices::issue(&self.db, id, series, due_days, by).await
    }

    async fn propose_credit(&self, c: &NewCredit, by: &Actor) -> Result<StoredCredit> {
        crate::fields::credit(c)?;
        credits::propose(&self.db, c, by).await
    }
    async fn credit(&self, id: i64) -> Result<StoredCredit> {
        credits::load(&mut Conn::Db(&self.db), id).await
    }
    async fn list_credits(&self, filter: &CreditFilter) -> Result<Vec<StoredCredit>> {
        credits::list(&self.db, filter).await
    }
    async fn decide_credit(
        &self,
        id: i64,
        approve: bool,
        reason: &str,
        policy: ApprovalPolicy,
        expected_version: Option<i64>,
        by: &Actor,
    ) -> Result<StoredCredit> {
        crate::fields::text("reason", reason)?;
        credits::decide(&self.db, id, approve, reason, policy, expected_version, by).await
    }
    async fn customer_credits(&self, customer: &str) -> Result<Vec<Credit>> {
        credits::of_customer(&self.db, customer).await
    }

    async fn add_supplier_invoice(&self, s: &NewSupplierInvoice, by: &Actor) -> Result<SupplierInvoice> {
        crate::fields::supplier_invoice(s)?;
        supplier::add(&self.db, s, by).await
    }
    async fn list_supplier_invoices(&self, period: Option<Period>) -> Result<Vec<SupplierInvoice>> {
        supplier::list(&self.db, period).await
    }
    async fn payer_figures(&self, period: Period) -> Result<Vec<PayerFigures>> {
        supplier::payer_figures(&mut Conn::Db(&self.db), period).await
    }

    async fn list_cases(&self, period: Option<Period>) -> Result<Vec<ReconCase>> {
        cases::list(&mut Conn::Db(&self.db), period).await
    }
    async fn case(&self, id: i64) -> Result<ReconCase> {
        cases::load(&mut Conn::Db(&self.db), id).await
    }
    async fn open_cases(&self, period: Period, tolerance: Decimal, by: &Actor) -> Result<Vec<OpenedCase>> {
        cases::open_for_period(&self.db, period, tolerance, by).await
    }
    async fn update_case(
        &self,
        id: i64,
        update: &CaseUpdate,
        expected_version: Option<i64>,
        by: &Actor,
    ) -> Result<ReconCase> {
        crate::fields::case_update(update)?;
        cases::update(&self.db, id, update, expected_version, by).await
    }

    async fn set_terms(&self, t: &NewTerms, by: &Actor) -> Result<StoredTerms> {
        crate::fields::terms(t)?;
        terms::set(&self.db, t, by).await
    }
    async fn list_terms(&self, customer: &str) -> Result<Vec<StoredTerms>> {
        terms::list(&self.db, customer).await
    }
    async fn terms_on(&self, customer: &str, day: NaiveDate) -> Result<Option<StoredTerms>> {
        terms::on(&self.db, customer, day).await
    }

    async fn unreached_credits(&self, period: Period) -> Result<UnreachedCredits> {
        unreached::unreached(&self.db, period).await
    }

    async fn add_payment(&self, p: &NewPayment, by: &Actor) -> Result<Payment> {
        crate::fields::payment(p)?;
        payments::add(&self.db, p, by).await
    }
    async fn balance(&self, customer: &str, today: NaiveDate) -> Result<Balance> {
        payments::balance(&self.db, customer, today).await
    }
    async fn statement(&self, customer: &str, from: NaiveDate, to: NaiveDate) -> Result<Statement> {
        payments::statement(&self.db, customer, from, to).await
    }

    async fn add_resource_unit(&self, ru: &NewResourceUnit, by: &Actor) -> Result<StoredResourceUnit> {
        crate::fields::resource_unit(ru)?;
        rating::add_unit(&self.db, ru, by).await
    }
    async fn set_resource_unit_rate(
        &self,
        id: &str,
        rate: Decimal,
        from: NaiveDate,
        by: &Actor,
    ) -> Result<StoredResourceUnit> {
        rating::set_rate(&self.db, id, rate, from, by).await
    }
    async fn list_resource_units(&self) -> Result<Vec<StoredResourceUnit>> {
        rating::list_units(&self.db).await
    }
    async fn resource_unit_set(&self) -> Result<ResourceUnitSet> {
        rating::unit_set(&self.db).await
    }
    async fn set_billing_model(&self, customer: &str, model: BillingModel, by: &Actor) -> Result<()> {
        rating::set_model(&self.db, customer, model, by).await
    }
    async fn billing_models(&self) -> Result<Vec<CustomerBillingModel>> {
        rating::models(&self.db).await
    }
    async fn service_costs(&self, period: Period) -> Result<ServiceCosts> {
        variance::service_costs(&mut Conn::Db(&self.db), period).await
    }
    async fn explain_variance(&self, e: &NewExplanation, by: &Actor) -> Result<StoredExplanation> {
        crate::fields::explanation(e)?;
        variance::explain(&self.db, e, by).await
    }
    async fn list_explanations(&self, period: Period) -> Result<Vec<StoredExplanation>> {
        variance::list(&mut Conn::Db(&self.db), period).await
    }
    async fn line_sources(&self, q: &SourceQuery) -> Result<LineSources> {
        sources::line_sources(&self.db, q).await
    }
    async fn settings(&self) -> Result<Vec<StoredSetting>> {
        settings::list(&self.db).await
    }
    async fn set_setting(&self, key: &str, value: &str, by: &Actor) -> Result<StoredSetting> {
        settings::set(&self.db, key, value, by).await
    }

    async fn issue_credit_note(&self, n: &NewCreditNote, series: &str, by: &Actor) -> Result<CreditNote> {
        crate::fields::credit_note(n)?;
        credit_notes::issue(&self.db, n, series, by).await
    }
    async fn credit_note(&self, number: &str) -> Result<CreditNote> {
        credit_notes::load(&mut Conn::Db(&self.db), number).await
    }
    async fn list_credit_notes(&self, filter: &CreditNoteFilter) -> Result<Vec<CreditNote>> {
        credit_notes::list(&self.db, filter).await
    }
}

/// `SET` assignments of amount `name` bound from `$start` on (`x_int = $4, x_e9 = $5, …` or `x = $4`).
pub(crate) fn set_money(b: crate::Backend, name: &str, start: usize) -> String {
    crate::db::money_cols(b, name)
        .split(", ")
        .enumerate()
        .map(|(k, col)| format!("{col} = ${}", start + k))
        .collect::<Vec<_>>()
        .join(", ")
}
