//! Invoices: the period's invoices; `n` generates drafts (the per-customer outcome shows under the list);
//! Enter opens one with its six sections in the order of operations; `w` review, `a` approve, `I` issue,
//! `X` void (reason). The store enforces roles, versions and locks; its refusals land on the message line.
use billops_domain::invoice::{InvoiceStatus, LineKind};
use billops_store::{InvoiceStep, InvoiceSummary, StoredInvoice};

use crate::console::action::{Effect, WriteOp};
use crate::console::input::{Complete, Field, Form, FormKind};
use crate::console::state::{InvoiceDetail, Load, Mode, State, ViewKey};
use crate::console::table::{Cell, Column, Mark, Row, TableModel, fmt_money};
use crate::console::theme::Role;
use crate::ledger::invoices::Generated;

pub fn load(s: &mut State) -> Vec<Effect> {
    let Some(period) = s.period else { return Vec::new() };
    let req = s.req();
    s.panes.invoices.data = Load::Loading(req);
    let mut fx = vec![Effect::Invoices { req, period }];
    fx.extend(load_detail(s));
    fx
}

pub fn load_detail(s: &mut State) -> Vec<Effect> {
    let req = s.req();
    let Some(d) = s.panes.invoices.detail.as_mut() else { return Vec::new() };
    d.data = Load::Loading(req);
    let mut fx = vec![Effect::Invoice { req, id: d.id }];
    fx.extend(super::credit_notes::load(s));
    fx
}

pub fn loaded(s: &mut State, req: u64, data: Vec<InvoiceSummary>) {
    if !s.panes.invoices.data.waits_for(req) {
        return;
    }
    s.set_model(ViewKey::Invoices, table(&data));
    s.panes.invoices.data = Load::Ready(data);
}

pub fn detail_loaded(s: &mut State, req: u64, inv: Box<StoredInvoice>) {
    let Some(d) = s.panes.invoices.detail.as_mut() else { return };
    if !d.data.waits_for(req) {
        return;
    }
    let model = lines_table(&inv);
    d.data = Load::Ready(inv);
    s.set_model(ViewKey::InvoiceLines, model);
}

pub fn status_cell(st: InvoiceStatus) -> Cell {
    let c = Cell::text(st.as_str());
    match st {
        InvoiceStatus::Draft => c.mark(Mark::Open).role(Role::Pending),
        InvoiceStatus::Reviewed => c.mark(Mark::Open).role(Role::Info),
        InvoiceStatus::Approved => c.mark(Mark::Check).role(Role::Approved),
        InvoiceStatus::Issued | InvoiceStatus::Paid | InvoiceStatus::PartlyPaid => {
            c.mark(Mark::Check).role(Role::Locked)
        }
        InvoiceStatus::Disputed => c.mark(Mark::Warn).role(Role::Warning),
        InvoiceStatus::Void => c.mark(Mark::Cross).role(Role::Muted),
    }
}

pub fn table(d: &[InvoiceSummary]) -> TableModel {
    let rows = d
        .iter()
        .map(|i| Row {
            id: i.id.to_string(),
            cells: vec![
                Cell::int(i.id),
                Cell::text(&i.customer),
                status_cell(i.status),
                Cell::text(i.number.clone().unwrap_or_else(|| "-".into())),
                Cell::money(i.total),
                Cell::text(&i.currency),
            ],
            role: None,
        })
        .collect();
    TableModel {
        columns: vec![
            Column::num("id", 4),
            Column::text("customer", 14),
            Column::text("status", 12),
            Column::text("number", 10),
            Column::num("total", 14),
            Column::text("cur", 3),
        ],
        rows,
        total: None,
    }
}

fn what(kind: &LineKind, description: &str) -> String {
    match kind {
        LineKind::Usage { service, product, component } => format!("{service} / {product} / {component}"),
        LineKind::Stripped { service, category } => format!("{service} ({category:?})"),
        _ => description.to_string(),
    }
}

