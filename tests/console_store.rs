//! The console's effects against a real store (SQLite in a temp dir): the runner answers what `update`
//! asks, and the flows an operator does land in the store and its audit log.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod console_common;

use billops::console::Cmd;
use billops::console::action::Effect;
use billops::console::effects::{complete_path, write_export};
use billops::console::state::ViewKey;
use billops_domain::{Dim, Role};
use billops_store::Actor;
use chrono::NaiveDate;
use console_common::store::{Harness, d, seeded};
use console_common::type_text;
use rust_decimal::Decimal;

#[tokio::test]
async fn drill_down_totals_are_exact_at_every_level() {
    let (dir, store) = seeded().await;
    let mut h = Harness::customers(store, Role::Viewer, dir.path().into()).await;
    assert_eq!(h.state.period, Some("2026-05".parse().unwrap()), "newest period with data");
    h.cmd(Cmd::PaneCosts).await;
    let mut parent: Option<Decimal> = None;
    let mut levels = Vec::new();
    for _ in 0..5 {
        let v = h.state.view(ViewKey::Costs).unwrap();
        // one currency: its total is the exact sum of the rows (cells: name, currency, cost, …)
        assert!(v.model.rows.iter().all(|r| r.cells[1].text == "USD"));
        let total = v.model.total.as_ref().unwrap()[2].num.unwrap();
        let sum = v.model.rows.iter().try_fold(Decimal::ZERO, |a, r| a.checked_add(r.cells[2].num.unwrap())).unwrap();
        assert_eq!(total, sum, "total line = sum of rows at {:?}", h.state.panes.costs.level());
        if let Some(pv) = parent {
            assert_eq!(total, pv, "level total = the row drilled into");
        }
        levels.push((h.state.panes.costs.level(), h.sel(ViewKey::Costs).unwrap()));
        parent = Some(v.vs.selected_row(&v.model).unwrap().cells[2].num.unwrap());
        h.cmd(Cmd::Open).await;
    }
    assert_eq!(
        levels,
        [
            (Dim::Customer, "GLOBEX".to_string()),
            (Dim::Service, "AmazonEC2".to_string()),
            (Dim::Product, "hammock".to_string()),
            (Dim::Component, "batch".to_string()),
            (Dim::Resource, "i-9".to_string()),
        ]
    );
    // ACME's EC2 web component: the exact 15-digit sum, against last period.
    h.keys(&["esc", "esc", "esc", "esc"]).await;
    assert_eq!(h.state.panes.costs.level(), Dim::Customer);
    let fx = billops::console::palette::run(&mut h.state, "costs acme");
    h.run(fx).await;
    h.keys(&["enter", "enter"]).await; // EC2 → shop → components
    let v = h.state.view(ViewKey::Costs).unwrap();
    let web = v.model.rows.iter().find(|r| r.id == "web").unwrap();
    assert_eq!(web.cells[1].text, "USD");
    assert_eq!(web.cells[2].num, Some(d("100.333333333333334")));
    assert_eq!(web.cells[2].text, "100.33");
    assert_eq!(web.cells[3].num, Some(d("90")));
}

#[tokio::test]
async fn assign_the_unassigned_account_and_see_it_audited() {
    let (dir, store) = seeded().await;
    // A manager assigns directly (an operator's `e` is a proposal: see the pty flow in console_e2e).
    let mut h = Harness::customers(store.clone(), Role::Manager, dir.path().into()).await;
    h.cmd(Cmd::PaneAccounts).await;
    assert_eq!(h.sel(ViewKey::Accounts).as_deref(), Some("399999999999"), "unassigned first");
    h.keys(&["e"]).await;
    type_text(&mut h.state, "GLO");
    h.keys(&["tab", "enter"]).await;
    assert!(h.state.message.as_ref().unwrap().text.contains("assigned to GLOBEX"), "{:?}", h.state.message);
    let accts = h.state.panes.accounts.data.ready().unwrap();
    assert!(accts.accounts.iter().all(|a| a.customer.is_some()), "nothing left unassigned");
    h.cmd(Cmd::PaneAudit).await;
    let v = h.state.view(ViewKey::Audit).unwrap();
    assert!(
        v.model.rows.iter().any(|r| r.cells[1].text == "alice" && r.cells.iter().any(|c| c.text.contains("GLOBEX")))
    );
}

