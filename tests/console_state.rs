//! Pure state tests: every command in the key table, pressed through its default key, drives `update` to the
//! expected state. No terminal, no store (the fixture answers effects).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod console_common;
use console_common::*;

use billops::console::action::{Action, Effect, PaneWrite};
use billops::console::keys::{self, BINDINGS, Cmd};
use billops::console::pane::PaneId;
use billops::console::panes::customers;
use billops::console::state::{Load, Mode, State, ViewKey};
use billops::console::update;
use billops_domain::{CostBasis, Dim, Role};

fn sel(s: &State, key: ViewKey) -> Option<String> {
    s.selected_id(key)
}

#[test]
fn starts_on_the_close_board_of_the_newest_period() {
    let s = started(Role::Operator);
    assert_eq!(s.period, Some(p("2026-05")));
    assert_eq!(s.pane, PaneId::Close);
    assert!(s.panes.close.data.ready().is_some());
    assert_eq!(s.view(ViewKey::Close).unwrap().model.rows.len(), 8);
    let s = state(Role::Operator);
    assert_eq!(s.pane, PaneId::Customers);
    assert!(s.panes.customers.data.ready().is_some());
    assert_eq!(s.view(ViewKey::Customers).unwrap().model.rows.len(), 4);
}

#[test]
fn every_command_has_a_test_below() {
    // The commands exercised in this file, console_state_accounts.rs, console_state_month.rs and
    // console_state_ledger.rs; a command added to the table without a test fails here.
    let tested = [
        Cmd::Quit,
        Cmd::Help,
        Cmd::Palette,
        Cmd::Filter,
        Cmd::Export,
        Cmd::Refresh,
        Cmd::NextPane,
        Cmd::PrevPane,
        Cmd::PaneClose,
        Cmd::PaneCustomers,
        Cmd::PaneAccounts,
        Cmd::PaneCosts,
        Cmd::PaneInvoices,
        Cmd::PaneCredits,
        Cmd::PaneRecon,
        Cmd::PaneImports,
        Cmd::PaneAudit,
        Cmd::Up,
        Cmd::Down,
        Cmd::PageUp,
        Cmd::PageDown,
        Cmd::Top,
        Cmd::Bottom,
        Cmd::Open,
        Cmd::Back,
        Cmd::PrevPeriod,
        Cmd::NextPeriod,
        Cmd::Sort,
        Cmd::SwitchView,
        Cmd::Tick,
        Cmd::Edit,
        Cmd::Propose,
        Cmd::Approve,
        Cmd::Reject,
        Cmd::ToggleBasis,
        Cmd::Import,
        Cmd::Resolve,
        Cmd::SignOff,
        Cmd::Reopen,
        Cmd::Generate,
        Cmd::Review,
        Cmd::Issue,
        Cmd::Void,
        Cmd::SupplierInvoice,
        Cmd::OpenCases,
        Cmd::EditCase,
        Cmd::Payment,
        Cmd::Statement,
        Cmd::Terms,
        Cmd::PriceBook,
        Cmd::NewRule,
        Cmd::ApproveAll,
        Cmd::ReviewAll,
        Cmd::Explain,
        Cmd::CreditNote,
        // tested in console_store.rs (generate_review_approve_issue_against_the_store)
        Cmd::Document,
        // tested in console_disputes.rs (opening_a_dispute_is_a_typed_write)
        Cmd::Dispute,
        // tested in console_funding.rs
        Cmd::FundingSubmit,
        Cmd::FundingStep,
        Cmd::FundingOpportunity,
        Cmd::FundingAdd,
        Cmd::NameAccount,
        // tested in console_forecast.rs (an_event_form_…, a_budget_needs_…)
        Cmd::ForecastEvent,
        Cmd::SetBudget,
        // tested in console_forecast_views.rs (the cache, volume and account-code tests; the report key)
        Cmd::ForecastMeasure,
        Cmd::ForecastGroup,
        Cmd::MonthReport,
        // tested in console_panes.rs (quote_and_a_letter_jump_to_the_pane_and_other_keys_cancel)
        Cmd::GotoPane,
        // tested in console_actions.rs
        Cmd::OnboardingEdit,
        Cmd::OnboardingAdd,
        Cmd::OnboardingRetire,
        Cmd::AddCustomer,
        Cmd::ProposeCredit,
        Cmd::Settings,
        // tested in console_detail.rs (the_message_log_keeps_what_the_line_cuts)
        Cmd::Messages,
        // tested in console_disputes.rs (an_sla_claim_is_assessed_…, sla_claim_steps_…, a_dispute_and_a_ppa_open_…)
        Cmd::NewClaim,
        Cmd::SubmitClaim,
        Cmd::ClaimCredited,
        Cmd::PassThrough,
        Cmd::JumpInvoice,
        // tested in console_state_accounts.rs (a_suggested_customer_is_shown_and_taken_by_role)
        Cmd::TakeSuggestion,
        // tested in console_fx.rs (an_operator_proposes_a_rate_…)
        Cmd::FxRate,
        // tested in console_disputes.rs (late_rows_are_previewed_then_proposed_as_ppas) and console_store_late.rs
        Cmd::LateRows,
        // tested in console_state_accounts.rs (marks_…) and console_store.rs (marked_accounts_…)
        Cmd::Mark,
        Cmd::MarkAll,
        Cmd::ClearMarks,
    ];
    for b in BINDINGS {
        assert!(tested.contains(&b.cmd), "{} has no state test", b.name);
    }
}

