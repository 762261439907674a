//! Benchmark files: N rows of one payer's month, streamed with memory bounded by the number of accounts.
use std::borrow::Cow;
use std::collections::BTreeSet;
use std::fs;
use std::io::{self, BufWriter, Write};
use std::path::Path;

use chrono::{Days, NaiveDate};

use crate::amount::{Fixed, rate, usage_for};
use crate::catalog::SERVICES;
use crate::csvline::{Line, header};
use crate::format::{FileFormat, RowWriter, TagCase};
use crate::plan::{MeterChoice, MeterPlan, plan_meters};
use crate::rng::{SplitMix64, hash_str, mix64};
use crate::row::{Commit, CommitKind, Head, Kind, Row};

pub const BENCH_PAYER_ID: &str = "900000000001";
pub const BENCH_PAYER_NAME: &str = "Bench Payer";
pub const DEFAULT_ACCOUNTS: usize = 200;
pub const DEFAULT_CUSTOMERS: usize = 50;

/// What to generate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BenchSpec {
    pub format: FileFormat,
    pub rows: u64,
    pub seed: u64,
    pub accounts: usize,
    pub customers: usize,
    /// Real-world cardinality: a resource per instance / volume / bucket / function (about one distinct
    /// resource per [`ROWS_PER_RESOURCE`] usage rows, spread over every account's meters) and a long tail of
    /// product and component tag values. Off: each meter has one resource and a handful of tag values.
    pub high_cardinality: bool,
}

/// High cardinality: usage rows per distinct resource, on average.
pub const ROWS_PER_RESOURCE: u64 = 10;

impl BenchSpec {
    pub fn new(format: FileFormat, rows: u64, seed: u64) -> BenchSpec {
        BenchSpec {
            format,
            rows,
            seed,
            accounts: DEFAULT_ACCOUNTS,
            customers: DEFAULT_CUSTOMERS,
            high_cardinality: false,
        }
    }
}

/// What a generated file holds, counted while it is written (the bench table prints it).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BenchStats {
    pub rows: u64,
    pub accounts: usize,
    pub resources: usize,
    pub products: usize,
    pub components: usize,
    pub usage_types: usize,
    /// Distinct (resource, product, component): the resource rollup's keys per account and day grow with it.
    /// Tags belong to resources, so it is about `resources` (an EKS cluster ARN shared by two meters is the rest).
    pub resource_tags: usize,
}

struct BenchAccount {
    id: String,
    name: String,
    customer: usize,
    meters: Vec<MeterPlan>,
    sp_id: String,
}

fn accounts(spec: &BenchSpec) -> Vec<BenchAccount> {
    let mut rng = SplitMix64::derive(spec.seed, "bench-accounts");
    let customers = spec.customers.max(1);
    let mut taken = BTreeSet::new();
    (0..spec.accounts.max(1))
        .map(|i| {
            let id = loop {
                let id = rng.range(100_000_000_000, 899_999_999_999).to_string();
                if taken.insert(id.clone()) {
                    break id;
                }
            };
            let customer = i % customers;
            let name = format!("cust{customer:05}-{}", i / customers);
            let choice = MeterChoice {
                account_id: &id,
                account_name: &name,
                regions: &[0, 2, 1],
                extra_services: 3 + usize::try_from(rng.below(6)).unwrap_or(0),
                max_daily: usize::MAX,
                savings_plan: i % 7 == 0,
                reserved: false,
                untagged_pct: 15,
            };
            let meters = plan_meters(&mut rng, &choice);
            let sp_id = format!("arn:aws:savingsplans::{BENCH_PAYER_ID}:savingsplan/{:016x}", rng.next_u64());
            BenchAccount { id, name, customer, meters, sp_id }
        })
        .collect()
}

/// Write `rows` data rows (plus a header) of `format` for one payer and the 2026-08 billing period.
/// Deterministic for a seed; memory does not grow with `rows`.
pub fn write_bench(format: FileFormat, rows: u64, seed: u64, out: &mut impl Write) -> io::Result<()> {
    write_bench_spec(&BenchSpec::new(format, rows, seed), out)
}

