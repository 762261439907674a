//! Accounts: linked accounts (unassigned first), payers, and link proposals; assign, propose, approve, reject.
use billops_domain::Period;
use billops_store::NewLinkProposal;
use chrono::NaiveDate;

use crate::console::action::{AccountsData, Effect, WriteOp};
use crate::console::input::{Complete, Field, Form, FormKind};
use crate::console::pane::PaneId;
use crate::console::state::{Load, Mode, State, ViewKey};
use crate::console::table::{Cell, Column, Mark, Row, TableModel};
use crate::console::theme::Role;

pub const VIEWS: [ViewKey; 3] = [ViewKey::Accounts, ViewKey::Proposals, ViewKey::Payers];

pub fn load(s: &mut State) -> Vec<Effect> {
    let req = s.req();
    s.panes.accounts.data = Load::Loading(req);
    vec![Effect::Accounts { req }]
}

pub fn loaded(s: &mut State, req: u64, data: AccountsData) {
    if !s.panes.accounts.data.waits_for(req) {
        return;
    }
    s.set_model(ViewKey::Accounts, accounts_table(&data));
    s.set_model(ViewKey::Proposals, proposals_table(&data));
    s.set_model(ViewKey::Payers, payers_table(&data));
    s.panes.accounts.data = Load::Ready(data);
}

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

pub fn switch_view(s: &mut State) {
    let cur = s.current_view();
    let i = VIEWS.iter().position(|v| *v == cur).unwrap_or(0);
    s.pane_view.insert(PaneId::Accounts, VIEWS[(i + 1) % VIEWS.len()]);
}

fn default_from(s: &State) -> NaiveDate {
    s.period.map_or_else(|| Period::of_date(s.now.date_naive()).start(), Period::start)
}

fn selected_account(s: &mut State) -> Option<billops_store::LinkedAccount> {
    if s.current_view() != ViewKey::Accounts {
        s.warn("select an account in the accounts list first (v switches lists)");
        return None;
    }
    let id = s.selected_id(ViewKey::Accounts)?;
    s.panes.accounts.data.ready().and_then(|d| d.accounts.iter().find(|a| a.id == id).cloned())
}

/// `e` / Enter: the assign form.
pub fn edit(s: &mut State) -> Vec<Effect> {
    if let Some(why) = s.write_refusal() {
        s.warn(why);
        return Vec::new();
    }
    let Some(a) = selected_account(s) else { return Vec::new() };
    let from = default_from(s).to_string();
    let form = Form::new(
        FormKind::Assign { account: a.id.clone() },
        format!("assign account {} ({}) to a customer", a.id, a.name),
        vec![
            Field::new("customer", a.customer.as_deref().unwrap_or(""), Complete::Customers),
            Field::new("effective from", &from, Complete::None),
        ],
    );
    s.mode = Mode::Form(form);
    Vec::new()
}

/// `p`: the propose-link form.
pub fn propose(s: &mut State) -> Vec<Effect> {
    if let Some(why) = s.write_refusal() {
        s.warn(why);
        return Vec::new();
    }
    let Some(a) = selected_account(s) else { return Vec::new() };
    let from = default_from(s).to_string();
    let form = Form::new(
        FormKind::Propose { account: a.id.clone() },
        format!("propose linking account {} ({})", a.id, a.name),
        vec![
            Field::new("payer", &a.payer, Complete::Payers),
            Field::new("customer", a.customer.as_deref().unwrap_or(""), Complete::Customers),
            Field::new("effective from", &from, Complete::None),
        ],
    );
    s.mode = Mode::Form(form);
    Vec::new()
}

/// `a` / `r`: approve or reject the selected open proposal, with a reason.
pub fn decide(s: &mut State, approve: bool) -> Vec<Effect> {
    if let Some(why) = s.approve_refusal() {
        s.warn(why);
        return Vec::new();
    }
    if s.current_view() != ViewKey::Proposals {
        s.pane_view.insert(PaneId::Accounts, ViewKey::Proposals);
        s.info("showing link proposals: select one and press the key again");
        return Vec::new();
    }
    let Some(id) = s.selected_id(ViewKey::Proposals).and_then(|i| i.parse::<i64>().ok()) else {
        s.warn("no proposal selected");
        return Vec::new();
    };
    let Some(p) = s.panes.accounts.data.ready().and_then(|d| d.proposals.iter().find(|p| p.id == id).cloned()) else {
        return Vec::new();
    };
    if p.status != "proposed" {
        s.warn(format!("proposal {id} is already {}", p.status));
        return Vec::new();
    }
    let verb = if approve { "approve" } else { "reject" };
    s.mode = Mode::Form(Form::new(
        FormKind::Decide { id, approve },
        format!("{verb} proposal {id}: link {} to payer {} for {}", p.account, p.payer, p.customer),
        vec![Field::new("reason", "", Complete::None)],
    ));
    Vec::new()
}

