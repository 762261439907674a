//! The lines of one payer's month: daily and monthly usage, commitments, fees, credits, a refund, tax.
use std::borrow::Cow;
use std::collections::BTreeMap;

use chrono::{Datelike, Days, NaiveDate};
use rust_decimal::Decimal;

use super::book::{Account, Book, PAYERS, Payer};
use crate::amount::{Fixed, rate, usage_for};
use crate::catalog::{REGIONS, SERVICES, SUPPORT, Service};
use crate::format::FileFormat;
use crate::plan::{MeterPlan, s3};
use crate::rng::SplitMix64;
use crate::row::{Commit, CommitKind, Head, Kind, Row};

/// The text written in place of a cost on the one bad row.
pub const BAD_COST: &str = "12.3.4";

/// Everything a payer-month's rows borrow.
struct Ctx<'a> {
    payer: &'a Payer,
    invoice: &'a str,
    start: NaiveDate,
    end: NaiveDate,
    rng: SplitMix64,
    rows: Vec<Row<'a>>,
}

/// Per-account running sums used for the month-end lines.
#[derive(Default)]
struct Acc {
    /// Billed usage per service code (the tax base, with fees added later).
    by_service: BTreeMap<&'static str, Fixed>,
    usage_total: Fixed,
    ri_effective: Fixed,
}

impl<'a> Ctx<'a> {
    fn base(
        &mut self,
        a: &'a Account,
        kind: Kind,
        service: &'static Service,
        start: NaiveDate,
        end: NaiveDate,
    ) -> Row<'a> {
        let head = Head {
            period_start: self.start,
            period_end: self.end,
            invoice_id: self.invoice,
            payer_id: self.payer.id,
            payer_name: self.payer.name,
        };
        let region = a.meters.first().map_or(&REGIONS[0], |m| m.region);
        Row::blank(&head, self.rng.next_u64(), kind, (&a.id, &a.name), service, region, start, end)
    }

    /// One usage line (or the covered + negation pair) for a meter over `[start, end)`.
    fn usage(
        &mut self,
        a: &'a Account,
        m: &'a MeterPlan,
        target_micro: i64,
        start: NaiveDate,
        end: NaiveDate,
        acc: &mut Acc,
    ) -> Fixed {
        let public = rate(m.meter.rate);
        let commit_rate = m.meter.commit_rate.map(rate);
        let extra = match (m.commit, commit_rate) {
            (Some(_), Some(cr)) => cr.s.saturating_sub(public.s),
            _ if self.payer.edp => 2,
            _ => 0,
        };
        let cost_scale = u32::try_from(self.rng.range(10, 15 - i64::from(extra))).unwrap_or(10);
        let (usage, cost) = usage_for(&mut self.rng, target_micro, m.meter.rate, cost_scale, m.meter.whole);
        let mut row = self.base(a, Kind::Usage, m.service, start, end);
        m.apply(&mut row, usage, cost);
        let mut commit_effective = Fixed::ZERO;
        match (m.commit, commit_rate) {
            (Some(CommitKind::SavingsPlan), Some(cr)) => {
                commit_effective = usage.times(cr);
                row.kind = Kind::SpCovered;
                row.commit_effective = Some(commit_effective.dec());
                row.commit = Some(Commit { kind: CommitKind::SavingsPlan, id: &a.sp_id });
                row.description = Cow::Owned(format!("Compute Savings Plans covered usage: {}", m.meter.usage_type));
                if self.payer.format != FileFormat::Focus {
                    let mut neg = row.clone();
                    neg.line_id = self.rng.next_u64();
                    neg.kind = Kind::SpNegation;
                    neg.unblended = cost.negated().dec();
                    neg.net = cost.negated().dec();
                    neg.public_cost = Decimal::ZERO;
                    neg.commit_effective = None;
                    neg.description = Cow::Owned(format!(
                        "SavingsPlanNegation used by AccountId : {} and UsageSku : {}",
                        a.id, m.sku_id
                    ));
                    self.rows.push(row);
                    self.rows.push(neg);
                } else {
                    self.rows.push(row);
                }
            }
            (Some(CommitKind::Reserved), Some(cr)) => {
                commit_effective = usage.times(cr);
                acc.ri_effective = acc.ri_effective.plus(commit_effective);
                row.kind = Kind::DiscountedUsage;
                row.rate = Some(Decimal::ZERO);
                row.unblended = Decimal::ZERO;
                row.net = Decimal::ZERO;
                row.commit_effective = Some(commit_effective.dec());
                row.commit = Some(Commit { kind: CommitKind::Reserved, id: &a.ri_id });
                row.description = Cow::Owned(format!("{} reserved instance applied", m.meter.usage_type));
                self.rows.push(row);
            }
            _ => {
                let net = if self.payer.edp { cost.times(Fixed::new(97, 2)) } else { cost };
                row.net = net.dec();
                let e = acc.by_service.entry(m.service.code).or_insert(Fixed::ZERO);
                *e = e.plus(net);
                acc.usage_total = acc.usage_total.plus(net);
                self.rows.push(row);
            }
        }
        commit_effective
    }

    /// A month-level line (fee, credit, refund, tax) with an amount and a description.
    fn monthly(&mut self, a: &'a Account, kind: Kind, service: &'static Service, amount: Fixed, desc: Cow<'a, str>) {
        let mut row = self.base(a, kind, service, self.start, self.end);
        row.unblended = amount.dec();
        row.net = amount.dec();
        row.description = desc;
        self.rows.push(row);
    }
}

