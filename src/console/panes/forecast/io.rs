//! The Forecast pane's reads and writes: the book's cost fitted once (the store reads and the fit both run in
//! the effect runner, never on the render path; a reload refits), its usage volumes read and fitted the first
//! time the volume view is shown (so opening the pane pays only the cost fit), a forecast event, a month's
//! budget.
use std::sync::Arc;

use billops_domain::CostBasis;
use billops_domain::forecast::events::ForecastEvent;
use billops_store::{NewBudget, StoreError};

use super::state::Measure;
use crate::console::action::{Effect, PaneQuery};
use crate::console::effects::Runner;
use crate::console::refusal::{EffectError, WriteTraits};
use crate::console::state::{Load, State, ViewKey};
use crate::plan::volume::VolumeBook;
use crate::plan::{Outlook, Planned};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Query {
    /// Read the book (cost, events, budgets, account codes) and fit its cost once.
    Fit,
    /// Read the usage volumes up to the kept fit's last actual month and fit them under its frame and events.
    Volumes(Kept),
}

/// The fit a volume query belongs to (equal when it is the same fit).
#[derive(Debug, Clone)]
pub struct Kept(pub Arc<Planned>);

impl PartialEq for Kept {
    fn eq(&self, o: &Kept) -> bool {
        Arc::ptr_eq(&self.0, &o.0)
    }
}
impl Eq for Kept {}

#[derive(Debug, Clone)]
pub enum Reply {
    Fitted(Option<Arc<Planned>>),
    Volumes(Arc<VolumeBook>),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Write {
    /// A forecast event for one customer (`None`: every customer).
    Event { customer: Option<String>, event: ForecastEvent },
    Budget(NewBudget),
}

pub async fn run(r: &Runner, q: Query) -> Result<Reply, EffectError> {
    match q {
        Query::Fit => {
            let today = r.clock.now().date_naive();
            let st = r.store.as_ref();
            let e = |e: StoreError| EffectError::of_read(&e);
            let Some(inputs) = crate::plan::inputs(st, today, None, CostBasis::Billed).await.map_err(e)? else {
                return Ok(Reply::Fitted(None));
            };
            let planned = tokio::task::spawn_blocking(move || Planned::of(inputs))
                .await
                .map_err(|err| EffectError::failed(err.to_string()))?;
            Ok(Reply::Fitted(Some(Arc::new(planned))))
        }
        Query::Volumes(Kept(planned)) => {
            let st = r.store.as_ref();
            let volumes = crate::plan::volumes(st, planned.frame.last_actual).await.map_err(|e| EffectError::of_read(&e))?;
            let book = tokio::task::spawn_blocking(move || planned.fit_volumes(&volumes))
                .await
                .map_err(|err| EffectError::failed(err.to_string()))?;
            Ok(Reply::Volumes(Arc::new(book)))
        }
    }
}

pub async fn write(r: &Runner, w: Write) -> Result<String, StoreError> {
    let by = r.actor();
    match w {
        Write::Event { customer, event } => {
            let e = r.store.add_forecast_event(customer.as_deref(), &event, &by).await?;
            Ok(format!("forecast event {} recorded: {}", e.id, e.event.label()))
        }
        Write::Budget(b) => {
            r.store.set_budgets(std::slice::from_ref(&b), &by).await?;
            Ok(format!("budget {} {} {}: {}", b.customer, b.scope.label(), b.period, b.amount))
        }
    }
}

pub fn traits(w: &Write) -> WriteTraits {
    match w {
        Write::Event { .. } => WriteTraits::OPERATOR,
        Write::Budget(_) => WriteTraits { field: Some("amount"), ..WriteTraits::OPERATOR },
    }
}

pub fn load(s: &mut State) -> Vec<Effect> {
    let req = s.req();
    s.panes.forecast.data.start(req);
    vec![Effect::Pane { req, q: PaneQuery::Forecast(Query::Fit) }]
}

/// The volumes of the kept fit, when the volume view is shown and they are not loaded (else nothing).
pub fn load_volumes(s: &mut State) -> Vec<Effect> {
    let f = &s.panes.forecast;
    // The fit as loaded now, not one kept while a newer is on its way (its volumes would be read for nothing).
    let Load::Ready(Some(planned)) = &f.data else { return Vec::new() };
    if f.measure != Measure::Volume || !f.volumes.is_idle() {
        return Vec::new();
    }
    let q = Query::Volumes(Kept(planned.clone()));
    let req = s.req();
    s.panes.forecast.volumes.start(req);
    vec![Effect::Pane { req, q: PaneQuery::Forecast(q) }]
}

/// A reply arrived (stale ones are dropped): keep the fit, show the scope from it. A new fit forgets the
/// volumes of the one before (a volume reply still on its way for that one is dropped).
pub fn landed(s: &mut State, req: u64, r: Reply) -> Vec<Effect> {
    match r {
        Reply::Fitted(p) => {
            if s.panes.forecast.data.waits_for(req) {
                s.panes.forecast.data = Load::Ready(p);
                s.panes.forecast.volumes = Load::Idle;
                let fx = load_volumes(s);
                show(s);
                return fx;
            }
        }
        Reply::Volumes(v) => {
            if s.panes.forecast.volumes.waits_for(req) {
                s.panes.forecast.volumes = Load::Ready(v);
                show(s);
            }
        }
    }
    Vec::new()
}

/// Compute the scope's views from the kept fit (no store, no refit) and put the measure's tables in place.
pub fn show(s: &mut State) {
    let f = &mut s.panes.forecast;
    let (o, v) = match (f.data.ready(), f.volumes.ready()) {
        (Some(Some(p)), book) => (p.outlook(&f.scope), book.map(|b| p.volumes(b, &f.scope))),
        _ => (Outlook::empty(&f.scope, billops_domain::Period::of_date(s.now.date_naive())), None),
    };
    let (rows, months) = match (f.measure, &v) {
        (Measure::Volume, Some(v)) => (super::tables::volume_rows(v), super::tables::volume_months(v)),
        (Measure::Volume, None) => (super::tables::volume_rows_empty(), super::tables::volume_months_empty()),
        (Measure::Cost, _) => (super::view::children(&o), super::view::months(&o)),
    };
    f.shown = Some(o);
    f.volume = v;
    s.set_model(ViewKey::Forecast, rows);
    s.set_model(ViewKey::ForecastMonths, months);
}
