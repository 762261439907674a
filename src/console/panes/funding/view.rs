//! The Funding pane's render (state in, frame out) and its table models: the pipeline by stage, the
//! deadlines due within [`super::DUE_DAYS`] days (lapsed ones first), one application's amounts and history.
use billops_domain::funding::{DeadlineKind, OpportunityState, Stage, Status};
use billops_store::FundingRecord;
use chrono::NaiveDate;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::console::state::{State, ViewKey};
use crate::console::table::{Cell, Column, Mark, Row, TableModel, fmt_money_in};
use crate::console::ui::detail::{self, Record};
use crate::console::theme::{Role, Theme};
use crate::console::ui::widgets::{failed, list, note, sublists};

const STAGES: [Stage; 7] = [
    Stage::Draft,
    Stage::Submitted,
    Stage::Approved,
    Stage::ClaimSubmitted,
    Stage::ClaimApproved,
    Stage::Paid,
    Stage::AssignedToProject,
];

fn status_cell(st: Status) -> Cell {
    let c = Cell::text(st.to_string());
    match st {
        Status::PendingSubmission | Status::InReview => c.mark(Mark::Open).role(Role::Pending),
        Status::ActionRequired => c.mark(Mark::Open).role(Role::Warning),
        Status::Approved => c.mark(Mark::Check).role(Role::Approved),
        Status::Rejected => c.mark(Mark::Cross).role(Role::Rejected),
        Status::Cancelled => c.role(Role::Muted),
    }
}

fn opportunity_cell(f: &FundingRecord) -> Cell {
    let c = Cell::text(&f.app.input.opportunity);
    match f.opportunity_state {
        OpportunityState::Approved => c.mark(Mark::Check).role(Role::Approved),
        OpportunityState::Pending => c.mark(Mark::Open).role(Role::Pending),
        OpportunityState::Rejected | OpportunityState::Expired => c.mark(Mark::Cross).role(Role::Rejected),
    }
}

fn money(a: Option<rust_decimal::Decimal>, currency: &str) -> Cell {
    a.map_or_else(|| Cell::text(""), |x| Cell::money_in(x, currency))
}

/// The pipeline grouped by stage (draft first), open work before rejected or cancelled, newest first.
pub fn pipeline(d: &[FundingRecord]) -> TableModel {
    let mut fs: Vec<&FundingRecord> = d.iter().collect();
    fs.sort_by(|a, b| {
        a.app.stage.cmp(&b.app.stage).then((!a.app.is_open()).cmp(&!b.app.is_open())).then(b.id.cmp(&a.id))
    });
    let rows = fs
        .into_iter()
        .map(|f| {
            let a = &f.app;
            Row {
                id: f.id.to_string(),
                cells: vec![
                    Cell::text(f.id.to_string()),
                    Cell::text(a.stage.to_string()),
                    status_cell(a.status),
                    Cell::text(&a.input.customer),
                    Cell::text(&a.input.program),
                    opportunity_cell(f),
                    Cell::money_in(a.input.requested, &a.input.currency),
                    money(a.approved, &a.input.currency),
                    Cell::text(a.input.dates.claim_due.map(|d| d.to_string()).unwrap_or_default()),
                ],
                role: (!a.is_open() && a.stage != Stage::AssignedToProject).then_some(Role::Muted),
            }
        })
        .collect();
    TableModel {
        columns: vec![
            Column::text("id", 4),
            Column::text("stage", 12),
            Column::text("status", 12),
            Column::text("customer", 10),
            Column::text("prog", 5),
            Column::text("opportunity", 12),
            Column::num("requested", 10),
            Column::num("approved", 10),
            Column::text("claim due", 10),
        ],
        rows,
        total: None,
    }
}

/// "draft 2 · submitted 1 · …": how many applications sit at each stage (stages with none left out).
pub fn stage_counts(d: &[FundingRecord]) -> String {
    let parts: Vec<String> = STAGES
        .iter()
        .filter_map(|st| {
            let live = |f: &&FundingRecord| !matches!(f.app.status, Status::Rejected | Status::Cancelled);
            let n = d.iter().filter(|f| f.app.stage == *st).filter(live).count();
            (n > 0).then(|| format!("{st} {n}"))
        })
        .collect();
    if parts.is_empty() { "no applications".into() } else { parts.join(" · ") }
}

