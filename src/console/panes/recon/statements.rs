//! Recon's customer tie-out against CloudHealth statements (issue 13): per customer and currency, billops'
//! invoices of the period beside the statement's total, the difference (billops − CloudHealth) and the
//! statement's status; an Estimated statement is flagged as not final, two currencies are never compared (a
//! customer with a statement in another currency than its invoices has a row for each). Statements come in
//! with `i` here (a file path) or `billops cloudhealth statements import FILE`.
use billops_domain::close::{StatementStatus, StatementTie, StatementTieStatus};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};
use rust_decimal::Decimal;

use billops_domain::text::counted;
use billops_store::{ChChange, ChImportOutcome};

use super::form::Kind;
use super::io::ReconData;
use crate::console::action::{Effect, FormKind};
use crate::console::input::{Complete, Field, Form};
use crate::console::state::Mode;
use crate::console::state::{State, ViewKey};
use crate::console::table::{Cell, Column, Mark, Row, TableModel, fmt_money_in};
use crate::console::theme::{Role, Theme};
use crate::console::ui::detail::Record;
use crate::console::keys::Cmd;
use crate::console::ui::widgets::{key, list};

/// The import form's one field.
pub const PATH: &str = "statement file (CSV)";

/// `i`: ask for a CloudHealth statement file to import.
pub fn start_import(s: &mut State) -> Vec<Effect> {
    if let Some(why) = s.write_refusal() {
        s.warn(why);
        return Vec::new();
    }
    s.mode = Mode::Form(Form::new(
        FormKind::Recon(Kind::ChStatements),
        "import CloudHealth customer statements (CSV; all or nothing; the same file twice changes nothing)",
        vec![Field::new(PATH, "", Complete::Path).named(PATH)],
    ));
    Vec::new()
}

/// What an import did, in one line.
pub fn imported_text(file: &str, out: &ChImportOutcome) -> String {
    let n = |f: fn(&ChChange) -> bool| out.rows.iter().filter(|r| f(&r.change)).count();
    let name = file.rsplit('/').next().unwrap_or(file);
    format!(
        "{name}: {}: {} added, {} replaced, {} unchanged, {} estimated after a final not imported",
        counted(out.rows.len(), "statement", "statements"),
        n(|c| matches!(c, ChChange::Added)),
        n(|c| matches!(c, ChChange::Replaced { .. })),
        n(|c| matches!(c, ChChange::Unchanged)),
        n(|c| matches!(c, ChChange::KeptFinal))
    )
}

/// A row's id: customer and currency.
pub fn tie_id(t: &StatementTie) -> String {
    format!("{} {}", t.customer, t.currency)
}

fn status_cell(st: StatementTieStatus) -> Cell {
    let c = Cell::text(match st {
        StatementTieStatus::Estimated => "estimated",
        other => other.as_str(),
    });
    match st {
        StatementTieStatus::Matches => c.mark(Mark::Check).role(Role::Approved),
        StatementTieStatus::Differs => c.mark(Mark::Cross).role(Role::Error),
        StatementTieStatus::Estimated => c.mark(Mark::Open).role(Role::Pending),
        StatementTieStatus::NoStatement | StatementTieStatus::NotInvoiced => c.mark(Mark::Open).role(Role::Warning),
    }
}

fn amount(x: Option<Decimal>, currency: &str) -> Cell {
    x.map_or_else(|| Cell::text("-").role(Role::Muted), |x| Cell::money_in(x, currency))
}

pub fn table(d: &ReconData) -> TableModel {
    let rows = d
        .statement_ties
        .iter()
        .map(|t| {
            let cur = t.currency.as_str();
            let diff = match t.difference {
                Some(x) if !x.is_zero() => Cell::money_in(x, cur).role(Role::Warning),
                x => amount(x, cur),
            };
            Row {
                id: tie_id(t),
                cells: vec![
                    Cell::text(&t.customer),
                    Cell::text(cur),
                    amount(t.invoiced, cur),
                    amount(t.statement, cur),
                    diff,
                    status_cell(t.status),
                ],
                role: None,
            }
        })
        .collect();
    TableModel {
        columns: vec![
            Column::text("customer", 12),
            Column::text("cur", 3),
            Column::num("billops", 12),
            Column::num("cloudhealth", 12),
            Column::num("difference", 10),
            Column::text("status", 14),
        ],
        rows,
        total: None,
    }
}

