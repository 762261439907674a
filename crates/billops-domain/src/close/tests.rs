#![allow(clippy::unwrap_used, clippy::expect_used)]
use std::str::FromStr;

use chrono::{NaiveDate, TimeZone, Utc};
use proptest::prelude::*;

use super::*;
use crate::invoice::{DraftRequest, build_draft};
use crate::line_item::ChargeCategory;
use crate::money::RoundingRule;
use crate::party::Role;
use crate::rating::{AccountCodeTable, ChargeLine, LineRef, PriceBook, PriceRule, Pricing, ResourceUnitSet, RuleScope};
use crate::terms::{Effective, Percent};

fn d(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}
fn day(y: i32, m: u32, dd: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, dd).unwrap()
}
fn jan() -> Period {
    Period::new(2026, 1).unwrap()
}
fn at(h: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 2, 9, h, 0, 0).unwrap()
}
fn mgr() -> User {
    User { name: "max".into(), role: Role::Manager }
}
fn op() -> User {
    User { name: "olga".into(), role: Role::Operator }
}

fn tie(supplier: Option<&str>, imported: &str, invoiced: &str) -> TieOutInput {
    TieOutInput {
        payer: "P1".into(),
        period: jan(),
        currency: "USD".into(),
        supplier_invoice: supplier.map(d),
        imported_billed: d(imported),
        invoiced_at_cost: d(invoiced),
        unassigned: Decimal::ZERO,
        retained: Decimal::ZERO,
        explained_supplier: Decimal::ZERO,
        explained_allocation: Decimal::ZERO,
        tolerance: d("0.01"),
    }
}

fn clean() -> CloseFacts {
    CloseFacts {
        period: jan(),
        payers_not_final: vec![],
        open_issues: IssueCounts::default(),
        unassigned_accounts_with_cost: 0,
        unassigned_cost: BTreeMap::new(),
        tie_outs: vec![tie_out(&tie(Some("100"), "100", "100")).unwrap()],
        credits_awaiting_approval: 0,
        discounts_awaiting_approval: 0,
        credits_not_on_drafts: 0,
        variances_unexplained: 0,
        customers_without_draft: 0,
        drafts_not_approved: 0,
        onboarding_incomplete: 0,
        payers_final: vec!["P1".into()],
        payers_missing: vec![],
        customers_with_cost: 2,
        invoices_approved_unissued: 0,
        invoices_issued: 2,
        supplier_credits_unreached: 0,
        supplier_credits_reached: 0,
        funding_credits_unused: 0,
    }
}

fn board(f: &CloseFacts, cfg: &CloseConfig) -> CloseBoard {
    evaluate(f, cfg, &PeriodClose::new(jan()), day(2026, 2, 3))
}

fn status_of(b: &CloseBoard, c: CheckId) -> (ItemStatus, JumpTarget) {
    let i = b.items.iter().find(|i| i.check == c).unwrap();
    (i.status, i.jump)
}

#[test]
fn clean_facts_allow_sign_off_and_the_lock_is_audited() {
    let cfg = CloseConfig::default();
    let b = board(&clean(), &cfg);
    assert_eq!(b.items.iter().map(|i| i.check).collect::<Vec<_>>(), CheckId::ALL);
    assert!(b.items[..7].iter().all(|i| i.status == ItemStatus::Ok));
    assert_eq!(b.items[7].status, ItemStatus::Warning);
    assert!(b.can_sign_off());
    let mut close = PeriodClose::new(jan());
    assert!(matches!(close.sign_off(&b, &op(), at(9), ""), Err(CloseError::NotPermitted { .. })));
    close.sign_off(&b, &mgr(), at(9), "all tied").unwrap();
    assert!(close.is_locked());
    assert!(matches!(close.sign_off(&b, &mgr(), at(10), ""), Err(CloseError::AlreadyLocked(_))));
    let b2 = evaluate(&clean(), &cfg, &close, day(2026, 2, 9));
    assert_eq!(b2.items[7].status, ItemStatus::Ok);
    assert!(b2.locked && !b2.can_sign_off());
    assert!(matches!(close.reopen(&op(), at(11), "late credit"), Err(CloseError::NotPermitted { .. })));
    assert!(matches!(close.reopen(&mgr(), at(11), "  "), Err(CloseError::ReasonRequired(_))));
    close.reopen(&mgr(), at(11), "late supplier credit note").unwrap();
    assert!(!close.is_locked());
    assert!(matches!(close.reopen(&mgr(), at(12), "again"), Err(CloseError::NotLocked(_))));
    let back = PeriodClose::replay(jan(), close.events().to_vec()).unwrap();
    assert_eq!(back, close);
    assert!(PeriodClose::replay(jan(), close.events()[1..].to_vec()).is_err());
    let feb = Period::new(2026, 2).unwrap();
    assert!(matches!(PeriodClose::new(feb).sign_off(&b, &mgr(), at(9), ""), Err(CloseError::WrongPeriod { .. })));
}

