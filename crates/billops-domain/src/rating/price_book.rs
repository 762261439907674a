//! Price books: ordered, effective-dated, scoped rules; first match wins; no match is pass-through at cost.
use std::collections::HashSet;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::{ChargeLine, LineRef, RatingError};
use crate::line_item::ChargeCategory;
use crate::terms::{Effective, Percent};

/// A rule's id, unique within its price book.
pub type RuleId = String;

/// How a matching rule turns cost into price.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Pricing {
    /// price = cost × (1 + pct/100)
    Markup(Percent),
    /// price = cost × (1 − pct/100); pct ≤ 100
    Discount(Percent),
    /// price = quantity × rate, whatever the cost; the line must carry a quantity.
    FixedUnitRate(Decimal),
}

impl Pricing {
    pub fn markup(pct: Decimal) -> Result<Pricing, RatingError> {
        Ok(Pricing::Markup(Percent::new(pct)?))
    }
    pub fn discount(pct: Decimal) -> Result<Pricing, RatingError> {
        let p = Percent::new(pct)?;
        if p > Percent::HUNDRED {
            return Err(RatingError::InvalidPricing(format!("discount {p} over 100%")));
        }
        Ok(Pricing::Discount(p))
    }
    pub fn fixed_unit_rate(rate: Decimal) -> Result<Pricing, RatingError> {
        if rate.is_sign_negative() && !rate.is_zero() {
            return Err(RatingError::InvalidPricing(format!("negative unit rate {rate}")));
        }
        Ok(Pricing::FixedUnitRate(rate))
    }
    fn check(self) -> Result<(), String> {
        match self {
            Pricing::Discount(p) if p > Percent::HUNDRED => Err(format!("discount {p} over 100%")),
            Pricing::FixedUnitRate(r) if r < Decimal::ZERO => Err(format!("negative unit rate {r}")),
            _ => Ok(()),
        }
    }
    /// The price of a line under this pricing; `None` on overflow or (unit rate) a missing quantity.
    fn price(self, cost: Decimal, quantity: Option<Decimal>) -> Option<Decimal> {
        match self {
            Pricing::Markup(p) => cost.checked_add(p.of(cost)?),
            Pricing::Discount(p) => cost.checked_sub(p.of(cost)?),
            Pricing::FixedUnitRate(r) => quantity?.checked_mul(r),
        }
    }
}

/// Which lines a rule applies to: every field that is `Some` must equal the line's value exactly.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct RuleScope {
    pub service: Option<String>,
    pub product: Option<String>,
    /// Usage type (CUR) or SKU id (FOCUS).
    pub usage_type: Option<String>,
    pub region: Option<String>,
    pub charge_category: Option<ChargeCategory>,
}

impl RuleScope {
    /// Every line.
    pub fn any() -> RuleScope {
        RuleScope::default()
    }
    pub fn service(mut self, s: impl Into<String>) -> Self {
        self.service = Some(s.into());
        self
    }
    pub fn product(mut self, s: impl Into<String>) -> Self {
        self.product = Some(s.into());
        self
    }
    pub fn usage_type(mut self, s: impl Into<String>) -> Self {
        self.usage_type = Some(s.into());
        self
    }
    pub fn region(mut self, s: impl Into<String>) -> Self {
        self.region = Some(s.into());
        self
    }
    pub fn charge_category(mut self, c: ChargeCategory) -> Self {
        self.charge_category = Some(c);
        self
    }
    pub fn matches(&self, l: &ChargeLine) -> bool {
        fn eq(want: &Option<String>, have: &str) -> bool {
            want.as_deref().is_none_or(|w| w == have)
        }
        eq(&self.service, &l.service)
            && eq(&self.product, &l.product)
            && eq(&self.usage_type, &l.usage_type)
            && eq(&self.region, &l.region)
            && self.charge_category.is_none_or(|c| c == l.charge_category)
    }
}

/// One rule of a price book.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "PriceRuleRaw", into = "PriceRuleRaw")]
pub struct PriceRule {
    id: RuleId,
    scope: RuleScope,
    pricing: Pricing,
    effective: Effective,
}

#[derive(Serialize, Deserialize)]
struct PriceRuleRaw {
    id: RuleId,
    scope: RuleScope,
    pricing: Pricing,
    effective: Effective,
}

impl TryFrom<PriceRuleRaw> for PriceRule {
    type Error = RatingError;
    fn try_from(r: PriceRuleRaw) -> Result<Self, Self::Error> {
        PriceRule::new(r.id, r.scope, r.pricing, r.effective)
    }
}

impl From<PriceRule> for PriceRuleRaw {
    fn from(r: PriceRule) -> Self {
        PriceRuleRaw { id: r.id, scope: r.scope, pricing: r.pricing, effective: r.effective }
    }
}

