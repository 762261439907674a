//! A hand-built fixture for console tests and the console benchmark: a fixed clock, a few customers and a
//! small set of cost lines, answered synchronously to whatever effects `update` asks for (no store).
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

pub mod disputes;
pub mod forecast;
pub mod funding;
pub mod ledger;
pub mod month;
pub mod store;

use std::str::FromStr;

use billops::console::action::{Action, Effect, PaneQuery, PaneReply, PaneWrite, Reply};
use billops::console::keys::{Keymap, parse_chord};
use billops::console::panes::accounts::AccountsData;
use billops::console::panes::costs::CostsData;
use billops::console::panes::customers::{CustomersData, DetailData};
use billops::console::panes::imports::ImportsData;
use billops::console::panes::{accounts, audit, costs, credits, customers, imports, invoices, recon};
use billops::console::state::{Setup, State};
use billops::console::theme::{Theme, load_theme};
use billops::console::{start, ui, update};
use billops_domain::{CostBasis, Dim, FeedIssue, IssueKind, Period, Quarantined, Role, Severity, User};
use billops_store::{
    AuditEntry, BatchScope, BatchStatus, CostRow, Customer, ImportBatch, LinkProposal, LinkedAccount, OnboardingEntry,
    PayerAccount, StoredIssue, StoredQuarantine,
};
use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use rust_decimal::Decimal;

pub fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 6, 3, 9, 30, 0).unwrap()
}

