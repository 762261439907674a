//! Building a draft in the fixed order of operations.
use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, HashSet};

use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};

use super::{Draft, InvoiceError, InvoiceLine, LineKind, Totals};
use crate::credit::{ApplicationTarget, Chargeable, Credit, plan_applications};
use crate::fx::{self, FxTable, FxUsed, Pair};
use crate::line_item::ChargeCategory;
use crate::money::{RoundingRule, round_document};
use crate::period::Period;
use crate::rating::{AccountCodeTable, ChargeLine, LineRef, PriceBook, ResourceUnitSet, RuleId};
use crate::terms::Percent;

/// An invoice-level discount: a percentage of the charges.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvoiceDiscount {
    id: String,
    description: String,
    pct: Percent,
}

impl InvoiceDiscount {
    pub fn new(id: impl Into<String>, description: impl Into<String>, pct: Decimal) -> Result<Self, InvoiceError> {
        let id = id.into();
        if id.trim().is_empty() {
            return Err(InvoiceError::Invalid("discount without id".into()));
        }
        let pct = Percent::new(pct).map_err(|e| InvoiceError::Invalid(format!("discount {id}: {e}")))?;
        if pct > Percent::HUNDRED {
            return Err(InvoiceError::Invalid(format!("discount {id}: {pct} is over 100%")));
        }
        Ok(InvoiceDiscount { id, description: description.into(), pct })
    }
    pub fn id(&self) -> &str {
        &self.id
    }
    pub fn description(&self) -> &str {
        &self.description
    }
    pub fn pct(&self) -> Percent {
        self.pct
    }
}

/// Everything a draft is computed from. The lines are the customer's for the period (any charge category).
#[derive(Debug, Clone, Copy)]
pub struct DraftRequest<'a> {
    pub customer: &'a str,
    pub period: Period,
    pub currency: &'a str,
    pub lines: &'a [ChargeLine],
    pub price_book: &'a PriceBook,
    /// Lines a resource unit selects are charged by it; the price book rates the rest.
    pub resource_units: &'a ResourceUnitSet,
    pub account_codes: &'a AccountCodeTable,
    /// Approved discounts, applied in order to the charges.
    pub discounts: &'a [InvoiceDiscount],
    /// The customer's credits; only approved, valid ones with a balance are applied.
    pub credits: &'a [Credit],
    pub tax_rate: Percent,
    pub rounding: RoundingRule,
    /// The period's approved FX rates: a line whose cost is in another currency is converted with its pair's
    /// rate (recorded on the invoice line); without one the draft is refused.
    pub fx: &'a FxTable,
}

#[derive(Default)]
struct Group {
    cost: Decimal,
    amount: Decimal,
    quantity: Option<Decimal>,
    rules: BTreeSet<RuleId>,
    sources: Vec<LineRef>,
}

/// Decimal places a bucket's share of the discounted charges is carried to (rounded toward zero, so a share never
/// exceeds what the bucket holds). A share is a ratio and would otherwise fill all 28 significant digits; summing such
/// values with large amounts makes rust_decimal drop the last digit, and the lines would no longer add up to the
/// totals exactly.
pub const SHARE_SCALE: u32 = 12;

fn add(a: &mut Decimal, b: Decimal) -> Result<(), InvoiceError> {
    *a = a.checked_add(b).ok_or(InvoiceError::Overflow)?;
    Ok(())
}

fn simple(kind: LineKind, description: String, code: &Option<String>, amount: Decimal) -> InvoiceLine {
    InvoiceLine {
        kind,
        description,
        account_code: code.clone(),
        quantity: None,
        cost: Decimal::ZERO,
        amount,
        rule_ids: Vec::new(),
        sources: Vec::new(),
        fx: None,
    }
}

/// The line in the invoice's currency: as it is, or its cost converted with the period's approved rate for its
/// pair (and that rate); no rate: refused, naming the pair and the period.
fn in_invoice_currency<'l>(
    req: &DraftRequest<'_>,
    l: &'l ChargeLine,
) -> Result<(Cow<'l, ChargeLine>, Option<FxUsed>), InvoiceError> {
    if l.currency == req.currency {
        return Ok((Cow::Borrowed(l), None));
    }
    let Some(rate) = req.fx.get(&l.currency, req.currency) else {
        return Err(match Pair::new(&l.currency, req.currency) {
            Ok(pair) => InvoiceError::NoFxRate { pair, period: req.period },
            Err(_) => InvoiceError::CurrencyMismatch {
                line: l.source,
                found: l.currency.clone(),
                expected: req.currency.to_string(),
            },
        });
    };
    let cost = fx::convert(l.cost, rate).ok_or(InvoiceError::Overflow)?;
    Ok((Cow::Owned(ChargeLine { cost, currency: req.currency.to_string(), ..l.clone() }), Some(rate.clone())))
}

