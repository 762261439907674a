//! `billops interest` through the real binary: the fixed JSON form, CSV steps, rate tables, contract terms
//! files and bad input. No store is involved.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;
use std::process::{Command, Output};

fn billops(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_billops"))
        .env("BILLOPS_DATA_DIR", dir.join("data"))
        .env("BILLOPS_CONFIG_DIR", dir.join("config"))
        .env_remove("BILLOPS_DATABASE_URL")
        .args(args)
        .output()
        .unwrap()
}

fn stdout(o: &Output) -> String {
    assert!(o.status.success(), "{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr));
    String::from_utf8(o.stdout.clone()).unwrap()
}

#[test]
fn the_fixed_json_form_gives_the_treasury_amount() {
    let dir = tempfile::tempdir().unwrap();
    let args = ["interest", "--principal", "1500", "--rate", "6.5", "--due", "2026-01-01", "--paid", "2026-01-11"];
    let out = stdout(&billops(dir.path(), &[&args[..], &["--format", "json"]].concat()));
    let json: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert!(out.contains("\"interest\": 2.71\n"), "the amount is a JSON number with its exact digits: {out}");
    assert_eq!(json["interest"].to_string(), "2.71");
    assert_eq!(json["rule"], "prompt-payment");
    assert_eq!(json["days_late"], 10);
    assert_eq!(json["accrual_from"], "2026-01-02");
    assert_eq!(json["steps"].as_array().unwrap().len(), 1);
    assert_eq!(json["steps"][0]["base"], "1500");
    assert_eq!(json["accrued"], "2.7083333333333333333333333333");
    assert!(!dir.path().join("data").join("billops.db").exists(), "no store is created for a computation");

    let out = stdout(&billops(
        dir.path(),
        &[
            "interest",
            "--principal",
            "1,500.00",
            "--rate",
            "6",
            "--due",
            "2026-01-01",
            "--paid",
            "2026-03-17",
            "--format",
            "json",
        ],
    ));
    let json: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(json["interest"].to_string(), "18.83");
    assert_eq!(json["steps"][1]["new_base"], "1515.0375");
}

#[test]
fn csv_and_table_show_every_step() {
    let dir = tempfile::tempdir().unwrap();
    let base = ["interest", "--principal", "1500", "--rate", "6", "--due", "2026-01-01", "--paid", "2026-03-17"];
    let csv = stdout(&billops(dir.path(), &[&base[..], &["--format", "csv"]].concat()));
    assert_eq!(
        csv,
        "step,from,through,days,annual_rate,base,interest,new_base\n\
         1,2026-01-02,2026-01-31,30,6,1500,7.5,1507.5\n\
         2,2026-02-01,2026-03-02,30,6,1507.5,7.5375,1515.0375\n\
         3,2026-03-03,2026-03-17,15,6,1515.0375,3.78759375,\n\
         accrued,,,,,,18.82509375,\n\
         charged,,,,,,18.83,\n"
    );
    let table = stdout(&billops(dir.path(), &base));
    assert!(table.contains("360-day year"), "{table}");
    assert!(table.contains("interest 18.83 USD"), "{table}");
}

#[test]
fn rate_tables_and_contract_terms_are_data() {
    let dir = tempfile::tempdir().unwrap();
    let rates = dir.path().join("prime.csv");
    std::fs::write(&rates, "from,rate\n2026-01-01,4\n2026-03-02,6\n").unwrap();
    let terms = dir.path().join("state.toml");
    std::fs::write(
        &terms,
        "basis = 365\nfixing = \"stepping\"\ncompounding = { every_months = 1 }\nwaive_below = \"0\"\n",
    )
    .unwrap();
    let out = stdout(&billops(
        dir.path(),
        &[
            "interest",
            "--principal",
            "1000",
            "--rates",
            rates.to_str().unwrap(),
            "--rule",
            terms.to_str().unwrap(),
            "--due",
            "2026-01-01",
            "--paid",
            "2026-03-31",
            "--format",
            "json",
        ],
    ));
    let json: serde_json::Value = serde_json::from_str(&out).unwrap();
    let steps = json["steps"].as_array().unwrap();
    let shown: Vec<(String, i64, String)> = steps
        .iter()
        .map(|s| {
            (
                s["from"].as_str().unwrap().to_string(),
                s["days"].as_i64().unwrap(),
                s["annual_rate"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        shown,
        vec![
            ("2026-01-02".into(), 31, "4".into()),
            ("2026-02-02".into(), 28, "4".into()),
            ("2026-03-02".into(), 30, "6".into())
        ]
    );

    let agency = stdout(&billops(
        dir.path(),
        &[
            "interest",
            "--principal",
            "36500",
            "--rate",
            "4",
            "--rule",
            "agency",
            "--due",
            "2026-06-01",
            "--paid",
            "2026-06-30",
        ],
    ));
    assert!(agency.contains("within the 30 days of grace") && agency.contains("interest 0 USD"), "{agency}");
}

#[test]
fn bad_input_is_named_with_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let cases: [(&[&str], &str); 5] = [
        (&["--principal", "12$", "--rate", "6", "--due", "2026-01-01", "--paid", "2026-02-01"], "--principal"),
        (&["--principal", "1", "--rate", "-6", "--due", "2026-01-01", "--paid", "2026-02-01"], "--rate"),
        (&["--principal", "1", "--rate", "6", "--due", "2026-02-30", "--paid", "2026-03-01"], "--due"),
        (
            &["--principal", "1", "--rate", "6", "--due", "2026-01-01", "--paid", "2026-02-01", "--rule", "nope"],
            "--rule",
        ),
        (
            &["--principal", "1", "--rate", "6", "--due", "2026-01-01", "--paid", "2026-02-01", "--currency", "US"],
            "--currency",
        ),
    ];
    for (args, named) in cases {
        let o = billops(dir.path(), &[&["interest"][..], args].concat());
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains(named), "{args:?}: {err}");
        assert!(!err.contains("panicked"), "{err}");
    }
    let bad_rates = dir.path().join("bad.csv");
    std::fs::write(&bad_rates, "from,rate\n2026-01-01,4\nsoon,6\n").unwrap();
    let o = billops(
        dir.path(),
        &[
            "interest",
            "--principal",
            "1",
            "--rates",
            bad_rates.to_str().unwrap(),
            "--due",
            "2026-01-01",
            "--paid",
            "2026-02-01",
        ],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("bad.csv:3"), "{}", String::from_utf8_lossy(&o.stderr));
}
