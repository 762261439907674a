//! `billops ru`, `customers model`, `pricebook add` / `pricebook preview`: rating from the command line, thin
//! over the store and `crate::month::rating`.
use billops_domain::Period;
use billops_domain::rating::{PriceRule, Pricing, RatingDiff, RuleScope, VolumeSelector};
use billops_store::{BillingModel, NewResourceUnit, StoredResourceUnit};
use chrono::NaiveDate;
use clap::{Args, Subcommand};
use serde::Serialize;

use super::month::{amount, date, period, print};
use super::output::{OutputFormat, Table};
use super::{Ctx, Failure};
use crate::month::rating::{PREVIEW_RULE, preview_rule, pricing_text, scope_text};

#[derive(Debug, Subcommand)]
pub enum RuCmd {
    /// Define a resource unit: the lines it selects (at least one of --service, --usage-type [prefix*],
    /// --region, --source-unit) and the factor from their quantity to billed volume.
    Add {
        id: String,
        #[arg(long)]
        name: String,
        /// The unit billed volume is in (vCPU-hour, GB-month).
        #[arg(long)]
        unit: String,
        #[arg(long)]
        service: Option<String>,
        /// A usage type, or a prefix ending in `*` (BoxUsage:*).
        #[arg(long)]
        usage_type: Option<String>,
        #[arg(long)]
        region: Option<String>,
        /// The unit of the source lines (Hrs, GB-Mo).
        #[arg(long)]
        source_unit: Option<String>,
        /// Source quantity × factor = billed volume (positive).
        #[arg(long)]
        factor: String,
    },
    /// Set a resource unit's rate per unit of volume from a month's first day (YYYY-MM-01) on.
    Rate {
        id: String,
        rate: String,
        #[arg(long)]
        from: String,
    },
    /// Resource units with their selectors, factors and rates.
    List {
        #[arg(long, value_enum, default_value_t)]
        format: OutputFormat,
    },
}

/// The rule flags of `pricebook add` and `pricebook preview`.
#[derive(Debug, Clone, Default, Args)]
pub struct RuleArgs {
    /// Percent added to cost.
    #[arg(long)]
    pub markup: Option<String>,
    /// Percent taken off cost.
    #[arg(long)]
    pub discount: Option<String>,
    /// Price per unit of quantity (the lines must carry a quantity).
    #[arg(long)]
    pub rate: Option<String>,
    #[arg(long)]
    pub service: Option<String>,
    #[arg(long)]
    pub product: Option<String>,
    /// Usage type (CUR) or SKU id (FOCUS), exactly.
    #[arg(long)]
    pub usage_type: Option<String>,
    #[arg(long)]
    pub region: Option<String>,
    #[arg(long)]
    pub charge_category: Option<String>,
    /// Effective from a month's first day, YYYY-MM-01 (default: the first month after the last locked one, or
    /// every month when none is locked).
    #[arg(long)]
    pub from: Option<String>,
}

impl RuleArgs {
    /// The rule's scope, pricing and effective-from date, or a message naming the bad flag.
    pub fn parse(self) -> Result<(RuleScope, Pricing, Option<NaiveDate>), Failure> {
        let bad = |e: billops_domain::rating::RatingError| Failure::user(e.to_string());
        let pricing = match (self.markup, self.discount, self.rate) {
            (Some(m), None, None) => Pricing::markup(amount(&m, "--markup")?).map_err(bad)?,
            (None, Some(d), None) => Pricing::discount(amount(&d, "--discount")?).map_err(bad)?,
            (None, None, Some(r)) => Pricing::fixed_unit_rate(amount(&r, "--rate")?).map_err(bad)?,
            _ => return Err(Failure::user("give exactly one of --markup, --discount or --rate")),
        };
        let mut scope = RuleScope::any();
        scope.service = self.service;
        scope.product = self.product;
        scope.usage_type = self.usage_type;
        scope.region = self.region;
        if let Some(c) = self.charge_category {
            scope.charge_category = Some(c.parse().map_err(|e| Failure::user(format!("--charge-category: {e}")))?);
        }
        let from = self.from.map(|f| date(&f, "--from")).transpose()?;
        Ok((scope, pricing, from))
    }
}

/// Where a rule starts when `--from` is not given: the first open month after the last locked one (a locked
/// month is never re-priced), or every month when none is locked.
async fn default_from(ctx: &Ctx) -> Result<NaiveDate, Failure> {
    let last = ctx.store.locked_periods().await?.into_iter().map(|l| l.period).max();
    Ok(match last {
        Some(p) => p.next().start(),
        None => NaiveDate::from_ymd_opt(2000, 1, 1).unwrap_or_default(),
    })
}

pub async fn add_rule(ctx: &Ctx, customer: &str, rule: RuleArgs) -> Result<u8, Failure> {
    let (scope, pricing, from) = rule.parse()?;
    let from = match from {
        Some(f) => f,
        None => default_from(ctx).await?,
    };
    let r = ctx.store.add_price_rule(customer, scope, pricing, from, &ctx.actor()).await?;
    outln!("rule {} added to {customer}'s price book", r.rule.id())?;
    Ok(0)
}

#[derive(Serialize)]
struct PreviewView<'a> {
    customer: &'a str,
    period: Period,
    rule: PriceRule,
    #[serde(flatten)]
    diff: &'a RatingDiff,
}

fn opt(r: &Option<String>) -> String {
    r.clone().unwrap_or_else(|| "(at cost)".into())
}

