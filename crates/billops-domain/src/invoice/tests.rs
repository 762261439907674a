#![allow(clippy::unwrap_used, clippy::expect_used)]
use std::str::FromStr;

use chrono::{NaiveDate, TimeZone, Utc};
use proptest::prelude::*;
use rust_decimal::Decimal;

use super::*;
use crate::credit::{ApprovalPolicy, Credit, CreditProposal, CreditScope};
use crate::fx::{FxTable, FxUsed, Pair};
use crate::money::{Money, RoundingRule, round_document};
use crate::party::{Role, User};
use crate::period::DateRange;
use crate::rating::{
    AccountCode, AccountCodeTable, ChargeLine, CodeScope, PriceBook, PriceRule, Pricing, ResourceUnit, ResourceUnitSet,
    RuleScope, VolumeSelector,
};
use crate::terms::{Effective, EffectiveTable};

pub(super) fn d(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}
fn day(dd: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 1, dd).unwrap()
}
pub(super) fn jan() -> Period {
    Period::new(2026, 1).unwrap()
}

pub(super) fn line(id: i64, service: &str, category: ChargeCategory, cost: &str) -> ChargeLine {
    ChargeLine {
        source: LineRef(id),
        account: "111".into(),
        usage_date: day(10),
        service: service.into(),
        product: "web".into(),
        component: "api".into(),
        usage_type: "USE1-BoxUsage:m5.large".into(),
        region: "us-east-1".into(),
        charge_category: category,
        quantity: Some(d("4")),
        unit: "Hrs".into(),
        cost: d(cost),
        currency: "USD".into(),
    }
}

pub(super) fn book() -> PriceBook {
    let r = PriceRule::new(
        "ec2-m10",
        RuleScope::any().service("AmazonEC2"),
        Pricing::markup(d("10")).unwrap(),
        Effective::always(),
    )
    .unwrap();
    PriceBook::new("acme", vec![r]).unwrap()
}

fn credit(id: &str, amount: &str) -> Credit {
    let op = User { name: "olga".into(), role: Role::Operator };
    let mgr = User { name: "max".into(), role: Role::Manager };
    let t = Utc.with_ymd_and_hms(2026, 2, 2, 9, 0, 0).unwrap();
    let p = CreditProposal {
        id: id.into(),
        kind: crate::credit::CreditKind::Goodwill,
        customer: "acme".into(),
        amount: Money::new(d(amount), "USD"),
        scope: CreditScope::all(),
        validity: DateRange { start: day(1), end: NaiveDate::from_ymd_opt(2026, 6, 1).unwrap() },
        evidence: "CASE-7".into(),
        reason: "late delivery".into(),
    };
    let mut c = Credit::propose(p, &op, t).unwrap();
    c.approve(&mgr, t, "ok", &ApprovalPolicy::new(d("10000")).unwrap()).unwrap();
    c
}

pub(super) struct Fixture {
    pub lines: Vec<ChargeLine>,
    pub book: PriceBook,
    pub rus: ResourceUnitSet,
    pub codes: AccountCodeTable,
    pub discounts: Vec<InvoiceDiscount>,
    pub credits: Vec<Credit>,
    pub tax: Percent,
    pub rounding: RoundingRule,
    pub currency: &'static str,
    pub fx: FxTable,
}

impl Fixture {
    pub fn new(lines: Vec<ChargeLine>) -> Fixture {
        Fixture {
            lines,
            book: book(),
            rus: ResourceUnitSet::default(),
            codes: AccountCodeTable::default(),
            discounts: Vec::new(),
            credits: Vec::new(),
            tax: Percent::ZERO,
            rounding: RoundingRule::default(),
            currency: "USD",
            fx: FxTable::default(),
        }
    }
    pub fn build(&self) -> Result<Draft, InvoiceError> {
        build_draft(&DraftRequest {
            customer: "acme",
            period: jan(),
            currency: self.currency,
            lines: &self.lines,
            price_book: &self.book,
            resource_units: &self.rus,
            account_codes: &self.codes,
            discounts: &self.discounts,
            credits: &self.credits,
            tax_rate: self.tax,
            rounding: self.rounding,
            fx: &self.fx,
        })
    }
}

fn sum_sections(dr: &Draft) -> Decimal {
    dr.sections().iter().skip(1).flat_map(|s| s.lines.iter()).map(|l| l.amount).sum()
}

