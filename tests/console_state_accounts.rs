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

/// The marks of the Accounts pane, as the list shows them (its first column).
fn marked(s: &State) -> Vec<String> {
    let v = s.view(ViewKey::Accounts).unwrap();
    v.model.rows.iter().filter(|r| r.cells[0].text == "*").map(|r| r.id.clone()).collect()
}

#[test]
fn marks_space_star_and_u_then_one_bulk_assignment_confirmed() {
    let mut s = state(Role::Manager);
    press(&mut s, Cmd::PaneAccounts);
    let v = s.view(ViewKey::Accounts).unwrap();
    assert_eq!(v.model.columns[0].name, "*", "a mark column first");
    // space marks the unassigned account and moves on; again on the next row
    keys(&mut s, &["space"]);
    assert_eq!(s.panes.accounts.marks.iter().collect::<Vec<_>>(), ["399999999999"]);
    assert_eq!(sel(&s, ViewKey::Accounts).as_deref(), Some("300000000001"), "moved to the next row");
    keys(&mut s, &["j", "space"]);
    assert_eq!(marked(&s), ["399999999999", "300000000002"], "in list order");
    assert_eq!(s.panes.accounts.marks.len(), 2);
    let text = screen(&s, &theme(), 80, 24);
    assert!(text.contains("2 marked: e assigns them"), "{text}");
    insta::assert_snapshot!("accounts_marked_80x24", text);
    // space on a marked row unmarks it
    keys(&mut s, &["k", "space"]);
    assert_eq!(s.panes.accounts.marks.len(), 1);
    // u clears; * marks what the filter shows
    keys(&mut s, &["u"]);
    assert!(s.panes.accounts.marks.is_empty() && marked(&s).is_empty());
    keys(&mut s, &["/"]);
    type_text(&mut s, "acme");
    keys(&mut s, &["enter", "*"]);
    assert_eq!(s.panes.accounts.marks.iter().collect::<Vec<_>>(), ["300000000001", "300000000002"]);
    keys(&mut s, &["esc", "g", "space"]);
    assert_eq!(s.panes.accounts.marks.len(), 3, "the unassigned one too (filter cleared)");
    // e with marks: one form for all of them; the customer matched case-insensitively (Tab completes too)
    press(&mut s, Cmd::Edit);
    let Mode::Form(f) = &s.mode else { panic!("no form") };
    assert!(f.title.contains("assign the 3 marked account(s)"), "{}", f.title);
    assert_eq!(f.value(1), "2026-05-01");
    type_text(&mut s, "globex");
    let fx = keys(&mut s, &["enter"]);
    assert!(writes(&fx).is_empty(), "a confirmation first");
    let Mode::Form(f) = &s.mode else { panic!("the confirmation") };
    assert!(
        f.title.starts_with("assign 3 account(s) to GLOBEX from 2026-05-01? (1 unassigned, 2 from ACME)"),
        "{}",
        f.title
    );
    // esc cancels, the marks stay
    keys(&mut s, &["esc"]);
    assert!(matches!(s.mode, Mode::Normal));
    assert_eq!(s.panes.accounts.marks.len(), 3);
    press(&mut s, Cmd::Edit);
    type_text(&mut s, "GLOBEX");
    keys(&mut s, &["enter"]);
    let fx = update(&mut s, Action::Key(keys_of("enter")));
    let w = writes(&fx);
    assert_eq!(
        w,
        [PaneWrite::Accounts(accounts::io::Write::AssignMarked {
            accounts: vec!["300000000001".into(), "300000000002".into(), "399999999999".into()],
            customer: "GLOBEX".into(),
            from: chrono::NaiveDate::from_ymd_opt(2026, 5, 1).unwrap()
        })]
    );
    assert!(s.panes.accounts.marks.is_empty() && marked(&s).is_empty(), "the marks went with the write");
    let said = &s.message.as_ref().unwrap().text;
    assert_eq!(
        said, "assigning 3 account(s) to GLOBEX from 2026-05-01 in one transaction …",
        "under way until it answers"
    );
    // the store refuses it: the marks come back (and the confirmation reopens with the reason)
    let Some(Effect::Write { req, .. }) = fx.first() else { panic!("{fx:?}") };
    update(
        &mut s,
        Action::Reply { req: *req, result: Err("account 300000000001: period 2026-05 is signed off".into()) },
    );
    assert_eq!(s.panes.accounts.marks.len(), 3, "marks given back");
    assert!(s.message.as_ref().unwrap().text.contains("signed off"));
}

#[test]
fn an_operators_marks_become_proposals_and_a_viewer_cannot_mark() {
    let mut s = state(Role::Operator);
    press(&mut s, Cmd::PaneAccounts);
    keys(&mut s, &["space", "space"]);
    press(&mut s, Cmd::Edit);
    let Mode::Form(f) = &s.mode else { panic!("no form") };
    assert!(f.title.contains("you are an operator: propose"), "{}", f.title);
    type_text(&mut s, "acme");
    keys(&mut s, &["enter"]);
    let Mode::Form(f) = &s.mode else { panic!("the confirmation") };
    assert!(
        f.title
            .starts_with("propose assigning 2 account(s) to ACME from 2026-05-01? (1 unassigned, 1 already with ACME)"),
        "{}",
        f.title
    );
    assert!(f.title.contains("nothing moves until a manager approves"), "{}", f.title);
    let fx = update(&mut s, Action::Key(keys_of("enter")));
    assert!(
        matches!(writes(&fx).as_slice(), [PaneWrite::Accounts(accounts::io::Write::AssignMarked { accounts, .. })] if accounts.len() == 2)
    );
    let said = &s.message.as_ref().unwrap().text;
    assert!(said.starts_with("proposing 2 account(s) to ACME"), "an operator's write is proposals: {said}");
    // a customer that does not exist is refused beside the field, nothing written
    keys(&mut s, &["space"]);
    press(&mut s, Cmd::Edit);
    type_text(&mut s, "NOSUCH");
    let fx = keys(&mut s, &["enter"]);
    assert!(writes(&fx).is_empty());
    let Mode::Form(f) = &s.mode else { panic!("the form stays") };
    assert_eq!(f.error_field, Some(accounts::form::CUSTOMER));
    // viewers: refused with a message, nothing marked
    let mut v = state(Role::Viewer);
    press(&mut v, Cmd::PaneAccounts);
    keys(&mut v, &["space", "*"]);
    assert!(v.panes.accounts.marks.is_empty());
    assert!(v.message.as_ref().unwrap().text.contains("marks are for assigning"), "{:?}", v.message);
    // marks are for the accounts list only: space is not a key of the proposals list
    let mut s = state(Role::Manager);
    press(&mut s, Cmd::PaneAccounts);
    keys(&mut s, &["v", "space"]);
    assert!(s.panes.accounts.marks.is_empty());
    assert_eq!(s.pane.pane().screen(&s), "lists");
    assert!(!s.pane.pane().scope(&s).unwrap().cmds.contains(&Cmd::Mark));
}
