//! Month-end fixture data: a close board with blockers, invoices in every state with one full draft,
//! credits in the queue (one proposed by alice above the maker-checker threshold), a tie-out, a balance.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use billops::console::panes::recon::ReconData;
use billops::month::close::CloseView;
use billops::month::invoices::{Change, Generated};
use billops_domain::close::{
    CloseConfig, CloseFacts, IssueCounts, PeriodClose, TieOut, TieOutInput, evaluate, tie_out,
};
use billops_domain::credit::{Credit, CreditKind, CreditProposal, CreditScope, FundingProgram};
use billops_domain::invoice::{Draft, InvoiceLine, InvoiceStatus, LineKind, Totals};
use billops_domain::money::{Money, RoundingRule};
use billops_domain::period::DateRange;
use billops_domain::terms::Percent;
use billops_domain::{ChargeCategory, Period, Role, User};
use billops_store::{Balance, InvoiceSummary, StoredCredit, StoredInvoice};
use chrono::{NaiveDate, TimeZone, Utc};

use super::{d, now, p};

fn tie(payer: &str, supplier: Option<&str>, imported: &str, at_cost: &str, unassigned: &str) -> TieOut {
    tie_out(&TieOutInput {
        payer: payer.into(),
        period: p("2026-05"),
        currency: "USD".into(),
        supplier_invoice: supplier.map(d),
        imported_billed: d(imported),
        invoiced_at_cost: d(at_cost),
        unassigned: d(unassigned),
        retained: d("0"),
        explained_supplier: d("0"),
        explained_allocation: d("0"),
        tolerance: d("0.01"),
    })
    .unwrap()
}

pub fn tie_outs() -> Vec<TieOut> {
    vec![
        tie("111111111111", Some("15412.407333333333334"), "15412.407333333333334", "15002.207333333333334", "410.2"),
        tie("222222222222", None, "44.999", "44.999", "0"),
    ]
}

pub fn close_facts(period: Period) -> CloseFacts {
    CloseFacts {
        period,
        payers_not_final: vec![],
        open_issues: IssueCounts { info: 0, warning: 1, error: 1 },
        unassigned_accounts_with_cost: 1,
        unassigned_cost: [("USD".to_string(), d("410.2"))].into(),
        tie_outs: tie_outs(),
        credits_awaiting_approval: 2,
        discounts_awaiting_approval: 0,
        credits_not_on_drafts: 0,
        // The variance fixture (`variances`) has 2 to explain; the default board keeps item 5 ok so that it
        // has an ok item to step over (`variance_facts` is the board that agrees with the variance list).
        variances_unexplained: 0,
        customers_without_draft: 0,
        drafts_not_approved: 2,
        onboarding_incomplete: 3,
        payers_final: vec!["111111111111".into(), "222222222222".into()],
        payers_missing: vec![],
        customers_with_cost: 5,
        invoices_approved_unissued: 0,
        invoices_issued: 0,
        supplier_credits_unreached: 0,
        supplier_credits_reached: 0,
        funding_credits_unused: 0,
    }
}

/// The default board with the variance fixture's 2 unexplained variances (item 5 blocks).
pub fn variance_facts(period: Period) -> CloseFacts {
    CloseFacts { variances_unexplained: 2, ..close_facts(period) }
}

/// A board with nothing blocking (for the sign-off confirmation).
pub fn clean_facts(period: Period) -> CloseFacts {
    CloseFacts {
        open_issues: IssueCounts::default(),
        unassigned_accounts_with_cost: 0,
        unassigned_cost: Default::default(),
        tie_outs: vec![tie("111111111111", Some("10"), "10", "10", "0")],
        credits_awaiting_approval: 0,
        drafts_not_approved: 0,
        ..close_facts(period)
    }
}

