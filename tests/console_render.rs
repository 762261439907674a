//! Render tests: the fixture state drawn into a TestBackend at 80x24 and 160x48, snapshotted with insta;
//! colours asserted per cell where they carry meaning; NO_COLOR; tiny sizes never panic.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod console_common;
use console_common::*;

use billops::console::state::State;
use billops::console::theme::{Role, Theme, load_theme};
use billops_domain::Role as UserRole;
use ratatui::style::{Color, Modifier};

fn snap(name: &str, s: &State) {
    let t = theme();
    insta::assert_snapshot!(format!("{name}_80x24"), screen(s, &t, 80, 24));
    insta::assert_snapshot!(format!("{name}_160x48"), screen(s, &t, 160, 48));
}

fn at(s: &[&str]) -> State {
    let mut st = state(UserRole::Operator);
    keys(&mut st, s);
    st
}

#[test]
fn customers_list() {
    snap("customers", &at(&[]));
}

#[test]
fn customer_detail() {
    snap("customer_detail", &at(&["enter"]));
}

#[test]
fn accounts_pane() {
    snap("accounts", &at(&["3"]));
    snap("accounts_proposals", &at(&["3", "v"]));
}

#[test]
fn assign_form() {
    // A manager assigns; an operator's `e` proposes the assignment (a manager approves).
    let mut s = state(UserRole::Manager);
    keys(&mut s, &["3", "e"]);
    type_text(&mut s, "U");
    snap("assign_form", &s);
    let mut s = at(&["3", "e"]);
    keys(&mut s, &["down"]);
    type_text(&mut s, "U");
    insta::assert_snapshot!("assign_proposal_form_80x24", screen(&s, &theme(), 80, 24));
}

#[test]
fn costs_pane_levels() {
    snap("costs_customers", &at(&["4"]));
    snap("costs_components", &at(&["4", "enter", "enter", "enter"]));
}

#[test]
fn imports_pane() {
    snap("imports_batches", &at(&["8"]));
    snap("imports_issues", &at(&["8", "v"]));
    snap("imports_quarantine", &at(&["8", "v", "v"]));
}

#[test]
fn import_progress() {
    let mut s = at(&["8", "i"]);
    type_text(&mut s, "/data/cur/june.csv");
    keys(&mut s, &["enter"]);
    let req = s.panes.imports.job.as_ref().unwrap().req;
    billops::console::update(
        &mut s,
        billops::console::Action::Reply {
            req,
            result: Ok(billops::console::Reply::ImportProgress(billops::ingest::Progress {
                file_index: 1,
                file_count: 4,
                file_name: "/data/cur/june-part2.csv".into(),
                rows: 123_456,
                bytes: 3_400_000,
                total: 10_000_000,
                done: false,
            })),
        },
    );
    // 42 s after the start: (1 + 0.34) / 4 = 33% of the run, ETA 42 × 0.665 / 0.335.
    let later = s.now + chrono::Duration::seconds(42);
    billops::console::update(&mut s, billops::console::Action::Now(later));
    snap("import_progress", &s);
    // Ctrl-C: the question, whole at 80x24 (never a blank screen, never a cut sentence).
    keys(&mut s, &["ctrl-c"]);
    insta::assert_snapshot!("import_cancel_question_80x24", screen(&s, &theme(), 80, 24));
}

#[test]
fn a_long_confirmation_wraps_at_80_columns() {
    let mut s = state(UserRole::Manager);
    let req = s.req();
    s.panes.close.data = billops::console::state::Load::Loading(req);
    let period: billops_domain::Period = "2026-05".parse().unwrap();
    let v = console_common::month::close_view(period, console_common::month::clean_facts(period), false);
    let board = billops::console::panes::close::io::Reply::Board(Box::new(v));
    let reply = billops::console::Reply::Pane(billops::console::action::PaneReply::Close(board));
    billops::console::update(&mut s, billops::console::Action::Reply { req, result: Ok(reply) });
    keys(&mut s, &["1"]);
    billops::console::update(&mut s, billops::console::Action::Cmd(billops::console::Cmd::SignOff));
    let text = screen(&s, &theme(), 80, 24);
    assert!(text.contains("with a reason, audited). enter confirms, esc cancels"), "the sentence's end:\n{text}");
    assert!(text.contains("sign off 2026-05 and LOCK it?"), "its start, under no cut border title:\n{text}");
    insta::assert_snapshot!("sign_off_confirmation_80x24", text);
}

