//! Azure partner fields (migration 0019): kept per linked account by the import (a re-import of the same file
//! changes nothing), a customer's recorded tenant id, the suggestions (tenant id, then name, then a new
//! customer) and taking them in one transaction: a manager's become assignments, an operator's link proposals,
//! a viewer's are refused.
use std::sync::Arc;

use billops_domain::Role;
use billops_domain::partner::{AccountPartner, Basis, PartnerFields};
use billops_store::{ImportChunk, NewCustomer, Store, StoreError};

use crate::support::{actor, date, import_with, item, meta};

fn partner(account: &str, tenant: &str, name: &str) -> AccountPartner {
    AccountPartner {
        account: account.into(),
        fields: PartnerFields {
            customer_tenant_id: tenant.into(),
            customer_name: name.into(),
            reseller_name: "Reseller One".into(),
        },
    }
}

fn bases(s: &[billops_domain::partner::Suggestion]) -> Vec<(String, Basis, String)> {
    s.iter().map(|x| (x.account.clone(), x.basis, x.customer.clone())).collect()
}

async fn partner_fields_suggest_and_apply(s: Arc<dyn Store>) {
    let root = actor("root", 1);
    let (olga, dave) = (actor("olga", 2), actor("dave", 2));
    s.set_user("root", Role::Manager, &root).await.unwrap();
    s.set_user("olga", Role::Operator, &root).await.unwrap();
    s.set_user("dave", Role::Viewer, &root).await.unwrap();
    let add = |code: &str, name: &str| NewCustomer { code: code.into(), name: name.into(), currency: "USD".into() };
    s.add_customer(&add("contoso", "Contoso Retail"), &root).await.unwrap();
    s.add_customer(&add("globex", "Globex Corporation"), &root).await.unwrap();
    // an operator records a tenant id where none is; changing it is a manager's; one customer per tenant id
    s.set_customer_tenant("contoso", Some("T-CON"), &olga).await.unwrap();
    let e = s.set_customer_tenant("contoso", Some("T-OTHER"), &olga).await.unwrap_err();
    assert!(matches!(e, StoreError::Forbidden(_)), "{e}");
    let e = s.set_customer_tenant("globex", Some("t-con"), &root).await.unwrap_err();
    assert!(matches!(e, StoreError::Conflict(_)) && e.to_string().contains("contoso"), "{e}");
    assert!(s.set_customer_tenant("globex", Some("two words"), &root).await.is_err(), "a tenant id is one word");
    assert_eq!(s.customer_tenants().await.unwrap(), vec![("contoso".to_string(), "T-CON".to_string())]);

    let items: Vec<_> = ["S1", "S2", "S3", "S4", "S5"]
        .iter()
        .map(|a| item("2026-05", "BA1", a, "2026-05-03", "Storage", "2.5"))
        .collect();
    let partners = vec![
        partner("S1", "t-con", "Contoso (renamed)"),
        partner("S2", "T-GLO", "  globex   CORPORATION "),
        partner("S3", "T-FAB", "Fabrikam Health"),
        partner("S4", "T-FAB", "Fabrikam Health"),
    ];
    let m = meta("csp.csv", "r1", "root");
    let chunks = vec![ImportChunk::Partners(partners.clone())];
    let out = import_with(&s, &m, "h-csp", items.clone(), chunks.clone()).await.unwrap();
    assert_eq!(out.partner_unassigned, 4, "S5 has no partner fields");
    let stored = s.account_partners().await.unwrap();
    assert_eq!(stored.len(), 4);
    assert_eq!(stored[1].account, "S2");
    assert_eq!(stored[1].fields, partners[1].fields);
    // the same file again is refused whole: nothing changes
    let again = import_with(&s, &meta("csp.csv", "r2", "root"), "h-csp", items, chunks).await.unwrap_err();
    assert!(matches!(again, StoreError::AlreadyImported { .. }), "{again}");
    assert_eq!(s.account_partners().await.unwrap(), stored);

    let sug = s.partner_suggestions().await.unwrap();
    assert_eq!(
        bases(&sug),
        vec![
            ("S1".into(), Basis::TenantId, "contoso".into()),
            ("S2".into(), Basis::Name, "globex".into()),
            ("S3".into(), Basis::New, "fabrikam-health".into()),
            ("S4".into(), Basis::New, "fabrikam-health".into()),
        ]
    );

    // a viewer takes nothing
    let e = s.apply_partner_suggestions(&[], date("2026-05-01"), &dave).await.unwrap_err();
    assert!(matches!(e, StoreError::Forbidden(_)), "{e}");
    assert!(s.customer("fabrikam-health").await.is_err(), "nothing created");
    // an account without a suggestion refuses all
    let e = s.apply_partner_suggestions(&["S5".into(), "S3".into()], date("2026-05-01"), &olga).await.unwrap_err();
    assert!(e.to_string().contains("S5") && e.to_string().contains("nothing was assigned"), "{e}");
    assert!(s.customer("fabrikam-health").await.is_err(), "nothing created");

    // an operator's: the new customer is created (in the cost's currency, with its tenant id), the link proposed
    let done = s.apply_partner_suggestions(&["S3".into()], date("2026-05-01"), &olga).await.unwrap();
    assert_eq!(done.created, vec!["fabrikam-health".to_string()]);
    assert_eq!(done.mapped.proposed.len(), 1);
    assert_eq!(done.mapped.assigned, 0);
    let fab = s.customer("fabrikam-health").await.unwrap();
    assert_eq!((fab.name.as_str(), fab.currency.as_str()), ("Fabrikam Health", "USD"));
    assert!(s.assignments("S3").await.unwrap().is_empty(), "a proposal, not an assignment");
    let open = s.list_link_proposals(true).await.unwrap();
    assert_eq!((open[0].account.as_str(), open[0].customer.as_str()), ("S3", "fabrikam-health"));
    // S3 waits on its proposal; S4 now matches the new customer by its tenant id
    assert_eq!(
        bases(&s.partner_suggestions().await.unwrap()),
        vec![
            ("S1".into(), Basis::TenantId, "contoso".into()),
            ("S2".into(), Basis::Name, "globex".into()),
            ("S4".into(), Basis::TenantId, "fabrikam-health".into()),
        ]
    );

    // a manager's: assignments in one transaction; a name match records the customer's tenant id
    let done = s.apply_partner_suggestions(&[], date("2026-05-01"), &root).await.unwrap();
    assert_eq!((done.mapped.assigned, done.created.len()), (3, 0));
    assert_eq!(done.tenants_recorded, vec!["globex".to_string()]);
    for (a, c) in [("S1", "contoso"), ("S2", "globex"), ("S4", "fabrikam-health")] {
        let asg = s.assignments(a).await.unwrap();
        assert_eq!((asg[0].customer.as_str(), asg[0].from), (c, date("2026-05-01")), "{a}");
    }
    assert!(s.partner_suggestions().await.unwrap().is_empty());
    let tenants = s.customer_tenants().await.unwrap();
    assert!(tenants.contains(&("globex".to_string(), "T-GLO".to_string())), "{tenants:?}");
    let nothing = s.apply_partner_suggestions(&[], date("2026-05-01"), &root).await.unwrap();
    assert!(nothing.taken.is_empty() && nothing.mapped.assigned == 0);
    // a manager may change a recorded tenant id
    s.set_customer_tenant("contoso", None, &root).await.unwrap();
    assert!(!s.customer_tenants().await.unwrap().iter().any(|(c, _)| c == "contoso"));
}
store_test!(partner_fields_suggest_and_apply => partner_fields_sqlite, partner_fields_postgres);