#[test]
fn quit_help_palette() {
    let mut s = state(Role::Viewer);
    press(&mut s, Cmd::Help);
    assert!(matches!(s.mode, Mode::Help { .. }));
    keys(&mut s, &["esc"]);
    assert!(matches!(s.mode, Mode::Normal));
    press(&mut s, Cmd::Palette);
    assert!(matches!(s.mode, Mode::Palette { .. }));
    keys(&mut s, &["esc"]);
    let fx = press(&mut s, Cmd::Quit);
    assert!(s.quit && fx.contains(&Effect::Quit));
    let mut s = state(Role::Viewer);
    keys(&mut s, &["ctrl-c"]);
    assert!(s.quit);
}

#[test]
fn pane_switching_by_number_and_tab() {
    let mut s = state(Role::Operator);
    for (cmd, pane) in [
        (Cmd::PaneAccounts, PaneId::Accounts),
        (Cmd::PaneCosts, PaneId::Costs),
        (Cmd::PaneInvoices, PaneId::Invoices),
        (Cmd::PaneCredits, PaneId::Credits),
        (Cmd::PaneRecon, PaneId::Recon),
        (Cmd::PaneImports, PaneId::Imports),
        (Cmd::PaneAudit, PaneId::Audit),
        (Cmd::PaneClose, PaneId::Close),
        (Cmd::PaneCustomers, PaneId::Customers),
    ] {
        press(&mut s, cmd);
        assert_eq!(s.pane, pane);
    }
    assert_eq!(keys::BINDINGS.iter().find(|b| b.cmd == Cmd::PaneClose).unwrap().keys, ["1"], "Close is pane 1");
    press(&mut s, Cmd::NextPane);
    assert_eq!(s.pane, PaneId::Accounts);
    assert!(s.panes.accounts.data.ready().is_some(), "switching loads the pane");
    press(&mut s, Cmd::PrevPane);
    press(&mut s, Cmd::PrevPane);
    assert_eq!(s.pane, PaneId::Close);
    press(&mut s, Cmd::PrevPane);
    assert_eq!(s.pane, *PaneId::ALL.last().unwrap(), "Shift-Tab from the first pane wraps to the last");
    while s.pane != PaneId::Audit {
        press(&mut s, Cmd::PrevPane);
    }
    assert!(s.panes.audit.data.ready().is_some());
}

