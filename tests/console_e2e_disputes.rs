//! End to end (issue 10): the real binary in a pseudo-terminal at 80x24 on a demo store. acme's 2026-08
//! invoice is issued (CLI); in the console bob disputes one of its lines and accepts the dispute; alice settles
//! it by a PPA and approves it (under the maker-checker threshold one person may); the 2026-09 draft is
//! generated (CLI) and the PPA's detail shows the chain original line → PPA → the new invoice's lines.
//! An SLA claim from incident to pass-through: assessed on this month's imported EC2 usage, submitted (bob),
//! approved, credited and passed through (alice) as proposed SLA service credits seen in the Credits pane.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod pty_common;

use chrono::Datelike;
use pty_common::{Tui, cli, stdout};

/// Run the CLI on the store at `url` as `user`; it must succeed. Its stdout.
fn ok_in(url: &str, home: &std::path::Path, user: &str, args: &[&str]) -> String {
    let o = cli(url, home, user, args);
    assert!(o.status.success(), "{args:?}: {}{}", stdout(&o), String::from_utf8_lossy(&o.stderr));
    stdout(&o)
}

#[test]
fn a_dispute_becomes_a_ppa_posted_on_the_next_draft() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite:{}", dir.path().join("demo.db").display());
    let ok = |user: &str, args: &[&str]| ok_in(&url, dir.path(), user, args);
    ok("alice", &["demo"]);
    ok("bob", &["invoices", "generate", "--period", "2026-08", "--customer", "acme"]);
    ok("bob", &["invoices", "review", "1"]);
    ok("alice", &["invoices", "approve", "1"]);
    ok("alice", &["invoices", "issue", "1"]);
    // The first billed line (stripped supplier items come first, at zero).
    let v: serde_json::Value =
        serde_json::from_str(&ok("dave", &["invoices", "export", "1", "--format", "json"])).unwrap();
    let line = v["draft"]["stripped"].as_array().unwrap().len() + 1;

    let mut t = Tui::spawn(&url, dir.path(), "bob", &[]);
    t.wait_for("bob (operator)");
    t.keys("'s");
    t.wait_for("disputes (D new");
    t.keys("D");
    t.wait_for("open a dispute on an issued invoice");
    t.keys(&format!("INV-000001<tab>{line}<tab>10<tab><tab>contract rate is lower<enter>"));
    t.wait_for("dispute 1 opened on invoice INV-000001");
    t.wait_line(&["1", "open", "INV-000001", "10.00"]);
    t.keys("a");
    t.wait_for("accept dispute 1");
    t.keys("rate confirmed<enter>");
    t.wait_for("dispute 1 accepted");
    t.quit();

    let mut t = Tui::spawn(&url, dir.path(), "alice", &[]);
    t.wait_for("alice (manager)");
    t.keys("'s");
    t.wait_line(&["1", "accepted", "INV-000001"]);
    t.keys("p");
    t.wait_for("settle by PPA dispute 1");
    t.keys("<enter>");
    t.wait_for("dispute 1 settled");
    t.keys("v");
    t.wait_line(&["1", "proposed", "acme", "-10.00"]);
    t.keys("a");
    t.wait_for("approve PPA 1");
    t.keys("checked<enter>");
    t.wait_for("PPA 1 approved");
    t.quit();

    ok("bob", &["invoices", "generate", "--period", "2026-09", "--customer", "acme"]);
    let mut t = Tui::spawn(&url, dir.path(), "dave", &[]);
    t.wait_for("dave (viewer)");
    t.keys("'sv");
    t.wait_line(&["1", "posted", "acme", "2026-09"]);
    t.keys("<enter>");
    t.wait_for("original line → PPA → new invoice line");
    t.wait_line(&["original", "INV-000001", "2026-08"]);
    t.wait_line(&["posted", "draft #2", "2026-09"]);
    t.wait_for("PPA-1 reversal of INV-000001 line");
    t.keys("<esc>");
    t.wait_for("prior-period adjustments");
    t.quit();
}

