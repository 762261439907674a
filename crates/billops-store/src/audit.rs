//! The append-only audit log: every write records who, when, what, before/after and why, in the writing
//! transaction.
use async_trait::async_trait;
use billops_domain::Period;
use serde::Serialize;

use crate::db::{Row, Tx, args};
use crate::{Actor, AuditEntry, AuditFilter, Result, SqlStore};

/// One audit record to write.
pub(crate) struct Audit<'a> {
    pub action: &'a str,
    pub entity: &'a str,
    pub entity_id: &'a str,
    pub period: Option<Period>,
    pub before: Option<String>,
    pub after: Option<String>,
    pub reason: Option<&'a str>,
}

impl<'a> Audit<'a> {
    pub(crate) fn new(action: &'a str, entity: &'a str, entity_id: &'a str) -> Self {
        Audit { action, entity, entity_id, period: None, before: None, after: None, reason: None }
    }
    pub(crate) fn before(mut self, v: &impl Serialize) -> Self {
        self.before = serde_json::to_string(v).ok();
        self
    }
    pub(crate) fn after(mut self, v: &impl Serialize) -> Self {
        self.after = serde_json::to_string(v).ok();
        self
    }
    pub(crate) fn reason(mut self, r: &'a str) -> Self {
        self.reason = Some(r);
        self
    }
    pub(crate) fn period(mut self, p: Period) -> Self {
        self.period = Some(p);
        self
    }
}

/// One audit record (as [`write_many`] with one row).
pub(crate) async fn write(tx: &mut Tx, by: &Actor, a: Audit<'_>) -> Result<()> {
    write_many(tx, by, vec![a]).await
}

/// Several audit records in one statement per [`crate::db::MAX_BINDS`] worth of rows.
///
/// Every write of the store passes here, inside its transaction, so this is where a viewer is refused on
/// both backends (PostgreSQL's grants refuse them too; SQLite has only this): the write rolls back. Changes of
/// users' roles check their own rule before writing (a manager, or the bootstrap) and are not re-checked.
pub(crate) async fn write_many(tx: &mut Tx, by: &Actor, rows: Vec<Audit<'_>>) -> Result<()> {
    crate::access::require_identity(&by.name)?;
    if let Some(a) = rows.iter().find(|a| a.entity != "user") {
        let role = crate::parties::role_in(tx, &by.name).await?;
        if !role.can_write() {
            return Err(crate::StoreError::Forbidden(format!(
                "{} ({role}) may not change the store ({}): viewers read only; ask a manager for the operator role",
                by.name, a.action
            )));
        }
    }
    let rows = rows
        .into_iter()
        .map(|a| {
            args![
                by.at,
                by.name.as_str(),
                a.action,
                a.entity,
                a.entity_id,
                a.period.map(|p| p.to_string()),
                a.before,
                a.after,
                a.reason
            ]
        })
        .collect();
    let cols = "at, who, action, entity, entity_id, period, before_json, after_json, reason";
    crate::db::insert_rows(tx, "audit_log", cols, rows).await
}

fn entry(r: &Row) -> Result<AuditEntry> {
    let period: Option<String> = r.get(6)?;
    Ok(AuditEntry {
        id: r.get(0)?,
        at: r.get(1)?,
        who: r.get(2)?,
        action: r.get(3)?,
        entity: r.get(4)?,
        entity_id: r.get(5)?,
        period: period.and_then(|p| p.parse().ok()),
        before: r.get(7)?,
        after: r.get(8)?,
        reason: r.get(9)?,
    })
}

/// Reading the append-only audit log (every write records itself in its own transaction).
#[async_trait]
pub trait AuditTrail: Send + Sync {
    async fn audit(&self, filter: &AuditFilter) -> Result<Vec<AuditEntry>>;
    /// A number that moves whenever anything is written (the newest audit entry: every write, imports
    /// included, records itself in its own transaction), so a console can poll it cheaply and reload what
    /// another console changed. 0 for a store with no writes yet.
    async fn change_mark(&self) -> Result<i64>;
    /// What was written after `mark` (a [`AuditTrail::change_mark`]): the new mark and the kinds of record
    /// touched (the audit entities: `invoice`, `payment`, `import_batch` …, each once, sorted), so a console
    /// reloads only the panes that show them. One read of the primary key range; nothing when nothing moved.
    async fn changes_since(&self, mark: i64) -> Result<Changes>;
    /// Changes pushed as they commit: on PostgreSQL a listener on the store's `billops_changes` channel
    /// (migration 0017's trigger on the audit log); `None` on SQLite, where a console polls
    /// [`AuditTrail::changes_since`] instead. The listener holds one connection of the pool.
    async fn listen(&self) -> Result<Option<ChangeListener>>;
}