#[test]
fn moving_the_selection() {
    let mut s = state(Role::Operator);
    assert_eq!(sel(&s, ViewKey::Customers).as_deref(), Some("ACME"));
    press(&mut s, Cmd::Down);
    assert_eq!(sel(&s, ViewKey::Customers).as_deref(), Some("GLOBEX"));
    press(&mut s, Cmd::Up);
    press(&mut s, Cmd::Up);
    assert_eq!(sel(&s, ViewKey::Customers).as_deref(), Some("ACME"));
    press(&mut s, Cmd::Bottom);
    assert_eq!(sel(&s, ViewKey::Customers).as_deref(), Some("UMBRELLA"));
    press(&mut s, Cmd::Top);
    assert_eq!(sel(&s, ViewKey::Customers).as_deref(), Some("ACME"));
    press(&mut s, Cmd::PageDown);
    assert_eq!(sel(&s, ViewKey::Customers).as_deref(), Some("UMBRELLA"));
    press(&mut s, Cmd::PageUp);
    assert_eq!(sel(&s, ViewKey::Customers).as_deref(), Some("ACME"));
    keys(&mut s, &["j", "k", "G", "g"]);
    assert_eq!(sel(&s, ViewKey::Customers).as_deref(), Some("ACME"));
}

#[test]
fn filter_live_escape_restores_back_clears() {
    let mut s = state(Role::Operator);
    press(&mut s, Cmd::Filter);
    type_text(&mut s, "glo");
    assert_eq!(s.view(ViewKey::Customers).unwrap().vs.visible.len(), 1);
    keys(&mut s, &["esc"]);
    assert_eq!(s.view(ViewKey::Customers).unwrap().vs.visible.len(), 4, "esc restores the old filter");
    press(&mut s, Cmd::Filter);
    type_text(&mut s, "code:i");
    keys(&mut s, &["enter"]);
    assert_eq!(s.view(ViewKey::Customers).unwrap().vs.filter, "code:i");
    assert_eq!(s.view(ViewKey::Customers).unwrap().vs.visible.len(), 1);
    assert_eq!(sel(&s, ViewKey::Customers).as_deref(), Some("INITECH"));
    press(&mut s, Cmd::Back);
    assert_eq!(s.view(ViewKey::Customers).unwrap().vs.visible.len(), 4);
}

#[test]
fn sort_cycles_columns() {
    let mut s = state(Role::Operator);
    press(&mut s, Cmd::Sort); // code ascending
    assert_eq!(sel(&s, ViewKey::Customers).as_deref(), Some("ACME"));
    press(&mut s, Cmd::Sort); // name
    press(&mut s, Cmd::Sort); // accounts desc
    press(&mut s, Cmd::Sort); // currency
    press(&mut s, Cmd::Sort); // cost desc
    let v = s.view(ViewKey::Customers).unwrap();
    let order: Vec<&str> = v.vs.visible.iter().map(|&i| v.model.rows[i].id.as_str()).collect();
    assert_eq!(order, ["ACME", "GLOBEX", "INITECH", "UMBRELLA"]);
    assert_eq!(v.vs.sort, Some((4, true)));
}

#[test]
fn export_produces_the_filtered_csv_with_exact_values() {
    let mut s = state(Role::Viewer);
    press(&mut s, Cmd::Filter);
    type_text(&mut s, "acme");
    keys(&mut s, &["enter"]);
    let fx = press(&mut s, Cmd::Export);
    let Some(Effect::Export { pane, period, csv, rows, .. }) = fx.first() else { panic!("{fx:?}") };
    assert_eq!((pane.as_str(), period.as_str(), *rows), ("customers", "2026-05", 1));
    // 1204.125000000000001 + 980.5 + 2210.333333333333333 + 75.005 + 312.44 + 1640, every digit; the
    // sparkline column exports the exact cost of its 12 months.
    assert_eq!(
        csv,
        "code,name,accts,cur,cost,last period,change,12 mo\n\
         ACME,Acme Corporation,2,USD,6422.403333333333334,4020,59.8,50592.403333333333334\n"
    );
    assert!(s.message.as_ref().unwrap().text.contains("exported 1 rows to /data/exports/customers-2026-05-1.csv"));
    // Other lists of a pane are named after both.
    keys(&mut s, &["8", "v"]);
    let fx = press(&mut s, Cmd::Export);
    assert!(matches!(fx.first(), Some(Effect::Export { pane, .. }) if pane == "imports-issues"), "{fx:?}");
}