/// Each of the six sections as a heading row with its subtotal, then its lines.
pub fn lines_table(inv: &StoredInvoice) -> TableModel {
    let mut rows = Vec::new();
    for (n, sec) in inv.draft.sections().iter().enumerate() {
        rows.push(Row {
            id: format!("s{n}"),
            cells: vec![
                Cell::text(format!("{}. {}", n + 1, sec.step.title())).role(Role::Header),
                Cell::text(format!("{} line(s)", sec.lines.len())).role(Role::Muted),
                Cell::text(""),
                Cell::money(sec.subtotal).role(Role::Total),
                Cell::text(""),
            ],
            role: None,
        });
        for (k, l) in sec.lines.iter().enumerate() {
            rows.push(Row {
                id: format!("s{n}l{k}"),
                cells: vec![
                    Cell::text(format!("   {}", l.description)),
                    Cell::text(what(&l.kind, &l.description)),
                    Cell::text(l.account_code.clone().unwrap_or_default()),
                    Cell::money(l.amount),
                    Cell::text(l.rule_ids.join(" ")),
                ],
                role: None,
            });
        }
    }
    TableModel {
        columns: vec![
            Column::text("section / line", 30),
            Column::text("service / product / component", 34),
            Column::text("account code", 12),
            Column::num("amount", 14),
            Column::text("rule", 10),
        ],
        rows,
        total: Some(vec![
            Cell::text("total").role(Role::Total),
            Cell::text(&inv.currency).role(Role::Total),
            Cell::text(""),
            Cell::money(inv.total).role(Role::Total),
            Cell::text(""),
        ]),
    }
}

/// The per-customer outcome of the last generation.
pub fn generated_table(g: &[Generated]) -> TableModel {
    let rows = g
        .iter()
        .map(|x| {
            let outcome = match x.outcome {
                "created" => Cell::text("created").mark(Mark::Check).role(Role::Approved),
                "regenerated" => Cell::text("regenerated").mark(Mark::Warn).role(Role::Warning),
                other => Cell::text(other).role(Role::Muted),
            };
            let change = x.diff.as_ref().map_or_else(String::new, |d| {
                format!(
                    "+{} -{} ~{}  {} → {}",
                    d.added.len(),
                    d.removed.len(),
                    d.changed.len(),
                    fmt_money(d.old_total),
                    fmt_money(d.new_total)
                )
            });
            Row {
                id: x.invoice_id.to_string(),
                cells: vec![
                    Cell::text(&x.customer),
                    Cell::int(x.invoice_id),
                    outcome,
                    Cell::money(x.total),
                    Cell::text(change),
                ],
                role: None,
            }
        })
        .collect();
    TableModel {
        columns: vec![
            Column::text("customer", 14),
            Column::num("inv", 4),
            Column::text("outcome", 13),
            Column::num("total", 14),
            Column::text("changes (lines +added -removed ~changed, total)", 40),
        ],
        rows,
        total: None,
    }
}

/// `n`: generate the drafts of the period (operator).
pub fn generate(s: &mut State) -> Vec<Effect> {
    if let Some(why) = s.write_refusal() {
        s.warn(why);
        return Vec::new();
    }
    if s.panes.invoices.job.is_some() {
        s.warn("draft generation is already running");
        return Vec::new();
    }
    let period = s.period_or_now();
    let req = s.req();
    s.panes.invoices.job = Some(req);
    s.info(format!("generating invoice drafts for {period} … working"));
    vec![Effect::Generate { req, period }]
}

pub fn generated(s: &mut State, req: u64, out: Vec<crate::ledger::invoices::Generated>) -> Vec<Effect> {
    if s.panes.invoices.job != Some(req) {
        return Vec::new();
    }
    s.panes.invoices.job = None;
    let count = |o: &str| out.iter().filter(|g| g.outcome == o).count();
    s.info(format!(
        "{} draft(s): {} created, {} regenerated, {} unchanged (esc hides the summary)",
        out.len(),
        count("created"),
        count("regenerated"),
        count("unchanged")
    ));
    s.set_model(ViewKey::Generated, generated_table(&out));
    s.panes.invoices.generated = Some(out);
    let mut fx = crate::console::update::start(s);
    fx.extend(crate::console::panes::invalidate_all(s));
    fx
}

/// Enter: open the selected invoice.
pub fn open(s: &mut State) -> Vec<Effect> {
    if s.panes.invoices.detail.is_some() {
        return super::sources::open(s);
    }
    let Some(id) = s.selected_id(ViewKey::Invoices).and_then(|i| i.parse::<i64>().ok()) else { return Vec::new() };
    s.panes.invoices.detail = Some(InvoiceDetail { id, data: Load::Idle, credit_notes: Load::Idle });
    s.views.remove(&ViewKey::InvoiceLines);
    load_detail(s)
}

