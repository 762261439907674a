//! The accounts pane's render (state in, frame out) and its tables.
use crate::console::ui::detail::{self, Record};
use crate::console::ui::widgets::failed;
use crate::console::ui::widgets::list;
use crate::console::ui::widgets::note;
use crate::console::ui::widgets::sublists;
use crate::console::panes::accounts;
use crate::console::state::State;
use crate::console::state::ViewKey;
use crate::console::theme::Role;
use crate::console::theme::Theme;
use ratatui::Frame;
use ratatui::layout::Constraint;
use ratatui::layout::Layout;
use ratatui::layout::Rect;
use ratatui::widgets::Paragraph;
use super::io::AccountsData;
use crate::console::table::Cell;
use crate::console::table::Column;
use crate::console::table::Mark;
use crate::console::table::Row;
use crate::console::table::TableModel;

pub fn accounts_table(d: &AccountsData) -> TableModel {
    let mut accts: Vec<&billops_store::LinkedAccount> = d.accounts.iter().collect();
    accts.sort_by(|a, b| a.customer.is_some().cmp(&b.customer.is_some()).then(a.id.cmp(&b.id)));
    let rows = accts
        .into_iter()
        .map(|a| {
            let (cust, role) = match &a.customer {
                Some(c) => (Cell::text(c), None),
                None => (Cell::text("unassigned").mark(Mark::Cross).role(Role::Warning), Some(Role::Warning)),
            };
            Row {
                id: a.id.clone(),
                cells: vec![
                    Cell::text(&a.id),
                    Cell::text(&a.name),
                    Cell::text(&a.payer),
                    cust,
                    Cell::text(a.first_seen.format("%Y-%m-%d").to_string()),
                ],
                role,
            }
        })
        .collect();
    TableModel {
        columns: vec![
            Column::text("account", 14),
            Column::text("name", 20),
            Column::text("payer", 14),
            Column::text("customer", 14),
            Column::text("first seen", 10),
        ],
        rows,
        total: None,
    }
}

pub fn proposals_table(d: &AccountsData) -> TableModel {
    let mut ps: Vec<&billops_store::LinkProposal> = d.proposals.iter().collect();
    ps.sort_by(|a, b| (a.status != "proposed").cmp(&(b.status != "proposed")).then(b.id.cmp(&a.id)));
    let rows = ps
        .into_iter()
        .map(|p| {
            let status = match p.status.as_str() {
                "approved" => Cell::text("approved").mark(Mark::Check).role(Role::Approved),
                "rejected" => Cell::text("rejected").mark(Mark::Cross).role(Role::Rejected),
                other => Cell::text(other).mark(Mark::Open).role(Role::Pending),
            };
            Row {
                id: p.id.to_string(),
                cells: vec![
                    Cell::int(p.id),
                    status,
                    Cell::text(&p.account),
                    Cell::text(&p.payer),
                    Cell::text(&p.customer),
                    Cell::text(p.from.to_string()),
                    Cell::text(&p.proposed_by),
                    Cell::text(p.decided_by.clone().unwrap_or_default()),
                ],
                role: None,
            }
        })
        .collect();
    TableModel {
        columns: vec![
            Column::num("id", 4),
            Column::text("status", 10),
            Column::text("account", 14),
            Column::text("payer", 14),
            Column::text("customer", 10),
            Column::text("from", 10),
            Column::text("by", 8),
            Column::text("decided", 8),
        ],
        rows,
        total: None,
    }
}

pub fn payers_table(d: &AccountsData) -> TableModel {
    let rows = d
        .payers
        .iter()
        .map(|p| Row {
            id: p.id.clone(),
            cells: vec![Cell::text(&p.id), Cell::text(&p.name), Cell::int(p.account_count)],
            role: None,
        })
        .collect();
    TableModel {
        columns: vec![Column::text("payer", 14), Column::text("name", 30), Column::num("accounts", 8)],
        rows,
        total: None,
    }
}

pub(crate) fn render(f: &mut Frame, area: Rect, s: &State, theme: &Theme) {
    let cur = s.current_view();
    let [tabs, body] = Layout::vertical([Constraint::Length(1), Constraint::Min(0)]).areas(area);
    f.render_widget(Paragraph::new(sublists(s, &accounts::VIEWS, cur, theme, tabs.width)), tabs);
    let shown = s.panes.accounts.detail;
    if shown.open
        && let Some(r) = s.panes.accounts.data.ready().and_then(|d| row_record(d, cur, &s.selected_id(cur)?))
    {
        return detail::render(f, body, &r, detail::HINT, shown.scroll, theme);
    }
    match note(&s.panes.accounts.data) {
        Ok(n) => {
            let name = match cur {
                ViewKey::Accounts => {
                    let un = s
                        .panes
                        .accounts
                        .data
                        .ready()
                        .map(|d| d.accounts.iter().filter(|a| a.customer.is_none()).count());
                    match (super::marks::title_note(s), un) {
                        (Some(m), _) => format!("linked accounts ({m})"),
                        (None, Some(u)) if u > 0 => format!("linked accounts ({u} unassigned first)"),
                        _ => "linked accounts".into(),
                    }
                }
                ViewKey::Proposals => "link proposals".into(),
                _ => "payer accounts".into(),
            };
            let body = super::suggest::render_line(f, body, s, theme);
            list(f, body, s, cur, &name, n, true, theme);
        }
        Err(e) => failed(f, body, "accounts", &e, theme),
    }
}

/// The selected proposal or payer whole: who proposed and decided it when, and why; a payer's name and its
/// accounts with their customers.
pub fn row_record(d: &AccountsData, view: ViewKey, id: &str) -> Option<Record> {
    let at = |t: chrono::DateTime<chrono::Utc>| t.format("%Y-%m-%d %H:%M").to_string();
    match view {
        ViewKey::Proposals => {
            let p = d.proposals.iter().find(|p| p.id.to_string() == id)?;
            let name = d.accounts.iter().find(|a| a.id == p.account).map(|a| a.name.clone()).unwrap_or_default();
            let decided = match (&p.decided_by, p.decided_at) {
                (Some(by), Some(t)) => format!("{} by {by}", at(t)),
                (Some(by), None) => by.clone(),
                _ => "not yet: a manager approves (a) or rejects (r)".into(),
            };
            Some(
                Record::new(format!("link proposal {}", p.id))
                    .field("status", &p.status)
                    .field("account", format!("{} {name}", p.account).trim().to_string())
                    .field("payer", &p.payer)
                    .field("customer", &p.customer)
                    .field("from", p.from.to_string())
                    .field("proposed", format!("{} by {}", at(p.proposed_at), p.proposed_by))
                    .field("decided", decided)
                    .field("reason", p.reason.clone().unwrap_or_default()),
            )
        }
        ViewKey::Payers => {
            let p = d.payers.iter().find(|p| p.id == id)?;
            let mut r = Record::new(format!("payer {}", p.id))
                .field("name", &p.name)
                .field("accounts", p.account_count.to_string())
                .heading("linked accounts");
            for a in d.accounts.iter().filter(|a| a.payer == p.id) {
                let who = a.customer.clone().unwrap_or_else(|| "unassigned".into());
                r = r.field(&a.id, format!("{} · {who} · first seen {}", a.name, at(a.first_seen)));
            }
            Some(r)
        }
        _ => None,
    }
}
