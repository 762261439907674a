//! `billops import` on Azure and OCI files: the fixed `--view` form, `--payer`, the exit-code precedence of a
//! multi-file run and its tally, and a closed stdout.
#![allow(clippy::unwrap_used, clippy::expect_used)]
mod common;

use std::path::PathBuf;
use std::process::Command;

use common::{Demo, text};

fn fixture(rel: &str) -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures").join(rel).display().to_string()
}

#[test]
fn azure_needs_its_view_and_imports_exactly_with_it() {
    let d = Demo::new();
    let f = fixture("azure/ea-actual.csv");
    let o = d.run("tester", &["import", &f]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("--view actual|amortized"), "{}", text(&o));

    let o = d.run("tester", &["import", "--view", "sideways", &f]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("--view: not a cost view"), "{}", text(&o));

    // The fixed form.
    let out = d.ok("tester", &["import", "--view", "actual", &f]);
    assert!(out.contains("azure") && out.contains("6 rows, 0 quarantined"), "{out}");
    let costs = d.ok("tester", &["costs", "--period", "2025-05", "--by", "payer", "--format", "csv"]);
    assert!(costs.contains("8611537,749.2119999999"), "{costs}");
    let effective =
        d.ok("tester", &["costs", "--period", "2025-05", "--by", "payer", "--basis", "effective", "--format", "csv"]);
    assert!(effective.contains("8611537,0"), "{effective}");

    // The amortised view of the same month adds effective cost and nothing to billed.
    // (A copy: the same content twice is the same file, and changes nothing.)
    let copy = d.dir.path().join("ea-amortized.csv");
    let mut body = std::fs::read_to_string(&f).unwrap();
    body.push('\n');
    std::fs::write(&copy, body).unwrap();
    let out = d.ok("tester", &["import", "--view", "amortized", copy.to_str().unwrap()]);
    assert!(out.contains("6 rows, 0 quarantined"), "{out}");
    let costs = d.ok("tester", &["costs", "--period", "2025-05", "--by", "payer", "--format", "csv"]);
    assert!(costs.contains("8611537,749.2119999999"), "{costs}");
    let effective =
        d.ok("tester", &["costs", "--period", "2025-05", "--by", "payer", "--basis", "effective", "--format", "csv"]);
    assert!(effective.contains("8611537,749.2119999999"), "{effective}");
}

#[test]
fn payg_payer_is_named_with_payer() {
    let d = Demo::new();
    let out = d.ok("tester", &["import", "--view", "actual", "--payer", "EA-PAYG", &fixture("azure/payg.csv")]);
    assert!(out.contains("payer EA-PAYG 2025-04"), "{out}");
    let o = d.run("tester", &["import", "--view", "actual", "--payer", "two words", &fixture("azure/payg.csv")]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
}

#[test]
fn a_refused_file_outranks_quarantined_rows_and_the_run_ends_with_a_tally() {
    let d = Demo::new();
    let o = d.run(
        "tester",
        &["import", "--view", "actual", &fixture("azure/localised.csv"), &fixture("quirks/unknown_header.csv")],
    );
    let t = text(&o);
    assert_eq!(o.status.code(), Some(2), "{t}");
    assert!(t.contains("2 quarantined"), "{t}");
    // one row is "1 row", in the tally and in the file's own line
    assert!(t.contains("2 files: 1 imported, 1 refused; 1 row, 2 quarantined"), "{t}");
    assert!(t.contains(", 1 row, 2 quarantined\n") && !t.contains("1 rows"), "{t}");

    let o = d.run("tester", &["import", &fixture("oci/cost-report.csv")]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(text(&o).contains("oci"), "{}", text(&o));
}

#[test]
fn a_closed_stdout_ends_the_import_quietly() {
    let d = Demo::new();
    let bin = env!("CARGO_BIN_EXE_billops");
    let script = format!(
        "'{bin}' --db '{}' import --view actual '{}' '{}' '{}' | head -c 1 >/dev/null; echo \"status=${{PIPESTATUS[0]}}\"",
        d.db,
        fixture("azure/ea-legacy-headers.csv"),
        fixture("azure/mca-csp.csv"),
        fixture("oci/cost-report.csv"),
    );
    let o = Command::new("bash")
        .arg("-c")
        .arg(script)
        .env("BILLOPS_DATA_DIR", d.dir.path().join("data"))
        .env("BILLOPS_CONFIG_DIR", d.dir.path().join("config"))
        .env("BILLOPS_USER", "tester")
        .output()
        .unwrap();
    let t = text(&o);
    assert!(!t.contains("panicked") && !t.contains("RUST_BACKTRACE"), "{t}");
    let status = t.lines().find_map(|l| l.strip_prefix("status=")).unwrap();
    assert!(status == "0" || status == "141", "{t}");
}

#[test]
fn two_exports_of_one_month_in_one_run_are_refused_but_parts_of_one_export_are_not() {
    let d = Demo::new();
    let header = "BillingAccountId,SubAccountId,BillingPeriodStart,ChargePeriodStart,ChargeCategory,ServiceName,BilledCost,InvoiceId";
    let row = |day: u32, cost: &str| format!("P9,A9,2025-07-01,2025-07-{day:02},Usage,S3,{cost},INV-9");
    let write = |name: &str, body: String| {
        let p = d.dir.path().join(name);
        std::fs::write(&p, body).unwrap();
        p.display().to_string()
    };
    let part1 = write("part1.csv", format!("{header}\n{}\n", row(1, "10")));
    let part2 = write("part2.csv", format!("{header}\n{}\n", row(2, "5")));
    // The same month again from another export: one more column, the same rows.
    let other = write("v12.csv", format!("{header},x_Version\n{},1.2\n{},1.2\n", row(1, "10"), row(2, "5")));
    let o = d.run("tester", &["import", &part1, &part2, &other]);
    let t = text(&o);
    assert_eq!(o.status.code(), Some(2), "{t}");
    assert!(t.contains("v12.csv: refused") && t.contains("payer P9 2025-07 is also in"), "{t}");
    assert!(t.contains("3 files: 2 imported, 1 refused"), "{t}");
    let costs = d.ok("tester", &["costs", "--period", "2025-07", "--by", "payer", "--format", "csv"]);
    assert!(costs.contains("P9,15"), "{costs}");
}
