//! Every registered pane does every duty: this test visits `PaneId::ALL` (the `panes!` list), so a pane
//! added there is checked without editing this file.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod console_common;

use std::collections::BTreeSet;

use billops::console::action::{Action, Effect};
use billops::console::keys::{BINDINGS, Keymap, Scope};
use billops::console::pane::{Invalidate, PaneId};
use billops::console::panes;
use billops::console::update;
use billops_domain::Role;
use console_common::*;

fn reqs(fx: &[Effect]) -> Vec<u64> {
    // Every effect but Quit carries `req`; read it from the Debug form to stay independent of variants.
    fx.iter()
        .filter_map(|e| {
            let d = format!("{e:?}");
            let i = d.find("req: ")? + 5;
            d[i..].split(|c: char| !c.is_ascii_digit()).next()?.parse().ok()
        })
        .collect()
}

#[test]
fn names_slugs_and_goto_letters_are_unique() {
    let mut slugs = BTreeSet::new();
    let mut letters = BTreeSet::new();
    for p in PaneId::ALL {
        let pane = p.pane();
        assert!(!pane.title().is_empty() && !pane.short().is_empty(), "{p:?}");
        assert!(pane.short().chars().count() <= pane.title().chars().count(), "{p:?}");
        assert!(slugs.insert(pane.slug()), "slug {} twice", pane.slug());
        assert_eq!(PaneId::from_slug(pane.slug()), Some(*p));
        let g = pane.goto();
        assert!(g.is_ascii_lowercase(), "{p:?}: goto {g:?}");
        assert!(letters.insert(g), "goto letter {g} twice");
        assert_eq!(PaneId::from_goto(g), Some(*p));
    }
}

#[test]
fn every_key_a_pane_lists_has_a_binding_with_help_text() {
    let km = Keymap::default();
    for p in PaneId::ALL {
        let pane = p.pane();
        assert!(!pane.keys().is_empty(), "{p:?} has no key scope");
        for scope in pane.keys() {
            assert!(!scope.screen.is_empty());
            for c in scope.cmds {
                let b = BINDINGS.iter().find(|b| b.cmd == *c).unwrap_or_else(|| panic!("{p:?}: {c:?} unbound"));
                assert!(!b.desc.is_empty() && !km.keys_of(*c).is_empty(), "{p:?}: {c:?} has no key or help");
                assert_ne!(b.scope, Scope::Global, "{p:?}: {c:?} is global, not the pane's");
            }
        }
    }
    // And no pane key is dead: each is answered by some pane.
    for b in BINDINGS.iter().filter(|b| b.scope == Scope::Pane) {
        assert!(PaneId::ALL.iter().any(|p| p.pane().answers(b.cmd)), "{} is answered by no pane", b.name);
    }
}

#[test]
fn every_pane_shows_its_screen_and_renders_without_loading_forever() {
    let t = theme();
    for p in PaneId::ALL {
        let mut s = started(Role::Operator);
        s.pane = *p;
        let fx = panes::ensure(&mut s, *p);
        drive(&mut s, fx);
        let pane = p.pane();
        let name = pane.screen(&s);
        assert!(pane.keys().iter().any(|k| k.screen == name), "{p:?}: screen {name:?} has no key scope");
        let text = screen(&s, &t, 100, 30);
        assert!(!text.contains("loading…"), "{p:?} still loading:\n{text}");
        assert!(text.contains(pane.title()), "{p:?}: tab line");
    }
}

#[test]
fn every_screen_of_a_pane_has_one_scope_and_every_slot_loads_when_shown() {
    for p in PaneId::ALL {
        let pane = p.pane();
        let mut names = BTreeSet::new();
        for k in pane.keys() {
            assert!(names.insert(k.screen), "{p:?}: screen {:?} has two key scopes", k.screen);
        }
        assert!(!pane.slots().is_empty(), "{p:?} loads nothing (no slots)");
        let mut s = started(Role::Operator);
        s.pane = *p;
        let fx = panes::ensure(&mut s, *p);
        drive(&mut s, fx);
        for (i, slot) in pane.slots().iter().enumerate() {
            let mut probe = s.clone();
            let idle = (slot.at)(&mut probe).is_some_and(|l| l.is_idle());
            // Idle after `ensure` only when its load asks for nothing now (e.g. a list not shown).
            assert!(!idle || (slot.load)(&mut probe).is_empty(), "{p:?}: slot {i} stays idle when shown");
        }
    }
}

#[test]
fn every_pane_shows_a_failed_load_and_does_not_hang_on_loading() {
    let t = theme();
    for p in PaneId::ALL {
        let mut s = started(Role::Operator);
        // Forget everything, then show the pane: its loads fail.
        for q in PaneId::ALL {
            q.pane().invalidate(&mut s, Invalidate::Written);
        }
        s.pane = *p;
        let fx = panes::ensure(&mut s, *p);
        assert!(!fx.is_empty(), "{p:?} loads nothing when shown after a write");
        for req in reqs(&fx) {
            update(&mut s, Action::Reply { req, result: Err("database error: gone".into()) });
        }
        let text = screen(&s, &t, 100, 30);
        assert!(text.contains("could not load"), "{p:?} does not show its failure:\n{text}");
        assert!(!text.contains("loading…"), "{p:?} hangs on loading:\n{text}");
    }
}

#[test]
fn every_pane_reloads_after_a_write_and_period_data_after_a_period_change() {
    for p in PaneId::ALL {
        let mut s = started(Role::Operator);
        s.pane = *p;
        let fx = panes::ensure(&mut s, *p);
        let first = drive(&mut s, fx);
        let by_period = first.iter().any(|e| format!("{e:?}").contains("period: "));
        assert!(panes::ensure(&mut s, *p).is_empty(), "{p:?} reloads while loaded");
        let after_write = panes::invalidate(&mut s, Invalidate::Written);
        assert!(!after_write.is_empty(), "{p:?} keeps stale rows after a write");
        drive(&mut s, after_write);
        let after_period = panes::invalidate(&mut s, Invalidate::PeriodChanged);
        if by_period {
            assert!(!after_period.is_empty(), "{p:?} loads by period but keeps rows after a period change");
        }
    }
}

#[test]
fn quote_and_a_letter_jump_to_the_pane_and_other_keys_cancel() {
    for p in PaneId::ALL {
        let mut s = started(Role::Operator);
        keys(&mut s, &["'", &p.pane().goto().to_string()]);
        assert_eq!(s.pane, *p);
    }
    let mut s = state(Role::Operator);
    keys(&mut s, &["'"]);
    assert!(s.message.as_ref().unwrap().text.contains("u customers"), "{:?}", s.message);
    // Not a pane letter: cancelled, and the key does what it does (j moves down).
    keys(&mut s, &["j", "j", "g", "j"]);
    assert_eq!(s.pane, PaneId::Customers);
    assert_eq!(s.view(s.current_view()).unwrap().vs.selected, 1);
    assert!(!s.goto);
}
