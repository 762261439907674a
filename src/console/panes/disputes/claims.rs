//! The SLA-claims view of the Disputes pane: assess a claim (`n`), submit it to the supplier (`u`), record the
//! supplier's decision (`a` / `r`, a manager), mark it credited with the amount that arrived (`c`) and pass the
//! credit through to the affected customers as proposed SLA service credits (`P`, approved in the Credits pane
//! under maker-checker). Each key opens a typed form; the store checks every step again.
use crate::console::table::{fmt_money_cur, fmt_money_in};
use billops_domain::money::{Money, parse_decimal, parse_typed_amount};
use billops_domain::sla::{ClaimInput, ClaimStatus};
use billops_store::StoreError;
use billops_store::disputes::{ClaimChange, ClaimRecord};
use chrono::{DateTime, NaiveDateTime, Utc};
use rust_decimal::Decimal;

use super::form::DisputeForm;
use super::io::Write;
use crate::console::action::Effect;
use crate::console::effects::Runner;
use crate::console::input::{Complete, Field, FieldError, Form, FormKind};
use crate::console::state::{Mode, State, ViewKey};

/// A step on an SLA claim.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClaimStep {
    Submit,
    Approve,
    Deny,
    Credited,
    PassThrough,
}

impl ClaimStep {
    fn verb(self) -> &'static str {
        match self {
            ClaimStep::Submit => "submit",
            ClaimStep::Approve => "approve",
            ClaimStep::Deny => "deny",
            ClaimStep::Credited => "mark credited",
            ClaimStep::PassThrough => "pass through",
        }
    }
    /// The status the step starts from.
    fn from(self) -> ClaimStatus {
        match self {
            ClaimStep::Submit => ClaimStatus::Draft,
            ClaimStep::Approve | ClaimStep::Deny => ClaimStatus::Submitted,
            ClaimStep::Credited => ClaimStatus::Approved,
            ClaimStep::PassThrough => ClaimStatus::Credited,
        }
    }
    /// Recording the supplier's decision is a manager's; the other steps an operator's.
    pub fn needs_manager(self) -> bool {
        matches!(self, ClaimStep::Approve | ClaimStep::Deny)
    }
}

/// A claim to assess, as typed in the form (instants in UTC).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewClaim {
    pub service: String,
    pub region: String,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    pub uptime: Decimal,
    /// `None`: the service's usage charges in the region for the incident's cycle, from imported usage.
    pub charges: Option<Decimal>,
    pub currency: String,
}

fn selected(s: &State) -> Option<ClaimRecord> {
    let id: i64 = s.selected_id(ViewKey::SlaClaims)?.parse().ok()?;
    s.panes.disputes.claims.ready()?.iter().find(|c| c.id == id).cloned()
}

/// `n`: the form to assess a new claim.
pub fn add(s: &mut State) -> Vec<Effect> {
    if let Some(why) = s.write_refusal() {
        s.warn(why);
        return Vec::new();
    }
    let fields = vec![
        Field::new("service", "", Complete::None),
        Field::new("region", "", Complete::None),
        Field::new("incident start (UTC, YYYY-MM-DDTHH:MM)", "", Complete::None).named("start"),
        Field::new("incident end", "", Complete::None).named("end"),
        Field::new("measured uptime %", "", Complete::None).named("uptime"),
        Field::new("charges (empty: imported usage)", "", Complete::None).named("charges"),
        Field::new("currency", "USD", Complete::None),
    ];
    let title = "assess an SLA claim against the supplier";
    s.mode = Mode::Form(Form::new(FormKind::Disputes(DisputeForm::NewClaim), title, fields));
    Vec::new()
}

/// A step key on the selected claim: refused early when its role or the claim's state forbids it, else its form.
pub fn step(s: &mut State, step: ClaimStep) -> Vec<Effect> {
    let refusal = if step.needs_manager() { s.approve_refusal() } else { s.write_refusal() };
    if let Some(why) = refusal {
        s.warn(why);
        return Vec::new();
    }
    let Some(c) = selected(s) else {
        s.warn("no SLA claim selected (n assesses one)");
        return Vec::new();
    };
    let (id, st) = (c.id, c.claim.status);
    if st != step.from() {
        s.warn(format!("SLA claim {id} is {}: {} needs a {} claim", snake(st), step.verb(), snake(step.from())));
        return Vec::new();
    }
    if step == ClaimStep::Submit && !c.claim.eligible {
        let amount = fmt_money_cur(&c.claim.amount);
        s.warn(format!("SLA claim {id} is not eligible (SLA met or {amount} at or under the minimum)"));
        return Vec::new();
    }
    let what = format!("{} {} {}", c.claim.service, c.claim.region, c.claim.cycle);
    let mut fields = Vec::new();
    let title = match step {
        ClaimStep::Credited => {
            let amount = billops_domain::money::canonical(c.claim.amount.amount);
            fields.push(Field::new("credited amount", &amount, Complete::None).named("amount"));
            format!("mark SLA claim {id} credited ({what}, claimed {})", fmt_money_cur(&c.claim.amount))
        }
        ClaimStep::PassThrough => {
            let credited = c.credited.unwrap_or(c.claim.amount.amount);
            let cur = &c.claim.amount.currency;
            format!("pass SLA claim {id} through: {} {cur} to the affected customers", fmt_money_in(credited, cur))
        }
        _ => format!("{} SLA claim {id}: {what}, {}", step.verb(), fmt_money_cur(&c.claim.amount)),
    };
    fields.push(Field::new("reason", "", Complete::None));
    let kind = DisputeForm::Claim { id, version: c.version, step, currency: c.claim.amount.currency.clone() };
    s.mode = Mode::Form(Form::new(FormKind::Disputes(kind), title, fields));
    Vec::new()
}

