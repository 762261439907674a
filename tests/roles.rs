//! Roles through the real binary. The same role matrix (viewer / operator / manager × representative writes) on
//! SQLite, where the identity is the OS user (`BILLOPS_USER`), and on PostgreSQL, where it is the database login
//! and `BILLOPS_USER` is ignored. A process with no identity (cron, systemd, containers) reads but never writes.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod pg_common;

use std::path::Path;
use std::process::{Command, Output};

use pg_common::{PgStore, text};

const FOCUS: &str = "BillingAccountId,BillingAccountName,SubAccountId,SubAccountName,BillingPeriodStart,BillingPeriodEnd,ChargePeriodStart,ChargePeriodEnd,ChargeCategory,ServiceName,RegionId,SkuId,ResourceId,ConsumedQuantity,ConsumedUnit,BilledCost,EffectiveCost,ListCost,BillingCurrency,InvoiceId,Tags
100000000001,Payer One,A1,acct A1,2026-05-01T00:00:00Z,2026-06-01T00:00:00Z,2026-05-03T00:00:00Z,2026-05-04T00:00:00Z,Usage,EC2,us-east-1,SKU1,res-1,1,Hrs,12.5,12.5,12.5,USD,INV-1,
";

const APRIL: &str = "BillingAccountId,BillingAccountName,SubAccountId,SubAccountName,BillingPeriodStart,BillingPeriodEnd,ChargePeriodStart,ChargePeriodEnd,ChargeCategory,ServiceName,RegionId,SkuId,ResourceId,ConsumedQuantity,ConsumedUnit,BilledCost,EffectiveCost,ListCost,BillingCurrency,InvoiceId,Tags
100000000002,Payer Two,A9,acct A9,2026-04-01T00:00:00Z,2026-05-01T00:00:00Z,2026-04-03T00:00:00Z,2026-04-04T00:00:00Z,Usage,EC2,us-east-1,SKU1,res-9,1,Hrs,0,0,0,USD,INV-Q,
";

/// `billops` with data and config in `dir`, no identity variables unless `user` is given.
fn billops(dir: &Path, db: &str, user: Option<&str>) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_billops"));
    c.env("BILLOPS_DATA_DIR", dir.join("data"))
        .env("BILLOPS_CONFIG_DIR", dir.join("config"))
        .env_remove("BILLOPS_DATABASE_URL")
        .env_remove("BILLOPS_USER")
        .env_remove("USER")
        .env_remove("LOGNAME")
        .env_remove("USERNAME")
        .arg("--db")
        .arg(db);
    if let Some(u) = user {
        c.env("BILLOPS_USER", u);
    }
    c
}

/// What a role may do, one representative write each; `true` = allowed.
const MATRIX: &[(&str, [bool; 3])] = &[
    // (write, [viewer, operator, manager])
    ("import", [false, true, true]),
    ("customers add", [false, true, true]),
    ("credits propose", [false, true, true]),
    ("credits approve", [false, false, true]),
    ("close set", [false, false, true]),
    ("close signoff", [false, false, true]),
    ("users add", [false, false, true]),
];

fn args_of(write: &str, role: usize, file: &Path) -> Vec<String> {
    let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
    let code = format!("c{role}");
    match write {
        "import" => s(&["import", file.to_str().unwrap()]),
        "customers add" => s(&["customers", "add", &code, "Customer"]),
        "credits propose" => s(&[
            "credits",
            "propose",
            "acme",
            "--kind",
            "goodwill",
            "--amount",
            "10",
            "--valid-from",
            "2026-05-01",
            "--valid-to",
            "2026-08-01",
            "--evidence",
            "ticket 1",
        ]),
        // CR-1 is proposed by the operator before the matrix runs (maker-checker: the manager is another person).
        "credits approve" => s(&["credits", "approve", "CR-1", "--reason", "agreed"]),
        "close set" => s(&["close", "set", "due_day", "12"]),
        "close signoff" => s(&["close", "signoff", "2026-04", "--note", "quiet month"]),
        "users add" => s(&["users", "add", &format!("{code}_new"), "--role", "viewer"]),
        other => panic!("{other}"),
    }
}

fn refused_for_role(o: &Output) -> bool {
    let t = text(o).to_lowercase();
    !o.status.success()
        && ["needs the", "not allowed", "may not", "permission denied", "manager role"].iter().any(|w| t.contains(w))
}