#[tokio::test]
async fn a_suggested_customer_is_taken_with_t() {
    let (dir, store) = seeded().await;
    // a CSP export names the unassigned account's customer: Globex by name
    let fields = billops_domain::partner::PartnerFields {
        customer_tenant_id: "t-glo".into(),
        customer_name: "globex ltd".into(),
        reseller_name: "Reseller One".into(),
    };
    let p = billops_domain::partner::AccountPartner { account: "399999999999".into(), fields };
    let items = vec![console_common::store::item("2026-05", "399999999999", "Storage", "x", "y", "d-1", "1")];
    let (tx, rx) = tokio::sync::mpsc::channel(4);
    tokio::spawn(async move {
        tx.send(billops_store::ImportChunk::Items(items)).await.unwrap();
        tx.send(billops_store::ImportChunk::Partners(vec![p])).await.unwrap();
        tx.send(billops_store::ImportChunk::End { content_hash: "csp".into(), rows_read: 1 }).await.unwrap();
    });
    let by = Actor { name: "alice".into(), at: console_common::now() };
    let meta =
        billops_store::ImportMeta { file_name: "csp.csv".into(), format: "azure".into(), run_id: "r9".into(), by };
    assert_eq!(store.import(&meta, rx).await.unwrap().partner_unassigned, 1);

    let mut h = Harness::customers(store.clone(), Role::Manager, dir.path().into()).await;
    h.cmd(Cmd::PaneAccounts).await;
    assert_eq!(h.sel(ViewKey::Accounts).as_deref(), Some("399999999999"));
    let shown = console_common::screen(&h.state, &console_common::theme(), 100, 24);
    assert!(
        shown.contains("suggested: GLOBEX (name \"globex ltd\") · from Azure partner fields · t assigns"),
        "{shown}"
    );
    h.keys(&["t"]).await;
    let msg = h.state.message.clone().unwrap().text;
    assert!(msg.contains("account 399999999999 assigned to GLOBEX"), "{msg}");
    let asg = store.assignments("399999999999").await.unwrap();
    assert_eq!((asg[0].customer.as_str(), asg[0].from), ("GLOBEX", NaiveDate::from_ymd_opt(2026, 5, 1).unwrap()));
    let accts = h.state.panes.accounts.data.ready().unwrap();
    assert!(accts.suggestions.is_empty() && accts.accounts.iter().all(|a| a.customer.is_some()), "reloaded");
    assert_eq!(store.customer_tenants().await.unwrap(), vec![("GLOBEX".to_string(), "t-glo".to_string())]);
}

#[tokio::test]
async fn onboarding_tick_records_who_and_when() {
    let (dir, store) = seeded().await;
    let mut h = Harness::customers(store, Role::Operator, dir.path().into()).await;
    assert_eq!(h.sel(ViewKey::Customers).as_deref(), Some("ACME"));
    h.keys(&["enter", "j", "space"]).await;
    let d = h.state.panes.customers.detail.as_ref().unwrap().data.ready().unwrap();
    let item = d.onboarding.iter().find(|i| i.item == "rightsizing_report").unwrap();
    assert!(item.done);
    assert_eq!(item.by.as_deref(), Some("alice"));
    assert_eq!(item.at, Some(console_common::now()));
    assert_eq!(d.history.len(), 2, "two periods of history");
}

#[tokio::test]
async fn link_proposal_then_approval() {
    let (dir, store) = seeded().await;
    let mut h = Harness::customers(store.clone(), Role::Manager, dir.path().into()).await;
    h.cmd(Cmd::PaneAccounts).await;
    h.keys(&["p", "down"]).await;
    type_text(&mut h.state, "ACME");
    h.keys(&["enter"]).await;
    assert!(h.state.message.as_ref().unwrap().text.contains("proposal"), "{:?}", h.state.message);
    h.keys(&["v"]).await;
    h.keys(&["a"]).await;
    type_text(&mut h.state, "checked contract");
    h.keys(&["enter"]).await;
    let msg = h.state.message.clone().unwrap().text;
    // The store may enforce maker-checker (the proposer cannot approve): either outcome is shown.
    assert!(msg.contains("approved") || msg.contains("not allowed"), "{msg}");
}

#[tokio::test]
async fn export_writes_numbered_files_with_exact_values() {
    let (dir, store) = seeded().await;
    let mut h = Harness::customers(store, Role::Viewer, dir.path().into()).await;
    h.cmd(Cmd::Export).await;
    h.cmd(Cmd::Export).await;
    let p1 = dir.path().join("exports/customers-2026-05-1.csv");
    let p2 = dir.path().join("exports/customers-2026-05-2.csv");
    assert!(h.state.message.as_ref().unwrap().text.contains(&p2.display().to_string()));
    let csv = std::fs::read_to_string(p1).unwrap();
    // the last column: the exact cost of the sparkline's 12 months (this month and the 90 before it)
    assert!(csv.contains("ACME,Acme Corporation,1,USD,363.178333333333334,90,303.5,453.178333333333334\n"), "{csv}");
    assert_eq!(std::fs::read_to_string(p2).unwrap(), csv);
    assert!(write_export(&dir.path().join("exports"), "x", "2026-05", "a\n").unwrap().ends_with("x-2026-05-1.csv"));
}

