//! Roles backed by PostgreSQL: real, separate logins (viewer, operator, manager) on one store. A viewer cannot
//! write even with raw SQL (as psql would), an operator cannot sign off or approve, the audit log records the
//! authenticated login whatever name the application passes; and on both stores an actor with no identity is
//! refused every write.
use std::future::Future;
use std::sync::{Arc, Mutex};

use billops_domain::Role;
use billops_domain::close::CloseConfig;
use billops_domain::credit::{ApprovalPolicy, CreditKind, CreditScope};
use billops_store::{Actor, NewCredit, Store, StoreError};
use sqlx::{Connection, PgConnection};

use crate::parties::customer;
use crate::support::{actor, d, date, drop_database, p, pg_url, run_pg_url, with_database};

const PASSWORD: &str = "billops-test-login";

/// The three logins of one test, and how to reach the store as each (or as the owner).
#[derive(Clone)]
pub struct Logins {
    pub owner_url: String,
    pub owner: String,
    pub viewer: String,
    pub operator: String,
    pub manager: String,
}

impl Logins {
    pub fn url(&self, login: &str) -> String {
        as_login(&self.owner_url, login)
    }
    pub async fn store(&self, login: &str) -> Arc<dyn Store> {
        billops_store::open(&self.url(login)).await.unwrap()
    }
    pub async fn sql(&self, login: &str) -> PgConnection {
        PgConnection::connect(&self.url(login)).await.unwrap()
    }
}

/// `url` with its user and password replaced by `login` and the test password.
pub fn as_login(url: &str, login: &str) -> String {
    let scheme_end = url.find("://").map_or(0, |i| i + 3);
    let rest = &url[scheme_end..];
    let host = rest.rfind('@').map_or(rest, |at| &rest[at + 1..]);
    format!("{}{login}:{PASSWORD}@{host}", &url[..scheme_end])
}

