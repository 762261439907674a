//! Pure state tests of the month-end panes (Close, Invoices, Credits, Recon): every key they add, through
//! its default binding, against the fixture. The guard listing every command is in `console_state.rs`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod console_common;
use console_common::*;

use billops::console::action::{Action, Effect, PaneQuery, PaneReply, PaneWrite};
use billops::console::keys::Cmd;
use billops::console::pane::PaneId;
use billops::console::panes::{close, credits, invoices, recon};
use billops::console::state::{Load, Mode, State, ViewKey};
use billops::console::update;
use billops_domain::Role;

#[test]
fn close_board_items_jump_to_the_list_that_fixes_them() {
    let mut s = started(Role::Manager);
    let v = s.panes.close.data.ready().unwrap();
    assert!(!v.can_sign_off);
    let model = &s.view(ViewKey::Close).unwrap().model;
    assert_eq!(model.rows[0].cells[1].text, "blocker", "error-level feed issue blocks");
    assert_eq!(model.rows[6].cells[1].text, "warning", "onboarding warns");
    // 1: open feed issues → Imports, issues list (Enter shows the item whole, Enter again goes there).
    press(&mut s, Cmd::Open);
    assert_eq!(s.pane, PaneId::Close, "the first Enter opens the item's detail");
    assert!(s.panes.close.detail.open);
    press(&mut s, Cmd::Open);
    assert_eq!((s.pane, s.current_view()), (PaneId::Imports, ViewKey::Issues));
    assert!(!s.panes.close.detail.open, "the detail closes behind the jump");
    // 2: unassigned → Accounts; 3: supplier invoices → Recon; 4: credits → Credits; 6: drafts → Invoices.
    for (row, pane) in [(1, PaneId::Accounts), (2, PaneId::Recon), (3, PaneId::Credits), (5, PaneId::Invoices)] {
        press(&mut s, Cmd::PaneClose);
        press(&mut s, Cmd::Top);
        for _ in 0..row {
            press(&mut s, Cmd::Down);
        }
        press(&mut s, Cmd::Open);
        press(&mut s, Cmd::Open);
        assert_eq!(s.pane, pane, "row {row}");
    }
    assert_eq!(s.current_view(), ViewKey::Invoices);
    // An ok item stays.
    press(&mut s, Cmd::PaneClose);
    keys(&mut s, &["g", "j", "j", "j", "j"]);
    press(&mut s, Cmd::Open);
    press(&mut s, Cmd::Open);
    assert_eq!(s.pane, PaneId::Close);
    assert!(s.message.as_ref().unwrap().text.contains("nothing to fix"));
}

#[test]
fn enter_shows_a_checklist_item_whole() {
    let mut s = started(Role::Manager);
    keys(&mut s, &["1", "g", "j"]);
    let v = s.panes.close.data.ready().unwrap();
    let it = v.board.items[1].clone();
    assert_eq!(it.status, billops_domain::close::ItemStatus::Blocker, "{it:?}");
    keys(&mut s, &["enter"]);
    assert!(s.panes.close.detail.open);
    assert_eq!(s.pane.pane().screen(&s), "item");
    let text = screen(&s, &theme(), 80, 24);
    assert!(text.contains("check 2 of 8 · 2026-05"), "{text}");
    assert!(text.contains(&it.title), "{text}");
    assert!(text.contains("blocker (the period cannot be signed off)"), "{text}");
    for p in &it.problems {
        assert!(text.contains(p.as_str()), "every blocker whole: {p}\n{text}");
    }
    let fix = it.fix.clone().expect("a failing item names its fix");
    let flat = |t: &str| t.replace(['│', '\n'], " ").split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(flat(&text).contains(&flat(&fix)), "the fix whole: {fix}\n{text}");
    assert!(text.contains("enter goes to Accounts (accounts list), where it is fixed"), "{text}");
    assert!(text.contains("owner") && text.contains("due"), "{text}");
    insta::assert_snapshot!("close_item_detail_80x24", text);
    insta::assert_snapshot!("close_item_detail_160x48", screen(&s, &theme(), 160, 48));
    // the detail follows the selection; esc returns to the board, the selection kept
    keys(&mut s, &["j"]);
    let text = screen(&s, &theme(), 80, 24);
    assert!(text.contains("check 3 of 8"), "{text}");
    keys(&mut s, &["esc"]);
    assert!(!s.panes.close.detail.open);
    assert_eq!(s.pane, PaneId::Close);
    assert_eq!(s.selected_id(ViewKey::Close).as_deref(), Some("2"));
    // an ok item says why it is one, and that nothing is to fix
    let ok = s
        .panes
        .close
        .data
        .ready()
        .unwrap()
        .board
        .items
        .iter()
        .position(|i| i.status == billops_domain::close::ItemStatus::Ok);
    let ok = ok.expect("the fixture has an ok item");
    keys(&mut s, &["g"]);
    for _ in 0..ok {
        keys(&mut s, &["j"]);
    }
    keys(&mut s, &["enter"]);
    let text = screen(&s, &theme(), 80, 24);
    assert!(text.contains("why ✓") && text.contains("nothing to fix"), "{text}");
    let basis = s.panes.close.data.ready().unwrap().board.items[ok].basis.clone();
    assert!(!basis.is_empty() && text.contains(&basis), "{basis}: {text}");
}

