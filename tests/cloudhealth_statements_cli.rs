//! `billops cloudhealth statements import|list` and `billops recon PERIOD --statements` on the demo store:
//! Estimated then Final, the same file twice refused, faulty rows and unknown customers refusing the file with
//! file, line and column (nothing imported), and the customer tie-out with its exit code.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{Demo, text};

fn fixture(name: &str) -> String {
    format!("{}/fixtures/cloudhealth/{name}", env!("CARGO_MANIFEST_DIR"))
}

fn tie(d: &Demo) -> Vec<serde_json::Value> {
    let o = d.run("tester", &["recon", "2026-10", "--statements", "--format", "json"]);
    assert!(matches!(o.status.code(), Some(0 | 4)), "{}", text(&o));
    serde_json::from_slice::<serde_json::Value>(&o.stdout).unwrap().as_array().unwrap().clone()
}

fn row<'a>(rows: &'a [serde_json::Value], customer: &str) -> &'a serde_json::Value {
    rows.iter().find(|r| r["customer"] == customer).unwrap_or_else(|| panic!("{customer}: {rows:?}"))
}

#[test]
fn statements_import_estimated_then_final_and_tie_out_per_customer() {
    let d = Demo::new();
    d.ok("tester", &["invoices", "generate", "--period", "2026-10"]);
    let before = tie(&d);
    let acme = row(&before, "acme");
    assert_eq!((acme["status"].as_str(), acme["cloudhealth"].as_str()), (Some("no statement"), Some("-")), "{acme}");
    let invoiced = acme["invoiced"].as_str().unwrap().to_string();

    let est = fixture("statements-estimated.csv");
    let out = d.ok("tester", &["cloudhealth", "statements", "import", &est]);
    assert!(out.contains("2 statement(s): 2 added, 0 replaced"), "{out}");
    let again = d.run("tester", &["cloudhealth", "statements", "import", &est]);
    assert_eq!(again.status.code(), Some(2), "{}", text(&again));
    assert!(text(&again).contains("already imported") && text(&again).contains("nothing changed"), "{}", text(&again));

    // the Final with billops' own total: matches; Globex's estimate is flagged as not final
    let fin = d.dir.path().join("final.csv");
    std::fs::write(
        &fin,
        format!("Customer Name,Billing Period,Status,Total,Currency\nacme,2026-10,Final,{invoiced},USD\n"),
    )
    .unwrap();
    let out = d.ok("tester", &["cloudhealth", "statements", "import", fin.to_str().unwrap()]);
    assert!(out.contains("replaced the estimated 1000 USD"), "{out}");
    let o = d.run("tester", &["recon", "2026-10", "--statements"]);
    assert_eq!(o.status.code(), Some(4), "not every customer has a Final statement: {}", text(&o));
    assert!(text(&o).contains("an estimated statement is not final"), "{}", text(&o));
    let after = tie(&d);
    let acme = row(&after, "acme");
    assert_eq!((acme["status"].as_str(), acme["difference"].as_str()), (Some("matches"), Some("0")), "{acme}");
    assert_eq!(acme["statement"].as_str(), Some("final"));
    let globex = row(&after, "globex");
    assert_eq!(globex["status"].as_str(), Some("estimated, not final"), "{globex}");
    assert_eq!(globex["cloudhealth"].as_str(), Some("2000.5"));

    // faulty rows: every fault, with file, line and column; nothing imported
    let bad = d.run("tester", &["cloudhealth", "statements", "import", &fixture("statements-bad.csv")]);
    assert_eq!(bad.status.code(), Some(2), "{}", text(&bad));
    let t = text(&bad);
    for col in ["Billing Period", "Statement Status", "Total", "Currency"] {
        assert!(t.contains(&format!("statements-bad.csv:3: column {col}:")), "{col}: {t}");
    }
    // a customer billops does not know: refused, named, nothing of the file imported
    let unknown = d.run("tester", &["cloudhealth", "statements", "import", &fixture("statements-unknown.csv")]);
    assert_eq!(unknown.status.code(), Some(2), "{}", text(&unknown));
    let t = text(&unknown);
    assert!(
        t.contains("statements-unknown.csv:3: column Customer Name / Customer ID: \"Blue Sun Corp\" matches no billops customer"),
        "{t}"
    );
    let list = d.ok("tester", &["cloudhealth", "statements", "list", "--history", "--format", "csv"]);
    assert_eq!(list.lines().count(), 4, "header + 2 estimated + 1 final: {list}");
    let current = d.ok("tester", &["cloudhealth", "statements", "list", "--period", "2026-10", "--format", "csv"]);
    assert_eq!(current.lines().count(), 3, "{current}");
}

#[test]
fn a_dry_run_says_what_the_import_would_do_and_writes_nothing() {
    let d = Demo::new();
    let est = fixture("statements-estimated.csv");
    let list = |d: &Demo| d.json("tester", &["cloudhealth", "statements", "list", "--format", "json"]);
    let out = d.ok("tester", &["cloudhealth", "statements", "import", "--dry-run", &est]);
    assert!(out.contains("would be added"), "{out}");
    assert!(out.contains("dry run, nothing written: ") && out.contains("2 statement(s): 2 added"), "{out}");
    assert_eq!(list(&d), serde_json::json!([]), "nothing written");
    // nothing written, so the real import still takes the file; a dry run of it after is refused as it would be
    d.ok("tester", &["cloudhealth", "statements", "import", "--dry-run", &est]);
    d.ok("tester", &["cloudhealth", "statements", "import", &est]);
    let imported = list(&d);
    assert_eq!(imported.as_array().unwrap().len(), 2);
    let o = d.run("tester", &["cloudhealth", "statements", "import", "--dry-run", &est]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("already imported"), "{}", text(&o));
    // a Final over the estimate: would replace it; still only the estimate stored
    let fin = d.dir.path().join("final.csv");
    std::fs::write(&fin, "Customer Name,Billing Period,Status,Total,Currency\nacme,2026-10,Final,990,USD\n").unwrap();
    let out = d.ok("tester", &["cloudhealth", "statements", "import", "--dry-run", fin.to_str().unwrap()]);
    assert!(out.contains("would replace the estimated 1000 USD"), "{out}");
    assert_eq!(list(&d), imported);
    // refusals keep the import's exit codes: a faulty or unmapped row 2, an unreadable file 1
    for bad in ["statements-bad.csv", "statements-unknown.csv"] {
        let o = d.run("tester", &["cloudhealth", "statements", "import", "--dry-run", &fixture(bad)]);
        assert_eq!(o.status.code(), Some(2), "{bad}: {}", text(&o));
    }
    let o = d.run("tester", &["cloudhealth", "statements", "import", "--dry-run", "/nonexistent/x.csv"]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert_eq!(list(&d), imported);
}