impl PriceRule {
    pub fn new(
        id: impl Into<RuleId>,
        scope: RuleScope,
        pricing: Pricing,
        effective: Effective,
    ) -> Result<PriceRule, RatingError> {
        let id = id.into();
        if id.trim().is_empty() {
            return Err(RatingError::InvalidRule { id, reason: "empty id".into() });
        }
        pricing.check().map_err(|reason| RatingError::InvalidRule { id: id.clone(), reason })?;
        Ok(PriceRule { id, scope, pricing, effective })
    }
    pub fn id(&self) -> &str {
        &self.id
    }
    pub fn scope(&self) -> &RuleScope {
        &self.scope
    }
    pub fn pricing(&self) -> Pricing {
        self.pricing
    }
    pub fn effective(&self) -> Effective {
        self.effective
    }
    /// In scope and effective on the line's usage date.
    pub fn applies_to(&self, l: &ChargeLine) -> bool {
        self.effective.contains(l.usage_date) && self.scope.matches(l)
    }
}

/// A rated line: its cost, its price, and the rule that priced it (`None`: passed through at cost).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RatedLine {
    pub line: ChargeLine,
    pub cost: Decimal,
    pub price: Decimal,
    pub rule_id: Option<RuleId>,
}

impl RatedLine {
    pub fn source(&self) -> LineRef {
        self.line.source
    }
    /// Price minus cost.
    pub fn margin(&self) -> Option<Decimal> {
        self.price.checked_sub(self.cost)
    }
}

/// A customer's price book: rules in the order they are tried.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(try_from = "PriceBookRaw", into = "PriceBookRaw")]
pub struct PriceBook {
    customer: String,
    rules: Vec<PriceRule>,
}

#[derive(Serialize, Deserialize)]
struct PriceBookRaw {
    customer: String,
    rules: Vec<PriceRule>,
}

impl TryFrom<PriceBookRaw> for PriceBook {
    type Error = RatingError;
    fn try_from(r: PriceBookRaw) -> Result<Self, Self::Error> {
        PriceBook::new(r.customer, r.rules)
    }
}

impl From<PriceBook> for PriceBookRaw {
    fn from(b: PriceBook) -> Self {
        PriceBookRaw { customer: b.customer, rules: b.rules }
    }
}

impl PriceBook {
    /// Rules keep the given order (first match wins); ids must be unique.
    pub fn new(customer: impl Into<String>, rules: Vec<PriceRule>) -> Result<PriceBook, RatingError> {
        let mut seen = HashSet::new();
        for r in &rules {
            if !seen.insert(r.id.as_str()) {
                return Err(RatingError::DuplicateRule(r.id.clone()));
            }
        }
        Ok(PriceBook { customer: customer.into(), rules })
    }
    /// No rules: everything passes through at cost.
    pub fn empty(customer: impl Into<String>) -> PriceBook {
        PriceBook { customer: customer.into(), rules: Vec::new() }
    }
    pub fn customer(&self) -> &str {
        &self.customer
    }
    pub fn rules(&self) -> &[PriceRule] {
        &self.rules
    }
    pub fn rule(&self, id: &str) -> Option<&PriceRule> {
        self.rules.iter().find(|r| r.id == id)
    }
    /// The first rule, in order, that applies to the line.
    pub fn rule_for(&self, l: &ChargeLine) -> Option<&PriceRule> {
        self.rules.iter().find(|r| r.applies_to(l))
    }
    /// The line's price and the rule that gave it (`None`: passed through at cost).
    pub fn price(&self, l: &ChargeLine) -> Result<(Decimal, Option<&PriceRule>), RatingError> {
        match self.rule_for(l) {
            None => Ok((l.cost, None)),
            Some(r) => {
                if matches!(r.pricing, Pricing::FixedUnitRate(_)) && l.quantity.is_none() {
                    return Err(RatingError::NoQuantity { rule: r.id.clone(), line: l.source });
                }
                let p = r.pricing.price(l.cost, l.quantity).ok_or(RatingError::Overflow(l.source))?;
                Ok((p, Some(r)))
            }
        }
    }
    pub fn rate(&self, l: &ChargeLine) -> Result<RatedLine, RatingError> {
        let (price, rule) = self.price(l)?;
        Ok(RatedLine { line: l.clone(), cost: l.cost, price, rule_id: rule.map(|r| r.id.clone()) })
    }
    pub fn rate_all(&self, lines: &[ChargeLine]) -> Result<Vec<RatedLine>, RatingError> {
        lines.iter().map(|l| self.rate(l)).collect()
    }
}