#[test]
fn audit_pane() {
    snap("audit", &at(&["9"]));
    let mut s = at(&["9", "/"]);
    type_text(&mut s, "who:maria");
    snap("audit_filtered", &s);
}

#[test]
fn help_and_palette() {
    snap("help_costs", &at(&["4", "?"]));
    let mut s = at(&[":"]);
    type_text(&mut s, "cust ");
    snap("palette", &s);
}

#[test]
fn viewer_status_line_and_message() {
    let mut s = state(UserRole::Viewer);
    keys(&mut s, &["3", "e"]);
    let t = theme();
    let text = screen(&s, &t, 80, 24);
    insta::assert_snapshot!("viewer_refused_80x24", text);
}

#[test]
fn no_color_keeps_meaning_with_modifiers_and_symbols() {
    let s = at(&["4"]);
    let t = theme_no_color();
    let term = terminal(&s, &t, 80, 24);
    let buf = term.backend().buffer();
    for cell in buf.content() {
        assert!(matches!(cell.fg, Color::Reset), "no foreground colour under NO_COLOR: {cell:?}");
        assert!(matches!(cell.bg, Color::Reset), "no background colour under NO_COLOR: {cell:?}");
    }
    // The selected row (first data row of the table) is reverse video.
    let row_y = (0..24).find(|&y| line(buf, y, 80).contains("ACME")).unwrap();
    let x = line(buf, row_y, 80).find("ACME").unwrap() as u16;
    assert!(buf[(x, row_y)].modifier.contains(Modifier::REVERSED));
    // Changes carry ▲/▼ symbols, so direction survives without colour.
    let text = screen(&s, &t, 80, 24);
    assert!(text.contains('▲') && text.contains('▼'), "{text}");
    insta::assert_snapshot!("costs_no_color_80x24", text);
}

fn line(buf: &ratatui::buffer::Buffer, y: u16, w: u16) -> String {
    (0..w).map(|x| buf[(x, y)].symbol().to_string()).collect()
}

/// Find the first cell of `needle` on the screen.
fn find(buf: &ratatui::buffer::Buffer, w: u16, h: u16, needle: &str) -> (u16, u16) {
    for y in 0..h {
        let l = line(buf, y, w);
        if let Some(byte) = l.find(needle) {
            let x = l[..byte].chars().count() as u16;
            return (x, y);
        }
    }
    panic!("{needle:?} not on screen");
}

#[test]
fn colours_follow_meaning() {
    let t = theme();
    // Costs: GLOBEX went down (green ▼), ACME went up (red ▲), negative tax amount magenta.
    let s = at(&["4"]);
    let term = terminal(&s, &t, 160, 48);
    let buf = term.backend().buffer();
    let (x, y) = find(buf, 160, 48, "▲ new");
    assert_eq!(buf[(x, y)].fg, t.style(Role::Increase).fg.unwrap());
    let (x, y) = find(buf, 160, 48, "▼");
    assert_eq!(buf[(x, y)].fg, t.style(Role::Decrease).fg.unwrap());
    assert_eq!(t.style(Role::Increase).fg, Some(Color::LightRed), "light red reads on black (theme contrast test)");
    assert_eq!(t.style(Role::Decrease).fg, Some(Color::Green));
    // Accounts: the unassigned account is a warning.
    let s = at(&["3", "j"]);
    let term = terminal(&s, &t, 160, 48);
    let buf = term.backend().buffer();
    let (x, y) = find(buf, 160, 48, "✗ unassigned");
    assert_eq!(buf[(x, y)].fg, t.style(Role::Warning).fg.unwrap());
    // Customers detail: ticked items approved (green), open items warning.
    let s = at(&["enter", "G"]);
    let term = terminal(&s, &t, 160, 48);
    let buf = term.backend().buffer();
    let (x, y) = find(buf, 160, 48, "✓ done");
    assert_eq!(buf[(x, y)].fg, t.style(Role::Approved).fg.unwrap());
    // A negative amount (GLOBEX tax) shows as negative.
    let s = at(&["4", "j", "enter"]);
    let term = terminal(&s, &t, 100, 48); // narrower than 120: the chart sits below the table
    let buf = term.backend().buffer();
    let (x, y) = find(buf, 100, 48, "-12.50");
    assert_eq!(buf[(x, y)].fg, t.style(Role::Negative).fg.unwrap());
}