#[tokio::test]
async fn path_completion_lists_files_and_folders() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("cur")).unwrap();
    std::fs::write(dir.path().join("cur-may.csv"), "x").unwrap();
    std::fs::write(dir.path().join("other.csv"), "x").unwrap();
    let base = format!("{}/cu", dir.path().display());
    let got = complete_path(&base);
    assert_eq!(got, [format!("{}/cur-may.csv", dir.path().display()), format!("{}/cur/", dir.path().display())]);
}

#[tokio::test]
async fn import_from_the_console_shows_its_batch_and_issues() {
    let (dir, store) = seeded().await;
    let mut h = Harness::customers(store, Role::Operator, dir.path().into()).await;
    h.cmd(Cmd::PaneImports).await;
    let before = h.state.view(ViewKey::Batches).unwrap().model.rows.len();
    let file = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/quirks/bad_rows.csv");
    h.keys(&["i"]).await;
    type_text(&mut h.state, file);
    h.keys(&["enter"]).await;
    assert!(h.state.panes.imports.job.is_none(), "the import finished");
    let msg = h.state.message.clone().unwrap().text;
    assert!(msg.contains("imported bad_rows.csv"), "{msg}");
    assert_eq!(h.state.view(ViewKey::Batches).unwrap().model.rows.len(), before + 1);
    assert!(!h.state.view(ViewKey::Quarantine).unwrap().model.rows.is_empty(), "bad rows are quarantined");
    assert!(!h.state.view(ViewKey::Issues).unwrap().model.rows.is_empty(), "and raised as issues");
}

