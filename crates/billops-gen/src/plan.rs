//! What each linked account runs: its meters (service × usage type × resource), their share of the account's
//! spend, their tags and whether a commitment covers them. Shared by the demo book and the benchmark files.
use std::borrow::Cow;

use crate::amount::{Fixed, rate};
use crate::catalog::{EC2, Meter, PRODUCTS, RDS, REGIONS, Region, ResKind, S3, SERVICES, Service};
use crate::rng::{SplitMix64, hash_str};
use crate::row::{CommitKind, Row};

/// One metered thing an account pays for.
#[derive(Debug, Clone)]
pub struct MeterPlan {
    pub service: &'static Service,
    pub meter: &'static Meter,
    pub region: &'static Region,
    /// Usage type with the region prefix (`EU-BoxUsage:m6i.xlarge`).
    pub usage_type: String,
    pub resource_id: String,
    pub sku_id: String,
    pub sku_price_id: String,
    pub product: Option<&'static str>,
    pub component: Option<&'static str>,
    /// Share of the account's spend in parts per million.
    pub share_ppm: i64,
    /// One line per day (else one per month).
    pub daily: bool,
    pub commit: Option<CommitKind>,
}

impl MeterPlan {
    /// Fill a usage line's meter fields: usage type, resource, quantity, public rate and cost, tags.
    pub fn apply<'a>(&'a self, row: &mut Row<'a>, usage: Fixed, cost: Fixed) {
        row.service = self.service;
        row.region = self.region;
        row.usage_type = &self.usage_type;
        row.operation = self.meter.operation;
        row.resource_id = &self.resource_id;
        row.unit = self.meter.unit;
        row.sku_id = &self.sku_id;
        row.sku_price_id = &self.sku_price_id;
        row.sku_meter = self.meter.sku_meter;
        row.resource_type = self.meter.resource_type;
        row.usage = Some(usage.dec());
        let public = rate(self.meter.rate).dec();
        row.public_rate = Some(public);
        row.rate = Some(public);
        row.public_cost = cost.dec();
        row.unblended = cost.dec();
        row.net = cost.dec();
        row.product = self.product;
        row.component = self.component;
        row.description = Cow::Borrowed(self.meter.description);
    }
}

/// How an account's meters are chosen.
#[derive(Debug, Clone, Copy)]
pub struct MeterChoice<'a> {
    pub account_id: &'a str,
    pub account_name: &'a str,
    pub regions: &'a [usize],
    /// Services beyond EC2.
    pub extra_services: usize,
    /// At most this many meters get daily lines; the rest are written once a month.
    pub max_daily: usize,
    pub savings_plan: bool,
    pub reserved: bool,
    /// Percent of meters without any tag.
    pub untagged_pct: u64,
}

fn hex(rng: &mut SplitMix64, n: usize) -> String {
    let v = format!("{:016x}{:016x}", rng.next_u64(), rng.next_u64());
    v[..n.min(32)].to_string()
}

fn resource_id(
    rng: &mut SplitMix64,
    kind: ResKind,
    c: &MeterChoice<'_>,
    region: &Region,
    product: &str,
    component: &str,
) -> String {
    let (acct, r) = (c.account_id, region.code);
    match kind {
        ResKind::Instance => format!("i-0{}", hex(rng, 16)),
        ResKind::Volume => format!("vol-0{}", hex(rng, 16)),
        ResKind::Db => format!("arn:aws:rds:{r}:{acct}:db:{product}-{component}-{}", rng.below(9) + 1),
        ResKind::Bucket => format!("{}-{product}-{}", c.account_name, hex(rng, 6)),
        ResKind::Cluster => format!("arn:aws:eks:{r}:{acct}:cluster/{product}"),
        ResKind::LoadBalancer => {
            format!("arn:aws:elasticloadbalancing:{r}:{acct}:loadbalancer/app/{product}-alb/{}", hex(rng, 16))
        }
        ResKind::NatGateway => format!("nat-0{}", hex(rng, 16)),
        ResKind::Distribution => {
            format!("arn:aws:cloudfront::{acct}:distribution/E{}", hex(rng, 12).to_ascii_uppercase())
        }
        ResKind::Table => format!("arn:aws:dynamodb:{r}:{acct}:table/{product}-{component}"),
        ResKind::Function => format!("arn:aws:lambda:{r}:{acct}:function:{product}-{component}"),
        ResKind::Key => {
            let h = hex(rng, 32);
            format!("arn:aws:kms:{r}:{acct}:key/{}-{}-{}-{}-{}", &h[..8], &h[8..12], &h[12..16], &h[16..20], &h[20..32])
        }
        ResKind::None => String::new(),
    }
}