#[test]
fn ascii_symbols_fallback() {
    let t = load_theme(std::path::Path::new("/nonexistent"), None, true, true).unwrap();
    let s = at(&["4"]);
    let text = screen(&s, &t, 80, 24);
    assert!(!text.contains('▲') && !text.contains('▼'));
    assert!(text.contains("^ ") && text.contains("v "), "{text}");
}

#[test]
fn close_board() {
    let s = started(UserRole::Manager);
    snap("close", &s);
    let mut s = started(UserRole::Manager);
    keys(&mut s, &["S"]);
    snap("close_refused", &s);
}

#[test]
fn close_locked_everywhere() {
    let mut s = started(UserRole::Manager);
    let req = s.req();
    s.panes.close.data = billops::console::state::Load::Loading(req);
    let v = console_common::month::close_view(p("2026-05"), console_common::month::close_facts(p("2026-05")), true);
    billops::console::update(
        &mut s,
        billops::console::Action::Reply {
            req,
            result: Ok(billops::console::Reply::Pane(billops::console::action::PaneReply::Close(
                billops::console::panes::close::io::Reply::Board(Box::new(v)),
            ))),
        },
    );
    let req = s.req();
    s.locks = billops::console::state::Load::Loading(req);
    let lock = billops_store::PeriodLock { period: p("2026-05"), locked_by: "maria".into(), locked_at: now() };
    billops::console::update(
        &mut s,
        billops::console::Action::Reply { req, result: Ok(billops::console::Reply::Locks(vec![lock])) },
    );
    snap("close_locked", &s);
    keys(&mut s, &["4"]);
    let text = screen(&s, &theme(), 80, 24);
    assert!(text.lines().next().unwrap().contains("LOCKED 2026-05 (maria)"), "{text}");
    // The marker keeps its meaning without colour.
    let t = theme_no_color();
    let term = terminal(&s, &t, 80, 24);
    let buf = term.backend().buffer();
    let (x, y) = find(buf, 80, 24, "LOCKED");
    assert_eq!(y, 0);
    assert!(buf[(x, y)].modifier != Modifier::empty(), "LOCKED is styled under NO_COLOR too");
}

#[test]
fn month_end_panes() {
    let mut s = started(UserRole::Manager);
    keys(&mut s, &["5"]);
    snap("invoices", &s);
    keys(&mut s, &["n"]);
    snap("invoices_generated", &s);
    keys(&mut s, &["enter"]);
    snap("invoice_detail", &s);
    let mut s = started(UserRole::Manager);
    keys(&mut s, &["6"]);
    snap("credits", &s);
    keys(&mut s, &["a"]);
    snap("credits_maker_checker", &s);
    let mut s = started(UserRole::Manager);
    keys(&mut s, &["7"]);
    snap("recon", &s);
    let mut s = started(UserRole::Manager);
    keys(&mut s, &[":"]);
    type_text(&mut s, "bal ACME");
    keys(&mut s, &["enter"]);
    snap("balance_popup", &s);
}

#[test]
fn generation_shows_working_while_it_runs() {
    let mut s = started(UserRole::Operator);
    keys(&mut s, &["5"]);
    let _pending = billops::console::update(&mut s, billops::console::Action::Key(keys_of("n")));
    let text = screen(&s, &theme(), 80, 24);
    assert!(text.contains("generating invoice drafts for 2026-05 … working"), "{text}");
}

#[test]
fn ascii_close_board() {
    let t = load_theme(std::path::Path::new("/nonexistent"), None, true, true).unwrap();
    let s = started(UserRole::Manager);
    let text = screen(&s, &t, 80, 24);
    assert!(!text.contains('✓') && !text.contains('✗'), "{text}");
    assert!(text.contains("x blocker") && text.contains("+ ok") && text.contains("! warning"), "{text}");
}

