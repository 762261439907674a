//! The Forecast pane's reads and writes: the outlook of a scope (the store read and the forecast both run
//! in the effect runner, never on the render path), a forecast event, a month's budget.
use billops_domain::CostBasis;
use billops_domain::forecast::events::ForecastEvent;
use billops_store::{NewBudget, StoreError};

use crate::console::action::{Effect, PaneQuery};
use crate::console::effects::Runner;
use crate::console::refusal::{EffectError, WriteTraits};
use crate::console::state::{Load, State, ViewKey};
use crate::plan::{Outlook, Scope};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Query {
    Outlook(Scope),
}

#[derive(Debug, Clone)]
pub enum Reply {
    Outlook(Scope, Option<Outlook>),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Write {
    /// A forecast event for one customer (`None`: every customer).
    Event { customer: Option<String>, event: ForecastEvent },
    Budget(NewBudget),
}

pub async fn run(r: &Runner, q: Query) -> Result<Reply, EffectError> {
    match q {
        Query::Outlook(scope) => {
            let today = r.clock.now().date_naive();
            let inputs = crate::plan::inputs(r.store.as_ref(), today, None, CostBasis::Billed)
                .await
                .map_err(|e| EffectError::of_read(&e))?;
            Ok(Reply::Outlook(scope.clone(), inputs.map(|i| i.outlook(&scope))))
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
    s.panes.forecast.data = Load::Loading(req);
    vec![Effect::Pane { req, q: PaneQuery::Forecast(Query::Outlook(s.panes.forecast.scope.clone())) }]
}

/// A reply arrived (stale ones, or one for a scope left since, are dropped).
pub fn landed(s: &mut State, req: u64, r: Reply) -> Vec<Effect> {
    match r {
        Reply::Outlook(scope, o) => {
            if s.panes.forecast.data.waits_for(req) && scope == s.panes.forecast.scope {
                let empty;
                let shown = match &o {
                    Some(o) => o,
                    None => {
                        empty = Outlook::empty(&scope, billops_domain::Period::of_date(s.today()));
                        &empty
                    }
                };
                s.set_model(ViewKey::Forecast, super::view::children(shown));
                s.set_model(ViewKey::ForecastMonths, super::view::months(shown));
                s.panes.forecast.data = Load::Ready(o);
            }
        }
    }
    Vec::new()
}
