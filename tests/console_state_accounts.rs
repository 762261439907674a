//! Pure state tests of the Accounts and Imports panes: assigning and proposing, the import views and form.
//! The guard listing every command is in `console_state.rs`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod console_common;
use console_common::*;

use billops::console::action::{Action, Effect, PaneWrite};
use billops::console::keys::Cmd;
use billops::console::panes::{accounts, imports};
use billops::console::state::{Mode, State, ViewKey};
use billops::console::update;
use billops_domain::Role;

fn sel(s: &State, key: ViewKey) -> Option<String> {
    s.selected_id(key)
}

#[test]
fn accounts_unassigned_first_then_assign_with_completion() {
    // Managers assign directly; an operator's `e` is a proposal (below).
    let mut s = state(Role::Manager);
    press(&mut s, Cmd::PaneAccounts);
    assert_eq!(sel(&s, ViewKey::Accounts).as_deref(), Some("399999999999"));
    press(&mut s, Cmd::Edit);
    let Mode::Form(f) = &s.mode else { panic!("no form") };
    assert_eq!(f.value(1), "2026-05-01", "effective date defaults to the period start");
    type_text(&mut s, "UM");
    keys(&mut s, &["tab"]);
    let Mode::Form(f) = &s.mode else { panic!("no form") };
    assert_eq!(f.value(0), "UMBRELLA");
    let fx = keys(&mut s, &["enter"]);
    assert_eq!(
        writes(&fx),
        [PaneWrite::Accounts(accounts::io::Write::Assign {
            account: "399999999999".into(),
            customer: "UMBRELLA".into(),
            from: chrono::NaiveDate::from_ymd_opt(2026, 5, 1).unwrap()
        })]
    );
    assert!(matches!(s.mode, Mode::Normal));
    // Enter opens the same form.
    press(&mut s, Cmd::Open);
    assert!(matches!(s.mode, Mode::Form(_)));
    keys(&mut s, &["esc"]);
}

#[test]
fn an_operators_assignment_is_a_proposal() {
    let mut s = state(Role::Operator);
    press(&mut s, Cmd::PaneAccounts);
    press(&mut s, Cmd::Edit);
    let Mode::Form(f) = &s.mode else { panic!("no form") };
    assert!(
        matches!(f.kind, billops::console::pane::FormKind::Accounts(accounts::form::Kind::Propose { .. })),
        "{:?}",
        f.kind
    );
    assert!(f.title.contains("you are an operator: propose"), "{}", f.title);
    keys(&mut s, &["down"]);
    type_text(&mut s, "UMBRELLA");
    let fx = keys(&mut s, &["enter"]);
    let w = writes(&fx);
    let [PaneWrite::Accounts(accounts::io::Write::Propose(p))] = w.as_slice() else { panic!("{w:?}") };
    assert_eq!((p.account.as_str(), p.customer.as_str()), ("399999999999", "UMBRELLA"));
}

#[test]
fn assign_form_refuses_unknown_customer_and_bad_date() {
    let mut s = state(Role::Manager);
    press(&mut s, Cmd::PaneAccounts);
    press(&mut s, Cmd::Edit);
    type_text(&mut s, "NOPE");
    let fx = keys(&mut s, &["enter"]);
    assert!(writes(&fx).is_empty());
    let Mode::Form(f) = &s.mode else { panic!() };
    assert!(f.error.as_ref().unwrap().contains("no customer \"NOPE\""));
}