pub fn close_view(period: Period, facts: CloseFacts, locked: bool) -> CloseView {
    let mut close = PeriodClose::new(period);
    let board0 = evaluate(&facts, &CloseConfig::default(), &close, now().date_naive());
    if locked {
        let maria = User { name: "maria".into(), role: Role::Manager };
        let board = evaluate(&clean_facts(period), &CloseConfig::default(), &close, now().date_naive());
        close.sign_off(&board, &maria, Utc.with_ymd_and_hms(2026, 6, 2, 17, 0, 0).unwrap(), "done").unwrap();
    }
    let board = if locked { evaluate(&facts, &CloseConfig::default(), &close, now().date_naive()) } else { board0 };
    CloseView { can_sign_off: board.can_sign_off(), board, facts, close, funding_claims: Vec::new() }
}

fn summary(id: i64, customer: &str, status: InvoiceStatus, number: Option<&str>, total: &str) -> InvoiceSummary {
    InvoiceSummary {
        id,
        customer: customer.into(),
        period: p("2026-05"),
        status,
        number: number.map(Into::into),
        currency: "USD".into(),
        total: d(total),
        cost: d(total),
        paid: d("0"),
        version: 3,
    }
}

pub fn invoices() -> Vec<InvoiceSummary> {
    vec![
        summary(1, "ACME", InvoiceStatus::Draft, None, "6422.40"),
        summary(2, "GLOBEX", InvoiceStatus::Reviewed, None, "5476.48"),
        summary(3, "INITECH", InvoiceStatus::Approved, None, "45.00"),
        summary(4, "UMBRELLA", InvoiceStatus::Issued, Some("INV-000007"), "999.99"),
    ]
}

fn line(kind: LineKind, desc: &str, code: Option<&str>, cost: &str, amount: &str, rules: &[&str]) -> InvoiceLine {
    InvoiceLine {
        kind,
        description: desc.into(),
        account_code: code.map(Into::into),
        quantity: None,
        cost: d(cost),
        amount: d(amount),
        rule_ids: rules.iter().map(|r| (*r).to_string()).collect(),
        sources: vec![],
        fx: None,
    }
}

fn usage(service: &str, product: &str, component: &str) -> LineKind {
    LineKind::Usage { service: service.into(), product: product.into(), component: component.into() }
}

pub fn invoice(id: i64) -> StoredInvoice {
    let s = invoices().into_iter().find(|i| i.id == id).unwrap_or_else(|| invoices()[0].clone());
    let charges = vec![
        line(
            usage("AmazonEC2", "storefront", "web"),
            "EC2 storefront web",
            Some("4410-100"),
            "2184.625",
            "2457.703125",
            &["R1"],
        ),
        line(
            usage("AmazonEC2", "storefront", "db"),
            "EC2 storefront db",
            Some("4410-100"),
            "2210.333333333333333",
            "2486.624999999999999",
            &["R1"],
        ),
        line(usage("AmazonRDS", "billing", "db"), "RDS billing db", Some("4410-200"), "1640", "1640", &[]),
    ];
    let draft = Draft {
        customer: s.customer.clone(),
        period: s.period,
        currency: "USD".into(),
        rounding_rule: RoundingRule::HalfAwayFromZero,
        tax_rate: Percent::ZERO,
        stripped: vec![line(
            LineKind::Stripped { category: ChargeCategory::Tax, service: "Tax".into() },
            "supplier tax removed",
            None,
            "-12.5",
            "0",
            &[],
        )],
        charges,
        discounts: vec![],
        credits: vec![line(
            LineKind::Credit { credit_id: "CR-2".into(), kind: CreditKind::Goodwill },
            "goodwill credit CR-2",
            None,
            "0",
            "-100",
            &[],
        )],
        tax: vec![],
        rounding: vec![line(LineKind::Rounding, "rounding", None, "0", "-0.002", &[])],
        credit_applications: vec![],
        totals: Totals {
            stripped: d("-12.5"),
            charges: d("6584.328124999999999"),
            credits: d("-100"),
            rounding: d("-0.002"),
            total: d("6484.33"),
            ..Totals::default()
        },
    };
    StoredInvoice {
        id: s.id,
        customer: s.customer,
        period: s.period,
        status: s.status,
        number: s.number,
        currency: s.currency,
        total: d("6484.33"),
        cost: d("6034.958333333333333"),
        paid: d("0"),
        version: s.version,
        generated_at: now(),
        issued_on: None,
        due_on: None,
        draft,
        history: vec![],
    }
}

