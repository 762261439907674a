//! Multi-select in the Accounts pane (issue 14): `space` marks or unmarks the selected account (a `*` in the
//! list's first column) and moves on, `*` marks every account the list shows (the filter applies), `u`
//! clears the marks. With marks, the assign key `e` acts on them: a form (customer, completed like `:cust`;
//! effective from), then a confirmation that says how many accounts move to which customer and from whom,
//! then one write through the store's bulk path (`Accounts::assign_accounts`, one transaction): a manager's
//! marks are assigned, an operator's become link proposals, a viewer is refused before anything.
use std::collections::BTreeSet;

use billops_store::BulkAssigned;
use chrono::NaiveDate;

use super::form::{CUSTOMER, FROM, Kind};
use super::io::{AccountsData, Write};
use crate::console::action::{Effect, FormKind, PaneWrite};
use crate::console::input::{Complete, Field, FieldError, Form};
use crate::console::panes::write;
use crate::console::state::{Mode, State, ViewKey};
use crate::console::table::{Cell, Column, TableModel};
use crate::console::theme::Role;

/// The mark column's header and a marked row's cell.
const MARK: &str = "*";

/// The accounts list with the mark column first.
pub fn table(d: &AccountsData, marks: &BTreeSet<String>) -> TableModel {
    let mut m = super::view::accounts_table(d);
    m.columns.insert(0, Column::code(MARK, 1));
    for r in &mut m.rows {
        r.cells.insert(0, cell(marks.contains(&r.id)));
    }
    m
}

fn cell(marked: bool) -> Cell {
    if marked { Cell::text(MARK).role(Role::Key) } else { Cell::text("") }
}

/// Redraw the mark cells from the marks (no reload, selection and filter kept).
fn refresh(s: &mut State) {
    let marks = s.panes.accounts.marks.clone();
    let v = s.view_mut(ViewKey::Accounts);
    for r in &mut v.model.rows {
        if let Some(c) = r.cells.first_mut() {
            *c = cell(marks.contains(&r.id));
        }
    }
}

/// Keep only the marks of accounts that still exist (after a reload).
pub fn prune(s: &mut State, d: &AccountsData) {
    let ids: BTreeSet<&str> = d.accounts.iter().map(|a| a.id.as_str()).collect();
    s.panes.accounts.marks.retain(|m| ids.contains(m.as_str()));
}

/// Marks are for assigning: refused for a viewer, and outside the accounts list.
fn may_mark(s: &mut State) -> bool {
    if let Some(why) = s.write_refusal() {
        s.warn(format!("{why}: marks are for assigning accounts"));
        return false;
    }
    if s.current_view() != ViewKey::Accounts {
        s.warn("marks are for the accounts list (v switches lists)");
        return false;
    }
    true
}

/// `space`: mark or unmark the selected account, then move to the next row.
pub fn toggle(s: &mut State) -> Vec<Effect> {
    if !may_mark(s) {
        return Vec::new();
    }
    let Some(id) = s.selected_id(ViewKey::Accounts) else { return Vec::new() };
    let marks = &mut s.panes.accounts.marks;
    if !marks.remove(&id) {
        marks.insert(id);
    }
    refresh(s);
    s.view_mut(ViewKey::Accounts).vs.move_by(1);
    said(s);
    Vec::new()
}

/// `*`: mark every account the list shows (the filter applies).
pub fn mark_shown(s: &mut State) -> Vec<Effect> {
    if !may_mark(s) {
        return Vec::new();
    }
    let shown: Vec<String> = s
        .view(ViewKey::Accounts)
        .map(|v| v.vs.visible.iter().filter_map(|&i| v.model.rows.get(i)).map(|r| r.id.clone()).collect())
        .unwrap_or_default();
    s.panes.accounts.marks.extend(shown);
    refresh(s);
    said(s);
    Vec::new()
}

/// `u`: clear every mark.
pub fn clear(s: &mut State) -> Vec<Effect> {
    let n = std::mem::take(&mut s.panes.accounts.marks).len();
    refresh(s);
    s.info(if n == 0 { "no marks to clear".to_string() } else { format!("{n} mark(s) cleared") });
    Vec::new()
}

fn said(s: &mut State) {
    let n = s.panes.accounts.marks.len();
    let e = s.keymap.label(crate::console::keys::Cmd::Edit);
    let u = s.keymap.label(crate::console::keys::Cmd::ClearMarks);
    s.info(format!("{n} account(s) marked: {e} assigns them to one customer, {u} clears the marks"));
}

/// The list's title while marks exist.
pub fn title_note(s: &State) -> Option<String> {
    let n = s.panes.accounts.marks.len();
    (n > 0).then(|| format!("{n} marked: {} assigns them", s.keymap.label(crate::console::keys::Cmd::Edit)))
}

/// `e` with marks: the form for all of them (customer, effective from).
pub fn assign(s: &mut State) -> Vec<Effect> {
    if let Some(why) = s.write_refusal() {
        s.warn(why);
        return Vec::new();
    }
    let accounts: Vec<String> = s.panes.accounts.marks.iter().cloned().collect();
    let n = accounts.len();
    let title = if s.user.role.can_approve() {
        format!("assign the {n} marked account(s) to one customer")
    } else {
        format!("you are an operator: propose assigning the {n} marked account(s) to one customer; a manager approves")
    };
    let from = super::keys::default_from(s).to_string();
    s.mode = Mode::Form(Form::new(
        FormKind::Accounts(Kind::AssignMarked { accounts }),
        title,
        vec![Field::new(CUSTOMER, "", Complete::Customers), Field::new(FROM, &from, Complete::None)],
    ));
    Vec::new()
}

