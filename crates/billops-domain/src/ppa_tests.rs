#![allow(clippy::unwrap_used, clippy::expect_used)]
use std::collections::BTreeMap;

use proptest::prelude::*;
use rust_decimal::Decimal;

use super::*;

fn p(s: &str) -> Period {
    s.parse().unwrap()
}
fn input(original: i64, rerated: i64, interest: i64) -> PpaInput {
    PpaInput {
        customer: "acme".into(),
        currency: "USD".into(),
        original_period: p("2026-05"),
        original_invoice: "INV-000042".into(),
        original_line: 3,
        original: Decimal::new(original, 2),
        rerated: Decimal::new(rerated, 2),
        interest: Decimal::new(interest, 2),
        reason: "EC2 markup was 15% instead of 12%".into(),
    }
}
fn policy(t: i64) -> ApprovalPolicy {
    ApprovalPolicy::new(Decimal::from(t)).unwrap()
}

#[test]
fn posts_credit_and_rebill_in_an_open_later_period() {
    let mut ppa = Ppa::propose(input(115_000, 112_000, 271), "olga").unwrap();
    assert_eq!(ppa.delta().unwrap(), Decimal::new(-3000, 2));
    assert!(matches!(ppa.post(p("2026-07"), "INV-000077", |_| false), Err(PpaError::BadTransition { .. })));
    assert!(matches!(ppa.approve("olga", &policy(500)), Ok(())), "under the threshold one person may approve");
    let locked = |q: Period| q <= p("2026-06");
    assert!(matches!(ppa.post(p("2026-05"), "X", locked), Err(PpaError::PostingPeriod { .. })));
    assert!(matches!(ppa.post(p("2026-06"), "X", locked), Err(PpaError::PostingPeriod { .. })));
    let lines = ppa.post(p("2026-07"), "INV-000077", locked).unwrap();
    let shown: Vec<(PostingKind, Decimal)> = lines.iter().map(|l| (l.kind, l.amount)).collect();
    assert_eq!(
        shown,
        vec![
            (PostingKind::Reverse, Decimal::new(-115_000, 2)),
            (PostingKind::Rebill, Decimal::new(112_000, 2)),
            (PostingKind::Interest, Decimal::new(271, 2)),
        ]
    );
    assert!(lines.iter().all(|l| l.text.contains("INV-000042 line 3")), "every line names the original");
    assert_eq!((ppa.status, ppa.posted_on.as_deref()), (PpaStatus::Posted, Some("INV-000077")));
}

#[test]
fn maker_checker_and_refusals() {
    let mut big = Ppa::propose(input(1_000_000, 0, 0), "olga").unwrap();
    assert!(matches!(big.approve("olga", &policy(500)), Err(PpaError::MakerChecker { .. })));
    big.approve("max", &policy(500)).unwrap();
    assert_eq!(big.approver.as_deref(), Some("max"));
    assert!(big.approve("max", &policy(500)).is_err(), "approved once");
    assert!(Ppa::propose(input(100, 100, 0), "olga").is_err(), "nothing to adjust");
    let mut no_reason = input(100, 200, 0);
    no_reason.reason = " ".into();
    assert!(Ppa::propose(no_reason, "olga").is_err());
    let mut r = Ppa::propose(input(100, 200, 0), "olga").unwrap();
    r.reject().unwrap();
    assert!(r.approve("max", &policy(0)).is_err());
}

#[test]
fn rerating_lists_the_lines_that_moved() {
    let issued = BTreeMap::from([(1, Decimal::new(100, 0)), (2, Decimal::new(50, 0)), (4, Decimal::new(7, 0))]);
    let rerated = BTreeMap::from([(1, Decimal::new(100, 0)), (2, Decimal::new(45, 0)), (3, Decimal::new(9, 0))]);
    let d = rerate(&issued, &rerated).unwrap();
    let shown: Vec<(u32, Decimal)> = d.iter().map(|l| (l.line, l.delta)).collect();
    assert_eq!(shown, vec![(2, Decimal::new(-5, 0)), (3, Decimal::new(9, 0)), (4, Decimal::new(-7, 0))]);
}