#[test]
fn propose_then_manager_approves_and_rejects() {
    let mut s = state(Role::Operator);
    press(&mut s, Cmd::PaneAccounts);
    press(&mut s, Cmd::Propose);
    keys(&mut s, &["down"]);
    type_text(&mut s, "UMBRELLA");
    let fx = keys(&mut s, &["enter"]);
    assert!(
        matches!(&writes(&fx)[..], [PaneWrite::Accounts(accounts::io::Write::Propose(p))] if p.payer == "111111111111" && p.customer == "UMBRELLA")
    );
    // An operator cannot approve.
    let fx = press(&mut s, Cmd::Approve);
    assert!(writes(&fx).is_empty());
    assert!(s.message.as_ref().unwrap().text.contains("manager"));

    let mut m = state(Role::Manager);
    press(&mut m, Cmd::PaneAccounts);
    press(&mut m, Cmd::SwitchView);
    assert_eq!(m.current_view(), ViewKey::Proposals);
    assert_eq!(sel(&m, ViewKey::Proposals).as_deref(), Some("7"), "open proposals first");
    press(&mut m, Cmd::Approve);
    let fx = keys(&mut m, &["enter"]);
    assert_eq!(
        writes(&fx),
        [PaneWrite::Accounts(accounts::io::Write::Decide { id: 7, approve: true, reason: String::new() })]
    );
    press(&mut m, Cmd::Reject);
    let fx = keys(&mut m, &["enter"]);
    assert!(writes(&fx).is_empty(), "a rejection needs a reason");
    type_text(&mut m, "wrong payer");
    let fx = keys(&mut m, &["enter"]);
    assert_eq!(
        writes(&fx),
        [PaneWrite::Accounts(accounts::io::Write::Decide { id: 7, approve: false, reason: "wrong payer".into() })]
    );
    press(&mut m, Cmd::SwitchView);
    assert_eq!(m.current_view(), ViewKey::Payers);
}

#[test]
fn imports_views_resolve_and_start() {
    let mut s = state(Role::Operator);
    press(&mut s, Cmd::PaneImports);
    assert_eq!(s.current_view(), ViewKey::Batches);
    assert_eq!(sel(&s, ViewKey::Batches).as_deref(), Some("3"), "newest batch first");
    // Enter: the batch's detail; v goes on to the issues list.
    press(&mut s, Cmd::Open);
    assert_eq!(s.pane.pane().screen(&s), "row");
    press(&mut s, Cmd::SwitchView);
    assert_eq!(s.current_view(), ViewKey::Issues);
    press(&mut s, Cmd::Resolve);
    type_text(&mut s, "fixed upstream");
    let fx = keys(&mut s, &["enter"]);
    assert_eq!(
        writes(&fx),
        [PaneWrite::Imports(imports::io::Write::Resolve { id: 11, note: "fixed upstream".into() })]
    );
    press(&mut s, Cmd::SwitchView);
    assert_eq!(s.current_view(), ViewKey::Quarantine);
    press(&mut s, Cmd::Import);
    let Mode::Form(_) = &s.mode else { panic!("import form") };
    type_text(&mut s, "/data/cur/june.csv");
    let fx = keys(&mut s, &["enter"]);
    assert!(
        fx.iter().any(|e| matches!(e, Effect::Import { paths, .. } if paths[0].to_str() == Some("/data/cur/june.csv")))
    );
    let req = s.panes.imports.job.as_ref().unwrap().req;
    // Progress arrives, then the end: the job clears and everything reloads.
    update(
        &mut s,
        Action::Reply {
            req,
            result: Ok(billops::console::Reply::ImportProgress(billops::ingest::Progress {
                file_index: 0,
                file_count: 1,
                file_name: "june.csv".into(),
                rows: 1000,
                bytes: 0,
                total: 0,
                done: false,
            })),
        },
    );
    assert_eq!(s.panes.imports.job.as_ref().unwrap().progress.as_ref().unwrap().rows, 1000);
    let fx = update(
        &mut s,
        Action::Reply { req, result: Ok(billops::console::Reply::ImportDone(vec!["imported june.csv".into()])) },
    );
    assert!(s.panes.imports.job.is_none());
    assert!(fx.iter().any(|e| is_query(e, "Imports", "All")));
}

