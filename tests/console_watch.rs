//! Stale screens (issue 16): the console polls the store's change mark and reloads what another console
//! wrote; in a form it shows STALE instead of pulling the data from under the user.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod console_common;
use console_common::*;

use billops::console::action::{Action, Effect, Reply};
use billops::console::refusal::EffectError;
use billops::console::state::{Mode, State};
use billops::console::update;
use billops_domain::Role;

/// One tick: the poll and the store's answer; the effects the answer asks for.
fn tick(s: &mut State, mark: i64) -> Vec<Effect> {
    let fx = update(s, Action::Poll);
    let [Effect::ChangeMark { req }] = fx[..] else { panic!("one look: {fx:?}") };
    assert!(update(s, Action::Poll).is_empty(), "no second look while one is on its way");
    update(s, Action::Reply { req, result: Ok(Reply::ChangeMark(mark)) })
}

fn reloads(fx: &[Effect]) -> bool {
    fx.iter().any(|e| matches!(e, Effect::Locks { .. })) && fx.iter().any(|e| matches!(e, Effect::Pane { .. }))
}

#[test]
fn another_consoles_write_reloads_the_screen() {
    let mut s = state(Role::Operator);
    assert!(tick(&mut s, 5).is_empty(), "the first look is the baseline");
    assert!(tick(&mut s, 5).is_empty(), "nothing changed");
    let fx = tick(&mut s, 7);
    assert!(reloads(&fx), "someone wrote: reload ({fx:?})");
    assert!(s.message.as_ref().unwrap().text.contains("changed"), "and say so");
    drive(&mut s, fx);
    assert!(!s.watch.stale);
    // The console's own write re-baselines: its reload already shows it. A look that saw the write while it
    // was still in flight (the answer came first) does not reload a second time either.
    let fx = update(&mut s, Action::Poll);
    let [Effect::ChangeMark { req }] = fx[..] else { panic!("{fx:?}") };
    s.pending.push(999);
    assert!(update(&mut s, Action::Reply { req, result: Ok(Reply::ChangeMark(8)) }).is_empty());
    let fx = update(&mut s, Action::Reply { req: 999, result: Ok(Reply::Written("done".into())) });
    drive(&mut s, fx);
    assert!(tick(&mut s, 8).is_empty(), "own write: no second reload");
    assert!(tick(&mut s, 8).is_empty());
    assert_eq!(s.message.as_ref().unwrap().text, "done", "the write's own message stays");
}

#[test]
fn in_a_form_the_screen_says_it_is_stale_and_reloads_when_it_closes() {
    let mut s = started(Role::Manager);
    keys(&mut s, &["7"]);
    tick(&mut s, 1);
    keys(&mut s, &["n"]);
    assert!(matches!(s.mode, Mode::Form(_)));
    assert!(tick(&mut s, 2).is_empty(), "nothing is pulled from under the form");
    assert!(s.watch.stale);
    let out = screen(&s, &theme(), 80, 24);
    assert!(out.lines().next().unwrap().contains("STALE"), "{out}");
    keys(&mut s, &["esc"]);
    let fx = tick(&mut s, 2);
    assert!(reloads(&fx), "closed: the next tick reloads ({fx:?})");
    assert!(!s.watch.stale);
    assert!(!screen(&s, &theme(), 80, 24).contains("STALE"));
}

#[test]
fn this_consoles_own_jobs_are_not_someone_else() {
    let mut s = started(Role::Manager);
    keys(&mut s, &["5"]);
    tick(&mut s, 1);
    // Draft generation writes through a job, not a write: while it runs and after it lands, no reload.
    let fx = billops::console::update(&mut s, Action::Cmd(billops::console::keys::Cmd::Generate));
    assert!(s.panes.invoices.job.is_some(), "{fx:?}");
    assert!(tick(&mut s, 4).is_empty(), "running: ours");
    drive(&mut s, fx);
    assert!(s.panes.invoices.job.is_none());
    let said = s.message.clone();
    assert!(tick(&mut s, 9).is_empty(), "landed: re-baselined");
    assert!(tick(&mut s, 9).is_empty());
    assert_eq!(s.message, said, "the generation's own summary stays");
    assert!(!s.watch.stale);
}

#[test]
fn a_look_that_fails_is_dropped_quietly() {
    let mut s = state(Role::Viewer);
    let before = s.message.clone();
    let fx = update(&mut s, Action::Poll);
    let [Effect::ChangeMark { req }] = fx[..] else { panic!("{fx:?}") };
    let fx = update(&mut s, Action::Reply { req, result: Err(EffectError::failed("connection reset")) });
    assert!(fx.is_empty());
    assert_eq!(s.message, before, "no error every two seconds");
    assert!(s.watch.asking.is_none(), "the next tick asks again");
}