#[tokio::test]
async fn generate_review_approve_issue_against_the_store() {
    use billops::console::action::PaneWrite;
    use billops::console::pane::PaneId;
    use billops::console::panes::{close, credits};
    let (dir, store) = seeded().await;
    let mut h = Harness::new(store.clone(), Role::Manager, dir.path().into()).await;
    assert_eq!(h.state.pane, PaneId::Close, "the console opens on the close board");
    let board = h.state.panes.close.data.ready().expect("board loaded").clone();
    assert!(!board.can_sign_off);
    assert!(board.board.blockers().iter().any(|b| b.contains("unassigned account")), "{:?}", board.board.blockers());
    h.cmd(Cmd::PaneInvoices).await;
    assert!(h.state.view(ViewKey::Invoices).unwrap().model.rows.is_empty());
    h.cmd(Cmd::Generate).await;
    assert!(h.state.panes.invoices.job.is_none(), "generation finished");
    let msg = h.state.message.clone().unwrap().text;
    assert!(msg.starts_with("2 draft(s): 2 created"), "{msg}");
    let rows = &h.state.view(ViewKey::Invoices).unwrap().model.rows;
    assert_eq!(rows.len(), 2, "ACME and GLOBEX have drafts");
    let acme = rows.iter().find(|r| r.cells[1].text == "ACME").unwrap().id.clone();
    while h.sel(ViewKey::Invoices).as_deref() != Some(acme.as_str()) {
        h.cmd(Cmd::Down).await;
    }
    h.cmd(Cmd::Review).await;
    assert!(h.state.message.as_ref().unwrap().text.contains("reviewed"), "{:?}", h.state.message);
    h.cmd(Cmd::Approve).await;
    assert!(h.state.message.as_ref().unwrap().text.contains("approved"), "{:?}", h.state.message);
    // `I` on the list: every approved invoice, confirmed; esc leaves them approved
    h.cmd(Cmd::Issue).await;
    h.keys(&["esc"]).await;
    assert_eq!(store.invoice(acme.parse().unwrap()).await.unwrap().number, None, "cancelled: nothing issued");
    h.cmd(Cmd::Issue).await;
    h.keys(&["enter"]).await;
    assert!(h.state.message.as_ref().unwrap().text.contains("issued 1 of 1 invoice(s)"), "{:?}", h.state.message);
    let inv = store.invoice(acme.parse().unwrap()).await.unwrap();
    assert_eq!(inv.status, billops_domain::invoice::InvoiceStatus::Issued);
    assert_eq!(inv.number.as_deref(), Some("INV-000001"));
    // The detail shows the six sections; the usage lines carry service / product / component.
    h.cmd(Cmd::Open).await;
    let lines = &h.state.view(ViewKey::InvoiceLines).unwrap().model;
    assert_eq!(lines.rows.iter().filter(|r| !r.id.contains('l')).count(), 6);
    assert!(lines.rows.iter().any(|r| r.cells[1].text == "AmazonEC2 / shop / web"), "{:?}", lines.rows);
    // `O` writes the customer's PDF into the exports folder, its file name carrying the invoice number.
    h.cmd(Cmd::Document).await;
    let msg = h.state.message.clone().unwrap().text;
    assert!(msg.contains("wrote") && msg.contains("INV-000001") && msg.ends_with(".pdf"), "{msg}");
    let pdf = std::fs::read_dir(dir.path().join("exports"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.to_string_lossy().contains("INV-000001"))
        .expect("the document in the exports folder");
    assert!(std::fs::read(&pdf).unwrap().starts_with(b"%PDF-"), "{}", pdf.display());
    // Issuing again is refused by the state machine, and the message says why.
    h.cmd(Cmd::Issue).await;
    assert!(h.state.message.as_ref().unwrap().text.contains("only approved invoices"));
    // :bal answers from the store.
    let fx = billops::console::palette::run(&mut h.state, "bal ACME");
    h.run(fx).await;
    let billops::console::state::Mode::Balance { data, .. } = &h.state.mode else { panic!("{:?}", h.state.mode) };
    let b = data.ready().expect("balance");
    assert_eq!(b.balance, inv.total);
    assert_eq!(b.last_invoice.as_deref(), Some("INV-000001"));

    // Maker-checker and the lock, through the runner: the store's refusals in the console's words.
    let by = Actor { name: "alice".into(), at: console_common::now() };
    let c = store
        .propose_credit(
            &billops_store::NewCredit {
                customer: "ACME".into(),
                kind: billops_domain::credit::CreditKind::Goodwill,
                amount: d("1000"),
                scope: billops_domain::credit::CreditScope::all(),
                valid_from: NaiveDate::from_ymd_opt(2026, 5, 1).unwrap(),
                valid_to: NaiveDate::from_ymd_opt(2026, 12, 1).unwrap(),
                evidence: "ticket 9".into(),
                reason: "outage".into(),
            },
            &by,
        )
        .await
        .unwrap();
    let op = PaneWrite::Credits(credits::io::Write::Decide {
        id: c.id,
        approve: true,
        reason: "ok".into(),
        version: c.version,
    });
    let (_, r) = h.runner.run(Effect::Write { req: 99, op }).await.unwrap();
    let err = r.unwrap_err();
    assert!(err.starts_with("you proposed this credit: another manager must approve"), "{err}");
    let op = PaneWrite::Close(close::io::Write::SignOff {
        period: "2026-05".parse().unwrap(),
        today: console_common::now().date_naive(),
        note: String::new(),
    });
    let (_, r) = h.runner.run(Effect::Write { req: 100, op }).await.unwrap();
    assert!(r.unwrap_err().contains("cannot sign off 2026-05"));
}

#[tokio::test]
async fn variances_explained_in_the_console_land_in_the_store() {
    use billops_domain::close::ItemStatus;
    use billops_domain::variance::Driver;
    let (dir, store) = seeded().await;
    let mut h = Harness::new(store.clone(), Role::Manager, dir.path().into()).await;
    // Thresholds of 10 % and 100 (the store's shared settings, read afresh by the console): GLOBEX's new EC2
    // (999.99) and ACME's EC2 (90 → 350.83) are flagged.
    let alice = Actor { name: "alice".into(), at: console_common::now() };
    store.set_setting("variance_pct", "10", &alice).await.unwrap();
    store.set_setting("variance_abs", "100", &alice).await.unwrap();
    h.cmd(Cmd::Refresh).await;
    let item = h.state.panes.close.data.ready().unwrap().board.items[4].clone();
    assert_eq!(
        (item.status, item.problems[0].as_str()),
        (ItemStatus::Blocker, "2 variance(s) over threshold without explanation")
    );
    h.keys(&["v"]).await;
    assert_eq!(h.sel(ViewKey::Variances).as_deref(), Some("GLOBEX\tAmazonEC2"));
    h.keys(&["e", "down"]).await;
    type_text(&mut h.state, "first month on EC2");
    h.keys(&["down"]).await;
    h.keys(&["enter"]).await;
    assert!(
        h.state.message.as_ref().unwrap().text.contains("GLOBEX / AmazonEC2 2026-05 explained"),
        "{:?}",
        h.state.message
    );
    let saved = store.list_explanations("2026-05".parse().unwrap()).await.unwrap();
    assert_eq!(saved.len(), 1);
    let e = &saved[0].explanation;
    assert_eq!(
        (e.driver, e.text.as_str(), e.by.as_str(), e.delta),
        (Driver::NewService, "first month on EC2", "alice", d("999.99"))
    );
    // The board and the list reloaded: one left.
    let v = h.state.panes.close.variances.ready().unwrap();
    assert_eq!(v.unexplained, 1);
    assert_eq!(h.state.panes.close.data.ready().unwrap().facts.variances_unexplained, 1);
}

/// Multi-select (issue 14): a manager marks two accounts and assigns them in one write through the store's bulk
/// path; their cost moves; an operator's marks become link proposals; the store's answer is the message.
#[tokio::test]
async fn marked_accounts_are_assigned_in_one_write_and_an_operators_are_proposed() {
    let (dir, store) = seeded().await;
    let mut h = Harness::customers(store.clone(), Role::Manager, dir.path().into()).await;
    h.cmd(Cmd::PaneAccounts).await;
    // unassigned first: 399999999999, then 300000000001 (ACME), 300000000002 (GLOBEX)
    assert_eq!(h.sel(ViewKey::Accounts).as_deref(), Some("399999999999"));
    h.keys(&["space", "j", "space"]).await;
    assert_eq!(h.state.panes.accounts.marks.len(), 2);
    h.keys(&["e"]).await;
    type_text(&mut h.state, "acme");
    h.keys(&["enter"]).await;
    let title = match &h.state.mode {
        billops::console::state::Mode::Form(f) => f.title.clone(),
        m => panic!("the confirmation: {m:?}"),
    };
    assert!(title.starts_with("assign 2 account(s) to ACME from 2026-05-01? (1 unassigned, 1 from GLOBEX)"), "{title}");
    h.keys(&["enter"]).await;
    let msg = h.state.message.clone().unwrap().text;
    assert!(msg.starts_with("assigned 2 account(s) to ACME from 2026-05-01"), "{msg}");
    assert!(h.state.panes.accounts.marks.is_empty());
    let accounts = store.list_accounts(&billops_store::AccountFilter::default()).await.unwrap();
    let who = |id: &str| accounts.iter().find(|a| a.id == id).and_then(|a| a.customer.clone());
    assert_eq!(who("399999999999").as_deref(), Some("ACME"));
    assert_eq!(who("300000000002").as_deref(), Some("ACME"));
    // the reloaded list shows it, and May's cost moved with them: all of it is ACME's now
    let d_ = h.state.panes.accounts.data.ready().unwrap();
    assert!(d_.accounts.iter().all(|a| a.customer.as_deref() == Some("ACME")), "{:?}", d_.accounts);
    h.cmd(Cmd::PaneCosts).await;
    let v = h.state.view(ViewKey::Costs).unwrap();
    let ids: Vec<&str> = v.model.rows.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(ids, ["ACME"], "no GLOBEX or unassigned cost left in May");
    assert_eq!(v.model.rows[0].cells[2].num, Some(d("1368.168333333333334")));

    // An operator's marks: link proposals, nothing moves.
    let by = Actor { name: "setup".into(), at: console_common::now() };
    store.set_user("alice", Role::Operator, &by).await.unwrap();
    let mut h = Harness::customers(store.clone(), Role::Operator, dir.path().into()).await;
    h.cmd(Cmd::PaneAccounts).await;
    h.keys(&["*", "e"]).await;
    type_text(&mut h.state, "GLOBEX");
    h.keys(&["enter", "enter"]).await;
    let msg = h.state.message.clone().unwrap().text;
    assert!(msg.starts_with("proposed 3 link(s) of 3 account(s) to GLOBEX from 2026-05-01"), "{msg}");
    let open: Vec<_> =
        store.list_link_proposals(false).await.unwrap().into_iter().filter(|p| p.status == "proposed").collect();
    assert_eq!(open.len(), 3, "{open:?}");
    assert!(open.iter().all(|p| p.customer == "GLOBEX" && p.proposed_by == "alice"));
    let accounts = store.list_accounts(&billops_store::AccountFilter::default()).await.unwrap();
    assert!(accounts.iter().all(|a| a.customer.as_deref() == Some("ACME")), "nothing assigned by an operator");
}