fn kind_text(k: DeadlineKind) -> &'static str {
    match k {
        DeadlineKind::Submission => "submission",
        DeadlineKind::Claim => "claim",
        DeadlineKind::ProjectEnd => "project end",
    }
}

/// Deadlines of open applications within `days` of `today` (lapsed ones included), soonest first.
pub fn due(d: &[FundingRecord], today: NaiveDate, days: i64) -> TableModel {
    let mut items: Vec<(&FundingRecord, billops_domain::funding::Deadline)> =
        d.iter().flat_map(|f| f.app.due_within(today, days).into_iter().map(move |x| (f, x))).collect();
    items.sort_by(|a, b| a.1.date.cmp(&b.1.date).then(a.0.id.cmp(&b.0.id)));
    let rows = items
        .into_iter()
        .map(|(f, x)| {
            let left = Cell::int(x.days_left);
            let left = if x.days_left < 0 {
                left.mark(Mark::Cross).role(Role::Error)
            } else if x.days_left <= 7 {
                left.role(Role::Warning)
            } else {
                left
            };
            Row {
                id: format!("{}:{}", f.id, kind_text(x.what)),
                cells: vec![
                    Cell::text(x.date.to_string()),
                    left,
                    Cell::text(kind_text(x.what)),
                    Cell::text(f.id.to_string()),
                    Cell::text(&f.app.input.customer),
                    Cell::text(&f.app.input.program),
                    Cell::text(f.app.stage.to_string()),
                    Cell::text(&f.app.input.opportunity),
                ],
                role: None,
            }
        })
        .collect();
    TableModel {
        columns: vec![
            Column::text("date", 10),
            Column::num("days", 5),
            Column::text("deadline", 11),
            Column::text("id", 4),
            Column::text("customer", 10),
            Column::text("prog", 5),
            Column::text("stage", 14),
            Column::text("opportunity", 12),
        ],
        rows,
        total: None,
    }
}

/// One application's transitions, oldest first: who, when, what, why.
pub fn history(f: &FundingRecord) -> TableModel {
    let rows = f
        .app
        .history
        .iter()
        .enumerate()
        .map(|(i, e)| Row {
            id: i.to_string(),
            cells: vec![
                Cell::text(e.at.format("%Y-%m-%d %H:%M").to_string()),
                Cell::text(&e.by),
                Cell::text(&e.what),
                Cell::text(&e.why),
            ],
            role: None,
        })
        .collect();
    TableModel {
        columns: vec![
            Column::text("when", 16),
            Column::text("who", 8),
            Column::text("what", 32),
            Column::text("why", 20),
        ],
        rows,
        total: None,
    }
}

/// An amount to the application's currency's minor unit with separators (`-` when not set yet).
fn amount_text(a: Option<rust_decimal::Decimal>, currency: &str) -> String {
    a.map_or_else(|| "-".to_string(), |x| fmt_money_in(x, currency))
}

/// The detail's head: who and what, amounts (requested ≥ approved ≥ claimed ≥ received; assigned per
/// project), dates.
pub fn detail_lines(f: &FundingRecord, theme: &Theme) -> Vec<Line<'static>> {
    let a = &f.app;
    let i = &a.input;
    let muted = theme.style(Role::Muted);
    let date = |d: Option<NaiveDate>| d.map_or_else(|| "-".to_string(), |d| d.to_string());
    let assigned = if a.assigned.is_empty() {
        "-".to_string()
    } else {
        a.assigned.iter().map(|(p, x)| format!("{p} {}", fmt_money_in(*x, &i.currency))).collect::<Vec<_>>().join(", ")
    };
    let fulfil = match i.fulfilment {
        billops_domain::funding::Fulfilment::Credits => "credits",
        billops_domain::funding::Fulfilment::Cash => "cash",
    };
    vec![
        Line::from(vec![
            Span::styled(format!("application {} ", f.id), theme.style(Role::Title)),
            Span::raw(format!("{} · {} · {} ({fulfil}) · v{}", i.customer, i.program, i.currency, a.version)),
        ]),
        Line::from(vec![
            Span::styled("stage ", muted),
            Span::raw(format!("{}  ", a.stage)),
            Span::styled("status ", muted),
            Span::raw(format!("{}  ", a.status)),
            Span::styled("opportunity ", muted),
            Span::raw(format!("{} ({})", i.opportunity, f.opportunity_state)),
        ]),
        Line::from(vec![
            Span::styled("requested ", muted),
            Span::raw(format!("{}  ", fmt_money_in(i.requested, &i.currency))),
            Span::styled("approved ", muted),
            Span::raw(format!("{}  ", amount_text(a.approved, &i.currency))),
            Span::styled("claimed ", muted),
            Span::raw(format!("{}  ", amount_text(a.claimed, &i.currency))),
            Span::styled("received ", muted),
            Span::raw(amount_text(a.received, &i.currency)),
        ]),
        Line::from(vec![Span::styled("assigned ", muted), Span::raw(assigned)]),
        Line::from(vec![
            Span::styled("submit by ", muted),
            Span::raw(format!("{}  ", date(i.dates.submit_by))),
            Span::styled("project ", muted),
            Span::raw(format!("{} to {}  ", date(i.dates.project_start), date(i.dates.project_end))),
            Span::styled("claim due ", muted),
            Span::raw(date(i.dates.claim_due)),
        ]),
    ]
}

