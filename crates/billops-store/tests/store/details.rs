//! Customer details for documents (address, tax id, PO number, billing e-mail): operators set them, audited,
//! hand-typed text checked; viewers may not; unknown customers are not found.
use std::sync::Arc;

use billops_domain::Role;
use billops_store::{AuditFilter, CustomerDetails, Store, StoreError};

use crate::parties::customer;
use crate::support::actor;

async fn customer_details_for_documents(s: Arc<dyn Store>) {
    let root = actor("root", 1);
    s.set_user("root", Role::Manager, &root).await.unwrap();
    s.set_user("olga", Role::Operator, &root).await.unwrap();
    s.set_user("vera", Role::Viewer, &root).await.unwrap();
    s.add_customer(&customer("ACME"), &root).await.unwrap();
    assert_eq!(s.customer_details("ACME").await.unwrap(), CustomerDetails::default());
    let d = CustomerDetails {
        address: Some("  1 Market Street | Springfield 12345\nUnited States ".into()),
        tax_id: Some("US-12-3456789".into()),
        po_number: Some(" PO-2026-17 ".into()),
        billing_email: Some("".into()),
    };
    let saved = s.set_customer_details("ACME", &d, &actor("olga", 2)).await.unwrap();
    assert_eq!(saved.address.as_deref(), Some("1 Market Street\nSpringfield 12345\nUnited States"));
    assert_eq!(saved.address_lines().len(), 3);
    assert_eq!(saved.po_number.as_deref(), Some("PO-2026-17"));
    assert_eq!(saved.billing_email, None, "empty is absent");
    assert_eq!(s.customer_details("ACME").await.unwrap(), saved);
    assert!(matches!(s.set_customer_details("ACME", &d, &actor("vera", 3)).await, Err(StoreError::Forbidden(_))));
    assert!(matches!(s.set_customer_details("NOPE", &d, &actor("olga", 3)).await, Err(StoreError::NotFound(_))));
    let evil = CustomerDetails { tax_id: Some("x\u{1b}[2J".into()), ..d.clone() };
    assert!(matches!(s.set_customer_details("ACME", &evil, &actor("olga", 3)).await, Err(StoreError::Invalid(_))));
    assert!(matches!(s.customer_details("NOPE").await, Err(StoreError::NotFound(_))));
    let audit = s.audit(&AuditFilter { action: Some("customer.details".into()), ..Default::default() }).await.unwrap();
    assert_eq!(audit.len(), 1);
    assert!(audit[0].before.is_some() && audit[0].after.is_some());
}
store_test!(customer_details_for_documents => details_sqlite, details_postgres);
