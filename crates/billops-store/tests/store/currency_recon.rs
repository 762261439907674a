//! Recon and close per currency (issue 13): the tie-out, its cases, the board's unassigned cost and the variance
//! rows never add two currencies, on both backends.
use std::sync::Arc;

use billops_domain::close::{CloseConfig, TieOutStatus};
use billops_domain::variance::Driver;
use billops_domain::{LineItem, Role};
use billops_store::{NewExplanation, NewSupplierInvoice, Store};
use rust_decimal::Decimal;

use crate::parties::customer;
use crate::support::{actor, d, date, import, item, meta, p};

fn eur(i: LineItem) -> LineItem {
    LineItem { currency: "EUR".into(), ..i }
}

async fn recon_per_currency(s: Arc<dyn Store>) {
    let alice = actor("alice", 3);
    s.set_user("alice", Role::Manager, &alice).await.unwrap();
    s.set_user("olga", Role::Operator, &alice).await.unwrap();
    s.add_customer(&customer("ACME"), &alice).await.unwrap();
    let rows = vec![
        item("2026-04", "P1", "A1", "2026-04-03", "EC2", "8"),
        item("2026-05", "P1", "A1", "2026-05-03", "EC2", "10.5"),
        eur(item("2026-05", "P1", "A1", "2026-05-04", "EC2", "7.25")),
        eur(item("2026-05", "P1", "A9", "2026-05-04", "S3", "2")),
        item("2026-05", "P1", "A9", "2026-05-04", "S3", "1"),
    ];
    import(&s, &meta("mixed.csv", "r1", "alice"), "h-mixed", rows).await;
    s.assign_account("A1", "ACME", date("2026-04-01"), &alice).await.unwrap();

    // the board: one unassigned account, its cost per currency
    let cfg = CloseConfig::default();
    let f = s.close_facts(p("2026-05"), &cfg).await.unwrap();
    assert_eq!(f.unassigned_accounts_with_cost, 1, "A9 once, whatever its currencies");
    let un: Vec<_> = f.unassigned_cost.iter().map(|(c, v)| (c.as_str(), *v)).collect();
    assert_eq!(un, [("EUR", d("2")), ("USD", d("1"))]);

    // the tie-out: one row per payer and currency
    let usd = NewSupplierInvoice {
        payer: "P1".into(),
        period: p("2026-05"),
        number: "INV-1".into(),
        currency: "USD".into(),
        amount: d("11.5"),
        tax: Decimal::ZERO,
        credits: Decimal::ZERO,
    };
    s.add_supplier_invoice(&usd, &actor("olga", 4)).await.unwrap();
    let figures: Vec<_> = s
        .payer_figures(p("2026-05"))
        .await
        .unwrap()
        .into_iter()
        .map(|f| (f.payer, f.currency, f.supplier_invoice, f.imported_billed, f.unassigned))
        .collect();
    assert_eq!(
        figures,
        [
            ("P1".into(), "EUR".into(), None, d("9.25"), d("2")),
            ("P1".into(), "USD".into(), Some(d("11.5")), d("11.5"), d("1")),
        ]
    );
    let f = s.close_facts(p("2026-05"), &cfg).await.unwrap();
    let ties: Vec<_> = f.tie_outs.iter().map(|t| (t.input.currency.as_str(), t.status)).collect();
    assert_eq!(ties, [("EUR", TieOutStatus::MissingSupplierInvoice), ("USD", TieOutStatus::Unreconciled)]);

    // a EUR supplier invoice over the import: a case in EUR, the USD leg keeps its own
    let eur_inv = NewSupplierInvoice { number: "INV-2".into(), currency: "EUR".into(), amount: d("19.25"), ..usd };
    s.add_supplier_invoice(&eur_inv, &actor("olga", 5)).await.unwrap();
    let opened = s.open_cases(p("2026-05"), d("0.01"), &actor("olga", 6)).await.unwrap();
    let cases: Vec<_> = opened.iter().map(|o| (o.case.currency.as_str(), o.case.residual)).collect();
    assert_eq!(cases, [("EUR", d("10"))], "the USD supplier leg ties (11.5 = 11.5)");
    let again = s.open_cases(p("2026-05"), d("0.01"), &actor("olga", 7)).await.unwrap();
    assert!(again.iter().all(|o| !o.created), "one open case per payer, period and currency");
    assert_eq!(s.list_cases(Some(p("2026-05"))).await.unwrap()[0].currency, "EUR");

    // variance: the customer's own currency keeps the service name, EUR is its own row
    let costs = s.service_costs(p("2026-05")).await.unwrap().costs;
    let v: Vec<_> = costs.iter().map(|c| (c.service.as_str(), c.prev, c.cur)).collect();
    assert_eq!(v, [("EC2", d("8"), d("10.5")), ("EC2 [EUR]", d("0"), d("7.25"))]);
    let e = NewExplanation {
        period: p("2026-05"),
        customer: "ACME".into(),
        service: "EC2 [EUR]".into(),
        driver: Driver::NewService,
        text: "EU region billed in EUR".into(),
        expected_delta: Some(d("7.25")),
    };
    let saved = s.explain_variance(&e, &actor("olga", 8)).await.unwrap();
    assert_eq!(saved.explanation.delta, d("7.25"), "the EUR row's own Δ, not the sum of both");
}
store_test!(recon_per_currency => recon_per_currency_sqlite, recon_per_currency_postgres);