#[test]
fn sign_off_is_refused_with_blockers_and_confirmed_when_ready() {
    let mut s = started(Role::Manager);
    let fx = press(&mut s, Cmd::SignOff);
    assert!(writes(&fx).is_empty());
    assert!(matches!(s.mode, Mode::Normal), "no prompt when blocked");
    let m = s.message.clone().unwrap();
    assert!(m.text.starts_with("cannot sign off 2026-05:") && m.text.contains("unassigned account"), "{m:?}");
    assert_eq!(m.role, billops::console::theme::Role::Error);
    // Operators are refused before anything.
    let mut o = started(Role::Operator);
    press(&mut o, Cmd::SignOff);
    assert!(o.message.as_ref().unwrap().text.contains("manager"));
    // A clean board: confirmation, then the write.
    let req = s.req();
    s.panes.close.data = Load::Loading(req);
    let v = console_common::month::close_view(p("2026-05"), console_common::month::clean_facts(p("2026-05")), false);
    update(
        &mut s,
        Action::Reply {
            req,
            result: Ok(billops::console::Reply::Pane(PaneReply::Close(close::io::Reply::Board(Box::new(v))))),
        },
    );
    press(&mut s, Cmd::SignOff);
    let Mode::Form(f) = &s.mode else { panic!("confirmation") };
    assert!(f.title.contains("LOCK"));
    keys(&mut s, &["esc"]);
    assert!(matches!(s.mode, Mode::Normal), "esc cancels");
    press(&mut s, Cmd::SignOff);
    type_text(&mut s, "all clear");
    let fx = keys(&mut s, &["enter"]);
    assert_eq!(
        writes(&fx),
        [PaneWrite::Close(close::io::Write::SignOff {
            period: p("2026-05"),
            today: now().date_naive(),
            note: "all clear".into()
        })]
    );
}

#[test]
fn reopen_needs_a_lock_and_a_reason_and_locked_shows_in_state() {
    let mut s = started(Role::Manager);
    press(&mut s, Cmd::Reopen);
    assert!(s.message.as_ref().unwrap().text.contains("not locked"));
    let req = s.req();
    s.panes.close.data = Load::Loading(req);
    let v = console_common::month::close_view(p("2026-05"), console_common::month::close_facts(p("2026-05")), true);
    update(
        &mut s,
        Action::Reply {
            req,
            result: Ok(billops::console::Reply::Pane(PaneReply::Close(close::io::Reply::Board(Box::new(v))))),
        },
    );
    let req = s.req();
    s.locks = Load::Loading(req);
    let lock = billops_store::PeriodLock { period: p("2026-05"), locked_by: "maria".into(), locked_at: now() };
    update(&mut s, Action::Reply { req, result: Ok(billops::console::Reply::Locks(vec![lock])) });
    assert_eq!(s.period_lock().unwrap().locked_by, "maria");
    press(&mut s, Cmd::SignOff);
    assert!(s.message.as_ref().unwrap().text.contains("already signed off"));
    press(&mut s, Cmd::Reopen);
    let fx = keys(&mut s, &["enter"]);
    assert!(writes(&fx).is_empty(), "a reason is required");
    type_text(&mut s, "late supplier invoice");
    let fx = keys(&mut s, &["enter"]);
    assert_eq!(
        writes(&fx),
        [PaneWrite::Close(close::io::Write::Reopen { period: p("2026-05"), reason: "late supplier invoice".into() })]
    );
}

