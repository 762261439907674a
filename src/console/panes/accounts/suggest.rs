//! The Accounts pane's customer suggestions from Azure partner fields (issue 13): a line under the accounts
//! list for the selected unassigned account ("suggested: CUSTOMER (why) · t takes it"), and `t`, which takes
//! it through the store's one-transaction path (`PartnerMapping::apply_partner_suggestions` for that account):
//! a manager's becomes an assignment (a new customer created first), an operator's a link proposal. Loaded with
//! the pane's one read; nothing here touches the store on the render path.
use billops_domain::partner::Suggestion;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::io::{AccountsData, Write};
use crate::console::action::{Effect, PaneWrite};
use crate::console::panes::write;
use crate::console::state::{State, ViewKey};
use crate::console::theme::{Role, Theme};

/// The suggestion for account `id`, if it has one.
pub fn for_account<'a>(d: &'a AccountsData, id: &str) -> Option<&'a Suggestion> {
    d.suggestions.iter().find(|x| x.account == id)
}

/// The selected account's suggestion (accounts list only).
pub fn selected(s: &State) -> Option<&Suggestion> {
    if s.current_view() != ViewKey::Accounts {
        return None;
    }
    let id = s.selected_id(ViewKey::Accounts)?;
    for_account(s.panes.accounts.data.ready()?, &id)
}

/// The line shown under the accounts list for the selected account's suggestion.
pub fn line(x: &Suggestion, can_approve: bool) -> String {
    let take = if can_approve { "t assigns" } else { "t proposes" };
    format!("suggested: {} · from Azure partner fields · {take}", x.text())
}

/// Split `area` for the list and, when the selected account has a suggestion, draw its line under it; returns
/// the list's area.
pub fn render_line(f: &mut Frame, area: Rect, s: &State, theme: &Theme) -> Rect {
    let Some(x) = selected(s).filter(|_| area.height > 3) else { return area };
    let [list, below] = Layout::vertical([Constraint::Min(0), Constraint::Length(1)]).areas(area);
    let text = billops_domain::text::visible(&line(x, s.user.role.can_approve())).into_owned();
    f.render_widget(Paragraph::new(Line::from(Span::styled(text, theme.style(Role::Pending)))), below);
    list
}

/// `t`: take the selected account's suggestion (a manager assigns, an operator proposes; viewers are refused).
pub fn take(s: &mut State) -> Vec<Effect> {
    if let Some(why) = s.write_refusal() {
        s.warn(why);
        return Vec::new();
    }
    let Some(a) = super::keys::selected_account(s) else { return Vec::new() };
    let Some(x) = s.panes.accounts.data.ready().and_then(|d| for_account(d, &a.id)).cloned() else {
        s.warn(format!(
            "no suggestion for account {}: only unassigned accounts with Azure partner fields (customerTenantId, \
             customerName) and no open proposal have one",
            a.id
        ));
        return Vec::new();
    };
    let from = super::keys::default_from(s);
    write(s, PaneWrite::Accounts(Write::TakeSuggestion { account: x.account, from }))
}

/// What taking a suggestion did, in words.
pub fn done_text(done: &billops_store::PartnerApplied) -> String {
    let Some(x) = done.taken.first() else {
        return "nothing taken: the account has no suggestion any more (reloaded)".into();
    };
    let created =
        if done.created.is_empty() { String::new() } else { format!("customer {} created; ", done.created.join(", ")) };
    match done.mapped.proposed.first() {
        Some(id) => format!("{created}proposal {id} recorded: {} → {} (a manager approves)", x.account, x.customer),
        None => format!("{created}account {} assigned to {}", x.account, x.customer),
    }
}
