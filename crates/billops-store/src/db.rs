//! A thin backend-neutral layer over sqlx: one code path for the store's logic, two backends underneath.
//!
//! Most of the store's SQL is the same text on SQLite and PostgreSQL (`$1` placeholders work on both), so
//! the logic is written once against [`Db`] / [`Tx`] / [`Row`] with typed [`Arg`]s, and only what truly
//! differs (bulk loading, money columns) branches on the backend. This is not `sqlx::Any`: values keep
//! their real types (dates, timestamps, decimals) and each backend binds them natively.
//!
//! Money in SQL (documented decision):
//! - PostgreSQL: one `NUMERIC` column per amount, summed with `sum()`; bound as `rust_decimal::Decimal`.
//! - SQLite: four `INTEGER` columns per amount (`x_int, x_e9, x_e18, x_e28`, see
//!   [`billops_domain::SplitDecimal`]), so `sum()` stays exact integer arithmetic (SQLite raises on
//!   overflow rather than going to floating point); reassembled with `SplitDecimal::to_decimal`.
use billops_domain::SplitDecimal;
use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use sqlx::postgres::{PgArguments, PgRow};
use sqlx::query::Query;
use sqlx::sqlite::{SqliteArguments, SqliteRow};
use sqlx::{AssertSqlSafe, Decode, Postgres, Row as _, Sqlite, Transaction, Type};

use crate::{Backend, Result, StoreError};

/// A typed bind value. Every variant carries an `Option` so a NULL keeps its SQL type (PostgreSQL
/// needs it).
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Arg {
    Int(Option<i64>),
    Text(Option<String>),
    Bool(bool),
    Date(Option<NaiveDate>),
    Ts(Option<DateTime<Utc>>),
    /// PostgreSQL only (SQLite amounts are bound as their four integer parts, see [`money_args`]).
    Dec(Option<Decimal>),
}

impl From<i64> for Arg {
    fn from(v: i64) -> Self {
        Arg::Int(Some(v))
    }
}
impl From<Option<i64>> for Arg {
    fn from(v: Option<i64>) -> Self {
        Arg::Int(v)
    }
}
impl From<&str> for Arg {
    fn from(v: &str) -> Self {
        Arg::Text(Some(v.to_string()))
    }
}
impl From<String> for Arg {
    fn from(v: String) -> Self {
        Arg::Text(Some(v))
    }
}
impl From<&String> for Arg {
    fn from(v: &String) -> Self {
        Arg::Text(Some(v.clone()))
    }
}
impl From<Option<String>> for Arg {
    fn from(v: Option<String>) -> Self {
        Arg::Text(v)
    }
}
impl From<Option<&str>> for Arg {
    fn from(v: Option<&str>) -> Self {
        Arg::Text(v.map(str::to_string))
    }
}
impl From<bool> for Arg {
    fn from(v: bool) -> Self {
        Arg::Bool(v)
    }
}
impl From<NaiveDate> for Arg {
    fn from(v: NaiveDate) -> Self {
        Arg::Date(Some(v))
    }
}
impl From<Option<NaiveDate>> for Arg {
    fn from(v: Option<NaiveDate>) -> Self {
        Arg::Date(v)
    }
}
impl From<DateTime<Utc>> for Arg {
    fn from(v: DateTime<Utc>) -> Self {
        Arg::Ts(Some(v))
    }
}
impl From<Option<DateTime<Utc>>> for Arg {
    fn from(v: Option<DateTime<Utc>>) -> Self {
        Arg::Ts(v)
    }
}

/// Build an argument list: `args![a, b, c]`.
macro_rules! args {
    ($($e:expr),* $(,)?) => { vec![$($crate::db::Arg::from($e)),*] };
}
pub(crate) use args;

fn bind_sqlite(
    mut q: Query<'static, Sqlite, SqliteArguments>,
    args: Vec<Arg>,
) -> Result<Query<'static, Sqlite, SqliteArguments>> {
    for a in args {
        q = match a {
            Arg::Int(v) => q.bind(v),
            Arg::Text(v) => q.bind(v),
            Arg::Bool(v) => q.bind(v),
            Arg::Date(v) => q.bind(v),
            Arg::Ts(v) => q.bind(v),
            Arg::Dec(_) => return Err(StoreError::Invalid("decimal bound on SQLite (use money_args)".into())),
        };
    }
    Ok(q)
}

