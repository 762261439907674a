//! The credits pane: what its keys do, per screen.
use billops_domain::credit::{ApprovalPolicy, CreditStatus};
use crate::console::action::Effect;
use crate::console::action::FormKind;
use crate::console::input::{Complete, Field, Form};
use crate::console::state::{Mode, State, ViewKey};

/// The policy the console and the store apply (the configured threshold).
pub fn policy(s: &State) -> Option<ApprovalPolicy> {
    s.settings.approval_policy().ok()
}

/// `a` / `r`: approve or reject the selected proposed credit, with a reason.
pub fn decide(s: &mut State, approve: bool) -> Vec<Effect> {
    if let Some(why) = s.approve_refusal() {
        s.warn(why);
        return Vec::new();
    }
    if s.current_view() != ViewKey::Credits {
        s.warn("approvals work on the credits list (v switches lists)");
        return Vec::new();
    }
    let Some(id) = s.selected_id(ViewKey::Credits).and_then(|i| i.parse::<i64>().ok()) else {
        s.warn("no credit selected");
        return Vec::new();
    };
    let Some(sc) = s.panes.credits.data.ready().and_then(|d| d.iter().find(|c| c.id == id).cloned()) else {
        return Vec::new();
    };
    let c = &sc.credit;
    if c.status() != CreditStatus::Proposed {
        s.warn(format!("credit {} is already {:?}", c.id(), c.status()).to_lowercase());
        return Vec::new();
    }
    if approve && c.proposed_by() == s.user.name && policy(s).is_none_or(|p| p.needs_second_person(c.amount().amount)) {
        s.error(format!(
            "you proposed credit {} ({} over the {} threshold): another manager must approve (maker-checker)",
            c.id(),
            c.amount(),
            s.settings.credit_approval_threshold
        ));
        return Vec::new();
    }
    let verb = if approve { "approve" } else { "reject" };
    s.mode = Mode::Form(Form::new(
        FormKind::Credits(super::form::Kind::Decide { id, approve, version: sc.version }),
        format!("{verb} credit {}: {} {} for {}", c.id(), c.kind(), c.amount(), c.customer()),
        vec![Field::new(super::form::DecideForm::REASON, "", Complete::None)],
    ));
    Vec::new()
}
