//! A run keeps to its own paths and never wipes or silently creates a real store (issues 15, 16, 18): the demo
//! fills only a new or empty store, a mistyped path is exit 6 and creates nothing, two demos at once on different
//! paths both succeed, nothing is written under the data dir when `--db` names the store, the files billops
//! creates are private, and an unreachable server is exit 5 in seconds with host and port and no password.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

fn billops(home: &Path, args: &[&str]) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_billops"));
    c.env("BILLOPS_DATA_DIR", home.join("data"))
        .env("BILLOPS_CONFIG_DIR", home.join("config"))
        .env("BILLOPS_USER", "tester")
        .env_remove("BILLOPS_DATABASE_URL")
        .env_remove("BILLOPS_LOG_FILE")
        .args(args);
    c
}

fn run(home: &Path, args: &[&str]) -> Output {
    billops(home, args).output().unwrap()
}

fn text(o: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr))
}

fn url(p: &Path) -> String {
    format!("sqlite:{}", p.display())
}

/// The bytes of a store and its -wal/-shm, to show that nothing touched them.
fn snapshot(db: &Path) -> Vec<Option<Vec<u8>>> {
    ["", "-wal", "-shm"].iter().map(|s| std::fs::read(format!("{}{s}", db.display())).ok()).collect()
}

#[cfg(unix)]
fn mode(p: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(p).unwrap().permissions().mode() & 0o777
}

