//! Payments and statements. `P` (Customers or Invoices) records a payment received: customer, date, amount,
//! reference and, optionally, the invoice it settles (preset from a selected issued invoice). `t` (Customers)
//! asks for a date range and shows the customer's statement — opening balance, invoices, payments, closing
//! balance — as a screen of the Customers pane; `x` there writes it as CSV and JSON and shows both paths.
use billops_domain::invoice::InvoiceStatus;
use billops_store::{NewPayment, Statement};
use chrono::NaiveDate;

use super::form::Kind;
use super::io::{Query, Write};
use super::keys::customer_in_view;
use super::state::{CustomerScreen, StatementView};
use crate::console::action::{Effect, FormKind, PaneQuery};
use crate::console::input::{Complete, Field, FieldError, Form, parse_amount, parse_date, parse_money};
use crate::console::panes::query;
use crate::console::pane::PaneId;
use crate::console::state::{Load, Mode, State, ViewKey};
use crate::console::table::{Cell, Column, Row, TableModel, fmt_money_in};
use crate::console::theme::Role;
use crate::month::statement::{self, RowKind};

/// `P`: the payment form, preset from what the pane shows.
pub fn payment(s: &mut State) -> Vec<Effect> {
    if let Some(why) = s.write_refusal() {
        s.warn(why);
        return Vec::new();
    }
    let (customer, invoice, open) = match s.pane {
        PaneId::Invoices => {
            let id =
                s.panes.invoices.detail.as_ref().map(|d| d.id.to_string()).or_else(|| s.selected_id(ViewKey::Invoices));
            let inv = id.and_then(|id| s.panes.invoices.data.ready()?.iter().find(|i| i.id.to_string() == id).cloned());
            match inv {
                Some(i) if i.status.is_issued() && i.status != InvoiceStatus::Void => {
                    // What is open after payments and, when the open invoice's notes are loaded, its credit notes.
                    let credited = crate::console::panes::credit_notes::credited(s, i.id).unwrap_or_default();
                    let open = i.total.checked_sub(i.paid).and_then(|o| o.checked_sub(credited)).unwrap_or_default();
                    let open = open.max(rust_decimal::Decimal::ZERO);
                    (i.customer, i.number.unwrap_or_default(), crate::console::table::fmt_money_in(open, &i.currency))
                }
                Some(i) => (i.customer, String::new(), String::new()),
                None => (String::new(), String::new(), String::new()),
            }
        }
        _ => (customer_in_view(s).unwrap_or_default(), String::new(), String::new()),
    };
    let title = if invoice.is_empty() {
        "record a payment received".to_string()
    } else {
        format!("record a payment of {invoice} ({customer}, {open} open)")
    };
    s.mode = Mode::Form(Form::new(
        FormKind::Customers(Kind::Payment),
        title,
        vec![
            Field::new("customer", &customer, Complete::Customers).named(PaymentForm::CUSTOMER),
            Field::new("received on", &s.today().to_string(), Complete::None).named(PaymentForm::RECEIVED_ON),
            Field::new("amount", &open, Complete::None).named(PaymentForm::AMOUNT),
            Field::new("reference", "", Complete::None).named(PaymentForm::REFERENCE),
            Field::new("invoice (optional)", &invoice, Complete::None).named(PaymentForm::INVOICE),
        ],
    ));
    Vec::new()
}

/// The currency of a customer the console has loaded.
pub fn customer_currency(s: &State, code: &str) -> Option<String> {
    let of = |cs: &[billops_store::Customer]| cs.iter().find(|c| c.code == code).map(|c| c.currency.clone());
    s.panes.customers.data.ready().and_then(|d| of(&d.customers)).or_else(|| s.panes.accounts.data.ready().and_then(|d| of(&d.customers)))
}

fn known_customer(s: &State, c: &str) -> Result<String, String> {
    if c.is_empty() {
        return Err("customer: required".into());
    }
    let codes = crate::console::panes::accounts::customer_codes(s);
    match codes.iter().find(|k| k.eq_ignore_ascii_case(c)) {
        Some(k) => Ok(k.clone()),
        None if codes.is_empty() => Ok(c.to_string()),
        None => Err(format!("customer: no customer {c:?} (Tab completes)")),
    }
}