/// A usage file for `month` (`YYYY-MM`): EC2 in us-east-1 for acme (600) and globex (400) under the demo payer.
fn ec2_usage(month: &str, next: &str) -> String {
    let header = "identity_line_item_id,identity_time_interval,bill_invoice_id,bill_billing_entity,bill_bill_type,\
bill_payer_account_id,bill_payer_account_name,bill_billing_period_start_date,bill_billing_period_end_date,\
line_item_usage_account_id,line_item_usage_account_name,line_item_line_item_type,line_item_usage_start_date,\
line_item_usage_end_date,line_item_product_code,line_item_usage_type,line_item_operation,line_item_resource_id,\
line_item_usage_amount,line_item_currency_code,line_item_unblended_cost,line_item_net_unblended_cost,\
pricing_public_on_demand_cost,pricing_unit,product_region_code,reservation_effective_cost,\
savings_plan_savings_plan_effective_cost,resource_tags";
    let row = |id: &str, account: &str, name: &str, cost: &str| {
        format!(
            "{id},{month}-01T00:00:00Z/{month}-02T00:00:00Z,,AWS,Anniversary,731245098812,Meridian Cloud Payer,\
{month}-01 00:00:00,{next}-01 00:00:00,{account},{name},Usage,{month}-01 00:00:00,{month}-02 00:00:00,AmazonEC2,\
BoxUsage:m6i.xlarge,RunInstances,i-{id},100,USD,{cost},{cost},{cost},Hrs,us-east-1,,,\n"
        )
    };
    format!(
        "{header}\n{}{}",
        row("a1", "886139668841", "acme-prod", "600"),
        row("g1", "850523697190", "globex-prod", "400")
    )
}

#[test]
fn an_sla_claim_is_passed_through_as_proposed_customer_credits() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite:{}", dir.path().join("demo.db").display());
    let ok = |user: &str, args: &[&str]| ok_in(&url, dir.path(), user, args);
    ok("alice", &["demo"]);
    // The incident is in this month, so the claim is inside its deadline (the end of the second cycle after).
    let today = chrono::Utc::now().date_naive();
    let month = today.format("%Y-%m").to_string();
    let next = (today.with_day(1).unwrap() + chrono::Months::new(1)).format("%Y-%m").to_string();
    let file = dir.path().join(format!("ec2-{month}.csv"));
    std::fs::write(&file, ec2_usage(&month, &next)).unwrap();
    ok("bob", &["import", file.to_str().unwrap()]);

    let mut t = Tui::spawn(&url, dir.path(), "bob", &[]);
    t.wait_for("bob (operator)");
    t.keys("'svv");
    t.wait_for("SLA claims (n new");
    t.keys("n");
    t.wait_for("assess an SLA claim against the supplier");
    t.keys(&format!("AmazonEC2<tab>us-east-1<tab>{month}-01T01:00<tab>{month}-01T09:00<tab>98.5<enter>"));
    // The base is the imported usage: 600 + 400; tier 30%.
    t.wait_for("SLA claim 1: uptime 98.5% → tier 30% of 1,000.00 = 300.00 USD");
    t.wait_line(&["1", "draft", "AmazonEC2 us-east-1", &month, "300.00"]);
    t.keys("u");
    t.wait_for("submit SLA claim 1");
    t.keys("case 4711<enter>");
    t.wait_for("SLA claim 1 submitted");
    // The supplier's decision is a manager's.
    t.keys("a");
    t.wait_for("approvals need the manager role");
    t.quit();

    let mut t = Tui::spawn(&url, dir.path(), "alice", &[]);
    t.wait_for("alice (manager)");
    t.keys("'svv");
    t.wait_line(&["1", "submitted", "AmazonEC2 us-east-1"]);
    t.keys("a");
    t.wait_for("approve SLA claim 1");
    t.keys("supplier accepted<enter>");
    t.wait_for("SLA claim 1 approved");
    t.keys("c");
    t.wait_for("mark SLA claim 1 credited");
    t.keys("<enter>");
    t.wait_for("SLA claim 1 credited");
    t.keys("P");
    t.wait_for("pass SLA claim 1 through: 300.00 USD");
    t.keys("<enter>");
    t.wait_for("SLA claim 1 passed through: 2 credit(s) proposed");
    t.wait_line(&["1", "passed_through", "AmazonEC2 us-east-1"]);
    // The Credits pane's queue: one SLA service credit per customer, in proportion to its usage.
    t.keys("'r");
    t.wait_line(&["proposed", "acme", "SLA service", "180.00"]);
    t.wait_line(&["proposed", "globex", "SLA service", "120.00"]);
    t.quit();
}