/// [`write_bench`] with the number of accounts and customers chosen.
pub fn write_bench_spec(spec: &BenchSpec, out: &mut impl Write) -> io::Result<()> {
    write_bench_counted(spec, out, false).map(|_| ())
}

/// [`write_bench_spec`], counting the distinct accounts, resources, tag values and usage types written
/// (memory grows with the distinct values; the plain writer keeps none).
pub fn write_bench_stats(spec: &BenchSpec, out: &mut impl Write) -> io::Result<BenchStats> {
    write_bench_counted(spec, out, true)
}

/// The long tail of tag values: value `n` with probability about 1/(n(n+1)), up to `max`.
fn long_tail(rng: &mut SplitMix64, max: u64) -> u64 {
    let u = rng.below(1 << 30) + 1;
    ((1u64 << 30) / u).min(max)
}

fn write_bench_counted(spec: &BenchSpec, out: &mut impl Write, count: bool) -> io::Result<BenchStats> {
    use std::collections::HashSet;
    let accts = accounts(spec);
    let meters: u64 = accts.iter().map(|a| a.meters.len() as u64).sum::<u64>().max(1);
    let per_meter = (spec.rows / ROWS_PER_RESOURCE / meters).max(1);
    let (mut res_buf, mut prod_buf, mut comp_buf) = (String::new(), String::new(), String::new());
    let mut seen: [HashSet<String>; 5] = Default::default();
    let mut resource_tags: HashSet<(String, String, String)> = HashSet::new();
    let start = NaiveDate::from_ymd_opt(2026, 8, 1).unwrap_or_default();
    let end = NaiveDate::from_ymd_opt(2026, 9, 1).unwrap_or_default();
    let days: u64 = 31;
    let head = Head {
        period_start: start,
        period_end: end,
        invoice_id: "202608000001",
        payer_id: BENCH_PAYER_ID,
        payer_name: BENCH_PAYER_NAME,
    };
    let mut out = BufWriter::with_capacity(1 << 17, out);
    let mut writer = RowWriter::new(spec.format, TagCase::Lower);
    writer.write_header(&mut out)?;
    let mut rng = SplitMix64::derive(spec.seed, "bench-rows");
    let n_accounts = u64::try_from(accts.len()).unwrap_or(1);
    let rows = spec.rows;
    for i in 0..rows {
        let d = u128::from(i) * u128::from(days) / u128::from(rows.max(1));
        let from = start.checked_add_days(Days::new(u64::try_from(d).unwrap_or(0))).unwrap_or(start);
        let to = from.checked_add_days(Days::new(1)).unwrap_or(end);
        let a = &accts[usize::try_from(rng.below(n_accounts)).unwrap_or(0)];
        let Some(m) = rng.pick(&a.meters) else {
            continue;
        };
        let kind = match i % 100 {
            90..=93 if m.commit.is_some() => Kind::SpCovered,
            94 | 95 if m.commit.is_some() && spec.format != FileFormat::Focus => Kind::SpNegation,
            96 => Kind::Credit,
            97 | 98 => Kind::Tax,
            99 => Kind::SpFee,
            _ => Kind::Usage,
        };
        if spec.high_cardinality {
            use std::fmt::Write as _;
            res_buf.clear();
            let r = rng.below(per_meter);
            // A meter without a resource (data transfer, support, …) stays without one.
            if !m.resource_id.is_empty() {
                let _ = write!(res_buf, "{}-{r:08x}", m.resource_id);
            }
            // Tags belong to the resource, as on a real bill: its product and component are drawn once per
            // resource (from a stream named by its id), so every row of a resource carries the same values.
            let mut tags = SplitMix64::new(mix64(spec.seed ^ hash_str(&res_buf)));
            prod_buf.clear();
            let _ = write!(prod_buf, "{}-{}", m.product.unwrap_or("app"), long_tail(&mut tags, 5_000));
            comp_buf.clear();
            let _ = write!(comp_buf, "{}-{}", m.component.unwrap_or("svc"), long_tail(&mut tags, 500));
        }
        let mut row = Row::blank(&head, rng.next_u64(), kind, (&a.id, &a.name), m.service, m.region, from, to);
        match kind {
            Kind::Usage | Kind::SpCovered | Kind::SpNegation => {
                let target = rng.range(20_000, 40_000_000);
                let scale = u32::try_from(rng.range(10, 14)).unwrap_or(10);
                let (usage, cost) = usage_for(&mut rng, target, m.meter.rate, scale, m.meter.whole);
                m.apply(&mut row, usage, cost);
                if spec.high_cardinality {
                    row.resource_id = &res_buf;
                    // Untagged meters stay untagged (the share of untagged cost is kept).
                    if m.product.is_some() {
                        row.product = Some(&prod_buf);
                    }
                    if m.component.is_some() {
                        row.component = Some(&comp_buf);
                    }
                }
                if kind != Kind::Usage {
                    let cr = m.meter.commit_rate.map_or(Fixed::ZERO, rate);
                    row.commit = Some(Commit { kind: CommitKind::SavingsPlan, id: &a.sp_id });
                    row.commit_effective = Some(usage.times(cr).dec());
                }
                if kind == Kind::SpNegation {
                    row.unblended = cost.negated().dec();
                    row.net = row.unblended;
                    row.public_cost = Fixed::ZERO.dec();
                    row.commit_effective = None;
                }
            }
            _ => {
                let amount = Fixed::new(i128::from(rng.range(1_000_000_000, 900_000_000_000)), 10);
                let amount = if kind == Kind::Credit { amount.negated() } else { amount };
                row.unblended = amount.dec();
                row.net = row.unblended;
                row.service = &SERVICES[0];
                row.description = Cow::Borrowed(match kind {
                    Kind::Credit => "AWS Promotional Credit",
                    Kind::Tax => "Tax for product code AmazonEC2",
                    _ => "1 year No Upfront Compute Savings Plan",
                });
                if kind == Kind::SpFee {
                    row.commit = Some(Commit { kind: CommitKind::SavingsPlan, id: &a.sp_id });
                }
                if kind != Kind::Tax {
                    row.start = start;
                    row.end = end;
                }
            }
        }
        if count {
            for (set, v) in seen.iter_mut().zip([
                row.account_id,
                row.resource_id,
                row.product.unwrap_or(""),
                row.component.unwrap_or(""),
                row.usage_type,
            ]) {
                if !v.is_empty() && !set.contains(v) {
                    set.insert(v.to_string());
                }
            }
            if !row.resource_id.is_empty() {
                let (p, c) = (row.product.unwrap_or(""), row.component.unwrap_or(""));
                resource_tags.insert((row.resource_id.to_string(), p.to_string(), c.to_string()));
            }
        }
        writer.write_row(&row, &mut out)?;
    }
    out.flush()?;
    let [accounts, resources, products, components, usage_types] = seen.map(|s| s.len());
    let resource_tags = resource_tags.len();
    Ok(BenchStats { rows: spec.rows, accounts, resources, products, components, usage_types, resource_tags })
}

/// customers.csv and accounts.csv for a benchmark's accounts (same layout as the demo book).
pub fn write_bench_mapping(spec: &BenchSpec, dir: &Path) -> io::Result<()> {
    fs::create_dir_all(dir)?;
    let accts = accounts(spec);
    let mut customers = Vec::new();
    header(&mut customers, &["code", "name", "currency"])?;
    let mut line = Line::new();
    for c in 0..spec.customers.max(1) {
        line.text(&format!("cust{c:05}"));
        line.text(&format!("Bench Customer {c:05}"));
        line.text("USD");
        line.flush_to(&mut customers)?;
    }
    let mut accounts = Vec::new();
    header(&mut accounts, &["account_id", "account_name", "payer_id", "customer_code", "from_date"])?;
    for a in &accts {
        line.text(&a.id);
        line.text(&a.name);
        line.text(BENCH_PAYER_ID);
        line.text(&format!("cust{:05}", a.customer));
        line.text("2026-01-01");
        line.flush_to(&mut accounts)?;
    }
    fs::write(dir.join("customers.csv"), customers)?;
    fs::write(dir.join("accounts.csv"), accounts)
}