/// The payment form, read by field name and checked field by field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentForm {
    pub customer: String,
    pub received_on: NaiveDate,
    pub amount: rust_decimal::Decimal,
    pub reference: Option<String>,
    pub invoice: Option<String>,
}

impl PaymentForm {
    pub const CUSTOMER: &'static str = "customer";
    pub const RECEIVED_ON: &'static str = "received on";
    pub const AMOUNT: &'static str = "amount";
    pub const REFERENCE: &'static str = "reference";
    pub const INVOICE: &'static str = "invoice";

    pub fn read(s: &State, f: &Form) -> Result<PaymentForm, FieldError> {
        let customer = known_customer(s, &f.get(Self::CUSTOMER)).map_err(|e| FieldError::at(Self::CUSTOMER, e))?;
        let received_on =
            parse_date(&f.get(Self::RECEIVED_ON), "received on").map_err(|e| FieldError::at(Self::RECEIVED_ON, e))?;
        // Never finer than the customer's currency (the store checks it too, for a customer not loaded here).
        let amount = match customer_currency(s, &customer) {
            Some(cur) => parse_money(&f.get(Self::AMOUNT), &cur, "amount"),
            None => parse_amount(&f.get(Self::AMOUNT), "amount"),
        }
        .map_err(|e| FieldError::at(Self::AMOUNT, e))?;
        if amount <= rust_decimal::Decimal::ZERO {
            return Err(FieldError::at(Self::AMOUNT, format!("amount: a payment must be positive, not {amount}")));
        }
        let opt = |v: String| (!v.is_empty()).then_some(v);
        Ok(PaymentForm {
            customer,
            received_on,
            amount,
            reference: opt(f.get(Self::REFERENCE)),
            invoice: opt(f.get(Self::INVOICE)),
        })
    }

    pub fn write(self) -> Write {
        Write::Payment(NewPayment {
            customer: self.customer,
            amount: self.amount,
            received_on: self.received_on,
            invoice: self.invoice,
            reference: self.reference,
        })
    }
}

/// The default range: the shown period's first day to today (or to its last day when today is before it).
fn default_range(s: &State) -> (NaiveDate, NaiveDate) {
    let p = s.period_or_now();
    let last = p.end().pred_opt().unwrap_or(p.start());
    let to = if s.today() >= p.start() { s.today() } else { last };
    (p.start(), to)
}

/// `t`: ask for the statement's customer and date range.
pub fn statement(s: &mut State) -> Vec<Effect> {
    let customer = customer_in_view(s).unwrap_or_default();
    let (from, to) = default_range(s);
    s.mode = Mode::Form(Form::new(
        FormKind::Customers(Kind::Statement),
        "customer statement",
        vec![
            Field::new("customer", &customer, Complete::Customers).named(StatementForm::CUSTOMER),
            Field::new("from", &from.to_string(), Complete::None).named(StatementForm::FROM),
            Field::new("to (inclusive)", &to.to_string(), Complete::None).named(StatementForm::TO),
        ],
    ));
    Vec::new()
}

/// The statement's customer and date range, read by field name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatementForm {
    pub customer: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
}

impl StatementForm {
    pub const CUSTOMER: &'static str = "customer";
    pub const FROM: &'static str = "from";
    pub const TO: &'static str = "to";

    pub fn read(s: &State, f: &Form) -> Result<StatementForm, FieldError> {
        let customer = known_customer(s, &f.get(Self::CUSTOMER)).map_err(|e| FieldError::at(Self::CUSTOMER, e))?;
        let from = parse_date(&f.get(Self::FROM), "from").map_err(|e| FieldError::at(Self::FROM, e))?;
        let to = parse_date(&f.get(Self::TO), "to").map_err(|e| FieldError::at(Self::TO, e))?;
        if to < from {
            return Err(FieldError::at(Self::TO, format!("to: {to} is before {from}")));
        }
        Ok(StatementForm { customer, from, to })
    }
}

/// Show the statement screen for the form's customer and range.
pub fn open_statement(s: &mut State, f: StatementForm) -> Vec<Effect> {
    let StatementForm { customer, from, to } = f;
    s.panes.customers.screen = Some(CustomerScreen::Statement(StatementView { customer, from, to, disputed: None, data: Load::Idle }));
    s.views.remove(&ViewKey::Statement);
    load_statement(s)
}