pub fn generated() -> Vec<Generated> {
    vec![
        Generated {
            customer: "ACME".into(),
            invoice_id: 1,
            total: d("6484.33"),
            outcome: "created",
            change: None,
            currency: "USD".into(),
        },
        Generated {
            customer: "GLOBEX".into(),
            invoice_id: 2,
            total: d("5476.48"),
            currency: "USD".into(),
            outcome: "regenerated",
            change: Some(Change { added: 0, removed: 0, changed: 0, old_total: d("5400"), new_total: d("5476.48") }),
        },
        Generated {
            customer: "INITECH".into(),
            invoice_id: 3,
            total: d("45.00"),
            outcome: "unchanged",
            change: None,
            currency: "USD".into(),
        },
    ]
}

fn credit(id: i64, customer: &str, kind: CreditKind, amount: &str, by: &str, decide: Option<bool>) -> StoredCredit {
    let prop = CreditProposal {
        id: format!("CR-{id}"),
        kind,
        customer: customer.into(),
        amount: Money::new(d(amount), "USD"),
        scope: CreditScope::all(),
        validity: DateRange {
            start: NaiveDate::from_ymd_opt(2026, 5, 1).unwrap(),
            end: NaiveDate::from_ymd_opt(2026, 12, 1).unwrap(),
        },
        evidence: "ticket 7".into(),
        reason: "promised".into(),
    };
    let user = User { name: by.into(), role: Role::Operator };
    let mut c = Credit::propose(prop, &user, Utc.with_ymd_and_hms(2026, 6, 1, 9, 0, 0).unwrap()).unwrap();
    let maria = User { name: "maria".into(), role: Role::Manager };
    let at = Utc.with_ymd_and_hms(2026, 6, 2, 9, 0, 0).unwrap();
    match decide {
        Some(true) => {
            let policy = billops_domain::credit::ApprovalPolicy::new(d("500")).unwrap();
            c.approve(&maria, at, "ok", &policy).unwrap()
        }
        Some(false) => c.reject(&maria, at, "no evidence").unwrap(),
        None => {}
    }
    StoredCredit { id, version: 1, credit: c }
}

pub fn credits() -> Vec<StoredCredit> {
    vec![
        credit(1, "GLOBEX", CreditKind::SlaServiceCredit, "120.5", "olivia", Some(true)),
        credit(2, "ACME", CreditKind::Goodwill, "100", "olivia", None),
        credit(3, "ACME", CreditKind::Funding(FundingProgram::Map), "2500", "alice", None),
        credit(4, "INITECH", CreditKind::Ppa, "40", "olivia", Some(false)),
    ]
}

pub fn recon() -> ReconData {
    ReconData {
        tie_outs: tie_outs(),
        supplier_invoices: super::ledger::supplier_invoices(),
        cases: super::ledger::cases(),
        fx_rates: fx_rates(),
        statement_ties: statement_ties(),
        ch_statements: ch_statements(),
    }
}

/// The statements behind [`statement_ties`] as stored (file, line, CloudHealth's customer).
pub fn ch_statements() -> Vec<billops_store::StoredChStatement> {
    use billops_domain::close::StatementStatus::{self, *};
    let at = Utc.with_ymd_and_hms(2026, 6, 3, 9, 15, 0).unwrap();
    let row = |id: i64, c: &str, ch: &str, cur: &str, t: &str, status: StatementStatus, line: i64| {
        billops_store::StoredChStatement {
            id,
            customer: c.into(),
            ch_customer: ch.into(),
            period: p("2026-05"),
            status,
            currency: cur.into(),
            total: d(t),
            file_name: "cloudhealth-statements-2026-05.csv".into(),
            line,
            imported_by: "olivia".into(),
            imported_at: at,
            replaced_at: None,
            replaced_by: None,
        }
    };
    vec![
        row(1, "ACME", "Acme Corporation (CH-1001)", "USD", "1234.5", Final, 2),
        row(2, "GLOBEX", "Globex Inc (CH-1002)", "USD", "875.25", Final, 3),
        row(3, "INITECH", "Initech (CH-1003)", "USD", "40", Estimated, 4),
        row(4, "UMBRELLA", "Umbrella Europe GmbH (CH-1004)", "EUR", "280", Final, 5),
    ]
}