#[test]
fn refresh_reloads() {
    let mut s = state(Role::Operator);
    let fx = press(&mut s, Cmd::Refresh);
    assert!(fx.iter().any(|e| matches!(e, Effect::Periods { .. })));
    assert!(fx.iter().any(|e| is_query(e, "Customers", "List")));
    assert!(s.panes.customers.data.ready().is_some());
}

#[test]
fn period_steps_and_reloads() {
    let mut s = state(Role::Operator);
    let fx = press(&mut s, Cmd::PrevPeriod);
    assert_eq!(s.period, Some(p("2026-04")));
    assert!(fx.iter().any(|e| matches!(e, Effect::Pane { q: billops::console::action::PaneQuery::Customers(customers::io::Query::List { period, .. }), .. } if *period == p("2026-04"))));
    press(&mut s, Cmd::NextPeriod);
    press(&mut s, Cmd::NextPeriod);
    assert_eq!(s.period, Some(p("2026-06")));
}

#[test]
fn customer_detail_open_switch_tick_back() {
    let mut s = state(Role::Operator);
    keys(&mut s, &["j"]);
    press(&mut s, Cmd::Open);
    let d = s.panes.customers.detail.as_ref().unwrap();
    assert_eq!(d.code, "GLOBEX");
    assert!(d.data.ready().is_some());
    assert_eq!(s.current_view(), ViewKey::Onboarding);
    let fx = press(&mut s, Cmd::Tick);
    assert_eq!(
        writes(&fx),
        [PaneWrite::Customers(customers::io::Write::Tick {
            customer: "GLOBEX".into(),
            item: "cost_history_report".into(),
            done: true
        })]
    );
    press(&mut s, Cmd::SwitchView);
    assert_eq!(s.current_view(), ViewKey::Services);
    let fx = press(&mut s, Cmd::Tick);
    assert!(writes(&fx).is_empty());
    press(&mut s, Cmd::Back);
    assert!(s.panes.customers.detail.is_none());
    assert_eq!(sel(&s, ViewKey::Customers).as_deref(), Some("GLOBEX"), "back selects the customer we came from");
}

#[test]
fn costs_drill_down_to_resource_and_back() {
    let mut s = state(Role::Viewer);
    press(&mut s, Cmd::PaneCosts);
    assert_eq!(s.panes.costs.level(), Dim::Customer);
    assert_eq!(sel(&s, ViewKey::Costs).as_deref(), Some("ACME"));
    press(&mut s, Cmd::Open);
    assert_eq!(s.panes.costs.level(), Dim::Service);
    assert_eq!(sel(&s, ViewKey::Costs).as_deref(), Some("AmazonEC2"));
    keys(&mut s, &["enter", "right"]);
    assert_eq!(s.panes.costs.level(), Dim::Component);
    assert_eq!(s.panes.costs.path.len(), 3);
    assert_eq!(sel(&s, ViewKey::Costs).as_deref(), Some("db"), "the biggest component first");
    press(&mut s, Cmd::Open);
    assert_eq!(s.panes.costs.level(), Dim::Resource);
    press(&mut s, Cmd::Open);
    assert_eq!(s.panes.costs.level(), Dim::Resource, "resources are the bottom");
    keys(&mut s, &["esc", "left", "h"]);
    assert_eq!(s.panes.costs.level(), Dim::Service);
    assert_eq!(sel(&s, ViewKey::Costs).as_deref(), Some("AmazonEC2"), "back reselects where we came from");
    press(&mut s, Cmd::Back);
    assert_eq!(s.panes.costs.level(), Dim::Customer);
    assert_eq!(sel(&s, ViewKey::Costs).as_deref(), Some("ACME"));
}

