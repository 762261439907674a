//! Per-contract interest terms and per-service SLA tiers as data (migration 0014) on both backends: effective
//! dated rows per customer (a new row closes the open one, overlaps refused, all rows or none), the rule in
//! effect on the first day of accrual with the customer's rate table, managers only, audited; SLA tiers seeded
//! with the compute tiers as the default, per-service tiers used by claim assessment.
use std::sync::Arc;

use billops_domain::Money;
use billops_domain::Role;
use billops_domain::interest::Engine;
use billops_domain::sla::{ClaimInput, SlaTier};
use billops_domain::terms::Percent;
use billops_store::{AuditFilter, NewInterestTerms, Store, StoreError};
use chrono::{NaiveDate, TimeZone, Utc};

use crate::parties::customer;
use crate::support::{actor, d};

fn day(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn pct(s: &str) -> Percent {
    Percent::new(d(s)).unwrap()
}

fn row(c: &str, engine: Engine, rate: &str, from: &str, to: Option<&str>) -> NewInterestTerms {
    NewInterestTerms {
        customer: c.into(),
        rule: engine.name().into(),
        terms: engine.terms(),
        rate: pct(rate),
        from: day(from),
        to: to.map(day),
    }
}

async fn interest_terms_and_sla_tiers_are_data(s: Arc<dyn Store>) {
    let root = actor("root", 1);
    s.set_user("root", Role::Manager, &root).await.unwrap();
    s.set_user("olga", Role::Operator, &root).await.unwrap();
    s.add_customer(&customer("ACME"), &root).await.unwrap();
    s.add_customer(&customer("GLOBEX"), &root).await.unwrap();
    let mgr = actor("root", 2);

    assert_eq!(s.customer_interest("ACME", day("2026-02-01")).await.unwrap(), None, "no terms yet");
    let jan = [row("ACME", Engine::PromptPayment, "6.5", "2026-01-01", None)];
    let e = s.set_interest_terms(&jan, &actor("olga", 2)).await;
    assert!(matches!(e, Err(StoreError::Forbidden(_))), "an operator may not set contract terms");

    // Prompt payment at 6.5% from January, 6% from July: the January row is closed at July.
    s.set_interest_terms(&[row("ACME", Engine::PromptPayment, "6.5", "2026-01-01", None)], &mgr).await.unwrap();
    s.set_interest_terms(&[row("ACME", Engine::PromptPayment, "6", "2026-07-01", None)], &mgr).await.unwrap();
    let rows = s.interest_terms(Some("ACME")).await.unwrap();
    let ranges: Vec<_> = rows.iter().map(|r| (r.from, r.to, r.rate)).collect();
    assert_eq!(ranges, [(day("2026-01-01"), Some(day("2026-07-01")), pct("6.5")), (day("2026-07-01"), None, pct("6"))]);
    // The Treasury's example on the customer's terms: $1,500 at 6.5% paid 10 days late → $2.71.
    let ci = s.customer_interest("ACME", day("2026-01-02")).await.unwrap().unwrap();
    assert_eq!(ci.rule, "prompt-payment");
    let c = ci.interest.compute(&Money::new(d("1500"), "USD"), day("2026-01-01"), day("2026-01-11")).unwrap();
    assert_eq!(c.interest.amount, d("2.71"));
    // Accrual starting in July: 6%, fixed at the start.
    let ci = s.customer_interest("ACME", day("2026-07-02")).await.unwrap().unwrap();
    let c = ci.interest.compute(&Money::new(d("1500"), "USD"), day("2026-07-01"), day("2026-07-11")).unwrap();
    assert_eq!(c.steps[0].annual_rate, pct("6"));

    // A bounded row inside an existing range overlaps: refused, nothing written (all rows or none).
    let both = [
        row("GLOBEX", Engine::Agency, "4", "2026-01-01", None),
        row("ACME", Engine::Agency, "9", "2026-03-01", Some("2026-04-01")),
    ];
    let e = s.set_interest_terms(&both, &mgr).await.unwrap_err();
    assert!(matches!(e, StoreError::Invalid(ref m) | StoreError::Conflict(ref m) if m.contains("overlap")), "{e}");
    assert!(s.interest_terms(Some("GLOBEX")).await.unwrap().is_empty());
    let e = s.set_interest_terms(&[row("NOPE", Engine::Agency, "4", "2026-01-01", None)], &mgr).await.unwrap_err();
    assert!(matches!(e, StoreError::NotFound(_)), "{e}");
    s.set_interest_terms(&[both[0].clone()], &mgr).await.unwrap();
    let g = s.customer_interest("GLOBEX", day("2026-05-01")).await.unwrap().unwrap();
    assert_eq!((g.rule.as_str(), g.interest.terms().grace_days), ("agency", 30));
    assert_eq!(s.interest_terms(None).await.unwrap().len(), 3);
    let audit = s.audit(&AuditFilter::default()).await.unwrap();
    assert_eq!(audit.iter().filter(|a| a.action == "interest_terms.set").count(), 3);

    // SLA tiers: the compute tiers are the seeded default.
    let tiers = s.sla_tiers().await.unwrap();
    let t = |below: &str, credit: &str| SlaTier { below: d(below), credit: pct(credit) };
    assert_eq!(
        tiers,
        [("*".to_string(), t("99.99", "10")), ("*".into(), t("99.0", "30")), ("*".into(), t("95.0", "100"))]
    );
    let claim = |service: &str, uptime: &str| ClaimInput {
        service: service.into(),
        region: "us-east-1".into(),
        incident_start: Utc.with_ymd_and_hms(2026, 6, 3, 1, 0, 0).unwrap(),
        incident_end: Utc.with_ymd_and_hms(2026, 6, 3, 9, 0, 0).unwrap(),
        uptime: d(uptime),
        affected_charges: Money::new(d("1000"), "USD"),
    };
    let c = s.add_sla_claim(&claim("AmazonS3", "99.5"), &mgr).await.unwrap();
    assert_eq!(c.claim.amount.amount, d("100"), "the default tiers: 10%");
    // S3's own tiers (99.9 → 10%, 99.0 → 25%, 95.0 → 100%), managers only, checked as a policy first.
    let s3 = [t("99.9", "10"), t("99.0", "25"), t("95.0", "100")];
    let e = s.set_sla_tiers("AmazonS3", &s3, &actor("olga", 3)).await.unwrap_err();
    assert!(matches!(e, StoreError::Forbidden(_)), "{e}");
    let e = s.set_sla_tiers("AmazonS3", &[t("99.9", "50"), t("99.0", "25")], &mgr).await.unwrap_err();
    assert!(matches!(e, StoreError::Invalid(_)), "credit falls as uptime falls: {e}");
    s.set_sla_tiers("AmazonS3", &s3, &mgr).await.unwrap();
    let c = s.add_sla_claim(&claim("AmazonS3", "98.5"), &mgr).await.unwrap();
    assert_eq!(c.claim.amount.amount, d("250"), "S3's 25% tier");
    let c = s.add_sla_claim(&claim("AmazonS3", "99.95"), &mgr).await.unwrap();
    assert!(!c.claim.eligible, "99.95 meets S3's 99.9");
    let c = s.add_sla_claim(&claim("AmazonEC2", "98.5"), &mgr).await.unwrap();
    assert_eq!(c.claim.amount.amount, d("300"), "EC2 keeps the default");
    assert_eq!(s.sla_tiers().await.unwrap().len(), 6);
}

store_test!(interest_terms_and_sla_tiers_are_data => interest_terms_sqlite, interest_terms_postgres);