#[test]
fn order_of_operations_is_fixed_and_visible() {
    let mut f = Fixture::new(vec![
        line(1, "AmazonEC2", ChargeCategory::Usage, "60"),
        line(2, "AmazonEC2", ChargeCategory::Usage, "40"),
        line(3, "AmazonS3", ChargeCategory::Usage, "50.005"),
        line(4, "AmazonEC2", ChargeCategory::Tax, "12"),
        line(5, "AmazonEC2", ChargeCategory::Credit, "-5"),
    ]);
    f.discounts = vec![InvoiceDiscount::new("vol", "Volume discount", d("10")).unwrap()];
    f.credits = vec![credit("gw-1", "20")];
    f.tax = Percent::new(d("8.25")).unwrap();
    let dr = f.build().unwrap();
    let steps: Vec<Step> = dr.sections().iter().map(|s| s.step).collect();
    assert_eq!(steps, Step::ORDER);
    let t = dr.totals;
    assert_eq!((t.stripped, t.cost, t.charges), (d("7"), d("150.005"), d("160.005")));
    assert_eq!((t.discounts, t.credits, t.taxable), (d("-16.0005"), d("-20"), d("124.0045")));
    assert_eq!((t.tax, t.unrounded), (d("10.23037125"), d("134.23487125")));
    assert_eq!((t.total, t.rounding), (d("134.23"), d("-0.00487125")));
    assert_eq!(sum_sections(&dr), t.total);
    assert_eq!(dr.stripped.len(), 2);
    assert!(dr.stripped.iter().all(|l| l.amount.is_zero()));
    let ec2 = &dr.charges[0];
    assert_eq!((ec2.amount, ec2.cost, ec2.rule_ids.clone()), (d("110"), d("100"), vec!["ec2-m10".to_string()]));
    assert_eq!(ec2.sources, vec![LineRef(1), LineRef(2)]);
    assert_eq!(dr.charges[1].rule_ids, Vec::<String>::new());
    assert_eq!(dr.credit_applications[0].balance_after, Decimal::ZERO);
    assert_eq!(dr.rounding[0].kind, LineKind::Rounding);
}

#[test]
fn rounding_rule_comes_from_the_contract() {
    let mut f = Fixture::new(vec![line(1, "AmazonS3", ChargeCategory::Usage, "2.345")]);
    assert_eq!(f.build().unwrap().total(), d("2.35"));
    f.rounding = RoundingRule::HalfEven;
    assert_eq!(f.build().unwrap().total(), d("2.34"));
    f.rounding = RoundingRule::HalfAwayFromZero;
    f.lines = vec![line(1, "AmazonS3", ChargeCategory::Refund, "-2.345")];
    let dr = f.build().unwrap();
    assert_eq!((dr.total(), dr.totals.rounding), (d("-2.35"), d("-0.005")));
    f.lines = vec![line(1, "AmazonS3", ChargeCategory::Usage, "2.00")];
    assert!(f.build().unwrap().rounding.is_empty(), "no rounding line when nothing is rounded");
    f.currency = "JPY";
    f.lines = vec![ChargeLine { currency: "JPY".into(), ..line(1, "AmazonS3", ChargeCategory::Usage, "1234.5") }];
    assert_eq!(f.build().unwrap().total(), d("1235"));
}

#[test]
fn credits_never_take_the_invoice_below_zero_and_carry_over() {
    let mut f = Fixture::new(vec![line(1, "AmazonS3", ChargeCategory::Usage, "100")]);
    f.discounts = vec![InvoiceDiscount::new("d", "Discount", d("25")).unwrap()];
    f.credits = vec![credit("big", "1000"), credit("second", "5")];
    f.tax = Percent::new(d("10")).unwrap();
    let dr = f.build().unwrap();
    assert_eq!((dr.totals.credits, dr.totals.tax, dr.total()), (d("-75"), Decimal::ZERO, Decimal::ZERO));
    assert_eq!(dr.credit_applications.len(), 1);
    assert_eq!(dr.credit_applications[0].balance_after, d("925"));
}