#[test]
fn invoices_generate_open_review_approve_issue_void() {
    let mut s = started(Role::Manager);
    press(&mut s, Cmd::PaneInvoices);
    assert_eq!(s.view(ViewKey::Invoices).unwrap().model.rows.len(), 4);
    // Generate: working while the effect runs, then the per-customer summary.
    let fx = update(&mut s, Action::Key(keys_of(default_key(Cmd::Generate))));
    assert!(
        matches!(fx.as_slice(), [Effect::Pane { q: PaneQuery::Invoices(invoices::io::Query::Generate { period }), .. }] if *period == p("2026-05")),
        "{fx:?}"
    );
    assert!(s.panes.invoices.job.is_some());
    press(&mut s, Cmd::Generate);
    assert!(s.message.as_ref().unwrap().text.contains("already running"));
    drive(&mut s, fx);
    assert!(s.panes.invoices.job.is_none());
    assert!(s.message.as_ref().unwrap().text.starts_with("3 draft(s): 1 created, 1 regenerated, 1 unchanged"));
    assert_eq!(s.view(ViewKey::Generated).unwrap().model.rows.len(), 3);
    // Review the draft (row 1), approve the reviewed one (row 2), issue the approved one (row 3).
    let fx = press(&mut s, Cmd::Review);
    assert_eq!(
        writes(&fx),
        [PaneWrite::Invoices(invoices::io::Write::Step {
            id: 1,
            step: billops_store::InvoiceStep::Review,
            reason: String::new(),
            version: 3
        })]
    );
    let fx = press(&mut s, Cmd::Approve);
    assert!(writes(&fx).is_empty());
    assert!(s.message.as_ref().unwrap().text.contains("review it first"));
    press(&mut s, Cmd::Down);
    let fx = press(&mut s, Cmd::Approve);
    assert!(matches!(
        &writes(&fx)[..],
        [PaneWrite::Invoices(invoices::io::Write::Step { id: 2, step: billops_store::InvoiceStep::Approve, .. })]
    ));
    press(&mut s, Cmd::Down);
    // `I` on the list offers every approved invoice of the period, confirmed (count and total shown)
    let fx = press(&mut s, Cmd::Issue);
    assert!(writes(&fx).is_empty(), "nothing is issued before the confirmation");
    let Mode::Form(f) = &s.mode else { panic!("a confirmation") };
    let title = f.title.clone();
    assert!(title.starts_with("issue all 1 approved invoice(s) of 2026-05, total "), "{title}");
    assert!(title.contains("never change"), "says what cannot be undone: {title}");
    let fx = keys(&mut s, &["enter"]);
    assert!(
        matches!(&writes(&fx)[..], [PaneWrite::Invoices(invoices::io::Write::IssueAll { invoices })] if invoices.len() == 1 && invoices[0].0 == 3)
    );
    press(&mut s, Cmd::Down);
    press(&mut s, Cmd::Void);
    type_text(&mut s, "sent twice");
    let fx = keys(&mut s, &["enter"]);
    assert_eq!(
        writes(&fx),
        [PaneWrite::Invoices(invoices::io::Write::Step {
            id: 4,
            step: billops_store::InvoiceStep::Void,
            reason: "sent twice".into(),
            version: 3
        })]
    );
    // Enter: the six sections in order with their lines; Esc back, Esc again hides the summary.
    press(&mut s, Cmd::Top);
    press(&mut s, Cmd::Open);
    assert_eq!(s.current_view(), ViewKey::InvoiceLines);
    let m = &s.view(ViewKey::InvoiceLines).unwrap().model;
    let heads: Vec<&str> = m.rows.iter().filter(|r| !r.id.contains('l')).map(|r| r.cells[0].text.as_str()).collect();
    assert_eq!(heads.len(), 6);
    assert!(heads[0].starts_with("1. Supplier") && heads[5].starts_with("6. Rounding"), "{heads:?}");
    let ec2 = m.rows.iter().find(|r| r.cells[1].text == "AmazonEC2 / storefront / db").unwrap();
    assert_eq!((ec2.cells[2].text.as_str(), ec2.cells[4].text.as_str()), ("4410-100", "R1"));
    press(&mut s, Cmd::Back);
    assert!(s.panes.invoices.detail.is_none() && s.panes.invoices.generated.is_some());
    press(&mut s, Cmd::Back);
    assert!(s.panes.invoices.generated.is_none());
    // An operator reviews but may not approve.
    let mut o = started(Role::Operator);
    press(&mut o, Cmd::PaneInvoices);
    press(&mut o, Cmd::Down);
    let fx = press(&mut o, Cmd::Approve);
    assert!(writes(&fx).is_empty());
    assert!(o.message.as_ref().unwrap().text.contains("manager"));
}