pub fn d(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

pub fn p(s: &str) -> Period {
    s.parse().unwrap()
}

/// One cost line of the fixture book: period, customer, service, product, component, resource, billed.
pub struct Line {
    pub period: &'static str,
    pub keys: [&'static str; 5],
    pub billed: &'static str,
}

const L: fn(&'static str, [&'static str; 5], &'static str) -> Line =
    |period, keys, billed| Line { period, keys, billed };

pub fn book() -> Vec<Line> {
    let mut v = vec![
        L("2026-05", ["ACME", "AmazonEC2", "storefront", "web", "i-0a1"], "1204.125000000000001"),
        L("2026-05", ["ACME", "AmazonEC2", "storefront", "web", "i-0a2"], "980.5"),
        L("2026-05", ["ACME", "AmazonEC2", "storefront", "db", "i-0b7"], "2210.333333333333333"),
        L("2026-05", ["ACME", "AmazonEC2", "(untagged)", "(untagged)", "i-0ff"], "75.005"),
        L("2026-05", ["ACME", "AmazonS3", "storefront", "assets", "acme-assets"], "312.44"),
        L("2026-05", ["ACME", "AmazonRDS", "billing", "db", "acme-billing-db"], "1640"),
        L("2026-05", ["GLOBEX", "AmazonEC2", "hammock", "batch", "i-1c3"], "5400.1"),
        L("2026-05", ["GLOBEX", "AWSLambda", "hammock", "api", "fn-hammock"], "88.88"),
        L("2026-05", ["GLOBEX", "Tax", "(untagged)", "(untagged)", ""], "-12.5"),
        L("2026-05", ["INITECH", "AmazonS3", "tps", "reports", "initech-tps"], "44.999"),
        L("2026-05", ["(unassigned)", "AmazonEC2", "(untagged)", "(untagged)", "i-9z9"], "410.2"),
        L("2026-04", ["ACME", "AmazonEC2", "storefront", "web", "i-0a1"], "1100"),
        L("2026-04", ["ACME", "AmazonEC2", "storefront", "db", "i-0b7"], "2500"),
        L("2026-04", ["ACME", "AmazonS3", "storefront", "assets", "acme-assets"], "300"),
        L("2026-04", ["ACME", "AmazonCloudFront", "storefront", "cdn", "dist-1"], "120"),
        L("2026-04", ["GLOBEX", "AmazonEC2", "hammock", "batch", "i-1c3"], "6000"),
        L("2026-04", ["INITECH", "AmazonS3", "tps", "reports", "initech-tps"], "44.999"),
        L("2026-04", ["UMBRELLA", "AmazonEC2", "lab", "gpu", "i-2u1"], "999.99"),
    ];
    // A year of history for the sparkline.
    let hist = [
        ("2025-06", "3100"),
        ("2025-07", "3350"),
        ("2025-08", "3200"),
        ("2025-09", "3900"),
        ("2025-10", "4100"),
        ("2025-11", "3800"),
        ("2025-12", "4500"),
        ("2026-01", "4700"),
        ("2026-02", "4300"),
        ("2026-03", "5200"),
    ];
    for (per, amt) in hist {
        v.push(L(per, ["ACME", "AmazonEC2", "storefront", "web", "i-0a1"], amt));
    }
    v
}

fn dim_index(dim: Dim) -> Option<usize> {
    match dim {
        Dim::Customer => Some(0),
        Dim::Service => Some(1),
        Dim::Product => Some(2),
        Dim::Component => Some(3),
        Dim::Resource => Some(4),
        _ => None,
    }
}

/// Exact costs grouped by `by`, filtered — sorted by cost descending then key, like the store.
pub fn costs(from: Period, to: Period, filters: &[(Dim, String)], by: &[Dim]) -> Vec<CostRow> {
    let mut m: std::collections::BTreeMap<Vec<String>, Decimal> = std::collections::BTreeMap::new();
    for l in book() {
        let per = p(l.period);
        if per < from || per > to {
            continue;
        }
        if !filters.iter().all(|(dim, v)| dim_index(*dim).is_some_and(|i| l.keys[i] == v)) {
            continue;
        }
        let keys: Vec<String> = by
            .iter()
            .map(|dim| match dim {
                Dim::Period => l.period.to_string(),
                other => dim_index(*other).map(|i| l.keys[i].to_string()).unwrap_or_default(),
            })
            .collect();
        *m.entry(keys).or_default() += d(l.billed);
    }
    let mut rows: Vec<CostRow> =
        m.into_iter().map(|(keys, cost)| CostRow { keys, currency: "USD".into(), cost }).collect();
    rows.sort_by(|a, b| b.cost.cmp(&a.cost).then(a.keys.cmp(&b.keys)));
    rows
}

fn customer(id: i64, code: &str, name: &str, accts: i64) -> Customer {
    Customer {
        id,
        code: code.into(),
        name: name.into(),
        currency: "USD".into(),
        status: "active".into(),
        account_code: None,
        account_count: accts,
    }
}

pub fn customers() -> Vec<Customer> {
    vec![
        customer(1, "ACME", "Acme Corporation", 2),
        customer(2, "GLOBEX", "Globex Ltd", 1),
        customer(3, "INITECH", "Initech", 1),
        customer(4, "UMBRELLA", "Umbrella Health", 0),
    ]
}

fn at(day: u32, h: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 6, day, h, 0, 0).unwrap()
}

fn account(id: &str, name: &str, payer: &str, customer: Option<&str>) -> LinkedAccount {
    LinkedAccount {
        id: id.into(),
        name: name.into(),
        payer: payer.into(),
        customer: customer.map(Into::into),
        first_seen: Utc.with_ymd_and_hms(2026, 1, 4, 0, 0, 0).unwrap(),
    }
}

pub fn accounts() -> AccountsData {
    AccountsData {
        payers: vec![
            PayerAccount { id: "111111111111".into(), name: "Reseller payer A".into(), account_count: 4 },
            PayerAccount { id: "222222222222".into(), name: "Reseller payer B".into(), account_count: 1 },
        ],
        accounts: vec![
            account("300000000001", "acme-prod", "111111111111", Some("ACME")),
            account("300000000002", "acme-dev", "111111111111", Some("ACME")),
            account("300000000003", "globex-main", "111111111111", Some("GLOBEX")),
            account("300000000004", "initech-tps", "222222222222", Some("INITECH")),
            account("399999999999", "mystery-sandbox", "111111111111", None),
        ],
        proposals: vec![
            LinkProposal {
                id: 7,
                account: "399999999999".into(),
                payer: "111111111111".into(),
                customer: "UMBRELLA".into(),
                from: NaiveDate::from_ymd_opt(2026, 5, 1).unwrap(),
                status: "proposed".into(),
                proposed_by: "olivia".into(),
                proposed_at: at(2, 10),
                decided_by: None,
                decided_at: None,
                reason: None,
            },
            LinkProposal {
                id: 6,
                account: "300000000004".into(),
                payer: "222222222222".into(),
                customer: "INITECH".into(),
                from: NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
                status: "approved".into(),
                proposed_by: "olivia".into(),
                proposed_at: at(1, 9),
                decided_by: Some("maria".into()),
                decided_at: Some(at(1, 11)),
                reason: Some("contract signed".into()),
            },
        ],
        customers: customers(),
        suggestions: Vec::new(),
    }
}

pub fn detail(code: &str, period: Period) -> DetailData {
    let cust = customers().into_iter().find(|c| c.code == code);
    let all = accounts().accounts;
    let filt = vec![(Dim::Customer, code.to_string())];
    let onboarding = ledger::ONBOARDING
        .iter()
        .enumerate()
        .map(|(i, (item, label, computed))| {
            let done = code == "ACME" && i < 5;
            let first = code == "ACME" && i == 0;
            OnboardingEntry {
                item: (*item).into(),
                label: (*label).into(),
                computed: computed.map(str::to_string),
                done,
                owner: first.then(|| "olivia".to_string()),
                due: first.then(|| NaiveDate::from_ymd_opt(2026, 6, 15).unwrap()),
                evidence: first.then(|| "CloudHealth subscription #4411".to_string()),
                by: (done && computed.is_none()).then(|| "olivia".to_string()),
                at: (done && computed.is_none()).then(|| at(1, 8 + u32::try_from(i).unwrap())),
                note: match computed {
                    Some(_) if done => "1 budget month(s) recorded".to_string(),
                    Some(_) => "nothing recorded yet".to_string(),
                    None => String::new(),
                },
            }
        })
        .collect();
    DetailData {
        customer: cust,
        accounts: all.into_iter().filter(|a| a.customer.as_deref() == Some(code)).collect(),
        services: costs(period, period, &filt, &[Dim::Service]),
        history: costs(period.trailing(12)[0], period, &filt, &[Dim::Period]),
        onboarding,
    }
}

fn batch(
    id: i64,
    file: &str,
    status: BatchStatus,
    replaced_by: Option<i64>,
    rows: i64,
    quarantined: i64,
) -> ImportBatch {
    ImportBatch {
        id,
        file_name: format!("/data/cur/{file}"),
        content_hash: format!("hash{id}"),
        format: "focus".into(),
        run_id: format!("run{id}"),
        rows,
        quarantined,
        scopes: vec![BatchScope {
            payer: "111111111111".into(),
            period: p("2026-05"),
            rows,
            billed: d("12345.678901234"),
            effective: d("12000"),
            list: d("15000"),
            status,
            replaced_by,
        }],
        imported_by: "olivia".into(),
        imported_at: at(2, 7),
    }
}

pub fn imports() -> ImportsData {
    let issue = |id: i64,
                 kind: IssueKind,
                 severity: Severity,
                 line: Option<u64>,
                 column: Option<&str>,
                 msg: &str,
                 open: bool| {
        StoredIssue {
            id,
            batch_id: Some(2),
            issue: FeedIssue {
                kind,
                severity,
                period: Some(p("2026-05")),
                payer: Some("111111111111".into()),
                account: None,
                file: Some("/data/cur/may-final.csv".into()),
                line,
                column: column.map(Into::into),
                message: msg.into(),
            },
            open,
            created_at: at(2, 7),
            resolved_by: (!open).then(|| "olivia".into()),
            resolved_at: (!open).then(|| at(2, 9)),
            note: (!open).then(|| "supplier confirmed".into()),
        }
    };
    ImportsData {
        batches: vec![
            batch(1, "may-estimated.csv", BatchStatus::Estimated, Some(2), 2900, 0),
            batch(2, "may-final.csv", BatchStatus::Final, None, 3000, 1),
            batch(3, "june-partial.csv.gz", BatchStatus::Estimated, None, 120, 0),
        ],
        issues: vec![
            issue(
                11,
                IssueKind::BadValue,
                Severity::Error,
                Some(1842),
                Some("BilledCost"),
                "not a number: \"12,5\"",
                true,
            ),
            issue(
                12,
                IssueKind::UnassignedAccount,
                Severity::Warning,
                None,
                None,
                "account 399999999999 has no customer",
                true,
            ),
            issue(
                13,
                IssueKind::Replaced,
                Severity::Info,
                None,
                None,
                "batch 1 replaced by batch 2 for 2026-05",
                false,
            ),
        ],
        quarantine: vec![StoredQuarantine {
            id: 1,
            batch_id: 2,
            row: Quarantined {
                file: "/data/cur/may-final.csv".into(),
                line: 1842,
                column: 23,
                column_name: "BilledCost".into(),
                value: "12,5".into(),
                reason: "not a number".into(),
                raw: "…".into(),
            },
        }],
    }
}

pub fn audit() -> Vec<AuditEntry> {
    let e = |id: i64,
             h: u32,
             who: &str,
             action: &str,
             entity: &str,
             eid: &str,
             before: Option<&str>,
             after: Option<&str>,
             reason: Option<&str>| {
        AuditEntry {
            id,
            at: at(2, h),
            who: who.into(),
            action: action.into(),
            entity: entity.into(),
            entity_id: eid.into(),
            period: Some(p("2026-05")),
            before: before.map(Into::into),
            after: after.map(Into::into),
            reason: reason.map(Into::into),
        }
    };
    vec![
        e(1, 7, "olivia", "import", "batch", "2", None, Some("3000 rows"), None),
        e(2, 8, "olivia", "assign_account", "account", "300000000003", Some("(none)"), Some("GLOBEX"), None),
        e(3, 9, "olivia", "resolve_issue", "issue", "13", Some("open"), Some("resolved"), Some("supplier confirmed")),
        e(4, 10, "olivia", "propose_link", "link", "7", None, Some("399999999999 → UMBRELLA"), None),
        e(5, 11, "maria", "decide_link", "link", "6", Some("proposed"), Some("approved"), Some("contract signed")),
    ]
}

pub fn periods() -> Vec<Period> {
    p("2026-05").trailing(12).into_iter().rev().collect()
}

/// The reply the fixture gives to a pane's read (what a store would answer).
pub fn answer_pane(q: PaneQuery) -> PaneReply {
    match q {
        PaneQuery::Customers(customers::io::Query::List { period, .. }) => {
            PaneReply::Customers(customers::io::Reply::List(CustomersData {
                customers: customers(),
                cur: costs(period, period, &[], &[Dim::Customer]),
                prev: costs(period.prev(), period.prev(), &[], &[Dim::Customer]),
                history: costs(
                    period.trailing(customers::io::SPARK_MONTHS)[0],
                    period,
                    &[],
                    &[Dim::Customer, Dim::Period],
                ),
                months: period.trailing(customers::io::SPARK_MONTHS),
            }))
        }
        PaneQuery::Customers(customers::io::Query::Detail { code, period, .. }) => {
            PaneReply::Customers(customers::io::Reply::Detail(detail(&code, period)))
        }
        PaneQuery::Customers(q) => PaneReply::Customers(ledger::answer(q)),
        PaneQuery::Accounts(accounts::io::Query::All) => PaneReply::Accounts(accounts::io::Reply::All(accounts())),
        PaneQuery::Costs(costs::io::Query::Level { period, filters, by, .. }) => {
            PaneReply::Costs(costs::io::Reply::Level(CostsData {
                rows: costs(period, period, &filters, &[by]),
                prev: costs(period.prev(), period.prev(), &filters, &[by]),
            }))
        }
        PaneQuery::Imports(imports::io::Query::All) => PaneReply::Imports(imports::io::Reply::All(imports())),
        PaneQuery::Credits(q) => PaneReply::Credits(match q {
            credits::io::Query::Queue => credits::io::Reply::Queue(month::credits()),
            credits::io::Query::Unreached { period } => credits::io::Reply::Unreached(ledger::unreached(period)),
        }),
        PaneQuery::Audit(audit::Query::Log) => PaneReply::Audit(audit::Reply::Log(audit())),
        PaneQuery::Close(q) => PaneReply::Close(month::answer_close(q)),
        PaneQuery::Invoices(q) => PaneReply::Invoices(match q {
            invoices::io::Query::List { .. } => invoices::io::Reply::List(month::invoices()),
            invoices::io::Query::Invoice { id } => invoices::io::Reply::Invoice(Box::new(month::invoice(id))),
            invoices::io::Query::Generate { .. } => invoices::io::Reply::Generated(month::generated()),
            invoices::io::Query::Sources { q } => invoices::io::Reply::Sources(ledger::sources(&q)),
            invoices::io::Query::CreditNotes { invoice_id } => {
                invoices::io::Reply::CreditNotes(ledger::credit_notes(invoice_id), ledger::payments(invoice_id))
            }
        }),
        PaneQuery::Recon(recon::io::Query::Period { .. }) => PaneReply::Recon(recon::io::Reply::Period(month::recon())),
        PaneQuery::Disputes(q) => PaneReply::Disputes(disputes::answer(q)),
        PaneQuery::Funding(_) => {
            PaneReply::Funding(billops::console::panes::funding::Reply::Pipeline(funding::records()))
        }
        PaneQuery::Forecast(q) => PaneReply::Forecast(forecast::answer(q)),
    }
}

/// The reply the fixture gives to an effect (what a store would answer).
pub fn answer(e: &Effect) -> Option<Action> {
    let (req, result) = match e.clone() {
        Effect::Periods { req } => (req, Ok(Reply::Periods(periods()))),
        Effect::Pane { req, q } => (req, Ok(Reply::Pane(answer_pane(q)))),
        Effect::Write { req, op } => (
            req,
            Ok(Reply::Written(match op {
                PaneWrite::Accounts(accounts::io::Write::Assign { account, customer, .. }) => {
                    format!("account {account} assigned to {customer}")
                }
                other => format!("{other:?}"),
            })),
        ),
        Effect::Export { req, pane, period, rows, .. } => {
            (req, Ok(Reply::Exported { path: format!("/data/exports/{pane}-{period}-1.csv").into(), rows }))
        }
        Effect::CompletePath { req, input } => (req, Ok(Reply::PathCompletions { input, candidates: vec![] })),
        Effect::Locks { req } => (req, Ok(Reply::Locks(vec![]))),
        Effect::ChangeMark { req, .. } => (req, Ok(Reply::Changes(billops_store::Changes::default()))),
        Effect::Balance { req, customer, .. } => (req, Ok(Reply::Balance(month::balance(&customer)))),
        Effect::Import { .. } | Effect::Quit => return None,
    };
    Some(Action::Reply { req, result })
}

/// Whether `e` is a read of `pane` whose `Debug` form starts with `query` (e.g. `"List"`).
pub fn is_query(e: &Effect, pane: &str, query: &str) -> bool {
    matches!(e, Effect::Pane { .. }) && format!("{e:?}").contains(&format!("q: {pane}({query}"))
}

/// The writes among `fx`.
pub fn pane_writes(fx: &[Effect]) -> Vec<PaneWrite> {
    fx.iter()
        .filter_map(|e| match e {
            Effect::Write { op, .. } => Some(op.clone()),
            _ => None,
        })
        .collect()
}

/// The writes among `fx` (the name the state tests use).
pub fn writes(fx: &[Effect]) -> Vec<PaneWrite> {
    pane_writes(fx)
}

/// The first key bound to `cmd` by default.
pub fn default_key(cmd: billops::console::keys::Cmd) -> &'static str {
    billops::console::keys::BINDINGS.iter().find(|b| b.cmd == cmd).unwrap().keys[0]
}

