//! On PostgreSQL, Azure partner suggestions through real logins (migration 0019): an operator's login imports
//! the CSP export, records a customer's tenant id and takes suggestions as link proposals; changing a recorded
//! tenant id is a manager's even with the operator's own SQL (the database refuses it); a manager's login takes
//! the rest as assignments.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod pg_common;

use std::path::Path;
use std::process::{Command, Output};

use pg_common::{PgStore, text};
use sqlx::{Connection, PgConnection};

fn billops(dir: &Path, url: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_billops"))
        .env("BILLOPS_DATA_DIR", dir.join("data"))
        .env("BILLOPS_CONFIG_DIR", dir.join("config"))
        .env_remove("BILLOPS_DATABASE_URL")
        .env("BILLOPS_USER", "ignored")
        .env("PGPASSWORD", pg_common::PASSWORD)
        .arg("--db")
        .arg(url)
        .args(args)
        .output()
        .unwrap()
}

fn sql(url: &str, q: &str) -> Result<u64, String> {
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let (url, q) = (url.to_string(), q.to_string());
    rt.block_on(async move {
        let mut c = PgConnection::connect(&url).await.map_err(|e| e.to_string())?;
        sqlx::query(sqlx::AssertSqlSafe(q)).execute(&mut c).await.map(|r| r.rows_affected()).map_err(|e| e.to_string())
    })
}

#[test]
fn partner_suggestions_under_postgres_logins() {
    let Some(pg) = PgStore::new("partner_pg") else { return };
    let dir = tempfile::tempdir().unwrap();
    let logins = pg.logins(&["operator", "manager"]);
    for (login, role) in logins.iter().zip(["operator", "manager"]) {
        let o = billops(dir.path(), &pg.owner_url(), &["users", "add", login, "--role", role]);
        assert!(o.status.success(), "{}", text(&o));
        pg.set_password(login);
    }
    let (op, mgr) = (pg.login_url(&logins[0]), pg.login_url(&logins[1]));
    let file = format!("{}/fixtures/azure/csp-partners.csv", env!("CARGO_MANIFEST_DIR"));
    for args in [
        &["customers", "add", "contoso", "Contoso Retail", "--currency", "EUR"][..],
        &["customers", "tenant", "contoso", "3f2a6c1e-0000-4000-8000-00000000c0de"],
        &["import", "--view", "actual", &file],
    ] {
        let o = billops(dir.path(), &op, args);
        assert!(o.status.success(), "{args:?}: {}", text(&o));
    }
    // around the CLI, the operator's own SQL may not change a recorded tenant id
    let e = sql(&op, "UPDATE customers SET azure_tenant_id = 'elsewhere' WHERE code = 'contoso'").unwrap_err();
    assert!(e.contains("not allowed"), "{e}");

    let sub = |n: u32| format!("d0000000-0000-4000-8000-00000000000{n}");
    let o = billops(dir.path(), &op, &["accounts", "suggest", "--apply", "--period", "2025-06", "--only", &sub(1)]);
    assert!(text(&o).contains("1 link proposal recorded"), "{}", text(&o));
    assert_eq!(pg.query_i64("SELECT count(*) FROM account_assignments"), 0);
    let o = billops(dir.path(), &mgr, &["accounts", "suggest", "--apply", "--period", "2025-06"]);
    assert!(text(&o).contains("3 accounts assigned from 2025-06-01"), "{}", text(&o));
    assert_eq!(pg.query_i64("SELECT count(*) FROM account_assignments"), 3);
    assert_eq!(pg.query_i64("SELECT count(*) FROM customers WHERE code = 'fabrikam-health'"), 1);
    assert_eq!(sql(&mgr, "UPDATE customers SET azure_tenant_id = NULL WHERE code = 'contoso'"), Ok(1));
}