#[test]
fn the_demo_never_deletes_a_store_that_holds_anything_nor_a_file_that_is_not_a_store() {
    let home = tempfile::tempdir().unwrap();
    let real = home.path().join("real.db");
    let o = run(home.path(), &["--db", &url(&real), "init"]);
    assert!(o.status.success(), "{}", text(&o));
    let o = run(home.path(), &["--db", &url(&real), "customers", "add", "ACME", "Acme Ltd"]);
    assert!(o.status.success(), "{}", text(&o));
    let before = snapshot(&real);
    // by --db and by the environment (a team's shell profile), as a manager and as a viewer
    for user in ["tester", "somebody-else"] {
        for by_env in [false, true] {
            let mut c = billops(home.path(), &["demo"]);
            c.env("BILLOPS_USER", user);
            if by_env {
                c.env("BILLOPS_DATABASE_URL", url(&real));
            } else {
                c.args(["--db", &url(&real)]);
            }
            let o = c.output().unwrap();
            assert_eq!(o.status.code(), Some(1), "{}", text(&o));
            assert!(text(&o).contains("already holds 1 customer"), "{}", text(&o));
            assert!(text(&o).contains("never deletes"), "{}", text(&o));
            assert!(snapshot(&real) == before, "the store was touched");
        }
    }
    let o = run(home.path(), &["--db", &url(&real), "customers", "list", "--format", "csv"]);
    assert!(String::from_utf8_lossy(&o.stdout).contains("ACME,Acme Ltd"), "{}", text(&o));

    // a file that is not a store, whatever it holds, is left as it is
    let notes = home.path().join("notes.txt");
    std::fs::write(&notes, "meeting notes\n").unwrap();
    let o = run(home.path(), &["--db", &url(&notes), "demo"]);
    assert_eq!(o.status.code(), Some(6), "{}", text(&o));
    assert!(text(&o).contains("not a billops store"), "{}", text(&o));
    assert_eq!(std::fs::read_to_string(&notes).unwrap(), "meeting notes\n");
    assert!(!home.path().join("notes.txt-wal").exists());

    // another program's SQLite database is not migrated into a billops store
    let other = home.path().join("other.sqlite");
    let o = Command::new("sqlite3").arg(&other).arg("CREATE TABLE t(x); INSERT INTO t VALUES (1);").output();
    if o.is_ok_and(|o| o.status.success()) {
        let before = snapshot(&other);
        for args in [&["demo"][..], &["costs", "--period", "2026-09"][..], &["init"][..]] {
            let o = run(home.path(), &[&["--db", &url(&other)][..], args].concat());
            assert_eq!(o.status.code(), Some(6), "{args:?}: {}", text(&o));
            assert!(text(&o).contains("another program"), "{}", text(&o));
        }
        assert!(snapshot(&other) == before, "another program's database was touched");
    }

    // an empty store (one `init` made) is filled
    let empty = home.path().join("empty.db");
    assert!(run(home.path(), &["--db", &url(&empty), "init"]).status.success());
    let o = run(home.path(), &["--db", &url(&empty), "demo"]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(!home.path().join("data").exists(), "the data dir was written: {:?}", home.path().join("data"));
}

#[test]
fn resetting_the_own_demo_says_what_it_deletes() {
    let home = tempfile::tempdir().unwrap();
    let o = run(home.path(), &["demo"]);
    assert!(o.status.success(), "{}", text(&o));
    let demo = home.path().join("data").join("demo.db");
    assert!(demo.exists());
    let o = run(home.path(), &["demo"]);
    assert!(o.status.success(), "{}", text(&o));
    let said = String::from_utf8_lossy(&o.stderr);
    assert!(said.contains(&format!("resetting the demo store: deleting {}", demo.display())), "{said}");
}

/// Two `billops demo` runs at once on different paths both succeed, each keeps its book beside its store, and
/// nothing is written under the data dir.
#[test]
fn two_demos_at_once_on_different_paths_both_succeed() {
    let home = tempfile::tempdir().unwrap();
    let a = home.path().join("a").join("one.db");
    let b = home.path().join("b").join("two.db");
    let children: Vec<_> = [&a, &b]
        .iter()
        .map(|db| {
            billops(home.path(), &["--db", &url(db), "demo"]).stdout(std::process::Stdio::piped()).spawn().unwrap()
        })
        .collect();
    for c in children {
        let o = c.wait_with_output().unwrap();
        assert!(o.status.success(), "{}", text(&o));
    }
    for db in [&a, &b] {
        let o =
            run(home.path(), &["--db", &url(db), "costs", "--period", "2026-09", "--by", "period", "--format", "csv"]);
        assert_eq!(
            String::from_utf8_lossy(&o.stdout),
            "period,cost,currency\n2026-09,1036567.024663218468618,USD\n",
            "{}",
            text(&o)
        );
    }
    assert!(a.with_file_name("one-book").join("customers.csv").exists());
    assert!(b.with_file_name("two-book").join("customers.csv").exists());
    assert!(!home.path().join("data").exists(), "nothing is written under the data dir with --db");
}

#[test]
fn a_mistyped_path_is_an_error_and_creates_nothing() {
    let home = tempfile::tempdir().unwrap();
    let typo = home.path().join("typo").join("stroe.db");
    for args in
        [&["costs", "--period", "2026-09"][..], &["customers", "add", "A", "A"][..], &["import", "x.csv"][..], &[][..]]
    {
        let o = run(home.path(), &[&["--db", &url(&typo)][..], args].concat());
        assert_eq!(o.status.code(), Some(6), "{args:?}: {}", text(&o));
        assert!(text(&o).contains(&format!("no billops store at {}", typo.display())), "{}", text(&o));
        assert!(text(&o).contains("init"), "{}", text(&o));
        assert!(!typo.parent().unwrap().exists(), "{args:?} created {}", typo.display());
    }
    // an empty file is not a store either
    let empty = home.path().join("empty.db");
    std::fs::write(&empty, "").unwrap();
    let o = run(home.path(), &["--db", &url(&empty), "costs", "--period", "2026-09"]);
    assert_eq!(o.status.code(), Some(6), "{}", text(&o));
    assert!(!home.path().join("data").exists());
}

#[cfg(unix)]
#[test]
fn stores_and_logs_are_private() {
    let home = tempfile::tempdir().unwrap();
    // the default store: created on first use, in a 0700 data dir, with its log
    let o = run(home.path(), &["customers", "add", "ACME", "Acme Ltd"]);
    assert!(o.status.success(), "{}", text(&o));
    let data = home.path().join("data");
    assert_eq!(mode(&data), 0o700);
    for f in ["billops.db", "billops.db-wal", "billops.db-shm", "billops.log"] {
        let p = data.join(f);
        if p.exists() || f == "billops.db" || f == "billops.log" {
            assert_eq!(mode(&p), 0o600, "{f}");
        }
    }
    // `init` at a new path: folders 0700, the store 0600; a second `init` leaves it as it is
    let db = home.path().join("new").join("deep").join("s.db");
    let o = run(home.path(), &["--db", &url(&db), "init"]);
    assert!(o.status.success() && text(&o).contains("created store"), "{}", text(&o));
    assert_eq!((mode(db.parent().unwrap()), mode(&db)), (0o700, 0o600));
    let o = run(home.path(), &["--db", &url(&db), "init"]);
    assert!(o.status.success() && text(&o).contains("already exists"), "{}", text(&o));
}

/// `--demo --db X` builds the demo at X when X is new, and says it ignores `--demo` when X holds a store.
#[test]
fn demo_flag_with_db_builds_there_or_says_it_ignores_it() {
    let home = tempfile::tempdir().unwrap();
    let x = home.path().join("x.db");
    let costs = ["--demo", "--db", &url(&x), "costs", "--period", "2026-09", "--by", "period", "--format", "csv"];
    let o = run(home.path(), &costs);
    assert!(o.status.success(), "{}", text(&o));
    assert_eq!(String::from_utf8_lossy(&o.stdout), "period,cost,currency\n2026-09,1036567.024663218468618,USD\n");
    let o = run(home.path(), &costs);
    assert!(o.status.success(), "{}", text(&o));
    assert!(String::from_utf8_lossy(&o.stderr).contains("--demo ignored"), "{}", text(&o));
    assert_eq!(String::from_utf8_lossy(&o.stdout), "period,cost,currency\n2026-09,1036567.024663218468618,USD\n");
    assert!(!home.path().join("data").exists());
}

#[test]
fn paths_masks_every_password_form() {
    let home = tempfile::tempdir().unwrap();
    for db in [
        "postgres://bob:s3cret@db:5432/billing",
        "postgres://bob@db/billing?password=s3cret",
        "postgres://db/billing?sslmode=require&password=s3cret",
        "postgres://bob:s3/cret@db/billing",
    ] {
        let o = run(home.path(), &["--db", db, "paths"]);
        assert!(o.status.success(), "{}", text(&o));
        assert!(!text(&o).contains("s3cret") && !text(&o).contains("cret@"), "{db}: {}", text(&o));
        assert!(text(&o).contains("***"), "{}", text(&o));
    }
    let o = run(home.path(), &["--db", "postgres://bob@127.0.0.1:1/x?application_name=a:b@c", "paths"]);
    assert!(text(&o).contains("store:       postgres://bob@127.0.0.1:1/x?application_name=a:b@c"), "{}", text(&o));
}

/// Refused at once; a server that accepts the connection but never answers: `connect_timeout` (config.toml).
/// Every command and the console (no subcommand) end with exit 5 and one line naming host and port.
#[test]
fn an_unreachable_store_fails_fast_with_host_port_and_exit_5() {
    let home = tempfile::tempdir().unwrap();
    let refused = "postgres://bob:s3cret@127.0.0.1:1/billing";
    for args in [&["costs", "--period", "2026-05"][..], &["import", "x.csv"][..], &[][..]] {
        let t0 = Instant::now();
        let o = run(home.path(), &[&["--db", refused][..], args].concat());
        assert_eq!(o.status.code(), Some(5), "{args:?}: {}", text(&o));
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.contains("127.0.0.1:1") && err.contains("check that the server is running"), "{err}");
        assert!(!err.contains("s3cret") && err.lines().count() == 1, "{err}");
        assert!(t0.elapsed() < Duration::from_secs(10), "{:?}", t0.elapsed());
    }
    // a listener that never speaks PostgreSQL: the wait is the configured connect timeout
    let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = silent.local_addr().unwrap().port();
    std::fs::create_dir_all(home.path().join("config")).unwrap();
    std::fs::write(home.path().join("config").join("config.toml"), "[store]\nconnect_timeout = 1\n").unwrap();
    let t0 = Instant::now();
    let o = run(home.path(), &["--db", &format!("postgres://bob@127.0.0.1:{port}/x"), "costs", "--period", "2026-05"]);
    let took = t0.elapsed();
    assert_eq!(o.status.code(), Some(5), "{}", text(&o));
    assert!(
        text(&o).contains(&format!("127.0.0.1:{port}")) && text(&o).contains("no answer within 1 s"),
        "{}",
        text(&o)
    );
    assert!(took >= Duration::from_millis(900) && took < Duration::from_secs(8), "{took:?}");
    drop(silent);
}