/// Enter on an open application: it whole in the shared detail view — every amount to the minor unit with its
/// exact value when that differs, each project's assignment, the dates, and every transition with its why.
pub fn record(f: &FundingRecord) -> Record {
    let a = &f.app;
    let i = &a.input;
    let m = |x: Option<rust_decimal::Decimal>| x.map_or_else(|| "-".to_string(), |x| detail::amount(x, &i.currency));
    let date = |d: Option<NaiveDate>| d.map_or_else(|| "-".to_string(), |d| d.to_string());
    let mut r = Record::new(format!("funding application {} · {} · {}", f.id, i.customer, i.program))
        .field("stage", a.stage.to_string())
        .field("status", a.status.to_string())
        .field("opportunity", format!("{} ({})", i.opportunity, f.opportunity_state))
        .field("version", a.version.to_string())
        .heading("amounts")
        .field("requested", m(Some(i.requested)))
        .field("approved", m(a.approved))
        .field("claimed", m(a.claimed))
        .field("received", m(a.received));
    if !a.assigned.is_empty() {
        r = r.heading("assigned to projects");
    }
    for (p, x) in &a.assigned {
        r = r.field(p, m(Some(*x)));
    }
    r = r
        .heading("dates")
        .field("submit by", date(i.dates.submit_by))
        .field("project", format!("{} to {}", date(i.dates.project_start), date(i.dates.project_end)))
        .field("claim due", date(i.dates.claim_due))
        .heading("history");
    for e in &a.history {
        let why = if e.why.is_empty() { String::new() } else { format!(": {}", e.why) };
        r = r.field(e.at.format("%Y-%m-%d %H:%M").to_string(), format!("{} by {}{why}", e.what, e.by));
    }
    r
}

pub fn render(f: &mut Frame, area: Rect, s: &State, theme: &Theme) {
    let n = match note(&s.panes.funding.data) {
        Ok(n) => n,
        Err(e) => return failed(f, area, "funding", &e, theme),
    };
    if let Some(app) = s.panes.funding.detail.and_then(|id| s.panes.funding.find(id)) {
        let whole = s.panes.funding.whole;
        if whole.open {
            return detail::render(f, area, &record(app), detail::HINT, whole.scroll, theme);
        }
        let [head, body] = Layout::vertical([Constraint::Length(5), Constraint::Min(0)]).areas(area);
        f.render_widget(Paragraph::new(detail_lines(app, theme)), head);
        let enter = crate::console::ui::widgets::key(s, crate::console::keys::Cmd::Open);
        let name = format!("history ({enter}: exact amounts, esc back)");
        return list(f, body, s, ViewKey::FundingHistory, &name, n, true, theme);
    }
    let cur = super::keys::current_view(s);
    let [tabs, body] = Layout::vertical([Constraint::Length(1), Constraint::Min(0)]).areas(area);
    f.render_widget(Paragraph::new(sublists(s, &super::keys::VIEWS, cur, theme, tabs.width)), tabs);
    let counts = s.panes.funding.data.ready().map(|d| stage_counts(d)).unwrap_or_default();
    let name = if cur == ViewKey::FundingDue {
        format!("due within {} days (lapsed first)", super::DUE_DAYS)
    } else {
        format!("by stage ({counts})")
    };
    list(f, body, s, cur, &name, n, true, theme);
}
