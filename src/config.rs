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
    /// `[close]` is refused with a pointer to the store: month-end settings are shared (see `month::settings`).
    pub close: Option<toml::Value>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct StoreConfig {
    /// Store URL used when neither `--db` nor `BILLOPS_DATABASE_URL` is given.
    pub url: Option<String>,
    /// Seconds to wait for a PostgreSQL server before "store unreachable" (exit 5); 1 to 300, default 5.
    pub connect_timeout: Option<u64>,
}

impl StoreConfig {
    pub const DEFAULT_CONNECT_TIMEOUT: u64 = 5;
    pub fn connect_timeout(&self) -> std::time::Duration {
        std::time::Duration::from_secs(self.connect_timeout.unwrap_or(Self::DEFAULT_CONNECT_TIMEOUT))
    }
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
        if let Some(t) = config.store.connect_timeout.filter(|t| !(1..=300).contains(t)) {
            return Err(format!("{}: [store] connect_timeout = {t}: give seconds from 1 to 300", path.display()));
        }
        if let Some(url) = &config.store.url {
            refuse_exposed_secret(path, url)?;
        }
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

/// Like ssh: a config file that holds a database password must not be readable by group or others.
fn refuse_exposed_secret(path: &Path, url: &str) -> Result<(), String> {
    if billops_store::mask_url(url) == url {
        return Ok(());
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(path).map_err(|e| format!("{}: {e}", path.display()))?.permissions().mode();
        if mode & 0o077 != 0 {
            return Err(format!(
                "{}: holds a database password and can be read by group or others (mode {:03o}); refused: run \
                 `chmod 600 {}`, or keep the password out of it (PGPASSWORD or ~/.pgpass)",
                path.display(),
                mode & 0o777,
                path.display()
            ));
        }
    }
    Ok(())
}

/// Create `dir` (and its parents) 0700 when missing; an existing folder is left as it is.
pub fn private_dir(dir: &Path) -> std::io::Result<()> {
    if dir.is_dir() {
        return Ok(());
    }
    let mut b = std::fs::DirBuilder::new();
    b.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut b, 0o700);
    b.create(dir)
}

/// Open `file` for appending, created 0600 when missing (the log).
pub fn private_file(file: &Path) -> std::io::Result<std::fs::File> {
    let mut o = std::fs::OpenOptions::new();
    o.append(true).create(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut o, 0o600);
    o.open(file)
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

    #[cfg(unix)]
    #[test]
    fn a_config_with_a_password_readable_by_others_is_refused() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("config.toml");
        let chmod = |mode| std::fs::set_permissions(&f, std::fs::Permissions::from_mode(mode)).unwrap();
        for url in ["postgres://bob:s3cret@db/billing", "postgres://bob@db/billing?password=s3cret"] {
            std::fs::write(&f, format!("[store]\nurl = \"{url}\"\n")).unwrap();
            for mode in [0o644, 0o640, 0o604] {
                chmod(mode);
                let e = Config::load(&f).unwrap_err();
                assert!(e.contains("chmod 600") && e.contains("config.toml") && !e.contains("s3cret"), "{e}");
            }
            chmod(0o600);
            assert_eq!(Config::load(&f).unwrap().store.url.as_deref(), Some(url));
        }
        // no password in it: any mode will do
        std::fs::write(&f, "[store]\nurl = \"postgres://bob@db/billing\"\nconnect_timeout = 2\n").unwrap();
        chmod(0o644);
        let c = Config::load(&f).unwrap();
        assert_eq!(c.store.connect_timeout(), std::time::Duration::from_secs(2));
        std::fs::write(&f, "[store]\nconnect_timeout = 0\n").unwrap();
        assert!(Config::load(&f).unwrap_err().contains("connect_timeout"));
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