/// Esc: close the invoice, else hide the generation summary. True when it did something.
pub fn back(s: &mut State) -> bool {
    if s.panes.invoices.sources.take().is_some() {
        return true;
    }
    if let Some(d) = s.panes.invoices.detail.take() {
        s.view_mut(ViewKey::Invoices).vs.want = Some(d.id.to_string());
        let crate::console::state::View { model, vs } = s.view_mut(ViewKey::Invoices);
        vs.rebuild(model);
        return true;
    }
    s.panes.invoices.generated.take().is_some()
}

/// The invoice keys act on: the open one, else the selected row.
fn target(s: &mut State) -> Option<(i64, InvoiceStatus, i64, String)> {
    let id = match &s.panes.invoices.detail {
        Some(d) => Some(d.id),
        None => s.selected_id(ViewKey::Invoices).and_then(|i| i.parse::<i64>().ok()),
    };
    let found = id.and_then(|id| s.panes.invoices.data.ready().and_then(|d| d.iter().find(|i| i.id == id)));
    match found {
        Some(i) => Some((i.id, i.status, i.version, i.customer.clone())),
        None => {
            s.warn("no invoice selected (n generates the drafts of the period)");
            None
        }
    }
}

fn write(s: &mut State, op: WriteOp) -> Vec<Effect> {
    let req = s.req();
    s.pending.push(req);
    s.info("saving …");
    vec![Effect::Write { req, op }]
}

/// `w` review (operator), `a` approve (manager).
pub fn step(s: &mut State, step: InvoiceStep) -> Vec<Effect> {
    let refusal = if step == InvoiceStep::Approve { s.approve_refusal() } else { s.write_refusal() };
    if let Some(why) = refusal {
        s.warn(why);
        return Vec::new();
    }
    let Some((id, status, version, customer)) = target(s) else { return Vec::new() };
    let (want, verb) = match step {
        InvoiceStep::Approve => (InvoiceStatus::Reviewed, "approve"),
        _ => (InvoiceStatus::Draft, "review"),
    };
    if status != want {
        let hint = if status == InvoiceStatus::Draft { ": review it first (w)" } else { "" };
        s.warn(format!("invoice {id} ({customer}) is {status}: cannot {verb} it{hint}"));
        return Vec::new();
    }
    write(s, WriteOp::StepInvoice { id, step, reason: String::new(), version })
}

/// `I`: issue the approved invoice.
pub fn issue(s: &mut State) -> Vec<Effect> {
    if let Some(why) = s.write_refusal() {
        s.warn(why);
        return Vec::new();
    }
    let Some((id, status, _, customer)) = target(s) else { return Vec::new() };
    if status != InvoiceStatus::Approved {
        s.warn(format!("invoice {id} ({customer}) is {status}: only approved invoices are issued"));
        return Vec::new();
    }
    write(s, WriteOp::IssueInvoice { id })
}

/// `X`: void an issued invoice, with a reason.
pub fn void(s: &mut State) -> Vec<Effect> {
    if let Some(why) = s.approve_refusal() {
        s.warn(why);
        return Vec::new();
    }
    let Some((id, status, version, customer)) = target(s) else { return Vec::new() };
    if !status.is_issued() || status == InvoiceStatus::Void {
        s.warn(format!("invoice {id} ({customer}) is {status}: only issued invoices are voided"));
        return Vec::new();
    }
    s.mode = Mode::Form(Form::new(
        FormKind::VoidInvoice { id, version },
        format!("void invoice {id} ({customer})"),
        vec![Field::new("reason", "", Complete::None)],
    ));
    Vec::new()
}

pub fn submit_void(id: i64, version: i64, reason: &str) -> Result<WriteOp, String> {
    if reason.is_empty() {
        return Err("reason: required to void an invoice".into());
    }
    Ok(WriteOp::StepInvoice { id, step: InvoiceStep::Void, reason: reason.to_string(), version })
}

// ---- the pane's duties (registered in `panes!`) ----
pub use crate::console::pane::no_io as io;
use crate::console::keys::Cmd;
use crate::console::pane::{Failure, Invalidate, KeyScope, Pane};
use crate::console::panes::{any, fail};
use crate::console::state::State as State_;

/// The pane's own state (a field of `State::panes`).
pub use crate::console::state::InvoicesPane as PaneState;

/// The period's invoices, one invoice's detail and a line's sources.
pub struct Invoices;

