//! Fixture answers of the month-end surfaces (issue 5): supplier invoices and cases, the credits cross-check,
//! a statement, billing terms, a price book rated by the domain over the fixture book, an invoice line's
//! sources, statement exports and bulk outcomes.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use billops::console::panes::customers::io::{BookData, Query as CustomersQuery, Reply as CustomersReply};
use billops::month::rating::PREVIEW_RULE as PREVIEW_RULE_ID;
use billops::month::terms::TermsView;
use billops_domain::close::CaseStatus;
use billops_domain::credit::{CreditKind, FundingProgram};
use billops_domain::money::RoundingRule;
use billops_domain::rating::{ChargeLine, LineRef, PriceBook, PriceRule, Pricing, RuleScope, preview};
use billops_domain::terms::{Effective, Percent};
use billops_domain::{ChargeCategory, Period};
use billops_store::{
    CreditNote, CustomerTerms, LineSources, ReconCase, ResourceSource, SourceItem, SourceQuery, Statement,
    StatementEntry, StatementKind, StoredPriceRule, StoredTerms, SupplierCreditRow, SupplierInvoice, TermsDiscount,
    UnappliedCredit, UnreachedCredits,
};
use chrono::{NaiveDate, TimeZone, Utc};

use super::{book, d, now, p};

fn day(y: i32, m: u32, dd: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, dd).unwrap()
}

pub fn supplier_invoices() -> Vec<SupplierInvoice> {
    vec![SupplierInvoice {
        id: 1,
        payer: "111111111111".into(),
        period: p("2026-05"),
        number: "AWS-2026-05-A".into(),
        currency: "USD".into(),
        amount: d("15412.407333333333334"),
        tax: d("0"),
        credits: d("0"),
        entered_by: "olivia".into(),
        entered_at: Utc.with_ymd_and_hms(2026, 6, 2, 8, 0, 0).unwrap(),
    }]
}

fn case(id: i64, payer: &str, status: CaseStatus, owner: Option<&str>, residual: &str, note: &str) -> ReconCase {
    ReconCase {
        id,
        payer: payer.into(),
        currency: "USD".into(),
        period: p("2026-05"),
        status,
        owner: owner.map(Into::into),
        residual: d(residual),
        expected: d(residual),
        received: d("0"),
        note: note.into(),
        version: 2,
        opened_by: "olivia".into(),
        opened_at: Utc.with_ymd_and_hms(2026, 6, 2, 9, 0, 0).unwrap(),
        updated_by: "olivia".into(),
        updated_at: Utc.with_ymd_and_hms(2026, 6, 2, 10, 0, 0).unwrap(),
    }
}

pub fn cases() -> Vec<ReconCase> {
    vec![
        case(1, "333333333333", CaseStatus::Resolved, Some("olivia"), "-3.2", "credit note CN-7 received"),
        case(2, "222222222222", CaseStatus::Open, Some("bob"), "12.5", "supplier billed a duplicate support fee"),
    ]
}

pub fn unreached(period: Period) -> UnreachedCredits {
    UnreachedCredits {
        period,
        supplier: vec![
            SupplierCreditRow {
                payer: "111111111111".into(),
                account: "300000000001".into(),
                service: "AmazonEC2".into(),
                charge_category: ChargeCategory::Credit,
                customer: Some("ACME".into()),
                amount: d("-42.5"),
                currency: "USD".into(),
                passed_through_by: vec!["CR-2".into()],
            },
            SupplierCreditRow {
                payer: "111111111111".into(),
                account: "399999999999".into(),
                service: "AmazonEC2".into(),
                charge_category: ChargeCategory::Refund,
                customer: None,
                amount: d("-7.25"),
                currency: "USD".into(),
                passed_through_by: vec![],
            },
        ],
        unapplied: vec![UnappliedCredit {
            id: "CR-3".into(),
            customer: "ACME".into(),
            kind: CreditKind::Funding(FundingProgram::Map),
            amount: d("2500"),
            remaining: d("2500"),
            currency: "USD".into(),
            valid_from: day(2026, 5, 1),
            valid_to: day(2026, 12, 1),
            on_draft: Some(1),
        }],
    }
}