/// A fresh database whose owner adds three new logins with `billops users add`'s store call; `body` runs with
/// them; afterwards the database, the logins and the store's groups are dropped (roles are cluster-wide).
pub async fn run_with_logins<F, Fut>(test: &'static str, body: F)
where
    F: FnOnce(Logins) -> Fut + Send + 'static,
    Fut: Future<Output = ()> + Send + 'static,
{
    let Some(admin_url) = pg_url(test) else { return };
    let tag =
        format!("bt{}_{}", std::process::id(), chrono::Utc::now().timestamp_nanos_opt().unwrap_or(0) % 1_000_000_000);
    let names: Vec<String> = ["viewer", "operator", "manager"].iter().map(|r| format!("{tag}_{r}")).collect();
    let prefix: Arc<Mutex<Option<String>>> = Arc::default();
    let (slot, logins) = (prefix.clone(), names.clone());
    let outcome = tokio::spawn(async move {
        run_pg_url(test, move |url| async move {
            let owner = billops_store::open(&url).await.unwrap();
            let owner_login = owner.login().await.unwrap().unwrap();
            let root = actor(&owner_login, 1);
            let roles = [Role::Viewer, Role::Operator, Role::Manager];
            for (login, role) in logins.iter().zip(roles) {
                let added = owner.add_login(login, role, &root).await;
                // Recorded before any unwrap, so the groups are dropped even when a later step fails.
                *slot.lock().unwrap() = owner.access_prefix().await.unwrap();
                added.unwrap();
            }
            let mut admin = PgConnection::connect(&url).await.unwrap();
            for login in &logins {
                let sql = format!("ALTER ROLE \"{login}\" PASSWORD '{PASSWORD}'");
                sqlx::query(sqlx::AssertSqlSafe(sql)).execute(&mut admin).await.unwrap();
            }
            owner.close().await;
            let l = Logins {
                owner_url: url,
                owner: owner_login,
                viewer: logins[0].clone(),
                operator: logins[1].clone(),
                manager: logins[2].clone(),
            };
            body(l).await;
        })
        .await;
    })
    .await;
    let mut admin = PgConnection::connect(&admin_url).await.unwrap();
    let groups: Vec<String> = match prefix.lock().unwrap().clone() {
        Some(p) => ["manager", "operator", "viewer"].iter().map(|g| format!("{p}_{g}")).collect(),
        None => Vec::new(),
    };
    for role in names.iter().chain(&groups) {
        let sql = format!("DROP ROLE IF EXISTS \"{role}\"");
        if let Err(e) = sqlx::query(sqlx::AssertSqlSafe(sql)).execute(&mut admin).await {
            eprintln!("could not drop test role {role}: {e}");
        }
    }
    if let Err(e) = outcome {
        std::panic::resume_unwind(e.into_panic());
    }
}

/// Run raw SQL as a login; the error's SQLSTATE when PostgreSQL refuses.
async fn refused(conn: &mut PgConnection, sql: &'static str) -> Option<String> {
    match sqlx::query(sql).execute(conn).await {
        Ok(_) => None,
        Err(sqlx::Error::Database(e)) => e.code().map(|c| c.to_string()),
        Err(e) => panic!("{sql}: {e}"),
    }
}

fn credit() -> NewCredit {
    NewCredit {
        customer: "acme".into(),
        kind: CreditKind::Goodwill,
        amount: d("10"),
        scope: CreditScope::all(),
        valid_from: date("2026-05-01"),
        valid_to: date("2026-08-01"),
        evidence: "ticket 7".into(),
        reason: "outage".into(),
    }
}

fn who(login: &str) -> Actor {
    actor(login, 3)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn viewer_login_cannot_write_even_through_sql() {
    run_with_logins("viewer_login_cannot_write", |l| async move {
        let owner = billops_store::open(&l.owner_url).await.unwrap();
        owner.add_customer(&customer("acme"), &actor(&l.owner, 2)).await.unwrap();
        owner.close().await;

        let mut sql = l.sql(&l.viewer).await;
        let n: i64 = sqlx::query_scalar("SELECT count(*) FROM customers").fetch_one(&mut sql).await.unwrap();
        assert_eq!(n, 1, "a viewer reads");
        for write in [
            "INSERT INTO customers (code, name, currency, status, created_by, created_at) \
             VALUES ('evil', 'Evil', 'USD', 'active', 'x', now())",
            "UPDATE customers SET name = 'renamed'",
            "DELETE FROM customers",
            "INSERT INTO settings (key, value, set_by, set_at) VALUES ('due_day', '1', 'x', now())",
            "INSERT INTO users (name, role, updated_by, updated_at) VALUES ('me', 'manager', 'x', now())",
            "DELETE FROM audit_log",
        ] {
            assert_eq!(refused(&mut sql, write).await.as_deref(), Some("42501"), "{write}");
        }

        // Through billops, with the manager's name passed as the actor (BILLOPS_USER): the login decides.
        let s = l.store(&l.viewer).await;
        assert_eq!(s.login().await.unwrap().as_deref(), Some(l.viewer.as_str()));
        assert_eq!(s.login_role().await.unwrap(), Some(Role::Viewer));
        let e = s.add_customer(&customer("other"), &who(&l.manager)).await.unwrap_err();
        assert!(matches!(e, StoreError::Forbidden(_) | StoreError::Db(_)), "{e}");
        assert_eq!(s.list_customers().await.unwrap().len(), 1);
        s.close().await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn operator_login_cannot_sign_off_or_approve() {
    run_with_logins("operator_login_cannot_approve", |l| async move {
        let op = l.store(&l.operator).await;
        assert_eq!(op.login_role().await.unwrap(), Some(Role::Operator));
        let me = who(&l.operator);
        // An operator's own work goes through.
        op.add_customer(&customer("acme"), &me).await.unwrap();
        let c = op.propose_credit(&credit(), &me).await.unwrap();

        // Manager steps refused, even when the application passes the manager's name.
        let spoof = who(&l.manager);
        let policy = ApprovalPolicy::new(d("500")).unwrap();
        let e = op.decide_credit(c.id, true, "ok", policy, None, &spoof).await.unwrap_err();
        assert!(matches!(e, StoreError::Forbidden(_)), "{e}");
        let e = op.sign_off(p("2026-05"), &CloseConfig::default(), date("2026-06-08"), "", &spoof).await.unwrap_err();
        assert!(matches!(e, StoreError::Forbidden(_)), "{e}");
        let e = op.reopen(p("2026-05"), "why", &spoof).await.unwrap_err();
        assert!(matches!(e, StoreError::Forbidden(_)), "{e}");
        let e = op.set_setting("due_day", "5", &spoof).await.unwrap_err();
        assert!(matches!(e, StoreError::Forbidden(_)), "{e}");
        let e = op.add_login("someone_else", Role::Manager, &spoof).await.unwrap_err();
        assert!(matches!(e, StoreError::Forbidden(_)), "{e}");
        op.close().await;

        // And with raw SQL, as psql would.
        let mut sql = l.sql(&l.operator).await;
        for write in [
            "UPDATE credits SET status = 'approved'",
            "UPDATE credits SET amount = 1000000",
            "INSERT INTO period_locks (period, locked_by, locked_at) VALUES ('2026-05', 'x', now())",
            "INSERT INTO period_close_events (period, action, by_user, at, reason) \
             VALUES ('2026-05', 'reopen', 'x', now(), 'x')",
            "INSERT INTO settings (key, value, set_by, set_at) VALUES ('due_day', '1', 'x', now())",
            "UPDATE users SET role = 'manager'",
            "DELETE FROM audit_log",
            "UPDATE audit_log SET who = 'someone'",
        ] {
            assert_eq!(refused(&mut sql, write).await.as_deref(), Some("42501"), "{write}");
        }
        let n: i64 = sqlx::query_scalar("SELECT count(*) FROM credits WHERE status = 'proposed'")
            .fetch_one(&mut sql)
            .await
            .unwrap();
        assert_eq!(n, 1, "the credit is still a proposal");

        // A manager login approves it.
        let mgr = l.store(&l.manager).await;
        let done = mgr.decide_credit(c.id, true, "agreed", policy, None, &who(&l.manager)).await.unwrap();
        assert!(done.credit.status() == billops_domain::credit::CreditStatus::Approved);
        mgr.close().await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn operator_login_cannot_decide_links_invoices_or_write_offs() {
    run_with_logins("operator_login_cannot_decide", |l| async move {
        let op = l.store(&l.operator).await;
        let me = who(&l.operator);
        op.add_customer(&customer("acme"), &me).await.unwrap();
        let mut sql = l.sql(&l.operator).await;
        sqlx::query(
            "INSERT INTO link_proposals (account, payer, customer_id, valid_from, status, proposed_by, proposed_at) \
             SELECT 'A1', 'P1', id, DATE '2026-05-01', 'proposed', 'x', now() FROM customers",
        )
        .execute(&mut sql)
        .await
        .unwrap();
        for write in [
            "UPDATE link_proposals SET status = 'approved', decided_by = 'x'",
            "INSERT INTO link_proposals (account, payer, customer_id, valid_from, status, proposed_by, proposed_at) \
             SELECT 'A2', 'P1', id, DATE '2026-05-01', 'approved', 'x', now() FROM customers",
            "INSERT INTO invoices (customer_id, period, status, currency, total, cost, paid, draft_json, history_json, \
             version, generated_at, updated_by, updated_at) \
             SELECT id, '2026-05', 'approved', 'USD', 1, 1, 0, '{}', '[]', 1, now(), 'x', now() FROM customers",
            "INSERT INTO recon_cases (payer, period, status, residual, expected, received, note, version, opened_by, \
             opened_at, updated_by, updated_at) VALUES ('P1', '2026-05', 'written_off', 1, 1, 0, '', 1, 'x', now(), 'x', now())",
        ] {
            assert_eq!(refused(&mut sql, write).await.as_deref(), Some("42501"), "{write}");
        }
        op.close().await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_audit_log_records_the_authenticated_login() {
    run_with_logins("audit_records_login", |l| async move {
        let op = l.store(&l.operator).await;
        // The application passes another name (BILLOPS_USER on a PostgreSQL store is ignored by the CLI; here
        // the store is called directly): the row still names the login that wrote it. A name the store does
        // not know is a viewer's and writes nothing; a manager's name is capped to the operator login's role.
        let e = op.add_customer(&customer("acme"), &who("someone-else")).await.unwrap_err();
        assert!(matches!(e, StoreError::Forbidden(_)), "{e:?}");
        op.add_customer(&customer("acme"), &who(&l.manager)).await.unwrap();
        op.close().await;
        let mut sql = l.sql(&l.manager).await;
        let rows: Vec<(String, Option<String>)> =
            sqlx::query_as("SELECT who, login FROM audit_log WHERE action = 'customer.add'")
                .fetch_all(&mut sql)
                .await
                .unwrap();
        assert_eq!(rows, vec![(l.manager.clone(), Some(l.operator.clone()))]);
        // Nobody but the owner can rewrite it: a manager login cannot either.
        assert_eq!(refused(&mut sql, "UPDATE audit_log SET login = 'x'").await.as_deref(), Some("42501"));
        assert_eq!(refused(&mut sql, "DELETE FROM audit_log").await.as_deref(), Some("42501"));
        // The owner is on record as the store's first manager.
        let users: Vec<(String, String)> =
            sqlx::query_as("SELECT name, role FROM users ORDER BY role, name").fetch_all(&mut sql).await.unwrap();
        assert!(users.iter().any(|(_, r)| r == "manager"), "{users:?}");
        assert_eq!(users.len(), 4, "owner + three logins: {users:?}");
    })
    .await;
}

/// A table the groups were not granted (as after a later migration) is granted when the owner next opens the store.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_owner_grants_new_tables_on_open() {
    run_with_logins("owner_grants_on_open", |l| async move {
        let owner = billops_store::open(&l.owner_url).await.unwrap();
        let prefix = owner.access_prefix().await.unwrap().unwrap();
        owner.close().await;
        let mut admin = PgConnection::connect(&l.owner_url).await.unwrap();
        let sql = format!("REVOKE SELECT ON customers FROM \"{prefix}_viewer\"");
        sqlx::query(sqlx::AssertSqlSafe(sql)).execute(&mut admin).await.unwrap();
        let mut viewer = l.sql(&l.viewer).await;
        assert_eq!(refused(&mut viewer, "SELECT count(*) FROM customers").await.as_deref(), Some("42501"));
        billops_store::open(&l.owner_url).await.unwrap().close().await;
        assert_eq!(refused(&mut viewer, "SELECT count(*) FROM customers").await, None, "granted again");
    })
    .await;
}

/// A login the store does not know cannot even read on PostgreSQL; a store whose groups are gone stays
/// owner-only.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unknown_login_gets_nothing() {
    let Some(admin_url) = pg_url("unknown_login") else { return };
    let login = format!("bt{}_{}_stranger", std::process::id(), chrono::Utc::now().timestamp_subsec_nanos());
    let db = format!("billops_t_unknown_login_{}", std::process::id());
    let mut admin = PgConnection::connect(&admin_url).await.unwrap();
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE \"{db}\""))).execute(&mut admin).await.unwrap();
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE ROLE \"{login}\" LOGIN PASSWORD '{PASSWORD}'")))
        .execute(&mut admin)
        .await
        .unwrap();
    let url = with_database(&admin_url, &db);
    let outcome = tokio::spawn({
        let (url, login) = (url.clone(), login.clone());
        async move {
            let owner = billops_store::open(&url).await.unwrap();
            assert_eq!(owner.login_role().await.unwrap(), Some(Role::Manager), "the owner is a manager");
            owner.close().await;
            let stranger = billops_store::open(&as_login(&url, &login)).await;
            match stranger {
                Err(e) => assert!(e.to_string().contains("permission denied"), "{e}"),
                Ok(s) => {
                    assert_eq!(s.login_role().await.unwrap(), Some(Role::Viewer));
                    assert!(s.list_customers().await.is_err(), "no grants, no reads");
                }
            }
        }
    })
    .await;
    drop_database(&mut admin, &db).await;
    let _ = sqlx::query(sqlx::AssertSqlSafe(format!("DROP ROLE IF EXISTS \"{login}\""))).execute(&mut admin).await;
    if let Err(e) = outcome {
        std::panic::resume_unwind(e.into_panic());
    }
}

/// On both stores: no identity, no writes (reads still work); never turned into a user name.
async fn no_identity_no_writes(s: Arc<dyn Store>) {
    let nobody = actor("", 2);
    let e = s.add_customer(&customer("acme"), &nobody).await.unwrap_err();
    assert!(matches!(e, StoreError::Forbidden(_)), "{e}");
    let e = s.set_user("  ", Role::Manager, &nobody).await.unwrap_err();
    assert!(matches!(e, StoreError::Forbidden(_) | StoreError::Invalid(_)), "{e}");
    let e = s.propose_credit(&credit(), &nobody).await.unwrap_err();
    assert!(matches!(e, StoreError::Forbidden(_) | StoreError::NotFound(_)), "{e}");
    assert!(s.list_customers().await.unwrap().is_empty());
    assert!(s.list_users().await.unwrap().is_empty(), "no user was made from a missing identity");
    assert!(s.audit(&Default::default()).await.unwrap().is_empty());
}
store_test!(no_identity_no_writes => no_identity_no_writes_sqlite, no_identity_no_writes_postgres);

/// SQLite has no logins: adding one is refused with the reason.
#[tokio::test]
async fn sqlite_has_no_logins() {
    crate::support::run_sqlite(|s| async move {
        assert_eq!(s.login().await.unwrap(), None);
        assert_eq!(s.login_role().await.unwrap(), None);
        let e = s.add_login("alice", Role::Operator, &actor("root", 1)).await.unwrap_err();
        assert!(e.to_string().contains("single-user"), "{e}");
    })
    .await;
}
