//! Recon's FX-rates list: the period's rate snapshots (pair, rate, source, date, status, who entered and who
//! approved), `f` proposes a rate (a form: base, quote, rate, source, date), `a` approves the selected one (a
//! manager who did not enter it: maker-checker, checked here first and again by the store). A signed-off
//! period's rates are frozen: the list is read-only and says so (a corrected rate is a PPA). Beside the
//! supplier invoices because that is where the month's other currencies show up.
use billops_domain::Period;
use billops_domain::fx::{FxError, Pair, parse_rate};
use billops_store::{NewFxRate, StoredFxRate};
use chrono::NaiveDate;

use super::form::Kind;
use super::io::{ReconData, Write};
use crate::console::action::{Effect, FormKind, PaneWrite};
use crate::console::input::{Complete, Field, FieldError, Form};
use crate::console::panes::write;
use crate::console::state::{Mode, State, ViewKey};
use crate::console::table::{Cell, Column, Mark, Row, TableModel};
use crate::console::theme::Role;

/// A rate's row id: its pair and period (one rate per pair and period).
pub fn rate_id(r: &StoredFxRate) -> String {
    format!("{}/{}/{}", r.base, r.quote, r.period)
}

pub fn table(d: &ReconData) -> TableModel {
    let rows = d
        .fx_rates
        .iter()
        .map(|r| {
            let approved = r.status == "approved";
            let status = if approved {
                Cell::text("approved").mark(Mark::Check).role(Role::Approved)
            } else {
                Cell::text("proposed").mark(Mark::Open).role(Role::Pending)
            };
            Row {
                id: rate_id(r),
                cells: vec![
                    Cell::text(r.pair()),
                    Cell { num: Some(r.rate), ..Cell::text(r.rate.normalize().to_string()) },
                    Cell::text(&r.source),
                    Cell::text(r.date.to_string()),
                    status,
                    Cell::text(&r.entered_by),
                    Cell::text(r.approved_by.as_deref().unwrap_or("-")),
                ],
                role: None,
            }
        })
        .collect();
    TableModel {
        columns: vec![
            Column::text("pair", 7),
            Column::num("rate", 10),
            Column::text("source", 12),
            Column::text("date", 10),
            Column::text("status", 10),
            Column::text("entered by", 10),
            Column::text("approved by", 11),
        ],
        rows,
        total: None,
    }
}

/// Why the period's rates may not change: it is signed off (frozen with the invoices that used them).
fn frozen(s: &State) -> Option<String> {
    s.period_lock().map(|l| {
        format!(
            "{} is signed off (by {}): its FX rates are frozen; a corrected rate is a re-rating (billops ppa add)",
            l.period, l.locked_by
        )
    })
}

/// `f` on the FX list: the propose-a-rate form (pair preset from the selected rate, else EUR→USD).
pub fn propose(s: &mut State) -> Vec<Effect> {
    if let Some(why) = s.write_refusal().or_else(|| frozen(s)) {
        s.warn(why);
        return Vec::new();
    }
    let period = s.period_or_now();
    let sel = selected(s);
    let (base, quote) = sel.as_ref().map_or(("EUR".into(), "USD".into()), |r| (r.base.clone(), r.quote.clone()));
    s.mode = Mode::Form(Form::new(
        FormKind::Recon(Kind::FxRate { period }),
        format!("propose an FX rate for {period} (another manager approves it)"),
        vec![
            Field::new("from (cost)", &base, Complete::None).named(FxForm::BASE),
            Field::new("to (billing)", &quote, Complete::None).named(FxForm::QUOTE),
            Field::new("rate", "", Complete::None).named(FxForm::RATE),
            Field::new("source", "", Complete::None).named(FxForm::SOURCE),
            Field::new("date", &period.end().pred_opt().unwrap_or(period.start()).to_string(), Complete::None)
                .named(FxForm::DATE),
        ],
    ));
    Vec::new()
}

fn selected(s: &State) -> Option<StoredFxRate> {
    let id = s.selected_id(ViewKey::FxRates)?;
    s.panes.recon.data.ready().and_then(|d| d.fx_rates.iter().find(|r| rate_id(r) == id).cloned())
}

/// `a` on the FX list: approve the selected proposed rate (a manager, not the one who entered it).
pub fn approve(s: &mut State) -> Vec<Effect> {
    if let Some(why) = s.approve_refusal().or_else(|| frozen(s)) {
        s.warn(why);
        return Vec::new();
    }
    let Some(r) = selected(s) else {
        s.warn("no rate selected (f proposes one)");
        return Vec::new();
    };
    if r.status == "approved" {
        s.info(format!("{} {} is approved already (by {})", r.pair(), r.period, r.approved_by.unwrap_or_default()));
        return Vec::new();
    }
    if r.entered_by == s.user.name {
        s.warn(format!("you entered the {} rate for {}: another manager approves it (maker-checker)", r.pair(), r.period));
        return Vec::new();
    }
    let Ok(pair) = Pair::new(&r.base, &r.quote) else {
        s.warn(format!("{}: not a currency pair", r.pair()));
        return Vec::new();
    };
    write(s, PaneWrite::Recon(Write::ApproveFx { pair, period: r.period }))
}

/// The propose-a-rate form, read and checked field by field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FxForm {
    pub rate: NewFxRate,
}

impl FxForm {
    pub const BASE: &'static str = "from";
    pub const QUOTE: &'static str = "to";
    pub const RATE: &'static str = "rate";
    pub const SOURCE: &'static str = "source";
    pub const DATE: &'static str = "date";

    pub fn read(f: &Form, period: Period) -> Result<FxForm, FieldError> {
        let (base, quote) = (f.get(Self::BASE), f.get(Self::QUOTE));
        let pair = Pair::new(&base, &quote).map_err(|e| match &e {
            FxError::Currency(c) if *c == base.trim().to_ascii_uppercase() => FieldError::at(Self::BASE, e.to_string()),
            _ => FieldError::at(Self::QUOTE, e.to_string()),
        })?;
        let rate = parse_rate(&f.get(Self::RATE)).map_err(|e| FieldError::at(Self::RATE, e.to_string()))?;
        let source = f.get(Self::SOURCE);
        if source.is_empty() {
            return Err(FieldError::at(Self::SOURCE, "source: required (ECB, the contract, the supplier invoice …)"));
        }
        let date = NaiveDate::parse_from_str(&f.get(Self::DATE), "%Y-%m-%d")
            .map_err(|_| FieldError::at(Self::DATE, "date: YYYY-MM-DD (the rate's own date)"))?;
        Ok(FxForm { rate: NewFxRate { pair, period, rate, source, date } })
    }
}
