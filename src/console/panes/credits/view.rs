//! The credits pane's render (state in, frame out) and its tables.
use crate::console::ui::widgets::failed;
use crate::console::ui::widgets::list;
use crate::console::ui::widgets::note;
use crate::console::ui::widgets::sublists;
use crate::console::panes::unreached;
use crate::console::state::State;
use crate::console::state::ViewKey;
use crate::console::theme::Role;
use crate::console::theme::Theme;
use ratatui::Frame;
use ratatui::layout::Constraint;
use ratatui::layout::Layout;
use ratatui::layout::Rect;
use ratatui::widgets::Paragraph;
use billops_domain::credit::CreditStatus;
use billops_store::StoredCredit;
use crate::console::table::Cell;
use crate::console::table::Column;
use crate::console::table::Mark;
use crate::console::table::Row;
use crate::console::table::TableModel;
use crate::console::ui::detail::{self, Record};

pub(super) fn status_cell(st: CreditStatus) -> Cell {
    match st {
        CreditStatus::Proposed => Cell::text("proposed").mark(Mark::Open).role(Role::Pending),
        CreditStatus::Approved => Cell::text("approved").mark(Mark::Check).role(Role::Approved),
        CreditStatus::Rejected => Cell::text("rejected").mark(Mark::Cross).role(Role::Rejected),
        CreditStatus::Exhausted => Cell::text("exhausted").role(Role::Muted),
        CreditStatus::Expired => Cell::text("expired").role(Role::Muted),
    }
}

pub fn table(d: &[StoredCredit]) -> TableModel {
    let mut cs: Vec<&StoredCredit> = d.iter().collect();
    cs.sort_by(|a, b| {
        (a.credit.status() != CreditStatus::Proposed)
            .cmp(&(b.credit.status() != CreditStatus::Proposed))
            .then(b.id.cmp(&a.id))
    });
    let rows = cs
        .into_iter()
        .map(|s| {
            let c = &s.credit;
            Row {
                id: s.id.to_string(),
                cells: vec![
                    Cell::text(c.id()),
                    status_cell(c.status()),
                    Cell::text(c.customer()),
                    Cell::text(c.kind().to_string()),
                    Cell::money_in(c.amount().amount, c.currency()),
                    Cell::money_in(c.remaining(), c.currency()),
                    Cell::text(c.currency()),
                    Cell::text(c.proposed_by()),
                    Cell::text(format!("{}..{}", c.validity().start, c.validity().end)),
                ],
                role: None,
            }
        })
        .collect();
    TableModel {
        columns: vec![
            Column::text("id", 6),
            Column::text("status", 11),
            Column::text("customer", 12),
            Column::text("kind", 18),
            Column::num("amount", 12),
            Column::num("remaining", 12),
            Column::text("cur", 3),
            Column::text("proposer", 8),
            Column::text("valid", 22),
        ],
        rows,
        total: None,
    }
}

/// One credit whole, as the approver must see it: the amount exactly, its evidence and reason, scope,
/// validity, proposer and every decision so far.
pub fn record(sc: &StoredCredit) -> Record {
    let c = &sc.credit;
    let cur = c.currency();
    let exact = |d: rust_decimal::Decimal| crate::console::ui::detail::amount(d, cur);
    let set = |s: &std::collections::BTreeSet<String>| {
        if s.is_empty() { "all".to_string() } else { s.iter().cloned().collect::<Vec<_>>().join(", ") }
    };
    let mut r = Record::new(format!("credit {}", c.id()))
        .field("status", status_cell(c.status()).text)
        .field("customer", c.customer())
        .field("kind", c.kind().to_string())
        .field("amount", exact(c.amount().amount))
        .field("remaining", exact(c.remaining()))
        .field("evidence", c.evidence())
        .field("reason", &c.proposal().reason)
        .field("accounts", set(c.scope().accounts()))
        .field("services", set(c.scope().services()))
        .field("valid", format!("{} .. {}", c.validity().start, c.validity().end))
        .field("proposed", format!("by {} at {}", c.proposed_by(), c.proposed_at().format("%Y-%m-%d %H:%M")))
        .heading("history");
    for e in c.events() {
        use billops_domain::credit::CreditAction as A;
        let what = match &e.action {
            A::Proposed => "proposed".to_string(),
            A::Approved => "approved".to_string(),
            A::Rejected => "rejected".to_string(),
            A::Applied { invoice, amount } => format!("applied {} to {invoice}", exact(*amount)),
            A::Reversed { invoice, amount } => format!("reversed {} on {invoice}", exact(*amount)),
            other => format!("{other:?}").to_lowercase(),
        };
        r = r.field(e.at.format("%Y-%m-%d %H:%M").to_string(), format!("{} {what}: {}", e.by, e.reason));
    }
    r
}

pub(crate) fn queue(f: &mut Frame, area: Rect, s: &State, theme: &Theme) {
    match note(&s.panes.credits.data) {
        Ok(n) => list(f, area, s, ViewKey::Credits, "credits: approval queue (proposed first)", n, true, theme),
        Err(e) => failed(f, area, "credits", &e, theme),
    }
}

/// Credits: the approval queue (the existing view) or the cross-check of unreached credits.
pub(crate) fn render(f: &mut Frame, area: Rect, s: &State, theme: &Theme) {
    let cur = s.current_view();
    let [tabs, body] = Layout::vertical([Constraint::Length(1), Constraint::Min(0)]).areas(area);
    f.render_widget(Paragraph::new(sublists(s, &unreached::VIEWS, cur, theme, tabs.width)), tabs);
    let shown = s.panes.credits.detail;
    if cur != ViewKey::Unreached
        && shown.open
        && let Some(id) = s.selected_id(ViewKey::Credits)
        && let Some(c) = s.panes.credits.data.ready().and_then(|d| d.iter().find(|c| c.id.to_string() == id))
    {
        return detail::render(f, body, &record(c), detail::HINT, shown.scroll, theme);
    }
    if cur != ViewKey::Unreached {
        return crate::console::panes::credits::view::queue(f, body, s, theme);
    }
    let p = s.period_or_now();
    let n = match note(&s.panes.credits.unreached) {
        Ok(n) => n,
        Err(e) => return failed(f, body, "unreached credits", &e, theme),
    };
    let name = match s.panes.credits.unreached.ready().map(unreached::counts) {
        Some((0, 0)) => format!("{p}: {} every credit reached a customer invoice", theme.symbols.check),
        Some((sup, fund)) => {
            format!("{p}: {} {sup} supplier credit(s) not passed on · {fund} credit(s) unused", theme.symbols.cross)
        }
        None => format!("{p}: credits that reached no customer invoice"),
    };
    list(f, body, s, cur, &name, n, true, theme);
}
