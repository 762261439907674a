//! Budgets and forecast events on both backends: exact amounts, replace-in-place with the value before in the
//! audit log, all-or-nothing imports, viewers refused, events per customer or for everyone, retired not
//! deleted; the onboarding budget item computed from them.
use std::sync::Arc;

use billops_domain::Role;
use billops_domain::forecast::events::{Change, EventKind, ForecastEvent};
use billops_store::{AuditFilter, BudgetScope, NewBudget, Store, StoreError};

use crate::parties::customer;
use crate::support::actor;

fn p(s: &str) -> billops_domain::Period {
    s.parse().unwrap()
}

fn dec(s: &str) -> rust_decimal::Decimal {
    s.parse().unwrap()
}

fn budget(c: &str, scope: BudgetScope, m: &str, amount: &str) -> NewBudget {
    NewBudget { customer: c.into(), scope, period: p(m), amount: dec(amount) }
}

async fn budgets_and_forecast_events_are_exact_audited_and_guarded(s: Arc<dyn Store>) {
    let root = actor("root", 1);
    s.set_user("root", Role::Manager, &root).await.unwrap();
    s.set_user("olga", Role::Operator, &root).await.unwrap();
    s.set_user("vic", Role::Viewer, &root).await.unwrap();
    s.add_customer(&customer("ACME"), &root).await.unwrap();
    s.add_customer(&customer("GLOBEX"), &root).await.unwrap();
    let olga = actor("olga", 2);
    let before = s.onboarding_status("ACME").await.unwrap();
    assert!(!before.iter().find(|e| e.item == "budgets_and_policies").unwrap().done);

    // Exact to the last digit, beyond cents.
    let rows = vec![
        budget("ACME", BudgetScope::Customer, "2026-07", "12345.6789"),
        budget("ACME", BudgetScope::Service("AmazonEC2".into()), "2026-07", "5000"),
        budget("GLOBEX", BudgetScope::AccountCode("GL-4100".into()), "2026-08", "0.000000001"),
    ];
    assert_eq!(s.set_budgets(&rows, &olga).await.unwrap(), 3);
    let got = s.budgets(None, p("2026-01"), p("2026-12")).await.unwrap();
    assert_eq!(got.len(), 3);
    assert_eq!(got[0].amount, dec("12345.6789"));
    assert_eq!(got[2].amount, dec("0.000000001"));
    assert_eq!(got[1].scope, BudgetScope::Service("AmazonEC2".into()));
    assert_eq!(s.budgets(Some("GLOBEX"), p("2026-01"), p("2026-07")).await.unwrap().len(), 0, "range respected");

    // Setting again replaces; the audit log keeps the value before.
    s.set_budgets(&[budget("ACME", BudgetScope::Customer, "2026-07", "13000")], &olga).await.unwrap();
    let acme = s.budgets(Some("ACME"), p("2026-07"), p("2026-07")).await.unwrap();
    assert_eq!(acme.iter().find(|b| b.scope == BudgetScope::Customer).unwrap().amount, dec("13000"));
    let trail = s.audit(&AuditFilter::default()).await.unwrap();
    assert!(
        trail.iter().any(|e| e.action == "budget.set" && e.before.as_deref() == Some("\"12345.6789\"")),
        "{trail:?}"
    );

    // All or nothing: an unknown customer in the middle writes none of the rows.
    let bad = vec![
        budget("ACME", BudgetScope::Customer, "2026-09", "1"),
        budget("NOPE", BudgetScope::Customer, "2026-09", "1"),
    ];
    let e = s.set_budgets(&bad, &olga).await.unwrap_err();
    assert!(e.to_string().contains("row 2"), "{e}");
    assert!(s.budgets(Some("ACME"), p("2026-09"), p("2026-09")).await.unwrap().is_empty());
    let neg = s.set_budgets(&[budget("ACME", BudgetScope::Customer, "2026-09", "-1")], &olga).await.unwrap_err();
    assert!(matches!(neg, StoreError::Invalid(_)), "{neg}");

    // Viewers may not.
    let vic = actor("vic", 3);
    let e = s.set_budgets(&[budget("ACME", BudgetScope::Customer, "2026-10", "1")], &vic).await.unwrap_err();
    assert!(matches!(e, StoreError::Forbidden(_)), "{e}");

    assert!(s.onboarding_status("ACME").await.unwrap().iter().find(|e| e.item == "budgets_and_policies").unwrap().done);

    // Events: one customer's and everyone's; retired, never deleted.
    let cut = ForecastEvent::new(
        p("2027-01"),
        EventKind::Capacity { service: None, change: Change::Percent { pct: dec("-20") } },
        "olga",
        olga.at,
        "migration",
    )
    .unwrap();
    let dec_all =
        ForecastEvent::new(p("2027-03"), EventKind::Decommission { service: "Legacy".into() }, "olga", olga.at, "")
            .unwrap();
    let a = s.add_forecast_event(Some("ACME"), &cut, &olga).await.unwrap();
    let b = s.add_forecast_event(None, &dec_all, &olga).await.unwrap();
    assert_eq!(a.event.kind, cut.kind);
    assert_eq!(a.event.by, "olga");
    assert_eq!(s.forecast_events(Some("ACME"), false).await.unwrap().len(), 2);
    assert_eq!(s.forecast_events(Some("GLOBEX"), false).await.unwrap().len(), 1, "only everyone's");
    assert!(matches!(s.add_forecast_event(None, &cut, &vic).await, Err(StoreError::Forbidden(_))));
    let r = s.retire_forecast_event(b.id, &olga).await.unwrap();
    assert_eq!(r.retired.as_ref().map(|x| x.0.as_str()), Some("olga"));
    assert!(matches!(s.retire_forecast_event(b.id, &olga).await, Err(StoreError::Conflict(_))));
    assert_eq!(s.forecast_events(None, false).await.unwrap().len(), 1);
    assert_eq!(s.forecast_events(None, true).await.unwrap().len(), 2, "retired kept");
    let trail = s.audit(&AuditFilter::default()).await.unwrap();
    assert!(trail.iter().any(|e| e.action == "forecast_event.retire"));
}
store_test!(budgets_and_forecast_events_are_exact_audited_and_guarded => planning_sqlite, planning_postgres);