/// Turn a submitted form into a write, or an error shown in the form.
pub fn submit(s: &mut State, kind: &FormKind, values: &[String]) -> Result<WriteOp, String> {
    let customers: Vec<String> = s
        .panes
        .accounts
        .data
        .ready()
        .map(|d| d.customers.iter().map(|c| c.code.clone()).collect())
        .or_else(|| s.panes.customers.data.ready().map(|d| d.customers.iter().map(|c| c.code.clone()).collect()))
        .unwrap_or_default();
    let check_customer = |c: &str| -> Result<String, String> {
        if c.is_empty() {
            return Err("customer: required".into());
        }
        if !customers.is_empty() && !customers.iter().any(|k| k == c) {
            return Err(format!("customer: no customer {c:?} (Tab completes)"));
        }
        Ok(c.to_string())
    };
    let date = |t: &str| -> Result<NaiveDate, String> {
        NaiveDate::parse_from_str(t, "%Y-%m-%d")
            .map_err(|_| format!("effective from: {t:?} is not a date (YYYY-MM-DD)"))
    };
    let get = |i: usize| values.get(i).cloned().unwrap_or_default();
    match kind {
        FormKind::Assign { account } => {
            Ok(WriteOp::Assign { account: account.clone(), customer: check_customer(&get(0))?, from: date(&get(1))? })
        }
        FormKind::Propose { account } => {
            let payer = get(0);
            if payer.is_empty() {
                return Err("payer: required".into());
            }
            Ok(WriteOp::Propose(NewLinkProposal {
                account: account.clone(),
                payer,
                customer: check_customer(&get(1))?,
                from: date(&get(2))?,
            }))
        }
        FormKind::Decide { id, approve } => {
            let reason = get(0);
            if !approve && reason.is_empty() {
                return Err("reason: required to reject".into());
            }
            Ok(WriteOp::Decide { id: *id, approve: *approve, reason })
        }
        _ => Err("not an accounts form".into()),
    }
}

pub fn customer_codes(s: &State) -> Vec<String> {
    let from_accounts = s.panes.accounts.data.ready().map(|d| d.customers.iter().map(|c| c.code.clone()).collect::<Vec<_>>());
    let from_customers = s.panes.customers.data.ready().map(|d| d.customers.iter().map(|c| c.code.clone()).collect());
    from_accounts.or(from_customers).unwrap_or_default()
}

pub fn payer_ids(s: &State) -> Vec<String> {
    let from_recon = || s.panes.recon.data.ready().map(|d| d.tie_outs.iter().map(|t| t.input.payer.clone()).collect());
    s.panes.accounts
        .data
        .ready()
        .map(|d| d.payers.iter().map(|p| p.id.clone()).collect())
        .or_else(from_recon)
        .unwrap_or_default()
}

// ---- the pane's duties (registered in `panes!`) ----
pub use crate::console::pane::no_io as io;
use crate::console::keys::Cmd;
use crate::console::pane::{Failure, Invalidate, KeyScope, Pane};
use crate::console::panes::fail;
use crate::console::state::State as State_;

/// The pane's own state (a field of `State::panes`).
pub use crate::console::state::AccountsPane as PaneState;

/// Linked accounts, link proposals and payers.
pub struct Accounts;

const ACCT: &[Cmd] = &[Cmd::Open, Cmd::Back, Cmd::Edit, Cmd::Propose, Cmd::Approve, Cmd::Reject, Cmd::SwitchView];

impl Pane for Accounts {
    fn title(&self) -> &'static str {
        "Accounts"
    }
    fn short(&self) -> &'static str {
        "Accts"
    }
    fn slug(&self) -> &'static str {
        "accounts"
    }
    fn goto(&self) -> char {
        'a'
    }
    fn ensure(&self, s: &mut State_) -> Vec<Effect> {
        if s.panes.accounts.data.is_idle() { load(s) } else { Vec::new() }
    }
    fn invalidate(&self, s: &mut State_, why: Invalidate) {
        if why == Invalidate::Written {
            s.panes.accounts.data = Load::Idle;
        }
    }
    fn failed(&self, s: &mut State_, req: u64, e: &crate::console::refusal::EffectError) -> Failure {
        fail(&mut s.panes.accounts.data, req, e)
    }
    fn keys(&self) -> &'static [KeyScope] {
        &[KeyScope { screen: "lists", cmds: ACCT }]
    }
    fn screen(&self, _s: &State_) -> &'static str {
        "lists"
    }
    fn current_view(&self, s: &State_) -> ViewKey {
        s.pane_view.get(&PaneId::Accounts).copied().unwrap_or(ViewKey::Accounts)
    }
    fn cmd(&self, s: &mut State_, c: Cmd) -> Option<Vec<Effect>> {
        Some(match c {
            Cmd::Open if self.current_view(s) == ViewKey::Accounts => edit(s),
            Cmd::Open => Vec::new(),
            Cmd::SwitchView => {
                switch_view(s);
                Vec::new()
            }
            Cmd::Edit => edit(s),
            Cmd::Propose => propose(s),
            Cmd::Approve => decide(s, true),
            Cmd::Reject => decide(s, false),
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
        crate::console::ui::panes::accounts(f, area, s, theme)
    }
}
