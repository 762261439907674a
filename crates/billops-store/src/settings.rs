//! Shared settings (the month-end rules every operator must judge by alike): key → text value, managers only,
//! every change audited with the value before and after.
use async_trait::async_trait;

use crate::audit::{self, Audit};
use crate::db::{Row, args};
use crate::parties::user_in;
use crate::{Actor, Result, SqlStore, StoreError, StoredSetting};

fn row(r: &Row) -> Result<StoredSetting> {
    Ok(StoredSetting { key: r.get(0)?, value: r.get(1)?, set_by: r.get(2)?, set_at: r.get(3)? })
}

/// The shared settings every command and console write reads afresh (managers set them, audited).
#[async_trait]
pub trait Settings: Send + Sync {
    /// Every stored setting, by key (absent keys take the application's defaults).
    async fn settings(&self) -> Result<Vec<StoredSetting>>;
    /// Set one (managers only; audited with the value before and after). The caller checks the value.
    async fn set_setting(&self, key: &str, value: &str, by: &Actor) -> Result<StoredSetting>;
}

#[async_trait]
impl Settings for SqlStore {
    async fn settings(&self) -> Result<Vec<StoredSetting>> {
        let rows = self.db.all("SELECT key, value, set_by, set_at FROM settings ORDER BY key", vec![]).await?;
        rows.iter().map(row).collect()
    }
    async fn set_setting(&self, key: &str, value: &str, by: &Actor) -> Result<StoredSetting> {
        let (key, value) = (key.trim(), value.trim());
        if key.is_empty() || value.is_empty() {
            return Err(StoreError::Invalid("a setting needs a key and a value".into()));
        }
        let mut tx = self.db.begin().await?;
        let user = user_in(&mut tx, by).await?;
        if !user.role.can_approve() {
            return Err(StoreError::Forbidden(format!(
                "{} ({}) may not change settings: managers do",
                user.name, user.role
            )));
        }
        let before: Option<String> = match tx.opt("SELECT value FROM settings WHERE key = $1", args![key]).await? {
            Some(r) => Some(r.get(0)?),
            None => None,
        };
        tx.exec(
            "INSERT INTO settings (key, value, set_by, set_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (key) DO UPDATE SET value = excluded.value, set_by = excluded.set_by, set_at = excluded.set_at",
            args![key, value, by.name.as_str(), by.at],
        )
        .await?;
        audit::write(&mut tx, by, Audit::new("setting.set", "setting", key).before(&before).after(&value)).await?;
        let stored =
            row(&tx.one("SELECT key, value, set_by, set_at FROM settings WHERE key = $1", args![key]).await?)?;
        tx.commit().await?;
        Ok(stored)
    }
}