#[test]
fn credits_queue_maker_checker_approve_reject() {
    let mut s = started(Role::Manager);
    press(&mut s, Cmd::PaneCredits);
    let v = s.view(ViewKey::Credits).unwrap();
    let order: Vec<&str> = v.vs.visible.iter().map(|&i| v.model.rows[i].id.as_str()).collect();
    assert_eq!(order, ["3", "2", "4", "1"], "proposed first, newest first");
    // CR-3 (2500) was proposed by alice: she may not approve it.
    let fx = press(&mut s, Cmd::Approve);
    assert!(writes(&fx).is_empty() && matches!(s.mode, Mode::Normal));
    let m = s.message.clone().unwrap().text;
    assert!(m.contains("you proposed credit CR-3") && m.contains("another manager must approve"), "{m}");
    // She may reject it (with a reason).
    press(&mut s, Cmd::Reject);
    type_text(&mut s, "duplicate");
    let fx = keys(&mut s, &["enter"]);
    assert_eq!(
        writes(&fx),
        [PaneWrite::Credits(credits::io::Write::Decide {
            id: 3,
            approve: false,
            reason: "duplicate".into(),
            version: 1
        })]
    );
    // CR-2 (olivia's): approve needs a reason too.
    press(&mut s, Cmd::Down);
    press(&mut s, Cmd::Approve);
    let fx = keys(&mut s, &["enter"]);
    assert!(writes(&fx).is_empty());
    type_text(&mut s, "agreed");
    let fx = keys(&mut s, &["enter"]);
    assert_eq!(
        writes(&fx),
        [PaneWrite::Credits(credits::io::Write::Decide { id: 2, approve: true, reason: "agreed".into(), version: 1 })]
    );
    press(&mut s, Cmd::Down);
    press(&mut s, Cmd::Approve);
    assert!(s.message.as_ref().unwrap().text.contains("already rejected"));
}

#[test]
fn recon_lists_payers_with_residual_and_status() {
    let mut s = started(Role::Viewer);
    press(&mut s, Cmd::PaneRecon);
    let m = &s.view(ViewKey::Recon).unwrap().model;
    assert_eq!(m.rows.len(), 2);
    // one currency: named in the title, no `cur` column
    assert_eq!(m.columns.len(), 7);
    assert_eq!(m.rows[0].cells[5].num, Some(d("0")), "tied payer has no residual");
    assert_eq!(m.rows[0].cells[6].text, "tied");
    assert_eq!(m.rows[1].cells[6].text, "no supplier inv");
    // a payer in two currencies: a row per currency, each naming it
    let mut two = month::recon();
    let mut eur = two.tie_outs[0].clone();
    eur.input.currency = "EUR".into();
    two.tie_outs.push(eur);
    let m = recon::table(&two);
    assert_eq!(m.columns[1].name, "cur");
    let ids: Vec<&str> = m.rows.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(ids, ["111111111111 USD", "222222222222 USD", "111111111111 EUR"]);
    assert_eq!(m.rows[2].cells[1].text, "EUR");
    let fx = press(&mut s, Cmd::PrevPeriod);
    assert!(fx.iter().any(|e| matches!(e, Effect::Pane { q: PaneQuery::Recon(recon::io::Query::Period { period }), .. } if *period == p("2026-04"))));
}

#[test]
fn refused_writes_show_the_store_message_and_reload() {
    let mut s = started(Role::Manager);
    press(&mut s, Cmd::PaneInvoices);
    let fx = update(&mut s, Action::Key(keys_of("w")));
    let Some(Effect::Write { req, .. }) = fx.first() else { panic!("{fx:?}") };
    let fx = update(
        &mut s,
        Action::Reply {
            req: *req,
            result: Err("period 2026-05 is locked (signed off by maria): corrections go through adjustments".into()),
        },
    );
    assert!(s.message.as_ref().unwrap().text.contains("is locked"));
    assert!(fx.iter().any(|e| is_query(e, "Invoices", "List")), "reloads what the store holds");
}