/// `pricebook preview CUSTOMER YYYY-MM <rule flags>`: the effect of adding the rule, nothing saved.
pub async fn preview(
    ctx: &Ctx,
    customer: &str,
    month: &str,
    rule: RuleArgs,
    format: OutputFormat,
) -> Result<u8, Failure> {
    let p = period(month)?;
    let (scope, pricing, from) = rule.parse()?;
    let from = match from {
        Some(f) => f,
        None => default_from(ctx).await?,
    };
    let diff = preview_rule(ctx.store.as_ref(), customer, p, scope.clone(), pricing, from).await?;
    if format == OutputFormat::Json {
        let rule = PriceRule::new(PREVIEW_RULE, scope, pricing, billops_domain::terms::Effective::starting(from))
            .map_err(|e| Failure::user(e.to_string()))?;
        let view = PreviewView { customer, period: p, rule, diff: &diff };
        rawln!("{}", serde_json::to_string_pretty(&view).map_err(|e| Failure::user(e.to_string()))?)?;
        return Ok(0);
    }
    let delta = |d: Option<rust_decimal::Decimal>| d.map(|x| x.normalize().to_string()).unwrap_or_default();
    if format == OutputFormat::Table {
        outln!(
            "preview (not saved): {customer} {p}, rule {PREVIEW_RULE} = {} on {} from {from}",
            pricing_text(pricing),
            scope_text(&scope)
        )?;
        outln!("by rule (old -> new):")?;
    }
    let mut t = Table::new(&["old rule", "new rule", "lines", "cost", "old price", "new price", "change"])
        .numeric("lines")
        .numeric("cost")
        .numeric("old price")
        .numeric("new price")
        .numeric("change");
    for r in &diff.by_rule {
        t.push(vec![
            opt(&r.old_rule),
            opt(&r.new_rule),
            r.lines.to_string(),
            r.cost.normalize().to_string(),
            r.old_price.normalize().to_string(),
            r.new_price.normalize().to_string(),
            delta(r.delta()),
        ]);
    }
    print(&t, format)?;
    if format == OutputFormat::Table {
        outln!("by service:")?;
        let mut t = Table::new(&["service", "lines", "cost", "old price", "new price", "change"])
            .numeric("lines")
            .numeric("cost")
            .numeric("old price")
            .numeric("new price")
            .numeric("change");
        for s in &diff.by_service {
            t.push(vec![
                s.service.clone(),
                s.lines.to_string(),
                s.cost.normalize().to_string(),
                s.old_price.normalize().to_string(),
                s.new_price.normalize().to_string(),
                delta(s.delta()),
            ]);
        }
        print(&t, format)?;
        outln!(
            "{} line(s), {} changed; cost {}; total {} -> {} (change {})",
            diff.lines,
            diff.changed_lines,
            diff.cost.normalize(),
            diff.old_total.normalize(),
            diff.new_total.normalize(),
            delta(diff.delta())
        )?;
    }
    Ok(0)
}

fn selector_text(s: &VolumeSelector) -> String {
    let mut parts = Vec::new();
    for (k, v) in
        [("service", &s.service), ("usage_type", &s.usage_type), ("region", &s.region), ("source_unit", &s.unit)]
    {
        if let Some(v) = v {
            parts.push(format!("{k}={v}"));
        }
    }
    parts.join(" ")
}

fn rates_text(u: &StoredResourceUnit) -> String {
    if u.rates.is_empty() {
        return "(no rate)".into();
    }
    u.rates.iter().map(|r| format!("{} from {}", r.rate.normalize(), r.from)).collect::<Vec<_>>().join("; ")
}

pub async fn ru(ctx: &Ctx, c: RuCmd) -> Result<u8, Failure> {
    match c {
        RuCmd::Add { id, name, unit, service, usage_type, region, source_unit, factor } => {
            let ru = NewResourceUnit {
                id,
                name,
                unit,
                selector: VolumeSelector { service, usage_type, region, unit: source_unit },
                factor: amount(&factor, "--factor")?,
            };
            let u = ctx.store.add_resource_unit(&ru, &ctx.actor()).await?;
            outln!(
                "resource unit {} added: {} ({}) from {} × {}",
                u.id,
                u.name,
                u.unit,
                selector_text(&u.selector),
                u.factor
            )?;
            Ok(0)
        }
        RuCmd::Rate { id, rate, from } => {
            let rate = amount(&rate, "RATE")?;
            let from = date(&from, "--from")?;
            let u = ctx.store.set_resource_unit_rate(&id, rate, from, &ctx.actor()).await?;
            outln!("resource unit {} rate {} per {} from {from}", u.id, rate.normalize(), u.unit)?;
            Ok(0)
        }
        RuCmd::List { format } => {
            let units = ctx.store.list_resource_units().await?;
            if format == OutputFormat::Json {
                rawln!("{}", serde_json::to_string_pretty(&units).map_err(|e| Failure::user(e.to_string()))?)?;
                return Ok(0);
            }
            let mut t = Table::new(&["id", "name", "unit", "selects", "factor", "rates"]).numeric("factor");
            for u in &units {
                t.push(vec![
                    u.id.clone(),
                    u.name.clone(),
                    u.unit.clone(),
                    selector_text(&u.selector),
                    u.factor.normalize().to_string(),
                    rates_text(u),
                ]);
            }
            print(&t, format)
        }
    }
}

/// `customers model CODE [resale|chargeback]`: set the billing model, or print it.
pub async fn model(ctx: &Ctx, code: &str, model: Option<String>) -> Result<u8, Failure> {
    match model {
        Some(m) => {
            let m: BillingModel = m.parse().map_err(Failure::user)?;
            ctx.store.set_billing_model(code, m, &ctx.actor()).await?;
            outln!("{code} is billed by {m}")?;
        }
        None => {
            ctx.store.customer(code).await?;
            let models = ctx.store.billing_models().await?;
            let m = models.iter().find(|m| m.customer == code).map(|m| m.model).unwrap_or_default();
            outln!("{code} is billed by {m}")?;
        }
    }
    Ok(0)
}
