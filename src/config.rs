//! Paths and the user's config file. Paths come from `directories::ProjectDirs`, overridable by env vars,
//! and are printed by `billops paths`. The config file denies unknown fields: a typo is an error naming the file.
use std::path::{Path, PathBuf};

use billops_import::TagConfig;
use serde::Deserialize;

/// Where billops keeps things.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Paths {
    pub config_dir: PathBuf,
    pub data_dir: PathBuf,
}

impl Paths {
    /// Platform dirs, overridden by `BILLOPS_CONFIG_DIR` / `BILLOPS_DATA_DIR`.
    pub fn discover() -> Result<Paths, String> {
        let dirs = directories::ProjectDirs::from("", "", "billops");
        let pick = |var: &str, fallback: Option<&Path>| -> Result<PathBuf, String> {
            match std::env::var_os(var) {
                Some(v) if !v.is_empty() => Ok(PathBuf::from(v)),
                _ => fallback
                    .map(Path::to_path_buf)
                    .ok_or_else(|| format!("cannot find a home directory for billops files; set {var}")),
            }
        };
        Ok(Paths {
            config_dir: pick("BILLOPS_CONFIG_DIR", dirs.as_ref().map(|d| d.config_dir()))?,
            data_dir: pick("BILLOPS_DATA_DIR", dirs.as_ref().map(|d| d.data_dir()))?,
        })
    }
    pub fn config_file(&self) -> PathBuf {
        self.config_dir.join("config.toml")
    }
    pub fn default_store(&self) -> PathBuf {
        self.data_dir.join("billops.db")
    }
    pub fn demo_store(&self) -> PathBuf {
        self.data_dir.join("demo.db")
    }
    pub fn log_file(&self) -> PathBuf {
        self.data_dir.join("billops.log")
    }
    pub fn exports_dir(&self) -> PathBuf {
        self.data_dir.join("exports")
    }
}

/// `config.toml`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    pub store: StoreConfig,
    pub tags: TagConfig,
    pub ui: UiConfig,
    /// `[close]` is refused with a pointer to the store: month-end settings are shared (see `ledger::settings`).
    pub close: Option<toml::Value>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct StoreConfig {
    /// Store URL used when neither `--db` nor `BILLOPS_DATABASE_URL` is given.
    pub url: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct UiConfig {
    pub theme: Option<String>,
}

impl Config {
    /// Load `path`; a missing file is the default config, a bad one an error naming the file (and the key).
    pub fn load(path: &Path) -> Result<Config, String> {
        let config: Config = match std::fs::read_to_string(path) {
            Ok(text) => toml::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Config::default()),
            Err(e) => return Err(format!("{}: {e}", path.display())),
        };
        if config.close.is_some() {
            return Err(format!(
                "{}: [close]: month-end settings are kept in the store so that every operator judges the month \
                 alike; a manager sets them with `billops close set KEY VALUE` (see `billops close settings`)",
                path.display()
            ));
        }
        Ok(config)
    }
}

/// The operator's identity on a SQLite store: `BILLOPS_USER` (tests, service accounts), else the login user;
/// `None` when none is set (cron, systemd, containers): such a process may read but never write, and is never
/// given a made-up name. (On PostgreSQL the identity is the database login; see `cli::resolve_user`.)
pub fn os_user() -> Option<String> {
    ["BILLOPS_USER", "USER", "LOGNAME", "USERNAME"]
        .iter()
        .filter_map(|v| std::env::var(v).ok())
        .map(|v| v.trim().to_string())
        .find(|v| !v.is_empty())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn config_denies_unknown_fields_and_names_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("config.toml");
        std::fs::write(&f, "[tags]\nproduct = [\"app\"]\ncolour = 1\n").unwrap();
        let err = Config::load(&f).unwrap_err();
        assert!(err.contains("config.toml"), "{err}");
        assert!(err.contains("colour"), "{err}");
        std::fs::write(&f, "[tags]\nproduct = [\"app\"]\n").unwrap();
        assert_eq!(Config::load(&f).unwrap().tags.product, vec!["app".to_string()]);
        assert_eq!(Config::load(&dir.path().join("missing.toml")).unwrap(), Config::default());
    }

    #[test]
    fn a_close_section_points_to_the_store() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("config.toml");
        std::fs::write(&f, "[close]\ndue_day = 5\n").unwrap();
        let e = Config::load(&f).unwrap_err();
        assert!(e.contains(&f.display().to_string()) && e.contains("billops close set KEY VALUE"), "{e}");
    }
}