#[test]
fn each_fact_blocks_its_item_and_names_where_to_fix_it() {
    let cfg = CloseConfig::default();
    type Case = (Box<dyn Fn(&mut CloseFacts)>, CheckId, JumpTarget);
    let cases: Vec<Case> = vec![
        (Box::new(|f| f.payers_not_final = vec!["P2".into()]), CheckId::FinalData, JumpTarget::Imports),
        (Box::new(|f| f.open_issues.error = 2), CheckId::FinalData, JumpTarget::FeedIssues),
        (Box::new(|f| f.unassigned_accounts_with_cost = 1), CheckId::AccountsAssigned, JumpTarget::UnassignedAccounts),
        (
            Box::new(|f| f.tie_outs = vec![tie_out(&tie(None, "100", "100")).unwrap()]),
            CheckId::SupplierReconciled,
            JumpTarget::SupplierInvoices,
        ),
        (
            Box::new(|f| f.tie_outs = vec![tie_out(&tie(Some("100"), "100", "99")).unwrap()]),
            CheckId::SupplierReconciled,
            JumpTarget::Recon,
        ),
        (Box::new(|f| f.credits_awaiting_approval = 1), CheckId::CreditsApplied, JumpTarget::CreditQueue),
        (Box::new(|f| f.credits_not_on_drafts = 1), CheckId::CreditsApplied, JumpTarget::InvoiceDrafts),
        (Box::new(|f| f.variances_unexplained = 3), CheckId::VariancesExplained, JumpTarget::Variances),
        (Box::new(|f| f.drafts_not_approved = 3), CheckId::InvoicesApproved, JumpTarget::InvoiceDrafts),
        (Box::new(|f| f.customers_without_draft = 1), CheckId::InvoicesApproved, JumpTarget::InvoiceDrafts),
        (Box::new(|f| f.invoices_approved_unissued = 1), CheckId::InvoicesApproved, JumpTarget::InvoiceDrafts),
        (Box::new(|f| f.supplier_credits_unreached = 4), CheckId::CreditsApplied, JumpTarget::CreditQueue),
        (Box::new(|f| f.funding_credits_unused = 1), CheckId::CreditsApplied, JumpTarget::CreditQueue),
        (Box::new(|f| f.payers_final = vec![]), CheckId::FinalData, JumpTarget::Imports),
        (Box::new(|f| f.payers_missing = vec!["P9".into()]), CheckId::FinalData, JumpTarget::Imports),
    ];
    for (set, check, jump) in cases {
        let mut f = clean();
        set(&mut f);
        let b = board(&f, &cfg);
        assert_eq!(status_of(&b, check), (ItemStatus::Blocker, jump), "{check:?}");
        assert!(!b.can_sign_off());
        assert_eq!(b.items.iter().filter(|i| i.status == ItemStatus::Blocker).count(), 1, "{check:?}");
        let e = PeriodClose::new(jan()).sign_off(&b, &mgr(), at(9), "").unwrap_err();
        assert!(matches!(e, CloseError::Blocked { ref blockers, .. } if !blockers.is_empty()));
        // every refusal names what fixes it
        let item = b.items.iter().find(|i| i.check == check).unwrap();
        assert!(item.fix.as_deref().is_some_and(|f| f.starts_with("billops ")), "{check:?}: {:?}", item.fix);
        assert!(b.blockers().iter().all(|x| x.contains("(fix: billops ")), "{:?}", b.blockers());
    }
}