/// Press `cmd`'s default key.
pub fn press(s: &mut State, cmd: billops::console::keys::Cmd) -> Vec<Effect> {
    keys(s, &[default_key(cmd)])
}

pub fn setup(role: Role) -> Setup {
    Setup {
        user: User { name: "alice".into(), role },
        read_only: false,
        store_url: "sqlite:/srv/billops/demo.db".into(),
        now: now(),
        keymap: Keymap::default(),
    }
}

/// Answer effects (and the effects their replies cause) until none are left. Returns every effect seen.
pub fn drive(s: &mut State, fx: Vec<Effect>) -> Vec<Effect> {
    let mut seen = Vec::new();
    let mut queue = fx;
    while let Some(e) = queue.pop() {
        if let Some(a) = answer(&e) {
            queue.extend(update(s, a));
        }
        seen.push(e);
    }
    seen
}

/// A started console on its first pane (the close board), loaded.
pub fn started(role: Role) -> State {
    let mut s = State::new(setup(role));
    let fx = start(&mut s);
    drive(&mut s, fx);
    s
}

/// A started console switched to the Customers pane (most list tests start there).
pub fn state(role: Role) -> State {
    let mut s = started(role);
    let fx = update(&mut s, Action::Cmd(billops::console::Cmd::PaneCustomers));
    drive(&mut s, fx);
    s
}