/// May's customer tie-out against CloudHealth statements: a match, a difference, an estimate, and a customer
/// invoiced in USD with a EUR statement (two rows, never compared).
pub fn statement_ties() -> Vec<billops_domain::close::StatementTie> {
    use billops_domain::close::{Invoiced, Statement, StatementStatus::*, statement_tie};
    let inv = |c: &str, t: &str| Invoiced { customer: c.into(), currency: "USD".into(), total: d(t), invoices: 1 };
    let st = |c: &str, cur: &str, t: &str, status| Statement {
        customer: c.into(),
        currency: cur.into(),
        total: d(t),
        status,
    };
    statement_tie(
        &[inv("ACME", "1234.50"), inv("GLOBEX", "880.00"), inv("INITECH", "45.10"), inv("UMBRELLA", "300")],
        &[
            st("ACME", "USD", "1234.5", Final),
            st("GLOBEX", "USD", "875.25", Final),
            st("INITECH", "USD", "40", Estimated),
            st("UMBRELLA", "EUR", "280", Final),
        ],
    )
}

/// May's FX rates: EUR→USD approved, GBP→USD proposed by olivia, CHF→USD proposed by alice (the fixture's user).
pub fn fx_rates() -> Vec<billops_store::StoredFxRate> {
    let rate =
        |id: i64, base: &str, r: &str, source: &str, by: &str, approved: Option<&str>| billops_store::StoredFxRate {
            id,
            base: base.into(),
            quote: "USD".into(),
            period: p("2026-05"),
            rate: d(r),
            source: source.into(),
            date: NaiveDate::from_ymd_opt(2026, 5, 31).unwrap(),
            status: if approved.is_some() { "approved" } else { "proposed" }.into(),
            entered_by: by.into(),
            entered_at: Utc.with_ymd_and_hms(2026, 6, 1, 9, 0, 0).unwrap(),
            approved_by: approved.map(Into::into),
            approved_at: approved.map(|_| Utc.with_ymd_and_hms(2026, 6, 1, 11, 30, 0).unwrap()),
        };
    vec![
        rate(1, "CHF", "1.1342", "contract", "alice", None),
        rate(2, "EUR", "1.0875", "ECB", "olivia", Some("bob")),
        rate(3, "GBP", "1.2701", "ECB", "olivia", None),
    ]
}

pub fn balance(customer: &str) -> Balance {
    Balance {
        customer: customer.into(),
        currency: "USD".into(),
        balance: d("1899.99"),
        overdue: d("999.99"),
        last_invoice: Some("INV-000007".into()),
        last_invoice_on: NaiveDate::from_ymd_opt(2026, 4, 3),
        last_payment: Some(d("500")),
        last_payment_on: NaiveDate::from_ymd_opt(2026, 5, 20),
    }
}

