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
use billops_store::Changes;

/// One tick: the poll and the store's answer; the effects the answer asks for.
fn tick(s: &mut State, mark: i64) -> Vec<Effect> {
    let fx = update(s, Action::Poll);
    let [Effect::ChangeMark { req, .. }] = fx[..] else { panic!("one look: {fx:?}") };
    assert!(update(s, Action::Poll).is_empty(), "no second look while one is on its way");
    update(s, Action::Reply { req, result: Ok(Reply::Changes(Changes { mark, entities: vec!["invoice".into()] })) })
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
    let [Effect::ChangeMark { req, .. }] = fx[..] else { panic!("{fx:?}") };
    s.pending.push(999);
    assert!(
        update(&mut s, Action::Reply { req, result: Ok(Reply::Changes(Changes { mark: 8, entities: vec![] })) })
            .is_empty()
    );
    let fx = update(&mut s, Action::Reply { req: 999, result: Ok(Reply::Written("done".into())) });
    drive(&mut s, fx);
    assert!(tick(&mut s, 8).is_empty(), "own write: no second reload");
    assert!(tick(&mut s, 8).is_empty());
    assert_eq!(s.message.as_ref().unwrap().text, "done", "the write's own message stays");
}

#[test]
fn a_look_read_before_this_consoles_write_does_not_make_it_someone_elses() {
    // The look is asked, the store answers it from before the write committed, and the answer arrives only
    // after the write's own reply (a busy machine): that answer is not a baseline, or the next look would see
    // this console's own write as another's, reload the pane under the user's keys and say so.
    let mut s = state(Role::Operator);
    assert!(tick(&mut s, 5).is_empty(), "baseline");
    let fx = update(&mut s, Action::Poll);
    let [Effect::ChangeMark { req: look, .. }] = fx[..] else { panic!("{fx:?}") };
    s.pending.push(999);
    let fx = update(&mut s, Action::Reply { req: 999, result: Ok(Reply::Written("done".into())) });
    drive(&mut s, fx);
    let late =
        update(&mut s, Action::Reply { req: look, result: Ok(Reply::Changes(Changes { mark: 5, entities: vec![] })) });
    // Not a baseline: one more look, read after the write, is.
    let [Effect::ChangeMark { req: again, since: None }] = late[..] else { panic!("one more look: {late:?}") };
    let fx =
        update(&mut s, Action::Reply { req: again, result: Ok(Reply::Changes(Changes { mark: 6, entities: vec![] })) });
    assert!(fx.is_empty(), "{fx:?}");
    assert!(tick(&mut s, 6).is_empty(), "the write's mark is the baseline, not someone else's write");
    assert!(tick(&mut s, 6).is_empty());
    assert!(!s.watch.stale);
    assert_eq!(s.message.as_ref().unwrap().text, "done", "the write's own message stays");
    assert!(reloads(&tick(&mut s, 7)), "a later write by someone else still reloads");

    // The discarded look fails instead (the store unreachable for a moment): quiet, as any look's failure.
    let fx = update(&mut s, Action::Poll);
    let [Effect::ChangeMark { req: look, .. }] = fx[..] else { panic!("{fx:?}") };
    s.pending.push(1000);
    let fx = update(&mut s, Action::Reply { req: 1000, result: Ok(Reply::Written("saved".into())) });
    drive(&mut s, fx);
    let fx = update(&mut s, Action::Reply { req: look, result: Err(EffectError::failed("connection reset")) });
    assert!(fx.is_empty(), "{fx:?}");
    assert_eq!(s.message.as_ref().unwrap().text, "saved", "no error over the write's message");
    assert!(s.watch.asking.is_none() && !s.watch.discard, "the next tick asks again");
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
    let [Effect::ChangeMark { req, .. }] = fx[..] else { panic!("{fx:?}") };
    let fx = update(&mut s, Action::Reply { req, result: Err(EffectError::failed("connection reset")) });
    assert!(fx.is_empty());
    assert_eq!(s.message, before, "no error every two seconds");
    assert!(s.watch.asking.is_none(), "the next tick asks again");
}