/// Choose services (EC2 always, then by weight without replacement) and lay out their meters.
pub fn plan_meters(rng: &mut SplitMix64, c: &MeterChoice<'_>) -> Vec<MeterPlan> {
    let mut services = vec![EC2];
    let mut weights: Vec<u32> = SERVICES.iter().map(|s| s.weight).collect();
    weights[EC2] = 0;
    if c.reserved {
        services.push(RDS);
        weights[RDS] = 0;
    }
    while services.len() < c.extra_services + 1 && weights.iter().any(|w| *w > 0) {
        let i = rng.weighted(&weights);
        weights[i] = 0;
        services.push(i);
    }
    services.sort_unstable();
    // Products this account serves: one to three.
    let n_products = 1 + rng.below(3);
    let products: Vec<&'static str> = (0..n_products).filter_map(|_| rng.pick(&PRODUCTS).copied()).collect();

    let mut plans = Vec::new();
    let mut total_weight: i64 = 0;
    let mut sp_taken = false;
    let mut ri_taken = false;
    for &si in &services {
        let service = &SERVICES[si];
        for (mi, meter) in service.meters.iter().enumerate() {
            // The first meter of a service always runs; the others often do.
            if mi > 0 && !rng.chance(65) {
                continue;
            }
            let region_idx = match c.regions {
                [] => 0,
                [only] => *only,
                [first, rest @ ..] => {
                    if rng.chance(80) {
                        *first
                    } else {
                        *rng.pick(rest).unwrap_or(first)
                    }
                }
            };
            let region = &REGIONS[region_idx.min(REGIONS.len() - 1)];
            let untagged = rng.chance(c.untagged_pct);
            let product = if untagged { None } else { rng.pick(&products).copied() };
            let component = if untagged || rng.chance(6) { None } else { rng.pick(meter.components).copied() };
            let commit = match (meter.commit_rate, si) {
                (Some(_), EC2) if c.savings_plan && !sp_taken => {
                    sp_taken = true;
                    Some(CommitKind::SavingsPlan)
                }
                (Some(_), RDS) if c.reserved && !ri_taken => {
                    ri_taken = true;
                    Some(CommitKind::Reserved)
                }
                _ => None,
            };
            let w = i64::from(service.weight) * i64::from(meter.weight);
            total_weight += w;
            let usage_type = format!("{}{}", region.prefix, meter.usage_type);
            let resource_id =
                resource_id(rng, meter.resource, c, region, product.unwrap_or("shared"), component.unwrap_or("main"));
            plans.push(MeterPlan {
                service,
                meter,
                region,
                sku_id: format!("SKU-{:012x}", hash_str(meter.usage_type) >> 16),
                sku_price_id: format!("SPRICE-{:012x}", hash_str(&usage_type) >> 16),
                usage_type,
                resource_id,
                product,
                component,
                share_ppm: w,
                daily: meter.daily,
                commit,
            });
        }
    }
    // Normalise shares; committed meters and the biggest shares get the daily lines.
    for p in &mut plans {
        p.share_ppm = p.share_ppm * 1_000_000 / total_weight.max(1);
    }
    let mut order: Vec<usize> = (0..plans.len()).filter(|&i| plans[i].daily).collect();
    order.sort_by_key(|&i| (plans[i].commit.is_none(), -plans[i].share_ppm, i));
    for (rank, &i) in order.iter().enumerate() {
        if rank >= c.max_daily && plans[i].commit.is_none() {
            plans[i].daily = false;
        }
    }
    plans
}

/// The S3 service (refunds are written against it).
pub fn s3() -> &'static Service {
    &SERVICES[S3]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plans_are_deterministic_and_shares_sum_to_about_a_million() {
        let choice = MeterChoice {
            account_id: "123456789012",
            account_name: "acme-prod",
            regions: &[0, 1],
            extra_services: 5,
            max_daily: 2,
            savings_plan: true,
            reserved: true,
            untagged_pct: 15,
        };
        let a = plan_meters(&mut SplitMix64::new(9), &choice);
        let b = plan_meters(&mut SplitMix64::new(9), &choice);
        assert_eq!(format!("{a:?}"), format!("{b:?}"));
        let total: i64 = a.iter().map(|p| p.share_ppm).sum();
        assert!((990_000..=1_000_000).contains(&total), "{total}");
        assert!(a.iter().any(|p| p.commit == Some(CommitKind::SavingsPlan)));
        assert!(a.iter().any(|p| p.commit == Some(CommitKind::Reserved)));
        assert_eq!(a[0].service.code, "AmazonEC2");
    }
}