#[test]
fn warnings_do_not_block_unless_configured() {
    let mut f = clean();
    f.onboarding_incomplete = 2;
    f.open_issues.warning = 4;
    let mut cfg = CloseConfig::default();
    cfg.owners.insert(CheckId::Onboarding, "olga".into());
    let b = board(&f, &cfg);
    assert_eq!(status_of(&b, CheckId::Onboarding).0, ItemStatus::Warning);
    assert_eq!(status_of(&b, CheckId::FinalData).0, ItemStatus::Warning);
    assert_eq!(b.items[6].owner.as_deref(), Some("olga"));
    assert!(b.can_sign_off());
    cfg.onboarding_blocks = true;
    cfg.issue_threshold = Severity::Warning;
    let b = board(&f, &cfg);
    assert_eq!(status_of(&b, CheckId::Onboarding).0, ItemStatus::Blocker);
    assert_eq!(status_of(&b, CheckId::FinalData).0, ItemStatus::Blocker);
    assert_eq!(b.next_failing(None), Some(0));
    assert_eq!(b.next_failing(Some(0)), Some(6));
    assert_eq!(b.next_failing(Some(6)), Some(7));
    assert_eq!(b.next_failing(Some(7)), Some(0));
}

#[test]
fn countdown_to_the_tenth_in_business_days() {
    let cal = BusinessCalendar::default();
    let rule = DueRule::default();
    let c = Countdown::new(jan(), &rule, &cal, day(2026, 2, 3));
    assert_eq!((c.due, c.calendar_days_left, c.business_days_left), (day(2026, 2, 10), 7, 5));
    assert_eq!(c.to_string(), "5 business days left (due 2026-02-10)");
    assert_eq!(Countdown::new(jan(), &rule, &cal, day(2026, 2, 10)).to_string(), "due today (2026-02-10)");
    let late = Countdown::new(jan(), &rule, &cal, day(2026, 2, 11));
    assert!(late.is_overdue());
    assert_eq!(late.to_string(), "1 business day overdue (due 2026-02-10)");
    // 10 May 2026 is a Sunday: due the Friday before.
    assert_eq!(rule.due_date(Period::new(2026, 4).unwrap(), &cal), day(2026, 5, 8));
    let bd = DueRule::new(10, DueKind::BusinessDay).unwrap();
    assert_eq!(bd.due_date(jan(), &cal), day(2026, 2, 13));
    let with_holiday = BusinessCalendar::new([day(2026, 2, 9)]);
    assert_eq!(bd.due_date(jan(), &with_holiday), day(2026, 2, 16));
    assert_eq!(DueRule::new(31, DueKind::CalendarDay).unwrap().due_date(jan(), &cal), day(2026, 2, 27));
    assert!(DueRule::new(0, DueKind::CalendarDay).is_err());
    assert!(DueRule::new(21, DueKind::BusinessDay).is_err());
}

#[test]
fn tie_out_statuses() {
    let st = |i: TieOutInput| tie_out(&i).unwrap().status;
    assert_eq!(st(tie(Some("100"), "100", "100")), TieOutStatus::Tied);
    assert_eq!(st(tie(Some("100.01"), "100", "100")), TieOutStatus::WithinTolerance);
    assert_eq!(st(tie(Some("105"), "100", "100")), TieOutStatus::Unreconciled);
    assert_eq!(
        st(TieOutInput { explained_supplier: d("5"), ..tie(Some("105"), "100", "100") }),
        TieOutStatus::Explained
    );
    assert_eq!(st(tie(None, "100", "100")), TieOutStatus::MissingSupplierInvoice);
    // Opposite errors on the two legs do not cancel out.
    assert_eq!(st(tie(Some("105"), "100", "105")), TieOutStatus::Unreconciled);
    let t = tie_out(&TieOutInput { unassigned: d("3"), retained: d("2"), ..tie(Some("100"), "100", "95") }).unwrap();
    assert_eq!((t.allocated, t.allocation_residual, t.status), (d("100"), Decimal::ZERO, TieOutStatus::Tied));
    assert!(tie_out(&TieOutInput { tolerance: d("-1"), ..tie(Some("1"), "1", "1") }).is_err());
    assert!(tie_out(&tie(Some("105"), "100", "100")).unwrap().summary().contains("unexplained supplier−import 5"));
}

// A generated book: lines on five accounts; a1, a2 → acme, a3 → globex, a4 unassigned, a5 internal (retained).
fn arb_book() -> impl Strategy<Value = Vec<(usize, usize, i64, u32)>> {
    proptest::collection::vec((0usize..5, 0usize..4, -1_000_000i64..50_000_000, 0u32..12), 0..60)
}

