//! Every amount on screen to its currency's minor unit (issue 16): rows that once fell back to 2 places now
//! use the row's currency (costs, a customer's services, generated drafts, tie-outs, unreached customer credits); what has truly none says so in a comment where it is drawn.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::str::FromStr;

use billops::console::panes::{costs, credits, customers, invoices, recon};
use billops::console::table::TableModel;
use billops_domain::Dim;
use billops_domain::close::{TieOutInput, tie_out};
use billops_store::CostRow;
use rust_decimal::Decimal;

fn d(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

fn row(key: &str, currency: &str, cost: &str) -> CostRow {
    CostRow { keys: vec![key.into()], currency: currency.into(), cost: d(cost) }
}

fn cells(m: &TableModel, row: usize) -> Vec<String> {
    m.rows[row].cells.iter().map(|c| c.text.clone()).collect()
}

#[test]
fn costs_show_each_row_in_its_currency_and_the_total_in_the_one_they_share() {
    let data =
        costs::CostsData { rows: vec![row("ACME", "JPY", "123456.5")], prev: vec![row("ACME", "JPY", "100000.4")] };
    let m = costs::table(Dim::Customer, &data);
    let c = cells(&m, 0);
    assert_eq!(c[2..4], ["123,457", "100,000"], "yen has no minor unit: {c:?}");
    assert_eq!(m.rows[0].cells[2].export_text(), "123456.5", "the exact value stays for export");
    let total: Vec<String> = m.total.unwrap().iter().map(|c| c.text.clone()).collect();
    assert_eq!(total[2..4], ["123,457", "100,000"]);
    let bhd = costs::CostsData { rows: vec![row("ACME", "BHD", "1.23456")], prev: vec![] };
    assert_eq!(cells(&costs::table(Dim::Customer, &bhd), 0)[2], "1.235", "three places for the dinar");
}

#[test]
fn a_customers_services_and_their_total_are_in_their_currency() {
    let data = customers::DetailData {
        services: vec![row("EC2", "JPY", "1000.6"), row("S3", "JPY", "20.2")],
        ..Default::default()
    };
    let m = customers::services_table(&data);
    assert_eq!(cells(&m, 0)[2], "1,001");
    assert_eq!(m.total.unwrap()[2].text, "1,021");
}

#[test]
fn generated_drafts_show_their_invoice_currency() {
    let g = billops::month::invoices::Generated {
        customer: "TOKYO".into(),
        invoice_id: 9,
        total: d("98765.4"),
        currency: "JPY".into(),
        outcome: "created",
        change: None,
    };
    assert_eq!(cells(&invoices::generated_table(&[g]), 0)[3], "98,765");
}

#[test]
fn tie_outs_are_in_the_payers_currency() {
    let input = TieOutInput {
        payer: "111111111111".into(),
        period: "2026-05".parse().unwrap(),
        currency: "JPY".into(),
        supplier_invoice: Some(d("5000.4")),
        imported_billed: d("5000.4"),
        invoiced_at_cost: d("4000.2"),
        unassigned: d("1000.2"),
        retained: Decimal::ZERO,
        explained_supplier: Decimal::ZERO,
        explained_allocation: Decimal::ZERO,
        tolerance: d("1"),
    };
    let data = recon::ReconData {
        tie_outs: vec![tie_out(&input).unwrap()],
        supplier_invoices: vec![],
        cases: vec![],
        fx_rates: vec![],
        statement_ties: vec![],
        ch_statements: vec![],
    };
    let c = cells(&recon::table(&data), 0);
    assert_eq!(c[1..5], ["5,000", "5,000", "4,000", "1,000"], "{c:?}");
}

#[test]
fn unreached_customer_credits_are_in_the_customers_currency() {
    let u = billops_store::UnreachedCredits {
        period: "2026-05".parse().unwrap(),
        supplier: vec![],
        unapplied: vec![billops_store::UnappliedCredit {
            id: "C-1".into(),
            customer: "MANAMA".into(),
            kind: billops_domain::credit::CreditKind::Goodwill,
            amount: d("12.3456"),
            remaining: d("2.0004"),
            currency: "BHD".into(),
            valid_from: chrono::NaiveDate::from_ymd_opt(2026, 5, 1).unwrap(),
            valid_to: chrono::NaiveDate::from_ymd_opt(2026, 6, 1).unwrap(),
            on_draft: None,
        }],
    };
    // the credit's own currency (BHD: 3 places), whether or not the customer list is loaded
    let m = credits::unreached::table(&u);
    assert_eq!(cells(&m, 0)[3..5], ["12.346", "2.000"]);
}
