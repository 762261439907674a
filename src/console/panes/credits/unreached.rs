//! Credits' second list (`v`): the period's credits cross-check (SPEC §2.5) — supplier credits and refunds in
//! the imported data with whether a customer credit passes them through, then approved funding and
//! promotional credits that no issued invoice has used (and the draft that plans to, if any).
use billops_store::UnreachedCredits;

use crate::console::action::{Effect, PaneQuery};
use crate::console::pane::PaneId;
use crate::console::state::{Load, State, ViewKey};
use crate::console::table::{Cell, Column, Mark, Row, TableModel};
use crate::console::theme::Role;

pub const VIEWS: [ViewKey; 2] = [ViewKey::Credits, ViewKey::Unreached];

pub fn load(s: &mut State) -> Vec<Effect> {
    let Some(period) = s.period else { return Vec::new() };
    let req = s.req();
    s.panes.credits.unreached.start(req);
    vec![Effect::Pane { req, q: PaneQuery::Credits(super::io::Query::Unreached { period }) }]
}

pub fn loaded(s: &mut State, req: u64, u: UnreachedCredits) {
    if !s.panes.credits.unreached.waits_for(req) {
        return;
    }
    let model = table(&u);
    s.set_model(ViewKey::Unreached, model);
    s.panes.credits.unreached = Load::Ready(u);
}

pub fn switch_view(s: &mut State) {
    let cur = s.current_view();
    let i = VIEWS.iter().position(|v| *v == cur).unwrap_or(0);
    s.pane_view.insert(PaneId::Credits, VIEWS[(i + 1) % VIEWS.len()]);
}

/// How many supplier credits were not passed through and funding credits not used.
pub fn counts(u: &UnreachedCredits) -> (usize, usize) {
    (u.supplier.iter().filter(|x| !x.reached()).count(), u.unapplied.len())
}

/// `currency_of`: a customer's currency (the console's customer list), for its credits' amounts.
pub fn table(u: &UnreachedCredits) -> TableModel {
    let no = |t: String| Cell::text(t).mark(Mark::Cross).role(Role::Warning);
    let mut rows: Vec<Row> = u
        .supplier
        .iter()
        .enumerate()
        .map(|(i, x)| Row {
            id: format!("s{i}"),
            cells: vec![
                if x.reached() {
                    Cell::text(format!("by {}", x.passed_through_by.join(" "))).mark(Mark::Check).role(Role::Approved)
                } else {
                    no("no".into())
                },
                Cell::text(format!("supplier {}", x.charge_category)),
                Cell::text(x.customer.clone().unwrap_or_else(|| "(unassigned)".into())),
                Cell::money_in(x.amount, &x.currency),
                Cell::text(""),
                Cell::text(&x.service),
                Cell::text(format!("payer {} account {}", x.payer, x.account)),
            ],
            role: None,
        })
        .collect();
    rows.extend(u.unapplied.iter().map(|c| Row {
        id: format!("c{}", c.id),
        cells: vec![
            match c.on_draft {
                Some(id) => no(format!("draft {id}")),
                None => no("no".into()),
            },
            Cell::text(format!("{} {}", c.id, c.kind)),
            Cell::text(&c.customer),
            Cell::money_in(c.amount, &c.currency),
            Cell::money_in(c.remaining, &c.currency),
            Cell::text(""),
            Cell::text(format!("valid {}..{}", c.valid_from, c.valid_to)),
        ],
        role: None,
    }));
    TableModel {
        columns: vec![
            Column::text("reached", 10),
            Column::text("credit", 20),
            Column::text("customer", 12),
            Column::num("amount", 10),
            Column::num("remaining", 10),
            Column::text("service", 10),
            Column::text("where / validity", 36),
        ],
        rows,
        total: None,
    }
}