fn cl(i: usize, acct: usize, cat: usize, m: i64, scale: u32) -> ChargeLine {
    ChargeLine {
        source: LineRef(i64::try_from(i).unwrap()),
        account: format!("a{}", acct + 1),
        usage_date: day(2026, 1, 5),
        service: if cat.is_multiple_of(2) { "AmazonEC2" } else { "AmazonS3" }.into(),
        product: "web".into(),
        component: "api".into(),
        usage_type: "u".into(),
        region: "us-east-1".into(),
        charge_category: [ChargeCategory::Usage, ChargeCategory::Tax, ChargeCategory::Credit, ChargeCategory::Refund]
            [cat],
        quantity: Some(Decimal::ONE),
        unit: "Hrs".into(),
        cost: Decimal::new(m, scale),
        currency: "USD".into(),
    }
}

proptest! {
    #[test]
    fn three_way_identity_holds_for_generated_books(book in arb_book(), markup in 0i64..5000, delta in 2i64..100_000) {
        let lines: Vec<ChargeLine> = book.iter().enumerate().map(|(i, (a, c, m, s))| cl(i, *a, *c, *m, *s)).collect();
        let rule = PriceRule::new("m", RuleScope::any(), Pricing::markup(Decimal::new(markup, 2)).unwrap(), Effective::always()).unwrap();
        let mut invoiced = Decimal::ZERO;
        for (customer, accounts) in [("acme", ["a1", "a2"].as_slice()), ("globex", ["a3"].as_slice())] {
            let mine: Vec<ChargeLine> = lines.iter().filter(|l| accounts.contains(&l.account.as_str())).cloned().collect();
            let pb = PriceBook::new(customer, vec![rule.clone()]).unwrap();
            let draft = build_draft(&DraftRequest {
                customer,
                period: jan(),
                currency: "USD",
                lines: &mine,
                price_book: &pb,
                resource_units: &ResourceUnitSet::default(),
                account_codes: &AccountCodeTable::default(),
                discounts: &[],
                credits: &[],
                tax_rate: Percent::new(Decimal::new(10, 0)).unwrap(),
                rounding: RoundingRule::default(),
                fx: &crate::fx::FxTable::default(),
            }).unwrap();
            invoiced += draft.totals.cost + draft.totals.stripped;
        }
        let sum_of = |acct: &str| lines.iter().filter(|l| l.account == acct).map(|l| l.cost).sum::<Decimal>();
        let imported: Decimal = lines.iter().map(|l| l.cost).sum();
        let input = TieOutInput {
            supplier_invoice: Some(imported),
            imported_billed: imported,
            invoiced_at_cost: invoiced,
            unassigned: sum_of("a4"),
            retained: sum_of("a5"),
            tolerance: Decimal::new(1, 2),
            ..tie(None, "0", "0")
        };
        let t = tie_out(&input).unwrap();
        prop_assert_eq!(t.status, TieOutStatus::Tied);
        prop_assert_eq!(t.allocated, imported);
        let off = Decimal::new(delta, 2);
        let wrong = tie_out(&TieOutInput { supplier_invoice: Some(imported + off), ..input.clone() }).unwrap();
        prop_assert_eq!(wrong.status, TieOutStatus::Unreconciled);
        let explained = tie_out(&TieOutInput { supplier_invoice: Some(imported + off), explained_supplier: off, ..input }).unwrap();
        prop_assert_eq!(explained.status, TieOutStatus::Explained);
    }
}

#[test]
fn an_empty_month_is_not_ready_and_says_so() {
    let mut f = clean();
    f.payers_final = vec![];
    f.tie_outs = vec![];
    f.customers_with_cost = 0;
    f.invoices_issued = 0;
    let b = board(&f, &CloseConfig::default());
    let item = &b.items[0];
    assert_eq!(item.status, ItemStatus::Blocker);
    assert_eq!(item.problems, ["no data imported for 2026-01: an empty month is not ready"]);
    assert!(item.basis.starts_with("no data imported"), "{}", item.basis);
    assert!(!b.can_sign_off());
    assert_eq!(b.items[2].basis, "no payer to tie out");
}

#[test]
fn a_month_that_has_not_ended_cannot_be_signed_off() {
    let cfg = CloseConfig::default();
    for today in [day(2026, 1, 31), day(2025, 12, 1)] {
        let b = evaluate(&clean(), &cfg, &PeriodClose::new(jan()), today);
        let last = &b.items[7];
        assert_eq!(last.status, ItemStatus::Blocker, "{today}");
        assert_eq!(last.problems, ["2026-01 has not ended: it can be signed off from 2026-02-01"]);
        assert!(!b.can_sign_off());
        let e = PeriodClose::new(jan()).sign_off(&b, &mgr(), at(9), "").unwrap_err();
        assert!(e.to_string().contains("has not ended"), "{e}");
    }
    assert!(evaluate(&clean(), &cfg, &PeriodClose::new(jan()), day(2026, 2, 1)).can_sign_off());
}