/// What was written since a mark.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Changes {
    /// The newest audit id now (the mark to ask from next time).
    pub mark: i64,
    /// The audit entities written after the old mark, each once, sorted.
    pub entities: Vec<String>,
}

/// The PostgreSQL change channel (migration 0017).
pub const CHANGE_CHANNEL: &str = "billops_changes";

/// A listening connection on a PostgreSQL store: [`ChangeListener::next`] waits for the next commit that wrote
/// anything.
pub struct ChangeListener {
    inner: sqlx::postgres::PgListener,
}

/// What the listener heard.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Heard {
    /// A write committed; the entity of one of its audit entries.
    Changed(String),
    /// The connection was lost and is being made again: notifications in between are gone, so the caller
    /// looks at [`AuditTrail::changes_since`] once to catch up.
    Reconnected,
}

impl ChangeListener {
    /// The next change (or a reconnect). An error means the store cannot be reached at all now (the caller
    /// falls back to polling).
    pub async fn next(&mut self) -> Result<Heard> {
        Ok(match self.inner.try_recv().await? {
            Some(n) => Heard::Changed(n.payload().to_string()),
            None => Heard::Reconnected,
        })
    }
}

impl std::fmt::Debug for ChangeListener {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ChangeListener")
    }
}

#[async_trait]
impl AuditTrail for SqlStore {
    async fn audit(&self, f: &AuditFilter) -> Result<Vec<AuditEntry>> {
        let mut sql = String::from(
            "SELECT id, at, who, action, entity, entity_id, period, before_json, after_json, reason FROM audit_log WHERE 1 = 1",
        );
        let mut a = Vec::new();
        if let Some(who) = &f.who {
            a.push(who.into());
            sql.push_str(&format!(" AND who = ${}", a.len()));
        }
        if let Some(action) = &f.action {
            // A substring match that treats % and _ literally on both backends.
            a.push(action.into());
            sql.push_str(&format!(" AND strpos_compat(action, ${}) > 0", a.len()));
        }
        if let Some(p) = f.period {
            a.push(p.to_string().into());
            sql.push_str(&format!(" AND period = ${}", a.len()));
        }
        sql.push_str(" ORDER BY id DESC");
        if let Some(limit) = f.limit {
            a.push(limit.max(0).into());
            sql.push_str(&format!(" LIMIT ${}", a.len()));
        }
        let sql = match self.db.backend() {
            crate::Backend::Sqlite => sql.replace("strpos_compat(", "instr("),
            crate::Backend::Postgres => sql.replace("strpos_compat(", "strpos("),
        };
        self.db.all(&sql, a).await?.iter().map(entry).collect()
    }

    async fn change_mark(&self) -> Result<i64> {
        let r = self.db.opt("SELECT COALESCE(MAX(id), 0) FROM audit_log", Vec::new()).await?;
        r.map_or(Ok(0), |r| r.get::<i64>(0))
    }

    async fn changes_since(&self, mark: i64) -> Result<Changes> {
        let rows = self
            .db
            .all("SELECT MAX(id), entity FROM audit_log WHERE id > $1 GROUP BY entity ORDER BY entity", args![mark])
            .await?;
        let mut out = Changes { mark, entities: Vec::with_capacity(rows.len()) };
        for r in &rows {
            out.mark = out.mark.max(r.get::<i64>(0)?);
            out.entities.push(r.get(1)?);
        }
        Ok(out)
    }

    async fn listen(&self) -> Result<Option<ChangeListener>> {
        let crate::db::Db::Pg(pool) = &self.db else { return Ok(None) };
        let mut inner = sqlx::postgres::PgListener::connect_with(pool).await?;
        inner.listen(CHANGE_CHANNEL).await?;
        Ok(Some(ChangeListener { inner }))
    }
}