fn bind_pg(mut q: Query<'static, Postgres, PgArguments>, args: Vec<Arg>) -> Query<'static, Postgres, PgArguments> {
    for a in args {
        q = match a {
            Arg::Int(v) => q.bind(v),
            Arg::Text(v) => q.bind(v),
            Arg::Bool(v) => q.bind(v),
            Arg::Date(v) => q.bind(v),
            Arg::Ts(v) => q.bind(v),
            Arg::Dec(v) => q.bind(v),
        };
    }
    q
}

/// SQL text built by the store itself: fixed statements, or statements assembled from fixed column names and
/// numbered placeholders, never from values.
fn sql(text: &str) -> AssertSqlSafe<String> {
    AssertSqlSafe(text.to_string())
}

/// A result row from either backend, read by column index with the Rust type the caller expects.
pub(crate) enum Row {
    Sqlite(SqliteRow),
    Pg(PgRow),
}

impl Row {
    pub(crate) fn get<T>(&self, i: usize) -> Result<T>
    where
        T: for<'r> Decode<'r, Sqlite> + Type<Sqlite> + for<'r> Decode<'r, Postgres> + Type<Postgres>,
    {
        Ok(match self {
            Row::Sqlite(r) => r.try_get(i)?,
            Row::Pg(r) => r.try_get(i)?,
        })
    }

    /// An amount starting at column `i` (4 integer columns on SQLite, one NUMERIC on PostgreSQL; NULL sums
    /// read as zero). Returns the amount and the index of the next column.
    pub(crate) fn money(&self, i: usize) -> Result<(Decimal, usize)> {
        match self {
            Row::Sqlite(r) => {
                let part = |k: usize| -> Result<i64> { Ok(r.try_get::<Option<i64>, _>(i + k)?.unwrap_or(0)) };
                let s = SplitDecimal { int: part(0)?, e9: part(1)?, e18: part(2)?, e28: part(3)? };
                let d = s.to_decimal().ok_or_else(|| StoreError::Invalid("amount out of range".into()))?;
                Ok((d, i + 4))
            }
            Row::Pg(r) => {
                let d: Option<Decimal> = r.try_get(i)?;
                Ok((d.unwrap_or(Decimal::ZERO).normalize(), i + 1))
            }
        }
    }
}

/// The connection pool of either backend.
#[derive(Clone)]
pub(crate) enum Db {
    Sqlite(sqlx::SqlitePool),
    Pg(sqlx::PgPool),
}

/// A query on one SQLite connection outside the pool (the import's own reader, `import/pipe.rs`).
pub(crate) async fn sqlite_all(conn: &mut sqlx::SqliteConnection, q: &str, args: Vec<Arg>) -> Result<Vec<Row>> {
    Ok(bind_sqlite(sqlx::query(sql(q)), args)?.fetch_all(conn).await?.into_iter().map(Row::Sqlite).collect())
}

impl Db {
    pub(crate) fn backend(&self) -> Backend {
        match self {
            Db::Sqlite(_) => Backend::Sqlite,
            Db::Pg(_) => Backend::Postgres,
        }
    }

    /// A write transaction (SQLite: `BEGIN IMMEDIATE`, so two writers queue instead of failing on upgrade).
    pub(crate) async fn begin(&self) -> Result<Tx> {
        Ok(match self {
            Db::Sqlite(p) => Tx::Sqlite(p.begin_with("BEGIN IMMEDIATE").await?),
            Db::Pg(p) => Tx::Pg(p.begin().await?),
        })
    }

    pub(crate) async fn all(&self, q: &str, args: Vec<Arg>) -> Result<Vec<Row>> {
        Ok(match self {
            Db::Sqlite(p) => {
                bind_sqlite(sqlx::query(sql(q)), args)?.fetch_all(p).await?.into_iter().map(Row::Sqlite).collect()
            }
            Db::Pg(p) => bind_pg(sqlx::query(sql(q)), args).fetch_all(p).await?.into_iter().map(Row::Pg).collect(),
        })
    }

    pub(crate) async fn exec(&self, q: &str, args: Vec<Arg>) -> Result<u64> {
        Ok(match self {
            Db::Sqlite(p) => bind_sqlite(sqlx::query(sql(q)), args)?.execute(p).await?.rows_affected(),
            Db::Pg(p) => bind_pg(sqlx::query(sql(q)), args).execute(p).await?.rows_affected(),
        })
    }

    pub(crate) async fn opt(&self, q: &str, args: Vec<Arg>) -> Result<Option<Row>> {
        Ok(match self {
            Db::Sqlite(p) => bind_sqlite(sqlx::query(sql(q)), args)?.fetch_optional(p).await?.map(Row::Sqlite),
            Db::Pg(p) => bind_pg(sqlx::query(sql(q)), args).fetch_optional(p).await?.map(Row::Pg),
        })
    }
}

/// An open transaction of either backend. Dropped without [`Tx::commit`], it rolls back.
pub(crate) enum Tx {
    Sqlite(Transaction<'static, Sqlite>),
    Pg(Transaction<'static, Postgres>),
}

impl Tx {
    pub(crate) fn backend(&self) -> Backend {
        match self {
            Tx::Sqlite(_) => Backend::Sqlite,
            Tx::Pg(_) => Backend::Postgres,
        }
    }

    pub(crate) async fn exec(&mut self, q: &str, args: Vec<Arg>) -> Result<u64> {
        Ok(match self {
            Tx::Sqlite(t) => bind_sqlite(sqlx::query(sql(q)), args)?.execute(&mut **t).await?.rows_affected(),
            Tx::Pg(t) => bind_pg(sqlx::query(sql(q)), args).execute(&mut **t).await?.rows_affected(),
        })
    }

    /// [`Tx::exec`] without keeping the prepared statement in the connection's cache: for statements whose text
    /// varies (a multi-row INSERT of as many rows as there are), each of which would otherwise stay prepared.
    pub(crate) async fn exec_once(&mut self, q: &str, args: Vec<Arg>) -> Result<u64> {
        Ok(match self {
            Tx::Sqlite(t) => {
                bind_sqlite(sqlx::query(sql(q)), args)?.persistent(false).execute(&mut **t).await?.rows_affected()
            }
            Tx::Pg(t) => bind_pg(sqlx::query(sql(q)), args).persistent(false).execute(&mut **t).await?.rows_affected(),
        })
    }

    pub(crate) async fn all(&mut self, q: &str, args: Vec<Arg>) -> Result<Vec<Row>> {
        Ok(match self {
            Tx::Sqlite(t) => bind_sqlite(sqlx::query(sql(q)), args)?
                .fetch_all(&mut **t)
                .await?
                .into_iter()
                .map(Row::Sqlite)
                .collect(),
            Tx::Pg(t) => {
                bind_pg(sqlx::query(sql(q)), args).fetch_all(&mut **t).await?.into_iter().map(Row::Pg).collect()
            }
        })
    }

    pub(crate) async fn opt(&mut self, q: &str, args: Vec<Arg>) -> Result<Option<Row>> {
        Ok(match self {
            Tx::Sqlite(t) => bind_sqlite(sqlx::query(sql(q)), args)?.fetch_optional(&mut **t).await?.map(Row::Sqlite),
            Tx::Pg(t) => bind_pg(sqlx::query(sql(q)), args).fetch_optional(&mut **t).await?.map(Row::Pg),
        })
    }

    pub(crate) async fn one(&mut self, q: &str, args: Vec<Arg>) -> Result<Row> {
        self.opt(q, args).await?.ok_or_else(|| StoreError::NotFound("row".into()))
    }

    pub(crate) async fn rollback(self) -> Result<()> {
        match self {
            Tx::Sqlite(t) => t.rollback().await?,
            Tx::Pg(t) => t.rollback().await?,
        }
        Ok(())
    }

    pub(crate) async fn commit(self) -> Result<()> {
        match self {
            Tx::Sqlite(t) => t.commit().await?,
            Tx::Pg(t) => t.commit().await?,
        }
        Ok(())
    }
}

/// The columns of amount `name` (`billed` → `billed_int, billed_e9, billed_e18, billed_e28` on SQLite).
pub(crate) fn money_cols(backend: Backend, name: &str) -> String {
    match backend {
        Backend::Sqlite => format!("{name}_int, {name}_e9, {name}_e18, {name}_e28"),
        Backend::Postgres => name.to_string(),
    }
}

/// `sum()` of amount `name`, prefixed by a table alias (`r.`) or not; read back with [`Row::money`].
pub(crate) fn money_sum(backend: Backend, prefix: &str, name: &str) -> String {
    match backend {
        Backend::Sqlite => {
            format!("sum({prefix}{name}_int), sum({prefix}{name}_e9), sum({prefix}{name}_e18), sum({prefix}{name}_e28)")
        }
        Backend::Postgres => format!("sum({prefix}{name})"),
    }
}

/// How many bind values one amount takes.
pub(crate) fn money_arity(backend: Backend) -> usize {
    match backend {
        Backend::Sqlite => 4,
        Backend::Postgres => 1,
    }
}

/// Bind values of one amount.
pub(crate) fn money_args(backend: Backend, d: Decimal) -> Result<Vec<Arg>> {
    match backend {
        Backend::Sqlite => {
            let s = split(d)?;
            Ok(vec![s.int.into(), s.e9.into(), s.e18.into(), s.e28.into()])
        }
        Backend::Postgres => Ok(vec![Arg::Dec(Some(d))]),
    }
}

/// [`SplitDecimal::from_decimal`], with a 64-bit fast path for the common case (at most 18 decimal places and a
/// mantissa within i64): the import splits three amounts per row.
pub(crate) fn split(d: Decimal) -> Result<SplitDecimal> {
    const POW: [i64; 19] = [
        1,
        10,
        100,
        1_000,
        10_000,
        100_000,
        1_000_000,
        10_000_000,
        100_000_000,
        1_000_000_000,
        10_000_000_000,
        100_000_000_000,
        1_000_000_000_000,
        10_000_000_000_000,
        100_000_000_000_000,
        1_000_000_000_000_000,
        10_000_000_000_000_000,
        100_000_000_000_000_000,
        1_000_000_000_000_000_000,
    ];
    let scale = d.scale() as usize;
    if let (Ok(m), Some(&p)) = (i64::try_from(d.mantissa()), POW.get(scale)) {
        let (int, frac) = (m / p, m % p);
        let (e9, e18) = if scale <= 9 {
            (frac * POW[9 - scale], 0)
        } else {
            let q = POW[scale - 9];
            (frac / q, (frac % q) * POW[18 - scale])
        };
        return Ok(SplitDecimal { int, e9, e18, e28: 0 });
    }
    SplitDecimal::from_decimal(d).ok_or_else(|| StoreError::Invalid(format!("amount {d} out of range")))
}

/// `$start, $start+1, …` (`n` placeholders), comma separated.
pub(crate) fn placeholders(start: usize, n: usize) -> String {
    let mut s = String::with_capacity(n * 5);
    for k in 0..n {
        if k > 0 {
            s.push_str(", ");
        }
        s.push('$');
        s.push_str(&(start + k).to_string());
    }
    s
}

/// SQLite's default limit of bound parameters per statement (PostgreSQL allows 65,535).
pub(crate) const MAX_BINDS: usize = 32_766;

/// The one bulk insert: `INSERT INTO table (cols) VALUES (…), (…), …` with as many rows per statement as the
/// bind limit allows (every row as wide as the first). On SQLite it is `INSERT OR FAIL`: no statement journal
/// (see `import::bulk`), and a failed statement may leave the rows before the failing one in the transaction,
/// which is why every caller ends its transaction on the error (all of them return it).
pub(crate) async fn insert_rows(tx: &mut Tx, table: &str, cols: &str, rows: Vec<Vec<Arg>>) -> Result<()> {
    let Some(width) = rows.first().map(Vec::len) else {
        return Ok(());
    };
    let per = (MAX_BINDS / width.max(1)).max(1);
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let chunk: Vec<Vec<Arg>> = rows.by_ref().take(per).collect();
        // SQLite: plain `?` (bound in order); its `$N` are looked up by name, quadratic in the bind count
        let values: Vec<String> = match tx.backend() {
            Backend::Sqlite => vec![format!("({})", vec!["?"; width].join(", ")); chunk.len()],
            Backend::Postgres => {
                (0..chunk.len()).map(|k| format!("({})", placeholders(k * width + 1, width))).collect()
            }
        };
        let verb = if tx.backend() == Backend::Sqlite { "INSERT OR FAIL" } else { "INSERT" };
        let sql = format!("{verb} INTO {table} ({cols}) VALUES {}", values.join(", "));
        // A full chunk's text recurs (kept prepared); a shorter one is as long as this call's rows (not kept).
        if chunk.len() == per {
            tx.exec(&sql, chunk.into_iter().flatten().collect()).await?;
        } else {
            tx.exec_once(&sql, chunk.into_iter().flatten().collect()).await?;
        }
    }
    Ok(())
}

/// `SET` assignments of amount `name` bound from `$start` on (`x_int = $4, x_e9 = $5, …` or `x = $4`).
pub(crate) fn set_money(b: Backend, name: &str, start: usize) -> String {
    money_cols(b, name)
        .split(", ")
        .enumerate()
        .map(|(k, col)| format!("{col} = ${}", start + k))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Read through the pool or inside a transaction with the same code.
pub(crate) enum Conn<'a> {
    Db(&'a Db),
    Tx(&'a mut Tx),
}

impl Conn<'_> {
    pub(crate) fn backend(&self) -> Backend {
        match self {
            Conn::Db(d) => d.backend(),
            Conn::Tx(t) => t.backend(),
        }
    }
    pub(crate) async fn all(&mut self, q: &str, a: Vec<Arg>) -> Result<Vec<Row>> {
        match self {
            Conn::Db(d) => d.all(q, a).await,
            Conn::Tx(t) => t.all(q, a).await,
        }
    }
    pub(crate) async fn opt(&mut self, q: &str, a: Vec<Arg>) -> Result<Option<Row>> {
        match self {
            Conn::Db(d) => d.opt(q, a).await,
            Conn::Tx(t) => t.opt(q, a).await,
        }
    }
    pub(crate) async fn one(&mut self, q: &str, a: Vec<Arg>) -> Result<Row> {
        self.opt(q, a).await?.ok_or_else(|| StoreError::NotFound("row".into()))
    }
}

/// A value stored as JSON text.
pub(crate) fn json<T: serde::Serialize>(v: &T) -> Result<String> {
    serde_json::to_string(v).map_err(|e| StoreError::Invalid(format!("cannot encode: {e}")))
}

pub(crate) fn unjson<T: serde::de::DeserializeOwned>(s: &str, what: &str) -> Result<T> {
    serde_json::from_str(s).map_err(|e| StoreError::Invalid(format!("stored {what} unreadable: {e}")))
}

pub(crate) fn parse_period(s: &str) -> Result<billops_domain::Period> {
    s.parse().map_err(|e| StoreError::Invalid(format!("stored period {s:?}: {e}")))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn fast_split_equals_the_domain_split() {
        let mut x: u64 = 1;
        for k in 0..200_000u32 {
            x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            let m = i64::from_ne_bytes(x.to_ne_bytes()) >> (k % 60);
            let d = Decimal::new(m, k % 29);
            assert_eq!(split(d).ok(), SplitDecimal::from_decimal(d), "{d}");
            assert_eq!(split(d).ok().and_then(SplitDecimal::to_decimal), Some(d.normalize()), "{d}");
        }
        for s in ["0", "-0.000000000000000000000000001", "79228162514264337593543950335", "-1.5", "1e-18"] {
            let d: Decimal = s.parse().unwrap_or_else(|_| Decimal::from_scientific(s).unwrap_or_default());
            assert_eq!(split(d).ok(), SplitDecimal::from_decimal(d), "{d}");
        }
    }

    #[test]
    fn placeholders_are_numbered() {
        assert_eq!(placeholders(3, 3), "$3, $4, $5");
        assert_eq!(money_cols(Backend::Sqlite, "billed"), "billed_int, billed_e9, billed_e18, billed_e28");
        assert_eq!(money_sum(Backend::Postgres, "r.", "list"), "sum(r.list)");
    }

    /// `INSERT OR FAIL` still fails the call; the caller's rollback then takes back the rows before the failing
    /// one too, and a transaction that goes on keeps them (what FAIL means, and why every caller stops).
    #[tokio::test]
    async fn a_bulk_insert_that_fails_is_an_error_and_its_rollback_keeps_nothing() {
        let pool = sqlx::sqlite::SqlitePoolOptions::new().max_connections(1).connect("sqlite::memory:").await.unwrap();
        let db = Db::Sqlite(pool);
        db.exec("CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT NOT NULL)", vec![]).await.unwrap();
        let rows = |ks: &[i64]| ks.iter().map(|k| vec![Arg::from(*k), Arg::from("v")]).collect::<Vec<_>>();
        let count = async || db.all("SELECT count(*) FROM t", vec![]).await.unwrap()[0].get::<i64>(0).unwrap();

        let mut tx = db.begin().await.unwrap();
        assert!(insert_rows(&mut tx, "t", "k, v", rows(&[1, 2, 2, 3])).await.is_err());
        tx.rollback().await.unwrap();
        assert_eq!(count().await, 0);

        let mut tx = db.begin().await.unwrap();
        insert_rows(&mut tx, "t", "k, v", rows(&[7])).await.unwrap();
        assert!(insert_rows(&mut tx, "t", "k, v", rows(&[1, 2, 7, 3])).await.is_err());
        tx.commit().await.unwrap();
        assert_eq!(count().await, 3, "FAIL keeps the rows before the failing one: 7, then 1 and 2");
    }
}