#[test]
fn every_theme_renders_every_pane() {
    for name in ["dark", "light", "high-contrast", "monochrome"] {
        let t: Theme = load_theme(std::path::Path::new("/nonexistent"), Some(name), false, false).unwrap();
        for k in [&[][..], &["enter"], &["1"], &["3"], &["4"], &["5"], &["6"], &["7"], &["8"], &["9"], &["?"]] {
            let s = at(k);
            let _ = screen(&s, &t, 80, 24);
        }
    }
}

#[test]
fn tiny_and_odd_sizes_never_panic() {
    let t = theme();
    let states: Vec<State> = [
        &[][..],
        &["enter"],
        &["3"],
        &["3", "e"],
        &["3", "v"],
        &["4"],
        &["4", "enter"],
        &["8"],
        &["8", "v"],
        &["8", "i"],
        &["9"],
        &["1"],
        &["1", "S"],
        &["5"],
        &["5", "n"],
        &["5", "enter"],
        &["6"],
        &["6", "a"],
        &["7"],
        &["?"],
        &[":"],
        &["/"],
    ]
    .iter()
    .map(|k| at(k))
    .collect();
    for s in &states {
        for (w, h) in
            [(1, 1), (2, 2), (1, 30), (200, 1), (10, 3), (10, 4), (20, 5), (30, 8), (40, 12), (79, 23), (250, 70)]
        {
            let _ = screen(s, &t, w, h);
        }
    }
}

#[test]
fn loading_and_failed_states_show() {
    let t = theme();
    let mut s = State::new(setup(UserRole::Operator));
    let _ = billops::console::start(&mut s);
    insta::assert_snapshot!("loading_80x24", screen(&s, &t, 80, 24));
    let mut s = at(&[]);
    let fx = billops::console::update(&mut s, billops::console::Action::Cmd(billops::console::Cmd::PaneAudit));
    let Some(billops::console::Effect::Pane { req, .. }) = fx.first() else { panic!() };
    billops::console::update(
        &mut s,
        billops::console::Action::Reply { req: *req, result: Err("database error: connection refused".into()) },
    );
    insta::assert_snapshot!("failed_80x24", screen(&s, &t, 80, 24));
}

/// The month-end surfaces of issue 5 (a manager, so every key works).
fn month(k: &[&str]) -> State {
    let mut s = started(UserRole::Manager);
    keys(&mut s, k);
    s
}

#[test]
fn recon_supplier_invoices_and_cases() {
    snap("recon_supplier_invoices", &month(&["7", "v"]));
    snap("recon_cases", &month(&["7", "v", "v"]));
    let mut s = month(&["7", "n", "down", "down"]);
    type_text(&mut s, "AWS-05-B");
    snap("supplier_invoice_form", &s);
    snap("case_form", &month(&["7", "v", "v", "e"]));
}

#[test]
fn unreached_credits() {
    snap("credits_unreached", &month(&["6", "v"]));
}

#[test]
fn payments_statement_terms() {
    snap("payment_form", &month(&["5", "G", "P"]));
    let mut s = month(&["2", "/", "A", "C", "M", "E", "enter", "t"]);
    snap("statement_form", &s);
    keys(&mut s, &["enter"]);
    snap("statement", &s);
    snap("terms_form", &month(&["2", "/", "A", "C", "M", "E", "enter", "T"]));
}

#[test]
fn price_book_and_rule_preview() {
    let mut s = month(&["2", "/", "A", "C", "M", "E", "enter", "B"]);
    snap("price_book", &s);
    keys(&mut s, &["n", "down"]);
    type_text(&mut s, "10");
    keys(&mut s, &["down"]);
    type_text(&mut s, "AmazonS3");
    snap("rule_form", &s);
    keys(&mut s, &["enter"]);
    snap("rule_preview", &s);
}

#[test]
fn bulk_confirmation_and_invoice_line_sources() {
    snap("approve_all_confirm", &month(&["5", "A"]));
    snap("invoice_line_sources", &month(&["5", "enter", "j", "j", "j", "enter"]));
}

