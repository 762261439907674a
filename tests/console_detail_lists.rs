//! Enter on every list row that has more than fits (issue 16, second round): an import batch (its file whole,
//! per payer and period, its issues), a link proposal (who, when, why), a payer (its accounts), a tie-out,
//! a supplier invoice and a reconciliation case (every figure, exact beside the minor unit), a request (its
//! trail and clock). Esc goes back; ↑/↓ move the list under it; the keys of the row stay live.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod console_common;
use console_common::*;

use billops::console::action::{Effect, PaneQuery};
use billops::console::keys::Cmd;
use billops::console::panes::disputes::Target;
use billops::console::panes::disputes::io::Query as DQuery;
use billops::console::state::{State, ViewKey};
use billops_domain::Role as UserRole;

fn text(s: &State, w: u16, h: u16) -> String {
    screen(s, &theme(), w, h)
}

/// The screen's words in one line (a value wrapped over two lines still reads whole).
fn words(out: &str) -> String {
    out.lines()
        .map(|l| l.trim_matches(|c: char| c == '│' || c.is_whitespace()))
        .collect::<Vec<_>>()
        .join(" ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn an_import_batch_opens_whole_with_its_scopes_and_issues() {
    let mut s = state(UserRole::Operator);
    keys(&mut s, &["8"]);
    assert_eq!(s.current_view(), ViewKey::Batches);
    let list = text(&s, 80, 24);
    let sel = s.selected_id(ViewKey::Batches).unwrap();
    let b = s.panes.imports.data.ready().unwrap().batches.iter().find(|b| b.id.to_string() == sel).unwrap().clone();
    assert!(!list.contains(&b.file_name), "the list cuts the file name at 80 columns:\n{list}");
    keys(&mut s, &["enter"]);
    assert_eq!(s.pane.pane().screen(&s), "row");
    let out = text(&s, 80, 24);
    let w = words(&out);
    for needle in
        [format!("import batch {}", b.id), b.file_name.clone(), b.run_id.clone(), "per payer and period".into()]
    {
        assert!(w.contains(&needle), "{needle}:\n{out}");
    }
    assert!(w.contains("feed issues"), "{out}");
    insta::assert_snapshot!("detail_batch_80x24", out);
    insta::assert_snapshot!("detail_batch_160x48", text(&s, 160, 48));
    // ↓ follows the list; v goes on to the issues list (the detail closes); Esc from a detail goes back.
    keys(&mut s, &["down"]);
    assert!(text(&s, 80, 24).contains(&format!("import batch {}", s.selected_id(ViewKey::Batches).unwrap())));
    press(&mut s, Cmd::SwitchView);
    assert_eq!((s.current_view(), s.pane.pane().screen(&s)), (ViewKey::Issues, "lists"));
    keys(&mut s, &["v", "v", "enter", "esc"]);
    assert_eq!((s.current_view(), s.pane.pane().screen(&s)), (ViewKey::Batches, "lists"));
}

#[test]
fn a_link_proposal_and_a_payer_open_whole() {
    let mut s = state(UserRole::Manager);
    keys(&mut s, &["3", "v"]);
    assert_eq!(s.current_view(), ViewKey::Proposals);
    keys(&mut s, &["j", "enter"]);
    assert_eq!(s.pane.pane().screen(&s), "row");
    let out = text(&s, 80, 24);
    let w = words(&out);
    for needle in ["link proposal 6", "300000000004", "INITECH", "by maria", "contract signed", "by olivia"] {
        assert!(w.contains(needle), "{needle}:\n{out}");
    }
    insta::assert_snapshot!("detail_proposal_80x24", out);
    // The open proposal: the manager decides it from its detail.
    keys(&mut s, &["k"]);
    let out = words(&text(&s, 80, 24));
    assert!(out.contains("link proposal 7") && out.contains("not yet: a manager approves"), "{out}");
    let fx = press(&mut s, Cmd::Approve);
    assert!(!fx.is_empty() || matches!(s.mode, billops::console::state::Mode::Form(_)), "a decides from the detail");
    keys(&mut s, &["esc", "esc"]);
    // A payer: its accounts and their customers.
    keys(&mut s, &["v", "enter"]);
    let out = text(&s, 80, 24);
    assert!(words(&out).contains("payer 111111111111") && out.contains("linked accounts"), "{out}");
    // Enter on an account still opens its assignment form (its title names the account whole).
    keys(&mut s, &["esc", "v", "enter"]);
    assert!(matches!(s.mode, billops::console::state::Mode::Form(_)));
}

#[test]
fn a_tie_out_a_supplier_invoice_and_a_case_open_whole() {
    let mut s = state(UserRole::Manager);
    keys(&mut s, &["7", "enter"]);
    assert_eq!(s.pane.pane().screen(&s), "row");
    let out = text(&s, 80, 24);
    let w = words(&out);
    for needle in ["tie-out payer", "imported billed", "supplier − imported", "import − allocated", "tolerance"] {
        assert!(w.contains(needle), "{needle}:\n{out}");
    }
    insta::assert_snapshot!("detail_tie_out_80x24", out);
    keys(&mut s, &["esc", "v", "enter"]);
    let out = words(&text(&s, 80, 24));
    let x = &s.panes.recon.data.ready().unwrap().supplier_invoices[0];
    assert!(out.contains(&format!("supplier invoice {}", x.number)) && out.contains("entered"), "{out}");
    keys(&mut s, &["esc", "v", "enter"]);
    let out = text(&s, 80, 24);
    let c = s
        .panes
        .recon
        .data
        .ready()
        .unwrap()
        .cases
        .iter()
        .find(|c| s.selected_id(ViewKey::Cases) == Some(c.id.to_string()))
        .unwrap()
        .clone();
    let w = words(&out);
    assert!(w.contains(&format!("case {}", c.id)) && w.contains("expected credit"), "{out}");
    for word in c.note.split_whitespace() {
        assert!(out.contains(word), "the note whole: {word}\n{out}");
    }
    insta::assert_snapshot!("detail_case_80x24", out);
    // The case's key works from its detail.
    press(&mut s, Cmd::EditCase);
    assert!(matches!(s.mode, billops::console::state::Mode::Form(_)));
}

#[test]
fn a_request_opens_its_trail_and_clock() {
    let mut s = state(UserRole::Operator);
    keys(&mut s, &["'", "s", "v", "v", "v"]);
    assert_eq!(s.current_view(), ViewKey::Requests);
    let id = s.selected_id(ViewKey::Requests).unwrap().parse::<i64>().unwrap();
    let fx = keys(&mut s, &["enter"]);
    assert!(
        fx.iter().any(
            |e| matches!(e, Effect::Pane { q: PaneQuery::Disputes(DQuery::Detail(Target::Request(i))), .. } if *i == id)
        ),
        "{fx:?}"
    );
    let out = text(&s, 80, 24);
    assert!(out.contains(&format!("request {id}")), "{out}");
}
