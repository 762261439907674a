//! A customer's billing terms (`T` on Customers): the terms in force today are looked up, then shown in a form
//! — tax %, invoice discount % and its label, rounding rule, payment days — with the day new terms would start.
//! Esc leaves them as they are; Enter records changed terms from that day (the store refuses a locked period).
use billops_domain::money::{RoundingRule, canonical};
use billops_store::CustomerTerms;

use chrono::NaiveDate;

use super::form::Kind;
use super::io::Query;
use super::keys::customer_in_view;
use crate::console::action::{Effect, FormKind, PaneQuery};
use crate::console::input::{Complete, Field, FieldError, Form, parse_amount, parse_date};
use crate::console::panes::query;
use crate::console::state::{Mode, State};
use crate::month::terms::{TermsPatch, TermsView, parse_rounding};

pub fn rounding_name(r: RoundingRule) -> &'static str {
    match r {
        RoundingRule::HalfAwayFromZero => "half_away_from_zero",
        RoundingRule::HalfEven => "half_even",
        RoundingRule::Down => "down",
    }
}

/// `tax 10%, discount 5% "loyalty", rounding half_away_from_zero, due in 30 days`.
pub fn summary(t: &CustomerTerms) -> String {
    let discount = match &t.discount {
        Some(d) if d.label.is_empty() => format!("{}", d.pct),
        Some(d) => format!("{} \"{}\"", d.pct, d.label),
        None => "none".into(),
    };
    format!(
        "tax {}, discount {discount}, rounding {}, due in {} days",
        t.tax_rate,
        rounding_name(t.rounding),
        t.due_days
    )
}

/// `T`: look the terms up (the reply opens the form).
pub fn open(s: &mut State) -> Vec<Effect> {
    let Some(customer) = customer_in_view(s) else {
        s.warn("select a customer first");
        return Vec::new();
    };
    let (req, fx) = query(s, PaneQuery::Customers(Query::Terms { customer: customer.clone(), today: s.today() }));
    s.panes.customers.terms = Some(req);
    s.info(format!("looking up the terms of {customer} …"));
    vec![fx]
}

fn values(t: &CustomerTerms) -> Vec<String> {
    let (pct, label) = match &t.discount {
        Some(d) => (canonical(d.pct.value()), d.label.clone()),
        None => ("0".into(), String::new()),
    };
    vec![canonical(t.tax_rate.value()), pct, label, rounding_name(t.rounding).into(), t.due_days.to_string()]
}

pub fn loaded(s: &mut State, req: u64, v: TermsView) {
    if s.panes.customers.terms != Some(req) {
        return;
    }
    s.panes.customers.terms = None;
    s.message = None;
    let since = match v.history.iter().rev().find(|t| t.from <= v.on) {
        Some(t) => format!("since {} by {}", t.from, t.set_by),
        None => "defaults: none set".into(),
    };
    let current = values(&v.current);
    let from = s.period_or_now().start().to_string();
    let mut fields: Vec<Field> =
        TermsForm::EDITED.iter().zip(&current).map(|(l, val)| Field::new(l, val, Complete::None)).collect();
    fields.push(Field::new(TermsForm::FROM, &from, Complete::None));
    let ro = if s.write_refusal().is_some() { " (read-only)" } else { "" };
    s.mode = Mode::Form(Form::new(
        FormKind::Customers(Kind::Terms { customer: v.customer.clone(), current }),
        format!("terms of {} ({since}, {} change(s)){ro}", v.customer, v.history.len()),
        fields,
    ));
}

/// The terms form, read by field name and checked field by field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TermsForm {
    pub patch: TermsPatch,
    pub from: NaiveDate,
}

impl TermsForm {
    pub const TAX: &'static str = "tax %";
    pub const DISCOUNT: &'static str = "discount %";
    pub const LABEL: &'static str = "discount label";
    pub const ROUNDING: &'static str = "rounding";
    pub const DUE_DAYS: &'static str = "payment days";
    pub const FROM: &'static str = "in force from";
    /// The fields that say what the terms are (`in force from` says when).
    pub const EDITED: [&'static str; 5] = [Self::TAX, Self::DISCOUNT, Self::LABEL, Self::ROUNDING, Self::DUE_DAYS];

    /// The texts of the edited fields (compared with the terms as loaded).
    pub fn texts(f: &Form) -> Vec<String> {
        Self::EDITED.iter().map(|n| f.get(n)).collect()
    }

    pub fn read(f: &Form) -> Result<TermsForm, FieldError> {
        let due_text = f.get(Self::DUE_DAYS);
        let due: i64 = due_text.parse().map_err(|_| {
            FieldError::at(Self::DUE_DAYS, format!("payment days: {due_text:?} is not a whole number"))
        })?;
        if due < 0 {
            return Err(FieldError::at(Self::DUE_DAYS, "payment days: cannot be negative"));
        }
        let pct = |name: &'static str| parse_amount(&f.get(name), name).map_err(|e| FieldError::at(name, e));
        let patch = TermsPatch {
            tax: Some(pct(Self::TAX)?),
            discount: Some(pct(Self::DISCOUNT)?),
            discount_label: Some(f.get(Self::LABEL)),
            rounding: Some(
                parse_rounding(&f.get(Self::ROUNDING))
                    .map_err(|e| FieldError::at(Self::ROUNDING, format!("rounding: {e}")))?,
            ),
            due_days: Some(due),
        };
        let from = parse_date(&f.get(Self::FROM), Self::FROM).map_err(|e| FieldError::at(Self::FROM, e))?;
        Ok(TermsForm { patch, from })
    }
}
