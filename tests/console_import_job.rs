//! The console's import job as an operator lives it: progress with % and ETA, Ctrl-C (or `q`) asks before
//! anything — Enter cancels and rolls back, Esc lets it finish — and the job ends with a summary message
//! (rows, quarantined rows, feed issues). The store side of a cancel is `tests/import_cancel.rs`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod console_common;
use console_common::*;

use billops::console::action::{Action, Effect, FormKind, Reply};
use billops::console::keys::Cmd;
use billops::console::panes::imports;
use billops::console::state::{Mode, State};
use billops::console::update;
use billops::ingest::Progress;
use billops_domain::Role;

fn progress(rows: u64, bytes: u64, total: u64) -> Progress {
    Progress { file_index: 0, file_count: 1, file_name: "/data/cur/june.csv".into(), rows, bytes, total, done: false }
}

/// An operator on Imports with an import of june.csv running; its request number.
fn running() -> (State, u64) {
    let mut s = state(Role::Operator);
    keys(&mut s, &["8"]);
    press(&mut s, Cmd::Import);
    type_text(&mut s, "/data/cur/june.csv");
    let fx = keys(&mut s, &["enter"]);
    let cancel = s.panes.imports.job.as_ref().unwrap().cancel.clone();
    assert!(fx.iter().any(|e| matches!(e, Effect::Import { cancel: c, .. } if *c == cancel)), "the job's own token");
    let req = s.panes.imports.job.as_ref().unwrap().req;
    update(&mut s, Action::Reply { req, result: Ok(Reply::ImportProgress(progress(40_000, 250, 1000))) });
    (s, req)
}

fn is_cancel_confirmation(s: &State) -> bool {
    matches!(&s.mode, Mode::Form(f) if f.kind == FormKind::Imports(imports::form::Kind::CancelJob))
}

fn message(s: &State) -> String {
    s.message.as_ref().map(|m| m.text.clone()).unwrap_or_default()
}

#[test]
fn ctrl_c_under_a_running_import_asks_and_esc_lets_it_finish() {
    let (mut s, req) = running();
    let fx = keys(&mut s, &["ctrl-c"]);
    assert!(!fx.contains(&Effect::Quit) && !s.quit, "the console does not quit under a running import");
    assert!(is_cancel_confirmation(&s), "{:?}", s.mode);
    let Mode::Form(f) = &s.mode else { unreachable!() };
    assert!(f.title.contains("Cancel it?") && f.title.contains("rolls back") && f.title.contains("Esc lets it"));
    assert!(f.title.contains("file 1/1, june.csv"), "{}", f.title);
    keys(&mut s, &["esc"]);
    assert!(matches!(s.mode, Mode::Normal));
    assert!(message(&s).contains("the import goes on"), "{}", message(&s));
    assert!(!s.panes.imports.job.as_ref().unwrap().cancel.is_cancelled());
    // `q` asks the same
    keys(&mut s, &["q"]);
    assert!(is_cancel_confirmation(&s) && !s.quit);
    keys(&mut s, &["esc"]);
    // It finishes: the summary says rows, quarantined rows and feed issues; then q quits.
    let lines = vec![
        "import done: 2 files, 39990 rows, 10 quarantined rows, 2 feed issues".to_string(),
        "imported june.csv (cur): batch 7, 39990 rows, 10 quarantined, 2 feed issues".to_string(),
        "refused july.csv: already imported".to_string(),
    ];
    update(&mut s, Action::Reply { req, result: Ok(Reply::ImportDone(lines)) });
    assert!(s.panes.imports.job.is_none());
    assert!(message(&s).starts_with("import done: 2 files, 39990 rows, 10 quarantined rows, 2 feed issues; imported"));
    let fx = keys(&mut s, &["q"]);
    assert!(fx.contains(&Effect::Quit) && s.quit);
}

#[test]
fn enter_cancels_the_import_and_it_ends_with_a_visible_message() {
    let (mut s, req) = running();
    keys(&mut s, &["ctrl-c"]);
    let fx = keys(&mut s, &["enter"]);
    assert!(fx.is_empty(), "{fx:?}");
    let job = s.panes.imports.job.as_ref().unwrap();
    assert!(job.cancel.is_cancelled(), "the runner's token is set");
    assert!(matches!(s.mode, Mode::Normal));
    assert!(message(&s).contains("cancelling the import"), "{}", message(&s));
    let (line, _) = imports::job_text(job, s.now);
    assert!(line.starts_with("cancelling: rolling back june.csv"), "{line}");
    // Ctrl-C again while it rolls back: no second question, no quit.
    let fx = keys(&mut s, &["ctrl-c"]);
    assert!(!fx.contains(&Effect::Quit) && !is_cancel_confirmation(&s));
    assert!(message(&s).contains("being cancelled"), "{}", message(&s));
    let reports = [billops::ingest::FileReport::Cancelled { file: "/data/cur/june.csv".into(), started: true }];
    let lines = imports::io::summary(&reports);
    assert_eq!(lines, ["import cancelled: june.csv rolled back, nothing of it was written"]);
    update(&mut s, Action::Reply { req, result: Ok(Reply::ImportDone(lines)) });
    assert!(s.panes.imports.job.is_none());
    let m = s.message.as_ref().unwrap();
    assert!(m.text.starts_with("import cancelled") && m.role == billops::console::theme::Role::Warning, "{m:?}");
    assert!(keys(&mut s, &["q"]).contains(&Effect::Quit));
}

