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

    /// An empty store (`billops --db sqlite:PATH init`) in its own temp dir, `managers` added as managers.
    pub fn empty(managers: &[&str]) -> Demo {
        let dir = tempfile::tempdir().unwrap();
        let db = format!("sqlite:{}", dir.path().join("store.db").display());
        let d = Demo { dir, db };
        let first = managers.first().copied().unwrap_or("tester");
        d.ok(first, &["init"]);
        for m in managers {
            d.ok(first, &["users", "add", m, "--role", "manager"]);
        }
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

impl Demo {
    /// Make `period` a quiet month that can be signed off (an empty month is not ready): one final row of cost 0
    /// for a payer of its own on an account with no customer, and that payer's supplier invoice of 0.
    pub fn quiet_month(&self, user: &str, period: &str) {
        let file = self.dir.path().join(format!("quiet-{period}.csv"));
        std::fs::write(&file, quiet_month_csv(period)).unwrap();
        self.ok(user, &["import", file.to_str().unwrap()]);
        self.ok(user, &["supplier", "add", QUIET_PAYER, period, "--number", &format!("Q-{period}"), "--amount", "0"]);
    }
}

/// The payer of [`Demo::quiet_month`].
pub const QUIET_PAYER: &str = "100000000099";

/// A FOCUS file with one final row of cost 0 in `period` (YYYY-MM) for [`QUIET_PAYER`].
pub fn quiet_month_csv(period: &str) -> String {
    let start: chrono::NaiveDate = format!("{period}-01").parse().unwrap();
    let end = start.checked_add_months(chrono::Months::new(1)).unwrap();
    format!(
        "BillingAccountId,BillingAccountName,SubAccountId,SubAccountName,BillingPeriodStart,BillingPeriodEnd,\
         ChargePeriodStart,ChargePeriodEnd,ChargeCategory,ServiceName,RegionId,SkuId,ResourceId,ConsumedQuantity,\
         ConsumedUnit,BilledCost,EffectiveCost,ListCost,BillingCurrency,InvoiceId,Tags\n\
         {QUIET_PAYER},Quiet payer,900000000099,quiet account,{start}T00:00:00Z,{end}T00:00:00Z,\
         {period}-02T00:00:00Z,{period}-03T00:00:00Z,Usage,EC2,us-east-1,SKU1,res-q,1,Hrs,0,0,0,USD,QUIET-{period},\n"
    )
}

/// stdout and stderr together, for assertions and failure messages.
pub fn text(o: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr))
}
