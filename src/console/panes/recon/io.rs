//! The Recon pane's read (the period's tie-outs, supplier invoices and cases) and writes (enter a supplier
//! invoice, open cases for residuals, change a case).
use billops_domain::Period;
use billops_domain::close::{StatementTie, TieOut};
use crate::console::table::{fmt_money, fmt_money_in};
use billops_domain::fx::Pair;
use billops_store::{
    CaseUpdate, NewFxRate, NewSupplierInvoice, ReconCase, StoreError, StoredChStatement, StoredFxRate, SupplierInvoice,
};

use super::view::*;
use crate::console::action::{Effect, PaneQuery};
use crate::console::effects::Runner;
use crate::console::refusal::{EffectError, WriteTraits};
use crate::console::state::{Load, State, ViewKey};
use crate::month;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Query {
    Period { period: Period },
}

#[derive(Debug, Clone)]
pub enum Reply {
    Period(ReconData),
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReconData {
    pub tie_outs: Vec<TieOut>,
    pub supplier_invoices: Vec<SupplierInvoice>,
    /// Supplier reconciliation cases of the period.
    pub cases: Vec<ReconCase>,
    /// The period's FX rate snapshots, proposed and approved.
    pub fx_rates: Vec<StoredFxRate>,
    /// billops' invoices per customer and currency beside the CloudHealth statements.
    pub statement_ties: Vec<StatementTie>,
    /// The period's current CloudHealth statements as stored (file, line, CloudHealth's customer): the rows
    /// behind `statement_ties`, for a row's detail.
    pub ch_statements: Vec<StoredChStatement>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Write {
    SupplierInvoice(NewSupplierInvoice),
    /// Open a case for every payer of the period with an unexplained supplier − import residual.
    OpenCases { period: Period },
    UpdateCase { id: i64, update: CaseUpdate, version: i64 },
    /// Propose (enter) a pair's rate for a period; it replaces an unapproved one and awaits approval.
    FxRate(NewFxRate),
    /// A manager who did not enter it approves a pair's rate.
    ApproveFx { pair: Pair, period: Period },
    /// Import a CloudHealth customer statement file (CSV) into the customer tie-out.
    ChStatements { path: String },
}

pub async fn run(r: &Runner, q: Query) -> Result<Reply, EffectError> {
    let st = r.store.as_ref();
    let e = |err: StoreError| EffectError::of_read(&err);
    match q {
        Query::Period { period } => Ok(Reply::Period(ReconData {
            tie_outs: month::close::recon(st, period, &r.settings().await.map_err(e)?).await.map_err(e)?,
            supplier_invoices: st.list_supplier_invoices(Some(period)).await.map_err(e)?,
            cases: st.list_cases(Some(period)).await.map_err(e)?,
            fx_rates: st.fx_rates(Some(period)).await.map_err(e)?,
            statement_ties: st.statement_tie(period).await.map_err(e)?,
            ch_statements: st.ch_statements(Some(period), false).await.map_err(e)?,
        })),
    }
}

pub async fn write(r: &Runner, w: Write) -> Result<String, StoreError> {
    let (st, by) = (r.store.as_ref(), r.actor());
    match w {
        Write::SupplierInvoice(n) => {
            let x = st.add_supplier_invoice(&n, &by).await?;
            Ok(format!(
                "supplier invoice {} of payer {} for {} entered: {} {} (tax {}, credits {})",
                x.number,
                x.payer,
                x.period,
                fmt_money_in(x.amount, &x.currency),
                x.currency,
                fmt_money_in(x.tax, &x.currency),
                fmt_money_in(x.credits, &x.currency)
            ))
        }
        Write::OpenCases { period } => {
            let out = month::cases::open(st, period, &by, &r.settings().await?).await?;
            let new = out.iter().filter(|o| o.created).count();
            Ok(if out.is_empty() {
                format!("{period}: no payer has an unexplained residual: no case opened")
            } else {
                format!("{period}: {new} case(s) opened, {} already open", out.len() - new)
            })
        }
        Write::FxRate(n) => {
            let x = st.set_fx_rate(&n, &by).await?;
            Ok(format!(
                "{} {} rate {} ({} {}) proposed: another manager approves it",
                x.pair(),
                x.period,
                x.rate.normalize(),
                x.source,
                x.date
            ))
        }
        Write::ApproveFx { pair, period } => {
            let x = st.approve_fx_rate(&pair, period, &by).await?;
            Ok(format!("{} {} rate {} approved: drafts of {period} convert with it", x.pair(), x.period, x.rate.normalize()))
        }
        Write::ChStatements { path } => {
            let (file, rows) = crate::ingest::ch_statements(std::path::Path::new(&path)).map_err(StoreError::Invalid)?;
            let out = st.import_ch_statements(&file, &rows, &by).await?;
            Ok(super::statements::imported_text(&file.file_name, &out))
        }
        Write::UpdateCase { id, update, version } => {
            let c = st.update_case(id, &update, Some(version), &by).await?;
            // The case carries no currency (its payer's tie-out does, not at hand here): 2 places.
            Ok(format!(
                "case {id} ({} {}) is {}; expected {}, received {}",
                c.payer,
                c.period,
                c.status,
                fmt_money(c.expected),
                fmt_money(c.received)
            ))
        }
    }
}

pub fn traits(w: &Write) -> WriteTraits {
    match w {
        Write::UpdateCase { .. } => WriteTraits::OPERATOR.versioned(),
        Write::SupplierInvoice(_) | Write::OpenCases { .. } | Write::ChStatements { .. } => WriteTraits::OPERATOR,
        // the form checks pair, rate and date; what the store may still refuse is about the source
        Write::FxRate(_) => WriteTraits::OPERATOR.field(super::fx::FxForm::SOURCE),
        Write::ApproveFx { .. } => WriteTraits::MANAGER,
    }
}

pub fn load(s: &mut State) -> Vec<Effect> {
    let Some(period) = s.period else { return Vec::new() };
    let req = s.req();
    s.panes.recon.data.start(req);
    vec![Effect::Pane { req, q: PaneQuery::Recon(Query::Period { period }) }]
}

pub fn landed(s: &mut State, req: u64, r: Reply) -> Vec<Effect> {
    match r {
        Reply::Period(data) => loaded(s, req, data),
    }
    Vec::new()
}

pub fn loaded(s: &mut State, req: u64, data: ReconData) {
    if !s.panes.recon.data.waits_for(req) {
        return;
    }
    s.set_model(ViewKey::Recon, table(&data));
    s.set_model(ViewKey::FxRates, super::fx::table(&data));
    s.set_model(ViewKey::ChStatements, super::statements::table(&data));
    super::supplier::loaded(s, &data);
    s.panes.recon.data = Load::Ready(data);
}
