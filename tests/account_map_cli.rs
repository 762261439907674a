//! `billops accounts assign --file map.csv` (header `account,customer,from`, a fixed form): all or nothing with the
//! bad line and column named; a manager's file assigns, an operator's records link proposals, a viewer's is refused.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{Demo, text};

fn unassigned(d: &Demo) -> Vec<String> {
    let csv = d.ok("dave", &["accounts", "list", "--unassigned", "--format", "csv"]);
    csv.lines().skip(1).map(|l| l.split(',').next().unwrap().to_string()).collect()
}

#[test]
fn a_mapping_file_assigns_all_or_nothing() {
    let d = Demo::new();
    let todo = unassigned(&d);
    assert!(!todo.is_empty(), "the demo leaves accounts to map: {todo:?}");
    let map = d.dir.path().join("map.csv");
    let mut body = String::from("account,customer,from\n");
    for a in &todo {
        body.push_str(&format!("{a},acme,2026-09-01\n"));
    }
    // and acme-dev moves to globex from October
    body.push_str("473019447224,globex,2026-10-01\n");
    // a bad date on the last line: nothing is assigned
    std::fs::write(&map, format!("{body}{},acme,2026-13-01\n", todo[0])).unwrap();
    let path = map.to_str().unwrap();
    let o = d.run("alice", &["accounts", "assign", "--file", path]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    let line = todo.len() + 3;
    assert!(text(&o).contains(&format!("line {line}, column 3 (from): not a date")), "{}", text(&o));
    assert_eq!(unassigned(&d), todo, "nothing was assigned");

    let o = d.run("dave", &["accounts", "assign", "--file", path]);
    assert_ne!(o.status.code(), Some(0), "a viewer maps nothing");

    std::fs::write(&map, &body).unwrap();
    let out = d.ok("bob", &["accounts", "assign", "--file", path]);
    assert!(out.contains(&format!("{} link proposal(s) recorded", todo.len() + 1)), "{out}");
    assert_eq!(unassigned(&d), todo, "an operator's rows are proposals");

    let o = d.run("alice", &["accounts", "assign", "--file", path]);
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.contains(&format!("{} account(s) assigned in one transaction", todo.len() + 1)), "{out}");
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(!err.contains("mapping"), "no waiting line when stderr is not a terminal: {err}");
    assert!(unassigned(&d).is_empty(), "{:?}", unassigned(&d));
    let acme = d.ok("dave", &["accounts", "list", "--format", "csv"]);
    assert!(acme.lines().any(|l| l.starts_with("473019447224,") && l.contains(",globex,")), "{acme}");
    let costs = d.ok("dave", &["costs", "--period", "2026-09", "--by", "customer", "--format", "csv"]);
    assert!(!costs.contains("(unassigned)"), "September's cost moved: {costs}");

    let o = d.run("alice", &["accounts", "assign", "x", "acme", "--file", path]);
    assert_eq!(o.status.code(), Some(2), "one form or the other (a usage error): {}", text(&o));
    std::fs::write(&map, "acct,customer,from\n1,acme,\n").unwrap();
    let o = d.run("alice", &["accounts", "assign", "--file", path]);
    assert!(text(&o).contains("the header must be account,customer,from"), "{}", text(&o));
}

#[test]
fn an_import_names_a_few_new_accounts_and_counts_the_rest() {
    let d = Demo::empty(&["alice"]);
    let mut csv = common::quiet_month_csv("2026-05");
    let row = csv.lines().nth(1).unwrap().to_string();
    for n in 0..12 {
        csv.push_str(&row.replace("900000000099", &format!("9100000000{n:02}")).replace("res-q", &format!("res-{n}")));
        csv.push('\n');
    }
    let file = d.dir.path().join("many.csv");
    std::fs::write(&file, csv).unwrap();
    let out = d.ok("alice", &["import", file.to_str().unwrap()]);
    let line = out.lines().find(|l| l.contains("new unassigned account(s)")).unwrap_or_else(|| panic!("{out}"));
    assert!(
        line.contains("13 new unassigned account(s): ") && line.contains(" and 3 more (billops accounts list"),
        "{line}"
    );
    let named = line.split(": ").nth(1).unwrap().split(" and ").next().unwrap();
    assert_eq!(named.split(", ").count(), 10, "ten named: {line}");
}