#[test]
fn a_cancel_that_came_too_late_says_the_import_finished() {
    let (mut s, req) = running();
    keys(&mut s, &["ctrl-c", "enter"]);
    let done = "imported june.csv (cur): batch 7, 10 rows, 0 quarantined, 0 feed issues".to_string();
    update(&mut s, Action::Reply { req, result: Ok(Reply::ImportDone(vec![done])) });
    let m = s.message.as_ref().unwrap();
    assert!(m.text.starts_with("the cancel came too late, the import had finished: imported june.csv"), "{m:?}");
    assert_eq!(m.role, billops::console::theme::Role::Warning);
}

#[test]
fn the_job_ending_while_the_question_is_open_closes_it() {
    let (mut s, req) = running();
    keys(&mut s, &["ctrl-c"]);
    assert!(is_cancel_confirmation(&s));
    update(&mut s, Action::Reply { req, result: Ok(Reply::ImportDone(vec!["import done: 1 rows".into()])) });
    assert!(matches!(s.mode, Mode::Normal), "the question is moot");
    assert!(message(&s).starts_with("import done"));
}

#[test]
fn the_progress_line_gives_percent_of_the_size_and_an_eta() {
    let (mut s, req) = running();
    let job = s.panes.imports.job.clone().unwrap();
    assert_eq!(imports::job_text(&job, job.started).0, "importing june.csv 25% · 40000 rows · ETA … · ctrl-c cancels");
    let later = job.started + chrono::Duration::seconds(30);
    assert_eq!(
        imports::job_text(&job, later),
        ("importing june.csv 25% · 40000 rows · ETA 1m 30s · ctrl-c cancels".into(), 25)
    );
    // Several files: the run's share; a finished file counts whole.
    let second = Progress { file_index: 1, file_count: 4, bytes: 500, ..progress(10, 0, 1000) };
    update(&mut s, Action::Reply { req, result: Ok(Reply::ImportProgress(second)) });
    let job = s.panes.imports.job.clone().unwrap();
    let (line, pct) = imports::job_text(&job, later);
    assert_eq!(pct, 37, "(1 + 0.5) / 4");
    assert!(line.starts_with("importing 2/4 june.csv 37%"), "{line}");
    // No size known: no percent, no guess.
    let unknown = Progress { total: 0, ..progress(10, 5, 0) };
    update(&mut s, Action::Reply { req, result: Ok(Reply::ImportProgress(unknown)) });
    let job = s.panes.imports.job.clone().unwrap();
    assert!(imports::job_text(&job, later).0.contains("0% · 10 rows · ETA …"));
}

#[test]
fn one_row_and_one_issue_are_said_in_the_singular() {
    let imported = |file: &str, rows: i64, issues: i64| billops::ingest::FileReport::Imported {
        file: file.into(),
        format: "cur".into(),
        outcome: Box::new(billops_store::ImportOutcome {
            batch: billops_store::ImportBatch {
                id: 7,
                file_name: file.into(),
                content_hash: "h".into(),
                format: "cur".into(),
                run_id: "r".into(),
                rows,
                quarantined: 0,
                scopes: Vec::new(),
                imported_by: "olga".into(),
                imported_at: chrono::DateTime::UNIX_EPOCH,
            },
            replaced: Vec::new(),
            new_accounts: Vec::new(),
            issues_raised: issues,
            partner_unassigned: 0,
        }),
    };
    let one = imports::io::summary(&[imported("/d/a.csv", 1, 1)]);
    assert_eq!(one, ["imported a.csv: batch 7 · 1 row · 0 quarantined · 1 feed issue"]);
    let two = imports::io::summary(&[imported("/d/a.csv", 1, 0), imported("/d/b.csv", 0, 2)]);
    assert_eq!(two[0], "import done: 2 files, 1 row, 0 quarantined rows, 2 feed issues");
    assert_eq!(two[2], "imported b.csv: batch 7 · 0 rows · 0 quarantined · 2 feed issues");
    // the CLI's tally of the same run
    let reports = [imported("/d/a.csv", 1, 0), imported("/d/b.csv", 0, 2)];
    assert_eq!(billops::ingest::tally(&reports), "2 files: 2 imported, 0 refused; 1 row, 0 quarantined");
    assert!(billops::ingest::describe(&reports[0]).contains("batch 7, 1 row, 0 quarantined"));
}