/// A read-only store in a read-only folder opens with `--read-only` (run as an unprivileged user when the
/// tests run as root, who may write anywhere).
#[cfg(unix)]
#[test]
fn a_read_only_store_in_a_read_only_folder_opens_with_read_only() {
    use std::os::unix::fs::PermissionsExt;
    let home = tempfile::tempdir().unwrap();
    std::fs::set_permissions(home.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let dir = home.path().join("ro");
    let db = dir.join("book.db");
    assert!(run(home.path(), &["--db", &url(&db), "demo"]).status.success());
    std::fs::remove_dir_all(dir.join("book-book")).unwrap();
    assert!(!PathBuf::from(format!("{}-wal", db.display())).exists(), "the store closes its WAL");
    std::fs::set_permissions(&db, std::fs::Permissions::from_mode(0o444)).unwrap();
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o555)).unwrap();
    let is_root = Command::new("id").arg("-u").output().is_ok_and(|o| o.stdout.starts_with(b"0\n"));
    let as_nobody = |args: &[&str]| {
        let mut c = if is_root {
            let mut c = Command::new("setpriv");
            c.args(["--reuid=65534", "--regid=65534", "--clear-groups", env!("CARGO_BIN_EXE_billops")]);
            c
        } else {
            Command::new(env!("CARGO_BIN_EXE_billops"))
        };
        c.env("BILLOPS_DATA_DIR", "/nonexistent/billops-data")
            .env("BILLOPS_CONFIG_DIR", "/nonexistent/billops-config")
            .env("BILLOPS_USER", "tester")
            .env_remove("BILLOPS_DATABASE_URL")
            .args(args)
            .output()
    };
    let args = ["--read-only", "--db", &url(&db), "costs", "--period", "2026-09", "--by", "period", "--format", "csv"];
    match as_nobody(&args) {
        Ok(o) if is_root && o.status.code().is_none() => eprintln!("SKIPPED: setpriv could not run billops"),
        Ok(o) => {
            assert!(o.status.success(), "{}", text(&o));
            assert_eq!(
                String::from_utf8_lossy(&o.stdout),
                "period,cost,currency\n2026-09,1036567.024663218468618,USD\n"
            );
            assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 1, "nothing was created beside the store");
        }
        Err(e) => eprintln!("SKIPPED: {e}"),
    }
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).unwrap();
}