/// One look answered with `entities` written since the last one; the effects the answer asks for.
fn look(s: &mut State, mark: i64, entities: &[&str]) -> Vec<Effect> {
    let fx = update(s, Action::Poll);
    let [Effect::ChangeMark { req, since }] = fx[..] else { panic!("one look: {fx:?}") };
    assert_eq!(since, s.watch.mark, "asks from the last mark seen");
    let entities = entities.iter().map(|e| e.to_string()).collect();
    update(s, Action::Reply { req, result: Ok(Reply::Changes(Changes { mark, entities })) })
}

#[test]
fn only_the_panes_that_show_what_changed_forget_it() {
    let mut s = started(Role::Manager);
    // The Forecast pane holds its fitted book; the Funding pane its pipeline.
    keys(&mut s, &["'", "t"]);
    assert!(!s.panes.forecast.data.is_idle(), "the forecast loads when shown");
    keys(&mut s, &["'", "f"]);
    assert!(!s.panes.funding.data.is_idle());
    keys(&mut s, &["'", "u"]);
    assert!(look(&mut s, 3, &[]).is_empty(), "baseline");
    // A payment elsewhere: the customers' balances reload (visible), the forecast and the pipeline stay.
    let fx = look(&mut s, 4, &["payment"]);
    assert!(reloads(&fx), "{fx:?}");
    assert!(s.message.as_ref().unwrap().text.starts_with("payment changed"), "{:?}", s.message);
    assert!(!s.panes.forecast.data.is_idle(), "a payment does not refit the forecast");
    assert!(!s.panes.funding.data.is_idle(), "nor reload the funding pipeline");
    // A budget elsewhere concerns the forecast (it reloads when next shown), not the funding pipeline.
    look(&mut s, 6, &["budget"]);
    assert!(s.panes.forecast.data.is_idle(), "forgotten: reloads when shown");
    assert!(!s.panes.funding.data.is_idle());
    // A lock, a shared setting, or a kind this console does not know concerns every pane.
    look(&mut s, 7, &["period"]);
    assert!(s.panes.funding.data.is_idle());
    keys(&mut s, &["'", "f"]);
    assert!(!s.panes.funding.data.is_idle());
    keys(&mut s, &["'", "u"]);
    let fx = look(&mut s, 8, &["something_newer"]);
    assert!(reloads(&fx), "the shown pane reloads: {fx:?}");
    assert!(s.panes.funding.data.is_idle(), "unknown kind: reload, never a screen that lies");
}

#[test]
fn a_pushed_change_looks_at_once_and_once_more_when_one_was_on_its_way() {
    let mut s = state(Role::Operator);
    let fx = update(&mut s, Action::Pushed);
    let [Effect::ChangeMark { req, since: None }] = fx[..] else { panic!("a look at once: {fx:?}") };
    assert!(update(&mut s, Action::Pushed).is_empty(), "one look at a time");
    let fx = update(&mut s, Action::Reply { req, result: Ok(Reply::Changes(Changes { mark: 5, entities: vec![] })) });
    let [Effect::ChangeMark { since: Some(5), .. }] = fx[..] else {
        panic!("the push that came while the look was out gets its own look: {fx:?}")
    };
}

/// Every kind of record the store writes to its audit log is one the console knows (else every write of it
/// reloads every pane), and every pane's list names only known kinds.
#[test]
fn the_watch_knows_every_kind_the_store_audits() {
    use billops::console::watch::KNOWN;
    let mut found = std::collections::BTreeSet::new();
    for e in walk(std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/crates/billops-store/src"))) {
        let text = std::fs::read_to_string(&e).unwrap();
        // `Audit::new(ACTION, "entity", …)`: the second argument, where it is a literal.
        for call in text.split("Audit::new(").skip(1) {
            let Some(second) = call.split(',').nth(1) else { continue };
            if let Some(name) = second.trim().strip_prefix('"').and_then(|r| r.split('"').next()) {
                found.insert(name.to_string());
            }
        }
    }
    assert!(found.len() > 20, "the scan finds the store's audit entities: {found:?}");
    let unknown: Vec<_> = found.iter().filter(|e| !KNOWN.contains(&e.as_str())).collect();
    assert!(unknown.is_empty(), "add to watch::KNOWN (and to the panes that show them): {unknown:?}");
    for p in billops::console::pane::PaneId::ALL {
        if let billops::console::pane::Shows::Only(kinds) = p.pane().shows() {
            for k in kinds {
                assert!(KNOWN.contains(k), "{} names {k}, not a kind the store audits", p.pane().title());
            }
        }
    }
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
    out
}
