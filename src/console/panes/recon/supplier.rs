//! Recon's other lists: the period's supplier invoices (`n` enters one) and its reconciliation cases (`o` opens
//! cases for payers with an unexplained residual, `e` changes one: status, owner, expected credit note,
//! received, note). The store checks roles (writing off takes a manager), versions and locks.
use billops_domain::close::CaseStatus;
use billops_store::ReconCase;

use super::form::{CaseForm, Kind, SupplierInvoiceForm as F};
use super::io::{ReconData, Write};
use crate::console::action::{Effect, FormKind, PaneWrite};
use crate::console::input::{Complete, Field, Form};
use crate::console::panes::write;
use crate::console::pane::PaneId;
use crate::console::state::{Mode, State, ViewKey};
use crate::console::table::{Cell, Column, Mark, Row, TableModel};
use crate::console::theme::Role;

pub const VIEWS: [ViewKey; 5] =
    [ViewKey::Recon, ViewKey::SupplierInvoices, ViewKey::Cases, ViewKey::FxRates, ViewKey::ChStatements];

/// The statuses a case takes (what `CaseStatus` parses), for the form's picker.
const CASE_STATUSES: &[&str] = &["open", "waiting_credit_note", "resolved", "written_off"];

/// The Recon data arrived: fill the supplier-invoice and case lists too.
pub fn loaded(s: &mut State, d: &ReconData) {
    s.set_model(ViewKey::SupplierInvoices, invoices_table(d));
    s.set_model(ViewKey::Cases, cases_table(d));
}

pub fn switch_view(s: &mut State) {
    let cur = s.current_view();
    let i = VIEWS.iter().position(|v| *v == cur).unwrap_or(0);
    s.pane_view.insert(PaneId::Recon, VIEWS[(i + 1) % VIEWS.len()]);
}

pub fn invoices_table(d: &ReconData) -> TableModel {
    let rows = d
        .supplier_invoices
        .iter()
        .map(|x| Row {
            id: x.id.to_string(),
            cells: vec![
                Cell::text(&x.payer),
                Cell::text(&x.number),
                Cell::money_in(x.amount, &x.currency),
                Cell::money_in(x.tax, &x.currency),
                Cell::money_in(x.credits, &x.currency),
                Cell::text(&x.currency),
                Cell::text(&x.entered_by),
            ],
            role: None,
        })
        .collect();
    TableModel {
        columns: vec![
            Column::text("payer", 12),
            Column::text("number", 14),
            Column::num("amount", 12),
            Column::num("tax", 8),
            Column::num("credits", 8),
            Column::text("cur", 3),
            Column::text("entered by", 10),
        ],
        rows,
        total: None,
    }
}

pub fn case_status_cell(st: CaseStatus) -> Cell {
    let c = Cell::text(st.as_str().replace('_', " "));
    match st {
        CaseStatus::Open => c.mark(Mark::Open).role(Role::Pending),
        CaseStatus::WaitingCreditNote => c.mark(Mark::Open).role(Role::Info),
        CaseStatus::Resolved => c.mark(Mark::Check).role(Role::Approved),
        CaseStatus::WrittenOff => c.mark(Mark::Check).role(Role::Muted),
    }
}

/// The payer's currency in the period (its tie-out's), for a case's amounts; a payer with no tie-out has
/// none known: 2 places.
pub fn payer_money(d: &ReconData, payer: &str, x: rust_decimal::Decimal) -> Cell {
    match d.tie_outs.iter().find(|t| t.input.payer == payer) {
        Some(t) => Cell::money_in(x, &t.input.currency),
        None => Cell::money(x),
    }
}

pub fn cases_table(d: &ReconData) -> TableModel {
    let mut cs: Vec<&ReconCase> = d.cases.iter().collect();
    cs.sort_by(|a, b| b.status.is_open().cmp(&a.status.is_open()).then(a.id.cmp(&b.id)));
    let rows = cs
        .into_iter()
        .map(|c| Row {
            id: c.id.to_string(),
            cells: vec![
                Cell::int(c.id),
                Cell::text(&c.payer),
                case_status_cell(c.status),
                Cell::text(c.owner.clone().unwrap_or_else(|| "-".into())),
                payer_money(d, &c.payer, c.residual),
                payer_money(d, &c.payer, c.expected),
                payer_money(d, &c.payer, c.received),
                Cell::text(&c.note),
            ],
            role: None,
        })
        .collect();
    TableModel {
        columns: vec![
            Column::num("case", 4),
            Column::text("payer", 12),
            Column::text("status", 16),
            Column::text("owner", 8),
            Column::num("residual", 10),
            Column::num("expected", 10),
            Column::num("received", 10),
            Column::text("note", 30),
        ],
        rows,
        total: None,
    }
}

