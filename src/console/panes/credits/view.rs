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
    f.render_widget(Paragraph::new(sublists(s, &unreached::VIEWS, cur, theme)), tabs);
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
