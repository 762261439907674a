//! Paths and the user's config file. Paths come from `directories::ProjectDirs`, overridable by env vars,
//! and are printed by `billops paths`. The config file denies unknown fields: a typo is an error naming the file.
use std::path::{Path, PathBuf};

use billops_domain::close::{DueKind, DueRule};
use billops_domain::parse_decimal;
use billops_domain::terms::Percent;
use billops_domain::variance::VarianceThresholds;
use billops_import::TagConfig;
use rust_decimal::Decimal;
use serde::Deserialize;

use crate::ledger::CloseSettings;

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
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    pub store: StoreConfig,
    pub tags: TagConfig,
    pub ui: UiConfig,
    /// `[close]` as written (checked by [`Config::load`], which fills `close_settings`).
    pub close: CloseSection,
    /// The month-end settings `[close]` gives (defaults where it says nothing).
    #[serde(skip)]
    pub close_settings: CloseSettings,
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

/// `[close]`: the month-end settings. Amounts and percentages are exact decimals, written as strings
/// (`"0.01"`) or integers; a float (`0.01`) is refused rather than rounded.
///
/// ```toml
/// [close]
/// due_day = 10                        # the close is due on this day of the next month
/// business_days = false               # true: the due_day-th business day instead of a calendar day
/// tie_out_tolerance = "0.01"          # largest unexplained tie-out residual per payer
/// variance_pct = "10"                 # a variance needs |Δ%| ≥ this …
/// variance_abs = "1000"               # … and |Δ| ≥ this to be flagged (new or gone services: |Δ| only)
/// credit_approval_threshold = "500"   # credits above this need a second person (maker-checker)
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct CloseSection {
    pub due_day: Option<u32>,
    pub business_days: Option<bool>,
    pub tie_out_tolerance: Option<Exact>,
    pub variance_pct: Option<Exact>,
    pub variance_abs: Option<Exact>,
    pub credit_approval_threshold: Option<Exact>,
}

/// An exact number as written in TOML: a string or an integer. A float is kept only to be refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Exact {
    Text(String),
    Float,
}

impl<'de> Deserialize<'de> for Exact {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Exact, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = Exact;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("an exact number as a string (\"0.01\") or an integer")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Exact, E> {
                Ok(Exact::Text(v.to_string()))
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Exact, E> {
                Ok(Exact::Text(v.to_string()))
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Exact, E> {
                Ok(Exact::Text(v.to_string()))
            }
            fn visit_f64<E: serde::de::Error>(self, _: f64) -> Result<Exact, E> {
                Ok(Exact::Float)
            }
        }
        d.deserialize_any(V)
    }
}

impl CloseSection {
    /// The settings, defaults where the section says nothing; errors name the file and the key.
    pub fn settings(&self, file: &Path) -> Result<CloseSettings, String> {
        let f = file.display();
        let bad = |key: &str, why: String| format!("{f}: key `close.{key}`: {why}");
        let exact = |key: &str, v: &Option<Exact>| -> Result<Option<Decimal>, String> {
            match v {
                None => Ok(None),
                Some(Exact::Float) => Err(bad(
                    key,
                    format!("write the amount as a string, e.g. {key} = \"0.01\" (amounts are exact, never floats)"),
                )),
                Some(Exact::Text(t)) => match parse_decimal(t) {
                    Ok(d) if d.is_sign_negative() && !d.is_zero() => Err(bad(key, format!("{t} is negative"))),
                    Ok(d) => Ok(Some(d)),
                    Err(e) => Err(bad(key, format!("{t:?}: {e}"))),
                },
            }
        };
        let mut out = CloseSettings::default();
        let kind = if self.business_days.unwrap_or(false) { DueKind::BusinessDay } else { DueKind::CalendarDay };
        let day = self.due_day.unwrap_or(out.board.due.day());
        out.board.due = DueRule::new(day, kind).map_err(|e| bad("due_day", e.to_string()))?;
        if let Some(t) = exact("tie_out_tolerance", &self.tie_out_tolerance)? {
            out.board.tie_out_tolerance = t;
        }
        let pct = match exact("variance_pct", &self.variance_pct)? {
            Some(p) => Percent::new(p).map_err(|e| bad("variance_pct", e.to_string()))?,
            None => out.board.variance.pct(),
        };
        let abs = exact("variance_abs", &self.variance_abs)?.unwrap_or(out.board.variance.abs());
        out.board.variance = VarianceThresholds::new(pct, abs).map_err(|e| bad("variance_abs", e.to_string()))?;
        if let Some(t) = exact("credit_approval_threshold", &self.credit_approval_threshold)? {
            out.credit_approval_threshold = t;
        }
        out.approval_policy().map_err(|e| bad("credit_approval_threshold", e))?;
        Ok(out)
    }
}

impl Config {
    /// Load `path`; a missing file is the default config, a bad one an error naming the file (and the key).
    pub fn load(path: &Path) -> Result<Config, String> {
        let mut config: Config = match std::fs::read_to_string(path) {
            Ok(text) => toml::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Config::default()),
            Err(e) => return Err(format!("{}: {e}", path.display())),
        };
        config.close_settings = config.close.settings(path)?;
        Ok(config)
    }
}

/// The operator's identity: `BILLOPS_USER` (tests, service accounts), else the login user.
pub fn os_user() -> String {
    ["BILLOPS_USER", "USER", "LOGNAME", "USERNAME"]
        .iter()
        .filter_map(|v| std::env::var(v).ok())
        .find(|v| !v.trim().is_empty())
        .unwrap_or_else(|| "unknown".to_string())
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
    fn close_section_sets_the_month_end_settings() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("config.toml");
        std::fs::write(&f, "[close]\n").unwrap();
        assert_eq!(Config::load(&f).unwrap().close_settings, CloseSettings::default());
        let d = |s: &str| parse_decimal(s).unwrap();
        std::fs::write(
            &f,
            "[close]\ndue_day = 5\nbusiness_days = true\ntie_out_tolerance = \"0.05\"\nvariance_pct = 25\n\
             variance_abs = \"250.5\"\ncredit_approval_threshold = \"100\"\n",
        )
        .unwrap();
        let s = Config::load(&f).unwrap().close_settings;
        assert_eq!((s.board.due.day(), s.board.due.kind()), (5, DueKind::BusinessDay));
        assert_eq!(s.board.tie_out_tolerance, d("0.05"));
        assert_eq!((s.board.variance.pct().value(), s.board.variance.abs()), (d("25"), d("250.5")));
        assert_eq!(s.credit_approval_threshold, d("100"));
    }

    #[test]
    fn bad_close_settings_name_the_file_and_key() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("config.toml");
        for (text, key, why) in [
            ("[close]\ndue_day = 40\n", "close.due_day", "1..=31"),
            ("[close]\ndue_day = 25\nbusiness_days = true\n", "close.due_day", "1..=20"),
            ("[close]\ntie_out_tolerance = 0.01\n", "close.tie_out_tolerance", "as a string"),
            ("[close]\nvariance_pct = \"ten\"\n", "close.variance_pct", "ten"),
            ("[close]\nvariance_abs = \"-5\"\n", "close.variance_abs", "negative"),
            ("[close]\ncredit_approval_threshold = \"-1\"\n", "close.credit_approval_threshold", "negative"),
            ("[close]\ndue = 10\n", "due", "unknown field"),
        ] {
            std::fs::write(&f, text).unwrap();
            let e = Config::load(&f).unwrap_err();
            assert!(e.contains(&f.display().to_string()), "{e}");
            assert!(e.contains(key) && e.contains(why), "{text}: {e}");
        }
    }
}
