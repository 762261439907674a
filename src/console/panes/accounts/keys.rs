//! The accounts pane: what its keys do, per screen.
use billops_domain::Period;
use chrono::NaiveDate;
use crate::console::action::Effect;
use super::form::{CUSTOMER, FROM, Kind, PAYER, REASON};
use crate::console::action::FormKind;
use crate::console::input::{Complete, Field, Form};
use crate::console::pane::PaneId;
use crate::console::state::{Mode, State, ViewKey};

pub const VIEWS: [ViewKey; 3] = [ViewKey::Accounts, ViewKey::Proposals, ViewKey::Payers];

pub fn switch_view(s: &mut State) {
    let cur = s.current_view();
    let i = VIEWS.iter().position(|v| *v == cur).unwrap_or(0);
    s.pane_view.insert(PaneId::Accounts, VIEWS[(i + 1) % VIEWS.len()]);
}

pub(super) fn default_from(s: &State) -> NaiveDate {
    s.period.map_or_else(|| Period::of_date(s.now.date_naive()).start(), Period::start)
}

pub(super) fn selected_account(s: &mut State) -> Option<billops_store::LinkedAccount> {
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
    if !s.user.role.can_approve() {
        // Moving an account moves revenue: for an operator every assignment is a proposal.
        let form = Form::new(
            FormKind::Accounts(super::form::Kind::Propose { account: a.id.clone() }),
            format!("you are an operator: propose assigning account {} ({}); a manager approves", a.id, a.name),
            vec![
                Field::new("payer", &a.payer, Complete::Payers),
                Field::new("customer", a.customer.as_deref().unwrap_or(""), Complete::Customers),
                Field::new("effective from", &from, Complete::None),
            ],
        );
        s.mode = Mode::Form(form);
        return Vec::new();
    }
    let form = Form::new(
        FormKind::Accounts(Kind::Assign { account: a.id.clone() }),
        format!("assign account {} ({}) to a customer", a.id, a.name),
        vec![
            Field::new(CUSTOMER, a.customer.as_deref().unwrap_or(""), Complete::Customers),
            Field::new(FROM, &from, Complete::None),
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
        FormKind::Accounts(Kind::Propose { account: a.id.clone() }),
        format!("propose linking account {} ({})", a.id, a.name),
        vec![
            Field::new(PAYER, &a.payer, Complete::Payers),
            Field::new(CUSTOMER, a.customer.as_deref().unwrap_or(""), Complete::Customers),
            Field::new(FROM, &from, Complete::None),
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
        FormKind::Accounts(Kind::Decide { id, approve }),
        format!("{verb} proposal {id}: link {} to payer {} for {}", p.account, p.payer, p.customer),
        vec![Field::new(REASON, "", Complete::None)],
    ));
    Vec::new()
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

/// `N`: name the selected linked account, or the selected payer in the payers list.
pub fn name(s: &mut State) -> Vec<Effect> {
    if let Some(why) = s.write_refusal() {
        s.warn(why);
        return Vec::new();
    }
    let payer = s.current_view() == ViewKey::Payers;
    let (id, current) = if payer {
        let Some(id) = s.selected_id(ViewKey::Payers) else { return Vec::new() };
        let name = s.panes.accounts.data.ready().and_then(|d| d.payers.iter().find(|p| p.id == id)).map(|p| p.name.clone());
        (id, name.unwrap_or_default())
    } else {
        let Some(a) = selected_account(s) else { return Vec::new() };
        (a.id, a.name)
    };
    let what = if payer { "payer" } else { "linked account" };
    let form = Form::new(
        FormKind::Accounts(super::form::Kind::NameAccount { payer, id: id.clone() }),
        format!("name {what} {id} (audited)"),
        vec![Field::new("name", &current, Complete::None)],
    );
    s.mode = Mode::Form(form);
    Vec::new()
}