#[test]
fn the_import_form_says_which_azure_view_instead_of_refusing_the_file() {
    let mut s = state(Role::Operator);
    keys(&mut s, &["8"]);
    press(&mut s, Cmd::Import);
    type_text(&mut s, "/data/azure/amortized-may.csv");
    keys(&mut s, &["down"]);
    type_text(&mut s, "sideways");
    let fx = keys(&mut s, &["enter"]);
    assert!(!fx.iter().any(|e| matches!(e, Effect::Import { .. })), "a bad view starts nothing");
    let Mode::Form(f) = &s.mode else { panic!("the form stays open") };
    assert!(f.error.as_ref().is_some_and(|e| e.contains("actual or amortized")), "{:?}", f.error);
    assert_eq!(f.error_field, Some("view"), "the message beside the field");
    for _ in 0.."sideways".len() {
        keys(&mut s, &["backspace"]);
    }
    type_text(&mut s, "amortized");
    let fx = keys(&mut s, &["enter"]);
    assert!(
        fx.iter().any(|e| matches!(e, Effect::Import { view: Some(billops_import::View::Amortized), paths, .. }
            if paths[0].to_str() == Some("/data/azure/amortized-may.csv"))),
        "{fx:?}"
    );
}

/// The unassigned account's suggestion from Azure partner fields (as the pane's read returns it).
fn with_suggestion(s: &mut State) {
    use billops_domain::partner::{Basis, PartnerFields, Suggestion};
    let billops::console::state::Load::Ready(d) = &mut s.panes.accounts.data else { panic!("accounts not loaded") };
    d.suggestions.push(Suggestion {
        account: "399999999999".into(),
        account_name: "mystery-sandbox".into(),
        payer: "111111111111".into(),
        fields: PartnerFields {
            customer_tenant_id: "t-umb".into(),
            customer_name: "Umbrella Health".into(),
            reseller_name: String::new(),
        },
        basis: Basis::Name,
        customer: "UMBRELLA".into(),
        customer_name: "Umbrella Health".into(),
    });
}

#[test]
fn a_suggested_customer_is_shown_and_taken_by_role() {
    let take = |role: Role| {
        let mut s = state(role);
        press(&mut s, Cmd::PaneAccounts);
        // no suggestion yet: t says why and writes nothing
        let fx = press(&mut s, Cmd::TakeSuggestion);
        assert!(writes(&fx).is_empty());
        assert!(s.message.as_ref().is_some_and(|m| m.text.contains("no suggestion for account 399999999999")));
        with_suggestion(&mut s);
        assert_eq!(sel(&s, ViewKey::Accounts).as_deref(), Some("399999999999"));
        let shown = screen(&s, &theme(), 80, 24);
        let verb = if role == Role::Manager { "t assigns" } else { "t proposes" };
        assert!(shown.contains("suggested: UMBRELLA (name \"Umbrella Health\") · from Azure"), "{shown}");
        assert!(
            accounts::suggest::line(&accounts::suggest::selected(&s).unwrap().clone(), role == Role::Manager)
                .ends_with(verb)
        );
        let fx = press(&mut s, Cmd::TakeSuggestion);
        let w = writes(&fx);
        assert_eq!(
            w,
            [PaneWrite::Accounts(accounts::io::Write::TakeSuggestion {
                account: "399999999999".into(),
                from: chrono::NaiveDate::from_ymd_opt(2026, 5, 1).unwrap()
            })],
            "{role:?}: the store makes a manager's an assignment and an operator's a proposal"
        );
        // an assigned account shows no suggestion line
        keys(&mut s, &["down"]);
        assert!(!screen(&s, &theme(), 80, 24).contains("suggested:"));
    };
    take(Role::Manager);
    take(Role::Operator);
    let mut s = state(Role::Viewer);
    press(&mut s, Cmd::PaneAccounts);
    with_suggestion(&mut s);
    let fx = press(&mut s, Cmd::TakeSuggestion);
    assert!(writes(&fx).is_empty(), "a viewer takes nothing");
}