/// A started console whose board agrees with the variance fixture (item 5 blocks: 2 to explain).
fn with_variance_board(role: Role) -> State {
    let mut s = started(role);
    let req = s.req();
    s.panes.close.data = Load::Loading(req);
    let v = console_common::month::close_view(p("2026-05"), console_common::month::variance_facts(p("2026-05")), false);
    update(
        &mut s,
        Action::Reply {
            req,
            result: Ok(billops::console::Reply::Pane(PaneReply::Close(close::io::Reply::Board(Box::new(v))))),
        },
    );
    s
}

fn variance_ids(s: &State) -> Vec<String> {
    let v = s.view(ViewKey::Variances).unwrap();
    v.vs.visible.iter().map(|&i| v.model.rows[i].id.replace('\t', "/")).collect()
}

#[test]
fn board_item_5_jumps_to_the_variance_list_and_explain_writes() {
    let mut s = with_variance_board(Role::Operator);
    assert_eq!(s.view(ViewKey::Close).unwrap().model.rows[4].cells[1].text, "blocker");
    // Enter on item 5: the variance list in the Close pane, loaded; the rows needing an explanation first.
    keys(&mut s, &["g", "j", "j", "j", "j"]);
    assert!(press(&mut s, Cmd::Open).is_empty(), "the first Enter shows the item whole");
    let fx = press(&mut s, Cmd::Open);
    assert!(fx.iter().any(|e| matches!(e, Effect::Pane { q: PaneQuery::Close(close::io::Query::Variances { period }), .. } if *period == p("2026-05"))), "{fx:?}");
    assert_eq!((s.pane, s.current_view()), (PaneId::Close, ViewKey::Variances));
    assert!(s.message.as_ref().unwrap().text.contains("e explains the selected variance"));
    let ids = variance_ids(&s);
    assert_eq!(ids[..3], ["ACME/AmazonRDS", "UMBRELLA/AmazonEC2", "ACME/AmazonEC2"], "stale, unexplained, explained");
    let m = &s.view(ViewKey::Variances).unwrap().model;
    let states: Vec<&str> = m.rows.iter().take(4).map(|r| r.cells[6].text.as_str()).collect();
    assert_eq!(states, ["stale", "unexplained", "explained", "-"]);
    // what moved each (the fixture's main-unit volumes): UMBRELLA's gone EC2 its volume, ACME's EC2 its rate
    let by: Vec<&str> = m.rows.iter().take(4).map(|r| r.cells[7].text.as_str()).collect();
    assert_eq!(by, ["", "vol", "rate", ""]);
    assert_eq!((m.rows[0].cells[5].text.as_str(), m.rows[1].cells[5].text.as_str()), ("new", "gone"));
    let globex = m.rows.iter().find(|r| r.id == "GLOBEX\tAmazonEC2").unwrap();
    assert_eq!((globex.cells[5].text.as_str(), globex.cells[6].text.as_str()), ("10.0%", "-"), "9.998 % is under 10 %");

    // e on the stale row: the form starts from its explanation; Tab on the driver picks the next one.
    press(&mut s, Cmd::Explain);
    let Mode::Form(f) = &s.mode else { panic!("explain form") };
    assert!(f.title.contains("explain ACME / AmazonRDS 2026-05") && f.title.contains("1,640.00"), "{}", f.title);
    assert_eq!((f.value(0), f.value(1)), ("new_service".to_string(), "billing db".to_string()));
    keys(&mut s, &["tab"]);
    let Mode::Form(f) = &s.mode else { panic!("explain form") };
    assert_eq!(f.value(0), "decommission");
    keys(&mut s, &["down"]);
    type_text(&mut s, " moved from on-prem");
    let fx = keys(&mut s, &["enter"]);
    assert_eq!(
        writes(&fx),
        [PaneWrite::Close(close::io::Write::Explain {
            period: p("2026-05"),
            customer: "ACME".into(),
            service: "AmazonRDS".into(),
            driver: billops_domain::variance::Driver::Decommission,
            text: "billing db moved from on-prem".into(),
            delta: d("1640"),
        })]
    );
    // The write reloads the board and the list (still shown).
    assert!(fx.iter().any(|e| is_query(e, "Close", "Board")) && fx.iter().any(|e| is_query(e, "Close", "Variances")));
    assert_eq!(s.current_view(), ViewKey::Variances);

    // A prefix completes; an unknown driver or an empty text stays in the form with the reason.
    press(&mut s, Cmd::Down);
    press(&mut s, Cmd::Explain);
    let Mode::Form(f) = &s.mode else { panic!("explain form") };
    assert_eq!(f.value(0), "decommission", "UMBRELLA's EC2 is gone");
    keys(&mut s, &["backspace"; 12]);
    type_text(&mut s, "one");
    keys(&mut s, &["tab"]);
    let Mode::Form(f) = &s.mode else { panic!("explain form") };
    assert_eq!(f.value(0), "one_off");
    let fx = keys(&mut s, &["enter"]);
    assert!(writes(&fx).is_empty());
    let Mode::Form(f) = &s.mode else { panic!("still open") };
    assert!(f.error.as_deref().unwrap().contains("why: required"), "{:?}", f.error);
    keys(&mut s, &["backspace"; 7]);
    type_text(&mut s, "weather");
    keys(&mut s, &["down"]);
    type_text(&mut s, "storms");
    keys(&mut s, &["enter"]);
    let Mode::Form(f) = &s.mode else { panic!("still open") };
    assert!(f.error.as_deref().unwrap().contains("unknown driver \"weather\""), "{:?}", f.error);
    keys(&mut s, &["esc"]);

    // Enter on a row drills into the customer's service in Costs; 1 and v come back, Esc returns to the board.
    press(&mut s, Cmd::Open);
    assert_eq!(s.pane, PaneId::Costs);
    assert_eq!(
        s.panes.costs.path,
        [(billops_domain::Dim::Customer, "UMBRELLA".into()), (billops_domain::Dim::Service, "AmazonEC2".into())]
    );
    press(&mut s, Cmd::PaneClose);
    assert_eq!(s.current_view(), ViewKey::Variances);
    press(&mut s, Cmd::Back);
    assert_eq!(s.current_view(), ViewKey::Close);
    press(&mut s, Cmd::SwitchView);
    assert_eq!(s.current_view(), ViewKey::Variances);
    press(&mut s, Cmd::SwitchView);
    assert_eq!(s.current_view(), ViewKey::Close);
    // e on the board opens the list too.
    press(&mut s, Cmd::Explain);
    assert_eq!(s.current_view(), ViewKey::Variances);
    // A period change reloads it.
    let fx = press(&mut s, Cmd::PrevPeriod);
    assert!(fx.iter().any(|e| matches!(e, Effect::Pane { q: PaneQuery::Close(close::io::Query::Variances { period }), .. } if *period == p("2026-04"))), "{fx:?}");
}

