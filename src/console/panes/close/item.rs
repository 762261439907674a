//! Enter on a checklist item: the item whole (issue 16) in the shared detail view — the check, its status,
//! why it is ✓ / ✗ (what was counted), every blocker or warning in full, the owner (and the setting that sets
//! it), the close's due day, and what fixes it: the command and the key. Enter again goes where it is fixed
//! (`keys::jump`); Esc returns to the board. The panel under the board stays as the glance.
use billops_domain::close::{CloseItem, ItemStatus};

use super::keys::jump_pane;
use crate::console::keys::Cmd;
use crate::console::pane::PaneId;
use crate::console::state::{State, ViewKey};
use crate::console::theme::{Role, Symbols};
use crate::console::ui::detail::Record;
use crate::month::close::CloseView;
use crate::month::settings::OWNER_KEYS;

/// The selected item of the board (its row id is its index).
pub fn selected<'a>(s: &State, v: &'a CloseView) -> Option<(usize, &'a CloseItem)> {
    let i = s.selected_id(ViewKey::Close)?.parse::<usize>().ok()?;
    v.board.items.get(i).map(|it| (i, it))
}

/// Where Enter on the open detail goes, in words (`enter goes to Imports: feed issues`).
fn go(s: &State, it: &CloseItem) -> String {
    let enter = s.keymap.keys_of(Cmd::Open).first().map(ToString::to_string).unwrap_or_default();
    let (pane, view) = jump_pane(it.jump);
    if view == Some(ViewKey::Variances) {
        let explain = s.keymap.label(Cmd::Explain);
        format!("{enter} opens the variance list ({explain} explains the selected variance)")
    } else if pane == PaneId::Close {
        format!("{} signs off (manager, confirmed)", s.keymap.label(Cmd::SignOff))
    } else {
        let list = view.map(|v| format!(" ({} list)", v.title())).unwrap_or_default();
        format!("{enter} goes to {}{list}, where it is fixed", pane.title())
    }
}

/// The item `i` of the board whole.
pub fn record(s: &State, v: &CloseView, i: usize, it: &CloseItem, sym: &Symbols) -> Record {
    let (status, role) = match it.status {
        ItemStatus::Ok => (format!("{} ok", sym.check), Role::Approved),
        ItemStatus::Warning => (format!("{} warning (does not block the sign-off)", sym.warn), Role::Warning),
        ItemStatus::Blocker => (format!("{} blocker (the period cannot be signed off)", sym.cross), Role::Error),
    };
    let why = if it.basis.is_empty() { "nothing was counted".to_string() } else { it.basis.clone() };
    let setting = OWNER_KEYS.iter().find(|(_, c)| *c == it.check).map(|(k, _)| *k);
    let owner = match (&it.owner, setting) {
        (Some(o), _) => o.clone(),
        (None, Some(k)) => format!("- (nobody yet: {} sets {k})", s.keymap.label(Cmd::Settings)),
        (None, None) => "-".to_string(),
    };
    let c = &v.board.countdown;
    let left = if c.is_overdue() {
        format!("overdue by {} business days", -c.business_days_left)
    } else {
        format!("{} business days left", c.business_days_left)
    };
    let mut r = Record::new(format!("check {} of {} · {}", i + 1, v.board.items.len(), v.board.period))
        .field("check", &it.title)
        .field_as("status", status, role)
        .field(if it.status == ItemStatus::Ok { format!("why {}", sym.check) } else { "counted".into() }, why)
        .field("owner", owner)
        .field("due", format!("{} ({left})", c.due.format("%a %Y-%m-%d")));
    if !it.problems.is_empty() {
        let (label, role) =
            if it.status == ItemStatus::Blocker { ("blocks", Role::Error) } else { ("warns", Role::Warning) };
        r = r.heading(format!("what {label} ({})", it.problems.len()));
        for p in &it.problems {
            r = r.field_as("•", p, role);
        }
    }
    if it.status == ItemStatus::Ok {
        return r.note("nothing to fix");
    }
    r = r.heading("what fixes it");
    if let Some(fix) = &it.fix {
        r = r.field("command", fix);
    }
    r.field("key", go(s, it))
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_item_has_an_owner_setting() {
        for c in billops_domain::close::CheckId::ALL {
            assert!(super::OWNER_KEYS.iter().any(|(_, k)| *k == c), "{c:?}");
        }
    }
}
