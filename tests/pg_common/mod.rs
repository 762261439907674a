//! A fresh PostgreSQL database (and any logins a test makes) for CLI tests, dropped with its logins and the
//! store's groups when the test ends: PostgreSQL roles are cluster-wide and tests run in parallel on one cluster.
//! `None` (SKIPPED on stderr) without `BILLOPS_TEST_PG_URL`, unless `BILLOPS_REQUIRE_PG=1`.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::Write as _;
use std::process::Output;

use sqlx::{Connection, PgConnection};

/// The password the tests give their logins.
pub const PASSWORD: &str = "billops-test-login";

pub fn text(o: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr))
}

pub struct PgStore {
    rt: tokio::runtime::Runtime,
    admin_url: String,
    db: String,
    tag: String,
    logins: std::cell::RefCell<Vec<String>>,
}

/// `url` with its database replaced.
fn with_database(url: &str, db: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, format!("?{q}")),
        None => (url, String::new()),
    };
    let scheme_end = base.find("://").map_or(0, |i| i + 3);
    let base = match base[scheme_end..].find('/') {
        Some(i) => &base[..scheme_end + i],
        None => base,
    };
    format!("{base}/{db}{query}")
}

/// `url` with its user and password replaced.
fn as_login(url: &str, login: &str) -> String {
    let scheme_end = url.find("://").map_or(0, |i| i + 3);
    let rest = &url[scheme_end..];
    let host = rest.rfind('@').map_or(rest, |at| &rest[at + 1..]);
    format!("{}{login}:{PASSWORD}@{host}", &url[..scheme_end])
}

impl PgStore {
    pub fn new(test: &str) -> Option<PgStore> {
        let admin_url = match std::env::var("BILLOPS_TEST_PG_URL") {
            Ok(u) if !u.trim().is_empty() => u,
            _ => {
                if std::env::var("BILLOPS_REQUIRE_PG").as_deref() == Ok("1") {
                    panic!("BILLOPS_REQUIRE_PG=1 but BILLOPS_TEST_PG_URL is not set ({test})");
                }
                let _ = writeln!(std::io::stderr(), "SKIPPED (PostgreSQL): set BILLOPS_TEST_PG_URL to run {test}");
                return None;
            }
        };
        let nanos = chrono::Utc::now().timestamp_nanos_opt().unwrap_or(0) % 1_000_000_000;
        let tag = format!("bt{}_{nanos}", std::process::id());
        let db: String = format!("billops_c_{test}_{tag}").chars().take(63).collect();
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        let s = PgStore { rt, admin_url, db, tag, logins: Default::default() };
        s.admin(&format!("CREATE DATABASE \"{}\"", s.db));
        if let Ok(file) = std::env::var("BILLOPS_PG_RAN_FILE") {
            let mut f = std::fs::OpenOptions::new().create(true).append(true).open(file).unwrap();
            writeln!(f, "cli:{test}").unwrap();
        }
        Some(s)
    }

    /// The store's URL as the login that creates it (its owner).
    pub fn owner_url(&self) -> String {
        with_database(&self.admin_url, &self.db)
    }

    /// The store's URL as `login` (with the test password, see [`PgStore::set_password`]).
    pub fn login_url(&self, login: &str) -> String {
        as_login(&self.owner_url(), login)
    }

    /// The store's URL as `login` with no password in it (give it by `PGPASSWORD` or `.pgpass`).
    pub fn login_url_without_password(&self, login: &str) -> String {
        self.login_url(login).replace(&format!(":{PASSWORD}@"), "@")
    }

    /// Login names unique to this test, one per `role` word; dropped with the store.
    pub fn logins(&self, roles: &[&str]) -> Vec<String> {
        let names: Vec<String> = roles.iter().map(|r| format!("{}_{r}", self.tag)).collect();
        self.logins.borrow_mut().extend(names.iter().cloned());
        names
    }

    pub fn set_password(&self, login: &str) {
        self.admin(&format!("ALTER ROLE \"{login}\" PASSWORD '{PASSWORD}'"));
    }

    fn admin(&self, sql: &str) {
        let url = self.admin_url.clone();
        let sql = sql.to_string();
        self.rt.block_on(async move {
            let mut c = PgConnection::connect(&url).await.unwrap();
            sqlx::query(sqlx::AssertSqlSafe(sql)).execute(&mut c).await.unwrap();
        });
    }

