//! Shared by the CLI test files: a fresh demo store in a temp dir and the real binary run against it.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;
use std::process::{Command, Output};

/// A demo store (`billops --db sqlite:PATH demo`) in its own temp dir, with data and config dirs beside it.
pub struct Demo {
    pub dir: tempfile::TempDir,
    pub db: String,
}

impl Demo {
    pub fn new() -> Demo {
        let dir = tempfile::tempdir().unwrap();
        let db = format!("sqlite:{}", dir.path().join("demo.db").display());
        let d = Demo { dir, db };
        let o = d.run("tester", &["demo"]);
        assert!(o.status.success(), "{}", text(&o));
        d
    }

    /// Run `billops --db … ARGS` as `user`.
    pub fn run(&self, user: &str, args: &[&str]) -> Output {
        let dir: &Path = self.dir.path();
        Command::new(env!("CARGO_BIN_EXE_billops"))
            .env("BILLOPS_DATA_DIR", dir.join("data"))
            .env("BILLOPS_CONFIG_DIR", dir.join("config"))
            .env("BILLOPS_USER", user)
            .env_remove("BILLOPS_DATABASE_URL")
            .arg("--db")
            .arg(&self.db)
            .args(args)
            .output()
            .unwrap()
    }

    /// Run and insist on success; stdout.
    pub fn ok(&self, user: &str, args: &[&str]) -> String {
        let o = self.run(user, args);
        assert!(o.status.success(), "{args:?}: {}", text(&o));
        String::from_utf8(o.stdout).unwrap()
    }

    pub fn json(&self, user: &str, args: &[&str]) -> serde_json::Value {
        serde_json::from_str(&self.ok(user, args)).unwrap()
    }
}

/// stdout and stderr together, for assertions and failure messages.
pub fn text(o: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr))
}
