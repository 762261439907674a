//! The demo book reconciles to the last digit: what `billops demo` loads equals the generator's manifest
//! (computed from the Decimals it wrote) per period and per customer-period, the bad row is quarantined at the
//! stated line, and the unassigned account is listed.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use rust_decimal::Decimal;

fn billops(dir: &Path, db: &str, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_billops"))
        .env("BILLOPS_DATA_DIR", dir.join("data"))
        .env("BILLOPS_CONFIG_DIR", dir.join("config"))
        .env("BILLOPS_USER", "tester")
        .env_remove("BILLOPS_DATABASE_URL")
        .arg("--db")
        .arg(db)
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn demo_store_reconciles_to_the_manifest() {
    let manifest = billops_gen::read_manifest(&Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/demo")).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite:{}", dir.path().join("demo.db").display());
    let o = billops(dir.path(), &db, &["demo"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));

    for p in &manifest.periods {
        let period = p.period.to_string();
        let o = billops(dir.path(), &db, &["costs", "--period", &period, "--by", "customer", "--format", "csv"]);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let got: BTreeMap<String, Decimal> = String::from_utf8(o.stdout)
            .unwrap()
            .lines()
            .skip(1)
            .map(|l| {
                // customer,cost,currency: the demo book is all USD
                let mut f = l.split(',');
                let (c, v, cur) = (f.next().unwrap(), f.next().unwrap(), f.next().unwrap());
                assert_eq!(cur, "USD", "{l}");
                (c.to_string(), v.parse().unwrap())
            })
            .collect();
        let total: Decimal = got.values().sum();
        assert_eq!(total, p.billed, "period {period} total");
        for cp in manifest.customer_periods.iter().filter(|cp| cp.period == p.period) {
            assert_eq!(got.get(&cp.customer).copied().unwrap_or_default(), cp.billed, "{} {period}", cp.customer);
        }
    }

    let o = billops(dir.path(), &db, &["issues", "list", "--format", "csv"]);
    let issues = String::from_utf8(o.stdout).unwrap();
    for bad in &manifest.bad_rows {
        let needle = format!("{},{},", bad.file, bad.line);
        assert!(issues.lines().any(|l| l.contains(&needle) && l.contains(&bad.value)), "{needle} in\n{issues}");
    }
    let o = billops(dir.path(), &db, &["accounts", "list", "--unassigned", "--format", "csv"]);
    let unassigned = String::from_utf8(o.stdout).unwrap();
    for u in &manifest.unassigned_accounts {
        assert!(unassigned.contains(&u.account_id), "{} in\n{unassigned}", u.account_id);
    }
    assert_eq!(unassigned.lines().count(), 1 + manifest.unassigned_accounts.len(), "{unassigned}");

    // The demo seeds its seller, so its documents carry an issuer: the settings say so, and a statement's
    // HTML names it.
    let o = billops(dir.path(), &db, &["close", "settings"]);
    let settings = String::from_utf8_lossy(&o.stdout).to_string();
    for (key, value) in [("issuer.name", "Northwind Cloud Services Ltd"), ("issuer.tax_id", "GB 123 4567 89")] {
        assert!(settings.lines().any(|l| l.contains(key) && l.contains(value)), "{key} = {value} in\n{settings}");
    }
    let out = dir.path().join("statement.html");
    let customer = manifest.customer_periods.iter().find(|cp| !cp.customer.starts_with('(')).unwrap().customer.clone();
    let args = ["statement", &customer, "--from", "2026-07-01", "--to", "2026-10-31", "--format", "html", "--output"];
    let o = billops(dir.path(), &db, &[&args[..], &[out.to_str().unwrap()]].concat());
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let html = std::fs::read_to_string(&out).unwrap();
    assert!(html.contains("Northwind Cloud Services Ltd"), "the issuer on the statement");
}
