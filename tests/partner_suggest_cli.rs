//! `billops accounts suggest` on an Azure CSP export (fixtures/azure/csp-partners.csv: two customers' four
//! subscriptions, one customer's tenant id recorded in billops, one new): the import says how many accounts
//! have partner fields, the list says why per account, `--apply` makes a manager's assignments, an operator's
//! link proposals, and refuses a viewer; a re-import of the file changes nothing.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{Demo, text};

const SUB: &str = "d0000000-0000-4000-8000-00000000000";

fn fixture() -> String {
    format!("{}/fixtures/azure/csp-partners.csv", env!("CARGO_MANIFEST_DIR"))
}

fn customer_of(d: &Demo, account: &str) -> String {
    let csv = d.ok("dave", &["accounts", "list", "--format", "csv"]);
    let line = csv.lines().find(|l| l.starts_with(account)).unwrap_or_else(|| panic!("{account}: {csv}"));
    line.split(',').nth(3).unwrap().to_string()
}

#[test]
fn partner_fields_suggest_customers_and_apply_by_role() {
    let d = Demo::empty(&["alice"]);
    d.ok("alice", &["users", "add", "bob", "--role", "operator"]);
    d.ok("alice", &["users", "add", "dave", "--role", "viewer"]);
    d.ok("alice", &["customers", "add", "contoso", "Contoso Retail", "--currency", "EUR"]);
    let out = d.ok("bob", &["customers", "tenant", "contoso", "3F2A6C1E-0000-4000-8000-00000000C0DE"]);
    assert!(out.contains("recorded"), "{out}");
    let o = d.run("bob", &["customers", "tenant", "contoso", "other-tenant"]);
    assert_eq!(o.status.code(), Some(1), "an operator does not change a recorded tenant id: {}", text(&o));
    assert!(d.ok("dave", &["accounts", "suggest"]).contains("nothing to suggest"));

    let file = fixture();
    let out = d.ok("bob", &["import", "--view", "actual", &file]);
    assert!(out.contains("4 unassigned accounts have partner fields: `billops accounts suggest`"), "{out}");

    let table = d.ok("dave", &["accounts", "suggest", "--period", "2025-06"]);
    assert!(table.contains("contoso (tenant id 3f2a6c1e-0000-4000-8000-00000000c0de)"), "{table}");
    assert!(table.contains("new customer Fabrikam Health (code proposed: fabrikam-health)"), "{table}");
    assert!(table.contains("4 suggestions: take them with `billops accounts suggest --apply`"), "{table}");
    let json = d.json("dave", &["accounts", "suggest", "--period", "2025-06", "--format", "json"]);
    let rows = json.as_array().unwrap();
    let got: Vec<(String, String, String, String)> = rows
        .iter()
        .map(|r| {
            let f = |k: &str| r[k].as_str().unwrap().to_string();
            (f("account"), f("suggested"), f("why"), f("from"))
        })
        .collect();
    let want: Vec<(String, String, String, String)> = [
        ("1", "contoso", "tenant id"),
        ("2", "contoso", "tenant id"),
        ("3", "fabrikam-health", "new"),
        ("4", "fabrikam-health", "new"),
    ]
    .iter()
    .map(|(n, c, w)| (format!("{SUB}{n}"), c.to_string(), w.to_string(), "2025-06-01".to_string()))
    .collect();
    assert_eq!(got, want);
    assert_eq!(rows[2]["reseller_name"], "Reseller Two");

    // the same file again: refused (exit 2), the suggestions as they were
    let o = d.run("bob", &["import", "--view", "actual", &file]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert_eq!(d.json("dave", &["accounts", "suggest", "--period", "2025-06", "--format", "json"]), json);

    // a viewer takes nothing
    let o = d.run("dave", &["accounts", "suggest", "--apply", "--period", "2025-06"]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(text(&o).contains("needs the operator role"), "{}", text(&o));
    assert!(!d.ok("dave", &["customers", "list"]).contains("fabrikam"), "nothing created");

    // an operator's: the new customer is created, the link proposed (not assigned)
    let sub3 = format!("{SUB}3");
    let out = d.ok("bob", &["accounts", "suggest", "--apply", "--period", "2025-06", "--only", &sub3]);
    assert!(out.contains("new customer(s) created: fabrikam-health"), "{out}");
    assert!(out.contains("you are an operator: suggestions are proposals. 1 link proposal recorded"), "{out}");
    let customers = d.ok("dave", &["customers", "list", "--format", "csv"]);
    assert!(customers.contains("fabrikam-health,Fabrikam Health,EUR,"), "{customers}");
    assert_eq!(customer_of(&d, &sub3), "");
    let proposals = d.ok("dave", &["accounts", "proposals", "--format", "csv"]);
    assert!(proposals.contains(&sub3) && proposals.contains("fabrikam-health"), "{proposals}");

    // a manager's: the other three assigned in one transaction
    let out = d.ok("alice", &["accounts", "suggest", "--apply", "--period", "2025-06"]);
    assert!(out.contains("3 accounts assigned from 2025-06-01 in one transaction"), "{out}");
    assert!(out.contains(&format!("{SUB}4 (fabrikam-data) → fabrikam-health (tenant id")), "{out}");
    for (n, c) in [("1", "contoso"), ("2", "contoso"), ("4", "fabrikam-health")] {
        assert_eq!(customer_of(&d, &format!("{SUB}{n}")), c);
    }
    let costs = d.ok("dave", &["costs", "--period", "2025-06", "--by", "customer", "--format", "csv"]);
    assert!(costs.lines().any(|l| l.starts_with("contoso,") && l.contains("96.4")), "{costs}");
    assert!(d.ok("alice", &["accounts", "suggest"]).contains("nothing to suggest"), "the proposed one waits");
    let empty = d.json("alice", &["accounts", "suggest", "--format", "json"]);
    assert_eq!(empty, serde_json::json!([]));
    let o = d.run("alice", &["accounts", "suggest", "--apply", "--only", "nope"]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(text(&o).contains("no suggestion for account(s) nope"), "{}", text(&o));
}