#[test]
fn a_drill_during_a_reload_waits_for_the_new_level() {
    // After a write the costs pane keeps its rows shown while it reloads (keys act on them); a drill asks for
    // another level, so the old level's rows are no longer what a second Enter may act on.
    let mut s = state(Role::Viewer);
    press(&mut s, Cmd::PaneCosts);
    s.pending.push(999);
    let fx =
        update(&mut s, Action::Reply { req: 999, result: Ok(billops::console::action::Reply::Written("done".into())) });
    assert!(matches!(s.panes.costs.data, Load::Refreshing(..)), "{:?}", s.panes.costs.data);
    let drill = update(&mut s, Action::Cmd(Cmd::Open));
    assert_eq!(s.panes.costs.level(), Dim::Service);
    assert!(matches!(s.panes.costs.data, Load::Loading(_)), "the customer rows are not services");
    assert!(update(&mut s, Action::Cmd(Cmd::Open)).is_empty(), "no second drill on the old rows");
    assert_eq!(s.panes.costs.level(), Dim::Service);
    drive(&mut s, fx);
    drive(&mut s, drill);
    assert_eq!(sel(&s, ViewKey::Costs).as_deref(), Some("AmazonEC2"), "the answer for the new level is shown");
}

#[test]
fn costs_totals_equal_the_parent_row_exactly_at_every_level() {
    let mut s = state(Role::Viewer);
    press(&mut s, Cmd::PaneCosts);
    let mut parent = None;
    for _ in 0..4 {
        let v = s.view(ViewKey::Costs).unwrap();
        let total = v.model.total.as_ref().unwrap()[2].num.unwrap();
        let sum: rust_decimal::Decimal = v.model.rows.iter().map(|r| r.cells[2].num.unwrap()).sum();
        assert_eq!(total, sum);
        if let Some(pv) = parent {
            assert_eq!(total, pv, "level total equals the row drilled into");
        }
        parent = Some(v.vs.selected_row(&v.model).unwrap().cells[2].num.unwrap());
        press(&mut s, Cmd::Open);
    }
}

#[test]
fn toggle_basis_reloads_costs() {
    let mut s = state(Role::Viewer);
    press(&mut s, Cmd::PaneCosts);
    let fx = press(&mut s, Cmd::ToggleBasis);
    assert_eq!(s.panes.costs.basis, CostBasis::Effective);
    assert!(fx.iter().any(|e| matches!(
        e,
        Effect::Pane {
            q: billops::console::action::PaneQuery::Costs(billops::console::panes::costs::io::Query::Level {
                basis: CostBasis::Effective,
                ..
            }),
            ..
        }
    )));
}

#[test]
fn viewers_and_read_only_never_write() {
    for (role, read_only, expect) in
        [(Role::Viewer, false, "read-only: viewer role"), (Role::Manager, true, "read-only: started with --read-only")]
    {
        let mut s = State::new(billops::console::Setup { read_only, ..setup(role) });
        let fx = billops::console::start(&mut s);
        drive(&mut s, fx);
        let mut all = Vec::new();
        all.extend(keys(&mut s, &["2", "enter", "space"]));
        assert!(s.message.as_ref().unwrap().text.starts_with(expect), "{:?}", s.message);
        all.extend(keys(&mut s, &["esc", "3", "e", "p", "v", "a", "r", "8", "i", "r"]));
        all.extend(keys(&mut s, &["1", "S", "R", "5", "n", "w", "a", "I", "j", "j", "j", "X", "6", "a", "r"]));
        all.extend(keys(&mut s, &[":"]));
        type_text(&mut s, "import /tmp/x.csv");
        all.extend(keys(&mut s, &["enter"]));
        assert!(writes(&all).is_empty(), "{role:?}: {all:?}");
        assert!(!all.iter().any(|e| matches!(e, Effect::Import { .. }) || is_query(e, "Invoices", "Generate")));
        assert!(matches!(s.mode, Mode::Normal));
    }
}