/// The password can stay off the command line: PGPASSWORD (or ~/.pgpass, or a URL in a 0600 config.toml).
/// Shown against a database that does not exist, so that nothing is written: PostgreSQL checks the password
/// before it looks for the database. Needs BILLOPS_TEST_PG_URL with a password; skipped otherwise.
#[test]
fn pgpassword_gives_the_password_without_the_command_line() {
    let Some(full) = std::env::var("BILLOPS_TEST_PG_URL").ok().filter(|u| !u.is_empty()) else {
        eprintln!("SKIPPED (PostgreSQL): BILLOPS_TEST_PG_URL not set");
        return;
    };
    let (Some(s), Some(at)) = (full.find("://"), full.rfind('@')) else { return };
    let Some((user, password)) = full[s + 3..at].split_once(':') else { return };
    let host_and_db = &full[at..];
    let base = host_and_db.rsplit_once('/').map_or(host_and_db, |(h, _)| h);
    let url = format!("{}{user}{base}/billops_no_such_database_here", &full[..s + 3]);
    let home = tempfile::tempdir().unwrap();
    let with = |pw: &str| {
        billops(home.path(), &["--db", &url, "costs", "--period", "2026-05"]).env("PGPASSWORD", pw).output().unwrap()
    };
    let o = with(password);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(text(&o).contains("does not exist"), "authenticated, then no such database: {}", text(&o));
    let o = with("wrong-password");
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(text(&o).contains("password authentication failed"), "{}", text(&o));
    assert!(!text(&o).contains(password), "{}", text(&o));
}

/// A config file holding a password: refused while group or others can read it; at 0600 it is used, and the
/// password appears neither in the error nor in the log.
#[cfg(unix)]
#[test]
fn a_password_in_config_needs_a_private_file_and_is_never_shown() {
    use std::os::unix::fs::PermissionsExt;
    let home = tempfile::tempdir().unwrap();
    let config = home.path().join("config");
    std::fs::create_dir_all(&config).unwrap();
    let file = config.join("config.toml");
    std::fs::write(&file, "[store]\nurl = \"postgres://bob:s3cret@127.0.0.1:1/billing\"\n").unwrap();
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
    let o = run(home.path(), &["costs", "--period", "2026-05"]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(text(&o).contains("chmod 600") && !text(&o).contains("s3cret"), "{}", text(&o));
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600)).unwrap();
    let o = run(home.path(), &["costs", "--period", "2026-05"]);
    assert_eq!(o.status.code(), Some(5), "{}", text(&o));
    assert!(!text(&o).contains("s3cret"), "{}", text(&o));
    let log = home.path().join("data").join("billops.log");
    let logged = std::fs::read_to_string(&log).unwrap();
    assert!(logged.contains("127.0.0.1:1") && logged.contains("bob:***@"), "{logged}");
    assert!(!logged.contains("s3cret"), "{logged}");
    assert_eq!(mode(&log), 0o600);
    let o = run(home.path(), &["paths"]);
    assert!(
        text(&o).contains("postgres://bob:***@127.0.0.1:1/billing") && !text(&o).contains("s3cret"),
        "{}",
        text(&o)
    );
}