/// The fixture book's variances of `period` against the month before (thresholds 10 % and 500): ACME's EC2
/// explained, ACME's new RDS explained for another Δ (stale), UMBRELLA's gone EC2 unexplained, GLOBEX's EC2
/// just under 10 % (not flagged).
pub fn variances(period: Period) -> billops::month::variance::VarianceView {
    use billops_domain::Dim;
    use billops_domain::variance::volume::{UnitFigures, split};
    use billops_domain::variance::{
        Driver, Explanation, ServiceCost, VarianceThresholds, compare, review, unexplained,
    };
    let by = [Dim::Customer, Dim::Service];
    let mut m: std::collections::BTreeMap<(String, String), ServiceCost> = std::collections::BTreeMap::new();
    for (prev, p) in [(true, period.prev()), (false, period)] {
        for r in super::costs(p, p, &[], &by) {
            if r.keys[0] == "(unassigned)" {
                continue;
            }
            let e = m.entry((r.keys[0].clone(), r.keys[1].clone())).or_insert_with(|| ServiceCost {
                customer: r.keys[0].clone(),
                service: r.keys[1].clone(),
                prev: d("0"),
                cur: d("0"),
                prev_rows: 0,
                cur_rows: 0,
            });
            if prev {
                (e.prev, e.prev_rows) = (r.cost, 1);
            } else {
                (e.cur, e.cur_rows) = (r.cost, 2);
            }
        }
    }
    let costs: Vec<ServiceCost> = m.into_values().collect();
    let thresholds = VarianceThresholds::new(Percent::new(d("10")).unwrap(), d("500")).unwrap();
    let vs = compare(&costs, &thresholds, true).unwrap();
    let at = Utc.with_ymd_and_hms(2026, 6, 2, 15, 0, 0).unwrap();
    let mut ex = std::collections::BTreeMap::new();
    let acme_ec2 = vs.iter().find(|v| v.customer == "ACME" && v.service == "AmazonEC2").unwrap().delta;
    ex.insert(
        ("ACME".to_string(), "AmazonEC2".to_string()),
        Explanation::new(Driver::UsageGrowth, "storefront db moved to EC2", "olivia", at, acme_ec2).unwrap(),
    );
    ex.insert(
        ("ACME".to_string(), "AmazonRDS".to_string()),
        Explanation::new(Driver::NewService, "billing db", "olivia", at, d("1500")).unwrap(),
    );
    let rows = review(vs, &ex);
    billops::month::variance::VarianceView {
        period,
        previous: period.prev(),
        baseline: true,
        thresholds,
        unexplained: unexplained(&rows),
        rows,
        // ACME's EC2 moved mostly by its rate on hours; UMBRELLA's EC2 went with its volume; ACME is also a
        // chargeback customer with a vCPU resource unit
        volumes: vec![
            volume_line("ACME", "AmazonEC2", "Hrs", 2, ("1000", "1100"), ("3600", "4469.96")),
            volume_line("UMBRELLA", "AmazonEC2", "Hrs", 1, ("300", "0"), ("999.99", "0")),
        ],
        resource_units: vec![{
            let figures =
                UnitFigures { prev_qty: d("1000"), cur_qty: d("1200"), prev_cost: d("30"), cur_cost: d("36") };
            billops::month::variance::RuLine {
                customer: "ACME".into(),
                ru: "vcpu".into(),
                split: split(&figures).unwrap(),
                figures,
            }
        }],
    }
}

fn volume_line(
    customer: &str,
    service: &str,
    unit: &str,
    units: usize,
    q: (&str, &str),
    c: (&str, &str),
) -> billops::month::variance::VolumeLine {
    use billops_domain::variance::volume::{UnitFigures, split};
    let figures = UnitFigures { prev_qty: d(q.0), cur_qty: d(q.1), prev_cost: d(c.0), cur_cost: d(c.1) };
    billops::month::variance::VolumeLine {
        customer: customer.into(),
        service: service.into(),
        unit: unit.into(),
        units,
        split: split(&figures).unwrap(),
        figures,
    }
}

/// The writes among the effects, as typed.
pub fn writes_of(fx: &[billops::console::action::Effect]) -> Vec<billops::console::action::PaneWrite> {
    fx.iter()
        .filter_map(|e| match e {
            billops::console::action::Effect::Write { op, .. } => Some(op.clone()),
            _ => None,
        })
        .collect()
}

/// The Close pane's queries as the fixture answers them (the report: the names the runner would write).
pub fn answer_close(q: billops::console::panes::close::io::Query) -> billops::console::panes::close::io::Reply {
    use billops::console::panes::close::io::{Query, Reply};
    match q {
        Query::Board { period, .. } => Reply::Board(Box::new(close_view(period, close_facts(period), false))),
        Query::Variances { period } => Reply::Variances(Box::new(variances(period))),
        Query::Report { period } => Reply::ReportWritten {
            period,
            html: format!("/exports/management-report-{period}.html").into(),
            csv: format!("/exports/management-report-{period}.csv").into(),
        },
    }
}
