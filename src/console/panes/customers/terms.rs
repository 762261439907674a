//! A customer's billing terms (`T` on Customers): the terms in force today are looked up, then shown in a form
//! — tax %, invoice discount % and its label, rounding rule, payment days — with the day new terms would start.
//! Esc leaves them as they are; Enter records changed terms from that day (the store refuses a locked period).
use billops_domain::money::{RoundingRule, canonical};
use billops_store::CustomerTerms;

use crate::console::panes::ledger::{amount, customer_in_view, date, query, write};
use crate::console::action::Effect;
use crate::console::input::{Complete, Field, Form, FormKind, LedgerForm};
use crate::console::ops::{LedgerQuery, LedgerWrite};
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
    let (req, fx) = query(s, LedgerQuery::Terms { customer: customer.clone(), today: s.today() });
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
    let labels = ["tax %", "discount %", "discount label", "rounding", "payment days"];
    let mut fields: Vec<Field> =
        labels.iter().zip(&current).map(|(l, val)| Field::new(l, val, Complete::None)).collect();
    fields.push(Field::new("in force from", &from, Complete::None));
    let ro = if s.write_refusal().is_some() { " (read-only)" } else { "" };
    s.mode = Mode::Form(Form::new(
        FormKind::Ledger(LedgerForm::Terms { customer: v.customer.clone(), current }),
        format!("terms of {} ({since}, {} change(s)){ro}", v.customer, v.history.len()),
        fields,
    ));
}

pub fn submit(s: &mut State, customer: &str, current: &[String], values: &[String]) -> Result<Vec<Effect>, String> {
    let get = |i: usize| values.get(i).cloned().unwrap_or_default();
    if values.get(..5) == Some(current) {
        s.info(format!("terms of {customer} unchanged"));
        return Ok(Vec::new());
    }
    let due: i64 = get(4).parse().map_err(|_| format!("payment days: {:?} is not a whole number", get(4)))?;
    if due < 0 {
        return Err("payment days: cannot be negative".into());
    }
    let patch = TermsPatch {
        tax: Some(amount(&get(0), "tax %")?),
        discount: Some(amount(&get(1), "discount %")?),
        discount_label: Some(get(2)),
        rounding: Some(parse_rounding(&get(3)).map_err(|e| format!("rounding: {e}"))?),
        due_days: Some(due),
    };
    let from = date(&get(5), "in force from")?;
    Ok(write(s, LedgerWrite::Terms { customer: customer.to_string(), patch, from }))
}