pub fn statement(customer: &str, from: NaiveDate, to: NaiveDate) -> Statement {
    Statement {
        customer: customer.into(),
        currency: "USD".into(),
        from,
        to,
        opening: d("999.99"),
        entries: vec![
            StatementEntry {
                date: day(2026, 5, 3),
                kind: StatementKind::Invoice,
                reference: "INV-000009".into(),
                amount: d("6484.33"),
            },
            StatementEntry {
                date: day(2026, 5, 20),
                kind: StatementKind::Payment,
                reference: "wire 88123".into(),
                amount: d("-500"),
            },
        ],
        closing: d("6984.32"),
    }
}

pub fn terms(customer: &str, today: NaiveDate) -> TermsView {
    let t = CustomerTerms {
        tax_rate: Percent::new(d("8.25")).unwrap(),
        discount: Some(TermsDiscount { pct: Percent::new(d("2")).unwrap(), label: "loyalty".into() }),
        rounding: RoundingRule::HalfAwayFromZero,
        due_days: 45,
    };
    TermsView {
        customer: customer.into(),
        current: t.clone(),
        on: today,
        history: vec![StoredTerms {
            id: 3,
            customer: customer.into(),
            from: day(2026, 1, 1),
            terms: t,
            set_by: "maria".into(),
            set_at: Utc.with_ymd_and_hms(2025, 12, 20, 9, 0, 0).unwrap(),
        }],
    }
}

fn rules() -> Vec<PriceRule> {
    vec![
        PriceRule::new(
            "R1",
            RuleScope::any().service("AmazonEC2"),
            Pricing::markup(d("12.5")).unwrap(),
            Effective::starting(day(2026, 1, 1)),
        )
        .unwrap(),
        PriceRule::new(
            "R2",
            RuleScope::any().service("AmazonRDS"),
            Pricing::discount(d("5")).unwrap(),
            Effective::starting(day(2026, 1, 1)),
        )
        .unwrap(),
    ]
}

/// The fixture book's lines of `customer` in `period` as rating input (one line per resource).
pub fn charge_lines(customer: &str, period: Period) -> Vec<ChargeLine> {
    book()
        .into_iter()
        .filter(|l| l.period == period.to_string() && l.keys[0] == customer)
        .enumerate()
        .map(|(i, l)| ChargeLine {
            source: LineRef(i as i64),
            account: "300000000001".into(),
            usage_date: period.start(),
            service: l.keys[1].into(),
            product: l.keys[2].into(),
            component: l.keys[3].into(),
            usage_type: "BoxUsage".into(),
            region: "us-east-1".into(),
            charge_category: ChargeCategory::Usage,
            quantity: None,
            unit: String::new(),
            cost: d(l.billed),
            currency: "USD".into(),
        })
        .collect()
}

pub fn price_book(customer: &str, period: Period) -> BookData {
    let stored = rules()
        .into_iter()
        .enumerate()
        .map(|(i, rule)| StoredPriceRule {
            id: i as i64 + 1,
            customer: customer.into(),
            rule,
            created_by: "maria".into(),
            created_at: now(),
        })
        .collect();
    let b = PriceBook::new(customer, rules()).unwrap();
    BookData { rules: stored, usage: preview(&b, &b, &charge_lines(customer, period)).unwrap() }
}

pub fn rule_preview(
    customer: &str,
    period: Period,
    scope: RuleScope,
    pricing: Pricing,
    from: NaiveDate,
) -> CustomersReply {
    let old = PriceBook::new(customer, rules()).unwrap();
    let mut r = rules();
    r.push(PriceRule::new(PREVIEW_RULE_ID, scope, pricing, Effective::starting(from)).unwrap());
    let new = PriceBook::new(customer, r).unwrap();
    CustomersReply::Preview(preview(&old, &new, &charge_lines(customer, period)).unwrap())
}