#[test]
fn month_end_surfaces_never_panic_at_odd_sizes() {
    let t = theme();
    for k in [
        &["7", "v"][..],
        &["7", "v", "v"],
        &["7", "n"],
        &["6", "v"],
        &["2", "t", "enter"],
        &["2", "B"],
        &["2", "B", "n", "down", "1", "enter"],
        &["5", "enter", "j", "j", "j", "enter"],
        &["5", "A"],
    ] {
        let s = month(k);
        for (w, h) in [(1, 1), (10, 4), (30, 8), (40, 12), (79, 23), (250, 70)] {
            let _ = screen(&s, &t, w, h);
        }
    }
}
#[test]
fn variance_list_and_explain_form() {
    let mut s = started(UserRole::Operator);
    keys(&mut s, &["v"]);
    snap("variances", &s);
    keys(&mut s, &["e"]);
    snap("variance_explain", &s);
}

/// The variance list says what moved each variance (volume or unit rate, on the service's main unit), and the
/// detail gives the split and the customer's resource units.
#[test]
fn variances_by_volume_and_by_resource_unit() {
    let mut s = started(UserRole::Operator);
    keys(&mut s, &["v", "down", "down"]);
    let text = screen(&s, &theme(), 120, 30);
    let row = |needle: &str| text.lines().find(|l| l.contains(needle)).unwrap_or_else(|| panic!("{needle}: {text}"));
    assert!(row("UMBRELLA AmazonEC2").contains(" vol"), "{text}");
    assert!(row("3,600.00").contains("rate"), "ACME's EC2 rose by its rate: {text}");
    // 1000 → 1100 hours at 3.6 → 4.0636…: 100 × 3.6 = 360.00 by volume, the rest (509.96) by rate
    assert!(text.contains("Hrs 1000 → 1100 (+10.0%) at 3.6 → 4.0636 (+12.9%): 360.00 volume, 509.96 rate"), "{text}");
    assert!(text.contains("RU vcpu 1000 → 1200 (+20.0%) at 0.03 → 0.03 (+0.0%): 6.00 volume, 0.00 rate"), "{text}");
    snap("variance_volume", &s);
}

#[test]
fn credit_note_form_and_an_invoice_with_its_credit_notes() {
    snap("invoice_credit_notes", &month(&["5", "G", "enter"]));
    let mut s = month(&["5", "G", "enter", "C"]);
    keys(&mut s, &["down"]);
    type_text(&mut s, "RDS billed twice");
    snap("credit_note_form", &s);
}

/// The board says why each item is ✓ and what fixes the others, and warns of funding claims about to lapse.
#[test]
fn close_board_shows_basis_fix_and_funding_claims() {
    let mut s = started(UserRole::Manager);
    let req = s.req();
    s.panes.close.data = billops::console::state::Load::Loading(req);
    let mut v =
        console_common::month::close_view(p("2026-05"), console_common::month::close_facts(p("2026-05")), false);
    v.funding_claims = vec![billops::month::close::ClaimWarning {
        application: 4,
        customer: "ACME".into(),
        program: "MAP".into(),
        claim_due: chrono::NaiveDate::from_ymd_opt(2026, 6, 10).unwrap(),
        days_left: -1,
    }];
    let blocked = v.board.items.iter().position(|i| i.status != billops_domain::close::ItemStatus::Ok);
    if let Some(i) = blocked {
        v.board.items[i].fix = Some("billops import FILE…".into());
    }
    let ok = v.board.items.iter().position(|i| i.status == billops_domain::close::ItemStatus::Ok).unwrap();
    v.board.items[ok].basis = "3 payers, all final".into();
    billops::console::update(
        &mut s,
        billops::console::Action::Reply {
            req,
            result: Ok(billops::console::Reply::Pane(billops::console::action::PaneReply::Close(
                billops::console::panes::close::io::Reply::Board(Box::new(v)),
            ))),
        },
    );
    let text = screen(&s, &theme(), 160, 48);
    assert!(text.contains("1 funding claim(s) due soon, 1 lapsed"), "{text}");
    // Walk the checklist: the ✓ item shows its basis, the blocked one its fix.
    let mut seen = (false, false);
    for _ in 0..10 {
        let t = screen(&s, &theme(), 160, 48);
        seen.0 |= t.contains("3 payers, all final");
        seen.1 |= t.contains("fix: billops import FILE…");
        keys(&mut s, &["down"]);
    }
    assert!(seen.0 && (seen.1 || blocked.is_none()), "{seen:?}");
}