proptest! {
    /// Posting identity: original + Σ PPA deltas along a chain of corrections = the last re-rated amount, and
    /// each PPA's posted lines (without interest) add up to its delta.
    #[test]
    fn original_plus_ppas_is_the_rerated_amount(original in -10_000_000i64..10_000_000, steps in proptest::collection::vec(-10_000_000i64..10_000_000, 1..6)) {
        let mut billed = Decimal::new(original, 2);
        let start = billed;
        let mut total_delta = Decimal::ZERO;
        let mut month = p("2026-06");
        for s in steps {
            let target = Decimal::new(s, 2);
            if target == billed { continue; }
            let mut i = input(0, 0, 0);
            i.original = billed;
            i.rerated = target;
            let mut ppa = Ppa::propose(i, "olga").unwrap();
            ppa.approve("max", &policy(0)).unwrap();
            let lines = ppa.post(month, "INV", |_| false).unwrap();
            let posted: Decimal = lines.iter().filter(|l| l.kind != PostingKind::Interest).map(|l| l.amount).sum();
            prop_assert_eq!(posted, ppa.delta().unwrap());
            total_delta += posted;
            billed = target;
            month = month.next();
        }
        prop_assert_eq!(start + total_delta, billed);
    }

    #[test]
    fn rerate_deltas_reconcile_totals(a in proptest::collection::btree_map(0u32..20, -1_000_000i64..1_000_000, 0..10), b in proptest::collection::btree_map(0u32..20, -1_000_000i64..1_000_000, 0..10)) {
        let issued: BTreeMap<u32, Decimal> = a.into_iter().map(|(k, v)| (k, Decimal::new(v, 2))).collect();
        let rerated: BTreeMap<u32, Decimal> = b.into_iter().map(|(k, v)| (k, Decimal::new(v, 2))).collect();
        let d = rerate(&issued, &rerated).unwrap();
        let sum = |m: &BTreeMap<u32, Decimal>| m.values().copied().sum::<Decimal>();
        prop_assert_eq!(sum(&issued) + d.iter().map(|l| l.delta).sum::<Decimal>(), sum(&rerated));
        prop_assert!(d.iter().all(|l| !l.delta.is_zero()));
    }
}

fn draft_of(charges: Decimal, tax_pct: i64) -> Draft {
    use crate::invoice::Totals;
    use crate::money::RoundingRule;
    use crate::terms::Percent;
    let rate = Percent::new(Decimal::from(tax_pct)).unwrap();
    let line = |kind: LineKind, amount: Decimal| InvoiceLine {
        kind,
        description: String::new(),
        account_code: None,
        quantity: None,
        cost: Decimal::ZERO,
        amount,
        rule_ids: Vec::new(),
        sources: Vec::new(),
        fx: None,
    };
    let tax = rate.of(charges).unwrap();
    Draft {
        customer: "acme".into(),
        period: p("2026-07"),
        currency: "USD".into(),
        rounding_rule: RoundingRule::HalfAwayFromZero,
        tax_rate: rate,
        stripped: Vec::new(),
        charges: vec![line(
            LineKind::Usage { service: "EC2".into(), product: "EC2".into(), component: "usage".into() },
            charges,
        )],
        discounts: Vec::new(),
        credits: Vec::new(),
        tax: vec![line(LineKind::Tax { rate }, tax)],
        rounding: Vec::new(),
        credit_applications: Vec::new(),
        totals: Totals {
            charges,
            taxable: charges,
            tax,
            unrounded: charges + tax,
            total: charges + tax,
            ..Totals::default()
        },
    }
}

#[test]
fn posted_ppas_land_on_the_draft_as_credit_and_rebill_with_tax_and_one_rounding() {
    // 30.00 re-rated to 20.00 with 0.333 interest: net −9.667 on a 100.00 draft taxed at 10%.
    let mut inp = input(3000, 2000, 0);
    inp.interest = Decimal::new(333, 3);
    let mut ppa = Ppa::propose(inp, "olga").unwrap();
    ppa.approve("ivan", &policy(5)).unwrap();
    let mut draft = draft_of(Decimal::from(100), 10);
    // Not posted yet: refused, the draft unchanged.
    let before = draft.clone();
    assert!(add_to_draft(&mut draft, &[(7, &ppa)]).is_err());
    assert_eq!(draft, before);
    ppa.post(p("2026-07"), "acme 2026-07", |_| false).unwrap();
    add_to_draft(&mut draft, &[(7, &ppa)]).unwrap();
    let ppa_lines: Vec<(&str, Decimal)> = draft
        .charges
        .iter()
        .filter_map(|l| match &l.kind {
            LineKind::Usage { service, component, .. } if service == PPA_SERVICE => {
                Some((component.as_str(), l.amount))
            }
            _ => None,
        })
        .collect();
    assert_eq!(
        ppa_lines,
        [("reverse", Decimal::new(-3000, 2)), ("rebill", Decimal::new(2000, 2)), ("interest", Decimal::new(333, 3))]
    );
    assert!(draft.charges[1].description.contains("PPA-7 reversal of INV-000042 line 3 (2026-05)"));
    let t = draft.totals;
    assert_eq!(t.charges, Decimal::new(90333, 3));
    assert_eq!(t.tax, Decimal::new(90333, 4));
    assert_eq!(draft.tax[0].amount, t.tax);
    assert_eq!(t.total, Decimal::new(9937, 2), "rounded once");
    assert_eq!(t.rounding, t.total - t.unrounded);
    assert_eq!(draft.rounding.len(), 1);
    // The identity: every line sums to the total.
    let sum: Decimal = draft.lines().map(|l| l.amount).sum();
    assert_eq!(sum, t.total);
    // Another customer's PPA is refused.
    let mut other = draft_of(Decimal::from(100), 0);
    other.customer = "beta".into();
    assert!(add_to_draft(&mut other, &[(7, &ppa)]).is_err());
}