fn status_words(t: &StatementTie) -> String {
    match (t.status, t.statement_status) {
        (StatementTieStatus::Estimated, _) => {
            "the statement is Estimated, not final: compare again when CloudHealth's Final arrives".into()
        }
        (StatementTieStatus::Matches, _) => "the Final statement equals billops' invoices".into(),
        (StatementTieStatus::Differs, _) => "the Final statement differs from billops' invoices".into(),
        (StatementTieStatus::NoStatement, _) => format!(
            "no CloudHealth statement in {} (billops cloudhealth statements import FILE)",
            t.currency
        ),
        (StatementTieStatus::NotInvoiced, _) => {
            format!("billops invoiced nothing in {} for this customer", t.currency)
        }
    }
}

/// Enter on a row: the row whole — the statement as imported (file, line, period, CloudHealth's customer,
/// Estimated or Final, total and currency), billops' invoices beside it and the difference, each amount to the
/// currency's minor unit with its exact value when that differs.
pub fn record(d: &ReconData, id: &str) -> Option<Record> {
    let t = d.statement_ties.iter().find(|t| tie_id(t) == id)?;
    let cur = t.currency.as_str();
    let m = |x: Option<Decimal>| x.map_or_else(|| "-".to_string(), |x| super::detail::money(x, cur));
    let role = if t.status.is_ok() { Role::Approved } else { Role::Warning };
    let stored = d.ch_statements.iter().find(|x| x.customer == t.customer && x.currency == t.currency);
    let at = |t: chrono::DateTime<chrono::Utc>| t.format("%Y-%m-%d %H:%M").to_string();
    let status = match t.statement_status {
        Some(StatementStatus::Estimated) => "Estimated (not final)".to_string(),
        Some(s) => s.to_string(),
        None => "-".to_string(),
    };
    let mut r = Record::new(format!("statement tie-out {} {}", t.customer, t.currency))
        .field_as("tie-out", t.status.as_str(), role)
        .note(status_words(t))
        .heading("CloudHealth statement");
    r = match stored {
        Some(x) => r
            .field("file", &x.file_name)
            .field("line", x.line.to_string())
            .field("period", x.period.to_string())
            .field("CH customer", &x.ch_customer)
            .field("status", status)
            .field("total", m(Some(x.total)))
            .field("imported", format!("{} by {}", at(x.imported_at), x.imported_by)),
        None => r.field("status", status).note(format!("no statement in {cur} was imported for this period")),
    };
    let n = counted(t.invoices, "invoice", "invoices");
    Some(
        r.heading("billops")
            .field("our total", format!("{} ({n}, void ones left out)", m(t.invoiced)))
            .field("difference", format!("{} (billops − CloudHealth)", m(t.difference))),
    )
}

pub(super) fn render(f: &mut Frame, area: Rect, s: &State, n: Option<&'static str>, theme: &Theme) {
    let p = s.period_or_now();
    let [top, bottom] = Layout::vertical([Constraint::Min(5), Constraint::Length(5)]).areas(area);
    let name = format!("billops vs CloudHealth statements {p} ({} imports a file)", key(s, Cmd::Import));
    list(f, top, s, ViewKey::ChStatements, &name, n, true, theme);
    let b = Block::default().borders(Borders::ALL).border_style(theme.style(Role::Border));
    let sel = s.selected_id(ViewKey::ChStatements);
    let Some(t) = s.panes.recon.data.ready().and_then(|d| d.statement_ties.iter().find(|t| Some(tie_id(t)) == sel))
    else {
        let none = " no invoices or statements: billops cloudhealth statements import FILE ";
        f.render_widget(b.title(none), bottom);
        return;
    };
    let m = |x: Option<Decimal>| x.map_or_else(|| "-".to_string(), |x| fmt_money_in(x, &t.currency));
    let role = if t.status.is_ok() { Role::Approved } else { Role::Warning };
    let lines = vec![
        Line::from(format!(
            "billops {} ({} invoice(s)) · CloudHealth {} · difference {}",
            m(t.invoiced),
            t.invoices,
            m(t.statement),
            m(t.difference)
        )),
        Line::from(Span::styled(status_words(t), theme.style(role))),
    ];
    let title = format!(" {} · {} · {} ", t.customer, t.currency, t.statement_status.map_or("no statement", |s| s.as_str()));
    let b = b.title(Span::styled(title, theme.style(Role::Title)));
    f.render_widget(Paragraph::new(lines).wrap(Wrap { trim: true }).block(b), bottom);
}