#[test]
fn each_pass_says_why() {
    let mut f = clean();
    f.payers_final = vec!["P1".into(), "P2".into(), "P3".into()];
    f.supplier_credits_reached = 2;
    let b = board(&f, &CloseConfig::default());
    let basis: Vec<&str> = b.items.iter().map(|i| i.basis.as_str()).collect();
    assert_eq!(basis[0], "3 payers, all final; no open feed issues");
    assert_eq!(basis[1], "every account with cost assigned (2 customer(s) with cost)");
    assert_eq!(basis[2], "1 of 1 payer tied out within tolerance");
    assert_eq!(basis[3], "0 awaiting approval; 2 of 2 supplier credit(s) passed through; 0 funding credit(s) unused");
    assert_eq!(basis[5], "2 customer(s) with cost; 2 issued, 0 approved not issued, 0 not approved");
    assert_eq!(basis[6], "2 of 2 customer(s) with cost onboarded");
    assert!(b.items[..7].iter().all(|i| i.status == ItemStatus::Ok && i.fix.is_none()));
    f.payers_not_final = vec!["P4".into()];
    assert_eq!(board(&f, &CloseConfig::default()).items[0].basis, "3 of 4 payers final; no open feed issues");
}

#[test]
fn settings_turn_unissued_invoices_and_unreached_credits_into_warnings() {
    let mut f = clean();
    f.invoices_approved_unissued = 3;
    f.supplier_credits_unreached = 4;
    let cfg = CloseConfig::default();
    let b = board(&f, &cfg);
    assert_eq!(status_of(&b, CheckId::InvoicesApproved).0, ItemStatus::Blocker);
    assert_eq!(status_of(&b, CheckId::CreditsApplied).0, ItemStatus::Blocker);
    assert!(b.blockers().iter().any(|x| x.starts_with("3 approved invoice(s) not issued")), "{:?}", b.blockers());
    assert!(b.blockers().iter().any(|x| x.contains("billops invoices issue ID")), "{:?}", b.blockers());
    let cfg = CloseConfig { issue_after_sign_off: true, unreached_credits_block: false, ..cfg };
    let b = board(&f, &cfg);
    assert_eq!(status_of(&b, CheckId::InvoicesApproved).0, ItemStatus::Warning);
    assert_eq!(status_of(&b, CheckId::CreditsApplied).0, ItemStatus::Warning);
    assert_eq!(b.items[5].problems, ["3 approved invoice(s) to issue after sign-off"]);
    assert!(b.can_sign_off());
}

#[test]
fn unassigned_cost_and_tie_outs_name_each_currency_and_never_add_two() {
    let mut f = clean();
    f.unassigned_accounts_with_cost = 2;
    f.unassigned_cost = [("USD".to_string(), d("410.2")), ("EUR".into(), d("12")), ("GBP".into(), d("0"))].into();
    let b = board(&f, &CloseConfig::default());
    let item = b.items.iter().find(|i| i.check == CheckId::AccountsAssigned).unwrap();
    assert_eq!(item.problems, vec!["2 unassigned account(s) with cost 12 EUR, 410.2 USD".to_string()]);
    // one payer, two currencies: each tied out on its own, each summary in its own currency
    let tie = |cur: &str, supplier: Option<&str>, imported: &str| {
        tie_out(&TieOutInput {
            payer: "P1".into(),
            period: jan(),
            currency: cur.into(),
            supplier_invoice: supplier.map(d),
            imported_billed: d(imported),
            invoiced_at_cost: d(imported),
            unassigned: Decimal::ZERO,
            retained: Decimal::ZERO,
            explained_supplier: Decimal::ZERO,
            explained_allocation: Decimal::ZERO,
            tolerance: d("0.01"),
        })
        .unwrap()
    };
    f.tie_outs = vec![tie("USD", Some("100"), "100"), tie("EUR", None, "40")];
    let b = board(&f, &CloseConfig::default());
    let item = b.items.iter().find(|i| i.check == CheckId::SupplierReconciled).unwrap();
    assert_eq!(item.problems, vec!["P1 2026-01: no supplier invoice entered in EUR (imported 40 EUR)".to_string()]);
    assert_eq!(item.basis, "1 of 2 tie-outs (payer × currency) within tolerance");
}