/// A converted line says so in its description (documents, console and exports show the rate with the line).
fn with_rate(description: String, fx: &Option<FxUsed>) -> String {
    match fx {
        Some(r) => format!("{description} [{r}]"),
        None => description,
    }
}

/// Build the draft. Pure: credits are planned, not consumed (see [`Draft::credit_applications`]).
pub fn build_draft(req: &DraftRequest<'_>) -> Result<Draft, InvoiceError> {
    let mut ids = HashSet::new();
    if let Some(dup) = req.discounts.iter().find(|x| !ids.insert(x.id.as_str())) {
        return Err(InvoiceError::Invalid(format!("discount {} appears twice", dup.id)));
    }
    let mut totals = Totals::default();

    // 1. Strip supplier credits and tax; 2. rate the rest.
    let mut stripped: BTreeMap<(LineKind, Option<FxUsed>), Group> = BTreeMap::new();
    let mut charges: BTreeMap<(LineKind, Option<String>, Option<FxUsed>), Group> = BTreeMap::new();
    let mut buckets: BTreeMap<(&str, &str), Decimal> = BTreeMap::new();
    for line in req.lines {
        let (l, fx) = in_invoice_currency(req, line)?;
        let l = l.as_ref();
        if matches!(l.charge_category, ChargeCategory::Tax | ChargeCategory::Credit) {
            let g = stripped
                .entry((LineKind::Stripped { category: l.charge_category, service: l.service.clone() }, fx))
                .or_default();
            add(&mut g.cost, l.cost)?;
            g.sources.push(l.source);
            add(&mut totals.stripped, l.cost)?;
            continue;
        }
        let (kind, amount, volume, rule) = match req.resource_units.rate(l)? {
            Some(ru) => (LineKind::ResourceUnit { ru_id: ru.ru_id, rate: ru.rate }, ru.charge, Some(ru.volume), None),
            None => {
                let (price, rule) = req.price_book.price(l)?;
                let kind = LineKind::Usage {
                    service: l.service.clone(),
                    product: l.product.clone(),
                    component: l.component.clone(),
                };
                (kind, price, None, rule.map(|r| r.id().to_string()))
            }
        };
        let code =
            req.account_codes.resolve(req.customer, &l.product, &l.account, l.usage_date).map(|c| c.code.clone());
        let g = charges.entry((kind, code, fx)).or_default();
        add(&mut g.cost, l.cost)?;
        add(&mut g.amount, amount)?;
        if let Some(v) = volume {
            add(g.quantity.get_or_insert(Decimal::ZERO), v)?;
        }
        g.rules.extend(rule);
        g.sources.push(l.source);
        add(buckets.entry((line.account.as_str(), line.service.as_str())).or_insert(Decimal::ZERO), amount)?;
        add(&mut totals.cost, l.cost)?;
        add(&mut totals.charges, amount)?;
    }
    let stripped: Vec<InvoiceLine> = stripped
        .into_iter()
        .map(|((kind, fx), g)| {
            let description = match &kind {
                LineKind::Stripped { category, service } => format!("{service} supplier {category} (not billed)"),
                _ => String::new(),
            };
            let description = with_rate(description, &fx);
            InvoiceLine {
                kind,
                description,
                account_code: None,
                quantity: None,
                cost: g.cost,
                amount: Decimal::ZERO,
                rule_ids: Vec::new(),
                sources: g.sources,
                fx,
            }
        })
        .collect();
    let charges: Vec<InvoiceLine> = charges
        .into_iter()
        .map(|((kind, account_code, fx), g)| {
            let description = match &kind {
                LineKind::Usage { service, product, component } => format!("{service} / {product} / {component}"),
                LineKind::ResourceUnit { ru_id, rate } => {
                    let unit = req.resource_units.units().iter().find(|u| u.id() == ru_id);
                    let (name, unit) = unit.map_or((ru_id.as_str(), ""), |u| (u.name(), u.unit()));
                    format!("{name}: {} {unit} at {rate}", g.quantity.unwrap_or_default().normalize())
                }
                _ => String::new(),
            };
            let description = with_rate(description, &fx);
            InvoiceLine {
                kind,
                description,
                account_code,
                quantity: g.quantity,
                cost: g.cost,
                amount: g.amount,
                rule_ids: g.rules.into_iter().collect(),
                sources: g.sources,
                fx,
            }
        })
        .collect();

    let customer_code = req.account_codes.resolve_customer(req.customer, req.period.start()).map(|c| c.code.clone());

    // 3. Discounts: each a percentage of the charges, together never more than the charges.
    let base = totals.charges.max(Decimal::ZERO);
    let mut left = base;
    let mut discounts = Vec::new();
    for x in req.discounts {
        let amount = x.pct.of(base).ok_or(InvoiceError::Overflow)?.min(left);
        left = left.checked_sub(amount).ok_or(InvoiceError::Overflow)?;
        add(&mut totals.discounts, -amount)?;
        let description = format!("{} ({})", x.description, x.pct);
        discounts.push(simple(LineKind::Discount { id: x.id.clone() }, description, &customer_code, -amount));
    }

    // 4. Credits: on what is left after discounts, per account and service, never below zero.
    let after_discounts = totals.charges.checked_add(totals.discounts).ok_or(InvoiceError::Overflow)?;
    let scale = |v: Decimal| -> Result<Decimal, InvoiceError> {
        if base.is_zero() || totals.discounts.is_zero() {
            return Ok(v);
        }
        let share = v.checked_mul(after_discounts).and_then(|x| x.checked_div(base)).ok_or(InvoiceError::Overflow)?;
        Ok(share.round_dp_with_strategy(SHARE_SCALE, RoundingStrategy::ToZero))
    };
    let chargeable = buckets
        .into_iter()
        .map(|((account, service), amount)| {
            Ok(Chargeable { account: account.to_string(), service: service.to_string(), amount: scale(amount)? })
        })
        .collect::<Result<Vec<_>, InvoiceError>>()?;
    let target = ApplicationTarget {
        customer: req.customer.to_string(),
        currency: req.currency.to_string(),
        period: req.period,
        chargeable,
        cap: after_discounts.max(Decimal::ZERO),
    };
    let credit_applications = plan_applications(req.credits, &target)?;
    let mut credits = Vec::new();
    for a in &credit_applications {
        add(&mut totals.credits, -a.amount)?;
        let kind = LineKind::Credit { credit_id: a.credit_id.clone(), kind: a.kind.clone() };
        credits.push(simple(kind, format!("{} credit {}", a.kind, a.credit_id), &customer_code, -a.amount));
    }

    // 5. Tax on charges after discounts and credits.
    totals.taxable = after_discounts.checked_add(totals.credits).ok_or(InvoiceError::Overflow)?;
    let mut tax = Vec::new();
    if !req.tax_rate.is_zero() {
        totals.tax = req.tax_rate.of(totals.taxable).ok_or(InvoiceError::Overflow)?;
        let kind = LineKind::Tax { rate: req.tax_rate };
        tax.push(simple(kind, format!("Tax {}", req.tax_rate), &customer_code, totals.tax));
    }

    // 6. Round the document once; the difference is its own line.
    totals.unrounded = totals.taxable.checked_add(totals.tax).ok_or(InvoiceError::Overflow)?;
    totals.total = round_document(totals.unrounded, req.currency, req.rounding);
    totals.rounding = totals.total.checked_sub(totals.unrounded).ok_or(InvoiceError::Overflow)?;
    let mut rounding = Vec::new();
    if !totals.rounding.is_zero() {
        let description = format!("Rounding ({:?})", req.rounding);
        rounding.push(simple(LineKind::Rounding, description, &customer_code, totals.rounding));
    }

    Ok(Draft {
        customer: req.customer.to_string(),
        period: req.period,
        currency: req.currency.to_string(),
        rounding_rule: req.rounding,
        tax_rate: req.tax_rate,
        stripped,
        charges,
        discounts,
        credits,
        tax,
        rounding,
        credit_applications,
        totals,
    })
}