/// The customer typed, as the known code (case-insensitive, like `:cust`).
fn customer(s: &State, typed: &str) -> Result<String, FieldError> {
    let typed = typed.trim();
    if typed.is_empty() {
        return Err(FieldError::at(CUSTOMER, "customer: required (Tab completes)"));
    }
    let codes = super::customer_codes(s);
    if codes.is_empty() {
        return Ok(typed.to_string());
    }
    codes
        .into_iter()
        .find(|c| c.eq_ignore_ascii_case(typed))
        .ok_or_else(|| FieldError::at(CUSTOMER, format!("customer: no customer {typed:?} (Tab completes)")))
}

fn from(t: &str) -> Result<NaiveDate, FieldError> {
    NaiveDate::parse_from_str(t.trim(), "%Y-%m-%d")
        .map_err(|_| FieldError::at(FROM, format!("effective from: {t:?} is not a date (YYYY-MM-DD)")))
}

/// The form read: the confirmation says how many accounts move to which customer, and from whom.
pub fn confirm(s: &mut State, accounts: &[String], f: &Form) -> Result<Vec<Effect>, FieldError> {
    let customer = customer(s, &f.get(CUSTOMER))?;
    let from = from(&f.get(FROM))?;
    let now = |id: &String| {
        s.panes.accounts.data.ready().and_then(|d| d.accounts.iter().find(|a| &a.id == id)).and_then(|a| a.customer.clone())
    };
    let (mut unassigned, mut already) = (0usize, 0usize);
    let mut others: std::collections::BTreeMap<String, usize> = std::collections::BTreeMap::new();
    for a in accounts {
        match now(a) {
            None => unassigned += 1,
            Some(c) if c == customer => already += 1,
            Some(c) => *others.entry(c).or_default() += 1,
        }
    }
    let mut now_with: Vec<String> = Vec::new();
    if unassigned > 0 {
        now_with.push(format!("{unassigned} unassigned"));
    }
    now_with.extend(others.iter().map(|(c, n)| format!("{n} from {c}")));
    if already > 0 {
        now_with.push(format!("{already} already with {customer}"));
    }
    let n = accounts.len();
    let title = if s.user.role.can_approve() {
        format!(
            "assign {n} account(s) to {customer} from {from}? ({}); their cost from that day moves to {customer}, \
             all in one transaction. enter assigns, esc cancels",
            now_with.join(", ")
        )
    } else {
        format!(
            "propose assigning {n} account(s) to {customer} from {from}? ({}); nothing moves until a manager approves \
             each. enter proposes, esc cancels",
            now_with.join(", ")
        )
    };
    s.mode = Mode::Form(Form::new(
        FormKind::Accounts(Kind::ConfirmMarked { accounts: accounts.to_vec(), customer, from }),
        title,
        Vec::new(),
    ));
    Ok(Vec::new())
}

/// Enter on the confirmation: the one write; the marks go with it (back if the store refuses it).
pub fn send(s: &mut State, accounts: &[String], customer: &str, from: NaiveDate) -> Vec<Effect> {
    let w = Write::AssignMarked { accounts: accounts.to_vec(), customer: customer.to_string(), from };
    let fx = write(s, PaneWrite::Accounts(w));
    if let Some(req) = fx.iter().find_map(|e| match e {
        Effect::Write { req, .. } => Some(*req),
        _ => None,
    }) {
        let marks = std::mem::take(&mut s.panes.accounts.marks);
        s.panes.accounts.sent = Some((req, marks));
        refresh(s);
        // One transaction with nothing to count (24 s for 1,000 accounts on a 10M-row month): say it is under
        // way until the answer replaces this line.
        let what = if s.user.role.can_approve() { "assigning" } else { "proposing" };
        s.info(format!("{what} {} account(s) to {customer} from {from} in one transaction …", accounts.len()));
    }
    fx
}

/// A refused bulk write gives the marks back.
pub fn refused(s: &mut State, req: u64) {
    if let Some((_, marks)) = s.panes.accounts.sent.take_if(|(r, _)| *r == req) {
        s.panes.accounts.marks = marks;
        refresh(s);
    }
}

/// What the bulk write did, in one line.
pub fn done_text(accounts: usize, customer: &str, from: NaiveDate, out: &BulkAssigned) -> String {
    if out.proposed.is_empty() {
        format!(
            "assigned {} account(s) to {customer} from {from}; cost moved in {} import batch × period(s)",
            out.assigned, out.rebuilt
        )
    } else {
        let ids: Vec<String> = out.proposed.iter().map(ToString::to_string).collect();
        format!(
            "proposed {} link(s) of {accounts} account(s) to {customer} from {from} (proposals {}); a manager \
             approves them in the proposals list",
            out.proposed.len(),
            ids.join(", ")
        )
    }
}

/// The store names a refused row by its line (`line 3: …`, as for a mapping file): say the account instead.
pub fn name_the_account(e: billops_store::StoreError, accounts: &[String]) -> billops_store::StoreError {
    use billops_store::StoreError;
    let rename = |m: String| {
        for (i, a) in accounts.iter().enumerate() {
            if let Some(rest) = m.strip_prefix(&format!("line {}: ", i + 1)) {
                return format!("account {a}: {rest}");
            }
        }
        m
    };
    match e {
        StoreError::Invalid(m) => StoreError::Invalid(rename(m)),
        other => other,
    }
}