pub fn sources(q: &SourceQuery) -> LineSources {
    let res = |r: &str, rows: i64, billed: &str| ResourceSource {
        resource: r.into(),
        account: "300000000001".into(),
        region: "us-east-1".into(),
        charge_category: ChargeCategory::Usage,
        rows,
        billed: d(billed),
    };
    let item = |id: i64, line: i64, dd: u32, ut: &str, r: &str, billed: &str| SourceItem {
        id,
        file: "/data/cur/may-final.csv".into(),
        line,
        account: "300000000001".into(),
        usage_date: day(2026, 5, dd),
        usage_type: ut.into(),
        resource: r.into(),
        quantity: Some(d("24")),
        billed: d(billed),
    };
    LineSources {
        query: q.clone(),
        resources: vec![res("i-0a1", 31, "1204.125000000000001"), res("i-0a2", 31, "980.5")],
        resource_count: 2,
        rows: 62,
        billed: d("2184.625000000000001"),
        items: vec![
            item(101, 2, 1, "BoxUsage:m5.large", "i-0a1", "38.842741935483871"),
            item(102, 3, 1, "BoxUsage:m5.large", "i-0a2", "31.629032258064516"),
            item(140, 41, 2, "BoxUsage:m5.large", "i-0a1", "38.842741935483871"),
        ],
    }
}

/// The credit notes of an invoice: the issued invoice 4 (UMBRELLA, INV-000007) has one.
pub fn credit_notes(invoice_id: i64) -> Vec<CreditNote> {
    if invoice_id != 4 {
        return vec![];
    }
    vec![CreditNote {
        id: 1,
        number: "CN-000001".into(),
        invoice_id: 4,
        invoice_number: "INV-000007".into(),
        customer: "UMBRELLA".into(),
        period: p("2026-05"),
        currency: "USD".into(),
        amount: d("250.00"),
        reason: "RDS billed twice".into(),
        issued_on: day(2026, 6, 2),
        issued_by: "maria".into(),
        issued_at: now(),
    }]
}

/// The payments recorded against an invoice (none in the fixture; render tests add their own).
pub fn payments(_invoice_id: i64) -> Vec<billops_store::Payment> {
    Vec::new()
}

/// One open dispute of 40 on INV-000001 line 3, held out of an overdue figure of 160.
pub fn disputed(as_of: chrono::NaiveDate) -> billops::month::statement::Disputed {
    use billops::month::statement::{Disputed, OpenDispute};
    let x = OpenDispute {
        id: 3,
        reference: "INV-000001 line 3".into(),
        status: "open".into(),
        opened: as_of,
        amount: rust_decimal::Decimal::new(40, 0),
    };
    Disputed {
        disputes: vec![x],
        total: rust_decimal::Decimal::new(40, 0),
        overdue: rust_decimal::Decimal::new(160, 0),
        as_of,
    }
}

/// The reply of a Customers read beyond the list and the detail (statements, terms, price book, preview).
pub fn answer(q: CustomersQuery) -> CustomersReply {
    match q {
        CustomersQuery::Statement { customer, from, to } => {
            CustomersReply::Statement(statement(&customer, from, to), Box::new(disputed(to)))
        }
        CustomersQuery::ExportStatement { statement, .. } => CustomersReply::StatementExported {
            csv: format!("/data/exports/statement-{}-{}-{}-1.csv", statement.customer, statement.from, statement.to)
                .into(),
            json: format!("/data/exports/statement-{}-{}-{}-1.json", statement.customer, statement.from, statement.to)
                .into(),
        },
        CustomersQuery::Terms { customer, today } => CustomersReply::Terms(terms(&customer, today)),
        CustomersQuery::PriceBook { customer, period } => CustomersReply::PriceBook(price_book(&customer, period)),
        CustomersQuery::PreviewRule { customer, period, rule } => {
            rule_preview(&customer, period, rule.scope, rule.pricing, rule.from)
        }
        CustomersQuery::List { .. } | CustomersQuery::Detail { .. } => panic!("answered in console_common::answer"),
    }
}

/// The store's seeded onboarding checklist: item, label and what computes it (users, accounts, budget); the
/// fixture gives ACME's first item an owner, a due date and evidence.
pub const ONBOARDING: [(&str, &str, Option<&str>); 8] = [
    ("cost_history_report", "cost-history report subscription", None),
    ("rightsizing_report", "rightsizing report subscription", None),
    ("security_report", "security report subscription", None),
    ("health_check_report", "health-check report subscription", None),
    ("budgets_and_policies", "budget recorded in billops", Some("budget_exists")),
    ("users_and_organisations", "users and organisations created", Some("users_recorded")),
    ("account_on_cost_platform", "accounts assigned on the cost platform", None),
    ("account_assigned", "every account of the customer assigned in billops", Some("accounts_assigned")),
];