#[test]
fn discounts_are_capped_and_validated() {
    assert!(InvoiceDiscount::new("x", "x", d("100.5")).is_err());
    assert!(InvoiceDiscount::new("", "x", d("5")).is_err());
    let mut f = Fixture::new(vec![line(1, "AmazonS3", ChargeCategory::Usage, "10")]);
    f.discounts =
        vec![InvoiceDiscount::new("a", "A", d("70")).unwrap(), InvoiceDiscount::new("b", "B", d("70")).unwrap()];
    let dr = f.build().unwrap();
    assert_eq!(dr.discounts.iter().map(|l| l.amount).collect::<Vec<_>>(), vec![d("-7"), d("-3")]);
    assert_eq!(dr.total(), Decimal::ZERO);
    f.discounts =
        vec![InvoiceDiscount::new("a", "A", d("1")).unwrap(), InvoiceDiscount::new("a", "A", d("1")).unwrap()];
    assert!(f.build().is_err());
}

#[test]
fn refuses_lines_in_another_currency_without_a_rate_naming_the_pair_and_period() {
    let f =
        Fixture::new(vec![ChargeLine { currency: "EUR".into(), ..line(9, "AmazonS3", ChargeCategory::Usage, "1") }]);
    let e = f.build().unwrap_err();
    assert_eq!(e, InvoiceError::NoFxRate { pair: Pair::new("EUR", "USD").unwrap(), period: jan() });
    assert!(e.to_string().contains("EUR→USD") && e.to_string().contains("2026-01"), "{e}");
    // not a currency at all: still refused
    let f = Fixture::new(vec![ChargeLine { currency: "EURO".into(), ..line(9, "S3", ChargeCategory::Usage, "1") }]);
    assert!(matches!(f.build(), Err(InvoiceError::CurrencyMismatch { line: LineRef(9), .. })));
}

#[test]
fn converts_with_the_approved_rate_records_it_and_rounds_the_document_once() {
    let mut f = Fixture::new(vec![
        ChargeLine { currency: "EUR".into(), ..line(1, "AmazonS3", ChargeCategory::Usage, "10.005") },
        line(2, "AmazonS3", ChargeCategory::Usage, "1"),
    ]);
    let rate = FxUsed {
        pair: Pair::new("EUR", "USD").unwrap(),
        rate: d("1.1"),
        source: "ECB".into(),
        date: NaiveDate::from_ymd_opt(2026, 1, 30).unwrap(),
    };
    f.fx = FxTable::new(jan(), [rate.clone()]);
    let dr = f.build().unwrap();
    let eur = dr.charges.iter().find(|l| l.fx.is_some()).unwrap();
    assert_eq!(eur.fx.as_ref(), Some(&rate));
    assert_eq!(eur.cost, d("11.0055"), "exact: 10.005 × 1.1");
    assert!(eur.description.ends_with("[EUR→USD 1.1 (ECB 2026-01-30)]"), "{}", eur.description);
    let usd = dr.charges.iter().find(|l| l.fx.is_none()).unwrap();
    assert_eq!(usd.cost, d("1"), "a line already in the invoice's currency is not converted");
    assert_eq!(dr.totals.cost, d("12.0055"));
    assert_eq!(dr.totals.total, round_document(dr.totals.unrounded, "USD", RoundingRule::default()));
    assert_eq!(dr.totals.total.scale(), 2);
    // a JPY invoice from EUR cost rounds to whole yen
    let mut f =
        Fixture::new(vec![ChargeLine { currency: "EUR".into(), ..line(1, "AmazonS3", ChargeCategory::Usage, "10") }]);
    f.currency = "JPY";
    f.fx = FxTable::new(jan(), [FxUsed { pair: Pair::new("EUR", "JPY").unwrap(), rate: d("161.237"), ..rate }]);
    let dr = f.build().unwrap();
    assert_eq!(dr.totals.total, round_document(dr.totals.unrounded, "JPY", RoundingRule::default()));
    assert_eq!(dr.totals.total.scale(), 0);
}

