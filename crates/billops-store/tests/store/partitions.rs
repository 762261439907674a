//! PostgreSQL partitions line items and their rollups by billing period (migration 0020): a period's first
//! import makes its partitions (an operator's import too: the owner's function does it), a period's reads prune
//! to its partition, and a signed-off period's partitions refuse writes from any login, psql included.
use sqlx::{Connection as _, PgConnection, Row as _};

use crate::access::{Logins, run_with_logins};
use crate::support::{d, import, item, meta};

/// A connection as `login` (the owner by the store's own URL: it has no test password).
async fn sql(l: &Logins, login: &str) -> PgConnection {
    if login == l.owner { PgConnection::connect(&l.owner_url).await.unwrap() } else { l.sql(login).await }
}

async fn children(l: &Logins, parent: &str) -> Vec<String> {
    let mut sql = sql(l, &l.owner).await;
    sqlx::query(
        "SELECT c.relname::text FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid \
                 WHERE i.inhparent = $1::regclass ORDER BY 1",
    )
    .bind(parent)
    .fetch_all(&mut sql)
    .await
    .unwrap()
    .iter()
    .map(|r| r.get::<String, _>(0))
    .collect()
}

async fn plan(l: &Logins, query: &str) -> String {
    let mut sql = sql(l, &l.owner).await;
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!("EXPLAIN {query}"))).fetch_all(&mut sql).await.unwrap();
    rows.iter().map(|r| r.get::<String, _>(0)).collect::<Vec<_>>().join("\n")
}

async fn write(l: &Logins, login: &str, statement: &str) -> Result<u64, String> {
    let mut sql = sql(l, login).await;
    sqlx::query(sqlx::AssertSqlSafe(statement.to_string()))
        .execute(&mut sql)
        .await
        .map(|r| r.rows_affected())
        .map_err(|e| e.to_string())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_partitions_cost_data_by_period_and_freezes_a_signed_off_one() {
    run_with_logins("partitions_by_period", |l| async move {
        // An operator imports two months in one file: each gets its partitions on the way.
        let op = l.store(&l.operator).await;
        let rows = vec![
            item("2026-08", "P1", "A1", "2026-08-03", "EC2", "10.25"),
            item("2026-08", "P1", "A1", "2026-08-04", "S3", "1.75"),
            item("2026-09", "P1", "A1", "2026-09-02", "EC2", "7.50"),
        ];
        import(&op, &meta("two-months.csv", "r1", &l.operator), "h-two-months", rows).await;
        op.close().await;
        for parent in ["line_items", "cost_rollups", "resource_rollups", "rating_rollups"] {
            assert_eq!(
                children(&l, parent).await,
                vec![format!("{parent}_p2026_08"), format!("{parent}_p2026_09")],
                "{parent}: one partition per period"
            );
        }
        let mut sql = sql(&l, &l.owner).await;
        let n: i64 = sqlx::query("SELECT count(*) FROM line_items_p2026_08").fetch_one(&mut sql).await.unwrap().get(0);
        assert_eq!(n, 2, "August's rows sit in August's partition");
        let sum: rust_decimal::Decimal = sqlx::query("SELECT sum(billed) FROM cost_rollups WHERE period = '2026-08'")
            .fetch_one(&mut sql)
            .await
            .unwrap()
            .get(0);
        assert_eq!(sum, d("12.00"), "exact sums read through the parent");
        // A period's read touches its partition only.
        let p = plan(&l, "SELECT sum(billed) FROM line_items WHERE period = '2026-09'").await;
        assert!(p.contains("line_items_p2026_09") && !p.contains("line_items_p2026_08"), "pruned:\n{p}");

        // A viewer cannot make partitions through the owner's function.
        let e = write(&l, &l.viewer, "SELECT billops_period_partitions('2027-01')").await.unwrap_err();
        assert!(e.contains("may not import"), "{e}");
        assert_eq!(children(&l, "line_items").await.len(), 2);

        // Signed off (the lock row, as `close sign-off` writes it): August's partitions refuse every write, from
        // the operator and from the owner alike; September's do not.
        write(&l, &l.manager, "INSERT INTO period_locks (period, locked_by, locked_at) VALUES ('2026-08', 'm', now())")
            .await
            .unwrap();
        for login in [&l.operator, &l.owner] {
            for statement in [
                "UPDATE line_items SET billed = billed + 1 WHERE period = '2026-08'",
                "DELETE FROM cost_rollups WHERE period = '2026-08'",
                "UPDATE rating_rollups SET billed = 0 WHERE period = '2026-08'",
            ] {
                let e = write(&l, login, statement).await.unwrap_err();
                assert!(e.contains("2026-08 is signed off"), "{login}: {statement}: {e}");
            }
        }
        assert_eq!(
            write(&l, &l.operator, "UPDATE line_items SET billed = billed WHERE period = '2026-09'").await,
            Ok(1)
        );
        // Re-opened, it takes writes again.
        write(&l, &l.manager, "DELETE FROM period_locks WHERE period = '2026-08'").await.unwrap();
        assert_eq!(
            write(&l, &l.operator, "UPDATE line_items SET billed = billed WHERE period = '2026-08'").await,
            Ok(2)
        );
    })
    .await;
}
