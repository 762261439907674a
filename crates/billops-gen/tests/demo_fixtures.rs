//! The committed demo book cannot drift from the generator: regenerating it must give the same bytes.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use billops_gen::{read_manifest, write_demo};

fn committed() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/demo")
}

fn names(dir: &Path) -> BTreeSet<String> {
    fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect()
}

#[test]
fn regenerated_demo_is_byte_identical_to_the_committed_fixtures() {
    let tmp = tempfile::tempdir().unwrap();
    let summary = write_demo(tmp.path()).unwrap();
    let fixed = committed();
    let hint = "regenerate with `cargo run -p billops-gen -- demo --out fixtures/demo` and commit the result";
    assert_eq!(names(tmp.path()), names(&fixed), "file set differs; {hint}");
    for name in names(tmp.path()) {
        let fresh = fs::read(tmp.path().join(&name)).unwrap();
        let old = fs::read(fixed.join(&name)).unwrap();
        assert!(fresh == old, "{name} differs from fixtures/demo/{name}; {hint}");
    }
    assert_eq!(summary.written.len(), names(&fixed).len());
}

#[test]
fn demo_book_has_the_promised_shape() {
    let dir = committed();
    let m = read_manifest(&dir).unwrap();
    let total: u64 = names(&dir).iter().map(|n| fs::metadata(dir.join(n)).unwrap().len()).sum();
    assert!(total < 3 * 1024 * 1024, "demo book is {total} bytes");
    assert_eq!(m.payers.len(), 3);
    assert_eq!(m.files.len(), 12);
    let formats: BTreeSet<_> = m.payers.iter().map(|p| p.format.as_str()).collect();
    assert_eq!(formats.into_iter().collect::<Vec<_>>(), ["cur", "cur2", "focus"]);
    assert_eq!(m.bad_rows.len(), 1);
    assert_eq!(m.files.iter().map(|f| f.bad_rows).sum::<u64>(), 1);
    assert_eq!(m.bad_rows[0].value, "12.3.4");
    for f in &m.files {
        assert!((2000..6000).contains(&f.rows), "{} has {} rows", f.name, f.rows);
        assert_eq!(f.invoice_id.is_empty(), f.status == "estimated", "{}", f.name);
        assert_eq!(f.status == "estimated", f.period.to_string() == "2026-10", "{}", f.name);
        let ext = if f.compression == "zip" { ".csv.zip" } else { ".csv.gz" };
        assert_eq!(f.name, format!("payer-{}-{}{ext}", f.payer_id, f.period));
    }

    let customers = fs::read_to_string(dir.join("customers.csv")).unwrap();
    assert_eq!(customers.lines().count() - 1, 25);
    let accounts = fs::read_to_string(dir.join("accounts.csv")).unwrap();
    let ids: BTreeSet<&str> = accounts.lines().skip(1).filter_map(|l| l.split(',').next()).collect();
    assert_eq!(ids.len() + m.unassigned_accounts.len(), 120);
    assert_eq!(m.unassigned_accounts.len(), 1);
    assert!(!ids.contains(m.unassigned_accounts[0].account_id.as_str()));
    assert_eq!(m.account_moves.len(), 1);
    let mv = &m.account_moves[0];
    let rows: Vec<&str> = accounts.lines().filter(|l| l.starts_with(&mv.account_id)).collect();
    assert_eq!(rows.len(), 2, "{rows:?}");
    assert!(rows[1].ends_with(&format!(",{},2026-09-15", mv.to_customer)));
    let users = fs::read_to_string(dir.join("users.csv")).unwrap();
    assert!(users.contains("alice,manager") && users.contains("bob,operator"));
    // Variance is interesting: some customers grow, some shrink, month over month.
    let (jul, aug) = ("2026-07".parse().unwrap(), "2026-08".parse().unwrap());
    let moves: Vec<_> = ["acme", "hooli", "piedpiper", "bluth"]
        .iter()
        .map(|c| m.customer_period(c, aug) > m.customer_period(c, jul))
        .collect();
    assert_eq!(moves, [true, false, true, false]);
}