fn snake(st: ClaimStatus) -> String {
    match serde_json::to_value(st) {
        Ok(serde_json::Value::String(s)) => s,
        _ => String::new(),
    }
}

fn instant(s: &str, field: &'static str) -> Result<DateTime<Utc>, FieldError> {
    NaiveDateTime::parse_from_str(s.trim(), "%Y-%m-%dT%H:%M")
        .map(|t| t.and_utc())
        .map_err(|_| FieldError::at(field, format!("{s:?} is not YYYY-MM-DDTHH:MM (UTC)")))
}

/// The new-claim form, each field checked by name.
pub fn read_new(form: &Form) -> Result<Write, FieldError> {
    let v = |name: &str| form.get(name);
    let service = v("service");
    if service.is_empty() {
        return Err(FieldError::at("service", "the supplier's service code (e.g. AmazonEC2)"));
    }
    let region = v("region");
    if region.is_empty() {
        return Err(FieldError::at("region", "the region of the incident (e.g. us-east-1)"));
    }
    let start = instant(&v("start"), "start")?;
    let end = instant(&v("end"), "end")?;
    if end <= start {
        return Err(FieldError::at("end", "the incident ends after it starts"));
    }
    let uptime = parse_decimal(v("uptime").trim_end_matches('%'))
        .ok()
        .filter(|u| *u >= Decimal::ZERO && *u <= Decimal::ONE_HUNDRED)
        .ok_or_else(|| FieldError::at("uptime", "a percentage from 0 to 100"))?;
    let currency = v("currency").to_ascii_uppercase();
    if currency.len() != 3 || !currency.chars().all(|c| c.is_ascii_alphabetic()) {
        return Err(FieldError::at("currency", "a three-letter currency code"));
    }
    let charges = match v("charges") {
        c if c.is_empty() => None,
        c => Some(
            parse_typed_amount(&c.replace(',', ""), &currency)
                .ok()
                .filter(|a| *a >= Decimal::ZERO)
                .ok_or_else(|| FieldError::at("charges", format!("an amount in {currency}, or empty")))?,
        ),
    };
    Ok(Write::AddClaim(NewClaim { service, region, start, end, uptime, charges, currency }))
}

/// A step's form: the credited amount (positive) and the reason.
pub fn read_step(id: i64, version: i64, step: ClaimStep, currency: &str, form: &Form) -> Result<Write, FieldError> {
    let why = form.get("reason");
    if why.is_empty() && step == ClaimStep::Deny {
        return Err(FieldError::at("reason", "a denial says why (the supplier's answer)"));
    }
    let amount = match step {
        ClaimStep::Credited => Some(
            parse_typed_amount(&form.get("amount").replace(',', ""), currency)
                .ok()
                .filter(|a| *a > Decimal::ZERO)
                .ok_or_else(|| FieldError::at("amount", format!("the positive amount credited, in {currency}")))?,
        ),
        _ => None,
    };
    Ok(Write::Claim { id, version, step, amount, why })
}

/// Assess and record a claim (its base from imported usage unless entered).
pub async fn add_claim(r: &Runner, n: NewClaim) -> Result<String, StoreError> {
    let st = r.store.as_ref();
    let base = match n.charges {
        Some(c) => c,
        None => {
            let cycle = billops_domain::Period::of_date(n.start.date_naive());
            crate::month::sla_claims::base(&crate::month::sla_claims::affected(st, cycle, &n.service, &n.region).await?)
        }
    };
    let input = ClaimInput {
        service: n.service,
        region: n.region,
        incident_start: n.start,
        incident_end: n.end,
        uptime: n.uptime,
        affected_charges: Money::new(base, n.currency),
    };
    let c = st.add_sla_claim(&input, &r.actor()).await?;
    let tier = c.claim.tier.map(|t| t.credit.to_string()).unwrap_or_else(|| "none (SLA met)".into());
    Ok(format!(
        "SLA claim {}: uptime {}% → tier {tier} of {} = {}{}, deadline {}",
        c.id,
        c.claim.uptime,
        fmt_money_in(base, &c.claim.amount.currency),
        fmt_money_cur(&c.claim.amount),
        if c.claim.eligible { "" } else { " (not eligible)" },
        c.claim.deadline
    ))
}

/// One step on a stored claim (the pass-through reads the customers' shares from imported usage).
pub async fn step_claim(
    r: &Runner,
    id: i64,
    version: i64,
    step: ClaimStep,
    amount: Option<Decimal>,
    why: &str,
) -> Result<String, StoreError> {
    let st = r.store.as_ref();
    let change = match step {
        ClaimStep::Submit => ClaimChange::Submit,
        ClaimStep::Approve => ClaimChange::Approve,
        ClaimStep::Deny => ClaimChange::Reject,
        ClaimStep::Credited => {
            ClaimChange::Credit { amount: amount.ok_or_else(|| StoreError::Invalid("amount: required".into()))? }
        }
        ClaimStep::PassThrough => {
            let c = st.sla_claim(id).await?;
            let shares = crate::month::sla_claims::affected(st, c.claim.cycle, &c.claim.service, &c.claim.region).await?;
            ClaimChange::PassThrough { shares }
        }
    };
    let c = st.update_sla_claim(id, &change, why, Some(version), &r.actor()).await?;
    if step == ClaimStep::PassThrough {
        let n = c.credits.len();
        return Ok(format!("SLA claim {id} passed through: {n} credit(s) proposed ({})", c.credits.join(", ")));
    }
    Ok(format!("SLA claim {id} {}", snake(c.claim.status)))
}