pub fn load_statement(s: &mut State) -> Vec<Effect> {
    let Some(CustomerScreen::Statement(v)) = &s.panes.customers.screen else { return Vec::new() };
    let q = PaneQuery::Customers(Query::Statement { customer: v.customer.clone(), from: v.from, to: v.to });
    let (req, fx) = query(s, q);
    if let Some(CustomerScreen::Statement(v)) = s.panes.customers.screen.as_mut() {
        v.data.start(req);
    }
    vec![fx]
}

pub fn statement_loaded(s: &mut State, req: u64, st: Statement, disputed: statement::Disputed) {
    let Some(CustomerScreen::Statement(v)) = s.panes.customers.screen.as_mut() else { return };
    if !v.data.waits_for(req) {
        return;
    }
    match table(&st) {
        Ok(mut model) => {
            model.rows.extend(dispute_rows(&disputed, &st.currency));
            v.disputed = Some(disputed);
            v.data = Load::Ready(st);
            s.set_model(ViewKey::Statement, model);
        }
        Err(e) => {
            v.data = Load::Failed(e.clone());
            s.error(e);
        }
    }
}

/// Opening balance, one row per entry with the running balance, closing balance (`month::statement::rows`:
/// a balance that overflows or does not add up is refused, never shown wrong).
pub fn table(st: &Statement) -> Result<TableModel, String> {
    let rows = statement::rows(st).map_err(|e| e.to_string())?;
    let rows = rows
        .into_iter()
        .enumerate()
        .map(|(i, r)| match r.kind {
            RowKind::Opening | RowKind::Closing => Row {
                id: if r.kind == RowKind::Opening { "opening".into() } else { "closing".into() },
                cells: vec![
                    Cell::text(r.date.to_string()),
                    Cell::text(r.entry).role(Role::Total),
                    Cell::text(""),
                    Cell::text(""),
                    Cell::money_in(r.balance, &st.currency).role(Role::Total),
                ],
                role: None,
            },
            RowKind::Entry => Row {
                id: format!("e{}", i - 1),
                cells: vec![
                    Cell::text(r.date.to_string()),
                    Cell::text(r.entry),
                    Cell::text(&r.reference),
                    Cell::money_in(r.amount, &st.currency),
                    Cell::money_in(r.balance, &st.currency),
                ],
                role: None,
            },
        })
        .collect();
    Ok(TableModel {
        columns: vec![
            Column::text("date", 10),
            Column::text("entry", 16),
            Column::text("reference", 24),
            Column::num("amount", 14),
            Column::num("balance", 14),
        ],
        rows,
        total: None,
    })
}

/// Under the closing balance: each open dispute (not in the balance), then the amount in dispute beside the
/// overdue figure it is held out of.
fn dispute_rows(d: &statement::Disputed, currency: &str) -> Vec<Row> {
    let mut rows: Vec<Row> = d
        .disputes
        .iter()
        .map(|x| Row {
            id: format!("d{}", x.id),
            cells: vec![
                Cell::text(x.opened.to_string()),
                Cell::text(statement::DISPUTE_ENTRY).role(Role::Warning),
                Cell::text(format!("{} ({})", x.reference, x.status)),
                Cell::money_in(x.amount, currency),
                Cell::text(""),
            ],
            role: None,
        })
        .collect();
    if !d.disputes.is_empty() {
        rows.push(Row {
            id: "disputed".into(),
            cells: vec![
                Cell::text(d.as_of.to_string()),
                Cell::text("in dispute").role(Role::Total),
                Cell::text(format!("overdue {} less disputes", fmt_money_in(d.overdue, currency))),
                Cell::money_in(d.total, currency).role(Role::Total),
                Cell::text(""),
            ],
            role: None,
        });
    }
    rows
}

/// `x` on an open statement: write it as CSV and JSON (None: not on a statement, the usual export applies).
pub fn export_statement(s: &mut State) -> Option<Vec<Effect>> {
    let Some(CustomerScreen::Statement(v)) = &s.panes.customers.screen else { return None };
    let Some(st) = v.data.ready().cloned() else {
        s.warn("the statement is still loading");
        return Some(Vec::new());
    };
    let disputed = v.disputed.clone().map(Box::new);
    let (req, fx) = query(s, PaneQuery::Customers(Query::ExportStatement { statement: Box::new(st), disputed }));
    s.pending.push(req);
    s.info("exporting the statement …");
    Some(vec![fx])
}