#[test]
fn resource_units_and_account_codes_on_lines() {
    let mut f = Fixture::new(vec![
        line(1, "AmazonEC2", ChargeCategory::Usage, "1.5"),
        ChargeLine { account: "222".into(), ..line(2, "AmazonS3", ChargeCategory::Usage, "3") },
    ]);
    let sel = VolumeSelector { service: Some("AmazonEC2".into()), ..Default::default() };
    f.rus = ResourceUnitSet::new(vec![
        ResourceUnit::new("vcpu-h", "vCPU hour", "vCPU-h", sel, d("2"), EffectiveTable::constant(d("0.03"))).unwrap(),
    ])
    .unwrap();
    let code = |scope, c: &str| AccountCode { scope, code: c.into(), effective: Effective::always() };
    f.codes = AccountCodeTable::new(vec![
        code(CodeScope::Customer("acme".into()), "GL-1"),
        code(CodeScope::Account("222".into()), "GL-2"),
    ])
    .unwrap();
    f.discounts = vec![InvoiceDiscount::new("d", "Discount", d("10")).unwrap()];
    let dr = f.build().unwrap();
    let ru = dr.charges.iter().find(|l| matches!(l.kind, LineKind::ResourceUnit { .. })).unwrap();
    assert_eq!((ru.quantity, ru.amount, ru.cost), (Some(d("8")), d("0.24"), d("1.5")));
    assert_eq!(ru.description, "vCPU hour: 8 vCPU-h at 0.03");
    assert_eq!(ru.account_code.as_deref(), Some("GL-1"));
    let s3 = dr.charges.iter().find(|l| matches!(l.kind, LineKind::Usage { .. })).unwrap();
    assert_eq!(s3.account_code.as_deref(), Some("GL-2"));
    assert_eq!(dr.discounts[0].account_code.as_deref(), Some("GL-1"));
}

fn arb_lines() -> impl Strategy<Value = Vec<ChargeLine>> {
    proptest::collection::vec((0usize..3, 0usize..4, -10_000_000i64..100_000_000, 0u32..10), 0..30).prop_map(|v| {
        v.into_iter()
            .enumerate()
            .map(|(i, (svc, cat, m, scale))| {
                let category =
                    [ChargeCategory::Usage, ChargeCategory::Tax, ChargeCategory::Credit, ChargeCategory::Refund][cat];
                let mut l = line(i64::try_from(i).unwrap(), ["AmazonEC2", "AmazonS3", "AmazonRDS"][svc], category, "0");
                l.cost = Decimal::new(m, scale);
                l
            })
            .collect()
    })
}

proptest! {
    #[test]
    fn totals_identities_hold(
        lines in arb_lines(),
        disc in proptest::collection::vec(0i64..10_000, 0..3),
        credits in proptest::collection::vec(1i64..10_000_000, 0..3),
        tax in 0i64..3000,
        rule in 0usize..3,
    ) {
        let mut f = Fixture::new(lines);
        f.discounts = disc.iter().enumerate().map(|(i, p)| InvoiceDiscount::new(format!("d{i}"), "D", Decimal::new(*p, 2)).unwrap()).collect();
        f.credits = credits.iter().enumerate().map(|(i, c)| credit(&format!("c{i}"), &Decimal::new(*c, 2).to_string())).collect();
        f.tax = Percent::new(Decimal::new(tax, 2)).unwrap();
        f.rounding = [RoundingRule::HalfAwayFromZero, RoundingRule::HalfEven, RoundingRule::Down][rule];
        let dr = f.build().unwrap();
        let t = dr.totals;
        prop_assert_eq!(t.total, crate::money::round_document(t.unrounded, "USD", f.rounding));
        prop_assert_eq!(sum_sections(&dr), t.total);
        prop_assert_eq!(t.charges + t.discounts + t.credits, t.taxable);
        prop_assert!(t.credits <= Decimal::ZERO && t.discounts <= Decimal::ZERO);
        let after_disc = t.charges + t.discounts;
        prop_assert!(-t.credits <= after_disc.max(Decimal::ZERO));
        if t.charges >= Decimal::ZERO {
            prop_assert!(t.taxable >= Decimal::ZERO);
            prop_assert!(t.total >= Decimal::ZERO);
        }
        // Every source line lands in exactly one line of the draft.
        let mut refs: Vec<LineRef> = dr.lines().flat_map(|l| l.sources.iter().copied()).collect();
        refs.sort();
        let mut want: Vec<LineRef> = f.lines.iter().map(|l| l.source).collect();
        want.sort();
        prop_assert_eq!(refs, want);
        let cost: Decimal = dr.charges.iter().map(|l| l.cost).sum();
        let stripped: Decimal = dr.stripped.iter().map(|l| l.cost).sum();
        prop_assert_eq!(cost + stripped, f.lines.iter().map(|l| l.cost).sum::<Decimal>());
    }
}