/// Press keys given as chord strings (`"j"`, `"enter"`, `"ctrl-c"`), answering effects as they come.
pub fn keys(s: &mut State, keys: &[&str]) -> Vec<Effect> {
    let mut all = Vec::new();
    for k in keys {
        let ev = parse_chord(k).unwrap().to_event();
        let fx = update(s, Action::Key(ev));
        all.extend(drive(s, fx));
    }
    all
}

/// Type text into whatever input is open.
pub fn type_text(s: &mut State, text: &str) {
    for ch in text.chars() {
        let ev =
            crossterm::event::KeyEvent::new(crossterm::event::KeyCode::Char(ch), crossterm::event::KeyModifiers::NONE);
        let fx = update(s, Action::Key(ev));
        drive(s, fx);
    }
}

pub fn theme() -> Theme {
    load_theme(std::path::Path::new("/nonexistent"), None, false, false).unwrap()
}

pub fn theme_no_color() -> Theme {
    load_theme(std::path::Path::new("/nonexistent"), None, true, false).unwrap()
}

pub fn terminal(s: &State, theme: &Theme, w: u16, h: u16) -> Terminal<TestBackend> {
    let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
    t.draw(|f| ui::render(f, s, theme)).unwrap();
    t
}

/// The screen as text (one line per row, trailing blanks kept so the size is visible in snapshots).
pub fn screen(s: &State, theme: &Theme, w: u16, h: u16) -> String {
    let t = terminal(s, theme, w, h);
    let buf = t.backend().buffer();
    let mut out = String::new();
    for y in 0..h {
        for x in 0..w {
            out.push_str(buf[(x, y)].symbol());
        }
        out.push('\n');
    }
    out
}

pub fn basis() -> CostBasis {
    CostBasis::Billed
}

/// The key event of a chord string.
pub fn keys_of(k: &str) -> crossterm::event::KeyEvent {
    parse_chord(k).unwrap().to_event()
}