#[test]
fn palette_commands_and_completion() {
    let mut s = state(Role::Operator);
    keys(&mut s, &[":"]);
    type_text(&mut s, "cu");
    keys(&mut s, &["tab"]);
    type_text(&mut s, "gl");
    keys(&mut s, &["tab", "enter"]);
    assert_eq!(s.panes.customers.detail.as_ref().map(|d| d.code.as_str()), Some("GLOBEX"));

    keys(&mut s, &[":"]);
    type_text(&mut s, "costs acme 2026-04");
    keys(&mut s, &["enter"]);
    assert_eq!((s.pane, s.period), (PaneId::Costs, Some(p("2026-04"))));
    assert_eq!(s.panes.costs.path, [(Dim::Customer, "ACME".to_string())]);
    assert!(s.panes.costs.data.ready().is_some());
    assert_eq!(sel(&s, ViewKey::Costs).as_deref(), Some("AmazonEC2"));

    keys(&mut s, &[":"]);
    type_text(&mut s, "period 2026-09");
    keys(&mut s, &["enter"]);
    assert_eq!(s.period, Some(p("2026-09")));

    keys(&mut s, &[":"]);
    type_text(&mut s, "bal ACME");
    let fx = keys(&mut s, &["enter"]);
    assert!(fx.iter().any(|e| matches!(e, Effect::Balance { customer, .. } if customer == "ACME")), "{fx:?}");
    let Mode::Balance { customer, data } = &s.mode else { panic!("balance popup: {:?}", s.mode) };
    assert_eq!((customer.as_str(), data.ready().unwrap().overdue), ("ACME", d("999.99")));
    keys(&mut s, &["x"]);
    assert!(matches!(s.mode, Mode::Normal), "any key closes the popup");

    keys(&mut s, &[":"]);
    type_text(&mut s, "bogus");
    keys(&mut s, &["enter"]);
    assert!(s.message.as_ref().unwrap().text.contains("unknown command"));

    keys(&mut s, &[":"]);
    type_text(&mut s, "q");
    let fx = keys(&mut s, &["enter"]);
    assert!(s.quit && fx.contains(&Effect::Quit));
}

#[test]
fn stale_replies_are_dropped_and_failures_shown() {
    let mut s = state(Role::Operator);
    // Two period steps: the first request's reply arrives last and must not win.
    let fx1 = update(&mut s, Action::Cmd(Cmd::PrevPeriod));
    let fx2 = update(&mut s, Action::Cmd(Cmd::PrevPeriod));
    drive(&mut s, fx2);
    let after = s.view(ViewKey::Customers).unwrap().model.clone();
    drive(&mut s, fx1);
    assert_eq!(s.view(ViewKey::Customers).unwrap().model, after);
    assert_eq!(s.period, Some(p("2026-03")));
    // A failure lands in the waiting slot.
    let fx = update(&mut s, Action::Cmd(Cmd::PaneAudit));
    let Some(Effect::Pane { req, .. }) = fx.first() else { panic!() };
    update(&mut s, Action::Reply { req: *req, result: Err("database error: disk I/O".into()) });
    assert_eq!(s.panes.audit.data, Load::Failed("database error: disk I/O".into()));
}

#[test]
fn key_releases_are_ignored() {
    let mut s = state(Role::Operator);
    let mut ev =
        crossterm::event::KeyEvent::new(crossterm::event::KeyCode::Char('q'), crossterm::event::KeyModifiers::NONE);
    ev.kind = crossterm::event::KeyEventKind::Release;
    update(&mut s, Action::Key(ev));
    assert!(!s.quit);
}
