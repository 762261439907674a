//! The Invoices pane's reads (the period's invoices, one invoice, its credit notes, a line's sources, draft
//! generation) and writes (review / approve / void, issue, bulk steps, credit notes).
use billops_domain::Period;
use crate::console::table::fmt_money_in;
use billops_store::{
    CreditNote, CreditNoteFilter, InvoiceFilter, InvoiceStep, InvoiceSummary, LineSources, NewCreditNote, SourceQuery,
    StoreError, StoredInvoice,
};

use super::view::*;
use crate::console::action::{Effect, PaneQuery, PaneWrite};
use crate::console::effects::Runner;
use crate::console::refusal::{EffectError, WriteTraits};
use crate::console::state::{Load, State, ViewKey};
use crate::month::{self, INVOICE_SERIES, invoices::Generated};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Query {
    List { period: Period },
    Invoice { id: i64 },
    /// The credit notes issued and the payments recorded against one invoice (with its detail).
    CreditNotes { invoice_id: i64 },
    /// The resource breakdown and first raw line items behind an invoice line.
    Sources { q: SourceQuery },
    /// Generate the period's drafts (a job: its reply reloads everything).
    Generate { period: Period },
}

#[derive(Debug, Clone)]
pub enum Reply {
    List(Vec<InvoiceSummary>),
    Invoice(Box<StoredInvoice>),
    CreditNotes(Vec<CreditNote>, Vec<billops_store::Payment>),
    Sources(LineSources),
    /// Draft generation finished: one outcome per customer.
    Generated(Vec<Generated>),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Write {
    Step { id: i64, step: InvoiceStep, reason: String, version: i64 },
    Issue { id: i64 },
    /// Review or approve every listed invoice (id, version, customer); refusals are reported one by one.
    Bulk { step: InvoiceStep, invoices: Vec<(i64, i64, String)> },
    /// Issue each (id, customer) in order, with the next numbers; refusals are reported per invoice.
    IssueAll { invoices: Vec<(i64, String)> },
    /// Correct an issued invoice with a credit note (manager; the store checks amount, role and locks).
    CreditNote(NewCreditNote),
    /// Write the invoice or one of its credit notes as the customer's PDF into the exports folder (nothing in
    /// the store changes).
    Document { doc: crate::documents::load::DocRef },
}

pub async fn run(r: &Runner, q: Query) -> Result<Reply, EffectError> {
    let st = r.store.as_ref();
    let e = |err: StoreError| EffectError::of_read(&err);
    Ok(match q {
        Query::List { period } => {
            Reply::List(st.list_invoices(&InvoiceFilter { period: Some(period), customer: None }).await.map_err(e)?)
        }
        Query::Invoice { id } => Reply::Invoice(Box::new(st.invoice(id).await.map_err(e)?)),
        Query::CreditNotes { invoice_id } => {
            let f = CreditNoteFilter { invoice_id: Some(invoice_id), ..Default::default() };
            Reply::CreditNotes(st.list_credit_notes(&f).await.map_err(e)?, st.invoice_payments(invoice_id).await.map_err(e)?)
        }
        Query::Sources { q } => Reply::Sources(st.line_sources(&q).await.map_err(e)?),
        Query::Generate { period } => {
            Reply::Generated(month::invoices::generate(st, period, None, &r.actor()).await.map_err(e)?)
        }
    })
}

pub async fn write(r: &Runner, w: Write) -> Result<String, StoreError> {
    let (st, by) = (r.store.as_ref(), r.actor());
    match w {
        Write::Step { id, step, reason, version } => {
            let inv = st.step_invoice(id, step, &reason, Some(version), &by).await?;
            let verb = match step {
                InvoiceStep::Review => "reviewed",
                InvoiceStep::Approve => "approved",
                InvoiceStep::Reopen => "re-opened",
                InvoiceStep::Void => "voided",
            };
            Ok(format!("invoice {id} ({}) {verb}: now {}", inv.customer, inv.status))
        }
        Write::Issue { id } => issue_one(st, id, &by).await,
        Write::IssueAll { invoices } => {
            let mut refused = Vec::new();
            let mut numbers = Vec::new();
            for (id, customer) in &invoices {
                match issue_one(st, *id, &by).await {
                    Ok(_) => numbers.push(*id),
                    Err(err) => refused.push(format!("invoice {id} ({customer}): {err}")),
                }
            }
            let head = format!("issued {} of {} invoice(s)", numbers.len(), invoices.len());
            if refused.is_empty() {
                Ok(head)
            } else {
                Err(StoreError::Invalid(format!("{head}; refused {}: {}", refused.len(), refused.join("; "))))
            }
        }
        Write::Bulk { step, invoices } => {
            let verb = if step == InvoiceStep::Approve { "approved" } else { "reviewed" };
            let mut refused = Vec::new();
            for (id, version, customer) in &invoices {
                if let Err(err) = st.step_invoice(*id, step, "", Some(*version), &by).await {
                    let op =
                        PaneWrite::Invoices(Write::Step { id: *id, step, reason: String::new(), version: *version });
                    refused.push(format!("invoice {id} ({customer}): {}", EffectError::of(&err, Some(&op))));
                }
            }
            let done = invoices.len() - refused.len();
            let head = format!("{verb} {done} of {} invoice(s)", invoices.len());
            if refused.is_empty() {
                Ok(head)
            } else {
                // Reported as a failure: the message line shows every refusal and the lists reload.
                Err(StoreError::Invalid(format!("{head}; refused {}: {}", refused.len(), refused.join("; "))))
            }
        }
        Write::Document { doc } => {
            let path = crate::documents::load::write_pdf(st, &doc, by.at.date_naive(), &r.data_dir.join("exports")).await?;
            Ok(format!("wrote {}", path.display()))
        }
        Write::CreditNote(n) => {
            let x = month::credit_notes::issue(st, n.invoice_id, n.amount, &n.reason, &by).await?;
            let c = &x.note;
            Ok(format!(
                "credit note {} issued on {} ({}): {} {}; {} still creditable",
                c.number,
                c.invoice_number,
                c.customer,
                fmt_money_in(c.amount, &c.currency),
                c.currency,
                fmt_money_in(x.still_creditable, &c.currency)
            ))
        }
    }
}

/// Issue invoice `id` with the next number of the series, due by the customer's terms.
async fn issue_one(st: &dyn billops_store::Store, id: i64, by: &billops_store::Actor) -> Result<String, StoreError> {
    let due_days = month::terms::due_days(st, id, by.at.date_naive()).await?;
    let inv = st.issue_invoice(id, INVOICE_SERIES, due_days, by).await?;
    Ok(format!(
        "invoice {id} ({}) issued as {}, due {}",
        inv.customer,
        inv.number.unwrap_or_default(),
        inv.due_on.map(|d| d.to_string()).unwrap_or_default()
    ))
}

pub fn traits(w: &Write) -> WriteTraits {
    let by_step = |step: &InvoiceStep| match step {
        InvoiceStep::Approve | InvoiceStep::Void => WriteTraits::MANAGER,
        InvoiceStep::Review | InvoiceStep::Reopen => WriteTraits::OPERATOR,
    };
    match w {
        Write::Step { step, .. } => by_step(step).versioned(),
        Write::Bulk { step: InvoiceStep::Approve, .. } => WriteTraits::MANAGER.versioned(),
        Write::Bulk { .. } => WriteTraits::OPERATOR.versioned(),
        Write::Issue { .. } | Write::IssueAll { .. } => WriteTraits::OPERATOR,
        Write::CreditNote(_) => WriteTraits::MANAGER.field(super::credit_notes::CreditNoteForm::AMOUNT),
        // A file for the customer: anyone who may read the invoice may write it out.
        Write::Document { .. } => WriteTraits { needs: billops_domain::Role::Viewer, ..WriteTraits::OPERATOR },
    }
}

/// The period's invoices.
pub fn load(s: &mut State) -> Vec<Effect> {
    let Some(period) = s.period else { return Vec::new() };
    let req = s.req();
    s.panes.invoices.data.start(req);
    vec![Effect::Pane { req, q: PaneQuery::Invoices(Query::List { period }) }]
}

/// The open invoice (its credit notes load beside it: `credit_notes::load`).
pub fn load_invoice(s: &mut State) -> Vec<Effect> {
    let req = s.req();
    let Some(d) = s.panes.invoices.detail.as_mut() else { return Vec::new() };
    d.data.start(req);
    vec![Effect::Pane { req, q: PaneQuery::Invoices(Query::Invoice { id: d.id }) }]
}

/// The open invoice and its credit notes.
pub fn load_detail(s: &mut State) -> Vec<Effect> {
    let mut fx = load_invoice(s);
    fx.extend(super::credit_notes::load(s));
    fx
}

pub fn landed(s: &mut State, req: u64, r: Reply) -> Vec<Effect> {
    match r {
        Reply::List(d) => loaded(s, req, d),
        Reply::Invoice(inv) => detail_loaded(s, req, inv),
        Reply::CreditNotes(x, paid) => super::credit_notes::loaded(s, req, x, paid),
        Reply::Sources(x) => super::sources::loaded(s, req, x),
        Reply::Generated(out) => return super::keys::generated(s, req, out),
    }
    Vec::new()
}

pub fn loaded(s: &mut State, req: u64, data: Vec<InvoiceSummary>) {
    if !s.panes.invoices.data.waits_for(req) {
        return;
    }
    s.set_model(ViewKey::Invoices, table(&data));
    s.panes.invoices.data = Load::Ready(data);
}

pub fn detail_loaded(s: &mut State, req: u64, inv: Box<StoredInvoice>) {
    let Some(d) = s.panes.invoices.detail.as_mut() else { return };
    if !d.data.waits_for(req) {
        return;
    }
    let model = lines_table(&inv);
    let want = s.panes.invoices.want_line.take().and_then(|n| super::view::line_row_id(&inv, n));
    let Some(d) = s.panes.invoices.detail.as_mut() else { return };
    d.data = Load::Ready(inv);
    if want.is_some() {
        s.view_mut(ViewKey::InvoiceLines).vs.want = want;
    }
    s.set_model(ViewKey::InvoiceLines, model);
}