/// The demo on a named PostgreSQL database: filled when empty, its book in a temporary folder that is removed,
/// nothing under the data dir; a second run refuses (the database holds the demo now) and changes nothing.
#[test]
fn the_demo_on_postgres_fills_an_empty_database_and_keeps_no_files() {
    let Some(admin) = std::env::var("BILLOPS_TEST_PG_URL").ok().filter(|u| !u.is_empty()) else {
        eprintln!("SKIPPED (PostgreSQL): BILLOPS_TEST_PG_URL not set");
        return;
    };
    let db = format!("billops_t_demo_paths_{}", std::process::id());
    let psql = |sql: &str| Command::new("psql").arg(&admin).args(["-X", "-qtAc", sql]).output();
    match psql(&format!("CREATE DATABASE \"{db}\"")) {
        Ok(o) if o.status.success() => {}
        other => {
            eprintln!("SKIPPED (PostgreSQL): cannot create a database with psql: {other:?}");
            return;
        }
    }
    let url = match admin.rsplit_once('/') {
        Some((server, _)) => format!("{server}/{db}"),
        None => admin.clone(),
    };
    let home = tempfile::tempdir().unwrap();
    let tmp = home.path().join("tmp");
    std::fs::create_dir_all(&tmp).unwrap();
    let demo = || billops(home.path(), &["--db", &url, "demo"]).env("TMPDIR", &tmp).output().unwrap();
    let first = demo();
    let costs = run(home.path(), &["--db", &url, "costs", "--period", "2026-09", "--by", "period", "--format", "csv"]);
    let second = demo();
    let _ = psql(&format!("DROP DATABASE IF EXISTS \"{db}\" WITH (FORCE)"));
    assert!(first.status.success(), "{}", text(&first));
    assert_eq!(
        String::from_utf8_lossy(&costs.stdout),
        "period,cost,currency\n2026-09,1036567.024663218468618,USD\n",
        "{}",
        text(&costs)
    );
    assert_eq!(std::fs::read_dir(&tmp).unwrap().count(), 0, "the temporary book folder was removed");
    assert!(!home.path().join("data").exists());
    assert_eq!(second.status.code(), Some(1), "{}", text(&second));
    assert!(text(&second).contains("already holds") && !text(&second).contains(":billops@"), "{}", text(&second));
}

/// A store billops makes has 16 KiB pages (an import writes a quarter of the WAL frames it would with 4 KiB, and
/// its mapped WAL index is that much smaller: docs/PERFORMANCE.md, session 14); a store made with other pages keeps
/// them, as SQLite cannot change a WAL database's page size.
#[test]
fn a_new_store_has_16_kib_pages_and_an_older_store_keeps_its_own() {
    let page_size = |p: &Path| {
        let head = std::fs::read(p).unwrap();
        u16::from_be_bytes([head[16], head[17]])
    };
    let home = tempfile::tempdir().unwrap();
    let new = home.path().join("new.db");
    assert!(run(home.path(), &["--db", &url(&new), "init"]).status.success());
    assert_eq!(page_size(&new), 16384);

    // an empty WAL database with 4 KiB pages, as an older billops made it
    let old = home.path().join("old.db");
    tokio::runtime::Runtime::new().unwrap().block_on(async {
        use sqlx::{ConnectOptions as _, Connection as _};
        let mut c = sqlx::sqlite::SqliteConnectOptions::new()
            .filename(&old)
            .create_if_missing(true)
            .page_size(4096)
            .journal_mode(sqlx::sqlite::SqliteJournalMode::Wal)
            .connect()
            .await
            .unwrap();
        sqlx::query("CREATE TABLE t (x)").execute(&mut c).await.unwrap();
        sqlx::query("DROP TABLE t").execute(&mut c).await.unwrap();
        c.close().await.unwrap();
    });
    assert_eq!(page_size(&old), 4096);
    for args in [&["init"][..], &["customers", "add", "ACME", "Acme Ltd"][..]] {
        let o = run(home.path(), &[&["--db", &url(&old)][..], args].concat());
        assert!(o.status.success(), "{args:?}: {}", text(&o));
    }
    let o = run(home.path(), &["--db", &url(&old), "customers", "list", "--format", "csv"]);
    assert!(String::from_utf8_lossy(&o.stdout).contains("ACME,Acme Ltd"), "{}", text(&o));
    assert_eq!(page_size(&old), 4096);
}