    /// One text column of a query on the store, as its owner.
    pub fn query_strings(&self, sql: &str) -> Vec<String> {
        let url = self.owner_url();
        let sql = sql.to_string();
        self.rt.block_on(async move {
            let mut c = PgConnection::connect(&url).await.unwrap();
            sqlx::query_scalar::<_, Option<String>>(sqlx::AssertSqlSafe(sql))
                .fetch_all(&mut c)
                .await
                .unwrap()
                .into_iter()
                .map(|s| s.unwrap_or_default())
                .collect()
        })
    }

    /// One integer of a query on the store, as its owner.
    pub fn query_i64(&self, sql: &str) -> i64 {
        let url = self.owner_url();
        let sql = sql.to_string();
        self.rt.block_on(async move {
            let mut c = PgConnection::connect(&url).await.unwrap();
            sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(sql)).fetch_one(&mut c).await.unwrap()
        })
    }
}

impl Drop for PgStore {
    fn drop(&mut self) {
        let (admin_url, owner_url, db) = (self.admin_url.clone(), self.owner_url(), self.db.clone());
        let logins = self.logins.borrow().clone();
        self.rt.block_on(async move {
            let prefix: Option<String> = match PgConnection::connect(&owner_url).await {
                Ok(mut c) => sqlx::query_scalar("SELECT prefix FROM store_access WHERE id = 1")
                    .fetch_optional(&mut c)
                    .await
                    .ok()
                    .flatten(),
                Err(_) => None,
            };
            let Ok(mut admin) = PgConnection::connect(&admin_url).await else { return };
            let mut dropped = false;
            for _ in 0..10 {
                let sql = format!("DROP DATABASE IF EXISTS \"{db}\" WITH (FORCE)");
                if sqlx::query(sqlx::AssertSqlSafe(sql)).execute(&mut admin).await.is_ok() {
                    dropped = true;
                    break;
                }
                tokio::time::sleep(std::time::Duration::from_millis(200)).await;
            }
            if !dropped {
                let _ = writeln!(std::io::stderr(), "could not drop test database {db}");
            }
            let groups = prefix.map(|p| vec![format!("{p}_manager"), format!("{p}_operator"), format!("{p}_viewer")]);
            for role in logins.iter().chain(groups.iter().flatten()) {
                let sql = format!("DROP ROLE IF EXISTS \"{role}\"");
                if let Err(e) = sqlx::query(sqlx::AssertSqlSafe(sql)).execute(&mut admin).await {
                    let _ = writeln!(std::io::stderr(), "could not drop test role {role}: {e}");
                }
            }
        });
    }
}

/// The CLI on `url` (data and config under `dir`); the login comes from the URL, its password from
/// [`PASSWORD`] when the URL has none.
pub fn billops(dir: &std::path::Path, url: &str, args: &[&str]) -> Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_billops"))
        .env("BILLOPS_DATA_DIR", dir.join("data"))
        .env("BILLOPS_CONFIG_DIR", dir.join("config"))
        .env_remove("BILLOPS_DATABASE_URL")
        .env("BILLOPS_USER", "ignored")
        .env("PGPASSWORD", PASSWORD)
        .arg("--db")
        .arg(url)
        .args(args)
        .output()
        .unwrap()
}

/// One SQL statement on `url`, as psql would run it: rows affected, or the server's refusal.
pub fn sql(url: &str, q: &str) -> Result<u64, String> {
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let (url, q) = (url.to_string(), q.to_string());
    rt.block_on(async move {
        let mut c = PgConnection::connect(&url).await.map_err(|e| e.to_string())?;
        sqlx::query(sqlx::AssertSqlSafe(q)).execute(&mut c).await.map(|r| r.rows_affected()).map_err(|e| e.to_string())
    })
}

impl PgStore {
    /// An operator and a manager login added with `billops users add` by the owner, each with the test
    /// password: their store URLs (operator, manager).
    pub fn operator_and_manager(&self, dir: &std::path::Path) -> (String, String) {
        let logins = self.logins(&["operator", "manager"]);
        for (login, role) in logins.iter().zip(["operator", "manager"]) {
            let o = billops(dir, &self.owner_url(), &["users", "add", login, "--role", role]);
            assert!(o.status.success(), "{}", text(&o));
            self.set_password(login);
        }
        (self.login_url(&logins[0]), self.login_url(&logins[1]))
    }
}
