//! Hand-typed fields are bounded by the domain's constructors before anything is written: an oversized or
//! control-character code, name or reason is refused naming the field and the limit; customer codes that
//! differ only in case are one customer.
use std::sync::Arc;

use billops_domain::money::RoundingRule;
use billops_domain::rating::{Pricing, RuleScope};
use billops_domain::terms::Percent;
use billops_store::{
    AuditFilter, CustomerTerms, NewAccountCode, NewCustomer, NewTerms, Store, StoreError, TermsDiscount,
};

use crate::parties::customer;
use crate::support::{actor, d, date};

fn invalid<T: std::fmt::Debug>(r: Result<T, StoreError>) -> String {
    match r {
        Err(StoreError::Invalid(m)) => m,
        other => panic!("expected Invalid, got {other:?}"),
    }
}

async fn hand_typed_fields_are_bounded(s: Arc<dyn Store>) {
    let by = actor("alice", 3);
    let huge = NewCustomer { code: "A".repeat(100_000), ..customer("X") };
    assert_eq!(invalid(s.add_customer(&huge, &by).await), "customer code: at most 64 characters (this one has 100000)");
    let hostile = NewCustomer { code: "crm\u{1b}[2J".into(), ..customer("X") };
    assert!(invalid(s.add_customer(&hostile, &by).await).starts_with("customer code: no control characters"));
    let long_name = NewCustomer { name: "n".repeat(201), ..customer("LONGNAME") };
    assert_eq!(
        invalid(s.add_customer(&long_name, &by).await),
        "customer name: at most 200 characters (this one has 201)"
    );
    let bell = NewCustomer { name: "Evil\u{7} Corp".into(), ..customer("BELL") };
    assert!(invalid(s.add_customer(&bell, &by).await).starts_with("customer name: no control characters"));
    // a formula-looking name is legal text (CSV guards it on the way out), within the limits
    let formula = NewCustomer { name: "=HYPERLINK(\"http://evil\",\"x\")".into(), ..customer("evil") };
    s.add_customer(&formula, &by).await.unwrap();
    s.add_customer(&NewCustomer { code: "C".repeat(64), ..customer("X") }, &by).await.unwrap();
    assert_eq!(s.list_customers().await.unwrap().len(), 2, "nothing refused was written");
    let audit = s.audit(&AuditFilter { action: Some("customer.".into()), ..Default::default() }).await.unwrap();
    assert_eq!(audit.len(), 2);

    // codes that differ only in case are refused, naming the existing one
    s.add_customer(&customer("ACME"), &by).await.unwrap();
    match s.add_customer(&customer("acme"), &by).await {
        Err(StoreError::Conflict(m)) => assert!(m.contains("ACME") && m.contains("case"), "{m}"),
        other => panic!("{other:?}"),
    }

    // account codes: one word of at most 64 characters
    let code =
        |code: &str| NewAccountCode { scope: "customer:ACME".into(), code: code.into(), from: date("2026-01-01") };
    let m = invalid(s.set_account_code(&code(&"G".repeat(65)), &by).await);
    assert_eq!(m, "account code: at most 64 characters (this one has 65)");
    assert!(invalid(s.set_account_code(&code("GL 4100"), &by).await).starts_with("account code: must be one word"));
    s.set_account_code(&code("GL-4100"), &by).await.unwrap();

    // free text: reasons and notes at most 2,000 characters, no control characters
    let m = invalid(s.resolve_issue(1, &"r".repeat(2001), &by).await);
    assert_eq!(m, "note: at most 2000 characters (this one has 2001)");
    let m = invalid(s.decide_link(1, false, "no\u{1b}]2;PWNED\u{7}", &by).await);
    assert!(m.starts_with("reason: no control characters"), "{m}");

    // the discount label is printed on invoices: a name, bounded
    let discount = TermsDiscount { pct: Percent::new(d("5")).unwrap(), label: "L".repeat(201) };
    let terms = CustomerTerms {
        tax_rate: Percent::new(d("0")).unwrap(),
        discount: Some(discount),
        rounding: RoundingRule::HalfAwayFromZero,
        due_days: 30,
    };
    let t = NewTerms { customer: "ACME".into(), from: date("2026-01-01"), terms };
    assert_eq!(invalid(s.set_terms(&t, &by).await), "discount label: at most 200 characters (this one has 201)");
    let scope = RuleScope::any().service("Amazon\u{1b}[2JEC2");
    let m = invalid(s.add_price_rule("ACME", scope, Pricing::markup(d("5")).unwrap(), date("2026-01-01"), &by).await);
    assert!(m.starts_with("rule service: no control characters"), "{m}");
}
store_test!(hand_typed_fields_are_bounded => hand_typed_fields_are_bounded_sqlite, hand_typed_fields_are_bounded_postgres);
