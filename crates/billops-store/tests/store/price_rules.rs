//! `add_price_rules`: a customer's rules added in one transaction — all of them in order, or none when one is
//! refused midway (a rule starting in a signed-off month, a rule not starting on a month's first day).
use std::sync::Arc;

use billops_domain::Role;
use billops_domain::close::CloseConfig;
use billops_domain::rating::{Pricing, RuleScope};
use billops_store::{NewPriceRule, Store, StoreError};

use crate::parties::customer;
use crate::support::{actor, d, date, p, quiet_month};

fn rule(pct: &str, from: &str) -> NewPriceRule {
    NewPriceRule { scope: RuleScope::any(), pricing: Pricing::markup(d(pct)).unwrap(), from: date(from) }
}

async fn price_rules_all_or_none(s: Arc<dyn Store>) {
    let alice = actor("alice", 3);
    s.set_user("alice", Role::Manager, &alice).await.unwrap();
    s.add_customer(&customer("ACME"), &alice).await.unwrap();
    quiet_month(&s, "2026-03", "P0", &alice).await;
    s.sign_off(p("2026-03"), &CloseConfig::default(), date("2026-04-08"), "quiet", &alice).await.unwrap();

    // the second rule starts in the signed-off month: the first is not kept either
    let e = s.add_price_rules("ACME", &[rule("1", "2026-05-01"), rule("2", "2026-03-01")], &alice).await;
    assert!(matches!(&e, Err(StoreError::Locked { period, .. }) if period == "2026-03"), "{e:?}");
    assert!(s.list_price_rules("ACME").await.unwrap().is_empty(), "nothing of a refused batch is written");
    // the third does not start on a month's first day: refused naming it, nothing added
    let e = s
        .add_price_rules("ACME", &[rule("1", "2026-05-01"), rule("2", "2026-06-01"), rule("3", "2026-06-15")], &alice)
        .await
        .unwrap_err();
    assert!(matches!(&e, StoreError::Invalid(m) if m.starts_with("rule 3:")), "{e}");
    assert!(s.list_price_rules("ACME").await.unwrap().is_empty());
    let audit = s.audit(&Default::default()).await.unwrap();
    assert!(!audit.iter().any(|a| a.action == "pricebook.add"), "no audit entry of a rolled-back rule");

    // all good: every rule, in the given order, after the existing ones
    s.add_price_rule("ACME", RuleScope::any(), Pricing::markup(d("9")).unwrap(), date("2026-04-01"), &alice)
        .await
        .unwrap();
    let added = s.add_price_rules("ACME", &[rule("1", "2026-05-01"), rule("2", "2026-06-01")], &alice).await.unwrap();
    assert_eq!(added.len(), 2);
    let rules = s.list_price_rules("ACME").await.unwrap();
    let pricing: Vec<_> = rules.iter().map(|r| r.rule.pricing()).collect();
    assert_eq!(
        pricing,
        [Pricing::markup(d("9")).unwrap(), Pricing::markup(d("1")).unwrap(), Pricing::markup(d("2")).unwrap()]
    );
    assert_eq!(rules[1].id, added[0].id);
    // a viewer adds none
    s.set_user("vic", Role::Viewer, &alice).await.unwrap();
    let e = s.add_price_rules("ACME", &[rule("1", "2026-07-01")], &actor("vic", 4)).await;
    assert!(matches!(e, Err(StoreError::Forbidden(_))), "{e:?}");
    assert_eq!(s.list_price_rules("ACME").await.unwrap().len(), 3);
}
store_test!(price_rules_all_or_none => price_rules_all_or_none_sqlite, price_rules_all_or_none_postgres);