/// `n`: the supplier-invoice form (payer preset from the selected tie-out).
pub fn new_invoice(s: &mut State) -> Vec<Effect> {
    if let Some(why) = s.write_refusal() {
        s.warn(why);
        return Vec::new();
    }
    let period = s.period_or_now();
    let (payer, currency) = match (s.current_view(), s.selected_id(ViewKey::Recon)) {
        (ViewKey::Recon, Some(id)) => {
            let tie = s.panes.recon.data.ready().and_then(|d| d.tie_outs.iter().find(|t| super::view::tie_id(t) == id));
            match tie {
                Some(t) => (t.input.payer.clone(), t.input.currency.clone()),
                None => (String::new(), "USD".to_string()),
            }
        }
        _ => (String::new(), "USD".to_string()),
    };
    s.mode = Mode::Form(Form::new(
        FormKind::Recon(Kind::SupplierInvoice),
        format!("enter a supplier invoice for {period}"),
        vec![
            Field::new("payer", &payer, Complete::Payers).named(F::PAYER),
            Field::new("period", &period.to_string(), Complete::None).named(F::PERIOD),
            Field::new("number", "", Complete::None).named(F::NUMBER),
            Field::new("amount (total)", "", Complete::None).named(F::AMOUNT),
            Field::new("tax", "0", Complete::None).named(F::TAX),
            Field::new("credits", "0", Complete::None).named(F::CREDITS),
            Field::new("currency", &currency, Complete::None).named(F::CURRENCY),
        ],
    ));
    Vec::new()
}

/// `o`: open a case for every payer of the period whose residual is unexplained (then show the cases).
pub fn open_cases(s: &mut State) -> Vec<Effect> {
    if let Some(why) = s.write_refusal() {
        s.warn(why);
        return Vec::new();
    }
    let period = s.period_or_now();
    s.pane_view.insert(PaneId::Recon, ViewKey::Cases);
    write(s, PaneWrite::Recon(Write::OpenCases { period }))
}

pub(super) fn selected_case(s: &State) -> Option<ReconCase> {
    let id = s.selected_id(ViewKey::Cases)?.parse::<i64>().ok()?;
    s.panes.recon.data.ready().and_then(|d| d.cases.iter().find(|c| c.id == id).cloned())
}

/// `e`: change the selected case.
pub fn edit_case(s: &mut State) -> Vec<Effect> {
    if let Some(why) = s.write_refusal() {
        s.warn(why);
        return Vec::new();
    }
    if s.current_view() != ViewKey::Cases {
        s.pane_view.insert(PaneId::Recon, ViewKey::Cases);
        s.info("showing the cases: select one and press the key again (o opens cases for residuals)");
        return Vec::new();
    }
    let Some(c) = selected_case(s) else {
        s.warn("no case selected (o opens cases for payers with a residual)");
        return Vec::new();
    };
    let money = billops_domain::money::canonical;
    let residual = match s.panes.recon.data.ready() {
        Some(d) => payer_money(d, &c.payer, c.residual).text,
        None => crate::console::table::fmt_money(c.residual),
    };
    s.mode = Mode::Form(Form::new(
        FormKind::Recon(Kind::UpdateCase { id: c.id, version: c.version }),
        format!("case {} · payer {} {} · residual {residual}", c.id, c.payer, c.period),
        vec![
            Field::new("status (tab)", c.status.as_str(), Complete::Choice(CASE_STATUSES)).named(CaseForm::STATUS),
            Field::new("owner", c.owner.as_deref().unwrap_or(""), Complete::None).named(CaseForm::OWNER),
            Field::new("expected credit", &money(c.expected), Complete::None).named(CaseForm::EXPECTED),
            Field::new("received", &money(c.received), Complete::None).named(CaseForm::RECEIVED),
            Field::new("note", &c.note, Complete::None).named(CaseForm::NOTE),
        ],
    ));
    Vec::new()
}