/// Run the matrix: `run(role_index, args)` runs billops as that role.
fn matrix(dir: &Path, run: &dyn Fn(usize, &[String]) -> Output) {
    let file = dir.join("may.csv");
    std::fs::write(&file, FOCUS).unwrap();
    // April is quiet (an empty month cannot be signed off): one final row of cost 0, its supplier invoice of 0.
    let april = dir.join("april.csv");
    std::fs::write(&april, APRIL).unwrap();
    for args in [
        vec!["import".to_string(), april.display().to_string()],
        ["supplier", "add", "100000000002", "2026-04", "--number", "Q-4", "--amount", "0"].map(String::from).to_vec(),
    ] {
        let o = run(1, &args);
        assert!(o.status.success(), "{args:?}: {}", text(&o));
    }
    // The credit the manager approves, proposed by the operator.
    let o = run(1, &["customers".into(), "add".into(), "acme".into(), "Acme".into()]);
    assert!(o.status.success(), "{}", text(&o));
    let o = run(1, &args_of("credits propose", 1, &file));
    assert!(o.status.success(), "{}", text(&o));
    for (role, name) in ["viewer", "operator", "manager"].iter().enumerate() {
        for (write, allowed) in MATRIX {
            let o = run(role, &args_of(write, role, &file));
            if allowed[role] {
                assert!(o.status.success() || o.status.code() == Some(2), "{name} {write}: {}", text(&o));
                assert!(!refused_for_role(&o), "{name} {write}: {}", text(&o));
            } else {
                assert!(refused_for_role(&o), "{name} may not {write}: {}", text(&o));
            }
        }
    }
    // What the refusals left: one credit, approved once; the manager's setting.
    let o = run(0, &["credits".into(), "list".into(), "--format".into(), "csv".into()]);
    assert!(o.status.success(), "{}", text(&o));
    let out = String::from_utf8_lossy(&o.stdout).to_string();
    assert!(out.contains("approved"), "{out}");
    let o = run(0, &["close".into(), "settings".into(), "--format".into(), "csv".into()]);
    assert!(String::from_utf8_lossy(&o.stdout).contains("12"), "{}", text(&o));
}

#[test]
fn role_matrix_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite:{}", dir.path().join("store.db").display());
    let users = ["vera", "otto", "mia"];
    let o = billops(dir.path(), &db, Some("mia")).arg("init").output().unwrap();
    assert!(o.status.success(), "{}", text(&o));
    for (u, r) in [("mia", "manager"), ("otto", "operator"), ("vera", "viewer")] {
        let o = billops(dir.path(), &db, Some("mia")).args(["users", "add", u, "--role", r]).output().unwrap();
        assert!(o.status.success(), "{}", text(&o));
        assert!(text(&o).contains("single-user"), "SQLite says what its boundary is: {}", text(&o));
    }
    matrix(dir.path(), &|role, args| billops(dir.path(), &db, Some(users[role])).args(args).output().unwrap());
}

#[test]
fn role_matrix_on_postgres() {
    let Some(pg) = PgStore::new("role_matrix") else { return };
    let dir = tempfile::tempdir().unwrap();
    let logins = pg.logins(&["viewer", "operator", "manager"]);
    for (login, role) in logins.iter().zip(["viewer", "operator", "manager"]) {
        // `billops users add` as the store's owner creates the login and grants the store's group.
        let o = billops(dir.path(), &pg.owner_url(), Some("ignored"))
            .args(["users", "add", login, "--role", role])
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", text(&o));
        pg.set_password(login);
    }
    // BILLOPS_USER names the manager every time: on PostgreSQL it is ignored, the login decides. The password
    // comes by PGPASSWORD, as the README tells a team, not in the URL.
    let manager = logins[2].clone();
    matrix(dir.path(), &|role, args| {
        billops(dir.path(), &pg.login_url_without_password(&logins[role]), Some(&manager))
            .env("PGPASSWORD", pg_common::PASSWORD)
            .args(args)
            .output()
            .unwrap()
    });
    // The audit log names the logins that wrote.
    let who = pg.query_strings("SELECT DISTINCT login FROM audit_log WHERE action LIKE 'credit.%' ORDER BY 1");
    let mut expect = vec![logins[1].clone(), logins[2].clone()];
    expect.sort();
    assert_eq!(who, expect, "the operator proposed, the manager approved");
}

/// No BILLOPS_USER/USER/LOGNAME/USERNAME: reads work, writes are refused with the reason, even on a fresh store
/// (where the first user would otherwise become its manager); the demo makes no such user a manager.
#[test]
fn no_identity_reads_but_never_writes() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite:{}", dir.path().join("store.db").display());
    let o = billops(dir.path(), &db, None).arg("init").output().unwrap();
    assert!(o.status.success(), "creating an empty store writes no business data: {}", text(&o));
    let o = billops(dir.path(), &db, None).args(["customers", "add", "acme", "Acme"]).output().unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(text(&o).contains("no identity"), "{}", text(&o));
    let o = billops(dir.path(), &db, None).args(["users", "add", "me", "--role", "manager"]).output().unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    let o = billops(dir.path(), &db, None).args(["customers", "list", "--format", "csv"]).output().unwrap();
    assert!(o.status.success(), "{}", text(&o));
    let o = billops(dir.path(), &db, None).args(["users", "list", "--format", "csv"]).output().unwrap();
    assert_eq!(String::from_utf8_lossy(&o.stdout).trim(), "name,role", "{}", text(&o));

    let demo = format!("sqlite:{}", dir.path().join("demo.db").display());
    let o = billops(dir.path(), &demo, None).arg("demo").output().unwrap();
    assert!(o.status.success(), "{}", text(&o));
    let o = billops(dir.path(), &demo, None).args(["users", "list", "--format", "csv"]).output().unwrap();
    let users = String::from_utf8_lossy(&o.stdout).to_string();
    assert!(!users.contains("unknown") && !users.lines().any(|l| l.starts_with(',')), "{users}");
    let o = billops(dir.path(), &demo, None).args(["customers", "add", "zz", "ZZ"]).output().unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
}
