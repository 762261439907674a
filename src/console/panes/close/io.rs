//! The Close pane's reads (the board, the variance list) and writes (sign off, re-open, explain a variance).
use billops_domain::Period;
use billops_domain::variance::Driver;
use billops_store::{NewExplanation, StoreError};
use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::view::*;
use crate::console::action::{Effect, PaneQuery};
use crate::console::effects::Runner;
use crate::console::refusal::{EffectError, WriteTraits};
use crate::console::state::{Load, State, ViewKey};
use crate::month::{self, close::CloseView, variance::VarianceView};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Query {
    /// The month-end board of the period as of `today`.
    Board { period: Period, today: NaiveDate },
    /// The period's variances (board item 5).
    Variances { period: Period },
    /// Write the period's management report (HTML and CSV) to the exports folder (`report.rs`).
    Report { period: Period },
}

#[derive(Debug, Clone)]
pub enum Reply {
    Board(Box<CloseView>),
    Variances(Box<VarianceView>),
    ReportWritten { period: Period, html: std::path::PathBuf, csv: std::path::PathBuf },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Write {
    SignOff { period: Period, today: NaiveDate, note: String },
    Reopen { period: Period, reason: String },
    /// Explain a variance for the Δ the operator saw (a moved Δ is refused by the store).
    Explain { period: Period, customer: String, service: String, driver: Driver, text: String, delta: Decimal },
    /// A shared month-end setting (manager; checked with the settings in force, audited).
    Setting { key: String, value: String },
}

pub async fn run(r: &Runner, q: Query) -> Result<Reply, EffectError> {
    let st = r.store.as_ref();
    let e = |err: StoreError| EffectError::of_read(&err);
    match q {
        Query::Board { period, today } => {
            let settings = r.settings().await.map_err(e)?;
            let v = month::close::board(st, period, today, &settings).await.map_err(e)?;
            Ok(Reply::Board(Box::new(v)))
        }
        Query::Variances { period } => {
            let settings = r.settings().await.map_err(e)?;
            let v = month::variance::report(st, period, &settings).await.map_err(e)?;
            Ok(Reply::Variances(Box::new(v)))
        }
        Query::Report { period } => super::report::run(r, period).await,
    }
}

pub async fn write(r: &Runner, w: Write) -> Result<String, StoreError> {
    let (st, by) = (r.store.as_ref(), r.actor());
    match w {
        Write::SignOff { period, today, note } => {
            month::close::sign_off(st, period, today, &note, &by, &r.settings().await?).await?;
            Ok(format!("{period} signed off by {}: the period is LOCKED", by.name))
        }
        Write::Reopen { period, reason } => {
            month::close::reopen(st, period, &reason, &by).await?;
            Ok(format!("{period} re-opened by {}: {reason}", by.name))
        }
        Write::Setting { key, value } => {
            month::settings::set(st, &key, &value, &by).await?;
            Ok(format!("setting {key} = {value} (for everyone; audited)"))
        }
        Write::Explain { period, customer, service, driver, text, delta } => {
            let e = NewExplanation {
                period,
                customer: customer.clone(),
                service: service.clone(),
                driver,
                text,
                expected_delta: Some(delta),
            };
            month::variance::explain(st, &e, &by).await?;
            Ok(format!("{customer} / {service} {period} explained: {}", driver.label()))
        }
    }
}

pub fn traits(w: &Write) -> WriteTraits {
    match w {
        Write::SignOff { .. } | Write::Reopen { .. } => WriteTraits::MANAGER,
        Write::Setting { .. } => WriteTraits::MANAGER.field(super::settings::SettingForm::VALUE),
        Write::Explain { .. } => WriteTraits::OPERATOR,
    }
}

/// The board of the shown period.
pub fn load(s: &mut State) -> Vec<Effect> {
    let Some(period) = s.period else { return Vec::new() };
    let req = s.req();
    s.panes.close.data.start(req);
    vec![Effect::Pane { req, q: PaneQuery::Close(Query::Board { period, today: s.today() }) }]
}

pub fn landed(s: &mut State, req: u64, r: Reply) -> Vec<Effect> {
    match r {
        Reply::Board(v) => loaded(s, req, *v),
        Reply::Variances(v) => super::variance::loaded(s, req, *v),
        Reply::ReportWritten { period, html, csv } => super::report::landed(s, req, period, html, csv),
    }
    Vec::new()
}

pub fn loaded(s: &mut State, req: u64, data: CloseView) {
    if !s.panes.close.data.waits_for(req) {
        return;
    }
    s.set_model(ViewKey::Close, table(&data));
    s.panes.close.data = Load::Ready(data);
}