const INV: &[Cmd] = &[
    Cmd::Open,
    Cmd::Back,
    Cmd::Generate,
    Cmd::Review,
    Cmd::Approve,
    Cmd::Issue,
    Cmd::Void,
    Cmd::Payment,
    Cmd::ApproveAll,
    Cmd::ReviewAll,
    Cmd::CreditNote,
];
const SOURCES: &[Cmd] = &[
    Cmd::Open,
    Cmd::Back,
    Cmd::Generate,
    Cmd::Review,
    Cmd::Approve,
    Cmd::Issue,
    Cmd::Void,
    Cmd::Payment,
    Cmd::ApproveAll,
    Cmd::ReviewAll,
    Cmd::CreditNote,
    Cmd::SwitchView,
];

impl Pane for Invoices {
    fn title(&self) -> &'static str {
        "Invoices"
    }
    fn short(&self) -> &'static str {
        "Inv"
    }
    fn slug(&self) -> &'static str {
        "invoices"
    }
    fn goto(&self) -> char {
        'i'
    }
    fn ensure(&self, s: &mut State_) -> Vec<Effect> {
        let mut fx = if s.panes.invoices.data.is_idle() { load(s) } else { Vec::new() };
        if s.panes.invoices.sources.as_ref().is_some_and(|x| x.data.is_idle()) {
            fx.extend(super::sources::load(s));
        }
        fx
    }
    fn invalidate(&self, s: &mut State_, why: Invalidate) {
        let i = &mut s.panes.invoices;
        i.data = Load::Idle;
        if let Some(d) = i.detail.as_mut() {
            d.data = Load::Idle;
        }
        if let Some(src) = i.sources.as_mut() {
            src.data = Load::Idle;
        }
        if why == Invalidate::PeriodChanged {
            i.detail = None;
            i.sources = None;
            i.generated = None;
        }
    }
    fn failed(&self, s: &mut State_, req: u64, e: &crate::console::refusal::EffectError) -> Failure {
        let i = &mut s.panes.invoices;
        let mut out = vec![fail(&mut i.data, req, e)];
        if let Some(d) = i.detail.as_mut() {
            out.push(fail(&mut d.data, req, e));
            out.push(fail(&mut d.credit_notes, req, e));
        }
        if let Some(src) = i.sources.as_mut() {
            out.push(fail(&mut src.data, req, e));
        }
        if i.job == Some(req) {
            i.job = None;
            s.error(format!("draft generation failed: {e}"));
            return Failure::Reported;
        }
        any(out)
    }
    fn keys(&self) -> &'static [KeyScope] {
        &[
            KeyScope { screen: "list", cmds: INV },
            KeyScope { screen: "invoice", cmds: INV },
            KeyScope { screen: "sources", cmds: SOURCES },
        ]
    }
    fn screen(&self, s: &State_) -> &'static str {
        match (&s.panes.invoices.sources, &s.panes.invoices.detail) {
            (Some(_), _) => "sources",
            (None, Some(_)) => "invoice",
            (None, None) => "list",
        }
    }
    fn current_view(&self, s: &State_) -> ViewKey {
        match (&s.panes.invoices.sources, &s.panes.invoices.detail) {
            (Some(src), _) => src.focus,
            (None, Some(_)) => ViewKey::InvoiceLines,
            (None, None) => ViewKey::Invoices,
        }
    }
    fn cmd(&self, s: &mut State_, c: Cmd) -> Option<Vec<Effect>> {
        Some(match c {
            Cmd::Open => open(s),
            Cmd::Back => return back(s).then(Vec::new),
            Cmd::SwitchView => {
                super::sources::switch_focus(s);
                Vec::new()
            }
            Cmd::Generate => generate(s),
            Cmd::Review => step(s, InvoiceStep::Review),
            Cmd::Approve => step(s, InvoiceStep::Approve),
            Cmd::Issue => issue(s),
            Cmd::Void => void(s),
            Cmd::Payment => super::payments::payment(s),
            Cmd::ApproveAll => super::bulk::all(s, InvoiceStep::Approve),
            Cmd::ReviewAll => super::bulk::all(s, InvoiceStep::Review),
            Cmd::CreditNote => super::credit_notes::open(s),
            _ => return None,
        })
    }
    fn render(
        &self,
        f: &mut ratatui::Frame,
        area: ratatui::layout::Rect,
        s: &State_,
        theme: &crate::console::theme::Theme,
    ) {
        crate::console::ui::month::invoices(f, area, s, theme)
    }
}