fn day(start: NaiveDate, d: u32) -> NaiveDate {
    start.checked_add_days(Days::new(u64::from(d))).unwrap_or(start)
}

/// Generate the rows of payer `p` in period index `k`. `invoice` is empty for an estimated period.
pub fn payer_month<'a>(book: &'a Book, p: usize, k: usize, invoice: &'a str) -> Vec<Row<'a>> {
    let period = book.periods[k];
    let payer = &PAYERS[p];
    let mut ctx = Ctx {
        payer,
        invoice,
        start: period.start(),
        end: period.end(),
        rng: SplitMix64::derive(super::book::DEMO_SEED, &format!("{}-{period}", payer.id)),
        rows: Vec::with_capacity(4096),
    };
    let days = period.days();
    for a in book.accounts.iter().filter(|a| a.payer == p && a.first_period <= k) {
        let monthly = a.monthly_micro * book.trend(a, k) / 100;
        let mut acc = Acc::default();
        for d in 0..days {
            let (from, to) = (day(ctx.start, d), day(ctx.start, d + 1));
            let weekend = from.weekday().number_from_monday() >= 6;
            let mut sp_fee = Fixed::ZERO;
            for m in a.meters.iter().filter(|m| m.daily) {
                let weekday_factor = if weekend { 86 } else { 100 };
                let noise = ctx.rng.range(92, 108) * weekday_factor / 100;
                let target = monthly * m.share_ppm / 1_000_000 / i64::from(days) * noise / 100;
                let eff = ctx.usage(a, m, target, from, to, &mut acc);
                if m.commit == Some(CommitKind::SavingsPlan) {
                    sp_fee = sp_fee.plus(eff);
                }
            }
            if !sp_fee.is_zero() {
                let mut row = ctx.base(a, Kind::SpFee, &SERVICES[0], from, to);
                row.unblended = sp_fee.dec();
                row.net = sp_fee.dec();
                row.commit = Some(Commit { kind: CommitKind::SavingsPlan, id: &a.sp_id });
                row.description = Cow::Borrowed("1 year No Upfront Compute Savings Plan");
                let e = acc.by_service.entry(SERVICES[0].code).or_insert(Fixed::ZERO);
                *e = e.plus(sp_fee);
                ctx.rows.push(row);
            }
        }
        for m in a.meters.iter().filter(|m| !m.daily) {
            let target = monthly * m.share_ppm / 1_000_000 * ctx.rng.range(94, 106) / 100;
            ctx.usage(a, m, target, ctx.start, ctx.end, &mut acc);
        }
        month_end_lines(&mut ctx, a, k, acc);
    }
    ctx.rows
}

fn month_end_lines<'a>(ctx: &mut Ctx<'a>, a: &'a Account, k: usize, mut acc: Acc) {
    if !acc.ri_effective.is_zero() {
        let rds = &SERVICES[1];
        let mut row = ctx.base(a, Kind::Fee, rds, ctx.start, ctx.end);
        row.unblended = acc.ri_effective.dec();
        row.net = acc.ri_effective.dec();
        row.commit = Some(Commit { kind: CommitKind::Reserved, id: &a.ri_id });
        row.description = Cow::Borrowed("Recurring fee for 1 year No Upfront RDS reserved instances");
        let e = acc.by_service.entry(rds.code).or_insert(Fixed::ZERO);
        *e = e.plus(acc.ri_effective);
        ctx.rows.push(row);
    }
    if let Some(pct) = a.extras.support_pct {
        let fee = acc.usage_total.ratio(pct, 100, 0).truncate(10).widen(10);
        ctx.monthly(a, Kind::Fee, &SUPPORT, fee, Cow::Borrowed("AWS Support (Business)"));
        acc.by_service.insert(SUPPORT.code, fee);
    }
    if let Some((desc, pct)) = a.extras.credit {
        let credit = acc.usage_total.ratio(pct, 100, 0).truncate(10).widen(10).negated();
        ctx.monthly(a, Kind::Credit, &SERVICES[0], credit, Cow::Borrowed(desc));
    }
    if let Some((when, m, desc)) = a.extras.refund
        && when == k
    {
        ctx.monthly(a, Kind::Refund, s3(), Fixed::new(m, 10), Cow::Borrowed(desc));
    }
    let tax_rate = rate(ctx.payer.tax_rate);
    for (code, base) in acc.by_service {
        if base.m <= 0 {
            continue;
        }
        let service = SERVICES.iter().find(|s| s.code == code).unwrap_or(&SUPPORT);
        let tax = base.times(tax_rate).truncate(10).widen(10);
        let desc = format!("{} for product code {code}", ctx.payer.tax_label);
        ctx.monthly(a, Kind::Tax, service, tax, Cow::Owned(desc));
    }
}

/// Index of the row to spoil in the designated file: the first plain usage row from the middle on.
pub fn bad_row_index(rows: &[Row<'_>]) -> Option<usize> {
    let mid = rows.len() / 2;
    (mid..rows.len()).find(|&i| rows[i].kind == Kind::Usage)
}
