//! The Recon pane's customer tie-out against CloudHealth statements (issue 13): `v` reaches it after the FX
//! rates; per customer and currency billops' invoices beside the statement, the difference and the status (an
//! Estimated statement flagged as not final; a EUR statement never compared with USD invoices); Enter shows
//! the row whole. Snapshot at 80x24.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod console_common;
use console_common::*;

use billops::console::pane::PaneWrite;
use billops::console::panes::recon;
use billops::console::state::{Mode, State, ViewKey};
use billops::console::theme::Role as ThemeRole;
use billops_domain::Role;

/// The statements list of May (Recon, `v` four times).
fn statements(role: Role) -> State {
    let mut s = started(role);
    keys(&mut s, &["7", "v", "v", "v", "v"]);
    assert_eq!(s.current_view(), ViewKey::ChStatements);
    s
}

#[test]
fn invoices_beside_statements_per_customer_and_currency() {
    let mut s = statements(Role::Viewer);
    let m = &s.view(ViewKey::ChStatements).unwrap().model;
    let rows: Vec<Vec<String>> = m.rows.iter().map(|r| r.cells.iter().map(|c| c.text.clone()).collect()).collect();
    assert_eq!(
        rows,
        [
            ["ACME", "USD", "1,234.50", "1,234.50", "0.00", "matches"],
            ["GLOBEX", "USD", "880.00", "875.25", "4.75", "differs"],
            ["INITECH", "USD", "45.10", "40.00", "5.10", "estimated"],
            ["UMBRELLA", "EUR", "-", "280.00", "-", "not invoiced"],
            ["UMBRELLA", "USD", "300.00", "-", "-", "no statement"],
        ]
    );
    assert_eq!(m.rows[2].cells[5].role, Some(ThemeRole::Pending), "an estimate is flagged, not settled");
    assert_eq!(m.rows[1].cells[4].role, Some(ThemeRole::Warning));
    insta::assert_snapshot!("statements_80x24", screen(&s, &theme(), 80, 24));
    // Enter on the estimate: the row whole, saying it is not final
    keys(&mut s, &["down", "down", "enter"]);
    assert!(s.panes.recon.detail.open, "Enter opens the row's detail");
    let text = screen(&s, &theme(), 80, 24);
    assert!(text.contains("statement tie-out INITECH USD"), "{text}");
    assert!(text.contains("Estimated, not final"), "{text}");
    assert!(text.contains("Estimated (not final)"), "{text}");
    // the statement as imported: file, line, period, CloudHealth's customer; our total beside it
    for want in
        ["cloudhealth-statements-2026-05.csv", "Initech (CH-1003)", "2026-05", "40.00 USD", "45.10 USD", "5.10 USD"]
    {
        assert!(text.contains(want), "{want}: {text}");
    }
    assert!(text.contains("line") && text.contains(" 4 "), "{text}");
    insta::assert_snapshot!("statement_detail_80x24", text);
    insta::assert_snapshot!("statement_detail_160x48", screen(&s, &theme(), 160, 48));
    // down: the detail follows the selection (UMBRELLA's EUR statement, nothing invoiced in EUR)
    keys(&mut s, &["down"]);
    let text = screen(&s, &theme(), 80, 24);
    assert!(text.contains("statement tie-out UMBRELLA EUR") && text.contains("280.00 EUR"), "{text}");
    assert!(text.contains("Umbrella Europe GmbH (CH-1004)"), "{text}");
    // `v` goes on to the tie-out
    keys(&mut s, &["esc", "v"]);
    assert_eq!(s.current_view(), ViewKey::Recon);
}

#[test]
fn an_operator_imports_a_statement_file_from_the_list() {
    let mut s = statements(Role::Viewer);
    keys(&mut s, &["i"]);
    assert!(matches!(s.mode, Mode::Normal), "a viewer gets no form");
    let mut s = statements(Role::Operator);
    keys(&mut s, &["i"]);
    let Mode::Form(_) = &s.mode else { panic!("a form: {:?}", s.message) };
    // empty: refused beside the field, nothing written
    let fx = keys(&mut s, &["enter"]);
    assert!(writes(&fx).is_empty());
    let Mode::Form(f) = &s.mode else { panic!("the form stays open") };
    assert_eq!(f.error_field, Some(recon::statements::PATH));
    type_text(&mut s, "/data/ch/may.csv");
    let fx = keys(&mut s, &["enter"]);
    let w = writes(&fx);
    assert!(
        matches!(w.as_slice(), [PaneWrite::Recon(recon::io::Write::ChStatements { path })] if path == "/data/ch/may.csv"),
        "{w:?}"
    );
}