#[test]
fn viewers_may_not_explain_and_the_list_exports() {
    let mut s = with_variance_board(Role::Viewer);
    press(&mut s, Cmd::SwitchView);
    assert_eq!(s.current_view(), ViewKey::Variances);
    let fx = press(&mut s, Cmd::Explain);
    assert!(writes(&fx).is_empty() && matches!(s.mode, Mode::Normal));
    assert!(s.message.as_ref().unwrap().text.contains("read-only"));
    let fx = press(&mut s, Cmd::Export);
    assert!(fx.iter().any(|e| matches!(e, Effect::Export { pane, .. } if pane == "close-variances")), "{fx:?}");
}

#[test]
fn statement_balance_that_overflows_is_refused_not_shown_wrong() {
    use billops::console::panes::payments;
    let ok = console_common::ledger::statement(
        "ACME",
        chrono::NaiveDate::from_ymd_opt(2026, 5, 1).unwrap(),
        chrono::NaiveDate::from_ymd_opt(2026, 5, 31).unwrap(),
    );
    let m = payments::table(&ok).unwrap();
    assert_eq!(m.rows.last().unwrap().cells[4].num, Some(d("6984.32")));
    let mut bad = ok.clone();
    bad.opening = rust_decimal::Decimal::MAX;
    bad.closing = rust_decimal::Decimal::MAX;
    let e = payments::table(&bad).unwrap_err();
    assert!(e.contains("overflows") && e.contains("INV-000009"), "{e}");
}
