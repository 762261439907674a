//! A viewer reads and never writes, on both backends (issue 11): every write of the store, called as a user
//! the store knows as a viewer (and as a name it does not know, also a viewer), is refused as `Forbidden` and
//! leaves the store as it was (the audit log, the customers, the assignments, the settings).
use std::sync::Arc;

use billops_domain::Role;
use billops_domain::credit::{CreditKind, CreditScope};
use billops_domain::rating::{Pricing, RuleScope};
use billops_store::{
    AuditFilter, BillingModel, CustomerDetails, NameTarget, NewAccountCode, NewCredit, NewLinkProposal, NewPayment,
    OnboardingUpdate, Store, StoreError,
};

use crate::month_end::setup;
use crate::parties::customer;
use crate::support::{actor, d, date, import_with, item, meta};

/// What a viewer's write may not change.
async fn fingerprint(s: &Arc<dyn Store>) -> (usize, usize, Vec<Option<String>>, usize, usize) {
    let audit = s.audit(&AuditFilter { limit: Some(10_000), ..AuditFilter::default() }).await.unwrap().len();
    let customers = s.list_customers().await.unwrap().len();
    let assigned =
        s.assignments("A1").await.unwrap().into_iter().map(|a| Some(format!("{} {:?}", a.customer, a.to))).collect();
    let settings = s.settings().await.unwrap().len();
    let users = s.list_users().await.unwrap().len();
    (audit, customers, assigned, settings, users)
}

async fn viewers_never_write(s: Arc<dyn Store>) {
    setup(&s, &[("ACME", "A1"), ("BETA", "B1")]).await;
    s.set_user("vic", Role::Viewer, &actor("root", 1)).await.unwrap();
    let before = fingerprint(&s).await;
    let may = date("2026-05-01");
    for name in ["vic", "nobody-known"] {
        let v = actor(name, 7);
        let mut refused = 0;
        macro_rules! refused {
            ($what:literal, $call:expr) => {{
                let r = $call.await;
                assert!(matches!(r, Err(StoreError::Forbidden(_))), "{name}: {} was not refused: {r:?}", $what);
                refused += 1;
            }};
        }
        refused!("add_customer", s.add_customer(&customer("GAMMA"), &v));
        refused!("assign_account", s.assign_account("A1", "BETA", date("2026-06-01"), &v));
        refused!("propose_assignment", s.propose_assignment("A1", "BETA", date("2026-06-01"), &v));
        let link = NewLinkProposal { account: "A9".into(), payer: "P1".into(), customer: "ACME".into(), from: may };
        refused!("propose_link", s.propose_link(&link, &v));
        refused!("set_account_name", s.set_account_name(NameTarget::Account, "A1", "prod", &v));
        refused!("tick_onboarding", s.tick_onboarding("ACME", "cost_history_report", true, &v));
        let u = OnboardingUpdate { owner: Some("olga".into()), ..OnboardingUpdate::default() };
        refused!("update_onboarding", s.update_onboarding("ACME", "cost_history_report", &u, &v));
        refused!("add_contact", s.add_contact("ACME", "user", "Ann", "ann@acme.test", &v));
        refused!("add_checklist_item", s.add_checklist_item("tax_form", "tax form on file", &v));
        refused!("retire_checklist_item", s.retire_checklist_item("security_report", &v));
        let code = NewAccountCode { scope: "customer:ACME".into(), code: "GL-1".into(), from: date("2026-06-01") };
        refused!("set_account_code", s.set_account_code(&code, &v));
        refused!("set_billing_model", s.set_billing_model("ACME", BillingModel::Chargeback, &v));
        let rule = Pricing::markup(d("5")).unwrap();
        refused!("add_price_rule", s.add_price_rule("ACME", RuleScope::any(), rule, date("2026-06-01"), &v));
        let credit = NewCredit {
            customer: "ACME".into(),
            kind: CreditKind::Goodwill,
            amount: d("10"),
            scope: CreditScope::all(),
            valid_from: date("2026-06-01"),
            valid_to: date("2026-07-01"),
            evidence: "ticket".into(),
            reason: "outage".into(),
        };
        refused!("propose_credit", s.propose_credit(&credit, &v));
        refused!("set_setting", s.set_setting("due_day", "12", &v));
        refused!("set_user", s.set_user(name, Role::Manager, &v));
        let pay = NewPayment {
            customer: "ACME".into(),
            amount: d("5"),
            received_on: date("2026-06-02"),
            invoice: None,
            reference: None,
        };
        refused!("add_payment", s.add_payment(&pay, &v));
        let details = CustomerDetails { tax_id: Some("X1".into()), ..CustomerDetails::default() };
        refused!("set_customer_details", s.set_customer_details("ACME", &details, &v));
        let items = vec![item("2026-06", "P1", "A1", "2026-06-03", "EC2", "1")];
        refused!("import", import_with(&s, &meta("june.csv", "r9", name), &format!("h-{name}"), items, vec![]));
        assert_eq!(refused, 19, "every write above was tried");
        assert_eq!(fingerprint(&s).await, before, "{name}: nothing changed");
    }
    // The same writes go through for an operator (the refusal is the role, not the write).
    s.add_customer(&customer("GAMMA"), &actor("bob", 8)).await.unwrap();
}
store_test!(viewers_never_write => viewers_never_write_sqlite, viewers_never_write_postgres);
